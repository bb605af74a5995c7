namespace MemOS.Memory.Physical;

// Reference counts past 65534 (the shared zero page is mapped by every demand-zero read): the per-frame ushort
// says "spilled" and the count lives in a small table. Full table: AddReference reports OutOfRange.
public sealed partial class PhysicalMemoryManager
{
    private const ushort RefSpilled = ushort.MaxValue;     // the count lives in the overflow table
    private const int OverflowSlots = 16;

    private struct OverflowSlot
    {
        public ulong Frame;
        public uint Count;
    }

    // The count is at the ushort's limit (or already spilled): count on in the table.
    private MemoryError AddSpilledReference(ulong number, ulong idx)
    {
        if (_refs[idx] == RefSpilled)
        {
            int s = FindSlot(number);
            if (_overflow[s].Count >= int.MaxValue) return MemoryError.OutOfRange;
            _overflow[s].Count++;
            return MemoryError.None;
        }
        int free = FindSlot(Null);
        if (free < 0) return MemoryError.OutOfRange;
        _overflow[free].Frame = number;
        _overflow[free].Count = RefSpilled;
        _refs[idx] = RefSpilled;
        return MemoryError.None;
    }

    private void DropSpilled(ulong number, ulong idx)
    {
        int s = FindSlot(number);
        uint count = --_overflow[s].Count;
        if (count < RefSpilled)
        {
            _refs[idx] = (ushort)count;
            _overflow[s].Frame = Null;
            _overflow[s].Count = 0;
        }
    }

    private int FindSlot(ulong frame)
    {
        for (int i = 0; i < _overflow.Length; i++)
            if (_overflow[i].Frame == frame) return i;
        return -1;
    }
}
