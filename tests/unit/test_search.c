/*
 * test_search.c - index writing and exact search over small reports made by
 * the test: stored form round trip, paragraph-level AND / OR / NOT,
 * filters, sorting, paging, section paths, highlights and JSON.
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

#include "count.h"
#include "index.h"
#include "kwic.h"
#include "json.h"
#include "report.h"
#include "search.h"
#include "units.h"

static char dir[64];

static const char *const report_a =
    "2021年政府工作报告\n"
    "一、过去一年工作回顾\n"
    "我们坚持高质量发展，经济运行稳中求进。\n"
    "发展经济是第一要务。\n"
    "（一）扩大有效投资\n"
    "ＧＤＰ增长１９．４%，PM2.5下降。\n"
    "二、今年工作安排\n"
    "推动高质量发展，发展，经济，高质量发展。\n";

static const char *const report_b =
    "2022年政府工作报告\n"
    "一、工作回顾\n"
    "稳中有进，发展向好。\n"
    "GDP 增长 14亿元，发展经济。\n"
    "made in china 2025\n";

static const char *const report_c =
    "1990年政府工作报告\n"
    "经济工作。\n"
    "发展\n";

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

/* A new index in a temporary folder d (64 bytes) named after what. */
static bg_index *temp_index(char *d, const char *what) {
  snprintf(d, 64, "/tmp/bg-test-%s-XXXXXX", what);
  assert_non_null(mkdtemp(d));
  bg_index *ix = NULL;
  bg_err err = {0};
  if (bg_index_open(&ix, d, &err) != 0) fail_msg("%s", bg_err_msg(&err));
  return ix;
}

static int remove_dir(const char *d) {
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf %s", d);
  return system(cmd) == 0 ? 0 : -1;
}

static int setup(void **state) {
  (void)state;
  snprintf(dir, sizeof dir, "/tmp/bg-test-search-XXXXXX");
  if (!mkdtemp(dir)) return -1;
  bg_index *ix = NULL;
  bg_err err = {0};
  if (bg_index_open(&ix, dir, &err) != 0) return -1;
  put(ix, "2021_甲市", report_a);
  put(ix, "2022_乙省", report_b);
  put(ix, "1990_甲市", report_c);
  /* Replacing a report keeps one document per id. */
  put(ix, "1990_甲市", report_c);
  if (bg_index_compact(ix, &err) != 0) return -1;
  if (bg_index_close(ix, &err) != 0) return -1;
  return 0;
}

static int teardown(void **state) {
  (void)state;
  return remove_dir(dir);
}

static bg_results *run(const char *q, int sort, size_t limit, size_t offset) {
  bg_reader *r = NULL;
  bg_err err = {0};
  assert_int_equal(bg_reader_open(&r, dir, &err), 0);
  bg_search_opts o = {
      .limit = limit, .offset = offset, .all = limit == 0, .sort = (bg_sort)sort};
  bg_results *res = NULL;
  int rc = bg_search(r, q, strlen(q), &o, &res, &err);
  if (rc != 0) fail_msg("search '%s': %s", q, bg_err_msg(&err));
  bg_reader_close(r);
  return res;
}

/* "report#para" of every hit, joined by spaces, in result order. */
static char *hits_str(const bg_results *res) {
  static char buf[2048];
  size_t n = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < res->nhits; i++)
    n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s#%u", i ? " " : "",
                          res->hits[i].report, res->hits[i].para);
  return buf;
}

typedef struct {
  const char *q;
  uint64_t total;
  const char *hits; /* in year order (sort=year) */
} qcase;

