using System;
using MemOS.Memory.Boot;
using MemOS.Kernel.Boot;
using MemOS.Kernel.TextConsole;
using MemOS.Kernel.Shell.Commands;

namespace MemOS.Kernel;

/// <summary>
/// The kernel in the Cosmos lifecycle: BeforeRun() once after the machine is set up, then Run() in a loop.
/// Run() is one turn of the shell: prompt, read a line, execute it.
/// </summary>
internal sealed class Kernel(BootInfo boot)
{
    private readonly Shell.Shell _shell = new();
    private readonly LineEditor _editor = new();

    public BootInfo Boot => boot;
    public LineEditor Editor => _editor;

    public void BeforeRun()
    {
        _shell.Register(new HelpCommand());
        _shell.Register(new EchoCommand());
        _shell.Register(new ClearCommand());
        _shell.Register(new UptimeCommand());
        _shell.Register(new CpuInfoCommand());
        _shell.Register(new MemMapCommand(boot));
        // memory inspection (helper F1)
        _shell.Register(new MeminfoCommand());
        _shell.Register(new GcCommand());
        _shell.Register(new PmmCommand());
        _shell.Register(new HeapCommand());
        _shell.Register(new ModeCommand());
        _shell.Register(new VmmapCommand());
        _shell.Register(new PagewalkCommand());
        _shell.Register(new FaultsCommand());
        _shell.Register(new SelftestCommand());
        _shell.Register(new HaltCommand());
        _shell.Register(new RebootCommand());
        // memory actions: heap, real accesses, manual mappings, narration, microbenchmarks
        _shell.Register(new AllocCommand());
        _shell.Register(new FreeCommand());
        _shell.Register(new TouchCommand());
        _shell.Register(new ReadCommand());
        _shell.Register(new WriteCommand());
        _shell.Register(new MapCommand());
        _shell.Register(new UnmapCommand());
        _shell.Register(new TraceCommand());
        _shell.Register(new BenchCommand());
        // processes
        _shell.Register(new LsCommand());
        _shell.Register(new RunCommand());
        _shell.Register(new PsCommand());
        _shell.Register(new KillCommand());

        System.Console.WriteLine("MemOS - memory management made visible. Type 'help' for the commands.");
        foreach (string problem in boot.Problems) System.Console.WriteLine($"boot: {problem}");
    }

    public void Run()
    {
        Terminal.Write(Shell.Shell.Prompt);
        string? line = _editor.ReadLine();
        if (line != null) _shell.Execute(line);
        MemoryManagement.GarbageCollection.MaybeCollect();
    }
}
