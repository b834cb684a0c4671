/*
 * diff.c - character-level diff (see diff.h).
 *
 * The search is diff-match-patch's diff_main / diff_bisect (Myers' middle
 * snake with both paths walked at once), on arrays of code points.
 */
#include "diff.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "units.h"
#include "util.h"

typedef struct op {
  char op;  /* '=', '-', '+' */
  size_t n; /* code points */
} op;

typedef struct dctx {
  const uint32_t *a, *b;
  op *ops;
  size_t nops, cap;
  size_t *budget;
  int oom;
} dctx;

static void emit(dctx *c, char o, size_t n) {
  if (n == 0 || c->oom) return;
  if (c->nops && c->ops[c->nops - 1].op == o) {
    c->ops[c->nops - 1].n += n;
    return;
  }
  if (c->nops == c->cap) {
    size_t nc = c->cap ? c->cap * 2 : 32;
    op *no = bg_realloc(c->ops, nc * sizeof *no);
    if (!no) {
      c->oom = 1;
      return;
    }
    c->ops = no;
    c->cap = nc;
  }
  c->ops[c->nops].op = o;
  c->ops[c->nops].n = n;
  c->nops++;
}

/* Takes `steps` from the budget; returns 0 once it is spent. */
static int spend(dctx *c, size_t steps) {
  if (!c->budget) return 1;
  if (*c->budget <= steps) {
    *c->budget = 0;
    return 0;
  }
  *c->budget -= steps;
  return 1;
}

static void diff_main(dctx *c, size_t a0, size_t a1, size_t b0, size_t b1);

/* Finds the middle snake of a[a0, a1) and b[b0, b1) (both non-empty) and
 * diffs the two halves around it; reports everything as changed when the
 * budget runs out. */
static void bisect(dctx *c, size_t a0, size_t a1, size_t b0, size_t b1) {
  const uint32_t *a = c->a + a0, *b = c->b + b0;
  long n = (long)(a1 - a0), m = (long)(b1 - b0);
  long max_d = (n + m + 1) / 2;
  long v_off = max_d, v_len = 2 * max_d + 2;
  long *v1 = bg_malloc((size_t)v_len * 2 * sizeof *v1);
  if (!v1) {
    c->oom = 1;
    return;
  }
  long *v2 = v1 + v_len;
  for (long i = 0; i < v_len; i++)
    v1[i] = v2[i] = -1;
  v1[v_off + 1] = 0;
  v2[v_off + 1] = 0;
  long delta = n - m;
  int front = (delta % 2 != 0);
  long k1start = 0, k1end = 0, k2start = 0, k2end = 0;
  for (long d = 0; d < max_d; d++) {
    size_t steps = 0;
    /* The forward path, one step further. */
    for (long k1 = -d + k1start; k1 <= d - k1end; k1 += 2) {
      long k1o = v_off + k1, x1;
      if (k1 == -d || (k1 != d && v1[k1o - 1] < v1[k1o + 1]))
        x1 = v1[k1o + 1];
      else
        x1 = v1[k1o - 1] + 1;
      long y1 = x1 - k1;
      while (x1 < n && y1 < m && a[x1] == b[y1])
        x1++, y1++, steps++;
      steps++;
      v1[k1o] = x1;
      if (x1 > n) {
        k1end += 2;
      } else if (y1 > m) {
        k1start += 2;
      } else if (front) {
        long k2o = v_off + delta - k1;
        if (k2o >= 0 && k2o < v_len && v2[k2o] != -1 && x1 >= n - v2[k2o]) {
          free(v1);
          diff_main(c, a0, a0 + (size_t)x1, b0, b0 + (size_t)y1);
          diff_main(c, a0 + (size_t)x1, a1, b0 + (size_t)y1, b1);
          return;
        }
      }
    }
    /* The reverse path, one step further. */
    for (long k2 = -d + k2start; k2 <= d - k2end; k2 += 2) {
      long k2o = v_off + k2, x2;
      if (k2 == -d || (k2 != d && v2[k2o - 1] < v2[k2o + 1]))
        x2 = v2[k2o + 1];
      else
        x2 = v2[k2o - 1] + 1;
      long y2 = x2 - k2;
      while (x2 < n && y2 < m && a[n - x2 - 1] == b[m - y2 - 1])
        x2++, y2++, steps++;
      steps++;
      v2[k2o] = x2;
      if (x2 > n) {
        k2end += 2;
      } else if (y2 > m) {
        k2start += 2;
      } else if (!front) {
        long k1o = v_off + delta - k2;
        if (k1o >= 0 && k1o < v_len && v1[k1o] != -1) {
          long x1 = v1[k1o];
          long y1 = v_off + x1 - k1o;
          if (x1 >= n - x2) {
            free(v1);
            diff_main(c, a0, a0 + (size_t)x1, b0, b0 + (size_t)y1);
            diff_main(c, a0 + (size_t)x1, a1, b0 + (size_t)y1, b1);
            return;
          }
        }
      }
    }
    if (!spend(c, steps)) break;
  }
  free(v1);
  /* No common subsequence worth the search (or out of budget). */
  emit(c, '-', a1 - a0);
  emit(c, '+', b1 - b0);
}

