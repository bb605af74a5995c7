; boot.asm — where MemOS starts: multiboot1 (qemu -kernel) and multiboot2 (GRUB) headers, the 32-bit entry,
; boot page tables, long mode, the jump to the higher half, SSE, the TLS block, CoreLib's module init, then C#.

KERNEL_VMA      equ 0xFFFFFFFF80000000
MB1_MAGIC       equ 0x1BADB002
MB1_FLAGS       equ (1 << 1) | (1 << 16)   ; memory map; load addresses in this header (a.out kludge)
MB2_MAGIC       equ 0xE85250D6
BOOT_STACK_SIZE equ 512 * 1024

extern __load_start_phys, __load_end_phys, __bss_end_phys
extern __modules_start, __modules_end
extern __tdata_start, __tdata_size, __tls_block_size
extern InitializeModules, __managed__Startup, memos_main
global _start32, memos_boot_magic, memos_boot_info, memos_boot_pml4, memos_boot_stack_bottom, memos_boot_stack_top
global memos_tls_block, memos_halt_forever, memos_stack_bottom, memos_stack_top
global memos_boot_tables_start, memos_boot_tables_end, memos_stack_guard

section .multiboot
align 4
mb1_header:
    dd MB1_MAGIC
    dd MB1_FLAGS
    dd -(MB1_MAGIC + MB1_FLAGS)
    dd mb1_header                 ; header_addr (this section is linked at its physical address)
    dd __load_start_phys          ; load_addr
    dd __load_end_phys            ; load_end_addr
    dd __bss_end_phys             ; bss_end_addr: the loader zeroes up to here
    dd _start32                   ; entry_addr
align 8
mb2_header:
    dd MB2_MAGIC
    dd 0                          ; i386 protected mode
    dd mb2_end - mb2_header
    dd -(MB2_MAGIC + 0 + (mb2_end - mb2_header))
align 8
    dw 3, 0                       ; entry address tag: GRUB would otherwise jump to the ELF's virtual entry
    dd 12
    dd _start32
