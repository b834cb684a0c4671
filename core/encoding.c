/*
 * encoding.c - charset detection and conversion to UTF-8 (iconv).
 *
 * Detection is decoding: a charset is only reported once the whole input
 * has been read in it, so the text a caller gets was never guessed.  UTF-8
 * is checked by hand (strictly: no overlongs, no surrogates, nothing above
 * U+10FFFF) because it needs no conversion; everything else goes through
 * iconv, whose input pointer tells the byte offset of the first sequence
 * it could not decode.
 *
 * GB18030 and Big5 share their byte ranges: most Big5 text decodes as
 * GB18030 without error (into nonsense), and short GBK text may decode as
 * Big5.  When both decode, the text is decoded both ways and the one that
 * reads like Chinese wins: the most frequent characters of written
 * Chinese (Simplified and Traditional forms alike) make up about 40% of
 * real text and a few percent of a wrong decoding, which in turn is full
 * of characters real text hardly has (private-use code points, kana,
 * bopomofo, box drawing).  GBK text almost never decodes as Big5 at all
 * (its trail bytes 0x80-0xA0 are not Big5), so only Big5 text is read
 * as Big5.
 */
#include "encoding.h"
#include "units.h"
#include "util.h"

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

/* The charset Big5 text is read in: Big5 with the Hong Kong additions,
 * a superset of plain Big5. */
#define BIG5 "BIG5-HKSCS"

/* Names accepted for the charsets this module knows best.  GBK and GB2312
 * are read as GB18030, their superset: files labelled GB2312 routinely
 * hold GBK characters (镕 in 朱镕基), and the superset decodes them. */
static const struct {
  const char *alias, *name;
} aliases[] = {
    {"UTF-8", "UTF-8"},       {"UTF8", "UTF-8"},        {"UTF-16", "UTF-16"},
    {"UTF16", "UTF-16"},      {"UTF-16LE", "UTF-16LE"}, {"UTF16LE", "UTF-16LE"},
    {"UTF-16BE", "UTF-16BE"}, {"UTF16BE", "UTF-16BE"},  {"GB18030", "GB18030"},
    {"GBK", "GB18030"},       {"GB2312", "GB18030"},    {"CP936", "GB18030"},
    {"EUC-CN", "GB18030"},    {"EUCCN", "GB18030"},     {"BIG5HKSCS", BIG5},
    {"BIG5-HKSCS", BIG5},
};

/* The most frequent characters of written Chinese, in both scripts,
 * sorted: 的一是不了在人有我他这个们中来上大为和国地到以说时要就出会可也你
 * 对生能而子那得于着下自之年过发后作里用道行所然家种事成方多经么去法学如都
 * 同现当没动面起看定天分还进好小部其些主样理心本前开但因只从想实日者意无力
 * 与长把机十民第公此已工使情明性知全三又关点正业外将两高间由问很最重并物手
 * 应向头文体政美相见被利二等产或新制身果加, and the Traditional forms
 * 這個們來為爲國說時會對於著過發後裡裏種經麼學現當沒動還進樣開從實無與長機關
 * 點業將兩間問應頭體見產製黨員組織階級報運義區設濟勞農. */
