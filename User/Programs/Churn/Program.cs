using System;
using System.Collections.Generic;
using MemOS.User.Runtime;

/// <summary>
/// `churn [MIB]`: allocates MIB (default 512) of short-lived objects — strings, lists, dictionaries, arrays — while
/// keeping a small live set, in a process heap of at most 128 MiB. Only a collector that frees garbage lets it
/// finish: it reports the collections Core's collector made and the heap's size, then checks that the
/// live set survived every collection intact. Exit status 0 when it did.
/// </summary>
internal static class Program
{
    private const int LiveSet = 64;

    private static int Main(string[] args)
    {
        ulong mib = 512;
        if (args.Length > 1 || (args.Length == 1 && (!ulong.TryParse(args[0], out mib) || mib == 0 || mib > 1 << 20)))
        {
            Console.WriteLine("usage: churn [MIB]   (mebibytes of garbage to make, default 512)");
            return 2;
        }
        Console.WriteLine(
            $"churn: {mib} MiB of short-lived objects through a heap of at most {ProcessHeap.MaxSize >> 20} MiB");
        var live = new Dictionary<int, string>();
        for (int i = 0; i < LiveSet; i++) live[i] = $"live object {i}: {new string('*', i)}";
        ulong made = 0, target = mib << 20;
        int round = 0;
        while (made < target)
        {
            var garbage = new List<string>();
            for (int i = 0; i < 256; i++) garbage.Add($"round {round} item {i} {i * 31:x8}");
            int[] numbers = new int[1024];
            Span<int> span = numbers;
            span.Fill(round);
            var map = new Dictionary<string, int>();
            foreach (string s in garbage) map[s] = s.Length;
            made += (ulong)(garbage.Count * 80 + numbers.Length * 4 + map.Count * 48);
            live[round % LiveSet] = $"live object {round % LiveSet}: {new string('*', round % LiveSet)}";
            round++;
            if (round % 2048 == 0)
                Console.WriteLine($"churn: {made >> 20} MiB made, {GC.CollectionCount(0)} collections, "
                    + $"heap {ProcessHeap.Heap.Statistics().HeapSize >> 20} MiB");
        }
        int damaged = 0;
        foreach (KeyValuePair<int, string> entry in live)
            if (entry.Value != $"live object {entry.Key}: {new string('*', entry.Key)}") damaged++;
        Console.WriteLine($"churn: done: {made >> 20} MiB made, {GC.CollectionCount(0)} collections, "
            + $"heap {ProcessHeap.Heap.Statistics().HeapSize >> 20} MiB, {GC.GetTotalMemory(false) >> 10} KiB in use, "
            + $"live set {(damaged == 0 ? "intact" : $"DAMAGED ({damaged} entries)")}");
        return damaged == 0 ? 0 : 1;
    }
}
