using MemOS.Memory.Heap;
using NUnit.Framework;

namespace MemOS.Tests.Memory.Heap;

public class SizeClassTests
{
    [Test]
    public void Every_request_maps_to_the_smallest_class_that_holds_it()
    {
        for (ulong size = 1; size <= SizeClasses.MaxSize; size++)
        {
            int c = SizeClasses.IndexOf(size);
            Assert.That(c, Is.InRange(0, SizeClasses.Count - 1), $"{size} B");
            Assert.That(SizeClasses.Size(c), Is.GreaterThanOrEqualTo(size), $"{size} B fits its class");
            if (c > 0) Assert.That(SizeClasses.Size(c - 1), Is.LessThan(size), $"{size} B: no smaller class fits");
        }
    }
}
