/*
 * similar.c - similar passages (see similar.h).
 */
#include "similar.h"
#include "cancel.h"
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "index.h"
#include "query.h"
#include "similarity.h"
#include "terms.h"
#include "units.h"
#include "xap.h"

#define SHARED_RUN 4    /* units of a shared run that counts as a match */
#define QUERY_PAIRS 512 /* most pair terms in the retrieval query */

void bg_similar_free(bg_similar_result *s) {
  if (!s) return;
  for (size_t i = 0; i < s->nhits; i++) {
    bg_hit *h = &s->hits[i];
    free(h->report);
    free(h->region);
    for (size_t k = 0; k < h->nsection; k++)
      free(h->section[k]);
    free(h->section);
    free(h->text);
    free(h->matches);
  }
  free(s->hits);
  free(s->report);
  free(s->text);
  free(s->filter);
  free(s);
}

int bg_similar_parse_source(const char *s, size_t *id_len, uint32_t *para) {
  const char *hash = strrchr(s, '#');
  if (!hash || hash == s || hash[1] < '1' || hash[1] > '9') return -1;
  char *end;
  errno = 0;
  unsigned long v = strtoul(hash + 1, &end, 10);
  if (*end || errno || v > UINT32_MAX) return -1;
  *id_len = (size_t)(hash - s);
  *para = (uint32_t)v;
  return 0;
}

/* ---- the filter: a query of filters alone, as a Xapian query ---- */

/* The Xapian filter of o: its filter query, without the source report,
 * regions folded as the index folds.  *out is NULL when nothing is
 * filtered. */
static int build_filter(bg_reader *r, const bg_similar_opts *o, bg_xq **out,
                        bg_err *err) {
  *out = NULL;
  bg_xq *f = NULL;
  int blank = 1;
  for (size_t i = 0; o->filter && i < o->filter_len; i++)
    if (o->filter[i] != ' ' && o->filter[i] != '\t') blank = 0;
  if (!blank) {
    int rc = bg_filter_xq(r, o->filter, o->filter_len, "similar", &f, err);
    if (rc != BG_OK) return rc;
  }
  if (o->report) {
    char t[BG_TERM_MAX];
    size_t tl = bg_term_prefixed(BG_PREFIX_ID, o->report, strlen(o->report), t,
                                 sizeof t);
    if (tl) f = bg_xq_and_not(f ? f : bg_xq_all(), bg_xq_term(t, tl));
    if (!f) return bg_err_set(err, BG_ENOMEM, "out of memory");
  }
  *out = f;
  return BG_OK;
}

/* ---- the source: its distinct unit pairs with their counts ---- */

typedef struct slot {
  uint64_t h;
  uint32_t count; /* 0: empty slot */
  uint32_t used;  /* taken by the paragraph being scored (see stamp) */
  uint32_t stamp;
  uint32_t first; /* index of the pair's first unit in the source */
} slot;

typedef struct source {
  bg_units u;
  uint64_t *uh;  /* unit hashes */
  size_t npairs; /* pairs of the source (units - 1) */
  slot *tab;
  size_t mask;
  size_t ndistinct;
  uint64_t *grams; /* sorted hashes of its runs of `run` units */
  size_t ngrams;
} source;

static slot *lookup(const source *s, uint64_t h) {
  size_t i = (size_t)(h ^ (h >> 29)) & s->mask;
  while (s->tab[i].count && s->tab[i].h != h)
    i = (i + 1) & s->mask;
  return &s->tab[i];
}

static int unit_hashes(const bg_units *u, uint64_t **uh, size_t *cap) {
  if (u->n > *cap) {
    size_t nc = *cap ? *cap : 256;
    while (nc < u->n)
      nc *= 2;
    uint64_t *n = bg_realloc(*uh, nc * sizeof *n);
    if (!n) return BG_ENOMEM;
    *uh = n;
    *cap = nc;
  }
  for (size_t i = 0; i < u->n; i++)
    (*uh)[i] = bg_unit_hash(u, i);
  return BG_OK;
}

