using System;
using MemOS.Memory.Simulation;

namespace MemOS.Tests.Memory.Simulation;

/// <summary>RAM + test frame allocator + recording TLB: the fixture every paging/VMM test starts from.</summary>
public sealed class Rig : IDisposable
{
    public Rig(int frames = 1024, ulong firstFrame = 16)
    {
        Ram = new SimulatedRam((firstFrame + (ulong)frames) * 4096);
        Frames = new TestFrameAllocator(Ram, firstFrame, frames);
        Tlb = new RecordingTlb();
    }

    public SimulatedRam Ram { get; }
    public TestFrameAllocator Frames { get; }
    public RecordingTlb Tlb { get; }

    public void Dispose() => Ram.Dispose();
}
