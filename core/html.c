/*
 * html.c - the text of a web page.
 *
 * Decoding happens here, before libxml2 sees the page, so that charset
 * errors carry byte offsets like every other format's and so that the
 * detection of encoding.c (GB18030 or Big5) also serves pages that
 * declare nothing.  libxml2 is then handed UTF-8 and told so, which it
 * keeps to whatever the page's <meta> says.
 */
#include "html.h"

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <utf8proc.h>

#include "encoding.h"
#include "textbuf.h"
#include "units.h"

/* How far into the page a <meta> declaring the charset is looked for. */
#define META_SCAN 16384

/* ---- the charset ---- */

/* Returns the offset of needle in s[from, n), ignoring ASCII case, or
 * (size_t)-1. */
static size_t find_nocase(const char *s, size_t n, size_t from,
                          const char *needle) {
  size_t k = strlen(needle);
  for (size_t i = from; k <= n && i + k <= n; i++)
    if (strncasecmp(s + i, needle, k) == 0) return i;
  return (size_t)-1;
}

/* Writes the charset the page declares in a <meta> tag among its first
 * META_SCAN bytes to buf (BG_ENCODING_NAME_MAX bytes), named the way
 * encoding.c reads it; returns 0 when there is none. */
static int declared(const char *data, size_t len, char *buf) {
  static const struct {
    const char *name, *read;
  } names[] = {
      /* The labels browsers read as GBK, Big5 and windows-1252. */
      {"gb2312", "GB18030"},      {"gbk", "GB18030"},
      {"gb18030", "GB18030"},     {"x-gbk", "GB18030"},
      {"cp936", "GB18030"},       {"euc-cn", "GB18030"},
      {"chinese", "GB18030"},     {"csgb2312", "GB18030"},
      {"big5", "BIG5-HKSCS"},     {"big5-hkscs", "BIG5-HKSCS"},
      {"x-x-big5", "BIG5-HKSCS"}, {"cn-big5", "BIG5-HKSCS"},
      {"csbig5", "BIG5-HKSCS"},   {"utf-8", "UTF-8"},
      {"utf8", "UTF-8"},          {"iso-8859-1", "CP1252"},
      {"latin1", "CP1252"},       {"us-ascii", "CP1252"},
      {"ascii", "CP1252"},        {"windows-1252", "CP1252"},
  };
  size_t n = len < META_SCAN ? len : META_SCAN;
  for (size_t at = 0; (at = find_nocase(data, n, at, "<meta")) != (size_t)-1;
       at++) {
    const char *end = memchr(data + at, '>', n - at);
    size_t tag_end = end ? (size_t)(end - data) : n;
    size_t k = find_nocase(data, tag_end, at, "charset");
    if (k == (size_t)-1) continue;
    k += strlen("charset");
    while (k < tag_end && (data[k] == ' ' || data[k] == '=' || data[k] == '"' ||
                           data[k] == '\''))
      k++;
    size_t b = k;
    while (k < tag_end && k - b < BG_ENCODING_NAME_MAX - 1 &&
           ((data[k] >= 'a' && data[k] <= 'z') ||
            (data[k] >= 'A' && data[k] <= 'Z') ||
            (data[k] >= '0' && data[k] <= '9') || strchr("-_.:", data[k])))
      k++;
    if (k == b) continue;
    snprintf(buf, BG_ENCODING_NAME_MAX, "%.*s", (int)(k - b), data + b);
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
      if (strcasecmp(buf, names[i].name) == 0)
        snprintf(buf, BG_ENCODING_NAME_MAX, "%s", names[i].read);
    return 1;
  }
  return 0;
}

