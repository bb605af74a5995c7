using System.Runtime;
using MemOS.Core;
using MemOS.Core.Exceptions;

namespace MemOS.Plugs;

/// <summary>
/// The allocation helpers ilc's code calls for `new`: objects, arrays and strings get their size from the
/// MethodTable (component size in the low 16 bits of the flags word, base size at offset 4) and land in
/// ManagedAllocator. A request the heap cannot satisfy runs a collection and tries once more; then it is an
/// OutOfMemoryException (the preallocated one: allocating it could fail too). A negative length is an
/// OverflowException, as in .NET; nothing wraps around.
/// </summary>
internal static unsafe class AllocationHelpers
{
    private const ulong MaxObjectSize = 1UL << 32;

    private static void* NewObject(void* methodTable)
    {
        ulong size = ObjectLayout.Size(methodTable, 0);
        void** obj = AllocateOrCollect(size);
        *obj = methodTable;
        ManagedAllocator.Registered(obj, size);
        return obj;
    }

    private static void* NewArray(void* methodTable, long length)
    {
        if (length < 0) throw new System.OverflowException();
        ulong size = ObjectLayout.Size(methodTable, (ulong)length);
        if (size > MaxObjectSize) throw RuntimeExceptions.OutOfMemory;
        void** obj = AllocateOrCollect(size);
        *obj = methodTable;
        *(int*)(obj + 1) = (int)length;
        ManagedAllocator.Registered(obj, size);
        return obj;
    }

    // The size counts the object's header word, which lies just below the object (lock and GetHashCode write it):
    // the object starts one word into its block, so that word is the object's own, never its neighbour's.
    private static void** AllocateOrCollect(ulong size)
    {
        byte* block = (byte*)ManagedAllocator.AllocateObject((nuint)size);
        if (block == null)
        {
            MarkSweepCollector.RequestCollection();
            block = (byte*)ManagedAllocator.AllocateObject((nuint)size);
            if (block == null) throw RuntimeExceptions.OutOfMemory;
        }
        return (void**)(block + ObjectLayout.HeaderBytes);
    }

    [RuntimeExport("RhpNewFast")] private static void* NewFast(void* methodTable) => NewObject(methodTable);
    [RuntimeExport("RhpNewFinalizable")] private static void* NewFinalizable(void* methodTable)
        => NewObject(methodTable);
    [RuntimeExport("RhpNewArrayFast")] private static void* NewArrayFast(void* methodTable, int length)
        => NewArray(methodTable, length);
    [RuntimeExport("RhpNewPtrArrayFast")] private static void* NewPtrArrayFast(void* methodTable, int length)
        => NewArray(methodTable, length);
    [RuntimeExport("RhNewString")] private static void* NewString(void* methodTable, nint length)
        => NewArray(methodTable, length);

    [RuntimeExport("RhAllocateNewObject")]
    private static void AllocateNewObject(void* methodTable, uint flags, void** result)
        => *result = NewObject(methodTable);

    [RuntimeExport("RhAllocateNewArray")]
    private static void AllocateNewArray(void* methodTable, uint length, uint flags, void** result)
        => *result = NewArray(methodTable, length);
}
