/*
 * test_posblock.c - index format 5: the block codec and the buffer that
 * merges changed reports into blocks, over an in-memory store, against a
 * plain model of (term, report) -> positions.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "posblock.h"
#include "util.h"

/* ---- an in-memory store of keys and values ---- */

typedef struct kv {
  char *k, *v;
  size_t kl, vl;
} kv;

typedef struct store {
  kv *e;
  size_t n;
  size_t gets, sets;
  int fail_set; /* fail the n-th set from now (1-based); 0: never */
} store;

static kv *find(store *s, const char *k, size_t kl) {
  for (size_t i = 0; i < s->n; i++)
    if (s->e[i].kl == kl && !memcmp(s->e[i].k, k, kl)) return &s->e[i];
  return NULL;
}

static int st_get(void *ctx, const char *k, size_t kl, char **out,
                  size_t *len, bg_err *err) {
  (void)err;
  store *s = ctx;
  s->gets++;
  kv *e = find(s, k, kl);
  *len = e ? e->vl : 0;
  *out = malloc(*len + 1);
  if (e) memcpy(*out, e->v, e->vl);
  return BG_OK;
}

static int st_set(void *ctx, const char *k, size_t kl, const char *v,
                  size_t vl, bg_err *err) {
  store *s = ctx;
  s->sets++;
  if (s->fail_set && --s->fail_set == 0)
    return bg_err_set(err, BG_EXAPIAN, "injected");
  kv *e = find(s, k, kl);
  if (!e) {
    if (vl == 0) return BG_OK;
    s->e = realloc(s->e, (s->n + 1) * sizeof *s->e);
    e = &s->e[s->n++];
    e->k = malloc(kl);
    memcpy(e->k, k, kl);
    e->kl = kl;
    e->v = NULL;
  }
  if (vl == 0) {
    free(e->k);
    free(e->v);
    *e = s->e[--s->n];
    return BG_OK;
  }
  free(e->v);
  e->v = malloc(vl);
  memcpy(e->v, v, vl);
  e->vl = vl;
  return BG_OK;
}

static void store_free(store *s) {
  for (size_t i = 0; i < s->n; i++) {
    free(s->e[i].k);
    free(s->e[i].v);
  }
  free(s->e);
}

/* The positions of term in did as the store holds them; -1 when absent. */
static long read_back(store *s, const char *term, uint32_t did,
                      uint32_t **pos, size_t *cap) {
  char key[BG_POSKEY_MAX];
  size_t kl = bg_posblock_key(term, strlen(term), bg_posblock_of(did), key);
  kv *e = find(s, key, kl);
  if (!e) return -1;
  size_t n = 0;
  int rc = bg_posblock_find(e->v, e->vl, did, pos, &n, cap);
  if (rc == BG_ENOTFOUND) return -1;
  assert_int_equal(rc, BG_OK);
  return (long)n;
}

/* ---- the model ---- */

#define TERMS 5
#define DOCS 300
static const char *const terms[TERMS] = {"发", "发展", "gdp", "x\x1f" "2022",
                                         "长"};

typedef struct model {
  uint32_t n[TERMS][DOCS + 1];
  uint32_t p[TERMS][DOCS + 1][8];
} model;

static void check(store *s, const model *m) {
  uint32_t *pos = NULL;
  size_t cap = 0;
  for (size_t t = 0; t < TERMS; t++)
    for (uint32_t d = 1; d <= DOCS; d++) {
      long n = read_back(s, terms[t], d, &pos, &cap);
      if (m->n[t][d] == 0) {
        assert_int_equal(n, -1);
        continue;
      }
      assert_int_equal(n, m->n[t][d]);
      assert_memory_equal(pos, m->p[t][d], m->n[t][d] * sizeof *pos);
    }
  free(pos);
}

static uint32_t rnd(uint64_t *x) {
  *x = *x * 6364136223846793005ULL + 1442695040888963407ULL;
  return (uint32_t)(*x >> 33);
}

/* Random reports added, replaced and removed over several flushes, as an
 * indexer does between commits, read back exactly after each. */
static void test_random_changes(void **state) {
  (void)state;
  store s = {0};
  model *m = calloc(1, sizeof *m);
  uint64_t x = 42;
  bg_posstore st = {&s, st_get, st_set};
  uint32_t ondisk = 0;
  for (int round = 0; round < 12; round++) {
    bg_posbuf *b = bg_posbuf_new(ondisk);
    assert_non_null(b);
    for (int k = 0; k < 150; k++) {
      /* The first rounds add reports in order, as a first build. */
      uint32_t d = round < 2 ? (uint32_t)(round * 150 + k + 1)
                             : 1 + rnd(&x) % DOCS;
      int remove = round >= 2 && rnd(&x) % 5 == 0;
      for (size_t t = 0; t < TERMS; t++) {
        uint32_t had = m->n[t][d];
        uint32_t n = remove ? 0 : rnd(&x) % 9;
        if (n == 0 && !had) continue; /* as a term list would say */
        uint32_t p = 0;
        for (uint32_t i = 0; i < n; i++) {
          p += 1 + rnd(&x) % (i == 3 ? 300000 : 40);
          m->p[t][d][i] = p;
        }
        m->n[t][d] = n;
        assert_int_equal(bg_posbuf_add(b, terms[t], strlen(terms[t]), d,
                                       m->p[t][d], n),
                         BG_OK);
        if (d > ondisk) ondisk = d;
      }
    }
    bg_err err = {0};
    assert_int_equal(bg_posbuf_flush(b, &st, &err), BG_OK);
    assert_int_equal(bg_posbuf_bytes(b), 0);
    bg_posbuf_free(b);
    check(&s, m);
  }
  free(m);
  store_free(&s);
}

