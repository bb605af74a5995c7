using System;
using MemOS.Memory;
using MemOS.Memory.Faults;
using MemOS.Memory.Paging;
using MemOS.Memory.Simulation;
using MemOS.Memory.Virtual;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Simulation;

public class SimulatedMachineTests
{
    private const ulong Page = 4096;
    private const RegionFlags URW = RegionFlags.Read | RegionFlags.Write | RegionFlags.User;
    private Rig _rig = null!;
    private SimulatedMachine _machine = null!;
    private AddressSpace _space = null!;

    [SetUp]
    public void SetUp()
    {
        _rig = new Rig();
        _machine = new SimulatedMachine(_rig.Ram, _rig.Frames, PageFaultResolver.Create(_rig.Ram, _rig.Frames).Value);
        _space = _machine.CreateAddressSpace().Value;
        _machine.Cr3 = _space;
    }

    [TearDown]
    public void TearDown() => _rig.Dispose();

    private static VirtualAddress V(ulong v) => new(v);
    private Region Demand(ulong at, ulong pages, RegionFlags flags = URW)
        => _space.CreateRegion("r" + at.ToString("x"), pages * Page, flags, RegionPlacement.Fixed(V(at)),
            RegionBacking.Demand).Value;

    [Test]
    public void First_touch_of_0x10010_maps_page_0x10000_and_a_later_touch_does_not_fault()
    {
        Demand(0x10000, 4);
        var first = _machine.Touch(V(0x10010), Access.Write, user: true);
        Assert.That(first.Ok && first.Faulted, Is.True);
        Assert.That(first.Code.Describe(), Is.EqualTo("write, not present, user"));
        Assert.That(first.Outcome, Is.EqualTo(FaultOutcome.PrivateFrameMapped));
        Assert.That(_space.PageTable.Lookup(V(0x10000)).IsMapped, Is.True);
        Assert.That(first.Physical, Is.EqualTo(_space.PageTable.Translate(V(0x10010)).Value));
        var later = _machine.Touch(V(0x10ff8), Access.Write, user: true);
        Assert.That(later.Ok, Is.True);
        Assert.That(later.Faulted, Is.False);
        Assert.That(_machine.Statistics.Faults, Is.EqualTo(1));
        Assert.That(_machine.Statistics.TlbHits, Is.EqualTo(1));
        Assert.That(_space.PageTable.Lookup(V(0x11000)).IsMapped, Is.False, "the next page is still unbacked");
    }

    [Test]
    public void Read_shares_the_zero_page_and_write_copies_it()
    {
        Demand(0x10000, 4);
        var zero = _machine.Resolver.ZeroPage;
        Assert.That(_machine.Read64(V(0x10000), out ulong a, user: true).Outcome,
            Is.EqualTo(FaultOutcome.ZeroPageMapped));
        Assert.That(_machine.Read64(V(0x11000), out ulong b, user: true).Outcome,
            Is.EqualTo(FaultOutcome.ZeroPageMapped));
        Assert.That((a, b), Is.EqualTo((0UL, 0UL)));
        Assert.That(_rig.Frames.ReferenceCount(zero), Is.EqualTo(3));
        var write = _machine.Write64(V(0x11008), 42, user: true);
        Assert.That(write.Outcome, Is.EqualTo(FaultOutcome.ZeroPageCopied));
        Assert.That(write.Code.Describe(), Is.EqualTo("write, present, user"));
        Assert.That(_rig.Frames.ReferenceCount(zero), Is.EqualTo(2));
        Assert.That(_machine.Read64(V(0x11008), out ulong c, user: true).Faulted, Is.False);
        Assert.That(c, Is.EqualTo(42UL));
        Assert.That(_rig.Ram.Read64(zero + 8), Is.Zero, "the zero page stays zero");
        var stats = _machine.Resolver.Statistics;
        Assert.That((stats.ZeroPageMaps, stats.ZeroPageCopies, stats.Violations), Is.EqualTo((2L, 1L, 0L)));
    }

    [Test]
    public void Accessed_and_dirty_bits_are_set_like_the_cpu_does()
    {
        _space.CreateRegion("data", 2 * Page, URW, RegionPlacement.Fixed(V(0x10000)));
        _machine.Touch(V(0x10000), Access.Read, true);
        var walk = _space.PageTable.Walk(V(0x10000));
        foreach (var step in walk.Steps)
            Assert.That(step.Flags & PageFlags.Accessed, Is.EqualTo(PageFlags.Accessed), step.Level.ToString());
        Assert.That(walk.Steps[3].Flags & PageFlags.Dirty, Is.EqualTo(PageFlags.None));
        _machine.Touch(V(0x10000), Access.Write, true);
        Assert.That(_space.PageTable.Lookup(V(0x10000)).Flags & PageFlags.Dirty, Is.EqualTo(PageFlags.Dirty),
            "a cached read translation does not skip setting D");
        Assert.That(_space.PageTable.Lookup(V(0x11000)).Flags & PageFlags.Accessed, Is.EqualTo(PageFlags.None));
    }

