/*
 * kwic.c - concordance lines (see kwic.h).
 */
#include "kwic.h"
#include "cancel.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "units.h"

typedef struct kctx {
  bg_kwic_result *res;
  size_t cap;
  size_t width;
  bg_units units;
  bg_err *err;
} kctx;

const char *bg_kwic_sort_name(bg_kwic_sort s) {
  return s == BG_KWIC_LEFT ? "left" : s == BG_KWIC_RIGHT ? "right" : "year";
}

int bg_kwic_sort_parse(const char *name) {
  if (!strcmp(name, "year")) return BG_KWIC_YEAR;
  if (!strcmp(name, "left")) return BG_KWIC_LEFT;
  if (!strcmp(name, "right")) return BG_KWIC_RIGHT;
  return -1;
}

void bg_kwic_free(bg_kwic_result *k) {
  if (!k) return;
  for (size_t i = 0; i < k->nlines; i++) {
    free(k->lines[i].report);
    free(k->lines[i].left);
    free(k->lines[i].match);
    free(k->lines[i].right);
  }
  free(k->lines);
  free(k->query);
  free(k);
}

/* Byte offset where the last `width` display columns before byte `end`
 * of s begin (never splitting a character). */
static size_t left_start(const char *s, size_t end, size_t width) {
  size_t i = end, w = 0;
  while (i > 0) {
    size_t j = i - 1;
    while (j > 0 && ((unsigned char)s[j] & 0xC0) == 0x80) j--;
    size_t cw = bg_utf8_width(s + j, i - j);
    if (w + cw > width) break;
    w += cw;
    i = j;
  }
  return i;
}

/* Byte offset where `width` display columns after byte `start` end. */
static size_t right_end(const char *s, size_t len, size_t start,
                        size_t width) {
  size_t i = start, w = 0;
  while (i < len) {
    size_t j = i;
    bg_utf8_next(s, len, &j);
    size_t cw = bg_utf8_width(s + i, j - i);
    if (w + cw > width) break;
    w += cw;
    i = j;
  }
  return i;
}

/* Line breaks and tabs inside a context would break the layout. */
static void flatten(char *s) {
  for (; *s; s++)
    if (*s == '\t' || *s == '\n' || *s == '\r') *s = ' ';
}

static int on_doc(void *ctx, const bg_scan_doc *d) {
  kctx *K = ctx;
  bg_kwic_result *res = K->res;
  uint32_t cur = UINT32_MAX;
  const char *text = NULL;
  size_t tlen = 0;
  for (size_t i = 0; i < d->nocc; i++) {
    const bg_occ *o = &d->occ[i];
    if (o->para != cur) {
      int rc = bg_scan_para(d, o->para, &text, &tlen, K->err);
      if (rc != BG_OK) return rc;
      if (bg_units_tokenize(&K->units, text, tlen) != BG_OK)
        return bg_err_set(K->err, BG_ENOMEM, "out of memory");
      cur = o->para;
    }
    const bg_units *u = &K->units;
    if (o->unit + o->nunits > u->n)
      return bg_err_set(K->err, BG_ECORRUPT,
                        "%s: paragraph %u does not match the index", d->id,
                        o->para + 1);
    uint32_t cs = u->u[o->unit].src_start;
    uint32_t ce = u->u[o->unit + o->nunits - 1].src_end;
    size_t bs = bg_utf8_offset(text, tlen, cs);
    size_t be = bg_utf8_offset(text, tlen, ce);
    size_t ls = left_start(text, bs, K->width);
    size_t re = right_end(text, tlen, be, K->width);
    if (res->nlines == K->cap) {
      size_t nc = K->cap ? K->cap * 2 : 256;
      bg_kwic_line *nl = bg_realloc(res->lines, nc * sizeof *nl);
      if (!nl) return bg_err_set(K->err, BG_ENOMEM, "out of memory");
      res->lines = nl;
      K->cap = nc;
    }
    bg_kwic_line *l = &res->lines[res->nlines];
    memset(l, 0, sizeof *l);
    res->nlines++;
    l->report = bg_strdup(d->id);
    l->year = d->year;
    l->para = o->para + 1;
    l->start = cs;
    l->left = bg_strndup(text + ls, bs - ls);
    l->match = bg_strndup(text + bs, be - bs);
    l->right = bg_strndup(text + be, re - be);
    if (!l->report || !l->left || !l->match || !l->right)
      return bg_err_set(K->err, BG_ENOMEM, "out of memory");
    /* A server's answer has a size limit (cancel.h): stop at it. */
    if (bg_cancel_charge(re - ls + strlen(d->id) + 64))
      return bg_err_set(K->err, BG_ETOOLARGE,
                        "the concordance would hold more than %zu MB of "
                        "text: narrow the query (year:, region:, report:) "
                        "or ask for a smaller width",
                        bg_cancel_max() >> 20);
    flatten(l->left);
    flatten(l->right);
  }
  return BG_OK;
}

