/*
 * encoding.c - charset detection and conversion to UTF-8 (iconv).
 *
 * Detection is decoding: a charset is only reported once the whole input
 * has been read in it, so the text a caller gets was never guessed.  UTF-8
 * is checked by hand (strictly: no overlongs, no surrogates, nothing above
 * U+10FFFF) because it needs no conversion; everything else goes through
 * iconv, whose input pointer tells the byte offset of the first sequence
 * it could not decode.
 */
#include "encoding.h"

#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Valid multibyte UTF-8 sequences that must precede the first invalid one
 * before broken input is called damaged UTF-8 instead of being tried as
 * GB18030.  A GBK character reads as valid UTF-8 about one time in seven,
 * so eight in a row from GB text is a one-in-ten-million accident, while
 * a UTF-8 report with one bad byte has hundreds of them. */
#define UTF8_EVIDENCE 8

/* Names accepted for the charsets this module knows best.  GBK and GB2312
 * are read as GB18030, their superset: files labelled GB2312 routinely
 * hold GBK characters (镕 in 朱镕基), and the superset decodes them. */
static const struct {
  const char *alias, *name;
} aliases[] = {
    {"UTF-8", "UTF-8"},       {"UTF8", "UTF-8"},
    {"UTF-16", "UTF-16"},     {"UTF16", "UTF-16"},
    {"UTF-16LE", "UTF-16LE"}, {"UTF16LE", "UTF-16LE"},
    {"UTF-16BE", "UTF-16BE"}, {"UTF16BE", "UTF-16BE"},
    {"GB18030", "GB18030"},   {"GBK", "GB18030"},
    {"GB2312", "GB18030"},    {"CP936", "GB18030"},
    {"EUC-CN", "GB18030"},    {"EUCCN", "GB18030"},
};

/* Checks that s[0, len) is strict UTF-8.  Returns 1 when it is; else 0
 * with *bad the offset of the first invalid sequence.  *multi (may be
 * NULL) counts the multibyte sequences read before the end or the error. */
