/*
 * params.c - HTTP request parameters: decoding and validation (see
 * params.h).
 */
#include "params.h"
#include "export.h"
#include "keywords.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "similar.h"
#include "units.h"
#include "util.h"

#define ECHO_CPS 40 /* user text quoted in a message: at most this long */

static int fail(bg_params_err *e, int http, const char *code, const char *fmt,
                ...) __attribute__((format(printf, 4, 5)));

static int fail(bg_params_err *e, int http, const char *code, const char *fmt,
                ...) {
  if (e) {
    e->http = http;
    e->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
  }
  return http >= 500 ? BG_ENOMEM : BG_EINVAL;
}

/* Copies valid UTF-8 s[0, n) into buf for a message: at most ECHO_CPS code
 * points, control characters as <U+XXXX>, an ellipsis when cut. */
static const char *echo(char *buf, size_t size, const char *s, size_t n) {
  size_t o = 0, i = 0, k = 0;
  while (i < n) {
    if (k++ == ECHO_CPS || o + 16 > size) {
      memcpy(buf + o, "\xe2\x80\xa6", 3);
      o += 3;
      break;
    }
    size_t at = i;
    uint32_t c = bg_utf8_next(s, n, &i);
    if (c < 0x20 || c == 0x7f) {
      o += (size_t)snprintf(buf + o, size - o, "<U+%04X>", (unsigned)c);
    } else {
      memcpy(buf + o, s + at, i - at);
      o += i - at;
    }
  }
  buf[o] = '\0';
  return buf;
}

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

long bg_params_decode(const char *s, size_t len, char *out, size_t *bad) {
  size_t o = 0;
  for (size_t i = 0; i < len; i++) {
    char c = s[i];
    if (c == '+') {
      out[o++] = ' ';
    } else if (c == '%') {
      if (len - i < 3 || hexval(s[i + 1]) < 0 || hexval(s[i + 2]) < 0) {
        if (bad) *bad = i;
        return -1;
      }
      out[o++] = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
      i += 2;
    } else {
      out[o++] = c;
    }
  }
  return (long)o;
}

/* 1 when s[0, n) (valid UTF-8) holds nothing but white space. */
static int blank(const char *s, size_t n) {
  size_t i = 0;
  while (i < n) {
    uint32_t c = bg_utf8_next(s, n, &i);
    if (c == ' ' || (c >= '\t' && c <= '\r') || c == 0x85) continue;
    if (c < 0x80) return 0;
    utf8proc_category_t cat = utf8proc_category((utf8proc_int32_t)c);
    if (cat != UTF8PROC_CATEGORY_ZS && cat != UTF8PROC_CATEGORY_ZL &&
        cat != UTF8PROC_CATEGORY_ZP)
      return 0;
  }
  return 1;
}

/* One decoded parameter. */
typedef struct param {
  const char *name, *value; /* into the decode buffer, NUL-terminated */
  size_t name_len, value_len;
  int has_value; /* 0 for a bare `name` without `=` */
} param;

/* The parameter of qs[0, len) that starts at *start, as written (not
 * decoded): *seglen bytes, the name the first *nlen of them, eq the '='
 * after it or NULL.  *start moves past it and its '&'.  Returns 0 once
 * the query string is read; a parameter may be empty (seglen 0). */
static int segment(const char *qs, size_t len, size_t *start,
                   const char **seg, size_t *seglen, size_t *nlen,
                   const char **eq) {
  if (*start > len) return 0;
  const char *amp = memchr(qs + *start, '&', len - *start);
  size_t end = amp ? (size_t)(amp - qs) : len;
  *seg = qs + *start;
  *seglen = end - *start;
  *eq = memchr(*seg, '=', *seglen);
  *nlen = *eq ? (size_t)(*eq - *seg) : *seglen;
  *start = end + 1;
  return 1;
}

