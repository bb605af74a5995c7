using System.Collections.Generic;
using MemOS.Kernel.Hardware;
using MemOS.Kernel.MemoryManagement;
using MemOS.Memory;
using MemOS.Memory.Virtual;

namespace MemOS.Kernel.Processes;

/// <summary>
/// Round-robin over the kernel task (the shell, pid 0) and the processes. Processes are preempted by the timer only
/// while in ring 3; the kernel itself is not preemptive: it gives the CPU away only where it waits (read, sleep,
/// wait, the shell's prompt and `run`). A switch loads the next task's kernel stack (TSS.RSP0 and the syscall stack),
/// its FS base and its PML4, then swaps kernel stacks (memos_switch).
/// </summary>
/// <remarks>
/// The collector scans every process's kernel stack from its saved rsp (and the boot stack), so what a system call
/// holds on its own stack across a wait stays alive.
/// </remarks>
internal static unsafe class Scheduler
{
    private const ulong InterruptFlag = 1UL << 9;
    public const ulong KernelStackSize = 32 * 1024;
    private const ulong KernelStacksBase = KernelLayout.KernelVirtualArea + 0x4000_0000;
    private const ulong KernelStacksSize = 0x4000_0000;

    private static readonly List<Process> s_tasks = new();
    private static Process? s_kernel;
    private static Process? s_current;
    private static AddressSpace? s_loaded;
    private static int s_nextPid = 1;

    public static bool IsInitialized => s_kernel != null;

    /// <summary>Context switches since boot (kernel stack swaps).</summary>
    public static ulong Switches { get; private set; }
    public static Process Kernel => s_kernel!;
    public static Process Current => s_current!;
    public static List<Process> Tasks => s_tasks;

    /// <summary>The process the console's input belongs to (the one `run` waits for), or null: the shell.</summary>
    public static Process? Foreground { get; set; }

    /// <summary>The address space whose user half is loaded in CR3 (user-half faults resolve in it).</summary>
    public static AddressSpace? LoadedSpace => s_loaded;

    /// <summary>The running process, or null when the kernel task runs.</summary>
    public static Process? CurrentProcess => s_current == null || s_current.IsKernelTask ? null : s_current;

    public static void Initialize(KernelMemory memory)
    {
        ProcessCpu.Initialize();
        s_kernel = new Process(0, "kernel", [], memory.Space, null) { State = ProcessState.Running };
        s_current = s_kernel;
        s_loaded = memory.Space;
        s_tasks.Add(s_kernel);
    }

    public static int NextPid() => s_nextPid++;

    public static Process? Find(int pid)
    {
        foreach (Process p in s_tasks) if (p.Pid == pid) return p;
        return null;
    }

    /// <summary>Loads an address space's PML4 (no-op when already loaded).</summary>
    public static void Load(AddressSpace space)
    {
        if (s_loaded == space) return;
        Cpu.WriteCr3(space.PageTable.Root.Value);
        s_loaded = space;
    }

    /// <summary>
    /// A kernel stack for a process, in the kernel half (so every address space has it) with an unmapped guard page
    /// below.
    /// </summary>
    public static Region? AllocateKernelStack(int pid)
    {
        KernelMemory m = KernelMemory.Current!;
        var placement = RegionPlacement.FirstFit(new VirtualAddress(KernelStacksBase),
            new VirtualAddress(KernelStacksBase + KernelStacksSize));
        Result<Region> r = m.Space.CreateRegion("kernel stack of pid " + pid, KernelStackSize,
            RegionFlags.Read | RegionFlags.Write, placement, RegionBacking.Immediate);
        return r.Ok ? r.Value : null;
    }

    /// <summary>
    /// Makes a loaded process runnable: its kernel stack ends in the user frame memos_process_start enters by iretq.
    /// </summary>
    public static void Start(Process p, Region stack, ulong userStack)
    {
        p.KernelStack = stack;
        p.KernelStackTop = stack.End.Value;
        var frame = (InterruptFrame*)(p.KernelStackTop - (ulong)sizeof(InterruptFrame));
        *frame = default;
        frame->Rip = p.Entry;
        frame->Cs = Gdt.UserCode;
        frame->Rflags = InterruptFlag | 2;
        frame->Rsp = userStack;
        frame->Ss = Gdt.UserData;
        ulong* sp = (ulong*)frame;
        *--sp = ProcessCpu.StartAddress;          // memos_switch's ret
        for (int i = 0; i < 6; i++) *--sp = 0;    // rbx, rbp, r12-r15
        p.SavedRsp = (ulong)sp;
        p.StartedAt = Timer.Milliseconds;
        p.State = ProcessState.Ready;
        s_tasks.Add(p);
    }

    /// <summary>Gives the CPU to the next ready task, if any; false when nobody else is ready.</summary>
    public static bool Yield()
    {
        Process? next = PickNext();
        if (next == null) return false;
        SwitchTo(next);
        return true;
    }

