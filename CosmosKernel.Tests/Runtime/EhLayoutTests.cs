using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using MemOS.Tests.Kernel;
using Mono.Cecil;
using NUnit.Framework;

namespace MemOS.Tests.Runtime;

/// <summary>
/// The structures exception dispatch shares with CoreLib's managed dispatcher must sit where CoreLib 10.0.12 puts
/// them: each offset and size in Core/Exceptions/EhLayout.cs is compared with the real CoreLib's [FieldOffset] and
/// [StructLayout(Size)], and the constants exceptions.asm repeats are compared with EhLayout.
/// </summary>
public sealed class EhLayoutTests
{
    private static readonly string Root = KernelImage.FindRepositoryRoot(TestContext.CurrentContext.TestDirectory);

    private static string CoreLibPath()
    {
        string packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string props = File.ReadAllText(Path.Combine(Root, "Directory.Packages.props"));
        string version = Regex.Match(props, "<MemOSIlcVersion>(.+?)</MemOSIlcVersion>").Groups[1].Value;
        string path = Path.Combine(packages, "microsoft.netcore.app.runtime.nativeaot.linux-x64", version,
            "runtimes", "linux-x64", "native", "System.Private.CoreLib.dll");
        Assert.That(File.Exists(path), Is.True,
            $"CoreLib {version} is not restored at {path} (dotnet build CosmosKernel restores it)");
        return path;
    }

    private static Dictionary<string, int> Layout()
    {
        string core = Path.Combine(Root, "Core", "bin", "Debug", "net10.0", "MemOS.Core.dll");
        if (!File.Exists(core)) core = Path.Combine(Root, "Core", "bin", "Release", "net10.0", "MemOS.Core.dll");
        Assert.That(File.Exists(core), Is.True, $"{core} is not built");
        using AssemblyDefinition a = AssemblyDefinition.ReadAssembly(core);
        TypeDefinition t = a.MainModule.GetType("MemOS.Core.Exceptions.EhLayout");
        return t.Fields.Where(f => f.HasConstant).ToDictionary(f => f.Name, f => Convert.ToInt32(f.Constant));
    }

    private static TypeDefinition CoreLibType(ModuleDefinition m, string name)
    {
        string[] parts = name.Split('+');
        TypeDefinition t = m.GetType(parts[0]) ?? throw new AssertionException($"CoreLib has no {parts[0]}");
        foreach (string nested in parts.Skip(1))
            t = t.NestedTypes.SingleOrDefault(n => n.Name == nested)
                ?? throw new AssertionException($"CoreLib has no {name}");
        return t;
    }

    private static int Offset(TypeDefinition t, string field)
        => t.Fields.SingleOrDefault(f => f.Name == field)?.Offset
            ?? throw new AssertionException($"{t.FullName} has no {field}");

    [Test]
    public void EhLayout_matches_the_real_CoreLib()
    {
        Dictionary<string, int> layout = Layout();
        using AssemblyDefinition corelib = AssemblyDefinition.ReadAssembly(CoreLibPath());
        ModuleDefinition m = corelib.MainModule;

        TypeDefinition exInfo = CoreLibType(m, "System.Runtime.EH+ExInfo");
        TypeDefinition iterator = CoreLibType(m, "System.Runtime.StackFrameIterator");
        TypeDefinition regDisplay = CoreLibType(m, "System.Runtime.REGDISPLAY");
        TypeDefinition context = CoreLibType(m, "System.Runtime.EH+PAL_LIMITED_CONTEXT");
        TypeDefinition ehEnum = CoreLibType(m, "System.Runtime.EH+EHEnum");
        var expected = new (string Constant, int Actual)[]
        {
            ("ExInfoPrev", Offset(exInfo, "_pPrevExInfo")),
            ("ExInfoContext", Offset(exInfo, "_pExContext")),
            ("ExInfoException", Offset(exInfo, "_exception")),
            ("ExInfoKind", Offset(exInfo, "_kind")),
            ("ExInfoPassNumber", Offset(exInfo, "_passNumber")),
            ("ExInfoCurrentClause", Offset(exInfo, "_idxCurClause")),
            ("ExInfoFrameIterator", Offset(exInfo, "_frameIter")),
            ("ExInfoNotifyDebuggerSp", Offset(exInfo, "_notifyDebuggerSP")),
            ("IteratorFramePointer", Offset(iterator, "_framePointer")),
            ("IteratorControlPc", Offset(iterator, "_controlPC")),
            ("IteratorRegDisplay", Offset(iterator, "_regDisplay")),
            ("IteratorOriginalControlPc", Offset(iterator, "_originalControlPC")),
            ("IteratorPreviousTransitionFrame", Offset(iterator, "_pPreviousTransitionFrame")),
            ("IteratorSize", iterator.ClassSize),
            ("RegDisplaySp", Offset(regDisplay, "SP")),
            ("RegDisplaySize", regDisplay.ClassSize),
            ("ContextIp", Offset(context, "IP")),
            ("ContextSize", context.ClassSize),
            ("EhEnumSize", ehEnum.ClassSize),
        };
        Assert.Multiple(() =>
        {
            foreach ((string constant, int actual) in expected)
                Assert.That(layout[constant], Is.EqualTo(actual), $"EhLayout.{constant}");
            Assert.That(layout["ExInfoStackSize"], Is.GreaterThanOrEqualTo(layout["ExInfoNotifyDebuggerSp"] + 8));
            Assert.That(layout["ExInfoStackSize"] % 16, Is.Zero, "the throw entry points keep the stack 16-aligned");
            Assert.That(layout["IteratorScratch"] + 6 * 8, Is.LessThanOrEqualTo(layout["IteratorOriginalControlPc"]),
                "the saved registers fit between the REGDISPLAY and the fields CoreLib reads");
        });
    }

    [Test]
    public void The_asm_constants_match_EhLayout()
    {
        Dictionary<string, int> layout = Layout();
        string asm = File.ReadAllText(Path.Combine(Root, "Core", "exceptions.asm"));
        Dictionary<string, int> equ = Regex.Matches(asm, @"^(\w+)\s+equ\s+(\d+)", RegexOptions.Multiline)
            .ToDictionary(x => x.Groups[1].Value,
                x => int.Parse(x.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
        var pairs = new (string Asm, string Constant)[]
        {
            ("EXINFO_STACK_SIZE", "ExInfoStackSize"), ("EXINFO_PREV", "ExInfoPrev"),
            ("EXINFO_CONTEXT", "ExInfoContext"),
            ("EXINFO_EXCEPTION", "ExInfoException"), ("EXINFO_KIND", "ExInfoKind"), ("EXINFO_PASS", "ExInfoPassNumber"),
            ("EXINFO_CLAUSE", "ExInfoCurrentClause"), ("REGDISPLAY_RBX", "RegDisplayRbx"),
            ("REGDISPLAY_RBP", "RegDisplayRbp"),
            ("REGDISPLAY_R12", "RegDisplayR12"), ("REGDISPLAY_R13", "RegDisplayR13"),
            ("REGDISPLAY_R14", "RegDisplayR14"),
            ("REGDISPLAY_R15", "RegDisplayR15"), ("REGDISPLAY_SP", "RegDisplaySp"),
        };
        Assert.Multiple(() =>
        {
            foreach ((string asmName, string constant) in pairs)
            {
                Assert.That(equ.ContainsKey(asmName), Is.True, $"exceptions.asm defines {asmName}");
                if (equ.TryGetValue(asmName, out int value)) Assert.That(value, Is.EqualTo(layout[constant]), asmName);
            }
        });
    }
}
