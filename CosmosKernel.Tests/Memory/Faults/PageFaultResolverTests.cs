using System;
using System.Collections.Generic;
using MemOS.Memory;
using MemOS.Memory.Faults;
using MemOS.Memory.Paging;
using MemOS.Memory.Tracing;
using MemOS.Memory.Virtual;
using MemOS.Tests.Memory.Simulation;
using MemOS.Tests.Memory.Tracing;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Faults;

public class PageFaultResolverTests
{
    private const ulong Page = 4096;
    private static readonly ErrorCode ReadNotPresent = ErrorCode.From(false, false, true);
    private static readonly ErrorCode WriteNotPresent = ErrorCode.From(false, true, true);
    private static readonly ErrorCode WritePresent = ErrorCode.From(true, true, true);
    private Rig _rig = null!;
    private AddressSpace _space = null!;
    private PageFaultResolver _resolver = null!;
    private Region _heap = null!;
    private RecordingSink _trace = null!;

    [SetUp]
    public void SetUp()
    {
        _rig = new Rig();
        _space = AddressSpace.Create(_rig.Ram, _rig.Frames, _rig.Tlb).Value;
        _resolver = PageFaultResolver.Create(_rig.Ram, _rig.Frames).Value;
        _heap = _space.CreateRegion("heap", 16 * Page, RegionFlags.Read | RegionFlags.Write | RegionFlags.User,
            RegionPlacement.Fixed(V(0x10000)), RegionBacking.Demand).Value;
        _trace = new RecordingSink();
    }

    [TearDown]
    public void TearDown()
    {
        _trace.Dispose();
        _rig.Dispose();
    }

    private static VirtualAddress V(ulong v) => new(v);
    private FaultResolution Fault(ulong va, ErrorCode code) => _resolver.Resolve(_space, V(va), code);
    private string TraceText() => _trace.Text;

    [Test]
    public void Demand_write_maps_a_private_zeroed_frame_and_tells_the_story()
    {
        var result = Fault(0x10010, WriteNotPresent);
        Assert.That(result.Outcome, Is.EqualTo(FaultOutcome.PrivateFrameMapped));
        Assert.That(result.Page, Is.EqualTo(V(0x10000)));
        var lookup = _space.PageTable.Lookup(V(0x10000));
        Assert.That(lookup.Frame, Is.EqualTo(result.Frame));
        Assert.That(lookup.Flags & PageFlags.Writable, Is.EqualTo(PageFlags.Writable));
        Assert.That(_rig.Ram.Read64(result.Frame + 0x800), Is.Zero, "zeroed, not junk");
        Assert.That(_heap.ResidentPages, Is.EqualTo(1UL));
        // The resolver tells the fault and its decision; the VMM and the page table tell what they did.
        Assert.That(_trace.Kinds, Is.EqualTo(new[]
        {
            MemoryEventKind.Fault, MemoryEventKind.FaultDecided, MemoryEventKind.TableAllocated,
            MemoryEventKind.TableAllocated, MemoryEventKind.TableAllocated, MemoryEventKind.EntryWritten,
            MemoryEventKind.DemandPageMapped,
        }));
        Assert.That(TraceText(), Does.StartWith(
            "fault: page fault at 0x10010 (write, not present, user) → fault: region heap (demand): private zeroed "
            + "frame mapped → page table: new PDPT table at "));
        Assert.That(TraceText(), Does.EndWith(
            $"page table: PT entry for 0x10000 -> 0x{result.Frame.Value:x} (P W U NX) → VMM: zeroed frame "
            + $"0x{result.Frame.Value:x} mapped at 0x10000"));
    }

