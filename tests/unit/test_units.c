/*
 * test_units.c - the unit tokenizer against the matching contract.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "terms.h"
#include "units.h"

/* Units joined with '|' into buf. */
static const char *joined(const bg_units *u, char *buf, size_t cap) {
  size_t n = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < u->n; i++) {
    int w = snprintf(buf + n, cap - n, "%s%.*s", i ? "|" : "",
                     (int)u->u[i].len, bg_units_text(u, i));
    if (w < 0 || (size_t)w >= cap - n) break;
    n += (size_t)w;
  }
  return buf;
}

typedef struct {
  const char *in, *want;
} tcase;

static const tcase cases[] = {
    /* DESIGN.md's examples */
    {"ＧＤＰ１２", "gdp12"},
    {"5G", "5g"},
    {"19.4", "19.4"},
    {"v1.2", "v1.2"},
    {"PM2.5", "pm2.5"},
    {"政 府 工 作", "政|府|工|作"},
    {"GDP 增长", "gdp|增|长"},
    {"发展，经济", "发|展|,|经|济"},
    {"14亿", "14|亿"},
    {"4亿", "4|亿"},
    {"高质量发展", "高|质|量|发|展"},
    {"，。、“”%+", ",|。|、|“|”|%|+"},
    /* full-width forms fold to ASCII, then case folds */
    {"ＰＭ２．５", "pm2.5"},
    {"（一）", "(|一|)"},
    {"１９．４亿元", "19.4|亿|元"},
    /* dots: only between two digits */
    {"1.", "1|."},
    {".5", ".|5"},
    {"a.b", "a|.|b"},
    {"1.2.3", "1.2.3"},
    {"3..4", "3|.|.|4"},
    {"12.5%", "12.5|%"},
    /* mixed scripts */
    {"5G网络", "5g|网|络"},
    {"COVID-19疫情", "covid|-|19|疫|情"},
    {"Ελλάδα", "ελλάδα"},
    {"Straße", "strasse"},
    {"ﬁnance", "finance"},
    {"①②", "12"},
    {"㎏", "kg"},
    {"…", ".|.|."},
    {"〇々〻", "〇|々|〻"},
    {"ひらがなカタカナ", "ひ|ら|が|な|カ|タ|カ|ナ"},
    {"ｶﾞ", "ガ"},
    {"한국어", "한|국|어"},
    {"e\xcc\x81t\xc3\xa9", "été"},
    {"\xf0\xa0\x80\x80", "\xf0\xa0\x80\x80"}, /* U+20000, extension B */
    {"\xef\xa4\x80", "\xe8\xb1\x88"},         /* U+F900 -> U+8C48 */
    /* dropped: whitespace, controls, format characters */
    {"\t发\u3000展\n", "发|展"},
    {"发\u200b展", "发|展"},
    {"\xef\xbb\xbf发展", "发|展"},
    {"", ""},
    {"   ", ""},
    /* invalid UTF-8: one U+FFFD unit per bad byte */
    {"a\xff" "b", "a|\xef\xbf\xbd|b"},
    {"\xe5\x8f", "\xef\xbf\xbd|\xef\xbf\xbd"},
};

static void test_table(void **state) {
  (void)state;
  bg_units u;
  bg_units_init(&u);
  char buf[512];
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    assert_int_equal(bg_units_tokenize(&u, cases[i].in, strlen(cases[i].in)),
                     0);
    const char *got = joined(&u, buf, sizeof buf);
    if (strcmp(got, cases[i].want) != 0)
      fail_msg("units of '%s': got '%s', want '%s'", cases[i].in, got,
               cases[i].want);
  }
  bg_units_reset(&u);
}

/* Source code-point ranges, for highlights in the text as it stands. */
static void test_offsets(void **state) {
  (void)state;
  bg_units u;
  bg_units_init(&u);
  const char *s = "ＧＤＰ １２增长，…x";
  assert_int_equal(bg_units_tokenize(&u, s, strlen(s)), 0);
  /* gdp | 12 | 增 | 长 | ， | . | . | . | x */
  assert_int_equal(u.n, 9);
  assert_int_equal(u.u[0].src_start, 0);
  assert_int_equal(u.u[0].src_end, 3);
  assert_int_equal(u.u[1].src_start, 4);
  assert_int_equal(u.u[1].src_end, 6);
  assert_int_equal(u.u[2].src_start, 6);
  assert_int_equal(u.u[2].src_end, 7);
  /* the three dots of one ellipsis all map to it */
  for (int i = 5; i <= 7; i++) {
    assert_int_equal(u.u[i].src_start, 9);
    assert_int_equal(u.u[i].src_end, 10);
  }
  assert_int_equal(u.u[8].src_start, 10);
  assert_int_equal(u.src_cps, 11);
  /* a combining mark stays with its base */
  s = "ae\xcc\x81z";
  assert_int_equal(bg_units_tokenize(&u, s, strlen(s)), 0);
  assert_int_equal(u.n, 1);
  assert_int_equal(u.u[0].src_end, 4);
  bg_units_reset(&u);
}

/* Tokenizing a text in one go or with its parts separated by spaces (which
 * are dropped) gives the same units when the parts do not join: the
 * chunking of normalization never changes the result. */
