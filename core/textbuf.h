/*
 * textbuf.h - plain text being built from a structured document.
 *
 * The readers of Word, HTML and PDF files turn their documents into the
 * text the report parser reads: UTF-8, one paragraph per line.  They
 * append text and end paragraphs here; the buffer keeps no empty lines
 * and no line ends inside a paragraph, and remembers an allocation
 * failure so that callers check once, at the end (the sticky error of
 * SQLite's helpers).
 */
#ifndef BG_TEXTBUF_H
#define BG_TEXTBUF_H

#include <stddef.h>

typedef struct bg_textbuf {
  char *s; /* the text, NUL-terminated once bg_textbuf_finish() ran */
  size_t len, cap;
  size_t line; /* where the current paragraph starts in s */
  int oom;     /* an allocation failed: everything after it was dropped */
} bg_textbuf;

/* Appends s[0, n) to the current paragraph; '\r' and '\n' in it become
 * spaces (a caller ends paragraphs with bg_textbuf_end()). */
void bg_textbuf_add(bg_textbuf *b, const char *s, size_t n);

/* Appends a NUL-terminated string. */
void bg_textbuf_puts(bg_textbuf *b, const char *s);

/* Ends the current paragraph, if it has any text; an empty one (nothing
 * but white space) is dropped. */
void bg_textbuf_end(bg_textbuf *b);

/* Drops the current paragraph (nothing of it is kept). */
void bg_textbuf_drop(bg_textbuf *b);

/* The current paragraph so far: *n bytes at the returned pointer
 * (borrowed, valid until the next call that adds text). */
const char *bg_textbuf_current(const bg_textbuf *b, size_t *n);

/* Ends the last paragraph and hands the text over: *out is a
 * NUL-terminated string the caller frees with free() (paragraphs each
 * followed by '\n'), *out_len its length.  Returns 0, or -1 when an
 * allocation failed (nothing is handed over then).  b is empty after the
 * call either way. */
int bg_textbuf_finish(bg_textbuf *b, char **out, size_t *out_len);

/* Frees what b holds; b is empty afterwards. */
void bg_textbuf_reset(bg_textbuf *b);

#endif
