/*
 * test_t2s.c - Traditional to Simplified folding: the table, the
 * tokenizer with the fold on (units and source offsets), region terms, and
 * an index built with the fold: searches in either script, the option
 * recorded and kept, a conflicting change refused, and shards of different
 * folds refused together.  (tests/integration/t2s_test.py checks the table
 * against OpenCC and the engine against a brute-force search.)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "index.h"
#include "report.h"
#include "search.h"
#include "t2s.h"
#include "terms.h"
#include "units.h"

static void test_table(void **state) {
  (void)state;
  size_t n = bg_t2s_rows();
  assert_true(n > 4000);
  uint32_t prev = 0, from, to;
  for (size_t i = 0; i < n; i++) {
    assert_true(bg_t2s_row(i, &from, &to));
    assert_true(from > prev); /* ascending, no duplicates */
    assert_int_not_equal(from, to);
    assert_int_equal(bg_t2s(from), to);
    assert_int_equal(bg_t2s(to), to); /* idempotent */
    prev = from;
  }
  assert_false(bg_t2s_row(n, &from, &to));
  assert_int_equal(bg_t2s(0x767C), 0x53D1); /* 發 发 */
  assert_int_equal(bg_t2s(0x5F8C), 0x540E); /* 後 后 */
  assert_int_equal(bg_t2s(0x81FA), 0x53F0); /* 臺 台 */
  assert_int_equal(bg_t2s(0x4E7E), 0x5E72); /* 乾 干 */
  assert_int_equal(bg_t2s(0x85C9), 0x85C9); /* 藉: OpenCC's first is 藉 */
  assert_int_equal(bg_t2s(0x85B4), 0x82CE); /* 薴 苧 苎, closed */
  assert_int_equal(bg_t2s(0x53D1), 0x53D1); /* Simplified stays */
  assert_int_equal(bg_t2s('A'), 'A');
  assert_int_equal(bg_t2s(0x3002), 0x3002);
  assert_int_equal(bg_t2s(0x10FFFF), 0x10FFFF);
}

static void expect(const bg_units *u, const char *const *want,
                   const uint32_t *ranges, size_t n) {
  assert_int_equal(u->n, n);
  for (size_t i = 0; i < n; i++) {
    assert_int_equal(u->u[i].len, strlen(want[i]));
    assert_memory_equal(bg_units_text(u, i), want[i], u->u[i].len);
    assert_int_equal(u->u[i].src_start, ranges[2 * i]);
    assert_int_equal(u->u[i].src_end, ranges[2 * i + 1]);
  }
}

static void test_units(void **state) {
  (void)state;
  /* 發展 ＧＤＰ 豈 (U+F900, a compatibility ideograph: NFKC gives 豈, the
   * fold 岂) 能，后 */
  const char *s = "發展 ＧＤＰ\xEF\xA4\x80能，后";
  const uint32_t ranges[] = {0, 1, 1, 2, 3, 6, 6, 7, 7, 8, 8, 9, 9, 10};
  const char *folded[] = {"发", "展", "gdp", "岂", "能", ",", "后"};
  const char *plain[] = {"發", "展", "gdp", "豈", "能", ",", "后"};
  bg_units u;
  bg_units_init(&u);
  assert_int_equal(bg_units_tokenize(&u, s, strlen(s)), 0);
  expect(&u, plain, ranges, 7);
  bg_units_set_fold(&u, BG_FOLD_T2S);
  for (int k = 0; k < 2; k++) { /* the fold stays set across calls */
    assert_int_equal(bg_units_tokenize(&u, s, strlen(s)), 0);
    expect(&u, folded, ranges, 7);
  }
  /* Simplified text is its own folded form. */
  const char *t = "发展经济后来";
  assert_int_equal(bg_units_tokenize(&u, t, strlen(t)), 0);
  assert_int_equal(u.norm_len, strlen(t));
  assert_memory_equal(u.norm, t, u.norm_len);
  bg_units_reset(&u);
  assert_int_equal(u.fold, BG_FOLD_NONE);

  char a[BG_TERM_MAX], b[BG_TERM_MAX];
  const char *trad = "香港特別行政區", *simp = "香港特别行政区";
  size_t al = bg_term_region(trad, strlen(trad), BG_FOLD_T2S, a, sizeof a);
  size_t bl = bg_term_region(simp, strlen(simp), BG_FOLD_T2S, b, sizeof b);
  assert_int_equal(al, bl);
  assert_memory_equal(a, b, al);
  al = bg_term_region(trad, strlen(trad), BG_FOLD_NONE, a, sizeof a);
  assert_true(al != bl || memcmp(a, b, al) != 0);
}

/* ---- an index ---- */

static const char *const trad_text = "施政報告\n"
                                     "我們堅持高質量發展，經濟發展穩中求進。\n"
                                     "後來者居上。\n";
static const char *const simp_text = "施政报告\n"
                                     "我们坚持高质量发展，经济发展稳中求进。\n"
                                     "后来者居上。\n";

static void put(bg_index *ix, const char *id, const char *text) {
  bg_report *r = NULL;
  bg_err err = {0};
  assert_int_equal(
      bg_report_parse(id, text, strlen(text), BG_FMT_TXT, &r, &err), 0);
  char src[128];
  snprintf(src, sizeof src, "/nonexistent/%s.txt", id);
  bg_docmeta m = {src, "UTF-8", "txt", 0,
                  bg_index_hash(text, strlen(text), NULL), 0};
  if (bg_index_put(ix, r, &m, &err) != 0) fail_msg("%s", bg_err_msg(&err));
  bg_report_free(r);
}

