namespace MemOS.Core.Exceptions;

/// <summary>
/// Unwinds one frame by running the function's DWARF call-frame program up to the frame's address: the result
/// is the CFA (canonical frame address: the caller's stack pointer), where each callee-saved register was pushed
/// and, at CFA-8, the return address. RyuJIT's prologs use only a handful of the CFI operations (advance_loc,
/// def_cfa_offset, def_cfa_register, def_cfa, offset); an operation outside that set ends the walk rather than
/// guess. Frame-pointer-less functions (about a third of them) unwind exactly like the others: the CFA is then
/// rsp-relative.
/// </summary>
internal static unsafe class CfiUnwinder
{
    private const int RegisterRsp = 7;
    private const int RegisterRbp = 6;
    private const int RegisterCount = 17;

    /// <summary>
    /// Replaces state (the frame at lookupPc) with its caller's. lookupPc is the address used to pick the row: the
    /// faulting instruction for the first frame of a fault, return address - 1 for every other frame.
    /// </summary>
    public static bool Unwind(in FunctionEntry entry, ulong lookupPc, ref FrameRegisters state)
    {
        int cfaRegister = RegisterRsp;
        long cfaOffset = 8;
        long* saved = stackalloc long[RegisterCount]; // offset from the CFA, 0 = not saved
        for (int i = 0; i < RegisterCount; i++) saved[i] = 0;
        ulong location = entry.Start;
        if (!Run(entry, entry.CieInstructions, entry.CieInstructionsEnd, lookupPc, ref location, ref cfaRegister,
                ref cfaOffset, saved))
            return false;
        if (!Run(entry, entry.Instructions, entry.InstructionsEnd, lookupPc, ref location, ref cfaRegister,
                ref cfaOffset, saved))
            return false;

        ulong cfaBase = cfaRegister == RegisterRsp ? state.Sp : cfaRegister == RegisterRbp ? state.Rbp : 0;
        if (cfaBase == 0) return false;
        ulong cfa = (ulong)((long)cfaBase + cfaOffset);
        if (saved[3] != 0) state.Rbx = *(ulong*)((long)cfa + saved[3]);
        if (saved[6] != 0) state.Rbp = *(ulong*)((long)cfa + saved[6]);
        if (saved[12] != 0) state.R12 = *(ulong*)((long)cfa + saved[12]);
        if (saved[13] != 0) state.R13 = *(ulong*)((long)cfa + saved[13]);
        if (saved[14] != 0) state.R14 = *(ulong*)((long)cfa + saved[14]);
        if (saved[15] != 0) state.R15 = *(ulong*)((long)cfa + saved[15]);
        long returnSlot = saved[16] != 0 ? saved[16] : -8;
        state.Ip = *(ulong*)((long)cfa + returnSlot);
        state.Sp = cfa;
        return true;
    }

    // Runs instructions until the row covering pc is complete; false for an operation it does not know.
    private static bool Run(in FunctionEntry entry, byte* p, byte* end, ulong pc, ref ulong location,
        ref int cfaRegister, ref long cfaOffset, long* saved)
    {
        while (p < end)
        {
            byte op = *p++;
            int high = op >> 6, low = op & 0x3F;
            if (high == 1) // advance_loc
            {
                location += (ulong)low * entry.CodeAlignment;
                if (location > pc) return true;
                continue;
            }
            if (high == 2) // offset: register saved at CFA + n * data alignment
            {
                long n = (long)Leb128.Unsigned(ref p);
                if (low < RegisterCount) saved[low] = n * entry.DataAlignment;
                continue;
            }
            if (high == 3) return false; // restore: RyuJIT prologs never need it
            switch (op)
            {
                case 0x00: break; // nop
                case 0x02: location += *p * entry.CodeAlignment; p += 1; if (location > pc) return true; break;
                case 0x03: location += *(ushort*)p * entry.CodeAlignment; p += 2; if (location > pc) return true; break;
                case 0x04: location += *(uint*)p * entry.CodeAlignment; p += 4; if (location > pc) return true; break;
                case 0x0C: // def_cfa register, offset
                    cfaRegister = (int)Leb128.Unsigned(ref p);
                    cfaOffset = (long)Leb128.Unsigned(ref p);
                    break;
                case 0x0D: cfaRegister = (int)Leb128.Unsigned(ref p); break; // def_cfa_register
                case 0x0E: cfaOffset = (long)Leb128.Unsigned(ref p); break;   // def_cfa_offset
                case 0x05: // offset_extended register, offset
                {
                    int register = (int)Leb128.Unsigned(ref p);
                    long n = (long)Leb128.Unsigned(ref p);
                    if (register < RegisterCount) saved[register] = n * entry.DataAlignment;
                    break;
                }
                default: return false;
            }
        }
        return true;
    }
}
