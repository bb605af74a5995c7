namespace MemOS.Kernel.Hardware;

/// <summary>
/// Keys from the serial line: CR, LF or CRLF is one Enter; DEL/BS erase; Ctrl+C interrupts; ANSI escape
/// sequences (ESC [ A..D, H, F, 3~) are arrows, home, end and delete. Other control bytes are dropped.
/// </summary>
internal static class SerialKeys
{
    private static bool s_lastWasCr;
    private static int s_escapeState; // 0 none, 1 after ESC, 2 after ESC [, 3 after ESC [ 3
    private static ulong s_escapeStart;

    public static bool TryReadKey(out Key key)
    {
        key = default;
        while (SerialPort.TryRead(out byte b))
        {
            if (Translate(b, out key)) return true;
        }
        // a lone ESC with nothing after it for a while is the Escape key
        if (s_escapeState == 1 && Timer.Milliseconds - s_escapeStart > 50)
        {
            s_escapeState = 0;
            key = new Key(KeyKind.Escape);
            return true;
        }
        return false;
    }

    private static bool Translate(byte b, out Key key)
    {
        key = default;
        bool wasCr = s_lastWasCr;
        s_lastWasCr = b == '\r';
        switch (s_escapeState)
        {
            case 1:
                s_escapeState = b == '[' || b == 'O' ? 2 : 0;
                return false;
            case 2:
                s_escapeState = 0;
                switch (b)
                {
                    case (byte)'A': key = new Key(KeyKind.Up); return true;
                    case (byte)'B': key = new Key(KeyKind.Down); return true;
                    case (byte)'C': key = new Key(KeyKind.Right); return true;
                    case (byte)'D': key = new Key(KeyKind.Left); return true;
                    case (byte)'H': key = new Key(KeyKind.Home); return true;
                    case (byte)'F': key = new Key(KeyKind.End); return true;
                    case (byte)'3': s_escapeState = 3; return false;
                    default: return false;
                }
            case 3:
                s_escapeState = 0;
                if (b == '~') { key = new Key(KeyKind.Delete); return true; }
                return false;
        }
        switch (b)
        {
            case (byte)'\r': key = new Key(KeyKind.Enter); return true;
            case (byte)'\n':
                if (wasCr) return false; // the LF of a CRLF
                key = new Key(KeyKind.Enter); return true;
            case 0x7F: case 0x08: key = new Key(KeyKind.Backspace); return true;
            case 0x03: key = new Key(KeyKind.Interrupt); return true;
            case (byte)'\t': key = new Key(KeyKind.Tab); return true;
            case 0x1B: s_escapeState = 1; s_escapeStart = Timer.Milliseconds; return false;
        }
        if (b < 0x20 || b >= 0x7F) return false;
        key = new Key(KeyKind.Character, (char)b);
        return true;
    }
}
