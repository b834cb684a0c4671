/*
 * test_faults.c - out of memory at every allocation.
 *
 * Walks N over every allocation of a whole run (reading report files in
 * several formats and encodings, parsing, indexing, committing, compacting;
 * then searching, counting, concordance, similar passages, report diff,
 * report lists, statistics, and JSON of each) and makes the N-th fail, once
 * and then from there on (core/util's bg_alloc_fail_at).  For every N the
 * run must end in a clean error or in the right answers, without a crash or
 * (under LeakSanitizer) a leak; after a failed indexing the index must open
 * and be consistent, and a re-run must reach exactly the answers of a run
 * without failures.
 *
 * BAOGAO_FAULT_STRIDE=K walks every K-th N only (for a quick look).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cmocka.h>

#include "compare.h"
#include "count.h"
#include "index.h"
#include "json.h"
#include "kwic.h"
#include "report.h"
#include "search.h"
#include "similar.h"
#include "source.h"
#include "util.h"

static char tmp[64];

static const char report_a[] =
    "2023年政府工作报告\n"
    "——2023年1月5日在甲市第十九届人民代表大会第三次会议上\n"
    "甲市人民政府市长  张三\n"
    "各位代表：\n"
    "一、过去一年工作回顾\n"
    "我们坚持高质量发展，经济运行稳中求进，GDP增长19.4亿元。\n"
    "（一）扩大有效投资\n"
    "发展经济是第一要务，推动高质量发展。\n"
    "二、今年工作安排\n"
    "坚持稳中求进工作总基调，推动新质生产力发展。\n";

static const char report_b[] =
    "2024年政府工作报告\n"
    "各位代表：\n"
    "一、2023年工作回顾\n"
    "我们坚持高质量发展，经济运行稳中向好，GDP增长20亿元。\n"
    "发展经济是第一要务。\n"
    "二、今年工作安排\n"
    "坚持稳中求进工作总基调，因地制宜发展新质生产力。\n";

static const char page_c[] =
    "<html><head><meta charset=\"utf-8\"><title>乙省</title>"
    "<style>p{}</style></head><body><nav>首页</nav>"
    "<p>2024年乙省政府工作报告</p><p>推动高质量发展<br>发展新质生产力。</p>"
    "<script>var x;</script></body></html>";

static const char md_d[] =
    "---\ntitle: 丙县\n---\n# 2022年丙县政府工作报告\n\n"
    "## 一、工作回顾\n\n稳中求进，高质量发展。\n";

/* The reference answers of a run without failures. */
static char **ref;
static size_t nref;

static void write_file(const char *name, const void *data, size_t len) {
  char path[128];
  snprintf(path, sizeof path, "%s/src/%s", tmp, name);
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(data, 1, len, f), len);
  fclose(f);
}

static void write_gz(const char *name, const char *text) {
  char path[128];
  snprintf(path, sizeof path, "%s/src/%s", tmp, name);
  gzFile g = gzopen(path, "wb");
  assert_non_null(g);
  assert_int_equal(gzwrite(g, text, (unsigned)strlen(text)),
                   (int)strlen(text));
  gzclose(g);
}

/* report_b in UTF-16LE with a BOM (the text is BMP only). */
static void write_utf16(const char *name, const char *text) {
  size_t n = strlen(text), o = 0;
  unsigned char *buf = malloc(2 * n + 2);
  assert_non_null(buf);
  buf[o++] = 0xFF;
  buf[o++] = 0xFE;
  for (size_t i = 0; i < n;) {
    unsigned char c = (unsigned char)text[i];
    uint32_t cp;
    if (c < 0x80) {
      cp = c;
      i += 1;
    } else if (c < 0xE0) {
      cp = (uint32_t)(c & 0x1F) << 6 | (text[i + 1] & 0x3F);
      i += 2;
    } else {
      cp = (uint32_t)(c & 0x0F) << 12 | (uint32_t)(text[i + 1] & 0x3F) << 6 |
           (text[i + 2] & 0x3F);
      i += 3;
    }
    buf[o++] = (unsigned char)(cp & 0xFF);
    buf[o++] = (unsigned char)(cp >> 8);
  }
  write_file(name, buf, o);
  free(buf);
}

