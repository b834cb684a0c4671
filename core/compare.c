/*
 * compare.c - report diff: alignment, diffs, new and gone phrases (see
 * compare.h).
 */
#include "compare.h"
#include "cancel.h"
#include "tdoc.h"
#include "util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <utf8proc.h>

#include "lexicon.h"
#include "similarity.h"
#include "terms.h"
#include "units.h"
#include "xap.h"

#define PER_B_PARA 32 /* candidates kept for each paragraph of B */
/* Paragraph-pair updates the candidate search may make; past it the unit
 * pairs shared by the most paragraph pairs are left to exact checks of the
 * candidates found without them (only pathological texts get there: two
 * 1 MB reports need about 30 million). */
#define WORK_MAX 200000000ULL
#define DIFF_PAIR_BUDGET 4000000    /* diff steps for one pair */
#define DIFF_TOTAL_BUDGET 400000000 /* diff steps for a whole comparison */

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

/* ---- a report cut into units ---- */



void bg_tdoc_free(tdoc *t) {
  free(t->pstart);
  free(t->poff);
  free(t->whole);
  free(t->uh);
  free(t->ph);
  free(t->upara);
  free(t->cjk);
  free(t->uoff);
  free(t->ulen);
  free(t->norm);
  memset(t, 0, sizeof *t);
}

/* Whether unit i of u is a CJK letter: one code point, not a run of
 * letters and digits, and a letter or number (punctuation is not). */
static int unit_is_cjk(const bg_units *u, size_t i) {
  const char *s = bg_units_text(u, i);
  size_t k = 0, len = u->u[i].len;
  uint32_t cp = bg_utf8_next(s, len, &k);
  if (k != len || bg_units_is_alnum(u, i)) return 0;
  switch (utf8proc_category((utf8proc_int32_t)cp)) {
  case UTF8PROC_CATEGORY_LU:
  case UTF8PROC_CATEGORY_LL:
  case UTF8PROC_CATEGORY_LT:
  case UTF8PROC_CATEGORY_LM:
  case UTF8PROC_CATEGORY_LO:
  case UTF8PROC_CATEGORY_ND:
  case UTF8PROC_CATEGORY_NL:
  case UTF8PROC_CATEGORY_NO:
    return 1;
  default:
    return 0;
  }
}

int bg_tdoc_build(tdoc *t, const bg_doc_text *d, unsigned fold) {
  memset(t, 0, sizeof *t);
  bg_units u;
  bg_units_init(&u);
  bg_units_set_fold(&u, fold);
  size_t cap = 0, ncap = 0;
  int rc = BG_ENOMEM;
  t->npara = d->npara;
  t->pstart = bg_malloc((d->npara + 1) * sizeof *t->pstart);
  t->poff = bg_malloc((d->npara + 1) * sizeof *t->poff);
  t->whole = bg_malloc((d->npara + 1) * sizeof *t->whole);
  if (!t->pstart || !t->poff || !t->whole) goto done;
  size_t npairs = 0;
  for (size_t p = 0; p < d->npara; p++) {
    if (bg_units_tokenize(&u, d->para[p], d->len[p]) != BG_OK) goto done;
    size_t need = t->nunits + u.n;
    if (need > cap || t->norm_len + u.norm_len > ncap) {
      while (cap < need)
        cap = cap ? cap * 2 : 4096;
      while (ncap < t->norm_len + u.norm_len)
        ncap = ncap ? ncap * 2 : 16384;
      uint64_t *uh = bg_realloc(t->uh, cap * sizeof *uh);
      if (uh) t->uh = uh;
      uint64_t *ph = bg_realloc(t->ph, cap * sizeof *ph);
      if (ph) t->ph = ph;
      uint32_t *up = bg_realloc(t->upara, cap * sizeof *up);
      if (up) t->upara = up;
      uint8_t *cj = bg_realloc(t->cjk, cap);
      if (cj) t->cjk = cj;
      uint32_t *uo = bg_realloc(t->uoff, cap * sizeof *uo);
      if (uo) t->uoff = uo;
      uint8_t *ul = bg_realloc(t->ulen, cap);
      if (ul) t->ulen = ul;
      char *nm = bg_realloc(t->norm, ncap);
      if (nm) t->norm = nm;
      if (!uh || !ph || !up || !cj || !uo || !ul || !nm) goto done;
    }
    t->pstart[p] = (uint32_t)t->nunits;
    t->poff[p] = (uint32_t)npairs;
    uint64_t whole = BG_FNV_INIT;
    for (size_t i = 0; i < u.n; i++) {
      size_t k = t->nunits + i;
      t->uh[k] = bg_unit_hash(&u, i);
      whole = bg_pair_hash(whole, t->uh[k]);
      t->upara[k] = (uint32_t)p;
      t->cjk[k] = (uint8_t)unit_is_cjk(&u, i);
      /* Units are at most a few hundred bytes (longer ones are cut by the
       * index terms only); phrases use CJK units, which are short. */
      t->uoff[k] = (uint32_t)(t->norm_len + u.u[i].off);
      t->ulen[k] = (uint8_t)(u.u[i].len < 255 ? u.u[i].len : 255);
      if (i > 0) t->ph[npairs++] = bg_pair_hash(t->uh[k - 1], t->uh[k]);
    }
    if (u.norm_len) memcpy(t->norm + t->norm_len, u.norm, u.norm_len);
    t->norm_len += u.norm_len;
    t->whole[p] = whole;
    t->nunits += u.n;
    size_t np = npairs - t->poff[p];
    if (np > 1) qsort(t->ph + t->poff[p], np, sizeof *t->ph, cmp_u64);
  }
  t->pstart[d->npara] = (uint32_t)t->nunits;
  t->poff[d->npara] = (uint32_t)npairs;
  rc = BG_OK;
done:
  bg_units_reset(&u);
  if (rc != BG_OK) bg_tdoc_free(t);
  return rc;
}

