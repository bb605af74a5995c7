using System;

namespace MemOS.Memory.Simulation;

/// <summary>
/// IHeapWords over the simulated machine, so heaps run on simulated, demand-paged memory on the host.
/// Host-only: a violation throws (on the metal it would be a page-fault oops), which fails the test.
/// </summary>
public sealed class SimulatedVirtualMemory : IHeapWords
{
    private readonly SimulatedMachine _machine;
    private readonly bool _user;

    public SimulatedVirtualMemory(SimulatedMachine machine, bool user = false)
    {
        _machine = machine;
        _user = user;
    }

    public ulong Read64(VirtualAddress address)
    {
        var result = _machine.Read64(address, out ulong value, _user);
        if (!result.Ok) Fail(address, result);
        return value;
    }

    public void Write64(VirtualAddress address, ulong value)
    {
        var result = _machine.Write64(address, value, _user);
        if (!result.Ok) Fail(address, result);
    }

    public void Fill(VirtualAddress address, byte value, ulong length)
    {
        var result = _machine.Fill(address, value, length, _user);
        if (!result.Ok) Fail(address, result);
    }

    private static void Fail(VirtualAddress address, TouchResult result)
        => throw new InvalidOperationException("page fault violation at " + address + ": "
            + Faults.FaultOutcomes.Describe(result.Outcome)
                                               + (result.Faulted ? " (" + result.Code.Describe() + ")" : ""));
}
