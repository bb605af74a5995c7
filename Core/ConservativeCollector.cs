namespace MemOS.Core;

/// <summary>
/// A conservative mark-and-sweep collector for the kernel heap. Every managed object allocated from the heap is
/// registered; a collection, run at a safe point (between shell commands, with the callee-saved registers spilled to
/// the stack), treats every word of the root ranges (kernel data, bss, the live stack, the early allocator's block)
/// and of native blocks as a possible reference — interior pointers included — marks what they reach, scanning
/// marked objects word by word, and frees the rest. Conservative means it may keep garbage alive; it never frees a live
/// object. Nothing here allocates managed memory: its tables are native blocks from the kernel's allocator.
/// </summary>
public static unsafe class ConservativeCollector
{
    private struct NativeBlock { public ulong Start, Size; }

    private static ulong* s_objects;        // object start addresses; bit 0 = marked (objects are 8-aligned)
    private static long s_count, s_capacity;
    private static NativeBlock* s_native;
    private static long s_nativeCount, s_nativeCapacity;
    private static delegate*<nuint, void*> s_allocate;
    private static delegate*<void*, void> s_freeTable;
    private static delegate*<void*, bool> s_freeObject;
    private static bool s_collecting;

    /// <summary>Bytes of objects registered since the last collection (what the kernel's trigger watches).</summary>
    public static ulong AllocatedSinceCollection { get; private set; }
    public static long LiveObjects => s_count;
    public static long Collections { get; private set; }
    public static ulong TotalFreedBytes { get; private set; }
    public static bool Installed => s_allocate != null;

    private static delegate*<void> s_collectHandler;

    /// <summary>What GC.Collect runs: the kernel's collection with its roots
    /// (none installed: GC.Collect does nothing).</summary>
    public static void SetCollectHandler(delegate*<void> handler) => s_collectHandler = handler;

    public static void RequestCollection()
    {
        if (s_collectHandler != null && !s_collecting) s_collectHandler();
    }

    /// <summary>allocate/freeTable give the collector its own native tables (never
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
        if (s_allocate == null || s_collecting) return; // not installed yet: the object is never freed
        if (s_count == s_capacity)
        {
            void* bigger = Grow(s_objects, ref s_capacity, sizeof(ulong), s_count);
            if (bigger == null) return;
            s_objects = (ulong*)bigger;
        }
        s_objects[s_count++] = (ulong)obj;
        AllocatedSinceCollection += size;
    }

    public static void RegisterNative(void* block, ulong size)
    {
        if (s_allocate == null || s_collecting) return;
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

    /// <summary>The outcome of one collection.</summary>
    public readonly record struct Result(long ObjectsBefore, long ObjectsFreed, ulong BytesFreed);

    /// <summary>Collects, taking roots from the given [start, end) ranges
    /// (8-aligned). Call only at a safe point.</summary>
    public static Result Collect(ulong* rangeStarts, ulong* rangeEnds, int ranges)
    {
        if (s_count == 0 || s_collecting) return default;
        s_collecting = true;
        long before = s_count;
        Sort(s_objects, s_count);
        ulong* stack = (ulong*)s_allocate((nuint)(s_count * sizeof(ulong)));
        if (stack == null) { s_collecting = false; return new Result(before, 0, 0); }
        long depth = 0;
        ulong low = s_objects[0], high = ObjectLayout.EndOf((void*)s_objects[s_count - 1]);

        for (int r = 0; r < ranges; r++) ScanRange(rangeStarts[r], rangeEnds[r], low, high, stack, ref depth);
        for (long n = 0; n < s_nativeCount; n++)
            ScanRange(s_native[n].Start, s_native[n].Start + s_native[n].Size, low, high, stack, ref depth);
        while (depth > 0)
        {
            ulong obj = stack[--depth];
            ScanRange(obj + 8, ObjectLayout.EndOf((void*)obj), low, high, stack, ref depth);
        }
        s_freeTable(stack);

        long kept = 0, freed = 0;
        ulong bytes = 0;
        for (long i = 0; i < s_count; i++)
        {
            ulong entry = s_objects[i];
            if ((entry & 1) != 0) { s_objects[kept++] = entry & ~1UL; continue; }
            ulong size = ObjectLayout.SizeOf((void*)entry);
            if (s_freeObject((void*)entry)) { freed++; bytes += size; }
            else s_objects[kept++] = entry; // the heap refused: keep tracking it rather than lose it
        }
        s_count = kept;
        Shrink();
        AllocatedSinceCollection = 0;
        Collections++;
        TotalFreedBytes += bytes;
        s_collecting = false;
        return new Result(before, freed, bytes);
    }

    private static void ScanRange(ulong start, ulong end, ulong low, ulong high, ulong* stack, ref long depth)
    {
        for (ulong p = (start + 7) & ~7UL; p + 8 <= end; p += 8)
        {
            ulong word = *(ulong*)p;
            if (word < low || word >= high) continue;
            long i = Containing(word);
            if (i < 0 || (s_objects[i] & 1) != 0) continue;
            s_objects[i] |= 1;
            stack[depth++] = s_objects[i] & ~1UL;
        }
    }

    // The object whose [start, end) holds the address, or -1.
    private static long Containing(ulong address)
    {
        long lo = 0, hi = s_count - 1, found = -1;
        while (lo <= hi)
        {
            long mid = (lo + hi) >> 1;
            if ((s_objects[mid] & ~1UL) <= address) { found = mid; lo = mid + 1; }
            else hi = mid - 1;
        }
        if (found < 0) return -1;
        ulong start = s_objects[found] & ~1UL;
        return address < ObjectLayout.EndOf((void*)start) ? found : -1;
    }

    // Heapsort: in place, no allocation, O(n log n) worst case.
    private static void Sort(ulong* a, long n)
    {
        for (long i = n / 2 - 1; i >= 0; i--) SiftDown(a, i, n);
        for (long end = n - 1; end > 0; end--)
        {
            (a[0], a[end]) = (a[end], a[0]);
            SiftDown(a, 0, end);
        }
    }

    private static void SiftDown(ulong* a, long root, long n)
    {
        while (true)
        {
            long child = 2 * root + 1;
            if (child >= n) return;
            if (child + 1 < n && a[child + 1] > a[child]) child++;
            if (a[root] >= a[child]) return;
            (a[root], a[child]) = (a[child], a[root]);
            root = child;
        }
    }
}