static int cmp_place(const bg_kwic_line *a, const bg_kwic_line *b) {
  if (a->year != b->year) return a->year < b->year ? -1 : 1;
  int c = strcmp(a->report, b->report);
  if (c) return c;
  if (a->para != b->para) return a->para < b->para ? -1 : 1;
  return a->start < b->start ? -1 : a->start > b->start;
}

/* Compares left contexts character by character from the match outwards. */
static int cmp_left_ctx(const char *a, const char *b) {
  size_t i = strlen(a), j = strlen(b);
  while (i > 0 && j > 0) {
    size_t pi = i - 1, pj = j - 1;
    while (pi > 0 && ((unsigned char)a[pi] & 0xC0) == 0x80) pi--;
    while (pj > 0 && ((unsigned char)b[pj] & 0xC0) == 0x80) pj--;
    size_t ci = 0, cj = 0;
    uint32_t x = bg_utf8_next(a + pi, i - pi, &ci);
    uint32_t y = bg_utf8_next(b + pj, j - pj, &cj);
    if (x != y) return x < y ? -1 : 1;
    i = pi, j = pj;
  }
  return (i > 0) - (j > 0);
}

static _Thread_local bg_kwic_sort sort_key; /* for qsort, per thread */

static int cmp_line(const void *pa, const void *pb) {
  const bg_kwic_line *a = pa, *b = pb;
  int c = 0;
  if (sort_key == BG_KWIC_LEFT) c = cmp_left_ctx(a->left, b->left);
  if (sort_key == BG_KWIC_RIGHT) c = strcmp(a->right, b->right);
  if (c == 0 && sort_key != BG_KWIC_YEAR) c = strcmp(a->match, b->match);
  return c ? c : cmp_place(a, b);
}

int bg_kwic(bg_reader *r, const char *q, size_t len, size_t width,
            bg_kwic_sort sort, double timeout_ms, bg_kwic_result **out,
            bg_err *err) {
  *out = NULL;
  double t0 = bg_now_ms();
  kctx K = {0};
  K.width = width;
  K.err = err;
  bg_units_init(&K.units);
  bg_units_set_fold(&K.units, bg_reader_fold(r));
  K.res = bg_calloc(1, sizeof *K.res);
  if (!K.res || !(K.res->query = bg_strndup(q, len))) {
    bg_kwic_free(K.res);
    return bg_err_set(err, BG_ENOMEM, "out of memory");
  }
  int rc = bg_scan(r, q, len, timeout_ms, on_doc, &K, err);
  bg_units_reset(&K.units);
  if (rc != BG_OK) {
    bg_kwic_free(K.res);
    return rc;
  }
  sort_key = sort;
  if (K.res->nlines > 1)
    qsort(K.res->lines, K.res->nlines, sizeof *K.res->lines, cmp_line);
  K.res->total = K.res->nlines;
  K.res->took_ms = bg_now_ms() - t0;
  *out = K.res;
  return BG_OK;
}
