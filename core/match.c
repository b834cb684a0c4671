/*
 * match.c - the hot path of a search (see match.h): position lists to
 * occurrences, occurrences to paragraphs, AND / OR / NOT over paragraphs.
 *
 * Because pairs exist only inside a paragraph and paragraphs are a
 * position apart, an occurrence proved by the position terms of a phrase
 * (search.c chooses them) lies inside one paragraph.  Lists come from
 * Xapian report by report, or read ahead term by term for many
 * candidates (bg_match_read_ahead()): the number of lists read is the
 * cost to minimise.
 */
#include "match.h"

#include "cancel.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

/* Short names inside this file. */
typedef bg_mterm term;
typedef bg_mnode enode;
typedef bg_pset pset;
typedef bg_pf_term pf_term;
typedef bg_match run;
#define PF_MAX_TERMS BG_MATCH_PF_MAX_TERMS

/* ---- paragraph sets ---- */

/* Frees s and leaves it empty. */
void bg_pset_clear(pset *s) {
  free(s->v);
  s->v = NULL;
  s->n = 0;
}

int bg_pset_range(pset *s, size_t n) {
  s->n = 0;
  s->v = bg_malloc((n + 1) * sizeof *s->v);
  if (!s->v) return BG_ENOMEM;
  for (size_t i = 0; i < n; i++) s->v[i] = (uint32_t)i;
  s->n = n;
  return BG_OK;
}

/* op: '&' intersection, '|' union, '-' difference; frees a and b (and
 * empties them), also when out of memory.  out may be a. */
int bg_pset_op(pset *out, pset *a, pset *b, char op) {
  size_t cap = op == '|' ? a->n + b->n : a->n;
  uint32_t *v = bg_malloc((cap + 1) * sizeof *v);
  if (!v) {
    bg_pset_clear(a);
    bg_pset_clear(b);
    return BG_ENOMEM;
  }
  size_t i = 0, j = 0, k = 0;
  while (i < a->n || j < b->n) {
    if (j == b->n || (i < a->n && a->v[i] < b->v[j])) {
      if (op != '&') v[k++] = a->v[i];
      i++;
    } else if (i == a->n || b->v[j] < a->v[i]) {
      if (op == '|') v[k++] = b->v[j];
      j++;
    } else {
      if (op != '-') v[k++] = a->v[i];
      i++, j++;
    }
  }
  bg_pset_clear(a);
  bg_pset_clear(b);
  out->v = v;
  out->n = k;
  return BG_OK;
}

/* ---- compiled nodes ---- */

void bg_mnode_free(enode *e) {
  if (!e) return;
  for (size_t i = 0; i < e->nunits; i++) free(e->units[i].s);
  for (size_t i = 0; i + 1 < e->nunits; i++) free(e->pairs[i].s);
  free(e->units);
  free(e->pairs);
  free(e->pos_terms);
  free(e->pos_offs);
  free(e->filter.s);
  free(e->occ);
  free(e->opara);
  for (size_t i = 0; i < e->nkids; i++) bg_mnode_free(e->kids[i]);
  free(e->kids);
  free(e);
}

/* ---- per document evaluation ---- */

/* Lists are read ahead (from BG_MATCH_PF_MIN_REPORTS candidate reports,
 * for at most BG_MATCH_PF_MAX_TERMS terms, the others report by report)
 * in batches of reports holding at most this many positions (1 MB), so
 * that a search's memory does not grow with the index. */
#define PF_BATCH_POSITIONS ((size_t)256 << 10)

/* The batch size: PF_BATCH_POSITIONS, or $BAOGAO_READAHEAD_POSITIONS
 * (tests make batches of a few reports with it). */
static size_t pf_batch_positions(void) {
  const char *v = getenv("BAOGAO_READAHEAD_POSITIONS");
  char *end;
  unsigned long long n = v && *v ? strtoull(v, &end, 10) : 0;
  return n && *end == '\0' && n < SIZE_MAX ? (size_t)n : PF_BATCH_POSITIONS;
}

void bg_match_reset(run *R) {
  free(R->paras);
  for (size_t k = 0; k < sizeof R->lists / sizeof *R->lists; k++)
    free(R->lists[k]);
  for (size_t j = 0; j < R->npf; j++) free(R->pf[j].at);
  free(R->pf_pos);
}

int bg_match_timed_out(run *R, double timeout_ms) {
  return bg_err_set(R->err, BG_ETIMEOUT,
                    "the query took longer than its limit of %.0f ms; "
                    "narrow it with more words or filters",
                    timeout_ms);
}

