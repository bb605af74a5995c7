using System;
using System.Collections.Generic;
using CsCheck;
using MemOS.Memory;
using MemOS.Memory.Physical;
using MemOS.Memory.Simulation;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Physical;

/// <summary>Random operation sequences against a model: no overlap, alignment, conservation, Check() after every step,
/// full coalescing.</summary>
public class PhysicalMemoryManagerPropertyTests
{
    private const ulong MiB = Fixtures.MiB;

    // A small machine with the awkward bits of a real one: first MiB, kernel, a hole, unaligned firmware ranges.
    private static MemoryMap SmallMachine()
    {
        var map = new MemoryMap(new[]
        {
            new MemoryMapEntry(0x0, 0x9fc00, 1),
            new MemoryMapEntry(0x9fc00, 0x400, 2),
            new MemoryMapEntry(0x100000, 0x500000, 1),
            new MemoryMapEntry(0x5ff000, 0x800, 3),
            new MemoryMapEntry(0x640000, 0x1c0000, 1),
            new MemoryMapEntry(0x7f0000, 0x10000, 2),
        });
        map.Reserve(new PhysicalAddress(0), 0x1000, ReservationKind.FirstMebibyte);
        map.Reserve(new PhysicalAddress(0x100000), 0x23456, ReservationKind.KernelImage);
        return map;
    }

    private static readonly FrameUsage[] Usages = { FrameUsage.Used, FrameUsage.Kernel, FrameUsage.PageTable,
        FrameUsage.Heap, FrameUsage.Zero };

    private sealed class Model
    {
        public readonly PhysicalMemoryManager Pmm;
        public readonly List<(ulong Address, int Order)> Runs = new();
        public readonly Dictionary<ulong, int> Refs = new(); // frame address → references
        public readonly ulong[] InitialShape = new ulong[PhysicalMemoryManager.Orders];

        public Model(PhysicalMemoryManager pmm)
        {
            Pmm = pmm;
            var s = pmm.Statistics;
            for (int o = 0; o < InitialShape.Length; o++) InitialShape[o] = s.FreeBlocks(o);
        }

        public void Add(ulong address, int order)
        {
            for (ulong k = 0; k < 1UL << order; k++)
                if (!Refs.TryAdd(address + k * 4096, 1))
                    throw new AssertionException($"frame 0x{address + k * 4096:x} handed out twice");
            Runs.Add((address, order));
        }

        public void Verify()
        {
            if (Pmm.Check(out var problem) != MemoryError.None) throw new AssertionException(problem!);
            var s = Pmm.Statistics;
            if (s.FreeFrames + s.UsedFrames + s.ReservedFrames != s.TotalFrames)
                throw new AssertionException("conservation");
            if (s.UsedFrames != (ulong)Refs.Count)
                throw new AssertionException($"used {s.UsedFrames}, model {Refs.Count}");
            if (s.FreeFrames + s.UsedFrames != s.UsableFrames) throw new AssertionException("usable");
        }

