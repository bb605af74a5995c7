namespace MemOS.User.Runtime;

/// <summary>
/// What the kernel put on the stack at process start (Linux's layout): argc, argv[], NULL, envp[], NULL, then the
/// auxiliary vector of (type, value) pairs ending with AT_NULL. Read once by the runtime before Main.
/// </summary>
public static unsafe class InitialStack
{
    public const ulong AtNull = 0, AtPhdr = 3, AtPhent = 4, AtPhnum = 5, AtPagesz = 6, AtEntry = 9, AtRandom = 25;

    private static ulong* s_stack;

    /// <summary>The stack pointer at _start: the highest stack address a managed frame can use.</summary>
    public static ulong Top => (ulong)s_stack;

    internal static void Capture(ulong* stack) => s_stack = stack;

    public static int ArgumentCount => s_stack == null ? 0 : (int)s_stack[0];

    private static byte** Environment => (byte**)(s_stack + 1 + ArgumentCount + 1);

    /// <summary>The value of environment variable <paramref name="name"/>, or null.</summary>
    public static string? Variable(string name)
    {
        if (s_stack == null) return null;
        for (byte** e = Environment; *e != null; e++)
        {
            byte* entry = *e;
            int i = 0;
            while (i < name.Length && entry[i] == name[i]) i++;
            if (i == name.Length && entry[i] == '=') return new string((sbyte*)entry + i + 1);
        }
        return null;
    }

    /// <summary>The auxiliary vector's value for <paramref name="type"/>, or 0 when it is absent.</summary>
    public static ulong Auxiliary(ulong type)
    {
        if (s_stack == null) return 0;
        byte** e = Environment;
        while (*e != null) e++;
        for (ulong* aux = (ulong*)(e + 1); aux[0] != AtNull; aux += 2)
            if (aux[0] == type) return aux[1];
        return 0;
    }
}
