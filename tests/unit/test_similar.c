/*
 * test_similar.c - similar passages and compare on a small index made by
 * the test: the reworded paragraph of the same region's earlier report
 * comes first, similarities equal the measure computed directly, the source
 * report is left out, filters (year, region, NOT, OR) select reports, ties
 * go by year, report, paragraph, shared stretches are highlighted, and bad
 * sources and filters are errors that say what is wrong; compare reads both
 * reports from the index.
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

#include "compare.h"
#include "index.h"
#include "json.h"
#include "report.h"
#include "similar.h"
#include "similarity.h"

static char dir[64];

static const char *const r2025 =
    "2025年甲省政府工作报告\n"
    "一、2024年工作回顾\n"
    "过去一年，我们坚持稳中求进工作总基调，全省经济运行稳中向好，地区生产总值增"
    "长百分之五。\n"
    "招商引资取得新成效，全年引进项目七十三个，总投资超过一百亿元。\n"
    "各位代表！\n";

static const char *const r2026 =
    "2026年甲省政府工作报告\n"
    "一、2025年工作回顾\n"
    "过去一年，我们坚持稳中求进工作总基调，全省经济运行稳中有进，地区生产总值增"
    "长百分之五点二。\n"
    "低空经济起步发展，无人机产业园建成投用。\n"
    "各位代表！\n";

static const char *const other2026 =
    "2026年乙省政府工作报告\n"
    "一、2025年工作回顾\n"
    "过去一年，全省上下团结奋斗，经济运行总体平稳。\n"
    "各位代表！\n";

static const char *const old2024 = "2024年丙市政府工作报告\n"
                                   "各位代表！\n"
                                   "招商引资取得新成效。\n";

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

static int setup(void **state) {
  (void)state;
  snprintf(dir, sizeof dir, "/tmp/bg-test-similar-XXXXXX");
  if (!mkdtemp(dir)) return -1;
  bg_index *ix = NULL;
  bg_err err = {0};
  if (bg_index_open(&ix, dir, &err) != 0) return -1;
  put(ix, "2025_甲省", r2025);
  put(ix, "2026_甲省", r2026);
  put(ix, "2026_乙省", other2026);
  put(ix, "2024_丙市", old2024);
  if (bg_index_close(ix, &err) != 0) return -1;
  return 0;
}

static int teardown(void **state) {
  (void)state;
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  return system(cmd) == 0 ? 0 : -1;
}

/* Runs similar; returns the status, *out the result (or NULL). */
static int similar(const char *report, uint32_t para, const char *text,
                   const char *filter, size_t limit, bg_similar_result **out,
                   bg_err *err) {
  bg_reader *r = NULL;
  assert_int_equal(bg_reader_open(&r, dir, err), 0);
  bg_similar_opts o = {report, para,
                       text,   text ? strlen(text) : 0,
                       filter, filter ? strlen(filter) : 0,
                       limit,  0,
                       0};
  int rc = bg_similar(r, &o, out, err);
  bg_reader_close(r);
  return rc;
}

/* "report#para" of every hit, joined by spaces. */
static const char *hits_str(const bg_similar_result *s) {
  static char buf[1024];
  size_t n = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < s->nhits; i++)
    n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s#%u", i ? " " : "",
                          s->hits[i].report, s->hits[i].para);
  return buf;
}

