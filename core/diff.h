/*
 * diff.h - a character-level diff of two UTF-8 texts, for `baogao compare`.
 *
 * The texts are compared code point by code point with Myers' O(ND)
 * algorithm in linear space (the divide-and-conquer "middle snake" form, as
 * in diff-match-patch), after stripping their common prefix and suffix.
 * The result is a list of pieces: '=' text in both, '-' text only in a,
 * '+' text only in b.  The '=' and '-' pieces, in order, concatenate to a
 * byte for byte, and the '=' and '+' pieces to b.
 *
 * For readability, a change is one '-' followed by one '+' (either may be
 * missing), and a short stretch of equal text between two changes at least
 * as long as it is folded into them (diff-match-patch's semantic cleanup),
 * so "A的B" -> "C的D" reads as one replacement rather than two around a
 * shared "的".
 *
 * The work is bounded: each step of the search costs one unit of *budget;
 * when it runs out, the part being compared is reported as deleted and
 * inserted whole (still exact, no longer minimal).  Invalid UTF-8 bytes are
 * compared as bytes, so equal pieces are always equal bytes.
 */
#ifndef BG_DIFF_H
#define BG_DIFF_H

#include <stddef.h>

typedef struct bg_diff_piece {
  char op;      /* '=', '-' or '+' */
  size_t a_off; /* byte offset in a ('=' and '-'; for '+' where it stands) */
  size_t b_off; /* byte offset in b ('=' and '+'; for '-' where it stands) */
  size_t len;   /* bytes of the piece */
} bg_diff_piece;

/* Diffs a[0, alen) against b[0, blen).  On success *out (caller frees) holds
 * *n pieces; identical texts give one '=' piece, two empty texts none.
 * budget: steps allowed, decremented by the steps used; NULL for no limit.
 * Returns BG_OK or BG_ENOMEM. */
int bg_diff(const char *a, size_t alen, const char *b, size_t blen,
            size_t *budget, bg_diff_piece **out, size_t *n);

#endif
