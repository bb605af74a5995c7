using System.Runtime;
using System.Runtime.CompilerServices;

namespace MemOS.Core;

/// <summary>
/// A mostly precise, non-moving mark-and-sweep collector for a heap of managed objects (the kernel's, or a process's).
/// Every object allocated from the heap is registered. A collection, run at a safe point (with the callee-saved
/// registers spilled to the stack), marks from:
/// <list type="bullet">
/// <item>conservative roots: the ranges the caller gives (the live stacks) and native blocks (NativeMemory, malloc):
/// every word that points into an object, interior pointers included, keeps it;</item>
/// <item>precise roots: strong and pinned GC handles (CoreLib's statics spine among them), dependent handles whose
/// first object is alive, inlined thread-static roots, and the fields of objects that are never freed — those the
/// early allocator served (the GC static bases) and the frozen objects in the image.</item>
/// </list>
/// A marked object is traced through its type's GC layout (GcDesc): only its reference fields are followed, and an
/// object whose type has no references (a string, a byte[]) is not read at all. Weak handles to what stays unmarked
/// are cleared, then the unmarked objects go back to the heap. The mark stack and the permanent-object table are
/// fixed blocks in bss; the object table is a native block of the host's choosing.
/// <para>One collection at a time: while one runs (the host gathering roots, the mark, the sweep, the host's trim)
/// a request for another starts nothing, as Linux's reclaim never re-enters itself (PF_MEMALLOC). An allocation the
/// heap refuses then fails at once (out of memory to its caller); GC.Collect() is deferred, run once more when the
/// current collection ends. An object allocated meanwhile waits in the object table's spare slots and is tracked
/// (alive) from the end of that collection.</para>
/// </summary>
public static unsafe class MarkSweepCollector
{
    private struct NativeBlock { public ulong Start, Size; }
    private struct Segment { public ulong Start, End; }

    public const int PermanentCapacity = 8192; // memos_permanent_slots in runtime.asm
    public const int MarkStackCapacity = MarkStack.Capacity;
    private const int MaxFrozenSegments = 8, MaxThreadStaticRoots = 64;

    // Object addresses (one header word into their heap blocks); bit 0 = marked (objects are 8-aligned).
    private static ulong* s_objects;
    private static long s_count, s_capacity;
    private static NativeBlock* s_native;
    private static long s_nativeCount, s_nativeCapacity;
    private static ulong* s_permanent;
    private static int s_permanentCount;
    private static FrozenSegments s_frozen;
    private static int s_frozenCount;
    private static ThreadStaticRoots s_threadStaticRoots;
    private static int s_threadStaticRootCount;
    private static delegate*<nuint, void*> s_allocate;
    private static delegate*<void*, void> s_freeTable;
    private static delegate*<void*, bool> s_freeObject;
    private static delegate*<ulong, void> s_collectHandler;
    private static bool s_inCollection; // the collect handler runs: roots, mark, sweep, the host's trim
    private static bool s_tableBusy;    // the object table is sorted, marked and swept: new objects wait behind it
    private static bool s_rerun;        // a deferred request (GC.Collect) arrived during the collection
    private static long s_born;         // objects registered while the table was busy, at s_objects[s_count..]
    private static ulong s_bornBytes;
    private static ulong s_low, s_high;     // [first object's block, end of last object) during a collection
    private static long s_slotsTraced;

    [InlineArray(MaxThreadStaticRoots)]
    private struct ThreadStaticRoots { private ulong _slot; }

    [InlineArray(MaxFrozenSegments)]
    private struct FrozenSegments { private Segment _segment; }

    /// <summary>Bytes of objects registered since the last collection (what the hosts' triggers watch).</summary>
    public static ulong AllocatedSinceCollection { get; private set; }
    public static long LiveObjects => s_count;
    public static long Collections { get; private set; }
    public static ulong TotalFreedBytes { get; private set; }
    public static bool Installed => s_allocate != null;

    /// <summary>Whether a collection is running (a request now starts no other).</summary>
    public static bool Collecting => s_inCollection;

