namespace MemOS.Memory.Physical;

/// <summary>A sanitised range of the memory map: [Base, End) of one type.</summary>
public readonly record struct MemoryRange(PhysicalAddress Base, ulong Length, MemoryType Type)
{
    /// <summary>First address past the range.</summary>
    public ulong End => Base.Value + Length;

    /// <summary>The type's printable name.</summary>
    public string Name => MemoryTypes.Name(Type);

    public override string ToString() => $"[{Base}, 0x{End:x}) {Name}";
}