/* Decodes the page as bg_html_text() describes. */
static int decode(const char *data, size_t len, const char *encoding,
                  char **text, size_t *text_len, char *used, bg_err *err) {
  char decl[BG_ENCODING_NAME_MAX], got[BG_ENCODING_NAME_MAX] = "";
  if (encoding)
    return bg_encoding_to_utf8(data, len, encoding, text, text_len, used, err);
  bg_err derr = {0};
  int rc = bg_encoding_to_utf8(data, len, NULL, text, text_len, got, &derr);
  int unicode = rc == BG_OK && strncmp(got, "UTF-", 4) == 0;
  int damaged_utf8 =
      rc == BG_EENCODING && strncmp(derr.msg, "invalid UTF-8", 13) == 0;
  if (unicode || damaged_utf8 || !declared(data, len, decl)) {
    if (rc == BG_OK && used) snprintf(used, BG_ENCODING_NAME_MAX, "%s", got);
    if (rc) bg_err_set(err, rc, "%s", derr.msg);
    return rc;
  }
  char *alt = NULL, alt_used[BG_ENCODING_NAME_MAX];
  size_t alt_len = 0;
  bg_err aerr = {0};
  int arc =
      bg_encoding_to_utf8(data, len, decl, &alt, &alt_len, alt_used, &aerr);
  if (arc == BG_OK) {
    free(*text);
    *text = alt;
    *text_len = alt_len;
    if (used) snprintf(used, BG_ENCODING_NAME_MAX, "%s", alt_used);
    return BG_OK;
  }
  if (rc == BG_OK) { /* the page lies about its charset */
    if (used) snprintf(used, BG_ENCODING_NAME_MAX, "%s", got);
    return BG_OK;
  }
  return bg_err_set(err, arc, "%s (the charset the page declares)", aerr.msg);
}

/* ---- the text ---- */

typedef struct walker {
  bg_textbuf *b;
  int pre;         /* inside <pre> */
  int space;       /* collapsed white space is pending */
  int space_break; /* ... and it held a line break */
  uint32_t last;   /* the last character of the paragraph, 0 at its start */
  int in_article;  /* inside article, main or section */
} walker;

/* Returns 1 for a character of East Asian Width F, W or H other than
 * Hangul: a line break between two of them is no space (CSS Text 3,
 * segment break transformation). */
static int wide(uint32_t c) {
  return (c >= 0x2E80 && c <= 0x303E) || (c >= 0x3041 && c <= 0x33FF) ||
         (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) ||
         (c >= 0xA000 && c <= 0xA4CF) || (c >= 0xF900 && c <= 0xFAFF) ||
         (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF9F) ||
         (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x20000 && c <= 0x3FFFD);
}

/* Returns 1 when s[0, n) has a letter, a digit or an ideograph. */
static int has_word(const char *s, size_t n) {
  for (size_t i = 0; i < n;) {
    uint32_t c;
    i += bg_utf8_dec(s + i, n - i, &c);
    utf8proc_category_t cat = utf8proc_category((utf8proc_int32_t)c);
    if ((cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
        (cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO))
      return 1;
  }
  return 0;
}

/* Ends the paragraph being read, dropping it when it has no word. */
static void end_para(walker *w) {
  size_t n;
  const char *p = bg_textbuf_current(w->b, &n);
  if (has_word(p, n))
    bg_textbuf_end(w->b);
  else
    bg_textbuf_drop(w->b);
  w->last = 0;
  w->space = w->space_break = 0;
}

/* Appends the text s[0, n), collapsing white space as a browser does. */
static void add_text(walker *w, const char *s, size_t n) {
  for (size_t i = 0; i < n;) {
    unsigned char ch = (unsigned char)s[i];
    if (w->pre) {
      size_t j = i;
      while (j < n && s[j] != '\n' && s[j] != '\r')
        j++;
      bg_textbuf_add(w->b, s + i, j - i);
      if (j < n) {
        end_para(w);
        j += s[j] == '\r' && j + 1 < n && s[j + 1] == '\n' ? 2 : 1;
      }
      i = j;
      continue;
    }
    if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f') {
      w->space = 1;
      if (ch == '\n' || ch == '\r') w->space_break = 1;
      i++;
      continue;
    }
    uint32_t c;
    size_t l = bg_utf8_dec(s + i, n - i, &c);
    if (w->space && w->last && !(w->space_break && wide(w->last) && wide(c)))
      bg_textbuf_add(w->b, " ", 1);
    w->space = w->space_break = 0;
    bg_textbuf_add(w->b, s + i, l);
    w->last = c;
    i += l;
  }
}

/* Returns 1 when the element's name is one of the NULL-terminated list. */
static int named(const xmlNode *n, const char *const *names) {
  for (; *names; names++)
    if (strcmp((const char *)n->name, *names) == 0) return 1;
  return 0;
}

