namespace PlugFixtures.Targets;

/// <summary>Static methods with overloads: a plug must replace exactly the overload with its parameter types.</summary>
public static class Calculator
{
    public static int Add(int a, int b) => a + b;

    public static long Add(long a, long b) => a + b;

    public static string Describe(int value) => "original " + value;

    public static string Describe(string value) => "original " + value;
}