    /// <summary>Requests made while a collection ran: none started a collection of its own.</summary>
    public static long NestedRequests { get; private set; }

    /// <summary>Objects allocated during a collection when the table had no spare slot: never freed.</summary>
    public static long UntrackedObjects { get; private set; }

    /// <summary>Spare object-table slots a collection makes sure of before it starts: objects allocated while it
    /// runs go there.</summary>
    public const int SpareSlots = 256;

    /// <summary>Objects that are never freed (the early allocator's) and traced as roots.</summary>
    public static int PermanentObjects => s_permanentCount;

    /// <summary>More permanent objects arrived than the table holds: the host must scan the block they live in
    /// conservatively (the collector can no longer find their fields).</summary>
    public static bool PermanentTableOverflowed { get; private set; }

    /// <summary>The host's collection: called with the stack pointer below the spilled callee-saved registers, it
    /// gathers its roots (the live stacks from there up) and calls Collect (none installed: a request does
    /// nothing).</summary>
    public static void SetCollectHandler(delegate*<ulong, void> collectFrom) => s_collectHandler = collectFrom;

    /// <summary>
    /// Collects now (GC.Collect, an allocation the heap refused, the hosts' own triggers); false when no collection
    /// ran: none installed, or one is running already (a nested request: `deferred` ones, GC.Collect's, run once
    /// more when it ends; the others, an allocation's retry, are refused). The callee-saved registers
    /// are spilled right here, and the stack scan starts at them: the only collector frame it reads is this method's
    /// (the caller's registers it saved, an alignment word). Every frame the collection itself builds lies below the
    /// scan's start, so their uninitialised slots (a struct being returned, padding), which hold whatever dead frames
    /// left there — a failed command's list of arrays, say — are never taken for references.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static bool RequestCollection(bool deferred = false)
    {
        if (s_collectHandler == null) return false;
        if (s_inCollection)
        {
            NestedRequests++;
            s_rerun |= deferred;
            return false;
        }
        s_inCollection = true;
        CallWithRegistersSaved(s_collectHandler);
        if (s_rerun) CallWithRegistersSaved(s_collectHandler); // once: a request during this run is not deferred
        s_rerun = false;
        s_inCollection = false;
        return true;
    }

    /// <summary>allocate/freeTable give the collector its object and native-block tables (never
    /// registered); freeObject returns an object to the heap.</summary>
    public static void Install(
        delegate*<nuint, void*> allocate, delegate*<void*, void> freeTable, delegate*<void*, bool> freeObject)
    {
        s_allocate = allocate;
        s_freeTable = freeTable;
        s_freeObject = freeObject;
    }

    public static void Register(void* obj, ulong size)
    {
        if (s_allocate == null) return; // not installed yet: the object is never freed
        if (s_tableBusy)
        {
            // Born during a mark or sweep: kept out of this collection's sorted table, appended to it at the end.
            if (s_count + s_born == s_capacity) { UntrackedObjects++; return; }
            s_objects[s_count + s_born++] = (ulong)obj;
            s_bornBytes += size;
            return;
        }
        if (s_count == s_capacity)
        {
            void* bigger = Grow(s_objects, ref s_capacity, sizeof(ulong), s_count);
            if (bigger == null) return;
            s_objects = (ulong*)bigger;
        }
        s_objects[s_count++] = (ulong)obj;
        AllocatedSinceCollection += size;
    }

    /// <summary>An object that is never freed (the early allocator's): its fields are roots.</summary>
    public static void RegisterPermanent(void* obj)
    {
        if (s_permanent == null) s_permanent = (ulong*)PermanentSlots();
        if (s_permanentCount == PermanentCapacity) { PermanentTableOverflowed = true; return; }
        s_permanent[s_permanentCount++] = (ulong)obj;
    }

    /// <summary>A segment of frozen objects (RhRegisterFrozenSegment): never freed, their fields are roots.</summary>
    internal static bool AddFrozenSegment(ulong start, ulong size)
    {
        if (s_frozenCount == MaxFrozenSegments) return false;
        s_frozen[s_frozenCount++] = new Segment { Start = start, End = start + size };
        return true;
    }

