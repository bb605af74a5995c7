using System;
using System.Threading;
using MemOS.User.Runtime;

/// <summary>
/// The Osdev-Notes chapter's example, in a process: on a fresh heap at 0x10000 with demand backing, a = alloc(5),
/// b = alloc(10), c = alloc(100), each touched, with the page faults each touch took (from memos_memstat). Then a
/// fresh heap where b is touched first: b = 0x10010 and its first touch maps page 0x10000, which a and c share.
/// Then the page-boundary case: a block crossing into the next page costs one more fault when its end is touched.
/// The heap is the chapter's simple list heap (ChapterHeap, an option of the user runtime): the process heap keeps
/// headers and slabs in front of its blocks, the chapter counts none. Exit status 0 when every claim held.
/// </summary>
internal static unsafe class Program
{
    private const ulong HeapBase = 0x10000, HeapSize = 0x10000, Page = 4096;
    private static bool s_haveStats = true, s_agrees = true;

    private static int Main(string[] args)
    {
        Console.WriteLine($"seedwalk: the chapter's alloc(5), alloc(10), alloc(100) in process {Linux.ProcessId()}");
        Console.WriteLine($"heap: the chapter's simple list heap (user runtime option ChapterHeap: block records kept "
            + $"outside the heap), {HeapSize / 1024} KiB at 0x{HeapBase:x}, "
            + "demand backing (mmap without MAP_POPULATE)");
        if (!MemOSCalls.TryReadMemStat(out _, out long error))
        {
            s_haveStats = false;
            Console.WriteLine($"memos_memstat: {Errno.Name(error)}: fault counts unknown (not running on MemOS?)");
        }

        Console.WriteLine("1. allocate, then touch in order");
        ChapterHeap? heap = FreshHeap();
        if (heap == null) return 1;
        ulong a = Alloc(heap, "a", 5, HeapBase),
            b = Alloc(heap, "b", 10, HeapBase + 0x10),
            c = Alloc(heap, "c", 100, HeapBase + 0x20);
        Touch("a", a, 1, HeapBase);
        Touch("b", b, 0, 0);
        Touch("c", c, 0, 0);

        Console.WriteLine("2. a fresh heap: b touched first");
        heap = FreshHeap();
        if (heap == null) return 1;
        a = Alloc(heap, "a", 5, HeapBase);
        b = Alloc(heap, "b", 10, HeapBase + 0x10);
        c = Alloc(heap, "c", 100, HeapBase + 0x20);
        Touch("b", b, 1, HeapBase);
        Touch("a", a, 0, 0);
        Touch("c", c, 0, 0);
        Console.WriteLine(
            $"   a, b and c lie in the page 0x{a & ~(Page - 1):x}{(s_haveStats ? ": one page, one fault" : "")}");

        Console.WriteLine("3. a block across a page boundary");
        heap = FreshHeap();
        if (heap == null) return 1;
        ulong x = Alloc(heap, "x", Page - 0x10, HeapBase);
        ulong d = Alloc(heap, "d", 32, HeapBase + Page - 0x10);
        Touch("x", x, 1, HeapBase);
        Touch("d's first byte", d, 0, 0);
        Touch("d's last byte", d + 31, 1, HeapBase + Page);
        string cost = s_haveStats
            ? ": its second page cost exactly one more fault"
            : $", across the page boundary 0x{HeapBase + Page:x}";
        Console.WriteLine($"   d spans 0x{d:x}-0x{d + 31:x}{cost}");

        Linux.Unmap(HeapBase, HeapSize);
        if (!s_haveStats)
            Console.WriteLine("seedwalk: addresses as the chapter says; faults not checked (no memos_memstat)");
        else
            Console.WriteLine(s_agrees
                ? "seedwalk: every address and fault as the chapter says"
                : "seedwalk: NOT as the chapter says (see above)");
        return s_agrees ? 0 : 1;
    }

    // A new mapping replaces the old one (and its pages): the heap is fresh, nothing resident.
    private static ChapterHeap? FreshHeap()
    {
        Linux.Unmap(HeapBase, HeapSize);
        long mapped = Linux.MapAnonymousMemory(HeapBase, HeapSize, Linux.ProtRead | Linux.ProtWrite, true, false);
        if (mapped != (long)HeapBase)
        {
            Console.WriteLine($"seedwalk: mmap at 0x{HeapBase:x}: {Errno.Describe(mapped)}");
            return null;
        }
        return new ChapterHeap(HeapBase, HeapSize);
    }

    private static ulong Alloc(ChapterHeap heap, string name, ulong size, ulong expected)
    {
        ulong p = heap.Allocate(size);
        string verdict = p == expected ? "" : $"   (the chapter's: 0x{expected:x})";
        if (p != expected) s_agrees = false;
        Console.WriteLine($"   {name} = alloc({size}) -> 0x{p:x}{verdict}");
        return p;
    }

    // A write to the address, with the page faults it took and the address of the last one.
    private static void Touch(string name, ulong address, ulong expectedFaults, ulong expectedPage)
    {
        MemStat before = default, after = default;
        if (s_haveStats) MemOSCalls.TryReadMemStat(out before, out _);
        Volatile.Write(ref *(byte*)address, 0x5A);
        if (!s_haveStats)
        {
            Console.WriteLine($"   touch {name} (0x{address:x})");
            return;
        }
        MemOSCalls.TryReadMemStat(out after, out _);
        ulong faults = after.PageFaults - before.PageFaults;
        string what = faults == 0 ? "no page fault" : faults == 1 ? "1 page fault" : $"{faults} page faults";
        string where = faults == 0
            ? ""
            : $", cr2=0x{after.LastFaultAddress:x}: page 0x{after.LastFaultAddress & ~(Page - 1):x} mapped";
        bool ok = faults == expectedFaults && (faults == 0 || (after.LastFaultAddress & ~(Page - 1)) == expectedPage);
        if (!ok) s_agrees = false;
        Console.WriteLine($"   touch {name} (0x{address:x}): {what}{where}{(ok ? "" : "   (unexpected)")}");
    }
}
