/*
 * keywords.c - keyness of phrases between two sets of reports (see
 * keywords.h).
 *
 * The first side's reports are cut into units together (tdoc.h) and its
 * CJK n-grams of 2 to 8 letters counted by hash, length by length; those
 * frequent enough, maximal and at word boundaries become candidates.  The
 * second side is read one report at a time, and each of its n-grams of a
 * candidate's length looked up among the candidates, so that its memory
 * does not grow with its size.
 */
#include "keywords.h"
#include "cancel.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "tdoc.h"
#include "util.h"

typedef struct cand {
  uint64_t h;
  uint32_t len, pos; /* units, and the first occurrence in side A */
  uint64_t a, b;
  size_t at; /* its occurrences in side A: pool[at, at + a) */
} cand;

static int cmp_cand(const void *pa, const void *pb) {
  const cand *a = pa, *b = pb;
  if (a->len != b->len) return a->len < b->len ? -1 : 1;
  return a->h < b->h ? -1 : a->h > b->h;
}

double bg_g2(double a, double na, double b, double nb) {
  double e1 = na * (a + b) / (na + nb), e2 = nb * (a + b) / (na + nb);
  double g = 0;
  if (a > 0) g += a * log(a / e1);
  if (b > 0) g += b * log(b / e2);
  return 2 * g;
}

void bg_keywords_free(bg_keywords_result *k) {
  if (!k) return;
  for (size_t i = 0; i < k->n; i++) free(k->k[i].phrase);
  free(k->k);
  free(k->query);
  free(k->vs);
  free(k);
}

static int blank(const char *s, size_t n) {
  for (size_t i = 0; s && i < n; i++)
    if (s[i] != ' ' && s[i] != '\t') return 0;
  return 1;
}

/* The report ids of one side: those filter query q keeps, sorted;
 * *all when q does not narrow the index. */
static int side(bg_reader *r, const char *q, size_t len, int *all,
                char ***ids, size_t *n, bg_err *err) {
  return bg_query_kept(r, q, len, "keywords", all, ids, n, err);
}

/* Every report id of the index but those of not[0, nnot) (sorted). */
static int rest(bg_reader *r, char **not, size_t nnot, char ***ids, size_t *n,
                bg_err *err) {
  bg_report_summary *s = NULL;
  size_t ns = 0;
  int rc = bg_reader_summaries(r, &s, &ns, err);
  if (rc != BG_OK) return rc;
  char **v = bg_calloc(ns + 1, sizeof *v);
  size_t k = 0;
  if (!v) rc = bg_err_set(err, BG_ENOMEM, "out of memory");
  for (size_t i = 0; i < ns && rc == BG_OK; i++) {
    const char *id = s[i].id;
    if (bsearch(&id, not, nnot, sizeof *not, bg_cmp_str)) continue;
    if (!(v[k++] = bg_strdup(id)))
      rc = bg_err_set(err, BG_ENOMEM, "out of memory");
  }
  bg_summaries_free(s, ns);
  if (rc != BG_OK) {
    bg_ids_free(v, k);
    return rc;
  }
  qsort(v, k, sizeof *v, bg_cmp_str);
  *ids = v;
  *n = k;
  return BG_OK;
}

static int timed_out(double t0, const bg_keywords_opts *o, bg_err *err) {
  if ((o->timeout_ms > 0 && bg_now_ms() - t0 > o->timeout_ms) ||
      bg_cancelled())
    return bg_err_set(err, BG_ETIMEOUT, "keywords took longer than %.0f ms",
                      o->timeout_ms);
  return BG_OK;
}

/* Side A's reports as one text: their paragraphs one after the other. */
typedef struct joined {
  bg_doc_text **docs;
  size_t ndocs;
  bg_doc_text all;
} joined;

static void joined_free(joined *J) {
  for (size_t i = 0; i < J->ndocs; i++) bg_doc_text_free(J->docs[i]);
  free(J->docs);
  free(J->all.para);
  free(J->all.len);
  memset(J, 0, sizeof *J);
}

