/*
 * pdf.c - the text of a PDF document, lines joined back into paragraphs.
 *
 * Only poppler's text layer is used (no rendering, so no fonts are
 * needed).  The rules that join lines and drop page furniture are in
 * pdf.h; they work on lines alone, which is what any PDF producer's output
 * has in common.
 */
#include "pdf.h"

#include <poppler.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "report.h"
#include "textbuf.h"
#include "util.h"

/* Lines at the top and at the bottom of a page that may be page
 * furniture. */
#define EDGE 2
/* Longest line (bytes) that can be a running head or foot. */
#define KEY_MAX 160

typedef struct line {
  const char *s; /* in its page's text */
  size_t n;
  int page, pos; /* page index, index among the page's lines */
  int edge;      /* among the first or last EDGE lines of its page */
  int width;     /* display columns: 2 for a wide character */
  int drop;
  char key[KEY_MAX]; /* white space removed, digit runs as '#' ("" when
                        not an edge line or too long) */
} line;

typedef struct lines {
  line *v;
  size_t n, cap;
} lines;

/* Decodes the UTF-8 character at s[0, n) into *cp; returns its length
 * (poppler gives valid UTF-8; a bad byte reads as U+FFFD). */
static size_t dec(const char *s, size_t n, uint32_t *cp) {
  const unsigned char *u = (const unsigned char *)s;
  size_t len = u[0] < 0x80 ? 1 : u[0] < 0xE0 ? 2 : u[0] < 0xF0 ? 3 : 4;
  if (u[0] >= 0x80 && u[0] < 0xC0) len = 1;
  if (len > n) len = 1;
  uint32_t c = len == 1   ? u[0]
               : len == 2 ? u[0] & 0x1Fu
               : len == 3 ? u[0] & 0x0Fu
                          : u[0] & 0x07u;
  for (size_t i = 1; i < len; i++)
    c = c << 6 | (u[i] & 0x3Fu);
  *cp = (len == 1 && u[0] >= 0x80) ? 0xFFFD : c;
  return len;
}

/* The code point before s[n] (s[0, n) non-empty). */
static uint32_t last_cp(const char *s, size_t n) {
  size_t i = n - 1;
  while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80)
    i--;
  uint32_t c;
  dec(s + i, n - i, &c);
  return c;
}

static int is_space(uint32_t c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v' ||
         c == 0xA0 || c == 0x3000 || (c >= 0x2000 && c <= 0x200B);
}

