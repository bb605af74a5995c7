; cpu.asm — the instructions C# cannot emit: port I/O, control registers, MSRs, descriptor tables, TLB,
; CPUID, TSC, interrupt flag. Each is a leaf function with the System V calling convention.
default rel
bits 64
section .text

global cpu_inb, cpu_outb, cpu_inw, cpu_outw, cpu_ind, cpu_outd
global cpu_read_cr0, cpu_write_cr0, cpu_read_cr2, cpu_read_cr3, cpu_write_cr3, cpu_read_cr4, cpu_write_cr4
global cpu_rdmsr, cpu_wrmsr, cpu_cpuid, cpu_rdtsc, cpu_invlpg, cpu_hlt, cpu_sti, cpu_cli, cpu_pause
global cpu_lgdt, cpu_lidt, cpu_ltr, cpu_read_rflags, cpu_read_rsp, cpu_read_rbp, cpu_stac, cpu_clac
global cpu_wait_for_interrupt

cpu_inb:  mov edx, edi
          xor eax, eax
          in al, dx
          ret
cpu_outb: mov edx, edi
          mov eax, esi
          out dx, al
          ret
cpu_inw:  mov edx, edi
          xor eax, eax
          in ax, dx
          ret
cpu_outw: mov edx, edi
          mov eax, esi
          out dx, ax
          ret
cpu_ind:  mov edx, edi
          in eax, dx
          ret
cpu_outd: mov edx, edi
          mov eax, esi
          out dx, eax
          ret

cpu_read_cr0:  mov rax, cr0
               ret
cpu_write_cr0: mov cr0, rdi
               ret
cpu_read_cr2:  mov rax, cr2
               ret
cpu_read_cr3:  mov rax, cr3
               ret
cpu_write_cr3: mov cr3, rdi
               ret
cpu_read_cr4:  mov rax, cr4
               ret
cpu_write_cr4: mov cr4, rdi
               ret

; ulong cpu_rdmsr(uint msr)
cpu_rdmsr: mov ecx, edi
           rdmsr
           shl rdx, 32
           or rax, rdx
           ret
; void cpu_wrmsr(uint msr, ulong value)
cpu_wrmsr: mov ecx, edi
           mov eax, esi
           mov rdx, rsi
           shr rdx, 32
           wrmsr
           ret

; void cpu_cpuid(uint leaf, uint subleaf, uint* out4)
cpu_cpuid: push rbx
           mov eax, edi
           mov ecx, esi
           mov r8, rdx
           cpuid
           mov [r8], eax
           mov [r8 + 4], ebx
           mov [r8 + 8], ecx
           mov [r8 + 12], edx
           pop rbx
           ret

cpu_rdtsc: rdtsc
           shl rdx, 32
           or rax, rdx
           ret

cpu_invlpg: invlpg [rdi]
            ret
cpu_hlt:    hlt
            ret
cpu_sti:    sti
            ret
cpu_cli:    cli
            ret
cpu_pause:  pause
            ret
; sti; hlt as one step: an interrupt between them cannot be lost
cpu_wait_for_interrupt:
            sti
            hlt
            ret
cpu_stac:   stac
            ret
cpu_clac:   clac
            ret
cpu_read_rflags:
            pushfq
            pop rax
            ret
cpu_read_rsp:
            lea rax, [rsp + 8]
            ret
cpu_read_rbp:
            mov rax, rbp
            ret

; void cpu_lgdt(void* pointer, ushort codeSelector, ushort dataSelector): load and reload every segment
cpu_lgdt:  lgdt [rdi]
           mov ax, dx
           mov ds, ax
           mov es, ax
           mov ss, ax
           ; FS and GS are left alone: reloading them could clear the FS base (TLS) on some CPUs
           pop rax                   ; return address
           push rsi                  ; far return to reload CS
           push rax
           retfq
cpu_lidt:  lidt [rdi]
           ret
cpu_ltr:   ltr di
           ret

section .note.GNU-stack noalloc noexec nowrite progbits