static const qcase qcases[] = {
    {"高质量发展", 2, "2021_甲市#3 2021_甲市#8"},
    {"发展经济", 2, "2021_甲市#4 2022_乙省#4"},
    /* the comma is a unit: 发展，经济 is not 发展经济 */
    {"\"发展，经济\"", 2, "2021_甲市#3 2021_甲市#8"},
    /* 14 is one unit: 4亿 does not match 14亿 */
    {"4亿", 0, ""},
    {"14亿", 1, "2022_乙省#4"},
    /* full-width and case: ＧＤＰ == gdp, １９．４ == 19.4 */
    {"gdp增长19.4", 1, "2021_甲市#6"},
    {"GDP增长", 2, "2021_甲市#6 2022_乙省#4"},
    {"pm2.5", 1, "2021_甲市#6"},
    {"pm2", 0, ""},
    {"\"made in china\"", 1, "2022_乙省#5"},
    /* one letter run is one unit: not the three units made|in|china */
    {"madeinchina", 0, ""},
    /* AND / OR / NOT over paragraphs */
    {"发展 经济", 4, "2021_甲市#3 2021_甲市#4 2021_甲市#8 2022_乙省#4"},
    {"稳中求进 OR 稳中有进", 2, "2021_甲市#3 2022_乙省#3"},
    {"发展 -经济", 2, "1990_甲市#3 2022_乙省#3"},
    {"发展 NOT 经济", 2, "1990_甲市#3 2022_乙省#3"},
    {"(稳中求进 OR 稳中有进) 发展", 2, "2021_甲市#3 2022_乙省#3"},
    /* filters */
    {"发展 year:2022", 2, "2022_乙省#3 2022_乙省#4"},
    {"发展 year:..2000", 1, "1990_甲市#3"},
    {"发展 year:2021..2022 -year:2022", 3,
     "2021_甲市#3 2021_甲市#4 2021_甲市#8"},
    {"report:1990_甲市", 3, "1990_甲市#1 1990_甲市#2 1990_甲市#3"},
    {"region:甲市 经济", 4, "1990_甲市#2 2021_甲市#3 2021_甲市#4 2021_甲市#8"},
    {"经济 -region:甲市", 1, "2022_乙省#4"},
    {"year:2021 OR 稳中有进", 9, NULL},
    {"不存在的词", 0, ""},
};

static void test_queries(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof qcases / sizeof *qcases; i++) {
    bg_results *res = run(qcases[i].q, BG_SORT_YEAR, 0, 0);
    if (res->total != qcases[i].total)
      fail_msg("'%s': total %llu, want %llu (%s)", qcases[i].q,
               (unsigned long long)res->total,
               (unsigned long long)qcases[i].total, hits_str(res));
    assert_int_equal(res->nhits, res->total);
    if (qcases[i].hits && strcmp(hits_str(res), qcases[i].hits))
      fail_msg("'%s': hits '%s', want '%s'", qcases[i].q, hits_str(res),
               qcases[i].hits);
    bg_results_free(res);
  }
}

static void test_matches_and_sections(void **state) {
  (void)state;
  bg_results *res = run("高质量发展 OR 经济", BG_SORT_YEAR, 0, 0);
  const bg_hit *h = NULL;
  for (size_t i = 0; i < res->nhits; i++)
    if (!strcmp(res->hits[i].report, "2021_甲市") && res->hits[i].para == 8)
      h = &res->hits[i];
  assert_non_null(h);
  assert_string_equal(h->text, "推动高质量发展，发展，经济，高质量发展。");
  /* 高质量发展 at 2 and 14, 经济 at 11: sorted by start */
  assert_int_equal(h->nmatches, 3);
  uint32_t want[] = {2, 7, 11, 13, 14, 19};
  assert_memory_equal(h->matches, want, sizeof want);
  assert_int_equal(h->nsection, 1);
  assert_string_equal(h->section[0], "二、今年工作安排");
  assert_int_equal(h->year, 2021);
  bg_results_free(res);

  res = run("增长", BG_SORT_YEAR, 0, 0);
  assert_int_equal(res->total, 2);
  h = &res->hits[0];
  assert_string_equal(h->report, "2021_甲市");
  assert_int_equal(h->nsection, 2);
  assert_string_equal(h->section[0], "一、过去一年工作回顾");
  assert_string_equal(h->section[1], "（一）扩大有效投资");
  /* ＧＤＰ增长: 增长 are code points 3..5 of the source */
  assert_int_equal(h->matches[0], 3);
  assert_int_equal(h->matches[1], 5);
  bg_results_free(res);

  /* a match spanning a full-width number maps back to the source */
  res = run("gdp增长19.4", BG_SORT_YEAR, 0, 0);
  assert_int_equal(res->nhits, 1);
  assert_int_equal(res->hits[0].matches[0], 0);
  assert_int_equal(res->hits[0].matches[1], 9);
  bg_results_free(res);
}

