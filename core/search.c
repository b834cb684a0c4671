/*
 * search.c - exact search over the index (see search.h): compiling a
 * query, driving the matcher over candidate reports, ranking, paging,
 * highlighting.
 *
 * Evaluation of one query:
 *   1. parse it (query.c) and compile every phrase into its units, the
 *      pair terms that select candidate reports, and the position terms
 *      whose lists prove an occurrence: for n units, the pairs at offsets
 *      0, 2, 4, ... and n-2 cover every unit, and because pairs exist only
 *      inside a paragraph and paragraphs are a position apart, a phrase
 *      found this way lies inside one paragraph;
 *   2. ask Xapian for the reports that can match (AND of a phrase's pairs,
 *      filter terms and value ranges, OR; NOT only where it excludes whole
 *      reports, i.e. over filters);
 *   3. in each candidate report, intersect the position lists of every
 *      phrase, map occurrences to paragraphs through the paragraph table
 *      of value slot BG_SLOT_PARAS, and evaluate AND / OR / NOT over sets
 *      of paragraphs (match.c, the hot path);
 *   4. score the matching paragraphs with BM25, sort, and load the text of
 *      the page of hits asked for, with every occurrence highlighted.
 */
#include "search.h"

#include "cancel.h"
#include "util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "match.h"
#include "query.h"
#include "terms.h"
#include "units.h"
#include "xap.h"

const char *const bg_sort_names[] = {"relevance", "year", "-year", NULL};

int bg_sort_parse(const char *name) {
  for (int k = 0; bg_sort_names[k]; k++)
    if (!strcmp(name, bg_sort_names[k])) return k;
  return -1;
}

#define BM25_K1 1.2
#define BM25_B 0.75

/* ---- the compiled query ---- */

static int term_dup(bg_mterm *t, const char *s, size_t len) {
  t->s = bg_malloc(len + 1);
  if (!t->s) return BG_ENOMEM;
  memcpy(t->s, s, len);
  t->s[len] = '\0';
  t->len = len;
  return BG_OK;
}

typedef struct compiler {
  bg_reader *r; /* resolves region names; NULL: names taken as written */
  bg_units units;
  bg_mnode **phrases; /* positive phrases, in query order */
  size_t nphrases, cap;
  bg_mnode **all_phrases; /* every phrase node */
  size_t nall, allcap;
  /* Phrases proved by the positions of every other pair (every report
   * has pair positions) rather than of every unit (index format 6). */
  int pair_pos;
} compiler;

/* Frees what a compiler holds (not the nodes, which the tree owns). */
static void compiler_reset(compiler *c) {
  bg_units_reset(&c->units);
  free(c->phrases);
  free(c->all_phrases);
}

static int push(bg_mnode ***arr, size_t *n, size_t *cap, bg_mnode *e) {
  if (*n == *cap) {
    size_t nc = *cap ? *cap * 2 : 8;
    bg_mnode **na = bg_realloc(*arr, nc * sizeof *na);
    if (!na) return BG_ENOMEM;
    *arr = na, *cap = nc;
  }
  (*arr)[(*n)++] = e;
  return BG_OK;
}

/* Every other pair of phrase e and its last, which together hold every
 * unit: into t[] and their offsets into off[]; returns how many. */
static size_t cover_pairs(const bg_mnode *e, bg_mterm *t, uint32_t *off) {
  size_t k = 0;
  for (size_t i = 0; i + 1 < e->nunits; i += 2) {
    t[k] = e->pairs[i];
    if (off) off[k] = (uint32_t)i;
    k++;
  }
  if (e->nunits >= 2 && (e->nunits - 2) % 2 != 0) {
    t[k] = e->pairs[e->nunits - 2];
    if (off) off[k] = (uint32_t)(e->nunits - 2);
    k++;
  }
  return k;
}

static int compile_phrase(compiler *c, const bg_qnode *q, bg_mnode *e) {
  bg_units *u = &c->units;
  if (bg_units_tokenize(u, q->text, q->len) != BG_OK) return BG_ENOMEM;
  if (u->n == 0) return BG_EQUERY;
  char t[BG_TERM_MAX];
  e->nunits = u->n;
  e->units = bg_calloc(u->n, sizeof *e->units);
  e->pairs = bg_calloc(u->n, sizeof *e->pairs);
  e->pos_terms = bg_calloc(u->n, sizeof *e->pos_terms);
  e->pos_offs = bg_calloc(u->n, sizeof *e->pos_offs);
  if (!e->units || !e->pairs || !e->pos_terms || !e->pos_offs) {
    e->nunits = 0;
    return BG_ENOMEM;
  }
  for (size_t i = 0; i < u->n; i++) {
    size_t tl = bg_term_unit(u, i, t);
    if (term_dup(&e->units[i], t, tl) != BG_OK) return BG_ENOMEM;
  }
  for (size_t i = 0; i + 1 < u->n; i++) {
    size_t tl = bg_term_pair(u, i, t);
    if (term_dup(&e->pairs[i], t, tl) != BG_OK) return BG_ENOMEM;
  }
  if (u->n == 1 || !c->pair_pos) {
    /* Unit positions are a paragraph's units numbered in order, with a
     * gap between paragraphs: units at p, p + 1, ... are a phrase inside
     * one paragraph. */
    for (size_t i = 0; i < u->n; i++) {
      e->pos_terms[i] = e->units[i];
      e->pos_offs[i] = (uint32_t)i;
    }
    e->npos = u->n;
  } else {
    e->npos = cover_pairs(e, e->pos_terms, e->pos_offs);
  }
  return BG_OK;
}

typedef struct region_names {
  size_t n;        /* regions whose name starts with the value */
  char first[BG_TERM_MAX];
  size_t first_len;
  char list[400];  /* the first few, for a message */
  size_t list_len;
} region_names;

static int on_region(void *ctx, const char *t, size_t len, uint32_t freq) {
  region_names *m = ctx;
  size_t pl = strlen(BG_PREFIX_REGION);
  if (freq == 0 || len <= pl) return BG_OK;
  if (m->n++ == 0) {
    memcpy(m->first, t, len);
    m->first_len = len;
  }
  if (m->list_len + len + 8 < sizeof m->list) {
    m->list_len += (size_t)snprintf(m->list + m->list_len,
                                    sizeof m->list - m->list_len, "%s%.*s",
                                    m->n > 1 ? ", " : "", (int)(len - pl),
                                    t + pl);
  } else if (m->list_len + 8 < sizeof m->list && !strstr(m->list, ", …")) {
    m->list_len += (size_t)snprintf(m->list + m->list_len,
                                    sizeof m->list - m->list_len, ", …");
  }
  return BG_OK;
}

/* The filter term of region filter q into t (BG_TERM_MAX bytes), *tl its
 * length: the region of that name, normalized with the index's folds;
 * else, with a reader, the one region whose name starts with it.  A name
 * that starts several is BG_EQUERY (the message lists them); a name no
 * report has keeps its own term, which matches nothing. */
static int region_term(bg_reader *r, unsigned fold, const bg_qnode *q, char *t,
                       size_t *tl, bg_err *err) {
  *tl = bg_term_region_filter(q->text, q->len, fold, t);
  if (!*tl)
    return bg_err_set(err, BG_EQUERY, "bad region '%s' at character %zu",
                      q->text, q->pos);
  if (!r || bg_xdb_termfreq(bg_reader_db(r), t, *tl) > 0) return BG_OK;
  region_names m;
  memset(&m, 0, sizeof m);
  int rc = bg_xdb_prefixed_terms(bg_reader_db(r), t, *tl, on_region, &m, err);
  if (rc == BG_ENOMEM) return bg_err_set(err, rc, "out of memory");
  if (rc != BG_OK) return rc;
  if (m.n == 1) {
    memcpy(t, m.first, m.first_len);
    *tl = m.first_len;
  } else if (m.n > 1) {
    return bg_err_set(err, BG_EQUERY,
                      "region:%s at character %zu is the start of %zu regions "
                      "(%s): name one, or several as region:A,B",
                      q->text, q->pos, m.n, m.list);
  }
  return BG_OK;
}

