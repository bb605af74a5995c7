using System;
using System.Runtime;
using System.Runtime.InteropServices;
using MemOS.Core;
using MemOS.Core.Exceptions;
using MemOS.Plugs;

namespace MemOS.User.Runtime;

/// <summary>
/// The runtime's part of process start and exit (start.asm calls these around Main): the heap behind managed `new`,
/// the collector, Console through read/write, the clock, and what happens on a fatal runtime error (a message on
/// fd 2, then exit_group(134), as a Linux program that aborts).
/// </summary>
public static unsafe class ProcessStart
{
    /// <summary>Exit status of a process stopped by the runtime (FailFast, an unsupported runtime call...).</summary>
    public const int FatalStatus = 134;

    /// <summary>The stack a program can count on below its initial stack
    /// pointer (for EnsureSufficientExecutionStack).</summary>
    public const ulong StackReserve = 8UL * 1024 * 1024;

    private static ConsoleOutput? s_out, s_error;
    private static bool s_dying;

    /// <summary>The program's name (argv[0]), for messages.</summary>
    public static string ProgramName { get; private set; } = "program";

    /// <summary>How the heap is backed: "immediate" (MAP_POPULATE) or "demand".</summary>
    public static string Backing => ProcessHeap.Backing.Immediate ? "immediate" : "demand";

    /// <summary>Runs once CoreLib is initialised and before Main (see LibraryInitializer).</summary>
    internal static void Start()
    {
        ulong* initialStack = InitialStackPointer();
        InitialStack.Capture(initialStack);
        if (InitialStack.ArgumentCount > 0) ProgramName = new string(*(sbyte**)(initialStack + 1));
        RuntimeFatal.SetHandler(&Fatal);
        StackBounds.Set(InitialStack.Top - StackReserve, InitialStack.Top);
        PlatformHooks.Install(&Linux.MonotonicNanoseconds, &LogError);
        PlatformHooks.InstallMemoryMapping(&PalMemoryMapping.Map, &PalMemoryMapping.Protect, &PalMemoryMapping.Unmap);

        ProcessHeap.Create(InitialStack.Variable("MEMOS_BACKING") != "demand");
        ManagedAllocator.Install("process heap", &AllocateManaged, &FreeManaged);
        ManagedAllocator.InstallReallocate(&ProcessHeap.TryReallocate);
        ProcessCollector.Install();
        GcReporting.Install(&Report);
        RuntimeExceptions.Preallocate();
        UnhandledExceptions.SetHandler(&Unhandled);
        HardwareFaultHandler.Register();

        s_out = new ConsoleOutput(1);
        s_error = new ConsoleOutput(2);
        Console.SetOut(s_out);
        Console.SetError(s_error);
        Console.SetIn(new ConsoleInput());
    }

    /// <summary>Main returned (or Environment.Exit was called): flush what is buffered and end the process.</summary>
    [UnmanagedCallersOnly(EntryPoint = "memos_user_exit")]
    private static void ExitFromStart(int status) => Exit(status);

    public static void Exit(int status)
    {
        s_out?.Flush();
        s_error?.Flush();
        Linux.ExitGroupNow(status);
    }

    // Environment.Exit ends up here (CoreLib's Unix Environment calls the PAL's exit).
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.InternalCall)]
    [RuntimeImport("*", "memos_initial_stack_pointer")]
    private static extern ulong* InitialStackPointer();

    [RuntimeExport("SystemNative_Exit")]
    private static void SystemNativeExit(int status) => Exit(status);

    private static void* AllocateManaged(nuint size, nuint alignment)
    {
        ProcessCollector.MaybeCollect();
        void* p = ProcessHeap.TryAllocate(size, alignment);
        if (p != null) return p;
        ProcessCollector.Collect(); // the heap is full: garbage may make room
        return ProcessHeap.TryAllocate(size, alignment);
    }

    // GC.GetTotalMemory and GC.GetGCMemoryInfo: the process heap's figures.
    private static GcReporting.HeapFigures Report()
    {
        Memory.Heap.HeapStatistics s = ProcessHeap.Heap.Statistics();
        return new GcReporting.HeapFigures
        {
            UsedBytes = (long)s.UsedBytes,
            HeapSizeBytes = (long)s.HeapSize,
            FreeBytes = (long)s.FreeBytes,
            TotalAvailableBytes = (long)ProcessHeap.MaxSize,
        };
    }

    private static bool FreeManaged(void* pointer) => ProcessHeap.Free(pointer) == Memory.MemoryError.None;

    // An exception no catch took: its type, message and frames on fd 2, then the process ends: with exit 134, or,
    // for a CPU fault that became the exception, killed by the kernel with the fault's segfault line.
    private static void Unhandled(Exception exception)
    {
        string? text = null;
        try
        {
            text = ProgramName + ": unhandled exception: " + ExceptionText.Describe(exception) + "\n"
                + ExceptionText.StackTrace(exception) + "\n";
        }
        catch (OutOfMemoryException) { } // no memory for the text: the one-line report below allocates nothing
        if (text == null) Fatal("unhandled exception", exception.Message);
        s_out?.Flush();
        s_error?.Write(text);
        s_error?.Flush();
        if (HardwareFaultHandler.CameFromFault(exception)) HardwareFaultHandler.GiveBack();
        Linux.ExitGroupNow(FatalStatus);
    }

    // Allocates nothing: the fatal error may be that memory ran out.
    private static void Fatal(string what, string detail)
    {
        if (s_dying) Linux.ExitGroupNow(FatalStatus);
        s_dying = true;
        s_out?.Flush();
        byte* line = stackalloc byte[256];
        int n = 0;
        Append(line, ref n, ProgramName);
        Append(line, ref n, ": ");
        Append(line, ref n, what);
        Append(line, ref n, ": ");
        Append(line, ref n, detail);
        line[n++] = (byte)'\n';
        Linux.WriteBytes(2, line, (ulong)n);
        Linux.ExitGroupNow(FatalStatus);
    }

    private static void Append(byte* line, ref int n, string text)
    {
        foreach (char c in text)
        {
            if (n >= 255) return;
            line[n++] = c < 0x80 ? (byte)c : (byte)'?';
        }
    }

    private static void LogError(byte* message, int length)
    {
        Linux.WriteBytes(2, message, (ulong)length);
        byte newline = (byte)'\n';
        Linux.WriteBytes(2, &newline, 1);
    }
}
