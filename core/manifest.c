/*
 * manifest.c - report metadata given beside the files: manifest.tsv.
 *
 * The file is read whole and cut in place: every cell becomes a
 * NUL-terminated string inside one buffer the manifest owns, and the rows
 * are sorted by file name so that a lookup is a binary search.
 */
#include "manifest.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "encoding.h"
#include "util.h"

/* The largest manifest read: far beyond any folder of reports. */
#define MAX_BYTES ((size_t)64 << 20)

enum {
  COL_FILE,
  COL_YEAR,
  COL_REGION,
  COL_DATE,
  COL_SPEAKER,
  COL_TITLE,
  NCOLS
};

static const char *const columns[NCOLS] = {"file", "year",    "region",
                                           "date", "speaker", "title"};

typedef struct row {
  const char *file;
  int line;
  bg_report_meta meta;
} row;

struct bg_manifest {
  char *path;
  char *text; /* the file, cut into cells */
  row *rows;
  size_t n;
};

/* Drops a leading "./" (any number of them). */
static const char *plain(const char *path) {
  while (path[0] == '.' && path[1] == '/') {
    path += 2;
    while (*path == '/')
      path++;
  }
  return path;
}

/* Strips spaces at both ends of the cell s (in place); returns it. */
static char *trim(char *s) {
  while (*s == ' ')
    s++;
  size_t n = strlen(s);
  while (n && s[n - 1] == ' ')
    s[--n] = '\0';
  return s;
}

/* Reads a number of exactly digits digits at s (or 1 to digits when
 * exact is 0); returns it, or -1. */
