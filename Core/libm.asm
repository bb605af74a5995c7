; libm.asm — the C math functions CoreLib's Math calls, in SSE2 (baseline x86-64 has no roundsd).
default rel
bits 64
section .text
global ceil, floor

TWO52: equ 0x4330000000000000        ; 2^52: doubles this large are already integers

; double floor(double x)
floor:
    movq rax, xmm0
    btr rax, 63                      ; |x|
    mov rcx, TWO52
    cmp rax, rcx
    jae .done                        ; |x| >= 2^52, inf or NaN: x itself
    cvttsd2si rax, xmm0              ; truncate toward zero
    cvtsi2sd xmm1, rax
    ucomisd xmm1, xmm0
    jbe .keep_floor                  ; trunc <= x: trunc is the floor
    mov rcx, 0x3FF0000000000000      ; 1.0
    movq xmm2, rcx
    subsd xmm1, xmm2
.keep_floor:
    ; keep the sign of zero: floor(-0.0) = -0.0
    movq rax, xmm0
    movq rcx, xmm1
    mov rdx, 0x8000000000000000
    and rax, rdx
    or rcx, rax
    movq xmm0, rcx
    movq rcx, xmm1
    test rcx, rcx
    jnz .not_zero
    ret
.not_zero:
    movq xmm0, rcx
.done:
    ret

; double ceil(double x) = -floor(-x)
ceil:
    mov rax, 0x8000000000000000
    movq xmm1, rax
    xorpd xmm0, xmm1
    sub rsp, 8
    call floor
    add rsp, 8
    mov rax, 0x8000000000000000
    movq xmm1, rax
    xorpd xmm0, xmm1
    ret

section .note.GNU-stack noalloc noexec nowrite progbits
