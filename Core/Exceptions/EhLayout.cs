namespace MemOS.Core.Exceptions;

/// <summary>
/// Offsets and sizes of the structures CoreLib 10.0.12's managed dispatcher (System.Runtime.EH) shares with the
/// native half: its ExInfo, StackFrameIterator, REGDISPLAY, PAL_LIMITED_CONTEXT and EHEnum. The asm in
/// exceptions.asm repeats the ones it uses. A host test reads the real CoreLib and fails if any of them moved.
/// </summary>
public static class EhLayout
{
    public const int ExInfoPrev = 0;
    public const int ExInfoContext = 8;
    public const int ExInfoException = 16;
    public const int ExInfoKind = 24;
    public const int ExInfoPassNumber = 25;
    public const int ExInfoCurrentClause = 28;
    public const int ExInfoFrameIterator = 32;
    public const int ExInfoNotifyDebuggerSp = 392;
    /// <summary>Stack bytes the throw entry points reserve for an ExInfo (exceptions.asm EXINFO_STACK_SIZE).</summary>
    public const int ExInfoStackSize = 400;

    public const int IteratorFramePointer = 16;
    public const int IteratorControlPc = 24;
    public const int IteratorRegDisplay = 32;
    public const int IteratorOriginalControlPc = 344;
    public const int IteratorPreviousTransitionFrame = 352;
    public const int IteratorSize = 360;

    // REGDISPLAY (amd64): a pointer to where each register's value is, then SP and IP.
    public const int RegDisplayRbx = 24;
    public const int RegDisplayRbp = 32;
    public const int RegDisplayR12 = 88;
    public const int RegDisplayR13 = 96;
    public const int RegDisplayR14 = 104;
    public const int RegDisplayR15 = 112;
    public const int RegDisplaySp = 120;
    public const int RegDisplayIp = 128;
    public const int RegDisplaySize = 136;

    // PAL_LIMITED_CONTEXT: IP, Rsp, Rbp, Rax, Rbx, Rdx, R12, R13, R14, R15.
    public const int ContextIp = 0;
    public const int ContextRsp = 8;
    public const int ContextRbp = 16;
    public const int ContextRbx = 32;
    public const int ContextR12 = 48;
    public const int ContextSize = 80;

    public const int EhEnumSize = 32;

    /// <summary>Where this runtime keeps the callee-saved values the REGDISPLAY points at: the iterator's bytes
    /// between the REGDISPLAY and OriginalControlPC, which CoreLib never reads.</summary>
    public const int IteratorScratch = IteratorRegDisplay + RegDisplaySize;
}