static int number(const char *s, size_t len, int exact, int digits) {
  if (len == 0 || (int)len > digits || (exact && (int)len != digits)) return -1;
  int v = 0;
  for (size_t i = 0; i < len; i++) {
    if (s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

/* Returns 1 when s is YYYY, YYYY-MM or YYYY-MM-DD with a real month and a
 * day the month has. */
static int valid_date(const char *s) {
  static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  size_t n = strlen(s);
  int y = number(s, n < 4 ? n : 4, 1, 4);
  if (y < 1 || (n != 4 && n != 7 && n != 10)) return 0;
  if (n == 4) return 1;
  if (s[4] != '-') return 0;
  int m = number(s + 5, 2, 1, 2);
  if (m < 1 || m > 12) return 0;
  if (n == 7) return 1;
  if (s[7] != '-') return 0;
  int d = number(s + 8, 2, 1, 2);
  if (d < 1 || d > days[m - 1]) return 0;
  if (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
    return 0;
  return 1;
}

static int by_file(const void *a, const void *b) {
  return strcmp(((const row *)a)->file, ((const row *)b)->file);
}

/* Reads the whole of path into a NUL-terminated buffer. */
static int slurp(const char *path, char **data, size_t *len, bg_err *err) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    if (errno == ENOENT) return BG_ENOTFOUND;
    return bg_err_set(err, BG_EIO, "%s: %s", path, strerror(errno));
  }
  char *buf = NULL;
  size_t cap = 0, used = 0;
  int rc = BG_OK;
  for (;;) {
    if (used + 4096 + 1 > cap) {
      size_t ncap = cap ? cap * 2 : 65536;
      char *nb = ncap <= MAX_BYTES * 2 ? bg_realloc(buf, ncap) : NULL;
      if (!nb) {
        rc = bg_err_set(err, BG_ENOMEM, NULL);
        break;
      }
      buf = nb;
      cap = ncap;
    }
    size_t got = fread(buf + used, 1, cap - used - 1, f);
    used += got;
    if (used > MAX_BYTES) {
      rc = bg_err_set(err, BG_EFORMAT, "%s: too large (over 64 MiB)", path);
      break;
    }
    if (got == 0) break;
  }
  if (rc == BG_OK && ferror(f))
    rc = bg_err_set(err, BG_EIO, "%s: %s", path, strerror(errno));
  fclose(f);
  if (rc) {
    free(buf);
    return rc;
  }
  *data = buf;
  *len = used;
  return BG_OK;
}

/* Cuts the text of m into rows; the text is valid UTF-8. */
static int parse(bg_manifest *m, bg_err *err) {
  int col_of[64]; /* the field each cell of a row is, -1: ignored */
  int ncells = 0, line = 0, have_header = 0, have[NCOLS] = {0};
  size_t cap = 0;
  char *s = m->text;
  while (*s) {
    char *e = s;
    while (*e && *e != '\n' && *e != '\r')
      e++;
    char *next = e;
    if (*next == '\r' && next[1] == '\n')
      next += 2;
    else if (*next)
      next++;
    *e = '\0';
    line++;
    char *l = s;
    s = next;
    if (l[0] == '#' || trim(l)[0] == '\0') continue;
    /* The cells of the line, cut at tabs. */
    char *cells[64];
    int n = 0;
    for (char *c = l;; n++) {
      char *tab = strchr(c, '\t');
      if (n < 64) cells[n] = c;
      if (!tab) {
        n++;
        break;
      }
      *tab = '\0';
      c = tab + 1;
    }
    if (n > 64) n = 64;
    for (int i = 0; i < n; i++)
      cells[i] = trim(cells[i]);
    if (!have_header) {
      if (strcmp(cells[0], "file") != 0)
        return bg_err_set(err, BG_EFORMAT,
                          "%s:%d: the first column must be 'file' (then any "
                          "of year, region, date, speaker, title)",
                          m->path, line);
      for (int i = 0; i < n; i++) {
        col_of[i] = -1;
        for (int k = 0; k < NCOLS; k++)
          if (strcmp(cells[i], columns[k]) == 0) col_of[i] = k;
        if (col_of[i] >= 0 && have[col_of[i]]++)
          return bg_err_set(err, BG_EFORMAT, "%s:%d: column '%s' appears twice",
                            m->path, line, cells[i]);
      }
      ncells = n;
      have_header = 1;
      continue;
    }
    if (m->n == cap) {
      size_t ncap = cap ? cap * 2 : 64;
      row *nr = bg_realloc(m->rows, ncap * sizeof *nr);
      if (!nr) return bg_err_set(err, BG_ENOMEM, NULL);
      m->rows = nr;
      cap = ncap;
    }
    row *r = &m->rows[m->n];
    memset(r, 0, sizeof *r);
    r->line = line;
    for (int i = 0; i < n && i < ncells; i++) {
      const char *v = cells[i];
      switch (col_of[i]) {
      case COL_FILE:
        r->file = plain(v);
        break;
      case COL_YEAR:
        if (*v && ((r->meta.year = number(v, strlen(v), 0, 4)) < 1))
          return bg_err_set(err, BG_EFORMAT, "%s:%d: year '%s' is not a year",
                            m->path, line, v);
        break;
      case COL_DATE:
        if (*v && !valid_date(v))
          return bg_err_set(err, BG_EFORMAT,
                            "%s:%d: date '%s' is not a date (YYYY-MM-DD, "
                            "YYYY-MM or YYYY)",
                            m->path, line, v);
        if (*v) r->meta.date = v;
        break;
      case COL_REGION:
        if (*v) r->meta.region = v;
        break;
      case COL_SPEAKER:
        if (*v) r->meta.speaker = v;
        break;
      case COL_TITLE:
        if (*v) r->meta.title = v;
        break;
      default:
        break;
      }
    }
    if (!r->file || !r->file[0])
      return bg_err_set(err, BG_EFORMAT, "%s:%d: no file named", m->path, line);
    m->n++;
  }
  if (!have_header)
    return bg_err_set(err, BG_EFORMAT,
                      "%s: empty (the first row names the columns: file, "
                      "then any of year, region, date, speaker, title)",
                      m->path);
  if (m->n) qsort(m->rows, m->n, sizeof *m->rows, by_file);
  for (size_t i = 1; i < m->n; i++) {
    if (strcmp(m->rows[i - 1].file, m->rows[i].file) != 0) continue;
    const row *a = &m->rows[i - 1], *b = &m->rows[i];
    if (a->line > b->line) {
      const row *t = a;
      a = b;
      b = t;
    }
    return bg_err_set(err, BG_EFORMAT,
                      "%s:%d: '%s' is listed twice (first on line %d)", m->path,
                      b->line, b->file, a->line);
  }
  return BG_OK;
}

int bg_manifest_load(const char *dir, bg_manifest **out, bg_err *err) {
  char *raw = NULL;
  size_t raw_len = 0;
  *out = NULL;
  bg_manifest *m = bg_calloc(1, sizeof *m);
  if (!m) return bg_err_set(err, BG_ENOMEM, NULL);
  size_t n = strlen(dir) + strlen(BG_MANIFEST_NAME) + 2;
  if (!(m->path = bg_malloc(n))) {
    free(m);
    return bg_err_set(err, BG_ENOMEM, NULL);
  }
  snprintf(m->path, n, "%s/%s", dir, BG_MANIFEST_NAME);
  int rc = slurp(m->path, &raw, &raw_len, err);
  if (rc == BG_ENOTFOUND) { /* no manifest: nothing to say */
    bg_manifest_free(m);
    return BG_OK;
  }
  size_t len = 0;
  if (rc == BG_OK) {
    rc = bg_encoding_to_utf8(raw, raw_len, "UTF-8", &m->text, &len, NULL, err);
    if (rc) bg_err_prefix(err, "%s", m->path);
  }
  free(raw);
  if (rc == BG_OK && memchr(m->text, '\0', len))
    rc = bg_err_set(err, BG_EFORMAT, "%s: a NUL byte is no text", m->path);
  if (rc == BG_OK) rc = parse(m, err);
  if (rc) {
    bg_manifest_free(m);
    return rc;
  }
  *out = m;
  return BG_OK;
}

const bg_report_meta *bg_manifest_find(const bg_manifest *m, const char *path) {
  if (!m || !path) return NULL;
  row key = {plain(path), 0, {0, NULL, NULL, NULL, NULL}};
  const row *r =
      m->n ? bsearch(&key, m->rows, m->n, sizeof *m->rows, by_file) : NULL;
  return r ? &r->meta : NULL;
}

const char *bg_manifest_path(const bg_manifest *m) {
  return m ? m->path : "";
}

char *bg_manifest_row_string(const bg_report_meta *row) {
  char year[16] = "";
  if (row->year) snprintf(year, sizeof year, "%d", row->year);
  const char *names[] = {"year", "region", "date", "speaker", "title"};
  const char *vals[] = {row->year ? year : NULL, row->region, row->date,
                        row->speaker, row->title};
  size_t n = 1;
  for (int k = 0; k < 5; k++)
    if (vals[k]) n += strlen(names[k]) + strlen(vals[k]) + 2;
  char *s = bg_malloc(n);
  if (!s) return NULL;
  size_t used = 0;
  s[0] = '\0';
  for (int k = 0; k < 5; k++)
    if (vals[k])
      used += (size_t)snprintf(s + used, n - used, "%s%s=%s", used ? "\t" : "",
                               names[k], vals[k]);
  return s;
}

void bg_manifest_free(bg_manifest *m) {
  if (!m) return;
  free(m->path);
  free(m->text);
  free(m->rows);
  free(m);
}