    [Test]
    public void Demand_read_shares_the_zero_page_then_a_write_copies_it()
    {
        var zero = _resolver.ZeroPage;
        Assert.That(_rig.Frames.ReferenceCount(zero), Is.EqualTo(1));
        var read = Fault(0x10000, ReadNotPresent);
        Assert.That(read.Outcome, Is.EqualTo(FaultOutcome.ZeroPageMapped));
        Assert.That(read.Frame, Is.EqualTo(zero));
        Fault(0x11000, ReadNotPresent);
        Assert.That(_rig.Frames.ReferenceCount(zero), Is.EqualTo(3), "two read-only mappings share it");
        Assert.That(_space.PageTable.Lookup(V(0x11000)).Flags & PageFlags.Writable, Is.EqualTo(PageFlags.None));
        int allocated = _rig.Frames.AllocatedFrames;

        _trace.Events.Clear();
        var write = Fault(0x11008, WritePresent);
        Assert.That(write.Outcome, Is.EqualTo(FaultOutcome.ZeroPageCopied));
        Assert.That(write.Frame, Is.Not.EqualTo(zero));
        Assert.That(_rig.Frames.ReferenceCount(zero), Is.EqualTo(2), "zero page refcount -1");
        Assert.That(_rig.Frames.AllocatedFrames, Is.EqualTo(allocated + 1));
        Assert.That(_space.PageTable.Lookup(V(0x11000)).Frame, Is.EqualTo(write.Frame));
        Assert.That(_rig.Ram.Read64(write.Frame), Is.Zero);
        Assert.That(_heap.ResidentPages, Is.EqualTo(2UL));
        Assert.That(TraceText(),
            Does.Contain($"VMM: frame 0x{write.Frame.Value:x} zeroed replaces the read-only page at "
            + "0x11000"));
        var stats = _resolver.Statistics;
        Assert.That((stats.Faults, stats.ZeroPageMaps, stats.ZeroPageCopies, stats.PrivateFrames),
            Is.EqualTo((3L, 2L, 1L, 0L)));
    }

    [Test]
    public void Write_to_a_shared_frame_copies_it_and_a_last_reference_is_reused()
    {
        var frame = _rig.Frames.AllocateFrame().Value;
        _rig.Ram.Write64(frame + 16, 0xDEADBEEF);
        Assert.That(_space.ShareFrame(_heap, V(0x12000), frame), Is.EqualTo(MemoryError.None));
        var copy = Fault(0x12010, WritePresent);
        Assert.That(copy.Outcome, Is.EqualTo(FaultOutcome.CopiedOnWrite));
        Assert.That(_rig.Ram.Read64(copy.Frame + 16), Is.EqualTo(0xDEADBEEFUL), "contents copied");
        Assert.That(_rig.Frames.ReferenceCount(frame), Is.EqualTo(1));
        Assert.That(TraceText(), Does.Contain($"VMM: frame 0x{copy.Frame.Value:x} copied from 0x{frame.Value:x}"));

        // Share again, then drop the other holder: the mapping is the only reference left.
        _space.ShareFrame(_heap, V(0x13000), frame);
        _rig.Frames.FreeFrame(frame);
        var reuse = Fault(0x13000, WritePresent);
        Assert.That(reuse.Outcome, Is.EqualTo(FaultOutcome.MadeWritable));
        Assert.That(_space.PageTable.Lookup(V(0x13000)).Frame, Is.EqualTo(frame), "no copy");
        Assert.That(_space.PageTable.Lookup(V(0x13000)).Flags & PageFlags.Writable, Is.EqualTo(PageFlags.Writable));
        Assert.That(_resolver.Count(FaultOutcome.CopiedOnWrite), Is.EqualTo(1));
        Assert.That(_resolver.Count(FaultOutcome.MadeWritable), Is.EqualTo(1));
    }

    [Test]
    public void A_page_grown_under_demand_in_an_immediate_region_is_narrated_as_demand()
    {
        var heap = _space.CreateRegion("grown", 0, RegionFlags.Read | RegionFlags.Write | RegionFlags.User,
            RegionPlacement.Fixed(V(0x50000)), RegionBacking.Immediate).Value;
        _space.SetDefaultBacking(RegionBacking.Demand);
        Assert.That(_space.Grow(heap, Page), Is.EqualTo(MemoryError.None));
        _trace.Events.Clear();
        Assert.That(Fault(0x50008, WriteNotPresent).Outcome, Is.EqualTo(FaultOutcome.PrivateFrameMapped));
        Assert.That(TraceText(), Does.Contain("fault: region grown (demand)"));
        Assert.That(heap.DescribeBacking(), Is.EqualTo("demand"), "created empty: every page it has came on demand");
    }

