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
