/*
 * t2s.h - folding Traditional Chinese characters to Simplified, one code
 * point to one, for indexes built with `baogao-index --t2s`.
 *
 * The table is OpenCC's Traditional-to-Simplified conversion (t2s.json)
 * applied to each character alone, which is the first candidate of its
 * TSCharacters dictionary: 發 -> 发, 後 -> 后, 乾 -> 干, 藉 -> 藉 (its
 * first candidate is itself, before 借).  It holds only Han ideographs mapped to Han
 * ideographs that Unicode normalization leaves alone, and it is closed
 * under itself, so folding twice is folding once and a Simplified text is
 * its own folded form.  The table is generated once from OpenCC and kept
 * in the source (t2s_table.h): an index and its readers fold alike on
 * every machine.  A change to the table changes what an index means, so
 * it comes with a new BG_INDEX_FORMAT.
 */
#ifndef BG_T2S_H
#define BG_T2S_H

#include <stddef.h>
#include <stdint.h>

/* The Simplified form of code point cp, or cp when the table has none. */
uint32_t bg_t2s(uint32_t cp);

/* Folds cps[0, n) in place. */
void bg_t2s_fold(uint32_t *cps, size_t n);

/* Rows of the table, for dumps and tests: row i (ascending by the
 * Traditional code point) into *from and *to; 0 when i is past the end. */
size_t bg_t2s_rows(void);
int bg_t2s_row(size_t i, uint32_t *from, uint32_t *to);

#endif
