/*
 * fuzz_report.c - the report parser (report.c): paragraphs, headings and
 * metadata, on any text.
 *
 * Input: the first byte picks the format (even: .txt, odd: Markdown);
 * when a line end comes within the next 64 bytes, the bytes before it are
 * the report id (so ids such as "2023_济南市钢城区" are fuzzed too) and
 * the rest is the text; otherwise the id is "fuzz" and all of it is text.
 * Every paragraph must lie inside the text, end at a line end, be
 * non-blank at both ends, and have a title no longer than itself.
 */
#include <string.h>

#include "fuzz.h"
#include "report.h"

static int is_space_byte(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
         c == '\f';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0) return 0;
  bg_format fmt = (data[0] & 1) ? BG_FMT_MD : BG_FMT_TXT;
  const char *s = (const char *)data + 1;
  size_t len = size - 1;
  char id[65] = "fuzz";
  const char *nl = memchr(s, '\n', len < 64 ? len : 64);
  if (nl) {
    size_t n = (size_t)(nl - s);
    memcpy(id, s, n);
    id[n] = '\0';
    /* an id is a C string: it ends at a NUL byte */
    len -= n + 1;
    s = nl + 1;
  }

  /* Heading levels of every line as the PDF reader asks for them. */
  size_t i = 0;
  while (i < len) {
    const char *e = memchr(s + i, '\n', len - i);
    size_t n = e ? (size_t)(e - (s + i)) : len - i;
    int lv = bg_report_heading_level(s + i, n);
    FUZZ_CHECK(lv >= 0 && lv <= 8);
    i += n + 1;
  }

  bg_report *r = NULL;
  bg_err err;
  int rc = bg_report_parse(id, s, len, fmt, &r, &err);
  if (rc != 0) {
    FUZZ_CHECK(r == NULL);
    return 0;
  }
  FUZZ_CHECK(r && r->npara > 0);
  FUZZ_CHECK(r->text[r->text_len] == '\0');
  FUZZ_CHECK(strcmp(r->id, id) == 0);
  FUZZ_CHECK(r->title && r->region && r->date && r->speaker);
  FUZZ_CHECK(r->year >= 0 && r->year <= 9999);
  size_t end = 0;
  for (size_t k = 0; k < r->npara; k++) {
    const bg_para *p = &r->para[k];
    FUZZ_CHECK(p->off >= end);
    FUZZ_CHECK(p->len > 0);
    FUZZ_CHECK((size_t)p->off + p->len < r->text_len + 1);
    FUZZ_CHECK(r->text[p->off + p->len] == '\n');
    FUZZ_CHECK(memchr(r->text + p->off, '\n', p->len) == NULL);
    FUZZ_CHECK(!is_space_byte((unsigned char)r->text[p->off]));
    FUZZ_CHECK(!is_space_byte((unsigned char)r->text[p->off + p->len - 1]));
    FUZZ_CHECK(p->level <= 8);
    FUZZ_CHECK(p->title_len <= p->len);
    FUZZ_CHECK(p->level != 0 || p->title_len == 0);
    end = (size_t)p->off + p->len + 1;
  }

  bg_report_meta m = {2023, "某市", NULL, "某人", NULL};
  FUZZ_CHECK(bg_report_override(r, &m, "manifest", &err) == 0);
  FUZZ_CHECK(r->year == 2023 && strcmp(r->region, "某市") == 0);
  bg_report_free(r);
  return 0;
}
