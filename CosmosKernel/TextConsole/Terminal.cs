using MemOS.Kernel.Hardware;

namespace MemOS.Kernel.TextConsole;

/// <summary>
/// The console as both screens see it: every character goes to the screen (VGA text or the framebuffer console) and
/// to COM1; cursor moves for line editing are done directly on the screen and as ANSI sequences on serial. Input is
/// the first key from either keyboard.
/// </summary>
internal static class Terminal
{
    /// <summary>The screen: VGA text from boot, the framebuffer console once DisplaySetup has made one.</summary>
    public static ConsoleScreen Screen { get; private set; } = VgaTextScreen.Instance;

    /// <summary>How many characters fit on a line of the screen (serial shows the same lines).</summary>
    public static int Columns => Screen.Columns;

    /// <summary>What the screen shows now, to carry over to another screen (take it before a mode change).</summary>
    public static ScreenSnapshot Snapshot()
    {
        ConsoleScreen screen = Screen;
        var cells = new (char, byte)[screen.Rows * screen.Columns];
        for (int row = 0; row < screen.Rows; row++)
            for (int column = 0; column < screen.Columns; column++)
                cells[row * screen.Columns + column] = screen.Cell(row, column);
        return new ScreenSnapshot(cells, screen.Columns, screen.Row, screen.Column, screen.Colour);
    }

    /// <summary>Moves the console to another screen, showing what the snapshot holds there.</summary>
    public static void SwitchTo(ConsoleScreen screen, ScreenSnapshot before)
    {
        int rows = before.Cells.Length / before.Columns;
        if (rows > screen.Rows) rows = screen.Rows;
        int columns = before.Columns < screen.Columns ? before.Columns : screen.Columns;
        for (int row = 0; row < rows; row++)
            for (int column = 0; column < columns; column++)
            {
                (char c, byte colour) = before.Cells[row * before.Columns + column];
                screen.Put(row, column, c, colour);
            }
        screen.Colour = before.Colour;
        screen.SetCursor(before.Row < rows ? before.Row : rows - 1, before.Column);
        Screen = screen;
    }

    public static void Write(char c)
    {
        Screen.Write(c);
        SerialPort.Write(c);
    }

    public static void Write(string s)
    {
        for (int i = 0; i < s.Length; i++) Write(s[i]);
    }

    /// <summary>
    /// A whole line (Console.WriteLine). Serial gets it as written: tests read it, and the host's terminal wraps it.
    /// The screen gets it broken at spaces with a hanging indent when it is wider than the screen, so no command's
    /// long line (meminfo's first, a fault report) is cut mid-word there.
    /// </summary>
    public static void WriteLine(string s)
    {
        ConsoleScreen screen = Screen;
        int width = ScreenLineWidth(screen);
        if (screen.Column != 0 || !Shell.TextWrap.Exceeds(s, width))
        {
            Write(s);
            Write('\n');
            return;
        }
        string wrapped = Shell.TextWrap.Wrap(s, width, WrapIndent);
        for (int i = 0; i < wrapped.Length; i++) screen.Write(wrapped[i]);
        screen.Write('\n');
        for (int i = 0; i < s.Length; i++) SerialPort.Write(s[i]);
        SerialPort.Write('\n');
    }

    // Continuation lines of a wrapped line are indented this much beyond the line's own indent.
    private const int WrapIndent = 2;

    // One column short of the screen: a full line would move the cursor on and leave a blank line after it.
    private static int ScreenLineWidth(ConsoleScreen screen) => screen.Columns - 1;

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
        ConsoleScreen screen = Screen;
        byte saved = screen.Colour;
        screen.Colour = colour;
        screen.Write(c);
        screen.Colour = saved;
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
        ConsoleScreen screen = Screen;
        int position = screen.Row * screen.Columns + screen.Column - n;
        if (position < 0) position = 0;
        screen.SetCursor(position / screen.Columns, position % screen.Columns);
        SerialAnsi(n, 'D');
    }

    public static void CursorRight(int n)
    {
        if (n <= 0) return;
        ConsoleScreen screen = Screen;
        int position = screen.Row * screen.Columns + screen.Column + n;
        screen.SetCursor(position / screen.Columns, position % screen.Columns);
        SerialAnsi(n, 'C');
    }

    /// <summary>
    /// Erases n characters from the cursor on (VGA) and to the end of the line (serial); the cursor stays.
    /// </summary>
    public static void EraseAhead(int n)
    {
        ConsoleScreen screen = Screen;
        int row = screen.Row, column = screen.Column;
        for (int i = 0; i < n; i++)
        {
            int position = row * screen.Columns + column + i;
            screen.Put(position / screen.Columns, position % screen.Columns, ' ', screen.Colour);
        }
        SerialPort.Write((byte)0x1B); SerialPort.Write((byte)'['); SerialPort.Write((byte)'K');
    }

    public static void Clear()
    {
        Screen.Clear();
        foreach (char c in "\x1b[2J\x1b[H") SerialPort.Write((byte)c);
    }

    /// <summary>A key from either keyboard if one is waiting; never blocks.</summary>
    public static bool TryReadKey(out Key key) => Ps2Keyboard.TryReadKey(out key) || SerialKeys.TryReadKey(out key);

    /// <summary>Waits (halting between interrupts) for a key from the PS/2 keyboard or the serial line.</summary>
    public static Key ReadKey()
    {
        Screen.Flush();
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
