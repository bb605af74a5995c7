using System.Runtime;
using System.Runtime.CompilerServices;

namespace MemOS.Core.Exceptions;

/// <summary>
/// RhpSfiInit / RhpSfiNext: the stack frame iterator CoreLib's dispatcher walks with, living inside CoreLib's own
/// StackFrameIterator (ExInfo._frameIter). It starts at the context a throw entry point captured and steps from
/// caller to caller with the CFI unwinder, reporting ControlPC (a return address minus one, so that it falls inside
/// the call's try region) and SP.
///
/// Leaving a funclet: a filter returns into RhpCallFilterFunclet, whose frame is unwound by hand (the dispatcher's
/// own try/catch around the filter must see the exception). A catch or finally funclet returns into
/// RhpCallCatchFunclet / RhpCallFinallyFunclet: the frames between that call and the funclet's parent method belong
/// to an exception already being dispatched, so the walk jumps straight to the parent frame (the REGDISPLAY the
/// funclet was called with) and reports which clause was running (a "collided unwind"), so the search resumes at the
/// clauses enclosing it. A method native code called ([UnmanagedCallersOnly]) ends dispatch.
/// </summary>
internal static unsafe class StackFrameIterator
{
    private const uint NoClause = 0xFFFFFFFF;
    private const int ScratchRbx = EhLayout.IteratorScratch;

    private static ulong s_catchReturn, s_finallyReturn, s_filterReturn;

    [RuntimeExport("RhpSfiInit")]
    private static bool Init(byte* iterator, byte* context, bool instructionFault, bool* intercepted)
    {
        if (intercepted != null) *intercepted = false;
        for (int i = 0; i < EhLayout.IteratorSize; i++) iterator[i] = 0;
        var state = new FrameRegisters
        {
            Ip = *(ulong*)(context + EhLayout.ContextIp),
            Sp = *(ulong*)(context + EhLayout.ContextRsp),
            Rbp = *(ulong*)(context + EhLayout.ContextRbp),
            Rbx = *(ulong*)(context + EhLayout.ContextRbx),
            R12 = *(ulong*)(context + EhLayout.ContextR12),
            R13 = *(ulong*)(context + EhLayout.ContextR12 + 8),
            R14 = *(ulong*)(context + EhLayout.ContextR12 + 16),
            R15 = *(ulong*)(context + EhLayout.ContextR12 + 24),
        };
        return Store(iterator, state, instructionFault);
    }

    [RuntimeExport("RhpSfiNext")]
    private static bool Next(byte* iterator, uint* collidedClause, bool* unwoundReversePInvoke, bool* intercepted)
    {
        if (collidedClause != null) *collidedClause = NoClause;
        if (unwoundReversePInvoke != null) *unwoundReversePInvoke = false;
        if (intercepted != null) *intercepted = false;

        FrameRegisters state = Load(iterator);
        ulong lookupPc = *(ulong*)(iterator + EhLayout.IteratorControlPc);
        if (!ManagedCode.Find(lookupPc, out ManagedCode code)) return false;
        if (code.IsReversePInvoke)
        {
            if (unwoundReversePInvoke != null) *unwoundReversePInvoke = true;
            return true;
        }
        if (!CfiUnwinder.Unwind(code.Function, lookupPc, ref state)) return false;

        LoadFuncletReturns();
        if (state.Ip == s_catchReturn || state.Ip == s_finallyReturn)
        {
            // [rsp + 8] of the funclet call's frame: the REGDISPLAY of the parent frame, inside an ExInfo.
            byte* regDisplay = *(byte**)(state.Sp + 8);
            byte* parent = regDisplay - EhLayout.IteratorRegDisplay;
            byte* exInfo = parent - EhLayout.ExInfoFrameIterator;
            if (collidedClause != null) *collidedClause = *(uint*)(exInfo + EhLayout.ExInfoCurrentClause);
            CopyFrame(parent, iterator);
            return true;
        }
        if (state.Ip == s_filterReturn)
        {
            // RhpCallFilterFunclet's frame: 24 bytes of locals, rbp rbx r12 r13 r14 r15, the return address.
            ulong* frame = (ulong*)state.Sp;
            state.Rbp = frame[3];
            state.Rbx = frame[4];
            state.R12 = frame[5];
            state.R13 = frame[6];
            state.R14 = frame[7];
            state.R15 = frame[8];
            state.Ip = frame[9];
            state.Sp += 80;
        }
        return Store(iterator, state, instructionFault: false);
    }

