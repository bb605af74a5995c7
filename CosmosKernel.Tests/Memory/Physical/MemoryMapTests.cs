using System;
using System.Collections.Generic;
using System.Linq;
using CsCheck;
using MemOS.Memory;
using MemOS.Memory.Physical;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Physical;

public class MemoryMapTests
{
    private static MemoryRange R(ulong start, ulong end, MemoryType type)
        => new(new PhysicalAddress(start), end - start, type);
    private static MemoryMapEntry E(ulong b, ulong l, uint t) => new(b, l, t);
    private static int Count(MemoryMap map, MemoryMapProblem p) => map.Diagnostics.Count(d => d.Problem == p);

    [Test]
    public void Qemu_128M_map_is_kept_with_the_low_usable_range_trimmed_to_whole_frames()
    {
        var map = new MemoryMap(Fixtures.Qemu128M());
        Assert.That(map.Error, Is.EqualTo(MemoryError.None));
        Assert.That(map.Ranges, Is.EqualTo(new[]
        {
            R(0x0, 0x9f000, MemoryType.Usable),
            R(0x9fc00, 0xa0000, MemoryType.Reserved),
            R(0xf0000, 0x100000, MemoryType.Reserved),
            R(0x100000, 0x7fe0000, MemoryType.Usable),
            R(0x7fe0000, 0x8000000, MemoryType.Reserved),
            R(0xfffc0000, 0x100000000, MemoryType.Reserved),
        }));
        Assert.That(map.Diagnostics, Has.Count.EqualTo(1));
        Assert.That(map.Diagnostics[0].Problem, Is.EqualTo(MemoryMapProblem.Unaligned));
        Assert.That(map.Diagnostics[0].ToString(), Does.Contain("trimmed to [0x0, 0x9f000)"));
        Assert.That(map.UsableBytes, Is.EqualTo(0x9f000UL + 0x7ee0000UL));
    }

    [Test]
    public void Qemu_4G_map_keeps_memory_above_4_GiB()
    {
        var map = new MemoryMap(Fixtures.Qemu4G());
        Assert.That(map.Error, Is.EqualTo(MemoryError.None));
        Assert.That(map.Ranges[^1], Is.EqualTo(R(0x100000000, 0x140000000, MemoryType.Usable)));
        Assert.That(map.UsableBytes, Is.EqualTo(0x9f000UL + 0xbfee0000UL + 0x40000000UL));
        Assert.That(map.TotalBytes(MemoryType.Reserved), Is.EqualTo(0x400UL + 0x10000 + 0x20000 + 0x4000 + 0x40000));
    }

    [Test]
    public void Acpi_tables_overlapping_usable_memory_win_with_one_diagnostic()
    {
        var map = new MemoryMap(new[] { E(0x100000, 0x7f00000, 1), E(0x7ff0000, 0x10000, 3), E(0x7fff000, 0x1000, 4) });
        Assert.That(map.Ranges, Is.EqualTo(new[]
        {
            R(0x100000, 0x7ff0000, MemoryType.Usable),
            R(0x7ff0000, 0x7fff000, MemoryType.AcpiReclaimable),
            R(0x7fff000, 0x8000000, MemoryType.AcpiNvs),
        }));
        // usable∩ACPI, usable∩NVS, ACPI∩NVS: three overlapping pairs, three diagnostics.
        Assert.That(Count(map, MemoryMapProblem.Overlap), Is.EqualTo(3));
        Assert.That(map.Diagnostics[0].EntryIndex, Is.EqualTo(0));
        Assert.That(map.Diagnostics[0].OtherEntryIndex, Is.EqualTo(1));
        Assert.That(map.Diagnostics[0].Action, Does.Contain("ACPI reclaimable"));
    }