static size_t npairs_of(const tdoc *t, size_t p) {
  return t->poff[p + 1] - t->poff[p];
}

static size_t nunits_of(const tdoc *t, size_t p) {
  return t->pstart[p + 1] - t->pstart[p];
}

/* The similarity of paragraph i of a and j of b (similarity.h's rule). */
static double para_similarity(const tdoc *a, size_t i, const tdoc *b,
                              size_t j) {
  size_t ua = nunits_of(a, i), ub = nunits_of(b, j);
  if (ua < 2 || ub < 2) return ua == ub && a->whole[i] == b->whole[j];
  bg_bigrams x = {a->ph + a->poff[i], npairs_of(a, i), 0, 0, ua};
  bg_bigrams y = {b->ph + b->poff[j], npairs_of(b, j), 0, 0, ub};
  return bg_dice(bg_bigrams_common(&x, &y), x.n, y.n);
}

/* ---- alignment ---- */

typedef struct fen {
  double v;
  size_t c; /* candidate, SIZE_MAX for none */
} fen;

int bg_align(const bg_align_cand *c, size_t n, size_t **chosen,
             size_t *nchosen) {
  *chosen = NULL;
  *nchosen = 0;
  size_t nb = 0;
  for (size_t k = 0; k < n; k++)
    if (c[k].j + 1 > nb) nb = c[k].j + 1;
  fen *tree = bg_malloc((nb + 1) * sizeof *tree);
  double *val = bg_malloc((n + 1) * sizeof *val);
  size_t *prev = bg_malloc((n + 1) * sizeof *prev);
  size_t *out = bg_malloc((n + 1) * sizeof *out);
  if (!tree || !val || !prev || !out) {
    free(tree), free(val), free(prev), free(out);
    return BG_ENOMEM;
  }
  for (size_t x = 0; x <= nb; x++)
    tree[x] = (fen){0, SIZE_MAX};
  size_t g = 0;
  while (g < n) {
    size_t e = g;
    while (e < n && c[e].i == c[g].i)
      e++;
    /* Candidates of one paragraph of A cannot chain with each other: score
     * them all against the earlier paragraphs first, then insert. */
    for (size_t k = g; k < e; k++) {
      fen best = {0, SIZE_MAX};
      for (size_t x = c[k].j; x > 0; x -= x & (~x + 1))
        if (tree[x].c != SIZE_MAX && tree[x].v > best.v) best = tree[x];
      val[k] = c[k].w + best.v;
      prev[k] = best.c;
    }
    for (size_t k = g; k < e; k++)
      for (size_t x = c[k].j + 1; x <= nb; x += x & (~x + 1))
        if (tree[x].c == SIZE_MAX || val[k] > tree[x].v)
          tree[x] = (fen){val[k], k};
    g = e;
  }
  size_t end = SIZE_MAX;
  for (size_t k = 0; k < n; k++)
    if (end == SIZE_MAX || val[k] > val[end]) end = k;
  size_t m = 0;
  for (size_t k = end; k != SIZE_MAX; k = prev[k])
    out[m++] = k;
  for (size_t x = 0; x < m / 2; x++) {
    size_t t = out[x];
    out[x] = out[m - 1 - x];
    out[m - 1 - x] = t;
  }
  free(tree);
  free(val);
  free(prev);
  *chosen = out;
  *nchosen = m;
  return BG_OK;
}

/* One paragraph's count of one unit pair. */
typedef struct post {
  uint64_t h;
  uint32_t para, cnt;
} post;

static int cmp_post(const void *pa, const void *pb) {
  const post *a = pa, *b = pb;
  if (a->h != b->h) return a->h < b->h ? -1 : 1;
  return a->para < b->para ? -1 : a->para > b->para;
}

/* The inverted index of t's pairs, sorted by hash then paragraph. */
static int postings(const tdoc *t, post **out, size_t *n) {
  post *p = bg_malloc((t->poff[t->npara] + 1) * sizeof *p);
  if (!p) return BG_ENOMEM;
  size_t k = 0;
  for (size_t q = 0; q < t->npara; q++)
    for (size_t i = t->poff[q]; i < t->poff[q + 1];) {
      size_t e = i;
      while (e < t->poff[q + 1] && t->ph[e] == t->ph[i])
        e++;
      p[k++] = (post){t->ph[i], (uint32_t)q, (uint32_t)(e - i)};
      i = e;
    }
  qsort(p, k, sizeof *p, cmp_post);
  *out = p;
  *n = k;
  return BG_OK;
}

/* A unit pair present in both reports: its postings in each. */
typedef struct shared {
  size_t a0, a1, b0, b1;
  uint64_t work;
  int skip;
} shared;

static int cmp_work_desc(const void *pa, const void *pb) {
  const shared *a = *(shared *const *)pa, *b = *(shared *const *)pb;
  return a->work > b->work ? -1 : a->work < b->work;
}

