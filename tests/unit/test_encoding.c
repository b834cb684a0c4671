/*
 * test_encoding.c - charset detection and conversion (core/encoding.c).
 *
 * Inputs in other charsets are made here with iconv from UTF-8 literals,
 * so each test states the text it expects back.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "encoding.h"

#define TEXT "政府工作报告：2023年，高质量发展取得新成效。\nGDP增长5.5%。\n"

/* Converts utf8[0, len) to charset; the caller frees the result. */
static char *encode(const char *utf8, size_t len, const char *charset,
                    size_t *out_len) {
  iconv_t cd = iconv_open(charset, "UTF-8");
  assert_true(cd != (iconv_t)-1);
  size_t cap = len * 4 + 16, left = cap;
  char *buf = malloc(cap), *o = buf, *in = (char *)utf8;
  assert_non_null(buf);
  assert_int_not_equal(iconv(cd, &in, &len, &o, &left), (size_t)-1);
  iconv_close(cd);
  *out_len = cap - left;
  return buf;
}

/* Concatenates a[0, alen) and b[0, blen) into a new buffer. */
static char *concat(const char *a, size_t alen, const char *b, size_t blen) {
  char *buf = malloc(alen + blen + 1);
  assert_non_null(buf);
  memcpy(buf, a, alen);
  memcpy(buf + alen, b, blen);
  buf[alen + blen] = '\0';
  return buf;
}

/* Decodes data as encoding and checks the text and the charset read. */
static void expect_text(const char *data, size_t len, const char *encoding,
                        const char *want, size_t want_len,
                        const char *want_used) {
  char *out = NULL, used[BG_ENCODING_NAME_MAX];
  size_t out_len = 0;
  bg_err err = {0};
  int rc = bg_encoding_to_utf8(data, len, encoding, &out, &out_len, used,
                               &err);
  if (rc) fail_msg("%s: %s", encoding ? encoding : "(detect)", err.msg);
  assert_string_equal(used, want_used);
  assert_int_equal(out_len, want_len);
  assert_memory_equal(out, want, want_len);
  assert_int_equal(out[out_len], '\0');
  free(out);

  if (!encoding) {
    char name[BG_ENCODING_NAME_MAX];
    assert_int_equal(bg_encoding_detect(data, len, name, &err), BG_OK);
    assert_string_equal(name, want_used);
  }
}

/* Decodes data as encoding and checks the failure. */
static void expect_error(const char *data, size_t len, const char *encoding,
                         int code, const char *msg) {
  char *out = (char *)"untouched", used[BG_ENCODING_NAME_MAX] = "x";
  size_t out_len = 99;
  bg_err err = {0};
  assert_int_equal(
      bg_encoding_to_utf8(data, len, encoding, &out, &out_len, used, &err),
      code);
  assert_int_equal(err.code, code);
  assert_string_equal(err.msg, msg);
  assert_null(out);
  assert_int_equal(out_len, 0);
  assert_string_equal(used, "");

  if (!encoding) {
    char name[BG_ENCODING_NAME_MAX] = "x";
    bg_err_clear(&err);
    assert_int_equal(bg_encoding_detect(data, len, name, &err), code);
    assert_string_equal(err.msg, msg);
    assert_string_equal(name, "");
  }
}

static void test_detect_utf8(void **state) {
  (void)state;
  expect_text("", 0, NULL, "", 0, "UTF-8");
  expect_text("plain ASCII\r\n", 13, NULL, "plain ASCII\r\n", 13, "UTF-8");
  expect_text(TEXT, strlen(TEXT), NULL, TEXT, strlen(TEXT), "UTF-8");
  /* NUL bytes are control characters, kept for the tokenizer to drop. */
  expect_text("a\0中", 5, NULL, "a\0中", 5, "UTF-8");
  /* Only a leading BOM is removed. */
  expect_text("\xEF\xBB\xBF" "a\xEF\xBB\xBF", 7, NULL, "a\xEF\xBB\xBF", 4,
              "UTF-8");
  expect_text("\xEF\xBB\xBF", 3, NULL, "", 0, "UTF-8");
}

