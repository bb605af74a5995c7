using System;
using MemOS.User.Runtime;

/// <summary>
/// `memhog [MIB]`: takes memory from its process heap 1 MiB at a time, writing every page, until refused or until
/// MIB (default: no limit besides the heap's 128 MiB). With immediate backing (the default) the kernel's refusal is
/// mmap's ENOMEM and memhog reports it and exits cleanly; with MEMOS_BACKING=demand the frames are taken at the first
/// write, and the kernel may have to kill it with an out-of-memory report. Either way the kernel and other processes
/// live, and every frame comes back when it ends.
/// </summary>
internal static unsafe class Program
{
    private const ulong Chunk = 1024 * 1024;

    private static int Main(string[] args)
    {
        ulong limit = ulong.MaxValue;
        if (args.Length > 1 || (args.Length == 1 && (!ulong.TryParse(args[0], out limit) || limit == 0)))
        {
            Console.WriteLine("usage: memhog [MIB]   (stop after MIB mebibytes; default: until refused)");
            return 2;
        }
        Console.WriteLine(
            $"memhog: taking 1 MiB blocks from the process heap ({ProcessStart.Backing} backing) until refused");
        ulong taken = 0;
        void* previous = null;
        while (taken < limit)
        {
            void** block = (void**)ProcessHeap.TryAllocate(Chunk);
            if (block == null) break;
            for (ulong offset = 0; offset < Chunk; offset += 4096) ((byte*)block)[offset] = 1; // every page resident
            *block = previous; // keep a chain: nothing here is garbage
            previous = block;
            taken++;
            if (taken % 8 == 0) Console.WriteLine($"memhog: {taken} MiB");
        }
        if (taken == limit)
        {
            Console.WriteLine($"memhog: took {taken} MiB, the limit asked for");
            return 0;
        }
        long error = ProcessHeap.Backing.LastError;
        if (previous != null) ProcessHeap.Free(previous); // room for the report's own strings
        string why = error != 0
            ? $"mmap refused: {Errno.Name(error)}"
            : $"the process heap's limit ({ProcessHeap.MaxSize / Chunk} MiB)";
        Console.WriteLine($"memhog: refused after {taken} MiB: {why}");
        return 0;
    }
}
