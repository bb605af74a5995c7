using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using MemOS.Core;
using MemOS.Kernel.MemoryManagement;

namespace MemOS.Kernel.Tests;

/// <summary>
/// The kernel heap's collector on the metal: objects are traced through their types' GC layouts (a byte[] full of
/// pointer look-alikes keeps nothing alive, an object[] keeps its elements), weak handles clear, dependent handles
/// follow their key, statics and thread statics are roots, the frozen objects in the image are understood, and a
/// mark-stack overflow is recovered from, and a collection never starts another from inside itself.
/// </summary>
internal static unsafe class CollectorSuite
{
    public static List<KernelTest> Tests() =>
    [
        new("method_table_has_pointers_flag", PointersFlag),
        new("gcdesc_finds_reference_fields", FieldsOfAClass),
        new("gcdesc_finds_references_in_struct_arrays", StructArray),
        new("byte_array_of_lookalikes_keeps_nothing", FalseRetention),
        new("object_array_keeps_its_elements", ArrayKeeps),
        new("weak_handles_clear_strong_handles_keep", WeakAndStrong),
        new("dependent_handle_follows_its_key", Dependent),
        new("statics_and_thread_statics_are_roots", Statics),
        new("frozen_segment_walk_is_exact", Frozen),
        new("mark_stack_overflow_is_recovered", Overflow),
        new("collection_takes_nothing_from_the_heap", NoHeapGrowth),
        new("dead_frames_below_the_caller_keep_nothing", DeadFrames),
        new("any_address_in_an_objects_block_keeps_it", BlockAddresses),
        new("realloc_resizes_native_blocks_not_objects", ReallocRefusesObjects),
        new("a_request_during_a_collection_starts_none", NestedRequests),
    ];

    private sealed class Mixed
    {
        public int A = 1;
        public object? First;
        public long B = 2;
        public string? Name;
        public object? Last;
    }

    private struct Pair
    {
        public long Number;
        public object? Left;
        public int Small;
        public object? Right;
    }

    private sealed class Node(Node? next) { public Node? Next = next; public long Payload = 7; }

    private static object? s_rooted;
    [ThreadStatic] private static object? t_rooted;

    private static MarkSweepCollector.Result Collect()
    {
        GarbageCollection.Collect();
        return GarbageCollection.Last;
    }

    private static void* MethodTableOf(object o) => *(void**)AddressOf(o);

    private static void* AddressOf(object o) => *(void**)Unsafe.AsPointer(ref o);

    private static string? PointersFlag()
    {
        if (ObjectLayout.HasPointers(MethodTableOf(new byte[8]))) return "byte[] says it has pointers";
        if (ObjectLayout.HasPointers(MethodTableOf(new int[8]))) return "int[] says it has pointers";
        if (ObjectLayout.HasPointers(MethodTableOf(new string('x', 3)))) return "string says it has pointers";
        if (!ObjectLayout.HasPointers(MethodTableOf(new object[2]))) return "object[] says it has no pointers";
        if (!ObjectLayout.HasPointers(MethodTableOf(new Mixed()))) return "a class with object fields has none";
        return null;
    }

    private static List<ulong> s_seen = new();
    private static void Record(ulong* slot) => s_seen.Add(*slot);

    private static string? Slots(object o, ulong[] expected)
    {
        s_seen.Clear();
        void* obj = AddressOf(o);
        long n = GcDesc.ForEachSlot(obj, ObjectLayout.SizeOf(obj), &Record);
        if (n != expected.Length) return $"{n} slots found, {expected.Length} expected";
        var want = new List<ulong>(expected);
        foreach (ulong v in s_seen)
            if (!want.Remove(v)) return $"slot value 0x{v:x} was not expected";
        return null;
    }