/* Calls fn for each parameter of qs[0, len), decoded into buf (room for
 * 2 * len + 2 bytes: each name and value gets a NUL), checking escapes, NUL
 * bytes and UTF-8 first.  Stops at the first error or when fn returns
 * non-zero. */
static int each_param(const char *qs, size_t len, char *buf,
                      int (*fn)(void *ctx, const param *p, bg_params_err *e),
                      void *ctx, bg_params_err *e) {
  size_t start = 0, at = 0, seglen, nlen;
  const char *seg, *eq;
  char *o = buf;
  for (; segment(qs, len, &start, &seg, &seglen, &nlen, &eq); at = start) {
    if (seglen > 0) {
      param p = {0};
      size_t bad;
      long n = bg_params_decode(seg, nlen, o, &bad);
      if (n < 0)
        return fail(e, 400, "bad_escape",
                    "bad percent-escape at byte %zu of the query string: "
                    "'%%' must be followed by two hex digits (write %%25 for "
                    "'%%' itself)",
                    at + bad + 1);
      p.name = o;
      p.name_len = (size_t)n;
      o[n] = '\0';
      o += n + 1;
      if (memchr(p.name, '\0', p.name_len))
        return fail(e, 400, "nul_byte",
                    "a parameter name holds a NUL byte (%%00)");
      if (!bg_utf8_valid(p.name, p.name_len, &bad))
        return fail(e, 400, "bad_utf8",
                    "a parameter name is not valid UTF-8 (at byte %zu)",
                    bad + 1);
      char nbuf[ECHO_CPS * 4 + 32];
      echo(nbuf, sizeof nbuf, p.name, p.name_len);
      p.value = o;
      if (eq) {
        p.has_value = 1;
        n = bg_params_decode(eq + 1, seglen - nlen - 1, o, &bad);
        if (n < 0)
          return fail(e, 400, "bad_escape",
                      "bad percent-escape in parameter %s at byte %zu of "
                      "its value: '%%' must be followed by two hex digits "
                      "(write %%25 for '%%' itself)",
                      nbuf, bad + 1);
        p.value_len = (size_t)n;
      }
      o[p.value_len] = '\0';
      o += p.value_len + 1;
      if (memchr(p.value, '\0', p.value_len))
        return fail(e, 400, "nul_byte",
                    "parameter %s holds a NUL byte (%%00) at byte %zu", nbuf,
                    (size_t)((const char *)memchr(p.value, '\0', p.value_len) -
                             p.value) +
                        1);
      if (!bg_utf8_valid(p.value, p.value_len, &bad))
        return fail(e, 400, "bad_utf8",
                    "parameter %s is not valid UTF-8 (at byte %zu of its "
                    "decoded value)",
                    nbuf, bad + 1);
      int rc = fn(ctx, &p, e);
      if (rc) return rc;
    }
  }
  return BG_OK;
}

/* ---- collecting an endpoint's parameters ---- */

#define MAX_NAMES 8

/* The parameters an endpoint takes, by name, as they were given. */
typedef struct collect_ctx {
  const char *path;               /* the endpoint, for messages */
  const char *const *names;       /* the names it takes */
  int n;                          /* how many */
  param got[MAX_NAMES];
  int seen[MAX_NAMES];
} collect_ctx;

static int collect_param(void *ctx, const param *p, bg_params_err *e) {
  collect_ctx *s = ctx;
  char nbuf[ECHO_CPS * 4 + 32];
  for (int k = 0; k < s->n; k++) {
    if (strlen(s->names[k]) != p->name_len ||
        memcmp(s->names[k], p->name, p->name_len) != 0)
      continue;
    if (s->seen[k])
      return fail(e, 400, "duplicate_parameter",
                  "parameter %s is given more than once", s->names[k]);
    s->seen[k] = 1;
    s->got[k] = *p;
    return 0;
  }
  char list[160];
  size_t o = 0;
  for (int k = 0; k < s->n; k++)
    o += (size_t)snprintf(list + o, sizeof list - o, "%s%s",
                          k == 0 ? "" : k + 1 == s->n ? " and " : ", ",
                          s->names[k]);
  return fail(e, 400, "unknown_parameter", "unknown parameter '%s': %s takes %s",
              echo(nbuf, sizeof nbuf, p->name, p->name_len), s->path, list);
}

