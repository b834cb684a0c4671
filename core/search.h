/*
 * search.h - queries to ranked paragraphs: compiling a query (its filters
 * with one compiler for every view), ranking, paging and highlighting.
 * Opening an index and reading its reports is reader.h; finding
 * occurrences in one report is match.h.
 *
 * A search is exact: Xapian narrows the reports that can match, then every
 * occurrence of every phrase is found by intersecting position lists, the
 * occurrences are mapped to paragraphs, and AND / OR / NOT are evaluated
 * over paragraphs.  `total` counts every matching paragraph.  Ranking is
 * BM25 over paragraphs (tf = occurrences of the query's phrases in the
 * paragraph, df = paragraphs holding the phrase among the reports that can
 * match, paragraph length in units); ties break by year, report id and
 * paragraph number.
 */
#ifndef BG_SEARCH_H
#define BG_SEARCH_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "reader.h"

typedef enum {
  BG_SORT_RELEVANCE = 0,
  BG_SORT_YEAR,     /* oldest first */
  BG_SORT_YEAR_DESC /* newest first */
} bg_sort;

/* The names of the sort orders, by value ("relevance", "year", "-year"),
 * NULL after the last; and a name back to its order (-1 for an unknown
 * name). */
extern const char *const bg_sort_names[];
int bg_sort_parse(const char *name);

typedef struct bg_search_opts {
  size_t limit;  /* hits to return (ignored when all) */
  size_t offset; /* hits to skip */
  int all;       /* return every hit from offset on */
  bg_sort sort;
  double timeout_ms; /* give up with BG_ETIMEOUT past this; 0: no limit */
} bg_search_opts;

typedef struct bg_hit {
  char *report;       /* report id */
  int year;           /* 0 when unknown */
  char *region;
  uint32_t para;      /* paragraph number, from 1 */
  char **section;     /* section path, outermost first */
  size_t nsection;
  char *text;         /* the paragraph as it stands in the source */
  size_t text_len;
  uint32_t *matches;  /* nmatches [start, end) code-point pairs in text */
  size_t nmatches;
  double score;
} bg_hit;

typedef struct bg_results {
  char *query;
  uint64_t total;       /* matching paragraphs, exact */
  uint64_t reports;     /* reports with a matching paragraph */
  uint64_t occurrences; /* occurrences of the query's phrases in them */
  size_t offset, limit;
  double took_ms;
  bg_hit *hits;
  size_t nhits;
} bg_results;

/* Fills h->section with the section path of paragraph index p (from 0) of
 * report d: the nearest heading above it of each shallower level,
 * outermost first. */
int bg_hit_section_path(const bg_docdata *d, size_t p, bg_hit *h, bg_err *err);

/* Runs query q[0, len).  On success *out is owned by the caller
 * (bg_results_free()).  A malformed query gives BG_EQUERY with the
 * parser's message. */
int bg_search(bg_reader *r, const char *q, size_t len,
              const bg_search_opts *opts, bg_results **out, bg_err *err);

void bg_results_free(bg_results *res);

/* ---- scans: every matching report, for views over the whole index ---- */

/* One occurrence of a query phrase: paragraph index (0-based), position of
 * its first unit in the paragraph's units, its length in units, and which
 * positive phrase of the query it is (in query order). */
typedef struct bg_occ {
  uint32_t para, unit, nunits, phrase;
} bg_occ;

/* A report with at least one matching paragraph, as a scan sees it.  The
 * arrays are borrowed for the duration of the callback. */
typedef struct bg_scan_doc {
  uint32_t did;
  int year;
  const char *id;
  const uint32_t *paras; /* matching paragraphs, 0-based, ascending */
  size_t nparas;
  const bg_occ *occ;     /* occurrences in them, by paragraph and unit */
  size_t nocc;
  size_t npara_total;    /* paragraphs in the report */
  uint64_t units;        /* units in the report */
  void *run;             /* for bg_scan_para() and bg_scan_meta() */
} bg_scan_doc;

typedef int (*bg_scan_fn)(void *ctx, const bg_scan_doc *d);

/* Evaluates query q like bg_search() and calls fn for every report with a
 * matching paragraph, in document order; fn returning non-zero stops the
 * scan with that status.  timeout_ms 0: no limit. */
int bg_scan(bg_reader *r, const char *q, size_t len, double timeout_ms,
            bg_scan_fn fn, void *ctx, bg_err *err);

/* As bg_scan(), for callers that need only each report's did, year, id,
 * nparas and nocc: the other fields are 0 or NULL when the counts come
 * from postings (a query of one phrase of 1-2 units, alone or with
 * filters, on an index written with the BG_PREFIX_EXTRA terms), without
 * reading position lists. */
int bg_scan_counts(bg_reader *r, const char *q, size_t len, double timeout_ms,
                   bg_scan_fn fn, void *ctx, bg_err *err);

/* Inside a scan callback: the text of paragraph index para of the report,
 * borrowed until the callback returns or the next call. */
int bg_scan_para(const bg_scan_doc *d, uint32_t para, const char **text,
                 size_t *len, bg_err *err);

/* Inside a scan callback: the report's metadata (borrowed). */
int bg_scan_meta(const bg_scan_doc *d, json_t **meta, bg_err *err);

/* The reports that query q's filters keep: those where the query may
 * match a paragraph for some text, with every year:, region: and report:
 * filter (negated or not, under AND, OR, NOT) evaluated and every phrase
 * left open.  With cmd, q must be filters only: a phrase is BG_EQUERY
 * naming cmd.  *all is 1 when no filter narrows the index (every report is
 * kept; *ids NULL); else *ids lists the kept report ids, sorted by
 * strcmp, *n of them (caller frees with bg_ids_free()). */
int bg_query_kept(bg_reader *r, const char *q, size_t len, const char *cmd,
                  int *all, char ***ids, size_t *n, bg_err *err);
void bg_ids_free(char **ids, size_t n);

/* The Xapian query of the reports that filter query q[0, len) keeps
 * (year:, region:, report:, AND, OR, NOT; no phrase: BG_EQUERY naming
 * command cmd), compiled as searches compile their filters.  *out is the
 * caller's (bg_xq_free()). */
int bg_filter_xq(bg_reader *r, const char *q, size_t len, const char *cmd,
                 bg_xq **out, bg_err *err);

/* Number of positive phrases in query q (0 when it does not parse). */
size_t bg_query_phrase_count(const char *q, size_t len);

/* The reports that query q[0, len) of filters selects (year:, region:,
 * report:, with OR, NOT / - and brackets, as in bg_search()), as
 * bg_reader_reports() lists them (caller owns the array).  A phrase in q
 * is BG_EQUERY, as is a malformed query. */
int bg_reader_reports_filtered(bg_reader *r, const char *q, size_t len,
                               json_t **out, bg_err *err);

#endif
