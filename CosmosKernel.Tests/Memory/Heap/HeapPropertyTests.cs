using System;
using System.Collections.Generic;
using System.Linq;
using CsCheck;
using MemOS.Memory;
using MemOS.Memory.Heap;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Heap;

/// <summary>Random alloc/free/realloc sequences against a model: every invariant checked after every step.</summary>
public class HeapPropertyTests
{
    /// <summary>One step: allocate (size, alignment log), free the i-th live block, or "realloc" it (new, copy,
    /// free).</summary>
    private readonly record struct Op(int Kind, ulong Size, int AlignLog, int Pick);

    private static readonly Gen<ulong> Size = Gen.Frequency(
        (6, Gen.ULong[1, 2048]),
        (3, Gen.ULong[2049, 32 * 1024]),
        (1, Gen.ULong[32 * 1024, 300 * 1024]));

    private static readonly Gen<Op> OpGen =
        Gen.Select(Gen.Int[0, 9], Size, Gen.Frequency((8, Gen.Const(0)), (2, Gen.Int[5, 13])), Gen.Int[0, int.MaxValue],
            (k, s, a, p) => new Op(k < 5 ? 0 : k < 8 ? 1 : 2, s, a, p));

    private sealed class Model : IDisposable
    {
        public readonly TestArena Arena;
        public readonly HeapCore<HeapMemory> Heap;
        public readonly List<(ulong Address, ulong Size, ulong Tag)> Live = [];
        private readonly Dictionary<ulong, ulong> _byAddress = [];
        private readonly SortedSet<ulong> _starts = [];
        private ulong _tags;

        /// <param name="direct">
        /// The heap reads its words through raw pointers (HeapMemory.Direct, as in the kernel), so the small fast paths
        /// run; otherwise through the arena, which checks every access (and the general paths run).
        /// </param>
        public Model(HeapOptions options, ulong size = 64 << 20, bool direct = false)
        {
            if (direct)
            {
                Arena = TestArena.Identity(size);
                Heap = new HeapCore<HeapMemory>(HeapMemory.Direct, Arena, new VirtualAddress(Arena.Base), size,
                    options with { CommitBlocks = true });
            }
            else
            {
                Arena = new TestArena(size);
                Heap = new KernelHeap(Arena, Arena, TestArena.KernelBase, size, options);
            }
        }

        public void Step(Op op, bool check)
        {
            if (op.Kind == 0 || Live.Count == 0) Allocate(op.Size, 1UL << op.AlignLog);
            else if (op.Kind == 1) Release(op.Pick % Live.Count);
            else
            {
                int i = op.Pick % Live.Count;
                var old = Live[i];
                if (Allocate(op.Size, 16)) Release(i);
                else Assert.That(Live[i], Is.EqualTo(old));
            }
            if (check) Verify();
        }

        private bool Allocate(ulong size, ulong align)
        {
            var r = Heap.Allocate(size, align);
            if (!r.Ok)
            {
                Assert.That(r.Error, Is.EqualTo(MemoryError.OutOfMemory));
                return false;
            }
            ulong a = r.Value.Value;
            Assert.That(a % Math.Max(16, align), Is.Zero, "alignment");
            Assert.That(Heap.SizeOf(r.Value).Value, Is.GreaterThanOrEqualTo(size));
            // No overlap with the nearest live neighbours on either side.
            if (_starts.Count > 0)
            {
                var below = _starts.GetViewBetween(0, a);
                if (below.Count > 0 && below.Max + _byAddress[below.Max] > a) Assert.Fail($"overlap below 0x{a:x}");
                var above = _starts.GetViewBetween(a, ulong.MaxValue);
                if (above.Count > 0 && above.Min < a + size) Assert.Fail($"overlap above 0x{a:x}+{size}");
            }
            ulong tag = ++_tags * 0x9E3779B97F4A7C15UL;
            Arena.Write64(r.Value, tag);
            if (size >= 16) Arena.Write64(r.Value + ((size - 8) & ~7UL), ~tag);
            Live.Add((a, size, tag));
            _byAddress[a] = size;
            _starts.Add(a);
            return true;
        }

