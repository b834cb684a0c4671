/*
 * html.h - the text of a web page (.html, .htm, .shtml).
 *
 * The page is decoded to UTF-8 first (see bg_html_text() for the charset
 * chosen), then read with libxml2's HTML parser, which copes with the tag
 * soup government sites serve.  Block elements (p, div, h1-h6, li, td,
 * ...) and <br> end a paragraph; inline ones (span, a, b, font, ...) run
 * on.  What is not the page's text is dropped: the head, script, style,
 * noscript, template, form controls, and the page's chrome as HTML marks
 * it (nav, header, footer, aside and their ARIA roles navigation, banner,
 * contentinfo, complementary).  White space collapses as a browser shows
 * it, including CSS's rule that a line break between two Chinese
 * characters vanishes; inside <pre> each line is a paragraph.  A paragraph
 * with no letter, digit or ideograph ("[", "|", "»") is layout debris and
 * is dropped.
 */
#ifndef BG_HTML_H
#define BG_HTML_H

#include <stddef.h>

#include "error.h"

/* Reads the web page data[0, len) into UTF-8 text with one paragraph per
 * line.  The charset is encoding when it is not NULL; else a BOM's; else
 * UTF-8 when the bytes are valid UTF-8 (a page saved as UTF-8 often keeps
 * its old <meta charset=gb2312>); else the charset the page declares in
 * <meta charset> or <meta http-equiv="Content-Type"> (gb2312 and gbk read
 * as GB18030, big5 as Big5-HKSCS), unless the page does not decode in it
 * and does in a detected one; else the one bg_encoding_to_utf8()
 * detects.  used (BG_ENCODING_NAME_MAX bytes, may be NULL) gets the
 * charset read.  On success *out is a NUL-terminated string the caller
 * frees with free(), *out_len its length.  On failure *out is NULL and
 * err says why: BG_EENCODING ("invalid GB18030 at byte 812", naming the
 * charset the page declares when there is one), BG_EINVAL (unknown
 * encoding), BG_EFORMAT (too large for the parser), BG_ENOMEM. */
int bg_html_text(const char *data, size_t len, const char *encoding, char **out,
                 size_t *out_len, char *used, bg_err *err);

#endif