static int setup(void **state) {
  (void)state;
  /* On tmpfs when there is one: thousands of commits, each with fsync. */
  snprintf(tmp, sizeof tmp, "/dev/shm/bg-test-faults-XXXXXX");
  if (!mkdtemp(tmp)) {
    snprintf(tmp, sizeof tmp, "/tmp/bg-test-faults-XXXXXX");
    if (!mkdtemp(tmp)) return -1;
  }
  char src[96];
  snprintf(src, sizeof src, "%s/src", tmp);
  if (mkdir(src, 0777) != 0) return -1;
  write_file("2023_甲市.txt", report_a, sizeof report_a - 1);
  write_utf16("2024_甲市.txt", report_b);
  write_file("2024_乙省.html", page_c, sizeof page_c - 1);
  write_gz("2022_丙县.md.gz", md_d);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf %s", tmp);
  for (size_t i = 0; i < nref; i++)
    free(ref[i]);
  free(ref);
  return system(cmd) == 0 ? 0 : -1;
}

static const char *const files[] = {"2023_甲市.txt", "2024_甲市.txt",
                                    "2024_乙省.html", "2022_丙县.md.gz"};

/* Indexes the fixture files into DIR/idx (creating or updating it) and
 * compacts: BG_OK or the first error. */
static int index_all(bg_err *err) {
  char dir[96];
  snprintf(dir, sizeof dir, "%s/idx", tmp);
  bg_index *ix = NULL;
  int rc = bg_index_open(&ix, dir, err);
  if (rc != BG_OK) return rc;
  for (size_t i = 0; i < sizeof files / sizeof *files && rc == BG_OK; i++) {
    char path[160], id[64];
    snprintf(path, sizeof path, "%s/src/%s", tmp, files[i]);
    bg_source src = {0};
    if ((rc = bg_source_read(path, NULL, &src, err)) != BG_OK) break;
    size_t idlen = strcspn(files[i], ".");
    snprintf(id, sizeof id, "%.*s", (int)idlen, files[i]);
    bg_report *r = NULL;
    rc = bg_report_parse(id, src.text, src.len, src.format, &r, err);
    if (rc == BG_OK) {
      bg_docmeta m = {path, src.encoding, "txt", src.gzip,
                      bg_index_hash(src.text, src.len, NULL), 0};
      rc = bg_index_put(ix, r, &m, err);
    }
    bg_report_free(r);
    bg_source_free(&src);
  }
  if (rc == BG_OK) rc = bg_index_commit(ix, err);
  if (rc == BG_OK) rc = bg_index_compact(ix, err);
  int rc2 = bg_index_close(ix, rc == BG_OK ? err : NULL);
  return rc != BG_OK ? rc : rc2;
}

/* Appends the JSON of v (NULL: out of memory) to answers; consumes v. */
static int add(json_t *v, char ***answers, size_t *n, bg_err *err) {
  if (!v) return bg_err_set(err, BG_ENOMEM, "out of memory");
  char *s = bg_json_dumps_exact(v, JSON_SORT_KEYS | JSON_COMPACT, NULL);
  json_decref(v);
  char **na = s ? realloc(*answers, (*n + 1) * sizeof *na) : NULL;
  if (!na) {
    free(s);
    return bg_err_set(err, BG_ENOMEM, "out of memory");
  }
  *answers = na;
  na[(*n)++] = s;
  return BG_OK;
}

static const char *const queries[] = {
    "高质量发展", "发展 OR 经济", "发展 -新质生产力", "\"GDP\" year:2023",
    "region:甲市", "稳中求进 (经济 OR 投资)"};