        private void Release(int i)
        {
            var (a, size, tag) = Live[i];
            Assert.That(Arena.Read64(new VirtualAddress(a)), Is.EqualTo(tag), "contents survived");
            if (size >= 16) Assert.That(Arena.Read64(new VirtualAddress(a + ((size - 8) & ~7UL))), Is.EqualTo(~tag));
            Assert.That(Heap.Free(new VirtualAddress(a)), Is.EqualTo(MemoryError.None));
            Assert.That(Heap.Free(new VirtualAddress(a)), Is.Not.EqualTo(MemoryError.None), "second free refused");
            Live[i] = Live[^1];
            Live.RemoveAt(Live.Count - 1);
            _byAddress.Remove(a);
            _starts.Remove(a);
        }

        public void Verify()
        {
            Assert.That(Heap.Check(), Is.EqualTo(MemoryError.None));
            var s = Heap.Statistics();
            Assert.That(s.UsedBytes + s.FreeBytes + s.OverheadBytes, Is.EqualTo(s.HeapSize), "conservation");
            Assert.That(s.LiveAllocations, Is.EqualTo((ulong)Live.Count));
            Assert.That((ulong)Arena.MappedPages * 4096, Is.EqualTo(s.HeapSize), "heap size = pages obtained");
        }

        public void FreeEverythingAndTrim()
        {
            while (Live.Count > 0) Release(Live.Count - 1);
            Verify();
            Assert.That(
                Heap.Blocks().Where(b => b.Kind is not (HeapBlockKind.Slab or HeapBlockKind.Free or HeapBlockKind.Top)),
                Is.Empty);
            Heap.Trim();
            Verify();
            Assert.That(Heap.Top, Is.EqualTo(Heap.Base), "the whole heap is one free block");
            Assert.That(Heap.Blocks(), Is.Empty);
            Assert.That(Arena.MappedPages, Is.Zero, "every page given back");
        }

        public void Dispose() => Arena.Dispose();
    }

    [TestCase(false, false, false)]
    [TestCase(true, false, false)]
    [TestCase(false, true, false)]
    [TestCase(false, false, true)]
    [TestCase(true, false, true)]
    public void Random_sequences_keep_every_invariant(bool poison, bool redZones, bool direct)
    {
        OpGen.Array[1, 120].Sample(ops =>
        {
            using var model = new Model(new HeapOptions { Poison = poison, RedZones = redZones, GrowIncrement = 4096 },
                direct: direct);
            foreach (var op in ops) model.Step(op, check: true);
            model.FreeEverythingAndTrim();
        }, iter: poison ? 40 : 150, threads: 1);
    }

    [Test]
    public void Random_sequences_in_a_tight_heap_fail_cleanly_and_recover()
    {
        OpGen.Array[1, 200].Sample(ops =>
        {
            using var model = new Model(new HeapOptions { GrowIncrement = 4096 }, size: 512 * 1024);
            foreach (var op in ops) model.Step(op, check: true);
            model.FreeEverythingAndTrim();
        }, iter: 100, threads: 1);
    }

    private const int Operations = 1_000_000;

    [TestCase(false), TestCase(true), Category("Long")]
    public void One_million_operations(bool direct)
    {
        MemOS.Tests.Kernel.KernelTestEnvironment.SkipIfSlowSkipped();
        var random = new Random(20261105);
        using var model = new Model(new HeapOptions { GrowIncrement = 16384 }, size: 256 << 20, direct: direct);
        var started = DateTime.UtcNow;
        for (int i = 0; i < Operations; i++)
        {
            int k = random.Next(10);
            ulong size = k < 7 ? (ulong)random.Next(1, 2049)
                : k < 9 ? (ulong)random.Next(2049, 32768)
                : (ulong)random.Next(32768, 200_000);
            // Grow the live set towards 3000 blocks, then drain it towards 0, and again: the heap grows and shrinks.
            bool growing = i / 50_000 % 2 == 0;
            int kind = random.Next(100) < (growing ? 60 : 35) ? 0 : random.Next(4) == 0 ? 2 : 1;
            if (growing && model.Live.Count > 3000) kind = 1;
            int align = random.Next(20) == 0 ? random.Next(5, 13) : 0;
            model.Step(new Op(kind, size, align, random.Next()), check: i % 20_000 == 0);
        }
        model.Verify();
        model.FreeEverythingAndTrim();
        TestContext.Out.WriteLine($"{Operations:N0} operations in {(DateTime.UtcNow - started).TotalSeconds:F1} s");
    }
}