    [TestCase(1u, 5u, MemoryType.Bad)]
    [TestCase(5u, 1u, MemoryType.Bad)]
    [TestCase(2u, 4u, MemoryType.AcpiNvs)]
    [TestCase(3u, 2u, MemoryType.Reserved)]
    [TestCase(1u, 3u, MemoryType.AcpiReclaimable)]
    [TestCase(4u, 5u, MemoryType.Bad)]
    public void Overlap_resolves_to_the_more_restrictive_type_in_either_order(uint first, uint second,
        MemoryType winner)
    {
        var map = new MemoryMap(new[] { E(0x200000, 0x200000, 1), E(0x0, 0x1000000, first),
            E(0x400000, 0x1000, second) });
        Assert.That(map.TryGetType(new PhysicalAddress(0x400800), out var type), Is.True);
        Assert.That(type, Is.EqualTo(winner));
    }

    [Test]
    public void Same_type_overlaps_merge_and_adjacent_ranges_coalesce()
    {
        var map = new MemoryMap(new[] { E(0x0, 0x3000, 1), E(0x2000, 0x3000, 1), E(0x5000, 0x1000, 1) });
        Assert.That(map.Ranges, Is.EqualTo(new[] { R(0, 0x6000, MemoryType.Usable) }));
        Assert.That(map.Diagnostics.Single().Action, Is.EqualTo("same type: merged"));
    }

    [Test]
    public void Unsorted_entries_are_sorted_with_one_diagnostic()
    {
        var map = new MemoryMap(new[] { E(0x200000, 0x100000, 1), E(0x0, 0x9f000, 1), E(0x100000, 0x1000, 2),
            E(0x50000, 0x1000, 2) });
        Assert.That(Count(map, MemoryMapProblem.Unsorted), Is.EqualTo(1));
        Assert.That(map.Ranges.Select(r => r.Base.Value), Is.Ordered);
    }

    [Test]
    public void Zero_length_entries_are_dropped_one_diagnostic_each()
    {
        var map = new MemoryMap(new[] { E(0x0, 0x100000, 1), E(0x5000, 0, 2), E(0x200000, 0, 1) });
        Assert.That(map.Ranges, Is.EqualTo(new[] { R(0, 0x100000, MemoryType.Usable) }));
        Assert.That(Count(map, MemoryMapProblem.ZeroLength), Is.EqualTo(2));
        Assert.That(map.Diagnostics, Has.Count.EqualTo(2));
    }

    [TestCase(0u)]
    [TestCase(7u)]
    [TestCase(12u)]
    [TestCase(0xFFFFFFFFu)]
    public void Unknown_types_are_reserved(uint type)
    {
        var map = new MemoryMap(new[] { E(0x0, 0x100000, 1), E(0x100000, 0x100000, type) });
        Assert.That(map.Ranges[1], Is.EqualTo(R(0x100000, 0x200000, MemoryType.Reserved)));
        Assert.That(map.Diagnostics.Single().Problem, Is.EqualTo(MemoryMapProblem.UnknownType));
    }

    [Test]
    public void An_entry_wrapping_past_2_to_the_64_is_clipped_to_the_address_width()
    {
        var map = new MemoryMap(new[] { E(0x0, 0x100000, 1), E(0xFFFF_F000_0000, ulong.MaxValue - 0x1000, 2) },
            physicalAddressBits: 48);
        Assert.That(map.Ranges[^1], Is.EqualTo(R(0xFFFF_F000_0000, 1UL << 48, MemoryType.Reserved)));
        Assert.That(map.Diagnostics.Single().Problem, Is.EqualTo(MemoryMapProblem.Overflow));
    }

    [Test]
    public void Entries_beyond_the_physical_address_width_are_clipped_or_dropped()
    {
        var map = new MemoryMap(new[]
        {
            E(0x0, 0x100000, 1),
            E(0xF_FFF0_0000, 0x20_0000, 1),     // straddles 2^36: clipped
            E(0x10_0000_0000, 0x10_0000, 1),    // starts at 2^36: dropped
            E(0xFFFF_FFFF_FFFF_0000, 0x20000, 1), // absurd and wrapping: dropped
        }, physicalAddressBits: 36);
        Assert.That(map.Ranges,
            Is.EqualTo(new[] { R(0, 0x100000, MemoryType.Usable),
                R(0xF_FFF0_0000, 0x10_0000_0000, MemoryType.Usable) }));
        Assert.That(Count(map, MemoryMapProblem.BeyondAddressWidth), Is.EqualTo(2));
        Assert.That(Count(map, MemoryMapProblem.Overflow), Is.EqualTo(1));
        Assert.That(map.Diagnostics.Count(d => d.Action.StartsWith("dropped")), Is.EqualTo(2));
        Assert.That(map.Ranges.All(r => r.End <= 1UL << 36));
    }

