; runtime.asm — the parts of CoreLib's runtime contract that must be machine code:
; write barriers (the JIT assumes their reduced register-kill set), memset/memmove, transition no-ops,
; the interface-dispatch stub with its global cache probe, and the data words CoreLib reads.
; The collector never moves objects and has one generation, so a write barrier is just the store.

default rel
bits 64
section .text

global RhpAssignRef, RhpCheckedAssignRef, RhpByRefAssignRef, RhpCheckedLockCmpXchg, RhpCheckedXchg
global RhBulkMoveWithWriteBarrier, RhpGcSafeZeroMemory, memset, memmove, memcpy
global RhpPInvoke, RhpPInvokeReturn, RhpReversePInvoke, RhpReversePInvokeReturn, RhpGcPoll
global RhpInitialDynamicInterfaceDispatch, RhpInitialInterfaceDispatch
global RhpTrapThreads, g_cpuFeatures, __security_cookie, RhpStackProbe, memos_call_with_registers_saved
global memos_dispatch_cache, memos_dispatch_cache_base, memos_handle_table
global memos_mark_stack, memos_permanent_objects, memos_read_tsc
extern RhpResolveInterfaceMethod

; void RhpAssignRef(ref object dst /*rdi*/, object value /*rsi*/)
RhpAssignRef:
RhpCheckedAssignRef:
    mov [rdi], rsi
    ret

; copies [rsi] -> [rdi] and advances both by 8 (used for struct copies with GC refs)
RhpByRefAssignRef:
    mov rcx, [rsi]
    mov [rdi], rcx
    add rdi, 8
    add rsi, 8
    ret

; object RhpCheckedLockCmpXchg(ref object dst /*rdi*/, object value /*rsi*/, object comparand /*rdx*/)
RhpCheckedLockCmpXchg:
    mov rax, rdx
    lock cmpxchg [rdi], rsi
    ret

; object RhpCheckedXchg(ref object dst /*rdi*/, object value /*rsi*/)
RhpCheckedXchg:
    mov rax, rsi
    xchg [rdi], rax
    ret

; void RhBulkMoveWithWriteBarrier(ref byte dst /*rdi*/, ref byte src /*rsi*/, nuint count /*rdx*/)
RhBulkMoveWithWriteBarrier:
    jmp memmove

; ref byte RhpGcSafeZeroMemory(ref byte dst /*rdi*/, nuint count /*rsi*/) -> dst
RhpGcSafeZeroMemory:
    mov rdx, rsi
    xor esi, esi
    jmp memset

; void* memset(void* dst, int value, size_t count)
memset:
    mov r9, rdi
    mov eax, esi
    mov rcx, rdx
    cld
    rep stosb
    mov rax, r9
    ret

; void* memmove(void* dst, const void* src, size_t count) — handles overlap in both directions
memcpy:
memmove:
    mov rax, rdi
    mov rcx, rdx
    cmp rdi, rsi
    je .done
    jb .forward
    lea r8, [rsi + rdx]
    cmp rdi, r8
    jae .forward
    ; dst overlaps the tail of src: copy backwards
    lea rsi, [rsi + rdx - 1]
    lea rdi, [rdi + rdx - 1]
    std
    rep movsb
    cld
    ret
.forward:
    cld
    rep movsb
.done:
    ret

; RhpStackProbe: touch every page from the one below rsp down to r11 (the lowest address of the frame being
; allocated), so a large frame meets the stack's guard page in order instead of skipping over it.
RhpStackProbe:
    mov rax, rsp
    and rax, -4096
.probe:
    sub rax, 4096
    test dword [rax], eax
    cmp rax, r11
    ja .probe
    ret

; One CPU, no GC suspension: transitions have nothing to record.
RhpPInvoke:
RhpPInvokeReturn:
RhpReversePInvoke:
RhpReversePInvokeReturn:
RhpGcPoll:
    ret