/* A first build reads no block that cannot exist yet. */
static void test_first_build_reads_nothing(void **state) {
  (void)state;
  store s = {0};
  bg_posstore st = {&s, st_get, st_set};
  bg_posbuf *b = bg_posbuf_new(0);
  uint32_t pos[3] = {1, 5, 9};
  for (uint32_t d = 1; d <= 200; d++)
    assert_int_equal(bg_posbuf_add(b, "发", strlen("发"), d, pos, 3), BG_OK);
  bg_err err = {0};
  assert_int_equal(bg_posbuf_flush(b, &st, &err), BG_OK);
  assert_int_equal(s.gets, 0);
  assert_int_equal(s.sets, 4); /* blocks 0..3 */
  /* The next flush reads the block it adds to. */
  assert_int_equal(bg_posbuf_add(b, "发", strlen("发"), 201, pos, 3), BG_OK);
  assert_int_equal(bg_posbuf_flush(b, &st, &err), BG_OK);
  assert_int_equal(s.gets, 1);
  uint32_t *out = NULL;
  size_t cap = 0;
  assert_int_equal(read_back(&s, "发", 200, &out, &cap), 3);
  assert_int_equal(read_back(&s, "发", 201, &out, &cap), 3);
  assert_int_equal(read_back(&s, "发", 202, &out, &cap), -1);
  free(out);
  bg_posbuf_free(b);
  store_free(&s);
}

/* Long terms get keys of bounded length that still tell them apart. */
static void test_long_terms(void **state) {
  (void)state;
  char a[260], b[260], ka[BG_POSKEY_MAX], kb[BG_POSKEY_MAX];
  memset(a, 'a', sizeof a);
  memcpy(b, a, sizeof b);
  b[250] = 'b';
  size_t la = bg_posblock_key(a, sizeof a, 7, ka);
  size_t lb = bg_posblock_key(b, sizeof b, 7, kb);
  assert_true(la <= BG_POSKEY_MAX && lb <= BG_POSKEY_MAX);
  assert_int_equal(la, lb);
  assert_true(memcmp(ka, kb, la) != 0);
  assert_true(bg_posblock_positional("发展", strlen("发展")));
  assert_false(bg_posblock_positional("XIid", 4));
}

/* Damaged values are errors, never positions. */
static void test_damaged(void **state) {
  (void)state;
  uint32_t *pos = NULL;
  size_t n = 0, cap = 0;
  /* Two entries claimed, one given. */
  const char v1[] = {2, 1, 1, 1, 5};
  assert_int_equal(bg_posblock_find(v1, sizeof v1, 1, &pos, &n, &cap),
                   BG_ECORRUPT);
  /* A payload shorter than its count says. */
  const char v2[] = {1, 1, 3, 1, 5};
  assert_int_equal(bg_posblock_find(v2, sizeof v2, 1, &pos, &n, &cap),
                   BG_ECORRUPT);
  /* A did outside the block. */
  const char v3[] = {1, 65, 1, 1, 5};
  assert_int_equal(bg_posblock_find(v3, sizeof v3, 65, &pos, &n, &cap),
                   BG_ECORRUPT);
  /* A good one. */
  const char v4[] = {1, 2, 2, 2, 5, 3};
  assert_int_equal(bg_posblock_find(v4, sizeof v4, 2, &pos, &n, &cap), BG_OK);
  assert_int_equal(n, 2);
  assert_int_equal(pos[0], 5);
  assert_int_equal(pos[1], 8);
  assert_int_equal(bg_posblock_find(v4, sizeof v4, 3, &pos, &n, &cap),
                   BG_ENOTFOUND);
  free(pos);
}

/* A store that fails: the flush says so and the buffer is emptied. */
static void test_store_fails(void **state) {
  (void)state;
  store s = {0};
  s.fail_set = 2;
  bg_posstore st = {&s, st_get, st_set};
  bg_posbuf *b = bg_posbuf_new(0);
  uint32_t pos[1] = {4};
  for (uint32_t d = 1; d <= 130; d++)
    assert_int_equal(bg_posbuf_add(b, "长", strlen("长"), d, pos, 1), BG_OK);
  bg_err err = {0};
  assert_int_equal(bg_posbuf_flush(b, &st, &err), BG_EXAPIAN);
  assert_int_equal(bg_posbuf_bytes(b), 0);
  bg_posbuf_free(b);
  store_free(&s);
}

/* Out of memory at every allocation of adding and flushing: a clean
 * error, no leak. */
static void test_out_of_memory(void **state) {
  (void)state;
  for (uint64_t at = 1;; at++) {
    store s = {0};
    bg_posstore st = {&s, st_get, st_set};
    bg_alloc_fail_at(at, 0);
    bg_posbuf *b = bg_posbuf_new(0);
    int rc = b ? BG_OK : BG_ENOMEM;
    uint32_t pos[2] = {3, 9};
    for (uint32_t d = 1; d <= 70 && rc == BG_OK; d++)
      rc = bg_posbuf_add(b, d % 2 ? "发" : "展", strlen("发"), d, pos, 2);
    bg_err err = {0};
    if (rc == BG_OK) rc = bg_posbuf_flush(b, &st, &err);
    uint64_t failures = bg_alloc_failures();
    bg_alloc_fail_at(0, 0);
    bg_posbuf_free(b);
    store_free(&s);
    if (failures == 0) {
      assert_int_equal(rc, BG_OK);
      break;
    }
    assert_int_equal(rc, BG_ENOMEM);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_random_changes),
      cmocka_unit_test(test_first_build_reads_nothing),
      cmocka_unit_test(test_long_terms),
      cmocka_unit_test(test_damaged),
      cmocka_unit_test(test_store_fails),
      cmocka_unit_test(test_out_of_memory),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
