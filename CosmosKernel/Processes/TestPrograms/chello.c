/* chello: an unmodified static musl C program using write, brk, mmap/munmap and exit_group (through printf,
   sbrk, malloc and exit). The kernel tests compare its output line by line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    write(1, "chello: write works\n", 20);
    printf("chello: argc=%d", argc);
    for (int i = 0; i < argc; i++) printf(" argv[%d]=%s", i, argv[i]);
    printf("\n");

    /* musl's sbrk/brk refuse to move the break (its malloc owns it): ask the kernel directly */
    char *before = (char *)syscall(SYS_brk, 0);
    char *after = (char *)syscall(SYS_brk, before + 8192);
    if (after != before + 8192) { printf("chello: brk FAILED\n"); return 2; }
    memset(before, 0x5a, 8192);
    printf("chello: brk grew by 8192 (%s)\n", (char *)syscall(SYS_brk, 0) == before + 8192 ? "ok" : "WRONG");

    size_t n = 1 << 20;
    unsigned char *m = mmap(0, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) { printf("chello: mmap FAILED\n"); return 3; }
    unsigned long sum = 0;
    for (size_t i = 0; i < n; i += 4096) m[i] = (unsigned char)(i >> 12);
    for (size_t i = 0; i < n; i += 4096) sum += m[i];
    printf("chello: mmap 1 MiB, 256 pages touched, sum %lu (%s)\n", sum, sum == 32640 ? "ok" : "WRONG");
    if (munmap(m, n) != 0) { printf("chello: munmap FAILED\n"); return 4; }

    char *p = malloc(100000);
    strcpy(p, "malloc and free");
    printf("chello: %s ok\n", p);
    free(p);
    printf("chello: done\n");
    return 0;
}