/* Every kind of answer over DIR/idx, as JSON text with timings zeroed. */
static int answer_all(char ***answers, size_t *n, bg_err *err) {
  char dir[96];
  snprintf(dir, sizeof dir, "%s/idx", tmp);
  bg_reader *r = NULL;
  int rc = bg_reader_open(&r, dir, err);
  if (rc != BG_OK) return rc;
  for (size_t i = 0; i < sizeof queries / sizeof *queries && rc == BG_OK;
       i++) {
    const char *q = queries[i];
    bg_search_opts o = {.limit = 3, .offset = 0, .all = i % 2,
                        .sort = (bg_sort)(i % 3)};
    bg_results *res = NULL;
    rc = bg_search(r, q, strlen(q), &o, &res, err);
    if (rc == BG_OK) {
      res->took_ms = 0;
      rc = add(bg_json_results(res), answers, n, err);
    }
    bg_results_free(res);
  }
  if (rc == BG_OK) {
    bg_count_result *c = NULL;
    rc = bg_count(r, "发展", strlen("发展"), BG_BY_YEAR, 0, &c, err);
    if (rc == BG_OK) {
      c->took_ms = 0;
      rc = add(bg_json_count(c), answers, n, err);
    }
    bg_count_free(c);
  }
  if (rc == BG_OK) {
    bg_kwic_result *k = NULL;
    rc = bg_kwic(r, "发展 OR GDP", strlen("发展 OR GDP"), 6, BG_KWIC_LEFT, 0,
                 &k, err);
    if (rc == BG_OK) {
      k->took_ms = 0;
      rc = add(bg_json_kwic(k), answers, n, err);
    }
    bg_kwic_free(k);
  }
  if (rc == BG_OK) {
    bg_similar_opts o = {.report = "2023_甲市", .para = 6, .filter = "",
                         .limit = 5};
    bg_similar_result *s = NULL;
    rc = bg_similar(r, &o, &s, err);
    if (rc == BG_OK) {
      s->took_ms = 0;
      rc = add(bg_json_similar(s), answers, n, err);
    }
    bg_similar_free(s);
  }
  if (rc == BG_OK) {
    bg_compare_opts o = {.min_count = 1};
    bg_compare_result *c = NULL;
    rc = bg_compare(r, "2023_甲市", "2024_甲市", &o, &c, err);
    if (rc == BG_OK) {
      c->took_ms = 0;
      rc = add(bg_json_compare(c), answers, n, err);
    }
    bg_compare_free(c);
  }
  if (rc == BG_OK) {
    json_t *v = NULL;
    rc = bg_reader_reports(r, &v, err);
    if (rc == BG_OK) {
      json_t *o = bg_json_reports(v);
      json_decref(v);
      rc = add(o, answers, n, err);
    }
  }
  if (rc == BG_OK) {
    json_t *v = NULL;
    rc = bg_reader_stats(r, &v, err);
    if (rc == BG_OK) {
      json_object_del(v, "index");
      json_object_del(v, "revision");
      json_object_del(v, "size_bytes");
      rc = add(v, answers, n, err);
    }
  }
  bg_reader_close(r);
  return rc;
}

static void free_answers(char **a, size_t n) {
  for (size_t i = 0; i < n; i++)
    free(a[i]);
  free(a);
}

/* The answers equal the reference. */
static void check_answers(char **a, size_t n, const char *what, uint64_t at) {
  if (n != nref) fail_msg("%s, N=%llu: %zu answers, want %zu", what,
                          (unsigned long long)at, n, nref);
  for (size_t i = 0; i < n; i++)
    if (strcmp(a[i], ref[i]) != 0) {
      size_t d = 0;
      while (a[i][d] && a[i][d] == ref[i][d]) d++;
      d = d > 60 ? d - 60 : 0;
      fail_msg("%s, N=%llu: answer %zu differs at byte %zu:\n  %.200s\n"
               "  want %.200s",
               what, (unsigned long long)at, i, d, a[i] + d, ref[i] + d);
    }
}

static void remove_index(void) {
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf %s/idx", tmp);
  assert_int_equal(system(cmd), 0);
}

static uint64_t only(void) {
  const char *s = getenv("BAOGAO_FAULT_AT");
  return s ? (uint64_t)atoll(s) : 0;
}

static uint64_t stride(void) {
  const char *s = getenv("BAOGAO_FAULT_STRIDE");
  long v = s ? atol(s) : 1;
  return v > 0 ? (uint64_t)v : 1;
}

/* A clean error: a known code and a message. */
static void check_error(int rc, const bg_err *err, const char *what,
                        uint64_t at) {
  if (rc == BG_OK) return;
  const char *m = bg_err_msg(err);
  if (!m || !*m)
    fail_msg("%s, N=%llu: error %d without a message", what,
             (unsigned long long)at, rc);
}

