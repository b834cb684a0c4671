/*
 * test_params.c - HTTP request parameters: percent-decoding, every
 * refusal with its status and code, the defaults (of /v1/search and the
 * view endpoints), Accept-Encoding
 * q-values, and random bytes that must never crash or leak.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h> /* after the headers it needs */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "params.h"

static const bg_params_limits LIM = {
    .max_query_bytes = 16, .max_limit = 1000, .max_offset = 100000000};

static void test_decode(void **state) {
  (void)state;
  char out[64];
  size_t bad = 99;
  assert_int_equal(bg_params_decode("a+b%20c%2B%e5%8F%91", 19, out, &bad), 9);
  assert_memory_equal(out, "a b c+\xe5\x8f\x91", 9);
  assert_int_equal(bg_params_decode("", 0, out, &bad), 0);
  assert_int_equal(bg_params_decode("%00", 3, out, &bad), 1);
  assert_int_equal(out[0], 0);
  assert_int_equal(bg_params_decode("ab%", 3, out, &bad), -1);
  assert_int_equal(bad, 2);
  assert_int_equal(bg_params_decode("%4", 2, out, &bad), -1);
  assert_int_equal(bad, 0);
  assert_int_equal(bg_params_decode("x%g0", 4, out, &bad), -1);
  assert_int_equal(bad, 1);
  assert_int_equal(bg_params_decode("%0g", 3, out, NULL), -1);
}

typedef struct {
  const char *qs;
  int http;
  const char *code;
  const char *msg; /* a substring of the message */
} bad_case;

static const bad_case bad[] = {
    {"", 400, "missing_query", "needs a query"},
    {"limit=5", 400, "missing_query", "q="},
    {"q=", 400, "empty_query", "empty"},
    {"q=+%20%09%E3%80%80", 400, "empty_query", "empty"},
    {"q=%FF", 400, "bad_utf8", "parameter q is not valid UTF-8 (at byte 1"},
    {"q=ab%E5%8F", 400, "bad_utf8", "byte 3"},
    {"q=%C0%AF", 400, "bad_utf8", "UTF-8"},
    {"q=%ED%A0%80", 400, "bad_utf8", "UTF-8"},
    {"q=\xff", 400, "bad_utf8", "UTF-8"},
    {"%FF=1", 400, "bad_utf8", "parameter name"},
    {"q=a%00b", 400, "nul_byte", "at byte 2"},
    {"q%00=a", 400, "nul_byte", "parameter name"},
    {"q=a&sort=%00", 400, "nul_byte", "sort"},
    {"q=%zz", 400, "bad_escape", "two hex digits"},
    {"q=a%", 400, "bad_escape", "at byte 2 of its value"},
    {"q%=a", 400, "bad_escape", "at byte 2 of the query string"},
    {"q=12345678901234567", 414, "query_too_long", "17 bytes"},
    {"q=a&limit=-1", 400, "bad_limit", "from 0 to 1000, not '-1'"},
    {"q=a&limit=x", 400, "bad_limit", "'x'"},
    {"q=a&limit=1001", 400, "bad_limit", "1001"},
    {"q=a&limit=", 400, "bad_limit", "''"},
    {"q=a&limit", 400, "bad_limit", "limit"},
    {"q=a&limit=1.5", 400, "bad_limit", "1.5"},
    {"q=a&limit=+5", 400, "bad_limit", "' 5'"},
    {"q=a&limit=99999999999999999999999", 400, "bad_limit", "999"},
    {"q=a&limit=%01", 400, "bad_limit", "<U+0001>"},
    {"q=a&offset=100000001", 400, "bad_offset", "100000001"},
    {"q=a&offset=-0", 400, "bad_offset", "-0"},
    {"q=a&sort=date", 400, "bad_sort", "relevance, year or -year"},
    {"q=a&sort=", 400, "bad_sort", "''"},
    {"q=a&sort=YEAR", 400, "bad_sort", "YEAR"},
    {"q=a&all=2", 400, "bad_all", "'2'"},
    {"q=a&all=", 400, "bad_all", "''"},
    {"q=a&limt=5", 400, "unknown_parameter", "'limt'"},
    {"q=a&Q=b", 400, "unknown_parameter", "'Q'"},
    {"q=a&q=b", 400, "duplicate_parameter", "q is given more than once"},
    {"q=a&limit=1&limit=2", 400, "duplicate_parameter", "limit"},
};

