using System.Runtime.CompilerServices;

namespace MemOS.Core;

/// <summary>
/// How the runtime stops the machine when CoreLib asks for something MemOS does not provide. Core knows nothing
/// of MemOS: the kernel installs the handler that prints the panic screen; until then the CPU just halts.
/// </summary>
public static unsafe class RuntimeFatal
{
    private static delegate*<string, string, void> s_handler;

    /// <summary>The kernel's panic routine: (what stopped, detail).</summary>
    public static void SetHandler(delegate*<string, string, void> handler) => s_handler = handler;

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Stop(string what, string detail)
    {
        if (s_handler != null) s_handler(what, detail);
        while (true) Halt();
    }

    /// <summary>A runtime entry point CoreLib imports but MemOS implements only as a stop: names the symbol.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Unsupported(string symbol) => Stop("unsupported runtime call", symbol);

    [MethodImpl(MethodImplOptions.InternalCall), System.Runtime.RuntimeImport("*", "memos_halt_forever")]
    private static extern void Halt();
}