    [Test]
    public void The_same_map_is_whole_at_52_bits()
    {
        var map = new MemoryMap(new[] { E(0x10_0000_0000, 0x10_0000, 1) }, physicalAddressBits: 52);
        Assert.That(map.UsableBytes, Is.EqualTo(0x10_0000UL));
        Assert.That(map.Diagnostics, Is.Empty);
    }

    [Test]
    public void A_missing_map_is_an_error_not_an_empty_machine()
    {
        var map = new MemoryMap(ReadOnlySpan<MemoryMapEntry>.Empty);
        Assert.That(map.Error, Is.EqualTo(MemoryError.InvalidArgument));
        Assert.That(map.Diagnostics.Single().Problem, Is.EqualTo(MemoryMapProblem.EmptyMap));
        Assert.That(map.Ranges, Is.Empty);
        Assert.That(PhysicalMemoryManager.Create(map, new SparsePhysicalMemory()).Error,
            Is.EqualTo(MemoryError.InvalidArgument));
    }

    [Test]
    public void A_map_with_nothing_usable_is_an_error()
    {
        var map = new MemoryMap(new[] { E(0x0, 0x100000, 2), E(0x100000, 0x800, 1), E(0x200000, 0x10000, 3) });
        Assert.That(map.Error, Is.EqualTo(MemoryError.OutOfMemory));
        Assert.That(Count(map, MemoryMapProblem.NoUsableMemory), Is.EqualTo(1));
        Assert.That(Count(map, MemoryMapProblem.Unaligned), Is.EqualTo(1), "the 2 KiB usable sliver was dropped");
        Assert.That(PhysicalMemoryManager.Create(map, new SparsePhysicalMemory()).Error,
            Is.EqualTo(MemoryError.OutOfMemory));
    }

    [Test]
    public void Usable_ranges_are_trimmed_inward_and_frameless_ones_dropped()
    {
        var map = new MemoryMap(new[] { E(0x1800, 0x3000, 1), E(0x10100, 0x800, 1) });
        Assert.That(map.Ranges, Is.EqualTo(new[] { R(0x2000, 0x4000, MemoryType.Usable) }));
        Assert.That(Count(map, MemoryMapProblem.Unaligned), Is.EqualTo(2));
        Assert.That(map.Diagnostics.Count(d => d.Action.StartsWith("dropped")), Is.EqualTo(1));
    }

    [Test]
    public void Non_usable_ranges_keep_exact_byte_boundaries()
    {
        var map = new MemoryMap(new[] { E(0x0, 0x100000, 1), E(0x9fc00, 0x400, 2) });
        Assert.That(map.Ranges,
            Is.EqualTo(new[] { R(0, 0x9f000, MemoryType.Usable), R(0x9fc00, 0xa0000, MemoryType.Reserved),
                R(0xa0000, 0x100000, MemoryType.Usable) }));
    }

    [Test]
    public void Reservations_override_usable_widened_to_whole_frames()
    {
        var map = Fixtures.Booted(Fixtures.Qemu128M());
        Assert.That(map.Ranges.Take(5), Is.EqualTo(new[]
        {
            R(0x0, 0x9f000, MemoryType.FirstMebibyte),
            R(0x9fc00, 0xa0000, MemoryType.Reserved),   // firmware reserved stays reserved: it is more restrictive
            R(0xf0000, 0x100000, MemoryType.Reserved),
            R(0x100000, 0x301000, MemoryType.KernelImage), // 2 MiB + 0x345 rounds up to 0x301000
            R(0x301000, 0x7fe0000, MemoryType.Usable),
        }));
        Assert.That(map.TotalBytes(MemoryType.KernelImage), Is.EqualTo(0x201000UL));
        Assert.That(map.Ranges
            .Where(r => r.Type == MemoryType.Usable)
            .All(r => r.Base.IsFrameAligned && r.End % 4096 == 0));
    }