        public void Step(int op, int pick, int order, int constraint)
        {
            var before = Pmm.Statistics;
            switch (op)
            {
                case 0:
                {
                    var r = Pmm.AllocateFrame(Usages[pick % Usages.Length]);
                    if (r.Ok) Add(r.Value.Value, 0);
                    else if (r.Error != MemoryError.OutOfMemory || before.FreeFrames != 0)
                        throw new AssertionException("AllocateFrame " + r.Error);
                    break;
                }
                case 1:
                {
                    var c = constraint switch
                    {
                        0 => FrameConstraints.None,
                        1 => FrameConstraints.Below(new PhysicalAddress(0x400000)),
                        2 => FrameConstraints.Aligned(4096UL << (pick % 13)),
                        _ => new FrameConstraints(new PhysicalAddress(0x700000), 4096UL << (pick % 8)),
                    };
                    var r = Pmm.AllocateContiguous(order, c, FrameUsage.Used);
                    if (r.Ok)
                    {
                        ulong a = r.Value.Value, size = 4096UL << order;
                        if (a % size != 0 || (c.Alignment != 0 && a % c.Alignment != 0)
                            || (c.HasLimit && a + size > c.Limit.Value))
                            throw new AssertionException($"run 0x{a:x} order {order} breaks {c}");
                        Add(a, order);
                    }
                    else if (r.Error != MemoryError.OutOfMemory)
                        throw new AssertionException("AllocateContiguous " + r.Error);
                    else if (constraint == 0 && before.LargestFreeOrder >= order)
                        throw new AssertionException("OutOfMemory with a big enough free block");
                    break;
                }
                case 2 when Runs.Count > 0:
                {
                    int i = pick % Runs.Count;
                    var (a, o) = Runs[i];
                    ulong frame = a + (ulong)(pick % (1 << o)) * 4096;
                    if (Refs[frame] > 1)
                    {
                        Expect(Pmm.FreeFrame(new PhysicalAddress(frame)), MemoryError.None);
                        Refs[frame]--;
                        break;
                    }
                    bool shared = false;
                    for (ulong k = 0; k < 1UL << o; k++) shared |= Refs[a + k * 4096] > 1;
                    var e = o == 0 ? Pmm.FreeFrame(new PhysicalAddress(a))
                        : Pmm.FreeContiguous(new PhysicalAddress(a), o);
                    if (shared) { Expect(e, MemoryError.Conflict); Unchanged(before); break; }
                    Expect(e, MemoryError.None);
                    for (ulong k = 0; k < 1UL << o; k++) Refs.Remove(a + k * 4096);
                    Runs.RemoveAt(i);
                    // Freed: a second free is a double free and changes nothing.
                    var after = Pmm.Statistics;
                    Expect(o == 0 ? Pmm.FreeFrame(new PhysicalAddress(a))
                        : Pmm.FreeContiguous(new PhysicalAddress(a), o),
                        MemoryError.DoubleFree);
                    Unchanged(after);
                    break;
                }
                case 3 when Runs.Count > 0:
                {
                    var (a, o) = Runs[pick % Runs.Count];
                    ulong frame = a + (ulong)(pick % (1 << o)) * 4096;
                    Expect(Pmm.AddReference(new PhysicalAddress(frame)), MemoryError.None);
                    Refs[frame]++;
                    if (Pmm.ReferenceCount(new PhysicalAddress(frame)) != Refs[frame])
                        throw new AssertionException("reference count");
                    break;
                }
                case 4 when Runs.Count > 0:
                {
                    // Wrong order, misaligned, reserved, unknown: errors, nothing changes.
                    var (a, o) = Runs[pick % Runs.Count];
                    int wrong = (o + 1 + pick % 10) % 11;
                    var e = Pmm.FreeContiguous(new PhysicalAddress(a), wrong);
                    if (e == MemoryError.None) throw new AssertionException("freed with a wrong order");
                    Expect(Pmm.FreeFrame(new PhysicalAddress(a + 512)), MemoryError.Misaligned);
                    Expect(Pmm.FreeFrame(new PhysicalAddress(0x100000)), MemoryError.ReservedFrame);
                    Expect(Pmm.FreeFrame(new PhysicalAddress(0x800000)), MemoryError.UnknownFrame);
                    Unchanged(before);
                    break;
                }
            }
            Verify();
        }

        public void FreeEverything()
        {
            foreach (var (a, o) in Runs)
            {
                for (ulong k = 0; k < 1UL << o; k++)
                    for (int r = Refs[a + k * 4096]; r > 1; r--)
                        Expect(Pmm.FreeFrame(new PhysicalAddress(a + k * 4096)), MemoryError.None);
                Expect(o == 0 ? Pmm.FreeFrame(new PhysicalAddress(a)) : Pmm.FreeContiguous(new PhysicalAddress(a), o),
                    MemoryError.None);
            }
            Runs.Clear();
            Refs.Clear();
            Verify();
            // Single frames wait in the frame cache; given back, everything must merge to the boot shape.
            Pmm.DrainFrameCache();
            Verify();
            var s = Pmm.Statistics;
            if (s.Cache.Frames != 0) throw new AssertionException("frame cache not empty after a drain");
            for (int o = 0; o < InitialShape.Length; o++)
                if (s.FreeBlocks(o) != InitialShape[o])
                    throw new AssertionException(
                        $"order {o}: {s.FreeBlocks(o)} free blocks after freeing everything, "
                        + $"{InitialShape[o]} at boot");
            if (s.UsedFrames != 0) throw new AssertionException("frames still used");
        }

