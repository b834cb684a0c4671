/*
 * source.h - reading a report file into UTF-8 text.
 *
 * Every format becomes the text the report parser reads, one paragraph
 * per line: plain text (.txt) and Markdown (.md, front matter dropped) as
 * they are, once decoded; Word documents (.docx, docx.c), web pages
 * (.html, .htm, .shtml, html.c) and PDF (.pdf, pdf.c) through their
 * readers.  Any of them may be gzip-compressed (.txt.gz, .docx.gz, ...).
 * Line ends of text files are left as they are (CRLF and lone CR are the
 * report parser's business).
 */
#ifndef BG_SOURCE_H
#define BG_SOURCE_H

#include <stddef.h>

#include "encoding.h"
#include "error.h"
#include "report.h" /* bg_format */

/* A file read into memory and decoded. */
typedef struct bg_source {
  char *text;    /* UTF-8, NUL-terminated, BOM removed; one paragraph per
                    line for the formats other than .txt and .md */
  size_t len;
  char encoding[BG_ENCODING_NAME_MAX]; /* charset read ("" for PDF, whose
                                          text comes from its fonts) */
  bg_format format;
  int gzip;      /* 1 when the file was gzip-compressed */
  int ocr;       /* 1 when some of the text was read by OCR (a scanned
                    PDF read with BG_SOURCE_OCR) */
  size_t raw_len; /* bytes in the file as stored */
  size_t dropped; /* control characters dropped from the text (NUL, ESC,
                     the rest of C0 but tab and line ends, DEL, C1) */
} bg_source;

/* The format of a file from its name (".txt", ".md", ".markdown",
 * ".docx", ".html", ".htm", ".shtml", ".xhtml", ".pdf", with an optional
 * ".gz" after them; case-insensitive), BG_FMT_NONE otherwise. */
bg_format bg_source_format(const char *path);

/* The short name of a format: "txt", "md", "docx", "html", "pdf" ("" for
 * BG_FMT_NONE). */
const char *bg_source_format_name(bg_format format);

/* Writes the report id of path into buf (cap bytes): the file name without
 * its folder, ".gz" and format extension ("a/2023_济南市钢城区.txt.gz" ->
 * "2023_济南市钢城区").  Returns BG_OK, or BG_EINVAL when path is not a
 * report file or the id does not fit. */
int bg_source_id(const char *path, char *buf, size_t cap);

/* Reads path and decodes it (encoding NULL to detect; it applies to
 * .txt, .md and web pages, as Word and PDF files say how their text is
 * encoded).  The data is gunzipped when the name ends in ".gz" or it
 * starts with the gzip magic bytes (members one after another are read as
 * one text).  Markdown front matter (a YAML block between "---" lines, or
 * TOML between "+++" lines, at the very start) is removed.  Control
 * characters are dropped from the text (src->dropped counts them).  An
 * empty text
 * file gives empty text.  On failure src is left empty and err's message
 * starts with the path, then the reason: BG_EIO ("a.txt: No such file or
 * directory", a folder, a read error), BG_EFORMAT (corrupt gzip data, a
 * damaged Word or PDF document, more than 1 GiB before or after
 * gunzipping), BG_EENCODING ("a.txt: invalid GB18030 at byte 812", the
 * offset in the uncompressed data), BG_EINVAL (unknown encoding),
 * BG_ENOMEM.  src must not hold a text (bg_source_free() it first): it is
 * overwritten. */
int bg_source_read(const char *path, const char *encoding, bg_source *src,
                   bg_err *err);

/* Flags of bg_source_read_flags(). */
#define BG_SOURCE_OCR 1 /* read the pages of a PDF without a text layer
                           (scans) by OCR instead of failing */

/* bg_source_read() with flags (BG_SOURCE_OCR). */
int bg_source_read_flags(const char *path, const char *encoding, int flags,
                         bg_source *src, bg_err *err);

/* Frees what bg_source_read() allocated and empties src; NULL is fine. */
void bg_source_free(bg_source *src);

#endif