int bg_match_late(double timeout_ms, double deadline) {
  return (timeout_ms > 0 && bg_now_ms() > deadline) || bg_cancelled();
}

static int same_term(const term *a, const term *b) {
  return a->len == b->len && !memcmp(a->s, b->s, a->len);
}

/* Positions of term in did as list k (R->lv[k], R->list_n[k]): read
 * ahead, or now. */
static int load_list(run *R, uint32_t did, size_t k, const term *t) {
  for (size_t j = 0; j < R->npf; j++) {
    pf_term *p = &R->pf[j];
    if (!same_term(p->t, t)) continue;
    while (p->next < p->n && R->pf_ids[p->next] < did) p->next++;
    if (p->next == p->n || R->pf_ids[p->next] != did) break;
    size_t from = p->at[p->next], n = p->at[p->next + 1] - from;
    R->lv[k] = R->pf_pos + from;
    R->list_n[k] = n;
    return BG_OK;
  }
  R->list_n[k] = 0;
  int rc = bg_xdb_positions(R->db, did, t->s, t->len, &R->lists[k],
                            &R->list_n[k], &R->list_cap[k], R->err);
  R->lv[k] = R->lists[k];
  return rc;
}

/* Chooses the terms whose lists are read ahead: the position terms of
 * the query's phrases, at most PF_MAX_TERMS of them, for batches of at
 * most nids reports. */
int bg_match_pf_setup(run *R, enode *const *phrases, size_t nall,
                      size_t nids) {
  /* Frequencies are a round trip each from a remote shard: not worth it. */
  int remote = bg_xdb_remote(R->db);
  for (size_t i = 0; i < nall; i++) {
    const enode *e = phrases[i];
    for (size_t j = 0; j < e->npos; j++) {
      const term *t = &e->pos_terms[j];
      int seen = 0;
      for (size_t q = 0; q < R->npf && !seen; q++)
        seen = same_term(R->pf[q].t, t);
      if (seen) continue;
      if (R->npf == PF_MAX_TERMS) break;
      pf_term *p = &R->pf[R->npf];
      if (!(p->at = bg_malloc((nids + 1) * sizeof *p->at)))
        return bg_err_set(R->err, BG_ENOMEM, "out of memory");
      p->t = t;
      p->n = p->next = 0;
      p->cf = remote ? 0 : bg_xdb_collfreq(R->db, t->s, t->len);
      R->npf++;
    }
  }
  /* Most frequent first: its lists fill a batch soonest. */
  for (size_t i = 1; i < R->npf; i++)
    for (size_t j = i; j > 0 && R->pf[j].cf > R->pf[j - 1].cf; j--) {
      pf_term x = R->pf[j];
      R->pf[j] = R->pf[j - 1];
      R->pf[j - 1] = x;
    }
  return BG_OK;
}

/* Reads the position lists of the chosen terms in the next reports
 * ids[0, nids), one term after the other, for as many reports as fit in
 * pf_batch_positions() positions (at least one); *batch is how many.
 * Xapian 1.4 (glass) opens a new B-tree cursor for every list, a copy of
 * the position table's own cursor; bg_xdb_warm_positions() moves that one
 * onto the term's part of the table, where its lists lie side by side, so
 * that each list costs one block read instead of two (report by report,
 * the terms take turns and every list costs two). */
int bg_match_read_ahead(run *R, const uint32_t *ids, size_t nids,
                        size_t *batch, double timeout_ms, double deadline) {
  R->pf_ids = ids;
  R->pf_npos = 0;
  size_t lim = nids, most = pf_batch_positions();
  /* Each term its share of the batch: the first to run out ends it, and
   * no term reads far past the batch (the terms come most frequent
   * first, bg_match_pf_setup()). */
  size_t share = R->npf ? most / R->npf : most;
  int rc;
  for (size_t j = 0; j < R->npf; j++) {
    pf_term *p = &R->pf[j];
    const term *t = p->t;
    p->n = p->next = 0;
    int found = 0;
    for (size_t d = 0; d < lim && d < 4 && !found; d++)
      if ((rc = bg_xdb_warm_positions(R->db, ids[d], t->s, t->len,
                                      &found, R->err)) != BG_OK)
        return rc;
    p->at[0] = R->pf_npos;
    for (size_t d = 0; d < lim; d++) {
      if ((d & 63) == 0 && bg_match_late(timeout_ms, deadline))
        return bg_match_timed_out(R, timeout_ms);
      size_t end = R->pf_npos;
      if ((rc = bg_xdb_positions(R->db, ids[d], t->s, t->len, &R->pf_pos,
                                 &end, &R->pf_cap, R->err)) != BG_OK)
        return rc;
      if (d > 0 && end - p->at[0] > share) {
        lim = d; /* the batch ends before this report */
        break;
      }
      R->pf_npos = end;
      p->at[d + 1] = R->pf_npos;
      p->n = d + 1;
    }
  }
  for (size_t j = 0; j < R->npf; j++)
    if (R->pf[j].n > lim) R->pf[j].n = lim;
  *batch = lim;
  return BG_OK;
}