static int compile(compiler *c, const bg_qnode *q, int positive, bg_mnode **out,
                   bg_err *err) {
  *out = NULL;
  bg_mnode *e = bg_calloc(1, sizeof *e);
  if (!e) return bg_err_set(err, BG_ENOMEM, "out of memory");
  e->kind = q->kind;
  e->positive = positive;
  e->phrase_id = SIZE_MAX;
  int rc = BG_OK;
  char t[BG_TERM_MAX];
  switch (q->kind) {
  case BG_Q_PHRASE:
    rc = compile_phrase(c, q, e);
    if (rc == BG_EQUERY) {
      bg_err_set(err, BG_EQUERY, "nothing searchable in '%s' at character %zu",
                 q->text, q->pos);
      goto fail;
    }
    if (rc != BG_OK) goto oom;
    if (push(&c->all_phrases, &c->nall, &c->allcap, e) != BG_OK) goto oom;
    if (positive) {
      e->phrase_id = c->nphrases;
      if (push(&c->phrases, &c->nphrases, &c->cap, e) != BG_OK) goto oom;
    }
    break;
  case BG_Q_YEAR:
    e->year_lo = q->year_lo;
    e->year_hi = q->year_hi;
    break;
  case BG_Q_REGION: {
    size_t tl = 0;
    rc = region_term(c->r, c->units.fold, q, t, &tl, err);
    if (rc == BG_ENOMEM) goto oom;
    if (rc != BG_OK) goto fail;
    if (term_dup(&e->filter, t, tl) != BG_OK) goto oom;
    break;
  }
  case BG_Q_REPORT: {
    size_t tl = bg_term_prefixed(BG_PREFIX_ID, q->text, q->len, t, sizeof t);
    if (!tl) {
      rc = bg_err_set(err, BG_EQUERY, "report id too long at character %zu",
                      q->pos);
      goto fail;
    }
    if (term_dup(&e->filter, t, tl) != BG_OK) goto oom;
    break;
  }
  default:
    break;
  }
  if (q->nkids) {
    e->kids = bg_calloc(q->nkids, sizeof *e->kids);
    if (!e->kids) goto oom;
    for (size_t i = 0; i < q->nkids; i++) {
      int kpos = q->kind == BG_Q_NOT ? !positive : positive;
      rc = compile(c, q->kids[i], kpos, &e->kids[e->nkids], err);
      if (rc != BG_OK) goto fail;
      e->nkids++;
    }
  }
  *out = e;
  return BG_OK;
oom:
  rc = bg_err_set(err, BG_ENOMEM, "out of memory");
fail:
  bg_mnode_free(e);
  return rc;
}

static int is_filter(const bg_mnode *e) {
  return e->kind == BG_Q_YEAR || e->kind == BG_Q_REGION ||
         e->kind == BG_Q_REPORT;
}

/* Whether a subtree is made only of filters (so it selects whole reports
 * and its NOT can exclude reports in Xapian). */
static int only_filters(const bg_mnode *e) {
  if (is_filter(e)) return 1;
  if (e->kind == BG_Q_PHRASE) return 0;
  for (size_t i = 0; i < e->nkids; i++)
    if (!only_filters(e->kids[i])) return 0;
  return 1;
}

/* Marks filters that Xapian applies to every candidate: the root, and the
 * positive children of a root AND. */
static void mark_guaranteed(bg_mnode *root) {
  if (is_filter(root)) {
    root->guaranteed = 1;
    return;
  }
  if (root->kind != BG_Q_AND) return;
  for (size_t i = 0; i < root->nkids; i++)
    if (is_filter(root->kids[i])) root->kids[i]->guaranteed = 1;
}

/* The Xapian query for the reports that can match e. */
static bg_xq *candidates(const bg_mnode *e) {
  switch (e->kind) {
  case BG_Q_PHRASE: {
    /* Reports holding every pair of the phrase.  Past 8 units, every
     * other pair (and the last), which hold every unit: they are already
     * rare together, and each other posting list costs more to open than
     * the few reports it would spare the position check. */
    if (e->nunits == 1) return bg_xq_term(e->units[0].s, e->units[0].len);
    bg_mterm *cover = NULL;
    const bg_mterm *t = e->pairs;
    size_t n = e->nunits - 1;
    if (e->nunits > 8) {
      if (!(cover = bg_malloc(e->nunits * sizeof *cover))) return NULL;
      n = cover_pairs(e, cover, NULL);
      t = cover;
    }
    bg_xq *q = bg_xq_term(t[0].s, t[0].len);
    for (size_t i = 1; i < n && q; i++)
      q = bg_xq_and(q, bg_xq_term(t[i].s, t[i].len));
    free(cover);
    return q;
  }
  case BG_Q_YEAR:
    return bg_xq_range(BG_SLOT_YEAR, e->year_lo, e->year_hi);
  case BG_Q_REGION:
  case BG_Q_REPORT:
    return bg_xq_term(e->filter.s, e->filter.len);
  case BG_Q_NOT:
    if (only_filters(e->kids[0]))
      return bg_xq_and_not(bg_xq_all(), candidates(e->kids[0]));
    return bg_xq_all();
  case BG_Q_AND: {
    bg_xq *q = NULL;
    for (size_t i = 0; i < e->nkids; i++) {
      const bg_mnode *k = e->kids[i];
      if (k->kind == BG_Q_NOT) continue;
      bg_xq *kq = candidates(k);
      if (!kq) {
        bg_xq_free(q);
        return NULL;
      }
      q = q ? bg_xq_and(q, kq) : kq;
      if (!q) return NULL;
    }
    if (!q) q = bg_xq_all();
    for (size_t i = 0; i < e->nkids && q; i++) {
      const bg_mnode *k = e->kids[i];
      if (k->kind == BG_Q_NOT && only_filters(k->kids[0]))
        q = bg_xq_and_not(q, candidates(k->kids[0]));
    }
    return q;
  }
  case BG_Q_OR: {
    bg_xq *q = candidates(e->kids[0]);
    for (size_t i = 1; i < e->nkids && q; i++)
      q = bg_xq_or(q, candidates(e->kids[i]));
    return q;
  }
  }
  return NULL;
}

/* ---- per document evaluation ---- */

typedef struct doc {
  uint32_t did;
  int year;
  char *id;
} doc;

typedef struct cand {
  uint32_t doc;   /* index into docs */
  uint32_t para;  /* 0-based */
  uint32_t tf_at; /* index of this paragraph's tf vector in the tf pool */
  uint32_t dl;    /* units in the paragraph */
  double score;
} cand;

typedef struct run {
  bg_reader *r;
  compiler c;
  bg_mnode *root;
  bg_match m; /* the matcher, and its scratch (match.h) */
  /* results */
  doc *docs;
  size_t ndocs, docs_cap;
  cand *cands;
  size_t ncands, cands_cap;
  uint32_t *tf; /* nphrases per candidate */
  size_t ntf, tf_cap;
  uint64_t *df; /* per positive phrase */
  bg_err *err;
  /* scans (bg_scan): a callback per matching report instead of ranking */
  bg_scan_fn scan;
  void *scan_ctx;
  int counts_only; /* bg_scan_counts(): counts from postings when it can */
  /* searches: the first `top` hits in `sort` order are all that is needed
   * (0: every hit); exact: the totals below come from postings and only
   * the reports that can hold one of those hits were evaluated */
  size_t top;
  bg_sort sort;
  int exact;
  uint64_t ex_total, ex_reports, ex_occ;
  bg_occ *occs;
  size_t occs_cap;
  bg_docdata *scan_data;
  /* cursors over the paragraph table, year and id slots (candidates come
   * in ascending docid order) */
  bg_xvals *vparas, *vyear, *vid;
} run;

/* Sets R's error to the timeout of a query that ran past timeout_ms. */
static int timed_out(run *R, double timeout_ms) {
  return bg_match_timed_out(&R->m, timeout_ms);
}

