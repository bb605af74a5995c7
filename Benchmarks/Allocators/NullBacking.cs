using MemOS.Memory;

namespace MemOS.Benchmarks.Allocators;

/// <summary>
/// Heap backing for a native block that is already fully reserved: growing and trimming cost nothing,
/// as with glibc/mimalloc/jemalloc whose arenas are also already mapped in steady state.
/// </summary>
internal sealed class NullBacking : IHeapBacking
{
    public MemoryError Extend(VirtualAddress start, ulong length) => MemoryError.None;
    public MemoryError Release(VirtualAddress start, ulong length) => MemoryError.None;
    public MemoryError Commit(VirtualAddress start, ulong length) => MemoryError.None;
    public MemoryError Decommit(VirtualAddress start, ulong length) => MemoryError.None;
}
