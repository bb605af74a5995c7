; process.asm — the doors between ring 0 and ring 3: the syscall entry (LSTAR), the common way back to a process
; (sysret when it is safe, iretq otherwise), the first entry of a new process, and the kernel-stack switch.
; One CPU: the kernel stack of the running process and the FS bases live in plain globals.
default rel
bits 64
section .text
extern memos_syscall
global memos_syscall_entry, memos_switch, memos_process_start, memos_return_to_user
global memos_process_globals, memos_user_iret, memos_syscall_iret, memos_enter_kernel_fs, memos_leave_kernel_fs

USER_DATA equ 0x1b
USER_CODE equ 0x23
SYSCALL_VECTOR equ 0x100
FS_BASE_MSR equ 0xC0000100
; user space ends a page below 2^47 (as Linux's TASK_SIZE): a RIP at or above this never goes back by sysret
USER_TOP equ 0x00007FFFFFFFF000

%macro PUSH_GPRS 0
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
%endmacro

; rax, rcx, rdx are free here (saved in the frame)
%macro ENTER_KERNEL_FS 0
    mov ecx, FS_BASE_MSR
    rdmsr
    shl rdx, 32
    or rax, rdx
    mov [user_fs], rax
    mov rax, [kernel_fs]
    mov rdx, rax
    shr rdx, 32
    wrmsr
%endmacro

; syscall: RCX = user RIP, R11 = user RFLAGS, IF/TF/DF/AC/NT/IOPL already cleared by FMASK, still on the user stack
memos_syscall_entry:
    mov [user_rsp_scratch], rsp
    mov rsp, [kernel_rsp0]
    push qword USER_DATA
    push qword [user_rsp_scratch]
    push r11
    push qword USER_CODE
    push rcx
    push qword 0                  ; error code
    push qword SYSCALL_VECTOR
    PUSH_GPRS
    ENTER_KERNEL_FS
    mov rdi, rsp                  ; InterruptFrame*
    mov rbx, rsp
    sub rsp, 512
    and rsp, -16
    fxsave [rsp]
    call memos_syscall
    fxrstor [rsp]
    mov rsp, rbx
    ; the user FS base back (arch_prctl may have changed it)
    mov rax, [user_fs]
    mov rdx, rax
    shr rdx, 32
    mov ecx, FS_BASE_MSR
    wrmsr
    pop r15
    pop r14
    pop r13
    pop r12
    pop r11                       ; replaced below
    pop r10
    pop r9
    pop r8
    pop rbp
    pop rdi
    pop rsi
    pop rdx
    pop rcx                       ; replaced below
    pop rbx
    pop rax
    add rsp, 16                   ; vector and error code: rsp -> RIP, CS, RFLAGS, RSP, SS
    ; sysret loads CS/SS from STAR and RIP from RCX: only for a plain user frame with a RIP inside user space
    ; (Intel raises #GP in ring 0 on the user stack for a non-canonical RCX). Anything else returns by iretq.
    cmp qword [rsp + 8], USER_CODE
    jne memos_syscall_iret
    mov rcx, [rsp]
    mov r11, USER_TOP
    cmp rcx, r11
    jae memos_syscall_iret
    mov r11, [rsp + 16]
    mov rsp, [rsp + 24]
    o64 sysret
memos_syscall_iret:
    iretq

; For interrupts.asm (clobber rax, rcx, rdx, which it has saved): the FS base switch on entry from and exit to ring 3.
memos_enter_kernel_fs:
    ENTER_KERNEL_FS
    ret
memos_leave_kernel_fs:
    mov rax, [user_fs]
    mov rdx, rax
    shr rdx, 32
    mov ecx, FS_BASE_MSR
    wrmsr
    ret

; Back to ring 3 from an InterruptFrame at rsp (the GPRs first): user FS base, registers, iretq.
memos_return_to_user:
    mov rax, [user_fs]
    mov rdx, rax
    shr rdx, 32
    mov ecx, FS_BASE_MSR
    wrmsr
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
    add rsp, 16
memos_user_iret:
    iretq

; A new process's kernel stack ends in a prepared InterruptFrame; memos_switch "returns" here the first time.
; The FPU/SSE state starts clean: every xmm register zero, default MXCSR.
memos_process_start:
    fninit
    ldmxcsr [default_mxcsr]
    xorps xmm0, xmm0
    xorps xmm1, xmm1
    xorps xmm2, xmm2
    xorps xmm3, xmm3
    xorps xmm4, xmm4
    xorps xmm5, xmm5
    xorps xmm6, xmm6
    xorps xmm7, xmm7
    xorps xmm8, xmm8
    xorps xmm9, xmm9
    xorps xmm10, xmm10
    xorps xmm11, xmm11
    xorps xmm12, xmm12
    xorps xmm13, xmm13
    xorps xmm14, xmm14
    xorps xmm15, xmm15
    jmp memos_return_to_user

; void memos_switch(ulong* saveRsp, ulong newRsp): callee-saved registers on the old stack, its rsp saved, the
; new stack's registers popped. SSE registers are caller-saved in the System V ABI.
memos_switch:
    push rbx
    push rbp
    push r12
    push r13
    push r14
    push r15
    mov [rdi], rsp
    mov rsp, rsi
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbp
    pop rbx
    ret

; ulong* memos_process_globals(): [0] kernel_rsp0, [1] kernel_fs, [2] user_fs, [3] start address,
; [4] user-return iretq address, [5] syscall-return iretq address, [6] syscall entry address
memos_process_globals:
    lea rax, [kernel_rsp0]
    lea rdx, [memos_process_start]
    mov [rax + 24], rdx
    lea rdx, [memos_user_iret]
    mov [rax + 32], rdx
    lea rdx, [memos_syscall_iret]
    mov [rax + 40], rdx
    lea rdx, [memos_syscall_entry]
    mov [rax + 48], rdx
    ret

section .data
align 16
default_mxcsr: dd 0x1F80
align 8
kernel_rsp0: dq 0
kernel_fs: dq 0
user_fs: dq 0
start_address: dq 0
user_iret_address: dq 0
syscall_iret_address: dq 0
syscall_entry_address: dq 0
user_rsp_scratch: dq 0

section .note.GNU-stack noalloc noexec nowrite progbits