    /// <summary>Fills the iterator from a frame state; false when the frame is not managed code.</summary>
    private static bool Store(byte* iterator, in FrameRegisters state, bool instructionFault)
    {
        ulong* scratch = (ulong*)(iterator + ScratchRbx);
        scratch[0] = state.Rbx;
        scratch[1] = state.Rbp;
        scratch[2] = state.R12;
        scratch[3] = state.R13;
        scratch[4] = state.R14;
        scratch[5] = state.R15;
        byte* rd = iterator + EhLayout.IteratorRegDisplay;
        *(ulong**)(rd + EhLayout.RegDisplayRbx) = &scratch[0];
        *(ulong**)(rd + EhLayout.RegDisplayRbp) = &scratch[1];
        *(ulong**)(rd + EhLayout.RegDisplayR12) = &scratch[2];
        *(ulong**)(rd + EhLayout.RegDisplayR13) = &scratch[3];
        *(ulong**)(rd + EhLayout.RegDisplayR14) = &scratch[4];
        *(ulong**)(rd + EhLayout.RegDisplayR15) = &scratch[5];
        *(ulong*)(rd + EhLayout.RegDisplaySp) = state.Sp;
        *(ulong*)(rd + EhLayout.RegDisplayIp) = state.Ip;
        ulong controlPc = instructionFault ? state.Ip : state.Ip - 1;
        *(ulong*)(iterator + EhLayout.IteratorControlPc) = controlPc;
        *(ulong*)(iterator + EhLayout.IteratorOriginalControlPc) = state.Ip;
        if (!ManagedCode.Find(controlPc, out ManagedCode code))
        {
            *(ulong*)(iterator + EhLayout.IteratorFramePointer) = 0;
            return false;
        }
        // A method with EH and its funclets share rbp: the dispatcher uses that to list the method once in a trace.
        bool framed = code.IsFunclet || code.HasClauses;
        *(ulong*)(iterator + EhLayout.IteratorFramePointer) = framed ? state.Rbp : 0;
        return true;
    }

    private static FrameRegisters Load(byte* iterator)
    {
        ulong* scratch = (ulong*)(iterator + ScratchRbx);
        byte* rd = iterator + EhLayout.IteratorRegDisplay;
        return new FrameRegisters
        {
            Ip = *(ulong*)(rd + EhLayout.RegDisplayIp),
            Sp = *(ulong*)(rd + EhLayout.RegDisplaySp),
            Rbx = scratch[0], Rbp = scratch[1], R12 = scratch[2], R13 = scratch[3], R14 = scratch[4], R15 = scratch[5],
        };
    }

    // The parent frame exactly as the earlier dispatch saw it (same SP, same ControlPC), registers by value.
    private static void CopyFrame(byte* from, byte* to)
    {
        byte* rd = from + EhLayout.IteratorRegDisplay;
        var state = new FrameRegisters
        {
            Ip = *(ulong*)(rd + EhLayout.RegDisplayIp),
            Sp = *(ulong*)(rd + EhLayout.RegDisplaySp),
            Rbx = **(ulong**)(rd + EhLayout.RegDisplayRbx),
            Rbp = **(ulong**)(rd + EhLayout.RegDisplayRbp),
            R12 = **(ulong**)(rd + EhLayout.RegDisplayR12),
            R13 = **(ulong**)(rd + EhLayout.RegDisplayR13),
            R14 = **(ulong**)(rd + EhLayout.RegDisplayR14),
            R15 = **(ulong**)(rd + EhLayout.RegDisplayR15),
        };
        Store(to, state, instructionFault: false);
        *(ulong*)(to + EhLayout.IteratorControlPc) = *(ulong*)(from + EhLayout.IteratorControlPc);
        *(ulong*)(to + EhLayout.IteratorOriginalControlPc) = *(ulong*)(from + EhLayout.IteratorOriginalControlPc);
        *(ulong*)(to + EhLayout.IteratorFramePointer) = *(ulong*)(from + EhLayout.IteratorFramePointer);
    }

    private static void LoadFuncletReturns()
    {
        if (s_catchReturn != 0) return;
        ulong* returns = stackalloc ulong[3];
        FuncletReturnAddresses(returns);
        s_catchReturn = returns[0];
        s_finallyReturn = returns[1];
        s_filterReturn = returns[2];
    }

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "memos_funclet_return_addresses")]
    private static extern void FuncletReturnAddresses(ulong* returns);
}
