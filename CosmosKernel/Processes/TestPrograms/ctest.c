/* ctest: the kernel tests' probe. `ctest ACTION [ARGS]`: segv KIND, handler KIND, spin N TAG, getpid N, errno,
   fuzz N SEED, read, sleep MS, exit CODE, yield N, spawn PROG, tls, memstat, mprotect. Raw system calls where the
   test needs them. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static long sys6(long n, long a, long b, long c, long d, long e, long f)
{
    long r;
    register long r10 __asm__("r10") = d, r8 __asm__("r8") = e, r9 __asm__("r9") = f;
    __asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9) : "rcx", "r11", "memory");
    return r;
}
static long sys(long n, long a, long b, long c) { return sys6(n, a, b, c, 0, 0, 0); }

static const char rodata[] = "read-only";
static volatile int depth_sink;

static int recurse(int n)
{
    volatile char pad[4096];
    pad[0] = (char)n;
    depth_sink = pad[0];
    if (n < 0) return 0; /* never: the stack's guard page ends it */
    return recurse(n + 1) + pad[100];
}

/* memos_fault_handler (0x1002): the kernel resumes here with rdi = exception code, rsi = faulting RIP, rdx = CR2 and
   the handler disarmed; raw system calls only (the stack is the faulting one, realigned). */
static volatile int handler_mode;
static volatile int *volatile near_null = (volatile int *)8; /* a field of a null object */

static int put(char *line, int n, const char *text)
{
    while (*text) line[n++] = *text++;
    return n;
}

static int put_hex(char *line, int n, unsigned long v)
{
    for (int i = 15; i >= 0; i--) { line[n + i] = "0123456789abcdef"[v & 15]; v >>= 4; }
    return n + 16;
}

__attribute__((force_align_arg_pointer)) static void fault_handler(unsigned long code, unsigned long rip,
    unsigned long cr2)
{
    if (handler_mode == 1) depth_sink = *near_null;           /* a fault inside the handler: killed, no loop */
    if (handler_mode == 2) sys(0x1003, 0, 0, 0);              /* give the fault back: killed with its line */
    char line[96];
    int n = put(line, 0, "ctest: handler code 0x");
    n = put_hex(line, n, code);
    n = put(line, n, " cr2 0x");
    n = put_hex(line, n, cr2);
    n = put(line, n, rip != 0 ? " rip set\n" : " rip 0\n");
    sys(1, 1, (long)line, n);
    sys(231, 42, 0, 0);
}

static int handler(const char *kind)
{
    handler_mode = !strcmp(kind, "loop") ? 1 : !strcmp(kind, "decline") ? 2 : 0;
    long r = sys(0x1002, (long)fault_handler, 0, 0);
    printf("ctest: handler %s registered (%ld)\n", kind, r);
    fflush(stdout);
    if (!strcmp(kind, "de")) {
        unsigned z = 0, q;
        __asm__ volatile("xor %%edx, %%edx; mov $1, %%eax; div %1" : "=a"(q) : "c"(z) : "rdx");
        depth_sink = (int)q;
    }
    else if (!strcmp(kind, "stack")) recurse(0);
    else depth_sink = *near_null;
    printf("ctest: survived the fault (WRONG)\n");
    return 1;
}

static int segv(const char *kind)
{
    printf("ctest: segv %s\n", kind);
    fflush(stdout);
    if (!strcmp(kind, "null")) *(volatile int *)0 = 1;
    else if (!strcmp(kind, "ro")) *(volatile char *)rodata = 'R';
    else if (!strcmp(kind, "nx")) {
        unsigned char *page = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        page[0] = 0xC3; /* ret */
        ((void (*)(void))page)();
    }
    else if (!strcmp(kind, "kernel")) depth_sink = *(volatile int *)0xFFFFFFFF80100000UL;
    else if (!strcmp(kind, "stack")) recurse(0);
    else if (!strcmp(kind, "gp")) depth_sink = *(volatile int *)0x8000000000000000UL;
    else if (!strcmp(kind, "ud")) __asm__ volatile("ud2");
    else if (!strcmp(kind, "de")) { unsigned z = 0, q; __asm__ volatile("xor %%edx, %%edx; mov $1, %%eax; div %1" : "=a"(q) : "c"(z) : "rdx"); depth_sink = (int)q; }
    else if (!strcmp(kind, "priv")) __asm__ volatile("cli");
    else { printf("ctest: unknown segv kind\n"); return 2; }
    printf("ctest: survived segv %s (WRONG)\n", kind);
    return 1;
}

#define CHECK(what, got, want) do { long g_ = (got); printf("ctest: %-34s %ld %s\n", what, g_, g_ == (want) ? "ok" : "WRONG"); \
    if (g_ != (want)) bad++; } while (0)

