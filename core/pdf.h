/*
 * pdf.h - the text of a PDF document.
 *
 * poppler-glib gives each page's text line by line, as it is laid out.
 * Reports are typeset with hard-wrapped lines, page headers and footers,
 * so the lines are put back into paragraphs:
 *
 *  - Running heads and feet: a line among the first two or last two of a
 *    page that recurs there on at least half of the pages (digits aside,
 *    so "2024年政府工作报告 3" and "… 4" are one) is dropped, and so is a
 *    page number there: "3", "- 3 -", "—3—", "第3页", "第3页 共20页",
 *    "3/20", "Page 3".
 *  - A line continues into the next unless it ends a sentence (。！？；：…,
 *    also after a closing quote or bracket: 。” ！」), or the next line
 *    starts a heading ("一、", "（一）", "1．", "第一部分", see
 *    bg_report_heading_level()), or the line is short: clearly narrower
 *    than the document's full lines, as the last line of a paragraph, a
 *    title or a heading is.  Lines joined where both sides are Latin
 *    letters or digits get a space between them (English wraps at spaces);
 *    anything else runs on.
 */
#ifndef BG_PDF_H
#define BG_PDF_H

#include <stddef.h>

#include "error.h"

/* Reads the PDF document data[0, len) into UTF-8 text with one paragraph
 * per line.  On success *out is a NUL-terminated string the caller frees
 * with free(), *out_len its length.  On failure *out is NULL and err says
 * why: BG_EFORMAT ("not a PDF document (PDF document is damaged)", "the
 * PDF is encrypted: it needs a password", "no text in the PDF: scanned
 * pages need OCR first"), BG_ENOMEM. */
int bg_pdf_text(const char *data, size_t len, char **out, size_t *out_len,
                bg_err *err);

#endif