static void test_detect_utf16(void **state) {
  (void)state;
  size_t n;
  char *le = encode("\xEF\xBB\xBF" TEXT, strlen(TEXT) + 3, "UTF-16LE", &n);
  assert_memory_equal(le, "\xFF\xFE", 2);
  expect_text(le, n, NULL, TEXT, strlen(TEXT), "UTF-16LE");
  free(le);

  char *be = encode("\xEF\xBB\xBF" TEXT, strlen(TEXT) + 3, "UTF-16BE", &n);
  assert_memory_equal(be, "\xFE\xFF", 2);
  expect_text(be, n, NULL, TEXT, strlen(TEXT), "UTF-16BE");
  /* An odd byte count leaves half a code unit at the end. */
  char msg[128];
  snprintf(msg, sizeof msg, "invalid UTF-16BE at byte %zu", n - 2);
  expect_error(be, n - 1, NULL, BG_EENCODING, msg);
  free(be);

  /* A lone high surrogate after the BOM and "a". */
  expect_error("\xFF\xFE" "a\0\x00\xD8" "b\0", 8, NULL, BG_EENCODING,
               "invalid UTF-16LE at byte 4");
}

static void test_detect_gb18030(void **state) {
  (void)state;
  size_t n;
  char *gb = encode(TEXT, strlen(TEXT), "GB18030", &n);
  expect_text(gb, n, NULL, TEXT, strlen(TEXT), "GB18030");
  free(gb);

  /* Four-byte sequences (U+20000, beyond GBK) and the euro sign. */
  expect_text("\x95\x32\x82\x36\xA2\xE3", 6, NULL, "\xF0\xA0\x80\x80€", 7,
              "GB18030");
  /* "联通" in GBK starts with C1, which strict UTF-8 never allows. */
  expect_text("\xC1\xAA\xCD\xA8", 4, NULL, "联通", 6, "GB18030");
  /* A GB18030 BOM is removed too. */
  expect_text("\x84\x31\x95\x33\xD6\xD0", 6, NULL, "中", 3, "GB18030");
}

static void test_detect_fails(void **state) {
  (void)state;
  /* 0x80 and 0xFF are neither UTF-8, GB18030 nor Big5. */
  expect_error("ab\xD6\xD0\xFF", 5, NULL, BG_EENCODING,
               "neither UTF-8 (invalid at byte 2), GB18030 (invalid at "
               "byte 4) nor BIG5-HKSCS (invalid at byte 4)");
  expect_error("ab\xD6", 3, NULL, BG_EENCODING,
               "neither UTF-8 (invalid at byte 2), GB18030 (invalid at "
               "byte 2) nor BIG5-HKSCS (invalid at byte 2)");
  /* GBK trail bytes 0x80-0xA0 are not Big5. */
  expect_error("\xB5\x80\xB5\xC4\xFF", 5, NULL, BG_EENCODING,
               "neither UTF-8 (invalid at byte 0), GB18030 (invalid at "
               "byte 4) nor BIG5-HKSCS (invalid at byte 0)");

  /* UTF-8 with a bad byte after plenty of good text stays UTF-8, even
   * where the whole would happen to decode as GB18030. */
  const char *damaged = "高质量发展高质量发展\xB5\xC4";
  expect_error(damaged, strlen(damaged), NULL, BG_EENCODING,
               "invalid UTF-8 at byte 30");
  char *out;
  size_t out_len;
  assert_int_equal(bg_encoding_to_utf8(damaged, strlen(damaged), "GB18030",
                                       &out, &out_len, NULL, NULL),
                   BG_OK);
  free(out);

  /* UTF-16 without a BOM is not read as GB18030 nonsense. */
  size_t n;
  char *le = encode("政府 2023\n", 12, "UTF-16LE", &n);
  expect_error(le, n, NULL, BG_EENCODING,
               "neither UTF-8 (invalid at byte 2) nor GB18030 (NUL at byte "
               "5); name the encoding if it is UTF-16 without a BOM");
  free(le);
}

#define TRAD "政府工作報告：我們在這一年裡，經濟發展取得新成就。\n臺灣同胞。\n"

/* Big5 text decodes as GB18030 too, into nonsense: the decoding that
 * reads like Chinese wins. */