/* Decodes and checks qs[0, len) into s (names s->names); buf gets the
 * decoded bytes the params in s point into (the caller frees it). */
static int collect(const char *qs, size_t len, collect_ctx *s, char **buf,
                   bg_params_err *e) {
  if (!qs) len = 0;
  *buf = bg_malloc(2 * len + 2);
  if (!*buf) return fail(e, 500, "out_of_memory", "out of memory");
  return each_param(qs ? qs : "", len, *buf, collect_param, s, e);
}

/* A copy of p's value in *out (NUL-terminated) and *outlen. */
static int take_value(const param *p, char **out, size_t *outlen,
                      bg_params_err *e) {
  *out = bg_malloc(p->value_len + 1);
  if (!*out) return fail(e, 500, "out_of_memory", "out of memory");
  memcpy(*out, p->value, p->value_len);
  (*out)[p->value_len] = '\0';
  if (outlen) *outlen = p->value_len;
  return 0;
}

/* Checks a text parameter (a query, a filter, a source text): no longer
 * than the limit and, unless it may be empty, not blank. */
static int text_param(const param *p, const bg_params_limits *lim,
                      int may_be_blank, bg_params_err *e) {
  if (p->value_len > lim->max_query_bytes)
    return fail(e, 414, "query_too_long",
                "parameter %s is %zu bytes long; the limit is %zu bytes",
                p->name, p->value_len, lim->max_query_bytes);
  if (!may_be_blank && blank(p->value, p->value_len))
    return fail(e, 400, "empty_query",
                "parameter %s is empty: give it a phrase to search for",
                p->name);
  return 0;
}

/* The required query parameter q of s (index k). */
static int query_param(const collect_ctx *s, int k, const char *example,
                       const bg_params_limits *lim, char **out, size_t *outlen,
                       bg_params_err *e) {
  if (!s->seen[k])
    return fail(e, 400, "missing_query",
                "%s needs a query: add q=... to the URL, for example "
                "%s?q=%%E9%%AB%%98%%E8%%B4%%A8%%E9%%87%%8F (%s)",
                s->path, s->path, example);
  int rc = text_param(&s->got[k], lim, 0, e);
  return rc ? rc : take_value(&s->got[k], out, outlen, e);
}

/* A whole number 0..max, digits only. */
static int parse_count(const param *p, size_t max, size_t *out) {
  if (!p->value_len || p->value_len > 19) return -1;
  unsigned long long v = 0;
  for (size_t i = 0; i < p->value_len; i++) {
    if (p->value[i] < '0' || p->value[i] > '9') return -1;
    v = v * 10 + (unsigned)(p->value[i] - '0');
  }
  if (v > max) return -1;
  *out = (size_t)v;
  return 0;
}

/* A whole number min..max into *out, or the error `code`. */
static int count_param(const param *p, size_t min, size_t max, size_t *out,
                       const char *code, bg_params_err *e) {
  if (parse_count(p, max, out) == 0 && *out >= min) return 0;
  char vbuf[ECHO_CPS * 4 + 32];
  return fail(e, 400, code, "%s takes a whole number from %zu to %zu, not '%s'",
              p->name, min, max,
              echo(vbuf, sizeof vbuf, p->value, p->value_len));
}

static int is_word(const param *p, const char *w) {
  return strlen(w) == p->value_len && !memcmp(p->value, w, p->value_len);
}

