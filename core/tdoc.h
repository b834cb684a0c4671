/*
 * tdoc.h - a report (or several) cut into units, and the phrase machinery
 * that compare and keywords share: n-grams of CJK letters, where phrases
 * may start and end, and which of two phrases says more.  Internal to the
 * core (compare.c, keywords.c).
 */
#ifndef BG_TDOC_H
#define BG_TDOC_H

#include <stddef.h>
#include <stdint.h>

#include "lexicon.h"
#include "reader.h"
#include "xap.h"

/* A phrase of compare.h (compare.c implements this header). */
typedef struct bg_phrase bg_phrase;

typedef struct tdoc {
  size_t npara, nunits;
  uint32_t *pstart; /* first unit of each paragraph, and the end */
  uint32_t *poff;   /* first pair of each paragraph, and the end */
  uint64_t *whole;  /* hash of each paragraph's units (for short ones) */
  uint64_t *uh;     /* unit hashes */
  uint64_t *ph;     /* pair hashes, sorted within each paragraph */
  uint32_t *upara;  /* paragraph of each unit */
  uint8_t *cjk;     /* whether each unit is a CJK letter */
  uint32_t *uoff;   /* normalized bytes of each unit in norm */
  uint8_t *ulen;
  char *norm;
  size_t norm_len;
} tdoc;

/* Cuts every paragraph of d into units, folded as fold (BG_FOLD_*). */
int bg_tdoc_build(tdoc *t, const bg_doc_text *d, unsigned fold);
void bg_tdoc_free(tdoc *t);

/* run[u]: CJK letters in a row from unit u within its paragraph (caller
 * frees); NULL when out of memory. */
uint32_t *bg_tdoc_cjk_runs(const tdoc *t);

/* The hash of the n units from pos. */
uint64_t bg_tdoc_gram_hash(const tdoc *t, size_t pos, size_t n);

/* Whether every occurrence pos[0, c) of an n-unit phrase has the same CJK
 * letter right before it (side < 0) or right after it (side > 0). */
int bg_tdoc_same_side(const tdoc *t, const uint32_t *pos, size_t c, size_t n,
                      int side);

/* The normalized text of the n units from pos (caller frees). */
char *bg_tdoc_text(const tdoc *t, size_t pos, size_t n);

/* A walk over the repeated phrases of a tdoc (bg_tdoc_phrases()). */
typedef struct bg_tdoc_walk {
  size_t min_count; /* occurrences a phrase needs */
  /* Whether the n-unit gram of hash h is worth growing into a phrase;
   * NULL: every one is. */
  int (*want)(void *ctx, size_t n, uint64_t h);
  /* A phrase: its occurrences pos[0, c) and its length len in units.
   * Non-zero stops the walk with that status. */
  int (*found)(void *ctx, const uint32_t *pos, size_t c, size_t len);
  void *ctx;
} bg_tdoc_walk;

/* Calls w->found for every phrase of CJK letters of t of BG_PHRASE_MIN to
 * BG_PHRASE_MAX units that occurs w->min_count times or more, maximal: a
 * shorter one whose occurrences all have the same letter on one side is
 * left out, and one of BG_PHRASE_MAX units grows while they do.  A phrase
 * grown can come out several times.  BG_ENOMEM, or what found returned. */
int bg_tdoc_phrases(const tdoc *t, const bg_tdoc_walk *w);

typedef struct gram {
  uint64_t h;
  uint32_t pos;
} gram;

int bg_gram_cmp(const void *a, const void *b);

/* How strongly adjacent units hold together in the index (compare.c). */
typedef struct cohesion cohesion;

/* A cohesion table over index db (caller frees with free()); NULL when out
 * of memory. */
cohesion *bg_cohesion_new(bg_xdb *db);

/* Whether the len-unit phrase at pos[0, c) starts and ends where words do
 * (compare.h), and whether it is padded with a function character. */
int bg_tdoc_at_boundaries(cohesion *C, const bg_lexicon *lex, const tdoc *t,
                          const uint32_t *pos, size_t c, size_t len);
int bg_tdoc_padded(const bg_lexicon *lex, const tdoc *t, size_t pos,
                   size_t len);

/* Leaves out of p[0, *n) (sorted by bg_phrase_cmp_text) the phrases a
 * longer listed one containing them makes up at least half of. */
int bg_phrase_cmp_text(const void *a, const void *b);
int bg_phrases_drop_dominated(bg_phrase *p, size_t *n);

#endif