    /// <summary>A thread-static root slot (RhRegisterInlinedThreadStaticRoot): holds a reference.</summary>
    internal static bool AddThreadStaticRoot(ulong slot)
    {
        for (int i = 0; i < s_threadStaticRootCount; i++) if (s_threadStaticRoots[i] == slot) return true;
        if (s_threadStaticRootCount == MaxThreadStaticRoots) return false;
        s_threadStaticRoots[s_threadStaticRootCount++] = slot;
        return true;
    }

    public static void RegisterNative(void* block, ulong size)
    {
        if (s_allocate == null) return; // one added during a collection is scanned from the next
        if (s_nativeCount == s_nativeCapacity)
        {
            void* bigger = Grow(s_native, ref s_nativeCapacity, sizeof(NativeBlock), s_nativeCount);
            if (bigger == null) return;
            s_native = (NativeBlock*)bigger;
        }
        s_native[s_nativeCount++] = new NativeBlock { Start = (ulong)block, Size = size };
    }

    public static void UnregisterNative(void* block)
    {
        for (long i = 0; i < s_nativeCount; i++)
        {
            if (s_native[i].Start != (ulong)block) continue;
            s_native[i] = s_native[--s_nativeCount];
            return;
        }
    }

    /// <summary>Whether the block is a native block the collector scans.</summary>
    public static bool IsNative(void* block)
    {
        for (long i = 0; i < s_nativeCount; i++) if (s_native[i].Start == (ulong)block) return true;
        return false;
    }

    /// <summary>Whether the heap block is a registered object's (the object starts one header word into it).
    /// A walk of the object table: for the uncommon check a realloc makes of a block that is not native.</summary>
    public static bool IsObjectBlock(void* block)
    {
        ulong obj = (ulong)block + ObjectLayout.HeaderBytes;
        for (long i = 0; i < s_count; i++) if ((s_objects[i] & ~1UL) == obj) return true;
        return false;
    }

    /// <summary>A native block moved or changed size (realloc): the root range follows it.</summary>
    public static void MoveNative(void* from, void* to, ulong size)
    {
        for (long i = 0; i < s_nativeCount; i++)
        {
            if (s_native[i].Start != (ulong)from) continue;
            s_native[i] = new NativeBlock { Start = (ulong)to, Size = size };
            return;
        }
    }

    // A table twice the size with the entries copied over, or null (the old one stays) when memory is short.
    private static void* Grow(void* table, ref long capacity, int entrySize, long count)
    {
        long next = capacity == 0 ? 4096 : capacity * 2;
        void* bigger = s_allocate((nuint)(next * entrySize));
        if (bigger == null) return null;
        if (table != null)
        {
            System.Buffer.MemoryCopy(table, bigger, next * entrySize, count * entrySize);
            s_freeTable(table);
        }
        capacity = next;
        return bigger;
    }

    // After a collection the object table is cut back to twice what survived (at least the first size), so a burst of
    // short-lived objects does not leave a table sized for its peak in the heap for good.
    private static void Shrink()
    {
        long target = 4096;
        while (target < s_count * 2) target *= 2;
        if (target * 2 > s_capacity) return; // hysteresis: only when at most a quarter would be used
        void* smaller = s_allocate((nuint)(target * sizeof(ulong)));
        if (smaller == null) return;
        System.Buffer.MemoryCopy(s_objects, smaller, target * sizeof(ulong), s_count * sizeof(ulong));
        s_freeTable(s_objects);
        s_objects = (ulong*)smaller;
        s_capacity = target;
    }

    /// <summary>The outcome of one collection: objects before and freed, bytes freed, reference slots traced,
    /// weak and dependent handles cleared, the mark stack's deepest use and whether it overflowed.</summary>
    public readonly record struct Result(long ObjectsBefore, long ObjectsFreed, ulong BytesFreed, long SlotsTraced = 0,
        int HandlesCleared = 0, int MarkStackDepth = 0, bool MarkStackOverflowed = false);

    /// <summary>Where the last collection's time went (not in Result: a bigger struct being returned leaves more
    /// unwritten slots in the frames a stack scan reads).</summary>
    public static Phases LastPhases { get; private set; }

