namespace MemOS.Memory.Faults;

/// <summary>
/// The x86 page-fault error code the CPU pushes: P (protection, else not present), W, U, RSVD, I (instruction fetch).
/// </summary>
public readonly record struct ErrorCode(uint Value)
{
    public const uint PresentBit = 1;
    public const uint WriteBit = 2;
    public const uint UserBit = 4;
    public const uint ReservedBit = 8;
    public const uint InstructionBit = 16;

    /// <summary>The page was present: a protection fault rather than a missing page.</summary>
    public bool Present => (Value & PresentBit) != 0;
    public bool Write => (Value & WriteBit) != 0;
    public bool User => (Value & UserBit) != 0;
    public bool ReservedBitSet => (Value & ReservedBit) != 0;
    public bool InstructionFetch => (Value & InstructionBit) != 0;

    public static ErrorCode From(bool present, bool write, bool user, bool reserved = false, bool instruction = false)
        => new((present ? PresentBit : 0) | (write ? WriteBit : 0) | (user ? UserBit : 0)
               | (reserved ? ReservedBit : 0) | (instruction ? InstructionBit : 0));

    /// <summary>
    /// "write, not present, kernel", "execute, present, user, reserved bit". Allocates: not for the fault path.
    /// </summary>
    public string Describe()
        => (InstructionFetch ? "execute" : Write ? "write" : "read")
           + (Present ? ", present" : ", not present")
           + (User ? ", user" : ", kernel")
           + (ReservedBitSet ? ", reserved bit" : "");

    public override string ToString() => Describe();
}