align 8
    dw 5, 1                       ; framebuffer tag, optional: 1024x768x32 (grub.cfg's gfxpayload overrides it)
    dd 20
    dd 1024, 768, 32
align 8
    dw 0, 0                       ; end tag
    dd 8
mb2_end:

section .boot32 progbits alloc exec
bits 32
_start32:
    cli
    cld
    mov esp, boot_stack_top - KERNEL_VMA
    mov [memos_boot_magic - KERNEL_VMA], eax
    mov [memos_boot_info - KERNEL_VMA], ebx

    ; long mode available? (CPUID 0x80000001 EDX bit 29)
    mov eax, 0x80000000
    cpuid
    cmp eax, 0x80000001
    jb .no_long_mode
    mov eax, 0x80000001
    cpuid
    test edx, 1 << 29
    jz .no_long_mode
    mov ebp, edx                  ; keep NX support (bit 20) for EFER below

    ; zero the boot tables: PML4, low PDPT, high PDPT, four PDs (7 pages)
    mov edi, boot_pml4 - KERNEL_VMA
    xor eax, eax
    mov ecx, 7 * 4096 / 4
    rep stosd

    ; four PDs of 2 MiB pages: physical 0..4 GiB
    mov edi, boot_pd - KERNEL_VMA
    xor ecx, ecx
.fill_pd:
    mov eax, ecx
    shl eax, 21
    or eax, 0x83                  ; present, writable, 2 MiB page
    mov [edi + ecx * 8], eax
    mov eax, ecx
    shr eax, 11                   ; bits 32+ of the physical address
    mov [edi + ecx * 8 + 4], eax
    inc ecx
    cmp ecx, 2048
    jb .fill_pd

    ; low PDPT: 4 GiB identity (and, through PML4[256], the direct map at 0xFFFF800000000000)
    mov edi, boot_pdpt_low - KERNEL_VMA
    mov eax, boot_pd - KERNEL_VMA + 3
    mov [edi + 0], eax
    add eax, 4096
    mov [edi + 8], eax
    add eax, 4096
    mov [edi + 16], eax
    add eax, 4096
    mov [edi + 24], eax
    ; high PDPT: entry 510 = the first GiB at KERNEL_VMA
    mov dword [boot_pdpt_high - KERNEL_VMA + 510 * 8], boot_pd - KERNEL_VMA + 3
    mov edi, boot_pml4 - KERNEL_VMA
    mov dword [edi + 0], boot_pdpt_low - KERNEL_VMA + 3
    mov dword [edi + 256 * 8], boot_pdpt_low - KERNEL_VMA + 3
    mov dword [edi + 511 * 8], boot_pdpt_high - KERNEL_VMA + 3

    mov eax, cr4
    or eax, 1 << 5                ; PAE
    mov cr4, eax
    mov eax, boot_pml4 - KERNEL_VMA
    mov cr3, eax
    mov ecx, 0xC0000080           ; EFER
    rdmsr
    or eax, 1 << 8                ; LME
    test ebp, 1 << 20
    jz .no_nx
    or eax, 1 << 11               ; NXE
.no_nx:
    wrmsr
    mov eax, cr0
    or eax, (1 << 31) | 1         ; PG, PE
    mov cr0, eax
    lgdt [boot_gdt_pointer]
    jmp 0x08:long_mode_low

.no_long_mode:
    ; say so on the VGA screen and stop: this CPU cannot run MemOS
    mov esi, no_long_mode_text
    mov edi, 0xB8000
.print:
    lodsb
    test al, al
    jz .stop
    mov ah, 0x4F
    stosw
    jmp .print
.stop:
    hlt
    jmp .stop

no_long_mode_text: db "MemOS needs a 64-bit (long mode) CPU.", 0

align 8
boot_gdt:
    dq 0
    dq 0x00AF9A000000FFFF         ; 0x08: 64-bit code
    dq 0x00CF92000000FFFF         ; 0x10: data
boot_gdt_pointer:
    dw boot_gdt_pointer - boot_gdt - 1
    dq boot_gdt

bits 64
long_mode_low:
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    mov ss, ax
    xor eax, eax
    mov fs, ax
    mov gs, ax
    mov rax, long_mode_high
    jmp rax

section .text
bits 64
long_mode_high:
    mov rsp, boot_stack_top
    xor ebp, ebp

    ; SSE: RyuJIT code uses it even at the baseline ISA
    mov rax, cr0
    and rax, ~(1 << 2)            ; EM off
    or rax, 1 << 1                ; MP on
    mov cr0, rax
    mov rax, cr4
    or rax, (1 << 9) | (1 << 10)  ; OSFXSR, OSXMMEXCPT
    mov cr4, rax

    ; TLS (variant II): [block .. block+size) holds .tdata then zeroed .tbss; the thread pointer is its end
    ; and points to itself. ld relaxed every TLS access to %fs:-offset.
    lea rdi, [memos_tls_block]
    lea rsi, [__tdata_start]
    mov rcx, __tdata_size
    rep movsb
    lea rax, [memos_tls_block]
    add rax, __tls_block_size
    mov [rax], rax
    mov rdx, rax
    shr rdx, 32
    mov ecx, 0xC0000100           ; IA32_FS_BASE
    wrmsr

    ; CoreLib's module initialisation (statics, eager cctors), then the managed startup
    xor edi, edi
    lea rsi, [__modules_start]
    lea rdx, [__modules_end]
    sub rdx, rsi
    shr rdx, 3
    xor ecx, ecx
    xor r8d, r8d
    call InitializeModules
    call __managed__Startup

    mov edi, [memos_boot_magic]
    mov esi, [memos_boot_info]
    call memos_main
memos_halt_forever:
    cli
    hlt
    jmp memos_halt_forever

memos_stack_bottom:
    lea rax, [boot_stack]
    ret
memos_stack_top:
    lea rax, [boot_stack_top]
    ret

section .data
align 8
memos_boot_magic: dq 0
memos_boot_info:  dq 0
memos_boot_pml4:  dq boot_pml4 - KERNEL_VMA

section .bss
align 4096
memos_boot_tables_start:
boot_pml4:      resb 4096
boot_pdpt_low:  resb 4096
boot_pdpt_high: resb 4096
boot_pd:        resb 4 * 4096
memos_boot_tables_end:
memos_stack_guard:                ; left unmapped by the kernel's own page tables: an overflow faults here
                resb 4096
memos_boot_stack_bottom:
boot_stack:     resb BOOT_STACK_SIZE
boot_stack_top:
memos_boot_stack_top:
align 64
memos_tls_block: resb 64 * 1024

section .note.GNU-stack noalloc noexec nowrite progbits