/* The hash of units [i, i+n) from their hashes. */
static uint64_t run_hash(const uint64_t *uh, size_t i, size_t n) {
  uint64_t h = n;
  for (size_t k = 0; k < n; k++)
    h = bg_pair_hash(h, uh[i + k]);
  return h;
}

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

static int source_init(source *s, const char *text, size_t len) {
  size_t cap = 0;
  if (bg_units_tokenize(&s->u, text, len) != BG_OK ||
      unit_hashes(&s->u, &s->uh, &cap) != BG_OK)
    return BG_ENOMEM;
  size_t n = s->u.n;
  s->npairs = n > 1 ? n - 1 : 0;
  size_t size = 16;
  while (size < 2 * s->npairs + 2)
    size *= 2;
  s->tab = bg_calloc(size, sizeof *s->tab);
  if (!s->tab) return BG_ENOMEM;
  s->mask = size - 1;
  for (size_t i = 0; i < s->npairs; i++) {
    slot *e = lookup(s, bg_pair_hash(s->uh[i], s->uh[i + 1]));
    if (!e->count) {
      e->h = bg_pair_hash(s->uh[i], s->uh[i + 1]);
      e->first = (uint32_t)i;
      s->ndistinct++;
    }
    e->count++;
  }
  return BG_OK;
}

static void source_free(source *s) {
  bg_units_reset(&s->u);
  free(s->uh);
  free(s->tab);
  free(s->grams);
}

/* The ranked retrieval query: every distinct pair of the source (an even
 * sample of QUERY_PAIRS of them for a long source: each term costs Xapian a
 * posting list, and a sample ranks reports as well), weighted by its
 * count. */
static bg_xq *pairs_query(const source *s) {
  char t[BG_TERM_MAX];
  bg_xq *q = NULL;
  size_t step = (s->ndistinct + QUERY_PAIRS - 1) / QUERY_PAIRS, seen = 0;
  if (step == 0) step = 1;
  for (size_t i = 0; i <= s->mask; i++) {
    const slot *e = &s->tab[i];
    if (!e->count || seen++ % step != 0) continue;
    size_t tl = bg_term_pair(&s->u, e->first, t);
    bg_xq *k = bg_xq_term_wqf(t, tl, e->count);
    q = q ? bg_xq_or(q, k) : k;
    if (!q) return NULL;
  }
  return q;
}

/* ---- scoring and the best `limit` ---- */

typedef struct best {
  double sim;
  int year;
  uint32_t doc; /* index into the examined reports */
  uint32_t para;
} best;

typedef struct scan {
  bg_reader *r;
  source src;
  bg_units u;
  uint64_t *uh;
  size_t uh_cap;
  uint32_t stamp;
  best *top;
  size_t ntop, limit;
  uint32_t *dids;
  char **ids; /* report id of each examined report */
  size_t nids;
  uint32_t *pt; /* paragraph table scratch */
  size_t pt_cap;
  bg_err *err;
} scan;

/* Whether x ranks before y. */
static int before(const scan *S, const best *x, const best *y) {
  if (x->sim != y->sim) return x->sim > y->sim;
  if (x->year != y->year) return x->year < y->year;
  int c = x->doc == y->doc ? 0 : strcmp(S->ids[x->doc], S->ids[y->doc]);
  if (c) return c < 0;
  return x->para < y->para;
}

static void offer(scan *S, const best *b) {
  if (S->ntop == S->limit &&
      (S->limit == 0 || !before(S, b, &S->top[S->ntop - 1])))
    return;
  size_t i = S->ntop < S->limit ? S->ntop++ : S->ntop - 1;
  while (i > 0 && before(S, b, &S->top[i - 1])) {
    S->top[i] = S->top[i - 1];
    i--;
  }
  S->top[i] = *b;
}

/* Shared pairs of the tokenized paragraph in S->u with the source. */
static size_t common_pairs(scan *S) {
  S->stamp++;
  size_t c = 0;
  for (size_t i = 0; i + 1 < S->u.n; i++) {
    slot *e = lookup(&S->src, bg_pair_hash(S->uh[i], S->uh[i + 1]));
    if (!e->count) continue;
    if (e->stamp != S->stamp) {
      e->stamp = S->stamp;
      e->used = 0;
    }
    if (e->used < e->count) e->used++, c++;
  }
  return c;
}

