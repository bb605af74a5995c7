using MemOS.Kernel.Hardware;

namespace MemOS.Kernel.TextConsole;

/// <summary>
/// The console as both screens see it: every character goes to VGA and to COM1; cursor moves for line editing
/// are done directly on VGA and as ANSI sequences on serial. Input is the first key from either keyboard.
/// </summary>
internal static class Terminal
{
    public static void Write(char c)
    {
        VgaTextScreen.Write(c);
        SerialPort.Write(c);
    }

    public static void Write(string s)
    {
        for (int i = 0; i < s.Length; i++) Write(s[i]);
    }

    /// <summary>
    /// A character in a VGA colour (attribute byte: background high nibble, foreground low): coloured on the screen,
    /// and on serial preceded by the nearest ANSI colour when it changes. <see cref="ResetColour"/> ends the run.
    /// </summary>
    public static void Write(char c, byte colour)
    {
        if (colour != s_serialColour)
        {
            s_serialColour = colour;
            SerialSgr(AnsiForeground[colour & 0x0F]);
        }
        byte saved = VgaTextScreen.Colour;
        VgaTextScreen.Colour = colour;
        VgaTextScreen.Write(c);
        VgaTextScreen.Colour = saved;
        SerialPort.Write(c);
    }

    /// <summary>Back to the default colour on serial after coloured writes (the screen keeps its own colour).</summary>
    public static void ResetColour()
    {
        if (s_serialColour == NoColour) return;
        s_serialColour = NoColour;
        SerialSgr(0);
    }

    private const int NoColour = -1;
    private static int s_serialColour = NoColour;

    // VGA colour index -> ANSI SGR foreground (black, blue, green, cyan, red, magenta, brown, grey, then bright ones)
    private static readonly byte[] AnsiForeground = [30, 34, 32, 36, 31, 35, 33, 37, 90, 94, 92, 96, 91, 95, 93, 97];

    private static void SerialSgr(int code)
    {
        SerialPort.Write((byte)0x1B); SerialPort.Write((byte)'[');
        if (code >= 10) SerialPort.Write((byte)('0' + code / 10));
        SerialPort.Write((byte)('0' + code % 10));
        SerialPort.Write((byte)'m');
    }

    public static void CursorLeft(int n)
    {
        if (n <= 0) return;
        int position = VgaTextScreen.Row * VgaTextScreen.Width + VgaTextScreen.Column - n;
        if (position < 0) position = 0;
        VgaTextScreen.SetCursor(position / VgaTextScreen.Width, position % VgaTextScreen.Width);
        SerialAnsi(n, 'D');
    }

    public static void CursorRight(int n)
    {
        if (n <= 0) return;
        int position = VgaTextScreen.Row * VgaTextScreen.Width + VgaTextScreen.Column + n;
        VgaTextScreen.SetCursor(position / VgaTextScreen.Width, position % VgaTextScreen.Width);
        SerialAnsi(n, 'C');
    }

    /// <summary>
    /// Erases n characters from the cursor on (VGA) and to the end of the line (serial); the cursor stays.
    /// </summary>
    public static void EraseAhead(int n)
    {
        int row = VgaTextScreen.Row, column = VgaTextScreen.Column;
        for (int i = 0; i < n; i++)
        {
            int position = row * VgaTextScreen.Width + column + i;
            VgaTextScreen.Put(position / VgaTextScreen.Width, position % VgaTextScreen.Width, ' ',
                VgaTextScreen.Colour);
        }
        SerialPort.Write((byte)0x1B); SerialPort.Write((byte)'['); SerialPort.Write((byte)'K');
    }

    public static void Clear()
    {
        VgaTextScreen.Clear();
        foreach (char c in "\x1b[2J\x1b[H") SerialPort.Write((byte)c);
    }

    /// <summary>Waits (halting between interrupts) for a key from the PS/2 keyboard or the serial line.</summary>
    public static Key ReadKey()
    {
        while (true)
        {
            if (Ps2Keyboard.TryReadKey(out Key key) || SerialKeys.TryReadKey(out key)) return key;
            if (Processes.Scheduler.IsInitialized) Processes.Scheduler.WaitForInput(); // other tasks run meanwhile
            else Cpu.WaitForInterrupt();
        }
    }

    private static void SerialAnsi(int n, char command)
    {
        SerialPort.Write((byte)0x1B); SerialPort.Write((byte)'[');
        foreach (char c in n.ToString()) SerialPort.Write((byte)c);
        SerialPort.Write((byte)command);
    }
}
