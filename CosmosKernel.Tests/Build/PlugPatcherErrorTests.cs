using System;
using System.IO;
using System.Linq;
using System.Reflection;
using MemOS.Build;
using NUnit.Framework;

namespace MemOS.Tests.Build;

/// <summary>
/// Every way a plug or a patcher run can be wrong ends in one exact build error (and nothing written): each bad
/// plug class of the BadPlugs fixture with its message, missing assembly files, an output that cannot be written,
/// and the command line.
/// </summary>
[TestFixture]
public sealed class PlugPatcherErrorTests
{
    private const string Bad = "PlugFixtures.BadPlugs.";
    private static readonly string Targets = Fixture("MemOS.PlugFixtures.Targets");
    private static readonly string GoodPlugs = Fixture("MemOS.PlugFixtures.Plugs");
    private static readonly string BadPlugs = Fixture("MemOS.PlugFixtures.BadPlugs");

    private string _output = "";
    private PatchResult _bad = null!;

    private static string Fixture(string name) => Path.Combine(TestContext.CurrentContext.TestDirectory, name + ".dll");

    [OneTimeSetUp]
    public void PatchBadPlugs()
    {
        _output = Path.Combine(Path.GetTempPath(), "memos-plug-errors-" + Guid.NewGuid().ToString("N"));
        _bad = PlugPatcher.Run(new PatchRequest([BadPlugs], [Targets], [], Path.Combine(_output, "bad")));
    }

    [OneTimeTearDown]
    public void CleanUp()
    {
        if (Directory.Exists(_output)) Directory.Delete(_output, recursive: true);
    }

    // The one error that names a plug class (errors name it as "plug class C" or "plug C.Method(...)").
    private string ErrorOf(string plugClass)
    {
        string[] found = _bad.Errors.Select(e => e.Message)
            .Where(m => m.StartsWith($"plug class {Bad}{plugClass} ", StringComparison.Ordinal)
                || m.StartsWith($"plug class {Bad}{plugClass}:", StringComparison.Ordinal)
                || m.StartsWith($"plug {Bad}{plugClass}.", StringComparison.Ordinal))
            .ToArray();
        Assert.That(found, Has.Length.EqualTo(1), $"errors naming {plugClass}:\n" + string.Join("\n", _bad.Errors));
        return found[0];
    }

    [Test]
    public void A_second_plug_for_the_same_method_is_refused_naming_the_first()
        => Assert.That(ErrorOf("DuplicatePlugSecond"), Is.EqualTo(
            "plug PlugFixtures.BadPlugs.DuplicatePlugSecond.Describe(System.String):"
            + " 'PlugFixtures.Targets.Calculator' static System.String Describe(System.String) is already replaced by"
            + " PlugFixtures.BadPlugs.DuplicatePlugFirst.Describe(System.String)"));

    [Test]
    public void A_non_public_plug_class_is_refused()
        => Assert.That(ErrorOf("NonPublicPlug"), Is.EqualTo(
            "plug class PlugFixtures.BadPlugs.NonPublicPlug must be public:"
            + " the patched target calls it from another assembly"));

    [Test]
    public void A_plug_class_without_public_static_methods_is_refused()
        => Assert.That(ErrorOf("NoMethodsPlug"), Is.EqualTo(
            "plug class PlugFixtures.BadPlugs.NoMethodsPlug has no public static methods: it replaces nothing"));

    [Test]
    public void An_abstract_target_method_is_refused()
        => Assert.That(ErrorOf("AbstractTargetPlug"), Is.EqualTo(
            "plug PlugFixtures.BadPlugs.AbstractTargetPlug.Area(PlugFixtures.Targets.Shape):"
            + " 'PlugFixtures.Targets.Shape' has instance System.Int32 Area(), which is abstract:"
            + " there is no body to replace"));

    [Test]
    public void A_generic_method_and_a_generic_type_are_refused()
    {
        Assert.That(ErrorOf("GenericMethodPlug"), Is.EqualTo(
            "plug PlugFixtures.BadPlugs.GenericMethodPlug.Identity(T): generic methods and methods of generic types"
            + " cannot be plugged"));
        Assert.That(ErrorOf("GenericTypePlug"), Is.EqualTo(
            "plug PlugFixtures.BadPlugs.GenericTypePlug.Size(): generic methods and methods of generic types"
            + " cannot be plugged"));
    }

    [Test]
    public void Both_or_neither_of_Target_and_TargetName_is_refused()
    {
        const string how = " must name exactly one target: [Plug(Target = typeof(X))]"
            + " or [Plug(TargetName = \"Namespace.Type\")]";
        Assert.That(ErrorOf("BothTargetsPlug"), Is.EqualTo("plug class PlugFixtures.BadPlugs.BothTargetsPlug" + how));
        Assert.That(ErrorOf("NoTargetPlug"), Is.EqualTo("plug class PlugFixtures.BadPlugs.NoTargetPlug" + how));
    }

