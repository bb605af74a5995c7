using MemOS.Memory;
using MemOS.Memory.Paging;
using MemOS.Tests.Memory.Simulation;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Paging;

/// <summary>
/// The invalidation value on its own (mutation testing found these paths covered by no test): a full invalidation
/// flushes once and invalidates no single page; Covers is exact at both ends of a page and of a range.
/// </summary>
public class TlbInvalidationValueTests
{
    private static VirtualAddress V(ulong value) => new(value);

    [Test]
    public void All_is_one_full_flush_and_None_does_nothing()
    {
        var tlb = new RecordingTlb();
        TlbInvalidation.All.Apply(tlb);
        Assert.That((tlb.FullFlushes, tlb.Pages.Count), Is.EqualTo((1, 0)));
        tlb.Clear();
        TlbInvalidation.None.Apply(tlb);
        Assert.That((tlb.FullFlushes, tlb.Pages.Count), Is.EqualTo((0, 0)));
    }

    [Test]
    public void Covers_is_exact_at_the_edges()
    {
        var page = TlbInvalidation.Page(V(0x5123));
        Assert.That(page.Covers(V(0x5000)), Is.True);
        Assert.That(page.Covers(V(0x5fff)), Is.True);
        Assert.That(page.Covers(V(0x6000)), Is.False);
        Assert.That(page.Covers(V(0x4fff)), Is.False, "below the start: no wrap-around");
        var range = TlbInvalidation.Range(V(0x10000), 0x3000);
        Assert.That(range.Covers(V(0x12fff)), Is.True);
        Assert.That(range.Covers(V(0x13000)), Is.False);
        Assert.That(range.Covers(V(0xffff)), Is.False);
        Assert.That(TlbInvalidation.All.Covers(V(0xdead_0000)), Is.True);
        Assert.That(TlbInvalidation.None.Covers(V(0)), Is.False);
    }
}
