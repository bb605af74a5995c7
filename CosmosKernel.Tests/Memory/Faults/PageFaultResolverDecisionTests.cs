using System;
using System.Linq;
using MemOS.Memory;
using MemOS.Memory.Faults;
using MemOS.Memory.Paging;
using MemOS.Memory.Tracing;
using MemOS.Memory.Virtual;
using MemOS.Tests.Memory.Simulation;
using MemOS.Tests.Memory.Tracing;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Faults;

/// <summary>
/// The resolver's decisions on the cases its other tests left open (each found as a surviving mutant by Stryker.NET):
/// SMEP/SMAP checks that must not touch kernel faults or user-mode faults, spurious faults on present pages the
/// access is allowed on, a page whose own entry is stricter than its region, faults with no region on boot mappings,
/// the AC flag in the trace, releasing the zero page twice, a decision without a region, a copy with no frame, and the
/// words each outcome prints.
/// </summary>
public class PageFaultResolverDecisionTests
{
    private const ulong Page = 4096;
    private const RegionFlags RW = RegionFlags.Read | RegionFlags.Write;
    private Rig _rig = null!;
    private AddressSpace _space = null!;
    private PageFaultResolver _resolver = null!;

    [SetUp]
    public void SetUp()
    {
        _rig = new Rig();
        _space = AddressSpace.Create(_rig.Ram, _rig.Frames, _rig.Tlb).Value;
        _resolver = PageFaultResolver.Create(_rig.Ram, _rig.Frames).Value;
    }

    [TearDown]
    public void TearDown() => _rig.Dispose();

    private static VirtualAddress V(ulong v) => new(v);

    private Region Region(ulong at, RegionFlags flags, ulong pages = 4)
        => _space.CreateRegion("r", pages * Page, flags, RegionPlacement.Fixed(V(at)), RegionBacking.Demand).Value;

    private FaultOutcome Decide(ulong va, bool present, bool write, bool user, bool fetch = false, bool ac = false)
        => _resolver.Decide(_space, V(va), ErrorCode.From(present, write, user, instruction: fetch), ac).Outcome;

    [Test]
    public void With_smep_and_smap_on_kernel_faults_on_kernel_pages_and_user_faults_on_user_pages_are_resolved()
    {
        _resolver.Smep = true;
        _resolver.Smap = true;
        Region(0xFFFF_C000_0000_0000, RW);
        Region(0x10000, RW | RegionFlags.User | RegionFlags.Execute);
        Assert.That(Decide(0xFFFF_C000_0000_0000, false, false, false), Is.EqualTo(FaultOutcome.ZeroPageMapped),
            "a kernel read of a kernel page is no SMAP matter");
        Assert.That(Decide(0xFFFF_C000_0000_0000, false, true, false), Is.EqualTo(FaultOutcome.PrivateFrameMapped));
        Assert.That(Decide(0x10000, false, false, true), Is.EqualTo(FaultOutcome.ZeroPageMapped),
            "a user read of a user page is no SMAP matter");
        Assert.That(Decide(0x10000, false, false, true, fetch: true), Is.EqualTo(FaultOutcome.ZeroPageMapped),
            "a user fetch from a user page is no SMEP matter");
        Assert.That(Decide(0x10000, false, false, false), Is.EqualTo(FaultOutcome.KernelAccessToUser));
        Assert.That(Decide(0x10000, false, false, false, ac: true), Is.EqualTo(FaultOutcome.ZeroPageMapped),
            "EFLAGS.AC allows the kernel's access");
        Assert.That(Decide(0x10000, false, false, false, fetch: true), Is.EqualTo(FaultOutcome.KernelExecuteOfUser));
    }

    [Test]
    public void A_fault_on_a_present_page_the_access_is_allowed_on_is_spurious()
    {
        Region kernel = Region(0xFFFF_C000_0000_0000, RW | RegionFlags.Execute);
        Region user = Region(0x10000, RW | RegionFlags.User | RegionFlags.Execute);
        var frame = _rig.Frames.AllocateFrame().Value;
        Assert.That(_space.PageTable.Map(kernel.Base, frame, kernel.PageFlags).Ok, Is.True);
        var other = _rig.Frames.AllocateFrame().Value;
        Assert.That(_space.PageTable.Map(user.Base, other, user.PageFlags).Ok, Is.True);
        Assert.That(Decide(kernel.Base.Value, true, true, false), Is.EqualTo(FaultOutcome.Spurious),
            "a kernel write to a writable kernel page");
        Assert.That(Decide(kernel.Base.Value, true, false, false, fetch: true), Is.EqualTo(FaultOutcome.Spurious),
            "a kernel fetch from an executable page");
        Assert.That(Decide(user.Base.Value, true, true, true), Is.EqualTo(FaultOutcome.Spurious));
        Assert.That(Decide(user.Base.Value, true, false, true, fetch: true), Is.EqualTo(FaultOutcome.Spurious));
    }

