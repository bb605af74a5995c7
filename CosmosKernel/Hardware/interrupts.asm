; interrupts.asm — one stub per vector: push a dummy error code where the CPU pushes none, push the vector,
; save every register and the SSE state, call the C# dispatcher with the frame, restore, iretq.
; C# may change the saved RIP (a fault handler resuming at a fixup) before it returns.
default rel
bits 64
section .text
extern memos_interrupt, memos_enter_kernel_fs, memos_leave_kernel_fs
global memos_isr_table, memos_isr_address_table

%macro ISR_NOERR 1
isr%1:
    push qword 0
    push qword %1
    jmp isr_common
%endmacro
%macro ISR_ERR 1
isr%1:
    push qword %1
    jmp isr_common
%endmacro

%assign i 0
%rep 256
%if i == 8 || i == 10 || i == 11 || i == 12 || i == 13 || i == 14 || i == 17 || i == 21 || i == 29 || i == 30
    ISR_ERR i
%else
    ISR_NOERR i
%endif
%assign i i + 1
%endrep

memos_isr_address_table:
    lea rax, [memos_isr_table]
    ret

isr_common:
    cld
    push rax
    push rbx
    push rcx
    push rdx
    push rsi
    push rdi
    push rbp
    push r8
    push r9
    push r10
    push r11
    push r12
    push r13
    push r14
    push r15
    test qword [rsp + 144], 3     ; from ring 3: the kernel's FS base (TLS) in, the process's saved
    jz .from_kernel
    call memos_enter_kernel_fs
.from_kernel:
    mov rdi, rsp                  ; InterruptFrame*
    mov rbx, rsp
    sub rsp, 512
    and rsp, -16
    fxsave [rsp]
    call memos_interrupt
    fxrstor [rsp]
    mov rsp, rbx
    test qword [rsp + 144], 3     ; back to ring 3: the process's FS base
    jz .to_kernel
    call memos_leave_kernel_fs
.to_kernel:
    pop r15
    pop r14
    pop r13
    pop r12
    pop r11
    pop r10
    pop r9
    pop r8
    pop rbp
    pop rdi
    pop rsi
    pop rdx
    pop rcx
    pop rbx
    pop rax
    add rsp, 16                   ; vector and error code
    iretq

section .data
align 8
memos_isr_table:
%assign i 0
%rep 256
    dq isr %+ i
%assign i i + 1
%endrep

section .note.GNU-stack noalloc noexec nowrite progbits