/* The paragraph of each occurrence of e, in e->opara: occurrences come in
 * order, so the paragraph table is walked forward, galloping over
 * paragraphs without one. */
static void map_paras(const run *R, enode *e) {
  const uint32_t *t = R->paras;
  size_t n = R->npara, j = 0;
  for (size_t i = 0; i < e->nocc; i++) {
    uint32_t p = e->occ[i];
    if (j + 1 < n && t[2 * (j + 1)] <= p) {
      size_t lo = j + 1, step = 1;
      while (lo + step < n && t[2 * (lo + step)] <= p) {
        lo += step;
        step *= 2;
      }
      size_t hi = lo + step < n ? lo + step : n;
      while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (t[2 * mid] <= p)
          lo = mid;
        else
          hi = mid;
      }
      j = lo;
    }
    e->opara[i] = (uint32_t)j;
  }
}

/* Finds every occurrence of phrase e in document did: start positions,
 * ascending, in e->occ. */
int bg_match_occurrences(run *R, uint32_t did, enode *e) {
  e->nocc = 0;
  size_t npos = e->npos;
  size_t chunk = sizeof R->lists / sizeof *R->lists;
  int rc;
  /* Very long phrases: verify in batches of position lists. */
  uint32_t *cur = NULL;
  size_t ncur = 0;
  for (size_t base = 0; base < npos; base += chunk) {
    size_t m = npos - base < chunk ? npos - base : chunk;
    size_t shortest = 0;
    for (size_t k = 0; k < m; k++) {
      if ((rc = load_list(R, did, k, &e->pos_terms[base + k])) != BG_OK)
        goto done;
      if (R->list_n[k] == 0) {
        ncur = 0;
        rc = BG_OK;
        goto done;
      }
      if (R->list_n[k] < R->list_n[shortest]) shortest = k;
    }
    /* Candidate starts: from the previous batch, or the shortest list. */
    uint32_t *cand_v;
    size_t cand_n;
    uint32_t *tmp = NULL;
    if (base == 0) {
      cand_n = R->list_n[shortest];
      tmp = bg_malloc((cand_n + 1) * sizeof *tmp);
      if (!tmp) {
        rc = bg_err_set(R->err, BG_ENOMEM, "out of memory");
        goto done;
      }
      uint32_t off = e->pos_offs[base + shortest];
      size_t w = 0;
      for (size_t i = 0; i < cand_n; i++)
        if (R->lv[shortest][i] >= off)
          tmp[w++] = R->lv[shortest][i] - off;
      cand_n = w;
      cand_v = tmp;
    } else {
      cand_v = cur;
      cand_n = ncur;
      cur = NULL;
    }
    /* Keep the starts p where every list k holds p + off_k. */
    size_t idx[64] = {0};
    size_t w = 0;
    for (size_t i = 0; i < cand_n; i++) {
      uint32_t p = cand_v[i];
      int ok = 1;
      for (size_t k = 0; k < m && ok; k++) {
        uint64_t want = (uint64_t)p + e->pos_offs[base + k];
        const uint32_t *l = R->lv[k];
        size_t n = R->list_n[k];
        while (idx[k] < n && l[idx[k]] < want) idx[k]++;
        ok = idx[k] < n && l[idx[k]] == want;
      }
      if (ok) cand_v[w++] = p;
    }
    cur = cand_v;
    ncur = w;
    if (ncur == 0) break;
  }
  rc = BG_OK;
done:
  if (rc == BG_OK && ncur > 0) {
    if (ncur > e->occ_cap) {
      uint32_t *no = bg_realloc(e->occ, ncur * sizeof *no);
      if (no) e->occ = no;
      uint32_t *np = no ? bg_realloc(e->opara, ncur * sizeof *np) : NULL;
      if (np) e->opara = np;
      if (!np) {
        free(cur);
        return bg_err_set(R->err, BG_ENOMEM, "out of memory");
      }
      e->occ_cap = ncur;
    }
    memcpy(e->occ, cur, ncur * sizeof *cur);
    e->nocc = ncur;
    map_paras(R, e);
  }
  free(cur);
  return rc;
}