static void test_sort_and_paging(void **state) {
  (void)state;
  bg_results *all = run("发展", BG_SORT_RELEVANCE, 0, 0);
  assert_true(all->total >= 6);
  for (size_t i = 1; i < all->nhits; i++)
    assert_true(all->hits[i - 1].score >= all->hits[i].score);
  /* pages concatenate to the whole list */
  for (size_t off = 0; off < all->total; off += 2) {
    bg_results *page = run("发展", BG_SORT_RELEVANCE, 2, off);
    assert_int_equal(page->total, all->total);
    for (size_t i = 0; i < page->nhits; i++) {
      assert_string_equal(page->hits[i].report, all->hits[off + i].report);
      assert_int_equal(page->hits[i].para, all->hits[off + i].para);
    }
    bg_results_free(page);
  }
  bg_results *past = run("发展", BG_SORT_RELEVANCE, 5, 1000);
  assert_int_equal(past->total, all->total);
  assert_int_equal(past->nhits, 0);
  bg_results_free(past);
  bg_results_free(all);

  bg_results *desc = run("发展", BG_SORT_YEAR_DESC, 0, 0);
  for (size_t i = 1; i < desc->nhits; i++)
    assert_true(desc->hits[i - 1].year >= desc->hits[i].year);
  assert_int_equal(desc->hits[0].year, 2022);
  bg_results_free(desc);
}

static void test_errors(void **state) {
  (void)state;
  bg_reader *r = NULL;
  bg_err err = {0};
  assert_int_equal(bg_reader_open(&r, dir, &err), 0);
  bg_search_opts o = {.limit = 10, .sort = BG_SORT_RELEVANCE};
  bg_results *res = NULL;
  static const char *const bad[] = {"", "\"发展", "(发展", "发展 OR",
                                    "year:abc", "\xe2\x80\x8b"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    assert_int_equal(bg_search(r, bad[i], strlen(bad[i]), &o, &res, &err),
                     BG_EQUERY);
    assert_null(res);
    assert_true(strlen(bg_err_msg(&err)) > 0);
  }
  bg_reader_close(r);
  assert_int_equal(bg_reader_open(&r, "/nonexistent/index", &err),
                   BG_ENOINDEX);
  assert_null(r);
}

static void test_reports_stats_json(void **state) {
  (void)state;
  bg_reader *r = NULL;
  bg_err err = {0};
  assert_int_equal(bg_reader_open(&r, dir, &err), 0);
  json_t *reps = NULL, *stats = NULL;
  assert_int_equal(bg_reader_reports(r, &reps, &err), 0);
  assert_int_equal(json_array_size(reps), 3);
  json_t *first = json_array_get(reps, 0);
  assert_string_equal(json_string_value(json_object_get(first, "id")),
                      "1990_甲市");
  assert_int_equal(json_integer_value(json_object_get(first, "paragraphs")),
                   3);
  assert_int_equal(bg_reader_stats(r, &stats, &err), 0);
  assert_int_equal(json_integer_value(json_object_get(stats, "reports")), 3);
  assert_int_equal(json_integer_value(json_object_get(stats, "paragraphs")),
                   8 + 5 + 3);
  json_decref(reps);
  json_decref(stats);
  bg_reader_close(r);

  bg_results *res = run("14亿", BG_SORT_RELEVANCE, 10, 0);
  json_t *j = bg_json_results(res);
  assert_non_null(j);
  char *s = bg_json_dump(j);
  assert_non_null(strstr(s, "\"query\": \"14亿\""));
  assert_non_null(strstr(s, "\"total\": 1"));
  assert_non_null(strstr(s, "\"matches\": [[7, 10]]"));
  assert_non_null(strstr(s, "\"section\": [\"一、工作回顾\"]"));
  free(s);
  json_decref(j);
  bg_results_free(res);
}

