/*
 * params.c - HTTP request parameters: decoding and validation (see
 * params.h).
 */
#include "params.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "units.h"

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

/* Calls fn for each parameter of qs[0, len), decoded into buf (room for
 * 2 * len + 2 bytes: each name and value gets a NUL), checking escapes, NUL
 * bytes and UTF-8 first.  Stops at the first error or when fn returns
 * non-zero. */
static int each_param(const char *qs, size_t len, char *buf,
                      int (*fn)(void *ctx, const param *p, bg_params_err *e),
                      void *ctx, bg_params_err *e) {
  size_t start = 0;
  char *o = buf;
  while (start <= len) {
    const char *amp = memchr(qs + start, '&', len - start);
    size_t end = amp ? (size_t)(amp - qs) : len;
    if (end > start) {
      const char *seg = qs + start;
      size_t seglen = end - start;
      const char *eq = memchr(seg, '=', seglen);
      size_t nlen = eq ? (size_t)(eq - seg) : seglen;
      param p = {0};
      size_t bad;
      long n = bg_params_decode(seg, nlen, o, &bad);
      if (n < 0)
        return fail(e, 400, "bad_escape",
                    "bad percent-escape at byte %zu of the query string: "
                    "'%%' must be followed by two hex digits (write %%25 for "
                    "'%%' itself)",
                    start + bad + 1);
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
    start = end + 1;
  }
  return BG_OK;
}

/* ---- /v1/search ---- */

enum { P_Q, P_LIMIT, P_OFFSET, P_ALL, P_SORT, P_COUNT };
static const char *const search_names[P_COUNT] = {"q", "limit", "offset", "all",
                                                  "sort"};

typedef struct search_ctx {
  param got[P_COUNT];
  int seen[P_COUNT];
} search_ctx;

static int search_param(void *ctx, const param *p, bg_params_err *e) {
  search_ctx *s = ctx;
  char nbuf[ECHO_CPS * 4 + 32];
  for (int k = 0; k < P_COUNT; k++) {
    if (strlen(search_names[k]) != p->name_len ||
        memcmp(search_names[k], p->name, p->name_len) != 0)
      continue;
    if (s->seen[k])
      return fail(e, 400, "duplicate_parameter",
                  "parameter %s is given more than once", search_names[k]);
    s->seen[k] = 1;
    s->got[k] = *p;
    return 0;
  }
  return fail(e, 400, "unknown_parameter",
              "unknown parameter '%s': /v1/search takes q, limit, offset, "
              "all and sort",
              echo(nbuf, sizeof nbuf, p->name, p->name_len));
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

static int count_param(const param *p, size_t max, size_t *out,
                       const char *code, bg_params_err *e) {
  if (parse_count(p, max, out) == 0) return 0;
  char vbuf[ECHO_CPS * 4 + 32];
  return fail(e, 400, code, "%s takes a whole number from 0 to %zu, not '%s'",
              p->name, max, echo(vbuf, sizeof vbuf, p->value, p->value_len));
}

static int is_word(const param *p, const char *w) {
  return strlen(w) == p->value_len && !memcmp(p->value, w, p->value_len);
}

int bg_params_search(const char *qs, size_t len, const bg_params_limits *lim,
                     bg_params_query *out, bg_params_err *e) {
  memset(out, 0, sizeof *out);
  out->opts.limit = 10;
  out->opts.sort = BG_SORT_RELEVANCE;
  if (!qs) len = 0;
  char *buf = malloc(2 * len + 2);
  if (!buf) return fail(e, 500, "out_of_memory", "out of memory");
  search_ctx s;
  memset(&s, 0, sizeof s);
  int rc = each_param(qs ? qs : "", len, buf, search_param, &s, e);
  if (rc) goto done;
  char vbuf[ECHO_CPS * 4 + 32];
  const param *q = &s.got[P_Q];
  if (!s.seen[P_Q]) {
    rc = fail(e, 400, "missing_query",
              "the search needs a query: add q=... to the URL, for example "
              "/v1/search?q=%%E9%%AB%%98%%E8%%B4%%A8%%E9%%87%%8F (高质量)");
    goto done;
  }
  if (q->value_len > lim->max_query_bytes) {
    rc = fail(e, 414, "query_too_long",
              "the query is %zu bytes long; the limit is %zu bytes",
              q->value_len, lim->max_query_bytes);
    goto done;
  }
  if (blank(q->value, q->value_len)) {
    rc = fail(e, 400, "empty_query",
              "the query is empty: give q a phrase to search for");
    goto done;
  }
  if (s.seen[P_LIMIT] && (rc = count_param(&s.got[P_LIMIT], lim->max_limit,
                                           &out->opts.limit, "bad_limit", e)))
    goto done;
  if (s.seen[P_OFFSET] &&
      (rc = count_param(&s.got[P_OFFSET], lim->max_offset, &out->opts.offset,
                        "bad_offset", e)))
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
    const param *p = &s.got[P_SORT];
    if (is_word(p, "relevance")) {
      out->opts.sort = BG_SORT_RELEVANCE;
    } else if (is_word(p, "year")) {
      out->opts.sort = BG_SORT_YEAR;
    } else if (is_word(p, "-year")) {
      out->opts.sort = BG_SORT_YEAR_DESC;
    } else {
      rc = fail(e, 400, "bad_sort",
                "sort takes relevance, year or -year, not '%s'",
                echo(vbuf, sizeof vbuf, p->value, p->value_len));
      goto done;
    }
  }
  out->q = malloc(q->value_len + 1);
  if (!out->q) {
    rc = fail(e, 500, "out_of_memory", "out of memory");
    goto done;
  }
  memcpy(out->q, q->value, q->value_len);
  out->q[q->value_len] = '\0';
  out->qlen = q->value_len;
done:
  free(buf);
  return rc;
}

void bg_params_query_reset(bg_params_query *q) {
  if (!q) return;
  free(q->q);
  memset(q, 0, sizeof *q);
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
  char *buf = malloc(2 * len + 2);
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
