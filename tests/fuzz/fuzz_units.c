/*
 * fuzz_units.c - the unit tokenizer and normalizer (units.c) on any bytes.
 *
 * The input is tokenized as a paragraph would be; every unit must lie
 * inside the normalized text, be valid UTF-8, and come from a non-empty,
 * ordered range of source code points.  Tokenizing again into the same
 * (reused) output must give the same units, and folding Traditional to
 * Simplified (BG_FOLD_T2S) the same number of units from the same source
 * ranges.  The UTF-8 helpers are run on the same bytes.
 */
#include <string.h>

#include "fuzz.h"
#include "units.h"

static void check_units(const bg_units *u, const uint8_t *data, size_t size) {
  uint32_t prev_start = 0;
  for (size_t i = 0; i < u->n; i++) {
    const bg_unit *x = &u->u[i];
    FUZZ_CHECK(x->len > 0);
    FUZZ_CHECK((size_t)x->off + x->len <= u->norm_len);
    FUZZ_CHECK(bg_utf8_valid(bg_units_text(u, i), x->len, NULL));
    FUZZ_CHECK(x->src_start < x->src_end);
    FUZZ_CHECK(x->src_end <= u->src_cps);
    FUZZ_CHECK(x->src_start >= prev_start);
    prev_start = x->src_start;
    (void)bg_units_is_alnum(u, i);
  }
  if (bg_utf8_valid((const char *)data, size, NULL))
    FUZZ_CHECK(u->src_cps == bg_utf8_cps((const char *)data, size));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *s = (const char *)data;
  bg_units u;
  bg_units_init(&u);
  if (bg_units_tokenize(&u, s, size) != 0) {
    bg_units_reset(&u);
    return 0;
  }
  check_units(&u, data, size);

  /* The same text again, into the output of a longer or shorter one. */
  size_t n = u.n, norm_len = u.norm_len;
  bg_unit *copy = n ? malloc(n * sizeof *copy) : NULL;
  char *norm = norm_len ? malloc(norm_len) : NULL;
  if ((n && !copy) || (norm_len && !norm)) abort();
  if (n) memcpy(copy, u.u, n * sizeof *copy);
  if (norm_len) memcpy(norm, u.norm, norm_len);
  if (bg_units_tokenize(&u, s, size / 2) == 0) check_units(&u, data, size / 2);
  if (bg_units_tokenize(&u, s, size) == 0) {
    FUZZ_CHECK(u.n == n && u.norm_len == norm_len);
    FUZZ_CHECK(n == 0 || memcmp(u.u, copy, n * sizeof *copy) == 0);
    FUZZ_CHECK(norm_len == 0 || memcmp(u.norm, norm, norm_len) == 0);
  }
  /* Folding Traditional to Simplified keeps the units, their number and
   * their source ranges. */
  bg_units_set_fold(&u, BG_FOLD_T2S);
  if (bg_units_tokenize(&u, s, size) == 0) {
    check_units(&u, data, size);
    FUZZ_CHECK(u.n == n);
    for (size_t k = 0; k < n; k++)
      FUZZ_CHECK(u.u[k].src_start == copy[k].src_start &&
                 u.u[k].src_end == copy[k].src_end);
  }
  free(copy);
  free(norm);
  bg_units_reset(&u);

  /* The UTF-8 helpers: bg_utf8_next on anything, the others on valid
   * text. */
  size_t bad = 0;
  size_t valid = bg_utf8_valid(s, size, &bad) ? size : bad;
  FUZZ_CHECK(valid <= size);
  FUZZ_CHECK(bg_utf8_valid(s, valid, NULL));
  size_t cps = bg_utf8_cps(s, valid);
  FUZZ_CHECK(bg_utf8_offset(s, valid, cps) == valid);
  FUZZ_CHECK(bg_utf8_offset(s, valid, cps / 2) <= valid);
  (void)bg_utf8_width(s, valid);
  size_t i = 0, k = 0;
  while (i < size) {
    size_t before = i;
    uint32_t cp = bg_utf8_next(s, size, &i);
    FUZZ_CHECK(i > before && i <= size && i - before <= 4);
    char buf[4];
    size_t w = bg_utf8_put(buf, cp);
    FUZZ_CHECK(w >= 1 && w <= 4);
    k++;
  }
  if (valid == size) FUZZ_CHECK(k == cps);
  return 0;
}
