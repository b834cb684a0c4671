/*
 * error.c - status code table and error messages.
 */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *bg_strerror(int code) {
  switch (code) {
#define BG_X_CASE(name, value, msg) \
  case value:                       \
    return msg;
    BG_ERRORS(BG_X_CASE)
#undef BG_X_CASE
  }
  return "unknown error";
}

/* The length of the longest prefix of s[0, len) that does not end inside
 * a UTF-8 sequence. */
static size_t utf8_cut(const char *s, size_t len) {
  size_t i = len, back = 0;
  while (i > 0 && back < 4 && ((unsigned char)s[i - 1] & 0xC0) == 0x80) {
    i--;
    back++;
  }
  if (i == 0) return len;
  unsigned char lead = (unsigned char)s[i - 1];
  size_t need = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
  return back + 1 >= need ? len : i - 1;
}

/* Ends a message that vsnprintf cut (n >= size) at a character boundary,
 * with an ellipsis, so that it stays valid UTF-8. */
static void mark_cut(char *msg, size_t size, int n) {
  if (n < 0 || (size_t)n < size || size < 8) return;
  size_t len = utf8_cut(msg, size - 4);
  memcpy(msg + len, "\xe2\x80\xa6", 4); /* "…" and the NUL */
}

int bg_err_set(bg_err *err, int code, const char *fmt, ...) {
  if (err) {
    err->code = code;
    if (fmt) {
      va_list ap;
      va_start(ap, fmt);
      int n = vsnprintf(err->msg, sizeof err->msg, fmt, ap);
      va_end(ap);
      mark_cut(err->msg, sizeof err->msg, n);
    } else {
      snprintf(err->msg, sizeof err->msg, "%s", bg_strerror(code));
    }
  }
  return code;
}

void bg_err_prefix(bg_err *err, const char *fmt, ...) {
  if (!err) return;
  char buf[sizeof err->msg];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  size_t used = n < 0 ? 0 : (size_t)n;
  if (used > sizeof buf - 3) used = sizeof buf - 3;
  memcpy(buf + used, ": ", 3);
  used += 2;
  const char *old = bg_err_msg(err);
  size_t olen = strlen(old);
  memcpy(buf + used, old,
         olen > sizeof buf - 1 - used ? sizeof buf - 1 - used : olen);
  buf[used + olen > sizeof buf - 1 ? sizeof buf - 1 : used + olen] = '\0';
  mark_cut(buf, sizeof buf, (int)(used + olen));
  memcpy(err->msg, buf, sizeof buf);
}

void bg_err_clear(bg_err *err) {
  if (!err) return;
  err->code = 0;
  err->msg[0] = '\0';
}

const char *bg_err_msg(const bg_err *err) {
  if (!err) return "";
  return err->msg[0] ? err->msg : bg_strerror(err->code);
}
