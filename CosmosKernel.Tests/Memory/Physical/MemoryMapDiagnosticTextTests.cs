using System.Linq;
using MemOS.Memory;
using MemOS.Memory.Physical;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Physical;

/// <summary>
/// What a user reads at boot when the firmware's map is bad: every diagnostic's full sentence (problem, entry, the
/// entry it clashed with, what was done) for a map with one of each fault, and the ranges that came out of it.
/// </summary>
[TestFixture]
public sealed class MemoryMapDiagnosticTextTests
{
    private static MemoryMapEntry E(ulong b, ulong l, uint t) => new(b, l, t);
    private static MemoryRange R(ulong start, ulong end, MemoryType type)
        => new(new PhysicalAddress(start), end - start, type);

    [Test]
    public void A_map_with_one_of_each_fault_explains_each_in_a_sentence_and_keeps_what_is_sound()
    {
        var map = new MemoryMap(new[]
        {
            E(0x100000, 0x100000, 1),             // 0: usable 1-2 MiB
            E(0x80000, 0x800, 1),                 // 1: below entry 0, and no whole frame
            E(0x300000, 0, 1),                    // 2: zero length
            E(0x180000, 0x100000, 2),             // 3: reserved over the end of entry 0
            E(0x400000, 0x1000, 9),               // 4: unknown type
            E(0x500800, 0x2000, 1),               // 5: usable, trimmed to its one whole frame
            E(0x600000, 0x100000, 3),             // 6: ACPI reclaimable
            E(0x600000, 0x100000, 3),             // 7: the same again
            E(0xF_FFFF_F000, 0x2000, 1),          // 8: past the 36-bit width
            E(0x10_0000_0000, 0x1000, 1),         // 9: starts beyond it
            E(0xFFFF_FFFF_FFFF_F000, 0x2000, 1),  // 10: wraps past 2^64
        }, physicalAddressBits: 36);
        Assert.That(map.Error, Is.EqualTo(MemoryError.None));
        Assert.That(map.Diagnostics.Select(d => d.ToString()), Is.EqualTo(new[]
        {
            "unsorted: entry 1 [0x80000, +0x800) type 1: below entry 0; entries sorted by base",
            "zero length: entry 2 [0x300000, +0x0) type 1: dropped",
            "unknown type: entry 4 [0x400000, +0x1000) type 9: treated as reserved",
            "beyond the address width: entry 8 [0xffffff000, +0x2000) type 1: clipped to [0xffffff000, 0x1000000000)",
            "beyond the address width: entry 9 [0x1000000000, +0x1000) type 1: dropped: starts beyond the 36-bit "
                + "physical address width",
            "overflow: entry 10 [0xfffffffffffff000, +0x2000) type 1: dropped: starts beyond the 36-bit physical "
                + "address width",
            "overlap: entry 0 [0x100000, +0x100000) type 1 (with entry 3): [0x180000, 0x200000) resolved to reserved",
            "overlap: entry 6 [0x600000, +0x100000) type 3 (with entry 7): same type: merged",
            "unaligned: [0x80000, +0x800) type 1: dropped: no whole 4 KiB frame",
            "unaligned: [0x500800, +0x2000) type 1: trimmed to [0x501000, 0x502000)",
        }));
        Assert.That(map.Ranges, Is.EqualTo(new[]
        {
            R(0x100000, 0x180000, MemoryType.Usable),
            R(0x180000, 0x280000, MemoryType.Reserved),
            R(0x400000, 0x401000, MemoryType.Reserved),
            R(0x501000, 0x502000, MemoryType.Usable),
            R(0x600000, 0x700000, MemoryType.AcpiReclaimable),
            R(0xFFFFFF000, 0x1000000000, MemoryType.Usable),
        }));
    }

    [Test]
    public void A_wrapping_entry_that_starts_inside_the_width_is_clipped_to_it()
    {
        var map = new MemoryMap(new[] { E(0x100000, 0x100000, 1), E(0xF_FFFF_0000, ulong.MaxValue - 0x1000, 1) },
            physicalAddressBits: 36);
        Assert.That(map.Diagnostics.Single().ToString(), Is.EqualTo(
            "overflow: entry 1 [0xfffff0000, +0xffffffffffffefff) type 1: clipped to [0xfffff0000, 0x1000000000)"));
        Assert.That(map.Ranges[^1], Is.EqualTo(R(0xF_FFFF_0000, 0x10_0000_0000, MemoryType.Usable)));
    }

