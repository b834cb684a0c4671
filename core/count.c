/*
 * count.c - occurrence counts by year, region or report (see count.h).
 *
 * Buckets come from a summary of every report in the index, or by year
 * from the index's year terms (so empty buckets show); counts come from a
 * scan of the query (search.h), which finds every occurrence exactly.
 */
#include "count.h"
#include "terms.h"
#include "util.h"
#include "xap.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct idmap {
  const char *id; /* borrowed from the summaries */
  size_t bucket;
} idmap;

typedef struct counter {
  bg_count_result *res;
  idmap *ids; /* reports by id, or: */
  size_t nids;
  int *years; /* the years of buckets 0, 1, ... ascending (year_buckets()) */
  size_t nyears, unknown; /* the bucket without a year, or SIZE_MAX */
} counter;

const char *bg_by_name(bg_by by) {
  switch (by) {
  case BG_BY_YEAR:
    return "year";
  case BG_BY_REGION:
    return "region";
  case BG_BY_REPORT:
    return "report";
  }
  return "year";
}

int bg_by_parse(const char *name) {
  if (!strcmp(name, "year")) return BG_BY_YEAR;
  if (!strcmp(name, "region")) return BG_BY_REGION;
  if (!strcmp(name, "report")) return BG_BY_REPORT;
  return -1;
}

void bg_count_free(bg_count_result *c) {
  if (!c) return;
  for (size_t i = 0; i < c->nbuckets; i++) free(c->buckets[i].key);
  free(c->buckets);
  free(c->query);
  free(c);
}

static int cmp_idmap(const void *a, const void *b) {
  return strcmp(((const idmap *)a)->id, ((const idmap *)b)->id);
}

/* The bucket key of a report. */
static void key_of(const bg_report_summary *m, bg_by by, char *buf,
                   size_t cap) {
  const char *s = NULL;
  switch (by) {
  case BG_BY_YEAR:
    if (m->year > 0) {
      snprintf(buf, cap, "%d", m->year);
      return;
    }
    break;
  case BG_BY_REGION:
    s = m->region;
    break;
  case BG_BY_REPORT:
    s = m->id;
    break;
  }
  snprintf(buf, cap, "%s", s && s[0] ? s : "unknown");
}

/* A report's bucket key and its place in the report list. */
typedef struct keyed {
  char *key;
  size_t i;
} keyed;

static int cmp_keyed(const void *a, const void *b) {
  const keyed *x = a, *y = b;
  int c = strcmp(x->key, y->key);
  if (c) return c;
  return x->i < y->i ? -1 : x->i > y->i;
}

/* Builds one bucket per distinct key, in the order the reports come (by
 * year, then id); maps every report id to its bucket.  O(n log n): a
 * count by report has a bucket per report. */
static int make_buckets(const bg_report_summary *reports, size_t n,
                        bg_by by, counter *C, bg_err *err) {
  bg_count_result *res = C->res;
  res->buckets = bg_calloc(n + 1, sizeof *res->buckets);
  C->ids = bg_calloc(n + 1, sizeof *C->ids);
  keyed *k = bg_calloc(n + 1, sizeof *k);
  size_t *group = bg_calloc(n + 1, sizeof *group); /* report → first */
  int rc = BG_OK;
  if (!res->buckets || !C->ids || !k || !group) {
    rc = bg_err_set(err, BG_ENOMEM, "out of memory");
    goto done;
  }
  char key[512];
  for (size_t i = 0; i < n; i++) {
    key_of(&reports[i], by, key, sizeof key);
    if (!(k[i].key = bg_strdup(key))) {
      rc = bg_err_set(err, BG_ENOMEM, "out of memory");
      goto done;
    }
    k[i].i = i;
  }
  qsort(k, n, sizeof *k, cmp_keyed);
  /* Each report's group is named by the first report with its key. */
  for (size_t j = 0; j < n; j++) {
    size_t first = j > 0 && !strcmp(k[j].key, k[j - 1].key)
                       ? group[k[j - 1].i]
                       : k[j].i;
    group[k[j].i] = first;
  }
  /* Buckets in order of first appearance; group[] becomes the bucket. */
  for (size_t i = 0; i < n; i++) {
    const bg_report_summary *m = &reports[i];
    size_t b;
    if (group[i] == i) {
      b = res->nbuckets++;
      key_of(m, by, key, sizeof key);
      if (!(res->buckets[b].key = bg_strdup(key))) {
        rc = bg_err_set(err, BG_ENOMEM, "out of memory");
        goto done;
      }
      group[i] = b;
    } else {
      b = group[group[i]];
      group[i] = b;
    }
    res->buckets[b].units += m->units;
    res->buckets[b].reports_total++;
    C->ids[C->nids].id = m->id;
    C->ids[C->nids++].bucket = b;
  }
  qsort(C->ids, C->nids, sizeof *C->ids, cmp_idmap);
done:
  if (k)
    for (size_t j = 0; j < n; j++) free(k[j].key);
  free(k);
  free(group);
  return rc;
}

