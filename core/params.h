/*
 * params.h - the parameters of an HTTP request to baogao-searchd:
 * percent-decoding and validating a query string, and reading
 * Accept-Encoding.
 *
 * Everything here works on raw bytes from the network and trusts none of
 * them: any byte string gives either a validated request or an error with
 * an HTTP status, a stable code for programs ("bad_limit") and a message
 * for people.  No function keeps a pointer to its input.
 *
 * Query strings are application/x-www-form-urlencoded: `&` separates
 * parameters, the first `=` separates a name from its value, `+` is a
 * space and `%XX` a byte.  Every name and value must decode to UTF-8
 * without NUL.  A parameter the endpoint does not know, or one given
 * twice, is an error (a typo such as `limt=5` should not be ignored
 * silently).
 */
#ifndef BG_PARAMS_H
#define BG_PARAMS_H

#include <stddef.h>
#include <stdint.h>

#include "count.h"
#include "kwic.h"
#include "search.h"

/* The limits a request is checked against. */
typedef struct bg_params_limits {
  size_t max_query_bytes; /* q longer than this (decoded): query_too_long */
  size_t max_limit;       /* limit above this: bad_limit */
  size_t max_offset;      /* offset above this: bad_offset */
} bg_params_limits;

/* Why a request was refused. */
typedef struct bg_params_err {
  int http;         /* HTTP status: 400, 414, or 500 when out of memory */
  const char *code; /* stable code, a static string: see bg_params_search */
  char msg[512];    /* for people; valid UTF-8 */
} bg_params_err;

/* A validated search request. */
typedef struct bg_params_query {
  char *q;             /* the decoded query, NUL-terminated (owned) */
  size_t qlen;         /* its length in bytes, without the NUL */
  bg_search_opts opts; /* limit (default 10), offset, all, sort; timeout 0 */
} bg_params_query;

/* Parses the query string qs[0, len) (what follows `?`, without it) of
 * GET /v1/search: q (required), limit, offset, all (1/true/yes/on or
 * 0/false/no/off; a bare `all` means 1) and sort (relevance, year,
 * -year).  On success returns BG_OK and fills *out, which the caller
 * releases with bg_params_query_reset().  Otherwise returns BG_EINVAL (or
 * BG_ENOMEM), leaves *out empty and describes the problem in *e with one
 * of these codes:
 *
 *   bad_escape          a `%` not followed by two hex digits
 *   nul_byte            a name or value decodes to a NUL byte
 *   bad_utf8            a name or value is not valid UTF-8
 *   unknown_parameter   a name the endpoint does not take
 *   duplicate_parameter a name given twice
 *   missing_query       no q
 *   empty_query         q empty or only white space
 *   query_too_long      q longer than lim->max_query_bytes (HTTP 414)
 *   bad_limit, bad_offset, bad_all, bad_sort   a value out of its domain
 *   out_of_memory       (HTTP 500)
 */
int bg_params_search(const char *qs, size_t len, const bg_params_limits *lim,
                     bg_params_query *out, bg_params_err *e);

/* Frees what bg_params_search() put in q and empties it (q may be NULL). */
void bg_params_query_reset(bg_params_query *q);

#define BG_PARAMS_KWIC_WIDTH 30         /* kwic context by default */
#define BG_PARAMS_KWIC_MAX_WIDTH 1000    /* as baogao kwic --width */
#define BG_PARAMS_SIMILAR_MAX_REPORTS 10000

/* A validated request of /v1/count, /v1/kwic, /v1/similar or /v1/compare;
 * each uses the fields named beside them.  Strings are NUL-terminated and
 * owned; release with bg_params_view_reset(). */
