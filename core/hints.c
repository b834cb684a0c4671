/*
 * hints.c - what to try next when a query finds nothing (see hints.h).
 *
 * Every hint is a guess checked against the index: a query to try is
 * searched, and offered only with its exact number of paragraphs, never
 * when it finds nothing either.  The checks read the query's syntax tree
 * and the index's filter terms; they run only for answers without a hit.
 */
#include "hints.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "query.h"
#include "t2s.h"
#include "terms.h"
#include "units.h"
#include "util.h"
#include "xap.h"

#define HINT_DEFAULT_MS 2000
#define MAX_NAMES 5        /* closest region names listed */
#define MAX_SPLITS 2       /* phrases tried as two words */

typedef struct hints {
  bg_reader *r;
  const char *q;
  size_t len;
  double deadline;
  json_t *arr;
  int rc; /* sticky BG_ENOMEM */
} hints;

/* ---- small tools ---- */

/* Paragraphs matching query s[0, n); -1 when it is not a query or the
 * time is up. */
static long long paragraphs_of(hints *H, const char *s, size_t n) {
  double left = H->deadline - bg_now_ms();
  if (left < 1) return -1;
  bg_search_opts o = {.limit = 1, .timeout_ms = left};
  bg_results *res = NULL;
  bg_err e = {0};
  if (bg_search(H->r, s, n, &o, &res, &e) != BG_OK) return -1;
  long long t = (long long)res->total;
  bg_results_free(res);
  return t;
}

/* Adds a hint: message, and a query to try with its paragraphs (query
 * NULL: none). */
static void add(hints *H, const char *msg, const char *query,
                long long paragraphs) {
  if (H->rc) return;
  json_t *o = query ? json_pack("{s:s, s:s, s:I}", "message", msg, "query",
                                query, "paragraphs", (json_int_t)paragraphs)
                    : json_pack("{s:s}", "message", msg);
  if (!o || json_array_append_new(H->arr, o) != 0) H->rc = BG_ENOMEM;
}

/* The query with the bytes [at, at + n) replaced by rep (caller frees). */
static char *splice(const hints *H, size_t at, size_t n, const char *rep) {
  size_t rl = strlen(rep), total = H->len - n + rl;
  char *s = bg_malloc(total + 1);
  if (!s) return NULL;
  memcpy(s, H->q, at);
  memcpy(s + at, rep, rl);
  memcpy(s + at + rl, H->q + at + n, H->len - at - n);
  s[total] = '\0';
  return s;
}

/* The byte offset of text[0, n) in the query at or after 1-based code
 * point pos; SIZE_MAX when it is not there. */
static size_t find_at(const hints *H, size_t pos, const char *text, size_t n) {
  size_t from = bg_utf8_offset(H->q, H->len, pos > 0 ? pos - 1 : 0);
  for (size_t i = from; n && i + n <= H->len; i++)
    if (!memcmp(H->q + i, text, n)) return i;
  return SIZE_MAX;
}

/* Tries the query with [at, at + n) replaced by rep: when it finds
 * paragraphs, adds the hint "<msg>: <query> (N paragraphs)". */
static int try_variant(hints *H, size_t at, size_t n, const char *rep,
                       const char *msg) {
  char *v = splice(H, at, n, rep);
  if (!v) {
    H->rc = BG_ENOMEM;
    return 0;
  }
  long long k = paragraphs_of(H, v, strlen(v));
  if (k > 0) {
    char m[600];
    snprintf(m, sizeof m, "%s: %s (%lld paragraph%s)", msg, v, k,
             k == 1 ? "" : "s");
    add(H, m, v, k);
  }
  free(v);
  return k > 0;
}

/* Code points of s[0, n) into *out (caller frees); their number. */
static size_t decode(const char *s, size_t n, uint32_t **out) {
  *out = bg_malloc((n + 1) * sizeof **out);
  if (!*out) return 0;
  size_t k = 0, i = 0;
  while (i < n) (*out)[k++] = bg_utf8_next(s, n, &i);
  return k;
}

