/*
 * rterms.h - the terms of one report, gathered before they go to Xapian.
 *
 * The indexer meets a term once per occurrence (every unit and every
 * pair of a paragraph); Xapian's document wants it once, with its wdf.
 * A table counts each distinct term's occurrences (its wdf), those beyond
 * the first of each paragraph (for its BG_PREFIX_EXTRA term), and, for
 * terms that keep positions, their positions in ascending order, so that
 * a report costs one Xapian call per distinct term instead of one per
 * occurrence, and its positions can go straight into blocks.
 */
#ifndef BG_RTERMS_H
#define BG_RTERMS_H

#include <stddef.h>
#include <stdint.h>

typedef struct bg_rterm {
  uint32_t off, len;  /* the term: bytes [off, off + len) of the table's */
  uint32_t hash;
  uint32_t wdf;       /* occurrences */
  uint32_t extra;     /* occurrences beyond the first of each paragraph */
  uint32_t last_para; /* 1 + the last paragraph it occurred in */
  uint32_t npos;      /* positions recorded */
  uint32_t pos_at;    /* after bg_rterms_done(): its first in pos[] */
} bg_rterm;

typedef struct bg_rterms {
  char *bytes; /* every term's bytes, back to back */
  size_t nbytes, bytes_cap;
  bg_rterm *v; /* distinct terms, in order of first occurrence */
  size_t n, cap;
  uint32_t *slots; /* hash table: index into v plus one, 0 when free */
  size_t nslots;
  uint32_t *occ; /* positional occurrences: term index, position */
  size_t nocc, occ_cap;
  uint32_t *pos; /* after bg_rterms_done(): positions grouped by term */
  size_t pos_cap;
} bg_rterms;

/* An empty table (all zero is one too). */
void bg_rterms_init(bg_rterms *t);
/* Empties t for the next report, keeping its memory. */
void bg_rterms_clear(bg_rterms *t);
void bg_rterms_free(bg_rterms *t);

/* Records one occurrence of term s[0, len) in paragraph para (0-based),
 * at position pos when `positional`.  Occurrences come in ascending
 * position order.  BG_ENOMEM. */
int bg_rterms_add(bg_rterms *t, const char *s, size_t len, uint32_t para,
                  int positional, uint32_t pos);

/* Groups the positions by term (pos_at, npos into pos[]).  BG_ENOMEM. */
int bg_rterms_done(bg_rterms *t);

/* The term bytes and positions of entry i (after bg_rterms_done()). */
static inline const char *bg_rterm_text(const bg_rterms *t, size_t i) {
  return t->bytes + t->v[i].off;
}
static inline const uint32_t *bg_rterm_pos(const bg_rterms *t, size_t i) {
  return t->pos + t->v[i].pos_at;
}

#endif
