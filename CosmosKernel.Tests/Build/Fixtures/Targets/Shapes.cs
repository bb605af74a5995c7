namespace PlugFixtures.Targets;

/// <summary>Targets no plug may replace: an abstract method (no body), a generic method and a generic type.</summary>
public abstract class Shape
{
    public abstract int Area();
}

public static class Generics
{
    public static T Identity<T>(T value) => value;
}

public static class Box<T>
{
    public static int Size() => 1;
}