static int join_reports(bg_reader *r, char **ids, size_t n, joined *J,
                        double t0, const bg_keywords_opts *o, bg_err *err) {
  memset(J, 0, sizeof *J);
  if (!(J->docs = bg_calloc(n + 1, sizeof *J->docs)))
    return bg_err_set(err, BG_ENOMEM, "out of memory");
  size_t np = 0;
  int rc = BG_OK;
  for (size_t i = 0; i < n && rc == BG_OK; i++) {
    rc = bg_reader_load_report(r, ids[i], &J->docs[i], err);
    if (rc == BG_OK) {
      J->ndocs++;
      np += J->docs[i]->npara;
      rc = timed_out(t0, o, err);
    }
  }
  if (rc == BG_OK && (!(J->all.para = bg_calloc(np + 1, sizeof *J->all.para)) ||
                      !(J->all.len = bg_calloc(np + 1, sizeof *J->all.len))))
    rc = bg_err_set(err, BG_ENOMEM, "out of memory");
  for (size_t i = 0; i < J->ndocs && rc == BG_OK; i++)
    for (size_t p = 0; p < J->docs[i]->npara; p++) {
      J->all.para[J->all.npara] = J->docs[i]->para[p];
      J->all.len[J->all.npara++] = J->docs[i]->len[p];
    }
  return rc;
}

/* What candidates() gathers. */
typedef struct gather {
  const tdoc *t;
  const bg_lexicon *lex;
  cand *c;
  size_t nc, cap;
  uint32_t *pl; /* the occurrences of every candidate, one after another */
  size_t npl, plcap;
} gather;

static int add_cand(void *ctx, const uint32_t *pos, size_t k, size_t len) {
  gather *G = ctx;
  if (bg_tdoc_padded(G->lex, G->t, pos[0], len)) return BG_OK;
  if (bg_grow((void **)&G->c, &G->cap, G->nc + 1, sizeof *G->c) ||
      bg_grow((void **)&G->pl, &G->plcap, G->npl + k, sizeof *G->pl))
    return BG_ENOMEM;
  memcpy(G->pl + G->npl, pos, k * sizeof *G->pl);
  G->c[G->nc++] = (cand){bg_tdoc_gram_hash(G->t, pos[0], len), (uint32_t)len,
                         pos[0], k, 0, G->npl};
  G->npl += k;
  return BG_OK;
}

/* The candidates of side A into *out, sorted by length and hash, each
 * with its occurrences a and their positions in *pool: the phrases of
 * min_count occurrences or more, maximal, not padded with a function
 * character.  Whether they start and end where words do is asked later,
 * of the few that separate the sides (boundaries()). */
static int candidates(const tdoc *t, size_t min_count, const bg_lexicon *lex,
                      cand **out, size_t *nout, uint32_t **pool) {
  *out = NULL;
  *nout = 0;
  *pool = NULL;
  gather G = {t, lex, NULL, 0, 0, NULL, 0, 0};
  bg_tdoc_walk walk = {min_count, NULL, add_cand, &G};
  int rc = bg_tdoc_phrases(t, &walk);
  cand *c = G.c;
  uint32_t *pl = G.pl;
  size_t nc = G.nc;
  if (rc != BG_OK) goto done;
  /* Grown phrases can come out several times. */
  if (nc > 1) qsort(c, nc, sizeof *c, cmp_cand);
  size_t w = 0;
  for (size_t i = 0; i < nc; i++)
    if (w == 0 || c[w - 1].len != c[i].len || c[w - 1].h != c[i].h)
      c[w++] = c[i];
  nc = w;
done:
  if (rc != BG_OK) {
    free(c);
    free(pl);
    return rc;
  }
  *out = c;
  *nout = nc;
  *pool = pl;
  return BG_OK;
}

