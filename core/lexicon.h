/*
 * lexicon.h - a dictionary of Chinese words, for where phrases may start
 * and end.
 *
 * Lists of new and dropped formulations (compare, keywords) should hold
 * phrases, not pieces of words: 推进高 ends inside 高质量, 以文 inside 文化.
 * The words come from Debian's friso-dict (the lexicon of the friso
 * segmenter: about 170,000 common words and 2,500 place names), read as
 * plain word lists; search itself never uses them and stays unit-exact.
 * Without the package the lexicon is empty and phrase boundaries rest on
 * the index's own statistics alone.
 */
#ifndef BG_LEXICON_H
#define BG_LEXICON_H

#include <stddef.h>
#include <stdint.h>

#define BG_LEXICON_DIR "/usr/share/friso/dict/UTF-8"
#define BG_LEXICON_MAX_UNITS 6 /* longest word looked up, in characters */

typedef struct bg_lexicon bg_lexicon;

/* The process's lexicon, read on first use from $BAOGAO_LEXICON_DIR or
 * BG_LEXICON_DIR (thread-safe; never freed).  NULL when no word list could
 * be read. */
const bg_lexicon *bg_lexicon_get(void);

/* Number of words in lex. */
size_t bg_lexicon_size(const bg_lexicon *lex);

/* Whether UTF-8 s[0, len) is a word of lex (NULL lex: never). */
int bg_lexicon_has(const bg_lexicon *lex, const char *s, size_t len);

/* Whether code point cp is a function character (的 和 是 为 以 ...), which
 * a formulation does not end with, nor start with before a word. */
int bg_lexicon_function_char(uint32_t cp);

#endif