/* The ids of bg_reader_reports_filtered(q), joined by spaces, or the
 * error's status as "error N". */
static char *filtered(const char *q) {
  static char buf[256];
  bg_reader *r = NULL;
  bg_err err = {0};
  assert_int_equal(bg_reader_open(&r, dir, &err), 0);
  json_t *arr = NULL;
  int rc = bg_reader_reports_filtered(r, q, strlen(q), &arr, &err);
  size_t n = 0, i;
  json_t *m;
  buf[0] = '\0';
  if (rc != 0) snprintf(buf, sizeof buf, "error %d", rc);
  json_array_foreach(arr, i, m) n += (size_t)snprintf(
      buf + n, sizeof buf - n, "%s%s", i ? " " : "",
      json_string_value(json_object_get(m, "id")));
  json_decref(arr);
  bg_reader_close(r);
  return buf;
}

/* reports by filters: the query language's filters over whole reports. */
static void test_reports_filtered(void **state) {
  (void)state;
  assert_string_equal(filtered("year:2022"), "2022_乙省");
  assert_string_equal(filtered("year:..2021"), "1990_甲市 2021_甲市");
  assert_string_equal(filtered("region:甲市"), "1990_甲市 2021_甲市");
  assert_string_equal(filtered("-region:甲市"), "2022_乙省");
  assert_string_equal(filtered("region:甲市 -year:1990"), "2021_甲市");
  assert_string_equal(filtered("region:乙省 OR report:1990_甲市"),
                      "1990_甲市 2022_乙省");
  assert_string_equal(filtered("NOT (year:1990 OR year:2022)"), "2021_甲市");
  assert_string_equal(filtered("year:2000..2010"), "");
  char want[32];
  snprintf(want, sizeof want, "error %d", BG_EQUERY);
  assert_string_equal(filtered("year:2022 发展"), want);
  assert_string_equal(filtered("(year:2022"), want);
  assert_string_equal(filtered("year:2022..2021"), want);
}

/* What a reader refuses, and the size on disk it reports. */
static void test_reader_paths(void **state) {
  (void)state;
  bg_reader *r = NULL;
  bg_err err = {0};
  char file[96];
  snprintf(file, sizeof file, "%s/a-file", dir);
  const char *const contents[] = {"", "# no database\n", "政府工作报告\n"};
  for (size_t i = 0; i < 3; i++) {
    FILE *f = fopen(file, "w");
    assert_non_null(f);
    fputs(contents[i], f);
    fclose(f);
    assert_int_equal(bg_reader_open(&r, file, &err), BG_ENOINDEX);
    assert_null(r);
    assert_non_null(strstr(bg_err_msg(&err), "not a baogao index"));
  }
  unlink(file);
  assert_int_equal(bg_reader_open(&r, dir, &err), 0);
  assert_null(bg_reader_note(r));
  json_t *stats = NULL;
  assert_int_equal(bg_reader_stats(r, &stats, &err), 0);
  json_t *size = json_object_get(stats, "size_bytes");
  json_int_t total = json_integer_value(json_object_get(size, "total"));
  json_int_t sum = 0;
  const char *k;
  json_t *v;
  json_object_foreach(size, k, v) if (strcmp(k, "total")) sum +=
      json_integer_value(v);
  assert_true(json_integer_value(json_object_get(size, "postlist")) > 0);
  /* Index format 5 keeps positions in the postlist table (user metadata):
   * no position table. */
  assert_true(json_integer_value(json_object_get(size, "termlist")) > 0);
  assert_true(total > 0);
  assert_int_equal(total, sum);
  json_decref(stats);
  bg_reader_close(r);
}