static int utf8_check(const char *data, size_t len, size_t *bad,
                      size_t *multi) {
  const unsigned char *s = (const unsigned char *)data;
  size_t i = 0, count = 0;
  while (i < len) {
    unsigned c = s[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    size_t n;
    unsigned lo = 0x80, hi = 0xBF; /* range of the second byte */
    if (c >= 0xC2 && c <= 0xDF) {
      n = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 3;
      if (c == 0xE0) lo = 0xA0; /* overlong */
      if (c == 0xED) hi = 0x9F; /* surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 4;
      if (c == 0xF0) lo = 0x90; /* overlong */
      if (c == 0xF4) hi = 0x8F; /* above U+10FFFF */
    } else {
      break;
    }
    if (len - i < n || s[i + 1] < lo || s[i + 1] > hi) break;
    size_t k = 2;
    while (k < n && (s[i + k] & 0xC0) == 0x80) k++;
    if (k < n) break;
    i += n;
    count++;
  }
  if (multi) *multi = count;
  if (i < len) *bad = i;
  return i == len;
}

/* Copies data[0, len) into a NUL-terminated heap string. */
static int copy(const char *data, size_t len, char **out, size_t *out_len) {
  if (len == SIZE_MAX) return BG_ENOMEM;
  char *buf = malloc(len + 1);
  if (!buf) return BG_ENOMEM;
  if (len) memcpy(buf, data, len);
  buf[len] = '\0';
  *out = buf;
  *out_len = len;
  return BG_OK;
}

/* Removes a leading U+FEFF from the UTF-8 string s[0, *len). */
static void strip_bom(char *s, size_t *len) {
  if (*len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
    memmove(s, s + 3, *len - 3 + 1); /* with the NUL */
    *len -= 3;
  }
}

/* Converts data[0, len) from charset to NUL-terminated UTF-8 with iconv.
 * Returns BG_OK; BG_EENCODING with *bad the offset of the first sequence
 * that does not decode (a truncated one at the end included); BG_EINVAL
 * when iconv does not know charset; BG_ENOMEM. */
static int convert(const char *data, size_t len, const char *charset,
                   char **out, size_t *out_len, size_t *bad) {
  int rc = BG_OK;
  char *buf = NULL;
  iconv_t cd = iconv_open("UTF-8", charset);
  if (cd == (iconv_t)-1) return errno == EINVAL ? BG_EINVAL : BG_ENOMEM;

  /* Two bytes of GB18030 or UTF-16 make at most three of UTF-8; other
   * charsets may need more, which E2BIG handles. */
  if (len > (SIZE_MAX - 16) / 2) {
    rc = BG_ENOMEM;
    goto cleanup;
  }
  size_t cap = len / 2 * 3 + 16, used = 0;
  buf = malloc(cap);
  if (!buf) {
    rc = BG_ENOMEM;
    goto cleanup;
  }
  char *in = (char *)data; /* iconv does not write through it */
  size_t in_left = len;
  int flushing = 0;
  for (;;) {
    char *o = buf + used;
    size_t o_left = cap - used - 1; /* room for the NUL */
    size_t r = flushing ? iconv(cd, NULL, NULL, &o, &o_left)
                        : iconv(cd, &in, &in_left, &o, &o_left);
    int e = errno;
    used = (size_t)(o - buf);
    if (r != (size_t)-1) {
      if (flushing) break;
      flushing = 1; /* return stateful charsets to their initial state */
      continue;
    }
    if (e == E2BIG) {
      char *grown = cap <= SIZE_MAX / 2 ? realloc(buf, cap * 2) : NULL;
      if (!grown) {
        rc = BG_ENOMEM;
        goto cleanup;
      }
      buf = grown;
      cap *= 2;
    } else if (e == EILSEQ || e == EINVAL) {
      *bad = (size_t)(in - data);
      rc = BG_EENCODING;
      goto cleanup;
    } else {
      rc = BG_ENOMEM;
      goto cleanup;
    }
  }
  buf[used] = '\0';
  strip_bom(buf, &used);
  *out = buf;
  *out_len = used;
  buf = NULL;

cleanup:
  free(buf);
  iconv_close(cd);
  return rc;
}

/* Picks the byte order of UTF-16 data that has no BOM: ASCII characters
 * (line ends, digits) have a zero high byte, which lands on odd offsets in
 * little-endian.  Ties go to little-endian, the order Windows writes. */
static const char *utf16_order(const char *data, size_t len) {
  if (len >= 2 && memcmp(data, "\xFE\xFF", 2) == 0) return "UTF-16BE";
  if (len >= 2 && memcmp(data, "\xFF\xFE", 2) == 0) return "UTF-16LE";
  size_t even = 0, odd = 0;
  for (size_t i = 0; i + 1 < len; i += 2) {
    even += data[i] == 0;
    odd += data[i + 1] == 0;
  }
  return even > odd ? "UTF-16BE" : "UTF-16LE";
}

/* Reads data as UTF-8, which must be strictly valid. */
static int read_utf8(const char *data, size_t len, char **out,
                     size_t *out_len, bg_err *err) {
  size_t bad = 0;
  if (!utf8_check(data, len, &bad, NULL))
    return bg_err_set(err, BG_EENCODING, "invalid UTF-8 at byte %zu", bad);
  int rc = copy(data, len, out, out_len);
  if (rc) return bg_err_set(err, rc, NULL);
  strip_bom(*out, out_len);
  return BG_OK;
}

/* Reads data in charset (a name from aliases or one for iconv). */
static int read_as(const char *data, size_t len, const char *charset,
                   char **out, size_t *out_len, bg_err *err) {
  if (strcmp(charset, "UTF-8") == 0)
    return read_utf8(data, len, out, out_len, err);
  size_t bad = 0;
  int rc = convert(data, len, charset, out, out_len, &bad);
  if (rc == BG_EENCODING)
    return bg_err_set(err, rc, "invalid %s at byte %zu", charset, bad);
  if (rc == BG_EINVAL)
    return bg_err_set(err, rc, "unknown encoding '%s'", charset);
  if (rc) return bg_err_set(err, rc, NULL);
  return BG_OK;
}

/* Detects the charset of data and, when out is not NULL, keeps the text
 * decoded on the way. */
static int detect(const char *data, size_t len, char *name, char **out,
                  size_t *out_len, bg_err *err) {
  const char *charset = NULL;
  char *text = NULL;
  size_t text_len = 0, bad = 0, multi = 0;
  int rc = BG_OK;

  if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
    charset = "UTF-8";
  else if (len >= 2 && memcmp(data, "\xFF\xFE", 2) == 0)
    charset = "UTF-16LE";
  else if (len >= 2 && memcmp(data, "\xFE\xFF", 2) == 0)
    charset = "UTF-16BE";
  if (charset) {
    rc = read_as(data, len, charset, &text, &text_len, err);
    goto cleanup;
  }

  if (utf8_check(data, len, &bad, &multi)) {
    charset = "UTF-8";
    rc = read_utf8(data, len, &text, &text_len, err);
    goto cleanup;
  }
  if (multi >= UTF8_EVIDENCE) {
    rc = bg_err_set(err, BG_EENCODING, "invalid UTF-8 at byte %zu", bad);
    goto cleanup;
  }
  /* GB text holds no NUL bytes; UTF-16 without a BOM does, and much of
   * it would decode as GB18030 nonsense. */
  const char *nul = memchr(data, '\0', len);
  if (nul) {
    rc = bg_err_set(err, BG_EENCODING,
                    "neither UTF-8 (invalid at byte %zu) nor GB18030 (NUL "
                    "at byte %zu); name the encoding if it is UTF-16 "
                    "without a BOM",
                    bad, (size_t)(nul - data));
    goto cleanup;
  }
  size_t gb_bad = 0;
  charset = "GB18030";
  rc = convert(data, len, charset, &text, &text_len, &gb_bad);
  if (rc == BG_EENCODING)
    bg_err_set(err, rc,
               "neither UTF-8 (invalid at byte %zu) nor GB18030 (invalid "
               "at byte %zu)",
               bad, gb_bad);
  else if (rc)
    bg_err_set(err, rc, NULL);

cleanup:
  if (rc == BG_OK) {
    snprintf(name, BG_ENCODING_NAME_MAX, "%s", charset);
    if (out) {
      *out = text;
      *out_len = text_len;
      text = NULL;
    }
  }
  free(text);
  return rc;
}

/* Maps a charset name given by a caller to the one to read (upper case,
 * in buf unless it is an alias), or NULL when it cannot be a charset name:
 * iconv would read "" as the locale's charset and "X//IGNORE" as leave to
 * drop bytes.  ASCII by hand, whatever the locale. */
static const char *resolve(const char *given, char *buf) {
  size_t n = strlen(given);
  if (n == 0 || n >= BG_ENCODING_NAME_MAX) return NULL;
  for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
    if (strcasecmp(given, aliases[i].alias) == 0) return aliases[i].name;
  for (size_t i = 0; i <= n; i++) {
    char c = given[i];
    if (c >= 'a' && c <= 'z') c = (char)(c - 'a' + 'A');
    if (c && !(c >= 'A' && c <= 'Z') && !(c >= '0' && c <= '9') &&
        !strchr("-_.:", c))
      return NULL;
    buf[i] = c;
  }
  return buf;
}

int bg_encoding_detect(const char *data, size_t len, char *name,
                       bg_err *err) {
  name[0] = '\0';
  return detect(data, len, name, NULL, NULL, err);
}

int bg_encoding_to_utf8(const char *data, size_t len, const char *encoding,
                        char **out, size_t *out_len, char *used,
                        bg_err *err) {
  char name[BG_ENCODING_NAME_MAX] = "";
  int rc;
  *out = NULL;
  *out_len = 0;
  if (used) used[0] = '\0';

  if (!encoding) {
    rc = detect(data, len, name, out, out_len, err);
  } else {
    char upper[BG_ENCODING_NAME_MAX];
    const char *charset = resolve(encoding, upper);
    if (!charset)
      return bg_err_set(err, BG_EINVAL, "unknown encoding '%s'", encoding);
    if (strcmp(charset, "UTF-16") == 0) charset = utf16_order(data, len);
    rc = read_as(data, len, charset, out, out_len, err);
    if (rc == BG_EINVAL) /* name the charset as the caller wrote it */
      bg_err_set(err, rc, "unknown encoding '%s'", encoding);
    snprintf(name, sizeof name, "%s", charset);
  }
  if (rc == BG_OK && used) snprintf(used, BG_ENCODING_NAME_MAX, "%s", name);
  return rc;
}
