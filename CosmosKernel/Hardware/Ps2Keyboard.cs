namespace MemOS.Kernel.Hardware;

/// <summary>
/// The PS/2 keyboard, polled (scan code set 1 as the i8042 translates it): shift, caps lock, ctrl, backspace,
/// arrows, home/end/delete. Ctrl+C is the interrupt key.
/// </summary>
internal static class Ps2Keyboard
{
    private const ushort Data = 0x60, Status = 0x64;
    private static bool s_shift, s_ctrl, s_caps, s_extended;

    private const string Normal  = "\0\x1b" + "1234567890-=\b\tqwertyuiop[]\n\0asdfghjkl;'`\0\\zxcvbnm,./\0*\0 ";
    private const string Shifted = "\0\x1b" + "!@#$%^&*()_+\b\tQWERTYUIOP{}\n\0ASDFGHJKL:\"~\0|ZXCVBNM<>?\0*\0 ";

    public static bool TryReadKey(out Key key)
    {
        key = default;
        // bit 0: output buffer full; bit 5: the byte came from the mouse
        while ((Cpu.InB(Status) & 0x01) != 0)
        {
            bool fromMouse = (Cpu.InB(Status) & 0x20) != 0;
            byte code = Cpu.InB(Data);
            if (fromMouse) continue;
            if (Translate(code, out key)) return true;
        }
        return false;
    }

    private static bool Translate(byte code, out Key key)
    {
        key = default;
        if (code == 0xE0) { s_extended = true; return false; }
        bool released = (code & 0x80) != 0;
        byte make = (byte)(code & 0x7F);
        bool extended = s_extended;
        s_extended = false;

        switch (make)
        {
            case 0x2A: case 0x36: s_shift = !released; return false;
            case 0x1D: s_ctrl = !released; return false;
            case 0x3A: if (!released) s_caps = !s_caps; return false;
        }
        if (released) return false;
        if (extended)
        {
            key = make switch
            {
                0x48 => new Key(KeyKind.Up), 0x50 => new Key(KeyKind.Down),
                0x4B => new Key(KeyKind.Left), 0x4D => new Key(KeyKind.Right),
                0x47 => new Key(KeyKind.Home), 0x4F => new Key(KeyKind.End),
                0x53 => new Key(KeyKind.Delete), 0x1C => new Key(KeyKind.Enter),
                _ => default,
            };
            return key.Kind != KeyKind.None;
        }
        if (make >= Normal.Length) return false;
        char c = s_shift ? Shifted[make] : Normal[make];
        if (s_caps && char.IsAsciiLetter(c)) c = s_shift ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c);
        if (s_ctrl && (c == 'c' || c == 'C')) { key = new Key(KeyKind.Interrupt); return true; }
        key = c switch
        {
            '\0' => default,
            '\n' => new Key(KeyKind.Enter),
            '\b' => new Key(KeyKind.Backspace),
            '\t' => new Key(KeyKind.Tab),
            '\x1b' => new Key(KeyKind.Escape),
            _ => new Key(KeyKind.Character, c),
        };
        return key.Kind != KeyKind.None;
    }
}