static int cmp_occ(const void *a, const void *b) {
  const bg_occ *x = a, *y = b;
  if (x->para != y->para) return x->para < y->para ? -1 : 1;
  if (x->unit != y->unit) return x->unit < y->unit ? -1 : 1;
  if (x->nunits != y->nunits) return x->nunits < y->nunits ? -1 : 1;
  return x->phrase < y->phrase ? -1 : x->phrase > y->phrase;
}

/* Hands one matching report to the scan callback: its matching paragraphs
 * and every occurrence of the query's phrases in them. */
static int scan_doc(run *R, const doc *d, const bg_pset *res) {
  size_t n = 0;
  for (size_t ph = 0; ph < R->c.nphrases; ph++) {
    const bg_mnode *e = R->c.phrases[ph];
    size_t j = 0;
    for (size_t o = 0; o < e->nocc; o++) {
      uint32_t p = e->opara[o];
      while (j < res->n && res->v[j] < p) j++;
      if (j == res->n || res->v[j] != p) continue;
      if (bg_grow((void **)&R->occs, &R->occs_cap, n + 1, sizeof *R->occs))
        return bg_err_set(R->err, BG_ENOMEM, "out of memory");
      bg_occ *oc = &R->occs[n++];
      oc->para = p;
      oc->unit = e->occ[o] - R->m.paras[2 * p];
      oc->nunits = (uint32_t)e->nunits;
      oc->phrase = (uint32_t)ph;
    }
  }
  if (n > 1) qsort(R->occs, n, sizeof *R->occs, cmp_occ);
  /* The same phrase twice in a query is one occurrence, not two. */
  size_t w = 0;
  for (size_t i = 0; i < n; i++)
    if (w == 0 || R->occs[w - 1].para != R->occs[i].para ||
        R->occs[w - 1].unit != R->occs[i].unit ||
        R->occs[w - 1].nunits != R->occs[i].nunits)
      R->occs[w++] = R->occs[i];
  uint64_t units = 0;
  for (size_t i = 0; i < R->m.npara; i++) units += R->m.paras[2 * i + 1];
  bg_scan_doc sd = {d->did, d->year, d->id, res->v, res->n, R->occs, w,
                    R->m.npara, units, R};
  int rc = R->scan(R->scan_ctx, &sd);
  bg_docdata_free(R->scan_data);
  R->scan_data = NULL;
  return rc;
}

int bg_scan_para(const bg_scan_doc *d, uint32_t para, const char **text,
                 size_t *len, bg_err *err) {
  run *R = d->run;
  if (!R->scan_data) {
    int rc = bg_docdata_load(bg_reader_db(R->r), d->did, &R->scan_data, err);
    if (rc != BG_OK) return rc;
  }
  return bg_docdata_para(R->scan_data, para, text, len, err);
}

int bg_scan_meta(const bg_scan_doc *d, json_t **meta, bg_err *err) {
  run *R = d->run;
  if (!R->scan_data) {
    int rc = bg_docdata_load(bg_reader_db(R->r), d->did, &R->scan_data, err);
    if (rc != BG_OK) return rc;
  }
  *meta = bg_docdata_meta(R->scan_data);
  return BG_OK;
}

/* Evaluates the query in one candidate report and appends its matching
 * paragraphs to the candidates, with the tf of each positive phrase. */
static int eval_doc(run *R, uint32_t did) {
  bg_xdb *db = bg_reader_db(R->r);
  const char *v = NULL;
  size_t vl = 0;
  int rc = BG_OK;
  if ((!R->vparas &&
       (rc = bg_xvals_open(db, BG_SLOT_PARAS, &R->vparas, R->err)) != BG_OK) ||
      (!R->vyear &&
       (rc = bg_xvals_open(db, BG_SLOT_YEAR, &R->vyear, R->err)) != BG_OK) ||
      (!R->vid && (rc = bg_xvals_open(db, BG_SLOT_ID, &R->vid, R->err)) != BG_OK))
    return rc;
  if ((rc = bg_xvals_get(R->vparas, did, &v, &vl, R->err)) != BG_OK) return rc;
  rc = bg_paras_decode(v, vl, &R->m.paras, &R->m.paras_cap, &R->m.npara);
  if (rc != BG_OK)
    return bg_err_set(R->err, rc, "report %u: bad paragraph table", did);
  if (R->m.npara == 0) return BG_OK;
  int year = 0;
  if ((rc = bg_xvals_get(R->vyear, did, &v, &vl, R->err)) != BG_OK) return rc;
  if (vl) year = (int)bg_xap_unsortable(v, vl);
  for (size_t i = 0; i < R->c.nall; i++)
    if ((rc = bg_match_occurrences(&R->m, did, R->c.all_phrases[i])) != BG_OK)
      return rc;
  bg_pset res;
  if ((rc = bg_match_eval(&R->m, R->root, did, year, &res)) != BG_OK) return rc;
  if (res.n == 0) {
    free(res.v);
    return BG_OK;
  }
  /* Remember the report. */
  if (bg_grow((void **)&R->docs, &R->docs_cap, R->ndocs + 1, sizeof *R->docs))
    goto oom;
  doc *d = &R->docs[R->ndocs];
  d->did = did;
  d->year = year;
  if ((rc = bg_xvals_get(R->vid, did, &v, &vl, R->err)) != BG_OK) {
    free(res.v);
    return rc;
  }
  if (!(d->id = bg_strndup(v, vl))) goto oom;
  R->ndocs++;
  if (R->scan) {
    rc = scan_doc(R, d, &res);
    free(res.v);
    return rc;
  }
  /* Candidates with their tf vectors. */
  size_t np = R->c.nphrases;
  if (bg_grow((void **)&R->cands, &R->cands_cap, R->ncands + res.n,
           sizeof *R->cands) ||
      bg_grow((void **)&R->tf, &R->tf_cap, R->ntf + res.n * np + 1,
           sizeof *R->tf))
    goto oom;
  for (size_t i = 0; i < res.n; i++) {
    cand *c = &R->cands[R->ncands + i];
    c->doc = (uint32_t)(R->ndocs - 1);
    c->para = res.v[i];
    c->dl = R->m.paras[2 * res.v[i] + 1];
    c->tf_at = (uint32_t)(R->ntf + i * np);
    c->score = 0;
  }
  memset(R->tf + R->ntf, 0, res.n * np * sizeof *R->tf);
  for (size_t ph = 0; ph < np; ph++) {
    const bg_mnode *e = R->c.phrases[ph];
    size_t j = 0; /* walks res */
    size_t last_para = SIZE_MAX;
    for (size_t o = 0; o < e->nocc; o++) {
      uint32_t p = e->opara[o];
      if (p != last_para) {
        last_para = p;
        /* df: paragraphs holding the phrase, in any candidate report. */
        R->df[ph]++;
      }
      while (j < res.n && res.v[j] < p) j++;
      if (j < res.n && res.v[j] == p) R->tf[R->ntf + j * np + ph]++;
    }
  }
  R->ncands += res.n;
  R->ntf += res.n * np;
  free(res.v);
  return BG_OK;
oom:
  free(res.v);
  return bg_err_set(R->err, BG_ENOMEM, "out of memory");
}

/* ---- ranking ---- */

/* qsort has no context argument in C11: per thread, for the daemon */
static _Thread_local const run *sort_run;
static _Thread_local bg_sort sort_key;

static int cmp_ties(const cand *a, const cand *b) {
  const doc *da = &sort_run->docs[a->doc], *db = &sort_run->docs[b->doc];
  if (da->year != db->year) return da->year < db->year ? -1 : 1;
  int c = strcmp(da->id, db->id);
  if (c) return c;
  return a->para < b->para ? -1 : a->para > b->para;
}

static int cmp_cand(const void *pa, const void *pb) {
  const cand *a = pa, *b = pb;
  const doc *da = &sort_run->docs[a->doc], *db = &sort_run->docs[b->doc];
  switch (sort_key) {
  case BG_SORT_RELEVANCE:
    if (a->score != b->score) return a->score > b->score ? -1 : 1;
    break;
  case BG_SORT_YEAR:
    break;
  case BG_SORT_YEAR_DESC:
    if (da->year != db->year) return da->year > db->year ? -1 : 1;
    break;
  }
  return cmp_ties(a, b);
}