static void test_rank(void **state) {
  (void)state;
  bg_similar_result *s = NULL;
  bg_err err = {0};
  int rc = similar("2026_甲省", 3, NULL, NULL, 10, &s, &err);
  if (rc) fail_msg("%s", bg_err_msg(&err));
  assert_true(s->nhits >= 2);
  assert_string_equal(s->hits[0].report, "2025_甲省");
  assert_int_equal(s->hits[0].para, 3);
  assert_string_equal(s->report, "2026_甲省");
  assert_int_equal(s->para, 3);
  double want;
  assert_int_equal(bg_similarity(s->text, s->text_len, s->hits[0].text,
                                 s->hits[0].text_len, &want),
                   0);
  assert_float_equal(s->hits[0].score, want, 1e-12);
  for (size_t i = 0; i < s->nhits; i++) {
    const bg_hit *h = &s->hits[i];
    assert_string_not_equal(h->report, "2026_甲省"); /* not its own report */
    assert_true(h->score > 0 && h->score <= 1);
    if (i) assert_true(h->score <= s->hits[i - 1].score);
    size_t ncp = bg_utf8_cps(h->text, h->text_len);
    for (size_t k = 0; k < h->nmatches; k++) {
      assert_true(h->matches[2 * k] < h->matches[2 * k + 1]);
      assert_true(h->matches[2 * k + 1] <= ncp);
      if (k) assert_true(h->matches[2 * k] > h->matches[2 * k - 1]);
    }
  }
  /* the shared opening is highlighted from the first character */
  assert_true(s->hits[0].nmatches >= 1);
  assert_int_equal(s->hits[0].matches[0], 0);
  assert_string_equal(s->hits[0].section[0], "一、2024年工作回顾");
  /* JSON: a search hit with its similarity */
  json_t *j = bg_json_similar(s);
  json_t *h0 = json_array_get(json_object_get(j, "hits"), 0);
  assert_true(json_number_value(json_object_get(h0, "similarity")) ==
              json_number_value(json_object_get(h0, "score")));
  assert_string_equal(json_string_value(json_object_get(
                          json_object_get(j, "source"), "report")),
                      "2026_甲省");
  bg_results *back = NULL;
  assert_int_equal(bg_json_parse_similar(j, &back, &err), 0);
  assert_int_equal(back->nhits, s->nhits);
  assert_string_equal(back->hits[0].report, "2025_甲省");
  bg_results_free(back);
  json_decref(j);
  bg_similar_free(s);
}

static void test_ties_and_limit(void **state) {
  (void)state;
  bg_similar_result *s = NULL;
  bg_err err = {0};
  /* 各位代表！ is in every other report: equal similarity, by year */
  assert_int_equal(similar("2026_甲省", 5, NULL, NULL, 10, &s, &err), 0);
  assert_string_equal(hits_str(s), "2024_丙市#2 2025_甲省#5 2026_乙省#4");
  for (size_t i = 0; i < s->nhits; i++)
    assert_true(s->hits[i].score == 1.0);
  bg_similar_free(s);
  assert_int_equal(similar("2026_甲省", 5, NULL, NULL, 2, &s, &err), 0);
  assert_string_equal(hits_str(s), "2024_丙市#2 2025_甲省#5");
  bg_similar_free(s);
  assert_int_equal(similar("2026_甲省", 5, NULL, NULL, 0, &s, &err), 0);
  assert_int_equal(s->nhits, 0);
  bg_similar_free(s);
}

static void test_filters(void **state) {
  (void)state;
  bg_similar_result *s = NULL;
  bg_err err = {0};
  assert_int_equal(similar("2026_甲省", 5, NULL, "year:2026", 10, &s, &err), 0);
  assert_string_equal(hits_str(s), "2026_乙省#4");
  bg_similar_free(s);
  assert_int_equal(
      similar("2026_甲省", 5, NULL, "year:..2025 -region:丙市", 10, &s, &err),
      0);
  assert_string_equal(hits_str(s), "2025_甲省#5");
  bg_similar_free(s);
  assert_int_equal(
      similar("2026_甲省", 5, NULL, "region:丙市 OR region:乙省", 10, &s, &err),
      0);
  assert_string_equal(hits_str(s), "2024_丙市#2 2026_乙省#4");
  bg_similar_free(s);
  assert_int_equal(
      similar("2026_甲省", 5, NULL, "report:2025_甲省", 10, &s, &err), 0);
  assert_string_equal(hits_str(s), "2025_甲省#5");
  bg_similar_free(s);
  assert_int_equal(similar("2026_甲省", 5, NULL, "   ", 10, &s, &err), 0);
  assert_int_equal(s->nhits, 3);
  bg_similar_free(s);
  /* a text: every report, its own included */
  assert_int_equal(similar(NULL, 0, "招商引资取得新成效", NULL, 10, &s, &err),
                   0);
  assert_string_equal(hits_str(s), "2024_丙市#3 2025_甲省#4");
  assert_null(s->report);
  bg_similar_free(s);
}

/* A source of more than 512 distinct pairs queries a sample of them; the
 * scores stay exact. */