size_t bg_hints_distance(const uint32_t *a, size_t la, const uint32_t *b,
                         size_t lb) {
  size_t *row = bg_malloc((lb + 1) * sizeof *row);
  if (!row) return SIZE_MAX;
  for (size_t j = 0; j <= lb; j++) row[j] = j;
  for (size_t i = 1; i <= la; i++) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= lb; j++) {
      size_t up = row[j], best = diag + (a[i - 1] != b[j - 1]);
      if (up + 1 < best) best = up + 1;
      if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
      row[j] = best;
      diag = up;
    }
  }
  size_t d = row[lb];
  free(row);
  return d;
}

/* ---- region: a name no report has ---- */

typedef struct name {
  char *s;
  size_t rank; /* lower is closer */
} name;

typedef struct names {
  name *v;
  size_t n, cap;
  const uint32_t *want;
  size_t nwant;
} names;

static int on_region(void *ctx, const char *t, size_t len, uint32_t freq) {
  names *N = ctx;
  size_t pl = strlen(BG_PREFIX_REGION);
  if (freq == 0 || len <= pl) return BG_OK;
  uint32_t *cps;
  size_t k = decode(t + pl, len - pl, &cps);
  if (!cps) return BG_ENOMEM;
  size_t common = 0;
  while (common < k && common < N->nwant && cps[common] == N->want[common])
    common++;
  size_t d = bg_hints_distance(N->want, N->nwant, cps, k);
  free(cps);
  if (d == SIZE_MAX) return BG_ENOMEM;
  /* Close: sharing a first character, or a few edits away. */
  size_t limit = N->nwant / 2 > 1 ? N->nwant / 2 : 1;
  if (common == 0 && d > limit) return BG_OK;
  if (bg_grow((void **)&N->v, &N->cap, N->n + 1, sizeof *N->v))
    return BG_ENOMEM;
  if (!(N->v[N->n].s = bg_strndup(t + pl, len - pl))) return BG_ENOMEM;
  N->v[N->n++].rank = d * 4 - (common < d * 4 ? common : d * 4);
  return BG_OK;
}

static int cmp_name(const void *a, const void *b) {
  const name *x = a, *y = b;
  if (x->rank != y->rank) return x->rank < y->rank ? -1 : 1;
  return strcmp(x->s, y->s);
}

static void region_hint(hints *H, const bg_qnode *n) {
  bg_xdb *db = bg_reader_db(H->r);
  char t[BG_TERM_MAX];
  size_t tl = bg_term_region_filter(n->text, n->len, bg_reader_fold(H->r), t);
  if (!tl || bg_xdb_termfreq(db, t, tl) > 0) return;
  names N = {0};
  uint32_t *want;
  size_t pl = strlen(BG_PREFIX_REGION); /* the name after the prefix */
  N.nwant = decode(t + pl, tl - pl, &want);
  N.want = want;
  if (!want) {
    H->rc = BG_ENOMEM;
    return;
  }
  bg_err e = {0};
  const char *pre = BG_PREFIX_REGION;
  int rc = bg_xdb_prefixed_terms(db, pre, strlen(pre), on_region, &N, &e);
  if (rc == BG_ENOMEM) H->rc = rc;
  if (rc == BG_OK && N.n > 1) qsort(N.v, N.n, sizeof *N.v, cmp_name);
  char msg[600];
  int o = snprintf(msg, sizeof msg, "no report has region '%s'", n->text);
  if (rc == BG_OK && N.n > 0) {
    o += snprintf(msg + o, sizeof msg - (size_t)o, "; the closest: ");
    for (size_t i = 0; i < N.n && i < MAX_NAMES && o < (int)sizeof msg; i++)
      o += snprintf(msg + o, sizeof msg - (size_t)o, "%s%s", i ? ", " : "",
                    N.v[i].s);
  } else if (rc == BG_OK) {
    snprintf(msg + o, sizeof msg - (size_t)o,
             "; `baogao reports` lists the regions there are");
  }
  add(H, msg, NULL, 0);
  size_t at = find_at(H, n->pos, n->text, n->len);
  if (rc == BG_OK && N.n > 0 && at != SIZE_MAX)
    try_variant(H, at, n->len, N.v[0].s, "with the closest region");
  for (size_t i = 0; i < N.n; i++) free(N.v[i].s);
  free(N.v);
  free(want);
}