static void sift_down(cand *h, size_t n, size_t i) {
  for (;;) {
    size_t l = 2 * i + 1, r = l + 1, w = i;
    /* The heap keeps the worst of the best k on top. */
    if (l < n && cmp_cand(&h[l], &h[w]) > 0) w = l;
    if (r < n && cmp_cand(&h[r], &h[w]) > 0) w = r;
    if (w == i) return;
    cand t = h[i];
    h[i] = h[w];
    h[w] = t;
    i = w;
  }
}

/* Moves the k first candidates in sort order to the front of c, sorted,
 * in O(n log k): a page of hits needs no sort of every match. */
static void top_k(cand *c, size_t n, size_t k) {
  if (k >= n / 2) {
    qsort(c, n, sizeof *c, cmp_cand);
    return;
  }
  if (k == 0) return;
  for (size_t i = k / 2; i-- > 0;) sift_down(c, k, i);
  for (size_t i = k; i < n; i++) {
    if (cmp_cand(&c[i], &c[0]) < 0) {
      c[0] = c[i];
      sift_down(c, k, 0);
    }
  }
  qsort(c, k, sizeof *c, cmp_cand);
}

/* N (paragraphs) and the average paragraph length of the index, for BM25. */
static void bm25_stats(bg_reader *r, double *nparas, double *avgdl) {
  *nparas = (double)bg_xdb_collfreq(bg_reader_db(r), BG_TERM_PARAS, strlen(BG_TERM_PARAS));
  double nunits =
      (double)bg_xdb_collfreq(bg_reader_db(r), BG_TERM_UNITS, strlen(BG_TERM_UNITS));
  *avgdl = *nparas > 0 && nunits > 0 ? nunits / *nparas : 1;
}

static double bm25_idf(double nparas, double df) {
  double n = nparas > df ? nparas : df;
  return log(1.0 + (n - df + 0.5) / (df + 0.5));
}

/* BM25's length normalization of a paragraph of dl units. */
static double bm25_norm(double dl, double avgdl) {
  return BM25_K1 * (1 - BM25_B + BM25_B * dl / avgdl);
}

/* One phrase's part of a paragraph's score. */
static double bm25_part(double idf, double tf, double norm) {
  return idf * tf * (BM25_K1 + 1) / (tf + norm);
}

/* Rounded so that scores compare equal across machines and builds. */
static double bm25_round(double s) { return round(s * 1e6) / 1e6; }

/* A paragraph's score for one phrase: what score_all() gives it, so that
 * a bound made with it compares exactly with the scores. */
static double bm25(double idf, double tf, double dl, double avgdl) {
  return bm25_round(bm25_part(idf, tf, bm25_norm(dl, avgdl)));
}

static int score_all(run *R, double nparas, double avgdl) {
  size_t np = R->c.nphrases;
  double *idf = bg_calloc(np + 1, sizeof *idf);
  if (!idf) return bg_err_set(R->err, BG_ENOMEM, "out of memory");
  for (size_t ph = 0; ph < np; ph++) idf[ph] = bm25_idf(nparas, (double)R->df[ph]);
  for (size_t i = 0; i < R->ncands; i++) {
    cand *c = &R->cands[i];
    double s = 0;
    double norm = bm25_norm(c->dl, avgdl);
    for (size_t ph = 0; ph < np; ph++) {
      double tf = R->tf[c->tf_at + ph];
      if (tf > 0) s += bm25_part(idf[ph], tf, norm);
    }
    c->score = bm25_round(s);
  }
  free(idf);
  return BG_OK;
}

/* ---- hits ---- */

static int add_match(bg_hit *h, size_t *cap, uint32_t s, uint32_t e) {
  if (h->nmatches * 2 + 2 > *cap) {
    size_t nc = *cap ? *cap * 2 : 16;
    uint32_t *nm = bg_realloc(h->matches, nc * sizeof *nm);
    if (!nm) return BG_ENOMEM;
    h->matches = nm;
    *cap = nc;
  }
  h->matches[2 * h->nmatches] = s;
  h->matches[2 * h->nmatches + 1] = e;
  h->nmatches++;
  return BG_OK;
}

static int cmp_match(const void *a, const void *b) {
  const uint32_t *x = a, *y = b;
  if (x[0] != y[0]) return x[0] < y[0] ? -1 : 1;
  return x[1] < y[1] ? -1 : x[1] > y[1];
}

/* Every occurrence of every positive phrase in the hit's text, as source
 * code-point ranges: the paragraph is tokenized again with the same
 * tokenizer the index used, so unit i here is unit i there. */
static int highlight(run *R, bg_hit *h) {
  bg_units *u = &R->c.units;
  if (bg_units_tokenize(u, h->text, h->text_len) != BG_OK) return BG_ENOMEM;
  char t[BG_TERM_MAX];
  size_t n = u->n;
  bg_mterm *pt = bg_calloc(n + 1, sizeof *pt);
  if (!pt) return BG_ENOMEM;
  int rc = BG_OK;
  for (size_t i = 0; i < n && rc == BG_OK; i++) {
    size_t tl = bg_term_unit(u, i, t);
    rc = term_dup(&pt[i], t, tl);
  }
  size_t cap = 0;
  for (size_t ph = 0; ph < R->c.nphrases && rc == BG_OK; ph++) {
    const bg_mnode *e = R->c.phrases[ph];
    for (size_t i = 0; i + e->nunits <= n && rc == BG_OK; i++) {
      size_t k = 0;
      while (k < e->nunits && pt[i + k].len == e->units[k].len &&
             !memcmp(pt[i + k].s, e->units[k].s, e->units[k].len))
        k++;
      if (k == e->nunits)
        rc = add_match(h, &cap, u->u[i].src_start,
                       u->u[i + e->nunits - 1].src_end);
    }
  }
  for (size_t i = 0; i < n; i++) free(pt[i].s);
  free(pt);
  if (rc == BG_OK && h->nmatches > 1)
    qsort(h->matches, h->nmatches, 2 * sizeof *h->matches, cmp_match);
  /* Duplicates arise when a phrase appears twice in the query. */
  if (rc == BG_OK && h->nmatches > 1) {
    size_t w = 1;
    for (size_t i = 1; i < h->nmatches; i++) {
      if (h->matches[2 * i] == h->matches[2 * (w - 1)] &&
          h->matches[2 * i + 1] == h->matches[2 * (w - 1) + 1])
        continue;
      h->matches[2 * w] = h->matches[2 * i];
      h->matches[2 * w + 1] = h->matches[2 * i + 1];
      w++;
    }
    h->nmatches = w;
  }
  return rc;
}

int bg_hit_section_path(const bg_docdata *d, size_t p, bg_hit *h, bg_err *err) {
  int limit = bg_docdata_level(d, p);
  if (limit == 0) limit = 256;
  size_t idx[16];
  size_t n = 0;
  for (size_t i = p; i-- > 0 && n < 16;) {
    int lv = bg_docdata_level(d, i);
    if (lv > 0 && lv < limit) {
      idx[n++] = i;
      limit = lv;
      if (lv == 1) break;
    }
  }
  h->section = bg_calloc(n + 1, sizeof *h->section);
  if (!h->section) return bg_err_set(err, BG_ENOMEM, "out of memory");
  for (size_t k = 0; k < n; k++) {
    const char *t;
    size_t len;
    if (bg_docdata_title(d, idx[n - 1 - k], &t, &len) != BG_OK)
      return bg_err_set(err, BG_ECORRUPT, "stored heading is missing");
    h->section[k] = bg_strndup(t, len);
    if (!h->section[k]) return bg_err_set(err, BG_ENOMEM, "out of memory");
    h->nsection++;
  }
  return BG_OK;
}

static _Thread_local const run *order_run;
static _Thread_local const size_t *order_pick;

static int cmp_by_doc(const void *a, const void *b) {
  size_t x = *(const size_t *)a, y = *(const size_t *)b;
  const cand *ca = &order_run->cands[order_pick[x]];
  const cand *cb = &order_run->cands[order_pick[y]];
  if (ca->doc != cb->doc) return ca->doc < cb->doc ? -1 : 1;
  return x < y ? -1 : x > y;
}