static void test_detect_big5(void **state) {
  (void)state;
  size_t n;
  char *big5 = encode(TRAD, strlen(TRAD), "BIG5-HKSCS", &n);
  char *out, used[BG_ENCODING_NAME_MAX];
  size_t out_len;
  /* The premise: GB18030 decodes it without error. */
  assert_int_equal(
      bg_encoding_to_utf8(big5, n, "GB18030", &out, &out_len, used, NULL),
      BG_OK);
  free(out);
  expect_text(big5, n, NULL, TRAD, strlen(TRAD), "BIG5-HKSCS");
  free(big5);
  /* Plain Big5 is read the same way. */
  big5 = encode(TRAD, strlen(TRAD), "BIG5", &n);
  expect_text(big5, n, NULL, TRAD, strlen(TRAD), "BIG5-HKSCS");
  free(big5);

  /* Hong Kong characters (啱, 嘅, 咗, 𨋢) are only in Big5-HKSCS. */
  const char *hk = "呢部𨋢啱啱壞咗，我哋嘅工作人員正在這裡維修。\n";
  big5 = encode(hk, strlen(hk), "BIG5-HKSCS", &n);
  expect_text(big5, n, NULL, hk, strlen(hk), "BIG5-HKSCS");
  expect_text(big5, n, "big5hkscs", hk, strlen(hk), "BIG5-HKSCS");
  free(big5);

  /* Traditional characters written in GBK stay GB18030. */
  char *gb = encode(TRAD, strlen(TRAD), "GB18030", &n);
  expect_text(gb, n, NULL, TRAD, strlen(TRAD), "GB18030");
  free(gb);
  /* Simplified text that happens to decode as Big5 as well. */
  const char *simp = "政府发展的";
  gb = encode(simp, strlen(simp), "GB18030", &n);
  assert_int_equal(
      bg_encoding_to_utf8(gb, n, "BIG5-HKSCS", &out, &out_len, used, NULL),
      BG_OK);
  free(out);
  expect_text(gb, n, NULL, simp, strlen(simp), "GB18030");
  free(gb);
  /* Two characters that make sense either way: GB18030. */
  big5 = encode("臺灣", 6, "BIG5", &n);
  expect_text(big5, n, NULL, "\xE7\xB1\x93\xE8\x8A\x96", 6, "GB18030");
  expect_text(big5, n, "BIG5-HKSCS", "臺灣", 6, "BIG5-HKSCS");
  free(big5);
}

static void test_strict_utf8(void **state) {
  (void)state;
  static const struct {
    const char *s;
    size_t bad;
  } invalid[] = {
      {"\xC0\x80", 0},              /* overlong NUL */
      {"a\xC1\xBF", 1},             /* overlong '\x7F' */
      {"ab\xE0\x80\xAF", 2},        /* overlong '/' */
      {"\xF0\x8F\xBF\xBF", 0},      /* overlong U+FFFF */
      {"\xED\xA0\x80", 0},          /* high surrogate */
      {"x\xED\xBF\xBF", 1},         /* low surrogate */
      {"x\xF4\x90\x80\x80", 1},     /* U+110000 */
      {"\xF5\x80\x80\x80", 0},      /* lead byte beyond U+10FFFF */
      {"\xFF", 0},                  /* never in UTF-8 */
      {"\x80", 0},                  /* lone continuation */
      {"中\xBF", 3},                /* stray continuation */
      {"中\xE4\xB8" "a", 3},        /* sequence cut short */
      {"中\xE4\xB8", 3},            /* truncated at the end */
      {"\xF0\x9F\x98", 0},          /* truncated four-byte */
  };
  for (size_t i = 0; i < sizeof invalid / sizeof invalid[0]; i++) {
    char msg[128];
    snprintf(msg, sizeof msg, "invalid UTF-8 at byte %zu", invalid[i].bad);
    expect_error(invalid[i].s, strlen(invalid[i].s), "UTF-8", BG_EENCODING,
                 msg);
  }

  /* The edges that are valid. */
  const char *edges = "\xC2\x80\xDF\xBF\xE0\xA0\x80\xED\x9F\xBF\xEE\x80\x80"
                      "\xEF\xBF\xBF\xF0\x90\x80\x80\xF4\x8F\xBF\xBF";
  expect_text(edges, strlen(edges), "UTF-8", edges, strlen(edges), "UTF-8");
  expect_text(edges, strlen(edges), NULL, edges, strlen(edges), "UTF-8");
}

