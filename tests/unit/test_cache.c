/*
 * test_cache.c - the answer cache: hits and misses by key and tag, a new
 * tag dropping the old entries, least-recently-used eviction within the
 * byte limit, oversized entries, out of memory, and threads sharing it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <pthread.h>

#include "cache.h"
#include "util.h"

static void put_s(bg_cache *c, uint64_t tag, const char *k, const char *v) {
  bg_cache_put(c, tag, k, strlen(k), v, strlen(v));
}

/* The value under (tag, k), or NULL; the caller frees. */
static char *get_s(bg_cache *c, uint64_t tag, const char *k) {
  char *v;
  size_t n;
  if (!bg_cache_get(c, tag, k, strlen(k), &v, &n)) {
    assert_null(v);
    assert_int_equal(n, 0);
    return NULL;
  }
  assert_int_equal(strlen(v), n);
  return v;
}

static void assert_value(bg_cache *c, uint64_t tag, const char *k,
                         const char *want) {
  char *v = get_s(c, tag, k);
  if (!want) {
    assert_null(v);
    return;
  }
  assert_non_null(v);
  assert_string_equal(v, want);
  free(v);
}

static void test_hits_and_tags(void **state) {
  (void)state;
  assert_null(bg_cache_new(0));
  bg_cache *c = bg_cache_new(1 << 20);
  assert_non_null(c);
  assert_value(c, 7, "q=发展", NULL);
  put_s(c, 7, "q=发展", "{\"total\": 3}");
  put_s(c, 7, "q=经济", "{\"total\": 5}");
  assert_value(c, 7, "q=发展", "{\"total\": 3}");
  assert_value(c, 7, "q=经济", "{\"total\": 5}");
  assert_value(c, 7, "q=发", NULL);   /* a prefix is another key */
  assert_value(c, 8, "q=发展", NULL); /* another index state */
  /* keys are bytes: a NUL inside counts */
  bg_cache_put(c, 7, "a\0b", 3, "x", 1);
  char *v;
  size_t n;
  assert_false(bg_cache_get(c, 7, "a\0c", 3, &v, &n));
  assert_true(bg_cache_get(c, 7, "a\0b", 3, &v, &n));
  assert_int_equal(n, 1);
  free(v);
  /* replacing */
  put_s(c, 7, "q=发展", "{\"total\": 4}");
  assert_value(c, 7, "q=发展", "{\"total\": 4}");
  bg_cache_stats st;
  bg_cache_get_stats(c, &st);
  assert_int_equal(st.entries, 3);
  assert_int_equal(st.hits, 4);
  assert_int_equal(st.misses, 4);
  assert_int_equal(st.stores, 4);
  /* an empty value is a value */
  put_s(c, 7, "empty", "");
  assert_value(c, 7, "empty", "");
  /* a new state drops every answer of the old one */
  put_s(c, 9, "q=经济", "{\"total\": 6}");
  bg_cache_get_stats(c, &st);
  assert_int_equal(st.entries, 1);
  assert_value(c, 7, "q=经济", NULL);
  assert_value(c, 9, "q=经济", "{\"total\": 6}");
  assert_value(c, 9, "q=发展", NULL);
  bg_cache_free(c);
  bg_cache_free(NULL);
  /* no cache: always a miss */
  assert_value(NULL, 1, "k", NULL);
  put_s(NULL, 1, "k", "v");
}

