/*
 * pdf.c - the text of a PDF document, lines joined back into paragraphs.
 *
 * poppler gives each page's text in reading order, one line at a time,
 * with a box for every character and the font size of every run.  Lines
 * are put back into paragraphs from that layout (pdf.h has the rules):
 * page furniture is dropped first, the lines left are grouped into blocks
 * (a column of a page, a cell of a table), each block gives the frame its
 * lines are measured against (left edge, right edge), and a line joins the
 * one before it unless the layout says a paragraph ended there.  Pages
 * without a text layer are rendered and read by Tesseract (ocr.c) when the
 * caller asks for it; OCR lines have boxes too and go the same way.
 */
#include "pdf.h"

#include <cairo.h>
#include <math.h>
#include <poppler.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ocr.h"
#include "report.h"
#include "textbuf.h"
#include "units.h"
#include "util.h"

/* Lines nearest the top and the bottom of a page that may be page
 * furniture (a browser prints two at each; a running head adds one). */
#define EDGE 3
/* Longest line (bytes) that can be a running head or foot. */
#define KEY_MAX 200
/* Resolution pages are rendered at for OCR. */
#define OCR_DPI 300

typedef struct line {
  const char *s; /* in its page's text */
  size_t n;
  int page;
  double x0, y0, x1, y1; /* box of its visible characters, points, y down */
  double size;           /* font size, points */
  double lead;  /* width of what had to start the line: its first character
                   or Latin word, with the punctuation bound to it */
  int src, seg; /* the line of poppler's text it is part of, which part */
  int block;    /* consecutive lines of a page in one column */
  double left, right; /* the frame of its block */
  int edge;           /* among the EDGE lines nearest the top or bottom */
  int drop;           /* page furniture */
  char key[KEY_MAX];  /* white space removed, digit runs as '#' ("" when
                         not an edge line or too long) */
} line;

typedef struct lines {
  line *v;
  size_t n, cap;
} lines;

/* The code point before s[n] (s[0, n) non-empty). */
static uint32_t last_cp(const char *s, size_t n) {
  size_t i = n - 1;
  while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80)
    i--;
  uint32_t c;
  bg_utf8_dec(s + i, n - i, &c);
  return c;
}

static int is_wide(uint32_t c) {
  return (c >= 0x2E80 && c <= 0xA4CF) || (c >= 0xAC00 && c <= 0xD7A3) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFE30 && c <= 0xFE4F) ||
         (c >= 0xFF00 && c <= 0xFF60) || (c >= 0x20000 && c <= 0x3FFFD);
}

static int is_space(uint32_t c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' ||
         c == '\v' || c == 0xA0 || c == 0x3000 ||
         (c >= 0x2000 && c <= 0x200B) || c == 0xFEFF;
}

static int digit(uint32_t c) {
  return (c >= '0' && c <= '9') || (c >= 0xFF10 && c <= 0xFF19);
}

static int alnum(uint32_t c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
         (c >= 'A' && c <= 'Z');
}

/* Punctuation that cannot start a line (it stays with the character
 * before it) and that cannot end one (it stays with the one after). */
static int in_set(uint32_t c, const char *set) {
  uint32_t x;
  for (size_t i = 0, n = strlen(set); i < n;) {
    i += bg_utf8_dec(set + i, n - i, &x);
    if (x == c) return 1;
  }
  return 0;
}

static int no_start(uint32_t c) {
  return in_set(c, ",.;:!?)]}%，。、；：！？）》〉」』】〕”’％…—·");
}

static int no_end(uint32_t c) {
  return in_set(c, "([{“‘（《〈「『【〔");
}

static int quote(uint32_t c) {
  return c == 0x201C || c == 0x201D || c == 0x2018 || c == 0x2019 || c == '"' ||
         c == '\'';
}

/* Fills l->key when l is at an edge of its page. */
static void make_key(line *l) {
  size_t k = 0;
  int in_digits = 0;
  uint32_t c;
  l->key[0] = '\0';
  if (!l->edge) return;
  for (size_t i = 0; i < l->n;) {
    size_t len = bg_utf8_dec(l->s + i, l->n - i, &c);
    if (digit(c)) {
      if (!in_digits) {
        if (k + 1 >= KEY_MAX) return;
        l->key[k++] = '#';
      }
      in_digits = 1;
    } else if (!is_space(c)) {
      in_digits = 0;
      if (k + len >= KEY_MAX) return;
      memcpy(l->key + k, l->s + i, len);
      k += len;
    }
    i += len;
  }
  l->key[k] = '\0';
}

