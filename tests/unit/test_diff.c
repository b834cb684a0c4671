/*
 * test_diff.c - the character-level diff: known cases, and on thousands of
 * random pairs of texts (multi-byte characters, 4-byte characters, invalid
 * bytes) the pieces rebuild both texts byte for byte, sit at their stated
 * offsets, cut no character in two, and keep the shape promised (one '-'
 * then one '+' per change); also with a spent step budget and on long
 * paragraphs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "diff.h"
#include "units.h"

/* Checks every promise of bg_diff() for a and b; returns the pieces
 * rendered as "=text|-text|+text" (caller frees). */
static char *check(const char *a, size_t alen, const char *b, size_t blen,
                   size_t *budget) {
  bg_diff_piece *p = NULL;
  size_t n = 0;
  assert_int_equal(bg_diff(a, alen, b, blen, budget, &p, &n), 0);
  char *ra = malloc(alen + 1), *rb = malloc(blen + 1);
  size_t la = 0, lb = 0, out_len = 0;
  char *out = malloc(2 * (alen + blen) + 4 * n + 1);
  assert_non_null(ra);
  assert_non_null(rb);
  assert_non_null(out);
  int valid = bg_utf8_valid(a, alen, NULL) && bg_utf8_valid(b, blen, NULL);
  for (size_t i = 0; i < n; i++) {
    const bg_diff_piece *d = &p[i];
    assert_true(d->op == '=' || d->op == '-' || d->op == '+');
    assert_true(d->len > 0);
    assert_int_equal(d->a_off, la);
    assert_int_equal(d->b_off, lb);
    if (i > 0) {
      assert_true(d->op != p[i - 1].op);
      /* a change is '-' then '+' */
      if (d->op == '-') assert_true(p[i - 1].op == '=');
    }
    const char *s = d->op == '+' ? b + d->b_off : a + d->a_off;
    if (valid) assert_true(bg_utf8_valid(s, d->len, NULL));
    if (d->op != '+') {
      memcpy(ra + la, s, d->len);
      la += d->len;
    }
    if (d->op != '-') {
      memcpy(rb + lb, s, d->len);
      lb += d->len;
    }
    if (d->op == '=') assert_memory_equal(a + d->a_off, b + d->b_off, d->len);
    if (i) out[out_len++] = '|';
    out[out_len++] = d->op;
    memcpy(out + out_len, s, d->len);
    out_len += d->len;
  }
  out[out_len] = '\0';
  assert_int_equal(la, alen);
  assert_int_equal(lb, blen);
  assert_memory_equal(ra, a, alen);
  assert_memory_equal(rb, b, blen);
  free(ra);
  free(rb);
  free(p);
  return out;
}

static void expect(const char *a, const char *b, const char *want) {
  char *got = check(a, strlen(a), b, strlen(b), NULL);
  if (strcmp(got, want))
    fail_msg("diff '%s' '%s': got %s, want %s", a, b, got, want);
  free(got);
}

static void test_known(void **state) {
  (void)state;
  expect("", "", "");
  expect("高质量发展", "高质量发展", "=高质量发展");
  expect("", "发展", "+发展");
  expect("发展", "", "-发展");
  expect("高质量发展", "推动高质量发展", "+推动|=高质量发展");
  expect("2024年工作回顾", "2025年工作回顾", "=202|-4|+5|=年工作回顾");
  expect("稳中求进，发展经济", "稳中有进，发展经济",
         "=稳中|-求|+有|=进，发展经济");
  /* a lone shared character between two changes is folded in */
  expect("甲的乙", "丙的丁", "-甲的乙|+丙的丁");
  /* 4-byte characters and invalid bytes: never cut, compared as bytes */
  expect("a😀b", "a😁b", "=a|-😀|+😁|=b");
  expect("x\xff", "x\xfe", "=x|-\xff|+\xfe");
}

static const char *const alphabet[] = {"a",  "b",  "发", "展",   "经",
                                       "济", "，", "😀",  "\xff", "\xe4\xb8"};

static size_t rand_text(char *buf, size_t n, int valid) {
  size_t len = 0;
  size_t k = sizeof alphabet / sizeof *alphabet - (valid ? 2 : 0);
  for (size_t i = 0; i < n; i++) {
    const char *s = alphabet[rand() % k];
    memcpy(buf + len, s, strlen(s));
    len += strlen(s);
  }
  return len;
}

/* b from a with random edits: deletions, insertions, substitutions. */
static size_t mutate(const char *a, size_t alen, char *b, int valid) {
  size_t len = 0, i = 0;
  while (i < alen) {
    int r = rand() % 10;
    size_t j = i + 1;
    while (j < alen && ((unsigned char)a[j] & 0xC0) == 0x80)
      j++;
    if (r == 0) {        /* delete */
    } else if (r == 1) { /* insert before */
      len += rand_text(b + len, 1 + (size_t)rand() % 3, valid);
      memcpy(b + len, a + i, j - i);
      len += j - i;
    } else if (r == 2) { /* substitute */
      len += rand_text(b + len, 1, valid);
    } else {
      memcpy(b + len, a + i, j - i);
      len += j - i;
    }
    i = j;
  }
  return len;
}

static void test_random(void **state) {
  (void)state;
  srand(11);
  static char a[4096], b[16384];
  for (int k = 0; k < 5000; k++) {
    int valid = k % 3 != 0;
    size_t alen = rand_text(a, (size_t)rand() % 80, valid);
    size_t blen = k % 4 == 0 ? rand_text(b, (size_t)rand() % 80, valid)
                             : mutate(a, alen, b, valid);
    free(check(a, alen, b, blen, NULL));
    size_t budget = (size_t)rand() % 50; /* often spent */
    free(check(a, alen, b, blen, &budget));
  }
}

/* Paragraphs of thousands of characters: fast, and within the budget. */
static void test_long(void **state) {
  (void)state;
  srand(5);
  size_t cap = 40000;
  char *a = malloc(cap), *b = malloc(4 * cap);
  assert_non_null(a);
  assert_non_null(b);
  size_t alen = rand_text(a, 3000, 1);
  size_t blen = mutate(a, alen, b, 1);
  clock_t t0 = clock();
  free(check(a, alen, b, blen, NULL));
  /* two unrelated texts: the budget bounds the work */
  blen = rand_text(b, 3000, 1);
  size_t budget = 100000;
  free(check(a, alen, b, blen, &budget));
  assert_int_equal(budget, 0);
  double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
  assert_true(secs < 10);
  free(a);
  free(b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_known),
      cmocka_unit_test(test_random),
      cmocka_unit_test(test_long),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
