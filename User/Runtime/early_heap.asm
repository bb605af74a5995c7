; early_heap.asm — the block the early allocator serves before the process heap exists (CoreLib's module
; initialisation, the runtime's own setup) and while the heap is busy. In .bss: pages only when touched.
default rel
bits 64
EARLY_HEAP_SIZE equ 1024 * 1024
global memos_early_heap, memos_early_heap_size
section .text
memos_early_heap:
    lea rax, [early_heap]
    ret
memos_early_heap_size:
    mov eax, EARLY_HEAP_SIZE
    ret
section .bss
align 4096
early_heap: resb EARLY_HEAP_SIZE

section .note.GNU-stack noalloc noexec nowrite progbits
