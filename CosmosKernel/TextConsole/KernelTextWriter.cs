using System.IO;
using System.Text;

namespace MemOS.Kernel.TextConsole;

/// <summary>
/// Console.Out for the BCL: everything written goes to the terminal (VGA and serial); whole lines go as lines, so
/// the screen can wrap them at spaces.
/// </summary>
internal sealed class KernelTextWriter : TextWriter
{
    public override Encoding Encoding => Encoding.UTF8;
    public override void Write(char value) => Terminal.Write(value);
    public override void Write(string? value)
    {
        if (value != null) Terminal.Write(value);
    }
    public override void WriteLine(string? value) => Terminal.WriteLine(value ?? "");
}
