; exceptions.asm — the machine-code half of exception dispatch: the throw entry points (they capture the register
; context CoreLib's dispatcher System.Runtime.EH starts from) and the funclet calls (they load a frame's callee-saved
; registers and call a catch, finally or filter funclet). Offsets are CoreLib 10.0.12's (Core/Exceptions/EhLayout.cs,
; checked against the real CoreLib by a host test). Nothing here knows about the kernel: a user program links it too,
; with a linker script that defines __eh_frame_hdr_start (ld --eh-frame-hdr) and __memos_symbols_start/_end.

default rel
bits 64
section .text

global RhpThrowEx, RhpRethrow, memos_throw_hardware_fault
global RhpCallCatchFunclet, RhpCallFinallyFunclet, RhpCallFilterFunclet
global memos_funclet_return_addresses, memos_eh_frame_hdr, memos_exinfo_head, memos_throw_hardware_fault_address
extern RhThrowEx, RhRethrow, RhThrowHwEx
extern GetSystemArrayEEType
global memos_classlib_function, memos_newest_exinfo
extern __eh_frame_hdr_start, __memos_symbols_start, __memos_symbols_end
global memos_symbol_table

EXINFO_STACK_SIZE   equ 400     ; EhLayout.ExInfoSize rounded up to 16
EXINFO_PREV         equ 0
EXINFO_CONTEXT      equ 8
EXINFO_EXCEPTION    equ 16
EXINFO_KIND         equ 24
EXINFO_PASS         equ 25
EXINFO_CLAUSE       equ 28
REGDISPLAY_RBX      equ 24
REGDISPLAY_RBP      equ 32
REGDISPLAY_R12      equ 88
REGDISPLAY_R13      equ 96
REGDISPLAY_R14      equ 104
REGDISPLAY_R15      equ 112
REGDISPLAY_SP       equ 120

; Pushes a PAL_LIMITED_CONTEXT {IP, Rsp, Rbp, Rax, Rbx, Rdx, R12, R13, R14, R15} (IP in rsi, Rsp in rax), reserves an
; ExInfo below it, fills the ExInfo (kind in r8b) and links it as the newest. Leaves rsi = ExInfo*.
%macro BUILD_CONTEXT_AND_EXINFO 0
    push r15
    push r14
    push r13
    push r12
    push 0                      ; rdx
    push rbx
    push 0                      ; rax
    push rbp
    push rax                    ; the throw site's rsp after the return
    push rsi                    ; the throw site's IP
    sub rsp, EXINFO_STACK_SIZE
    mov rsi, rsp
    mov qword [rsi + EXINFO_EXCEPTION], 0
    mov byte [rsi + EXINFO_KIND], r8b
    mov byte [rsi + EXINFO_PASS], 1
    mov dword [rsi + EXINFO_CLAUSE], 0xFFFFFFFF
    lea rdx, [rsp + EXINFO_STACK_SIZE]
    mov [rsi + EXINFO_CONTEXT], rdx
    mov rdx, [memos_exinfo_head]
    mov [rsi + EXINFO_PREV], rdx
    mov [memos_exinfo_head], rsi
%endmacro

; void RhpThrowEx(object exception /*rdi*/): `throw`. Never returns.
RhpThrowEx:
    lea rax, [rsp + 8]
    mov rsi, [rsp]
    push 0                      ; keeps rsp 16-aligned at the call below
    mov r8d, 1                  ; ExKind.Throw
    BUILD_CONTEXT_AND_EXINFO
    call RhThrowEx              ; (exception, ref ExInfo)
    ud2

; void RhpRethrow(): `throw;` inside a catch — dispatches the newest ExInfo's exception again.
RhpRethrow:
    lea rax, [rsp + 8]
    mov rsi, [rsp]
    push 0
    xor r8d, r8d                ; ExKind.None: RhRethrow copies the active one's kind
    mov rdi, [memos_exinfo_head]
    BUILD_CONTEXT_AND_EXINFO
    call RhRethrow              ; (ref activeExInfo, ref exInfo)
    ud2

; A CPU fault in managed code resumes here (the interrupt handler rewrote RIP): rdi = exception code,
; rsi = faulting RIP, rsp and the callee-saved registers as they were at the fault.
memos_throw_hardware_fault:
    mov rax, rsp
    and rsp, -16
    mov r8d, 2                  ; ExKind.HardwareFault
    mov r9, rdi
    BUILD_CONTEXT_AND_EXINFO
    mov rdi, r9
    call RhThrowHwEx            ; (code, ref ExInfo)
    ud2

; Funclet calls. Each saves the callee-saved registers, loads the frame's (rbp is the parent's frame pointer the
; funclet addresses its locals by) and calls. The unwinder recognises the return addresses after the calls
; (memos_funclet_return_addresses) and finds the REGDISPLAY* at [rsp + 8] of the frame.
%macro SAVE_NONVOLATILES 0
    push r15
    push r14
    push r13
    push r12
    push rbx
    push rbp