/* A reader follows commits and compactions without being reopened. */
static void test_refresh(void **state) {
  (void)state;
  char d2[64];
  bg_err err = {0};
  bg_index *ix = temp_index(d2, "refresh");
  put(ix, "2021_甲市", report_a);
  assert_int_equal(bg_index_commit(ix, &err), 0);
  bg_reader *r = NULL;
  assert_int_equal(bg_reader_open(&r, d2, &err), 0);
  assert_int_equal(bg_reader_doccount(r), 1);
  /* the signature names the state: the same until something changes */
  uint64_t sig1 = bg_reader_signature(r);
  assert_int_not_equal(sig1, 0);
  int changed = -1;
  assert_int_equal(bg_reader_refresh(r, &changed, &err), 0);
  assert_int_equal(changed, 0);
  assert_true(bg_reader_signature(r) == sig1);
  /* a new commit */
  put(ix, "2022_乙省", report_b);
  assert_int_equal(bg_index_commit(ix, &err), 0);
  assert_int_equal(bg_reader_refresh(r, &changed, &err), 0);
  assert_int_equal(changed, 1);
  assert_int_equal(bg_reader_doccount(r), 2);
  uint64_t sig2 = bg_reader_signature(r);
  assert_int_not_equal(sig2, 0);
  assert_true(sig2 != sig1);
  /* a compaction switches the stub to another database */
  put(ix, "1990_甲市", report_c);
  assert_int_equal(bg_index_compact(ix, &err), 0);
  assert_int_equal(bg_reader_refresh(r, &changed, &err), 0);
  assert_int_equal(changed, 1);
  assert_int_equal(bg_reader_doccount(r), 3);
  uint64_t sig3 = bg_reader_signature(r);
  assert_true(sig3 != 0 && sig3 != sig1 && sig3 != sig2);
  bg_search_opts o = {.limit = 10};
  bg_results *res = NULL;
  assert_int_equal(bg_search(r, "经济工作", 12, &o, &res, &err), 0);
  assert_int_equal(res->total, 1);
  bg_results_free(res);
  bg_reader_close(r);
  assert_int_equal(bg_index_close(ix, &err), 0);
  assert_int_equal(remove_dir(d2), 0);
}

/* A search past its time limit stops with BG_ETIMEOUT. */
static void test_timeout(void **state) {
  (void)state;
  bg_reader *r = NULL;
  bg_err err = {0};
  assert_int_equal(bg_reader_open(&r, dir, &err), 0);
  bg_search_opts o = {.limit = 10, .timeout_ms = 1e-9};
  bg_results *res = NULL;
  assert_int_equal(bg_search(r, "发展", 6, &o, &res, &err), BG_ETIMEOUT);
  assert_null(res);
  assert_non_null(strstr(bg_err_msg(&err), "limit"));
  bg_reader_close(r);
}

static void test_count(void **state) {
  (void)state;
  bg_reader *r = NULL;
  bg_err err = {0};
  assert_int_equal(bg_reader_open(&r, dir, &err), 0);
  bg_count_result *c = NULL;
  assert_int_equal(bg_count(r, "发展", 6, BG_BY_YEAR, 0, &c, &err), 0);
  /* every year shows, in order, also without occurrences */
  assert_int_equal(c->nbuckets, 3);
  assert_string_equal(c->buckets[0].key, "1990");
  assert_string_equal(c->buckets[1].key, "2021");
  assert_string_equal(c->buckets[2].key, "2022");
  /* 2021: paragraphs 3, 4, 8; 发展 occurs 1 + 1 + 3 times */
  assert_int_equal(c->buckets[1].reports, 1);
  assert_int_equal(c->buckets[1].paragraphs, 3);
  assert_int_equal(c->buckets[1].occurrences, 5);
  assert_int_equal(c->first, 1990);
  assert_int_equal(c->last, 2022);
  assert_true(c->buckets[1].units > 0);
  bg_count_free(c);

  assert_int_equal(bg_count(r, "稳中有进", 12, BG_BY_REGION, 0, &c, &err), 0);
  assert_int_equal(c->nbuckets, 2);
  assert_string_equal(c->buckets[0].key, "乙省");
  assert_int_equal(c->buckets[0].occurrences, 1);
  assert_string_equal(c->buckets[1].key, "甲市");
  assert_int_equal(c->buckets[1].occurrences, 0);
  assert_int_equal(c->first, 2022);
  bg_count_free(c);

  assert_int_equal(bg_count(r, "不存在", 9, BG_BY_REPORT, 0, &c, &err), 0);
  assert_int_equal(c->nbuckets, 3);
  assert_int_equal(c->first, 0);
  bg_count_free(c);
  assert_int_equal(bg_count(r, "(发展", 7, BG_BY_YEAR, 0, &c, &err),
                   BG_EQUERY);
  assert_null(c);
  bg_reader_close(r);
}