/* Fills hits[0, n) from candidates R->cands[pick[i]], loading each report's
 * stored data once. */
static int fill_hits(run *R, const size_t *pick, size_t n, bg_hit *hits) {
  size_t *ord = bg_malloc((n + 1) * sizeof *ord);
  if (!ord) return bg_err_set(R->err, BG_ENOMEM, "out of memory");
  for (size_t i = 0; i < n; i++) ord[i] = i;
  order_run = R;
  order_pick = pick;
  qsort(ord, n, sizeof *ord, cmp_by_doc);
  bg_docdata *d = NULL;
  uint32_t loaded = UINT32_MAX;
  int rc = BG_OK;
  for (size_t k = 0; k < n && rc == BG_OK; k++) {
    size_t i = ord[k];
    const cand *c = &R->cands[pick[i]];
    const doc *dc = &R->docs[c->doc];
    bg_hit *h = &hits[i];
    if ((k & 63) == 0 && bg_cancelled()) {
      rc = bg_err_set(R->err, BG_ETIMEOUT,
                      "the query's page of hits took longer than its time "
                      "limit; ask for fewer hits (limit) or narrow it");
      break;
    }
    if (c->doc != loaded) {
      bg_docdata_free(d);
      d = NULL;
      if ((rc = bg_docdata_load(bg_reader_db(R->r), dc->did, &d, R->err)) != BG_OK)
        break;
      loaded = c->doc;
    }
    const char *t;
    size_t tl;
    if ((rc = bg_docdata_para(d, c->para, &t, &tl, R->err)) != BG_OK)
      break;
    h->text = bg_strndup(t, tl);
    h->text_len = tl;
    h->report = bg_strdup(dc->id);
    json_t *reg = json_object_get(bg_docdata_meta(d), "region");
    h->region = bg_strdup(json_is_string(reg) ? json_string_value(reg) : "");
    if (!h->text || !h->report || !h->region) {
      rc = bg_err_set(R->err, BG_ENOMEM, "out of memory");
      break;
    }
    h->year = dc->year;
    h->para = c->para + 1;
    h->score = c->score;
    if ((rc = bg_hit_section_path(d, c->para, h, R->err)) != BG_OK) break;
    if (bg_cancel_charge(tl + 128)) {
      rc = bg_err_set(R->err, BG_ETOOLARGE,
                      "the hits would hold more than %zu MB of text: ask "
                      "for fewer (limit) or narrow the query",
                      bg_cancel_max() >> 20);
      break;
    }
    if (highlight(R, h) != BG_OK)
      rc = bg_err_set(R->err, BG_ENOMEM, "out of memory");
  }
  bg_docdata_free(d);
  free(ord);
  return rc;
}

void bg_results_free(bg_results *res) {
  if (!res) return;
  for (size_t i = 0; i < res->nhits; i++) {
    bg_hit *h = &res->hits[i];
    free(h->report);
    free(h->region);
    for (size_t k = 0; k < h->nsection; k++) free(h->section[k]);
    free(h->section);
    free(h->text);
    free(h->matches);
  }
  free(res->hits);
  free(res->query);
  free(res);
}

static void run_free(run *R) {
  bg_xvals_free(R->vparas);
  bg_xvals_free(R->vyear);
  bg_xvals_free(R->vid);
  free(R->occs);
  bg_docdata_free(R->scan_data);
  bg_mnode_free(R->root);
  bg_units_reset(&R->c.units);
  free(R->c.phrases);
  free(R->c.all_phrases);
  bg_match_reset(&R->m);
  for (size_t i = 0; i < R->ndocs; i++) free(R->docs[i].id);
  free(R->docs);
  free(R->cands);
  free(R->tf);
  free(R->df);
}

/* ---- counts from postings ---- */

/* The phrase of a query that is one phrase of 1 or 2 units, alone or with
 * filters Xapian applies to every candidate: its unit or pair term's wdf
 * in a report is the phrase's occurrences there.  NULL otherwise. */
static const bg_mnode *short_phrase(const bg_mnode *root) {
  const bg_mnode *ph = NULL;
  if (root->kind == BG_Q_PHRASE) {
    ph = root;
  } else if (root->kind == BG_Q_AND) {
    for (size_t i = 0; i < root->nkids; i++) {
      const bg_mnode *k = root->kids[i];
      if (k->kind == BG_Q_PHRASE && !ph)
        ph = k;
      else if (!is_filter(k) || !k->guaranteed)
        return NULL;
    }
  }
  return ph && ph->nunits >= 1 && ph->nunits <= 2 ? ph : NULL;
}

/* The candidate reports of a query whose phrase ph is short
 * (short_phrase()), ascending, with the phrase's occurrences in each
 * (its term's wdf) and those beyond the first of each paragraph (the
 * BG_PREFIX_EXTRA term's wdf). */
static int short_counts(run *R, const bg_mnode *ph, uint32_t **ids, size_t *nids,
                        uint32_t **occ, uint32_t **extra) {
  bg_xdb *db = bg_reader_db(R->r);
  char xt[BG_TERM_MAX];
  const bg_mterm *t = ph->nunits == 1 ? &ph->units[0] : &ph->pairs[0];
  size_t pl = strlen(BG_PREFIX_EXTRA);
  *ids = *occ = *extra = NULL;
  *nids = 0;
  bg_xq *xq = candidates(R->root);
  int rc = xq ? BG_OK : bg_err_set(R->err, BG_ENOMEM, "out of memory");
  if (rc == BG_OK) rc = bg_xdb_match(db, xq, ids, nids, R->err);
  bg_xq_free(xq);
  if (rc == BG_OK && (!(*occ = bg_malloc((*nids + 1) * sizeof **occ)) ||
                      !(*extra = bg_malloc((*nids + 1) * sizeof **extra))))
    rc = bg_err_set(R->err, BG_ENOMEM, "out of memory");
  if (rc == BG_OK && pl + t->len > sizeof xt)
    rc = bg_err_set(R->err, BG_EINVAL, "term too long");
  if (rc == BG_OK) {
    memcpy(xt, BG_PREFIX_EXTRA, pl);
    memcpy(xt + pl, t->s, t->len);
    rc = bg_xdb_wdfs(db, t->s, t->len, *ids, *nids, *occ, R->err);
  }
  if (rc == BG_OK)
    rc = bg_xdb_wdfs(db, xt, pl + t->len, *ids, *nids, *extra, R->err);
  for (size_t i = 0; i < *nids && rc == BG_OK; i++)
    if ((*occ)[i] > 0 && (*extra)[i] >= (*occ)[i])
      rc = bg_err_set(R->err, BG_EINVAL,
                      "report %u: inconsistent occurrence counts", (*ids)[i]);
  return rc;
}

/* The year and id of report did into *year and a NUL-terminated copy in
 * *id (grown as needed). */
static int year_and_id(run *R, uint32_t did, int *year, char **id,
                       size_t *id_cap) {
  const char *v;
  size_t vl;
  int rc;
  if ((!R->vyear &&
       (rc = bg_xvals_open(bg_reader_db(R->r), BG_SLOT_YEAR, &R->vyear, R->err)) !=
           BG_OK) ||
      (!R->vid &&
       (rc = bg_xvals_open(bg_reader_db(R->r), BG_SLOT_ID, &R->vid, R->err)) != BG_OK))
    return rc;
  if ((rc = bg_xvals_get(R->vyear, did, &v, &vl, R->err)) != BG_OK) return rc;
  *year = vl ? (int)bg_xap_unsortable(v, vl) : 0;
  if ((rc = bg_xvals_get(R->vid, did, &v, &vl, R->err)) != BG_OK) return rc;
  if (bg_grow((void **)id, id_cap, vl + 1, 1))
    return bg_err_set(R->err, BG_ENOMEM, "out of memory");
  memcpy(*id, v, vl);
  (*id)[vl] = '\0';
  return BG_OK;
}

/* bg_scan_counts() for a short phrase ph: reports, occurrences and
 * paragraphs from postings, without position lists. */