static void test_bad(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    bg_params_query q;
    bg_params_err e = {0};
    int rc = bg_params_search(bad[i].qs, strlen(bad[i].qs), &LIM, &q, &e);
    if (rc != BG_EINVAL || e.http != bad[i].http ||
        strcmp(e.code, bad[i].code) != 0 || !strstr(e.msg, bad[i].msg))
      fail_msg("'%s': rc %d, %d %s: %s (want %d %s '%s')", bad[i].qs, rc,
               e.http, e.code ? e.code : "-", e.msg, bad[i].http, bad[i].code,
               bad[i].msg);
    assert_null(q.q);
  }
}

static void test_good(void **state) {
  (void)state;
  bg_params_query q;
  bg_params_err e = {0};
  const char *s = "q=%E9%AB%98%E8%B4%A8+%22a+b%22";
  assert_int_equal(bg_params_search(s, strlen(s), &LIM, &q, &e), BG_OK);
  assert_string_equal(q.q, "高质 \"a b\"");
  assert_int_equal(q.qlen, strlen("高质 \"a b\""));
  assert_int_equal(q.opts.limit, 10);
  assert_int_equal(q.opts.offset, 0);
  assert_int_equal(q.opts.all, 0);
  assert_int_equal(q.opts.sort, BG_SORT_RELEVANCE);
  bg_params_query_reset(&q);
  assert_null(q.q);

  s = "&&sort=-year&q=x&limit=0&offset=100000000&all&";
  assert_int_equal(bg_params_search(s, strlen(s), &LIM, &q, &e), BG_OK);
  assert_string_equal(q.q, "x");
  assert_int_equal(q.opts.limit, 0);
  assert_int_equal(q.opts.offset, 100000000);
  assert_int_equal(q.opts.all, 1);
  assert_int_equal(q.opts.sort, BG_SORT_YEAR_DESC);
  bg_params_query_reset(&q);

  const char *alls[][2] = {{"1", "1"},  {"true", "1"}, {"yes", "1"},
                           {"on", "1"}, {"0", "0"},    {"false", "0"},
                           {"no", "0"}, {"off", "0"}};
  for (size_t i = 0; i < sizeof alls / sizeof *alls; i++) {
    char buf[64];
    snprintf(buf, sizeof buf, "q=a&all=%s&sort=year&limit=007", alls[i][0]);
    assert_int_equal(bg_params_search(buf, strlen(buf), &LIM, &q, &e), BG_OK);
    assert_int_equal(q.opts.all, alls[i][1][0] == '1');
    assert_int_equal(q.opts.sort, BG_SORT_YEAR);
    assert_int_equal(q.opts.limit, 7);
    bg_params_query_reset(&q);
  }
  /* Exactly the byte limit; '=' inside a value; a query of one dash. */
  s = "q=1234567890123456";
  assert_int_equal(bg_params_search(s, strlen(s), &LIM, &q, &e), BG_OK);
  bg_params_query_reset(&q);
  s = "q=a=b";
  assert_int_equal(bg_params_search(s, strlen(s), &LIM, &q, &e), BG_OK);
  assert_string_equal(q.q, "a=b");
  bg_params_query_reset(&q);
  bg_params_query_reset(NULL);
}

