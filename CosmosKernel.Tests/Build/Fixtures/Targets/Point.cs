namespace PlugFixtures.Targets;

/// <summary>A struct: an instance plug takes 'this' as ref Point.</summary>
public struct Point(int x, int y)
{
    public int X = x;
    public int Y = y;

    public readonly int Sum() => X + Y;
}
