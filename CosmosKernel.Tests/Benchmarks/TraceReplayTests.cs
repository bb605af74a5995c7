using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using MemOS.Benchmarks.Traces;
using MemOS.Tests.Kernel;
using MemOS.Memory;
using NUnit.Framework;

namespace MemOS.Tests.BenchmarkTraces;

/// <summary>
/// The trace replay benchmark's correctness (never its speed): the committed traces are consistent and replay on
/// KernelHeap with every free accepted and the heap checked, the file format round-trips and refuses damage, and
/// the LD_PRELOAD recorder records a small C program's calls exactly.
/// </summary>
[TestFixture]
public class TraceReplayTests
{
    private static string Root => KernelImage.FindRepositoryRoot(TestContext.CurrentContext.TestDirectory);

    private static string[] CommittedTraces()
        => HeapTrace.Files(TraceRecorder.DataDirectory(
            KernelImage.FindRepositoryRoot(AppContext.BaseDirectory))).ToArray();

    [Test]
    public void Every_program_named_in_the_benchmark_has_a_committed_trace()
    {
        var names = CommittedTraces().Select(f => Path.GetFileName(f).Split('.')[0]).ToArray();
        Assert.That(names, Is.EquivalentTo(TraceWorkloads.All(Root).Select(w => w.Name)));
    }

    [TestCaseSource(nameof(CommittedTraces))]
    public void A_committed_trace_replays_on_KernelHeap_consistently(string file)
    {
        var trace = HeapTrace.Load(file);
        var replayer = new TraceReplayer(trace); // TraceModel.Of: every free and realloc names a live block
        Assert.That(replayer.Model.Events, Is.EqualTo(trace.Events.Length));
        using var target = new KernelHeapTarget();
        var heap = target.Allocator.Heap;

        // KernelHeapTarget.Free throws when the heap refuses a free, so finishing means every free matched.
        replayer.Run(target, keepLive: true);
        Assert.That(heap.Check(), Is.EqualTo(MemoryError.None), "Check() with the program's last blocks live");
        Assert.That(replayer.LiveBytes, Is.EqualTo(replayer.Model.LiveBytesAtEnd));
        var stats = heap.Statistics();
        Assert.That(stats.LiveAllocations, Is.EqualTo((ulong)replayer.Model.LiveBlocksAtEnd));
        Assert.That(stats.UsedBytes, Is.GreaterThanOrEqualTo(replayer.Model.LiveBytesAtEnd));

        replayer.FreeAll(target);
        Assert.That(heap.Check(), Is.EqualTo(MemoryError.None));
        Assert.That(heap.Statistics().LiveAllocations, Is.Zero);
        Assert.That(heap.Statistics().UsedBytes, Is.Zero);
    }