static void test_forced_names(void **state) {
  (void)state;
  size_t n;
  char *gb = encode(TEXT, strlen(TEXT), "GB18030", &n);
  static const char *gb_names[] = {"gb18030", "GB18030", "gbk",    "GBK",
                                   "GB2312",  "gb2312",  "cp936", "EUC-CN"};
  for (size_t i = 0; i < sizeof gb_names / sizeof gb_names[0]; i++)
    expect_text(gb, n, gb_names[i], TEXT, strlen(TEXT), "GB18030");
  free(gb);

  static const char *utf8_names[] = {"utf8", "UTF8", "utf-8", "Utf-8"};
  for (size_t i = 0; i < sizeof utf8_names / sizeof utf8_names[0]; i++)
    expect_text("\xEF\xBB\xBF" TEXT, strlen(TEXT) + 3, utf8_names[i], TEXT,
                strlen(TEXT), "UTF-8");

  /* Names iconv knows pass through, upper-cased. */
  char *big5 = encode("臺灣", 6, "BIG5", &n);
  expect_text(big5, n, "big5", "臺灣", 6, "BIG5");
  free(big5);
  expect_text("caf\xE9", 4, "latin1", "café", 5, "LATIN1");
  /* Output three times the input: the buffer has to grow. */
  char euros[200], want[600];
  memset(euros, '\x80', sizeof euros);
  for (size_t i = 0; i < sizeof euros; i++) memcpy(want + 3 * i, "€", 3);
  expect_text(euros, sizeof euros, "cp1252", want, sizeof want, "CP1252");
}

static void test_forced_utf16(void **state) {
  (void)state;
  size_t n;
  char *le = encode(TEXT, strlen(TEXT), "UTF-16LE", &n);
  char *be = encode(TEXT, strlen(TEXT), "UTF-16BE", &n);
  char *le_bom = concat("\xFF\xFE", 2, le, n);
  char *be_bom = concat("\xFE\xFF", 2, be, n);

  /* "UTF-16" follows the BOM, else guesses from the ASCII high bytes. */
  expect_text(le_bom, n + 2, "utf-16", TEXT, strlen(TEXT), "UTF-16LE");
  expect_text(be_bom, n + 2, "UTF-16", TEXT, strlen(TEXT), "UTF-16BE");
  expect_text(le, n, "UTF-16", TEXT, strlen(TEXT), "UTF-16LE");
  expect_text(be, n, "utf16", TEXT, strlen(TEXT), "UTF-16BE");
  /* Nothing to go by: little-endian, as Windows writes it. */
  expect_text("\x2D\x4E", 2, "UTF-16", "中", 3, "UTF-16LE");

  /* An explicit byte order still drops the BOM. */
  expect_text(le_bom, n + 2, "utf-16le", TEXT, strlen(TEXT), "UTF-16LE");
  expect_text(be_bom, n + 2, "UTF-16BE", TEXT, strlen(TEXT), "UTF-16BE");
  char msg[128];
  snprintf(msg, sizeof msg, "invalid UTF-16LE at byte %zu", n - 2);
  expect_error(le, n - 1, "UTF-16LE", BG_EENCODING, msg);
  free(le);
  free(be);
  free(le_bom);
  free(be_bom);
}

static void test_forced_gb18030_errors(void **state) {
  (void)state;
  size_t n;
  char *gb = encode(TEXT, strlen(TEXT), "GB18030", &n);
  /* "政府工作报告：" is 14 bytes in GB18030. */
  char *broken = concat(gb, 14, "\xFF", 1);
  char *whole = concat(broken, 15, gb + 14, n - 14);
  char msg[128];
  expect_error(whole, n + 1, "GB18030", BG_EENCODING,
               "invalid GB18030 at byte 14");
  expect_error(whole, n + 1, "gbk", BG_EENCODING,
               "invalid GB18030 at byte 14");
  /* A lead byte alone at the end. */
  char *cut = concat(gb, n, "\xD6", 1);
  snprintf(msg, sizeof msg, "invalid GB18030 at byte %zu", n);
  expect_error(cut, n + 1, "GB18030", BG_EENCODING, msg);
  snprintf(msg, sizeof msg,
           "neither UTF-8 (invalid at byte 0), GB18030 (invalid at byte "
           "%zu) nor BIG5-HKSCS (invalid at byte %zu)",
           n, n);
  expect_error(cut, n + 1, NULL, BG_EENCODING, msg);
  free(gb);
  free(broken);
  free(whole);
  free(cut);
}

