using System.IO;
using System.Text;

namespace MemOS.Kernel.TextConsole;

/// <summary>Console.Out for the BCL: everything written goes to the terminal (VGA and serial).</summary>
internal sealed class KernelTextWriter : TextWriter
{
    public override Encoding Encoding => Encoding.UTF8;
    public override void Write(char value) => Terminal.Write(value);
    public override void Write(string? value)
    {
        if (value != null) Terminal.Write(value);
    }
    public override void WriteLine(string? value)
    {
        Write(value);
        Terminal.Write('\n');
    }
}
