using MemOS.Memory;
using NUnit.Framework;

namespace MemOS.Tests.Memory;

public class AddressTests
{
    [TestCase(0x0000_7FFF_FFFF_FFFFUL, true)]
    [TestCase(0xFFFF_8000_0000_0000UL, true)]
    [TestCase(0x0000_8000_0000_0000UL, false)]
    [TestCase(0xFFFF_7FFF_FFFF_FFFFUL, false)]
    public void Canonical_form_is_bits_63_to_47_equal(ulong value, bool canonical)
        => Assert.That(new VirtualAddress(value).IsCanonical, Is.EqualTo(canonical));

    [Test]
    public void Table_indices_split_the_address_nine_bits_per_level()
    {
        var va = new VirtualAddress(0xFFFF_FFFF_8010_3000UL);
        Assert.Multiple(() =>
        {
            Assert.That(va.TableIndex(4), Is.EqualTo(511));
            Assert.That(va.TableIndex(3), Is.EqualTo(510));
            Assert.That(va.TableIndex(2), Is.EqualTo(0));
            Assert.That(va.TableIndex(1), Is.EqualTo(0x103));
        });
    }
}