/* One occurrence of a shared pair in a paragraph of B. */
typedef struct bref {
  uint32_t j, cnt;
  size_t s; /* index into the shared pairs */
} bref;

static int cmp_cand_ij(const void *pa, const void *pb) {
  const bg_align_cand *a = pa, *b = pb;
  if (a->i != b->i) return a->i < b->i ? -1 : 1;
  return a->j < b->j ? -1 : a->j > b->j;
}

static int cmp_cand_w(const void *pa, const void *pb) {
  const bg_align_cand *a = pa, *b = pb;
  if (a->w != b->w) return a->w > b->w ? -1 : 1;
  return a->i < b->i ? -1 : a->i > b->i;
}

typedef struct cands {
  bg_align_cand *c;
  size_t n, cap;
} cands;

static int push_cand(cands *cs, uint32_t i, uint32_t j, double w) {
  if (bg_grow((void **)&cs->c, &cs->cap, cs->n + 1, sizeof *cs->c))
    return BG_ENOMEM;
  cs->c[cs->n++] = (bg_align_cand){i, j, w};
  return BG_OK;
}

/* Keeps the best PER_B_PARA candidates from index `from` on (all of one
 * paragraph of B). */
static void keep_best(cands *cs, size_t from) {
  size_t m = cs->n - from;
  if (m <= PER_B_PARA) return;
  qsort(cs->c + from, m, sizeof *cs->c, cmp_cand_w);
  cs->n = from + PER_B_PARA;
}

static int cmp_short(const void *pa, const void *pb, const tdoc *t) {
  uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
  if (t->whole[a] != t->whole[b]) return t->whole[a] < t->whole[b] ? -1 : 1;
  return a < b ? -1 : a > b;
}

static _Thread_local const tdoc *short_doc; /* for qsort, per thread */

static int cmp_short_q(const void *pa, const void *pb) {
  return cmp_short(pa, pb, short_doc);
}

/* Candidates among paragraphs of fewer than two units: equal ones. */
static int short_candidates(const tdoc *a, const tdoc *b, cands *cs) {
  uint32_t *sa = bg_malloc((a->npara + 1) * sizeof *sa);
  if (!sa) return BG_ENOMEM;
  size_t ns = 0;
  for (size_t i = 0; i < a->npara; i++)
    if (nunits_of(a, i) < 2) sa[ns++] = (uint32_t)i;
  short_doc = a;
  qsort(sa, ns, sizeof *sa, cmp_short_q);
  int rc = BG_OK;
  for (size_t j = 0; j < b->npara && rc == BG_OK; j++) {
    if (nunits_of(b, j) >= 2) continue;
    size_t lo = 0, hi = ns;
    while (lo < hi) {
      size_t mid = (lo + hi) / 2;
      if (a->whole[sa[mid]] < b->whole[j])
        lo = mid + 1;
      else
        hi = mid;
    }
    for (size_t k = lo, taken = 0;
         k < ns && a->whole[sa[k]] == b->whole[j] && taken < PER_B_PARA; k++)
      if (nunits_of(a, sa[k]) == nunits_of(b, j)) {
        rc = push_cand(cs, sa[k], (uint32_t)j, 1.0);
        taken++;
      }
  }
  free(sa);
  return rc;
}

/* Every pair of paragraphs at least `threshold` alike, best PER_B_PARA per
 * paragraph of B, sorted by A then B paragraph. */