typedef struct bg_params_view {
  char *q;             /* count, kwic: the query; similar, reports: the
                          filter */
  size_t qlen;
  bg_by by;            /* count: by (year, region, report; default year) */
  size_t width;        /* kwic: width (0..1000, default 30) */
  bg_kwic_sort sort;   /* kwic: sort (year, left, right; default year) */
  char *report;        /* similar: para's report id; compare: a */
  uint32_t para;       /* similar: para's paragraph number */
  char *text;          /* similar: text (or para) */
  size_t text_len;
  size_t limit;        /* similar: limit (default 10) */
  size_t reports;      /* similar: reports (1..10000; 0: the core default) */
  char *b;             /* compare: b */
  double threshold;    /* compare: threshold in (0, 1]; 0: the default */
  size_t min_count;    /* compare: min_count (1..1000000; 0: the default) */
  size_t phrases;      /* compare: phrases (1..10000; 0: the default) */
} bg_params_view;

/* Parse the query strings of the view endpoints as bg_params_search()
 * does /v1/search, with the same codes for the same problems, plus:
 *
 *   bad_by              count: by is not year, region or report
 *   bad_width           kwic: width not a number from 0 to 1000
 *   bad_sort            kwic: sort not year, left or right
 *   missing_source      similar: neither para nor text
 *   two_sources         similar: both para and text
 *   bad_para            similar: para is not REPORT#PARA
 *   bad_limit           similar: limit over the lower of the daemon's
 *                       maximum and BG_SIMILAR_MAX_LIMIT
 *   bad_reports         similar: reports not a number from 1 to 10000
 *   missing_report      compare: a or b missing or blank
 *   bad_threshold, bad_min_count, bad_phrases   compare: out of domain
 *
 * Texts (q, text, filter, a, b) are bound by lim->max_query_bytes
 * (query_too_long, HTTP 414).  On failure *out is left empty. */
int bg_params_count(const char *qs, size_t len, const bg_params_limits *lim,
                    bg_params_view *out, bg_params_err *e);
int bg_params_kwic(const char *qs, size_t len, const bg_params_limits *lim,
                   bg_params_view *out, bg_params_err *e);
int bg_params_similar(const char *qs, size_t len, const bg_params_limits *lim,
                      bg_params_view *out, bg_params_err *e);
int bg_params_compare(const char *qs, size_t len, const bg_params_limits *lim,
                      bg_params_view *out, bg_params_err *e);

/* /v1/keywords: q (the first side's filters; into q), vs (the second's;
 * into b, its length text_len), limit (1..10000), min_count (1..1000000)
 * and min_g2 (above 0; into threshold); codes bad_limit, bad_min_count,
 * bad_min_g2 besides the common ones. */
int bg_params_keywords(const char *qs, size_t len, const bg_params_limits *lim,
                       bg_params_view *out, bg_params_err *e);
/* /v1/reports: an optional q of filters (year:, region:, report:; a blank
 * q is none), in out->q (NULL when none). */
int bg_params_reports(const char *qs, size_t len, const bg_params_limits *lim,
                      bg_params_view *out, bg_params_err *e);

/* Frees what a view parser put in v and empties it (v may be NULL). */
void bg_params_view_reset(bg_params_view *v);

/* Checks that the query string qs[0, len) of an endpoint without
 * parameters (named by path, for the message) is empty: BG_OK, or
 * BG_EINVAL with the first problem in *e (the codes above). */
int bg_params_none(const char *qs, size_t len, const char *path,
                   bg_params_err *e);

/* Returns 1 when an Accept-Encoding header value s[0, len) accepts gzip:
 * `gzip` (or `x-gzip`) with a q-value above 0, or else `*` with a q-value
 * above 0.  `gzip;q=0` refuses it; so does a malformed q-value. */
int bg_params_accepts_gzip(const char *s, size_t len);

/* Percent-decodes s[0, len) into out (room for len bytes; `+` becomes a
 * space).  Returns the decoded length, or -1 when a `%` is not followed
 * by two hex digits, with its offset in *bad (may be NULL). */
long bg_params_decode(const char *s, size_t len, char *out, size_t *bad);

/* Takes the parameters format= (tsv, csv, json) and bom= (0, 1) out of
 * the query string qs[0, len): *rest (caller frees) holds the others, in
 * order.  BG_EINVAL with a message for a bad value. */
int bg_params_export(const char *qs, size_t len, char **rest, size_t *rest_len,
                     int *format, int *bom, bg_err *err);

#endif
