namespace MemOS.Memory.Simulation;

/// <summary>The kind of memory access a simulated instruction makes.</summary>
public enum Access : byte
{
    Read,
    Write,
    Execute,
}
