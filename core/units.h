/*
 * units.h - the unit tokenizer: the matching contract of baogao.
 *
 * Text is normalized (Unicode NFKC, then full case folding) and cut into
 * units:
 *   - each CJK character (Han incl. extensions and compatibility
 *     ideographs, 〇 々 〻, kana, hangul) is one unit;
 *   - a maximal run of other letters and digits is one unit, a '.' between
 *     two digits staying inside it (5g, 19.4, v1.2, pm2.5);
 *   - every other visible character (punctuation, symbols) is one unit;
 *   - whitespace, control and format characters are dropped.
 * A phrase matches where its units occur contiguously.  Index and query go
 * through this one function, so they cannot disagree.
 *
 * An index built with --t2s adds one step after normalization: every
 * Traditional character is folded to its Simplified form (t2s.h), one code
 * point to one, so 發展 and 发展 are the same units.  The index records
 * the fold; whoever tokenizes for an index sets it (bg_units_set_fold()).
 *
 * Each unit also carries the code-point range of the source text it came
 * from, for highlighting matches in the text as it stands in the source.
 */
#ifndef BG_UNITS_H
#define BG_UNITS_H

#include <stddef.h>
#include <stdint.h>

/* One unit: its normalized UTF-8 bytes are norm[off, off+len) of the
 * owning bg_units; it came from source code points [src_start, src_end). */
typedef struct bg_unit {
  uint32_t off, len;
  uint32_t src_start, src_end;
} bg_unit;

/* A reusable tokenizer output.  Initialize with bg_units_init(); each
 * bg_units_tokenize() replaces the previous content without freeing, so a
 * loop over many paragraphs allocates only when a paragraph is longer than
 * any before it.  Release with bg_units_reset(). */
/* Folds applied after normalization (bg_units_set_fold()). */
enum { BG_FOLD_NONE = 0, BG_FOLD_T2S = 1 };

typedef struct bg_units {
  unsigned fold;   /* BG_FOLD_*, kept across bg_units_tokenize() calls */
  char *norm;      /* normalized text of all units, not NUL-terminated */
  size_t norm_len, norm_cap;
  bg_unit *u;      /* the units, in order */
  size_t n, cap;
  uint32_t src_cps; /* code points in the source text */
  /* scratch: normalized code points and their source ranges */
  uint32_t *cps, *cs, *ce;
  size_t ncp, cpcap;
} bg_units;

void bg_units_init(bg_units *out);
void bg_units_reset(bg_units *out);

/* Sets the folds (BG_FOLD_*) every later bg_units_tokenize() into out
 * applies: an index's own (bg_index_fold(), bg_reader_fold()).  Folding
 * maps a code point to one code point of the same class, so units, their
 * number and their source ranges stay those of the unfolded text. */
void bg_units_set_fold(bg_units *out, unsigned fold);

/* Cuts the UTF-8 text s[0, len) into units.  Invalid UTF-8 bytes are read
 * as U+FFFD (one per byte), which is a unit of its own.  Returns BG_OK or
 * BG_ENOMEM. */
int bg_units_tokenize(bg_units *out, const char *s, size_t len);

/* The normalized text of unit i (borrowed from out). */
static inline const char *bg_units_text(const bg_units *out, size_t i) {
  return out->norm + out->u[i].off;
}

/* Returns 1 when unit i is a run of letters/digits (not CJK, not a symbol):
 * two such units next to each other need a separator in a pair term. */
int bg_units_is_alnum(const bg_units *out, size_t i);

/* Returns 1 when s[0, len) is valid UTF-8; else 0 and, when bad_offset is
 * not NULL, the byte offset of the first invalid sequence. */
int bg_utf8_valid(const char *s, size_t len, size_t *bad_offset);

/* Number of code points in valid UTF-8 s[0, len). */
size_t bg_utf8_cps(const char *s, size_t len);

/* Byte offset of code point cp_index in valid UTF-8 s[0, len) (len when
 * cp_index is at or past the end). */
size_t bg_utf8_offset(const char *s, size_t len, size_t cp_index);

/* Decodes one code point at s[*i] (advancing *i); invalid bytes give
 * U+FFFD and advance by one. */
uint32_t bg_utf8_next(const char *s, size_t len, size_t *i);

/* Terminal display width of UTF-8 s[0, len): CJK and other wide
 * characters count 2 columns, combining marks 0. */
size_t bg_utf8_width(const char *s, size_t len);

/* Encodes cp into buf (at least 4 bytes); returns the byte count. */
size_t bg_utf8_put(char *buf, uint32_t cp);

/* The one UTF-8 decoder's other face: the code point at s[0, n) (n > 0)
 * in *cp and its length in bytes returned, as bg_utf8_next() reads it (an
 * invalid or truncated sequence is one byte of U+FFFD). */
size_t bg_utf8_dec(const char *s, size_t n, uint32_t *cp);

#endif