static int errnos(void)
{
    int bad = 0;
    char buf[16];
    CHECK("write to kernel memory -> -EFAULT", sys(1, 1, (long)0xFFFFFFFF80000000UL, 8), -14);
    CHECK("write from unmapped -> -EFAULT", sys(1, 1, 0x20000, 8), -14);
    CHECK("write, length overflows -> -EFAULT", sys(1, 1, (long)buf, -1L), -14);
    CHECK("write non-canonical -> -EFAULT", sys(1, 1, (long)0x0000900000000000UL, 8), -14);
    CHECK("write fd 7 -> -EBADF", sys(1, 7, (long)buf, 1), -9);
    CHECK("read into kernel -> -EFAULT", sys(0, 0, (long)0xFFFF800000000000UL, 8), -14);
    CHECK("unknown syscall 500 -> -ENOSYS", sys(500, 0, 0, 0), -38);
    CHECK("mmap length 0 -> -EINVAL", sys6(9, 0, 0, 3, 0x22, -1, 0), -22);
    CHECK("mmap shared -> -EINVAL", sys6(9, 0, 4096, 3, 0x21, -1, 0), -22);
    CHECK("mmap fixed at 0 -> -EPERM", sys6(9, 0, 4096, 3, 0x32, -1, 0), -1);
    CHECK("mmap fixed unaligned -> -EINVAL", sys6(9, 0x100001, 4096, 3, 0x32, -1, 0), -22);
    CHECK("mmap huge -> -ENOMEM", sys6(9, 0, 1L << 50, 3, 0x22, -1, 0), -12);
    CHECK("munmap unaligned -> -EINVAL", sys(11, 0x100001, 4096, 0), -22);
    CHECK("mprotect hole -> -ENOMEM", sys(10, 0x200000000L, 4096, 1), -12);
    CHECK("arch_prctl kernel FS -> -EPERM", sys(158, 0x1002, (long)0xFFFF800000000000UL, 0), -1);
    CHECK("arch_prctl bad code -> -EINVAL", sys(158, 0x9999, 0, 0), -22);
    CHECK("clock_gettime bad clock -> -EINVAL", sys(228, 99, (long)buf, 0), -22);
    CHECK("clock_gettime to kernel -> -EFAULT", sys(228, 1, (long)0xFFFFFFFF80000000UL, 0), -14);
    CHECK("wait4 without children -> -ECHILD", sys6(61, -1, 0, 0, 0, 0, 0), -10);
    CHECK("spawn missing program -> -ENOENT", sys(0x1000, (long)"no-such-program", 0, 0), -2);
    CHECK("spawn bad path pointer -> -EFAULT", sys(0x1000, 0x30000, 0, 0), -14);
    CHECK("nanosleep bad ns -> -EINVAL", sys(35, (long)(long[]){0, 2000000000L}, 0, 0), -22);
    CHECK("brk(0) is the break", sys(12, 0, 0, 0) == (long)sbrk(0), 1);
    CHECK("getpid > 0", sys(39, 0, 0, 0) > 0, 1);
    CHECK("fault handler in null page -> -EFAULT", sys(0x1002, 0x1000, 0, 0), -14);
    CHECK("fault handler in kernel -> -EFAULT", sys(0x1002, (long)0xFFFFFFFF80000000UL, 0, 0), -14);
    CHECK("fault handler, bad flags -> -EINVAL", sys(0x1002, 0x401000, 1, 0), -22);
    CHECK("fault unhandled, none given -> -EINVAL", sys(0x1003, 0, 0, 0), -22);
    printf("ctest: errno %s\n", bad ? "FAILED" : "all ok");
    return bad;
}

static uint64_t rng;
static uint64_t next(void) { rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; return rng; }

static long hostile(void)
{
    static const long picks[] = { 0, 1, -1, 4096, 0x10000, 0x400000, 0x7FFFFFFFF000L, 0x800000000000L,
        (long)0xFFFF800000000000UL, (long)0xFFFFFFFF80000000UL, (long)0x8000000000000000UL, 0xFFF, 1L << 40, 3, 7 };
    uint64_t r = next();
    return (r & 3) == 0 ? (long)next() : picks[r % (sizeof picks / sizeof picks[0])];
}

static int fuzz(long n, long seed)
{
    static const long calls[] = { 0, 1, 9, 10, 11, 12, 20, 24, 35, 39, 61, 63, 158, 218, 228, 247, 0x1001, 500, -1, 1000 };
    rng = (uint64_t)seed * 2654435761u + 1;
    long done = 0;
    for (long i = 0; i < n; i++) {
        long nr = calls[next() % (sizeof calls / sizeof calls[0])];
        long a = hostile(), b = hostile(), c = hostile(), d = hostile(), e = hostile(), f = hostile();
        if (nr == 0 && (a == 0)) continue;                   /* a console read would wait for a line */
        if (nr == 35) { a = (long)(long[]){0, 1000}; }       /* short sleeps only */
        if (nr == 158 && a == 0x1002) continue;              /* keep our own FS base (TLS) */
        if (nr == 12 || nr == 9 || nr == 10 || nr == 11) {   /* keep the program's own memory intact */
            if (nr == 12) continue;
            if ((nr == 10 || nr == 11) && (unsigned long)a < 0x7000000000000000UL) continue;
            if (nr == 9 && (c & 0x10)) continue;
        }
        sys6(nr, a, b, c, d, e, f);
        done++;
    }
    printf("ctest: fuzz %ld calls done, alive\n", done);
    return 0;
}

