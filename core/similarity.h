/*
 * similarity.h - how alike two texts are in wording: the measure shared by
 * `baogao similar` and `baogao compare`.
 *
 * A text is cut into units (units.h) and seen as the multiset of its
 * adjacent unit pairs ("bigrams", the same pairs the index holds as pair
 * terms).  The similarity of two texts is the Dice coefficient of the two
 * multisets:
 *
 *     similarity = 2 * |A ∩ B| / (|A| + |B|)
 *
 * where |A ∩ B| counts a pair as often as it occurs in both (the smaller
 * count).  It lies in [0, 1], is symmetric, is 1 for texts with the same
 * units and 0 for texts sharing no pair.  A text of fewer than two units has
 * no pair: two such texts have similarity 1 when their units are equal,
 * else 0.  Pairs are compared by 64-bit hashes of their units, so the
 * measure needs no term strings.
 */
#ifndef BG_SIMILARITY_H
#define BG_SIMILARITY_H

#include <stddef.h>
#include <stdint.h>

#include "units.h"

/* A multiset of unit pairs: the pairs' hashes in ascending order.
 * Initialize with bg_bigrams_init(); refilling reuses the memory; release
 * with bg_bigrams_reset(). */
typedef struct bg_bigrams {
  uint64_t *h;
  size_t n, cap;
  uint64_t whole; /* hash of the whole unit sequence (for short texts) */
  size_t units;   /* units of the text */
} bg_bigrams;

void bg_bigrams_init(bg_bigrams *b);
void bg_bigrams_reset(bg_bigrams *b);

/* The hash of unit i of u (its normalized bytes). */
uint64_t bg_unit_hash(const bg_units *u, size_t i);

/* The hash of the pair of units whose hashes are h1, h2 (in that order). */
uint64_t bg_pair_hash(uint64_t h1, uint64_t h2);

/* Fills b with the pairs of u.  BG_OK or BG_ENOMEM. */
int bg_bigrams_set(bg_bigrams *b, const bg_units *u);

/* Size of the multiset intersection of a and b (a merge of the two sorted
 * arrays). */
size_t bg_bigrams_common(const bg_bigrams *a, const bg_bigrams *b);

/* The Dice coefficient for `common` shared pairs out of na and nb. */
double bg_dice(size_t common, size_t na, size_t nb);

/* The similarity of two pair multisets (the rule above, short texts
 * included). */
double bg_bigrams_similarity(const bg_bigrams *a, const bg_bigrams *b);

/* The similarity of the UTF-8 texts a[0, alen) and b[0, blen) in *out.
 * BG_OK or BG_ENOMEM. */
int bg_similarity(const char *a, size_t alen, const char *b, size_t blen,
                  double *out);

#endif