static void test_none(void **state) {
  (void)state;
  bg_params_err e = {0};
  assert_int_equal(bg_params_none("", 0, "/healthz", &e), BG_OK);
  assert_int_equal(bg_params_none(NULL, 0, "/healthz", &e), BG_OK);
  assert_int_equal(bg_params_none("&&", 2, "/healthz", &e), BG_OK);
  assert_int_equal(bg_params_none("x=1", 3, "/v1/stats", &e), BG_EINVAL);
  assert_string_equal(e.code, "unknown_parameter");
  assert_non_null(strstr(e.msg, "/v1/stats takes no parameters"));
  assert_int_equal(bg_params_none("%FF", 3, "/v1/stats", &e), BG_EINVAL);
  assert_string_equal(e.code, "bad_utf8");
  assert_int_equal(bg_params_none("a=%0", 4, "/v1/stats", &e), BG_EINVAL);
  assert_string_equal(e.code, "bad_escape");
}

/* /v1/reports takes an optional q of filters, nothing else. */
static void test_reports(void **state) {
  (void)state;
  bg_params_err e = {0};
  bg_params_view v;
  memset(&v, 0, sizeof v);
  assert_int_equal(bg_params_reports("", 0, &LIM, &v, &e), BG_OK);
  assert_null(v.q);
  assert_int_equal(bg_params_reports("q=+", 3, &LIM, &v, &e), BG_OK);
  assert_null(v.q);
  const char *s = "q=-region%3A%E5%B9%BF";
  assert_int_equal(bg_params_reports(s, strlen(s), &LIM, &v, &e), BG_OK);
  assert_string_equal(v.q, "-region:广");
  assert_int_equal(v.qlen, strlen("-region:广"));
  bg_params_view_reset(&v);
  assert_int_equal(bg_params_reports("x=1", 3, &LIM, &v, &e), BG_EINVAL);
  assert_string_equal(e.code, "unknown_parameter");
  assert_int_equal(bg_params_reports("q=1&q=2", 7, &LIM, &v, &e), BG_EINVAL);
  assert_string_equal(e.code, "duplicate_parameter");
  char big[64] = "q=";
  memset(big + 2, 'a', sizeof big - 3); /* past LIM's 16 bytes */
  assert_int_equal(bg_params_reports(big, strlen(big), &LIM, &v, &e),
                   BG_EINVAL);
  assert_string_equal(e.code, "query_too_long");
  assert_null(v.q);
}