/* ---- year: a range no report has ---- */

typedef struct years {
  int v[4096];
  size_t n;
} years;

static int on_year(void *ctx, const char *t, size_t len, uint32_t freq) {
  years *Y = ctx;
  if (freq == 0) return BG_OK;
  int y = bg_term_year(t, len);
  if (y > 0 && Y->n < sizeof Y->v / sizeof Y->v[0]) Y->v[Y->n++] = y;
  return BG_OK;
}

static int cmp_int(const void *a, const void *b) {
  int x = *(const int *)a, y = *(const int *)b;
  return x < y ? -1 : x > y;
}

static void year_hint(hints *H, const bg_qnode *n, years *Y) {
  if (Y->n == 0) return;
  for (size_t i = 0; i < Y->n; i++)
    if (Y->v[i] >= n->year_lo && Y->v[i] <= n->year_hi) return;
  char msg[700];
  int o;
  if (n->year_lo == n->year_hi)
    o = snprintf(msg, sizeof msg, "no report is from %d", n->year_lo);
  else if (n->year_lo == BG_YEAR_MIN)
    o = snprintf(msg, sizeof msg, "no report is from %d or before",
                 n->year_hi);
  else if (n->year_hi == BG_YEAR_MAX)
    o = snprintf(msg, sizeof msg, "no report is from %d or after", n->year_lo);
  else
    o = snprintf(msg, sizeof msg, "no report is from %d to %d", n->year_lo,
                 n->year_hi);
  o += snprintf(msg + o, sizeof msg - (size_t)o, "; the index holds ");
  /* The years as ranges: 1954–1960, 1964, ... */
  for (size_t i = 0; i < Y->n && o < (int)sizeof msg - 40;) {
    size_t j = i;
    while (j + 1 < Y->n && Y->v[j + 1] == Y->v[j] + 1) j++;
    if (j > i)
      o += snprintf(msg + o, sizeof msg - (size_t)o, "%s%d–%d", i ? ", " : "",
                    Y->v[i], Y->v[j]);
    else
      o += snprintf(msg + o, sizeof msg - (size_t)o, "%s%d", i ? ", " : "",
                    Y->v[i]);
    i = j + 1;
    if (i < Y->n && o >= (int)sizeof msg - 40)
      snprintf(msg + o, sizeof msg - (size_t)o, ", …");
  }
  add(H, msg, NULL, 0);
}

/* ---- phrases: spaces, words, keys ---- */

static int alnum_cp(uint32_t c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
         (c >= 'A' && c <= 'Z');
}

/* Whether text[0, n) and the same with its white space removed cut into
 * different units (letters or digits on both sides of a space). */
static int space_matters(const char *s, size_t n) {
  size_t i = 0;
  uint32_t prev = 0;
  int gap = 0;
  while (i < n) {
    uint32_t c = bg_utf8_next(s, n, &i);
    if (bg_query_space(c)) {
      gap = 1;
      continue;
    }
    if (gap && alnum_cp(prev) && alnum_cp(c)) return 1;
    gap = 0;
    prev = c;
  }
  return 0;
}