static const uint16_t frequent[] = {
    0x4E00, 0x4E09, 0x4E0A, 0x4E0B, 0x4E0D, 0x4E0E, 0x4E1A, 0x4E24, 0x4E2A,
    0x4E2D, 0x4E3A, 0x4E3B, 0x4E48, 0x4E4B, 0x4E5F, 0x4E86, 0x4E8B, 0x4E8C,
    0x4E8E, 0x4E9B, 0x4EA7, 0x4EBA, 0x4ECE, 0x4ED6, 0x4EE5, 0x4EEC, 0x4F1A,
    0x4F46, 0x4F53, 0x4F5C, 0x4F60, 0x4F7F, 0x4F86, 0x500B, 0x5011, 0x5168,
    0x5169, 0x516C, 0x5173, 0x5176, 0x51FA, 0x5206, 0x5229, 0x5230, 0x5236,
    0x524D, 0x529B, 0x52A0, 0x52A8, 0x52D5, 0x52DE, 0x5340, 0x5341, 0x53BB,
    0x53C8, 0x53D1, 0x53EA, 0x53EF, 0x540C, 0x540E, 0x5411, 0x548C, 0x54E1,
    0x554F, 0x56E0, 0x56FD, 0x570B, 0x5728, 0x5730, 0x5831, 0x5916, 0x591A,
    0x5927, 0x5929, 0x5934, 0x597D, 0x5982, 0x5B50, 0x5B66, 0x5B78, 0x5B9A,
    0x5B9E, 0x5BB6, 0x5BE6, 0x5BF9, 0x5C06, 0x5C07, 0x5C0D, 0x5C0F, 0x5C31,
    0x5DE5, 0x5DF2, 0x5E74, 0x5E76, 0x5E94, 0x5F00, 0x5F53, 0x5F88, 0x5F8C,
    0x5F97, 0x5F9E, 0x5FC3, 0x6027, 0x60C5, 0x60F3, 0x610F, 0x61C9, 0x6210,
    0x6211, 0x6216, 0x6240, 0x624B, 0x628A, 0x653F, 0x6587, 0x65B0, 0x65B9,
    0x65BC, 0x65E0, 0x65E5, 0x65F6, 0x660E, 0x662F, 0x6642, 0x6700, 0x6703,
    0x6709, 0x672C, 0x673A, 0x6765, 0x679C, 0x6837, 0x696D, 0x6A23, 0x6A5F,
    0x6B63, 0x6B64, 0x6C11, 0x6C92, 0x6CA1, 0x6CD5, 0x6FDF, 0x70B9, 0x70BA,
    0x7121, 0x7136, 0x7232, 0x7269, 0x73B0, 0x73FE, 0x7406, 0x751F, 0x7522,
    0x7528, 0x7531, 0x7576, 0x767C, 0x7684, 0x76F8, 0x770B, 0x7740, 0x77E5,
    0x79CD, 0x7A2E, 0x7B2C, 0x7B49, 0x7D1A, 0x7D44, 0x7D93, 0x7E54, 0x7ECF,
    0x7F8E, 0x7FA9, 0x8005, 0x800C, 0x80FD, 0x81EA, 0x8207, 0x8457, 0x884C,
    0x88AB, 0x88CF, 0x88E1, 0x88FD, 0x8981, 0x898B, 0x89C1, 0x8A2D, 0x8AAA,
    0x8BF4, 0x8D77, 0x8EAB, 0x8FB2, 0x8FC7, 0x8FD8, 0x8FD9, 0x8FDB, 0x9019,
    0x9032, 0x904B, 0x904E, 0x9053, 0x9084, 0x90A3, 0x90E8, 0x90FD, 0x91CC,
    0x91CD, 0x9577, 0x957F, 0x958B, 0x9593, 0x95DC, 0x95EE, 0x95F4, 0x968E,
    0x9762, 0x982D, 0x9AD4, 0x9AD8, 0x9EBC, 0x9EDE, 0x9EE8,
};

/* Checks that s[0, len) is strict UTF-8.  Returns 1 when it is; else 0
 * with *bad the offset of the first invalid sequence.  *multi (may be
 * NULL) counts the multibyte sequences read before the end or the error. */
static int utf8_check(const char *data, size_t len, size_t *bad,
                      size_t *multi) {
  size_t i = 0, count = 0;
  while (i < len) {
    size_t at = i;
    if ((unsigned char)data[i] < 0x80) {
      i++;
      continue;
    }
    /* A real U+FFFD takes three bytes; a replacement for bad input one. */
    if (bg_utf8_next(data, len, &i) == 0xFFFD && i - at != 3) {
      i = at;
      break;
    }
    count++;
  }
  if (multi) *multi = count;
  if (i < len) *bad = i;
  return i == len;
}