static void test_gzip(void **state) {
  (void)state;
  static const struct {
    const char *ae;
    int want;
  } cases[] = {
      {"gzip", 1},
      {"GZip", 1},
      {"x-gzip", 1},
      {"deflate, gzip", 1},
      {"gzip;q=0", 0},
      {"gzip; q=0.000", 0},
      {"gzip;q=0.001", 1},
      {"gzip ; Q = 0.5", 1},
      {"gzip;q=1.0", 1},
      {"gzip;q=1.001", 0},
      {"gzip;q=2", 0},
      {"gzip;q=0.5.5", 0},
      {"gzip;q=", 0},
      {"gzip;level=9", 1},
      {"*", 1},
      {"*;q=0", 0},
      {"gzip;q=0, *", 0},
      {"*;q=0, gzip", 1},
      {"identity", 0},
      {"", 0},
      {",,, ,", 0},
      {"br, deflate", 0},
      {"gzipx", 0},
      {"deflate;q=0.5, gzip;q=0.001", 1},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
    if (bg_params_accepts_gzip(cases[i].ae, strlen(cases[i].ae)) !=
        cases[i].want)
      fail_msg("Accept-Encoding '%s': want %d", cases[i].ae, cases[i].want);
  assert_int_equal(bg_params_accepts_gzip(NULL, 0), 0);
}

/* Random bytes from a small alphabet rich in the separators and escapes:
 * every input gives BG_OK or an error with a code and status. */
/* The view endpoints: defaults, every value, every refusal. */
static void test_views(void **state) {
  (void)state;
  bg_params_view v;
  bg_params_err e = {0};
  const char *s = "q=%E5%8F%91%E5%B1%95";
  assert_int_equal(bg_params_count(s, strlen(s), &LIM, &v, &e), BG_OK);
  assert_string_equal(v.q, "发展");
  assert_int_equal(v.by, BG_BY_YEAR);
  bg_params_view_reset(&v);
  s = "by=report&q=a";
  assert_int_equal(bg_params_count(s, strlen(s), &LIM, &v, &e), BG_OK);
  assert_int_equal(v.by, BG_BY_REPORT);
  bg_params_view_reset(&v);

  s = "q=a";
  assert_int_equal(bg_params_kwic(s, strlen(s), &LIM, &v, &e), BG_OK);
  assert_int_equal(v.width, BG_PARAMS_KWIC_WIDTH);
  assert_int_equal(v.sort, BG_KWIC_YEAR);
  bg_params_view_reset(&v);
  s = "q=a&width=1000&sort=right";
  assert_int_equal(bg_params_kwic(s, strlen(s), &LIM, &v, &e), BG_OK);
  assert_int_equal(v.width, 1000);
  assert_int_equal(v.sort, BG_KWIC_RIGHT);
  bg_params_view_reset(&v);

  s = "para=2023_%E9%92%A2%E5%9F%8E%2319&limit=0&reports=3&filter=";
  assert_int_equal(bg_params_similar(s, strlen(s), &LIM, &v, &e), BG_OK);
  assert_string_equal(v.report, "2023_钢城");
  assert_int_equal(v.para, 19);
  assert_null(v.text);
  assert_int_equal(v.limit, 0);
  assert_int_equal(v.reports, 3);
  assert_string_equal(v.q, "");
  bg_params_view_reset(&v);
  s = "text=a+b&filter=year%3A2020";
  assert_int_equal(bg_params_similar(s, strlen(s), &LIM, &v, &e), BG_OK);
  assert_null(v.report);
  assert_string_equal(v.text, "a b");
  assert_int_equal(v.text_len, 3);
  assert_string_equal(v.q, "year:2020");
  assert_int_equal(v.limit, 10);
  bg_params_view_reset(&v);

  s = "b=y&a=x&threshold=0.5&min_count=1&phrases=10000";
  assert_int_equal(bg_params_compare(s, strlen(s), &LIM, &v, &e), BG_OK);
  assert_string_equal(v.report, "x");
  assert_string_equal(v.b, "y");
  assert_true(v.threshold == 0.5);
  assert_int_equal(v.min_count, 1);
  assert_int_equal(v.phrases, 10000);
  bg_params_view_reset(&v);
  s = "a=x&b=y&threshold=1";
  assert_int_equal(bg_params_compare(s, strlen(s), &LIM, &v, &e), BG_OK);
  assert_true(v.threshold == 1);
  assert_int_equal(v.min_count, 0);
  bg_params_view_reset(&v);

  static const struct {
    int (*fn)(const char *, size_t, const bg_params_limits *,
              bg_params_view *, bg_params_err *);
    const char *qs;
    int http;
    const char *code;
  } bad[] = {
      {bg_params_count, "", 400, "missing_query"},
      {bg_params_count, "q=+", 400, "empty_query"},
      {bg_params_count, "q=a&by=", 400, "bad_by"},
      {bg_params_count, "q=a&by=Year", 400, "bad_by"},
      {bg_params_count, "q=a&width=3", 400, "unknown_parameter"},
      {bg_params_count, "q=12345678901234567", 414, "query_too_long"},
      {bg_params_kwic, "q=a&width=1001", 400, "bad_width"},
      {bg_params_kwic, "q=a&width=-1", 400, "bad_width"},
      {bg_params_kwic, "q=a&sort=-year", 400, "bad_sort"},
      {bg_params_kwic, "q=a&q=b", 400, "duplicate_parameter"},
      {bg_params_kwic, "q=%FF", 400, "bad_utf8"},
      {bg_params_similar, "", 400, "missing_source"},
      {bg_params_similar, "para=a%231&text=b", 400, "two_sources"},
      {bg_params_similar, "para=a", 400, "bad_para"},
      {bg_params_similar, "para=a%23", 400, "bad_para"},
      {bg_params_similar, "para=a%230", 400, "bad_para"},
      {bg_params_similar, "para=a%231x", 400, "bad_para"},
      {bg_params_similar, "text=", 400, "empty_query"},
      {bg_params_similar, "text=12345678901234567", 414, "query_too_long"},
      {bg_params_similar, "text=ab&filter=12345678901234567", 414,
       "query_too_long"},
      {bg_params_similar, "text=ab&limit=1001", 400, "bad_limit"},
      {bg_params_similar, "text=ab&reports=0", 400, "bad_reports"},
      {bg_params_similar, "text=ab&reports=10001", 400, "bad_reports"},
      {bg_params_compare, "", 400, "missing_report"},
      {bg_params_compare, "a=x&b=", 400, "missing_report"},
      {bg_params_compare, "a=x&b=y&threshold=0", 400, "bad_threshold"},
      {bg_params_compare, "a=x&b=y&threshold=1.01", 400, "bad_threshold"},
      {bg_params_compare, "a=x&b=y&threshold=-0.5", 400, "bad_threshold"},
      {bg_params_compare, "a=x&b=y&threshold=inf", 400, "bad_threshold"},
      {bg_params_compare, "a=x&b=y&threshold=", 400, "bad_threshold"},
      {bg_params_compare, "a=x&b=y&min_count=0", 400, "bad_min_count"},
      {bg_params_compare, "a=x&b=y&phrases=0", 400, "bad_phrases"},
      {bg_params_compare, "a=x&b=y&q=z", 400, "unknown_parameter"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    int rc = bad[i].fn(bad[i].qs, strlen(bad[i].qs), &LIM, &v, &e);
    if (rc != BG_EINVAL || e.http != bad[i].http ||
        strcmp(e.code, bad[i].code) != 0)
      fail_msg("'%s': rc %d, %d %s: %s (want %d %s)", bad[i].qs, rc, e.http,
               e.code ? e.code : "-", e.msg, bad[i].http, bad[i].code);
    assert_null(v.q);
    assert_null(v.report);
    assert_null(v.text);
    assert_null(v.b);
  }
  bg_params_view_reset(NULL);
}

static void test_random(void **state) {
  (void)state;
  static const char alpha[] =
      "q=&%+limtofsearyl0123456789aAfF\xe5\x8f\x91\xff" "bpwdhxc.";
  unsigned seed = 12345;
  char buf[128];
  for (int n = 0; n < 200000; n++) {
    size_t len = (size_t)(seed % sizeof buf);
    for (size_t i = 0; i < len; i++) {
      seed = seed * 1103515245u + 12345u;
      buf[i] = alpha[(seed >> 16) % (sizeof alpha - 1)];
    }
    seed = seed * 1103515245u + 12345u;
    bg_params_query q;
    bg_params_err e = {0};
    int rc = bg_params_search(buf, len, &LIM, &q, &e);
    if (rc == BG_OK) {
      assert_non_null(q.q);
      assert_true(q.qlen <= LIM.max_query_bytes);
    } else {
      assert_int_equal(rc, BG_EINVAL);
      assert_non_null(e.code);
      assert_true(e.http == 400 || e.http == 414);
      assert_null(q.q);
    }
    bg_params_query_reset(&q);
    bg_params_view v;
    if (bg_params_count(buf, len, &LIM, &v, &e) == BG_OK) assert_non_null(v.q);
    bg_params_view_reset(&v);
    if (bg_params_kwic(buf, len, &LIM, &v, &e) == BG_OK) assert_non_null(v.q);
    bg_params_view_reset(&v);
    if (bg_params_similar(buf, len, &LIM, &v, &e) == BG_OK)
      assert_true(v.report || v.text);
    bg_params_view_reset(&v);
    if (bg_params_compare(buf, len, &LIM, &v, &e) == BG_OK)
      assert_true(v.report && v.b);
    bg_params_view_reset(&v);
    bg_params_none(buf, len, "/healthz", &e);
    bg_params_accepts_gzip(buf, len);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_decode), cmocka_unit_test(test_bad),
      cmocka_unit_test(test_good),   cmocka_unit_test(test_none),
      cmocka_unit_test(test_gzip),   cmocka_unit_test(test_views),
      cmocka_unit_test(test_random), cmocka_unit_test(test_reports),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
