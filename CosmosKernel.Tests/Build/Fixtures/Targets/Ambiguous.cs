namespace PlugFixtures.Targets;

/// <summary>A static and an instance overload that a plug (Ambiguous self, int) would both match.</summary>
public sealed class Ambiguous
{
    public static int Twice(Ambiguous self, int x) => x * 2;

    public int Twice(int x) => x * 2;
}