    [Test]
    public void Refused_reservations_say_why_in_words()
    {
        var map = new MemoryMap(new[] { E(0x100000, 0x100000, 1) });
        Assert.That(map.Reserve(new PhysicalAddress(0x100000), 0, ReservationKind.Module),
            Is.EqualTo(MemoryError.InvalidArgument));
        Assert.That(map.Reserve(new PhysicalAddress(ulong.MaxValue - 0xFFF), 0x2000, ReservationKind.KernelImage),
            Is.EqualTo(MemoryError.InvalidArgument));
        Assert.That(map.Reserve(new PhysicalAddress(0x200000), 0x1000, ReservationKind.Firmware),
            Is.EqualTo(MemoryError.OutOfRange), "it starts where the memory ends");
        Assert.That(map.Reserve(new PhysicalAddress(0xFF000), 0x1000, ReservationKind.Firmware),
            Is.EqualTo(MemoryError.OutOfRange), "it ends where the memory starts");
        Assert.That(map.Diagnostics.Select(d => d.ToString()), Is.EqualTo(new[]
        {
            "invalid reservation: [0x100000, +0x0) type 0: reservation (" + Name(ReservationKind.Module)
                + ") refused: length 0",
            "invalid reservation: [0xfffffffffffff000, +0x2000) type 0: reservation ("
                + Name(ReservationKind.KernelImage) + ") refused: wraps past 2^64",
            "reservation outside memory: [0x200000, +0x1000) type 0: reservation (" + Name(ReservationKind.Firmware)
                + ") refused: no memory there",
            "reservation outside memory: [0xff000, +0x1000) type 0: reservation (" + Name(ReservationKind.Firmware)
                + ") refused: no memory there",
        }));
        Assert.That(map.Ranges, Is.EqualTo(new[] { R(0x100000, 0x200000, MemoryType.Usable) }), "unchanged");
    }

    [Test]
    public void A_reservation_paints_whole_frames_and_only_less_restrictive_memory()
    {
        var map = new MemoryMap(new[]
        {
            E(0x100000, 0x100000, 1), E(0x200000, 0x1000, 2), E(0x201000, 0xFF000, 1),
        });
        var kernel = MemoryTypes.Of(ReservationKind.KernelImage);
        // 0x1FF800 + 0x1000 covers frames 0x1FF and 0x200 (reserved, more restrictive: kept) and reaches 0x201.
        Assert.That(map.Reserve(new PhysicalAddress(0x1FF800), 0x1900, ReservationKind.KernelImage),
            Is.EqualTo(MemoryError.None));
        Assert.That(map.Ranges, Is.EqualTo(new[]
        {
            R(0x100000, 0x1FF000, MemoryType.Usable),
            R(0x1FF000, 0x200000, kernel),
            R(0x200000, 0x201000, MemoryType.Reserved),
            R(0x201000, 0x202000, kernel),
            R(0x202000, 0x300000, MemoryType.Usable),
        }));
        Assert.That(map.Diagnostics, Is.Empty);
    }

    [Test]
    public void A_problem_without_an_entry_names_none()
    {
        var map = new MemoryMap(System.ReadOnlySpan<MemoryMapEntry>.Empty);
        Assert.That(map.Diagnostics.Single().ToString(),
            Is.EqualTo("empty map: [0x0, +0x0) type 0: no memory map: nothing is trusted, nothing is usable"));
        var none = new MemoryMap(new[] { E(0x100000, 0x100000, 2) });
        Assert.That(none.Error, Is.EqualTo(MemoryError.OutOfMemory));
        Assert.That(none.Diagnostics.Single().ToString(),
            Is.EqualTo("no usable memory: [0x0, +0x0) type 0: no usable frame remains"));
    }

    private static string Name(ReservationKind kind) => MemoryTypes.Name(MemoryTypes.Of(kind));
}
