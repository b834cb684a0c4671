/*
 * ocr.c - reading the text of a page image with Tesseract (see ocr.h).
 *
 * Tesseract's C API (tesseract/capi.h) is called through pointers that
 * dlopen() fills, so that neither the build nor the programs' start-up
 * need libtesseract; only --ocr does.  The handles are opaque here.
 */
#include "ocr.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "units.h"
#include "util.h"

/* Tesseract's enums, as capi.h has them. */
enum { RIL_TEXTLINE = 2, PSM_AUTO = 3 };

typedef struct tess_api {
  void *(*create)(void);
  void (*del)(void *api);
  int (*init3)(void *api, const char *datapath, const char *lang);
  void (*set_psm)(void *api, int mode);
  void (*set_image)(void *api, const unsigned char *data, int w, int h,
                    int bytes_per_pixel, int bytes_per_line);
  void (*set_resolution)(void *api, int ppi);
  int (*recognize)(void *api, void *monitor);
  void *(*get_iterator)(void *api);
  void (*ri_delete)(void *ri);
  char *(*ri_text)(void *ri, int level);
  void *(*ri_page)(void *ri);
  int (*pi_box)(const void *pi, int level, int *l, int *t, int *r, int *b);
  int (*pi_next)(void *pi, int level);
  void (*delete_text)(char *text);
  void (*end)(void *api);
} tess_api;

static tess_api tess;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char load_error[256];

static void load(void) {
  static const char *const names[] = {"libtesseract.so.5", "libtesseract.so.4",
                                      "libtesseract.so"};
  void *lib = NULL;
  const char *why = NULL;
  for (size_t i = 0; !lib && i < sizeof names / sizeof *names; i++) {
    lib = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
    if (!lib) why = dlerror();
  }
  if (!lib) {
    snprintf(load_error, sizeof load_error, "%s", why ? why : "not found");
    return;
  }
  static const struct {
    const char *name;
    size_t off;
  } syms[] = {
#define SYM(field, name) {name, offsetof(tess_api, field)}
      SYM(create, "TessBaseAPICreate"),
      SYM(del, "TessBaseAPIDelete"),
      SYM(init3, "TessBaseAPIInit3"),
      SYM(set_psm, "TessBaseAPISetPageSegMode"),
      SYM(set_image, "TessBaseAPISetImage"),
      SYM(set_resolution, "TessBaseAPISetSourceResolution"),
      SYM(recognize, "TessBaseAPIRecognize"),
      SYM(get_iterator, "TessBaseAPIGetIterator"),
      SYM(ri_delete, "TessResultIteratorDelete"),
      SYM(ri_text, "TessResultIteratorGetUTF8Text"),
      SYM(ri_page, "TessResultIteratorGetPageIterator"),
      SYM(pi_box, "TessPageIteratorBoundingBox"),
      SYM(pi_next, "TessPageIteratorNext"),
      SYM(delete_text, "TessDeleteText"),
      SYM(end, "TessBaseAPIEnd"),
#undef SYM
  };
  for (size_t i = 0; i < sizeof syms / sizeof *syms; i++) {
    void *p = dlsym(lib, syms[i].name);
    if (!p) {
      snprintf(load_error, sizeof load_error, "%s is missing from it",
               syms[i].name);
      memset(&tess, 0, sizeof tess);
      return;
    }
    memcpy((char *)&tess + syms[i].off, &p, sizeof p);
  }
}

/* 1 for a character that is a CJK ideograph, kana or full-width form. */
static int wide(uint32_t c) {
  return (c >= 0x2E80 && c <= 0xA4CF) || (c >= 0xAC00 && c <= 0xD7A3) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFE30 && c <= 0xFE4F) ||
         (c >= 0xFF00 && c <= 0xFF60) || (c >= 0x20000 && c <= 0x3FFFD);
}

/* A copy of the line s without its line end and without the spaces that
 * Tesseract puts between two wide characters. */
static char *clean(const char *s) {
  size_t n = strlen(s);
  char *out = bg_malloc(n + 1);
  if (!out) return NULL;
  size_t o = 0;
  uint32_t prev = 0;
  for (size_t i = 0; i < n;) {
    size_t start = i;
    uint32_t c = bg_utf8_next(s, n, &i);
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
      while (i < n &&
             (s[i] == ' ' || s[i] == '\n' || s[i] == '\r' || s[i] == '\t'))
        i++;
      size_t j = i;
      uint32_t next = j < n ? bg_utf8_next(s, n, &j) : 0;
      if (o && i < n && !(wide(prev) && wide(next))) out[o++] = ' ';
      continue;
    }
    memcpy(out + o, s + start, i - start);
    o += i - start;
    prev = c;
  }
  out[o] = '\0';
  return out;
}

void bg_ocr_lines_free(bg_ocr_line *v, size_t n) {
  if (!v) return;
  for (size_t i = 0; i < n; i++)
    free(v[i].text);
  free(v);
}

int bg_ocr_page(const unsigned char *px, int w, int h, int stride, int dpi,
                const char *lang, bg_ocr_line **out, size_t *n, bg_err *err) {
  int rc = BG_OK;
  bg_ocr_line *v = NULL;
  size_t nv = 0, cap = 0;
  void *api = NULL, *ri = NULL;
  *out = NULL;
  *n = 0;
  pthread_once(&once, load);
  if (!tess.create)
    return bg_err_set(err, BG_EFORMAT,
                      "OCR needs Tesseract, which cannot be loaded (%s); "
                      "install the tesseract-ocr and tesseract-ocr-chi-sim "
                      "packages",
                      load_error);
  if (!(api = tess.create())) return bg_err_set(err, BG_ENOMEM, NULL);
  if (tess.init3(api, NULL, lang) != 0) {
    rc = bg_err_set(err, BG_EFORMAT,
                    "OCR needs Tesseract's language data '%s', which cannot "
                    "be loaded; install tesseract-ocr-chi-sim",
                    lang);
    goto cleanup;
  }
  tess.set_psm(api, PSM_AUTO);
  tess.set_image(api, px, w, h, 4, stride);
  tess.set_resolution(api, dpi);
  if (tess.recognize(api, NULL) != 0) {
    rc = bg_err_set(err, BG_EFORMAT, "OCR failed on a page");
    goto cleanup;
  }
  ri = tess.get_iterator(api);
  if (!ri) goto cleanup; /* an empty page */
  void *pi = tess.ri_page(ri);
  do {
    int l, t, r, b;
    if (!tess.pi_box(pi, RIL_TEXTLINE, &l, &t, &r, &b)) continue;
    char *text = tess.ri_text(ri, RIL_TEXTLINE);
    if (!text) continue;
    char *c = clean(text);
    tess.delete_text(text);
    if (!c || bg_grow((void **)&v, &cap, nv + 1, sizeof *v)) {
      free(c);
      rc = bg_err_set(err, BG_ENOMEM, NULL);
      goto cleanup;
    }
    if (!c[0]) {
      free(c);
      continue;
    }
    v[nv++] = (bg_ocr_line){c, l, t, r, b};
  } while (tess.pi_next(pi, RIL_TEXTLINE));

cleanup:
  if (ri) tess.ri_delete(ri);
  if (api) {
    tess.end(api);
    tess.del(api);
  }
  if (rc) {
    bg_ocr_lines_free(v, nv);
  } else {
    *out = v;
    *n = nv;
  }
  return rc;
}
