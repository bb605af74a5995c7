using System.Runtime;
using MemOS.Core;

namespace MemOS.Plugs;

/// <summary>
/// The allocation helpers ilc's code calls for `new`: objects, arrays and strings get their size from the
/// MethodTable (component size in the low 16 bits of the flags word, base size at offset 4) and land in
/// ManagedAllocator. An impossible size is a panic that says so, never a wrap-around.
/// </summary>
internal static unsafe class AllocationHelpers
{
    private const ulong MaxObjectSize = 1UL << 32;

    private static void* NewObject(void* methodTable)
    {
        ulong size = ObjectLayout.Size(methodTable, 0);
        void** obj = (void**)ManagedAllocator.AllocateObject((nuint)size);
        if (obj == null) RuntimeFatal.Stop("out of memory", "allocating an object");
        *obj = methodTable;
        ManagedAllocator.Registered(obj, size);
        return obj;
    }

    private static void* NewArray(void* methodTable, long length)
    {
        if (length < 0) RuntimeFatal.Stop("overflow", "negative array or string length");
        ulong size = ObjectLayout.Size(methodTable, (ulong)length);
        if (size > MaxObjectSize) RuntimeFatal.Stop("out of memory", "array or string larger than 4 GiB");
        void** obj = (void**)ManagedAllocator.AllocateObject((nuint)size);
        if (obj == null) RuntimeFatal.Stop("out of memory", "allocating an array");
        *obj = methodTable;
        *(int*)(obj + 1) = (int)length;
        ManagedAllocator.Registered(obj, size);
        return obj;
    }

    [RuntimeExport("RhpNewFast")] private static void* NewFast(void* methodTable) => NewObject(methodTable);
    [RuntimeExport("RhpNewFinalizable")] private static void* NewFinalizable(void* methodTable) => NewObject(methodTable);
    [RuntimeExport("RhpNewArrayFast")] private static void* NewArrayFast(void* methodTable, int length) => NewArray(methodTable, length);
    [RuntimeExport("RhpNewPtrArrayFast")] private static void* NewPtrArrayFast(void* methodTable, int length) => NewArray(methodTable, length);
    [RuntimeExport("RhNewString")] private static void* NewString(void* methodTable, nint length) => NewArray(methodTable, length);

    [RuntimeExport("RhAllocateNewObject")]
    private static void AllocateNewObject(void* methodTable, uint flags, void** result) => *result = NewObject(methodTable);

    [RuntimeExport("RhAllocateNewArray")]
    private static void AllocateNewArray(void* methodTable, uint length, uint flags, void** result) => *result = NewArray(methodTable, length);
}
