; pal_unsupported.asm — libSystem.Native entry points the BCL links against but MemOS does not provide
; (files, terminals, signals: System.Console's Unix back end, which MemOS replaces with its own reader and
; writer). Each one stops the machine with a panic that names it.
default rel
bits 64
section .text
extern memos_unsupported

%macro UNSUPPORTED 1
global %1
%1:
    lea rdi, [%%name]
    jmp memos_unsupported
%%name: db %str(%1), 0
%endmacro

UNSUPPORTED SystemNative_Close
UNSUPPORTED SystemNative_ConvertErrorPalToPlatform
UNSUPPORTED SystemNative_ConvertErrorPlatformToPal
UNSUPPORTED SystemNative_Dup
UNSUPPORTED SystemNative_FLock
UNSUPPORTED SystemNative_FStat
UNSUPPORTED SystemNative_GetControlCharacters
UNSUPPORTED SystemNative_GetCwd
UNSUPPORTED SystemNative_GetEUid
UNSUPPORTED SystemNative_GetPwUidR
UNSUPPORTED SystemNative_GetWindowSize
UNSUPPORTED SystemNative_InitializeTerminalAndSignalHandling
UNSUPPORTED SystemNative_IsATty
UNSUPPORTED SystemNative_LSeek
UNSUPPORTED SystemNative_Open
UNSUPPORTED SystemNative_PRead
UNSUPPORTED SystemNative_Poll
UNSUPPORTED SystemNative_Read
UNSUPPORTED SystemNative_SetKeypadXmit
UNSUPPORTED SystemNative_SetTerminalInvalidationHandler
UNSUPPORTED SystemNative_Stat
UNSUPPORTED SystemNative_StrErrorR
UNSUPPORTED SystemNative_UninitializeTerminal
UNSUPPORTED SystemNative_Unlink
UNSUPPORTED SystemNative_Write

section .note.GNU-stack noalloc noexec nowrite progbits
