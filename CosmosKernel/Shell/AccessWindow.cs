using MemOS.Kernel.MemoryManagement;
using MemOS.Memory.Faults;

namespace MemOS.Kernel.Shell;

/// <summary>
/// The faults and trace events one access caused, captured around it without allocating (a managed `new` after
/// it may fault too, in demand mode, and must not be mistaken for the access's fault).
/// </summary>
internal readonly record struct AccessWindow(
    ulong FaultsBefore, ulong FaultsAfter, ulong EventsBefore, ulong EventsAfter, FaultResolution Resolution)
{
    public static AccessWindow Open(KernelMemory m)
        => new(m.Faults.FaultCount, m.Faults.FaultCount, m.Faults.EventCount, m.Faults.EventCount, default);

    public AccessWindow Close(KernelMemory m) => this with
    {
        FaultsAfter = m.Faults.FaultCount,
        EventsAfter = m.Faults.EventCount,
        Resolution = PageFaultHandler.LastResolution,
    };

    public ulong Faults => FaultsAfter - FaultsBefore;
}
