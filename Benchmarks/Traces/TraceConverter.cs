using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;

namespace MemOS.Benchmarks.Traces;

/// <summary>
/// Turns the recorder's raw records (memtrace.c: 32 bytes each, op and two arguments and the result, little endian)
/// into a <see cref="Trace"/>: pointers become slots, calls that failed or that name a pointer the recorder never saw
/// returned (allocated before it was loaded, or through a path it does not see) are dropped and counted.
/// </summary>
public static class TraceConverter
{
    private const int RecordBytes = 32;

    /// <summary>Records the conversion left out, for the description.</summary>
    public readonly record struct Dropped(long FailedCalls, long UnknownFrees, long UnknownReallocs, long Reused);

    public static HeapTrace Convert(string rawPath, string name, string description, out Dropped dropped)
    {
        byte[] raw = File.ReadAllBytes(rawPath);
        if (raw.Length % RecordBytes != 0)
            throw new InvalidDataException($"{rawPath}: {raw.Length} bytes is not a whole number of records");
        var events = new List<TraceEvent>(raw.Length / RecordBytes);
        var slotOf = new Dictionary<ulong, int>();
        var freeSlots = new Stack<int>();
        int slots = 0;
        long failed = 0, unknownFrees = 0, unknownReallocs = 0, reused = 0;

        int NewSlot(ulong pointer)
        {
            // A pointer handed out again while we think it is live: its free went unseen. Free it here.
            if (slotOf.Remove(pointer, out int stale))
            {
                events.Add(new TraceEvent(TraceOp.Free, stale, 0, 0));
                freeSlots.Push(stale);
                reused++;
            }
            int s = freeSlots.Count > 0 ? freeSlots.Pop() : slots++;
            slotOf[pointer] = s;
            return s;
        }

        for (int at = 0; at < raw.Length; at += RecordBytes)
        {
            var r = raw.AsSpan(at, RecordBytes);
            ulong op = BinaryPrimitives.ReadUInt64LittleEndian(r);
            ulong a = BinaryPrimitives.ReadUInt64LittleEndian(r[8..]);
            ulong b = BinaryPrimitives.ReadUInt64LittleEndian(r[16..]);
            ulong result = BinaryPrimitives.ReadUInt64LittleEndian(r[24..]);
            switch (op)
            {
                case 1 or 3: // malloc(a), calloc(total a)
                    if (result == 0) { failed++; break; }
                    events.Add(new TraceEvent(op == 1 ? TraceOp.Malloc : TraceOp.Calloc, NewSlot(result), a, 0));
                    break;
                case 5: // memalign(a, b)
                    if (result == 0) { failed++; break; }
                    events.Add(new TraceEvent(TraceOp.Memalign, NewSlot(result), b, a));
                    break;
                case 2: // free(a)
                    if (!slotOf.Remove(a, out int freed)) { unknownFrees++; break; }
                    events.Add(new TraceEvent(TraceOp.Free, freed, 0, 0));
                    freeSlots.Push(freed);
                    break;
                case 4: // realloc(a, b) = result
                    if (a == 0)
                    {
                        if (result == 0) failed++;
                        else events.Add(new TraceEvent(TraceOp.Malloc, NewSlot(result), b, 0));
                        break;
                    }
                    if (!slotOf.TryGetValue(a, out int s))
                    {
                        unknownReallocs++;
                        if (result != 0) events.Add(new TraceEvent(TraceOp.Malloc, NewSlot(result), b, 0));
                        break;
                    }
                    if (result == 0)
                    {
                        if (b != 0) { failed++; break; } // failed: the old block stays
                        slotOf.Remove(a); // realloc(p, 0) freed p
                        events.Add(new TraceEvent(TraceOp.Free, s, 0, 0));
                        freeSlots.Push(s);
                        break;
                    }
                    slotOf.Remove(a);
                    if (slotOf.Remove(result, out int stale))
                    {
                        events.Add(new TraceEvent(TraceOp.Free, stale, 0, 0));
                        freeSlots.Push(stale);
                        reused++;
                    }
                    slotOf[result] = s;
                    events.Add(new TraceEvent(TraceOp.Realloc, s, b, 0));
                    break;
                default:
                    throw new InvalidDataException($"{rawPath}: record {at / RecordBytes}: unknown op {op}");
            }
        }
        dropped = new Dropped(failed, unknownFrees, unknownReallocs, reused);
        return new HeapTrace(name, description, Math.Max(slots, 1), events.ToArray());
    }
}
