/*
 * similarity.c - Dice similarity over unit pairs (see similarity.h).
 */
#include "similarity.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "terms.h"
#include "util.h"

void bg_bigrams_init(bg_bigrams *b) {
  memset(b, 0, sizeof *b);
}

void bg_bigrams_reset(bg_bigrams *b) {
  if (!b) return;
  free(b->h);
  memset(b, 0, sizeof *b);
}

uint64_t bg_unit_hash(const bg_units *u, size_t i) {
  return bg_fnv1a(BG_FNV_INIT, bg_units_text(u, i), u->u[i].len);
}

/* splitmix64's finalizer: spreads the bits of a combined value. */
static uint64_t mix(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

uint64_t bg_pair_hash(uint64_t h1, uint64_t h2) {
  return mix(h1 * 0x9e3779b97f4a7c15ULL + h2 + 0x2545f4914f6cdd1dULL);
}

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

int bg_bigrams_set(bg_bigrams *b, const bg_units *u) {
  size_t need = u->n > 1 ? u->n - 1 : 0;
  if (need > b->cap) {
    size_t nc = b->cap ? b->cap : 64;
    while (nc < need)
      nc *= 2;
    uint64_t *nh = bg_realloc(b->h, nc * sizeof *nh);
    if (!nh) return BG_ENOMEM;
    b->h = nh;
    b->cap = nc;
  }
  b->n = need;
  b->units = u->n;
  uint64_t whole = BG_FNV_INIT, prev = 0;
  for (size_t i = 0; i < u->n; i++) {
    uint64_t h = bg_unit_hash(u, i);
    whole = bg_pair_hash(whole, h);
    if (i > 0) b->h[i - 1] = bg_pair_hash(prev, h);
    prev = h;
  }
  b->whole = whole;
  if (b->n > 1) qsort(b->h, b->n, sizeof *b->h, cmp_u64);
  return BG_OK;
}

size_t bg_bigrams_common(const bg_bigrams *a, const bg_bigrams *b) {
  size_t i = 0, j = 0, c = 0;
  while (i < a->n && j < b->n) {
    if (a->h[i] < b->h[j])
      i++;
    else if (a->h[i] > b->h[j])
      j++;
    else
      c++, i++, j++;
  }
  return c;
}

double bg_dice(size_t common, size_t na, size_t nb) {
  return na + nb ? 2.0 * (double)common / (double)(na + nb) : 0.0;
}

double bg_bigrams_similarity(const bg_bigrams *a, const bg_bigrams *b) {
  if (a->units < 2 || b->units < 2)
    return a->units == b->units && a->whole == b->whole ? 1.0 : 0.0;
  return bg_dice(bg_bigrams_common(a, b), a->n, b->n);
}

int bg_similarity(const char *a, size_t alen, const char *b, size_t blen,
                  double *out) {
  *out = 0;
  bg_units u;
  bg_bigrams ba, bb;
  bg_units_init(&u);
  bg_bigrams_init(&ba);
  bg_bigrams_init(&bb);
  int rc = bg_units_tokenize(&u, a, alen);
  if (rc == BG_OK) rc = bg_bigrams_set(&ba, &u);
  if (rc == BG_OK) rc = bg_units_tokenize(&u, b, blen);
  if (rc == BG_OK) rc = bg_bigrams_set(&bb, &u);
  if (rc == BG_OK) *out = bg_bigrams_similarity(&ba, &bb);
  bg_units_reset(&u);
  bg_bigrams_reset(&ba);
  bg_bigrams_reset(&bb);
  return rc == BG_OK ? BG_OK : BG_ENOMEM;
}
