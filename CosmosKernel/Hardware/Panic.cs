using System;

namespace MemOS.Kernel.Hardware;

/// <summary>
/// The panic screen: what stopped the kernel, the CPU state and a chain of return addresses, on VGA (white on red)
/// and serial, then a clean halt with interrupts off. Writes character by character and never allocates, so it
/// works from a fault handler, with the heap broken, or out of memory.
/// </summary>
internal static unsafe class Panic
{
    private static bool s_panicking;

    /// <summary>
    /// Hook for Core's RuntimeFatal: a runtime stop (unsupported call, unhandled exception, out of memory).
    /// </summary>
    public static void FromRuntime(string what, string detail)
    {
        Begin();
        Text("!!! PANIC: "); Text(what); Line();
        Text("    "); Text(detail); Line();
        StackTrace(Cpu.ReadFramePointer());
        End();
    }

    /// <summary>An exception no catch wanted: its type and message, then where it was thrown.</summary>
    public static void FromUnhandledException(System.Exception exception)
    {
        Begin();
        Text("!!! PANIC: unhandled exception "); Text(Core.Exceptions.ExceptionText.TypeName(exception)); Line();
        Text("    "); Text(exception.Message); Line();
        Text("    thrown through:"); Line();
        Span<ulong> frames = stackalloc ulong[16];
        int n = Core.Exceptions.ExceptionText.Frames(exception, frames);
        for (int i = 0; i < n; i++) { Text("      "); Symbol(frames[i] - 1); Line(); }
        End();
    }

    /// <summary>
    /// The oops for a kernel page-fault violation: the resolver's decision, the region, then the CPU state.
    /// </summary>
    public static void FromPageFault(InterruptFrame* frame, ulong cr2, string access, string reason, string region)
    {
        Begin();
        Text("!!! PANIC: kernel page fault at "); Hex(cr2); Text(" ("); Text(access); Text(")"); Line();
        Text("    refused: "); Text(reason); Text("; region: "); Text(region); Line();
        State(frame);
    }

    public static void FromException(InterruptFrame* frame)
    {
        Begin();
        Text("!!! PANIC: CPU exception "); Text(ExceptionNames.Of(frame->Vector));
        Text(" (vector "); Decimal(frame->Vector); Text(")"); Line();
        Text("    error code "); Hex(frame->ErrorCode);
        if (frame->Vector == 14)
        {
            Text(" ("); Text((frame->ErrorCode & 2) != 0 ? "write" : (frame->ErrorCode & 16) != 0 ? "execute" : "read");
            Text((frame->ErrorCode & 1) != 0 ? ", protection violation" : ", not present");
            Text((frame->ErrorCode & 4) != 0 ? ", user" : ", kernel");
            if ((frame->ErrorCode & 8) != 0) Text(", reserved bit");
            Text(")");
        }
        Line();
        if (frame->Vector == 8 && KernelStack.IsOverflow(frame->Rsp))
        {
            Text("    kernel stack overflow: RSP is at the stack's guard page"); Line();
        }
        State(frame);
    }

    private static void State(InterruptFrame* frame)
    {
        Register("RIP", frame->Rip); Register("CR2", Cpu.ReadCr2()); Register("CR3", Cpu.ReadCr3()); Line();
        Register("RAX", frame->Rax); Register("RBX", frame->Rbx); Register("RCX", frame->Rcx); Line();
        Register("RDX", frame->Rdx); Register("RSI", frame->Rsi); Register("RDI", frame->Rdi); Line();
        Register("RBP", frame->Rbp); Register("RSP", frame->Rsp); Register("R8 ", frame->R8); Line();
        Register("R9 ", frame->R9); Register("R10", frame->R10); Register("R11", frame->R11); Line();
        Register("R12", frame->R12); Register("R13", frame->R13); Register("R14", frame->R14); Line();
        Register("R15", frame->R15); Register("RFL", frame->Rflags); Register("CS ", frame->Cs); Line();
        Text("    at "); Symbol(frame->Rip); Line();
        StackTrace(frame->Rbp);
        End();
    }

    private static void Begin()
    {
        Cpu.DisableInterrupts();
        if (s_panicking) Cpu.HaltForever(); // a panic while panicking: stop quietly rather than loop
        s_panicking = true;
        TextConsole.Terminal.Screen.Colour = 0x4F;
        Line();
    }

    private static void End()
    {
        Text("MemOS halted. Source lines: addr2line -f -e CosmosKernel/bin/kernel/kernel.elf ADDR (Debug build)");
        Line();
        TextConsole.Terminal.Screen.Flush();
        Cpu.HaltForever();
    }

    // Frames chain through RBP ([rbp] = caller's rbp, [rbp+8] = return address); stop at anything implausible.
    // (A method without a frame pointer does not appear: its caller's line names the call into it.)
    private static void StackTrace(ulong rbp)
    {
        Text("    call stack:");
        for (int depth = 0; depth < 16; depth++)
        {
            if (rbp < 0xFFFF_8000_0000_0000 || (rbp & 7) != 0) break;
            ulong ret = ((ulong*)rbp)[1];
            if (ret < 0xFFFF_FFFF_8000_0000) break;
            Line(); Text("      "); Symbol(ret - 1);
            ulong next = *(ulong*)rbp;
            if (next <= rbp) break;
            rbp = next;
        }
        Line();
    }

    // `Namespace.Type.Method+0xOFFSET (0xADDRESS)` from the image's symbol table, or the bare address.
    private static void Symbol(ulong address)
    {
        if (Core.Exceptions.SymbolTable.TryFindCode(address, out byte* name, out ulong offset))
        {
            for (byte* c = name; *c != 0; c++) Char((char)*c);
            Text("+"); Hex(offset); Text(" (");
            Hex(address); Text(")");
        }
        else Hex(address);
    }

    private static void Register(string name, ulong value)
    {
        Text("    "); Text(name); Text("="); Hex16(value);
    }

    private static void Text(string s)
    {
        for (int i = 0; i < s.Length; i++) Char(s[i]);
    }

    private static void Char(char c)
    {
        SerialPort.Write(c);
        TextConsole.Terminal.Screen.Write(c);
    }

    private static void Line() => Char('\n');

    private static void Hex(ulong value)
    {
        Char('0'); Char('x');
        bool started = false;
        for (int shift = 60; shift >= 0; shift -= 4)
        {
            int digit = (int)((value >> shift) & 0xF);
            if (digit == 0 && !started && shift != 0) continue;
            started = true;
            Char((char)(digit < 10 ? '0' + digit : 'a' + digit - 10));
        }
    }

    private static void Hex16(ulong value)
    {
        for (int shift = 60; shift >= 0; shift -= 4)
        {
            int digit = (int)((value >> shift) & 0xF);
            Char((char)(digit < 10 ? '0' + digit : 'a' + digit - 10));
        }
    }

    private static void Decimal(ulong value)
    {
        if (value >= 10) Decimal(value / 10);
        Char((char)('0' + (int)(value % 10)));
    }
}