/* A phrase typed with spaces that would match without them. */
static void joined_hint(hints *H, const bg_qnode *n) {
  if (!space_matters(n->text, n->len)) return;
  char *j = bg_malloc(n->len + 1);
  if (!j) {
    H->rc = BG_ENOMEM;
    return;
  }
  size_t k = 0, i = 0;
  while (i < n->len) {
    size_t at = i;
    uint32_t c = bg_utf8_next(n->text, n->len, &i);
    if (!bg_query_space(c)) {
      memcpy(j + k, n->text + at, i - at);
      k += i - at;
    }
  }
  j[k] = '\0';
  size_t at = find_at(H, n->pos, n->text, n->len);
  if (at != SIZE_MAX) try_variant(H, at, n->len, j, "without the spaces");
  free(j);
}

/* Two words of an AND that would match as one: letters or digits on both
 * sides of the space between them. */
static void join_words_hint(hints *H, const bg_qnode *a, const bg_qnode *b) {
  size_t ia = find_at(H, a->pos, a->text, a->len);
  size_t ib = find_at(H, b->pos, b->text, b->len);
  if (ia == SIZE_MAX || ib == SIZE_MAX || ib < ia + a->len) return;
  size_t gap = ia + a->len;
  for (size_t i = gap; i < ib;) {
    if (!bg_query_space(bg_utf8_next(H->q, ib, &i))) return;
  }
  size_t i = 0, last = 0;
  while (i < a->len) last = bg_utf8_next(a->text, a->len, &i);
  i = 0;
  uint32_t first = bg_utf8_next(b->text, b->len, &i);
  if (!alnum_cp(last) || !alnum_cp(first)) return;
  try_variant(H, gap, ib - gap, "", "as one word");
}

/* A phrase without a hit split where it stops matching: its longest
 * beginning that occurs, and the rest, as two words. */
static void split_hint(hints *H, const bg_qnode *n) {
  bg_units u;
  bg_units_init(&u);
  bg_units_set_fold(&u, bg_reader_fold(H->r));
  if (bg_units_tokenize(&u, n->text, n->len) != BG_OK) {
    H->rc = BG_ENOMEM;
    goto done;
  }
  if (u.n < 3 || u.n > 64) goto done;
  /* Code point offsets of the source to bytes. */
  size_t lo = 0, hi = u.n - 1; /* units of the longest beginning found */
  while (lo < hi) {
    size_t mid = (lo + hi + 1) / 2;
    size_t end = bg_utf8_offset(n->text, n->len, u.u[mid - 1].src_end);
    long long k = paragraphs_of(H, n->text, end);
    if (k < 0) goto done;
    if (k > 0)
      lo = mid;
    else
      hi = mid - 1;
  }
  if (lo == 0) goto done;
  size_t cut = bg_utf8_offset(n->text, n->len, u.u[lo - 1].src_end);
  size_t rest = bg_utf8_offset(n->text, n->len, u.u[lo].src_start);
  char *two = bg_malloc(n->len + 2);
  if (!two) {
    H->rc = BG_ENOMEM;
    goto done;
  }
  memcpy(two, n->text, cut);
  two[cut] = ' ';
  memcpy(two + cut + 1, n->text + rest, n->len - rest);
  two[cut + 1 + n->len - rest] = '\0';
  size_t at = find_at(H, n->pos, n->text, n->len);
  char msg[400];
  snprintf(msg, sizeof msg, "no paragraph has '%s' as one phrase; as two words",
           n->text);
  /* A quoted phrase: the words replace the quotes too. */
  if (at != SIZE_MAX) {
    size_t from = at, len = n->len;
    if (from > 0 && H->q[from - 1] == '"' && from + len < H->len &&
        H->q[from + len] == '"')
      from--, len += 2;
    try_variant(H, from, len, two, msg);
  }
  free(two);
done:
  bg_units_reset(&u);
}

