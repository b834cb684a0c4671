/*
 * pdf.h - the text of a PDF document.
 *
 * poppler-glib gives each page's text line by line, in reading order, with
 * the box of every character and the size of its font.  Reports are
 * typeset with hard-wrapped lines, indented first lines, running heads and
 * feet, so the lines are put back into paragraphs from the layout:
 *
 *  - Page furniture is dropped: a line among the three nearest the top or
 *    the bottom of a page that recurs there on
 *    at least half of the pages (digits aside, so "2024年政府工作报告 3"
 *    and "… 4" are one); a page number there ("3", "- 3 -", "— 3 —",
 *    "第3页", "第 3 页 共 12 页", "3/12", "Page 3"); and what a printing
 *    browser writes in the margins (the date and time, the page's
 *    address).
 *  - Each page is put in reading order by the boxes of its lines: a
 *    poppler line is cut where more than 0.8 em of space separates two
 *    runs of text (columns, table cells read as one line), then the page
 *    is read in bands top to bottom (split where the space between lines
 *    is wider than usual) and, where lines stand side by side, in
 *    columns left to right (a recursive XY cut), so columns and table
 *    cells never interleave.
 *  - The lines left are grouped into blocks: the lines of a page that
 *    follow one another downwards in one column.  A block of four lines or
 *    more gives its lines their frame (its leftmost edge, and a right edge
 *    that one line sticking out does not move); a smaller one (a title,
 *    the rest of a paragraph at the top of a page) takes the frame of such
 *    a block that holds it: one with the same left edge first (its
 *    column), then one on the same page, then the narrowest.
 *  - A line continues the one before it (in the same block, or across a
 *    column or page break) unless: the line before ended short, i.e. the
 *    first character or Latin word of this line, with the punctuation
 *    that cannot start or end a line, would have fitted after it; this
 *    line is indented (by 0.6 em or more: a first-line indent, a centred
 *    title); the font size changes; there is more space than the usual
 *    line pitch above it; it starts a heading ("一、", "（一）", "1．",
 *    "第一部分", see bg_report_heading_level()) after a sentence end
 *    (where indents mark paragraphs, only a heading on a line of its own
 *    that does not end a sentence; where space marks them, only across a
 *    page or column break); or
 *    the document marks paragraphs neither by indents nor by space and the
 *    line before ends a sentence (。！？；：…, also before a closing quote
 *    or bracket).  Across blocks side by side on one page, a block of
 *    another width is the next cell of a table: a new paragraph.
 *  - Lines are joined with no space, except between two Latin letters or
 *    digits (English wraps at spaces).
 *
 * A page with no text layer is a scan: without BG_PDF_OCR a document of
 * such pages only is an error; with it, such pages are rendered at 300 dpi
 * and read by Tesseract (ocr.h), and the lines it finds, with their
 * boxes, go the same way.
 */
#ifndef BG_PDF_H
#define BG_PDF_H

#include <stddef.h>

#include "error.h"

/* Flags of bg_pdf_read(). */
#define BG_PDF_OCR 1 /* read pages without a text layer by OCR */

/* Reads the PDF document data[0, len) into UTF-8 text with one paragraph
 * per line.  On success *out is a NUL-terminated string the caller frees
 * with free(), *out_len its length, and *ocr_used (when not NULL) is 1
 * when some of the text came from OCR.  On failure *out is NULL and err
 * says why: BG_EFORMAT ("not a PDF document (PDF document is damaged)",
 * "the PDF is encrypted: it needs a password", "no text in the PDF: it is
 * a scan (pages of images); index it with --ocr to read it by OCR", OCR
 * not available), BG_ENOMEM. */
int bg_pdf_read(const char *data, size_t len, int flags, char **out,
                size_t *out_len, int *ocr_used, bg_err *err);

/* bg_pdf_read() without OCR. */
int bg_pdf_text(const char *data, size_t len, char **out, size_t *out_len,
                bg_err *err);

#endif
