using System.Text.RegularExpressions;
using NUnit.Framework;

namespace MemOS.Tests.Kernel.Actions;

/// <summary>map/unmap by hand in the scratch window, and only there.</summary>
[Category(KernelTestEnvironment.Category)]
public class MapActionTests : ActionSession
{
    private const string Scratch = "0xffffe00010000000";

    [Test]
    public void A_fresh_page_maps_is_usable_and_goes_back_on_unmap()
    {
        string mapped = Run($"map {Scratch}");
        Match m = Regex.Match(mapped,
            $"^mapped {Scratch} -> (0x[0-9a-f]+) \\(P W NX\\), fresh zeroed frame from the PMM; "
            + "TLB: nothing to invalidate");
        Assert.That(m.Success, Is.True, mapped);
        Assert.That(Run($"map {Scratch}"),
            Does.StartWith($"map: {Scratch}: already mapped (to frame {m.Groups[1].Value})"));
        Assert.That(Run($"touch {Scratch} w"), Is.EqualTo($"touch {Scratch} write: no fault (present)"));
        Assert.That(Run($"write {Scratch} 0x4142434445464748"),
            Is.EqualTo($"wrote 0x4142434445464748 (8 bytes) at {Scratch}"));
        Assert.That(Run($"read {Scratch} 16"),
            Does.Match($"^{Scratch} +48 47 46 45 44 43 42 41 00 00 00 00 00 00 00 00 +\\|HGFEDCBA\\.{{8}}\\|$"));
        Assert.That(Run($"unmap {Scratch}"),
            Is.EqualTo($"unmapped {Scratch} (was {m.Groups[1].Value}, frame back to the PMM); TLB: invlpg {Scratch}"));
        Assert.That(Run($"unmap {Scratch}"), Is.EqualTo($"unmap: {Scratch}: not mapped"));
        Assert.That(Run($"touch {Scratch}"),
            Is.EqualTo($"touch {Scratch} read: refused: no region (no region)"),
            "the TLB forgot it");
    }

    [Test]
    public void A_given_frame_is_borrowed_with_the_flags_asked_for()
    {
        const string va = "0xffffe00010002000";
        Assert.That(Run($"map {va} 0xb8000 r"),
            Does.StartWith($"mapped {va} -> 0xb8000 (P NX), frame given (borrowed: unmap will not free it)"));
        Assert.That(Run($"touch {va} w"), Is.EqualTo($"touch {va} write: refused: write to read-only (no region)"));
        Assert.That(Run($"unmap {va}"), Does.StartWith($"unmapped {va} (was 0xb8000, borrowed frame not freed)"));
        Assert.That(Run("map 0xffffe00010003000 rwx"),
            Does.Match(@"^mapped 0xffffe00010003000 -> 0x[0-9a-f]+ \(P W\), fresh"));
        // a known pattern in the page: executing it puts a ret at the address and the pattern back afterwards
        Assert.That(Run("write 0xffffe00010003000 0x1122334455667788"), Does.StartWith("wrote 0x1122334455667788"));
        Assert.That(Run("touch 0xffffe00010003000 x"),
            Is.EqualTo("touch 0xffffe00010003000 execute: no fault (present, executable): a ret placed there ran "
                + "and returned"));
        Assert.That(Run("read 0xffffe00010003000 8"), Does.StartWith("0xffffe00010003000  88 77 66 55 44 33 22 11"));
        Assert.That(Run("unmap 0xffffe00010003000"), Does.StartWith("unmapped 0xffffe00010003000"));
    }

    [Test]
    public void Outside_the_scratch_window_nothing_is_mapped_by_hand()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Run("map 0xffffe00000000000"),
                Does.StartWith(
                    "map: 0xffffe00000000000: outside the scratch window 0xffffe00010000000-0xffffe00011000000"));
            Assert.That(Run("map 0xffffffff80101000"),
                Does.StartWith("map: 0xffffffff80101000: outside the scratch window"));
            Assert.That(Run("unmap 0xffffffff80101000"),
                Does.StartWith("unmap: 0xffffffff80101000: outside the scratch window"));
            Assert.That(Run("map 0xffffe00010000010"), Does.StartWith("map: 0xffffe00010000010: not page-aligned"));
            Assert.That(Run("map 0xffffe00010000000 0x1001"), Does.StartWith("map: 0x1001: not frame-aligned"));
            Assert.That(Run("map 0xffffe00010000000 rwq"), Does.StartWith("map: flags are letters from r, w, x, u"));
        });
        AssertAlive();
    }
}
