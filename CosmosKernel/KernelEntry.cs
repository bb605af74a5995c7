using System.Runtime.InteropServices;
using MemOS.Memory.Boot;
using MemOS.Kernel.Boot;
using MemOS.Kernel.TextConsole;
using MemOS.Kernel.Hardware;
using MemOS.Kernel.Tests;

namespace MemOS.Kernel;

/// <summary>
/// The first C# that runs: boot.asm calls memos_main after CoreLib's modules are initialised. It brings the
/// machine up in dependency order, then either runs the test suite the command line names or the kernel.
/// </summary>
internal static unsafe class KernelEntry
{
    [UnmanagedCallersOnly(EntryPoint = "memos_main")]
    private static void Main(uint magic, uint info)
    {
        SerialPort.Initialize();
        VgaTextScreen.Instance.Clear();
        Core.RuntimeFatal.SetHandler(&Panic.FromRuntime);
        Core.StackBounds.Set(KernelStack.Bottom, KernelStack.Top);
        InterruptDispatcher.Initialize();
        Gdt.Initialize();
        Idt.Initialize();
        Pic.Initialize();
        Timer.Initialize();
        Cpu.EnableInterrupts();
        Timer.CalibrateTsc();
        Plugs.PlatformHooks.Install(&Timer.Nanoseconds, &LogError);

        var kernel = new Kernel(MultibootParser.Parse(magic, info, new DirectMapBootMemory()));
        System.Console.SetOut(new KernelTextWriter());
        System.Console.SetIn(new KernelTextReader(kernel.Editor));
        System.Console.WriteLine($"MemOS booted by {kernel.Boot.Protocol}, command line '{kernel.Boot.CommandLine}'");
        CpuFeatures cpu = CpuFeatures.Read();
        MemoryManagement.KernelMemory.Initialize(kernel.Boot, cpu);
        if (!cpu.Nx) System.Console.WriteLine("warning: " + MemoryManagement.KernelMemory.NoNxNote);
        DisplaySetup.Initialize(kernel.Boot, MemoryManagement.KernelMemory.Current!);
        System.Console.WriteLine($"console: {DisplaySetup.Outcome}");
        Core.Exceptions.RuntimeExceptions.Preallocate();
        Core.Exceptions.UnhandledExceptions.SetHandler(&Panic.FromUnhandledException);
        Processes.Scheduler.Initialize(MemoryManagement.KernelMemory.Current!);
        Processes.ProgramArchive.Initialize(kernel.Boot);

        string? suite = kernel.Boot.Option("suite");
        if (suite != null) SuiteRunner.RunAndExit(suite);

        kernel.BeforeRun();
        while (true) kernel.Run();
    }

    private static void LogError(byte* message, int length)
    {
        for (int i = 0; i < length; i++) Terminal.Write((char)message[i]);
        Terminal.Write('\n');
    }
}
