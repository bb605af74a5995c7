using System;
using System.Linq;
using MemOS.Memory;
using MemOS.Memory.Faults;
using MemOS.Memory.Heap;
using MemOS.Memory.Physical;
using MemOS.Memory.Simulation;
using MemOS.Memory.Tracing;
using MemOS.Memory.Virtual;
using MemOS.Tests.Memory.Tracing;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Integration;

/// <summary>
/// The seed's walkthrough with every real layer on the host: the multiboot map → the PMM → page tables and an
/// address space → the resolver → a user heap on demand-backed memory, reached through the simulated CPU's software
/// page walk (so the heap's own header writes fault exactly as on the metal).
/// </summary>
public sealed class SeedWalkthroughOnSimulatedMachineTests
{
    private const ulong HeapBase = 0x1000_0000;
    private SimulatedRam _ram = null!;
    private PhysicalMemoryManager _pmm = null!;
    private SimulatedMachine _machine = null!;
    private AddressSpace _space = null!;

    [SetUp]
    public void SetUp()
    {
        _ram = new SimulatedRam(16UL << 20);
        var map = new MemoryMap(new MemoryMapEntry[] { new(0, 0x9FC00, 1), new(0x100000, (16UL << 20) - 0x100000, 1) });
        Assert.That(map.Reserve(new PhysicalAddress(0), 0x100000, ReservationKind.FirstMebibyte),
            Is.EqualTo(MemoryError.None));
        _pmm = PhysicalMemoryManager.Create(map, _ram).Value;
        _machine = new SimulatedMachine(_ram, _pmm, PageFaultResolver.Create(_ram, _pmm).Value);
        _space = _machine.CreateAddressSpace().Value;
        _machine.Cr3 = _space;
    }

    [TearDown]
    public void TearDown() => _ram.Dispose();

    private UserHeap DemandHeap(out Region region)
    {
        _space.SetDefaultBacking(RegionBacking.Demand);
        region = _space.CreateRegion("user heap", 0, RegionFlags.Read | RegionFlags.Write | RegionFlags.User,
            RegionPlacement.Fixed(new VirtualAddress(HeapBase))).Value;
        return new UserHeap(new SimulatedVirtualMemory(_machine, user: true), new RegionHeapBacking(_space, region),
            new VirtualAddress(HeapBase), 64UL << 20);
    }

    [Test]
    public void Alloc_5_10_100_on_a_fresh_demand_heap_land_in_one_page_and_map_exactly_one_frame()
    {
        UserHeap heap = DemandHeap(out Region region);
        ulong freeBefore = _pmm.FreeFrameCount;
        long faults = _machine.Statistics.Faults;
        ulong a = heap.Allocate(5).Value.Value, b = heap.Allocate(10).Value.Value, c = heap.Allocate(100).Value.Value;
        Assert.That(a < b && b < c, Is.True, $"0x{a:x} 0x{b:x} 0x{c:x}");
        Assert.That(a >> 12, Is.EqualTo((c + 99) >> 12), "one page");
        Assert.That(region.ResidentPages, Is.EqualTo(1UL));
        Assert.That(_machine.Statistics.Faults - faults, Is.EqualTo(1), "only the first touch faults");
        // one data frame, plus the PDPT, PD and PT the first mapping in this part of the user half needed
        Assert.That(freeBefore - _pmm.FreeFrameCount, Is.EqualTo(1UL + 3));
    }

    [Test]
    public void An_allocation_crossing_a_page_boundary_maps_exactly_one_more_page_when_used()
    {
        UserHeap heap = DemandHeap(out Region region);
        heap.Allocate(100);
        ulong p = heap.Allocate(4000).Value.Value;
        Assert.That((p + 3999) >> 12, Is.EqualTo((p >> 12) + 1), "the block crosses a page boundary");
        Assert.That(region.ResidentPages, Is.EqualTo(1UL), "the heap does not touch the block's end");
        long faults = _machine.Statistics.Faults;
        for (ulong i = 0; i < 4000; i += 8) Assert.That(_machine.Write64(new VirtualAddress(p + i), i).Ok, Is.True);
        Assert.That(region.ResidentPages, Is.EqualTo(2UL));
        Assert.That(_machine.Statistics.Faults - faults, Is.EqualTo(1));
    }

