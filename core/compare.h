/*
 * compare.h - report diff: how report B rewrote report A, paragraph by
 * paragraph, and which phrases it brought in or dropped.
 *
 * 1. Alignment.  Every pair of paragraphs (one of A, one of B) whose
 *    similarity (similarity.h: Dice over unit pairs) reaches the threshold
 *    is a candidate; the alignment is the chain of candidates increasing in
 *    both A and B (monotonic: no two pairs cross) with the largest total
 *    similarity.  So a reworded paragraph pairs with its predecessor, and a
 *    new or dropped one with nothing.  Candidates come from an inverted
 *    index of unit pairs, so no time is spent on pairs sharing nothing.
 * 2. Each aligned pair gets a character-level diff (diff.h): its '=' and
 *    '-' pieces concatenate to A's paragraph and its '=' and '+' pieces to
 *    B's, byte for byte.
 * 3. Paragraphs left out of the alignment are listed as only in A / only
 *    in B.
 * 4. Phrases: a phrase is a run of 2 to 8 CJK units (Han characters, kana,
 *    hangul; no punctuation, digits or Latin) inside a paragraph.  A phrase
 *    is new in B when it occurs at least `min_count` times in B and never
 *    in A (gone: the other way round), counting occurrences as `baogao
 *    count` does.  Only maximal ones are listed: a phrase is left out when
 *    every occurrence of it extends by the same unit on the left or on the
 *    right (the longer phrase then says the same); a maximal run of 8 units
 *    extended that way grows past 8.  A phrase is also left out when a
 *    longer listed phrase containing it makes up at least half of its
 *    occurrences (of 项行动 ×4 and 专项行动 ×3 only the second is listed).
 *    Ranked by count, then length, then text.
 *
 * Time and memory stay bounded on large reports: the candidate search
 * skips, in pathological texts only, unit pairs shared by too many
 * paragraph pairs, and each diff has a step budget past which the rest of
 * a pair is shown as replaced whole.
 */
#ifndef BG_COMPARE_H
#define BG_COMPARE_H

#include <stddef.h>
#include <stdint.h>

#include "diff.h"
#include "error.h"
#include "reader.h"

#define BG_COMPARE_THRESHOLD 0.25 /* least similarity of an aligned pair */
#define BG_COMPARE_MIN_COUNT 2    /* least occurrences of a new phrase */
#define BG_COMPARE_PHRASES 20     /* phrases listed each way */
#define BG_PHRASE_MIN 2
#define BG_PHRASE_MAX 8

typedef struct bg_compare_opts {
  double threshold;  /* 0: BG_COMPARE_THRESHOLD; else in (0, 1] */
  size_t min_count;  /* 0: BG_COMPARE_MIN_COUNT */
  size_t phrases;    /* phrases listed each way at most; 0: the default */
  double timeout_ms; /* BG_ETIMEOUT past this; 0: no limit */
} bg_compare_opts;

typedef struct bg_compare_pair {
  uint32_t a_para, b_para; /* paragraph numbers, from 1 */
  double similarity;
  bg_diff_piece *diff; /* offsets into a->para[a_para-1], b->para[b_para-1] */
  size_t ndiff;
} bg_compare_pair;

typedef struct bg_phrase {
  char *phrase; /* normalized units joined */
  size_t count; /* occurrences in the report that has it */
  size_t units;
} bg_phrase;

typedef struct bg_compare_result {
  bg_doc_text *a, *b;     /* the two reports (owned) */
  bg_compare_pair *pairs; /* in order of both A and B */
  size_t npairs;
  uint32_t *only_a, *only_b; /* paragraph numbers, ascending */
  size_t nonly_a, nonly_b;
  bg_phrase *new_phrases, *gone_phrases; /* in B not A; in A not B */
  size_t nnew, ngone;
  double took_ms;
} bg_compare_result;

/* Compares report b_id (the later one, usually) with report a_id of the
 * index.  *out is owned by the caller (bg_compare_free()).  BG_ENOTFOUND
 * for an unknown report, BG_ERANGE for a threshold outside (0, 1],
 * BG_ETIMEOUT. */
int bg_compare(bg_reader *r, const char *a_id, const char *b_id,
               const bg_compare_opts *o, bg_compare_result **out, bg_err *err);

/* The same on two reports in memory, taking ownership of a and b (freed
 * with the result, or at once on failure).  Units are not folded
 * (bg_compare() folds them as its index does). */
int bg_compare_docs(bg_doc_text *a, bg_doc_text *b, const bg_compare_opts *o,
                    bg_compare_result **out, bg_err *err);

void bg_compare_free(bg_compare_result *c);

/* ---- the pieces, for tests ---- */

/* A candidate pair for the alignment: paragraph indices and weight. */
typedef struct bg_align_cand {
  uint32_t i, j;
  double w;
} bg_align_cand;

/* The chain of candidates with i and j both strictly increasing whose
 * total weight is largest: *chosen (caller frees) gets the indices into c
 * of its members in order, *n their count.  c must be sorted by i, then j.
 * O(n log n).  BG_OK or BG_ENOMEM. */
int bg_align(const bg_align_cand *c, size_t n, size_t **chosen,
             size_t *nchosen);

/* The phrases of `in` that `notin` lacks (the rules above): *out (caller
 * frees with bg_phrases_free()) has *n of them, at most max. */
int bg_phrases_new(const bg_doc_text *in, const bg_doc_text *notin,
                   size_t min_count, size_t max, bg_phrase **out, size_t *n);
void bg_phrases_free(bg_phrase *p, size_t n);

#endif
