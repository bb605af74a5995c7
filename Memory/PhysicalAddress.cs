namespace MemOS.Memory;

/// <summary>
/// A physical address. Its own type so a frame can never be passed where a virtual address is wanted.
/// </summary>
public readonly record struct PhysicalAddress(ulong Value)
{
    public const ulong FrameSize = 4096;

    public ulong FrameNumber => Value / FrameSize;
    public bool IsFrameAligned => (Value & (FrameSize - 1)) == 0;
    public PhysicalAddress FrameBase => new(Value & ~(FrameSize - 1));

    public static PhysicalAddress FromFrame(ulong frameNumber) => new(frameNumber * FrameSize);
    public static PhysicalAddress operator +(PhysicalAddress a, ulong offset) => new(a.Value + offset);

    public override string ToString() => "0x" + Value.ToString("x");
}