int main(int argc, char **argv)
{
    const char *a = argc > 1 ? argv[1] : "";
    if (!strcmp(a, "segv") && argc > 2) return segv(argv[2]);
    if (!strcmp(a, "handler") && argc > 2) return handler(argv[2]);
    if (!strcmp(a, "errno")) return errnos();
    if (!strcmp(a, "fuzz") && argc > 3) return fuzz(atol(argv[2]), atol(argv[3]));
    if (!strcmp(a, "exit") && argc > 2) return atoi(argv[2]);
    if (!strcmp(a, "getpid") && argc > 2) {
        long n = atol(argv[2]), s = 0;
        for (long i = 0; i < n; i++) s += sys(39, 0, 0, 0);
        printf("ctest: getpid x%ld sum %ld\n", n, s);
        return 0;
    }
    if (!strcmp(a, "yield") && argc > 2) {
        long n = atol(argv[2]);
        for (long i = 0; i < n; i++) sys(24, 0, 0, 0);
        return 0;
    }
    if (!strcmp(a, "spin") && argc > 3) {
        long n = atol(argv[2]);
        for (long i = 0; i < n; i++) {
            for (volatile long j = 0; j < 200000; j++) {}
            printf("%s%ld\n", argv[3], i);
            fflush(stdout);
        }
        return 0;
    }
    if (!strcmp(a, "sleep") && argc > 2) {
        long ms = atol(argv[2]);
        long ts[2] = { ms / 1000, (ms % 1000) * 1000000 };
        long r = sys(35, (long)ts, 0, 0);
        printf("ctest: slept %ld ms (%ld)\n", ms, r);
        return 0;
    }
    if (!strcmp(a, "read")) {
        char line[128];
        long n = sys(0, 0, (long)line, sizeof line - 1);
        if (n < 0) { printf("ctest: read failed %ld\n", n); return 1; }
        line[n] = 0;
        printf("ctest: read %ld bytes: %s", n, line);
        return 0;
    }
    if (!strcmp(a, "spawn") && argc > 2) {
        const char *args[] = { argv[2], "from", "ctest", 0 };
        long pid = sys(0x1000, (long)argv[2], (long)args, 0);
        int status = -1;
        long w = sys6(61, pid, (long)&status, 0, 0, 0, 0);
        printf("ctest: spawned %s pid %ld, wait4 -> %ld status 0x%x\n", argv[2], pid, w, status);
        return 0;
    }
    if (!strcmp(a, "tls")) {
        static __thread int counter = 41;
        counter++;
        long fs = 0;
        long r = sys(158, 0x1003, (long)&fs, 0);
        printf("ctest: tls counter %d, arch_prctl get fs %ld nonzero %d\n", counter, r, fs != 0);
        return counter == 42 ? 0 : 1;
    }
    if (!strcmp(a, "memstat")) {
        uint64_t s[9];
        char *p = mmap(0, 16 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        volatile char sink = p[5 * 4096]; (void)sink;  /* a read: the zero page */
        p[7 * 4096] = 1;                                /* a write: a private frame */
        p[5 * 4096] = 1;                                /* write after read: copy of the zero page */
        long r = sys(0x1001, (long)s, sizeof s, 0);
        printf("ctest: memstat %ld bytes: pid %lu resident %lu mapped %lu faults %lu demand %lu zero %lu cow %lu last 0x%lx (%s)\n",
            r, s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8], s[8] == (uint64_t)(p + 5 * 4096) ? "ok" : "WRONG");
        return 0;
    }
    if (!strcmp(a, "mprotect")) {
        char *p = mmap(0, 4 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        strcpy(p + 4096, "kept");
        long r1 = sys(10, (long)(p + 4096), 4096, PROT_READ);
        long r2 = sys(11, (long)(p + 2 * 4096), 4096, 0);
        printf("ctest: mprotect %ld munmap middle %ld, page 1 still reads '%s'\n", r1, r2, p + 4096);
        fflush(stdout);
        p[3 * 4096] = 1;   /* the last piece is still writable */
        p[0] = 1;
        printf("ctest: writes beside it ok; now writing the read-only page\n");
        fflush(stdout);
        p[4096] = 'X';
        return 1;
    }
    printf("usage: ctest segv KIND | errno | fuzz N SEED | exit CODE | getpid N | yield N | spin N TAG | sleep MS | read | spawn PROG | tls | memstat | mprotect\n");
    return 2;
}