    [Test]
    public void Every_reservation_kind_has_its_type_and_name()
    {
        var map = Fixtures.Flat(64 * Fixtures.MiB);
        var kinds = new[] { ReservationKind.KernelImage, ReservationKind.Module, ReservationKind.FirstMebibyte,
            ReservationKind.BootTables, ReservationKind.Firmware };
        var names = new[] { "kernel", "module", "first MiB", "boot tables", "firmware" };
        for (int i = 0; i < kinds.Length; i++)
            Assert.That(map.Reserve(new PhysicalAddress((ulong)(i + 1) * Fixtures.MiB), 0x1000, kinds[i]),
                Is.EqualTo(MemoryError.None));
        for (int i = 0; i < kinds.Length; i++)
        {
            Assert.That(map.TryGetType(new PhysicalAddress((ulong)(i + 1) * Fixtures.MiB), out var t), Is.True);
            Assert.That(MemoryTypes.Name(t), Is.EqualTo(names[i]));
        }
        Assert.That(MemoryTypes.Name(MemoryType.Usable), Is.EqualTo("usable"));
        Assert.That(MemoryTypes.Name(MemoryType.AcpiReclaimable), Is.EqualTo("ACPI reclaimable"));
        Assert.That(MemoryTypes.Name(MemoryType.AcpiNvs), Is.EqualTo("ACPI NVS"));
        Assert.That(MemoryTypes.Name(MemoryType.Bad), Is.EqualTo("bad"));
        Assert.That(MemoryTypes.Name(MemoryType.Reserved), Is.EqualTo("reserved"));
    }

    [Test]
    public void Bad_reservations_are_refused_and_leave_the_map_unchanged()
    {
        var map = Fixtures.Flat(64 * Fixtures.MiB);
        var before = map.Ranges.ToArray();
        Assert.That(map.Reserve(new PhysicalAddress(0x1000), 0, ReservationKind.Module),
            Is.EqualTo(MemoryError.InvalidArgument));
        Assert.That(map.Reserve(new PhysicalAddress(ulong.MaxValue - 10), 100, ReservationKind.Module),
            Is.EqualTo(MemoryError.InvalidArgument));
        Assert.That(map.Reserve(new PhysicalAddress(8 * Fixtures.GiB), 0x1000, ReservationKind.Module),
            Is.EqualTo(MemoryError.OutOfRange));
        Assert.That(map.Ranges, Is.EqualTo(before));
        Assert.That(map.Diagnostics.Select(d => d.Problem),
            Is.EqualTo(new[] { MemoryMapProblem.InvalidReservation, MemoryMapProblem.InvalidReservation,
                MemoryMapProblem.ReservationOutsideMemory }));
    }

    [Test]
    public void A_reservation_does_not_weaken_bad_memory_nor_fill_holes()
    {
        var map = new MemoryMap(new[] { E(0x0, 0x100000, 1), E(0x80000, 0x1000, 5), E(0x200000, 0x100000, 1) });
        Assert.That(map.Reserve(new PhysicalAddress(0), 0x300000, ReservationKind.Firmware),
            Is.EqualTo(MemoryError.None));
        Assert.That(map.Ranges, Is.EqualTo(new[]
        {
            R(0x0, 0x80000, MemoryType.Firmware), R(0x80000, 0x81000, MemoryType.Bad),
                R(0x81000, 0x100000, MemoryType.Firmware),
            R(0x200000, 0x300000, MemoryType.Firmware),
        }));
    }