static void diff_main(dctx *c, size_t a0, size_t a1, size_t b0, size_t b1) {
  if (c->oom) return;
  size_t p = 0, s = 0;
  while (a0 + p < a1 && b0 + p < b1 && c->a[a0 + p] == c->b[b0 + p])
    p++;
  while (a1 - s > a0 + p && b1 - s > b0 + p &&
         c->a[a1 - 1 - s] == c->b[b1 - 1 - s])
    s++;
  emit(c, '=', p);
  a0 += p, b0 += p, a1 -= s, b1 -= s;
  if (a0 == a1)
    emit(c, '+', b1 - b0);
  else if (b0 == b1)
    emit(c, '-', a1 - a0);
  else if (c->budget && *c->budget == 0) {
    emit(c, '-', a1 - a0);
    emit(c, '+', b1 - b0);
  } else
    bisect(c, a0, a1, b0, b1);
  emit(c, '=', s);
}

/* Code points of s[0, len) into *cp and the byte offset of each (plus the
 * end) into *off; an invalid byte becomes a value above U+10FFFF of its
 * own, so that equal code points always mean equal bytes. */
static int decode(const char *s, size_t len, uint32_t **cp, size_t **off,
                  size_t *n) {
  *cp = bg_malloc((len + 1) * sizeof **cp);
  *off = bg_malloc((len + 1) * sizeof **off);
  if (!*cp || !*off) return BG_ENOMEM;
  size_t i = 0, k = 0;
  while (i < len) {
    size_t j = i;
    uint32_t c = bg_utf8_next(s, len, &j);
    if (c == 0xFFFD && j == i + 1) c = 0x110000u + (unsigned char)s[i];
    (*off)[k] = i;
    (*cp)[k++] = c;
    i = j;
  }
  (*off)[k] = len;
  *n = k;
  return BG_OK;
}

/* A stretch of the result: equal text, or a change (dn code points of a
 * replaced by in code points of b). */
typedef struct item {
  int eq;
  size_t dn, in;
} item;

/* Folds the ops into changes and equalities and drops short equalities
 * between changes at least as long (semantic cleanup); *out has *n items. */
static int fold(const op *ops, size_t nops, item **out, size_t *n) {
  item *st = bg_malloc((nops + 1) * sizeof *st);
  if (!st) return BG_ENOMEM;
  size_t top = 0;
  for (size_t i = 0; i < nops; i++) {
    const op *o = &ops[i];
    if (o->op == '=') {
      st[top++] = (item){1, o->n, o->n};
      continue;
    }
    if (top == 0 || st[top - 1].eq) st[top++] = (item){0, 0, 0};
    if (o->op == '-')
      st[top - 1].dn += o->n;
    else
      st[top - 1].in += o->n;
    /* A change next to [change, equality]: fold the equality in when it is
     * no longer than the changes on both sides. */
    while (top >= 3 && !st[top - 1].eq && st[top - 2].eq && !st[top - 3].eq) {
      item *l = &st[top - 3], *e = &st[top - 2], *r = &st[top - 1];
      size_t ml = l->dn > l->in ? l->dn : l->in;
      size_t mr = r->dn > r->in ? r->dn : r->in;
      if (e->dn > ml || e->dn > mr) break;
      l->dn += e->dn + r->dn;
      l->in += e->in + r->in;
      top -= 2;
    }
  }
  *out = st;
  *n = top;
  return BG_OK;
}

int bg_diff(const char *a, size_t alen, const char *b, size_t blen,
            size_t *budget, bg_diff_piece **out, size_t *n) {
  *out = NULL;
  *n = 0;
  uint32_t *ca = NULL, *cb = NULL;
  size_t *oa = NULL, *ob = NULL, na = 0, nb = 0;
  item *items = NULL;
  size_t nitems = 0;
  dctx c = {0};
  int rc = decode(a, alen, &ca, &oa, &na);
  if (rc == BG_OK) rc = decode(b, blen, &cb, &ob, &nb);
  if (rc != BG_OK) goto done;
  c.a = ca;
  c.b = cb;
  c.budget = budget;
  diff_main(&c, 0, na, 0, nb);
  if (c.oom || (rc = fold(c.ops, c.nops, &items, &nitems)) != BG_OK) {
    rc = BG_ENOMEM;
    goto done;
  }
  bg_diff_piece *p = bg_malloc((2 * nitems + 1) * sizeof *p);
  if (!p) {
    rc = BG_ENOMEM;
    goto done;
  }
  size_t k = 0, ia = 0, ib = 0;
  for (size_t i = 0; i < nitems; i++) {
    const item *it = &items[i];
    if (it->eq) {
      p[k++] = (bg_diff_piece){'=', oa[ia], ob[ib], oa[ia + it->dn] - oa[ia]};
    } else {
      if (it->dn)
        p[k++] = (bg_diff_piece){'-', oa[ia], ob[ib], oa[ia + it->dn] - oa[ia]};
      if (it->in)
        p[k++] = (bg_diff_piece){'+', oa[ia + it->dn], ob[ib],
                                 ob[ib + it->in] - ob[ib]};
    }
    ia += it->dn;
    ib += it->in;
  }
  *out = p;
  *n = k;
done:
  free(ca);
  free(cb);
  free(oa);
  free(ob);
  free(c.ops);
  free(items);
  return rc;
}