static int candidates(const tdoc *a, const tdoc *b, double threshold,
                      cands *cs) {
  post *pa = NULL, *pb = NULL;
  size_t npa = 0, npb = 0, nsh = 0;
  shared *sh = NULL;
  shared **order = NULL;
  bref *refs = NULL;
  size_t *jstart = NULL;
  uint32_t *acc = NULL, *touched = NULL;
  int rc = BG_ENOMEM;
  if (postings(a, &pa, &npa) != BG_OK || postings(b, &pb, &npb) != BG_OK)
    goto done;
  /* The pairs both reports have, and the work each costs. */
  size_t cap = 0;
  uint64_t total = 0;
  for (size_t x = 0, y = 0; x < npa && y < npb;) {
    if (pa[x].h < pb[y].h) {
      x++;
      continue;
    }
    if (pa[x].h > pb[y].h) {
      y++;
      continue;
    }
    size_t xe = x, ye = y;
    while (xe < npa && pa[xe].h == pa[x].h)
      xe++;
    while (ye < npb && pb[ye].h == pb[y].h)
      ye++;
    if (nsh == cap) {
      cap = cap ? cap * 2 : 1024;
      shared *n = bg_realloc(sh, cap * sizeof *n);
      if (!n) goto done;
      sh = n;
    }
    uint64_t w = (uint64_t)(xe - x) * (ye - y);
    sh[nsh++] = (shared){x, xe, y, ye, w, 0};
    total += w;
    x = xe, y = ye;
  }
  int skipped = 0;
  if (total > WORK_MAX) {
    order = bg_malloc((nsh + 1) * sizeof *order);
    if (!order) goto done;
    for (size_t s = 0; s < nsh; s++)
      order[s] = &sh[s];
    qsort(order, nsh, sizeof *order, cmp_work_desc);
    for (size_t s = 0; s < nsh && total > WORK_MAX; s++) {
      order[s]->skip = 1;
      total -= order[s]->work;
      skipped = 1;
    }
  }
  /* The shared pairs of each paragraph of B (a counting sort by j). */
  jstart = bg_calloc(b->npara + 2, sizeof *jstart);
  if (!jstart) goto done;
  size_t nrefs = 0;
  for (size_t s = 0; s < nsh; s++)
    if (!sh[s].skip)
      for (size_t y = sh[s].b0; y < sh[s].b1; y++)
        jstart[pb[y].para + 1]++;
  for (size_t j = 0; j < b->npara; j++)
    jstart[j + 1] += jstart[j];
  nrefs = jstart[b->npara];
  refs = bg_malloc((nrefs + 1) * sizeof *refs);
  if (!refs) goto done;
  for (size_t s = 0; s < nsh; s++)
    if (!sh[s].skip)
      for (size_t y = sh[s].b0; y < sh[s].b1; y++)
        refs[jstart[pb[y].para]++] = (bref){pb[y].para, pb[y].cnt, s};
  for (size_t j = b->npara; j > 0; j--)
    jstart[j] = jstart[j - 1];
  jstart[0] = 0;
  /* Shared pairs of each paragraph of B with every paragraph of A. */
  acc = bg_calloc(a->npara + 1, sizeof *acc);
  touched = bg_malloc((a->npara + 1) * sizeof *touched);
  if (!acc || !touched) goto done;
  for (size_t j = 0; j < b->npara; j++) {
    size_t nt = 0, from = cs->n;
    for (size_t r = jstart[j]; r < jstart[j + 1]; r++) {
      const shared *s = &sh[refs[r].s];
      for (size_t x = s->a0; x < s->a1; x++) {
        uint32_t i = pa[x].para;
        if (acc[i] == 0) touched[nt++] = i;
        acc[i] += pa[x].cnt < refs[r].cnt ? pa[x].cnt : refs[r].cnt;
      }
    }
    for (size_t t = 0; t < nt; t++) {
      uint32_t i = touched[t];
      double sim = bg_dice(acc[i], npairs_of(a, i), npairs_of(b, j));
      acc[i] = 0;
      if (skipped && sim >= threshold / 2) sim = para_similarity(a, i, b, j);
      if (sim >= threshold && push_cand(cs, i, (uint32_t)j, sim) != BG_OK)
        goto done;
    }
    keep_best(cs, from);
  }
  if (short_candidates(a, b, cs) != BG_OK) goto done;
  if (cs->n > 1) qsort(cs->c, cs->n, sizeof *cs->c, cmp_cand_ij);
  rc = BG_OK;
done:
  free(pa);
  free(pb);
  free(sh);
  free(order);
  free(refs);
  free(jstart);
  free(acc);
  free(touched);
  return rc;
}

/* ---- phrases ---- */



int bg_gram_cmp(const void *pa, const void *pb) {
  const gram *a = pa, *b = pb;
  if (a->h != b->h) return a->h < b->h ? -1 : 1;
  return a->pos < b->pos ? -1 : a->pos > b->pos;
}

uint64_t bg_tdoc_gram_hash(const tdoc *t, size_t pos, size_t n) {
  uint64_t h = n;
  for (size_t k = 0; k < n; k++)
    h = bg_pair_hash(h, t->uh[pos + k]);
  return h;
}

/* cjkrun[u]: CJK units in a row from unit u within its paragraph. */
uint32_t *bg_tdoc_cjk_runs(const tdoc *t) {
  uint32_t *r = bg_malloc((t->nunits + 1) * sizeof *r);
  if (!r) return NULL;
  for (size_t u = t->nunits; u-- > 0;) {
    int last = u + 1 == t->nunits || t->upara[u + 1] != t->upara[u];
    r[u] = t->cjk[u] ? (last ? 1 : r[u + 1] + 1) : 0;
  }
  return r;
}

/* Whether every occurrence (start pos[r], n units) has the same CJK unit
 * right before it (side < 0) or right after it (side > 0). */
int bg_tdoc_same_side(const tdoc *t, const uint32_t *pos, size_t c, size_t n,
                     int side) {
  uint64_t h = 0;
  for (size_t r = 0; r < c; r++) {
    size_t u = pos[r];
    size_t p = t->upara[u];
    size_t nb;
    if (side < 0) {
      if (u == t->pstart[p]) return 0;
      nb = u - 1;
    } else {
      if (u + n >= t->pstart[p + 1]) return 0;
      nb = u + n;
    }
    if (!t->cjk[nb]) return 0;
    if (r == 0)
      h = t->uh[nb];
    else if (t->uh[nb] != h)
      return 0;
  }
  return 1;
}

char *bg_tdoc_text(const tdoc *t, size_t pos, size_t n) {
  size_t len = 0;
  for (size_t k = 0; k < n; k++)
    len += t->ulen[pos + k];
  char *s = bg_malloc(len + 1);
  if (!s) return NULL;
  len = 0;
  for (size_t k = 0; k < n; k++) {
    memcpy(s + len, t->norm + t->uoff[pos + k], t->ulen[pos + k]);
    len += t->ulen[pos + k];
  }
  s[len] = '\0';
  return s;
}

int bg_phrase_cmp_text(const void *pa, const void *pb) {
  return strcmp(((const bg_phrase *)pa)->phrase,
                ((const bg_phrase *)pb)->phrase);
}

