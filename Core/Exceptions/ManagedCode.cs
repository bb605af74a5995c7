namespace MemOS.Core.Exceptions;

/// <summary>
/// What ilc's unwind block (the LSDA in .dotnet_eh_table) says about the function holding a code address: whether
/// it is a method body or a funclet (a catch, finally or filter body compiled as its own function), the start of
/// the method it belongs to (EH offsets count from there), and where its EH clauses are.
/// Block layout: a flags byte; for a funclet, a rel32 to the method's block and the funclet's offset in the
/// method; for a method, an optional rel32 to associated data, then (if it has EH) a rel32 to its clauses.
/// </summary>
internal unsafe struct ManagedCode
{
    private const byte KindMask = 0x03;
    private const byte KindRoot = 0x00;
    private const byte HasEhInfo = 0x04;
    private const byte ReversePInvoke = 0x08;
    private const byte HasAssociatedData = 0x10;

    public FunctionEntry Function;
    public ulong MethodStart;
    public byte* MainBlock;
    public byte* Block;

    /// <summary>The managed function holding pc; false for code ilc did not compile or without an unwind
    /// block.</summary>
    public static bool Find(ulong pc, out ManagedCode code)
    {
        code = default;
        if (!EhFrameTable.Find(pc, out code.Function) || code.Function.Lsda == null) return false;
        byte* block = code.Function.Lsda;
        code.Block = block;
        if ((block[0] & KindMask) != KindRoot)
        {
            code.MainBlock = block + 1 + *(int*)(block + 1);
            code.MethodStart = code.Function.Start - (ulong)*(int*)(block + 5);
        }
        else
        {
            code.MainBlock = block;
            code.MethodStart = code.Function.Start;
        }
        return true;
    }

    public readonly bool IsFunclet => (Block[0] & KindMask) != KindRoot;

    /// <summary>An [UnmanagedCallersOnly] method: native code called it, so exception dispatch ends here.</summary>
    public readonly bool IsReversePInvoke => (Block[0] & ReversePInvoke) != 0;

    public readonly bool HasClauses => (MainBlock[0] & HasEhInfo) != 0;

    /// <summary>The method's EH clause table (a count, then the clauses), or null.</summary>
    public readonly byte* Clauses
    {
        get
        {
            byte* p = MainBlock;
            byte flags = *p++;
            if ((flags & HasAssociatedData) != 0) p += 4;
            if ((flags & HasEhInfo) == 0) return null;
            return p + *(int*)p;
        }
    }
}
