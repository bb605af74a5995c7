namespace MemOS.Memory.Heap;

/// <summary>What a block in a heap walk is.</summary>
public enum HeapBlockKind
{
    /// <summary>A free medium block (on a free list).</summary>
    Free,
    /// <summary>The untouched space at the heap's end, up to its mapped end.</summary>
    Top,
    /// <summary>A medium allocation (header + payload).</summary>
    Medium,
    /// <summary>A large allocation: whole pages.</summary>
    Large,
    /// <summary>A slab span holding small objects of one size class.</summary>
    Slab,
    /// <summary>A live small object inside the slab listed just before it.</summary>
    Small,
}

/// <summary>One line of `heap blocks`: where a block is, how big, and what it is.</summary>
/// <param name="Address">Payload address for allocations, block start for free space and slabs.</param>
/// <param name="Size">Usable bytes for allocations, whole block bytes otherwise.</param>
public readonly record struct HeapBlock(VirtualAddress Address, ulong Size, HeapBlockKind Kind)
{
    public bool Used
        => Kind is HeapBlockKind.Medium or HeapBlockKind.Large or HeapBlockKind.Slab or HeapBlockKind.Small;
}

/// <summary>Kind names for listings (no Enum.ToString in the kernel).</summary>
public static class HeapBlockKinds
{
    public static string Name(this HeapBlockKind kind) => kind switch
    {
        HeapBlockKind.Free => "free",
        HeapBlockKind.Top => "top",
        HeapBlockKind.Medium => "medium",
        HeapBlockKind.Large => "large",
        HeapBlockKind.Slab => "slab",
        HeapBlockKind.Small => "small",
        _ => "kind " + ((int)kind).ToString(),
    };
}