static void build(const char *dir, int fold) {
  bg_index *ix = NULL;
  bg_err err = {0};
  assert_int_equal(bg_index_open(&ix, dir, &err), 0);
  assert_int_equal(bg_index_fold(ix), BG_FOLD_NONE);
  if (fold) assert_int_equal(bg_index_set_fold(ix, BG_FOLD_T2S, &err), 0);
  put(ix, "2022_香港特別行政區", trad_text);
  put(ix, "2023_香港特别行政区", simp_text);
  assert_int_equal(bg_index_close(ix, &err), 0);
}

static bg_results *search(bg_reader *r, const char *q) {
  bg_search_opts o = {0};
  o.all = 1;
  bg_results *res = NULL;
  bg_err err = {0};
  if (bg_search(r, q, strlen(q), &o, &res, &err) != 0)
    fail_msg("%s: %s", q, bg_err_msg(&err));
  return res;
}

/* The same paragraphs with the same highlights. */
static void same_hits(bg_reader *r, const char *qa, const char *qb,
                      uint64_t total) {
  bg_results *a = search(r, qa), *b = search(r, qb);
  assert_int_equal(a->total, total);
  assert_int_equal(b->total, total);
  for (size_t i = 0; i < a->nhits; i++) {
    assert_string_equal(a->hits[i].report, b->hits[i].report);
    assert_int_equal(a->hits[i].para, b->hits[i].para);
    assert_int_equal(a->hits[i].nmatches, b->hits[i].nmatches);
    assert_memory_equal(a->hits[i].matches, b->hits[i].matches,
                        2 * a->hits[i].nmatches * sizeof(uint32_t));
  }
  bg_results_free(a);
  bg_results_free(b);
}

static void test_index(void **state) {
  (void)state;
  char on[64], off[64], both[64];
  snprintf(on, sizeof on, "/tmp/bg-test-t2s-XXXXXX");
  snprintf(off, sizeof off, "/tmp/bg-test-t2s-XXXXXX");
  snprintf(both, sizeof both, "/tmp/bg-test-t2s-XXXXXX");
  assert_non_null(mkdtemp(on));
  assert_non_null(mkdtemp(off));
  assert_non_null(mkdtemp(both));
  build(on, 1);
  build(off, 0);

  bg_reader *r = NULL;
  bg_err err = {0};
  assert_int_equal(bg_reader_open(&r, on, &err), 0);
  assert_int_equal(bg_reader_fold(r), BG_FOLD_T2S);
  same_hits(r, "發展", "发展", 2);
  same_hits(r, "高質量發展", "高质量发展", 2);
  same_hits(r, "後來者", "后来者", 2);
  same_hits(r, "region:香港特別行政區", "region:香港特别行政区", 6);
  /* Highlights point at the source: 發展 at code points 7-9 and 12-14 of
   * the Traditional paragraph. */
  bg_results *res = search(r, "发展 report:2022_香港特別行政區");
  assert_int_equal(res->total, 1);
  assert_int_equal(res->hits[0].nmatches, 2);
  uint32_t want[] = {7, 9, 12, 14};
  assert_memory_equal(res->hits[0].matches, want, sizeof want);
  bg_results_free(res);
  bg_reader_close(r);

  assert_int_equal(bg_reader_open(&r, off, &err), 0);
  assert_int_equal(bg_reader_fold(r), BG_FOLD_NONE);
  res = search(r, "發展");
  assert_int_equal(res->total, 1);
  assert_string_equal(res->hits[0].report, "2022_香港特別行政區");
  bg_results_free(res);
  bg_reader_close(r);

  /* Recorded and kept: a later writer folds; a change is refused. */
  bg_index *ix = NULL;
  assert_int_equal(bg_index_open(&ix, on, &err), 0);
  assert_int_equal(bg_index_fold(ix), BG_FOLD_T2S);
  assert_int_equal(bg_index_set_fold(ix, BG_FOLD_NONE, &err), BG_EINVAL);
  assert_non_null(strstr(err.msg, "with --t2s"));
  assert_int_equal(bg_index_set_fold(ix, BG_FOLD_T2S, &err), 0);
  put(ix, "2024_臺北", trad_text);
  assert_int_equal(bg_index_close(ix, &err), 0);
  assert_int_equal(bg_index_open(&ix, off, &err), 0);
  assert_int_equal(bg_index_set_fold(ix, BG_FOLD_T2S, &err), BG_EINVAL);
  assert_non_null(strstr(err.msg, "without --t2s"));
  assert_int_equal(bg_index_close(ix, &err), 0);
  assert_int_equal(bg_reader_open(&r, on, &err), 0);
  same_hits(r, "發展", "发展", 3);
  bg_reader_close(r);

  /* A stub combining a folded and a plain database cannot be searched. */
  char path[256], line[64];
  char stub[512] = "";
  const char *dirs[] = {on, off};
  for (int k = 0; k < 2; k++) {
    snprintf(path, sizeof path, "%s/XAPIANDB", dirs[k]);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    assert_non_null(fgets(line, sizeof line, f));
    fclose(f);
    size_t n = strlen(stub);
    snprintf(stub + n, sizeof stub - n, "auto %s/%s", dirs[k], line + 5);
  }
  snprintf(path, sizeof path, "%s/XAPIANDB", both);
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs(stub, f);
  fclose(f);
  assert_int_equal(bg_reader_open(&r, both, &err), BG_EINVAL);
  assert_non_null(strstr(err.msg, "combines 3 reports folded"));

  char cmd[256];
  snprintf(cmd, sizeof cmd, "rm -rf %s %s %s", on, off, both);
  assert_int_equal(system(cmd), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_table),
      cmocka_unit_test(test_units),
      cmocka_unit_test(test_index),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
