namespace PlugFixtures.Targets;

/// <summary>Not accessible to plugs: plugged by TargetName, with 'this' as object.</summary>
internal sealed class Hidden
{
    public static int Secret() => 1;

    public int Scale(int x) => x;
}

/// <summary>How tests reach <see cref="Hidden"/> from outside the assembly.</summary>
public static class HiddenAccess
{
    public static int Secret() => Hidden.Secret();

    public static int Scale(int x) => new Hidden().Scale(x);
}
