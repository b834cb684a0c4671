/*
 * test_similarity.c - the Dice similarity over unit pairs: known values,
 * the rule for texts of fewer than two units, normalization, and the
 * properties of a similarity (range, symmetry, identity) on random texts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "similarity.h"

static double sim(const char *a, const char *b) {
  double s = -1;
  assert_int_equal(bg_similarity(a, strlen(a), b, strlen(b), &s), 0);
  return s;
}

static void test_values(void **state) {
  (void)state;
  assert_true(sim("高质量发展", "高质量发展") == 1.0);
  /* 4 pairs and 2 pairs, 2 shared: 2*2/6 */
  assert_float_equal(sim("高质量发展", "高质量"), 4.0 / 6, 1e-12);
  assert_true(sim("高质量发展", "招商引资") == 0.0);
  /* a multiset: 发展发展 has 发展 twice, 发展 once */
  assert_float_equal(sim("发展发展", "发展"), 2.0 / 4, 1e-12);
  /* white space is no unit; full width and case fold */
  assert_true(sim("ＧＤＰ增长 19.4%", "gdp增长19.4%") == 1.0);
  /* a comma is a unit: 发展经济 and 发展，经济 share 发展 and 经济 only */
  assert_float_equal(sim("发展经济", "发展，经济"), 2.0 * 2 / 7, 1e-12);
  /* 14亿 is two units (14, 亿), 4亿 another pair */
  assert_true(sim("14亿", "4亿") == 0.0);
}

static void test_short(void **state) {
  (void)state;
  assert_true(sim("发", "发") == 1.0);
  assert_true(sim("发", "展") == 0.0);
  assert_true(sim("发", "发展") == 0.0);
  assert_true(sim("", "") == 1.0);
  assert_true(sim("", "发") == 0.0);
  assert_true(sim("gdp", "ＧＤＰ") == 1.0);
}

static const char *const alphabet[] = {"发", "展", "经", "济",  "高", "质",
                                       "量", "，", "。", "gdp", "1",  " "};

static void rand_text(char *buf, size_t n) {
  buf[0] = '\0';
  for (size_t i = 0; i < n; i++)
    strcat(buf, alphabet[rand() % (sizeof alphabet / sizeof *alphabet)]);
}

static void test_properties(void **state) {
  (void)state;
  srand(7);
  char a[512], b[512];
  for (int k = 0; k < 2000; k++) {
    rand_text(a, (size_t)(rand() % 40));
    rand_text(b, (size_t)(rand() % 40));
    double x = sim(a, b), y = sim(b, a);
    assert_true(x >= 0 && x <= 1);
    assert_true(x == y);
    assert_true(sim(a, a) == 1.0);
  }
}

static void test_bigrams(void **state) {
  (void)state;
  bg_units u;
  bg_bigrams x, y;
  bg_units_init(&u);
  bg_bigrams_init(&x);
  bg_bigrams_init(&y);
  assert_int_equal(
      bg_units_tokenize(&u, "稳中求进稳中", strlen("稳中求进稳中")), 0);
  assert_int_equal(bg_bigrams_set(&x, &u), 0);
  assert_int_equal(x.n, 5);
  for (size_t i = 1; i < x.n; i++)
    assert_true(x.h[i - 1] <= x.h[i]);
  assert_int_equal(bg_units_tokenize(&u, "稳中", strlen("稳中")), 0);
  assert_int_equal(bg_bigrams_set(&y, &u), 0);
  assert_int_equal(bg_bigrams_common(&x, &y), 1);
  assert_float_equal(bg_bigrams_similarity(&x, &y), 2.0 / 6, 1e-12);
  /* order matters: 中稳 is not 稳中 */
  assert_true(bg_pair_hash(1, 2) != bg_pair_hash(2, 1));
  bg_units_reset(&u);
  bg_bigrams_reset(&x);
  bg_bigrams_reset(&y);
  bg_bigrams_reset(NULL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_values),
      cmocka_unit_test(test_short),
      cmocka_unit_test(test_properties),
      cmocka_unit_test(test_bigrams),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