    private static string? FieldsOfAClass()
    {
        var m = new Mixed { First = new object(), Name = "n" + 1, Last = new int[1] };
        return Slots(m, [(ulong)AddressOf(m.First), (ulong)AddressOf(m.Name), (ulong)AddressOf(m.Last)])
               ?? Slots(new object[] { m, m.Name }, [(ulong)AddressOf(m), (ulong)AddressOf(m.Name)]);
    }

    private static string? StructArray()
    {
        var a = new Pair[3];
        var expected = new ulong[6];
        for (int i = 0; i < 3; i++)
        {
            a[i] = new Pair { Number = -1, Left = new object(), Small = -1, Right = new object() };
            expected[2 * i] = (ulong)AddressOf(a[i].Left!);
            expected[2 * i + 1] = (ulong)AddressOf(a[i].Right!);
        }
        return Slots(a, expected);
    }

    private const int Lookalikes = 100;

    // Dead objects whose addresses fill a live byte[]: made in a frame of their own so no live local holds them.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void MakeLookalikes(byte[] into, GCHandle[] weak)
    {
        for (int k = 0; k < weak.Length; k++)
        {
            var target = new Node(new Node(null));
            ulong address = (ulong)AddressOf(target);
            for (int b = 0; b < 8; b++) into[8 * k + b] = (byte)(address >> (8 * b));
            weak[k] = GCHandle.Alloc(target, GCHandleType.Weak);
        }
    }

