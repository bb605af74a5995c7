; image.asm — the program image's layout symbols (program.ld) for C#: where read-only data starts, where data and
; bss start and end.
default rel
bits 64
extern __rodata_start, __data_start, __data_end
global memos_image_rodata, memos_image_data, memos_image_data_end
section .text
memos_image_rodata:
    lea rax, [__rodata_start]
    ret
memos_image_data:
    lea rax, [__data_start]
    ret
memos_image_data_end:
    lea rax, [__data_end]
    ret
section .note.GNU-stack noalloc noexec nowrite progbits
