/*
 * xap.h - a C API over Xapian, the only door to C++ in baogao.
 *
 * Opaque handles hold Xapian objects.  Every function catches
 * Xapian::Error and std::bad_alloc and returns a bg_status (BG_EXAPIAN,
 * BG_ELOCKED, BG_ENOINDEX, BG_EMODIFIED, BG_ENOMEM) with Xapian's message
 * in err; no exception crosses into C.  A handle is used by one thread at
 * a time.
 */
#ifndef BG_XAP_H
#define BG_XAP_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct bg_xdb bg_xdb;   /* a database, read-only or writable */
typedef struct bg_xdoc bg_xdoc; /* a document being built */
typedef struct bg_xq bg_xq;     /* a query tree (for candidate documents) */

/* ---- databases ---- */

/* Opens the database at path for reading. */
int bg_xdb_open(bg_xdb **out, const char *path, bg_err *err);

/* Opens (creating when absent) the database at path for writing.  Another
 * writer holding it gives BG_ELOCKED. */
int bg_xdb_open_writable(bg_xdb **out, const char *path, bg_err *err);

/* Closes db (commits pending changes of a writable one first, as Xapian
 * does); NULL is fine. */
void bg_xdb_free(bg_xdb *db);

/* Reopens a read-only db at its latest revision; *changed tells whether the
 * revision moved. */
int bg_xdb_reopen(bg_xdb *db, int *changed, bg_err *err);

/* The databases db combines (shards); 0 for a stub file naming none,
 * which Xapian opens as an empty database that cannot be searched. */
size_t bg_xdb_ndatabases(bg_xdb *db);

/* Counts and statistics. */
uint32_t bg_xdb_doccount(bg_xdb *db);
uint32_t bg_xdb_lastdocid(bg_xdb *db);
uint64_t bg_xdb_revision(bg_xdb *db);
uint32_t bg_xdb_termfreq(bg_xdb *db, const char *term, size_t len);
uint64_t bg_xdb_collfreq(bg_xdb *db, const char *term, size_t len);

/* Calls fn for every term that starts with prefix, in term order, with
 * its document frequency; fn returning non-zero stops with that status. */
typedef int (*bg_xterm_fn)(void *ctx, const char *term, size_t len,
                           uint32_t termfreq);
int bg_xdb_prefixed_terms(bg_xdb *db, const char *prefix, size_t len,
                          bg_xterm_fn fn, void *ctx, bg_err *err);
int bg_xdb_count_terms(bg_xdb *db, uint64_t *out, bg_err *err);

/* The document holding the unique term, or 0 when none. */
int bg_xdb_find(bg_xdb *db, const char *term, size_t len, uint32_t *did,
                bg_err *err);

/* Every document id in ascending order (caller frees *ids). */
int bg_xdb_all_docs(bg_xdb *db, uint32_t **ids, size_t *n, bg_err *err);

/* Value slot `slot` of document did; *out malloc'd (caller frees), *len its
 * size (an absent value gives an empty string). */
int bg_xdb_value(bg_xdb *db, uint32_t did, unsigned slot, char **out,
                 size_t *len, bg_err *err);

/* A cursor over value slot `slot` of every document, for reading it from
 * many documents in ascending docid order: far cheaper than
 * bg_xdb_value() per document (one walk of the value stream instead of a
 * lookup each).  Valid until the database is reopened. */
typedef struct bg_xvals bg_xvals;
int bg_xvals_open(bg_xdb *db, unsigned slot, bg_xvals **out, bg_err *err);
/* The value of document did (empty when it has none) in *val, *len;
 * borrowed until the next call.  Dids should ascend; a smaller one
 * restarts the walk. */
int bg_xvals_get(bg_xvals *v, uint32_t did, const char **val, size_t *len,
                 bg_err *err);
void bg_xvals_free(bg_xvals *v);

/* 1 when db is (or has a shard) served by xapian-tcpsrv: every call is a
 * round trip. */
int bg_xdb_remote(bg_xdb *db);

/* The data of document did; *out malloc'd (caller frees). */
int bg_xdb_data(bg_xdb *db, uint32_t did, char **out, size_t *len,
                bg_err *err);

/* The wdf of term in document did (0 when absent). */
int bg_xdb_wdf(bg_xdb *db, uint32_t did, const char *term, size_t len,
               uint32_t *wdf, bg_err *err);

/* *has is 1 when document did holds term (boolean terms included). */
int bg_xdb_has_term(bg_xdb *db, uint32_t did, const char *term, size_t len,
                    int *has, bg_err *err);

/* Makes the position lists of term cheaper to read from here on, given a
 * document did that holds it: in Xapian 1.4 (glass) every list opens a
 * new B-tree cursor, a copy of the position table's own cursor, which
 * nothing else moves: reading the list's size through did's term list
 * moves it onto term's part of the table, so that later lists of term
 * read one block instead of two.  Costs a term list read: worth it when
 * many lists of term follow.  Answers are the same either way.  *found
 * (may be NULL): whether did holds term (else nothing was moved). */
int bg_xdb_warm_positions(bg_xdb *db, uint32_t did, const char *term,
                          size_t len, int *found, bg_err *err);

/* For each of the documents ids[0, n) (ascending), the wdf of term in it
 * (0 when it lacks the term) into wdf[i]. */
int bg_xdb_wdfs(bg_xdb *db, const char *term, size_t len, const uint32_t *ids,
                size_t n, uint32_t *wdf, bg_err *err);