/* Copies data[0, len) into a NUL-terminated heap string. */
static int copy(const char *data, size_t len, char **out, size_t *out_len) {
  if (len == SIZE_MAX) return BG_ENOMEM;
  char *buf = bg_malloc(len + 1);
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

/* Gives the two Big5 punctuation marks that glibc's Big5-HKSCS table
 * still maps as the obsolete Unicode BIG5.TXT did their HKSCS-2008 (and
 * Windows code page 950) code points: A145 U+2022 -> U+2027 HYPHENATION
 * POINT, A14E U+FF64 -> U+FE51 SMALL IDEOGRAPHIC COMMA.  No other Big5-HKSCS
 * code gives U+2022 or U+FF64, so the text can be fixed after decoding. */
static void hkscs_fix(char *s, size_t len) {
  for (size_t i = 0; i + 3 <= len; i++) {
    if (memcmp(s + i, "\xE2\x80\xA2", 3) == 0)
      memcpy(s + i, "\xE2\x80\xA7", 3);
    else if (memcmp(s + i, "\xEF\xBD\xA4", 3) == 0)
      memcpy(s + i, "\xEF\xB9\x91", 3);
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
  buf = bg_malloc(cap);
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
      char *grown = cap <= SIZE_MAX / 2 ? bg_realloc(buf, cap * 2) : NULL;
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
  if (strcmp(charset, BIG5) == 0) hkscs_fix(buf, used);
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
static int read_utf8(const char *data, size_t len, char **out, size_t *out_len,
                     bg_err *err) {
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

/* How much the UTF-8 text s[0, len) reads like Chinese: one point for
 * each of the most frequent characters, less one for each character that
 * real text hardly has but a decoding in the wrong charset is full of. */
static long chinese_score(const char *text, size_t len) {
  long score = 0;
  for (size_t i = 0; i < len;) {
    uint32_t c = bg_utf8_next(text, len, &i); /* valid: iconv's output */
    if (c >= 0x4E00 && c <= 0x9FFF) {
      size_t lo = 0, hi = sizeof frequent / sizeof frequent[0];
      while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (frequent[mid] < c)
          lo = mid + 1;
        else
          hi = mid;
      }
      if (lo < sizeof frequent / sizeof frequent[0] && frequent[lo] == c)
        score++;
    } else if ((c >= 0xE000 && c <= 0xF8FF) || /* private use */
               (c >= 0x3040 && c <= 0x30FF) || /* kana */
               (c >= 0x3100 && c <= 0x312F) || /* bopomofo */
               (c >= 0x0370 && c <= 0x04FF) || /* Greek, Cyrillic */
               (c >= 0x2500 && c <= 0x257F) || /* box drawing */
               (c >= 0xF900 && c <= 0xFAFF) || /* compatibility */
               (c >= 0x3400 && c <= 0x4DBF) || /* extension A */
               c >= 0x10000) {
      score--;
    }
  }
  return score;
}

/* Detects the charset of data and, when out is not NULL, keeps the text
 * decoded on the way. */
static int detect(const char *data, size_t len, char *name, char **out,
                  size_t *out_len, bg_err *err) {
  const char *charset = NULL;
  char *text = NULL, *big5 = NULL;
  size_t text_len = 0, big5_len = 0, bad = 0, multi = 0;
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
  /* GB and Big5 text holds no NUL bytes; UTF-16 without a BOM does, and
   * much of it would decode as GB18030 nonsense. */
  const char *nul = memchr(data, '\0', len);
  if (nul) {
    rc = bg_err_set(err, BG_EENCODING,
                    "neither UTF-8 (invalid at byte %zu) nor GB18030 (NUL "
                    "at byte %zu); name the encoding if it is UTF-16 "
                    "without a BOM",
                    bad, (size_t)(nul - data));
    goto cleanup;
  }
  size_t gb_bad = 0, big5_bad = 0;
  int gb_rc = convert(data, len, "GB18030", &text, &text_len, &gb_bad);
  int big5_rc = convert(data, len, BIG5, &big5, &big5_len, &big5_bad);
  if (gb_rc == BG_ENOMEM || big5_rc == BG_ENOMEM) {
    rc = bg_err_set(err, BG_ENOMEM, NULL);
  } else if (gb_rc == BG_OK &&
             (big5_rc != BG_OK ||
              chinese_score(text, text_len) >= chinese_score(big5, big5_len))) {
    charset = "GB18030"; /* ties too: mainland reports are GB */
  } else if (big5_rc == BG_OK) {
    charset = BIG5;
    free(text);
    text = big5;
    text_len = big5_len;
    big5 = NULL;
  } else if (gb_rc == BG_EENCODING && big5_rc == BG_EENCODING) {
    rc = bg_err_set(err, BG_EENCODING,
                    "neither UTF-8 (invalid at byte %zu), GB18030 (invalid "
                    "at byte %zu) nor %s (invalid at byte %zu)",
                    bad, gb_bad, BIG5, big5_bad);
  } else if (gb_rc == BG_EENCODING) { /* an iconv without Big5-HKSCS */
    rc = bg_err_set(err, BG_EENCODING,
                    "neither UTF-8 (invalid at byte %zu) nor GB18030 "
                    "(invalid at byte %zu)",
                    bad, gb_bad);
  } else {
    rc = bg_err_set(err, BG_EINVAL, "iconv cannot read GB18030");
  }

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
  free(big5);
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

int bg_encoding_detect(const char *data, size_t len, char *name, bg_err *err) {
  name[0] = '\0';
  return detect(data, len, name, NULL, NULL, err);
}

int bg_encoding_to_utf8(const char *data, size_t len, const char *encoding,
                        char **out, size_t *out_len, char *used, bg_err *err) {
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
