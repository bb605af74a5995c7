; violations.asm — the exact instructions segv executes, so the compiler cannot turn them into exceptions of its own
; (C# division by zero throws DivideByZeroException before any #DE; a null pointer read could be elided).
default rel
bits 64
global segv_read, segv_write, segv_call, segv_ud2, segv_divide
section .text
; ulong segv_read(ulong address)
segv_read:
    mov rax, [rdi]
    ret
; void segv_write(ulong address)
segv_write:
    mov qword [rdi], 0x5A
    ret
; void segv_call(ulong address)
segv_call:
    jmp rdi
; void segv_ud2(void)
segv_ud2:
    ud2
    ret
; long segv_divide(long dividend, long divisor)
segv_divide:
    mov rax, rdi
    cqo
    idiv rsi
    ret
section .note.GNU-stack noalloc noexec nowrite progbits
