/*
 * index.h - the index on disk: writing reports into it (reading them back
 * is reader.h).
 *
 * An index is a folder laid out as reader.h says; one writer at a time
 * holds its lock.
 *
 * One Xapian document per report (schema in terms.h).  Its data holds the
 * metadata (JSON), the paragraph table (length, heading level and title of
 * each paragraph) and the block table; the text itself is zlib-compressed
 * in blocks of about 16 KB cut at paragraph ends, one value slot each
 * (BG_SLOT_TEXT + block number), so showing a hit reads one block.
 */
#ifndef BG_INDEX_H
#define BG_INDEX_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "report.h"
#include "xap.h"

/* Bumped when the stored form changes; part of every content hash, so an
 * indexer of another format re-indexes everything (which upgrades an
 * index in place).  Format 4 keeps positions in Xapian's position lists;
 * format 5 in blocks of reports, term by term (posblock.h), for unit and
 * pair terms; format 6 in blocks for unit terms only (pairs keep their
 * postings and wdf, for candidates, ranking and counts, and a phrase is
 * proved by its units' positions).  Readers read every one, and an index
 * mixing them (one being upgraded). */
#define BG_INDEX_FORMAT_LISTS 4
#define BG_INDEX_FORMAT_BLOCKS 5
#define BG_INDEX_FORMAT_UNITS 6
#define BG_INDEX_FORMAT BG_INDEX_FORMAT_UNITS /* what the indexer writes */

typedef struct bg_index bg_index;

/* What the indexer knows of a report beyond its text. */
typedef struct bg_docmeta {
  const char *source;   /* absolute path of the file */
  const char *encoding; /* charset read */
  const char *format;   /* "txt", "md", "docx", "html", "pdf" */
  int gzip;
  uint64_t hash;        /* content hash (see bg_index_hash) */
  int ocr;              /* 1 when the text was read by OCR */
} bg_docmeta;

/* Opens the index folder dir for writing, creating it when absent.  Only
 * one writer at a time: a second gets BG_ELOCKED ("index is locked").  On
 * success *out is owned by the caller (bg_index_close()). */
int bg_index_open(bg_index **out, const char *dir, bg_err *err);

/* Commits and closes; NULL is fine. */
int bg_index_close(bg_index *ix, bg_err *err);

/* The content hash of a decoded report text under the given options
 * (any string: the indexer's --encoding and the report's manifest row),
 * for index format BG_INDEX_FORMAT, or for `format`. */
uint64_t bg_index_hash(const char *text, size_t len, const char *encoding_opt);
uint64_t bg_index_hash_as(int format, const char *text, size_t len,
                          const char *encoding_opt);

/* The format reports are written in from now on (BG_INDEX_FORMAT_*;
 * BG_INDEX_FORMAT when not set); BG_EINVAL for another number. */
int bg_index_set_format(bg_index *ix, int format, bg_err *err);
int bg_index_format(const bg_index *ix);

/* Looks up report id: *found 0 when absent, else its stored hash and
 * source path (*source malloc'd, caller frees). */
int bg_index_lookup(bg_index *ix, const char *id, int *found, uint64_t *hash,
                    char **source, bg_err *err);

/* Adds report r, replacing a report of the same id: bg_prep_report()
 * then bg_index_put_prepared(), on the caller's thread. */
int bg_index_put(bg_index *ix, const bg_report *r, const bg_docmeta *m,
                 bg_err *err);

/* Putting a report in two halves, so that one thread can prepare reports
 * (tokenize, gather terms, compress the text: no database involved) while
 * another writes them.  A bg_prep is made from an index and copies its
 * fold and format: make it after bg_index_set_fold() and
 * bg_index_set_format(), then use it from any one thread at a time (it
 * never touches the index).  BG_ENOMEM; caller frees with
 * bg_prep_free() (NULL is fine). */
typedef struct bg_prep bg_prep;
typedef struct bg_prepared bg_prepared;
int bg_prep_new(bg_prep **out, const bg_index *ix);
void bg_prep_free(bg_prep *p);

/* Builds report r's document: *out, owned by the caller
 * (bg_prepared_free(), on any thread, NULL is fine) and NULL on failure.
 * Uses only p, r and m. */
int bg_prep_report(bg_prep *p, const bg_report *r, const bg_docmeta *m,
                   bg_prepared **out, bg_err *err);
void bg_prepared_free(bg_prepared *d);

/* Writes a report prepared by a bg_prep of ix (BG_EINVAL when it was
 * prepared for another fold or format), replacing a report of the same
 * id; on the thread that writes ix.  d stays the caller's. */
int bg_index_put_prepared(bg_index *ix, const bg_prepared *d, bg_err *err);

/* Removes report id (nothing happens when absent). */
int bg_index_remove(bg_index *ix, const char *id, bg_err *err);

/* Calls fn for every report with its id and source path; fn returning
 * non-zero stops the walk with that status. */
int bg_index_each(bg_index *ix,
                  int (*fn)(void *ctx, const char *id, const char *source),
                  void *ctx, bg_err *err);

/* Makes every change so far durable. */
int bg_index_commit(bg_index *ix, bg_err *err);

/* Commits, then rewrites the database compacted and switches to it. */
int bg_index_compact(bg_index *ix, bg_err *err);

/* Whether, when ix was opened, a compaction had been interrupted (its
 * half-written copy is gone; the live database is whole but not
 * compacted): the indexer compacts again. */
int bg_index_compaction_interrupted(const bg_index *ix);

/* Reports in the index. */
uint32_t bg_index_doccount(bg_index *ix);

/* The folds (BG_FOLD_* of units.h) the index applies to every report it
 * holds and that its readers apply to queries: BG_FOLD_T2S for an index
 * built with --t2s.  Recorded in the index (user metadata for the
 * indexer, and a marker term BG_TERM_T2S in every report for readers). */
unsigned bg_index_fold(const bg_index *ix);

/* Sets the folds of an index.  An index keeps the folding it was built
 * with: a change is allowed only while it holds no report (BG_EINVAL with
 * a message saying so otherwise); setting the current folds just records
 * them. */
int bg_index_set_fold(bg_index *ix, unsigned fold, bg_err *err);

#endif