static int counts_from_postings(run *R, const bg_mnode *ph, double timeout_ms,
                                double deadline) {
  uint32_t *ids, *occ, *extra;
  size_t nids;
  char *id = NULL;
  size_t id_cap = 0;
  int rc = short_counts(R, ph, &ids, &nids, &occ, &extra);
  for (size_t i = 0; i < nids && rc == BG_OK; i++) {
    if ((i & 255) == 0 && bg_match_late(timeout_ms, deadline)) {
      rc = timed_out(R, timeout_ms);
      break;
    }
    if (occ[i] == 0) continue;
    int year;
    if ((rc = year_and_id(R, ids[i], &year, &id, &id_cap)) != BG_OK) break;
    bg_scan_doc sd = {ids[i], year, id, NULL, occ[i] - extra[i], NULL,
                      occ[i], 0, 0, NULL};
    rc = R->scan(R->scan_ctx, &sd);
  }
  free(ids);
  free(occ);
  free(extra);
  free(id);
  return rc;
}

/* Evaluates the query in reports ids[0, nids) (ascending), reading their
 * position lists ahead term by term when there are many (one local
 * database only; through shards or a remote one the term list read would
 * cost more than it saves).  ids continue after the reports evaluated
 * before, or rewind_values() comes first. */
static int eval_docs(run *R, const uint32_t *ids, size_t nids,
                     double timeout_ms, double deadline) {
  int ahead = nids >= BG_MATCH_PF_MIN_REPORTS && bg_reader_signature(R->r) &&
              R->m.npf;
  size_t batch_end = 0;
  int rc;
  for (size_t i = 0; i < nids; i++) {
    if (bg_match_late(timeout_ms, deadline)) return timed_out(R, timeout_ms);
    if (ahead && i == batch_end) {
      size_t batch = 1;
      if ((rc = bg_match_read_ahead(&R->m, ids + i, nids - i, &batch, timeout_ms,
                           deadline)) != BG_OK)
        return rc;
      batch_end = i + batch;
    }
    if ((rc = eval_doc(R, ids[i])) != BG_OK) return rc;
  }
  return BG_OK;
}

/* Forgets the value stream cursors, so that the next reads can start
 * from a lower document. */
static void rewind_values(run *R) {
  bg_xvals_free(R->vparas);
  bg_xvals_free(R->vyear);
  bg_xvals_free(R->vid);
  R->vparas = R->vyear = R->vid = NULL;
}

/* Reports of a short phrase in the order of year sorts. */
typedef struct rkey {
  uint32_t did, paras;
  int year;
  char *id;
} rkey;

static _Thread_local bg_sort rkey_sort;

static int cmp_rkey(const void *pa, const void *pb) {
  const rkey *a = pa, *b = pb;
  if (rkey_sort == BG_SORT_YEAR_DESC && a->year != b->year)
    return a->year > b->year ? -1 : 1;
  if (a->year != b->year) return a->year < b->year ? -1 : 1;
  return strcmp(a->id, b->id);
}

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

/* By year: the first R->top hits lie in the first reports in (year, id)
 * order whose paragraphs reach R->top; only those are evaluated. */
static int top_by_year(run *R, const uint32_t *ids, size_t nids,
                       const uint32_t *occ, const uint32_t *extra,
                       double timeout_ms, double deadline) {
  rkey *keys = bg_calloc(R->ex_reports + 1, sizeof *keys);
  uint32_t *sel = bg_malloc((R->ex_reports + 1) * sizeof *sel);
  char *id = NULL;
  size_t nk = 0, id_cap = 0;
  int rc = keys && sel ? BG_OK
                       : bg_err_set(R->err, BG_ENOMEM, "out of memory");
  for (size_t i = 0; i < nids && rc == BG_OK; i++) {
    if (occ[i] == 0) continue;
    rkey *k = &keys[nk];
    k->did = ids[i];
    k->paras = occ[i] - extra[i];
    if ((rc = year_and_id(R, ids[i], &k->year, &id, &id_cap)) == BG_OK &&
        !(k->id = bg_strdup(id)))
      rc = bg_err_set(R->err, BG_ENOMEM, "out of memory");
    if (rc == BG_OK) nk++;
  }
  if (rc == BG_OK) {
    rkey_sort = R->sort;
    qsort(keys, nk, sizeof *keys, cmp_rkey);
    size_t n = 0;
    for (uint64_t got = 0; n < nk && got < R->top; n++) {
      got += keys[n].paras;
      sel[n] = keys[n].did;
    }
    if (n > 1) qsort(sel, n, sizeof *sel, cmp_u32);
    rewind_values(R);
    rc = eval_docs(R, sel, n, timeout_ms, deadline);
  }
  for (size_t i = 0; keys && i < nk; i++) free(keys[i].id);
  free(keys);
  free(sel);
  free(id);
  return rc;
}

/* A min-heap of the R->top best scores so far. */
static void heap_push(double *h, size_t *n, size_t k, double s) {
  size_t i;
  if (*n < k) {
    for (i = (*n)++; i > 0 && h[(i - 1) / 2] > s; i = (i - 1) / 2)
      h[i] = h[(i - 1) / 2];
    h[i] = s;
    return;
  }
  if (s <= h[0]) return;
  for (i = 0;;) {
    size_t l = 2 * i + 1, r = l + 1, m = l;
    if (l >= k) break;
    if (r < k && h[r] < h[l]) m = r;
    if (h[m] >= s) break;
    h[i] = h[m];
    i = m;
  }
  h[i] = s;
}

#define TOP_BATCH 256

/* By relevance: the reports are taken in document order, in batches
 * growing from 16 to TOP_BATCH; once
 * R->top paragraphs have scores, a report whose bound is below the
 * lowest of the best R->top cannot hold a hit and is skipped without
 * reading its positions.  The bound is the score of a paragraph as short
 * as the report's shortest that can hold the phrase, with as many
 * occurrences as the report can put in one paragraph (its extra
 * occurrences plus one), from BG_SLOT_SHORTEST.  A bound equal to that score is evaluated: ties
 * go to the order of year, id and paragraph. */
static int top_by_relevance(run *R, const bg_mnode *ph, const uint32_t *ids,
                            size_t nids, const uint32_t *occ,
                            const uint32_t *extra, double timeout_ms,
                            double deadline) {
  double nparas, avgdl;
  bm25_stats(R->r, &nparas, &avgdl);
  double idf = bm25_idf(nparas, (double)R->ex_total);
  size_t k = R->top < R->ex_total ? R->top : (size_t)R->ex_total;
  double *heap = bg_malloc(k * sizeof *heap);
  uint32_t *sel = bg_malloc(TOP_BATCH * sizeof *sel);
  size_t nheap = 0;
  bg_xvals *vb = NULL;
  int rc = heap && sel ? BG_OK
                       : bg_err_set(R->err, BG_ENOMEM, "out of memory");
  for (size_t i = 0, batch = 16; i < nids && rc == BG_OK;) {
    double beat = nheap == k && k < R->ex_total ? heap[0] : -INFINITY;
    size_t nsel = 0;
    for (; i < nids && nsel < batch && rc == BG_OK; i++) {
      if (occ[i] == 0) continue;
      if (beat > -INFINITY) {
        const char *v;
        size_t vl;
        if ((!vb && (rc = bg_xvals_open(bg_reader_db(R->r), BG_SLOT_SHORTEST, &vb,
                                        R->err)) != BG_OK) ||
            (rc = bg_xvals_get(vb, ids[i], &v, &vl, R->err)) != BG_OK)
          break;
        const unsigned char *u = (const unsigned char *)v + 2 * (ph->nunits - 1);
        if (vl == 4 &&
            bm25(idf, (double)extra[i] + 1, u[0] | (unsigned)u[1] << 8,
                 avgdl) < beat)
          continue;
      }
      sel[nsel++] = ids[i];
    }
    if (batch < TOP_BATCH) batch *= 2;
    size_t c0 = R->ncands;
    if (rc == BG_OK) rc = eval_docs(R, sel, nsel, timeout_ms, deadline);
    for (size_t c = c0; c < R->ncands && rc == BG_OK; c++)
      heap_push(heap, &nheap, k,
                bm25(idf, R->tf[R->cands[c].tf_at], R->cands[c].dl, avgdl));
  }
  bg_xvals_free(vb);
  free(heap);
  free(sel);
  return rc;
}

