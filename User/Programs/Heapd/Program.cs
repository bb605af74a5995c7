using MemOS.User.Runtime;

/// <summary>
/// The process behind the shell's `alloc --user`, `free --user` and `heap --user`: the shell starts it on first use
/// and it serves those requests with its own heap (HeapService, the user runtime's ProcessHeap) in ring 3 until it is
/// killed. Run by hand (`run heapd &`) it serves `--pid N` requests the same way.
/// </summary>
internal static class Program
{
    private static int Main(string[] args) => HeapService.Run();
}