static int is_wide(uint32_t c) {
  return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0xA4CF) ||
         (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
         (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
         (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x20000 && c <= 0x3FFFD);
}

static int digit(uint32_t c) {
  return (c >= '0' && c <= '9') || (c >= 0xFF10 && c <= 0xFF19);
}

static int alnum(uint32_t c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
         (c >= 'A' && c <= 'Z');
}

/* Narrows s[*b, *e) to its content without white space at either end. */
static void trim(const char *s, size_t *b, size_t *e) {
  uint32_t c;
  while (*b < *e) {
    size_t l = dec(s + *b, *e - *b, &c);
    if (!is_space(c)) break;
    *b += l;
  }
  while (*e > *b) {
    size_t i = *e - 1;
    while (i > *b && ((unsigned char)s[i] & 0xC0) == 0x80)
      i--;
    dec(s + i, *e - i, &c);
    if (!is_space(c)) break;
    *e = i;
  }
}

/* Fills l->key and l->width. */
static void measure(line *l) {
  size_t k = 0;
  int in_digits = 0;
  uint32_t c;
  l->width = 0;
  l->key[0] = '\0';
  for (size_t i = 0; i < l->n;) {
    size_t len = dec(l->s + i, l->n - i, &c);
    l->width += is_wide(c) ? 2 : 1;
    if (l->edge && k != (size_t)-1) {
      if (digit(c)) {
        if (!in_digits) {
          if (k + 1 < KEY_MAX)
            l->key[k++] = '#';
          else
            k = (size_t)-1; /* too long to be furniture */
        }
        in_digits = 1;
      } else if (!is_space(c)) {
        in_digits = 0;
        if (k + len < KEY_MAX) {
          memcpy(l->key + k, l->s + i, len);
          k += len;
        } else {
          k = (size_t)-1; /* too long to be furniture */
        }
      }
    }
    i += len;
  }
  if (k != (size_t)-1)
    l->key[k] = '\0';
  else
    l->key[0] = '\0';
}

/* Returns 1 when key (see line) reads as a page number. */
static int page_number(const char *key) {
  static const char *const dashes[] = {"-", "—", "–", "－", "‒", "―",
                                       "─", "~", "·", "•",  "_"};
  static const char *const forms[] = {
      "#",   "第#页", "第#页共#页", "第#页/共#页", "第#页，共#页", "共#页第#页",
      "#/#", "#／#",  "page#",      "page#of#",    "p.#"};
  size_t b = 0, e = strlen(key);
  for (int again = 1; again;) {
    again = 0;
    for (size_t k = 0; k < sizeof dashes / sizeof *dashes; k++) {
      size_t dl = strlen(dashes[k]);
      if (e - b >= dl && memcmp(key + b, dashes[k], dl) == 0)
        b += dl, again = 1;
      if (e - b >= dl && memcmp(key + e - dl, dashes[k], dl) == 0)
        e -= dl, again = 1;
    }
  }
  for (size_t k = 0; k < sizeof forms / sizeof *forms; k++)
    if (strlen(forms[k]) == e - b && strncasecmp(key + b, forms[k], e - b) == 0)
      return 1;
  return 0;
}

/* Returns 1 when line l ends a sentence. */
static int ends_sentence(const line *l) {
  static const uint32_t stops[] = {0x3002, 0xFF01, 0xFF1F, 0xFF1B,
                                   0xFF1A, 0x2026, '!',    '?',
                                   ';',    ':',    0xFF0E};
  static const uint32_t closers[] = {0x201D, 0x2019, 0x300D, 0x300F,
                                     0xFF09, ')',    0x300B, '"'};
  size_t n = l->n;
  for (int round = 0; round < 2 && n; round++) {
    uint32_t c = last_cp(l->s, n);
    for (size_t k = 0; k < sizeof stops / sizeof *stops; k++)
      if (c == stops[k]) return 1;
    if (c == '.' && n >= 2 && !digit(last_cp(l->s, n - 1))) return 1;
    size_t k = 0;
    while (k < sizeof closers / sizeof *closers && closers[k] != c)
      k++;
    if (k == sizeof closers / sizeof *closers) return 0;
    while (n && ((unsigned char)l->s[n - 1] & 0xC0) == 0x80)
      n--;
    if (n) n--; /* the closer: look at what it closes */
  }
  return 0;
}

/* Adds the lines of one page's text. */
static int add_page(lines *ls, const char *text, int page) {
  size_t first = ls->n, len = strlen(text);
  for (size_t i = 0; i < len;) {
    size_t b = i, e;
    while (i < len && text[i] != '\n')
      i++;
    e = i;
    if (i < len) i++;
    trim(text, &b, &e);
    if (b == e) continue;
    if (bg_grow((void **)&ls->v, &ls->cap, ls->n + 1, sizeof *ls->v))
      return BG_ENOMEM;
    line *l = &ls->v[ls->n++];
    memset(l, 0, sizeof *l);
    l->s = text + b;
    l->n = e - b;
    l->page = page;
    l->pos = (int)(ls->n - 1 - first);
  }
  int count = (int)(ls->n - first);
  for (size_t i = first; i < ls->n; i++) {
    line *l = &ls->v[i];
    l->edge = l->pos < EDGE || l->pos >= count - EDGE;
    measure(l);
  }
  return BG_OK;
}

/* Marks running heads and feet and page numbers. */
static void drop_furniture(lines *ls, int npages) {
  for (size_t i = 0; i < ls->n; i++) {
    line *l = &ls->v[i];
    if (!l->key[0]) continue;
    if (page_number(l->key)) {
      l->drop = 1;
      continue;
    }
    if (npages < 2) continue;
    /* Pages on which the same key stands at an edge. */
    int pages = 0, last_page = -1;
    for (size_t j = 0; j < ls->n; j++) {
      const line *m = &ls->v[j];
      if (m->page != last_page && m->key[0] && strcmp(m->key, l->key) == 0) {
        pages++;
        last_page = m->page;
      }
    }
    if (pages >= 2 && pages * 2 >= npages) l->drop = 1;
  }
}

/* The width of a full line: the median width of the lines at least 60%
 * as wide as the widest (0 with too few lines to tell). */
static int full_width(const lines *ls) {
  int max = 0, hist_n = 0;
  for (size_t i = 0; i < ls->n; i++)
    if (!ls->v[i].drop && ls->v[i].width > max) max = ls->v[i].width;
  int *w = bg_malloc((ls->n + 1) * sizeof *w);
  if (!w) return 0;
  for (size_t i = 0; i < ls->n; i++)
    if (!ls->v[i].drop && ls->v[i].width * 10 >= max * 6)
      w[hist_n++] = ls->v[i].width;
  int full = 0;
  if (hist_n >= 3) {
    /* A partial selection sort to the median is plenty for a report. */
    for (int i = 0; i <= hist_n / 2; i++)
      for (int j = i + 1; j < hist_n; j++)
        if (w[j] < w[i]) {
          int t = w[i];
          w[i] = w[j];
          w[j] = t;
        }
    full = w[hist_n / 2];
  }
  free(w);
  return full;
}

/* Joins the kept lines into paragraphs. */
static void join(const lines *ls, bg_textbuf *b) {
  int full = full_width(ls);
  int slack = full / 8 > 4 ? full / 8 : 4;
  const line *prev = NULL;
  for (size_t i = 0; i < ls->n; i++) {
    const line *l = &ls->v[i];
    if (l->drop) continue;
    if (prev) {
      int brk = ends_sentence(prev) ||
                bg_report_heading_level(l->s, l->n) > 0 ||
                (full && prev->width + slack < full);
      if (brk) {
        bg_textbuf_end(b);
      } else {
        uint32_t a = last_cp(prev->s, prev->n), c;
        dec(l->s, l->n, &c);
        if (alnum(a) && alnum(c)) bg_textbuf_add(b, " ", 1);
      }
    }
    bg_textbuf_add(b, l->s, l->n);
    prev = l;
  }
  bg_textbuf_end(b);
}

int bg_pdf_text(const char *data, size_t len, char **out, size_t *out_len,
                bg_err *err) {
  int rc = BG_OK;
  GError *gerr = NULL;
  lines ls = {0};
  bg_textbuf b = {0};
  char **texts = NULL;
  int npages = 0;
  *out = NULL;
  *out_len = 0;

  GBytes *bytes = g_bytes_new_static(data, len);
  PopplerDocument *doc = poppler_document_new_from_bytes(bytes, NULL, &gerr);
  g_bytes_unref(bytes);
  if (!doc) {
    if (gerr && gerr->domain == POPPLER_ERROR &&
        gerr->code == POPPLER_ERROR_ENCRYPTED)
      rc = bg_err_set(err, BG_EFORMAT,
                      "the PDF is encrypted: it needs a password");
    else
      rc = bg_err_set(err, BG_EFORMAT, "not a PDF document (%s)",
                      gerr && gerr->message ? gerr->message : "unreadable");
    goto cleanup;
  }
  npages = poppler_document_get_n_pages(doc);
  if (npages <= 0) {
    npages = 0;
    rc = bg_err_set(err, BG_EFORMAT, "not a PDF document (no pages)");
    goto cleanup;
  }
  if (!(texts = bg_calloc((size_t)npages + 1, sizeof *texts))) {
    rc = bg_err_set(err, BG_ENOMEM, NULL);
    goto cleanup;
  }
  for (int i = 0; i < npages; i++) {
    PopplerPage *page = poppler_document_get_page(doc, i);
    if (!page) continue;
    texts[i] = poppler_page_get_text(page);
    g_object_unref(page);
    if (texts[i] && (rc = add_page(&ls, texts[i], i))) {
      bg_err_set(err, rc, NULL);
      goto cleanup;
    }
  }
  if (ls.n == 0) {
    rc = bg_err_set(err, BG_EFORMAT,
                    "no text in the PDF: scanned pages need OCR first");
    goto cleanup;
  }
  drop_furniture(&ls, npages);
  join(&ls, &b);
  if (bg_textbuf_finish(&b, out, out_len))
    rc = bg_err_set(err, BG_ENOMEM, NULL);

cleanup:
  bg_textbuf_reset(&b);
  free(ls.v);
  if (texts)
    for (int i = 0; i < npages; i++)
      g_free(texts[i]);
  free(texts);
  if (doc) g_object_unref(doc);
  if (gerr) g_error_free(gerr);
  return rc;
}