/* One of the words of `choices` (NULL-terminated) into *out (its index). */
static int choice_param(const param *p, const char *const *choices, int *out,
                        const char *code, bg_params_err *e) {
  char list[160], vbuf[ECHO_CPS * 4 + 32];
  size_t o = 0;
  int n = 0;
  for (; choices[n]; n++) {
    if (is_word(p, choices[n])) {
      *out = n;
      return 0;
    }
  }
  for (int k = 0; k < n; k++)
    o += (size_t)snprintf(list + o, sizeof list - o, "%s%s",
                          k == 0 ? "" : k + 1 == n ? " or " : ", ", choices[k]);
  return fail(e, 400, code, "%s takes %s, not '%s'", p->name, list,
              echo(vbuf, sizeof vbuf, p->value, p->value_len));
}

/* ---- /v1/search ---- */

enum { P_Q, P_LIMIT, P_OFFSET, P_ALL, P_SORT, P_NSEARCH };
static const char *const search_names[P_NSEARCH] = {"q", "limit", "offset",
                                                    "all", "sort"};

int bg_params_search(const char *qs, size_t len, const bg_params_limits *lim,
                     bg_params_query *out, bg_params_err *e) {
  memset(out, 0, sizeof *out);
  out->opts.limit = 10;
  out->opts.sort = BG_SORT_RELEVANCE;
  collect_ctx s = {"/v1/search", search_names, P_NSEARCH, {{0}}, {0}};
  char *buf = NULL;
  int rc = collect(qs, len, &s, &buf, e);
  if (rc) goto done;
  char vbuf[ECHO_CPS * 4 + 32];
  if ((rc = query_param(&s, P_Q, "高质量", lim, &out->q, &out->qlen, e)))
    goto done;
  if (s.seen[P_LIMIT] && (rc = count_param(&s.got[P_LIMIT], 0, lim->max_limit,
                                           &out->opts.limit, "bad_limit", e)))
    goto done;
  if (s.seen[P_OFFSET] &&
      (rc = count_param(&s.got[P_OFFSET], 0, lim->max_offset,
                        &out->opts.offset, "bad_offset", e)))
    goto done;
  if (s.seen[P_ALL]) {
    const param *a = &s.got[P_ALL];
    if (!a->has_value || is_word(a, "1") || is_word(a, "true") ||
        is_word(a, "yes") || is_word(a, "on")) {
      out->opts.all = 1;
    } else if (is_word(a, "0") || is_word(a, "false") || is_word(a, "no") ||
               is_word(a, "off")) {
      out->opts.all = 0;
    } else {
      rc = fail(e, 400, "bad_all", "all takes 1 or 0, not '%s'",
                echo(vbuf, sizeof vbuf, a->value, a->value_len));
      goto done;
    }
  }
  if (s.seen[P_SORT]) {
    int k = 0;
    if ((rc = choice_param(&s.got[P_SORT], bg_sort_names, &k, "bad_sort", e)))
      goto done;
    out->opts.sort = (bg_sort)k;
  }
done:
  free(buf);
  if (rc) bg_params_query_reset(out);
  return rc;
}

/* ---- format= and bom=, before an endpoint's own parameters ---- */

