/*
 * reader.h - reading an index: opening it (one database, shards, a stub
 * naming replicas or remote databases), its revision, the report list,
 * each report's stored text and summary, and statistics.  Also the one
 * place that knows how an index folder is laid out, for the writer
 * (index.c) and the indexer as well as for readers.
 */
#ifndef BG_READER_H
#define BG_READER_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "xap.h"

typedef struct bg_reader bg_reader;

/* ---- the index folder's layout ----
 *
 * An index is a folder DIR:
 *   DIR/XAPIANDB     a Xapian stub naming the live database ("auto db-N"),
 *                    or in a sharded index every shard ("auto shard-KK")
 *   DIR/live         a symbolic link to db-N: a fixed name for the live
 *                    database, which xapian-replicate -m live can serve
 *   DIR/db-N/        the Xapian (glass) database of generation N (from 1)
 *   DIR/lock         held (flock) by the one writer allowed at a time
 *   DIR/SHARDS       in a sharded index: its number of shards
 *   DIR/shard-KK/    shard KK (from 00), itself an index folder
 * Readers open DIR itself; Xapian follows the stubs.  Compaction writes
 * db-(N+1) and switches the stub with an atomic rename, so a reader or a
 * killed indexer always finds a complete database.
 */

/* The parts of an index folder. */
typedef enum {
  BG_PART_STUB,   /* XAPIANDB */
  BG_PART_LIVE,   /* live */
  BG_PART_LOCK,   /* lock */
  BG_PART_SHARDS, /* SHARDS */
  BG_PART_DB,     /* db-N */
  BG_PART_SHARD   /* shard-KK */
} bg_part;

/* The path dir/<part> (n: the N of db-N, the KK of shard-KK), or with dir
 * NULL the part's name alone.  Caller frees; NULL when out of memory. */
char *bg_reader_part(const char *dir, bg_part part, unsigned n);

/* Writes the stub line naming database db-n or shard n ("auto db-N\n")
 * into line[size]; returns its length as snprintf() does. */
int bg_reader_stub_line(char *line, size_t size, bg_part part, unsigned n);

/* Whether the stub line reads "auto db-N" (*gen = N). */
int bg_reader_stub_gen(const char *line, unsigned *gen);

/* Whether name is exactly "db-N", a database folder (*gen = N). */
int bg_reader_db_gen(const char *name, unsigned *gen);

/* ---- opening an index ---- */

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

/* Whether every report of the index was written by index format 4 or
 * later (BG_TERM_V4), with the terms that counts read instead of
 * positions and summaries. */
int bg_reader_v4(bg_reader *r);

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

/* Index statistics as a JSON object (caller owns the reference). */
int bg_reader_stats(bg_reader *r, json_t **out, bg_err *err);


/* ---- the stored form, read back ---- */

typedef struct bg_docdata bg_docdata;

/* The first four bytes of a report's stored data (index.c writes it);
 * "BGD" with another fourth byte is another format of the stored form. */
#define BG_DOCDATA_MAGIC "BGD2"

/* Reads the stored form of document did of db.  The text blocks are read
 * from db when a paragraph is asked for, so db must outlive *out. */
int bg_docdata_load(bg_xdb *db, uint32_t did, bg_docdata **out,
                    bg_err *err);
void bg_docdata_free(bg_docdata *d);

/* The metadata object (borrowed; valid while d lives). */
json_t *bg_docdata_meta(const bg_docdata *d);
size_t bg_docdata_npara(const bg_docdata *d);
/* Heading level of paragraph index i (0-based); 0 for body text. */
int bg_docdata_level(const bg_docdata *d, size_t i);

/* The text of paragraph index i (0-based), borrowed from d and valid until
 * the next call for a paragraph of another block. */
int bg_docdata_para(bg_docdata *d, size_t i, const char **text, size_t *len,
                    bg_err *err);

/* The short title of heading paragraph index i (0-based), borrowed from
 * d; BG_ENOTFOUND for body text.  Reads no compressed text. */
int bg_docdata_title(const bg_docdata *d, size_t i, const char **title,
                     size_t *len);

/* Decodes the paragraph table of value slot BG_SLOT_PARAS into *pairs
 * (grown with realloc; *cap its capacity in pairs): pairs[2i] is the base
 * position and pairs[2i+1] the unit count of paragraph index i; *n is the
 * number of paragraphs. */
int bg_paras_decode(const char *v, size_t len, uint32_t **pairs, size_t *cap,
                    size_t *n);

#endif