/* The positions of term in document did, ascending, appended to
 * (*pos)[*n ...] (grown with realloc as needed; *cap its capacity); *n
 * grows by their count. */
int bg_xdb_positions(bg_xdb *db, uint32_t did, const char *term, size_t len,
                     uint32_t **pos, size_t *n, size_t *cap, bg_err *err);

/* Matching documents of q, ascending by id, without ranking. */
int bg_xdb_match(bg_xdb *db, const bg_xq *q, uint32_t **ids, size_t *n,
                 bg_err *err);

/* User metadata key of db: *out malloc'd (caller frees), empty when the
 * key is unset.  Readers do not rely on it: it does not travel through
 * remote or combined shards. */
int bg_xdb_get_metadata(bg_xdb *db, const char *key, char **out, size_t *len,
                        bg_err *err);

/* Sets user metadata key of a writable db (made durable by the next
 * commit). */
int bg_xdb_set_metadata(bg_xdb *db, const char *key, const char *value,
                        size_t len, bg_err *err);

/* ---- ranked retrieval (similar passages) ---- */

/* A term query whose term occurs wqf times in the query text (BM25 weighs
 * it accordingly). */
bg_xq *bg_xq_term_wqf(const char *term, size_t len, uint32_t wqf);

/* The (at most) k best documents for q by BM25 (Xapian's BM25Weight with
 * its default parameters), best first, restricted to the documents
 * matching filter when it is not NULL (the filter adds no weight).  Ties
 * go to the lower document id.  *ids and *weights are malloc'd (caller
 * frees both), *n is their count. */
int bg_xdb_top(bg_xdb *db, const bg_xq *q, const bg_xq *filter, size_t k,
               uint32_t **ids, double **weights, size_t *n, bg_err *err);

/* ---- writing ---- */

bg_xdoc *bg_xdoc_new(void);
void bg_xdoc_free(bg_xdoc *doc);
/* Adds term at the n positions pos[] (its wdf grows by n). */
int bg_xdoc_add_postings(bg_xdoc *doc, const char *term, size_t len,
                         const uint32_t *pos, size_t n);
int bg_xdoc_add_term(bg_xdoc *doc, const char *term, size_t len, uint32_t wdf);
int bg_xdoc_add_boolean(bg_xdoc *doc, const char *term, size_t len);
int bg_xdoc_set_value(bg_xdoc *doc, unsigned slot, const char *v, size_t len);
int bg_xdoc_set_data(bg_xdoc *doc, const char *data, size_t len);

/* Replaces the document holding the unique term (adds it when none). */
int bg_xdb_replace(bg_xdb *db, const char *idterm, size_t len,
                   const bg_xdoc *doc, bg_err *err);

/* Deletes the documents holding term. */
int bg_xdb_delete(bg_xdb *db, const char *term, size_t len, bg_err *err);

/* Commits a writable database. */
int bg_xdb_commit(bg_xdb *db, bg_err *err);

/* Writes a compacted copy of the database at src to the new folder dst. */
int bg_xdb_compact(const char *src, const char *dst, bg_err *err);

/* ---- candidate queries ---- */

bg_xq *bg_xq_term(const char *term, size_t len);
bg_xq *bg_xq_all(void);
bg_xq *bg_xq_none(void);
/* year-like numeric value range on a slot holding sortable_serialise(). */
bg_xq *bg_xq_range(unsigned slot, double lo, double hi);
/* Combines a and b, taking ownership of both; NULL (when either is NULL
 * or memory runs out) is passed on, so a chain of calls checks once. */
bg_xq *bg_xq_and(bg_xq *a, bg_xq *b);
bg_xq *bg_xq_or(bg_xq *a, bg_xq *b);
bg_xq *bg_xq_and_not(bg_xq *a, bg_xq *b);
void bg_xq_free(bg_xq *q);

/* Numeric value encoding (Xapian::sortable_serialise): writes at most 9
 * bytes to buf, returns the count. */
size_t bg_xap_sortable(double v, char *buf);
double bg_xap_unsortable(const char *buf, size_t len);

/* Xapian's version string. */
const char *bg_xap_version(void);

/* ---- index formats 5 and 6: positions in blocks (posblock.h) ----
 *
 * bg_xdb_positions() and bg_xdb_warm_positions() above read a report's
 * positions from its block when its database holds format 5 or 6 reports
 * (shards of a stub file each from their own), else from Xapian's
 * position lists. */

/* 1 when every report of db has positions on its pair terms (no report
 * of index format 6); 0 when phrases must be proved by unit positions
 * (or on an error reading the database). */
int bg_xdb_pair_positions(bg_xdb *db);

/* Calls fn for every term of document did, in term order, with its wdf
 * (in place of the term frequency). */
int bg_xdb_termlist(bg_xdb *db, uint32_t did, bg_xterm_fn fn, void *ctx,
                    bg_err *err);

/* Drops every change made to the writable db since its last commit. */
int bg_xdb_discard(bg_xdb *db, bg_err *err);

/* User metadata with keys of any bytes (klen of them): as
 * bg_xdb_get_metadata() and bg_xdb_set_metadata(); an empty value
 * removes the key. */
int bg_xdb_get_metadata_n(bg_xdb *db, const char *key, size_t klen,
                          char **out, size_t *len, bg_err *err);
int bg_xdb_set_metadata_n(bg_xdb *db, const char *key, size_t klen,
                          const char *value, size_t len, bg_err *err);

#ifdef __cplusplus
}
#endif

#endif
