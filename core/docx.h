/*
 * docx.h - the text of a Word document (.docx: Office Open XML).
 *
 * A .docx file is a zip archive (read with libzip) whose main part,
 * usually word/document.xml, holds the body as XML (read with libxml2).
 * Every paragraph of the body (w:p, also inside tables and text boxes)
 * becomes one line of text: the text of its runs (w:t), a tab for w:tab,
 * a line end for w:br and w:cr.  Deleted text (w:del, tracked changes) and
 * field instructions are left out, inserted text (w:ins) is kept; notes,
 * comments, headers and footers live in other parts and are not read.
 */
#ifndef BG_DOCX_H
#define BG_DOCX_H

#include <stddef.h>

#include "error.h"

/* Reads the Word document data[0, len) into UTF-8 text with one paragraph
 * per line.  On success *out is a NUL-terminated string the caller frees
 * with free(), *out_len its length, and encoding (BG_ENCODING_NAME_MAX
 * bytes, may be NULL) the charset of the XML ("UTF-8").  On failure *out
 * is NULL and err says why: BG_EFORMAT ("not a Word document (zip: Not a
 * zip archive)", "not a Word document (no word/document.xml in the
 * archive)", "broken XML in word/document.xml at line 3: ...", an old
 * Word 97-2003 file), BG_ENOMEM. */
int bg_docx_text(const char *data, size_t len, char **out, size_t *out_len,
                 char *encoding, bg_err *err);

#endif
