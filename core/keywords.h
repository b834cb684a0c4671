/*
 * keywords.h - keyness: the phrases significantly more frequent in one set
 * of reports than in another, as corpus linguists list them (AntConc's
 * keyword list).
 *
 * The two sides are sets of reports chosen by filters (year:, region:,
 * report:, with OR and NOT); the second is every other report when it is
 * not given.  Candidates are the phrases of compare (2 to 8 CJK letters
 * inside a paragraph, starting and ending where words do, the longest
 * form) that occur at least min_count times on the first side; each gets
 * its exact occurrences on both sides (counted as `baogao count` counts),
 * the rate per 10,000 units of each side, the log-likelihood G² of the 2×2
 * table (occurrences of the phrase and of every other unit, on each
 * side), and the log ratio log2 of the two rates (a side without the
 * phrase counts it as 0.5: Hardie's convention).  Listed: phrases more
 * frequent on the first side with G² at least the threshold (10.83:
 * p < 0.001 at one degree of freedom), by G², then phrase.
 */
#ifndef BG_KEYWORDS_H
#define BG_KEYWORDS_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "search.h"

#define BG_KEYWORDS_LIMIT 50
#define BG_KEYWORDS_MAX_LIMIT 10000
#define BG_KEYWORDS_MIN_COUNT 3
#define BG_KEYWORDS_G2 10.83
#define BG_KEYWORDS_MAX_UNITS 40000000 /* of the first side, for memory */

typedef struct bg_keywords_opts {
  const char *vs; /* filters of the second side; NULL or blank: the rest */
  size_t vs_len;
  size_t limit;     /* 0: BG_KEYWORDS_LIMIT */
  size_t min_count; /* 0: BG_KEYWORDS_MIN_COUNT */
  double min_g2;    /* 0: BG_KEYWORDS_G2 */
  double timeout_ms; /* BG_ETIMEOUT past this; 0: no limit */
} bg_keywords_opts;

typedef struct bg_keyword {
  char *phrase;       /* normalized units joined */
  uint64_t a, b;      /* occurrences on each side */
  double per_10k_a, per_10k_b;
  double g2, log_ratio;
} bg_keyword;

typedef struct bg_keywords_result {
  char *query, *vs;   /* the filters of each side ("" for the rest) */
  size_t reports_a, reports_b;
  uint64_t units_a, units_b;
  bg_keyword *k;
  size_t n;
  double took_ms;
} bg_keywords_result;

/* The keywords of the reports filter query q[0, len) keeps against
 * o->vs's (keywords.h).  BG_EQUERY for a query with a phrase or without a
 * filter, a side without reports, or a first side past
 * BG_KEYWORDS_MAX_UNITS; BG_ETIMEOUT past o->timeout_ms.  *out is the
 * caller's (bg_keywords_free()). */
int bg_keywords(bg_reader *r, const char *q, size_t len,
                const bg_keywords_opts *o, bg_keywords_result **out,
                bg_err *err);

void bg_keywords_free(bg_keywords_result *k);

/* G² of occurrences a in na units against b in nb units. */
double bg_g2(double a, double na, double b, double nb);

#endif
