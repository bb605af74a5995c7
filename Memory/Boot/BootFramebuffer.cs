namespace MemOS.Memory.Boot;

/// <summary>
/// The linear framebuffer the bootloader set up (multiboot1 flag 12, multiboot2 tag 8): where it is, its geometry,
/// and for direct colour (Type 1) where each colour's bits sit in a pixel.
/// </summary>
public readonly record struct BootFramebuffer(ulong Address, uint Pitch, uint Width, uint Height, byte BitsPerPixel,
    byte Type, byte RedPosition, byte RedSize, byte GreenPosition, byte GreenSize, byte BluePosition, byte BlueSize)
{
    public const byte IndexedType = 0, DirectColourType = 1, TextType = 2;

    /// <summary>Bytes the framebuffer spans: Pitch × Height.</summary>
    public ulong Size => (ulong)Pitch * Height;

    /// <summary>32-bit direct colour with 8-bit channels: the kind the framebuffer console draws on.</summary>
    public bool IsDirectColour32 => Type == DirectColourType && BitsPerPixel == 32 && RedSize == 8 && GreenSize == 8
        && BlueSize == 8;

    public override string ToString() =>
        $"{Width}x{Height}x{BitsPerPixel} at 0x{Address:x} (pitch {Pitch}, type {Type})";
}
