using System.Runtime.CompilerServices;
using MemOS.Core;

namespace MemOS.Plugs;

/// <summary>
/// Where every managed `new` and every native allocation goes. It starts on the early bump allocator (so CoreLib's
/// module initialisation can allocate before any memory manager exists); the kernel switches it to its heap.
/// Memory handed out is zeroed and 8-byte aligned at least.
/// </summary>
public static unsafe class ManagedAllocator
{
    // No static initialisers here: the allocation helpers run before CoreLib can run a class constructor.
    private static delegate*<nuint, nuint, void*> s_allocate;
    private static delegate*<void*, bool> s_free;
    private static delegate*<void*, nuint, void*> s_reallocate;
    private static bool s_inside;
    private static string? s_backend;

    /// <summary>Name of the allocator in use, for meminfo.</summary>
    public static string Backend => s_backend ?? "early bump allocator";

    /// <summary>Bytes handed out by the early allocator, and while the heap was busy (re-entrant requests).</summary>
    public static ulong EarlyBytes => EarlyAllocator.Used;

    /// <summary>Installs the kernel heap: allocate(size, alignment) must return zeroed memory
    /// or null; free returns false for a pointer it does not own.</summary>
    public static void Install(string name, delegate*<nuint, nuint, void*> allocate, delegate*<void*, bool> free)
    {
        s_allocate = allocate;
        s_free = free;
        s_backend = name;
    }

    /// <summary>Installs realloc: reallocate(pointer, size) resizes a heap block in place when it can, else moves
    /// it; bytes past the old size come back zeroed; null when the heap cannot (the old block is untouched).</summary>
    public static void InstallReallocate(delegate*<void*, nuint, void*> reallocate) => s_reallocate = reallocate;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void* Allocate(nuint size, nuint alignment = 8)
    {
        // A request made while the heap itself is running (its own bookkeeping, a fault handler) is served
        // by the early allocator instead of re-entering the heap.
        if (s_inside || s_allocate == null) return EarlyAllocator.Allocate(size, alignment);
        s_inside = true;
        void* result = s_allocate(size, alignment);
        s_inside = false;
        return result;
    }

    /// <summary>Memory for a managed object (zeroed); the caller writes
    /// its MethodTable, then calls Registered.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void* AllocateObject(nuint size) => Allocate(size);

    /// <summary>
    /// A managed object is complete: the collector learns of it; one from the early allocator (never freed: the GC
    /// static bases among them) is permanent, its fields roots.
    /// </summary>
    public static void Registered(void* obj, ulong size)
    {
        if (!EarlyAllocator.Owns(obj)) MarkSweepCollector.Register(obj, size);
        else MarkSweepCollector.RegisterPermanent(obj);
    }

    /// <summary>Native memory (NativeMemory.Alloc, malloc): not an object, but
    /// scanned as a root since it may hold references.</summary>
    public static void* AllocateNative(nuint size, nuint alignment = 8)
    {
        void* p = Allocate(size, alignment);
        if (p != null && !EarlyAllocator.Owns(p)) MarkSweepCollector.RegisterNative(p, size);
        return p;
    }

    /// <summary>realloc for native memory (NativeMemory.Realloc, SystemNative_Realloc): null allocates; the collector's
    /// root range follows the block.</summary>
    public static void* ReallocateNative(void* pointer, nuint size)
    {
        if (size == 0) size = 1;
        if (pointer == null) return AllocateNative(size);
        if (EarlyAllocator.Owns(pointer))
        {
            // The early allocator keeps no sizes and never frees: copy what can be the old block into a new one.
            void* fresh = AllocateNative(size);
            if (fresh == null) return null;
            ulong room = EarlyAllocator.BytesAfter(pointer);
            System.Buffer.MemoryCopy(pointer, fresh, size, size < room ? size : room);
            return fresh;
        }
        if (s_reallocate == null || s_inside) return null;
        // Only native blocks are resized: an object's block (its header word, one word below the object) belongs to
        // the collector, which would go on tracing and freeing the object where it was. (The object's own address
        // is no block start and the heap refuses it.) Looked up only when the block is no native block it knows.
        if (!MarkSweepCollector.IsNative(pointer) && MarkSweepCollector.IsObjectBlock(pointer)) return null;
        s_inside = true;
        void* result = s_reallocate(pointer, size);
        s_inside = false;
        if (result != null) MarkSweepCollector.MoveNative(pointer, result, size);
        return result;
    }

    public static void FreeNative(void* pointer)
    {
        if (pointer != null && !EarlyAllocator.Owns(pointer)) MarkSweepCollector.UnregisterNative(pointer);
        Free(pointer);
    }

    public static void Free(void* pointer)
    {
        if (pointer == null || EarlyAllocator.Owns(pointer) || s_free == null) return;
        if (s_inside) return;
        s_inside = true;
        bool ok = s_free(pointer);
        s_inside = false;
        if (!ok) RuntimeFatal.Stop("bad free", "a native free of a pointer the kernel heap does not own");
    }
}