/* Adds the occurrences of the candidates in report text t to their b. */
static int count_b(const tdoc *t, cand *c, size_t nc) {
  uint32_t *run = bg_tdoc_cjk_runs(t);
  if (!run) return BG_ENOMEM;
  for (size_t i = 0; i < nc;) {
    size_t e = i;
    while (e < nc && c[e].len == c[i].len) e++;
    size_t len = c[i].len;
    for (size_t u = 0; u < t->nunits; u++) {
      if (run[u] < len) continue;
      cand key = {bg_tdoc_gram_hash(t, u, len), (uint32_t)len, 0, 0, 0, 0};
      cand *f = bsearch(&key, c + i, e - i, sizeof *c, cmp_cand);
      if (f) f->b++;
    }
    i = e;
  }
  free(run);
  return BG_OK;
}

static int cmp_keyword(const void *pa, const void *pb) {
  const bg_keyword *a = pa, *b = pb;
  if (a->g2 != b->g2) return a->g2 > b->g2 ? -1 : 1;
  return strcmp(a->phrase, b->phrase);
}

static double rate(uint64_t k, uint64_t n) {
  return n ? round(k * 1e4 / n * 100) / 100 : 0;
}

/* The listed keywords of candidates c[0, nc) (keywords.h) into res. */
static int rank(const tdoc *t, const cand *c, size_t nc, const uint32_t *pool,
                cohesion *C, const bg_lexicon *lex, const bg_keywords_opts *o,
                bg_keywords_result *res) {
  double na = (double)res->units_a, nb = (double)res->units_b;
  double min_g2 = o->min_g2 > 0 ? o->min_g2 : BG_KEYWORDS_G2;
  bg_phrase *p = bg_calloc(nc + 1, sizeof *p);
  bg_keyword *k = bg_calloc(nc + 1, sizeof *k);
  size_t np = 0;
  int rc = BG_ENOMEM;
  if (!p || !k) goto done;
  for (size_t i = 0; i < nc; i++) {
    double a = (double)c[i].a, b = (double)c[i].b;
    if (!(a / na > (nb > 0 ? b / nb : 0))) continue;
    double g2 = nb > 0 ? bg_g2(a, na, b, nb) : 0;
    if (g2 < min_g2) continue;
    if (!bg_tdoc_at_boundaries(C, lex, t, pool + c[i].at, c[i].a, c[i].len))
      continue;
    char *text = bg_tdoc_text(t, c[i].pos, c[i].len);
    if (!text) goto done;
    k[i] = (bg_keyword){NULL, c[i].a, c[i].b, rate(c[i].a, res->units_a),
                        rate(c[i].b, res->units_b), round(g2 * 100) / 100,
                        round(log2((a / na) / ((b > 0 ? b : 0.5) / nb)) * 100) /
                            100};
    /* units carries the candidate's index through the dominance check. */
    p[np++] = (bg_phrase){text, c[i].a, i};
  }
  if (np > 1) qsort(p, np, sizeof *p, bg_phrase_cmp_text);
  if (bg_phrases_drop_dominated(p, &np) != BG_OK) goto done;
  if (!(res->k = bg_calloc(np + 1, sizeof *res->k))) goto done;
  for (size_t i = 0; i < np; i++) {
    res->k[res->n] = k[p[i].units];
    res->k[res->n++].phrase = p[i].phrase;
    p[i].phrase = NULL;
  }
  np = 0;
  if (res->n > 1) qsort(res->k, res->n, sizeof *res->k, cmp_keyword);
  size_t limit = o->limit ? o->limit : BG_KEYWORDS_LIMIT;
  while (res->n > limit) free(res->k[--res->n].phrase);
  rc = BG_OK;
done:
  bg_phrases_free(p, np);
  free(k);
  return rc;
}