static int cmp_phrase_rank(const void *pa, const void *pb) {
  const bg_phrase *a = pa, *b = pb;
  if (a->count != b->count) return a->count > b->count ? -1 : 1;
  if (a->units != b->units) return a->units > b->units ? -1 : 1;
  return strcmp(a->phrase, b->phrase);
}

void bg_phrases_free(bg_phrase *p, size_t n) {
  if (!p) return;
  for (size_t i = 0; i < n; i++)
    free(p[i].phrase);
  free(p);
}

static int push_phrase(bg_phrase **out, size_t *n, size_t *cap, char *text,
                       size_t count, size_t units) {
  if (!text) return BG_ENOMEM;
  if (*n == *cap) {
    size_t nc = *cap ? *cap * 2 : 64;
    bg_phrase *np = bg_realloc(*out, nc * sizeof *np);
    if (!np) {
      free(text);
      return BG_ENOMEM;
    }
    *out = np;
    *cap = nc;
  }
  (*out)[(*n)++] = (bg_phrase){text, count, units};
  return BG_OK;
}

#define DOMINANCE_UNITS 64 /* longest part of a phrase looked up */

/* Leaves out the phrases p[0, *n) (sorted by text) that a longer one
 * containing them makes up at least half of: of 项行动 ×4 and 专项行动 ×3,
 * only the second says something.  Phrases are CJK letters, one code point
 * per unit. */
int bg_phrases_drop_dominated(bg_phrase *p, size_t *n) {
  uint8_t *drop = bg_calloc(*n + 1, 1);
  char *buf = bg_malloc(4 * DOMINANCE_UNITS + 1);
  if (!drop || !buf) {
    free(drop);
    free(buf);
    return BG_ENOMEM;
  }
  for (size_t q = 0; q < *n; q++) {
    const char *s = p[q].phrase;
    size_t len = strlen(s);
    for (size_t i = 0; i < len; i++) {
      if (((unsigned char)s[i] & 0xC0) == 0x80) continue;
      size_t j = i, units = 0;
      while (j < len && units < DOMINANCE_UNITS) {
        bg_utf8_next(s, len, &j);
        units++;
        if (units < BG_PHRASE_MIN || (i == 0 && j == len)) continue;
        memcpy(buf, s + i, j - i);
        buf[j - i] = '\0';
        bg_phrase key = {buf, 0, 0};
        bg_phrase *f = bsearch(&key, p, *n, sizeof *p, bg_phrase_cmp_text);
        if (f && 2 * p[q].count >= f->count) drop[f - p] = 1;
      }
    }
  }
  size_t k = 0;
  for (size_t i = 0; i < *n; i++) {
    if (drop[i]) {
      free(p[i].phrase);
      continue;
    }
    p[k++] = p[i];
  }
  *n = k;
  free(drop);
  free(buf);
  return BG_OK;
}

/* ---- where phrases may start and end: the index's cohesion ---- */

/* How strongly two adjacent units hold together across every report of
 * the index: their pointwise mutual information, log(N f(xy) / f(x) f(y))
 * over the collection frequencies of the unit and pair terms (N: all
 * units).  A phrase that cuts through a pair holding together more
 * strongly than its own weakest link ends inside a word (推进高|质量,
 * 现代|化和), and is not listed.  Looked-up values are kept in a small
 * open-addressing table, so each pair costs the index once. */
#define COH_SLOTS 65536 /* power of two; more pairs are looked up again */
#define COH_MARGIN 0.5  /* an outside link may exceed the inside by this */
#define COH_FLOOR 2.0   /* below e^2 = 7.4 times chance, never a word */

struct cohesion {
  bg_xdb *db;
  double log_n;
  uint64_t key[COH_SLOTS];
  double val[COH_SLOTS];
};



static uint64_t unit_freq(cohesion *C, const tdoc *t, size_t u) {
  return bg_xdb_collfreq(C->db, t->norm + t->uoff[u], t->ulen[u]);
}

cohesion *bg_cohesion_new(bg_xdb *db) {
  cohesion *C = bg_calloc(1, sizeof *C);
  if (!C) return NULL;
  C->db = db;
  uint64_t n = bg_xdb_collfreq(db, BG_TERM_UNITS, strlen(BG_TERM_UNITS));
  C->log_n = log((double)(n ? n : 1));
  return C;
}

/* The cohesion of units u and u + 1 of t (both CJK letters). */
static double coh(cohesion *C, const tdoc *t, size_t u) {
  uint64_t k = bg_pair_hash(t->uh[u], t->uh[u + 1]) | 1;
  size_t slot = (size_t)(k & (COH_SLOTS - 1));
  for (size_t probe = 0; probe < 8; probe++) {
    size_t i = (slot + probe) & (COH_SLOTS - 1);
    if (C->key[i] == k) return C->val[i];
    if (C->key[i] == 0) break;
  }
  char pair[2 * 255];
  size_t l1 = t->ulen[u], l2 = t->ulen[u + 1];
  memcpy(pair, t->norm + t->uoff[u], l1);
  memcpy(pair + l1, t->norm + t->uoff[u + 1], l2);
  uint64_t fxy = bg_xdb_collfreq(C->db, pair, l1 + l2);
  uint64_t fx = unit_freq(C, t, u), fy = unit_freq(C, t, u + 1);
  /* Pairs the index has never seen (a report not indexed) hold as much as
   * one occurrence would. */
  double v = C->log_n + log((double)(fxy ? fxy : 1)) -
             log((double)(fx ? fx : 1)) - log((double)(fy ? fy : 1));
  for (size_t probe = 0; probe < 8; probe++) {
    size_t i = (slot + probe) & (COH_SLOTS - 1);
    if (C->key[i] == 0 || C->key[i] == k) {
      C->key[i] = k;
      C->val[i] = v;
      break;
    }
  }
  return v;
}

