namespace MemOS.Core;

/// <summary>
/// Where an object's references are, from its type's GC layout: the series ilc writes below a MethodTable that has
/// the has-pointers flag. The word just below the MethodTable is the series count. A positive count n is followed
/// (further down) by n pairs { size, start offset }, the highest first; a series covers [start, start + size +
/// object size) — the size is stored less the base size, so for an array of references it comes out as the element
/// bytes. A negative count -n describes an array of structs that hold references: the start offset sits just below
/// the count and below it n items { uint references, uint bytes to skip } repeat over the elements up to the object's
/// end. Nothing is read outside [object, object + size): a layout that would point outside is clipped.
/// </summary>
public static unsafe class GcDesc
{
    private const long MaxSeries = 1 << 16;

    /// <summary>Calls visit with the address of every reference slot of the object (size: ObjectLayout.SizeOf).
    /// Returns the number of slots visited.</summary>
    public static long ForEachSlot(void* obj, ulong size, delegate*<ulong*, void> visit)
    {
        byte* mt = *(byte**)obj;
        if (!ObjectLayout.HasPointers(mt)) return 0;
        byte* o = (byte*)obj;
        // The last 8 bytes of `size` are the next object's header: no slot lies there.
        byte* limit = o + size - 8;
        long count = *(long*)(mt - 8);
        long visited = 0;
        if (count > 0)
        {
            if (count > MaxSeries) return 0;
            for (long i = 1; i <= count; i++)
            {
                long* series = (long*)(mt - 8) - 2 * i; // { size, offset }
                byte* from = o + series[1];
                byte* to = from + series[0] + (long)size;
                if (from < o + 8) from = o + 8;
                if (to > limit) to = limit;
                for (byte* p = from; p + 8 <= to; p += 8, visited++) visit((ulong*)p);
            }
            return visited;
        }
        long items = -count;
        if (items == 0 || items > MaxSeries) return 0;
        byte* slot = o + *(long*)(mt - 16);
        if (slot < o + 8) return 0;
        while (slot < limit)
        {
            byte* before = slot;
            for (long i = 0; i < items && slot < limit; i++)
            {
                uint* item = (uint*)(mt - 24 - 8 * i); // { references, skip }
                for (uint k = 0; k < item[0] && slot + 8 <= limit; k++, slot += 8, visited++) visit((ulong*)slot);
                slot += item[1];
            }
            if (slot == before) break; // an item list that covers nothing would never advance
        }
        return visited;
    }
}
