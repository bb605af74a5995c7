using System;
using MemOS.Benchmarks.Allocators;

namespace MemOS.Benchmarks.Workloads;

/// <summary>
/// "Churn": fill an allocator with <see cref="LiveBlocks"/> blocks, then repeat free-a-random-live-block +
/// allocate-a-new-one. The script (victims and sizes) is generated once from a fixed seed and replayed, so
/// every allocator does exactly the same operations and no random numbers are drawn while timing.
/// </summary>
public sealed unsafe class ChurnWorkload : IDisposable
{
    public const int DefaultLiveBlocks = 10_000;
    private const int ScriptLength = 1 << 16;
    private const int Seed = 20_240_611;

    private readonly IAllocator _allocator;
    private readonly nint[] _live;
    private readonly nuint[] _liveSizes;
    private readonly int[] _victims = new int[ScriptLength];
    private readonly nuint[] _sizes = new nuint[ScriptLength];
    private int _cursor;

    public ChurnWorkload(IAllocator allocator, SizeDistribution distribution, int liveBlocks = DefaultLiveBlocks)
    {
        _allocator = allocator;
        Distribution = distribution;
        LiveBlocks = liveBlocks;
        _live = new nint[liveBlocks];
        _liveSizes = new nuint[liveBlocks];
        var random = new Random(Seed);
        for (int i = 0; i < liveBlocks; i++) _liveSizes[i] = SizeDistributions.Next(distribution, random);
        for (int i = 0; i < ScriptLength; i++)
        {
            _victims[i] = random.Next(liveBlocks);
            _sizes[i] = SizeDistributions.Next(distribution, random);
        }
    }

    public SizeDistribution Distribution { get; }

    public int LiveBlocks { get; }

    /// <summary>Bytes requested by the blocks live now.</summary>
    public ulong RequestedBytes
    {
        get
        {
            ulong sum = 0;
            foreach (var s in _liveSizes) sum += s;
            return sum;
        }
    }

    /// <summary>Sizes of the live blocks (for overhead computations).</summary>
    public ReadOnlySpan<nuint> LiveSizes => _liveSizes;

    /// <summary>Allocate the initial live set (not timed).</summary>
    public void Fill()
    {
        for (int i = 0; i < _live.Length; i++) _live[i] = Touch(_allocator.Allocate(_liveSizes[i]), i);
    }

    /// <summary><paramref name="operations"/> free+allocate pairs; a word of each new block is written, as a caller
    /// would.</summary>
    public void Run(int operations)
    {
        int cursor = _cursor;
        for (int i = 0; i < operations; i++)
        {
            int victim = _victims[cursor];
            nuint size = _sizes[cursor];
            _allocator.Free(_live[victim]);
            _live[victim] = Touch(_allocator.Allocate(size), i);
            _liveSizes[victim] = size;
            cursor = (cursor + 1) & (ScriptLength - 1);
        }
        _cursor = cursor;
    }

    private static nint Touch(nint block, int value)
    {
        if (block == 0) throw new InvalidOperationException("allocator out of memory during a benchmark");
        *(int*)block = value;
        return block;
    }

    /// <summary>Free every live block (the allocator itself is the caller's).</summary>
    public void Dispose()
    {
        for (int i = 0; i < _live.Length; i++)
        {
            if (_live[i] != 0) _allocator.Free(_live[i]);
            _live[i] = 0;
        }
    }
}