    /// <summary>Where a collection's time went, in TSC ticks (instructions under QEMU -icount shift=0): sorting the
    /// object table, marking (every root and the trace), the sweep's walk and, within it, the heap's frees.</summary>
    public readonly record struct Phases(ulong Sort, ulong Mark, ulong Sweep, ulong HeapFree);

    /// <summary>Collects, with the given [start, end) ranges (8-aligned: the live stacks) as conservative roots.
    /// Only the collect handler calls it (through RequestCollection, at a safe point).</summary>
    public static Result Collect(ulong* rangeStarts, ulong* rangeEnds, int ranges)
    {
        if (s_count == 0 || s_tableBusy) return default;
        if (s_capacity - s_count < SpareSlots)
        {
            void* bigger = Grow(s_objects, ref s_capacity, sizeof(ulong), s_count);
            if (bigger != null) s_objects = (ulong*)bigger;
        }
        s_tableBusy = true;
        s_born = 0;
        s_bornBytes = 0;
        long before = s_count;
        ulong t0 = ReadTsc();
        Sort(s_objects, s_count);
        ulong t1 = ReadTsc();
        s_low = (ulong)ObjectLayout.BlockOf((void*)s_objects[0]);
        s_high = ObjectLayout.EndOf((void*)s_objects[s_count - 1]);
        s_slotsTraced = 0;
        MarkStack.Reset();
        bool overflowed = false;

        for (int r = 0; r < ranges; r++) ScanConservatively(rangeStarts[r], rangeEnds[r]);
        for (long n = 0; n < s_nativeCount; n++)
            ScanConservatively(s_native[n].Start, s_native[n].Start + s_native[n].Size);
        for (int i = 0; i < s_permanentCount; i++) Trace(s_permanent[i]);
        for (int i = 0; i < s_frozenCount; i++) TraceFrozen(s_frozen[i]);
        for (int i = 0; i < s_threadStaticRootCount; i++) VisitSlot((ulong*)s_threadStaticRoots[i]);
        GcHandles.VisitStrong(&VisitSlot);
        overflowed |= Drain();
        while (GcHandles.VisitDependents(&IsAlive, &VisitSlot) > 0) overflowed |= Drain();
        int cleared = GcHandles.ClearDead(&IsAlive);
        ulong t2 = ReadTsc();

        long kept = 0, freed = 0;
        ulong bytes = 0, freeTicks = 0;
        for (long i = 0; i < before; i++)
        {
            ulong entry = s_objects[i];
            if ((entry & 1) != 0) { s_objects[kept++] = entry & ~1UL; continue; }
            ulong size = ObjectLayout.SizeOf((void*)entry);
            ulong f = ReadTsc();
            bool done = s_freeObject((void*)entry); // the host frees the object's block
            freeTicks += ReadTsc() - f;
            if (done) { freed++; bytes += size; }
            else s_objects[kept++] = entry; // the heap refused: keep tracking it rather than lose it
        }
        // The objects born meanwhile follow the survivors (the sweep never wrote past `before`).
        for (long j = 0; j < s_born; j++) s_objects[kept + j] = s_objects[before + j];
        s_count = kept + s_born;
        s_tableBusy = false;
        ulong t3 = ReadTsc();
        Shrink();
        AllocatedSinceCollection = s_bornBytes;
        Collections++;
        TotalFreedBytes += bytes;
        LastPhases = new Phases(t1 - t0, t2 - t1, t3 - t2, freeTicks);
        return new Result(before, freed, bytes, s_slotsTraced, cleared, MarkStack.Deepest, overflowed);
    }

