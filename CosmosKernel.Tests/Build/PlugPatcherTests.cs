using System;
using System.IO;
using System.Linq;
using System.Reflection;
using MemOS.Build;
using NUnit.Framework;

namespace MemOS.Tests.Build;

/// <summary>
/// The plug patcher on small fixture assemblies: plugs that apply (static, overloads, instance with 'this' as the
/// type, as object and as ref for a struct, a getter, a constructor, an internal type by name) are checked by
/// running the patched code; plugs that cannot apply must fail with exact messages and write nothing.
/// </summary>
[TestFixture]
public sealed class PlugPatcherTests
{
    private const string TargetsAssembly = "MemOS.PlugFixtures.Targets";
    private static readonly string Targets = Fixture(TargetsAssembly);
    private static readonly string GoodPlugs = Fixture("MemOS.PlugFixtures.Plugs");
    private static readonly string BadPlugs = Fixture("MemOS.PlugFixtures.BadPlugs");

    private string _output = "";
    private PatchResult _good = null!;
    private PatchedAssemblies _patched = null!;

    private static string Fixture(string name) => Path.Combine(TestContext.CurrentContext.TestDirectory, name + ".dll");

    [OneTimeSetUp]
    public void PatchGoodPlugs()
    {
        _output = Path.Combine(Path.GetTempPath(), "memos-plug-tests-" + Guid.NewGuid().ToString("N"));
        _good = PlugPatcher.Run(new PatchRequest([GoodPlugs], [Targets], [], Path.Combine(_output, "good")));
        Assert.That(_good.Errors, Is.Empty);
        _patched = new PatchedAssemblies(_good.Inputs);
    }

    [OneTimeTearDown]
    public void CleanUp()
    {
        _patched.Dispose();
        Directory.Delete(_output, recursive: true);
    }

    private object? Call(string type, string method, Type[] parameters, object? instance, params object?[] arguments)
        => _patched.Type(TargetsAssembly, type)
            .GetMethod(method,
                BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance, parameters)!
            .Invoke(instance, arguments);

    [Test]
    public void Patched_copy_is_written_and_the_original_is_untouched()
    {
        string patchedTargets = Path.Combine(_output, "good", TargetsAssembly + ".dll");
        Assert.That(_good.Inputs, Is.EqualTo(new[] { GoodPlugs, patchedTargets }));
        Assert.That(File.Exists(patchedTargets), Is.True);
        Assert.That(File.ReadAllBytes(patchedTargets), Is.Not.EqualTo(File.ReadAllBytes(Targets)));
        Assert.That(_good.Applied, Has.Count.EqualTo(9));
    }

    [Test]
    public void Static_method_is_replaced_and_other_overloads_are_not()
    {
        Assert.That(Call("PlugFixtures.Targets.Calculator", "Add", [typeof(int), typeof(int)], null, 3, 4),
            Is.EqualTo(12));
        Assert.That(Call("PlugFixtures.Targets.Calculator", "Add", [typeof(long), typeof(long)], null, 3L, 4L),
            Is.EqualTo(7L));
        Assert.That(Call("PlugFixtures.Targets.Calculator", "Describe", [typeof(string)], null, "x"),
            Is.EqualTo("plugged x"));
        Assert.That(Call("PlugFixtures.Targets.Calculator", "Describe", [typeof(int)], null, 5),
            Is.EqualTo("original 5"));
    }

    [Test]
    public void Instance_methods_receive_this_as_the_type_or_as_object()
    {
        Type counterType = _patched.Type(TargetsAssembly, "PlugFixtures.Targets.Counter");
        object counter = Activator.CreateInstance(counterType, 2)!;
        Assert.That(counterType.GetProperty("Start")!.GetValue(counter), Is.EqualTo(20), "constructor plug");
        Assert.That(Call("PlugFixtures.Targets.Counter", "Increment", [typeof(int)], counter, 1), Is.EqualTo(120),
            "this as Counter");
        Assert.That(Call("PlugFixtures.Targets.Counter", "Name", [], counter), Is.EqualTo("plugged 20"),
            "this as object");
        Assert.That(counterType.GetProperty("Count")!.GetValue(counter), Is.EqualTo(-1), "getter plug");
    }

    [Test]
    public void Struct_instance_method_receives_this_by_ref()
    {
        Type pointType = _patched.Type(TargetsAssembly, "PlugFixtures.Targets.Point");
        object point = Activator.CreateInstance(pointType, 3, 5)!;
        Assert.That(pointType.GetMethod("Sum")!.Invoke(point, []), Is.EqualTo(15));
    }

