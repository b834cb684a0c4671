/*
 * posblock.h - index formats 5 and 6: positions stored term-major in
 * blocks.
 *
 * In formats 5 and 6 the unit and pair terms of a report carry no Xapian
 * positions (their postings keep the wdf, for candidates, BM25 and
 * counts).  Their positions (format 6: the units' only) live in the same
 * Xapian database as user metadata, one entry per (term, block of
 * BG_POSBLOCK_DOCS consecutive document ids), so that reading a term over
 * many reports reads a few entries through one B-tree cursor (or a few
 * round trips to a remote shard) instead of one position list per
 * report.  The entries are
 * committed, replicated, compacted and backed up with the rest of the
 * database.
 *
 * Key of an entry: 'P', the term (terms longer than BG_POSKEY_TERM bytes:
 * their first bytes and a hash of the whole), a 0 byte, and the block
 * number as 4 big-endian bytes, so that a term's blocks lie side by side.
 *
 * Value of an entry:
 *   varint ndocs
 *   ndocs times: varint did - previous did (the first from the block's
 *                first id minus one), varint npos, varint nbytes
 *   ndocs payloads of nbytes each: the positions, ascending, as varint
 *                deltas (the first from 0)
 * Every report holding positions in blocks has the term BG_TERM_V5.
 */
#ifndef BG_POSBLOCK_H
#define BG_POSBLOCK_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define BG_POSBLOCK_DOCS 64
#define BG_POSKEY_TERM 200
#define BG_POSKEY_MAX (1 + BG_POSKEY_TERM + 17 + 1 + 4)
/* In every report written by index format 5 or 6 (positions in blocks). */
#define BG_TERM_V5 "XFv5"
/* In every report written by index format 6: its pair terms have no
 * positions, so phrases are proved by unit positions. */
#define BG_TERM_V6 "XFv6"

/* The block of document id did (ids start at 1). */
static inline uint32_t bg_posblock_of(uint32_t did) {
  return (did - 1) / BG_POSBLOCK_DOCS;
}

/* The metadata key of term's block into buf (BG_POSKEY_MAX bytes);
 * returns its length. */
size_t bg_posblock_key(const char *term, size_t len, uint32_t block,
                       char *buf);

/* Whether a term carries positions (unit and pair terms; prefixed terms
 * start with a capital and do not). */
int bg_posblock_positional(const char *term, size_t len);

/* Appends the positions of document did held in the block value v[0,
 * len) to (*pos)[*n ...] (grown with bg_realloc; *cap its capacity) and
 * adds their count to *n.  BG_ENOTFOUND when the block has no entry for
 * did, BG_ECORRUPT for a malformed value, BG_ENOMEM. */
int bg_posblock_find(const char *v, size_t len, uint32_t did, uint32_t **pos,
                     size_t *n, size_t *cap);

/* ---- writing ---- */

/* Positions of reports added, replaced or removed since the last flush,
 * by term, to be merged into their blocks. */
typedef struct bg_posbuf bg_posbuf;

/* Reads and writes blocks of a writable database: implemented over
 * bg_xdb by the caller (index.c), so that this file knows no Xapian. */
typedef struct bg_posstore {
  void *ctx;
  /* *out malloc'd (caller frees); empty when the key is unset */
  int (*get)(void *ctx, const char *key, size_t klen, char **out,
             size_t *len, bg_err *err);
  /* an empty value removes the key */
  int (*set)(void *ctx, const char *key, size_t klen, const char *v,
             size_t len, bg_err *err);
} bg_posstore;

/* A buffer for a database whose highest document id on disk is lastdid
 * (blocks above it exist only once flushed); NULL when out of memory.
 * Free with bg_posbuf_free() (NULL is fine). */
bg_posbuf *bg_posbuf_new(uint32_t lastdid);
void bg_posbuf_free(bg_posbuf *b);

/* Records the n positions (ascending) of term in document did; n = 0
 * records that did no longer holds term.  For one did and term the last
 * call before a flush wins. */
int bg_posbuf_add(bg_posbuf *b, const char *term, size_t len, uint32_t did,
                  const uint32_t *pos, size_t n);

/* Bytes the buffer holds. */
size_t bg_posbuf_bytes(const bg_posbuf *b);

/* Writes every recorded change into its blocks through st (each block
 * read, merged and written once; blocks that cannot exist yet are not
 * read), then empties the buffer.  On failure the buffer is emptied too:
 * the caller must not commit. */
int bg_posbuf_flush(bg_posbuf *b, const bg_posstore *st, bg_err *err);

#ifdef __cplusplus
}
#endif

#endif
