using MemOS.Plugs;
using PlugFixtures.Targets;

namespace PlugFixtures.Plugs;

/// <summary>A struct's instance method: 'this' arrives as ref Point.</summary>
[Plug(Target = typeof(Point))]
public static class PointPlug
{
    public static int Sum(ref Point self) => self.X * self.Y;
}
