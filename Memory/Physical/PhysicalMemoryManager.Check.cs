using System;
using System.Collections.Generic;

namespace MemOS.Memory.Physical;

// The consistency check behind Check(): every invariant re-derived from the bitmap, the buddy lists in the free
// frames, the tags, the counters and the overflow table. Walks every frame and allocates: never on a hot path.
public sealed partial class PhysicalMemoryManager
{
    private string? CheckAll()
    {
        var perOrder = new ulong[Orders];
        // Everything the walk needs is allocated here, sized up front: in the kernel a managed allocation can grow
        // the kernel heap, which takes frames from this PMM, and that must not happen halfway through the walk.
        ulong blocks = 0;
        foreach (ulong count in _freeBlocks) blocks += count;
        var heads = new HashSet<ulong>((int)Math.Min(blocks + 16, int.MaxValue));
        var cached = new HashSet<ulong>(FrameCacheCapacity);
        string? cacheProblem = CheckFrameCache(cached);
        if (cacheProblem != null) return cacheProblem;
        ulong free = 0, used = 0, reserved = 0;
        for (int zi = 0; zi < _zones.Length; zi++)
        {
            var z = _zones[zi];
            ulong zoneFrames = z.End - z.Start, zoneFree = 0;
            for (int j = 0; j < Orders; j++)
            {
                ulong head = _heads[zi * Orders + j];
                if ((head != Null) != ((z.NonEmpty & (1 << j)) != 0))
                    return $"zone {zi}: order {j} non-empty mask disagrees with its list";
                ulong size = 1UL << j, prev = Null, steps = 0;
                for (ulong b = head; b != Null; b = _memory.Read64(PhysicalAddress.FromFrame(b)))
                {
                    if (++steps > zoneFrames) return $"zone {zi}: order {j} free list has a cycle";
                    if (b < z.Start || b + size > z.End) return $"free block {Hex(b)} order {j} outside zone {zi}";
                    if ((b & (size - 1)) != 0) return $"free block {Hex(b)} not aligned to its order {j}";
                    var at = PhysicalAddress.FromFrame(b);
                    if (_memory.Read64(at + 8) != prev) return $"free block {Hex(b)} order {j}: broken prev link";
                    if (_memory.Read64(at + 16) != Magic(b, j))
                        return $"free block {Hex(b)} order {j}: header overwritten (write after free?)";
                    ulong idx = z.Meta + b - z.Start;
                    if (_tags[idx] != Tag(FrameUsage.Free, j))
                        return $"free block {Hex(b)} order {j}: head tag 0x{_tags[idx]:x2}";
                    for (ulong k = 0; k < size; k++)
                    {
                        if (IsUsedBit(idx + k))
                            return $"free block {Hex(b)} order {j}: frame {Hex(b + k)} is used in the bitmap";
                        if (_refs[idx + k] != 0) return $"free frame {Hex(b + k)} has references";
                        if (cached.Contains(b + k)) return $"cached frame {Hex(b + k)} is also in a free block";
                        if (k > 0 && _tags[idx + k] != (byte)FrameUsage.Free)
                            return $"free frame {Hex(b + k)}: tag 0x{_tags[idx + k]:x2}";
                    }
                    if (!heads.Add(b)) return $"free block {Hex(b)} listed twice";
                    if (FreshRunOf(zi, b) >= 0 || FreshRunOf(zi, b + size - 1) >= 0)
                        return $"free block {Hex(b)} order {j} overlaps a fresh run";
                    if (j < MaxOrder)
                    {
                        ulong buddy = b ^ size;
                        if (buddy >= z.Start && buddy + size <= z.End
                            && _tags[z.Meta + buddy - z.Start] == Tag(FrameUsage.Free, j))
                            return $"free buddies {Hex(Math.Min(b, buddy))} order {j} were not merged";
                    }
                    zoneFree += size;
                    perOrder[j]++;
                    prev = b;
                }
            }
            ulong fresh = 0, previousEnd = z.Start;
            for (int i = z.FreshNext; i < z.FreshEnd; i++)
            {
                var r = _fresh[i];
                if (r.Start > r.End || r.Start < previousEnd || r.End > z.End)
                    return $"zone {zi}: fresh run {Hex(r.Start)}-{Hex(r.End)} misplaced";
                fresh += r.End - r.Start;
                previousEnd = r.End;
            }
            if (fresh != z.FreshFrames) return $"zone {zi}: fresh runs hold {fresh} frames, counter {z.FreshFrames}";
            if (zoneFree + fresh != z.FreeFrames)
                return $"zone {zi}: lists hold {zoneFree} frames + fresh {fresh}, counter says {z.FreeFrames}";
            zoneFree += fresh;
            free += zoneFree;

            for (ulong f = z.Start; f < z.End;)
            {
                ulong idx = z.Meta + f - z.Start;
                byte tag = _tags[idx];
                int head = HeadOrder(tag);
                if (!IsUsedBit(idx))
                {
                    if (cached.Contains(f)) { f++; continue; }
                    int fr = FreshRunOf(zi, f);
                    if (fr >= 0)
                    {
                        ulong end = _fresh[fr].End;
                        for (; f < end; f++)
                        {
                            ulong k = z.Meta + f - z.Start;
                            if (IsUsedBit(k) || _refs[k] != 0 || _tags[k] != (byte)FrameUsage.Free)
                                return $"fresh frame {Hex(f)} is not plainly free";
                            if (cached.Contains(f)) return $"fresh frame {Hex(f)} is also cached";
                        }
                        continue;
                    }
                    if (!heads.Contains(f)) return $"free frame {Hex(f)} is in no buddy list";
                    f += 1UL << head;
                    continue;
                }
                if (_refs[idx] == 0)
                {
                    var usage = (FrameUsage)(tag & 0x0F);
                    if (head != -1 || (usage != FrameUsage.Reserved && usage != FrameUsage.Kernel))
                        return $"reserved frame {Hex(f)}: tag 0x{tag:x2}";
                    reserved++;
                    f++;
                    continue;
                }
                if (head < 0) return $"allocated frame {Hex(f)} belongs to no run";
                ulong run = 1UL << head;
                if ((f & (run - 1)) != 0 || f + run > z.End) return $"allocated run {Hex(f)} order {head} misplaced";
                for (ulong k = 0; k < run; k++)
                {
                    if (!IsUsedBit(idx + k) || _refs[idx + k] == 0)
                        return $"allocated run {Hex(f)} order {head}: frame {Hex(f + k)} not allocated";
                    if (k > 0 && HeadOrder(_tags[idx + k]) != -1)
                        return $"allocated run {Hex(f)} order {head}: frame {Hex(f + k)} is tagged as a head";
                    if (!IsAllocationUsage((FrameUsage)(_tags[idx + k] & 0x0F)))
                        return $"allocated frame {Hex(f + k)}: usage tag 0x{_tags[idx + k]:x2}";
                    if (_refs[idx + k] == RefSpilled && FindSlot(f + k) < 0)
                        return $"frame {Hex(f + k)}: spilled count has no overflow slot";
                }
                used += run;
                f += run;
            }
        }
        for (int j = 0; j < Orders; j++)
            if (perOrder[j] != _freeBlocks[j])
                return $"order {j}: lists hold {perOrder[j]} blocks, counter says {_freeBlocks[j]}";
        if (free + (ulong)cached.Count != _freeFrames)
            return $"free frames: lists {free} + cached {cached.Count}, counter {_freeFrames}";
        if (used != _usedFrames) return $"used frames: bitmap {used}, counter {_usedFrames}";
        if (reserved != _totalFrames - _usableFrames)
            return $"reserved frames: bitmap {reserved}, expected {_totalFrames - _usableFrames}";
        if (free + (ulong)cached.Count + used + reserved != _totalFrames)
            return "free + cached + used + reserved != total";
        foreach (var slot in _overflow)
        {
            if (slot.Frame == Null) continue;
            if (ReferenceCountRaw(slot.Frame) != RefSpilled || slot.Count < RefSpilled)
                return $"overflow slot for {Hex(slot.Frame)} is stale";
        }
        return null;
    }

    private ushort ReferenceCountRaw(ulong frame)
    {
        int zi = ZoneOf(frame);
        return zi < 0 ? (ushort)0 : _refs[_zones[zi].Meta + frame - _zones[zi].Start];
    }

    private static string Hex(ulong frame) => "0x" + (frame * PhysicalAddress.FrameSize).ToString("x");
}