int bg_params_export(const char *qs, size_t len, char **rest, size_t *rest_len,
                     int *format, int *bom, bg_err *err) {
  *rest = bg_malloc(len + 1);
  *rest_len = 0;
  *format = BG_EXPORT_NONE;
  *bom = 0;
  if (!*rest) return bg_err_set(err, BG_ENOMEM, "out of memory");
  size_t start = 0, seglen, nl;
  const char *p, *eq;
  while (start < len && segment(qs, len, &start, &p, &seglen, &nl, &eq)) {
    const char *v = eq ? eq + 1 : p + seglen;
    size_t vl = (size_t)(p + seglen - v);
    if (nl == 6 && !memcmp(p, "format", 6)) {
      char b[8];
      int f = vl < sizeof b ? (memcpy(b, v, vl), b[vl] = '\0', bg_export_parse(b))
                            : -1;
      if (f < 0) {
        free(*rest);
        *rest = NULL;
        return bg_err_set(err, BG_EINVAL,
                          "format takes tsv, csv or json, not '%.*s'",
                          (int)(vl < 40 ? vl : 40), v);
      }
      *format = f;
    } else if (nl == 3 && !memcmp(p, "bom", 3)) {
      if (vl == 1 && (v[0] == '0' || v[0] == '1')) {
        *bom = v[0] == '1';
      } else {
        free(*rest);
        *rest = NULL;
        return bg_err_set(err, BG_EINVAL, "bom takes 0 or 1, not '%.*s'",
                          (int)(vl < 40 ? vl : 40), v);
      }
    } else if (seglen > 0) {
      if (*rest_len) (*rest)[(*rest_len)++] = '&';
      memcpy(*rest + *rest_len, p, seglen);
      *rest_len += seglen;
    }
  }
  (*rest)[*rest_len] = '\0';
  return BG_OK;
}

void bg_params_query_reset(bg_params_query *q) {
  if (!q) return;
  free(q->q);
  memset(q, 0, sizeof *q);
}

/* ---- /v1/count, /v1/kwic, /v1/similar, /v1/compare ---- */

static void view_init(bg_params_view *v) {
  memset(v, 0, sizeof *v);
  v->by = BG_BY_YEAR;
  v->width = BG_PARAMS_KWIC_WIDTH;
  v->sort = BG_KWIC_YEAR;
  v->limit = 10;
}

void bg_params_view_reset(bg_params_view *v) {
  if (!v) return;
  free(v->q);
  free(v->report);
  free(v->text);
  free(v->b);
  view_init(v);
}

int bg_params_count(const char *qs, size_t len, const bg_params_limits *lim,
                    bg_params_view *out, bg_params_err *e) {
  static const char *const names[] = {"q", "by"};
  static const char *const bys[] = {"year", "region", "report", NULL};
  static const bg_by as[] = {BG_BY_YEAR, BG_BY_REGION, BG_BY_REPORT};
  view_init(out);
  collect_ctx s = {"/v1/count", names, 2, {{0}}, {0}};
  char *buf = NULL;
  int rc = collect(qs, len, &s, &buf, e), k = 0;
  if (!rc) rc = query_param(&s, 0, "高质量", lim, &out->q, &out->qlen, e);
  if (!rc && s.seen[1] && !(rc = choice_param(&s.got[1], bys, &k, "bad_by", e)))
    out->by = as[k];
  free(buf);
  if (rc) bg_params_view_reset(out);
  return rc;
}

int bg_params_kwic(const char *qs, size_t len, const bg_params_limits *lim,
                   bg_params_view *out, bg_params_err *e) {
  static const char *const names[] = {"q", "width", "sort"};
  static const char *const sorts[] = {"year", "left", "right", NULL};
  static const bg_kwic_sort as[] = {BG_KWIC_YEAR, BG_KWIC_LEFT, BG_KWIC_RIGHT};
  view_init(out);
  collect_ctx s = {"/v1/kwic", names, 3, {{0}}, {0}};
  char *buf = NULL;
  int rc = collect(qs, len, &s, &buf, e), k = 0;
  if (!rc) rc = query_param(&s, 0, "高质量", lim, &out->q, &out->qlen, e);
  if (!rc && s.seen[1])
    rc = count_param(&s.got[1], 0, BG_PARAMS_KWIC_MAX_WIDTH, &out->width,
                     "bad_width", e);
  if (!rc && s.seen[2] &&
      !(rc = choice_param(&s.got[2], sorts, &k, "bad_sort", e)))
    out->sort = as[k];
  free(buf);
  if (rc) bg_params_view_reset(out);
  return rc;
}

