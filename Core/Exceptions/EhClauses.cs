using System.Runtime;

namespace MemOS.Core.Exceptions;

/// <summary>
/// RhpEHEnumInitFromStackFrameIterator / RhpEHEnumNext: the EH clauses of the method a frame is in, innermost
/// first, as ilc encodes them: a count, then per clause the try start, (try length &lt;&lt; 2 | kind), the handler
/// offset, and for a typed catch a rel32 to the caught type's MethodTable, for a filter the filter's offset.
/// Numbers use NativeAOT's compressed encoding (the low bits of the first byte give the length). `finally` is a
/// fault clause (kind 1): C#'s finally runs on the normal path through a call the compiler emitted.
/// </summary>
internal static unsafe class EhClauses
{
    private const uint KindTyped = 0;
    private const uint KindFault = 1;
    private const uint KindFilter = 2;

    // CoreLib's EHEnum is 32 opaque bytes: method start, next clause, clauses left.
    private struct Enumerator
    {
        public ulong MethodStart;
        public byte* Next;
        public uint Remaining;
    }

    // CoreLib's RhEHClause.
    private struct Clause
    {
        public uint Kind;
        public uint TryStart;
        public uint TryEnd;
        public ulong Filter;
        public ulong Handler;
        public ulong TargetType;
    }

    [RuntimeExport("RhpEHEnumInitFromStackFrameIterator")]
    private static bool Init(byte* iterator, ulong* methodRegion, void* enumerator)
    {
        ulong pc = *(ulong*)(iterator + EhLayout.IteratorControlPc);
        if (!ManagedCode.Find(pc, out ManagedCode code)) return false;
        byte* clauses = code.Clauses;
        if (clauses == null) return false;
        // MethodRegionInfo {hot start, hot size, cold start, cold size}: ilc emits no cold code.
        methodRegion[0] = code.MethodStart;
        methodRegion[1] = 0;
        methodRegion[2] = 0;
        methodRegion[3] = 0;
        var e = (Enumerator*)enumerator;
        e->MethodStart = code.MethodStart;
        e->Remaining = CompressedUInt(ref clauses);
        e->Next = clauses;
        return true;
    }

    [RuntimeExport("RhpEHEnumNext")]
    private static bool Next(void* enumerator, void* clauseOut)
    {
        var e = (Enumerator*)enumerator;
        if (e->Remaining == 0) return false;
        e->Remaining--;
        byte* p = e->Next;
        var clause = (Clause*)clauseOut;
        clause->TryStart = CompressedUInt(ref p);
        uint lengthAndKind = CompressedUInt(ref p);
        clause->Kind = lengthAndKind & 3;
        clause->TryEnd = clause->TryStart + (lengthAndKind >> 2);
        clause->Filter = 0;
        clause->TargetType = 0;
        clause->Handler = e->MethodStart + CompressedUInt(ref p);
        if (clause->Kind == KindTyped)
        {
            clause->TargetType = (ulong)(p + *(int*)p);
            p += 4;
        }
        else if (clause->Kind == KindFilter)
        {
            clause->Filter = e->MethodStart + CompressedUInt(ref p);
        }
        else if (clause->Kind != KindFault)
        {
            RuntimeFatal.Stop("exception dispatch", "unknown EH clause kind in .dotnet_eh_table");
        }
        e->Next = p;
        return true;
    }

    /// <summary>NativeAOT's compressed unsigned integer: 1-4 bytes tagged by trailing one bits, or 0x0F + 4
    /// bytes.</summary>
    public static uint CompressedUInt(ref byte* p)
    {
        byte b = p[0];
        if ((b & 1) == 0) { p += 1; return (uint)(b >> 1); }
        if ((b & 2) == 0) { uint v = (uint)(b >> 2) | ((uint)p[1] << 6); p += 2; return v; }
        if ((b & 4) == 0) { uint v = (uint)(b >> 3) | ((uint)p[1] << 5) | ((uint)p[2] << 13); p += 3; return v; }
        if ((b & 8) == 0)
        {
            uint v = (uint)(b >> 4) | ((uint)p[1] << 4) | ((uint)p[2] << 12) | ((uint)p[3] << 20);
            p += 4;
            return v;
        }
        uint value = *(uint*)(p + 1);
        p += 5;
        return value;
    }
}