    [Test]
    public void Violations_come_back_with_their_reasons()
    {
        Demand(0x10000, 1, RegionFlags.Read | RegionFlags.User);
        Demand(0x20000, 1, RegionFlags.Read | RegionFlags.Write);
        Demand(0x30000, 1);
        Assert.Multiple(() =>
        {
            Assert.That(_machine.Touch(V(0x10000), Access.Write, true).Outcome,
                Is.EqualTo(FaultOutcome.WriteToReadOnly));
            Assert.That(_machine.Touch(V(0x20000), Access.Read, true).Outcome,
                Is.EqualTo(FaultOutcome.UserToSupervisor));
            Assert.That(_machine.Touch(V(0x90000), Access.Read, true).Outcome, Is.EqualTo(FaultOutcome.NoRegion));
            var exec = _machine.Touch(V(0x30000), Access.Execute, true);
            Assert.That(exec.Outcome, Is.EqualTo(FaultOutcome.ExecuteOnNoExecute));
            Assert.That(exec.Code.InstructionFetch, Is.True);
            var nonCanonical = _machine.Touch(V(0x0000_8000_0000_0000), Access.Read, false);
            Assert.That(nonCanonical.Outcome, Is.EqualTo(FaultOutcome.NonCanonical));
            Assert.That(nonCanonical.Faulted, Is.False, "#GP, not a page fault");
        });
        // Once mapped (read), executing still hits NX in the page table itself.
        _machine.Touch(V(0x30000), Access.Read, true);
        var present = _machine.Touch(V(0x30000), Access.Execute, true);
        Assert.That(present.Outcome, Is.EqualTo(FaultOutcome.ExecuteOnNoExecute));
        Assert.That(present.Code.Present, Is.True);
        Assert.That(_machine.Statistics.Violations, Is.EqualTo(6));
    }

    [Test]
    public void Write_protect_governs_kernel_writes_to_read_only_pages()
    {
        var ro = _space.CreateRegion("ro", Page, RegionFlags.Read,
            RegionPlacement.Fixed(V(0xFFFF_C000_0000_0000))).Value;
        Assert.That(_machine.Touch(ro.Base, Access.Write, false).Outcome, Is.EqualTo(FaultOutcome.WriteToReadOnly));
        _machine.WriteProtect = false;
        var write = _machine.Touch(ro.Base, Access.Write, false);
        Assert.That(write.Ok && !write.Faulted, Is.True, "CR0.WP=0: the kernel ignores R/W");
    }

    [Test]
    public void Without_nxe_the_nx_bit_is_reserved()
    {
        Demand(0x10000, 1);
        _machine.Touch(V(0x10000), Access.Write, true);
        _machine.NoExecuteEnabled = false;
        var read = _machine.Touch(V(0x10000), Access.Read, true);
        Assert.That(read.Outcome, Is.EqualTo(FaultOutcome.ReservedBit));
        Assert.That(read.Code.ReservedBitSet && read.Code.Present, Is.True);
    }

    [Test]
    public void Smep_and_smap_stop_the_kernel_at_user_pages()
    {
        Demand(0x10000, 1, URW | RegionFlags.Execute);
        Assert.That(_machine.Touch(V(0x10000), Access.Write, false).Ok, Is.True,
            "kernel may write user pages without SMAP");
        Assert.That(_machine.Touch(V(0x10000), Access.Execute, false).Ok, Is.True);
        _machine.Smap = true;
        Assert.That(_machine.Touch(V(0x10000), Access.Read, false).Outcome,
            Is.EqualTo(FaultOutcome.KernelAccessToUser));
        _machine.Smep = true;
        Assert.That(_machine.Touch(V(0x10000), Access.Execute, false).Outcome,
            Is.EqualTo(FaultOutcome.KernelExecuteOfUser));
        Assert.That(_machine.Touch(V(0x10000), Access.Read, true).Ok, Is.True, "the user still may");
    }