int bg_params_similar(const char *qs, size_t len, const bg_params_limits *lim,
                      bg_params_view *out, bg_params_err *e) {
  enum { S_PARA, S_TEXT, S_FILTER, S_LIMIT, S_REPORTS, S_N };
  static const char *const names[S_N] = {"para", "text", "filter", "limit",
                                         "reports"};
  view_init(out);
  collect_ctx s = {"/v1/similar", names, S_N, {{0}}, {0}};
  char *buf = NULL, vbuf[ECHO_CPS * 4 + 32];
  int rc = collect(qs, len, &s, &buf, e);
  if (rc) goto done;
  if (!s.seen[S_PARA] && !s.seen[S_TEXT]) {
    rc = fail(e, 400, "missing_source",
              "/v1/similar needs a source: para=REPORT#PARA (for example "
              "para=2023_%%E6%%B5%%8E%%E5%%8D%%97%%E5%%B8%%82%%E9%%92%%A2%%E5%%"
              "9F%%8E%%E5%%8C%%BA%%2319) or text=...");
    goto done;
  }
  if (s.seen[S_PARA] && s.seen[S_TEXT]) {
    rc = fail(e, 400, "two_sources",
              "/v1/similar takes para or text, not both");
    goto done;
  }
  if (s.seen[S_PARA]) {
    const param *p = &s.got[S_PARA];
    size_t id_len = 0;
    if (bg_similar_parse_source(p->value, &id_len, &out->para) != 0) {
      rc = fail(e, 400, "bad_para",
                "para takes REPORT#PARA (a report id, '#', a paragraph "
                "number from 1), not '%s'",
                echo(vbuf, sizeof vbuf, p->value, p->value_len));
      goto done;
    }
    param id = *p;
    id.value_len = id_len;
    if ((rc = take_value(&id, &out->report, NULL, e))) goto done;
  } else {
    if ((rc = text_param(&s.got[S_TEXT], lim, 0, e)) ||
        (rc = take_value(&s.got[S_TEXT], &out->text, &out->text_len, e)))
      goto done;
  }
  if (s.seen[S_FILTER] &&
      ((rc = text_param(&s.got[S_FILTER], lim, 1, e)) ||
       (rc = take_value(&s.got[S_FILTER], &out->q, &out->qlen, e))))
    goto done;
  size_t max = lim->max_limit < BG_SIMILAR_MAX_LIMIT ? lim->max_limit
                                                     : BG_SIMILAR_MAX_LIMIT;
  if (s.seen[S_LIMIT] &&
      (rc = count_param(&s.got[S_LIMIT], 0, max, &out->limit, "bad_limit", e)))
    goto done;
  if (s.seen[S_REPORTS])
    rc = count_param(&s.got[S_REPORTS], 1, BG_PARAMS_SIMILAR_MAX_REPORTS,
                     &out->reports, "bad_reports", e);
done:
  free(buf);
  if (rc) bg_params_view_reset(out);
  return rc;
}

/* A number in (0, 1], written in decimal. */
static int parse_fraction(const param *p, double *out) {
  if (!p->value_len || p->value_len > 20) return -1;
  for (size_t i = 0; i < p->value_len; i++)
    if (!((p->value[i] >= '0' && p->value[i] <= '9') || p->value[i] == '.'))
      return -1;
  char *end;
  double v = strtod(p->value, &end);
  if (end != p->value + p->value_len || !(v > 0 && v <= 1)) return -1;
  *out = v;
  return 0;
}

