using MemOS.Plugs;

namespace PlugFixtures.Plugs;

/// <summary>An internal target named by string (with its assembly); 'this' typed as object.</summary>
[Plug(TargetName = "PlugFixtures.Targets.Hidden, MemOS.PlugFixtures.Targets")]
public static class HiddenPlug
{
    public static int Secret() => 7;

    public static int Scale(object self, int x) => x * 3;
}