/* Returns 1 when key (see line) reads as a page number. */
static int page_number(const char *key) {
  static const char *const dashes[] = {"-", "—", "–", "－", "‒", "―",
                                       "─", "~", "·", "•",  "_"};
  static const char *const forms[] = {
      "#",           "第#页",      "第#页共#页", "第#页/共#页", "第#页，共#页",
      "第#页,共#页", "共#页第#页", "#/#",        "#／#",        "page#",
      "page#of#",    "p.#",        "-#-"};
  size_t b = 0, e = strlen(key);
  for (int again = 1; again;) {
    again = 0;
    for (size_t k = 0; k < sizeof dashes / sizeof *dashes; k++) {
      size_t dl = strlen(dashes[k]);
      if (e - b > dl && memcmp(key + b, dashes[k], dl) == 0) b += dl, again = 1;
      if (e - b > dl && memcmp(key + e - dl, dashes[k], dl) == 0)
        e -= dl, again = 1;
    }
  }
  for (size_t k = 0; k < sizeof forms / sizeof *forms; k++)
    if (strlen(forms[k]) == e - b && strncasecmp(key + b, forms[k], e - b) == 0)
      return 1;
  return 0;
}

/* Returns 1 for what a printing browser puts in the margins besides the
 * page number: the date and time ("2026/12/5 22:50", "12/5/26, 10:50 PM",
 * "2026年12月5日") and the page's address. */
static int browser_line(const line *l) {
  static const char *const schemes[] = {"file://", "http://", "https://",
                                        "about:",  "data:",   "blob:"};
  for (size_t k = 0; k < sizeof schemes / sizeof *schemes; k++)
    if (l->n >= strlen(schemes[k]) &&
        strncasecmp(l->s, schemes[k], strlen(schemes[k])) == 0)
      return 1;
  /* A date: digit runs separated by / - . : , and a few words only. */
  const char *k = l->key;
  int digits = 0, other = 0;
  while (*k) {
    if (*k == '#') {
      digits++, k++;
    } else if (strchr("/-.:,", *k)) {
      k++;
    } else if (!strncasecmp(k, "am", 2) || !strncasecmp(k, "pm", 2)) {
      k += 2;
    } else if (!strncmp(k, "上午", 6) || !strncmp(k, "下午", 6)) {
      k += 6;
    } else if (!strncmp(k, "年", 3) || !strncmp(k, "月", 3) ||
               !strncmp(k, "日", 3)) {
      k += 3;
    } else {
      other = 1;
      break;
    }
  }
  return !other && digits >= 3;
}

/* Returns 1 when the text s[0, n) ends a sentence (。！？；：… also
 * before a closing quote or bracket). */
static int ends_sentence(const char *s, size_t n) {
  static const uint32_t stops[] = {0x3002, 0xFF01, 0xFF1F, 0xFF1B,
                                   0xFF1A, 0x2026, '!',    '?',
                                   ';',    ':',    0xFF0E};
  static const uint32_t closers[] = {0x201D, 0x2019, 0x300D, 0x300F,
                                     0xFF09, ')',    0x300B, '"'};
  for (int round = 0; round < 2 && n; round++) {
    uint32_t c = last_cp(s, n);
    for (size_t k = 0; k < sizeof stops / sizeof *stops; k++)
      if (c == stops[k]) return 1;
    if (c == '.' && n >= 2 && !digit(last_cp(s, n - 1))) return 1;
    size_t k = 0;
    while (k < sizeof closers / sizeof *closers && closers[k] != c)
      k++;
    if (k == sizeof closers / sizeof *closers) return 0;
    while (n && ((unsigned char)s[n - 1] & 0xC0) == 0x80)
      n--;
    if (n) n--; /* the closer: look at what it closes */
  }
  return 0;
}

static int add_line(lines *ls, const line *l) {
  if (bg_grow((void **)&ls->v, &ls->cap, ls->n + 1, sizeof *ls->v))
    return BG_ENOMEM;
  ls->v[ls->n++] = *l;
  return BG_OK;
}

/* A character of a page's text with its box. */
typedef struct glyph {
  size_t off, len; /* bytes in the page's text */
  uint32_t c;
  double x0, y0, x1, y1, size;
} glyph;

