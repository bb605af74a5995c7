using System.IO;

namespace MemOS.Kernel.TextConsole;

/// <summary>Console.In for the BCL: ReadLine is the line editor (both keyboards); Ctrl+C gives an empty line.</summary>
internal sealed class KernelTextReader(LineEditor editor) : TextReader
{
    public override string? ReadLine() => editor.ReadLine() ?? "";

    public override int Read()
    {
        var key = Terminal.ReadKey();
        return key.Kind switch
        {
            Hardware.KeyKind.Character => key.Char,
            Hardware.KeyKind.Enter => '\n',
            Hardware.KeyKind.Tab => '\t',
            Hardware.KeyKind.Backspace => '\b',
            _ => 0,
        };
    }
}