/* "yaer:2025": a filter key misspelt, searched as text. */
static void key_hint(hints *H, const bg_qnode *n) {
  static const char *const keys[] = {"year", "region", "report"};
  size_t k = 0;
  while (k < n->len && ((n->text[k] >= 'a' && n->text[k] <= 'z') ||
                        (n->text[k] >= 'A' && n->text[k] <= 'Z')))
    k++;
  if (k == 0 || k > 16 || k == n->len) return;
  if (n->text[k] != ':' && (n->len < k + 3 || memcmp(n->text + k, "：", 3)))
    return;
  uint32_t key[16], cand[8];
  for (size_t i = 0; i < k; i++)
    key[i] = (uint32_t)(n->text[i] | 0x20);
  const char *best = NULL;
  size_t bd = 3;
  for (size_t j = 0; j < 3; j++) {
    size_t cl = strlen(keys[j]);
    for (size_t i = 0; i < cl; i++) cand[i] = (uint32_t)keys[j][i];
    size_t d = bg_hints_distance(key, k, cand, cl);
    if (d < bd) bd = d, best = keys[j];
  }
  char msg[300];
  snprintf(msg, sizeof msg,
           "'%.*s' is not a filter, so '%s' was searched as text; the filters "
           "are year:, region: and report:",
           (int)k + (n->text[k] == ':' ? 1 : 3), n->text, n->text);
  add(H, msg, NULL, 0);
  size_t at = find_at(H, n->pos, n->text, n->len);
  if (best && at != SIZE_MAX) {
    char rep[32];
    snprintf(rep, sizeof rep, "%s:", best);
    try_variant(H, at, k + (n->text[k] == ':' ? 1 : 3), rep, "as a filter");
  }
}

/* ---- the whole query ---- */

/* Traditional characters in an index built without --t2s. */
static void t2s_hint(hints *H) {
  if (bg_reader_fold(H->r) & BG_FOLD_T2S) return;
  char *s = bg_malloc(H->len * 2 + 8);
  if (!s) {
    H->rc = BG_ENOMEM;
    return;
  }
  size_t i = 0, k = 0;
  int changed = 0;
  while (i < H->len) {
    uint32_t c = bg_utf8_next(H->q, H->len, &i), f = bg_t2s(c);
    changed |= f != c;
    k += bg_utf8_put(s + k, f);
  }
  s[k] = '\0';
  long long n = changed ? paragraphs_of(H, s, k) : -1;
  if (n > 0) {
    char msg[700];
    snprintf(msg, sizeof msg,
             "the query has Traditional characters and this index was built "
             "without --t2s; in Simplified characters: %s (%lld paragraph%s)",
             s, n, n == 1 ? "" : "s");
    add(H, msg, s, n);
  }
  free(s);
}

/* Full-width quotes and brackets, which are text, not operators. */
static void fullwidth_hint(hints *H) {
  static const struct {
    const char *from, *to;
  } map[] = {{"“", "\""}, {"”", "\""}, {"「", "\""}, {"」", "\""},
             {"『", "\""}, {"』", "\""}, {"＂", "\""}, {"（", "("},
             {"）", ")"}};
  char *s = bg_malloc(H->len + 1);
  if (!s) {
    H->rc = BG_ENOMEM;
    return;
  }
  size_t i = 0, k = 0;
  int changed = 0;
  while (i < H->len) {
    size_t m = 0, nmap = sizeof map / sizeof map[0];
    while (m < nmap && strncmp(H->q + i, map[m].from, strlen(map[m].from)))
      m++;
    if (m < nmap) {
      s[k++] = map[m].to[0];
      i += strlen(map[m].from);
      changed = 1;
    } else {
      s[k++] = H->q[i++];
    }
  }
  s[k] = '\0';
  long long n = changed ? paragraphs_of(H, s, k) : -1;
  if (n > 0) {
    char msg[700];
    snprintf(msg, sizeof msg,
             "full-width quotes and brackets (“” 「」 （）) are searched as text; "
             "as operators: %s (%lld paragraph%s)",
             s, n, n == 1 ? "" : "s");
    add(H, msg, s, n);
  }
  free(s);
}