    [Test]
    public void Present_and_allowed_is_spurious_no_work()
    {
        Fault(0x10000, WriteNotPresent);
        _trace.Events.Clear();
        var again = Fault(0x10008, WritePresent);
        Assert.That(again.Outcome, Is.EqualTo(FaultOutcome.Spurious));
        Assert.That(TraceText(), Does.EndWith("present but allowed (spurious)"));
        Assert.That(_resolver.Statistics.Spurious, Is.EqualTo(1));
    }

    [Test]
    public void A_mapping_without_a_region_is_judged_by_its_page_table_entry()
    {
        // Like the kernel image and the direct map: mapped at boot, not regions.
        var frame = _rig.Frames.AllocateFrame().Value;
        _space.PageTable.Map(V(0x80000), frame, PageFlags.Present);                                   // read + execute
        _space.PageTable.Map(V(0x81000), frame, PageFlags.Present | PageFlags.Writable | PageFlags.NoExecute);
        var kernelWrite = ErrorCode.From(true, true, false);
        var kernelFetch = ErrorCode.From(true, false, false, instruction: true);
        Assert.Multiple(() =>
        {
            Assert.That(Fault(0x80010, kernelWrite).Outcome, Is.EqualTo(FaultOutcome.WriteToReadOnly));
            Assert.That(Fault(0x81010, kernelFetch).Outcome, Is.EqualTo(FaultOutcome.ExecuteOnNoExecute));
            Assert.That(Fault(0x81010, ErrorCode.From(true, false, true)).Outcome,
                Is.EqualTo(FaultOutcome.UserToSupervisor));
            Assert.That(Fault(0x82010, ErrorCode.From(false, true, false)).Outcome, Is.EqualTo(FaultOutcome.NoRegion),
                "unmapped, no region");
        });
        Assert.That(_space.PageTable.Lookup(V(0x80000)).Flags & PageFlags.Writable, Is.EqualTo(PageFlags.None),
            "nothing changed");
        Assert.That(_resolver.Statistics.Violations, Is.EqualTo(4));
    }

    [Test]
    public void Violations_each_have_their_reason()
    {
        var ro = _space.CreateRegion("rodata", Page, RegionFlags.Read | RegionFlags.User,
            RegionPlacement.Fixed(V(0x30000)), RegionBacking.Demand).Value;
        _space.CreateRegion("kernel", Page, RegionFlags.Read | RegionFlags.Write, RegionPlacement.Fixed(V(0x40000)),
            RegionBacking.Demand);
        Assert.Multiple(() =>
        {
            Assert.That(Fault(0x90000, ReadNotPresent).Outcome, Is.EqualTo(FaultOutcome.NoRegion));
            Assert.That(Fault(0x0000_8000_0000_0000, ReadNotPresent).Outcome, Is.EqualTo(FaultOutcome.NonCanonical));
            Assert.That(Fault(0x30000, WriteNotPresent).Outcome, Is.EqualTo(FaultOutcome.WriteToReadOnly));
            Assert.That(Fault(0x10000, ErrorCode.From(false, false, true, instruction: true)).Outcome,
                Is.EqualTo(FaultOutcome.ExecuteOnNoExecute));
            Assert.That(Fault(0x40000, ReadNotPresent).Outcome, Is.EqualTo(FaultOutcome.UserToSupervisor));
            Assert.That(Fault(0x10000, ErrorCode.From(true, false, true, reserved: true)).Outcome,
                Is.EqualTo(FaultOutcome.ReservedBit));
        });
        Assert.That(ro.ResidentPages, Is.Zero);
        Assert.That(_resolver.Statistics.Violations, Is.EqualTo(6));
        Assert.That(_trace.Events[^1].Describe(), Is.EqualTo("fault: violation: reserved bit set"));
        Assert.That(FaultOutcome.UserToSupervisor.Describe(), Is.EqualTo("user touching supervisor"));
    }