    [Test]
    public void A_type_missing_from_a_named_assembly_and_an_unknown_assembly_are_named()
    {
        Assert.That(ErrorOf("MissingFromNamedAssemblyPlug"), Is.EqualTo(
            "plug class PlugFixtures.BadPlugs.MissingFromNamedAssemblyPlug: target type 'PlugFixtures.Targets.Nowhere'"
            + " not found in assembly 'MemOS.PlugFixtures.Targets'"));
        Assert.That(ErrorOf("UnknownAssemblyPlug"), Is.EqualTo(
            "plug class PlugFixtures.BadPlugs.UnknownAssemblyPlug: target type 'PlugFixtures.Targets.Calculator'"
            + " not found: assembly 'MemOS.NoSuchAssembly' is not among the input or reference assemblies"));
    }

    [Test]
    public void The_first_of_two_duplicate_plugs_alone_is_not_an_error_and_nothing_is_written()
    {
        Assert.That(_bad.Errors.Select(e => e.Message).Where(m => m.Contains("DuplicatePlugFirst.Describe(System"
            + ".String): ", StringComparison.Ordinal)), Is.Empty);
        Assert.That(_bad.Errors.Select(e => e.Code).Distinct(), Is.EqualTo(new[] { PlugError.PlugCode }));
        // one error per bad class of the fixture (16 of them; DuplicatePlugFirst is fine on its own)
        Assert.That(_bad.Errors, Has.Count.EqualTo(16), string.Join("\n", _bad.Errors));
        Assert.That(Directory.Exists(Path.Combine(_output, "bad")), Is.False, "nothing is written when a plug fails");
    }

    [Test]
    public void A_missing_assembly_file_is_a_tool_error_naming_the_path()
    {
        string missing = Path.Combine(_output, "absent", "Nothing.dll");
        PatchResult result = PlugPatcher.Run(new PatchRequest([GoodPlugs], [Targets, missing], [],
            Path.Combine(_output, "missing")));
        Assert.That(result.Errors, Is.EqualTo(new[] { PlugError.Tool($"assembly not found: {missing}") }));
    }

    [Test]
    public void An_output_that_cannot_be_written_is_a_tool_error_not_an_exception()
    {
        // the output "directory" is a file: creating it fails with an IOException the patcher must turn into an error
        Directory.CreateDirectory(_output);
        string blocked = Path.Combine(_output, "a-file");
        File.WriteAllText(blocked, "");
        PatchResult result = PlugPatcher.Run(new PatchRequest([GoodPlugs], [Targets], [], blocked));
        Assert.That(result.Errors.Select(e => e.Code), Is.EqualTo(new[] { PlugError.ToolCode }));
        Assert.That(result.Errors[0].Message,
            Does.StartWith($"writing patched assemblies to {blocked} failed: "));
    }

    private const string Usage = "usage: MemOS.Build plugs --plugs <dll>... --input <dll>... --reference <dll>..."
        + " --out <dir> --list <file>";

    [TestCase(new string[0], "plugs: error MEMOS000: " + Usage)]
    [TestCase(new[] { "patch" }, "plugs: error MEMOS000: " + Usage)]
    [TestCase(new[] { "plugs", "--out" }, "plugs: error MEMOS000: option --out needs a value; " + Usage)]
    [TestCase(new[] { "plugs", "--bogus", "x" }, "plugs: error MEMOS000: unknown option --bogus; " + Usage)]
    [TestCase(new[] { "plugs", "--out=o" }, "plugs: error MEMOS000: --out and --list are required; " + Usage)]
    public void Command_line_errors_print_one_error_and_exit_1(string[] args, string expected)
    {
        (int code, string output) = RunMain(args);
        Assert.That(code, Is.EqualTo(1));
        Assert.That(output, Is.EqualTo(expected + Environment.NewLine));
    }

    [Test]
    public void A_failed_run_prints_its_errors_and_removes_an_older_list()
    {
        Directory.CreateDirectory(_output);
        string list = Path.Combine(_output, "stale.list");
        File.WriteAllText(list, "old");
        (int code, string output) = RunMain(["plugs", "--plugs", BadPlugs, "--input", Targets,
            "--out", Path.Combine(_output, "cli"), "--list", list]);
        Assert.That(code, Is.EqualTo(1));
        Assert.That(output, Does.Contain("plugs: error MEMOS001: plug class PlugFixtures.BadPlugs.NonPublicPlug"));
        Assert.That(File.Exists(list), Is.False, "ilc must not pick up a list from an earlier run");
    }

    // Program.Main in-process, its console output captured.
    private static (int Code, string Output) RunMain(string[] args)
    {
        MethodInfo main = typeof(PlugPatcher).Assembly.GetType("MemOS.Build.Program")!
            .GetMethod("Main", BindingFlags.NonPublic | BindingFlags.Static)!;
        TextWriter saved = Console.Out;
        using var captured = new StringWriter();
        Console.SetOut(captured);
        try { return ((int)main.Invoke(null, [args])!, captured.ToString()); }
        finally { Console.SetOut(saved); }
    }
}