/* Scores every paragraph of report number k (document did) that can still
 * enter the best list. */
static int score_report(scan *S, size_t k) {
  bg_xdb *db = bg_reader_db(S->r);
  uint32_t did = S->dids[k];
  bg_docdata *d = NULL;
  char *v = NULL;
  size_t vlen = 0, npara = 0;
  int rc = bg_docdata_load(db, did, &d, S->err);
  if (rc != BG_OK) return rc;
  json_t *meta = bg_docdata_meta(d);
  const char *id = json_string_value(json_object_get(meta, "id"));
  int year = (int)json_integer_value(json_object_get(meta, "year"));
  if (!(S->ids[k] = bg_strdup(id ? id : ""))) {
    rc = bg_err_set(S->err, BG_ENOMEM, "out of memory");
    goto done;
  }
  S->nids = k + 1;
  if ((rc = bg_xdb_value(db, did, BG_SLOT_PARAS, &v, &vlen, S->err)) != BG_OK)
    goto done;
  if (bg_paras_decode(v, vlen, &S->pt, &S->pt_cap, &npara) != BG_OK ||
      npara != bg_docdata_npara(d)) {
    rc = bg_err_set(S->err, BG_ECORRUPT, "%s: paragraph table is damaged",
                    S->ids[k]);
    goto done;
  }
  size_t na = S->src.npairs;
  for (size_t p = 0; p < npara; p++) {
    size_t units = S->pt[2 * p + 1];
    if (units < 2) continue;
    size_t nb = units - 1;
    if (S->ntop == S->limit) {
      double bound = bg_dice(na < nb ? na : nb, na, nb);
      if (S->limit == 0 || bound < S->top[S->ntop - 1].sim) continue;
    }
    const char *t;
    size_t tl;
    if ((rc = bg_docdata_para(d, p, &t, &tl, S->err)) != BG_OK) goto done;
    if (bg_units_tokenize(&S->u, t, tl) != BG_OK ||
        unit_hashes(&S->u, &S->uh, &S->uh_cap) != BG_OK) {
      rc = bg_err_set(S->err, BG_ENOMEM, "out of memory");
      goto done;
    }
    size_t c = common_pairs(S);
    if (c == 0) continue;
    best b = {bg_dice(c, na, S->u.n - 1), year, (uint32_t)k, (uint32_t)p};
    offer(S, &b);
  }
done:
  free(v);
  bg_docdata_free(d);
  return rc;
}

/* ---- hits ---- */

/* The source's runs of `run` units, hashed and sorted. */
static int source_grams(source *s, size_t run) {
  free(s->grams);
  s->grams = NULL;
  s->ngrams = 0;
  if (s->u.n < run) return BG_OK;
  s->grams = bg_malloc((s->u.n - run + 1) * sizeof *s->grams);
  if (!s->grams) return BG_ENOMEM;
  for (size_t i = 0; i + run <= s->u.n; i++)
    s->grams[s->ngrams++] = run_hash(s->uh, i, run);
  qsort(s->grams, s->ngrams, sizeof *s->grams, cmp_u64);
  return BG_OK;
}

