using System;
using MemOS.Memory;
using MemOS.Memory.Simulation;

namespace MemOS.Tests.Memory.Simulation;

/// <summary>
/// Test-only PMM stand-in: a free list over a range of SimulatedRam frames with reference counts and
/// double-free detection. Allocated and freed frames are filled with junk so missing zeroing shows up.
/// </summary>
public sealed unsafe class TestFrameAllocator : IFrameAllocator
{
    public const byte Junk = 0xA5;

    private readonly SimulatedRam _ram;
    private readonly ulong _firstFrame;
    private readonly ulong[] _free;
    private readonly int[] _references;
    private int _freeCount;

    public TestFrameAllocator(SimulatedRam ram, ulong firstFrame, int frameCount)
    {
        if (firstFrame == 0 || (firstFrame + (ulong)frameCount) * PhysicalAddress.FrameSize > ram.Size)
            throw new ArgumentOutOfRangeException(nameof(frameCount),
                "frame range must be inside RAM and skip frame 0");
        _ram = ram;
        _firstFrame = firstFrame;
        _free = new ulong[frameCount];
        _references = new int[frameCount];
        // Hand frames out lowest first (stack popped from the end).
        for (int i = 0; i < frameCount; i++) _free[i] = firstFrame + (ulong)(frameCount - 1 - i);
        _freeCount = frameCount;
        TotalFrames = frameCount;
    }

    public int TotalFrames { get; }
    public int FreeFrames => _freeCount;
    public int AllocatedFrames => TotalFrames - _freeCount;

    /// <summary>When set, allocations fail with OutOfMemory once this many more have succeeded.</summary>
    public int? FailAfter { get; set; }

    public Result<PhysicalAddress> AllocateFrame()
    {
        if (_freeCount == 0) return Result<PhysicalAddress>.Fail(MemoryError.OutOfMemory);
        if (FailAfter is int left)
        {
            if (left <= 0) return Result<PhysicalAddress>.Fail(MemoryError.OutOfMemory);
            FailAfter = left - 1;
        }
        ulong frame = _free[--_freeCount];
        _references[frame - _firstFrame] = 1;
        var address = PhysicalAddress.FromFrame(frame);
        new Span<byte>(_ram.Pointer(address, PhysicalAddress.FrameSize), (int)PhysicalAddress.FrameSize).Fill(Junk);
        return Result<PhysicalAddress>.Success(address);
    }

    /// <summary>Frames user allocations leave for the kernel (0: no reserve).</summary>
    public int ReserveFrames { get; set; }

    public Result<PhysicalAddress> AllocateUserFrame()
        => _freeCount <= ReserveFrames + ChargedFrames ? Result<PhysicalAddress>.Fail(MemoryError.OutOfMemory)
            : AllocateFrame();

    /// <summary>Frames charged and not yet taken (the commit charge).</summary>
    public int ChargedFrames { get; private set; }

    public MemoryError Charge(ulong frames)
    {
        if ((ulong)_freeCount < (ulong)(ReserveFrames + ChargedFrames) + frames) return MemoryError.OutOfMemory;
        ChargedFrames += (int)frames;
        return MemoryError.None;
    }

    public void Uncharge(ulong frames) => ChargedFrames -= (int)Math.Min(frames, (ulong)ChargedFrames);

    public Result<PhysicalAddress> AllocateCharged()
    {
        if (ChargedFrames == 0) return Result<PhysicalAddress>.Fail(MemoryError.InvalidArgument);
        ChargedFrames--;
        int? failAfter = FailAfter;
        FailAfter = null; // a charged frame is never refused
        var frame = AllocateFrame();
        FailAfter = failAfter;
        return frame;
    }

    public MemoryError FreeFrame(PhysicalAddress frame)
    {
        var error = Check(frame, out long index);
        if (error != MemoryError.None) return error;
        if (_references[index] == 0) return MemoryError.DoubleFree;
        if (--_references[index] == 0)
        {
            new Span<byte>(_ram.Pointer(frame, PhysicalAddress.FrameSize), (int)PhysicalAddress.FrameSize).Fill(Junk);
            _free[_freeCount++] = frame.FrameNumber;
        }
        return MemoryError.None;
    }

    public MemoryError AddReference(PhysicalAddress frame)
    {
        var error = Check(frame, out long index);
        if (error != MemoryError.None) return error;
        if (_references[index] == 0) return MemoryError.NotAllocated;
        _references[index]++;
        return MemoryError.None;
    }

    public int ReferenceCount(PhysicalAddress frame)
        => Check(frame, out long index) == MemoryError.None ? _references[index] : 0;

    public bool IsAllocated(PhysicalAddress frame) => ReferenceCount(frame) > 0;

    private MemoryError Check(PhysicalAddress frame, out long index)
    {
        index = -1;
        if (!frame.IsFrameAligned) return MemoryError.Misaligned;
        if (frame.FrameNumber < _firstFrame || frame.FrameNumber >= _firstFrame + (ulong)TotalFrames)
            return MemoryError.UnknownFrame;
        index = (long)(frame.FrameNumber - _firstFrame);
        return MemoryError.None;
    }
}