    [Test]
    public void Internal_type_is_plugged_by_name()
    {
        Assert.That(Call("PlugFixtures.Targets.HiddenAccess", "Secret", [], null), Is.EqualTo(7));
        Assert.That(Call("PlugFixtures.Targets.HiddenAccess", "Scale", [typeof(int)], null, 4), Is.EqualTo(12));
    }

    [Test]
    public void Bad_plugs_fail_with_exact_messages_and_write_nothing()
    {
        string output = Path.Combine(_output, "bad");
        PatchResult result = PlugPatcher.Run(new PatchRequest([BadPlugs], [Targets], [], output));

        Assert.That(result.Succeeded, Is.False);
        Assert.That(result.Errors.Select(e => e.Code).Distinct(), Is.EqualTo(new[] { "MEMOS001" }));
        // the fixture's other mistakes, one test each: PlugPatcherErrorTests
        Assert.That(result.Errors.Select(e => e.Message), Is.SupersetOf(new[]
        {
            "plug class PlugFixtures.BadPlugs.MissingTypePlug: target type 'PlugFixtures.Targets.DoesNotExist'"
                + " not found"
                + " in the input or reference assemblies",
            "plug PlugFixtures.BadPlugs.MissingMethodPlug.Subtract(System.Int32, System.Int32): target type"
                + " 'PlugFixtures.Targets.Calculator' has no method named 'Subtract'",
            "plug PlugFixtures.BadPlugs.MismatchPlug.Add(System.Int32, System.String): signature mismatch: no 'Add' of"
                + " 'PlugFixtures.Targets.Calculator' takes these parameters"
                + " (a plug for an instance method takes 'this' first);"
                + " candidates: static System.Int32 Add(System.Int32, System.Int32);"
                + " static System.Int64 Add(System.Int64, System.Int64)",
            "plug PlugFixtures.BadPlugs.ReturnMismatchPlug.Describe(System.Int32): signature mismatch:"
                + " 'PlugFixtures.Targets.Calculator' has static System.String Describe(System.Int32),"
                + " returning System.String,"
                + " but the plug returns System.Int64",
            "plug class PlugFixtures.BadPlugs.NonStaticPlug must be static (declare it 'static class')",
            "plug PlugFixtures.BadPlugs.AmbiguousPlug.Twice(PlugFixtures.Targets.Ambiguous, System.Int32): ambiguous:"
                + " matches more than one method of 'PlugFixtures.Targets.Ambiguous':"
                + " static System.Int32 Twice(PlugFixtures.Targets.Ambiguous, System.Int32);"
                + " instance System.Int32 Twice(System.Int32)",
        }));
        Assert.That(Directory.Exists(output), Is.False, "nothing is written when a plug fails");
    }

    [Test]
    public void Missing_target_assembly_is_named()
    {
        // Without the targets among the inputs, typeof(Calculator) cannot resolve: the error names the assembly.
        PatchResult result =
            PlugPatcher.Run(new PatchRequest([GoodPlugs], [], [], Path.Combine(_output, "noassembly")));
        Assert.That(result.Errors.Select(e => e.Message), Does.Contain(
            "plug class PlugFixtures.Plugs.CalculatorPlug: target type 'PlugFixtures.Targets.Calculator' not found:"
                + " assembly 'MemOS.PlugFixtures.Targets' is not among the input or reference assemblies"));
    }

    [Test]
    public void Current_patched_copy_is_reused_and_stale_copies_are_removed()
    {
        string output = Path.Combine(_output, "rerun");
        var request = new PatchRequest([GoodPlugs], [Targets], [], output);
        PlugPatcher.Run(request);
        string patched = Path.Combine(output, TargetsAssembly + ".dll");
        DateTime first = File.GetLastWriteTimeUtc(patched);
        string stale = Path.Combine(output, "Stale.dll");
        File.WriteAllText(stale, "");

        PatchResult again = PlugPatcher.Run(request);

        Assert.That(again.Succeeded, Is.True);
        Assert.That(File.GetLastWriteTimeUtc(patched), Is.EqualTo(first), "not rewritten");
        Assert.That(File.Exists(stale), Is.False);
    }

    [Test]
    public void Errors_are_MSBuild_canonical_lines()
        => Assert.That(PlugError.Plug("what went wrong").ToMSBuildLine(),
            Is.EqualTo("plugs: error MEMOS001: what went wrong"));
}