/* A search for a short phrase ph (short_phrase()) that needs the first
 * R->top hits: the totals come from postings (short_counts()), and
 * positions are read only in the reports that can hold one of those
 * hits. */
static int evaluate_top(run *R, const bg_mnode *ph, double timeout_ms,
                        double deadline) {
  uint32_t *ids, *occ, *extra;
  size_t nids;
  int rc = short_counts(R, ph, &ids, &nids, &occ, &extra);
  if (rc == BG_OK) {
    R->exact = 1;
    for (size_t i = 0; i < nids; i++) {
      if (occ[i] == 0) continue;
      R->ex_reports++;
      R->ex_occ += occ[i];
      R->ex_total += occ[i] - extra[i];
    }
    if (R->ex_reports && (rc = bg_match_pf_setup(&R->m, R->c.all_phrases, R->c.nall,
                                          R->ex_reports)) == BG_OK)
      rc = R->sort == BG_SORT_RELEVANCE
               ? top_by_relevance(R, ph, ids, nids, occ, extra, timeout_ms,
                                  deadline)
               : top_by_year(R, ids, nids, occ, extra, timeout_ms, deadline);
    /* BM25's df: every paragraph with the phrase, evaluated or not. */
    R->df[0] = R->ex_total;
  }
  free(ids);
  free(occ);
  free(extra);
  return rc;
}

/* Compiles q into R and evaluates it in every candidate report, before
 * deadline when timeout_ms > 0.  The caller frees R with run_free(). */
static int evaluate(run *R, bg_reader *r, const bg_qnode *q,
                    double timeout_ms, double deadline, bg_err *err) {
  R->r = r;
  R->err = err;
  R->m.db = bg_reader_db(r);
  R->m.err = err;
  R->c.r = r;
  R->c.pair_pos = bg_xdb_pair_positions(R->m.db);
  bg_units_init(&R->c.units);
  bg_units_set_fold(&R->c.units, bg_reader_fold(r));
  uint32_t *ids = NULL;
  size_t nids = 0;
  bg_xq *xq = NULL;
  int rc = compile(&R->c, q, 1, &R->root, err);
  if (rc != BG_OK) goto done;
  mark_guaranteed(R->root);
  const bg_mnode *ph = short_phrase(R->root);
  int v4 = ph && bg_reader_v4(r);
  if (R->counts_only && v4) {
    rc = counts_from_postings(R, ph, timeout_ms, deadline);
    goto done;
  }
  if (!(R->df = bg_calloc(R->c.nphrases + 1, sizeof *R->df))) {
    rc = bg_err_set(err, BG_ENOMEM, "out of memory");
    goto done;
  }
  if (R->top && !R->scan && v4) {
    rc = evaluate_top(R, ph, timeout_ms, deadline);
    goto done;
  }
  if (!(xq = candidates(R->root))) {
    rc = bg_err_set(err, BG_ENOMEM, "out of memory");
    goto done;
  }
  if ((rc = bg_xdb_match(bg_reader_db(r), xq, &ids, &nids, err)) != BG_OK) goto done;
  if (nids >= BG_MATCH_PF_MIN_REPORTS && (rc = bg_match_pf_setup(&R->m, R->c.all_phrases, R->c.nall, nids)) != BG_OK) goto done;
  rc = eval_docs(R, ids, nids, timeout_ms, deadline);
done:
  bg_xq_free(xq);
  free(ids);
  return rc;
}

static int search_once(bg_reader *r, const bg_qnode *q,
                       const bg_search_opts *opts, double deadline,
                       bg_results *res, bg_err *err) {
  run R;
  memset(&R, 0, sizeof R);
  size_t *pick = NULL;
  R.top = opts->all ? 0 : opts->offset + opts->limit;
  if (R.top < opts->offset) R.top = 0; /* overflow: every hit */
  R.sort = opts->sort;
  int rc = evaluate(&R, r, q, opts->timeout_ms, deadline, err);
  if (rc != BG_OK) goto done;
  /* Rank. */
  double nparas, avgdl;
  bm25_stats(r, &nparas, &avgdl);
  if (R.c.nphrases && (rc = score_all(&R, nparas, avgdl)) != BG_OK)
    goto done;
  sort_run = &R;
  sort_key = opts->sort;
  if (R.ncands > 1)
    top_k(R.cands, R.ncands,
          opts->all ? R.ncands : opts->offset + opts->limit);
  res->total = R.exact ? R.ex_total : R.ncands;
  res->reports = R.exact ? R.ex_reports : R.ndocs;
  res->occurrences = R.exact ? R.ex_occ : 0;
  for (size_t i = 0; i < R.ntf && !R.exact; i++) res->occurrences += R.tf[i];
  /* The page. */
  size_t from = opts->offset < R.ncands ? opts->offset : R.ncands;
  size_t n = R.ncands - from;
  if (!opts->all && n > opts->limit) n = opts->limit;
  res->hits = bg_calloc(n + 1, sizeof *res->hits);
  pick = bg_malloc((n + 1) * sizeof *pick);
  if (!res->hits || !pick) {
    rc = bg_err_set(err, BG_ENOMEM, "out of memory");
    goto done;
  }
  res->nhits = n;
  for (size_t i = 0; i < n; i++) pick[i] = from + i;
  rc = fill_hits(&R, pick, n, res->hits);
done:
  free(pick);
  run_free(&R);
  return rc;
}

int bg_search(bg_reader *r, const char *q, size_t len,
              const bg_search_opts *opts, bg_results **out, bg_err *err) {
  *out = NULL;
  double t0 = bg_now_ms();
  bg_qnode *tree = NULL;
  int rc = bg_query_parse(q, len, &tree, err);
  if (rc != BG_OK) return rc;
  bg_results *res = NULL;
  /* A writer may commit while we read: start again on the new revision. */
  for (int attempt = 0; attempt < 3; attempt++) {
    bg_results_free(res);
    res = bg_calloc(1, sizeof *res);
    if (!res || !(res->query = bg_strndup(q, len))) {
      rc = bg_err_set(err, BG_ENOMEM, "out of memory");
      break;
    }
    res->offset = opts->offset;
    res->limit = opts->all ? 0 : opts->limit;
    rc = search_once(r, tree, opts, t0 + opts->timeout_ms, res, err);
    /* A commit moved the revision, or a compaction replaced the database
     * files under an open handle: reopen through the stub and retry. */
    if (rc != BG_EMODIFIED && rc != BG_ENOINDEX && rc != BG_ECORRUPT) break;
    int again = rc;
    if ((rc = bg_reader_refresh(r, NULL, err)) != BG_OK) break;
    rc = again;
  }
  bg_query_free(tree);
  if (rc != BG_OK) {
    bg_results_free(res);
    return rc;
  }
  res->took_ms = bg_now_ms() - t0;
  *out = res;
  return BG_OK;
}

static int scan(bg_reader *r, const char *q, size_t len, double timeout_ms,
                bg_scan_fn fn, void *ctx, int counts_only, bg_err *err) {
  double t0 = bg_now_ms();
  bg_qnode *tree = NULL;
  int rc = bg_query_parse(q, len, &tree, err);
  if (rc != BG_OK) return rc;
  run R;
  memset(&R, 0, sizeof R);
  R.scan = fn;
  R.scan_ctx = ctx;
  R.counts_only = counts_only;
  rc = evaluate(&R, r, tree, timeout_ms, t0 + timeout_ms, err);
  run_free(&R);
  bg_query_free(tree);
  return rc;
}

int bg_scan(bg_reader *r, const char *q, size_t len, double timeout_ms,
            bg_scan_fn fn, void *ctx, bg_err *err) {
  return scan(r, q, len, timeout_ms, fn, ctx, 0, err);
}

int bg_scan_counts(bg_reader *r, const char *q, size_t len, double timeout_ms,
                   bg_scan_fn fn, void *ctx, bg_err *err) {
  return scan(r, q, len, timeout_ms, fn, ctx, 1, err);
}