int bg_keywords(bg_reader *r, const char *q, size_t len,
                const bg_keywords_opts *o, bg_keywords_result **out,
                bg_err *err) {
  *out = NULL;
  double t0 = bg_now_ms();
  char **ia = NULL, **ib = NULL;
  size_t na = 0, nb = 0;
  int all = 0;
  joined J = {0};
  tdoc ta;
  memset(&ta, 0, sizeof ta);
  cand *c = NULL;
  size_t nc = 0;
  cohesion *C = NULL;
  bg_keywords_result *res = bg_calloc(1, sizeof *res);
  int rc = res ? BG_OK : bg_err_set(err, BG_ENOMEM, "out of memory");
  if (rc == BG_OK &&
      (!(res->query = bg_strndup(q, len)) ||
       !(res->vs = bg_strndup(o->vs ? o->vs : "", o->vs ? o->vs_len : 0))))
    rc = bg_err_set(err, BG_ENOMEM, "out of memory");
  if (rc == BG_OK) rc = side(r, q, len, &all, &ia, &na, err);
  if (rc == BG_OK && all)
    rc = bg_err_set(err, BG_EQUERY,
                    "keywords needs filters that choose the first side's "
                    "reports, e.g. year:2025 or region:广东省");
  if (rc == BG_OK && na == 0)
    rc = bg_err_set(err, BG_EQUERY, "no report matches '%s'", res->query);
  if (rc == BG_OK && !blank(o->vs, o->vs_len)) {
    rc = side(r, o->vs, o->vs_len, &all, &ib, &nb, err);
    if (rc == BG_OK && all) rc = rest(r, NULL, 0, &ib, &nb, err);
  } else if (rc == BG_OK) {
    rc = rest(r, ia, na, &ib, &nb, err);
  }
  if (rc == BG_OK && nb == 0)
    rc = bg_err_set(err, BG_EQUERY, "no report on the second side (--vs %s)",
                    res->vs[0] ? res->vs : "the rest of the index");
  if (rc == BG_OK) rc = join_reports(r, ia, na, &J, t0, o, err);
  if (rc == BG_OK && bg_tdoc_build(&ta, &J.all, bg_reader_fold(r)) != BG_OK)
    rc = bg_err_set(err, BG_ENOMEM, "out of memory");
  if (rc == BG_OK && ta.nunits > BG_KEYWORDS_MAX_UNITS)
    rc = bg_err_set(err, BG_EQUERY,
                    "the first side holds %zu units, more than keywords "
                    "reads (%d): narrow it",
                    ta.nunits, BG_KEYWORDS_MAX_UNITS);
  if (rc == BG_OK && !(C = bg_cohesion_new(bg_reader_db(r))))
    rc = bg_err_set(err, BG_ENOMEM, "out of memory");
  uint32_t *pool = NULL;
  if (rc == BG_OK &&
      candidates(&ta, o->min_count ? o->min_count : BG_KEYWORDS_MIN_COUNT,
                 bg_lexicon_get(), &c, &nc, &pool) != BG_OK)
    rc = bg_err_set(err, BG_ENOMEM, "out of memory");
  if (rc == BG_OK) {
    res->reports_a = na;
    res->reports_b = nb;
    res->units_a = ta.nunits;
  }
  /* The second side, one report at a time. */
  for (size_t i = 0; i < nb && rc == BG_OK; i++) {
    bg_doc_text *d = NULL;
    tdoc tb;
    if ((rc = bg_reader_load_report(r, ib[i], &d, err)) != BG_OK) break;
    if (bg_tdoc_build(&tb, d, bg_reader_fold(r)) != BG_OK) {
      bg_doc_text_free(d);
      rc = bg_err_set(err, BG_ENOMEM, "out of memory");
      break;
    }
    res->units_b += tb.nunits;
    if (count_b(&tb, c, nc) != BG_OK)
      rc = bg_err_set(err, BG_ENOMEM, "out of memory");
    bg_tdoc_free(&tb);
    bg_doc_text_free(d);
    if (rc == BG_OK) rc = timed_out(t0, o, err);
  }
  if (rc == BG_OK &&
      rank(&ta, c, nc, pool, C, bg_lexicon_get(), o, res) != BG_OK)
    rc = bg_err_set(err, BG_ENOMEM, "out of memory");
  free(c);
  free(pool);
  free(C);
  bg_tdoc_free(&ta);
  joined_free(&J);
  bg_ids_free(ia, na);
  bg_ids_free(ib, nb);
  if (rc != BG_OK) {
    bg_keywords_free(res);
    return rc;
  }
  res->took_ms = bg_now_ms() - t0;
  *out = res;
  return BG_OK;
}
