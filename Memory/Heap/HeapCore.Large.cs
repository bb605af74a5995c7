using System.Runtime.CompilerServices;

namespace MemOS.Memory.Heap;

// Large blocks: requests from LargeThreshold up take whole pages, header included, so they start and end on a page
// and their pages go back to the VMM as soon as they are freed at the heap's end.
public partial class HeapCore<TMemory>
{
    /// <summary>Requests from this size up are large: whole pages.</summary>
    public const ulong LargeThreshold = 32 * 1024;

    /// <summary>
    /// Payload of a large block of <paramref name="size"/> bytes: header + payload a page multiple; at the default
    /// alignment the payload follows a header at the end of a page, so the block starts on one.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong LargePayload(ulong size, ref ulong alignment, ref ulong offset)
    {
        if (alignment <= 16)
        {
            alignment = Page;
            offset = Page - HeaderSize;
        }
        return ((size + HeaderSize + Page - 1) & ~(Page - 1)) - HeaderSize;
    }
}
