using System.Collections.Generic;
using CsCheck;
using MemOS.Memory;
using MemOS.Memory.Faults;
using MemOS.Memory.Paging;
using MemOS.Memory.Simulation;
using MemOS.Memory.Virtual;
using FaultOutcome = MemOS.Memory.Faults.FaultOutcome;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Simulation;

/// <summary>
/// Random region create/free/grow/shrink, policy switches, sharing and touches on the simulated machine, with
/// the VMM's invariants checked after every step; destroying everything returns every table and data frame.
/// </summary>
public class MachinePropertyTests
{
    private const ulong Page = 4096;
    private static readonly (ulong Low, ulong High, RegionFlags User)[] Windows =
    {
        (0x40_0000, 0x40_0000 + 96 * Page, RegionFlags.User),
        (0xFFFF_C000_0000_0000, 0xFFFF_C000_0000_0000 + 48 * Page, RegionFlags.None),
    };

    [Test]
    public void Random_vmm_and_fault_sequences_keep_invariants_and_free_everything()
    {
        var op = Gen.Select(Gen.Int[0, 9], Gen.Int[0, 63], Gen.Int[0, 15], Gen.Int[0, 7]);
        op.Array[1, 80].Sample(ops =>
        {
            using var rig = new Rig(frames: 400);
            var resolver = PageFaultResolver.Create(rig.Ram, rig.Frames).Value;
            var machine = new SimulatedMachine(rig.Ram, rig.Frames, resolver);
            var space = machine.CreateAddressSpace().Value;
            machine.Cr3 = space;
            var regions = new List<Region>();
            ulong shared = 0;
            foreach (var (kind, a, b, c) in ops)
            {
                var window = Windows[c & 1];
                var flags = RegionFlags.Read | window.User | ((c & 2) != 0 ? RegionFlags.Write : RegionFlags.None);
                Region? pick = regions.Count == 0 ? null : regions[a % regions.Count];
                int before = rig.Frames.AllocatedFrames;
                switch (kind)
                {
                    case 0:
                    case 1:
                    {
                        var placement = (c & 4) != 0
                            ? RegionPlacement.Fixed(new VirtualAddress(window.Low + (ulong)a * Page))
                            : RegionPlacement.FirstFit(new VirtualAddress(window.Low), new VirtualAddress(window.High));
                        var created = space.CreateRegion("r", (ulong)b * Page, flags, placement,
                            kind == 0 ? RegionBacking.Demand : null);
                        if (created.Ok) regions.Add(created.Value);
                        else Assert.That(rig.Frames.AllocatedFrames, Is.EqualTo(before), created.Error.ToString());
                        break;
                    }
                    case 2:
                        if (pick == null) break;
                        Assert.That(space.FreeRegion(pick), Is.EqualTo(MemoryError.None));
                        regions.Remove(pick);
                        Assert.That(space.FreeRegion(pick), Is.EqualTo(MemoryError.NoRegion));
                        break;
                    case 3:
                        if (pick == null) break;
                        ulong length = pick.Length;
                        if (space.Grow(pick, (ulong)b * Page) != MemoryError.None)
                            Assert.That((pick.Length, rig.Frames.AllocatedFrames), Is.EqualTo((length, before)),
                                "failed grow changed nothing");
                        break;
                    case 4:
                        if (pick == null) break;
                        space.Shrink(pick, (ulong)b * Page);
                        break;
                    case 5:
                        space.SetDefaultBacking((b & 1) == 0 ? RegionBacking.Immediate : RegionBacking.Demand);
                        break;
                    case 6:
                    {
                        if (shared == 0) shared = rig.Frames.AllocateFrame().Value.Value;
                        if (pick == null || pick.Length == 0) break;
                        space.ShareFrame(pick, pick.Base + (ulong)b % (pick.Length / Page) * Page,
                            new PhysicalAddress(shared));
                        break;
                    }
                    default:
                    {
                        // Touch somewhere in (or just around) a region; the outcome must agree with its flags.
                        if (pick == null) break;
                        var va = pick.Base + (ulong)(b - 1) * Page + (ulong)a * 8;
                        var access = kind == 7 ? Access.Read : Access.Write;
                        bool user = pick.IsUser;
                        var result = machine.Touch(va, access, user);
                        var owner = space.FindRegion(va);
                        bool allowed = owner != null && (access == Access.Read || owner.IsWritable)
                            && (!user || owner.IsUser);
                        if (result.Outcome != FaultOutcome.OutOfMemory)
                            Assert.That(result.Ok, Is.EqualTo(allowed), result.Outcome.ToString());
                        if (result.Ok) Assert.That(result.Physical, Is.EqualTo(space.PageTable.Translate(va).Value));
                        break;
                    }
                }
                CheckInvariants(space, rig, resolver);
            }
            Assert.That(space.Destroy(), Is.EqualTo(MemoryError.None));
            if (shared != 0)
            {
                Assert.That(rig.Frames.ReferenceCount(new PhysicalAddress(shared)), Is.EqualTo(1),
                    "only our own reference is left");
                rig.Frames.FreeFrame(new PhysicalAddress(shared));
            }
            Assert.That(resolver.Release(rig.Frames), Is.EqualTo(MemoryError.None));
            Assert.That(rig.Frames.AllocatedFrames, Is.Zero, "every table and data frame returned");
        }, iter: 150);
    }

    private static void CheckInvariants(AddressSpace space, Rig rig, PageFaultResolver resolver)
    {
        var regions = space.Regions;
        for (int i = 1; i < regions.Length; i++)
            Assert.That(regions[i - 1].Base.Value + System.Math.Max(regions[i - 1].Length, Page),
                Is.LessThanOrEqualTo(regions[i].Base.Value), "sorted, no overlap");
        long zeroMappings = 0;
        foreach (var window in Windows)
            for (ulong va = window.Low; va < window.High + 64 * Page; va += Page)
            {
                var lookup = space.PageTable.Lookup(new VirtualAddress(va));
                if (!lookup.IsMapped) continue;
                var region = space.FindRegion(new VirtualAddress(va));
                Assert.That(region, Is.Not.Null, "nothing mapped outside a region");
                Assert.That(rig.Frames.ReferenceCount(lookup.Frame), Is.GreaterThan(0), "mapped frames are allocated");
                if (lookup.Frame == resolver.ZeroPage)
                {
                    zeroMappings++;
                    Assert.That(lookup.Flags & PageFlags.Writable, Is.EqualTo(PageFlags.None),
                        "zero page is read-only");
                }
            }
        foreach (var region in regions)
        {
            ulong resident = 0;
            for (ulong va = region.Base.Value; va < region.End.Value; va += Page)
                if (space.PageTable.Lookup(new VirtualAddress(va)).IsMapped) resident++;
            Assert.That(region.ResidentPages, Is.EqualTo(resident), "resident count");
        }
        Assert.That(rig.Frames.ReferenceCount(resolver.ZeroPage), Is.EqualTo(1 + zeroMappings),
            "zero page refcount = 1 + mappings");
    }
}