static int cmp_int(const void *a, const void *b) {
  int x = *(const int *)a, y = *(const int *)b;
  return x < y ? -1 : x > y;
}

typedef struct years {
  int *v;
  uint32_t *nreports; /* reports of year v[i] */
  size_t n, cap, ncap;
  uint64_t reports;
} years;

static int on_year_term(void *ctx, const char *t, size_t len,
                        uint32_t termfreq) {
  years *Y = ctx;
  int year = bg_term_year(t, len);
  if (year <= 0) return BG_OK;
  if (bg_grow((void **)&Y->v, &Y->cap, Y->n + 1, sizeof *Y->v) ||
      bg_grow((void **)&Y->nreports, &Y->ncap, Y->n + 1, sizeof *Y->nreports))
    return BG_ENOMEM;
  Y->nreports[Y->n] = termfreq;
  Y->v[Y->n++] = year;
  Y->reports += termfreq;
  return BG_OK;
}

/* Buckets by year from the index's own terms (every report written by
 * format 4 or later): one per year term (BG_PREFIX_YEAR; its frequency is
 * the year's reports) with the collection frequency of the year's units
 * term, and "unknown" for the reports without a year.  No report list. */
static int year_buckets(bg_reader *r, counter *C, bg_err *err) {
  bg_xdb *db = bg_reader_db(r);
  bg_count_result *res = C->res;
  years Y = {0};
  int rc = bg_xdb_prefixed_terms(db, BG_PREFIX_YEAR, strlen(BG_PREFIX_YEAR),
                                 on_year_term, &Y, err);
  if (rc == BG_ENOMEM) bg_err_set(err, rc, "out of memory");
  uint32_t docs = bg_xdb_doccount(db);
  int unknown = docs > Y.reports;
  if (rc == BG_OK &&
      !(res->buckets = bg_calloc(Y.n + 2, sizeof *res->buckets)))
    rc = bg_err_set(err, BG_ENOMEM, "out of memory");
  if (rc != BG_OK) {
    free(Y.v);
    free(Y.nreports);
    return rc;
  }
  /* The terms come in byte order ("XY1999" < "XY2000" < "XY999"): sort
   * the years, each with its number of reports. */
  for (size_t i = 1; i < Y.n; i++)
    for (size_t j = i; j > 0 && Y.v[j - 1] > Y.v[j]; j--) {
      int y = Y.v[j];
      uint32_t k = Y.nreports[j];
      Y.v[j] = Y.v[j - 1], Y.nreports[j] = Y.nreports[j - 1];
      Y.v[j - 1] = y, Y.nreports[j - 1] = k;
    }
  uint64_t year_units = 0;
  char t[32];
  for (size_t i = 0; i < Y.n && rc == BG_OK; i++) {
    bg_bucket *b = &res->buckets[res->nbuckets];
    int tl = snprintf(t, sizeof t, "%s%d", BG_PREFIX_YEAR_UNITS, Y.v[i]);
    b->units = bg_xdb_collfreq(db, t, (size_t)tl);
    b->reports_total = Y.nreports[i];
    year_units += b->units;
    snprintf(t, sizeof t, "%d", Y.v[i]);
    if (!(b->key = bg_strdup(t)))
      rc = bg_err_set(err, BG_ENOMEM, "out of memory");
    else
      res->nbuckets++;
  }
  C->unknown = SIZE_MAX;
  if (rc == BG_OK && unknown) {
    bg_bucket *b = &res->buckets[res->nbuckets];
    uint64_t all = bg_xdb_collfreq(db, BG_TERM_UNITS, strlen(BG_TERM_UNITS));
    b->units = all > year_units ? all - year_units : 0;
    b->reports_total = docs - Y.reports;
    if (!(b->key = bg_strdup("unknown")))
      rc = bg_err_set(err, BG_ENOMEM, "out of memory");
    else
      C->unknown = res->nbuckets++;
  }
  C->years = Y.v;
  C->nyears = Y.n;
  free(Y.nreports);
  return rc;
}

/* The bucket of a report (SIZE_MAX: none, the index changed). */
static size_t bucket_of(const counter *C, const bg_scan_doc *d) {
  if (C->years) {
    if (d->year <= 0) return C->unknown;
    const int *y =
        bsearch(&d->year, C->years, C->nyears, sizeof *C->years, cmp_int);
    return y ? (size_t)(y - C->years) : SIZE_MAX;
  }
  idmap want = {d->id, 0};
  idmap *hit = bsearch(&want, C->ids, C->nids, sizeof *C->ids, cmp_idmap);
  return hit ? hit->bucket : SIZE_MAX;
}

