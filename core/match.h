/*
 * match.h - the hot path of a search: in one report, every occurrence of
 * a compiled phrase, found by intersecting position lists, mapped to the
 * report's paragraphs, and AND / OR / NOT evaluated over sets of
 * paragraphs.  Internal to core: search.c compiles a query into a tree of
 * bg_mnode and drives one bg_match over the candidate reports.
 */
#ifndef BG_MATCH_H
#define BG_MATCH_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "query.h"
#include "xap.h"

/* ---- paragraph sets: sorted arrays of paragraph indices ---- */

typedef struct bg_pset {
  uint32_t *v;
  size_t n;
} bg_pset;

/* Frees s and leaves it empty. */
void bg_pset_clear(bg_pset *s);
/* s = {0, 1, ..., n-1}; BG_ENOMEM when out of memory. */
int bg_pset_range(bg_pset *s, size_t n);
/* out = a & b, a | b or a - b (op '&', '|', '-'); a and b are consumed
 * (freed, even on failure); out may be a. */
int bg_pset_op(bg_pset *out, bg_pset *a, bg_pset *b, char op);

/* ---- the compiled query (search.c compiles it) ---- */

/* A term of the index, NUL-terminated, owned by the node that holds it. */
typedef struct bg_mterm {
  char *s;
  size_t len;
} bg_mterm;

typedef struct bg_mnode {
  bg_qkind kind;
  int positive;       /* not under an odd number of NOTs */
  int guaranteed;     /* a filter every candidate passes */
  /* phrases */
  size_t nunits;
  bg_mterm *units;        /* unit terms, in order */
  bg_mterm *pairs;        /* nunits-1 pair terms, in order */
  bg_mterm *pos_terms;    /* terms whose positions prove an occurrence */
  uint32_t *pos_offs; /* their offsets in the phrase */
  size_t npos;
  size_t phrase_id;   /* index among positive phrases, or SIZE_MAX */
  /* filters */
  int year_lo, year_hi;
  bg_mterm filter;
  /* per document: occurrence start positions, and the paragraph of each */
  uint32_t *occ, *opara;
  size_t nocc, occ_cap;
  struct bg_mnode **kids;
  size_t nkids;
} bg_mnode;

/* Frees node e, its terms and its children; NULL is fine. */
void bg_mnode_free(bg_mnode *e);

/* ---- the matcher ---- */

/* Candidate reports from which reading position lists ahead pays
 * (bg_match_pf_setup()). */
#define BG_MATCH_PF_MIN_REPORTS 32
#define BG_MATCH_PF_MAX_TERMS 8

/* The lists of one term read ahead: of reports pf_ids[0, n), list i in
 * pf_pos[at[i], at[i + 1]). */
typedef struct bg_pf_term {
  const bg_mterm *t; /* borrowed from the compiled query */
  size_t n;
  size_t *at;
  size_t next; /* first report not passed yet (they come in order) */
  uint64_t cf;  /* its occurrences in the index */
} bg_pf_term;

/* What the matcher holds across reports: the current report's paragraph
 * table, the position lists it read, those read ahead.  Caller-owned:
 * zeroed, then db and err set; bg_match_reset() frees the rest. */
typedef struct bg_match {
  bg_xdb *db;  /* borrowed */
  bg_err *err; /* where failures are told */
  uint32_t *paras; /* the report's paragraph table: pairs base, count */
  size_t paras_cap, npara;
  /* scratch */
  uint32_t *lists[64];
  size_t list_n[64], list_cap[64];
  const uint32_t *lv[64]; /* list k: lists[k], or read ahead in pf_pos */
  /* position lists read ahead term by term (bg_match_read_ahead()) */
  const uint32_t *pf_ids; /* the candidate reports, ascending */
  bg_pf_term pf[BG_MATCH_PF_MAX_TERMS];
  size_t npf;
  uint32_t *pf_pos; /* every list read ahead, one after another */
  size_t pf_npos, pf_cap;
} bg_match;

/* Frees what M holds (not db); M can be used again once zeroed. */
void bg_match_reset(bg_match *M);

/* Sets M's error to the timeout of a query that ran past timeout_ms;
 * returns BG_ETIMEOUT. */
int bg_match_timed_out(bg_match *M, double timeout_ms);

/* Whether work must stop: past deadline (when timeout_ms > 0), or the
 * calling thread's work cancelled (cancel.h: its client hung up). */
int bg_match_late(double timeout_ms, double deadline);

/* Chooses the terms whose lists are read ahead: the position terms of
 * phrases[0, n), at most BG_MATCH_PF_MAX_TERMS of them, for batches of at
 * most nids reports. */
int bg_match_pf_setup(bg_match *M, bg_mnode *const *phrases, size_t n,
                      size_t nids);

/* Reads the position lists of the chosen terms in the next reports
 * ids[0, nids), as many as fit in one batch; *batch is how many.  Past
 * deadline (when timeout_ms > 0), BG_ETIMEOUT. */
int bg_match_read_ahead(bg_match *M, const uint32_t *ids, size_t nids,
                        size_t *batch, double timeout_ms, double deadline);

/* Every occurrence of phrase e in report did (M->paras its paragraph
 * table): start positions, ascending, in e->occ, and the paragraph of
 * each in e->opara. */
int bg_match_occurrences(bg_match *M, uint32_t did, bg_mnode *e);

/* The paragraphs of report did (of the given year) that satisfy e, once
 * the occurrences of e's phrases are found; *out is the caller's. */
int bg_match_eval(bg_match *M, bg_mnode *e, uint32_t did, int year,
                  bg_pset *out);

#endif