    [Test]
    public void A_page_stricter_than_its_region_is_judged_by_its_entry()
    {
        Region user = Region(0x10000, RW | RegionFlags.User | RegionFlags.Execute);
        var frame = _rig.Frames.AllocateFrame().Value;
        // executable region, but this page's entry says NX and read-only
        Assert.That(_space.PageTable.Map(user.Base, frame,
            PageFlags.Present | PageFlags.User | PageFlags.NoExecute).Ok, Is.True);
        Assert.That(Decide(user.Base.Value, true, false, true, fetch: true),
            Is.EqualTo(FaultOutcome.ExecuteOnNoExecute), "a fetch from an NX page is not a write to make writable");
        // and a page of a user region whose entry has no U bit
        var second = _rig.Frames.AllocateFrame().Value;
        Assert.That(_space.PageTable.Map(user.Base + Page, second, PageFlags.Present | PageFlags.Writable).Ok,
            Is.True);
        Assert.That(Decide(user.Base.Value + Page, true, false, true), Is.EqualTo(FaultOutcome.UserToSupervisor));
    }

    [Test]
    public void With_no_region_a_mapped_page_is_judged_by_the_permission_the_access_broke()
    {
        // boot mappings have no region: a read-only NX page and a writable executable one
        var a = _rig.Frames.AllocateFrame().Value;
        var b = _rig.Frames.AllocateFrame().Value;
        Assert.That(_space.PageTable.Map(V(0xFFFF_D000_0000_0000), a, PageFlags.Present | PageFlags.NoExecute).Ok,
            Is.True);
        Assert.That(_space.PageTable.Map(V(0xFFFF_D000_0000_1000), b, PageFlags.Present | PageFlags.Writable).Ok,
            Is.True);
        Assert.That(Decide(0xFFFF_D000_0000_0000, true, false, false), Is.EqualTo(FaultOutcome.NoRegion),
            "a read of a readable page breaks nothing");
        Assert.That(Decide(0xFFFF_D000_0000_0000, true, true, false), Is.EqualTo(FaultOutcome.WriteToReadOnly));
        Assert.That(Decide(0xFFFF_D000_0000_0000, true, false, false, fetch: true),
            Is.EqualTo(FaultOutcome.ExecuteOnNoExecute));
        Assert.That(Decide(0xFFFF_D000_0000_1000, true, false, false, fetch: true), Is.EqualTo(FaultOutcome.NoRegion),
            "a fetch from an executable page breaks nothing");
        Assert.That(Decide(0xFFFF_D000_0000_1000, true, true, false), Is.EqualTo(FaultOutcome.NoRegion));
        Assert.That(Decide(0xFFFF_D000_0000_1000, true, false, true), Is.EqualTo(FaultOutcome.UserToSupervisor));
    }

    [Test]
    public void The_fault_event_carries_eflags_ac()
    {
        Region(0x10000, RW | RegionFlags.User);
        using var trace = new RecordingSink();
        _resolver.Resolve(_space, V(0x10000), ErrorCode.From(false, false, false), userAccessAllowed: true);
        _resolver.Resolve(_space, V(0x11000), ErrorCode.From(false, false, false), userAccessAllowed: false);
        MemoryEvent[] faults = trace.Events.Where(e => e.Kind == MemoryEventKind.Fault).ToArray();
        Assert.That(faults.Select(e => e.Value), Is.EqualTo(new ulong[] { 1, 0 }));
    }

    [Test]
    public void Releasing_the_zero_page_twice_is_a_double_free()
    {
        Assert.That(_resolver.Release(_rig.Frames), Is.EqualTo(MemoryError.None));
        Assert.That(_resolver.Release(_rig.Frames), Is.EqualTo(MemoryError.DoubleFree));
    }

    [Test]
    public void A_decision_without_a_region_is_returned_as_it_is()
    {
        var made = new FaultResolution(FaultOutcome.PrivateFrameMapped, null, V(0x10000), default);
        int free = _rig.Frames.FreeFrames;
        Assert.That(_resolver.Apply(_space, made), Is.EqualTo(made));
        Assert.That(_rig.Frames.FreeFrames, Is.EqualTo(free), "nothing mapped");
    }

    [Test]
    public void A_copy_on_write_with_no_frame_left_is_out_of_memory_and_changes_nothing()
    {
        Region r = Region(0x10000, RW);
        Assert.That(_resolver.Resolve(_space, V(0x10000), ErrorCode.From(false, false, false)).Outcome,
            Is.EqualTo(FaultOutcome.ZeroPageMapped));
        _rig.Frames.FailAfter = 0;
        var result = _resolver.Resolve(_space, V(0x10000), ErrorCode.From(true, true, false));
        Assert.That(result.Outcome, Is.EqualTo(FaultOutcome.OutOfMemory));
        Assert.That(_space.PageTable.Lookup(r.Base).Frame, Is.EqualTo(_resolver.ZeroPage), "still the zero page");
    }

    [Test]
    public void Every_outcome_has_its_own_words()
    {
        string[] words = Enum.GetValues<FaultOutcome>().Select(o => o.Describe()).ToArray();
        Assert.That(words, Is.Unique);
        Assert.That(words, Has.None.EqualTo("unknown").And.None.Empty);
        Assert.That(words, Is.EqualTo(new[]
        {
            "no fault", "zero page mapped", "private zeroed frame mapped", "copy-on-write from the zero page",
            "copy-on-write copy", "only reference left, made writable", "present but allowed (spurious)", "no region",
            "non-canonical address", "write to read-only", "execute on NX", "user touching supervisor",
            "reserved bit set", "kernel touching user page (SMAP)", "kernel executing user page (SMEP)",
            "no backing for this page", "out of memory", "fault persisted after resolution",
        }));
        Assert.That(((FaultOutcome)200).Describe(), Is.EqualTo("unknown"));
    }
}
