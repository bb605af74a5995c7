using MemOS.Memory;
using MemOS.Memory.Faults;
using MemOS.Memory.Paging;
using MemOS.Memory.Physical;
using MemOS.Memory.Simulation;
using MemOS.Memory.Virtual;
using MemOS.Tests.Memory.Simulation;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Faults;

/// <summary>
/// Copy-on-write through the resolver on the real PMM when the frame's reference count has spilled past the
/// per-frame ushort into the overflow table: the resolver must still see the frame as shared, copy it, and drop
/// exactly one reference, and the count must come back into the ushort when it falls below the spill point.
/// Both for a shared data frame and for the shared zero page (every demand-zero read maps it).
/// </summary>
public class CopyOnWriteOverflowTests
{
    private const ulong Page = 4096, MiB = 1024 * 1024;
    // the per-frame count holds up to 65534; the 65535th reference spills into the overflow table
    private const int SpillPoint = ushort.MaxValue;
    private static readonly ErrorCode ReadNotPresent = ErrorCode.From(false, false, true);
    private static readonly ErrorCode WritePresent = ErrorCode.From(true, true, true);

    private SimulatedRam _ram = null!;
    private PhysicalMemoryManager _pmm = null!;
    private AddressSpace _space = null!;
    private PageFaultResolver _resolver = null!;
    private Region _region = null!;

    [SetUp]
    public void SetUp()
    {
        _ram = new SimulatedRam(16 * MiB);
        var map = new MemoryMap([new MemoryMapEntry(0, 0x9fc00, 1), new MemoryMapEntry(0x100000, 15 * MiB, 1)]);
        map.Reserve(new PhysicalAddress(0), MiB, ReservationKind.FirstMebibyte);
        _pmm = new PhysicalMemoryManager(map, _ram);
        _space = AddressSpace.Create(_ram, _pmm, new RecordingTlb()).Value;
        _resolver = PageFaultResolver.Create(_ram, _pmm).Value;
        _region = _space.CreateRegion("cow", 16 * Page, RegionFlags.Read | RegionFlags.Write | RegionFlags.User,
            RegionPlacement.Fixed(new VirtualAddress(0x10000)), RegionBacking.Demand).Value;
    }

    [TearDown]
    public void TearDown() => _ram.Dispose();

    private FaultResolution Fault(ulong va, ErrorCode code) => _resolver.Resolve(_space, new VirtualAddress(va), code);

    // References added by hand until the count stands at `count` (past the spill point: in the overflow table).
    private void RaiseTo(PhysicalAddress frame, int count)
    {
        for (int n = _pmm.ReferenceCount(frame); n < count; n++)
            Assert.That(_pmm.AddReference(frame), Is.EqualTo(MemoryError.None));
        Assert.That(_pmm.ReferenceCount(frame), Is.EqualTo(count));
    }

    private void DropTo(PhysicalAddress frame, int count)
    {
        for (int n = _pmm.ReferenceCount(frame); n > count; n--)
            Assert.That(_pmm.FreeFrame(frame), Is.EqualTo(MemoryError.None));
        Assert.That(_pmm.ReferenceCount(frame), Is.EqualTo(count));
    }

    [Test]
    public void A_frame_whose_count_spilled_is_copied_on_write_and_loses_exactly_one_reference()
    {
        PhysicalAddress frame = _pmm.AllocateFrame().Value;
        _ram.Write64(frame + 24, 0xC0FFEE);
        Assert.That(_space.ShareFrame(_region, new VirtualAddress(0x12000), frame), Is.EqualTo(MemoryError.None));
        RaiseTo(frame, SpillPoint + 10);

        FaultResolution copy = Fault(0x12018, WritePresent);

        Assert.That(copy.Outcome, Is.EqualTo(FaultOutcome.CopiedOnWrite), "a spilled count is still shared");
        Assert.That(copy.Frame, Is.Not.EqualTo(frame));
        Assert.That(_ram.Read64(copy.Frame + 24), Is.EqualTo(0xC0FFEEUL), "contents copied");
        PageLookup lookup = _space.PageTable.Lookup(new VirtualAddress(0x12000));
        Assert.That((lookup.Frame, lookup.Flags & PageFlags.Writable), Is.EqualTo((copy.Frame, PageFlags.Writable)));
        Assert.That(_pmm.ReferenceCount(frame), Is.EqualTo(SpillPoint + 9), "one reference dropped in the table");
        Assert.That(_pmm.Check(), Is.EqualTo(MemoryError.None));

        // below the spill point the count lives in the frame's own ushort again, and frees to zero
        DropTo(frame, 1);
        Assert.That(_pmm.Check(), Is.EqualTo(MemoryError.None));
        Assert.That(_pmm.FreeFrame(frame), Is.EqualTo(MemoryError.None));
        Assert.That(_pmm.UsageOf(frame), Is.EqualTo(FrameUsage.Free));
    }

    [Test]
    public void A_frame_whose_count_is_exactly_at_the_spill_point_is_copied_and_comes_back_into_the_ushort()
    {
        PhysicalAddress frame = _pmm.AllocateFrame().Value;
        Assert.That(_space.ShareFrame(_region, new VirtualAddress(0x13000), frame), Is.EqualTo(MemoryError.None));
        RaiseTo(frame, SpillPoint);

        FaultResolution copy = Fault(0x13000, WritePresent);

        Assert.That(copy.Outcome, Is.EqualTo(FaultOutcome.CopiedOnWrite));
        Assert.That(_pmm.ReferenceCount(frame), Is.EqualTo(SpillPoint - 1));
        Assert.That(_pmm.Check(), Is.EqualTo(MemoryError.None), "the overflow slot is given back");
        DropTo(frame, 1);
        Assert.That(_pmm.FreeFrame(frame), Is.EqualTo(MemoryError.None));
    }

    [Test]
    public void A_write_to_the_zero_page_with_a_spilled_count_gets_a_zeroed_copy()
    {
        PhysicalAddress zero = _resolver.ZeroPage;
        Assert.That(Fault(0x14000, ReadNotPresent).Outcome, Is.EqualTo(FaultOutcome.ZeroPageMapped));
        RaiseTo(zero, SpillPoint + 3); // as if 65,000 other pages had been read on demand
        Assert.That(Fault(0x15000, ReadNotPresent).Outcome, Is.EqualTo(FaultOutcome.ZeroPageMapped),
            "the zero page maps on past the spill point");
        Assert.That(_pmm.ReferenceCount(zero), Is.EqualTo(SpillPoint + 4));
        ulong free = _pmm.Statistics.FreeFrames;

        FaultResolution write = Fault(0x15008, WritePresent);

        Assert.That(write.Outcome, Is.EqualTo(FaultOutcome.ZeroPageCopied));
        Assert.That(write.Frame, Is.Not.EqualTo(zero));
        Assert.That(_ram.Read64(write.Frame + 8), Is.Zero);
        Assert.That(_space.PageTable.Lookup(new VirtualAddress(0x15000)).Frame, Is.EqualTo(write.Frame));
        Assert.That(_space.PageTable.Lookup(new VirtualAddress(0x14000)).Frame, Is.EqualTo(zero), "others keep it");
        Assert.That(_pmm.ReferenceCount(zero), Is.EqualTo(SpillPoint + 3));
        Assert.That(_pmm.Statistics.FreeFrames, Is.EqualTo(free - 1), "one frame for the copy");
        Assert.That(_pmm.Check(), Is.EqualTo(MemoryError.None));
    }
}
