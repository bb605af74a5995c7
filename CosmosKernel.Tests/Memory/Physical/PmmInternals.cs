using System;
using System.Collections.Generic;
using System.Reflection;
using MemOS.Memory;
using MemOS.Memory.Physical;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Physical;

/// <summary>
/// Reaches a PMM's private metadata by name, so a test can damage what no public call can (a tag, a counter, a
/// cache slot) and see <see cref="PhysicalMemoryManager.Check()"/> name it. <see cref="Snapshot"/> and
/// <see cref="Restore"/> put every field back, so each test also proves the damage was the only cause.
/// A renamed field fails the test that uses it, loudly.
/// </summary>
internal sealed class PmmInternals
{
    private const BindingFlags Instance = BindingFlags.Instance | BindingFlags.NonPublic;
    private readonly PhysicalMemoryManager _pmm;
    private readonly Dictionary<FieldInfo, object?> _saved = new();

    public PmmInternals(PhysicalMemoryManager pmm) => _pmm = pmm;

    public T[] Array<T>(string name) => (T[])Field(name).GetValue(_pmm)!;

    public int Length(string name) => ((System.Array)Field(name).GetValue(_pmm)!).Length;

    public T Get<T>(string name) => (T)Field(name).GetValue(_pmm)!;

    public void Set(string name, object value) => Field(name).SetValue(_pmm, value);

    /// <summary>A field of element <paramref name="i"/> of a private array of structs (zones, fresh runs,
    /// slots).</summary>
    public T GetIn<T>(string array, int i, string field)
    {
        var items = (System.Array)Field(array).GetValue(_pmm)!;
        object item = items.GetValue(i)!;
        return (T)item.GetType().GetField(field)!.GetValue(item)!;
    }

    public void SetIn(string array, int i, string field, object value)
    {
        var items = (System.Array)Field(array).GetValue(_pmm)!;
        object item = items.GetValue(i)!; // a boxed copy of the struct: change it, then store it back
        item.GetType().GetField(field)!.SetValue(item, value);
        items.SetValue(item, i);
    }

    public static ulong Constant(string name)
        => Convert.ToUInt64(typeof(PhysicalMemoryManager).GetField(name, BindingFlags.Static | BindingFlags.NonPublic)!
            .GetRawConstantValue(), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The metadata index (bitmap bit, reference count, tag) of a frame in zone 0.</summary>
    public int Index(PhysicalAddress frame)
        => (int)(GetIn<ulong>("_zones", 0, "Meta") + frame.FrameNumber - GetIn<ulong>("_zones", 0, "Start"));

    public void SetUsedBit(PhysicalAddress frame, bool used)
    {
        int idx = Index(frame);
        var bitmap = Array<ulong>("_bitmap");
        if (used) bitmap[idx >> 6] |= 1UL << (idx & 63);
        else bitmap[idx >> 6] &= ~(1UL << (idx & 63));
    }

    public void Snapshot()
    {
        foreach (var f in typeof(PhysicalMemoryManager).GetFields(Instance))
        {
            object? v = f.GetValue(_pmm);
            _saved[f] = v is System.Array a ? a.Clone() : v;
        }
    }

    public void Restore()
    {
        foreach (var (f, v) in _saved)
        {
            if (v is System.Array copy) System.Array.Copy(copy, (System.Array)f.GetValue(_pmm)!, copy.Length);
            else f.SetValue(_pmm, v);
        }
    }

    private static FieldInfo Field(string name)
    {
        var f = typeof(PhysicalMemoryManager).GetField(name, Instance);
        Assert.That(f, Is.Not.Null, $"PhysicalMemoryManager has no field {name}");
        return f!;
    }
}
