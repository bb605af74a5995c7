using NUnit.Framework;

namespace MemOS.Tests.Kernel.Actions;

/// <summary>
/// touch: real accesses on the real MMU, faults decided by the handler, and the kernel carrying on after a refusal.
/// </summary>
[Category(KernelTestEnvironment.Category)]
public class TouchActionTests : ActionSession
{
    // First page of kernel text: the linker script puts .text right after the 1 MiB boot stub.
    private const string KernelText = "0xffffffff80101000";

    [Test]
    public void An_unmapped_kernel_address_outside_every_region_is_refused_and_the_shell_carries_on()
    {
        Assert.That(Run("touch 0xffffe00020000000"),
            Is.EqualTo("touch 0xffffe00020000000 read: refused: no region (no region)"));
        Assert.That(Run("touch 0xffffe00020000000 w"),
            Is.EqualTo("touch 0xffffe00020000000 write: refused: no region (no region)"));
        AssertAlive();
    }

    [Test]
    public void The_null_guard_is_refused()
    {
        Assert.That(Run("touch 0x0"), Is.EqualTo("touch 0x0 read: refused: no region (no region)"));
        Assert.That(Run("touch 0x10 w"), Is.EqualTo("touch 0x10 write: refused: no region (no region)"));
        AssertAlive();
    }

    [Test]
    public void Writing_kernel_text_is_refused_as_a_write_to_read_only()
    {
        Assert.That(Run($"touch {KernelText} w"),
            Is.EqualTo($"touch {KernelText} write: refused: write to read-only (no region)"));
        Assert.That(Run($"touch {KernelText}"), Is.EqualTo($"touch {KernelText} read: no fault (present)"));
        AssertAlive();
    }

    [Test]
    public void Executing_kernel_text_runs_a_ret_there_and_puts_the_byte_back()
    {
        string before = Run($"read {KernelText} 16");
        string faults = FaultTotal();
        Assert.That(Run($"touch {KernelText} x"),
            Is.EqualTo($"touch {KernelText} execute: no fault (present, executable): a ret placed there ran and "
                + "returned"));
        Assert.That(FaultTotal(), Is.EqualTo(faults), "no page fault was taken");
        Assert.That(Run($"read {KernelText} 16"), Is.EqualTo(before), "the code byte is restored");
        AssertAlive();
    }

    private string FaultTotal()
    {
        string first = Run("faults").Split('\n')[0];
        Assert.That(first, Does.Match(@"^faults: \d+ total"), first);
        return first[..first.IndexOf(" total", System.StringComparison.Ordinal)];
    }

    [Test]
    public void A_device_page_mapped_executable_is_not_executed_and_says_so()
    {
        const string va = "0xffffe00010004000";
        Assert.That(Run($"map {va} 0xb8000 rx"), Does.StartWith($"mapped {va} -> 0xb8000 (P), frame given"));
        Assert.That(Run($"touch {va} x"), Is.EqualTo($"touch {va} execute: no fault (present, executable); "
            + "not executed: frame 0xb8000 is not RAM the PMM manages"));
        Assert.That(Run($"unmap {va}"), Does.StartWith($"unmapped {va} (was 0xb8000, borrowed frame not freed)"));
        AssertAlive();
    }

    [Test]
    public void Executing_the_direct_map_is_refused_as_execute_on_NX()
    {
        Assert.That(Run("touch 0xffff800000100000 x"),
            Is.EqualTo("touch 0xffff800000100000 execute: refused: execute on NX (no region)"));
        AssertAlive();
    }

    [Test]
    public void A_heap_block_is_present_for_read_and_write()
    {
        ulong a = Alloc("64");
        Assert.That(Run($"touch {Hex(a)}"), Is.EqualTo($"touch {Hex(a)} read: no fault (present)"));
        Assert.That(Run($"touch {Hex(a)} w"), Is.EqualTo($"touch {Hex(a)} write: no fault (present)"));
        Assert.That(Run($"touch {Hex(a)} x"),
            Is.EqualTo($"touch {Hex(a)} execute: refused: execute on NX (region kernel heap)"));
        AssertAlive();
    }

    [Test]
    public void Non_canonical_addresses_and_bad_access_words_are_refused_before_any_access()
    {
        Assert.That(Run("touch 0x0000800000000000"), Does.StartWith("touch: 0x800000000000: non-canonical address"));
        Assert.That(Run("touch 0x1000 q"), Does.StartWith("touch: access must be r, w or x"));
        Assert.That(Run("touch 0x1000 r extra"), Does.StartWith("touch: too many arguments"));
        AssertAlive();
    }
}
