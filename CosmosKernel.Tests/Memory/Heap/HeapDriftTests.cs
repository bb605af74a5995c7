using System;
using System.Collections.Generic;
using MemOS.Memory;
using MemOS.Memory.Heap;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Heap;

/// <summary>
/// Issue 8's drift, on the host: a soak shaped like MemorySoakSession's (blocks of 1 B to 300 KB allocated and freed
/// at random) while a "shell" keeps a few small and medium objects for good; after the soak's blocks are freed and the
/// heap trimmed, its resident pages stay within 2x what they were before the soak.
/// </summary>
public class HeapDriftTests
{
    private static ulong Resident(TestArena arena) => (ulong)(arena.MappedPages - arena.DecommittedPages);

    [TestCase(8)]
    [TestCase(9)]
    [TestCase(10)]
    public void Long_lived_objects_made_during_a_soak_do_not_pin_its_span(int seed)
    {
        const ulong size = 256UL << 20;
        using var arena = new TestArena(size);
        var heap = new KernelHeap(arena, arena, TestArena.KernelBase, size);
        var random = new Random(seed);
        var kept = new List<VirtualAddress>();
        VirtualAddress Take(ulong bytes)
        {
            var r = heap.Allocate(bytes);
            Assert.That(r.Ok, Is.True, $"Allocate({bytes})");
            return r.Value;
        }
        // What the kernel holds at boot: ~120 objects, mostly small.
        for (int i = 0; i < 120; i++)
            kept.Add(Take(random.Next(10) < 9 ? (ulong)random.Next(1, 512) : (ulong)random.Next(2049, 8192)));
        heap.Trim();
        ulong boot = Resident(arena), bootUsed = heap.Statistics().UsedBytes;

        var soak = new List<VirtualAddress>();
        for (int i = 0; i < 20_000; i++)
        {
            int op = random.Next(100);
            if (op < 35 || soak.Count == 0)
            {
                ulong bytes = random.Next(10) switch
                {
                    < 6 => (ulong)random.Next(1, 2049),
                    < 9 => (ulong)random.Next(2049, 32768),
                    _ => (ulong)random.Next(32768, 300_000),
                };
                soak.Add(Take(bytes));
            }
            else if (op < 65)
            {
                int k = random.Next(soak.Count);
                Assert.That(heap.Free(soak[k]), Is.EqualTo(MemoryError.None));
                soak.RemoveAt(k);
            }
            // Every command makes short-lived objects (the line, its words, the answer)...
            var temporary = new List<VirtualAddress>();
            for (int t = random.Next(2, 8); t > 0; t--) temporary.Add(Take((ulong)random.Next(16, 600)));
            foreach (var t in temporary) Assert.That(heap.Free(t), Is.EqualTo(MemoryError.None));
            // ... and now and then one that stays (a history line, a grown table, a cached string).
            if (random.Next(200) == 0)
                kept.Add(Take(random.Next(10) < 9 ? (ulong)random.Next(16, 256) : (ulong)random.Next(2049, 6000)));
        }
        foreach (var b in soak) Assert.That(heap.Free(b), Is.EqualTo(MemoryError.None));
        heap.Trim();
        Assert.That(heap.Check(), Is.EqualTo(MemoryError.None));
        ulong end = Resident(arena);
        TestContext.Out.WriteLine($"resident pages: boot {boot}, after the soak {end} ({(double)end / boot:F2}x); "
                                  + $"kept {kept.Count} objects, {bootUsed >> 10} -> {heap.Statistics().UsedBytes >> 10} KiB used; span {(heap.Top.Value - heap.Base.Value) >> 10} KiB");
        Assert.That(end, Is.LessThanOrEqualTo(2 * boot), "within 2x the boot figure");
    }
}
