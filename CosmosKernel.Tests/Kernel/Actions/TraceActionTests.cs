using NUnit.Framework;

namespace MemOS.Tests.Kernel.Actions;

/// <summary>trace: the narration of alloc, free and touch.</summary>
[Category(KernelTestEnvironment.Category)]
public class TraceActionTests : ActionSession
{
    [Test]
    public void Trace_on_narrates_a_fault_and_off_stops()
    {
        Assert.That(Run("trace"), Is.EqualTo("trace: off"));
        Assert.That(Run("trace on"), Does.StartWith("trace: on"));
        string touch = Run("touch 0x0");
        Assert.That(touch, Is.EqualTo("touch 0x0 read: refused: no region (no region)\n  page fault at 0x0 (read, not present, kernel) -> violation: no region"));
        string text = Run("touch 0xffffffff80101000 w");
        Assert.That(text, Does.EndWith("  page fault at 0xffffffff80101000 (write, present, kernel) -> violation: write to read-only"));
        Assert.That(Run("trace off"), Is.EqualTo("trace: off"));
        Assert.That(Run("touch 0x0"), Is.EqualTo("touch 0x0 read: refused: no region (no region)"));
    }

    [Test]
    public void Trace_tells_the_heaps_steps()
    {
        Run("trace on");
        string grow = Run("alloc 200K");
        Assert.That(grow, Does.Contain("\n  the heap looks for a free block of 204800 B\n  none fits: the heap grows by "));
        Assert.That(grow, Does.Contain("(VMM grows region kernel heap, immediate)"));
        string small = Run("alloc 16");
        string address = small.Split(' ')[4];
        Assert.That(small, Does.Contain($"\n  found one at {address}\n  {address} is already mapped, no work"));
        Assert.That(Run("free " + address), Does.Contain("\n  the heap takes back "));
        Run("trace off");
    }

    [Test]
    public void Trace_rejects_other_words()
        => Assert.That(Run("trace maybe"), Does.StartWith("trace: 'maybe' is neither on nor off"));
}