; Interface dispatch. Call sites do `lea r11, cell; call [r11]`; the object is in rdi.
; Fast path: probe a direct-mapped global cache keyed by (cell, MethodTable). Miss: save the argument
; registers, ask CoreLib's RhpResolveInterfaceMethod (which fills the cache through RhpUpdateDispatchCellCache),
; restore and jump to the target.
CACHE_ENTRIES equ 4096            ; must match InterfaceDispatchCache.Entries
RhpInitialInterfaceDispatch:
RhpInitialDynamicInterfaceDispatch:
    mov r10, [rdi]                ; MethodTable* (faults on null this, as the JIT expects)
    mov rax, r11
    shr rax, 3
    mov r9, r10
    shr r9, 3
    xor rax, r9
    and rax, CACHE_ENTRIES - 1
    lea rax, [rax + rax * 2]      ; entry = 24 bytes: {cell, mt, target}
    lea r9, [memos_dispatch_cache]
    lea rax, [r9 + rax * 8]
    cmp [rax], r11
    jne .miss
    cmp [rax + 8], r10
    jne .miss
    jmp [rax + 16]
.miss:
    push rdi
    push rsi
    push rdx
    push rcx
    push r8
    push r9
    sub rsp, 8 + 128              ; keep 16-byte alignment; room for xmm0-7
    movdqu [rsp + 0], xmm0
    movdqu [rsp + 16], xmm1
    movdqu [rsp + 32], xmm2
    movdqu [rsp + 48], xmm3
    movdqu [rsp + 64], xmm4
    movdqu [rsp + 80], xmm5
    movdqu [rsp + 96], xmm6
    movdqu [rsp + 112], xmm7
    mov rsi, r11                  ; RhpResolveInterfaceMethod(object, cell)
    push r11
    sub rsp, 8
    call RhpResolveInterfaceMethod
    add rsp, 8
    pop r11
    movdqu xmm0, [rsp + 0]
    movdqu xmm1, [rsp + 16]
    movdqu xmm2, [rsp + 32]
    movdqu xmm3, [rsp + 48]
    movdqu xmm4, [rsp + 64]
    movdqu xmm5, [rsp + 80]
    movdqu xmm6, [rsp + 96]
    movdqu xmm7, [rsp + 112]
    add rsp, 8 + 128
    pop r9
    pop r8
    pop rcx
    pop rdx
    pop rsi
    pop rdi
    jmp rax

; void memos_call_with_registers_saved(void (*fn)(ulong rsp)): spills the callee-saved registers, which may hold
; the only reference to an object, onto the stack and calls fn with that stack pointer (the collector's root scan
; then starts there).
memos_call_with_registers_saved:
    push rbx
    push rbp
    push r12
    push r13
    push r14
    push r15
    mov rax, rdi
    mov rdi, rsp
    sub rsp, 8
    call rax
    add rsp, 8
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbp
    pop rbx
    ret

; ulong memos_read_tsc(): the time-stamp counter, for the collector's phase times (the kernel's and processes')
memos_read_tsc:
    rdtsc
    shl rdx, 32
    or rax, rdx
    ret

; addresses of the tables below, for C#
memos_dispatch_cache_base:
    lea rax, [memos_dispatch_cache]
    ret
memos_handle_table:
    lea rax, [memos_handle_slots]
    ret
memos_mark_stack:
    lea rax, [memos_mark_stack_slots]
    ret
memos_permanent_objects:
    lea rax, [memos_permanent_slots]
    ret

section .data
align 8
RhpTrapThreads:   dd 0, 0         ; never asks threads to stop: there is no GC suspension
g_cpuFeatures:    dd 0, 0         ; baseline x86-64 code only
__security_cookie: dq 0x2B992DDFA232A5E9

section .bss
align 64
memos_dispatch_cache: resb CACHE_ENTRIES * 24
memos_handle_slots:   resb 16384 * 24   ; GcHandles.Capacity slots of 24 bytes
; the collector's own memory, outside the heap it collects: MarkStack.Capacity and PermanentCapacity words
memos_mark_stack_slots: resq 8192
memos_permanent_slots:  resq 8192

section .note.GNU-stack noalloc noexec nowrite progbits
