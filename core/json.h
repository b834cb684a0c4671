/*
 * json.h - the one place results become JSON.  `baogao --json` and the
 * HTTP daemon print what these functions build, so both give the same
 * bytes for the same answer.
 */
#ifndef BG_JSON_H
#define BG_JSON_H

#include <jansson.h>

#include "compare.h"
#include "keywords.h"
#include "count.h"
#include "kwic.h"
#include "search.h"
#include "similar.h"
#include "util.h" /* bg_json_dumps_exact(), which json.h declared before */

/* The search answer:
 * {"query", "total", "offset", "limit", "took_ms", "hits": [{"report",
 *  "year", "region", "para", "section", "text", "matches", "score"}]}
 * Caller owns the reference; NULL when out of memory. */
json_t *bg_json_results(const bg_results *res);

/* Reads a search answer (as bg_json_results() builds it, e.g. received
 * from the daemon) back into results; *out owned by the caller
 * (bg_results_free()).  BG_EFORMAT when j is not such an object. */
int bg_json_parse_results(const json_t *j, bg_results **out, bg_err *err);

/* {"reports": [...]} around the array bg_reader_reports() gives (taking a
 * reference of its own). */
json_t *bg_json_reports(json_t *reports);

/* {"query", "by", "first", "last", "took_ms", "buckets": [{"key",
 *  "reports", "paragraphs", "occurrences", "units", "per_10k"}]};
 * first/last are year strings, null when the query never occurs. */
json_t *bg_json_count(const bg_count_result *c);

/* {"query", "total", "took_ms", "lines": [{"report", "year", "para",
 *  "left", "match", "right"}]} */
json_t *bg_json_kwic(const bg_kwic_result *k);

/* {"source": {"report", "para", "text"}, "filter", "reports_examined",
 *  "took_ms", "hits": [hit objects as in search, each with "similarity"]};
 * source report and para are null for a text; a hit's score is its
 * similarity. */
json_t *bg_json_similar(const bg_similar_result *s);

/* Reads the hits of a similar answer (as bg_json_similar() builds it) into
 * results (total = the number of hits); *out owned by the caller
 * (bg_results_free()).  BG_EFORMAT when j is not such an object. */
int bg_json_parse_similar(const json_t *j, bg_results **out, bg_err *err);

/* {"a", "b", "pairs": [{"a_para", "b_para", "similarity", "diff": [["=",
 *  text], ["-", text], ["+", text], ...]}], "only_a": [{"para", "text"}],
 *  "only_b": [...], "new_phrases": [{"phrase", "count"}], "gone_phrases":
 *  [...]} */
json_t *bg_json_compare(const bg_compare_result *c);

/* A keywords answer: {"query", "vs", "reports": [a, b], "units": [a, b],
 * "took_ms", "keywords": [{"phrase", "a", "b", "per_10k_a", "per_10k_b",
 * "g2", "log_ratio"}]}. */
json_t *bg_json_keywords(const bg_keywords_result *k);


/* Serializes v as compact UTF-8 (no escaping of non-ASCII) with a final
 * newline; caller frees.  NULL when out of memory. */
char *bg_json_dump(const json_t *v);

/* {"error": {"code": code, "message": message}} */
json_t *bg_json_error(const char *code, const char *message);

#endif
