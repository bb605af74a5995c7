; symbols.asm — hands the linker's layout symbols to C#: where each part of the kernel image is.
default rel
bits 64
section .text
extern __kernel_start, __text_start, __text_end, __rodata_start, __rodata_end, __data_start, __bss_end, __kernel_end
extern memos_boot_tables_start, memos_boot_tables_end, memos_stack_guard
global memos_image_layout

; void memos_image_layout(ulong* out): 9 addresses, in KernelImage's order
memos_image_layout:
    lea rax, [__kernel_start]
    mov [rdi + 0], rax
    lea rax, [__text_start]
    mov [rdi + 8], rax
    lea rax, [__text_end]
    mov [rdi + 16], rax
    lea rax, [__rodata_start]
    mov [rdi + 24], rax
    lea rax, [__rodata_end]
    mov [rdi + 32], rax
    lea rax, [__data_start]
    mov [rdi + 40], rax
    lea rax, [__kernel_end]
    mov [rdi + 48], rax
    lea rax, [memos_boot_tables_start]
    mov [rdi + 56], rax
    lea rax, [memos_boot_tables_end]
    mov [rdi + 64], rax
    lea rax, [memos_stack_guard]
    mov [rdi + 72], rax
    ret

section .note.GNU-stack noalloc noexec nowrite progbits