static int occ_paras(const enode *e, pset *out) {
  out->v = bg_malloc((e->nocc + 1) * sizeof *out->v);
  if (!out->v) return BG_ENOMEM;
  out->n = 0;
  for (size_t i = 0; i < e->nocc; i++) {
    uint32_t p = e->opara[i];
    if (out->n == 0 || out->v[out->n - 1] != p) out->v[out->n++] = p;
  }
  return BG_OK;
}

static int filter_passes(run *R, const enode *e, uint32_t did, int year,
                         int *pass) {
  if (e->guaranteed) {
    *pass = 1;
    return BG_OK;
  }
  if (e->kind == BG_Q_YEAR) {
    *pass = year > 0 && year >= e->year_lo && year <= e->year_hi;
    return BG_OK;
  }
  return bg_xdb_has_term(R->db, did, e->filter.s, e->filter.len, pass,
                          R->err);
}

/* The set of paragraphs of the current document that satisfy e. */
static int eval(run *R, enode *e, uint32_t did, int year, pset *out) {
  out->v = NULL;
  out->n = 0;
  int rc = BG_OK;
  switch (e->kind) {
  case BG_Q_PHRASE:
    return occ_paras(e, out) == BG_OK
               ? BG_OK
               : bg_err_set(R->err, BG_ENOMEM, "out of memory");
  case BG_Q_YEAR:
  case BG_Q_REGION:
  case BG_Q_REPORT: {
    int pass = 0;
    if ((rc = filter_passes(R, e, did, year, &pass)) != BG_OK) return rc;
    if (pass && bg_pset_range(out, R->npara) != BG_OK)
      return bg_err_set(R->err, BG_ENOMEM, "out of memory");
    return BG_OK;
  }
  case BG_Q_NOT: {
    pset all, k;
    if (bg_pset_range(&all, R->npara) != BG_OK)
      return bg_err_set(R->err, BG_ENOMEM, "out of memory");
    if ((rc = eval(R, e->kids[0], did, year, &k)) != BG_OK) {
      free(all.v);
      return rc;
    }
    if (bg_pset_op(out, &all, &k, '-') != BG_OK)
      return bg_err_set(R->err, BG_ENOMEM, "out of memory");
    return BG_OK;
  }
  case BG_Q_AND: {
    /* Positive children first, then subtract the exclusions. */
    int have = 0;
    pset acc = {0};
    for (size_t i = 0; i < e->nkids; i++) {
      enode *k = e->kids[i];
      if (k->kind == BG_Q_NOT) continue;
      pset s;
      if ((rc = eval(R, k, did, year, &s)) != BG_OK) goto and_fail;
      if (!have) {
        acc = s;
        have = 1;
      } else if (bg_pset_op(&acc, &acc, &s, '&') != BG_OK) {
        goto and_oom;
      }
      if (acc.n == 0) break;
    }
    if (!have && bg_pset_range(&acc, R->npara) != BG_OK) goto and_oom;
    for (size_t i = 0; i < e->nkids && acc.n > 0; i++) {
      enode *k = e->kids[i];
      if (k->kind != BG_Q_NOT) continue;
      pset s;
      if ((rc = eval(R, k->kids[0], did, year, &s)) != BG_OK) goto and_fail;
      if (bg_pset_op(&acc, &acc, &s, '-') != BG_OK) goto and_oom;
    }
    *out = acc;
    return BG_OK;
  and_oom:
    rc = bg_err_set(R->err, BG_ENOMEM, "out of memory");
  and_fail:
    free(acc.v);
    return rc;
  }
  case BG_Q_OR: {
    pset acc = {0};
    for (size_t i = 0; i < e->nkids; i++) {
      pset s;
      if ((rc = eval(R, e->kids[i], did, year, &s)) != BG_OK) {
        free(acc.v);
        return rc;
      }
      if (i == 0)
        acc = s;
      else if (bg_pset_op(&acc, &acc, &s, '|') != BG_OK)
        return bg_err_set(R->err, BG_ENOMEM, "out of memory");
    }
    *out = acc;
    return BG_OK;
  }
  }
  return BG_OK;
}

int bg_match_eval(run *R, enode *e, uint32_t did, int year, pset *out) {
  return eval(R, e, did, year, out);
}
