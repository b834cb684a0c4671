/*
 * test_manifest.c - manifest.tsv, the metadata given beside report files
 * (core/manifest.c).  Each case writes a manifest into a fresh folder
 * under /tmp and reads it back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "manifest.h"

typedef struct fixture {
  char dir[64], path[128];
} fixture;

static int setup(void **state) {
  fixture *fx = calloc(1, sizeof *fx);
  if (!fx) return -1;
  snprintf(fx->dir, sizeof fx->dir, "/tmp/baogao-test-manifest-XXXXXX");
  if (!mkdtemp(fx->dir)) {
    free(fx);
    return -1;
  }
  snprintf(fx->path, sizeof fx->path, "%s/manifest.tsv", fx->dir);
  *state = fx;
  return 0;
}

static int teardown(void **state) {
  fixture *fx = *state;
  unlink(fx->path);
  rmdir(fx->dir);
  free(fx);
  return 0;
}

static void write_manifest(const fixture *fx, const char *text, size_t len) {
  FILE *f = fopen(fx->path, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(text, 1, len, f), len);
  assert_int_equal(fclose(f), 0);
}

/* Writes text as the manifest and loads it; fails on an error. */
static bg_manifest *load(const fixture *fx, const char *text) {
  bg_manifest *m = NULL;
  bg_err err = {0};
  write_manifest(fx, text, strlen(text));
  if (bg_manifest_load(fx->dir, &m, &err) != BG_OK) fail_msg("%s", err.msg);
  assert_non_null(m);
  assert_string_equal(bg_manifest_path(m), fx->path);
  return m;
}

/* Writes text as the manifest and checks the error after "path:". */
static void expect_code(const fixture *fx, const char *text, size_t len,
                        int code, const char *msg) {
  bg_manifest *m = (bg_manifest *)fx; /* must become NULL */
  bg_err err = {0};
  char want[512];
  write_manifest(fx, text, len ? len : strlen(text));
  assert_int_equal(bg_manifest_load(fx->dir, &m, &err), code);
  assert_null(m);
  snprintf(want, sizeof want, "%s%s", fx->path, msg);
  assert_string_equal(err.msg, want);
}

static void expect_error(const fixture *fx, const char *text, size_t len,
                         const char *msg) {
  expect_code(fx, text, len, BG_EFORMAT, msg);
}

static void expect_str(const char *got, const char *want) {
  if (!want)
    assert_null(got);
  else {
    assert_non_null(got);
    assert_string_equal(got, want);
  }
}

static void test_none(void **state) {
  fixture *fx = *state;
  bg_manifest *m = (bg_manifest *)fx;
  unlink(fx->path);
  assert_int_equal(bg_manifest_load(fx->dir, &m, NULL), BG_OK);
  assert_null(m);
  assert_null(bg_manifest_find(NULL, "a.txt"));
  bg_manifest_free(NULL);
}

