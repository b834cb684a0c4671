#define _POSIX_C_SOURCE 200809L
#include "util.h"
#include "error.h"

#include <jansson.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

double bg_now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* ---- the allocator ---- */

static atomic_int armed;           /* failures are on */
static atomic_uint_least64_t calls; /* allocations since armed */
static atomic_uint_least64_t failures;
static uint64_t fail_at;
static int fail_persist;

/* 1 when this allocation is to fail. */
static int inject(void) {
  if (!atomic_load_explicit(&armed, memory_order_relaxed)) return 0;
  uint64_t c = atomic_fetch_add(&calls, 1) + 1;
  if (c == fail_at || (fail_persist && c > fail_at)) {
    atomic_fetch_add(&failures, 1);
    return 1;
  }
  return 0;
}

void *bg_malloc(size_t n) {
  return inject() ? NULL : malloc(n ? n : 1);
}

void *bg_calloc(size_t n, size_t size) {
  return inject() ? NULL : calloc(n ? n : 1, size ? size : 1);
}

void *bg_realloc(void *p, size_t n) {
  return inject() ? NULL : realloc(p, n ? n : 1);
}

char *bg_strdup(const char *s) {
  return bg_strndup(s, strlen(s));
}

char *bg_strndup(const char *s, size_t n) {
  char *p = bg_malloc(n + 1);
  if (p) {
    memcpy(p, s, n);
    p[n] = '\0';
  }
  return p;
}

int bg_grow(void **p, size_t *cap, size_t need, size_t size) {
  if (need <= *cap) return BG_OK;
  size_t nc = *cap ? *cap : 64;
  while (nc < need) nc *= 2;
  void *np = bg_realloc(*p, nc * size);
  if (!np) return BG_ENOMEM;
  *p = np;
  *cap = nc;
  return BG_OK;
}

void bg_alloc_fail_at(uint64_t n, int persist) {
  atomic_store(&armed, 0);
  fail_at = n;
  fail_persist = persist;
  atomic_store(&calls, 0);
  atomic_store(&failures, 0);
  json_set_alloc_funcs(n ? bg_malloc : malloc, free);
  atomic_store(&armed, n != 0);
}

uint64_t bg_alloc_calls(void) {
  return atomic_load(&calls);
}

uint64_t bg_alloc_failures(void) {
  return atomic_load(&failures);
}

char *bg_json_dumps_exact(const json_t *v, size_t flags, size_t *len) {
  /* json_dumps() can lose an object key when an allocation fails inside
   * it and still return a string; json_dumpb() into a buffer of the size
   * a first pass measured allocates nothing of its own but the sorted key
   * lists, and both passes must agree. */
  size_t n = json_dumpb(v, NULL, 0, flags);
  if (n == 0) return NULL;
  char *s = bg_malloc(n + 2);
  if (!s) return NULL;
  if (json_dumpb(v, s, n, flags) != n) {
    free(s);
    return NULL;
  }
  s[n] = '\0';
  if (len) *len = n;
  return s;
}

int bg_cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}