/* Adds the line made of the glyphs g[0, n) of page text. */
static int line_of_glyphs(lines *ls, const char *text, const glyph *g, size_t n,
                          int page, int src, int seg, double em) {
  size_t b = 0, e = n;
  while (b < e && is_space(g[b].c))
    b++;
  while (e > b && is_space(g[e - 1].c))
    e--;
  if (b == e) return BG_OK;
  line l;
  memset(&l, 0, sizeof l);
  l.s = text + g[b].off;
  l.n = g[e - 1].off + g[e - 1].len - g[b].off;
  l.page = page;
  l.src = src;
  l.seg = seg;
  l.x0 = l.y0 = INFINITY;
  l.x1 = l.y1 = -INFINITY;
  double sizes = 0;
  for (size_t i = b; i < e; i++) {
    if (is_space(g[i].c)) continue;
    if (g[i].x0 < l.x0) l.x0 = g[i].x0;
    if (g[i].y0 < l.y0) l.y0 = g[i].y0;
    if (g[i].x1 > l.x1) l.x1 = g[i].x1;
    if (g[i].y1 > l.y1) l.y1 = g[i].y1;
    if (is_wide(g[i].c) && g[i].x1 - g[i].x0 > sizes) sizes = g[i].x1 - g[i].x0;
  }
  /* The em: the advance of a CJK character (neither the font size poppler
   * reports nor the height of the boxes follows how the text is scaled). */
  l.size = sizes > 0 ? sizes : em;
  /* The boxes are as tall as the font's bounding box, often far taller
   * than the type: keep one em about their middle, so that lines one
   * below the other do not overlap. */
  double mid = (l.y0 + l.y1) / 2;
  l.y0 = mid - l.size / 2;
  l.y1 = mid + l.size / 2;
  if (l.size <= 0) l.size = 1;
  /* The lead: opening brackets, a character or a Latin word, then the
   * punctuation that may not start a line; quotation marks hold on to
   * what stands on either side of them (Unicode's line breaking rule
   * LB19, which browsers follow). */
  size_t i = b;
  for (;;) {
    while (i + 1 < e && no_end(g[i].c))
      i++;
    if (g[i].c < 0x80) /* a Latin word, a number, "+X", "5G" */
      while (i + 1 < e && g[i + 1].c < 0x80 && !is_space(g[i + 1].c))
        i++;
    while (i + 1 < e && no_start(g[i + 1].c))
      i++;
    if (i + 1 < e && i - b < 16 && (quote(g[i].c) || quote(g[i + 1].c))) {
      i++;
      continue;
    }
    break;
  }
  l.lead = g[i].x1 - g[b].x0;
  if (!(l.lead > 0)) l.lead = l.size;
  return add_line(ls, &l);
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static int by_y(const void *a, const void *b) {
  const line *x = *(line *const *)a, *y = *(line *const *)b;
  if (x->y0 != y->y0) return x->y0 < y->y0 ? -1 : 1;
  return x->x0 < y->x0 ? -1 : x->x0 > y->x0;
}

static int by_x(const void *a, const void *b) {
  const line *x = *(line *const *)a, *y = *(line *const *)b;
  if (x->x0 != y->x0) return x->x0 < y->x0 ? -1 : 1;
  return x->y0 < y->y0 ? -1 : x->y0 > y->y0;
}

/* Sorts v[0, n) top to bottom, and the lines of one row (their middles
 * less than half an em apart) left to right. */
static void rows_in_order(line **v, size_t n) {
  qsort(v, n, sizeof *v, by_y);
  for (size_t i = 0, j; i < n; i = j) {
    double mid = (v[i]->y0 + v[i]->y1) / 2;
    for (j = i + 1; j < n && (v[j]->y0 + v[j]->y1) / 2 - mid < 0.5 * v[i]->size;
         j++)
      ;
    for (size_t a = i + 1; a < j; a++) /* insertion sort by x */
      for (size_t b = a; b > i && v[b]->x0 < v[b - 1]->x0; b--) {
        line *t = v[b];
        v[b] = v[b - 1];
        v[b - 1] = t;
      }
  }
}

/* 1 when a line of a[0, na) and one of b[0, nb) stand on the same row:
 * the space between them is a gutter or a gap between table cells, not
 * the indent of a line of its own. */
static int side_by_side(line *const *a, size_t na, line *const *b, size_t nb) {
  for (size_t i = 0; i < na; i++)
    for (size_t j = 0; j < nb; j++)
      if (a[i]->y0 < b[j]->y1 && b[j]->y0 < a[i]->y1) return 1;
  return 0;
}

/* Puts the lines v[0, n) of a page region in reading order into out
 * (recursive XY cut): bands one below the other where space wider than
 * the usual gap between lines (lead) runs across the whole region, else
 * strips side by side where space runs down the whole of it (columns,
 * table cells), else rows top to bottom. */
static void xy_cut(line **v, size_t n, double lead, line **out, size_t *o,
                   int depth) {
  if (n <= 1 || depth > 64) {
    for (size_t i = 0; i < n; i++)
      out[(*o)++] = v[i];
    return;
  }
  qsort(v, n, sizeof *v, by_y);
  double bottom = v[0]->y1;
  size_t b = 0;
  int cut = 0;
  for (size_t i = 1; i <= n; i++) {
    if (i == n || v[i]->y0 - bottom > lead + 0.3 * v[i]->size) {
      if (i == n && !cut) break;
      xy_cut(v + b, i - b, lead, out, o, depth + 1);
      b = i;
      cut = 1;
    }
    if (i < n && v[i]->y1 > bottom) bottom = v[i]->y1;
  }
  if (cut) return;
  /* One band: columns, if it is more than one row. */
  int rows = 0;
  for (size_t i = 1; i < n && !rows; i++)
    rows = v[i]->y0 > v[0]->y1 - 0.3 * v[0]->size;
  if (rows) {
    qsort(v, n, sizeof *v, by_x);
    double right = v[0]->x1;
    for (size_t i = 1; i <= n; i++) {
      if (i == n || (v[i]->x0 - right > 0.5 * v[i]->size &&
                     side_by_side(v + b, i - b, v + i, n - i))) {
        if (i == n && !cut) break;
        xy_cut(v + b, i - b, lead, out, o, depth + 1);
        b = i;
        cut = 1;
      }
      if (i < n && v[i]->x1 > right) right = v[i]->x1;
    }
    if (cut) return;
  }
  rows_in_order(v, n);
  for (size_t i = 0; i < n; i++)
    out[(*o)++] = v[i];
}

/* Puts the lines of a page from ls->v[first] on in reading order by their
 * boxes, then joins the pieces of a poppler line that are still next to
 * each other.  Poppler's own order is not kept: it reads runs side by side
 * as one line (columns, table cells), and may put a short line (the last
 * line of a paragraph, alone at the left margin) ahead of the lines above
 * it. */
static int reorder(lines *ls, size_t first) {
  size_t n = ls->n - first;
  if (n < 2) return BG_OK;
  line **v = bg_malloc(n * sizeof *v), **out = bg_malloc(n * sizeof *out);
  line *copy = bg_malloc(n * sizeof *copy);
  double *gaps = bg_malloc(n * sizeof *gaps);
  int rc = BG_OK;
  if (!v || !out || !copy || !gaps) {
    rc = BG_ENOMEM;
    goto cleanup;
  }
  memcpy(copy, ls->v + first, n * sizeof *copy);
  for (size_t i = 0; i < n; i++)
    v[i] = &copy[i];
  /* The usual gap between a line and the next one below it. */
  qsort(v, n, sizeof *v, by_y);
  size_t ng = 0;
  for (size_t i = 1; i < n; i++) {
    double d = v[i]->y0 - v[i - 1]->y1;
    if (d > 0) gaps[ng++] = d;
  }
  double lead = 0;
  if (ng) {
    qsort(gaps, ng, sizeof *gaps, cmp_double);
    lead = gaps[ng / 2];
  }
  size_t o = 0;
  xy_cut(v, n, lead, out, &o, 0);
  size_t k = first;
  for (size_t i = 0; i < o; i++) {
    line *p = k > first ? &ls->v[k - 1] : NULL;
    const line *l = out[i];
    if (p && p->src == l->src && p->seg + 1 == l->seg) {
      p->n = (size_t)(l->s + l->n - p->s);
      p->seg = l->seg;
      if (l->x1 > p->x1) p->x1 = l->x1;
      if (l->y0 < p->y0) p->y0 = l->y0;
      if (l->y1 > p->y1) p->y1 = l->y1;
      if (l->size > p->size) p->size = l->size;
      continue;
    }
    ls->v[k++] = *l;
  }
  ls->n = k;
cleanup:
  free(v);
  free(out);
  free(copy);
  free(gaps);
  return rc;
}

/* The em of a page: the median advance of its CJK characters (half the
 * median height of its boxes without any). */
static double page_em(const glyph *g, size_t n) {
  double *w = bg_malloc((n + 1) * sizeof *w);
  size_t nw = 0;
  if (!w) return 10;
  for (size_t i = 0; i < n; i++)
    if (is_wide(g[i].c) && g[i].x1 > g[i].x0) w[nw++] = g[i].x1 - g[i].x0;
  if (!nw)
    for (size_t i = 0; i < n; i++)
      if (!is_space(g[i].c) && g[i].y1 > g[i].y0)
        w[nw++] = (g[i].y1 - g[i].y0) / 2;
  double em = 10;
  if (nw) {
    qsort(w, nw, sizeof *w, cmp_double);
    em = w[nw / 2];
  }
  free(w);
  return em;
}

/* Adds the lines of one page's text layer; *text (g_free) holds it. */
static int add_page(lines *ls, PopplerPage *page, int pageno, char **text) {
  PopplerRectangle *rects = NULL;
  guint nrects = 0;
  int rc = BG_OK;
  *text = poppler_page_get_text(page);
  if (!*text) return BG_OK;
  poppler_page_get_text_layout(page, &rects, &nrects);
  size_t len = strlen(*text), nchars = 0;
  glyph *g = bg_malloc((len + 1) * sizeof *g);
  if (!g) {
    g_free(rects);
    return BG_ENOMEM;
  }
  for (size_t i = 0; i < len;) {
    glyph *x = &g[nchars];
    x->off = i;
    x->len = bg_utf8_dec(*text + i, len - i, &x->c);
    x->size = 0;
    if (nchars < nrects) {
      x->x0 = rects[nchars].x1;
      x->y0 = rects[nchars].y1;
      x->x1 = rects[nchars].x2;
      x->y1 = rects[nchars].y2;
    } else if (nchars) {
      x->x0 = x->x1 = g[nchars - 1].x1;
      x->y0 = g[nchars - 1].y0;
      x->y1 = g[nchars - 1].y1;
    } else {
      x->x0 = x->y0 = x->x1 = x->y1 = 0;
    }
    i += x->len;
    nchars++;
  }
  double em = page_em(g, nchars);
  /* Poppler's lines, each cut where a wide gap separates two runs of
   * text side by side (columns, table cells that poppler read as one
   * line). */
  size_t start = 0, first = ls->n;
  int src = 0;
  for (size_t i = 0; i <= nchars && rc == BG_OK; i++)
    if (i == nchars || g[i].c == '\n') {
      size_t b = start, prev = (size_t)-1;
      int seg = 0;
      for (size_t j = start; j < i && rc == BG_OK; j++) {
        if (is_space(g[j].c)) continue;
        if (prev != (size_t)-1 && g[j].x0 - g[prev].x1 > 0.8 * em) {
          rc = line_of_glyphs(ls, *text, g + b, j - b, pageno, src, seg++, em);
          b = j;
        }
        prev = j;
      }
      if (rc == BG_OK)
        rc = line_of_glyphs(ls, *text, g + b, i - b, pageno, src, seg, em);
      src++;
      start = i + 1;
    }
  free(g);
  g_free(rects);
  if (rc == BG_OK) rc = reorder(ls, first);
  return rc;
}

/* Adds the lines Tesseract reads on a rendered page; *text (g_free) holds
 * them, one after another. */
static int add_ocr_page(lines *ls, PopplerPage *page, int pageno, char **text,
                        bg_err *err) {
  double pw, ph;
  poppler_page_get_size(page, &pw, &ph);
  double scale = OCR_DPI / 72.0;
  int w = (int)ceil(pw * scale), h = (int)ceil(ph * scale);
  if (w <= 0 || h <= 0 || w > 20000 || h > 20000) return BG_OK;
  cairo_surface_t *surf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
  if (cairo_surface_status(surf) != CAIRO_STATUS_SUCCESS) {
    cairo_surface_destroy(surf);
    return bg_err_set(err, BG_ENOMEM, NULL);
  }
  cairo_t *cr = cairo_create(surf);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  cairo_scale(cr, scale, scale);
  poppler_page_render_for_printing(page, cr);
  cairo_destroy(cr);
  cairo_surface_flush(surf);
  bg_ocr_line *ol = NULL;
  size_t n = 0;
  int rc = bg_ocr_page(cairo_image_surface_get_data(surf), w, h,
                       cairo_image_surface_get_stride(surf), OCR_DPI, "chi_sim",
                       &ol, &n, err);
  cairo_surface_destroy(surf);
  if (rc) return rc;
  size_t total = 1;
  for (size_t i = 0; i < n; i++)
    total += strlen(ol[i].text) + 1;
  char *buf = g_malloc(total);
  size_t o = 0;
  for (size_t i = 0; i < n && rc == BG_OK; i++) {
    size_t tl = strlen(ol[i].text);
    memcpy(buf + o, ol[i].text, tl + 1);
    line l;
    memset(&l, 0, sizeof l);
    l.s = buf + o;
    l.n = tl;
    l.page = pageno;
    l.x0 = ol[i].x0 / scale;
    l.y0 = ol[i].y0 / scale;
    l.x1 = ol[i].x1 / scale;
    l.y1 = ol[i].y1 / scale;
    l.size = l.y1 - l.y0 > 1 ? l.y1 - l.y0 : 1;
    l.lead = l.size;
    o += tl + 1;
    rc = add_line(ls, &l);
  }
  *text = buf;
  bg_ocr_lines_free(ol, n);
  if (rc) bg_err_set(err, rc, NULL);
  return rc;
}

/* Marks the lines nearest the top and the bottom of each page (at most
 * EDGE lines above or below them) and makes their keys. */
static void mark_edges(lines *ls) {
  for (size_t i = 0; i < ls->n;) {
    size_t j = i;
    while (j < ls->n && ls->v[j].page == ls->v[i].page)
      j++;
    for (size_t a = i; a < j; a++) {
      line *l = &ls->v[a];
      int above = 0, below = 0;
      for (size_t b = i; b < j; b++) {
        if (ls->v[b].y1 <= l->y0 + 0.1) above++;
        if (ls->v[b].y0 >= l->y1 - 0.1) below++;
      }
      l->edge = above < EDGE || below < EDGE;
      make_key(l);
    }
    i = j;
  }
}

static int by_key(const void *a, const void *b) {
  const line *x = *(line *const *)a, *y = *(line *const *)b;
  int c = strcmp(x->key, y->key);
  return c ? c : x->page - y->page;
}

/* Marks running heads and feet, page numbers and a browser's margin
 * lines. */
static int drop_furniture(lines *ls, int npages) {
  line **e = bg_malloc((ls->n + 1) * sizeof *e);
  size_t ne = 0;
  if (!e) return BG_ENOMEM;
  for (size_t i = 0; i < ls->n; i++) {
    line *l = &ls->v[i];
    if (!l->key[0]) continue;
    if (page_number(l->key) || browser_line(l))
      l->drop = 1;
    else
      e[ne++] = l;
  }
  /* Lines whose key stands at an edge on at least half of the pages (not
   * always in the same place: a foot may follow the text of a short last
   * page). */
  qsort(e, ne, sizeof *e, by_key);
  for (size_t i = 0, j; i < ne; i = j) {
    int pages = 1;
    for (j = i + 1; j < ne && strcmp(e[j]->key, e[i]->key) == 0; j++)
      if (e[j]->page != e[j - 1]->page) pages++;
    if (npages >= 2 && pages >= 2 && pages * 2 >= npages)
      for (size_t k = i; k < j; k++)
        e[k]->drop = 1;
  }
  free(e);
  return BG_OK;
}

/* The kept lines, in order, as an array of pointers. */
typedef struct kept {
  line **v;
  size_t n;
} kept;

/* Groups the kept lines into blocks: a new block starts on a new page,
 * where the text goes back up (the next column, the next cell of a table
 * row), where it moves to the side of the line before, and after a gap of
 * several lines. */
static int blocks(kept *k) {
  int nb = 0;
  for (size_t i = 0; i < k->n; i++) {
    line *l = k->v[i], *p = i ? k->v[i - 1] : NULL;
    double em = l->size;
    int same = p && p->page == l->page && l->y0 > p->y0 + 0.3 * em &&
               l->x0 < p->x1 && l->x1 > p->x0 &&
               l->y0 - p->y1 < 3 * (em > p->size ? em : p->size);
    l->block = same ? nb - 1 : nb++;
  }
  return nb;
}

/* Sets each line's frame: the left and right edges of its block when the
 * block has lines enough to tell; else of the narrowest such frame on the
 * page (or in the document) that holds it. */
static void frames(kept *k, int nb) {
  double *lo = bg_malloc((size_t)nb * sizeof *lo);
  double *hi = bg_malloc((size_t)nb * sizeof *hi);
  int *cnt = bg_calloc((size_t)nb, sizeof *cnt);
  int *pg = bg_malloc((size_t)nb * sizeof *pg);
  double *ends = bg_malloc((k->n + 1) * sizeof *ends);
  if (!lo || !hi || !cnt || !pg || !ends) goto cleanup;
  for (int b = 0; b < nb; b++)
    lo[b] = INFINITY, hi[b] = -INFINITY;
  for (size_t i = 0; i < k->n; i++) {
    const line *l = k->v[i];
    int b = l->block;
    if (l->x0 < lo[b]) lo[b] = l->x0;
    cnt[b]++;
    pg[b] = l->page;
  }
  /* The right edge: the line ends in a block sorted from the right, the
   * one a tenth of the way down, so that a line sticking out (a number
   * too long to break) does not move it. */
  for (size_t i = 0, j; i < k->n; i = j) {
    size_t m = 0;
    for (j = i; j < k->n && k->v[j]->block == k->v[i]->block; j++)
      ends[m++] = k->v[j]->x1;
    qsort(ends, m, sizeof *ends, cmp_double);
    hi[k->v[i]->block] = ends[m - 1 - m / 10];
  }
  for (size_t i = 0; i < k->n; i++) {
    line *l = k->v[i];
    int b = l->block;
    l->left = lo[b];
    l->right = hi[b];
    if (cnt[b] >= 4) continue;
    double tol = l->size;
    /* Best a frame with the same left edge (the same column: the rest of
     * a column at the top of the next page), then one on the same page,
     * then the narrowest. */
    int best = -1, best_rank = 0;
    for (int c = 0; c < nb; c++) {
      if (cnt[c] < 4 || lo[c] > lo[b] + tol || hi[c] < hi[b] - tol) continue;
      int rank = 2 * (fabs(lo[c] - lo[b]) <= tol) + (pg[c] == pg[b]);
      if (best < 0 || rank > best_rank ||
          (rank == best_rank && hi[c] - lo[c] < hi[best] - lo[best])) {
        best = c;
        best_rank = rank;
      }
    }
    if (best >= 0) {
      l->left = lo[best];
      l->right = hi[best];
    }
  }
cleanup:
  free(lo);
  free(hi);
  free(cnt);
  free(pg);
  free(ends);
}

/* How the document marks where paragraphs start. */
typedef struct style {
  double pitch; /* median distance between baselines over the font size */
  int indents;  /* first lines are indented */
  int gaps;     /* paragraphs are set apart by space */
} style;

static int indented(const line *l) {
  return l->x0 > l->left + 0.6 * l->size;
}

/* 1 when the line before l was full: l's lead would not have fitted after
 * it. */
static int full(const line *p, const line *l) {
  double lead = l->lead > 0 ? l->lead : l->size;
  return p->x1 + lead > p->right - 0.5 * p->size;
}

static int same_size(const line *a, const line *b) {
  return fabs(a->size - b->size) <=
         0.12 * (a->size > b->size ? a->size : b->size);
}

static int gap(const style *st, const line *p, const line *l) {
  double d = (l->y1 - p->y1) / l->size;
  return st->pitch > 0 && d > st->pitch * 1.3 + 0.15;
}

static void find_style(const kept *k, style *st) {
  memset(st, 0, sizeof *st);
  double *d = bg_malloc((k->n + 1) * sizeof *d);
  size_t nd = 0;
  if (!d) return;
  for (size_t i = 1; i < k->n; i++) {
    const line *p = k->v[i - 1], *l = k->v[i];
    if (p->block == l->block && same_size(p, l))
      d[nd++] = (l->y1 - p->y1) / l->size;
  }
  if (nd) {
    qsort(d, nd, sizeof *d, cmp_double);
    st->pitch = d[nd / 2];
  }
  free(d);
  /* After a line that ends short of its frame, does the next line start
   * indented, or after a gap? */
  int ends = 0, ind = 0, gapped = 0;
  for (size_t i = 1; i < k->n; i++) {
    const line *p = k->v[i - 1], *l = k->v[i];
    if (p->block != l->block || !same_size(p, l) || full(p, l)) continue;
    ends++;
    if (indented(l) && l->x0 < l->left + 5 * l->size) ind++;
    if (gap(st, p, l)) gapped++;
  }
  st->indents = ends && ind * 2 >= ends;
  st->gaps = ends && gapped * 2 >= ends;
}

/* 1 when a paragraph ends between lines p and l (next: the line after l,
 * or NULL). */
static int breaks(const style *st, const line *p, const line *l,
                  const line *next) {
  if (!same_size(p, l) || !full(p, l) || indented(l)) return 1;
  if (p->block == l->block) {
    if (gap(st, p, l)) return 1;
  } else if (p->page == l->page && l->y0 > p->y1 - 0.3 * l->size &&
             l->x0 < p->x1 && l->x1 > p->x0) {
    return 1; /* the next block, below after a gap */
  } else if (p->page == l->page &&
             fabs((p->right - p->left) - (l->right - l->left)) > l->size) {
    return 1; /* the next cell of a table row, not the next column */
  }
  int sentence = ends_sentence(p->s, p->n);
  /* A heading after a sentence end.  Not "五、…" that a list run into
   * the text wraps to the start of a line: where indents mark paragraphs,
   * only a line of its own that does not end a sentence as a paragraph's
   * last line does; where space marks them, only across a page or column
   * break (on one page the space tells). */
  if (sentence && bg_report_heading_level(l->s, l->n) > 0) {
    if (st->indents) {
      if ((!next || !full(l, next)) && !ends_sentence(l->s, l->n)) return 1;
    } else if (!st->gaps || p->block != l->block) {
      return 1;
    }
  }
  if (sentence && !st->indents && !st->gaps) return 1;
  return 0;
}

/* Joins the kept lines into paragraphs. */
static int join(const lines *ls, bg_textbuf *b) {
  kept k = {0};
  if (!(k.v = bg_malloc((ls->n + 1) * sizeof *k.v))) return BG_ENOMEM;
  for (size_t i = 0; i < ls->n; i++)
    if (!ls->v[i].drop) k.v[k.n++] = &ls->v[i];
  int nb = blocks(&k);
  frames(&k, nb);
  style st;
  find_style(&k, &st);
  for (size_t i = 0; i < k.n; i++) {
    const line *l = k.v[i], *p = i ? k.v[i - 1] : NULL;
    if (p) {
      if (breaks(&st, p, l, i + 1 < k.n ? k.v[i + 1] : NULL)) {
        bg_textbuf_end(b);
      } else {
        uint32_t a = last_cp(p->s, p->n), c;
        bg_utf8_dec(l->s, l->n, &c);
        if (alnum(a) && alnum(c)) bg_textbuf_add(b, " ", 1);
      }
    }
    bg_textbuf_add(b, l->s, l->n);
  }
  bg_textbuf_end(b);
  free(k.v);
  return BG_OK;
}

int bg_pdf_read(const char *data, size_t len, int flags, char **out,
                size_t *out_len, int *ocr_used, bg_err *err) {
  int rc = BG_OK;
  GError *gerr = NULL;
  lines ls = {0};
  bg_textbuf b = {0};
  char **texts = NULL;
  int npages = 0;
  *out = NULL;
  *out_len = 0;
  if (ocr_used) *ocr_used = 0;

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
    size_t before = ls.n;
    rc = add_page(&ls, page, i, &texts[i]);
    if (rc == BG_OK && ls.n == before && (flags & BG_PDF_OCR)) {
      /* No text layer on this page: a scan. */
      g_free(texts[i]);
      texts[i] = NULL;
      rc = add_ocr_page(&ls, page, i, &texts[i], err);
      if (rc == BG_OK && ocr_used) *ocr_used = 1;
      g_object_unref(page);
      if (rc) goto cleanup;
      continue;
    }
    g_object_unref(page);
    if (rc) {
      bg_err_set(err, rc, NULL);
      goto cleanup;
    }
  }
  if (ls.n == 0) {
    rc = bg_err_set(err, BG_EFORMAT,
                    (flags & BG_PDF_OCR)
                        ? "no text in the PDF, not even by OCR"
                        : "no text in the PDF: it is a scan (pages of images); "
                          "index it with --ocr to read it by OCR");
    goto cleanup;
  }
  mark_edges(&ls);
  if (drop_furniture(&ls, npages) || join(&ls, &b) ||
      bg_textbuf_finish(&b, out, out_len))
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

int bg_pdf_text(const char *data, size_t len, char **out, size_t *out_len,
                bg_err *err) {
  return bg_pdf_read(data, len, 0, out, out_len, NULL, err);
}
