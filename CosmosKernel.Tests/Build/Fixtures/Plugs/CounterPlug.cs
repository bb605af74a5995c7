using MemOS.Plugs;
using PlugFixtures.Targets;

namespace PlugFixtures.Plugs;

/// <summary>Instance methods: 'this' typed as the target, as object, a getter and a constructor.</summary>
[Plug(Target = typeof(Counter))]
public static class CounterPlug
{
    public static int Increment(Counter self, int by) => self.Start + by * 100;

    public static string Name(object self) => "plugged " + ((Counter)self).Start;

    [PlugMethod(TargetName = "get_Count")]
    public static int Count(Counter self) => -1;

    [PlugMethod(TargetName = ".ctor")]
    public static void Construct(Counter self, int start) => self.Start = start * 10;
}
