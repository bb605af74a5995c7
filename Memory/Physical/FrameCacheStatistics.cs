namespace MemOS.Memory.Physical;

/// <summary>
/// The PMM's frame cache at a glance: Frames free single frames on its stack now (of
/// <see cref="PhysicalMemoryManager.FrameCacheCapacity"/>), and how often it was refilled from and drained to the
/// buddy (each moves up to <see cref="PhysicalMemoryManager.FrameCacheBatch"/> frames).
/// </summary>
public readonly record struct FrameCacheStatistics(ulong Frames, ulong Refills, ulong Drains);