/* Report summaries from the value slots and from the stored data (the
 * report list, once read) agree, and so do the counts made from them. */
/* count --by year from the index's year terms equals count --by report
 * summed by each report's year (from the report summaries), with a report
 * without a year under "unknown". */
static void test_count_years(void **state) {
  (void)state;
  char d[64];
  bg_err err = {0};
  bg_index *ix = temp_index(d, "years");
  put(ix, "2021_甲市", report_a);
  put(ix, "1990_甲市", report_c);
  put(ix, "说明材料", "关于发展的说明\n发展经济，发展社会，发展。\n经济\n");
  assert_int_equal(bg_index_close(ix, &err), 0);
  bg_reader *r = NULL;
  assert_int_equal(bg_reader_open(&r, d, &err), 0);
  assert_true(bg_reader_v4(r));
  bg_report_summary *sum = NULL;
  size_t nsum = 0;
  assert_int_equal(bg_reader_summaries(r, &sum, &nsum, &err), 0);
  assert_int_equal(nsum, 3);
  const char *qs[] = {"发展", "经济", "发展经济", "发展 -经济", "不存在", "，"};
  for (size_t qi = 0; qi < sizeof qs / sizeof *qs; qi++) {
    bg_count_result *y = NULL, *rep = NULL;
    size_t ql = strlen(qs[qi]);
    assert_int_equal(bg_count(r, qs[qi], ql, BG_BY_YEAR, 0, &y, &err), 0);
    assert_int_equal(bg_count(r, qs[qi], ql, BG_BY_REPORT, 0, &rep, &err), 0);
    assert_int_equal(y->nbuckets, 3);
    for (size_t b = 0; b < y->nbuckets; b++) {
      uint64_t want[4] = {0};
      for (size_t i = 0; i < nsum; i++) {
        char key[16];
        snprintf(key, sizeof key, "%d", sum[i].year);
        if (strcmp(sum[i].year ? key : "unknown", y->buckets[b].key)) continue;
        for (size_t k = 0; k < rep->nbuckets; k++) {
          if (strcmp(rep->buckets[k].key, sum[i].id)) continue;
          want[0] += rep->buckets[k].reports;
          want[1] += rep->buckets[k].paragraphs;
          want[2] += rep->buckets[k].occurrences;
          want[3] += rep->buckets[k].units;
        }
      }
      assert_int_equal(y->buckets[b].reports, want[0]);
      assert_int_equal(y->buckets[b].paragraphs, want[1]);
      assert_int_equal(y->buckets[b].occurrences, want[2]);
      assert_int_equal(y->buckets[b].units, want[3]);
      assert_true(want[3] > 0);
    }
    assert_string_equal(y->buckets[2].key, "unknown");
    assert_int_equal(y->first, rep->first);
    assert_int_equal(y->last, rep->last);
    bg_count_free(y);
    bg_count_free(rep);
  }
  bg_count_result *c = NULL;
  assert_int_equal(bg_count(r, "发展", 6, BG_BY_YEAR, 0, &c, &err), 0);
  assert_int_equal(c->buckets[2].paragraphs, 2);
  assert_int_equal(c->buckets[2].occurrences, 4);
  bg_count_free(c);
  bg_summaries_free(sum, nsum);
  bg_reader_close(r);
  assert_int_equal(remove_dir(d), 0);
}