static void test_rows(void **state) {
  fixture *fx = *state;
  bg_manifest *m =
      load(fx, "\xEF\xBB\xBF# 报告的元数据\r\n"
               "file\tregion\tnotes\tyear\tdate\tspeaker\ttitle\r\n"
               "\r\n"
               "2023_济南市钢城区.txt\t\tcorpus copy\t\t\t\t\r\n"
               " jb.pdf \t 济南市钢城区 "
               "\tscan\t2023\t2023-01-05\t程学锋\t政府工作报告\r\n"
               "./县/报告.docx\t某县\t\t2024\t2024-01\r\n"
               "# a comment row\tx\r\n"
               "b.html\t\t\t1999\t1999\t\t\n");
  const bg_report_meta *r = bg_manifest_find(m, "jb.pdf");
  assert_non_null(r);
  assert_int_equal(r->year, 2023);
  expect_str(r->region, "济南市钢城区");
  expect_str(r->date, "2023-01-05");
  expect_str(r->speaker, "程学锋");
  expect_str(r->title, "政府工作报告");

  /* A row of empty cells gives nothing, but is there. */
  r = bg_manifest_find(m, "2023_济南市钢城区.txt");
  assert_non_null(r);
  assert_int_equal(r->year, 0);
  expect_str(r->region, NULL);
  expect_str(r->date, NULL);
  expect_str(r->speaker, NULL);
  expect_str(r->title, NULL);

  /* Short rows, folders, "./". */
  r = bg_manifest_find(m, "县/报告.docx");
  assert_non_null(r);
  assert_int_equal(r->year, 2024);
  expect_str(r->region, "某县");
  expect_str(r->date, "2024-01");
  expect_str(r->speaker, NULL);
  assert_ptr_equal(bg_manifest_find(m, "./县/报告.docx"), r);
  r = bg_manifest_find(m, "b.html");
  assert_non_null(r);
  expect_str(r->date, "1999");

  assert_null(bg_manifest_find(m, "报告.docx"));
  assert_null(bg_manifest_find(m, "JB.pdf"));
  assert_null(bg_manifest_find(m, "# a comment row"));
  assert_null(bg_manifest_find(m, NULL));

  /* What the content hash takes in. */
  char *s = bg_manifest_row_string(bg_manifest_find(m, "jb.pdf"));
  assert_string_equal(s, "year=2023\tregion=济南市钢城区\tdate=2023-01-05\t"
                         "speaker=程学锋\ttitle=政府工作报告");
  free(s);
  s = bg_manifest_row_string(bg_manifest_find(m, "2023_济南市钢城区.txt"));
  assert_string_equal(s, "");
  free(s);
  bg_manifest_free(m);

  /* A header alone is a manifest of no rows. */
  m = load(fx, "file\tyear\n");
  assert_null(bg_manifest_find(m, "x"));
  bg_manifest_free(m);
}

static void test_errors(void **state) {
  fixture *fx = *state;
  expect_error(fx, "", 0,
               ": empty (the first row names the columns: file, then any of "
               "year, region, date, speaker, title)");
  expect_error(fx, "year\tfile\n", 0,
               ":1: the first column must be 'file' (then any of year, "
               "region, date, speaker, title)");
  expect_error(fx, "file\tyear\tyear\n", 0, ":1: column 'year' appears twice");
  expect_error(fx, "file\tyear\na.txt\t20x4\n", 0,
               ":2: year '20x4' is not a year");
  expect_error(fx, "file\tyear\na.txt\t20245\n", 0,
               ":2: year '20245' is not a year");
  expect_error(fx, "file\tyear\na.txt\t0\n", 0, ":2: year '0' is not a year");
  static const char *const bad_dates[] = {"2024-13-01", "2023-02-29",
                                          "2024-04-31", "2024/01/05",
                                          "2024-1-5",   "24-01-05"};
  for (size_t i = 0; i < sizeof bad_dates / sizeof *bad_dates; i++) {
    char text[128], msg[128];
    snprintf(text, sizeof text, "file\tdate\n\na.txt\t%s\n", bad_dates[i]);
    snprintf(msg, sizeof msg,
             ":3: date '%s' is not a date (YYYY-MM-DD, YYYY-MM or YYYY)",
             bad_dates[i]);
    expect_error(fx, text, 0, msg);
  }
  bg_manifest_free(load(fx, "file\tdate\na.txt\t2024-02-29\n"));
  expect_error(fx, "file\tyear\na.txt\t2024\nb.txt\t2023\n./a.txt\t2022\n", 0,
               ":4: 'a.txt' is listed twice (first on line 2)");
  expect_error(fx, "file\tyear\n\t2024\n", 0, ":2: no file named");
  expect_code(fx, "file\tregion\na.txt\t\xFF\n", 0, BG_EENCODING,
              ": invalid UTF-8 at byte 18");
  expect_error(fx, "file\tregion\na.txt\0x\n", 20, ": a NUL byte is no text");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_none),
      cmocka_unit_test(test_rows),
      cmocka_unit_test(test_errors),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