    /// <summary>The timer interrupted ring 3: round robin.</summary>
    public static void Preempt() => Yield();

    /// <summary>The current task blocks in the given state until something makes it ready again.</summary>
    public static void Block(ProcessState state)
    {
        Process me = s_current!;
        if (me.IsKernelTask) { Idle(); return; }
        me.State = state;
        SwitchTo(PickNext() ?? s_kernel!);
    }

    /// <summary>The kernel task has nothing to do: run a process, or halt until an interrupt.</summary>
    public static void Idle()
    {
        if (Yield()) return;
        Cpu.WaitForInterrupt();
        WakeReaders();
    }

    /// <summary>Terminal.ReadKey found no key: a process blocks in `read`, the kernel task idles.</summary>
    public static void WaitForInput()
    {
        if (s_current == null || s_current.IsKernelTask) Idle();
        else Block(ProcessState.WaitingForInput);
    }

    /// <summary>The kernel task waits (running others) until a process has exited.</summary>
    public static void WaitForExit(Process p)
    {
        while (p.State != ProcessState.Zombie) Idle();
        Reap();
    }

    /// <summary>
    /// Ends a process: its address space goes back (every frame and page table), its parent is woken.
    /// </summary>
    public static void Exit(Process p, int waitStatus)
    {
        if (p.State == ProcessState.Zombie || p.IsKernelTask) return;
        ulong flags = Cpu.ReadFlags();
        Cpu.DisableInterrupts();
        p.WaitStatus = waitStatus;
        if (s_loaded == p.Space) Load(s_kernel!.Space);
        p.Space.Destroy();
        p.HeapRegion = null;
        p.State = ProcessState.Zombie;
        if (Foreground == p) Foreground = null;
        if (p.Parent != null && p.Parent.State == ProcessState.WaitingForChild) p.Parent.State = ProcessState.Ready;
        if (p == s_current) SwitchTo(PickNext() ?? s_kernel!); // never comes back
        Reap();
        if ((flags & InterruptFlag) != 0) Cpu.EnableInterrupts();
    }

    /// <summary>Forgets a zombie whose status was collected.</summary>
    public static void Remove(Process p)
    {
        if (p.State != ProcessState.Zombie) return;
        FreeStack(p);
        s_tasks.Remove(p);
    }

    /// <summary>
    /// Frees the kernel stacks of zombies (never the running one's) and forgets zombies nobody will wait for.
    /// </summary>
    public static void Reap()
    {
        for (int i = s_tasks.Count - 1; i >= 0; i--)
        {
            Process p = s_tasks[i];
            if (p.State != ProcessState.Zombie || p == s_current) continue;
            FreeStack(p);
            bool orphan = p.Parent == null || p.Parent.State == ProcessState.Zombie
                || (p.Parent.IsKernelTask && p.Background);
            if (orphan) s_tasks.RemoveAt(i);
        }
    }

    private static void FreeStack(Process p)
    {
        if (p.KernelStack == null || p == s_current) return;
        KernelMemory.Current!.Space.FreeRegion(p.KernelStack);
        p.KernelStack = null;
    }

    private static Process? PickNext()
    {
        WakeSleepers();
        int n = s_tasks.Count, at = 0;
        for (int i = 0; i < n; i++) if (s_tasks[i] == s_current) at = i;
        for (int i = 1; i <= n; i++)
        {
            Process p = s_tasks[(at + i) % n];
            if (p != s_current && p.State == ProcessState.Ready) return p;
        }
        return null;
    }

    private static void WakeSleepers()
    {
        ulong now = Timer.Milliseconds;
        foreach (Process p in s_tasks)
            if (p.State == ProcessState.Sleeping && now >= p.WakeAt) p.State = ProcessState.Ready;
    }

    // Readers look for a key again after each interrupt; only the foreground process owns the console's input.
    private static void WakeReaders()
    {
        foreach (Process p in s_tasks)
            if (p.State == ProcessState.WaitingForInput && p == Foreground) p.State = ProcessState.Ready;
    }

    private static void SwitchTo(Process next)
    {
        ulong flags = Cpu.ReadFlags();
        Cpu.DisableInterrupts();
        Process prev = s_current!;
        if (next == prev) return;
        prev.FsBase = ProcessCpu.UserFsBase;
        if (prev.State == ProcessState.Running) prev.State = ProcessState.Ready;
        next.State = ProcessState.Running;
        s_current = next;
        if (!next.IsKernelTask) ProcessCpu.SetKernelStack(next.KernelStackTop);
        ProcessCpu.UserFsBase = next.FsBase;
        Load(next.Space);
        Switches++;
        fixed (ulong* save = &prev.SavedRsp) ProcessCpu.Switch(save, next.SavedRsp);
        // running again as prev
        if (s_current!.IsKernelTask) Reap();
        if ((flags & InterruptFlag) != 0) Cpu.EnableInterrupts();
    }
}
