/*
 * similar.h - similar passages: the paragraphs of other reports closest in
 * wording to a paragraph (or to a text), ranked by similarity.
 *
 * Similarity is the Dice coefficient over unit pairs (similarity.h), in
 * [0, 1].  Two steps keep it fast on a large index:
 *   1. Xapian ranks the reports by BM25 over the source's unit pairs (the
 *      pair terms of the index; a pair occurring k times weighs as a query
 *      term of frequency k; a source of more than 512 distinct pairs uses an
 *      even sample of 512), within the filter and without the source's own
 *      report; the best `reports` of them are examined.
 *   2. Every paragraph of those reports is scored exactly; a paragraph too
 *      short or too long to beat the current last of the best `limit` (its
 *      length bounds its similarity: 2 min(a, b) / (a + b)) is skipped
 *      without being read.
 * So the hits are exact similarities, and the best paragraphs of the
 * examined reports; a paragraph in a report outside the first `reports` by
 * BM25 is not seen (pass a larger `reports` to look further).  Ties go by
 * year, report id, paragraph.
 *
 * Each hit is a search hit (search.h) whose score is the similarity and
 * whose matches are the stretches of its text shared with the source: runs
 * of units covered by a 4-unit sequence that also occurs in the source
 * (fewer units when either text is shorter than 4).
 */
#ifndef BG_SIMILAR_H
#define BG_SIMILAR_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "search.h"

#define BG_SIMILAR_REPORTS 50      /* reports examined by default */
#define BG_SIMILAR_MAX_LIMIT 10000 /* most hits one call returns */

typedef struct bg_similar_opts {
  const char *report; /* the source: paragraph `para` (from 1) of report */
  uint32_t para;
  const char *text; /* or, when report is NULL, this text */
  size_t text_len;
  const char *filter; /* year:, region:, report: filters (the query
                         language, AND/OR/NOT allowed); NULL: none */
  size_t filter_len;
  size_t limit;      /* hits to return */
  size_t reports;    /* reports to examine; 0: BG_SIMILAR_REPORTS */
  double timeout_ms; /* BG_ETIMEOUT past this; 0: no limit */
} bg_similar_opts;

typedef struct bg_similar_result {
  char *report;  /* the source report, NULL for a text */
  uint32_t para; /* the source paragraph, 0 for a text */
  char *text;    /* the source text */
  size_t text_len;
  char *filter;    /* the filter as given ("" for none) */
  size_t examined; /* reports whose paragraphs were scored */
  bg_hit *hits;    /* best first; score = similarity */
  size_t nhits;
  double took_ms;
} bg_similar_result;

/* Finds the paragraphs most similar to the source of o.  On success *out is
 * owned by the caller (bg_similar_free()).  Errors: BG_ENOTFOUND for an
 * unknown report or a paragraph number out of range, BG_EINVAL for a source
 * of fewer than two units, BG_ERANGE for a limit above
 * BG_SIMILAR_MAX_LIMIT, BG_EQUERY for a malformed filter or one that is
 * not made of filters alone, BG_ETIMEOUT. */
int bg_similar(bg_reader *r, const bg_similar_opts *o, bg_similar_result **out,
               bg_err *err);

void bg_similar_free(bg_similar_result *s);

/* Splits a source written REPORT#PARA: *id_len is the length of the report
 * id and *para the paragraph number.  Returns 0, or -1 when s has no '#'
 * followed by a number from 1. */
int bg_similar_parse_source(const char *s, size_t *id_len, uint32_t *para);

#endif
