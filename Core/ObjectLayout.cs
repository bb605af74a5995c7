namespace MemOS.Core;

/// <summary>
/// The size of a managed object from its MethodTable: the base size at offset 4 plus, for arrays and strings, the
/// element count (at offset 8 of the object) times the component size (the low 16 bits of the flags word when the
/// has-component-size flag is set), rounded up to 8. The has-pointers flag says whether the type has a GC layout
/// (GcDesc) below its MethodTable at all.
/// </summary>
public static unsafe class ObjectLayout
{
    private const uint HasComponentSizeFlag = 0x80000000;
    private const uint HasPointersFlag = 0x01000000;

    /// <summary>The header word below every object (hash code, thin lock): counted in its size, first in its block.
    /// </summary>
    public const ulong HeaderBytes = 8;

    /// <summary>The heap block an object lives in: it starts at the object's header word.</summary>
    public static void* BlockOf(void* obj) => (byte*)obj - HeaderBytes;

    /// <summary>The first byte past an object (its block's end).</summary>
    public static ulong EndOf(void* obj) => (ulong)obj - HeaderBytes + SizeOf(obj);

    public static uint BaseSize(void* methodTable) => ((uint*)methodTable)[1];

    /// <summary>Whether objects of the type hold references (strings, byte and int arrays do not).</summary>
    public static bool HasPointers(void* methodTable) => (((uint*)methodTable)[0] & HasPointersFlag) != 0;

    public static uint ComponentSize(void* methodTable)
    {
        uint flags = ((uint*)methodTable)[0];
        return (flags & HasComponentSizeFlag) != 0 ? flags & 0xFFFF : 0;
    }

    /// <summary>Bytes a new object with `length` elements needs (length 0 for a plain object).</summary>
    public static ulong Size(void* methodTable, ulong length)
        => (BaseSize(methodTable) + length * ComponentSize(methodTable) + 7) & ~7UL;

    /// <summary>Bytes an existing object occupies, its header word included.</summary>
    public static ulong SizeOf(void* obj)
    {
        void* methodTable = *(void**)obj;
        uint component = ComponentSize(methodTable);
        return Size(methodTable, component == 0 ? 0 : *(uint*)((byte*)obj + 8));
    }
}