/* Whether a word of the lexicon spans the edge before unit e of t: starts
 * before it and ends after it, inside the paragraph, all CJK letters. */
static int word_spans(const bg_lexicon *lex, const tdoc *t, size_t e) {
  if (!lex) return 0;
  size_t p = t->upara[e], lo = t->pstart[p], hi = t->pstart[p + 1];
  char w[BG_LEXICON_MAX_UNITS * 4 + 4];
  for (size_t a = e; a-- > lo && e - a < BG_LEXICON_MAX_UNITS;) {
    if (!t->cjk[a]) break;
    for (size_t b = e + 1; b <= hi && b - a <= BG_LEXICON_MAX_UNITS; b++) {
      if (!t->cjk[b - 1]) break;
      size_t len = 0;
      for (size_t k = a; k < b; k++) {
        memcpy(w + len, t->norm + t->uoff[k], t->ulen[k]);
        len += t->ulen[k];
      }
      if (bg_lexicon_has(lex, w, len)) return 1;
    }
  }
  return 0;
}

/* Whether the phrase of len units at pos[0, c) (its occurrences in t)
 * starts and ends where words do, at half of its occurrences at least on
 * each side: next to a paragraph's edge or a unit that is not a CJK
 * letter, or where no word of the lexicon spans the edge and the phrase
 * holds to its neighbour less than to itself (cohesion above). */
int bg_tdoc_at_boundaries(cohesion *C, const bg_lexicon *lex, const tdoc *t,
                         const uint32_t *pos, size_t c, size_t len) {
  double inner = INFINITY;
  for (size_t k = 0; k + 1 < len; k++) {
    double v = coh(C, t, pos[0] + k);
    if (v < inner) inner = v;
  }
  double limit = inner + COH_MARGIN > COH_FLOOR ? inner + COH_MARGIN : COH_FLOOR;
  for (int side = -1; side <= 1; side += 2) {
    size_t good = 0;
    for (size_t r = 0; r < c; r++) {
      size_t u = pos[r], p = t->upara[u];
      if (side < 0 ? u == t->pstart[p] : u + len >= t->pstart[p + 1]) {
        good++;
        continue;
      }
      size_t nb = side < 0 ? u - 1 : u + len;
      size_t edge = side < 0 ? u : u + len;
      if (!t->cjk[nb] ||
          (!word_spans(lex, t, edge) &&
           coh(C, t, side < 0 ? nb : u + len - 1) <= limit))
        good++;
    }
    if (2 * good < c) return 0;
  }
  return 1;
}

/* Whether the phrase of len units at pos in t is bg_tdoc_padded with a function
 * character: ends with one (群众身边的), or starts with one before a single
 * character or a word (是首都, 为群众); 以人民为中心 is a formulation. */
int bg_tdoc_padded(const bg_lexicon *lex, const tdoc *t, size_t pos,
                  size_t len) {
  size_t i = 0;
  uint32_t last = 0, first;
  const char *s = t->norm + t->uoff[pos + len - 1];
  last = bg_utf8_next(s, t->ulen[pos + len - 1], &i);
  if (bg_lexicon_function_char(last)) return 1;
  i = 0;
  first = bg_utf8_next(t->norm + t->uoff[pos], t->ulen[pos], &i);
  if (!bg_lexicon_function_char(first)) return 0;
  if (len == 2) return 1;
  size_t from = t->uoff[pos + 1];
  size_t to = t->uoff[pos + len - 1] + t->ulen[pos + len - 1];
  return bg_lexicon_has(lex, t->norm + from, to - from);
}

int bg_tdoc_phrases(const tdoc *t, const bg_tdoc_walk *w) {
  uint32_t *run = bg_tdoc_cjk_runs(t);
  gram *g = bg_malloc((t->nunits + 1) * sizeof *g);
  uint32_t *pos = bg_malloc((t->nunits + 1) * sizeof *pos);
  int rc = run && g && pos ? BG_OK : BG_ENOMEM;
  for (size_t n = BG_PHRASE_MIN; n <= BG_PHRASE_MAX && rc == BG_OK; n++) {
    size_t ng = 0;
    for (size_t u = 0; u < t->nunits; u++)
      if (run[u] >= n) g[ng++] = (gram){bg_tdoc_gram_hash(t, u, n), (uint32_t)u};
    qsort(g, ng, sizeof *g, bg_gram_cmp);
    for (size_t i = 0; i < ng && rc == BG_OK;) {
      size_t e = i;
      while (e < ng && g[e].h == g[i].h) e++;
      size_t k = e - i, first = i;
      i = e;
      if (k < w->min_count || (w->want && !w->want(w->ctx, n, g[first].h)))
        continue;
      for (size_t j = 0; j < k; j++) pos[j] = g[first + j].pos;
      size_t len = n;
      if (n < BG_PHRASE_MAX) {
        /* A longer phrase with the same occurrences says it better. */
        if (bg_tdoc_same_side(t, pos, k, len, -1) ||
            bg_tdoc_same_side(t, pos, k, len, 1))
          continue;
      } else {
        while (bg_tdoc_same_side(t, pos, k, len, -1)) {
          for (size_t j = 0; j < k; j++) pos[j]--;
          len++;
        }
        while (bg_tdoc_same_side(t, pos, k, len, 1)) len++;
      }
      rc = w->found(w->ctx, pos, k, len);
    }
  }
  free(run);
  free(g);
  free(pos);
  return rc;
}

