using MemOS.Plugs;
using PlugFixtures.Targets;

namespace PlugFixtures.Plugs;

/// <summary>Replaces Add(int, int) and Describe(string); Add(long, long) and Describe(int) stay original.</summary>
[Plug(Target = typeof(Calculator))]
public static class CalculatorPlug
{
    public static int Add(int a, int b) => a * b;

    public static string Describe(string value) => "plugged " + value;

    // Not public: a helper, not a plug.
    internal static int Helper() => 0;
}
