/*
 * fuzz_params.c - searchd's request parameters (params.c) on any bytes.
 *
 * The first byte picks the endpoint whose query string the rest is:
 * /v1/search, /v1/count, /v1/kwic, /v1/similar, /v1/compare, one without
 * parameters, or an Accept-Encoding header.  Every query string must give
 * either a request within the limits or an error with a 4xx/5xx status, a
 * code and a message in UTF-8.  Percent-decoding runs on the same bytes.
 */
#include <string.h>

#include "fuzz.h"
#include "params.h"
#include "units.h"

static void check_err(int rc, const bg_params_err *e) {
  FUZZ_CHECK(rc == BG_EINVAL || rc == BG_ENOMEM);
  FUZZ_CHECK(e->http >= 400 && e->http < 600);
  FUZZ_CHECK(e->code && e->code[0]);
  FUZZ_CHECK(memchr(e->msg, '\0', sizeof e->msg) != NULL);
  FUZZ_CHECK(bg_utf8_valid(e->msg, strlen(e->msg), NULL));
}

static void check_text(const char *s, size_t n, size_t max) {
  if (!s) return;
  FUZZ_CHECK(strlen(s) == n);
  FUZZ_CHECK(n <= max);
  FUZZ_CHECK(bg_utf8_valid(s, n, NULL));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0) return 0;
  int which = data[0] % 7;
  const char *qs = (const char *)data + 1;
  size_t len = size - 1;
  bg_params_limits lim = {200, 1000, 10000};
  bg_params_err e;
  memset(&e, 0, sizeof e);
  int rc;

  if (which == 0) {
    bg_params_query q;
    memset(&q, 0, sizeof q);
    rc = bg_params_search(qs, len, &lim, &q, &e);
    if (rc == 0) {
      FUZZ_CHECK(q.q != NULL);
      check_text(q.q, q.qlen, lim.max_query_bytes);
      FUZZ_CHECK(q.opts.limit <= lim.max_limit);
      FUZZ_CHECK(q.opts.offset <= lim.max_offset);
    } else {
      check_err(rc, &e);
      FUZZ_CHECK(q.q == NULL);
    }
    bg_params_query_reset(&q);
  } else if (which <= 4) {
    int (*parse[])(const char *, size_t, const bg_params_limits *,
                   bg_params_view *, bg_params_err *) = {
        bg_params_count, bg_params_kwic, bg_params_similar,
        bg_params_compare};
    bg_params_view v;
    memset(&v, 0, sizeof v);
    rc = parse[which - 1](qs, len, &lim, &v, &e);
    if (rc == 0) {
      check_text(v.q, v.qlen, lim.max_query_bytes);
      check_text(v.text, v.text_len, lim.max_query_bytes);
      FUZZ_CHECK(v.width <= BG_PARAMS_KWIC_MAX_WIDTH);
      FUZZ_CHECK(v.reports <= BG_PARAMS_SIMILAR_MAX_REPORTS);
      FUZZ_CHECK(v.threshold >= 0 && v.threshold <= 1);
      if (v.report) FUZZ_CHECK(bg_utf8_valid(v.report, strlen(v.report), NULL));
      if (v.b) FUZZ_CHECK(bg_utf8_valid(v.b, strlen(v.b), NULL));
    } else {
      check_err(rc, &e);
      FUZZ_CHECK(v.q == NULL && v.text == NULL && v.report == NULL &&
                 v.b == NULL);
    }
    bg_params_view_reset(&v);
  } else if (which == 5) {
    rc = bg_params_none(qs, len, "/v1/stats", &e);
    if (rc != 0) check_err(rc, &e);
  } else {
    (void)bg_params_accepts_gzip(qs, len);
  }

  char *out = malloc(len ? len : 1);
  if (!out) abort();
  size_t bad = (size_t)-1;
  long n = bg_params_decode(qs, len, out, &bad);
  FUZZ_CHECK(n == -1 ? bad < len && qs[bad] == '%' : (size_t)n <= len);
  free(out);
  return 0;
}