static void test_reference(void **state) {
  (void)state;
  bg_err err = {0};
  remove_index();
  bg_alloc_fail_at(0, 0);
  if (index_all(&err) != BG_OK) fail_msg("index: %s", bg_err_msg(&err));
  if (answer_all(&ref, &nref, &err) != BG_OK)
    fail_msg("answers: %s", bg_err_msg(&err));
  assert_true(nref == sizeof queries / sizeof *queries + 6);
  /* The fixtures gave what they hold: 4 reports, the phrase found. */
  assert_non_null(strstr(ref[nref - 1], "\"reports\":4"));
  assert_non_null(strstr(ref[0], "\"total\":"));
}

/* Out of memory at every allocation of indexing: a clean error, the index
 * opens afterwards (or is absent, when nothing was committed), and a
 * re-run gives the reference answers. */
static void walk_index(int persist) {
  uint64_t step = stride(), walked = 0;
  for (uint64_t at = only() ? only() : 1;; at += step) {
    remove_index();
    bg_err err = {0};
    bg_alloc_fail_at(at, persist);
    int rc = index_all(&err);
    uint64_t failed = bg_alloc_failures();
    bg_alloc_fail_at(0, 0);
    if (failed == 0) {
      if (rc != BG_OK) fail_msg("index without a failure: %s", bg_err_msg(&err));
      printf("# indexing: %llu allocations walked (%s)\n",
             (unsigned long long)walked, persist ? "persistent" : "once");
      return;
    }
    walked++;
    check_error(rc, &err, "index", at);
    /* The index as left: absent, or it opens and answers. */
    char dir[96];
    snprintf(dir, sizeof dir, "%s/idx", tmp);
    bg_reader *r = NULL;
    int orc = bg_reader_open(&r, dir, &err);
    if (orc == BG_OK) {
      json_t *v = NULL;
      if (bg_reader_reports(r, &v, &err) != BG_OK)
        fail_msg("index, N=%llu: reports after a failure: %s",
                 (unsigned long long)at, bg_err_msg(&err));
      json_decref(v);
      bg_reader_close(r);
    } else if (orc != BG_ENOINDEX) {
      fail_msg("index, N=%llu: the index does not open after a failure: %s",
               (unsigned long long)at, bg_err_msg(&err));
    }
    /* A re-run finishes the job. */
    if (index_all(&err) != BG_OK)
      fail_msg("index, N=%llu: re-run: %s", (unsigned long long)at,
               bg_err_msg(&err));
    char **a = NULL;
    size_t n = 0;
    if (answer_all(&a, &n, &err) != BG_OK)
      fail_msg("index, N=%llu: answers after the re-run: %s",
               (unsigned long long)at, bg_err_msg(&err));
    check_answers(a, n, "index re-run", at);
    free_answers(a, n);
  }
}

/* Out of memory at every allocation of answering: a clean error, or the
 * right answers. */
static void walk_answers(int persist) {
  remove_index();
  bg_err err = {0};
  if (index_all(&err) != BG_OK) fail_msg("index: %s", bg_err_msg(&err));
  uint64_t step = stride(), walked = 0;
  for (uint64_t at = 1;; at += step) {
    char **a = NULL;
    size_t n = 0;
    bg_alloc_fail_at(at, persist);
    int rc = answer_all(&a, &n, &err);
    uint64_t failed = bg_alloc_failures();
    bg_alloc_fail_at(0, 0);
    if (rc == BG_OK) check_answers(a, n, "answers", at);
    else check_error(rc, &err, "answers", at);
    free_answers(a, n);
    if (failed == 0) {
      if (rc != BG_OK)
        fail_msg("answers without a failure: %s", bg_err_msg(&err));
      printf("# answers: %llu allocations walked (%s)\n",
             (unsigned long long)walked, persist ? "persistent" : "once");
      return;
    }
    walked++;
  }
}

static void test_index_once(void **state) {
  (void)state;
  walk_index(0);
}

static void test_index_persistent(void **state) {
  (void)state;
  walk_index(1);
}

static void test_answers_once(void **state) {
  (void)state;
  walk_answers(0);
}

static void test_answers_persistent(void **state) {
  (void)state;
  walk_answers(1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_reference),
      cmocka_unit_test(test_answers_once),
      cmocka_unit_test(test_answers_persistent),
      cmocka_unit_test(test_index_once),
      cmocka_unit_test(test_index_persistent),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