static void test_eviction(void **state) {
  (void)state;
  size_t max = 64 * 1024;
  bg_cache *c = bg_cache_new(max);
  assert_non_null(c);
  char val[2001], key[32];
  memset(val, 'x', 2000);
  val[2000] = '\0';
  /* 100 answers of 2 KB cannot all stay in 64 KB */
  for (int i = 0; i < 100; i++) {
    snprintf(key, sizeof key, "k%d", i);
    put_s(c, 1, key, val);
    if (i >= 1) {
      /* k0 is used after every store: it stays the most recent */
      char *v = get_s(c, 1, "k0");
      assert_non_null(v);
      free(v);
    }
    bg_cache_stats st;
    bg_cache_get_stats(c, &st);
    assert_true(st.bytes <= max);
  }
  bg_cache_stats st;
  bg_cache_get_stats(c, &st);
  assert_true(st.evictions > 0);
  assert_true(st.entries > 10 && st.entries < 40);
  assert_value(c, 1, "k1", NULL); /* the oldest went first */
  assert_value(c, 1, "k99", val);
  /* the survivors are exactly the newest ones, and k0 */
  size_t kept = 0;
  for (int i = 0; i < 100; i++) {
    snprintf(key, sizeof key, "k%d", i);
    char *v = get_s(c, 1, key);
    if (v) {
      assert_true(i == 0 || i >= 100 - (int)st.entries);
      kept++;
    }
    free(v);
  }
  assert_int_equal(kept, st.entries);
  /* an answer larger than an eighth of the cache is not kept */
  char *big = malloc(max / 8 + 1);
  assert_non_null(big);
  memset(big, 'y', max / 8);
  big[max / 8] = '\0';
  put_s(c, 1, "big", big);
  assert_value(c, 1, "big", NULL);
  free(big);
  bg_cache_free(c);
}

static void test_out_of_memory(void **state) {
  (void)state;
  bg_cache *c = NULL;
  /* creating it: every failing allocation gives NULL */
  for (uint64_t n = 1; n <= 2; n++) {
    bg_alloc_fail_at(n, 0);
    assert_null(bg_cache_new(1 << 20));
  }
  bg_alloc_fail_at(0, 0);
  c = bg_cache_new(1 << 20);
  assert_non_null(c);
  put_s(c, 1, "a", "1");
  /* storing: nothing kept, the old entries untouched */
  for (uint64_t n = 1; n <= 2; n++) {
    bg_alloc_fail_at(n, 0);
    put_s(c, 1, "b", "2");
    bg_alloc_fail_at(0, 0);
    assert_value(c, 1, "b", NULL);
    assert_value(c, 1, "a", "1");
  }
  /* reading: a miss */
  bg_alloc_fail_at(1, 0);
  char *v;
  size_t len;
  assert_false(bg_cache_get(c, 1, "a", 1, &v, &len));
  bg_alloc_fail_at(0, 0);
  assert_value(c, 1, "a", "1");
  bg_cache_free(c);
}

typedef struct worker_arg {
  bg_cache *c;
  unsigned seed;
  int bad;
} worker_arg;

/* Stores and reads answers whose value is derived from their key: any
 * answer read must be the one of its key and tag. */
static void *hammer(void *p) {
  worker_arg *a = p;
  char key[32], want[64];
  for (int i = 0; i < 20000; i++) {
    a->seed = a->seed * 1103515245u + 12345u;
    unsigned k = (a->seed >> 8) % 500, tag = 1 + (a->seed >> 24) % 2;
    snprintf(key, sizeof key, "q=%u", k);
    snprintf(want, sizeof want, "{\"key\": %u, \"tag\": %u}", k, tag);
    char *v;
    size_t n;
    if (bg_cache_get(a->c, tag, key, strlen(key), &v, &n)) {
      if (n != strlen(want) || strcmp(v, want)) a->bad++;
      free(v);
    } else {
      bg_cache_put(a->c, tag, key, strlen(key), want, strlen(want));
    }
  }
  return NULL;
}

static void test_threads(void **state) {
  (void)state;
  bg_cache *c = bg_cache_new(32 * 1024);
  assert_non_null(c);
  pthread_t t[4];
  worker_arg a[4];
  for (int i = 0; i < 4; i++) {
    a[i] = (worker_arg){.c = c, .seed = (unsigned)i * 7919u + 1};
    assert_int_equal(pthread_create(&t[i], NULL, hammer, &a[i]), 0);
  }
  for (int i = 0; i < 4; i++) {
    assert_int_equal(pthread_join(t[i], NULL), 0);
    assert_int_equal(a[i].bad, 0);
  }
  bg_cache_stats st;
  bg_cache_get_stats(c, &st);
  assert_true(st.bytes <= 32 * 1024);
  assert_int_equal(st.hits + st.misses, 80000);
  bg_cache_free(c);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_hits_and_tags),
      cmocka_unit_test(test_eviction),
      cmocka_unit_test(test_out_of_memory),
      cmocka_unit_test(test_threads),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