    /// <summary>The tracked objects by type (after a collection: the live ones), the most numerous first: fills
    /// up to `capacity` rows of MethodTable, count and bytes and returns the rows filled; types beyond the
    /// capacity are left out and counted in `others`. Allocates nothing.</summary>
    public static int Census(ulong* methodTables, long* counts, ulong* bytes, int capacity, out long others)
    {
        int rows = 0;
        others = 0;
        for (long i = 0; i < s_count; i++)
        {
            void* obj = (void*)(s_objects[i] & ~1UL);
            ulong mt = *(ulong*)obj;
            int r = 0;
            while (r < rows && methodTables[r] != mt) r++;
            if (r == rows)
            {
                if (rows == capacity) { others++; continue; }
                methodTables[rows] = mt;
                counts[rows] = 0;
                bytes[rows++] = 0;
            }
            counts[r]++;
            bytes[r] += ObjectLayout.SizeOf(obj);
        }
        for (int a = 1; a < rows; a++) // insertion sort, most objects first
            for (int b = a; b > 0 && counts[b] > counts[b - 1]; b--)
            {
                (methodTables[b], methodTables[b - 1]) = (methodTables[b - 1], methodTables[b]);
                (counts[b], counts[b - 1]) = (counts[b - 1], counts[b]);
                (bytes[b], bytes[b - 1]) = (bytes[b - 1], bytes[b]);
            }
        return rows;
    }

    // Traces what is on the mark stack; when pushes were dropped, traces every marked object again until none were.
    private static bool Drain()
    {
        bool overflowed = false;
        while (true)
        {
            while (MarkStack.TryPop(out ulong obj)) Trace(obj);
            if (!MarkStack.Overflowed) return overflowed;
            overflowed = true;
            MarkStack.Overflowed = false;
            for (long i = 0; i < s_count; i++)
            {
                if ((s_objects[i] & 1) == 0) continue;
                Trace(s_objects[i] & ~1UL);
                while (MarkStack.TryPop(out ulong obj)) Trace(obj);
            }
        }
    }

    private static void Trace(ulong obj)
        => s_slotsTraced += GcDesc.ForEachSlot((void*)obj, ObjectLayout.SizeOf((void*)obj), &VisitSlot);

    // Frozen objects lie back to back from the segment's start plus one object header.
    private static void TraceFrozen(Segment segment)
    {
        for (ulong obj = segment.Start + ObjectLayout.HeaderBytes; obj + 8 <= segment.End;)
        {
            if (*(ulong*)obj == 0) return;
            ulong size = ObjectLayout.SizeOf((void*)obj);
            if (size < 16 || obj - ObjectLayout.HeaderBytes + size > segment.End) return;
            Trace(obj);
            obj += size;
        }
    }

    /// <summary>Walks the frozen segments as a collection does; returns the objects seen and sets `exact` when each
    /// walk ended exactly at its segment's end (the layout is understood).</summary>
    public static long FrozenObjects(out bool exact)
    {
        long objects = 0;
        exact = s_frozenCount > 0;
        for (int i = 0; i < s_frozenCount; i++)
        {
            Segment segment = s_frozen[i];
            ulong obj = segment.Start + ObjectLayout.HeaderBytes;
            while (obj + 8 <= segment.End && *(ulong*)obj != 0)
            {
                ulong size = ObjectLayout.SizeOf((void*)obj);
                if (size < 16 || obj - ObjectLayout.HeaderBytes + size > segment.End) break;
                objects++;
                obj += size;
            }
            if (obj != segment.End) exact = false; // ilc leaves one header's worth after the last object
        }
        return objects;
    }

    // A reference slot: an exact object address (or null, or an object the collector does not own).
    private static void VisitSlot(ulong* slot)
    {
        ulong value = *slot;
        if (value < s_low || value >= s_high) return;
        long i = Find(value);
        if (i >= 0 && s_objects[i] == value) Mark(i);
    }

    private static void ScanConservatively(ulong start, ulong end)
    {
        for (ulong p = (start + 7) & ~7UL; p + 8 <= end; p += 8)
        {
            ulong word = *(ulong*)p;
            if (word < s_low || word >= s_high) continue;
            // Any address in the object's block keeps it, its header word included: the block starts one word below.
            long i = Find(word + ObjectLayout.HeaderBytes);
            if (i >= 0 && word < ObjectLayout.EndOf((void*)(s_objects[i] & ~1UL))) Mark(i);
        }
    }

