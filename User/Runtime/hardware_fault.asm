; hardware_fault.asm — where the kernel resumes a process after a fault it registered for (memos_fault_handler):
; rdi = the exception code (Core's HardwareFaults), rsi = the faulting RIP, rdx = CR2; rsp and every callee-saved
; register as they were at the fault; the kernel has disarmed the handler (a fault in here kills the process). A fault
; in managed code re-arms it and continues as the kernel's own does, at Core's
; memos_throw_hardware_fault (CoreLib's RhThrowHwEx: NullReferenceException, DivideByZeroException). Anything else
; (asm, a runtime stub) is given back with memos_fault_unhandled, and the kernel kills the process with its
; segfault line.
default rel
bits 64
global memos_user_fault_entry, memos_user_fault_entry_address
extern memos_throw_hardware_fault, memos_user_fault_is_managed

MEMOS_FAULT_HANDLER   equ 0x1002
MEMOS_FAULT_UNHANDLED equ 0x1003

section .text
memos_user_fault_entry:
    mov rax, rsp
    and rsp, -16
    push rax                    ; the faulting rsp
    push rdi                    ; code
    push rsi                    ; faulting RIP
    push rdx                    ; CR2 (4 pushes: rsp stays 16-aligned for the call)
    mov rdi, rsi
    call memos_user_fault_is_managed    ; C#, SysV: rbx, rbp, r12-r15 come back unchanged
    test eax, eax
    jz .unhandled
    lea rdi, [memos_user_fault_entry]   ; the kernel disarmed the handler for this delivery: arm it again
    xor esi, esi
    mov eax, MEMOS_FAULT_HANDLER
    syscall
    pop rdx
    pop rsi
    pop rdi
    pop rsp
    jmp memos_throw_hardware_fault
.unhandled:
    mov eax, MEMOS_FAULT_UNHANDLED
    syscall
    ud2                         ; not reached: the kernel does not return from the call

; void* memos_user_fault_entry_address(): what the runtime registers
memos_user_fault_entry_address:
    lea rax, [memos_user_fault_entry]
    ret

section .note.GNU-stack noalloc noexec nowrite progbits
