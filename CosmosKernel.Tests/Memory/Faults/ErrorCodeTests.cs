using MemOS.Memory.Faults;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Faults;

public class ErrorCodeTests
{
    [TestCase(0x0u, "read, not present, kernel")]
    [TestCase(0x2u, "write, not present, kernel")]
    [TestCase(0x7u, "write, present, user")]
    [TestCase(0x15u, "execute, present, user")]
    [TestCase(0x9u, "read, present, kernel, reserved bit")]
    public void Decodes_to_text(uint value, string text)
        => Assert.That(new ErrorCode(value).Describe(), Is.EqualTo(text));

    [Test]
    public void From_sets_the_x86_bits()
    {
        var code = ErrorCode.From(present: true, write: true, user: false, reserved: true, instruction: false);
        Assert.That(code.Value, Is.EqualTo(0b01011u));
        Assert.That(code.Present && code.Write && !code.User && code.ReservedBitSet && !code.InstructionFetch, Is.True);
        Assert.That(ErrorCode.From(false, false, true, false, true).Value, Is.EqualTo(0b10100u));
    }
}