/* ---- the reports a query's filters keep ---- */

static int has_filter(const bg_mnode *e) {
  if (is_filter(e)) return 1;
  for (size_t i = 0; i < e->nkids; i++)
    if (has_filter(e->kids[i])) return 1;
  return 0;
}

/* The reports where e may hold for some text (*maybe) and where it holds
 * whatever the text (*sure), as Xapian queries: a phrase may hold in any
 * report and surely holds in none; a filter holds where it holds; NOT
 * swaps the two; AND and OR combine each.  NULL when memory runs out. */
static void filter_bounds(const bg_mnode *e, bg_xq **maybe, bg_xq **sure) {
  switch (e->kind) {
  case BG_Q_PHRASE:
    *maybe = bg_xq_all();
    *sure = bg_xq_none();
    return;
  case BG_Q_YEAR:
  case BG_Q_REGION:
  case BG_Q_REPORT:
    *maybe = candidates(e);
    *sure = candidates(e);
    return;
  case BG_Q_NOT: {
    bg_xq *km, *ks;
    filter_bounds(e->kids[0], &km, &ks);
    *maybe = bg_xq_and_not(bg_xq_all(), ks);
    *sure = bg_xq_and_not(bg_xq_all(), km);
    return;
  }
  case BG_Q_AND:
  case BG_Q_OR: {
    bg_xq *(*op)(bg_xq *, bg_xq *) = e->kind == BG_Q_AND ? bg_xq_and : bg_xq_or;
    filter_bounds(e->kids[0], maybe, sure);
    for (size_t i = 1; i < e->nkids; i++) {
      bg_xq *km, *ks;
      filter_bounds(e->kids[i], &km, &ks);
      *maybe = op(*maybe, km);
      *sure = op(*sure, ks);
    }
    return;
  }
  }
  *maybe = *sure = NULL;
}

void bg_ids_free(char **ids, size_t n) {
  if (!ids) return;
  for (size_t i = 0; i < n; i++) free(ids[i]);
  free(ids);
}

/* The ids of reports dids[0, n) into *out, sorted by strcmp. */
static int ids_of(bg_xdb *db, const uint32_t *dids, size_t n, char ***out,
                  bg_err *err) {
  char **ids = bg_calloc(n + 1, sizeof *ids);
  bg_xvals *vi = NULL;
  int rc = ids ? bg_xvals_open(db, BG_SLOT_ID, &vi, err)
               : bg_err_set(err, BG_ENOMEM, "out of memory");
  for (size_t i = 0; i < n && rc == BG_OK; i++) {
    const char *v;
    size_t vl;
    if ((rc = bg_xvals_get(vi, dids[i], &v, &vl, err)) != BG_OK) break;
    if (!(ids[i] = bg_strndup(v, vl)))
      rc = bg_err_set(err, BG_ENOMEM, "out of memory");
  }
  bg_xvals_free(vi);
  if (rc != BG_OK) {
    bg_ids_free(ids, n);
    return rc;
  }
  qsort(ids, n, sizeof *ids, bg_cmp_str);
  *out = ids;
  return BG_OK;
}

/* The first phrase of tree q in reading order, or NULL. */
static const bg_qnode *first_phrase(const bg_qnode *q) {
  if (q->kind == BG_Q_PHRASE) return q;
  for (size_t i = 0; i < q->nkids; i++) {
    const bg_qnode *p = first_phrase(q->kids[i]);
    if (p) return p;
  }
  return NULL;
}

/* Parses and compiles q[0, len) for reader r into *tree, *c (set up here)
 * and *root; with cmd, a phrase is BG_EQUERY naming cmd (a query of
 * filters only).  The caller releases all three, also on failure. */
static int compile_query(bg_reader *r, const char *q, size_t len,
                         const char *cmd, bg_qnode **tree, compiler *c,
                         bg_mnode **root, bg_err *err) {
  memset(c, 0, sizeof *c);
  c->r = r;
  bg_units_init(&c->units);
  bg_units_set_fold(&c->units, bg_reader_fold(r));
  *root = NULL;
  int rc = bg_query_parse(q, len, tree, err);
  if (rc != BG_OK) return rc;
  const bg_qnode *ph = cmd ? first_phrase(*tree) : NULL;
  if (ph)
    return bg_err_set(err, BG_EQUERY,
                      "'%s' at character %zu is not a filter: %s takes only "
                      "year:, region: and report: filters (with OR, NOT and "
                      "brackets), not phrases",
                      ph->text, ph->pos, cmd);
  return compile(c, *tree, 1, root, err);
}

int bg_query_kept(bg_reader *r, const char *q, size_t len, const char *cmd,
                  int *all, char ***ids, size_t *n, bg_err *err) {
  *all = 1;
  *ids = NULL;
  *n = 0;
  bg_qnode *tree = NULL;
  compiler c;
  bg_mnode *root;
  bg_xq *maybe = NULL, *sure = NULL;
  uint32_t *dids = NULL;
  size_t ndids = 0;
  int rc = compile_query(r, q, len, cmd, &tree, &c, &root, err);
  if (rc == BG_OK && has_filter(root)) {
    *all = 0;
    filter_bounds(root, &maybe, &sure);
    if (!maybe || !sure) rc = bg_err_set(err, BG_ENOMEM, "out of memory");
    if (rc == BG_OK) rc = bg_xdb_match(bg_reader_db(r), maybe, &dids, &ndids, err);
    if (rc == BG_OK) rc = ids_of(bg_reader_db(r), dids, ndids, ids, err);
    if (rc == BG_OK) *n = ndids;
  }
  bg_xq_free(maybe);
  bg_xq_free(sure);
  free(dids);
  bg_mnode_free(root);
  compiler_reset(&c);
  bg_query_free(tree);
  return rc;
}

int bg_filter_xq(bg_reader *r, const char *q, size_t len, const char *cmd,
                 bg_xq **out, bg_err *err) {
  *out = NULL;
  bg_qnode *tree = NULL;
  compiler c;
  bg_mnode *root;
  int rc = compile_query(r, q, len, cmd, &tree, &c, &root, err);
  if (rc == BG_OK && !(*out = candidates(root)))
    rc = bg_err_set(err, BG_ENOMEM, "out of memory");
  bg_mnode_free(root);
  compiler_reset(&c);
  bg_query_free(tree);
  return rc;
}

size_t bg_query_phrase_count(const char *q, size_t len) {
  bg_qnode *tree = NULL;
  if (bg_query_parse(q, len, &tree, NULL) != BG_OK) return 0;
  compiler c;
  memset(&c, 0, sizeof c);
  bg_units_init(&c.units);
  bg_mnode *root = NULL;
  size_t n = 0;
  if (compile(&c, tree, 1, &root, NULL) == BG_OK) n = c.nphrases;
  bg_mnode_free(root);
  compiler_reset(&c);
  bg_query_free(tree);
  return n;
}

int bg_reader_reports_filtered(bg_reader *r, const char *q, size_t len,
                               json_t **out, bg_err *err) {
  *out = NULL;
  int all = 0;
  char **ids = NULL;
  size_t nids = 0;
  json_t *every = NULL, *arr = NULL;
  int rc;
  if ((rc = bg_query_kept(r, q, len, "reports", &all, &ids, &nids, err)) !=
          BG_OK ||
      (rc = bg_reader_reports(r, &every, err)) != BG_OK)
    goto done;
  if (!(arr = json_array())) {
    rc = bg_err_set(err, BG_ENOMEM, "out of memory");
    goto done;
  }
  size_t i;
  json_t *m;
  json_array_foreach(every, i, m) {
    const char *id = json_string_value(json_object_get(m, "id"));
    if (id && (all || bsearch(&id, ids, nids, sizeof *ids, bg_cmp_str)) &&
        json_array_append(arr, m) != 0) {
      rc = bg_err_set(err, BG_ENOMEM, "out of memory");
      break;
    }
  }
done:
  if (rc == BG_OK)
    *out = arr;
  else
    json_decref(arr);
  json_decref(every);
  bg_ids_free(ids, nids);
  return rc;
}