%endmacro

%macro RESTORE_NONVOLATILES 0
    pop rbp
    pop rbx
    pop r12
    pop r13
    pop r14
    pop r15
%endmacro

%macro LOAD_FRAME_REGISTERS 1
    mov rax, [%1 + REGDISPLAY_RBX]
    mov rbx, [rax]
    mov rax, [%1 + REGDISPLAY_RBP]
    mov rbp, [rax]
    mov rax, [%1 + REGDISPLAY_R12]
    mov r12, [rax]
    mov rax, [%1 + REGDISPLAY_R13]
    mov r13, [rax]
    mov rax, [%1 + REGDISPLAY_R14]
    mov r14, [rax]
    mov rax, [%1 + REGDISPLAY_R15]
    mov r15, [rax]
%endmacro

; IntPtr RhpCallCatchFunclet(object exception /*rdi*/, byte* handler /*rsi*/, REGDISPLAY* /*rdx*/, ref ExInfo /*rcx*/)
; Runs the catch funclet, which returns the address to resume at; pops the ExInfos the resumed frame is above,
; resets rsp to the frame's and jumps there. Never returns.
RhpCallCatchFunclet:
    SAVE_NONVOLATILES
    sub rsp, 40                 ; [rsp] handler, [rsp+8] REGDISPLAY*, [rsp+16] ExInfo*; 16-aligned at the call
    mov [rsp], rsi
    mov [rsp + 8], rdx
    mov [rsp + 16], rcx
    LOAD_FRAME_REGISTERS rdx
    call [rsp]                  ; rdi = exception
.after_catch:
    mov rdx, [rsp + 8]
    mov rdx, [rdx + REGDISPLAY_SP]
    mov rcx, [rsp + 16]
.pop:                           ; drop this ExInfo and every older one below the resumed frame's rsp
    mov rcx, [rcx + EXINFO_PREV]
    test rcx, rcx
    jz .popped
    cmp rcx, rdx
    jb .pop
.popped:
    mov [memos_exinfo_head], rcx
    mov rsp, rdx
    jmp rax

; void RhpCallFinallyFunclet(byte* handler /*rdi*/, REGDISPLAY* /*rsi*/)
RhpCallFinallyFunclet:
    SAVE_NONVOLATILES
    sub rsp, 24
    mov [rsp], rdi
    mov [rsp + 8], rsi
    LOAD_FRAME_REGISTERS rsi
    call [rsp]
.after_finally:
    add rsp, 24
    RESTORE_NONVOLATILES
    ret

; bool RhpCallFilterFunclet(object exception /*rdi*/, byte* filter /*rsi*/, REGDISPLAY* /*rdx*/)
RhpCallFilterFunclet:
    SAVE_NONVOLATILES
    sub rsp, 24
    mov [rsp], rsi
    mov [rsp + 8], rdx
    mov rax, [rdx + REGDISPLAY_RBP]
    mov rbp, [rax]
    call [rsp]                  ; rdi = exception; eax = the filter's answer
.after_filter:
    add rsp, 24
    RESTORE_NONVOLATILES
    ret

; void memos_funclet_return_addresses(ulong* out): catch, finally, filter — the return addresses the unwinder
; meets when it leaves a funclet.
memos_funclet_return_addresses:
    lea rax, [RhpCallCatchFunclet.after_catch]
    mov [rdi], rax
    lea rax, [RhpCallFinallyFunclet.after_finally]
    mov [rdi + 8], rax
    lea rax, [RhpCallFilterFunclet.after_filter]
    mov [rdi + 16], rax
    ret

; ExInfo* memos_newest_exinfo(): the exception being dispatched now (the stack-trace recorder reads its kind)
memos_newest_exinfo:
    mov rax, [memos_exinfo_head]
    ret

; void* memos_throw_hardware_fault_address()
memos_throw_hardware_fault_address:
    lea rax, [memos_throw_hardware_fault]
    ret

; void* memos_classlib_function(int id): CoreLib's own callbacks by ClassLibFunctionId (the table the C++ runtime's
; startup would pass to InitializeModules) that MemOS does not replace: 5 GetSystemArrayEEType.
memos_classlib_function:
    xor eax, eax
    cmp edi, 5
    jne .done
    lea rax, [GetSystemArrayEEType]
.done:
    ret

; byte* memos_symbol_table(byte** end): the image's symbol table (section .memos_symbols; empty if not linked in)
memos_symbol_table:
    lea rax, [__memos_symbols_end]
    mov [rdi], rax
    lea rax, [__memos_symbols_start]
    ret

; byte* memos_eh_frame_hdr(): the linker's sorted index of .eh_frame (ld --eh-frame-hdr)
memos_eh_frame_hdr:
    lea rax, [__eh_frame_hdr_start]
    ret

section .bss
align 8
memos_exinfo_head: resq 1       ; the newest ExInfo of the (one) thread; RhpCallCatchFunclet pops

section .note.GNU-stack noalloc noexec nowrite progbits