    [Test]
    public void A_trace_round_trips_through_its_file_and_damage_is_refused()
    {
        var trace = new HeapTrace("tiny", "made by the test", 3,
        [
            new(TraceOp.Malloc, 0, 24, 0), new(TraceOp.Calloc, 1, 100_000, 0), new(TraceOp.Realloc, 0, 5000, 0),
            new(TraceOp.Memalign, 2, 4096, 64), new(TraceOp.Free, 1, 0, 0), new(TraceOp.Free, 0, 0, 0),
        ]);
        string path = Path.Combine(Path.GetTempPath(), $"memos-trace-test-{Guid.NewGuid():N}.mtrace.gz");
        try
        {
            trace.Save(path);
            var back = HeapTrace.Load(path);
            Assert.That(back.Description, Is.EqualTo(trace.Description));
            Assert.That(back.Slots, Is.EqualTo(3));
            Assert.That(back.Events, Is.EqualTo(trace.Events));
            var model = TraceModel.Of(back);
            Assert.That(model.LiveBytesAtEnd, Is.EqualTo(4096UL));
            Assert.That(model.PeakLiveBytes, Is.EqualTo(100_000UL + 5000 + 4096));

            byte[] bytes = File.ReadAllBytes(path);
            File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
            Assert.Throws<InvalidDataException>(() => HeapTrace.Load(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void The_model_refuses_a_free_of_a_block_that_is_not_live()
    {
        var twice = new HeapTrace("bad", "", 1,
            [new(TraceOp.Malloc, 0, 16, 0), new(TraceOp.Free, 0, 0, 0), new(TraceOp.Free, 0, 0, 0)]);
        var ex = Assert.Throws<InvalidDataException>(() => TraceModel.Of(twice));
        Assert.That(ex!.Message, Does.Contain("event 2"));
        var overwrite = new HeapTrace("bad", "", 1, [new(TraceOp.Malloc, 0, 16, 0), new(TraceOp.Malloc, 0, 16, 0)]);
        Assert.Throws<InvalidDataException>(() => TraceModel.Of(overwrite));
    }

    private const string TinyProgram = """
        #include <stdlib.h>
        #include <string.h>
        int main(void)
        {
            char *a = malloc(12345);
            int *b = calloc(777, 3);
            memset(a, 1, 12345);
            a = realloc(a, 54321);
            void *c = NULL;
            if (posix_memalign(&c, 256, 999) != 0) return 1;
            void *d = aligned_alloc(4096, 8192);
            free(b);
            free(a);
            free(c);
            free(NULL);
            return d == NULL;
        }
        """;

    [Test]
    public void The_recorder_records_a_small_C_programs_calls()
    {
        if (TraceRecorder.FindOnPath("gcc") is null)
        {
            if (Environment.GetEnvironmentVariable("MEMOS_REQUIRE_QEMU") == "1")
                Assert.Fail("gcc is missing (./memos setup installs it)");
            Assert.Ignore("gcc is not installed");
        }
        string work = Path.Combine(Path.GetTempPath(), $"memos-recorder-test-{Guid.NewGuid():N}");
        Directory.CreateDirectory(work);
        try
        {
            string library = TraceRecorder.BuildRecorder(Root, work);
            File.WriteAllText(Path.Combine(work, "tiny.c"), TinyProgram);
            var gcc = Process.Start(new ProcessStartInfo("gcc", ["-O0", "-o", "tiny", "tiny.c"])
                { WorkingDirectory = work })!;
            gcc.WaitForExit();
            Assert.That(gcc.ExitCode, Is.Zero, "gcc tiny.c");

            var workload = new TraceWorkloads.Workload("tiny", "tiny", [], "the test's program");
            var trace = TraceRecorder.Record(workload, Path.Combine(work, "tiny"), library, work);
            var model = TraceModel.Of(trace);
            var ours = trace.Events.Where(e => e.Op == TraceOp.Free || e.Size is 12345 or 2331 or 54321 or 999 or 8192)
                .ToArray();
            int a = ours[0].Slot, b = ours[1].Slot;
            Assert.That(ours.Select(e => (e.Op, e.Size, e.Alignment)).Where(e => e.Op != TraceOp.Free), Is.EqualTo(new[]
            {
                (TraceOp.Malloc, 12345UL, 0UL), (TraceOp.Calloc, 2331UL, 0UL), (TraceOp.Realloc, 54321UL, 0UL),
                (TraceOp.Memalign, 999UL, 256UL), (TraceOp.Memalign, 8192UL, 4096UL),
            }));
            Assert.That(ours[2].Slot, Is.EqualTo(a), "realloc keeps the block's slot");
            int c = ours[3].Slot;
            Assert.That(ours.Skip(5).Select(e => (e.Op, e.Slot)).Take(3), Is.EqualTo(new[]
                { (TraceOp.Free, b), (TraceOp.Free, a), (TraceOp.Free, c) }), "frees in order; free(NULL) dropped");
            Assert.That(model.LiveBytesAtEnd, Is.GreaterThanOrEqualTo(8192UL), "d is never freed");
            Assert.That(trace.Description, Does.Contain("process tiny"));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