/* What phrases() gathers: the phrases of x that y lacks. */
typedef struct new_phrases {
  const tdoc *x, *y;
  uint32_t *ry;  /* bg_tdoc_cjk_runs(y) */
  uint64_t *yh;  /* y's grams of yn units, sorted */
  size_t ny, yn;
  cohesion *C;
  const bg_lexicon *lex;
  bg_phrase *res;
  size_t nres, cap;
} new_phrases;

/* Whether y lacks the n-unit gram h of x (y's grams of n units hashed
 * once per n). */
static int not_in_y(void *ctx, size_t n, uint64_t h) {
  new_phrases *P = ctx;
  if (P->yn != n) {
    P->ny = 0;
    for (size_t u = 0; u < P->y->nunits; u++)
      if (P->ry[u] >= n) P->yh[P->ny++] = bg_tdoc_gram_hash(P->y, u, n);
    qsort(P->yh, P->ny, sizeof *P->yh, cmp_u64);
    P->yn = n;
  }
  return !bsearch(&h, P->yh, P->ny, sizeof h, cmp_u64);
}

static int new_phrase(void *ctx, const uint32_t *pos, size_t c, size_t len) {
  new_phrases *P = ctx;
  if (P->C && (!bg_tdoc_at_boundaries(P->C, P->lex, P->x, pos, c, len) ||
               bg_tdoc_padded(P->lex, P->x, pos[0], len)))
    return BG_OK;
  return push_phrase(&P->res, &P->nres, &P->cap,
                     bg_tdoc_text(P->x, pos[0], len), c, len);
}

/* The maximal phrases of x absent from y (compare.h). */
static int phrases(const tdoc *x, const tdoc *y, size_t min_count, size_t max,
                   cohesion *C, bg_phrase **out, size_t *nout) {
  *out = NULL;
  *nout = 0;
  new_phrases P = {x, y, bg_tdoc_cjk_runs(y),
                   bg_malloc((y->nunits + 1) * sizeof(uint64_t)), 0, 0, C,
                   C ? bg_lexicon_get() : NULL, NULL, 0, 0};
  bg_tdoc_walk w = {min_count, not_in_y, new_phrase, &P};
  int rc = P.ry && P.yh ? bg_tdoc_phrases(x, &w) : BG_ENOMEM;
  bg_phrase *res = P.res;
  size_t nres = P.nres;
  if (rc != BG_OK) goto done;
  /* Grown phrases can come out several times. */
  if (nres > 1) qsort(res, nres, sizeof *res, bg_phrase_cmp_text);
  size_t k = 0;
  for (size_t i = 0; i < nres; i++) {
    if (k > 0 && !strcmp(res[k - 1].phrase, res[i].phrase)) {
      free(res[i].phrase);
      continue;
    }
    res[k++] = res[i];
  }
  nres = k;
  if ((rc = bg_phrases_drop_dominated(res, &nres)) != BG_OK) goto done;
  if (nres > 1) qsort(res, nres, sizeof *res, cmp_phrase_rank);
  while (nres > max)
    free(res[--nres].phrase);
done:
  free(P.ry);
  free(P.yh);
  if (rc != BG_OK) {
    bg_phrases_free(res, nres);
    return rc;
  }
  *out = res;
  *nout = nres;
  return BG_OK;
}

int bg_phrases_new(const bg_doc_text *in, const bg_doc_text *notin,
                   size_t min_count, size_t max, bg_phrase **out, size_t *n) {
  tdoc x, y;
  *out = NULL;
  *n = 0;
  if (bg_tdoc_build(&x, in, BG_FOLD_NONE) != BG_OK) return BG_ENOMEM;
  if (bg_tdoc_build(&y, notin, BG_FOLD_NONE) != BG_OK) {
    bg_tdoc_free(&x);
    return BG_ENOMEM;
  }
  int rc = phrases(&x, &y, min_count ? min_count : 1, max, NULL, out, n);
  bg_tdoc_free(&x);
  bg_tdoc_free(&y);
  return rc;
}

/* ---- the whole ---- */

void bg_compare_free(bg_compare_result *c) {
  if (!c) return;
  for (size_t i = 0; i < c->npairs; i++)
    free(c->pairs[i].diff);
  free(c->pairs);
  free(c->only_a);
  free(c->only_b);
  bg_phrases_free(c->new_phrases, c->nnew);
  bg_phrases_free(c->gone_phrases, c->ngone);
  bg_doc_text_free(c->a);
  bg_doc_text_free(c->b);
  free(c);
}

static int timed_out(double t0, const bg_compare_opts *o, bg_err *err) {
  if ((o->timeout_ms > 0 && bg_now_ms() - t0 > o->timeout_ms) ||
      bg_cancelled())
    return bg_err_set(err, BG_ETIMEOUT,
                      "compare took longer than its time limit (%.0f ms)",
                      o->timeout_ms);
  return BG_OK;
}