/* Pages of a 1-2-unit word skip reports whose score bound is below the
 * best scores so far: 16 reports with short paragraphs set a high score
 * to beat, 80 with only long ones cannot reach it, except one further on
 * whose short paragraph holds the word three times.  Every page equals
 * the slice of the whole answer, whatever the sort. */
static void test_pages_skip(void **state) {
  (void)state;
  char d[64];
  bg_err err = {0};
  bg_index *ix = temp_index(d, "pages");
  char id[64], text[4096];
  const char *filler = "各项工作取得新的进展，人民生活水平不断提高，"
                       "社会事业全面进步，改革开放继续深化，";
  for (int i = 0; i < 96; i++) {
    int n = 0;
    snprintf(id, sizeof id, "%d_地区%02d", 1980 + i % 40, i);
    n += snprintf(text + n, sizeof text - (size_t)n, "%s%s经济发展%s\n",
                  filler, filler, filler);
    if (i < 16)
      n += snprintf(text + n, sizeof text - (size_t)n, "发展，发展\n");
    else if (i == 80)
      n += snprintf(text + n, sizeof text - (size_t)n, "发展发展发展\n");
    else
      n += snprintf(text + n, sizeof text - (size_t)n, "%s%s\n", filler,
                    filler);
    put(ix, id, text);
  }
  assert_int_equal(bg_index_close(ix, &err), 0);
  bg_reader *r = NULL;
  assert_int_equal(bg_reader_open(&r, d, &err), 0);
  const char *qs[] = {"发展", "\"发展\" year:1990..2010", "，"};
  for (size_t qi = 0; qi < sizeof qs / sizeof *qs; qi++) {
    for (int sort = 0; sort < 3; sort++) {
      bg_search_opts all = {.all = 1, .sort = (bg_sort)sort};
      bg_results *whole = NULL;
      assert_int_equal(
          bg_search(r, qs[qi], strlen(qs[qi]), &all, &whole, &err), 0);
      size_t offsets[] = {0, 1, 5, 17, 40};
      for (size_t oi = 0; oi < 5; oi++) {
        bg_search_opts o = {.limit = 3, .offset = offsets[oi],
                            .sort = (bg_sort)sort};
        bg_results *page = NULL;
        assert_int_equal(
            bg_search(r, qs[qi], strlen(qs[qi]), &o, &page, &err), 0);
        assert_int_equal(page->total, whole->total);
        assert_int_equal(page->reports, whole->reports);
        assert_int_equal(page->occurrences, whole->occurrences);
        for (size_t h = 0; h < page->nhits; h++) {
          const bg_hit *a = &whole->hits[offsets[oi] + h], *b = &page->hits[h];
          assert_string_equal(b->report, a->report);
          assert_int_equal(b->para, a->para);
          assert_true(b->score == a->score);
        }
        bg_results_free(page);
      }
      if (qi == 0 && sort == BG_SORT_RELEVANCE) {
        /* the late report's paragraph is the best hit */
        assert_string_equal(whole->hits[0].report, "1980_地区80");
        assert_int_equal(whole->hits[0].para, 2);
      }
      bg_results_free(whole);
    }
  }
  bg_reader_close(r);
  assert_int_equal(remove_dir(d), 0);
}

