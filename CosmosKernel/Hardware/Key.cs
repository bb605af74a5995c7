namespace MemOS.Kernel.Hardware;

/// <summary>The keys line editing cares about, from the PS/2 keyboard or from serial escape sequences.</summary>
internal enum KeyKind : byte
{
    None, Character, Enter, Backspace, Delete, Left, Right, Up, Down, Home, End, Tab, Interrupt, Escape
}

/// <summary>One key press: a kind, and the character for KeyKind.Character.</summary>
internal readonly record struct Key(KeyKind Kind, char Char = '\0');