    [Test]
    public void Smap_and_smep_make_kernel_access_to_user_pages_violations()
    {
        var kernelRead = ErrorCode.From(false, false, false);
        Assert.That(_resolver.Decide(_space, V(0x10000), kernelRead).Outcome, Is.EqualTo(FaultOutcome.ZeroPageMapped),
            "allowed without SMAP");
        _resolver.Smap = true;
        _resolver.Smep = true;
        Assert.That(Fault(0x10000, kernelRead).Outcome, Is.EqualTo(FaultOutcome.KernelAccessToUser));
        Assert.That(_resolver.Resolve(_space, V(0x10000), kernelRead, userAccessAllowed: true).Outcome,
            Is.EqualTo(FaultOutcome.ZeroPageMapped), "EFLAGS.AC set: SMAP allowed the access, a demand fault");
        Assert.That(_resolver.Smap, Is.True, "the AC state is the fault's, not a setting of the resolver");
        var exec = _space.CreateRegion("code", Page, RegionFlags.Read | RegionFlags.Execute | RegionFlags.User,
            RegionPlacement.Fixed(V(0x60000)), RegionBacking.Demand).Value;
        Assert.That(Fault(exec.Base.Value, ErrorCode.From(false, false, false, instruction: true)).Outcome,
            Is.EqualTo(FaultOutcome.KernelExecuteOfUser));
    }

    [Test]
    public void The_resolver_holds_no_frame_allocator_and_changes_no_mapping_itself()
    {
        // Every field of the resolver, whatever its declared type: none is (or holds) a frame allocator, the page
        // table or physical memory. Mapping and residency are the address space's, with its one allocator.
        var fields = typeof(PageFaultResolver).GetFields(System.Reflection.BindingFlags.Instance
            | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic);
        Assert.That(fields, Is.Not.Empty);
        foreach (var field in fields)
        {
            Assert.That(typeof(IFrameAllocator).IsAssignableFrom(field.FieldType), Is.False, field.Name);
            Assert.That(typeof(IPhysicalMemory).IsAssignableFrom(field.FieldType), Is.False, field.Name);
            Assert.That(field.FieldType, Is.Not.EqualTo(typeof(PageTable)).And.Not.EqualTo(typeof(AddressSpace)),
                field.Name);
            Assert.That(field.FieldType.IsInterface || field.FieldType == typeof(object), Is.False, field.Name);
        }
        // And it acts through that allocator: a demand write takes its frame from the space's allocator.
        int before = _rig.Frames.AllocatedFrames;
        Assert.That(Fault(0x10000, WriteNotPresent).Outcome, Is.EqualTo(FaultOutcome.PrivateFrameMapped));
        Assert.That(_rig.Frames.AllocatedFrames, Is.GreaterThan(before));
        Assert.That(_heap.ResidentPages, Is.EqualTo(1UL));
    }

    [Test]
    public void Mmio_hole_is_not_backed()
    {
        var mmio = _space.CreateMmioRegion("dev", new PhysicalAddress(0x20_0000), 2 * Page,
            RegionFlags.Read | RegionFlags.Write, RegionPlacement.Fixed(V(0xFFFF_E000_0000_0000))).Value;
        _space.PageTable.Unmap(V(0xFFFF_E000_0000_1000));
        Assert.That(Fault(0xFFFF_E000_0000_1000, ErrorCode.From(false, false, false)).Outcome,
            Is.EqualTo(FaultOutcome.NotBacked));
        Assert.That(mmio.Length, Is.EqualTo(2 * Page));
    }

    [Test]
    public void Out_of_frames_is_an_out_of_memory_violation_with_nothing_changed()
    {
        _rig.Frames.FailAfter = 0;
        var result = Fault(0x10000, WriteNotPresent);
        Assert.That(result.Outcome, Is.EqualTo(FaultOutcome.OutOfMemory));
        Assert.That(_space.PageTable.Lookup(V(0x10000)).IsMapped, Is.False);
        Assert.That(Fault(0x10000, ReadNotPresent).Outcome, Is.EqualTo(FaultOutcome.OutOfMemory),
            "zero page needs page tables");
        Assert.That(_rig.Frames.ReferenceCount(_resolver.ZeroPage), Is.EqualTo(1), "reference undone");
        Assert.That(_heap.ResidentPages, Is.Zero);
    }

    [Test]
    public void Decide_changes_nothing()
    {
        int allocated = _rig.Frames.AllocatedFrames;
        var decision = _resolver.Decide(_space, V(0x10000), WriteNotPresent);
        Assert.That(decision.Outcome, Is.EqualTo(FaultOutcome.PrivateFrameMapped));
        Assert.That(_rig.Frames.AllocatedFrames, Is.EqualTo(allocated));
        Assert.That(_resolver.Statistics.Faults, Is.Zero);
        Assert.That(_resolver.Apply(_space, decision).Outcome, Is.EqualTo(FaultOutcome.PrivateFrameMapped));
        Assert.That(_resolver.Statistics.Faults, Is.EqualTo(1));
    }