static void test_unknown_encoding(void **state) {
  (void)state;
  expect_error("abc", 3, "XYZ", BG_EINVAL, "unknown encoding 'XYZ'");
  expect_error("abc", 3, "", BG_EINVAL, "unknown encoding ''");
  expect_error("abc", 3, "UTF-8//IGNORE", BG_EINVAL,
               "unknown encoding 'UTF-8//IGNORE'");
  expect_error("abc", 3, "GB18030 ", BG_EINVAL,
               "unknown encoding 'GB18030 '");
  expect_error("abc", 3, "a-charset-name-longer-than-the-buffer", BG_EINVAL,
               "unknown encoding 'a-charset-name-longer-than-the-buffer'");
}

/* Reads a file of ../shared into *len bytes; NULL when it is not there. */
static char *read_shared(const char *name, size_t *len) {
  char path[512];
  snprintf(path, sizeof path, "%s/corpus/raw-encodings/%s", BAOGAO_SHARED_DIR,
           name);
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  assert_int_equal(fseek(f, 0, SEEK_END), 0);
  long size = ftell(f);
  assert_true(size >= 0);
  rewind(f);
  char *buf = malloc((size_t)size + 1);
  assert_non_null(buf);
  assert_int_equal(fread(buf, 1, (size_t)size, f), (size_t)size);
  fclose(f);
  *len = (size_t)size;
  return buf;
}

/* The GBK and Big5 samples of ../shared, when it is there. */
static void test_shared_samples(void **state) {
  (void)state;
  size_t gbk_len, utf8_len, big5_len;
  char *gbk = read_shared("pku_test.gbk.txt", &gbk_len);
  char *utf8 = read_shared("pku_test.utf8.txt", &utf8_len);
  char *big5 = read_shared("cityu_test.big5hkscs.txt", &big5_len);
  if (!gbk || !utf8 || !big5) {
    free(gbk);
    free(utf8);
    free(big5);
    skip();
    return; /* skip() does not return; said for cppcheck */
  }
  expect_text(gbk, gbk_len, NULL, utf8, utf8_len, "GB18030");
  free(utf8);

  /* The UTF-8 twin of the Big5 sample starts with a BOM. */
  utf8 = read_shared("cityu_test.utf8.txt", &utf8_len);
  assert_non_null(utf8);
  assert_memory_equal(utf8, "\xEF\xBB\xBF", 3);
  char *out = NULL, used[BG_ENCODING_NAME_MAX];
  size_t out_len = 0;
  bg_err err = {0};
  for (int forced = 0; forced < 2; forced++) {
    int rc = bg_encoding_to_utf8(big5, big5_len, forced ? "big5-hkscs" : NULL,
                                 &out, &out_len, used, &err);
    if (rc) fail_msg("%s", err.msg);
    assert_string_equal(used, "BIG5-HKSCS");
    assert_int_equal(out_len, utf8_len - 3);
    assert_memory_equal(out, utf8 + 3, out_len);
    free(out);
  }
  /* A145 is U+2027 (HKSCS-2008, CP950), not glibc's U+2022. */
  assert_int_equal(bg_encoding_to_utf8("\xA1\x45\xA1\x4E", 4, "BIG5-HKSCS",
                                       &out, &out_len, used, &err),
                   BG_OK);
  assert_string_equal(out, "\u2027\uFE51");
  free(out);
  free(gbk);
  free(utf8);
  free(big5);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_detect_utf8),
      cmocka_unit_test(test_detect_utf16),
      cmocka_unit_test(test_detect_gb18030),
      cmocka_unit_test(test_detect_big5),
      cmocka_unit_test(test_detect_fails),
      cmocka_unit_test(test_strict_utf8),
      cmocka_unit_test(test_forced_names),
      cmocka_unit_test(test_forced_utf16),
      cmocka_unit_test(test_forced_gb18030_errors),
      cmocka_unit_test(test_unknown_encoding),
      cmocka_unit_test(test_shared_samples),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
