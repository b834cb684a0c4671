/*
 * fuzz_encoding.c - charset detection and conversion to UTF-8
 * (encoding.c) on any bytes.
 *
 * The first byte picks how the rest is read: detected, or named as one of
 * the charsets reports come in (and a few aliases).  Whatever decodes must
 * give NUL-terminated, valid UTF-8; detection and conversion without a
 * name must agree on the charset.
 */
#include <string.h>

#include "encoding.h"
#include "fuzz.h"
#include "units.h"

static const char *const names[] = {
    NULL,      "UTF-8",    "UTF-16",     "UTF-16LE", "UTF-16BE", "GBK",
    "GB2312",  "gb18030",  "BIG5",       "BIG5HKSCS", "big5-hkscs", "cp936",
    "EUC-CN",  "utf-8",    "no-such-charset"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0) return 0;
  const char *enc = names[data[0] % (sizeof names / sizeof *names)];
  const char *s = (const char *)data + 1;
  size_t len = size - 1;

  char detected[BG_ENCODING_NAME_MAX] = "x";
  bg_err err;
  int drc = bg_encoding_detect(s, len, detected, &err);
  FUZZ_CHECK(drc != 0 || detected[0] != '\0');
  FUZZ_CHECK(drc == 0 || detected[0] == '\0');

  char *out = NULL, used[BG_ENCODING_NAME_MAX];
  size_t out_len = 1;
  int rc = bg_encoding_to_utf8(s, len, enc, &out, &out_len, used, &err);
  if (rc == 0) {
    FUZZ_CHECK(out != NULL);
    FUZZ_CHECK(out[out_len] == '\0');
    FUZZ_CHECK(bg_utf8_valid(out, out_len, NULL));
    FUZZ_CHECK(used[0] != '\0');
    if (!enc) FUZZ_CHECK(drc == 0 && strcmp(used, detected) == 0);
  } else {
    FUZZ_CHECK(out == NULL && used[0] == '\0');
    FUZZ_CHECK(err.msg[0] != '\0');
    FUZZ_CHECK(bg_utf8_valid(err.msg, strlen(err.msg), NULL));
    if (!enc) FUZZ_CHECK(drc != 0);
  }
  free(out);
  return 0;
}