int bg_params_compare(const char *qs, size_t len, const bg_params_limits *lim,
                      bg_params_view *out, bg_params_err *e) {
  enum { C_A, C_B, C_THRESHOLD, C_MIN_COUNT, C_PHRASES, C_N };
  static const char *const names[C_N] = {"a", "b", "threshold", "min_count",
                                         "phrases"};
  view_init(out);
  collect_ctx s = {"/v1/compare", names, C_N, {{0}}, {0}};
  char *buf = NULL, vbuf[ECHO_CPS * 4 + 32];
  int rc = collect(qs, len, &s, &buf, e);
  if (rc) goto done;
  for (int k = C_A; k <= C_B; k++) {
    if (!s.seen[k] || blank(s.got[k].value, s.got[k].value_len)) {
      rc = fail(e, 400, "missing_report",
                "/v1/compare needs two report ids: a=REPORT_A&b=REPORT_B "
                "(/v1/reports lists them)");
      goto done;
    }
    if ((rc = text_param(&s.got[k], lim, 0, e))) goto done;
  }
  if ((rc = take_value(&s.got[C_A], &out->report, NULL, e)) ||
      (rc = take_value(&s.got[C_B], &out->b, NULL, e)))
    goto done;
  if (s.seen[C_THRESHOLD] &&
      parse_fraction(&s.got[C_THRESHOLD], &out->threshold) != 0) {
    const param *p = &s.got[C_THRESHOLD];
    rc = fail(e, 400, "bad_threshold",
              "threshold takes a similarity above 0 and at most 1, not '%s'",
              echo(vbuf, sizeof vbuf, p->value, p->value_len));
    goto done;
  }
  if (s.seen[C_MIN_COUNT] &&
      (rc = count_param(&s.got[C_MIN_COUNT], 1, 1000000, &out->min_count,
                        "bad_min_count", e)))
    goto done;
  if (s.seen[C_PHRASES])
    rc = count_param(&s.got[C_PHRASES], 1, 10000, &out->phrases, "bad_phrases",
                     e);
done:
  free(buf);
  if (rc) bg_params_view_reset(out);
  return rc;
}

int bg_params_keywords(const char *qs, size_t len, const bg_params_limits *lim,
                       bg_params_view *out, bg_params_err *e) {
  enum { K_Q, K_VS, K_LIMIT, K_MIN_COUNT, K_MIN_G2, K_N };
  static const char *const names[K_N] = {"q", "vs", "limit", "min_count",
                                         "min_g2"};
  view_init(out);
  collect_ctx s = {"/v1/keywords", names, K_N, {{0}}, {0}};
  char *buf = NULL, vbuf[ECHO_CPS * 4 + 32];
  int rc = collect(qs, len, &s, &buf, e);
  if (!rc) rc = query_param(&s, K_Q, "year:2025", lim, &out->q, &out->qlen, e);
  if (!rc && s.seen[K_VS] && !(rc = text_param(&s.got[K_VS], lim, 1, e)))
    rc = take_value(&s.got[K_VS], &out->b, &out->text_len, e);
  if (!rc && s.seen[K_LIMIT])
    rc = count_param(&s.got[K_LIMIT], 1, BG_KEYWORDS_MAX_LIMIT, &out->limit,
                     "bad_limit", e);
  if (!rc && s.seen[K_MIN_COUNT])
    rc = count_param(&s.got[K_MIN_COUNT], 1, 1000000, &out->min_count,
                     "bad_min_count", e);
  if (!rc && s.seen[K_MIN_G2]) {
    const param *p = &s.got[K_MIN_G2];
    char num[32];
    char *end = NULL;
    double v = -1;
    if (p->value_len > 0 && p->value_len < sizeof num) {
      memcpy(num, p->value, p->value_len);
      num[p->value_len] = '\0';
      v = strtod(num, &end);
    }
    if (!end || *end || !(v > 0) || v > 1e9)
      rc = fail(e, 400, "bad_min_g2", "min_g2 takes a number above 0, not '%s'",
                echo(vbuf, sizeof vbuf, p->value, p->value_len));
    else
      out->threshold = v;
  }
  free(buf);
  if (rc) bg_params_view_reset(out);
  return rc;
}

