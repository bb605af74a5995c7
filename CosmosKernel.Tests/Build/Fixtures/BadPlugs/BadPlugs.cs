using MemOS.Plugs;
using PlugFixtures.Targets;

namespace PlugFixtures.BadPlugs;

// Each class is one mistake the patcher must report (and Cosmos's IL2CPU would silently skip).

[Plug(TargetName = "PlugFixtures.Targets.DoesNotExist")]
public static class MissingTypePlug
{
    public static int Anything() => 0;
}

[Plug(Target = typeof(Calculator))]
public static class MissingMethodPlug
{
    public static int Subtract(int a, int b) => a - b;
}

[Plug(Target = typeof(Calculator))]
public static class MismatchPlug
{
    public static int Add(int a, string b) => a;
}

[Plug(Target = typeof(Calculator))]
public static class ReturnMismatchPlug
{
    public static long Describe(int value) => value;
}

[Plug(Target = typeof(Calculator))]
public class NonStaticPlug
{
    public static int Add(int a, int b) => a - b;
}

[Plug(Target = typeof(Ambiguous))]
public static class AmbiguousPlug
{
    public static int Twice(Ambiguous self, int x) => x;
}

[Plug(Target = typeof(Calculator))]
public static class DuplicatePlugFirst
{
    public static string Describe(string value) => "first";
}

[Plug(Target = typeof(Calculator))]
public static class DuplicatePlugSecond
{
    public static string Describe(string value) => "second";
}

[Plug(Target = typeof(Calculator))]
internal static class NonPublicPlug
{
    public static int Add(int a, int b) => a * b;
}

[Plug(Target = typeof(Calculator))]
public static class NoMethodsPlug
{
    private static int Helper() => 0;

    internal static int Unused() => Helper();
}

[Plug(Target = typeof(Shape))]
public static class AbstractTargetPlug
{
    public static int Area(Shape self) => 0;
}

[Plug(Target = typeof(Generics))]
public static class GenericMethodPlug
{
    public static T Identity<T>(T value) => value;
}

[Plug(Target = typeof(Box<>))]
public static class GenericTypePlug
{
    public static int Size() => 2;
}

[Plug(Target = typeof(Calculator), TargetName = "PlugFixtures.Targets.Calculator")]
public static class BothTargetsPlug
{
    public static int Add(int a, int b) => 0;
}

[Plug]
public static class NoTargetPlug
{
    public static int Add(int a, int b) => 0;
}

[Plug(TargetName = "PlugFixtures.Targets.Nowhere, MemOS.PlugFixtures.Targets")]
public static class MissingFromNamedAssemblyPlug
{
    public static int Anything() => 0;
}

[Plug(TargetName = "PlugFixtures.Targets.Calculator, MemOS.NoSuchAssembly")]
public static class UnknownAssemblyPlug
{
    public static int Anything() => 0;
}
