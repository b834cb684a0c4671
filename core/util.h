/* Small helpers shared by the core modules, and the one allocator every
 * allocation of core/ goes through. */
#ifndef BAOGAO_UTIL_H
#define BAOGAO_UTIL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Milliseconds on the monotonic clock, for elapsed times and deadlines. */
double bg_now_ms(void);

/* malloc, calloc, realloc and strdup of core/: the same, except that a
 * test can make them fail (bg_alloc_fail_at()).  Memory they return is
 * released with free(). */
void *bg_malloc(size_t n);
void *bg_calloc(size_t n, size_t size);
void *bg_realloc(void *p, size_t n);
char *bg_strdup(const char *s);

/* A NUL-terminated copy of the n bytes at s, or NULL when out of memory. */
char *bg_strndup(const char *s, size_t n);

/* strcmp() of the strings two char * elements point to: the comparison
 * of qsort() and bsearch() over arrays of strings. */
int bg_cmp_str(const void *a, const void *b);

/* Makes room for need elements of size bytes in the array *p of *cap
 * elements, doubling its capacity from 64; BG_ENOMEM (and *p as it was)
 * when it cannot. */
int bg_grow(void **p, size_t *cap, size_t need, size_t size);

/* Fault injection, for tests: the n-th allocation from now (n from 1)
 * fails, and with `persist` every one after it as well; n = 0 turns
 * failures off.  While it is on, jansson allocates through bg_malloc()
 * too.  Not for use while other threads allocate. */
void bg_alloc_fail_at(uint64_t n, int persist);

/* Allocations made, and made to fail, since the last bg_alloc_fail_at(). */
uint64_t bg_alloc_calls(void);
uint64_t bg_alloc_failures(void);

struct json_t;

/* v serialized with json_dumpb() flags, NUL-terminated (room for one
 * more byte after it), its length in *len (may be NULL); caller frees.
 * NULL when out of memory: never a text with a part missing. */
char *bg_json_dumps_exact(const struct json_t *v, size_t flags, size_t *len);

#ifdef __cplusplus
}
#endif

#endif