static void test_long_source(void **state) {
  (void)state;
  static const char *const cs[] = {"发", "展", "经", "济", "高", "质", "量",
                                   "建", "设", "推", "进", "改", "革", "创",
                                   "新", "城", "乡", "民", "生", "就", "业",
                                   "保", "障", "安", "全", "文", "化", "教"};
  char *text = malloc(4 * 3000 + 512);
  assert_non_null(text);
  strcpy(text, "招商引资取得新成效，全年引进项目七十三个。");
  srand(9);
  for (int i = 0; i < 3000; i++)
    strcat(text, cs[rand() % 28]);
  bg_similar_result *s = NULL;
  bg_err err = {0};
  assert_int_equal(similar(NULL, 0, text, NULL, 3, &s, &err), 0);
  assert_true(s->nhits >= 1);
  for (size_t i = 0; i < s->nhits; i++) {
    double want;
    assert_int_equal(bg_similarity(text, strlen(text), s->hits[i].text,
                                   s->hits[i].text_len, &want),
                     0);
    assert_float_equal(s->hits[i].score, want, 1e-12);
  }
  bg_similar_free(s);
  free(text);
}

static void test_errors(void **state) {
  (void)state;
  bg_similar_result *s = NULL;
  bg_err err = {0};
  assert_int_equal(similar("2026_丁省", 1, NULL, NULL, 10, &s, &err),
                   BG_ENOTFOUND);
  assert_null(s);
  assert_int_equal(similar("2026_甲省", 9, NULL, NULL, 10, &s, &err),
                   BG_ENOTFOUND);
  assert_non_null(strstr(bg_err_msg(&err), "¶9"));
  assert_int_equal(similar(NULL, 0, "发", NULL, 10, &s, &err), BG_EINVAL);
  assert_int_equal(similar(NULL, 0, "\xff\xfe", NULL, 10, &s, &err), BG_EINVAL);
  assert_int_equal(
      similar("2026_甲省", 3, NULL, "year:2025 发展", 10, &s, &err), BG_EQUERY);
  assert_non_null(strstr(bg_err_msg(&err), "发展"));
  assert_int_equal(
      similar("2026_甲省", 3, NULL, "year:2025..2020", 10, &s, &err),
      BG_EQUERY);
  assert_int_equal(similar("2026_甲省", 3, NULL, NULL, 100000, &s, &err),
                   BG_ERANGE);
  size_t idl;
  uint32_t para;
  assert_int_equal(bg_similar_parse_source("2026_甲省#12", &idl, &para), 0);
  assert_int_equal(idl, strlen("2026_甲省"));
  assert_int_equal(para, 12);
  assert_int_equal(bg_similar_parse_source("2026_甲省#0", &idl, &para), -1);
  assert_int_equal(bg_similar_parse_source("2026_甲省#", &idl, &para), -1);
  assert_int_equal(bg_similar_parse_source("#3", &idl, &para), -1);
  assert_int_equal(bg_similar_parse_source("a#3x", &idl, &para), -1);
  bg_similar_free(NULL);
}

static void test_compare_index(void **state) {
  (void)state;
  bg_reader *r = NULL;
  bg_err err = {0};
  assert_int_equal(bg_reader_open(&r, dir, &err), 0);
  bg_compare_result *c = NULL;
  assert_int_equal(bg_compare(r, "2025_甲省", "2026_甲省", NULL, &c, &err), 0);
  /* title, heading, the reworded paragraph, 各位代表 */
  assert_int_equal(c->npairs, 4);
  assert_int_equal(c->pairs[2].a_para, 3);
  assert_int_equal(c->pairs[2].b_para, 3);
  assert_int_equal(c->nonly_a, 1);
  assert_int_equal(c->only_a[0], 4);
  assert_int_equal(c->nonly_b, 1);
  assert_int_equal(c->only_b[0], 4);
  bg_compare_free(c);
  assert_int_equal(bg_compare(r, "2025_甲省", "2030_甲省", NULL, &c, &err),
                   BG_ENOTFOUND);
  assert_null(c);
  bg_reader_close(r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_rank),    cmocka_unit_test(test_ties_and_limit),
      cmocka_unit_test(test_filters), cmocka_unit_test(test_long_source),
      cmocka_unit_test(test_errors),  cmocka_unit_test(test_compare_index),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
