/*
 * ocr.h - reading the text of a page image with Tesseract.
 *
 * Scanned reports have no text layer: their pages are rendered (poppler
 * with cairo, in pdf.c) and read here, line by line with each line's box,
 * so that pdf.c rebuilds paragraphs from OCR lines as it does from a text
 * layer.  libtesseract is loaded with dlopen() on first use, so the
 * programs start without it and a machine without it only loses --ocr
 * (Debian: tesseract-ocr and tesseract-ocr-chi-sim).
 */
#ifndef BG_OCR_H
#define BG_OCR_H

#include <stddef.h>

#include "error.h"

/* One line read from a page image: its UTF-8 text (white space between
 * two CJK characters, which Tesseract puts there, removed) and its box in
 * pixels, y growing downwards. */
typedef struct bg_ocr_line {
  char *text;
  int x0, y0, x1, y1;
} bg_ocr_line;

/* Reads the 32-bit image px (width w, height h, stride bytes a row; cairo's
 * RGB24 as it lies in memory), scanned at dpi dots per inch, in the
 * languages lang ("chi_sim+eng").  On success *out holds *n lines in
 * reading order, freed with bg_ocr_lines_free().  Errors: BG_EFORMAT when
 * libtesseract or the language data cannot be loaded ("OCR needs
 * Tesseract: ..."), BG_ENOMEM. */
int bg_ocr_page(const unsigned char *px, int w, int h, int stride, int dpi,
                const char *lang, bg_ocr_line **out, size_t *n, bg_err *err);

/* Frees n lines of bg_ocr_page(); NULL is fine. */
void bg_ocr_lines_free(bg_ocr_line *v, size_t n);

#endif
