/*
 * escape.c - escaping for the terminal (escape.h).
 */
#define _GNU_SOURCE /* fopencookie */
#include "escape.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "units.h"

/* The length of the valid UTF-8 sequence at s[0, n) that is not a C1
 * control character; 0 when the byte at s must be escaped, -1 when the
 * sequence may continue past n. */
static int sequence(const unsigned char *s, size_t n) {
  unsigned char c = s[0];
  if (c < 0x80) return c < 0x20 || c == 0x7f || c == '\\' ? 0 : 1;
  size_t len = c >= 0xc2 && c <= 0xdf   ? 2
               : c >= 0xe0 && c <= 0xef ? 3
               : c >= 0xf0 && c <= 0xf4 ? 4
                                        : 0;
  if (!len) return 0;
  if (n < len) {
    for (size_t i = 1; i < n; i++)
      if ((s[i] & 0xc0) != 0x80) return 0;
    return -1;
  }
  if (!bg_utf8_valid((const char *)s, len, NULL)) return 0;
  if (c == 0xc2 && s[1] < 0xa0) return 0; /* U+0080..U+009F */
  return (int)len;
}

/* Escapes s[0, n) into out (room for 4 * n + 1); keep: bytes written as
 * they are even when control characters (newline and tab for messages).
 * *used is how much of s was consumed (less than n only when s ends in the
 * middle of a sequence and partial is set). */
static size_t escape(const char *s, size_t n, const char *keep, int partial,
                     char *out, size_t *used) {
  const unsigned char *u = (const unsigned char *)s;
  size_t o = 0, i = 0;
  while (i < n) {
    int k = sequence(u + i, n - i);
    if (k < 0 && partial) break;
    if (k > 0 || (u[i] && strchr(keep, u[i]) && u[i] != '\\')) {
      if (k <= 0) k = 1;
      memcpy(out + o, s + i, (size_t)k);
      o += (size_t)k;
      i += (size_t)k;
    } else if (u[i] == '\\') {
      memcpy(out + o, "\\\\", 2);
      o += 2;
      i++;
    } else {
      static const char hex[] = "0123456789abcdef";
      out[o++] = '\\';
      out[o++] = 'x';
      out[o++] = hex[u[i] >> 4];
      out[o++] = hex[u[i] & 15];
      i++;
    }
  }
  out[o] = '\0';
  *used = i;
  return o;
}

char *bg_escape_name(const char *s) {
  size_t n = strlen(s), used;
  char *out = malloc(4 * n + 1);
  if (out) escape(s, n, "", 0, out, &used);
  return out;
}

typedef struct stream {
  struct stream *next; /* open streams, in `open_streams` */
  FILE *to;
  unsigned char carry[4]; /* the start of a sequence cut by a write */
  size_t ncarry;
} stream;

/* The streams not closed: one made for stderr lives until exit, and is
 * still reachable then, not a leak. */
static stream *open_streams;
static pthread_mutex_t open_mu = PTHREAD_MUTEX_INITIALIZER;

static ssize_t stream_write(void *cookie, const char *buf, size_t size) {
  stream *st = cookie;
  char in[4096 + 4], out[4 * sizeof in + 1];
  size_t done = 0;
  while (done < size) {
    size_t take = size - done > 4096 ? 4096 : size - done;
    memcpy(in, st->carry, st->ncarry);
    memcpy(in + st->ncarry, buf + done, take);
    size_t n = st->ncarry + take, used;
    size_t o = escape(in, n, "\n\t", 1, out, &used);
    st->ncarry = n - used;
    memcpy(st->carry, in + used, st->ncarry);
    if (fwrite(out, 1, o, st->to) != o) return -1;
    done += take;
  }
  fflush(st->to);
  return (ssize_t)size;
}

static int stream_close(void *cookie) {
  stream *st = cookie;
  if (st->ncarry) {
    char out[4 * sizeof st->carry + 1];
    size_t used;
    size_t o =
        escape((const char *)st->carry, st->ncarry, "\n\t", 0, out, &used);
    fwrite(out, 1, o, st->to);
  }
  fflush(st->to);
  pthread_mutex_lock(&open_mu);
  stream **p = &open_streams;
  while (*p && *p != st)
    p = &(*p)->next;
  if (*p) *p = st->next;
  pthread_mutex_unlock(&open_mu);
  free(st);
  return 0;
}

FILE *bg_escape_stream(FILE *f) {
  stream *st = calloc(1, sizeof *st);
  if (!st) return NULL;
  st->to = f;
  cookie_io_functions_t io = {NULL, stream_write, NULL, stream_close};
  FILE *out = fopencookie(st, "w", io);
  if (!out) {
    free(st);
    return NULL;
  }
  setvbuf(out, NULL, _IOLBF, 0);
  pthread_mutex_lock(&open_mu);
  st->next = open_streams;
  open_streams = st;
  pthread_mutex_unlock(&open_mu);
  return out;
}