    private static void Mark(long i)
    {
        ulong entry = s_objects[i];
        if ((entry & 1) != 0) return;
        s_objects[i] = entry | 1;
        if (ObjectLayout.HasPointers(*(void**)entry)) MarkStack.Push(entry); // nothing to trace in a string or byte[]
    }

    // Objects the collector does not own (permanent, frozen) are always alive.
    private static bool IsAlive(ulong obj)
    {
        if (obj < s_low || obj >= s_high) return true;
        long i = Find(obj);
        return i < 0 || (s_objects[i] & ~1UL) != obj || (s_objects[i] & 1) != 0;
    }

    // The last object starting at or below the address, or -1.
    private static long Find(ulong address)
    {
        long lo = 0, hi = s_count - 1, found = -1;
        while (lo <= hi)
        {
            long mid = (lo + hi) >> 1;
            if ((s_objects[mid] & ~1UL) <= address) { found = mid; lo = mid + 1; }
            else hi = mid - 1;
        }
        return found;
    }

    // The object table in address order: an in-place most-significant-digit radix sort (American flag sort) on
    // 8-bit digits of each address's offset from the lowest, insertion sort for short buckets. No allocation; a
    // level's bucket bounds (1 KiB) are on the stack, at most four levels for a heap below 4 GiB. About a quarter of
    // the heapsort's cost (which sorted 100,000 objects in ~300 ticks each).
    private static void Sort(ulong* a, long n)
    {
        if (n < 2) return;
        ulong min = ulong.MaxValue, max = 0;
        for (long i = 0; i < n; i++)
        {
            ulong v = a[i];
            if (v < min) min = v;
            if (v > max) max = v;
        }
        if (max == min) return;
        RadixSort(a, (uint)n, min, (63 - System.Numerics.BitOperations.LeadingZeroCount(max - min)) & ~7);
    }

    private const int ShortBucket = 32;

    [InlineArray(256)]
    private struct BucketCursors { private uint _next; }

    private static BucketCursors s_next; // a level's cursors, done with before it sorts its buckets

    private static void RadixSort(ulong* a, uint n, ulong min, int shift)
    {
        if (n <= ShortBucket)
        {
            InsertionSort(a, n);
            return;
        }
        uint* bounds = stackalloc uint[257];
        for (int d = 0; d <= 256; d++) bounds[d] = 0;
        for (uint i = 0; i < n; i++) bounds[Digit(a[i], min, shift) + 1]++;
        for (int d = 0; d < 256; d++) bounds[d + 1] += bounds[d];
        for (int d = 0; d < 256; d++) s_next[d] = bounds[d];
        for (int d = 0; d < 256; d++)
        {
            // Each entry taken out of bucket d is carried to its own bucket, displacing the one there, until one
            // belongs in d.
            while (s_next[d] < bounds[d + 1])
            {
                ulong v = a[s_next[d]];
                int k = Digit(v, min, shift);
                while (k != d)
                {
                    uint to = s_next[k]++;
                    (v, a[to]) = (a[to], v);
                    k = Digit(v, min, shift);
                }
                a[s_next[d]++] = v;
            }
        }
        if (shift == 0) return;
        for (int d = 0; d < 256; d++)
            if (bounds[d + 1] - bounds[d] > 1) RadixSort(a + bounds[d], bounds[d + 1] - bounds[d], min, shift - 8);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Digit(ulong v, ulong min, int shift) => (int)(((v - min) >> shift) & 0xFF);

    private static void InsertionSort(ulong* a, uint n)
    {
        for (uint i = 1; i < n; i++)
        {
            ulong v = a[i];
            uint j = i;
            for (; j > 0 && a[j - 1] > v; j--) a[j] = a[j - 1];
            a[j] = v;
        }
    }

    // Spills rbx, rbp, r12-r15 onto the stack and calls collectFrom with the stack pointer below them (runtime.asm).
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "memos_call_with_registers_saved")]
    private static extern void CallWithRegistersSaved(delegate*<ulong, void> collectFrom);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "memos_read_tsc")]
    private static extern ulong ReadTsc();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "memos_permanent_objects")]
    private static extern void* PermanentSlots();
}
