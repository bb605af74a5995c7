using System;
using System.Diagnostics;
using System.Runtime.InteropServices;
using MemOS.Memory;
using MemOS.Memory.Heap;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Heap;

/// <summary>
/// Rough host timing of small alloc+free (not an assert; DESIGN.md: benchmarks are programs). Run with
/// `dotnet test -c Release --filter Category=Benchmark`. Compares the heap on raw pointers with mimalloc and glibc.
/// </summary>
[Explicit("timing, not a test"), Category("Benchmark")]
public unsafe class HeapBenchmark
{
    [DllImport("libmimalloc.so.2")] private static extern void* mi_malloc(nuint size);
    [DllImport("libmimalloc.so.2")] private static extern void mi_free(void* p);

    private const int Rounds = 2_000_000, Batch = 64;

    [Test]
    public void Small_alloc_and_free()
    {
        ulong size = 64 << 20;
        void* arena = NativeMemory.AlignedAlloc((nuint)size, 4096);
        NativeMemory.Clear(arena, (nuint)size);
        var ptrs = new ulong[Batch];
        try
        {
            var heap = new HeapCore<HeapMemory>(HeapMemory.Direct, new NoBacking(), new VirtualAddress((ulong)arena), size, default);
            var viaInterface = new HeapCore<HeapMemory>(new HeapMemory(new PointerMemory()), new NoBacking(), new VirtualAddress((ulong)arena), size, default);
            Report("HeapCore<HeapMemory> direct", () => { for (int i = 0; i < Batch; i++) ptrs[i] = heap.Allocate((ulong)(16 + i * 8 % 200)).Value.Value; for (int i = 0; i < Batch; i++) heap.Free(new VirtualAddress(ptrs[i])); });
            Report("HeapCore via IVirtualMemory", () => { for (int i = 0; i < Batch; i++) ptrs[i] = viaInterface.Allocate((ulong)(16 + i * 8 % 200)).Value.Value; for (int i = 0; i < Batch; i++) viaInterface.Free(new VirtualAddress(ptrs[i])); });
            Report("mimalloc", () => { for (int i = 0; i < Batch; i++) ptrs[i] = (ulong)mi_malloc((nuint)(16 + i * 8 % 200)); for (int i = 0; i < Batch; i++) mi_free((void*)ptrs[i]); });
            Report("glibc malloc", () => { for (int i = 0; i < Batch; i++) ptrs[i] = (ulong)NativeMemory.Alloc((nuint)(16 + i * 8 % 200)); for (int i = 0; i < Batch; i++) NativeMemory.Free((void*)ptrs[i]); });
            NativeMemory.Clear(arena, (nuint)size);
            var firstFit = new FirstFitHeap(null, new NoBacking(), new VirtualAddress((ulong)arena), size);
            Report("FirstFitHeap (seed)", () => { for (int i = 0; i < Batch; i++) ptrs[i] = firstFit.Allocate((ulong)(16 + i * 8 % 200)).Value.Value; for (int i = 0; i < Batch; i++) firstFit.Free(new VirtualAddress(ptrs[i])); }, Rounds / 100);
        }
        finally { NativeMemory.AlignedFree(arena); }
    }

    private static void Report(string name, Action batch, int rounds = Rounds)
    {
        for (int i = 0; i < rounds / 20; i++) batch(); // warm up (tiered JIT)
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < rounds / Batch; i++) batch();
        double ns = sw.Elapsed.TotalNanoseconds / (rounds / Batch * Batch);
        TestContext.Out.WriteLine($"{name,-30} {ns,6:F1} ns per alloc+free");
    }

    private sealed class NoBacking : IHeapBacking
    {
        public MemoryError Extend(VirtualAddress start, ulong length) => MemoryError.None;
        public MemoryError Release(VirtualAddress start, ulong length) => MemoryError.None;
    }

    private sealed class PointerMemory : IVirtualMemory
    {
        public ulong Read64(VirtualAddress a) => *(ulong*)a.Value;
        public void Write64(VirtualAddress a, ulong v) => *(ulong*)a.Value = v;
        public void Fill(VirtualAddress a, byte v, ulong n) => NativeMemory.Fill((void*)a.Value, (nuint)n, v);
    }
}
