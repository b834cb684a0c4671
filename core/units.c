/*
 * units.c - the unit tokenizer (see units.h for the contract).
 *
 * Normalization is NFKC followed by full case folding, as
 * unicodedata.normalize("NFKC", s).casefold() computes it.  To map every
 * unit back to the source code points it came from, the source is cut into
 * chunks that normalize independently: a chunk starts at a code point whose
 * compatibility decomposition begins with a starter that cannot compose with
 * what precedes it.  NFKC of the whole text is then the concatenation of
 * the chunks' NFKC (canonical reordering and composition never cross such a
 * boundary), and case folding works code point by code point.
 *
 * Most report text is ASCII, CJK ideographs and full-width punctuation: a
 * table built once for the Basic Multilingual Plane gives each code point's
 * normalized form and whether it may start a chunk, so the hot path never
 * calls into utf8proc and never allocates.
 */
#include "units.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "error.h"
#include "t2s.h"
#include "util.h"

#define REPLACEMENT 0xFFFDu

/* ---- UTF-8 ------------------------------------------------------------ */

uint32_t bg_utf8_next(const char *str, size_t len, size_t *i) {
  const unsigned char *s = (const unsigned char *)str;
  size_t p = *i;
  unsigned c = s[p];
  if (c < 0x80) {
    *i = p + 1;
    return c;
  }
  size_t need;
  uint32_t cp, min;
  if (c >= 0xC2 && c <= 0xDF) {
    need = 1, cp = c & 0x1F, min = 0x80;
  } else if (c >= 0xE0 && c <= 0xEF) {
    need = 2, cp = c & 0x0F, min = 0x800;
  } else if (c >= 0xF0 && c <= 0xF4) {
    need = 3, cp = c & 0x07, min = 0x10000;
  } else {
    *i = p + 1;
    return REPLACEMENT;
  }
  if (len - p <= need) {
    *i = p + 1;
    return REPLACEMENT;
  }
  for (size_t k = 1; k <= need; k++) {
    if ((s[p + k] & 0xC0) != 0x80) {
      *i = p + 1;
      return REPLACEMENT;
    }
    cp = (cp << 6) | (s[p + k] & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    *i = p + 1;
    return REPLACEMENT;
  }
  *i = p + need + 1;
  return cp;
}

size_t bg_utf8_dec(const char *s, size_t n, uint32_t *cp) {
  size_t i = 0;
  *cp = bg_utf8_next(s, n, &i);
  return i;
}

size_t bg_utf8_put(char *buf, uint32_t cp) {
  unsigned char *b = (unsigned char *)buf;
  if (cp < 0x80) {
    b[0] = (unsigned char)cp;
    return 1;
  }
  if (cp < 0x800) {
    b[0] = (unsigned char)(0xC0 | (cp >> 6));
    b[1] = (unsigned char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    b[0] = (unsigned char)(0xE0 | (cp >> 12));
    b[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    b[2] = (unsigned char)(0x80 | (cp & 0x3F));
    return 3;
  }
  b[0] = (unsigned char)(0xF0 | (cp >> 18));
  b[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
  b[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
  b[3] = (unsigned char)(0x80 | (cp & 0x3F));
  return 4;
}

int bg_utf8_valid(const char *s, size_t len, size_t *bad_offset) {
  size_t i = 0;
  while (i < len) {
    size_t at = i;
    if ((unsigned char)s[i] < 0x80) {
      i++;
      continue;
    }
    uint32_t cp = bg_utf8_next(s, len, &i);
    /* A real U+FFFD takes three bytes; a replacement for bad input one. */
    if (cp == REPLACEMENT && i - at != 3) {
      if (bad_offset) *bad_offset = at;
      return 0;
    }
  }
  return 1;
}

size_t bg_utf8_cps(const char *s, size_t len) {
  size_t n = 0;
  for (size_t i = 0; i < len; i++)
    if (((unsigned char)s[i] & 0xC0) != 0x80) n++;
  return n;
}

size_t bg_utf8_offset(const char *s, size_t len, size_t cp_index) {
  size_t n = 0;
  for (size_t i = 0; i < len; i++) {
    if (((unsigned char)s[i] & 0xC0) != 0x80) {
      if (n == cp_index) return i;
      n++;
    }
  }
  return len;
}

size_t bg_utf8_width(const char *s, size_t len) {
  size_t w = 0, i = 0;
  while (i < len) {
    uint32_t cp = bg_utf8_next(s, len, &i);
    int cw = utf8proc_charwidth((utf8proc_int32_t)cp);
    w += cw > 0 ? (size_t)cw : 0;
  }
  return w;
}

/* ---- character classes of normalized text ------------------------------ */

enum { CL_DROP, CL_CJK, CL_ALNUM, CL_OTHER };

static int is_cjk(uint32_t o) {
  return (o >= 0x3400 && o <= 0x4DBF) || (o >= 0x4E00 && o <= 0x9FFF) ||
         (o >= 0xF900 && o <= 0xFAFF) || (o >= 0x20000 && o <= 0x323AF) ||
         o == 0x3005 || o == 0x3007 || o == 0x303B ||
         (o >= 0x3040 && o <= 0x30FF) || (o >= 0x31F0 && o <= 0x31FF) ||
         (o >= 0xAC00 && o <= 0xD7AF) || (o >= 0x1100 && o <= 0x11FF) ||
         (o >= 0x3130 && o <= 0x318F);
}

static int classify(uint32_t c) {
  if (c < 0x80) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
        (c >= '0' && c <= '9'))
      return CL_ALNUM;
    if (c <= 0x20 || c == 0x7F) return CL_DROP;
    return CL_OTHER;
  }
  if (is_cjk(c)) return CL_CJK;
  const utf8proc_property_t *p = utf8proc_get_property((utf8proc_int32_t)c);
  switch (p->category) {
  case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL:
  case UTF8PROC_CATEGORY_LT: case UTF8PROC_CATEGORY_LM:
  case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_ND:
  case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
    return CL_ALNUM;
  case UTF8PROC_CATEGORY_CC: case UTF8PROC_CATEGORY_CF:
  case UTF8PROC_CATEGORY_ZS: case UTF8PROC_CATEGORY_ZL:
  case UTF8PROC_CATEGORY_ZP:
    return CL_DROP;
  default:
    break;
  }
  /* Python's str.isspace() also accepts the bidi classes B, S and WS. */
  if (p->bidi_class == UTF8PROC_BIDI_CLASS_B ||
      p->bidi_class == UTF8PROC_BIDI_CLASS_S ||
      p->bidi_class == UTF8PROC_BIDI_CLASS_WS)
    return CL_DROP;
  return CL_OTHER;
}

/* Python's str.isdigit(): decimal digits and the few other code points
 * with Numeric_Type=Digit that NFKC leaves alone. */
static int is_digit(uint32_t c) {
  if (c >= '0' && c <= '9') return 1;
  if (c < 0x80) return 0;
  if ((c >= 0x1369 && c <= 0x1371) || c == 0x19DA ||
      (c >= 0x10A40 && c <= 0x10A43) || (c >= 0x10E60 && c <= 0x10E68) ||
      (c >= 0x11052 && c <= 0x1105A))
    return 1;
  return utf8proc_category((utf8proc_int32_t)c) == UTF8PROC_CATEGORY_ND;
}

/* ---- normalization tables ---------------------------------------------- */

#define MAXMAP 18 /* utf8proc's longest full decomposition is 18 */

/* The normalized form of every code point of the Basic Multilingual Plane
 * and whether a chunk may start at it, built a page of 256 code points at
 * a time on first use (so a short-lived process pays only for the pages
 * its text touches) and kept for the life of the process. */
typedef struct page {
  uint32_t *pool;     /* normalized forms, back to back */
  uint16_t off[256];  /* start of each code point's form in pool */
  uint8_t len[256];   /* its length in code points */
  uint8_t start[256]; /* 1 when a chunk may start at the code point */
} page;

static _Atomic(page *) pages[256];
static pthread_mutex_t pages_lock = PTHREAD_MUTEX_INITIALIZER;

/* Case folds cp into out; returns the count (at least 1). */
static size_t casefold(uint32_t cp, uint32_t *out, size_t cap) {
  int lbc = 0;
  utf8proc_ssize_t n = utf8proc_decompose_char(
      (utf8proc_int32_t)cp, (utf8proc_int32_t *)out, (utf8proc_ssize_t)cap,
      UTF8PROC_CASEFOLD, &lbc);
  if (n <= 0 || (size_t)n > cap) {
    out[0] = cp;
    return 1;
  }
  return (size_t)n;
}

static int is_second(uint32_t cp) {
  if ((cp >= 0x1161 && cp <= 0x1175) || (cp >= 0x11A8 && cp <= 0x11C2))
    return 1; /* Hangul vowels and trailing consonants compose backwards */
  const utf8proc_property_t *p = utf8proc_get_property((utf8proc_int32_t)cp);
  return p->comb_index != UINT16_MAX && p->comb_index >= 0x8000;
}

/* Whether a chunk may start at cp: its compatibility decomposition begins
 * with a starter that nothing before it can combine with. */
static int may_start(uint32_t cp) {
  utf8proc_int32_t d[MAXMAP + 4];
  int lbc = 0;
  utf8proc_ssize_t n =
      utf8proc_decompose_char((utf8proc_int32_t)cp, d, MAXMAP + 4,
                              UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT, &lbc);
  uint32_t first = n > 0 ? (uint32_t)d[0] : cp;
  if (utf8proc_get_property((utf8proc_int32_t)first)->combining_class != 0)
    return 0;
  return !is_second(first) && !is_second(cp);
}

/* NFKC then case folding of cps[0, n); returns the count written to out
 * (cap entries), or 0 when out is too small or memory runs out. */
static size_t normalize_slow(const uint32_t *cps, size_t n, uint32_t *out,
                             size_t cap) {
  char small[256] = {0};
  char *buf = n * 4 <= sizeof small ? small : bg_calloc(n + 1, 4);
  if (!buf) return 0;
  size_t blen = 0;
  for (size_t i = 0; i < n; i++) blen += bg_utf8_put(buf + blen, cps[i]);
  utf8proc_uint8_t *nf = NULL;
  utf8proc_ssize_t nlen = utf8proc_map(
      (const utf8proc_uint8_t *)buf, (utf8proc_ssize_t)blen, &nf,
      UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_STABLE);
  if (buf != small) free(buf);
  if (nlen < 0 || !nf) return 0;
  size_t w = 0, i = 0;
  while (i < (size_t)nlen) {
    uint32_t cp = bg_utf8_next((const char *)nf, (size_t)nlen, &i);
    uint32_t f[MAXMAP];
    size_t k = casefold(cp, f, MAXMAP);
    if (w + k > cap) {
      w = 0;
      break;
    }
    memcpy(out + w, f, k * sizeof *f);
    w += k;
  }
  free(nf);
  return w;
}

static page *build_page(unsigned pg) {
  page *p = bg_calloc(1, sizeof *p);
  size_t cap = 512, used = 0;
  if (!p || !(p->pool = bg_malloc(cap * sizeof *p->pool))) goto oom;
  for (uint32_t lo = 0; lo < 256; lo++) {
    uint32_t cp = pg << 8 | lo;
    uint32_t src = (cp >= 0xD800 && cp <= 0xDFFF) ? REPLACEMENT : cp;
    uint32_t out[MAXMAP * 3];
    size_t k;
    const utf8proc_property_t *pr =
        utf8proc_get_property((utf8proc_int32_t)src);
    /* Precomposed hangul decompose algorithmically and recompose to
     * themselves; they start with a leading consonant, a starter. */
    int plain = (pr->decomp_seqindex == UINT16_MAX &&
                 pr->casefold_seqindex == UINT16_MAX) ||
                (src >= 0xAC00 && src <= 0xD7A3);
    if (src < 0x80) {
      out[0] = (src >= 'A' && src <= 'Z') ? src + 32 : src;
      k = 1;
    } else if (plain) {
      /* No decomposition and no case folding: NFKC leaves it alone. */
      out[0] = src;
      k = 1;
    } else {
      k = normalize_slow(&src, 1, out, MAXMAP * 3);
      if (k == 0) goto oom;
    }
    if (used + k > cap) {
      size_t ncap = cap * 2;
      uint32_t *np = bg_realloc(p->pool, ncap * sizeof *np);
      if (!np) goto oom;
      p->pool = np, cap = ncap;
    }
    memcpy(p->pool + used, out, k * sizeof *out);
    p->off[lo] = (uint16_t)used;
    p->len[lo] = (uint8_t)k;
    p->start[lo] = (uint8_t)(src < 0x80 ? 1
                             : plain   ? pr->combining_class == 0 &&
                                           !is_second(src)
                                       : may_start(src));
    used += k;
  }
  return p;
oom:
  if (p) free(p->pool);
  free(p);
  return NULL;
}

/* The table page of cp (< 0x10000), or NULL when memory runs out. */
static const page *get_page(uint32_t cp) {
  unsigned pg = cp >> 8;
  page *p = atomic_load_explicit(&pages[pg], memory_order_acquire);
  if (p) return p;
  pthread_mutex_lock(&pages_lock);
  p = atomic_load_explicit(&pages[pg], memory_order_relaxed);
  if (!p && (p = build_page(pg)))
    atomic_store_explicit(&pages[pg], p, memory_order_release);
  pthread_mutex_unlock(&pages_lock);
  return p;
}

/* ---- tokenizer --------------------------------------------------------- */

void bg_units_init(bg_units *out) { memset(out, 0, sizeof *out); }

void bg_units_set_fold(bg_units *out, unsigned fold) { out->fold = fold; }

void bg_units_reset(bg_units *out) {
  if (!out) return;
  free(out->norm);
  free(out->u);
  free(out->cps);
  free(out->cs);
  free(out->ce);
  memset(out, 0, sizeof *out);
}

/* Makes room for `more` normalized code points in the scratch arrays. */
static int grow_cps(bg_units *o, size_t more) {
  if (o->ncp + more <= o->cpcap) return BG_OK;
  size_t cap = o->cpcap ? o->cpcap : 256;
  while (cap < o->ncp + more) cap *= 2;
  uint32_t *a = bg_realloc(o->cps, cap * sizeof *a);
  if (!a) return BG_ENOMEM;
  o->cps = a;
  a = bg_realloc(o->cs, cap * sizeof *a);
  if (!a) return BG_ENOMEM;
  o->cs = a;
  a = bg_realloc(o->ce, cap * sizeof *a);
  if (!a) return BG_ENOMEM;
  o->ce = a;
  o->cpcap = cap;
  return BG_OK;
}

/* Appends normalized code points m[0, k) that came from source code points
 * [cs, ce). */
static int emit(bg_units *o, const uint32_t *m, size_t k, uint32_t cs,
                uint32_t ce) {
  if (grow_cps(o, k) != BG_OK) return BG_ENOMEM;
  for (size_t i = 0; i < k; i++) {
    o->cps[o->ncp] = m[i];
    o->cs[o->ncp] = cs;
    o->ce[o->ncp] = ce;
    o->ncp++;
  }
  return BG_OK;
}

/* 1 when a chunk may start at cp, 0 when not, -1 out of memory. */
static int chunk_start(uint32_t cp) {
  if (cp < 0x10000) {
    const page *p = get_page(cp);
    return p ? p->start[cp & 0xFF] : -1;
  }
  return may_start(cp);
}

/* Normalizes source code points chunk[0, n) starting at source index cs. */
static int emit_chunk(bg_units *o, const uint32_t *chunk, size_t n,
                      uint32_t cs) {
  uint32_t ce = cs + (uint32_t)n;
  if (n == 1 && chunk[0] < 0x10000) {
    const page *p = get_page(chunk[0]);
    if (!p) return BG_ENOMEM;
    unsigned lo = chunk[0] & 0xFF;
    return emit(o, p->pool + p->off[lo], p->len[lo], cs, ce);
  }
  size_t cap = n * MAXMAP * 3;
  uint32_t small[MAXMAP * 3 * 4];
  uint32_t *out = cap <= sizeof small / sizeof *small ? small
                                                      : bg_malloc(cap * sizeof *out);
  if (!out) return BG_ENOMEM;
  size_t k = normalize_slow(chunk, n, out, cap);
  int rc;
  if (k == 0) /* utf8proc refused (out of memory): keep the text as is */
    rc = emit(o, chunk, n, cs, ce);
  else
    rc = emit(o, out, k, cs, ce);
  if (out != small) free(out);
  return rc;
}

static int put_unit(bg_units *o, size_t from, size_t to) {
  if (o->n == o->cap) {
    size_t cap = o->cap ? o->cap * 2 : 256;
    bg_unit *u = bg_realloc(o->u, cap * sizeof *u);
    if (!u) return BG_ENOMEM;
    o->u = u, o->cap = cap;
  }
  size_t need = o->norm_len + (to - from) * 4;
  if (need > o->norm_cap) {
    size_t cap = o->norm_cap ? o->norm_cap : 1024;
    while (cap < need) cap *= 2;
    char *b = bg_realloc(o->norm, cap);
    if (!b) return BG_ENOMEM;
    o->norm = b, o->norm_cap = cap;
  }
  bg_unit *u = &o->u[o->n++];
  u->off = (uint32_t)o->norm_len;
  for (size_t i = from; i < to; i++)
    o->norm_len += bg_utf8_put(o->norm + o->norm_len, o->cps[i]);
  u->len = (uint32_t)(o->norm_len - u->off);
  u->src_start = o->cs[from];
  u->src_end = o->ce[to - 1];
  return BG_OK;
}

/* Cuts the normalized code points into units. */
static int cut(bg_units *o) {
  size_t i = 0, n = o->ncp;
  const uint32_t *s = o->cps;
  while (i < n) {
    int cl = classify(s[i]);
    if (cl == CL_DROP) {
      i++;
      continue;
    }
    size_t j = i + 1;
    if (cl == CL_ALNUM) {
      while (j < n && (classify(s[j]) == CL_ALNUM ||
                       (s[j] == '.' && is_digit(s[j - 1]) && j + 1 < n &&
                        is_digit(s[j + 1]))))
        j++;
    }
    if (put_unit(o, i, j) != BG_OK) return BG_ENOMEM;
    i = j;
  }
  return BG_OK;
}

int bg_units_tokenize(bg_units *out, const char *s, size_t len) {
  out->n = 0;
  out->norm_len = 0;
  out->ncp = 0;
  uint32_t chunk[64];
  size_t nchunk = 0;
  uint32_t cstart = 0, ncps = 0;
  size_t i = 0;
  while (i < len) {
    uint32_t cp = bg_utf8_next(s, len, &i);
    int starts = chunk_start(cp);
    if (starts < 0) return BG_ENOMEM;
    if (nchunk > 0 && (starts || nchunk == sizeof chunk / sizeof *chunk)) {
      if (emit_chunk(out, chunk, nchunk, cstart) != BG_OK) return BG_ENOMEM;
      nchunk = 0;
    }
    if (nchunk == 0) cstart = ncps;
    chunk[nchunk++] = cp;
    ncps++;
  }
  if (nchunk > 0 && emit_chunk(out, chunk, nchunk, cstart) != BG_OK)
    return BG_ENOMEM;
  out->src_cps = ncps;
  /* After NFKC and case folding, whose output the table is made for. */
  if (out->fold & BG_FOLD_T2S) bg_t2s_fold(out->cps, out->ncp);
  return cut(out);
}

int bg_units_is_alnum(const bg_units *out, size_t i) {
  size_t k = 0;
  uint32_t cp = bg_utf8_next(bg_units_text(out, i), out->u[i].len, &k);
  return classify(cp) == CL_ALNUM;
}