        private void Unchanged(PhysicalMemoryStatistics before)
        {
            var now = Pmm.Statistics;
            if (now.FreeFrames != before.FreeFrames || now.UsedFrames != before.UsedFrames)
                throw new AssertionException("a failed operation changed the counts");
            for (int o = 0; o < PhysicalMemoryManager.Orders; o++)
                if (now.FreeBlocks(o) != before.FreeBlocks(o))
                    throw new AssertionException("a failed operation changed the free lists");
        }

        private static void Expect(MemoryError actual, MemoryError expected)
        {
            if (actual != expected) throw new AssertionException($"expected {expected}, got {actual}");
        }
    }

    private static readonly Gen<(int Op, int Pick, int Order, int Constraint)> GenOp =
        Gen.Select(Gen.Frequency((4, Gen.Int[0, 0]), (3, Gen.Int[1, 1]), (5, Gen.Int[2, 2]), (2, Gen.Int[3, 3]),
            (1, Gen.Int[4, 4])),
                   Gen.Int[0, 1 << 20], Gen.Int[0, 10], Gen.Int[0, 3]);

    [Test]
    public void Random_operation_sequences_keep_every_invariant_and_coalesce_fully()
    {
        GenOp.Array[1, 120].Sample(ops =>
        {
            using var ram = new SimulatedRam(8 * MiB);
            var model = new Model(new PhysicalMemoryManager(SmallMachine(), ram));
            model.Verify();
            foreach (var (op, pick, order, constraint) in ops) model.Step(op, pick, order, constraint);
            model.FreeEverything();
        }, iter: 400, threads: 1);
    }

    [Test]
    public void Exhaustion_and_refill_sequences_coalesce_fully()
    {
        Gen.Int[0, 10].Array[1, 30].Sample(orders =>
        {
            using var ram = new SimulatedRam(8 * MiB);
            var model = new Model(new PhysicalMemoryManager(SmallMachine(), ram));
            // Fill memory with runs of the given orders (cycling) until nothing fits, then free in a scrambled order.
            for (int i = 0; ; i++)
            {
                int order = orders[i % orders.Length];
                var r = model.Pmm.AllocateContiguous(order, FrameConstraints.None, FrameUsage.Heap);
                if (!r.Ok) { r = model.Pmm.AllocateFrame(); if (!r.Ok) break; order = 0; }
                model.Add(r.Value.Value, order);
            }
            if (model.Pmm.Statistics.FreeFrames != 0) throw new AssertionException("frames left after exhaustion");
            model.Verify();
            for (int i = model.Runs.Count - 1; i > 0; i -= 2) model.Step(2, i, 0, 0);
            model.FreeEverything();
        }, iter: 60, threads: 1);
    }