/* The stretches of the hit (tokenized in S->u) shared with the source. */
static int shared_runs(scan *S, bg_hit *h) {
  size_t n = S->u.n, run = SHARED_RUN;
  if (S->src.u.n < run) run = S->src.u.n;
  if (n < run) run = n;
  h->matches = bg_calloc(2 * n + 2, sizeof *h->matches);
  if (!h->matches || source_grams(&S->src, run) != BG_OK) return BG_ENOMEM;
  if (run == 0 || S->src.ngrams == 0) return BG_OK;
  /* covered_to: the end of the last shared run seen, in units */
  size_t covered_to = 0, start = 0;
  int open = 0;
  for (size_t i = 0; i + run <= n; i++) {
    uint64_t g = run_hash(S->uh, i, run);
    if (!bsearch(&g, S->src.grams, S->src.ngrams, sizeof g, cmp_u64)) continue;
    if (open && i <= covered_to) {
      covered_to = i + run;
      continue;
    }
    if (open) {
      h->matches[2 * h->nmatches] = S->u.u[start].src_start;
      h->matches[2 * h->nmatches + 1] = S->u.u[covered_to - 1].src_end;
      h->nmatches++;
    }
    open = 1;
    start = i;
    covered_to = i + run;
  }
  if (open) {
    h->matches[2 * h->nmatches] = S->u.u[start].src_start;
    h->matches[2 * h->nmatches + 1] = S->u.u[covered_to - 1].src_end;
    h->nmatches++;
  }
  /* Units of one source character share its range: merge touching runs. */
  size_t k = 0;
  for (size_t i = 0; i < h->nmatches; i++) {
    if (k > 0 && h->matches[2 * i] <= h->matches[2 * k - 1]) {
      if (h->matches[2 * i + 1] > h->matches[2 * k - 1])
        h->matches[2 * k - 1] = h->matches[2 * i + 1];
      continue;
    }
    h->matches[2 * k] = h->matches[2 * i];
    h->matches[2 * k + 1] = h->matches[2 * i + 1];
    k++;
  }
  h->nmatches = k;
  return BG_OK;
}

/* Fills hit h from the best entry b. */
static int fill_hit(scan *S, const best *b, bg_hit *h) {
  bg_docdata *d = NULL;
  int rc = bg_docdata_load(bg_reader_db(S->r), S->dids[b->doc], &d, S->err);
  if (rc != BG_OK) return rc;
  const char *t;
  size_t tl;
  if ((rc = bg_docdata_para(d, b->para, &t, &tl, S->err)) != BG_OK) goto done;
  json_t *reg = json_object_get(bg_docdata_meta(d), "region");
  h->report = bg_strdup(S->ids[b->doc]);
  h->region = bg_strdup(json_is_string(reg) ? json_string_value(reg) : "");
  h->text = bg_strndup(t, tl);
  h->text_len = tl;
  h->year = b->year;
  h->para = b->para + 1;
  h->score = b->sim;
  if (!h->report || !h->region || !h->text) {
    rc = bg_err_set(S->err, BG_ENOMEM, "out of memory");
    goto done;
  }
  if ((rc = bg_hit_section_path(d, b->para, h, S->err)) != BG_OK) goto done;
  if (bg_units_tokenize(&S->u, t, tl) != BG_OK ||
      unit_hashes(&S->u, &S->uh, &S->uh_cap) != BG_OK || shared_runs(S, h))
    rc = bg_err_set(S->err, BG_ENOMEM, "out of memory");
done:
  bg_docdata_free(d);
  return rc;
}

/* ---- the whole ---- */

static int load_source(bg_reader *r, const bg_similar_opts *o,
                       bg_similar_result *res, bg_err *err) {
  if (!o->report) {
    if (!bg_utf8_valid(o->text ? o->text : "", o->text_len, NULL))
      return bg_err_set(err, BG_EINVAL, "the text is not valid UTF-8");
    res->text = bg_strndup(o->text ? o->text : "", o->text_len);
    res->text_len = o->text_len;
    return res->text ? BG_OK : bg_err_set(err, BG_ENOMEM, "out of memory");
  }
  bg_doc_text *t = NULL;
  int rc = bg_reader_load_report(r, o->report, &t, err);
  if (rc != BG_OK) return rc;
  if (o->para < 1 || o->para > t->npara) {
    rc = bg_err_set(err, BG_ENOTFOUND,
                    "report '%s' has %zu paragraphs: there is no ¶%u",
                    o->report, t->npara, o->para);
  } else {
    res->report = bg_strdup(o->report);
    res->para = o->para;
    res->text = bg_strndup(t->para[o->para - 1], t->len[o->para - 1]);
    res->text_len = t->len[o->para - 1];
    if (!res->report || !res->text)
      rc = bg_err_set(err, BG_ENOMEM, "out of memory");
  }
  bg_doc_text_free(t);
  return rc;
}

