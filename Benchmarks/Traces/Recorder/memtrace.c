/*
 * memtrace: an LD_PRELOAD recorder of a program's heap calls, for MemOS's trace replay (Benchmarks/Traces).
 *
 * Every malloc, free, calloc, realloc, reallocarray, posix_memalign, aligned_alloc, memalign, valloc and pvalloc is
 * passed to glibc (through its __libc_* entry points, so no dlsym and no bootstrap allocator) and appended as a fixed
 * 32-byte record (op, two arguments, result) to $MEMTRACE_DIR/PID.NAME.raw. Pointers stay raw here; the converter
 * (TraceConverter.cs) maps them to block ids. One spin lock serialises the records, which is enough for the
 * single-threaded programs recorded (a multi-threaded one gets a valid, interleaved trace). The recorder never
 * allocates: the buffer is static, the file is opened with open(2) on the first record of each process, and a
 * forked child drops the parent's unwritten records (the parent writes them) and opens its own file.
 * Build: gcc -O2 -shared -fPIC -o libmemtrace.so memtrace.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern void *__libc_malloc(size_t size);
extern void __libc_free(void *p);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t size);
extern void *__libc_memalign(size_t alignment, size_t size);

enum { OpMalloc = 1, OpFree = 2, OpCalloc = 3, OpRealloc = 4, OpMemalign = 5 };

struct record { uint64_t op, a, b, result; };

#define CAPACITY 4096
static struct record buffer[CAPACITY];
static int used, fd = -1, broken;
static volatile int lock;

static void acquire(void) { while (__atomic_exchange_n(&lock, 1, __ATOMIC_ACQUIRE)) { } }
static void release(void) { __atomic_store_n(&lock, 0, __ATOMIC_RELEASE); }

static char *append(char *at, const char *text) { while (*text) *at++ = *text++; return at; }

/* $MEMTRACE_DIR/PID.NAME.raw, built without snprintf (which may allocate). */
static void open_file(void)
{
    const char *dir = getenv("MEMTRACE_DIR");
    char path[4096], digits[24];
    if (!dir || strlen(dir) > 3800) { broken = 1; return; }
    char *at = append(path, dir);
    at = append(at, "/");
    int n = 0;
    for (long pid = getpid(); pid > 0 || n == 0; pid /= 10) digits[n++] = (char)('0' + pid % 10);
    while (n > 0) *at++ = digits[--n];
    at = append(at, ".");
    const char *name = program_invocation_short_name;
    for (int i = 0; name && name[i] && i < 64; i++) *at++ = (name[i] == '/' || name[i] == '.') ? '_' : name[i];
    at = append(at, ".raw");
    *at = 0;
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) broken = 1;
}

static void flush(void)
{
    if (used == 0 || broken) { used = 0; return; }
    if (fd < 0) open_file();
    const char *at = (const char *)buffer;
    size_t left = (size_t)used * sizeof(struct record);
    while (left > 0 && !broken)
    {
        ssize_t n = write(fd, at, left);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) { broken = 1; break; }
        at += n;
        left -= (size_t)n;
    }
    used = 0;
}

static void record(uint64_t op, uint64_t a, uint64_t b, void *result)
{
    int saved = errno; /* the caller sees glibc's errno, not ours */
    acquire();
    if (used == CAPACITY) flush();
    buffer[used++] = (struct record){ op, a, b, (uint64_t)(uintptr_t)result };
    release();
    errno = saved;
}

static void child_after_fork(void) { used = 0; fd = -1; lock = 0; }

__attribute__((constructor)) static void start(void) { pthread_atfork(NULL, NULL, child_after_fork); }

__attribute__((destructor)) static void finish(void)
{
    acquire();
    flush();
    release();
}

void *malloc(size_t size)
{
    void *p = __libc_malloc(size);
    record(OpMalloc, size, 0, p);
    return p;
}

void free(void *p)
{
    if (p) record(OpFree, (uint64_t)(uintptr_t)p, 0, NULL);
    __libc_free(p);
}

void *calloc(size_t n, size_t size)
{
    void *p = __libc_calloc(n, size);
    size_t total;
    if (__builtin_mul_overflow(n, size, &total)) total = SIZE_MAX;
    record(OpCalloc, total, 0, p);
    return p;
}

void *realloc(void *old, size_t size)
{
    void *p = __libc_realloc(old, size);
    record(OpRealloc, (uint64_t)(uintptr_t)old, size, p);
    return p;
}

void *reallocarray(void *old, size_t n, size_t size)
{
    size_t total;
    if (__builtin_mul_overflow(n, size, &total)) { errno = ENOMEM; return NULL; }
    return realloc(old, total);
}

void *memalign(size_t alignment, size_t size)
{
    void *p = __libc_memalign(alignment, size);
    record(OpMemalign, alignment, size, p);
    return p;
}

void *aligned_alloc(size_t alignment, size_t size) { return memalign(alignment, size); }

int posix_memalign(void **out, size_t alignment, size_t size)
{
    if (alignment < sizeof(void *) || (alignment & (alignment - 1)) != 0) return EINVAL;
    void *p = memalign(alignment, size);
    if (!p) return ENOMEM;
    *out = p;
    return 0;
}

void *valloc(size_t size) { return memalign(4096, size); }

void *pvalloc(size_t size) { return memalign(4096, (size + 4095) & ~(size_t)4095); }