/* Walks the tree: regions, years, phrases with spaces, keys, and the
 * words of ANDs. */
static void walk(hints *H, const bg_qnode *n, years *Y) {
  if (H->rc) return;
  switch (n->kind) {
  case BG_Q_REGION:
    region_hint(H, n);
    return;
  case BG_Q_YEAR:
    year_hint(H, n, Y);
    return;
  case BG_Q_PHRASE:
    key_hint(H, n);
    joined_hint(H, n);
    return;
  case BG_Q_AND:
    for (size_t i = 0; i + 1 < n->nkids; i++)
      if (n->kids[i]->kind == BG_Q_PHRASE &&
          n->kids[i + 1]->kind == BG_Q_PHRASE)
        join_words_hint(H, n->kids[i], n->kids[i + 1]);
    break;
  default:
    break;
  }
  for (size_t i = 0; i < n->nkids; i++) walk(H, n->kids[i], Y);
}

/* The positive phrases of the root (alone or ANDed) without a hit of
 * their own, split where they stop matching. */
static void splits(hints *H, const bg_qnode *root) {
  int and = root->kind == BG_Q_AND;
  size_t nk = and ? root->nkids : 1, tried = 0;
  for (size_t i = 0; i < nk && tried < MAX_SPLITS && !H->rc; i++) {
    const bg_qnode *k = and ? root->kids[i] : root;
    if (k->kind != BG_Q_PHRASE) continue;
    if (paragraphs_of(H, k->text, k->len) != 0) continue;
    tried++;
    split_hint(H, k);
  }
}

int bg_hints(bg_reader *r, const char *q, size_t len, double timeout_ms,
             json_t **out, bg_err *err) {
  *out = NULL;
  bg_qnode *tree = NULL;
  int rc = bg_query_parse(q, len, &tree, err);
  if (rc != BG_OK) return rc;
  hints H = {r, q, len, bg_now_ms() + (timeout_ms > 0 ? timeout_ms
                                                      : HINT_DEFAULT_MS),
             json_array(), BG_OK};
  years *Y = bg_calloc(1, sizeof *Y);
  if (!H.arr || !Y) {
    rc = bg_err_set(err, BG_ENOMEM, "out of memory");
    goto done;
  }
  bg_err e = {0};
  const char *yp = BG_PREFIX_YEAR;
  if (bg_xdb_prefixed_terms(bg_reader_db(r), yp, strlen(yp), on_year, Y, &e) ==
      BG_OK)
    qsort(Y->v, Y->n, sizeof *Y->v, cmp_int);
  else
    Y->n = 0;
  walk(&H, tree, Y);
  t2s_hint(&H);
  fullwidth_hint(&H);
  splits(&H, tree);
  if (H.rc) rc = bg_err_set(err, BG_ENOMEM, "out of memory");
done:
  free(Y);
  bg_query_free(tree);
  if (rc != BG_OK) {
    json_decref(H.arr);
    return rc;
  }
  *out = H.arr;
  return BG_OK;
}

void bg_hints_attach(bg_reader *r, const char *q, size_t len,
                     double timeout_ms, json_t *answer) {
  json_t *total = json_object_get(answer, "total");
  int none;
  if (total)
    none = json_integer_value(total) == 0;
  else /* a count: no first year, and no occurrence in any bucket */
    none = json_is_null(json_object_get(answer, "first"));
  if (!none || !json_is_object(answer)) return;
  if (!total) {
    size_t i;
    json_t *b;
    json_array_foreach(json_object_get(answer, "buckets"), i, b) {
      if (json_integer_value(json_object_get(b, "occurrences")) > 0) return;
    }
  }
  json_t *h = NULL;
  bg_err e = {0};
  if (bg_hints(r, q, len, timeout_ms, &h, &e) == BG_OK)
    json_object_set_new(answer, "hints", h);
}
