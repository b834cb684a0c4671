/*
 * error.h - status codes and error details shared by every core module.
 *
 * Every core function that can fail returns an int status: 0 (BG_OK) on
 * success, a negative BG_E* code otherwise.  When the caller passes a
 * bg_err, the function also leaves a message a person can act on there
 * ("unbalanced quote at character 7"; "a.txt: invalid GB18030 at byte 812").
 */
#ifndef BG_ERROR_H
#define BG_ERROR_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* X(name, value, default message) */
#define BG_ERRORS(X)                                                        \
  X(BG_OK, 0, "success")                                                    \
  X(BG_ENOMEM, -1, "out of memory")                                         \
  X(BG_EIO, -2, "input/output error")                                       \
  X(BG_EINVAL, -3, "invalid argument")                                      \
  X(BG_EENCODING, -4, "text cannot be decoded")                             \
  X(BG_EFORMAT, -5, "unsupported or corrupt file")                          \
  X(BG_EQUERY, -6, "malformed query")                                       \
  X(BG_ENOINDEX, -7, "index cannot be opened")                              \
  X(BG_ELOCKED, -8, "index is locked by another indexer")                   \
  X(BG_EXAPIAN, -9, "index error")                                          \
  X(BG_ENOTFOUND, -10, "not found")                                         \
  X(BG_ECORRUPT, -11, "index data is corrupt")                              \
  X(BG_ERANGE, -12, "value out of range")                                   \
  X(BG_EMODIFIED, -13, "index was modified while reading")                 \
  X(BG_ETIMEOUT, -14, "search took longer than its time limit")         \
  X(BG_ETOOLARGE, -15, "the answer would be larger than its limit")

typedef enum {
#define BG_X_ENUM(name, value, msg) name = value,
  BG_ERRORS(BG_X_ENUM)
#undef BG_X_ENUM
} bg_status;

/* Details of the last error: the status and a message for people. */
typedef struct bg_err {
  int code;
  char msg[512];
} bg_err;

/* The default message of a status code; never NULL. */
const char *bg_strerror(int code);

/* Records code and a printf-style message in err (err may be NULL) and
 * returns code, so callers can write `return bg_err_set(err, ...)`. */
int bg_err_set(bg_err *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prefixes the message already in err with "prefix: ". */
void bg_err_prefix(bg_err *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Clears err (err may be NULL). */
void bg_err_clear(bg_err *err);

/* The message in err, or the default message of its code when empty. */
const char *bg_err_msg(const bg_err *err);

#ifdef __cplusplus
}
#endif

#endif
