; start.asm — a MemOS program's first instructions (Linux x86_64 process start): rsp points at argc, argv..., NULL,
; envp..., NULL, auxv. Sets up the TLS block (arch_prctl), runs CoreLib's module initialisation, the user runtime's
; setup, then Main through ilc's __managed__Main, and leaves with its result through exit_group.
default rel
bits 64

SYS_EXIT_GROUP  equ 231
SYS_ARCH_PRCTL  equ 158
ARCH_SET_FS     equ 0x1002
TLS_BLOCK_SIZE  equ 16 * 1024

extern __modules_start, __modules_end, __tdata_start, __tdata_size, __tls_block_size
extern InitializeModules, __managed__Main, memos_user_exit
global _start, memos_halt_forever, cpu_pause, memos_initial_stack_pointer

section .text
_start:
    xor ebp, ebp                  ; the outermost frame
    mov [memos_initial_stack], rsp
    and rsp, -16

    ; TLS (variant II): .tdata then zeroed .tbss, the thread pointer at the block's end pointing to itself;
    ; ld relaxed every TLS access to %fs:-offset. The block is in .bss, so it is zero already.
    mov rcx, __tls_block_size
    cmp rcx, TLS_BLOCK_SIZE - 8
    ja .tls_too_big
    lea rdi, [tls_block]
    lea rsi, [__tdata_start]
    mov rcx, __tdata_size
    rep movsb
    lea rsi, [tls_block]
    add rsi, __tls_block_size     ; block and size are aligned to the TLS alignment (linker script)
    mov [rsi], rsi
    mov edi, ARCH_SET_FS
    mov eax, SYS_ARCH_PRCTL
    syscall
    test rax, rax
    jnz .no_tls

    ; CoreLib's module initialisation: statics and eager class constructors
    xor edi, edi
    lea rsi, [__modules_start]
    lea rdx, [__modules_end]
    sub rdx, rsi
    shr rdx, 3
    xor ecx, ecx
    xor r8d, r8d
    call InitializeModules

    ; int __managed__Main(int argc, char** argv): CoreLib's library initialisers, the user runtime's (heap, console,
    ; collector: LibraryInitializer.cs), then Main
    mov rsi, [memos_initial_stack]
    mov edi, [rsi]
    add rsi, 8
    call __managed__Main
    mov edi, eax
    call memos_user_exit          ; flushes the console and calls exit_group: never returns
    jmp memos_halt_forever

.tls_too_big:
    mov edi, 126
    jmp exit_now
.no_tls:
    mov edi, 125
exit_now:
    mov eax, SYS_EXIT_GROUP
    syscall
    ud2

; The runtime's "stop the machine": in a process, the process stops (Core's RuntimeFatal has printed why).
memos_halt_forever:
    mov edi, 134
    mov eax, SYS_EXIT_GROUP
    syscall
    ud2

cpu_pause:
    pause
    ret

memos_initial_stack_pointer:
    mov rax, [memos_initial_stack]
    ret

section .data
align 8
memos_initial_stack: dq 0

section .bss
align 64
tls_block: resb TLS_BLOCK_SIZE

section .note.GNU-stack noalloc noexec nowrite progbits
