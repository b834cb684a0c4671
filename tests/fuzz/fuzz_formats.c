/*
 * fuzz_formats.c - the readers of Word, HTML and PDF documents (docx.c,
 * html.c, pdf.c, textbuf.c) on any bytes.
 *
 * The input is read the way its first bytes say: a zip archive ("PK") as
 * a Word document, "%PDF" as a PDF, anything else as a web page.  Text
 * that comes out must be NUL-terminated UTF-8, one paragraph per line,
 * with no empty line.
 */
#include <string.h>

#include "docx.h"
#include "encoding.h"
#include "fuzz.h"
#include "html.h"
#include "pdf.h"
#include "units.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *s = (const char *)data;
  char *out = NULL;
  size_t out_len = 0;
  char used[BG_ENCODING_NAME_MAX];
  bg_err err;
  int rc;
  if (size >= 2 && memcmp(s, "PK", 2) == 0)
    rc = bg_docx_text(s, size, &out, &out_len, used, &err);
  else if (size >= 4 && memcmp(s, "%PDF", 4) == 0)
    rc = bg_pdf_text(s, size, &out, &out_len, &err);
  else
    rc = bg_html_text(s, size, NULL, &out, &out_len, used, &err);
  if (rc != 0) {
    FUZZ_CHECK(out == NULL);
    FUZZ_CHECK(err.msg[0] != '\0');
    return 0;
  }
  FUZZ_CHECK(out != NULL);
  FUZZ_CHECK(out[out_len] == '\0');
  FUZZ_CHECK(bg_utf8_valid(out, out_len, NULL));
  FUZZ_CHECK(out_len == 0 || out[out_len - 1] == '\n');
  FUZZ_CHECK(out[0] != '\n');
  FUZZ_CHECK(strstr(out, "\n\n") == NULL);
  free(out);
  return 0;
}