/* The value of attribute name of n (borrowed), or NULL. */
static const char *attr(const xmlNode *n, const char *name) {
  xmlAttr *a = xmlHasProp(n, (const xmlChar *)name);
  if (!a || !a->children || !a->children->content) return NULL;
  return (const char *)a->children->content;
}

/* Returns 1 when element n is not part of the page's text. */
static int dropped(const walker *w, const xmlNode *n) {
  static const char *const never[] = {
      "head",  "script", "style",    "noscript", "template", "nav",
      "aside", "select", "button",   "textarea", "iframe",   "object",
      "embed", "svg",    "canvas",   "audio",    "video",    "title",
      "input", "option", "datalist", NULL};
  static const char *const chrome[] = {"header", "footer", NULL};
  static const char *const roles[] = {"navigation",    "banner", "contentinfo",
                                      "complementary", "search", NULL};
  if (named(n, never)) return 1;
  /* The page's header and footer, not an article's. */
  if (named(n, chrome) && !w->in_article) return 1;
  if (xmlHasProp(n, (const xmlChar *)"hidden")) return 1;
  const char *role = attr(n, "role");
  if (role) {
    for (const char *const *r = roles; *r; r++)
      if (strcasecmp(role, *r) == 0) return 1;
  }
  const char *style = attr(n, "style");
  if (style) {
    char compact[64];
    size_t k = 0;
    for (const char *p = style; *p && k + 1 < sizeof compact; p++)
      if (*p != ' ' && *p != '\t')
        compact[k++] = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
    compact[k] = '\0';
    if (strstr(compact, "display:none")) return 1;
  }
  return 0;
}

/* Appends the text of the nodes from n on. */
static void walk(walker *w, const xmlNode *n) {
  static const char *const blocks[] = {
      "address", "article",  "blockquote", "body",    "caption",  "center",
      "dd",      "details",  "dialog",     "dir",     "div",      "dl",
      "dt",      "fieldset", "figcaption", "figure",  "form",     "h1",
      "h2",      "h3",       "h4",         "h5",      "h6",       "hgroup",
      "hr",      "html",     "legend",     "li",      "main",     "menu",
      "ol",      "p",        "pre",        "section", "summary",  "table",
      "tbody",   "td",       "tfoot",      "th",      "thead",    "tr",
      "ul",      "header",   "footer",     "br",      "noframes", NULL};
  static const char *const sections[] = {"article", "main", "section", NULL};
  for (; n; n = n->next) {
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
      if (n->content)
        add_text(w, (const char *)n->content, strlen((const char *)n->content));
      continue;
    }
    if (n->type != XML_ELEMENT_NODE || dropped(w, n)) continue;
    int block = named(n, blocks),
        pre = strcmp((const char *)n->name, "pre") == 0;
    int section = named(n, sections);
    if (block) end_para(w);
    w->pre += pre;
    w->in_article += section;
    walk(w, n->children);
    w->pre -= pre;
    w->in_article -= section;
    if (block) end_para(w);
  }
}

int bg_html_text(const char *data, size_t len, const char *encoding, char **out,
                 size_t *out_len, char *used, bg_err *err) {
  char *text = NULL;
  size_t text_len = 0;
  bg_textbuf b = {0};
  *out = NULL;
  *out_len = 0;
  if (used) used[0] = '\0';
  int rc = decode(data, len, encoding, &text, &text_len, used, err);
  if (rc) {
    if (used) used[0] = '\0';
    return rc;
  }
  if (text_len > INT_MAX) {
    free(text);
    if (used) used[0] = '\0';
    return bg_err_set(err, BG_EFORMAT, "page too large for the HTML parser");
  }
  htmlDocPtr doc = NULL;
  if (text_len)
    doc = htmlReadMemory(text, (int)text_len, NULL, "UTF-8",
                         HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
                             HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
                             HTML_PARSE_COMPACT);
  free(text);
  walker w = {&b, 0, 0, 0, 0, 0};
  if (doc) walk(&w, xmlDocGetRootElement(doc));
  end_para(&w);
  xmlFreeDoc(doc);
  if (bg_textbuf_finish(&b, out, out_len)) {
    if (used) used[0] = '\0';
    return bg_err_set(err, BG_ENOMEM, NULL);
  }
  return BG_OK;
}