int bg_similar(bg_reader *r, const bg_similar_opts *o, bg_similar_result **out,
               bg_err *err) {
  *out = NULL;
  double t0 = bg_now_ms();
  scan S = {0};
  S.r = r;
  S.err = err;
  S.limit = o->limit;
  bg_units_init(&S.u);
  bg_units_init(&S.src.u);
  bg_units_set_fold(&S.u, bg_reader_fold(r));
  bg_units_set_fold(&S.src.u, bg_reader_fold(r));
  bg_xq *q = NULL, *filter = NULL;
  double *weights = NULL;
  size_t ndids = 0;
  int rc = BG_OK;
  bg_similar_result *res = bg_calloc(1, sizeof *res);
  if (!res || !(res->filter = bg_strndup(o->filter ? o->filter : "",
                                   o->filter ? o->filter_len : 0))) {
    rc = bg_err_set(err, BG_ENOMEM, "out of memory");
    goto done;
  }
  if (o->limit > BG_SIMILAR_MAX_LIMIT) {
    rc = bg_err_set(err, BG_ERANGE, "limit is at most %d, not %zu",
                    BG_SIMILAR_MAX_LIMIT, o->limit);
    goto done;
  }
  if ((rc = load_source(r, o, res, err)) != BG_OK) goto done;
  if (source_init(&S.src, res->text, res->text_len) != BG_OK) {
    rc = bg_err_set(err, BG_ENOMEM, "out of memory");
    goto done;
  }
  if (S.src.npairs == 0) {
    rc = bg_err_set(err, BG_EINVAL,
                    "the source has fewer than two units: nothing to compare");
    goto done;
  }
  if ((rc = build_filter(r, o, &filter, err)) != BG_OK)
    goto done;
  if (!(q = pairs_query(&S.src))) {
    rc = bg_err_set(err, BG_ENOMEM, "out of memory");
    goto done;
  }
  size_t k = o->reports ? o->reports : BG_SIMILAR_REPORTS;
  if ((rc = bg_xdb_top(bg_reader_db(r), q, filter, k, &S.dids, &weights, &ndids,
                       err)) != BG_OK)
    goto done;
  S.top = bg_calloc(S.limit + 1, sizeof *S.top);
  S.ids = bg_calloc(ndids + 1, sizeof *S.ids);
  if (!S.top || !S.ids) {
    rc = bg_err_set(err, BG_ENOMEM, "out of memory");
    goto done;
  }
  for (size_t i = 0; i < ndids; i++) {
    if ((o->timeout_ms > 0 && bg_now_ms() - t0 > o->timeout_ms) ||
        bg_cancelled()) {
      rc = bg_err_set(err, BG_ETIMEOUT,
                      "similar took longer than its time limit (%.0f ms)",
                      o->timeout_ms);
      goto done;
    }
    if ((rc = score_report(&S, i)) != BG_OK) goto done;
  }
  res->examined = ndids;
  res->hits = bg_calloc(S.ntop + 1, sizeof *res->hits);
  if (!res->hits) {
    rc = bg_err_set(err, BG_ENOMEM, "out of memory");
    goto done;
  }
  for (size_t i = 0; i < S.ntop; i++) {
    res->nhits++;
    if ((rc = fill_hit(&S, &S.top[i], &res->hits[i])) != BG_OK) goto done;
  }
  res->took_ms = bg_now_ms() - t0;
done:
  bg_xq_free(q);
  bg_xq_free(filter);
  free(weights);
  free(S.dids);
  for (size_t i = 0; i < S.nids; i++)
    free(S.ids[i]);
  free(S.ids);
  free(S.top);
  free(S.pt);
  free(S.uh);
  bg_units_reset(&S.u);
  source_free(&S.src);
  if (rc != BG_OK) {
    bg_similar_free(res);
    return rc;
  }
  *out = res;
  return BG_OK;
}
