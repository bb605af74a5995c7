; console_pal_unsupported.asm — libSystem.Native entry points of System.Console's Unix terminal reader that a
; program links against once it reads the console, but never calls: the runtime replaces Console.In with its own
; reader over read(0) (ConsoleInput.cs). Like Plugs/pal_unsupported.asm, each stops the program naming itself.
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

UNSUPPORTED SystemNative_InitializeConsoleBeforeRead
UNSUPPORTED SystemNative_ReadStdin
UNSUPPORTED SystemNative_SNPrintF_1I
UNSUPPORTED SystemNative_SNPrintF_1S
UNSUPPORTED SystemNative_UninitializeConsoleAfterRead

section .note.GNU-stack noalloc noexec nowrite progbits
