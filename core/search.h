/*
 * search.h - reading the index: queries to ranked paragraphs, report lists
 * and statistics.
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
#include "index.h"

typedef struct bg_reader bg_reader;

typedef enum {
  BG_SORT_RELEVANCE = 0,
  BG_SORT_YEAR,     /* oldest first */
  BG_SORT_YEAR_DESC /* newest first */
} bg_sort;

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

/* Opens the index folder dir for reading.  BG_ENOINDEX (with the reason)
 * when there is no index there. */
int bg_reader_open(bg_reader **out, const char *dir, bg_err *err);
void bg_reader_close(bg_reader *r);

/* What a user should know of the index r opened, though it reads it (a
 * copy whose live link became a folder), or NULL; borrowed. */
const char *bg_reader_note(const bg_reader *r);

/* Brings r up to the index's latest commit: a cheap check of the revision
 * when the database is the same, a fresh open when a compaction switched
 * the stub to another one.  *changed (may be NULL) tells whether anything
 * moved.  A reader is used by one thread at a time. */
int bg_reader_refresh(bg_reader *r, int *changed, bg_err *err);

/* The revision and number of reports of the index as r sees it. */
uint64_t bg_reader_revision(bg_reader *r);
/* A signature of the state of the index r reads (its databases and their
 * revision): equal signatures, equal answers.  0 when r cannot vouch for
 * its state (several databases, as shards, or a remote one). */
uint64_t bg_reader_signature(bg_reader *r);
uint32_t bg_reader_doccount(bg_reader *r);
/* Paragraphs and units in the index, from its statistics terms (cheap:
 * no report is read). */
void bg_reader_totals(bg_reader *r, uint64_t *paragraphs, uint64_t *units);

/* The folds (BG_FOLD_* of units.h) the index applies, read from it at
 * open and refresh: every text tokenized against the index (queries,
 * paragraphs re-read for highlights, similar and compare) uses them. */
unsigned bg_reader_fold(const bg_reader *r);

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

/* Whether every report of the index was written by index format 4 or
 * later (BG_TERM_V4), with the terms that counts read instead of
 * positions and summaries. */
int bg_reader_v4(bg_reader *r);

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

/* ---- whole reports ---- */

/* A report's paragraphs as stored, for views that compare texts. */
typedef struct bg_doc_text {
  char *id;
  int year;          /* 0 when unknown */
  char *region;
  json_t *meta;      /* the report's metadata (owned) */
  size_t npara;
  char **para;       /* paragraph i+1 (NUL-terminated) */
  size_t *len;       /* its length in bytes */
  int *level;        /* heading level, 0 for body text */
} bg_doc_text;

/* Loads report id with all its paragraphs; BG_ENOTFOUND when the index has
 * no such report.  *out is owned by the caller (bg_doc_text_free()). */
int bg_reader_load_report(bg_reader *r, const char *id, bg_doc_text **out,
                          bg_err *err);
void bg_doc_text_free(bg_doc_text *t);

/* The underlying database handle, for modules of core that query the index
 * directly (similar passages); borrowed, valid until the next refresh. */
struct bg_xdb *bg_reader_db(bg_reader *r);

/* What counts need of a report. */
typedef struct bg_report_summary {
  char *id;
  int year; /* 0 when unknown */
  char *region;
  uint64_t units;
} bg_report_summary;

/* Every report's summary, ordered by year then id as bg_reader_reports():
 * from value slots (cheap) when every report has them, else from the
 * stored data.  *out is the caller's (bg_summaries_free()). */
int bg_reader_summaries(bg_reader *r, bg_report_summary **out, size_t *n,
                        bg_err *err);
void bg_summaries_free(bg_report_summary *s, size_t n);

/* Every report's metadata as a JSON array, ordered by year then id
 * (caller owns the reference).  The array is read once per revision and
 * shared by later calls: callers must not modify it. */
int bg_reader_reports(bg_reader *r, json_t **out, bg_err *err);

/* The reports that query q[0, len) of filters selects (year:, region:,
 * report:, with OR, NOT / - and brackets, as in bg_search()), as
 * bg_reader_reports() lists them (caller owns the array).  A phrase in q
 * is BG_EQUERY, as is a malformed query. */
int bg_reader_reports_filtered(bg_reader *r, const char *q, size_t len,
                               json_t **out, bg_err *err);

/* Index statistics as a JSON object (caller owns the reference). */
int bg_reader_stats(bg_reader *r, json_t **out, bg_err *err);

#endif