static void test_summaries(void **state) {
  (void)state;
  bg_reader *r = NULL;
  bg_err err = {0};
  assert_int_equal(bg_reader_open(&r, dir, &err), 0);
  bg_report_summary *a = NULL, *b = NULL;
  size_t na = 0, nb = 0;
  assert_int_equal(bg_reader_summaries(r, &a, &na, &err), 0);
  bg_count_result *ca = NULL, *cb = NULL;
  assert_int_equal(bg_count(r, "发展", 6, BG_BY_REGION, 0, &ca, &err), 0);
  json_t *reports = NULL;
  assert_int_equal(bg_reader_reports(r, &reports, &err), 0);
  json_decref(reports);
  assert_int_equal(bg_reader_summaries(r, &b, &nb, &err), 0);
  assert_int_equal(bg_count(r, "发展", 6, BG_BY_REGION, 0, &cb, &err), 0);
  assert_int_equal(na, 3);
  assert_int_equal(nb, na);
  for (size_t i = 0; i < na; i++) {
    assert_string_equal(a[i].id, b[i].id);
    assert_string_equal(a[i].region, b[i].region);
    assert_int_equal(a[i].year, b[i].year);
    assert_int_equal(a[i].units, b[i].units);
    assert_true(a[i].units > 0);
  }
  assert_string_equal(a[0].id, "1990_甲市");
  assert_int_equal(a[0].year, 1990);
  assert_string_equal(a[2].region, "乙省");
  assert_int_equal(ca->nbuckets, cb->nbuckets);
  for (size_t i = 0; i < ca->nbuckets; i++) {
    assert_string_equal(ca->buckets[i].key, cb->buckets[i].key);
    assert_int_equal(ca->buckets[i].units, cb->buckets[i].units);
    assert_int_equal(ca->buckets[i].occurrences, cb->buckets[i].occurrences);
  }
  bg_count_free(ca);
  bg_count_free(cb);
  bg_summaries_free(a, na);
  bg_summaries_free(b, nb);
  bg_reader_close(r);
}

/* The last code point of s (0 for ""). */
static uint32_t last_cp(const char *s) {
  size_t n = strlen(s), i = n;
  if (n == 0) return 0;
  do i--; while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80);
  return bg_utf8_next(s, n, &i);
}

static void test_kwic(void **state) {
  (void)state;
  bg_reader *r = NULL;
  bg_err err = {0};
  assert_int_equal(bg_reader_open(&r, dir, &err), 0);
  bg_kwic_result *k = NULL;
  /* one line per occurrence: 高质量发展 twice in 2021 ¶8, once in ¶3 */
  assert_int_equal(bg_kwic(r, "高质量发展", 15, 6, BG_KWIC_YEAR, 0, &k, &err),
                   0);
  assert_int_equal(k->total, 3);
  assert_int_equal(k->lines[0].para, 3);
  assert_int_equal(k->lines[1].para, 8);
  assert_string_equal(k->lines[1].left, "推动");
  assert_string_equal(k->lines[1].match, "高质量发展");
  /* 6 columns of context: three CJK characters */
  assert_string_equal(k->lines[1].right, "，发展");
  assert_string_equal(k->lines[2].left, "经济，");
  assert_string_equal(k->lines[2].right, "。");
  bg_kwic_free(k);
  /* the match as it stands in the source, full-width and all */
  assert_int_equal(bg_kwic(r, "gdp", 3, 4, BG_KWIC_RIGHT, 0, &k, &err), 0);
  assert_int_equal(k->total, 2);
  assert_string_equal(k->lines[0].match, "GDP");
  assert_string_equal(k->lines[0].right, " 增"); /* 1 + 2 columns */
  assert_string_equal(k->lines[1].match, "ＧＤＰ");
  assert_string_equal(k->lines[1].right, "增长");
  bg_kwic_free(k);
  /* left sort reads the left context backwards from the match */
  assert_int_equal(bg_kwic(r, "发展", 6, 4, BG_KWIC_LEFT, 0, &k, &err), 0);
  for (size_t i = 1; i < k->nlines; i++)
    assert_true(last_cp(k->lines[i - 1].left) <= last_cp(k->lines[i].left));
  bg_kwic_free(k);
  bg_reader_close(r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_queries),
      cmocka_unit_test(test_matches_and_sections),
      cmocka_unit_test(test_sort_and_paging),
      cmocka_unit_test(test_errors),
      cmocka_unit_test(test_reports_stats_json),
      cmocka_unit_test(test_reports_filtered),
      cmocka_unit_test(test_reader_paths),
      cmocka_unit_test(test_refresh),
      cmocka_unit_test(test_timeout),
      cmocka_unit_test(test_count), cmocka_unit_test(test_count_years),
      cmocka_unit_test(test_pages_skip),
      cmocka_unit_test(test_summaries),
      cmocka_unit_test(test_kwic),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
