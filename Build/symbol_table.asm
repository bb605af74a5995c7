; symbol_table.asm — carries the symbol table MemOS.Build generated from the first link (symbols.bin, found through
; nasm -I) in section .memos_symbols, which the linker script places after everything else the image holds, so the
; second link leaves every code and data address where the first put it.
section .memos_symbols progbits alloc noexec nowrite align=8
incbin "symbols.bin"
section .note.GNU-stack noalloc noexec nowrite progbits