    [Test]
    public void Unmapping_invalidates_the_cached_translation()
    {
        var region = Demand(0x10000, 2);
        _machine.Write64(V(0x11000), 7, true);
        _machine.Read64(V(0x11000), out _, true);
        long invalidations = _machine.Statistics.PageInvalidations;
        _space.Shrink(region, Page);
        Assert.That(_machine.Statistics.PageInvalidations, Is.GreaterThan(invalidations));
        var after = _machine.Touch(V(0x11000), Access.Read, true);
        Assert.That(after.Outcome, Is.EqualTo(FaultOutcome.NoRegion),
            "a stale cached translation would have succeeded");
    }

    [Test]
    public void Cr3_selects_the_address_space()
    {
        Demand(0x10000, 1);
        var other = _machine.CreateAddressSpace().Value;
        other.CreateRegion("o", Page, URW, RegionPlacement.Fixed(V(0x10000)), RegionBacking.Demand);
        _machine.Write64(V(0x10000), 1, true);
        _machine.Cr3 = other;
        _machine.Read64(V(0x10000), out ulong seen, true);
        Assert.That(seen, Is.Zero);
        _machine.Write64(V(0x10000), 2, true);
        _machine.Cr3 = _space;
        _machine.Read64(V(0x10000), out seen, true);
        Assert.That(seen, Is.EqualTo(1UL));
        Assert.That(_machine.Statistics.Cr3Loads, Is.EqualTo(3));
    }

    [Test]
    public void Huge_pages_translate_through_the_PD()
    {
        var kernel = V(0xFFFF_8000_0020_0000);
        _space.PageTable.Map(kernel, new PhysicalAddress(0), PageFlags.Writable, PageSize.Size2M);
        _rig.Ram.Write64(new PhysicalAddress(0x1_2340), 0xABCD);
        Assert.That(_machine.Read64(kernel + 0x1_2340, out ulong value).Ok, Is.True);
        Assert.That(value, Is.EqualTo(0xABCDUL));
        Assert.That(_space.PageTable.Walk(kernel).Steps[2].Flags & PageFlags.Accessed, Is.EqualTo(PageFlags.Accessed));
    }

    [Test]
    public void Bytes_and_words_across_page_boundaries()
    {
        Demand(0x10000, 2);
        Assert.That(_machine.Write64(V(0x10ffc), 0x1122_3344_5566_7788, true).Ok, Is.True);
        Assert.That(_machine.Read64(V(0x10ffc), out ulong value, true).Ok, Is.True);
        Assert.That(value, Is.EqualTo(0x1122_3344_5566_7788UL));
        _machine.Read8(V(0x11000), out byte b, true);
        Assert.That(b, Is.EqualTo(0x44));
        var buffer = new byte[6000];
        Assert.That(_machine.Read(V(0x10000), buffer, true).Ok, Is.True);
        Assert.That(buffer[0xffc], Is.EqualTo(0x88));
        Assert.That(_machine.Write(V(0x11ff0), new byte[32], true).Outcome, Is.EqualTo(FaultOutcome.NoRegion));
        _machine.Read8(V(0x11ff0), out byte untouched, true);
        Assert.That(untouched, Is.Zero, "nothing written when a later page faults");
        Assert.That(_machine.Fill(V(0x10000), 0xEE, 2 * Page, true).Ok, Is.True);
        _machine.Read8(V(0x11fff), out byte filled, true);
        Assert.That(filled, Is.EqualTo(0xEE));
    }

    [Test]
    public void Simulated_virtual_memory_serves_a_heap_and_throws_on_violation()
    {
        Demand(0x10000, 4);
        IHeapWords memory = new SimulatedVirtualMemory(_machine, user: true);
        memory.Write64(V(0x12000), 99);
        memory.Fill(V(0x10000), 1, 16);
        Assert.That(memory.Read64(V(0x12000)), Is.EqualTo(99UL));
        Assert.That(memory.Read64(V(0x10008)), Is.EqualTo(0x0101_0101_0101_0101UL));
        Assert.That(memory.Read64(V(0x13000)), Is.Zero, "zero page");
        var error = Assert.Throws<InvalidOperationException>(() => memory.Read64(V(0x20000)));
        Assert.That(error!.Message, Does.Contain("no region"));
    }

    [Test]
    public void Touch_with_faults_allocates_no_managed_memory()
    {
        var region = Demand(0x10000, 32);
        void Cycle()
        {
            for (ulong p = 0; p < 32; p++)
            {
                _machine.Touch(V(0x10000 + p * Page), Access.Read, true);
                _machine.Touch(V(0x10008 + p * Page), Access.Write, true);
            }
            _machine.Touch(V(0x90000), Access.Read, true);
            _space.Shrink(region, 32 * Page);
            _space.Grow(region, 32 * Page, RegionBacking.Demand);
        }
        Cycle();
        long before = GC.GetAllocatedBytesForCurrentThread();
        Cycle();
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
    }
}
