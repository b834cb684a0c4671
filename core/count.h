/*
 * count.h - how often a query occurs, bucket by bucket (year, region or
 * report), with exact counts.
 *
 * Every bucket that holds a report the query's filters keep (year:,
 * region:, report: and their negations; bg_query_kept()) is listed, also
 * those where the query does not occur: the bucket's kept reports, those
 * of them with a matching paragraph, the matching paragraphs, the
 * occurrences of the query's phrases in them, the kept reports' units of
 * text, and occurrences per 10,000 of those units.  A bucket without a
 * kept report is left out: a gap, not a zero.
 */
#ifndef BG_COUNT_H
#define BG_COUNT_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "search.h"

typedef enum { BG_BY_YEAR, BG_BY_REGION, BG_BY_REPORT } bg_by;

typedef struct bg_bucket {
  char *key;        /* "2023", "广东省", a report id; "unknown" when absent */
  uint64_t reports; /* reports of the bucket with a matching paragraph */
  uint64_t reports_total; /* reports of the bucket the query's filters keep */
  uint64_t paragraphs, occurrences, units;
  double per_10k;   /* occurrences per 10,000 units of the bucket */
} bg_bucket;

typedef struct bg_count_result {
  char *query;
  bg_by by;
  int first, last;  /* first and last year with an occurrence; 0: none */
  bg_bucket *buckets;
  size_t nbuckets;
  double took_ms;
} bg_count_result;

/* The name of a bucket kind ("year", "region", "report"), and back
 * (-1 for an unknown name). */
const char *bg_by_name(bg_by by);
int bg_by_parse(const char *name);

/* Counts query q[0, len) by bucket.  On success *out is owned by the
 * caller (bg_count_free()).  BG_EQUERY for a malformed query, BG_ETIMEOUT
 * past timeout_ms (0: no limit). */
int bg_count(bg_reader *r, const char *q, size_t len, bg_by by,
             double timeout_ms, bg_count_result **out, bg_err *err);

void bg_count_free(bg_count_result *c);

#endif
