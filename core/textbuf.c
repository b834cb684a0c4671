/*
 * textbuf.c - plain text being built from a structured document, one
 * paragraph per line.
 */
#include "textbuf.h"
#include "util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Makes room for n more bytes and the NUL; sets b->oom on failure. */
static int reserve(bg_textbuf *b, size_t n) {
  if (b->oom) return -1;
  if (n > SIZE_MAX / 2 - b->len - 2) {
    b->oom = 1;
    return -1;
  }
  if (b->len + n + 2 <= b->cap) return 0;
  size_t cap = b->cap ? b->cap : 4096;
  while (cap < b->len + n + 2)
    cap *= 2;
  char *s = bg_realloc(b->s, cap);
  if (!s) {
    b->oom = 1;
    return -1;
  }
  b->s = s;
  b->cap = cap;
  return 0;
}

void bg_textbuf_add(bg_textbuf *b, const char *s, size_t n) {
  if (!n || reserve(b, n)) return;
  for (size_t i = 0; i < n; i++)
    b->s[b->len++] = s[i] == '\r' || s[i] == '\n' ? ' ' : s[i];
}

void bg_textbuf_puts(bg_textbuf *b, const char *s) {
  bg_textbuf_add(b, s, strlen(s));
}

/* Returns 1 when s[0, n) holds only ASCII white space and no-break or
 * ideographic spaces (which the report parser strips anyway). */
static int blank(const char *s, size_t n) {
  for (size_t i = 0; i < n;) {
    unsigned char c = (unsigned char)s[i];
    if (c == ' ' || c == '\t' || c == '\f' || c == '\v') {
      i++;
    } else if (n - i >= 2 && memcmp(s + i, "\xC2\xA0", 2) == 0) {
      i += 2;
    } else if (n - i >= 3 && memcmp(s + i, "\xE3\x80\x80", 3) == 0) {
      i += 3;
    } else {
      return 0;
    }
  }
  return 1;
}

void bg_textbuf_end(bg_textbuf *b) {
  if (b->oom) return;
  /* Nothing added yet: b->s may still be NULL, and NULL + 0 is undefined. */
  if (b->len == b->line || blank(b->s + b->line, b->len - b->line)) {
    b->len = b->line;
    return;
  }
  if (reserve(b, 1)) return;
  b->s[b->len++] = '\n';
  b->line = b->len;
}

void bg_textbuf_drop(bg_textbuf *b) {
  if (!b->oom) b->len = b->line;
}

const char *bg_textbuf_current(const bg_textbuf *b, size_t *n) {
  *n = b->oom ? 0 : b->len - b->line;
  return b->s ? b->s + b->line : "";
}

int bg_textbuf_finish(bg_textbuf *b, char **out, size_t *out_len) {
  bg_textbuf_end(b);
  if (!b->oom) reserve(b, 0);
  if (b->oom) {
    bg_textbuf_reset(b);
    return -1;
  }
  b->s[b->len] = '\0';
  *out = b->s;
  *out_len = b->len;
  memset(b, 0, sizeof *b);
  return 0;
}

void bg_textbuf_reset(bg_textbuf *b) {
  free(b->s);
  memset(b, 0, sizeof *b);
}