static int on_doc(void *ctx, const bg_scan_doc *d) {
  counter *C = ctx;
  size_t bi = bucket_of(C, d);
  if (bi == SIZE_MAX) return BG_EMODIFIED; /* a report added since */
  bg_bucket *b = &C->res->buckets[bi];
  b->reports++;
  b->paragraphs += d->nparas;
  b->occurrences += d->nocc;
  if (d->year > 0 && (d->nocc > 0 || d->nparas > 0)) {
    if (C->res->first == 0 || d->year < C->res->first) C->res->first = d->year;
    if (d->year > C->res->last) C->res->last = d->year;
  }
  return BG_OK;
}

/* Years numerically with "unknown" last; other keys keep report order. */
static int cmp_year_bucket(const void *a, const void *b) {
  const bg_bucket *x = a, *y = b;
  int ux = !strcmp(x->key, "unknown"), uy = !strcmp(y->key, "unknown");
  if (ux != uy) return ux - uy;
  long kx = strtol(x->key, NULL, 10), ky = strtol(y->key, NULL, 10);
  return kx < ky ? -1 : kx > ky;
}

static int cmp_key_bucket(const void *a, const void *b) {
  const bg_bucket *x = a, *y = b;
  int ux = !strcmp(x->key, "unknown"), uy = !strcmp(y->key, "unknown");
  if (ux != uy) return ux - uy;
  return strcmp(x->key, y->key);
}

/* Keeps of reports[0, *n) those whose id is in kept[0, nkept) (sorted). */
static void keep_only(bg_report_summary *reports, size_t *n, char **kept,
                      size_t nkept) {
  size_t w = 0;
  for (size_t i = 0; i < *n; i++) {
    const char *id = reports[i].id;
    if (bsearch(&id, kept, nkept, sizeof *kept, bg_cmp_str)) {
      reports[w++] = reports[i];
    } else {
      free(reports[i].id);
      free(reports[i].region);
    }
  }
  *n = w;
}

int bg_count(bg_reader *r, const char *q, size_t len, bg_by by,
             double timeout_ms, bg_count_result **out, bg_err *err) {
  *out = NULL;
  double t0 = bg_now_ms();
  int rc = BG_OK;
  for (int attempt = 0; attempt < 3; attempt++) {
    bg_report_summary *reports = NULL;
    size_t nreports = 0;
    counter C = {0};
    C.res = bg_calloc(1, sizeof *C.res);
    if (!C.res || !(C.res->query = bg_malloc(len + 1))) {
      bg_count_free(C.res);
      return bg_err_set(err, BG_ENOMEM, "out of memory");
    }
    memcpy(C.res->query, q, len);
    C.res->query[len] = '\0';
    C.res->by = by;
    int all = 1;
    char **kept = NULL;
    size_t nkept = 0;
    rc = bg_query_kept(r, q, len, NULL, &all, &kept, &nkept, err);
    if (rc == BG_OK && all && by == BG_BY_YEAR && bg_reader_v4(r)) {
      rc = year_buckets(r, &C, err);
    } else if (rc == BG_OK) {
      rc = bg_reader_summaries(r, &reports, &nreports, err);
      if (rc == BG_OK && !all) keep_only(reports, &nreports, kept, nkept);
      if (rc == BG_OK) rc = make_buckets(reports, nreports, by, &C, err);
    }
    bg_ids_free(kept, nkept);
    if (rc == BG_OK)
      rc = bg_scan_counts(r, q, len, timeout_ms, on_doc, &C, err);
    free(C.ids);
    free(C.years);
    bg_summaries_free(reports, nreports);
    if (rc == BG_OK) {
      bg_count_result *res = C.res;
      if (by == BG_BY_YEAR)
        qsort(res->buckets, res->nbuckets, sizeof *res->buckets,
              cmp_year_bucket);
      else if (by == BG_BY_REGION)
        qsort(res->buckets, res->nbuckets, sizeof *res->buckets,
              cmp_key_bucket);
      for (size_t i = 0; i < res->nbuckets; i++) {
        bg_bucket *b = &res->buckets[i];
        b->per_10k = b->units ? round(b->occurrences * 1e4 / b->units * 100) /
                                    100
                              : 0;
      }
      res->took_ms = bg_now_ms() - t0;
      *out = res;
      return BG_OK;
    }
    bg_count_free(C.res);
    /* The index moved between the report list and the scan: again. */
    if (rc != BG_EMODIFIED || bg_reader_refresh(r, NULL, err) != BG_OK) break;
  }
  if (rc == BG_EMODIFIED)
    bg_err_set(err, rc, "the index kept changing during the count");
  return rc;
}