/* bg_compare_docs() with units folded by fold (BG_FOLD_*). */
static int compare_docs(bg_doc_text *a, bg_doc_text *b,
                        const bg_compare_opts *o, unsigned fold, bg_xdb *db,
                        bg_compare_result **out, bg_err *err) {
  *out = NULL;
  double t0 = bg_now_ms();
  bg_compare_opts dflt = {0};
  if (!o) o = &dflt;
  double threshold = o->threshold > 0 ? o->threshold : BG_COMPARE_THRESHOLD;
  size_t min_count = o->min_count ? o->min_count : BG_COMPARE_MIN_COUNT;
  size_t max = o->phrases ? o->phrases : BG_COMPARE_PHRASES;
  tdoc ta = {0}, tb = {0};
  cands cs = {0};
  size_t *chosen = NULL, nchosen = 0;
  int rc = BG_OK;
  bg_compare_result *res = bg_calloc(1, sizeof *res);
  if (!res) {
    bg_doc_text_free(a);
    bg_doc_text_free(b);
    return bg_err_set(err, BG_ENOMEM, "out of memory");
  }
  res->a = a;
  res->b = b;
  if (o->threshold < 0 || o->threshold > 1) {
    rc = bg_err_set(err, BG_ERANGE,
                    "the threshold is a similarity from 0 to 1, not %g",
                    o->threshold);
    goto done;
  }
  if (bg_tdoc_build(&ta, a, fold) != BG_OK || bg_tdoc_build(&tb, b, fold) != BG_OK ||
      candidates(&ta, &tb, threshold, &cs) != BG_OK ||
      bg_align(cs.c, cs.n, &chosen, &nchosen) != BG_OK)
    goto oom;
  if ((rc = timed_out(t0, o, err)) != BG_OK) goto done;
  /* The pairs and their diffs. */
  res->pairs = bg_calloc(nchosen + 1, sizeof *res->pairs);
  res->only_a = bg_malloc((a->npara + 1) * sizeof *res->only_a);
  res->only_b = bg_malloc((b->npara + 1) * sizeof *res->only_b);
  if (!res->pairs || !res->only_a || !res->only_b) goto oom;
  size_t total = DIFF_TOTAL_BUDGET;
  for (size_t k = 0; k < nchosen; k++) {
    const bg_align_cand *c = &cs.c[chosen[k]];
    bg_compare_pair *p = &res->pairs[res->npairs++];
    p->a_para = c->i + 1;
    p->b_para = c->j + 1;
    p->similarity = c->w;
    size_t budget = total < DIFF_PAIR_BUDGET ? total : DIFF_PAIR_BUDGET;
    size_t given = budget;
    if (bg_diff(a->para[c->i], a->len[c->i], b->para[c->j], b->len[c->j],
                &budget, &p->diff, &p->ndiff) != BG_OK)
      goto oom;
    total -= given - budget;
    if ((rc = timed_out(t0, o, err)) != BG_OK) goto done;
  }
  /* The paragraphs left out. */
  size_t k = 0;
  for (size_t i = 0; i < a->npara; i++) {
    while (k < res->npairs && res->pairs[k].a_para < i + 1)
      k++;
    if (k == res->npairs || res->pairs[k].a_para != i + 1)
      res->only_a[res->nonly_a++] = (uint32_t)(i + 1);
  }
  k = 0;
  for (size_t j = 0; j < b->npara; j++) {
    while (k < res->npairs && res->pairs[k].b_para < j + 1)
      k++;
    if (k == res->npairs || res->pairs[k].b_para != j + 1)
      res->only_b[res->nonly_b++] = (uint32_t)(j + 1);
  }
  cohesion *C = NULL;
  if (db && !(C = bg_cohesion_new(db))) goto oom;
  int prc = phrases(&tb, &ta, min_count, max, C, &res->new_phrases, &res->nnew);
  if (prc == BG_OK)
    prc = phrases(&ta, &tb, min_count, max, C, &res->gone_phrases, &res->ngone);
  free(C);
  if (prc != BG_OK) goto oom;
  res->took_ms = bg_now_ms() - t0;
  goto done;
oom:
  rc = bg_err_set(err, BG_ENOMEM, "out of memory");
done:
  bg_tdoc_free(&ta);
  bg_tdoc_free(&tb);
  free(cs.c);
  free(chosen);
  if (rc != BG_OK) {
    bg_compare_free(res);
    return rc;
  }
  *out = res;
  return BG_OK;
}

int bg_compare_docs(bg_doc_text *a, bg_doc_text *b, const bg_compare_opts *o,
                    bg_compare_result **out, bg_err *err) {
  return compare_docs(a, b, o, BG_FOLD_NONE, NULL, out, err);
}

int bg_compare(bg_reader *r, const char *a_id, const char *b_id,
               const bg_compare_opts *o, bg_compare_result **out, bg_err *err) {
  *out = NULL;
  bg_doc_text *a = NULL, *b = NULL;
  int rc = bg_reader_load_report(r, a_id, &a, err);
  if (rc != BG_OK) return rc;
  if ((rc = bg_reader_load_report(r, b_id, &b, err)) != BG_OK) {
    bg_doc_text_free(a);
    return rc;
  }
  return compare_docs(a, b, o, bg_reader_fold(r), bg_reader_db(r), out,
                      err);
}
