using System;
using System.IO;
using System.Text;
using MemOS.Memory.Programs;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Programs;

/// <summary>The ustar reader behind `ls` and `run`: real archives, and damaged ones that must stop with a
/// reason.</summary>
public class TarArchiveTests
{
    private static byte[] Header(string name, long size, char kind = '0')
    {
        var h = new byte[512];
        Encoding.ASCII.GetBytes(name).CopyTo(h, 0);
        Encoding.ASCII.GetBytes(Convert.ToString(size, 8).PadLeft(11, '0') + "\0").CopyTo(h, 124);
        h[156] = (byte)kind;
        Encoding.ASCII.GetBytes("ustar\0" + "00").CopyTo(h, 257);
        for (int i = 148; i < 156; i++) h[i] = (byte)' ';
        long sum = 0;
        foreach (byte b in h) sum += b;
        Encoding.ASCII.GetBytes(Convert.ToString(sum, 8).PadLeft(6, '0') + "\0 ").CopyTo(h, 148);
        return h;
    }

    private static byte[] Archive(params (string Name, int Size)[] files)
    {
        var s = new MemoryStream();
        foreach (var (name, size) in files)
        {
            s.Write(Header(name, size));
            var body = new byte[(size + 511) / 512 * 512];
            for (int i = 0; i < size; i++) body[i] = (byte)i;
            s.Write(body);
        }
        s.Write(new byte[1024]);
        return s.ToArray();
    }

    [Test]
    public void Files_are_listed_with_offsets_and_sizes()
    {
        TarArchive a = TarArchive.Parse(Archive(("hello", 700), ("./twins", 0), ("seedwalk", 512)));
        Assert.That(a.Problem, Is.Null);
        Assert.That(a.Entries,
            Is.EqualTo(new[] { new TarEntry("hello", 512, 700), new TarEntry("twins", 2048, 0),
                new TarEntry("seedwalk", 2560, 512) }));
        Assert.That(a.Find("twins"), Is.Not.Null);
        Assert.That(a.Find("nope"), Is.Null);
    }

    [Test]
    public void Directories_are_skipped()
    {
        Assert.That(TarArchive.Parse(Archive(("dir/", 0))).Entries, Is.Empty);
        var a = new byte[2048];
        Header("bin", 0, '5').CopyTo(a, 0);
        Assert.That(TarArchive.Parse(a).Entries, Is.Empty);
    }

    [Test]
    public void A_bad_checksum_stops_the_listing()
    {
        byte[] a = Archive(("hello", 10), ("twins", 10));
        a[1024] ^= 1; // the second header's name
        TarArchive t = TarArchive.Parse(a);
        Assert.That(t.Entries, Has.Count.EqualTo(1));
        Assert.That(t.Problem, Does.Contain("bad checksum"));
    }

    [Test]
    public void A_size_past_the_end_stops_the_listing()
    {
        byte[] a = Archive(("hello", 10));
        byte[] h = Header("hello", 1L << 33 - 1);
        h.CopyTo(a, 0);
        TarArchive t = TarArchive.Parse(a);
        Assert.That(t.Entries, Is.Empty);
        Assert.That(t.Problem, Does.Contain("past the archive's end"));
    }

    [Test]
    public void Truncated_archive_and_garbage_size_fields()
    {
        byte[] a = Archive(("hello", 10));
        Assert.That(TarArchive.Parse(a.AsSpan(0, 700)).Problem, Does.Contain("trailing bytes"));
        byte[] h = Header("x", 5);
        h[130] = (byte)'9';
        Assert.That(TarArchive.Parse(h).Problem, Is.Not.Null);
        Assert.That(TarArchive.Parse(ReadOnlySpan<byte>.Empty).Entries, Is.Empty);
    }
}