    [Test]
    public void Freeing_the_region_returns_every_frame_and_zero_page_reference()
    {
        Fault(0x10000, ReadNotPresent);
        Fault(0x11000, WriteNotPresent);
        Fault(0x12000, ReadNotPresent);
        Fault(0x12000, WritePresent);
        Assert.That(_space.Destroy(), Is.EqualTo(MemoryError.None));
        Assert.That(_rig.Frames.ReferenceCount(_resolver.ZeroPage), Is.EqualTo(1));
        Assert.That(_resolver.Release(_rig.Frames), Is.EqualTo(MemoryError.None));
        Assert.That(_resolver.Release(_rig.Frames), Is.EqualTo(MemoryError.DoubleFree));
        Assert.That(_rig.Frames.AllocatedFrames, Is.Zero);
    }

    [Test]
    public void The_fault_path_allocates_no_managed_memory()
    {
        _trace.Dispose();
        int count = 0;
        void Cycle()
        {
            for (ulong p = 0; p < 16; p++)
            {
                var va = 0x10000 + p * Page;
                Fault(va, (p & 1) == 0 ? ReadNotPresent : WriteNotPresent);
                Fault(va, WritePresent);
                Fault(va, WritePresent);
            }
            _space.Shrink(_heap, 16 * Page);
            _space.Grow(_heap, 16 * Page, RegionBacking.Demand);
            count++;
        }
        Cycle();
        _rig.Tlb.Clear();
        long before = GC.GetAllocatedBytesForCurrentThread();
        Cycle();
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
        Assert.That(count, Is.EqualTo(2));
    }

    [Test]
    public void Resolve_walks_the_page_table_once_where_decide_then_apply_walks_twice()
    {
        // The same fault on two pages whose tables exist (a neighbour is mapped), over memory that counts accesses:
        // Resolve hands the decision's page table to the mapping, Decide + Apply (a decision kept for later) walks
        // again. A walk is four reads (PML4, PDPT, PD, PT). Tracing off: with a sink, Resolve walks again too.
        _trace.Dispose();
        Assert.That(MemoryTrace.On, Is.False);
        var counting = new MemOS.Tests.Memory.Physical.CountingPhysicalMemory(_rig.Ram);
        var space = AddressSpace.Create(counting, _rig.Frames, _rig.Tlb).Value;
        var region = space.CreateRegion("demand", 8 * Page, RegionFlags.Read | RegionFlags.Write | RegionFlags.User,
            RegionPlacement.Fixed(V(0x40000)), RegionBacking.Demand).Value;
        Assert.That(_resolver.Resolve(space, V(0x40000), WriteNotPresent).Outcome,
            Is.EqualTo(FaultOutcome.PrivateFrameMapped));

        long before = counting.Accesses;
        var once = _resolver.Resolve(space, V(0x41000), WriteNotPresent);
        long resolve = counting.Accesses - before;
        before = counting.Accesses;
        var twice = _resolver.Apply(space, _resolver.Decide(space, V(0x42000), WriteNotPresent));
        long decideApply = counting.Accesses - before;

        Assert.That(once.Outcome, Is.EqualTo(FaultOutcome.PrivateFrameMapped));
        Assert.That(twice.Outcome, Is.EqualTo(FaultOutcome.PrivateFrameMapped));
        Assert.That(decideApply - resolve, Is.GreaterThanOrEqualTo(3),
            $"resolve {resolve}, decide+apply {decideApply}");
        foreach (var page in new ulong[] { 0x40000, 0x41000, 0x42000 })
        {
            var lookup = space.PageTable.Lookup(V(page));
            Assert.That(lookup.IsMapped && (lookup.Flags & PageFlags.Writable) != 0, Is.True, $"0x{page:x} mapped");
            Assert.That(_rig.Ram.Read64(lookup.Frame + 8), Is.Zero, "zeroed");
        }
        Assert.That(region.ResidentPages, Is.EqualTo(3UL));
    }
}