    [Test]
    public void Garbage_floods_are_capped_with_one_truncation_record()
    {
        var entries = Enumerable.Range(0,
            400).Select(i => E((ulong)i * 0x1000, 0, 1)).Append(E(0, 0x100000, 1)).ToArray();
        var map = new MemoryMap(entries);
        Assert.That(map.Diagnostics, Has.Count.EqualTo(MemoryMap.MaxDiagnostics + 1));
        Assert.That(map.Diagnostics[^1].Problem, Is.EqualTo(MemoryMapProblem.Truncated));
        Assert.That(map.UsableBytes, Is.EqualTo(0x100000UL));
    }

    [TestCase(31)]
    [TestCase(53)]
    public void Address_width_outside_32_to_52_is_a_programmer_error(int bits)
        => Assert.Throws<ArgumentOutOfRangeException>(() => _ = new MemoryMap(new[] { E(0, 0x1000, 1) }, bits));

    [Test]
    public void Diagnostics_read_as_sentences()
    {
        var map = new MemoryMap(new[] { E(0x0, 0x100000, 1), E(0x1000, 0, 1) });
        Assert.That(map.Diagnostics[0].ToString(), Is.EqualTo("zero length: entry 1 [0x1000, +0x0) type 1: dropped"));
    }

    // ---- random firmware garbage ----

    private static readonly Gen<MemoryMapEntry> GenEntry =
        Gen.Select(
            Gen.Frequency((6, Gen.ULong[0, 0x2000_0000]), (1, Gen.ULong),
                (1, Gen.ULong[0xF_0000_0000, 0x20_0000_0000])),
            Gen.Frequency((6, Gen.ULong[0, 0x400_0000]), (1, Gen.Const(0UL)), (1, Gen.ULong)),
            Gen.Frequency((6, Gen.UInt[1, 5]), (1, Gen.UInt)),
            (b, l, t) => new MemoryMapEntry(b, l, t));

    [Test]
    public void Any_garbage_becomes_a_sorted_disjoint_coalesced_frame_safe_map()
    {
        Gen.Select(GenEntry.Array[0, 40], Gen.Int[32, 52]).Sample((entries, bits) =>
        {
            var map = new MemoryMap(entries, bits);
            ulong limit = 1UL << bits;
            var ranges = map.Ranges;
            for (int i = 0; i < ranges.Count; i++)
            {
                var r = ranges[i];
                if (r.Length == 0 || r.End > limit) return false;
                if (r.Type == MemoryType.Usable && (!r.Base.IsFrameAligned || r.End % 4096 != 0)) return false;
                if (i > 0
                    && (ranges[i - 1].End > r.Base.Value
                        || (ranges[i - 1].End == r.Base.Value && ranges[i - 1].Type == r.Type)))
                    return false;
            }
            // Every usable byte is usable in some entry and in no more restrictive one (sampled at range edges and
            // middles).
            foreach (var r in ranges.Where(r => r.Type == MemoryType.Usable))
                foreach (var a in new[] { r.Base.Value, r.Base.Value + r.Length / 2, r.End - 1 })
                {
                    bool usable = false, blocked = false;
                    foreach (var e in entries)
                    {
                        ulong end = e.Base.Value + e.Length;
                        bool covers = e.Length != 0 && a >= e.Base.Value && (end < e.Base.Value || a < end);
                        if (!covers) continue;
                        if (e.Type == 1) usable = true; else blocked = true;
                    }
                    if (!usable || blocked) return false;
                }
            // One diagnostic per problem: zero-length entries and unknown types are counted exactly.
            if (map.Diagnostics.Count <= MemoryMap.MaxDiagnostics)
            {
                if (Count(map, MemoryMapProblem.ZeroLength) != entries.Count(e => e.Length == 0)) return false;
                if (Count(map,
                    MemoryMapProblem.UnknownType) != entries.Count(e => e.Length != 0 && (e.Type < 1 || e.Type > 5)))
                    return false;
            }
            return (map.Error == MemoryError.None) == (map.UsableBytes > 0 && entries.Length > 0);
        }, iter: 3000);
    }
}
