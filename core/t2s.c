/*
 * t2s.c - Traditional to Simplified folding (see t2s.h).
 *
 * Most text a tokenizer folds is Simplified or not Chinese at all, so the
 * lookup first tests a bitmap of the mapped code points (about 25 KB,
 * built once); only a mapped code point goes on to a binary search of the
 * 4,105 rows.
 */
#include "t2s.h"

#include <pthread.h>

#include "t2s_table.h"

#define LIMIT 0x32400u /* past the last ideograph of the table */

static uint64_t mapped[LIMIT / 64];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void build(void) {
  for (size_t i = 0; i < T2S_ROWS; i++)
    mapped[t2s_rows[i][0] / 64] |= (uint64_t)1 << (t2s_rows[i][0] % 64);
}

/* The Simplified form of a code point known to be in the bitmap. */
static uint32_t search(uint32_t cp) {
  size_t lo = 0, hi = T2S_ROWS;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (t2s_rows[mid][0] < cp)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < T2S_ROWS && t2s_rows[lo][0] == cp ? t2s_rows[lo][1] : cp;
}

static inline int is_mapped(uint32_t cp) {
  return cp >= 0x3400 && cp < LIMIT && (mapped[cp / 64] >> (cp % 64) & 1);
}

uint32_t bg_t2s(uint32_t cp) {
  pthread_once(&once, build);
  return is_mapped(cp) ? search(cp) : cp;
}

void bg_t2s_fold(uint32_t *cps, size_t n) {
  pthread_once(&once, build);
  for (size_t i = 0; i < n; i++)
    if (is_mapped(cps[i])) cps[i] = search(cps[i]);
}

size_t bg_t2s_rows(void) {
  return T2S_ROWS;
}

int bg_t2s_row(size_t i, uint32_t *from, uint32_t *to) {
  if (i >= T2S_ROWS) return 0;
  *from = t2s_rows[i][0];
  *to = t2s_rows[i][1];
  return 1;
}
