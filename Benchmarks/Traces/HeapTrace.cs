using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Text;

namespace MemOS.Benchmarks.Traces;

/// <summary>
/// A recorded program's heap calls, in order. On disk (NAME.mtrace.gz): gzip of "MTR1", the description
/// (varint length + UTF-8), the slot count, the event count, then per event its op byte and varints: slot, and
/// size (Malloc, Calloc, Realloc) or alignment and size (Memalign).
/// </summary>
public sealed class HeapTrace
{
    private static readonly byte[] Magic = "MTR1"u8.ToArray();

    public HeapTrace(string name, string description, int slots, TraceEvent[] events)
    {
        Name = name;
        Description = description;
        Slots = slots;
        Events = events;
    }

    /// <summary>Short name (the program: gcc, sqlite3...).</summary>
    public string Name { get; }

    /// <summary>What was recorded: the command and the process the trace is of.</summary>
    public string Description { get; }

    /// <summary>Slots used: at least the most blocks live at once.</summary>
    public int Slots { get; }

    public TraceEvent[] Events { get; }

    public void Save(string path)
    {
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.SmallestSize);
        using var output = new BufferedStream(gzip, 1 << 16);
        output.Write(Magic);
        byte[] text = Encoding.UTF8.GetBytes(Description);
        WriteVarint(output, (ulong)text.Length);
        output.Write(text);
        WriteVarint(output, (ulong)Slots);
        WriteVarint(output, (ulong)Events.Length);
        foreach (var e in Events)
        {
            output.WriteByte((byte)e.Op);
            WriteVarint(output, (ulong)e.Slot);
            if (e.Op == TraceOp.Memalign) WriteVarint(output, e.Alignment);
            if (e.Op != TraceOp.Free) WriteVarint(output, e.Size);
        }
    }

    /// <summary>Read a trace; a file that is not one (bad magic, truncated, a slot out of range, an unknown op)
    /// is an InvalidDataException naming the file.</summary>
    public static HeapTrace Load(string path)
    {
        string name = Path.GetFileName(path);
        int dot = name.IndexOf('.', StringComparison.Ordinal);
        if (dot > 0) name = name[..dot];
        try
        {
            using var file = File.OpenRead(path);
            using var gzip = new GZipStream(file, CompressionMode.Decompress);
            using var input = new BufferedStream(gzip, 1 << 16);
            Span<byte> magic = stackalloc byte[4];
            input.ReadExactly(magic);
            if (!magic.SequenceEqual(Magic)) throw new InvalidDataException("not a MemOS trace (bad magic)");
            var text = new byte[Limit(ReadVarint(input), 1 << 16, "description length")];
            input.ReadExactly(text);
            int slots = Limit(ReadVarint(input), 1 << 26, "slot count");
            int count = Limit(ReadVarint(input), 1 << 28, "event count");
            var events = new TraceEvent[count];
            for (int i = 0; i < count; i++)
            {
                int op = input.ReadByte();
                if (op < (int)TraceOp.Malloc || op > (int)TraceOp.Memalign)
                    throw new InvalidDataException($"event {i}: unknown op {op}");
                int slot = (int)ReadVarint(input);
                if (slot < 0 || slot >= slots) throw new InvalidDataException($"event {i}: slot {slot} >= {slots}");
                ulong alignment = (TraceOp)op == TraceOp.Memalign ? ReadVarint(input) : 0;
                ulong size = (TraceOp)op == TraceOp.Free ? 0 : ReadVarint(input);
                events[i] = new TraceEvent((TraceOp)op, slot, size, alignment);
            }
            return new HeapTrace(name, Encoding.UTF8.GetString(text), slots, events);
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>The committed traces (Benchmarks/Traces/Data/*.mtrace.gz), by name.</summary>
    public static List<string> Files(string directory)
    {
        var files = new List<string>(Directory.Exists(directory)
            ? Directory.GetFiles(directory, "*.mtrace.gz") : []);
        files.Sort(StringComparer.Ordinal);
        return files;
    }

    private static int Limit(ulong value, int max, string what)
        => value <= (ulong)max ? (int)value : throw new InvalidDataException($"{what} {value} is over {max}");

    private static void WriteVarint(Stream output, ulong value)
    {
        while (value >= 0x80)
        {
            output.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        output.WriteByte((byte)value);
    }

    private static ulong ReadVarint(Stream input)
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            int b = input.ReadByte();
            if (b < 0) throw new EndOfStreamException("truncated");
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return value;
        }
        throw new InvalidDataException("varint longer than 64 bits");
    }
}
