; safe_access.asm — memory accesses that may fault and must not kill the kernel (the shell's touch/read/write).
; Each access instruction has a fixup: if the page-fault handler finds the faulting RIP in memos_fixup_table and
; the fault is a violation, it resumes at the fixup, which returns 1. Linux does this with its exception table.
default rel
bits 64
section .text
global memos_safe_read8, memos_safe_write8, memos_safe_read64, memos_safe_write64, memos_safe_exec
global memos_fixup_table_address, memos_safe_exec_return_address, memos_safe_copy
global memos_exec_probe, memos_exec_probe_start_address, memos_exec_probe_end_address

; int memos_safe_read8(ulong address, byte* value)
memos_safe_read8:
.access:
    movzx eax, byte [rdi]
    mov [rsi], al
    xor eax, eax
    ret
.fixup:
    mov eax, 1
    ret

; int memos_safe_write8(ulong address, byte value)
memos_safe_write8:
.access:
    mov [rdi], sil
    xor eax, eax
    ret
.fixup:
    mov eax, 1
    ret

; int memos_safe_read64(ulong address, ulong* value)
memos_safe_read64:
.access:
    mov rax, [rdi]
    mov [rsi], rax
    xor eax, eax
    ret
.fixup:
    mov eax, 1
    ret

; int memos_safe_write64(ulong address, ulong value)
memos_safe_write64:
.access:
    mov [rdi], rsi
    xor eax, eax
    ret
.fixup:
    mov eax, 1
    ret

; int memos_safe_copy(void* destination, void* source, ulong length): a copy between user and kernel memory
; (the system calls' user pointers, checked by the caller); 1 if it faulted part way
memos_safe_copy:
    mov rcx, rdx
.access:
    rep movsb
    xor eax, eax
    ret
.fixup:
    mov eax, 1
    ret

; int memos_exec_probe(ulong target, ulong alias): runs a ret at target for real. alias is a writable mapping of
; the same byte (the direct map): the byte is saved, replaced by ret (0xc3), called through memos_safe_exec (so a
; fault still resumes at its fixup) and put back. 0: the ret ran and returned; 1: the fetch faulted. Interrupts
; must be off; target must not lie in this code (memos_exec_probe .. memos_exec_probe_end).
memos_exec_probe:
    push rbx
    mov rbx, rsi
    movzx eax, byte [rbx]
    push rax
    mov byte [rbx], 0xc3
    call memos_safe_exec
    pop rcx
    mov [rbx], cl
    pop rbx
    ret

; int memos_safe_exec(ulong address): an instruction fetch at address. Only called when the fetch must fault
; (page absent or NX): the handler always resumes at the fixup, having resolved or refused the fault.
memos_safe_exec:
    call rdi
memos_safe_exec_return:
    xor eax, eax
    ret
memos_safe_exec_fixup:
    mov eax, 1
    ret
memos_exec_probe_end:

; the table's address and the return address that marks an instruction fetch made by memos_safe_exec
memos_fixup_table_address:
    lea rax, [memos_fixup_table]
    ret
memos_safe_exec_return_address:
    lea rax, [memos_safe_exec_return]
    ret
memos_exec_probe_start_address:
    lea rax, [memos_exec_probe]
    ret
memos_exec_probe_end_address:
    lea rax, [memos_exec_probe_end]
    ret

section .data
align 8
memos_fixup_table:
    dq memos_safe_read8.access, memos_safe_read8.fixup
    dq memos_safe_write8.access, memos_safe_write8.fixup
    dq memos_safe_read64.access, memos_safe_read64.fixup
    dq memos_safe_write64.access, memos_safe_write64.fixup
    dq memos_safe_exec_return, memos_safe_exec_fixup
    dq memos_safe_copy.access, memos_safe_copy.fixup

section .note.GNU-stack noalloc noexec nowrite progbits
