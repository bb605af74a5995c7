using System.Collections.Generic;
using CsCheck;
using MemOS.Memory;
using MemOS.Memory.Paging;
using MemOS.Tests.Memory.Simulation;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Paging;

/// <summary>Random map/unmap/protect sequences (4 KiB and 2 MiB) against a model; freeing everything returns every
/// table frame.</summary>
public class PageTablePropertyTests
{
    private const ulong Page = 4096;
    private const ulong Huge = PageTable.HugePageSize;
    // Four 2 MiB slots in the user half (two share a PT-level neighbourhood) and one in the kernel half.
    private static readonly ulong[] Slots = { 0x40_0000, 0x60_0000, 0x80_0000_0000, 0x7FFF_FFE0_0000,
        0xFFFF_C000_0000_0000 };

    [Test]
    public void Random_operations_match_the_model_and_free_everything()
    {
        var op = Gen.Select(Gen.Int[0, 5], Gen.Int[0, Slots.Length - 1], Gen.Int[0, 511], Gen.Int[0, 3]);
        op.Array[1, 80].Sample(ops =>
        {
            using var rig = new Rig(frames: 256);
            var pt = PageTable.Create(rig.Ram, rig.Frames, rig.Tlb).Value;
            var model = new Dictionary<ulong, (ulong Frame, PageFlags Flags)>(); // 4 KiB page → expected translation
            foreach (var (kind, slot, index, extra) in ops)
            {
                ulong baseVa = Slots[slot];
                var va = new VirtualAddress(baseVa + (ulong)index * Page);
                var flags = (extra & 1) != 0 ? PageFlags.Writable : PageFlags.None;
                if ((extra & 2) != 0) flags |= PageFlags.NoExecute;
                int before = rig.Frames.AllocatedFrames;
                if (kind == 5) rig.Frames.FailAfter = extra; // starve the next operation sometimes
                switch (kind)
                {
                    case 0:
                    case 5:
                    {
                        var frame = new PhysicalAddress(0x100_0000 + (ulong)index * Page);
                        var change = pt.Map(va, frame, flags);
                        bool free = !model.ContainsKey(va.Value) && !HugeAt(model, baseVa);
                        if (change.Ok) model[va.Value] = (frame.Value, flags | PageFlags.Present);
                        else Assert.That(rig.Frames.AllocatedFrames, Is.EqualTo(before), "failed map changed nothing");
                        if (kind == 0) Assert.That(change.Ok, Is.EqualTo(free), change.Error.ToString());
                        break;
                    }
                    case 1:
                    {
                        var change = pt.Map(new VirtualAddress(baseVa), new PhysicalAddress(0x4000_0000), flags,
                            PageSize.Size2M);
                        bool free = !AnyIn(model, baseVa);
                        Assert.That(change.Ok, Is.EqualTo(free), change.Error.ToString());
                        if (change.Ok)
                            for (ulong i = 0; i < 512; i++)
                                model[baseVa + i * Page] = (0x4000_0000 + i * Page,
                                    flags | PageFlags.Present | PageFlags.HugePage);
                        break;
                    }
                    case 2:
                    {
                        var change = pt.Unmap(va);
                        Assert.That(change.Ok, Is.EqualTo(model.ContainsKey(va.Value)), change.Error.ToString());
                        if (change.Ok)
                        {
                            Assert.That(change.Frame.Value, Is.EqualTo(model[va.Value].Frame));
                            model.Remove(va.Value);
                            Split(model, baseVa);
                        }
                        break;
                    }
                    case 3:
                    {
                        var change = pt.Protect(va, flags);
                        Assert.That(change.Ok, Is.EqualTo(model.ContainsKey(va.Value)), change.Error.ToString());
                        if (change.Ok)
                        {
                            Split(model, baseVa);
                            model[va.Value] = (model[va.Value].Frame, flags | PageFlags.Present);
                        }
                        break;
                    }
                    case 4:
                    {
                        var change = pt.Unmap(new VirtualAddress(baseVa), PageSize.Size2M);
                        Assert.That(change.Ok, Is.EqualTo(HugeAt(model, baseVa)), change.Error.ToString());
                        if (change.Ok) for (ulong i = 0; i < 512; i++) model.Remove(baseVa + i * Page);
                        break;
                    }
                }
                rig.Frames.FailAfter = null;
                Check(pt, model);
            }
            foreach (var page in new List<ulong>(model.Keys))
                Assert.That(pt.Unmap(new VirtualAddress(page)).Ok, Is.True);
            int kernelPdpts = rig.Ram.Read64(pt.Root + (ulong)new VirtualAddress(Slots[^1]).TableIndex(4) * 8) != 0
                ? 1
                : 0;
            Assert.That(rig.Frames.AllocatedFrames, Is.EqualTo(1 + kernelPdpts),
                "only the root (and the permanent kernel PDPT) remain");
            Assert.That(pt.Destroy(), Is.EqualTo(MemoryError.None));
            Assert.That(rig.Frames.AllocatedFrames, Is.Zero);
        }, iter: 100);
    }

    private static bool HugeAt(Dictionary<ulong, (ulong Frame, PageFlags Flags)> model, ulong baseVa)
        => model.TryGetValue(baseVa, out var e) && (e.Flags & PageFlags.HugePage) != 0;

    private static bool AnyIn(Dictionary<ulong, (ulong Frame, PageFlags Flags)> model, ulong baseVa)
    {
        for (ulong i = 0; i < 512; i++) if (model.ContainsKey(baseVa + i * Page)) return true;
        return false;
    }

    // After a 4 KiB change inside a 2 MiB page, the model's remaining pieces are plain 4 KiB pages.
    private static void Split(Dictionary<ulong, (ulong Frame, PageFlags Flags)> model, ulong baseVa)
    {
        for (ulong i = 0; i < 512; i++)
            if (model.TryGetValue(baseVa + i * Page, out var e) && (e.Flags & PageFlags.HugePage) != 0)
                model[baseVa + i * Page] = (e.Frame, e.Flags & ~PageFlags.HugePage);
    }

    private static void Check(PageTable pt, Dictionary<ulong, (ulong Frame, PageFlags Flags)> model)
    {
        foreach (ulong baseVa in Slots)
            for (ulong i = 0; i < 512; i++)
            {
                var lookup = pt.Lookup(new VirtualAddress(baseVa + i * Page));
                if (!model.TryGetValue(baseVa + i * Page, out var expected))
                {
                    Assert.That(lookup.IsMapped, Is.False);
                    continue;
                }
                Assert.That(lookup.IsMapped, Is.True);
                Assert.That(lookup.Translate(new VirtualAddress(baseVa + i * Page)).Value, Is.EqualTo(expected.Frame));
                Assert.That(lookup.Flags & ~(PageFlags.Accessed | PageFlags.Dirty), Is.EqualTo(expected.Flags));
            }
    }
}