int bg_params_reports(const char *qs, size_t len, const bg_params_limits *lim,
                      bg_params_view *out, bg_params_err *e) {
  static const char *const names[] = {"q"};
  view_init(out);
  collect_ctx s = {"/v1/reports", names, 1, {{0}}, {0}};
  char *buf = NULL;
  int rc = collect(qs, len, &s, &buf, e);
  if (!rc && s.seen[0] && !blank(s.got[0].value, s.got[0].value_len) &&
      !(rc = text_param(&s.got[0], lim, 0, e)))
    rc = take_value(&s.got[0], &out->q, &out->qlen, e);
  free(buf);
  if (rc) bg_params_view_reset(out);
  return rc;
}

/* ---- endpoints without parameters ---- */

static int no_param(void *ctx, const param *p, bg_params_err *e) {
  char nbuf[ECHO_CPS * 4 + 32];
  return fail(e, 400, "unknown_parameter",
              "unknown parameter '%s': %s takes no parameters",
              echo(nbuf, sizeof nbuf, p->name, p->name_len), (const char *)ctx);
}

int bg_params_none(const char *qs, size_t len, const char *path,
                   bg_params_err *e) {
  if (!qs || !len) return BG_OK;
  char *buf = bg_malloc(2 * len + 2);
  if (!buf) return fail(e, 500, "out_of_memory", "out of memory");
  int rc = each_param(qs, len, buf, no_param, (void *)path, e);
  free(buf);
  return rc;
}

/* ---- Accept-Encoding ---- */

static int ows(char c) {
  return c == ' ' || c == '\t';
}

static int token_is(const char *s, size_t n, const char *w) {
  size_t k = strlen(w);
  if (n != k) return 0;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
    if (c != w[i]) return 0;
  }
  return 1;
}

/* The q-value of one element's parameters s[0, n) (";q=0.5;..."), as
 * thousandths: 1000 without q, -1 when malformed. */
static int qvalue(const char *s, size_t n) {
  int q = 1000;
  size_t i = 0;
  while (i < n) {
    while (i < n && (ows(s[i]) || s[i] == ';'))
      i++;
    size_t a = i;
    while (i < n && s[i] != ';')
      i++;
    size_t b = i;
    while (b > a && ows(s[b - 1]))
      b--;
    if (b - a < 2 || (s[a] != 'q' && s[a] != 'Q')) continue;
    size_t j = a + 1;
    while (j < b && ows(s[j]))
      j++;
    if (j >= b || s[j] != '=') continue;
    j++;
    while (j < b && ows(s[j]))
      j++;
    /* qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ) */
    if (j >= b || (s[j] != '0' && s[j] != '1')) return -1;
    int v = (s[j] - '0') * 1000, scale = 100;
    j++;
    if (j < b) {
      if (s[j] != '.') return -1;
      j++;
      for (int d = 0; j < b; d++, j++) {
        if (d == 3 || s[j] < '0' || s[j] > '9') return -1;
        v += (s[j] - '0') * scale;
        scale /= 10;
      }
    }
    if (v > 1000) return -1;
    q = v;
  }
  return q;
}

int bg_params_accepts_gzip(const char *s, size_t len) {
  if (!s) return 0;
  int gzip = -2, star = -2; /* -2: not named */
  size_t i = 0;
  while (i < len) {
    while (i < len && (ows(s[i]) || s[i] == ','))
      i++;
    size_t a = i;
    while (i < len && s[i] != ',')
      i++;
    size_t b = i; /* element s[a, b) */
    size_t t = a;
    while (t < b && s[t] != ';' && !ows(s[t]))
      t++;
    int q = qvalue(s + t, b - t);
    if (token_is(s + a, t - a, "gzip") || token_is(s + a, t - a, "x-gzip")) {
      if (q > gzip) gzip = q;
    } else if (token_is(s + a, t - a, "*")) {
      if (q > star) star = q;
    }
  }
  if (gzip != -2) return gzip > 0;
  return star > 0;
}