    [Test, Category("Long")]
    public void A_million_random_operations()
    {
        MemOS.Tests.Kernel.KernelTestEnvironment.SkipIfSlowSkipped();
        using var ram = new SimulatedRam(64 * MiB);
        var map = new MemoryMap(new[] { new MemoryMapEntry(0, 0x9fc00, 1), new MemoryMapEntry(0x100000, 63 * MiB, 1) });
        map.Reserve(new PhysicalAddress(0), MiB, ReservationKind.FirstMebibyte);
        var pmm = new PhysicalMemoryManager(map, ram);
        var initial = pmm.Statistics;
        var random = new Random(20_26);
        var runs = new (PhysicalAddress Address, int Order, int Extra)[8192];
        int count = 0;
        long ops = 0, failures = 0;
        // The model: which frames are handed out. A frame handed out twice, or a count that drifts, fails at that step.
        var owned = new bool[64 * MiB / 4096];
        ulong modelUsed = 0;
        void Own(PhysicalAddress a, int order, bool take)
        {
            ulong first = a.Value / 4096, n = 1UL << order;
            for (ulong f = first; f < first + n; f++)
            {
                if (owned[f] == take)
                    throw new AssertionException(
                        $"op {ops}: frame 0x{f * 4096:x} {(take ? "handed out twice" : "freed while free")}");
                owned[f] = take;
            }
            modelUsed = take ? modelUsed + n : modelUsed - n;
        }
        for (; ops < 1_200_000; ops++)
        {
            int op = random.Next(16);
            if (op < 7 && count < runs.Length)
            {
                int order = op < 5 ? 0 : random.Next(11);
                var c = random.Next(8) == 0 ? FrameConstraints.Aligned(4096UL << random.Next(12))
                    : FrameConstraints.None;
                var r = order == 0 && c.Alignment == 0
                    ? pmm.AllocateFrame(FrameUsage.Heap)
                    : pmm.AllocateContiguous(order, c, FrameUsage.Used);
                if (r.Ok)
                {
                    runs[count++] = (r.Value, order, 0);
                    Own(r.Value, order, take: true);
                }
                else failures++;
            }
            else if (op < 9 && count > 0)
            {
                int i = random.Next(count);
                if (pmm.AddReference(runs[i].Address) != MemoryError.None) throw new AssertionException("AddReference");
                runs[i].Extra++;
                if (pmm.ReferenceCount(runs[i].Address) != 1 + runs[i].Extra)
                    throw new AssertionException(
                        $"op {ops}: reference count {pmm.ReferenceCount(runs[i].Address)}, model {1 + runs[i].Extra}");
            }
            else if (count > 0)
            {
                int i = random.Next(count);
                var (a, o, extra) = runs[i];
                if (extra > 0)
                {
                    if (pmm.FreeFrame(a) != MemoryError.None) throw new AssertionException("drop reference");
                    runs[i].Extra--;
                    continue;
                }
                var e = o == 0 ? pmm.FreeFrame(a) : pmm.FreeContiguous(a, o);
                if (e != MemoryError.None) throw new AssertionException($"free 0x{a.Value:x} order {o}: {e}");
                Own(a, o, take: false);
                runs[i] = runs[--count];
            }
            // cheap, every step: the PMM's free count is the model's
            if (pmm.FreeFrameCount != initial.FreeFrames - modelUsed)
                throw new AssertionException(
                    $"op {ops}: {pmm.FreeFrameCount} frames free, the model says {initial.FreeFrames - modelUsed}");
            if (ops % 200_000 == 0 && pmm.Check(out var problem) != MemoryError.None)
                throw new AssertionException(problem!);
        }
        Assert.That(pmm.Check(out var p), Is.EqualTo(MemoryError.None), p);
        TestContext.Out.WriteLine($"{ops} operations, {failures} allocations refused (OutOfMemory), "
            + $"fragmentation index at the end {pmm.Statistics.FragmentationIndex:F3}");
        for (int i = 0; i < count; i++)
        {
            for (int k = 0; k < runs[i].Extra; k++) pmm.FreeFrame(runs[i].Address);
            Assert.That(runs[i].Order == 0 ? pmm.FreeFrame(runs[i].Address)
                : pmm.FreeContiguous(runs[i].Address, runs[i].Order),
                Is.EqualTo(MemoryError.None));
        }
        Assert.That(pmm.Check(out p), Is.EqualTo(MemoryError.None), p);
        pmm.DrainFrameCache(); // cached single frames merge only when given back to the buddy
        var end = pmm.Statistics;
        Assert.That(pmm.Check(out p), Is.EqualTo(MemoryError.None), p);
        Assert.That(end.FreeFrames, Is.EqualTo(initial.FreeFrames));
        for (int o = 0; o <= PhysicalMemoryManager.MaxOrder; o++)
            Assert.That(end.FreeBlocks(o), Is.EqualTo(initial.FreeBlocks(o)), $"order {o}");
    }
}
