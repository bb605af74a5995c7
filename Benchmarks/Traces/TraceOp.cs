namespace MemOS.Benchmarks.Traces;

/// <summary>What one trace event asks of the allocator.</summary>
public enum TraceOp : byte
{
    /// <summary>malloc(Size) into a free slot.</summary>
    Malloc = 1,

    /// <summary>free of the slot's block.</summary>
    Free = 2,

    /// <summary>calloc: Size zeroed bytes into a free slot.</summary>
    Calloc = 3,

    /// <summary>realloc of the slot's live block to Size bytes; the slot keeps the (possibly moved) block.</summary>
    Realloc = 4,

    /// <summary>memalign / posix_memalign / aligned_alloc: Size bytes aligned to Alignment into a free slot.</summary>
    Memalign = 5,
}

/// <summary>
/// One heap call of a recorded program. Blocks are named by slot (a small integer reused after the block is freed),
/// so a replay keeps its live pointers in an array as long as the most blocks the program had live at once.
/// </summary>
public readonly record struct TraceEvent(TraceOp Op, int Slot, ulong Size, ulong Alignment);