    [Test]
    public void Every_layer_narrates_an_allocation_and_a_write_to_its_fresh_page_in_order()
    {
        UserHeap heap = DemandHeap(out Region region);
        using var trace = new RecordingSink();
        ulong block = heap.Allocate(3000).Value.Value;
        // A fresh page of the heap: grown (left to demand) with the block, not touched yet.
        ulong fresh = (block + 4096) & ~0xFFFUL;
        Assert.That(fresh, Is.LessThan(region.End.Value));
        int afterAlloc = trace.Events.Count;
        Assert.That(_machine.Write8(new VirtualAddress(fresh), 1).Ok, Is.True);

        // Each layer's first event, in the order the layers acted: the heap looked and grew, the VMM grew the region
        // (left to demand) and charged the header page before the heap wrote there (the PMM gave the page tables,
        // the page table made them), then the header write faulted and took the charged frame.
        var layers = trace.Events.Select(e => e.Layer).Distinct().ToArray();
        Assert.That(layers, Is.EqualTo(new[]
            { MemoryLayer.Heap, MemoryLayer.Vmm, MemoryLayer.Pmm, MemoryLayer.PageTable, MemoryLayer.Fault }));
        int charged = Array.IndexOf(trace.Kinds, MemoryEventKind.PageCharged);
        int fault = Array.IndexOf(trace.Kinds, MemoryEventKind.Fault);
        Assert.That(trace.Events[charged].Address, Is.EqualTo(block & ~0xFFFUL), "the header page is charged");
        Assert.That(fault, Is.GreaterThan(charged), "and its first touch still faults");
        Assert.That(trace.Events[fault].Address >> 12, Is.EqualTo(block >> 12));
        Assert.That(trace.Kinds.Skip(fault).Take(5), Is.EqualTo(new[]
        {
            MemoryEventKind.Fault, MemoryEventKind.FaultDecided, MemoryEventKind.FrameTaken,
            MemoryEventKind.EntryWritten, MemoryEventKind.DemandPageMapped,
        }), "the first touch maps the charged frame and needs no table");
        var kinds = trace.Kinds;
        Assert.That(kinds.Take(3), Is.EqualTo(new[]
            { MemoryEventKind.HeapSearch, MemoryEventKind.HeapGrew, MemoryEventKind.RegionGrown }));
        Assert.That(trace.Events[2].Region, Is.SameAs(region));
        Assert.That(trace.Events[2].Detail, Is.EqualTo((uint)RegionBacking.Demand), "left to demand");
        Assert.That(kinds[afterAlloc - 1], Is.EqualTo(MemoryEventKind.HeapAllocated));
        Assert.That(trace.Events[afterAlloc - 1].Address, Is.EqualTo(block));
        // The write: one fault at the fresh page, decided as demand, a frame taken, mapped, then the VMM's record.
        Assert.That(kinds.Skip(afterAlloc), Is.EqualTo(new[]
        {
            MemoryEventKind.Fault, MemoryEventKind.FaultDecided, MemoryEventKind.FrameTaken,
            MemoryEventKind.EntryWritten, MemoryEventKind.DemandPageMapped,
        }));
        Assert.That(trace.Events[afterAlloc].Address, Is.EqualTo(fresh));
        Assert.That(trace.Events[afterAlloc + 2].Frame, Is.EqualTo(trace.Events[afterAlloc + 3].Frame),
            "the page table maps the frame the PMM gave");
        Assert.That(trace.Events[afterAlloc + 3].Describe(),
            Does.StartWith($"page table: PT entry for 0x{fresh:x} -> "));
    }

    [Test]
    public void Nothing_is_recorded_or_allocated_when_tracing_is_off()
    {
        UserHeap heap = DemandHeap(out _);
        Assert.That(MemoryTrace.On, Is.False);
        for (int i = 0; i < 100; i++) heap.Free(heap.Allocate(3000).Value);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++) heap.Free(heap.Allocate(3000).Value);
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
    }

    [Test]
    public void An_immediate_heap_grown_on_demand_records_which_part_is_demand_backed()
    {
        _space.SetDefaultBacking(RegionBacking.Immediate);
        Region region = _space.CreateRegion("user heap", 0, RegionFlags.Read | RegionFlags.Write | RegionFlags.User,
            RegionPlacement.Fixed(new VirtualAddress(HeapBase))).Value;
        var heap = new UserHeap(new SimulatedVirtualMemory(_machine, user: true), new RegionHeapBacking(_space, region),
            new VirtualAddress(HeapBase), 64UL << 20);
        heap.Allocate(100);
        ulong immediateEnd = region.End.Value;
        _space.SetDefaultBacking(RegionBacking.Demand);
        heap.Allocate(64 * 1024);
        Assert.That(region.DescribeBacking(), Is.EqualTo("immediate+demand"));
        Assert.That(region.Part(0).End.Value, Is.EqualTo(immediateEnd));
        Assert.That(region.BackingAt(new VirtualAddress(immediateEnd)), Is.EqualTo(RegionBacking.Demand));
        Assert.That(region.ResidentPages, Is.LessThan(region.Length / 4096), "the demand part is mostly untouched");
    }

    [Test]
    public void Immediate_backing_maps_at_growth_and_nothing_faults()
    {
        _space.SetDefaultBacking(RegionBacking.Immediate);
        Region region = _space.CreateRegion("user heap", 0, RegionFlags.Read | RegionFlags.Write | RegionFlags.User,
            RegionPlacement.Fixed(new VirtualAddress(HeapBase))).Value;
        var heap = new UserHeap(new SimulatedVirtualMemory(_machine, user: true), new RegionHeapBacking(_space, region),
            new VirtualAddress(HeapBase), 64UL << 20);
        long faults = _machine.Statistics.Faults;
        heap.Allocate(5); heap.Allocate(10); heap.Allocate(100);
        Assert.That(_machine.Statistics.Faults, Is.EqualTo(faults));
        Assert.That(region.ResidentPages * 4096, Is.EqualTo(region.Length));
    }

    [Test]
    public void Freeing_the_heap_region_returns_every_frame_to_the_pmm()
    {
        ulong freeBefore = _pmm.FreeFrameCount;
        UserHeap heap = DemandHeap(out Region region);
        var random = new Random(7);
        for (int i = 0; i < 2000; i++) heap.Allocate((ulong)random.Next(1, 3000));
        Assert.That(heap.Check(), Is.EqualTo(MemoryError.None));
        Assert.That(_space.FreeRegion(region), Is.EqualTo(MemoryError.None));
        Assert.That(_pmm.FreeFrameCount, Is.EqualTo(freeBefore), "data frames and page tables all back");
        Assert.That(_pmm.Check(), Is.EqualTo(MemoryError.None));
    }
}
