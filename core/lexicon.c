/*
 * lexicon.c - Chinese words from friso-dict's word lists (see lexicon.h).
 *
 * Each list is a text file of lines "word/synonyms..." (or "word"); lines
 * starting with '#' are comments.  Words of 2 to BG_LEXICON_MAX_UNITS
 * code points are kept in one open-addressing table of offsets into one
 * buffer.
 */
#include "lexicon.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "terms.h"
#include "units.h"
#include "util.h"

struct bg_lexicon {
  char *buf; /* the words, each NUL-terminated */
  size_t len, cap;
  uint32_t *slot; /* offset + 1 of a word in buf, 0: empty */
  size_t nslots, n;
};

/* The lists read: common words, places, institutions, nations. */
static const char *const lists[] = {"lex-main.lex", "lex-cn-place.lex",
                                    "lex-admin.lex", "lex-org.lex",
                                    "lex-nation.lex"};

static uint64_t hash(const char *s, size_t len) {
  return bg_fnv1a(BG_FNV_INIT, s, len);
}

int bg_lexicon_has(const bg_lexicon *lex, const char *s, size_t len) {
  if (!lex || lex->nslots == 0) return 0;
  size_t i = (size_t)hash(s, len) & (lex->nslots - 1);
  while (lex->slot[i]) {
    const char *w = lex->buf + lex->slot[i] - 1;
    if (!memcmp(w, s, len) && w[len] == '\0') return 1;
    i = (i + 1) & (lex->nslots - 1);
  }
  return 0;
}

static int insert(bg_lexicon *lex, const char *s, size_t len) {
  if (bg_lexicon_has(lex, s, len)) return 0;
  if (bg_grow((void **)&lex->buf, &lex->cap, lex->len + len + 1, 1)) return -1;
  memcpy(lex->buf + lex->len, s, len);
  lex->buf[lex->len + len] = '\0';
  size_t i = (size_t)hash(s, len) & (lex->nslots - 1);
  while (lex->slot[i]) i = (i + 1) & (lex->nslots - 1);
  lex->slot[i] = (uint32_t)(lex->len + 1);
  lex->len += len + 1;
  lex->n++;
  return 0;
}

/* Reads one list into lex; -1 when out of memory, 0 otherwise (a missing
 * list is skipped). */
static int read_list(bg_lexicon *lex, const char *dir, const char *name) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "r");
  if (!f) return 0;
  char line[512];
  int rc = 0;
  while (rc == 0 && fgets(line, sizeof line, f)) {
    if (line[0] == '#') continue;
    size_t len = strcspn(line, "/\r\n \t");
    if (!bg_utf8_valid(line, len, NULL)) continue;
    size_t cps = bg_utf8_cps(line, len);
    if (cps < 2 || cps > BG_LEXICON_MAX_UNITS) continue;
    /* Keep the table at most half full. */
    if (2 * (lex->n + 1) > lex->nslots) {
      size_t ns = lex->nslots ? lex->nslots * 2 : 1 << 18;
      uint32_t *old = lex->slot;
      size_t on = lex->nslots;
      if (!(lex->slot = bg_calloc(ns, sizeof *lex->slot))) {
        lex->slot = old;
        rc = -1;
        break;
      }
      lex->nslots = ns;
      for (size_t i = 0; i < on; i++) {
        if (!old[i]) continue;
        const char *w = lex->buf + old[i] - 1;
        size_t j = (size_t)hash(w, strlen(w)) & (ns - 1);
        while (lex->slot[j]) j = (j + 1) & (ns - 1);
        lex->slot[j] = old[i];
      }
      free(old);
    }
    if (insert(lex, line, len) != 0) rc = -1;
  }
  fclose(f);
  return rc;
}

static bg_lexicon *the_lexicon;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void load(void) {
  const char *dir = getenv("BAOGAO_LEXICON_DIR");
  if (!dir || !*dir) dir = BG_LEXICON_DIR;
  bg_lexicon *lex = bg_calloc(1, sizeof *lex);
  if (!lex) return;
  int rc = 0;
  for (size_t i = 0; i < sizeof lists / sizeof lists[0] && rc == 0; i++)
    rc = read_list(lex, dir, lists[i]);
  if (rc != 0 || lex->n == 0) {
    free(lex->buf);
    free(lex->slot);
    free(lex);
    return;
  }
  the_lexicon = lex;
}

const bg_lexicon *bg_lexicon_get(void) {
  pthread_once(&once, load);
  return the_lexicon;
}

size_t bg_lexicon_size(const bg_lexicon *lex) { return lex ? lex->n : 0; }

int bg_lexicon_function_char(uint32_t cp) {
  /* Particles, conjunctions, prepositions and copulas of report prose. */
  static const char chars[] =
      "的了和与及或之也是在对为把被将从向以于而并且等其着过就都又还再所给让";
  size_t i = 0, n = sizeof chars - 1;
  while (i < n)
    if (bg_utf8_next(chars, n, &i) == cp) return 1;
  return 0;
}