    // The conservative stack scan may still find a stale copy of the last address or two in a dead frame or a
    // register; the old collector, which read every word of every object, kept all of them.
    private static string? FalseRetention()
    {
        var lookalikes = new byte[8 * Lookalikes];
        var weak = new GCHandle[Lookalikes];
        MakeLookalikes(lookalikes, weak);
        Collect();
        int survivors = 0;
        for (int k = 0; k < weak.Length; k++)
        {
            if (weak[k].Target != null) survivors++;
            weak[k].Free();
        }
        GC.KeepAlive(lookalikes);
        return survivors <= 2 ? null
            : $"{survivors} of {Lookalikes} objects whose only 'references' are bytes in a byte[] survived a "
              + "collection";
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static GCHandle Hold(object[] holder)
    {
        holder[1] = new Node(null) { Payload = 1234 };
        return GCHandle.Alloc(holder[1], GCHandleType.Weak);
    }

    private static string? ArrayKeeps()
    {
        var holder = new object[3];
        GCHandle weak = Hold(holder);
        Collect();
        bool alive = weak.Target != null;
        weak.Free();
        if (!alive) return "the weak handle to an object held by a live object[] was cleared";
        return ((Node)holder[1]).Payload == 1234 ? null : "the object in the array was overwritten";
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (GCHandle Weak, GCHandle Strong, GCHandle WeakToStrong) Handles()
    {
        var kept = new Node(null) { Payload = 99 };
        return (GCHandle.Alloc(new Node(null), GCHandleType.Weak), GCHandle.Alloc(kept, GCHandleType.Normal),
            GCHandle.Alloc(kept, GCHandleType.WeakTrackResurrection));
    }

    private static string? WeakAndStrong()
    {
        var (weak, strong, weakToStrong) = Handles();
        Collect();
        string? failure = weak.Target != null ? "a weak handle to a dead object was not cleared"
            : strong.Target is not Node { Payload: 99 } ? "a strong handle lost its object"
            : weakToStrong.Target == null ? "a weak handle to an object a strong handle keeps was cleared"
            : null;
        weak.Free();
        strong.Free();
        weakToStrong.Free();
        return failure;
    }

    private static readonly ConditionalWeakTable<object, object> s_table = new();

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (GCHandle Key, GCHandle Value) AddPair(object? keepKey, object[] holder)
    {
        object key = keepKey ?? new Node(null);
        var value = new Node(null) { Payload = 5 };
        s_table.Add(key, value);
        holder[0] = keepKey!;
        return (GCHandle.Alloc(key, GCHandleType.Weak), GCHandle.Alloc(value, GCHandleType.Weak));
    }

    private static string? Dependent()
    {
        var holder = new object[1];
        var (liveKey, liveValue) = AddPair(new Node(null), holder);
        var (deadKey, deadValue) = AddPair(null, new object[1]);
        Collect();
        string? failure = liveKey.Target == null ? "a key held by a live array was collected"
            : liveValue.Target == null ? "the value of a live key was collected"
            : deadKey.Target != null ? "a key nothing holds survived"
            : deadValue.Target != null ? "the value of a dead key survived"
            : null;
        liveKey.Free(); liveValue.Free(); deadKey.Free(); deadValue.Free();
        GC.KeepAlive(holder);
        return failure;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (GCHandle, GCHandle) Root()
    {
        s_rooted = new Node(null) { Payload = 11 };
        t_rooted = new Node(null) { Payload = 12 };
        return (GCHandle.Alloc(s_rooted, GCHandleType.Weak), GCHandle.Alloc(t_rooted, GCHandleType.Weak));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static string? RootsIntact(GCHandle s, GCHandle t)
        => s.Target == null || ((Node)s_rooted!).Payload != 11 ? "an object in a static was collected"
            : t.Target == null || ((Node)t_rooted!).Payload != 12 ? "an object in a thread static was collected"
            : null;

    private static string? Statics()
    {
        var (s, t) = Root();
        Collect();
        string? failure = RootsIntact(s, t);
        s_rooted = null;
        t_rooted = null;
        Collect();
        if (failure == null && (s.Target != null || t.Target != null)) failure = "cleared statics still keep objects";
        s.Free();
        t.Free();
        return failure;
    }

    private static string? Frozen()
    {
        long objects = MarkSweepCollector.FrozenObjects(out bool exact);
        if (objects == 0) return "no frozen objects were registered";
        return exact ? null : $"the walk over {objects} frozen objects did not end at its segment's end";
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static GCHandle Wide(object[] holder)
    {
        for (int i = 0; i < holder.Length; i++) holder[i] = new Node(new Node(null)) { Payload = i };
        return GCHandle.Alloc(((Node)holder[holder.Length - 1]).Next!, GCHandleType.Weak);
    }

    private static string? Overflow()
    {
        var holder = new object[MarkSweepCollector.MarkStackCapacity * 2];
        GCHandle weak = Wide(holder);
        MarkSweepCollector.Result r = Collect();
        bool alive = weak.Target != null;
        weak.Free();
        if (!r.MarkStackOverflowed) return $"{holder.Length} objects with references did not overflow the mark stack";
        if (!alive) return "an object reached only after the overflow was collected";
        for (int i = 0; i < holder.Length; i++)
            if (holder[i] is not Node { Payload: var p, Next: not null } || p != i) return $"element {i} was damaged";
        return null;
    }

    // A collection's mark stack and tables are not taken from the heap it collects: one that frees nothing
    // allocates nothing (the heap counts every allocation; a statistics call itself costs the same each time).
    private static string? NoHeapGrowth()
    {
        var m = KernelMemory.Current!;
        Collect();
        ulong first = m.Heap.Statistics().TotalAllocations;
        ulong second = m.Heap.Statistics().TotalAllocations;
        Collect();
        ulong third = m.Heap.Statistics().TotalAllocations;
        ulong perCall = second - first, during = third - second - perCall;
        return during == 0 ? null : $"a collection that freed nothing made {during} heap allocations";
    }

    // A callee that returned leaves copies of an object's address in the stack below its caller, as a failed shell
    // command leaves its list of arrays. The collector's own frames are built on that dead stack; none of their
    // unwritten slots (a struct being returned, padding) may be read as a reference.
    private static string? DeadFrames()
    {
        GCHandle weak = LeaveAddressInDeadFrames();
        GarbageCollection.Collect();
        bool survived = weak.Target != null;
        weak.Free();
        return survived ? "an object whose address only dead frames below the caller held survived the collection"
            : null;
    }

    private const int PoisonedWords = 4096; // 32 KiB: deeper than every frame a collection builds

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static GCHandle LeaveAddressInDeadFrames()
    {
        var victim = new Node(null) { Payload = 3 };
        GCHandle weak = GCHandle.Alloc(victim, GCHandleType.Weak);
        FillStack((ulong)AddressOf(victim));
        return weak;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void FillStack(ulong address)
    {
        ulong* words = stackalloc ulong[PoisonedWords];
        for (int i = 0; i < PoisonedWords; i++) words[i] = address;
        Consume(words);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Consume(ulong* words) => s_consumed = words[PoisonedWords - 1];

    private static ulong s_consumed;

    // Objects start one header word into their heap blocks. A native block (a conservative root) holding only the
    // address of an object's block, that is of its header word, or of its last byte keeps the object; once those
    // words are gone, both objects are collected.
    private static string? BlockAddresses()
    {
        ulong* native = (ulong*)NativeMemory.Alloc(16);
        var (head, tail) = PointIntoBlocks(native);
        Collect();
        bool headKept = head.Target != null, tailKept = tail.Target != null;
        native[0] = native[1] = 0;
        Collect();
        bool headFreed = head.Target == null, tailFreed = tail.Target == null;
        head.Free();
        tail.Free();
        NativeMemory.Free(native);
        return !headKept ? "an object only its block's start (the header word) named was collected"
            : !tailKept ? "an object only the address of its last byte named was collected"
            : !headFreed || !tailFreed ? "the objects survived once the native block no longer named them"
            : null;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (GCHandle Head, GCHandle Tail) PointIntoBlocks(ulong* native)
    {
        var a = new Node(null) { Payload = 11 };
        var b = new Node(null) { Payload = 12 };
        native[0] = (ulong)ObjectLayout.BlockOf(AddressOf(a));
        native[1] = ObjectLayout.EndOf(AddressOf(b)) - 1;
        return (GCHandle.Alloc(a, GCHandleType.Weak), GCHandle.Alloc(b, GCHandleType.Weak));
    }

    // NativeMemory.Realloc moves native blocks only: handed an object's block (or the object's own address) it
    // fails (CoreLib reports it as OutOfMemoryException) and the object stays as it was; a native block still grows.
    private static string? ReallocRefusesObjects()
    {
        var node = new Node(null) { Payload = 77 };
        void* obj = AddressOf(node);
        int refused = 0;
        foreach (nint p in new[] { (nint)ObjectLayout.BlockOf(obj), (nint)obj })
        {
            try { NativeMemory.Realloc((void*)p, 100_000); }
            catch (OutOfMemoryException) { refused++; }
        }
        byte* native = (byte*)NativeMemory.Alloc(64);
        native[63] = 0x5A;
        native = (byte*)NativeMemory.Realloc(native, 100_000);
        bool kept = native[63] == 0x5A;
        NativeMemory.Free(native);
        Memory.MemoryError check = KernelMemory.Current!.Heap.Check();
        GC.KeepAlive(node);
        return refused != 2 ? $"realloc resized {2 - refused} of an object's block and address"
            : node.Payload != 77 || *(void**)obj != MethodTableOf(new Node(null)) ? "the refused object was changed"
            : !kept ? "a native block lost its bytes when realloc grew it"
            : check != Memory.MemoryError.None ? $"heap check after the refused reallocs: {check}"
            : null;
    }

    // A host whose root gathering and sweep allocate and ask for collections (GC.Collect, an allocation the heap
    // refuses): none may start a collection inside the running one. The refused allocation fails at once with
    // OutOfMemoryException, GC.Collect runs once more after the collection, and an object allocated during the sweep
    // is tracked: alive through that collection, freed by a later one. Without the guard the handler is entered
    // again from its own root gathering and the sweep's object is never tracked (so never freed).
    private static int s_handlerDepth, s_deepestHandler, s_handlerRuns, s_sweepFrees;
    private static string? s_nestedProblem;
    private static object? s_bornInSweep;
    private static int s_hugeLength = 0x7FFF_0000; // past the kernel heap's 1 GiB: refused, the PMM untouched
    private static byte[]? s_huge;

    private static string? NestedRequests()
    {
        long collections = MarkSweepCollector.Collections, nested = MarkSweepCollector.NestedRequests;
        s_handlerDepth = s_deepestHandler = s_handlerRuns = s_sweepFrees = 0;
        s_nestedProblem = null;
        s_bornInSweep = null;
        MakeGarbage(); // so the sweep has something to free
        bool ran;
        MarkSweepCollector.SetCollectHandler(&NestingHandler);
        MarkSweepCollector.Install(&GarbageCollection.AllocateTable, &GarbageCollection.FreeTable, &NestingFree);
        try { ran = MarkSweepCollector.RequestCollection(); }
        finally { GarbageCollection.Install(); }
        long ranCollections = MarkSweepCollector.Collections - collections;
        long refused = MarkSweepCollector.NestedRequests - nested;
        var (weak, tracked) = TakeBorn();
        FillStack(0); // the dead frames below (TakeBorn's, the sweep's) held the object's address: not a root
        GarbageCollection.Collect();
        bool freedLater = weak.Target == null;
        weak.Free();
        return !ran ? "the collection did not run"
            : s_deepestHandler > 1 ? $"a request during root gathering entered the collection {s_deepestHandler} deep"
            : s_nestedProblem ?? (ranCollections != 2
                ? $"{ranCollections} collections ran: want the one asked for and GC.Collect's, deferred after it"
                : refused != 4 ? $"{refused} nested requests counted, want 4 (two phases x GC.Collect and a refusal)"
                : s_bornInSweep is not null ? "the sweep's object was not let go"
                : !tracked ? "an object allocated during the sweep is not tracked (it can never be freed)"
                : !freedLater ? "the object allocated during the sweep survived a later collection"
                : null);
    }

    private static void NestingHandler(ulong rsp)
    {
        s_handlerRuns++;
        if (++s_handlerDepth > s_deepestHandler) s_deepestHandler = s_handlerDepth;
        if (s_handlerDepth == 1)
        {
            if (s_handlerRuns == 1) RequestDuring("root gathering");
            GarbageCollection.CollectFrom(rsp); // the kernel's roots, the collection, the trim
        }
        s_handlerDepth--;
    }

    private static bool NestingFree(void* obj)
    {
        if (s_sweepFrees++ == 0 && s_handlerRuns == 1)
        {
            RequestDuring("the sweep");
            s_bornInSweep = new Node(null) { Payload = 5 };
        }
        return GarbageCollection.FreeObject(obj);
    }

    private static void RequestDuring(string phase)
    {
        long collections = MarkSweepCollector.Collections;
        GC.Collect();
        try
        {
            s_huge = new byte[s_hugeLength]; // kept in a static: an allocation nothing uses may be left out
            s_nestedProblem ??= $"a {s_huge.Length} B array was allocated during {phase}";
            s_huge = null;
        }
        catch (OutOfMemoryException) { }
        if (MarkSweepCollector.Collections != collections) s_nestedProblem ??= $"a request during {phase} collected";
        if (!MarkSweepCollector.Collecting) s_nestedProblem ??= $"Collecting is false during {phase}";
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void MakeGarbage()
    {
        Node? chain = null;
        for (int i = 0; i < 100; i++) chain = new Node(chain);
        s_consumed = (ulong)chain!.Payload;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (GCHandle Weak, bool Tracked) TakeBorn()
    {
        object? born = s_bornInSweep;
        s_bornInSweep = null;
        if (born is null) return (GCHandle.Alloc(new object(), GCHandleType.Weak), false);
        bool tracked = MarkSweepCollector.IsObjectBlock(ObjectLayout.BlockOf(AddressOf(born)));
        return (GCHandle.Alloc(born, GCHandleType.Weak), tracked);
    }
}