static void test_chunks_consistent(void **state) {
  (void)state;
  static const char *const pieces[] = {
      "发", "展", "a", "B", "1", "2", ".", "，", "\xcc\x81", "\xcc\xa3",
      "e", "ｶ", "ﾞ", "\xe1\x84\x80", "\xe1\x85\xa1", "\xe1\x86\xa8",
      "Ａ", "①", "ß", "İ", "…", " ", "\xe0\xad\x87", "\xe0\xac\xbe"};
  bg_units a, b;
  bg_units_init(&a);
  bg_units_init(&b);
  srand(7);
  char s[256];
  for (int iter = 0; iter < 20000; iter++) {
    size_t n = 0;
    int k = 1 + rand() % 12;
    for (int j = 0; j < k; j++) {
      const char *p = pieces[rand() % (sizeof pieces / sizeof *pieces)];
      memcpy(s + n, p, strlen(p));
      n += strlen(p);
    }
    assert_int_equal(bg_units_tokenize(&a, s, n), 0);
    /* Units never overlap and cover ascending source ranges. */
    for (size_t i = 1; i < a.n; i++)
      assert_true(a.u[i].src_start >= a.u[i - 1].src_start);
    for (size_t i = 0; i < a.n; i++)
      assert_true(a.u[i].src_end <= a.src_cps && a.u[i].len > 0);
    /* Tokenizing the same text again gives the same units. */
    assert_int_equal(bg_units_tokenize(&b, s, n), 0);
    assert_int_equal(a.n, b.n);
    assert_memory_equal(a.norm, b.norm, a.norm_len);
  }
  bg_units_reset(&a);
  bg_units_reset(&b);
}

static void test_long_and_reuse(void **state) {
  (void)state;
  bg_units u;
  bg_units_init(&u);
  size_t n = 300000;
  char *s = malloc(n + 1);
  assert_non_null(s);
  memset(s, 'a', n);
  assert_int_equal(bg_units_tokenize(&u, s, n), 0);
  assert_int_equal(u.n, 1);
  assert_int_equal(u.u[0].len, n);
  /* Overlong units become a cut term with a hash, the same each time. */
  char t1[BG_TERM_MAX], t2[BG_TERM_MAX];
  size_t l1 = bg_term_unit(&u, 0, t1);
  assert_true(l1 < 245);
  s[n - 1] = 'b';
  assert_int_equal(bg_units_tokenize(&u, s, n), 0);
  size_t l2 = bg_term_unit(&u, 0, t2);
  assert_int_equal(l1, l2);
  assert_memory_not_equal(t1, t2, l1);
  /* Short ones are the unit itself. */
  assert_int_equal(bg_units_tokenize(&u, "发展", 6), 0);
  l1 = bg_term_unit(&u, 0, t1);
  assert_int_equal(l1, 3);
  assert_memory_equal(t1, "发", 3);
  free(s);
  bg_units_reset(&u);
}

static void test_pair_terms(void **state) {
  (void)state;
  bg_units u;
  bg_units_init(&u);
  char t1[BG_TERM_MAX], t2[BG_TERM_MAX];
  /* gdp + 2022 (two units) must differ from the unit gdp2022 */
  assert_int_equal(bg_units_tokenize(&u, "GDP 2022", 8), 0);
  assert_int_equal(u.n, 2);
  size_t l1 = bg_term_pair(&u, 0, t1);
  assert_int_equal(bg_units_tokenize(&u, "GDP2022", 7), 0);
  size_t l2 = bg_term_unit(&u, 0, t2);
  assert_false(l1 == l2 && memcmp(t1, t2, l1) == 0);
  /* ab + c differs from a + bc */
  assert_int_equal(bg_units_tokenize(&u, "ab c", 4), 0);
  l1 = bg_term_pair(&u, 0, t1);
  assert_int_equal(bg_units_tokenize(&u, "a bc", 4), 0);
  l2 = bg_term_pair(&u, 0, t2);
  assert_false(l1 == l2 && memcmp(t1, t2, l1) == 0);
  /* CJK pairs are the two characters */
  assert_int_equal(bg_units_tokenize(&u, "发展", 6), 0);
  l1 = bg_term_pair(&u, 0, t1);
  assert_int_equal(l1, 6);
  assert_memory_equal(t1, "发展", 6);
  bg_units_reset(&u);
}

static void test_utf8_helpers(void **state) {
  (void)state;
  size_t bad = 0;
  assert_true(bg_utf8_valid("发展ab", 8, &bad));
  assert_false(bg_utf8_valid("ab\xc0\x80", 4, &bad));
  assert_int_equal(bad, 2);
  assert_false(bg_utf8_valid("\xed\xa0\x80", 3, &bad)); /* surrogate */
  assert_true(bg_utf8_valid("\xef\xbf\xbd", 3, &bad));  /* real U+FFFD */
  assert_int_equal(bg_utf8_cps("发展ab", 8), 4);
  assert_int_equal(bg_utf8_offset("发展ab", 8, 2), 6);
  assert_int_equal(bg_utf8_width("发展ab", 8), 6);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_table),
      cmocka_unit_test(test_offsets),
      cmocka_unit_test(test_chunks_consistent),
      cmocka_unit_test(test_long_and_reuse),
      cmocka_unit_test(test_pair_terms),
      cmocka_unit_test(test_utf8_helpers),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
