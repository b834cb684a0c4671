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

int bg_err_set(bg_err *err, int code, const char *fmt, ...) {
  if (err) {
    err->code = code;
    if (fmt) {
      va_list ap;
      va_start(ap, fmt);
      vsnprintf(err->msg, sizeof err->msg, fmt, ap);
      va_end(ap);
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
  if (olen > sizeof buf - 1 - used) olen = sizeof buf - 1 - used;
  memcpy(buf + used, old, olen);
  buf[used + olen] = '\0';
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
