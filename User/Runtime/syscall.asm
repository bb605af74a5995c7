; syscall.asm — the one system-call stub: long memos_syscall(long number, long a1, ..., long a6).
; The SysV call puts number..a5 in rdi, rsi, rdx, rcx, r8, r9 and a6 on the stack; the syscall ABI wants the
; number in rax and the arguments in rdi, rsi, rdx, r10, r8, r9 (rcx and r11 are clobbered by the instruction).
default rel
bits 64
global memos_syscall

section .text
memos_syscall:
    mov rax, rdi
    mov rdi, rsi
    mov rsi, rdx
    mov rdx, rcx
    mov r10, r8
    mov r8, r9
    mov r9, [rsp + 8]
    syscall
    ret

section .note.GNU-stack noalloc noexec nowrite progbits
