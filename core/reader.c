/*
 * reader.c - reading an index (see reader.h): the folder layout, opening
 * and refreshing, the report list and summaries, each report's stored
 * form, statistics.
 */
#include "reader.h"
#include "util.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "terms.h"
#include "units.h"

/* ---- the folder layout ---- */

static const char *const part_names[] = {"XAPIANDB", "live", "lock",
                                         "SHARDS", "db-", "shard-"};

char *bg_reader_part(const char *dir, bg_part part, unsigned n) {
  char name[32];
  if (part == BG_PART_DB)
    snprintf(name, sizeof name, "db-%u", n);
  else if (part == BG_PART_SHARD)
    snprintf(name, sizeof name, "shard-%02u", n);
  else
    snprintf(name, sizeof name, "%s", part_names[part]);
  if (!dir) return bg_strdup(name);
  size_t size = strlen(dir) + strlen(name) + 2;
  char *p = bg_malloc(size);
  if (p) snprintf(p, size, "%s/%s", dir, name);
  return p;
}

int bg_reader_stub_line(char *line, size_t size, bg_part part, unsigned n) {
  return part == BG_PART_SHARD ? snprintf(line, size, "auto shard-%02u\n", n)
                               : snprintf(line, size, "auto db-%u\n", n);
}

int bg_reader_stub_gen(const char *line, unsigned *gen) {
  return sscanf(line, "auto db-%u", gen) == 1;
}

int bg_reader_db_gen(const char *name, unsigned *gen) {
  char extra;
  return sscanf(name, "db-%u%c", gen, &extra) == 1;
}

/* ---- the reader ---- */

struct bg_reader {
  char *dir;
  bg_xdb *db;
  unsigned fold; /* the index's folds (BG_FOLD_*), applied to queries */
  json_t *reports; /* bg_reader_reports() of the open revision, or NULL */
  /* identity of the stubs when db was opened: a compaction replaces one */
  uint64_t stub_id;
  char *note; /* bg_reader_note(), or NULL */
};

/* Folds the identity (device, inode, modification time) of file path
 * into h; 0 when there is no such file. */
static int fold_identity(uint64_t *h, const char *path) {
  struct stat st;
  if (stat(path, &st) != 0) memset(&st, 0, sizeof st);
  uint64_t v[5] = {(uint64_t)st.st_dev, (uint64_t)st.st_ino,
                   (uint64_t)st.st_mtim.tv_sec, (uint64_t)st.st_mtim.tv_nsec,
                   (uint64_t)st.st_size};
  for (size_t i = 0; i < 5; i++)
    *h = (*h ^ v[i]) * 1099511628211ULL;
  return st.st_ino != 0;
}

/* The identity of the stubs that name the databases of index dir: its
 * XAPIANDB and, for a sharded index, each shard's (a compaction of one
 * shard replaces that one). */
static uint64_t stub_identity(const char *dir) {
  char path[4096];
  uint64_t h = 14695981039346656037ULL;
  snprintf(path, sizeof path, "%s/XAPIANDB", dir);
  fold_identity(&h, path);
  for (int k = 0; k < 256; k++) {
    snprintf(path, sizeof path, "%s/shard-%02d/XAPIANDB", dir, k);
    if (!fold_identity(&h, path)) break;
  }
  return h;
}

/* ---- the reader ---- */

/* The folds of the index db: those of its reports, which carry a marker
 * term for each (terms travel through combined and remote shards, user
 * metadata does not).  Shards built with different folds cannot be
 * searched exactly together. */
static int read_fold(bg_xdb *db, const char *dir, unsigned *fold,
                     bg_err *err) {
  uint32_t n = bg_xdb_doccount(db);
  uint32_t t2s = bg_xdb_termfreq(db, BG_TERM_T2S, strlen(BG_TERM_T2S));
  *fold = t2s ? BG_FOLD_T2S : BG_FOLD_NONE;
  if (t2s && t2s != n)
    return bg_err_set(err, BG_EINVAL,
                      "index %s combines %u reports folded Traditional to "
                      "Simplified (baogao-index --t2s) with %u reports that "
                      "are not: search them as separate indexes",
                      dir, t2s, n - t2s);
  return BG_OK;
}

/* ---- what an index path holds ---- */

/* The first folder among dir/live and each shard's live link: the link to
 * the live database became a folder when the index was copied by a tool
 * that follows links (cp -rL, scp -r).  0 when none is. */
static int live_folder(const char *dir, char *path, size_t size) {
  struct stat st;
  snprintf(path, size, "%s/live", dir);
  if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode)) return 1;
  for (int k = 0; k < 256; k++) {
    snprintf(path, size, "%s/shard-%02d/live", dir, k);
    if (lstat(path, &st) != 0) break;
    if (S_ISDIR(st.st_mode)) return 1;
  }
  return 0;
}

#define COPY_HOW                                                            \
  "copy an index with cp -a or rsync -a, which keep the link"

/* Why dir, which Xapian cannot open, is no index (the error set). */
static int not_opened(const char *dir, bg_err *err) {
  struct stat st;
  char live[4200];
  if (stat(dir, &st) == 0 && S_ISREG(st.st_mode))
    return bg_err_set(err, BG_ENOINDEX,
                      "not a baogao index: %s is a file, not an index "
                      "folder or a Xapian stub file naming one",
                      dir);
  if (live_folder(dir, live, sizeof live))
    return bg_err_set(err, BG_ENOINDEX,
                      "no index at %s: %s is a folder, not a link, and the "
                      "stub XAPIANDB names no database that opens: the index "
                      "was copied following links; " COPY_HOW,
                      dir, live);
  return bg_err_set(err, BG_ENOINDEX,
                    "no index at %s (build one with: baogao-index --index %s "
                    "FILES...)",
                    dir, dir);
}

/* Refuses what Xapian opens but baogao cannot read: a stub naming no
 * database (an empty file, say), which Xapian opens as an empty database
 * that throws at the first search, and a Xapian database of reports
 * without baogao's statistics terms.  Notes a copy whose live link became
 * a folder: its stub is intact, so it is read as the stub says. */
static int check_opened(bg_reader *r, bg_err *err) {
  struct stat st;
  if (bg_xdb_ndatabases(r->db) == 0)
    return stat(r->dir, &st) == 0 && S_ISREG(st.st_mode)
               ? not_opened(r->dir, err)
               : bg_err_set(err, BG_ENOINDEX,
                            "not a baogao index: %s/XAPIANDB names no "
                            "database",
                            r->dir);
  if (bg_xdb_doccount(r->db) > 0 &&
      bg_xdb_termfreq(r->db, BG_TERM_PARAS, strlen(BG_TERM_PARAS)) == 0)
    return bg_err_set(err, BG_ENOINDEX,
                      "not a baogao index: %s is a Xapian database without "
                      "baogao's terms",
                      r->dir);
  char live[4200], note[4600];
  if (live_folder(r->dir, live, sizeof live)) {
    snprintf(note, sizeof note,
             "%s is a folder, not a link: this index was copied following "
             "links; it is read as its stub XAPIANDB says, but baogao-index "
             "will not write it (" COPY_HOW ")",
             live);
    if (!(r->note = bg_strdup(note)))
      return bg_err_set(err, BG_ENOMEM, "out of memory");
  }
  return BG_OK;
}

const char *bg_reader_note(const bg_reader *r) { return r->note; }

int bg_reader_open(bg_reader **out, const char *dir, bg_err *err) {
  *out = NULL;
  bg_reader *r = bg_calloc(1, sizeof *r);
  if (!r || !(r->dir = bg_strdup(dir))) {
    free(r);
    return bg_err_set(err, BG_ENOMEM, "out of memory");
  }
  r->stub_id = stub_identity(dir);
  int rc = bg_xdb_open(&r->db, dir, err);
  if (rc != BG_OK) {
    not_opened(dir, err);
    bg_reader_close(r);
    return BG_ENOINDEX;
  }
  if ((rc = check_opened(r, err)) != BG_OK) {
    bg_reader_close(r);
    return rc;
  }
  if ((rc = read_fold(r->db, dir, &r->fold, err)) != BG_OK) {
    bg_reader_close(r);
    return rc;
  }
  *out = r;
  return BG_OK;
}

void bg_reader_close(bg_reader *r) {
  if (!r) return;
  json_decref(r->reports);
  bg_xdb_free(r->db);
  free(r->dir);
  free(r->note);
  free(r);
}

/* Drops the report list read from an earlier revision. */
static void forget_reports(bg_reader *r) {
  json_decref(r->reports);
  r->reports = NULL;
}

int bg_reader_refresh(bg_reader *r, int *changed, bg_err *err) {
  if (changed) *changed = 0;
  uint64_t id = stub_identity(r->dir);
  int same_stub = id == r->stub_id;
  if (same_stub) {
    /* Same database: Xapian's reopen() picks up new commits cheaply. */
    int moved = 0;
    int rc = bg_xdb_reopen(r->db, &moved, err);
    if (rc == BG_OK) {
      if (changed) *changed = moved;
      if (moved) forget_reports(r);
      return moved ? read_fold(r->db, r->dir, &r->fold, err) : BG_OK;
    }
  }
  /* After a compaction the stub names another database: open afresh. */
  bg_xdb *fresh = NULL;
  int rc = bg_xdb_open(&fresh, r->dir, err);
  if (rc != BG_OK) return rc;
  unsigned fold;
  if ((rc = read_fold(fresh, r->dir, &fold, err)) != BG_OK) {
    bg_xdb_free(fresh);
    return rc;
  }
  r->fold = fold;
  if (changed) *changed = 1;
  forget_reports(r);
  bg_xdb_free(r->db);
  r->db = fresh;
  r->stub_id = id;
  return BG_OK;
}

uint64_t bg_reader_revision(bg_reader *r) { return bg_xdb_revision(r->db); }

uint64_t bg_reader_signature(bg_reader *r) {
  /* Xapian has one revision for a single database only; a compaction or
   * a replica's full copy makes a new database behind a new stub. */
  uint64_t rev = bg_xdb_revision(r->db);
  if (rev == 0) return 0;
  uint64_t h = (r->stub_id ^ rev) * 1099511628211ULL;
  return h ? h : 1;
}

uint32_t bg_reader_doccount(bg_reader *r) { return bg_xdb_doccount(r->db); }

void bg_reader_totals(bg_reader *r, uint64_t *paragraphs, uint64_t *units) {
  *paragraphs = bg_xdb_collfreq(r->db, BG_TERM_PARAS, strlen(BG_TERM_PARAS));
  *units = bg_xdb_collfreq(r->db, BG_TERM_UNITS, strlen(BG_TERM_UNITS));
}

unsigned bg_reader_fold(const bg_reader *r) { return r->fold; }

struct bg_xdb *bg_reader_db(bg_reader *r) { return r->db; }

void bg_doc_text_free(bg_doc_text *t) {
  if (!t) return;
  for (size_t i = 0; i < t->npara; i++) free(t->para[i]);
  free(t->para);
  free(t->len);
  free(t->level);
  free(t->id);
  free(t->region);
  json_decref(t->meta);
  free(t);
}

int bg_reader_load_report(bg_reader *r, const char *id, bg_doc_text **out,
                          bg_err *err) {
  *out = NULL;
  char t[BG_TERM_MAX];
  size_t tl = bg_term_prefixed(BG_PREFIX_ID, id, strlen(id), t, sizeof t);
  if (!tl) return bg_err_set(err, BG_ENOTFOUND, "no report '%s'", id);
  uint32_t did = 0;
  int rc = bg_xdb_find(r->db, t, tl, &did, err);
  if (rc != BG_OK) return rc;
  if (!did)
    return bg_err_set(err, BG_ENOTFOUND,
                      "no report '%s' in the index (baogao reports lists them)",
                      id);
  bg_docdata *d = NULL;
  if ((rc = bg_docdata_load(r->db, did, &d, err)) != BG_OK) return rc;
  bg_doc_text *x = bg_calloc(1, sizeof *x);
  size_t n = bg_docdata_npara(d);
  json_t *m = bg_docdata_meta(d);
  if (!x || !(x->para = bg_calloc(n + 1, sizeof *x->para)) ||
      !(x->len = bg_calloc(n + 1, sizeof *x->len)) ||
      !(x->level = bg_calloc(n + 1, sizeof *x->level)) ||
      !(x->id = bg_strdup(id))) {
    rc = bg_err_set(err, BG_ENOMEM, "out of memory");
    goto fail;
  }
  const char *reg = json_string_value(json_object_get(m, "region"));
  x->region = bg_strdup(reg ? reg : "");
  x->year = (int)json_integer_value(json_object_get(m, "year"));
  x->meta = json_incref(m);
  if (!x->region) {
    rc = bg_err_set(err, BG_ENOMEM, "out of memory");
    goto fail;
  }
  for (size_t i = 0; i < n; i++) {
    const char *p;
    size_t len;
    if ((rc = bg_docdata_para(d, i, &p, &len, err)) != BG_OK) goto fail;
    if (!(x->para[i] = bg_strndup(p, len))) {
      rc = bg_err_set(err, BG_ENOMEM, "out of memory");
      goto fail;
    }
    x->len[i] = len;
    x->level[i] = bg_docdata_level(d, i);
    x->npara++;
  }
  bg_docdata_free(d);
  *out = x;
  return BG_OK;
fail:
  bg_docdata_free(d);
  bg_doc_text_free(x);
  return rc;
}

static int cmp_report(const void *a, const void *b) {
  json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
  json_int_t ya = json_integer_value(json_object_get(x, "year"));
  json_int_t yb = json_integer_value(json_object_get(y, "year"));
  if (ya != yb) return ya < yb ? -1 : 1;
  return strcmp(json_string_value(json_object_get(x, "id")),
                json_string_value(json_object_get(y, "id")));
}

int bg_reader_reports(bg_reader *r, json_t **out, bg_err *err) {
  *out = NULL;
  /* A reader sees one revision until it is refreshed: the list is read
   * once per revision (every report's stored data, inflated and parsed). */
  if (r->reports) {
    *out = json_incref(r->reports);
    return BG_OK;
  }
  uint32_t *ids;
  size_t n;
  int rc = bg_xdb_all_docs(r->db, &ids, &n, err);
  if (rc != BG_OK) return rc;
  json_t **items = bg_calloc(n + 1, sizeof *items);
  size_t k = 0;
  if (!items) {
    free(ids);
    return bg_err_set(err, BG_ENOMEM, "out of memory");
  }
  for (size_t i = 0; i < n && rc == BG_OK; i++) {
    bg_docdata *d = NULL;
    if ((rc = bg_docdata_load(r->db, ids[i], &d, err)) != BG_OK) break;
    json_t *m = bg_docdata_meta(d);
    /* An unknown year is null, as in hits (stored as 0). */
    if (json_integer_value(json_object_get(m, "year")) <= 0 &&
        json_object_set_new(m, "year", json_null()) != 0)
      rc = bg_err_set(err, BG_ENOMEM, "out of memory");
    items[k++] = json_incref(m);
    bg_docdata_free(d);
  }
  if (rc == BG_OK) {
    qsort(items, k, sizeof *items, cmp_report);
    json_t *arr = json_array();
    for (size_t i = 0; i < k && arr; i++)
      if (json_array_append(arr, items[i]) != 0) {
        json_decref(arr);
        arr = NULL;
      }
    if (!arr) {
      rc = bg_err_set(err, BG_ENOMEM, "out of memory");
    } else {
      r->reports = json_incref(arr);
      *out = arr;
    }
  }
  for (size_t i = 0; i < k; i++) json_decref(items[i]);
  free(items);
  free(ids);
  return rc;
}

void bg_summaries_free(bg_report_summary *s, size_t n) {
  if (!s) return;
  for (size_t i = 0; i < n; i++) {
    free(s[i].id);
    free(s[i].region);
  }
  free(s);
}

static int cmp_summary(const void *a, const void *b) {
  const bg_report_summary *x = a, *y = b;
  if (x->year != y->year) return x->year < y->year ? -1 : 1;
  return strcmp(x->id, y->id);
}

/* The summaries from the report list (already read, or old indexes
 * without the summary slot). */
static int summaries_from_reports(bg_reader *r, bg_report_summary **out,
                                  size_t *n, bg_err *err) {
  json_t *reports = NULL;
  int rc = bg_reader_reports(r, &reports, err);
  if (rc != BG_OK) return rc;
  size_t k = json_array_size(reports);
  bg_report_summary *s = bg_calloc(k + 1, sizeof *s);
  if (!s) rc = bg_err_set(err, BG_ENOMEM, "out of memory");
  for (size_t i = 0; i < k && rc == BG_OK; i++) {
    json_t *m = json_array_get(reports, i);
    const char *id = json_string_value(json_object_get(m, "id"));
    const char *reg = json_string_value(json_object_get(m, "region"));
    s[i].year = (int)json_integer_value(json_object_get(m, "year"));
    s[i].units = (uint64_t)json_integer_value(json_object_get(m, "units"));
    s[i].id = bg_strdup(id ? id : "");
    s[i].region = bg_strdup(reg ? reg : "");
    if (!s[i].id || !s[i].region)
      rc = bg_err_set(err, BG_ENOMEM, "out of memory");
  }
  json_decref(reports);
  if (rc != BG_OK) {
    bg_summaries_free(s, k);
    return rc;
  }
  *out = s;
  *n = k;
  return BG_OK;
}

int bg_reader_summaries(bg_reader *r, bg_report_summary **out, size_t *n,
                        bg_err *err) {
  *out = NULL;
  *n = 0;
  if (r->reports) return summaries_from_reports(r, out, n, err);
  uint32_t *ids = NULL;
  size_t nids = 0;
  int rc = bg_xdb_all_docs(r->db, &ids, &nids, err);
  if (rc != BG_OK) return rc;
  bg_report_summary *s = bg_calloc(nids + 1, sizeof *s);
  bg_xvals *vy = NULL, *vi = NULL, *vs = NULL;
  size_t k = 0;
  int complete = 1;
  if (!s) rc = bg_err_set(err, BG_ENOMEM, "out of memory");
  if (rc == BG_OK) rc = bg_xvals_open(r->db, BG_SLOT_YEAR, &vy, err);
  if (rc == BG_OK) rc = bg_xvals_open(r->db, BG_SLOT_ID, &vi, err);
  if (rc == BG_OK) rc = bg_xvals_open(r->db, BG_SLOT_SUMMARY, &vs, err);
  for (size_t i = 0; i < nids && rc == BG_OK && complete; i++) {
    const char *v;
    size_t vl;
    if ((rc = bg_xvals_get(vs, ids[i], &v, &vl, err)) != BG_OK) break;
    const char *tab = vl ? memchr(v, '\t', vl) : NULL;
    if (!tab) {
      complete = 0; /* written before the slot existed */
      break;
    }
    bg_report_summary *x = &s[k++];
    x->units = strtoull(v, NULL, 10);
    x->region = bg_strndup(tab + 1, vl - (size_t)(tab + 1 - v));
    if ((rc = bg_xvals_get(vi, ids[i], &v, &vl, err)) != BG_OK) break;
    x->id = bg_strndup(v, vl);
    if ((rc = bg_xvals_get(vy, ids[i], &v, &vl, err)) != BG_OK) break;
    x->year = vl ? (int)bg_xap_unsortable(v, vl) : 0;
    if (!x->region || !x->id) rc = bg_err_set(err, BG_ENOMEM, "out of memory");
  }
  bg_xvals_free(vy);
  bg_xvals_free(vi);
  bg_xvals_free(vs);
  free(ids);
  if (rc != BG_OK || !complete) {
    bg_summaries_free(s, k);
    return rc != BG_OK ? rc : summaries_from_reports(r, out, n, err);
  }
  qsort(s, k, sizeof *s, cmp_summary);
  *out = s;
  *n = k;
  return BG_OK;
}

/* ---- size on disk ---- */

/* Xapian's tables (glass backend), each a file <table>.glass; anything
 * else in a database folder (version file, lock, changesets) is "other". */
static const char *const disk_tables[] = {"postlist", "position", "termlist",
                                          "docdata",  "spelling", "synonym",
                                          "other"};
#define NTABLES (sizeof disk_tables / sizeof *disk_tables)

/* Adds the files of the Xapian database, stub file or stub folder at path
 * to bytes[] (per table of disk_tables).  Returns 0, or 1 when part of it
 * is remote or cannot be reached, so that its size is unknown. */
static int add_disk_size(const char *path, int64_t *bytes, int depth) {
  struct stat st;
  char p[4096];
  if (depth > 8 || stat(path, &st) != 0) return 1;
  if (S_ISDIR(st.st_mode)) {
    snprintf(p, sizeof p, "%s/XAPIANDB", path);
    if (stat(p, &st) == 0) return add_disk_size(p, bytes, depth + 1);
    DIR *d = opendir(path);
    if (!d) return 1;
    struct dirent *e;
    while ((e = readdir(d))) {
      snprintf(p, sizeof p, "%s/%s", path, e->d_name);
      if (e->d_name[0] == '.' || stat(p, &st) != 0 || !S_ISREG(st.st_mode))
        continue;
      size_t t = 0, n = strlen(e->d_name);
      while (t + 1 < NTABLES &&
             !(n == strlen(disk_tables[t]) + 6 &&
               !strncmp(e->d_name, disk_tables[t], n - 6) &&
               !strcmp(e->d_name + n - 6, ".glass")))
        t++;
      bytes[t] += (int64_t)st.st_size;
    }
    closedir(d);
    return 0;
  }
  /* A stub file: one database a line, relative to the stub's folder. */
  FILE *f = fopen(path, "r");
  if (!f) return 1;
  char line[4096], base[4096];
  snprintf(base, sizeof base, "%s", path);
  char *slash = strrchr(base, '/');
  if (slash)
    slash[1] = '\0';
  else
    base[0] = '\0';
  int rc = 0;
  while (fgets(line, sizeof line, f)) {
    line[strcspn(line, "\r\n")] = '\0';
    char *a = line + strspn(line, " \t");
    if (!*a || *a == '#') continue;
    if (strncmp(a, "auto ", 5) && strncmp(a, "glass ", 6)) {
      rc = 1; /* remote, or a backend not measured here */
      continue;
    }
    a += strcspn(a, " \t");
    a += strspn(a, " \t");
    snprintf(p, sizeof p, "%s%s", a[0] == '/' ? "" : base, a);
    rc |= add_disk_size(p, bytes, depth + 1);
  }
  fclose(f);
  return rc;
}

/* The index's size on disk in *out: {"postlist": bytes, ..., "total":
 * bytes}, the tables it has; null when part of it is remote. */
static int disk_size(const char *dir, json_t **out, bg_err *err) {
  int64_t bytes[NTABLES] = {0}, total = 0;
  if (add_disk_size(dir, bytes, 0) != 0) {
    *out = json_null();
    return BG_OK;
  }
  json_t *o = json_object();
  for (size_t t = 0; t < NTABLES && o; t++) {
    total += bytes[t];
    if (bytes[t] &&
        json_object_set_new(o, disk_tables[t], json_integer(bytes[t]))) {
      json_decref(o);
      o = NULL;
    }
  }
  if (o && json_object_set_new(o, "total", json_integer(total))) {
    json_decref(o);
    o = NULL;
  }
  if (!o) return bg_err_set(err, BG_ENOMEM, "out of memory");
  *out = o;
  return BG_OK;
}

int bg_reader_stats(bg_reader *r, json_t **out, bg_err *err) {
  *out = NULL;
  json_t *reports = NULL;
  int rc = bg_reader_reports(r, &reports, err);
  if (rc != BG_OK) return rc;
  json_int_t ymin = 0, ymax = 0, bytes = 0;
  size_t i;
  json_t *m;
  json_t *regions = json_object();
  if (!regions) rc = bg_err_set(err, BG_ENOMEM, "out of memory");
  json_array_foreach(reports, i, m) {
    json_int_t y = json_integer_value(json_object_get(m, "year"));
    if (y > 0 && (ymin == 0 || y < ymin)) ymin = y;
    if (y > ymax) ymax = y;
    bytes += json_integer_value(json_object_get(m, "bytes"));
    const char *reg = json_string_value(json_object_get(m, "region"));
    if (rc == BG_OK && reg && reg[0] &&
        json_object_set_new(regions, reg, json_true()) != 0)
      rc = bg_err_set(err, BG_ENOMEM, "out of memory");
  }
  uint64_t terms = 0;
  json_t *size = NULL;
  if (rc == BG_OK) rc = bg_xdb_count_terms(r->db, &terms, err);
  if (rc == BG_OK) rc = disk_size(r->dir, &size, err);
  if (rc == BG_OK) {
    json_t *o = json_pack(
        "{s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:s, s:s}",
        "index",
        r->dir, "reports", (json_int_t)json_array_size(reports), "paragraphs",
        (json_int_t)bg_xdb_collfreq(r->db, BG_TERM_PARAS,
                                    strlen(BG_TERM_PARAS)),
        "units",
        (json_int_t)bg_xdb_collfreq(r->db, BG_TERM_UNITS,
                                    strlen(BG_TERM_UNITS)),
        "text_bytes", bytes, "terms", (json_int_t)terms, "regions",
        (json_int_t)json_object_size(regions), "first_year",
        ymin, "last_year", ymax, "revision",
        (json_int_t)bg_xdb_revision(r->db), "xapian", bg_xap_version(),
        "fold", r->fold & BG_FOLD_T2S ? "t2s" : "none");
    if (o && json_object_set(o, "size_bytes", size) != 0) {
      json_decref(o);
      o = NULL;
    }
    if (!o)
      rc = bg_err_set(err, BG_ENOMEM, "out of memory");
    else
      *out = o;
  }
  json_decref(size);
  json_decref(regions);
  json_decref(reports);
  return rc;
}

int bg_reader_v4(bg_reader *r) {
  uint32_t n = bg_xdb_doccount(r->db);
  return n > 0 && bg_xdb_termfreq(r->db, BG_TERM_V4, strlen(BG_TERM_V4)) == n;
}

/* Reads a varint at s[*i] (len bytes); returns 0 on truncated input. */
static int get_varint(const char *s, size_t len, size_t *i, uint64_t *v) {
  uint64_t r = 0;
  for (unsigned shift = 0; shift < 64; shift += 7) {
    if (*i >= len) return 0;
    unsigned char c = (unsigned char)s[(*i)++];
    r |= (uint64_t)(c & 0x7F) << shift;
    if (!(c & 0x80)) {
      *v = r;
      return 1;
    }
  }
  return 0;
}

/* ---- the stored form, read back ---- */

typedef struct block {
  size_t first_para, raw_len, comp_len;
} block;

struct bg_docdata {
  bg_xdb *db;   /* where the text blocks are read from */
  uint32_t did;
  char *data;
  size_t len;
  json_t *meta;
  size_t npara;
  uint32_t *plen, *tlen;
  size_t *toff; /* offset of each heading title in data */
  uint8_t *level;
  size_t *poff; /* offset of each paragraph inside its block */
  size_t *pblock;
  block *blocks;
  size_t nblocks;
  size_t cached; /* block held in text, or SIZE_MAX */
  char *text;
};

void bg_docdata_free(bg_docdata *d) {
  if (!d) return;
  free(d->data);
  json_decref(d->meta);
  free(d->plen);
  free(d->tlen);
  free(d->toff);
  free(d->level);
  free(d->poff);
  free(d->pblock);
  free(d->blocks);
  free(d->text);
  free(d);
}

/* Parses document data (copied; data may be freed after the call). */
static int parse(const char *data, size_t len, bg_docdata **out, bg_err *err) {
  *out = NULL;
  bg_docdata *d = bg_calloc(1, sizeof *d);
  if (!d) return bg_err_set(err, BG_ENOMEM, "out of memory");
  d->cached = SIZE_MAX;
  size_t i = 4;
  uint64_t v, ml;
  if (len >= 4 && memcmp(data, "BGD", 3) == 0 && data[3] != BG_DOCDATA_MAGIC[3]) {
    bg_docdata_free(d);
    return bg_err_set(err, BG_ECORRUPT,
                      "the index was written in another format (%.4s, this "
                      "baogao reads %s): run baogao-index on it again",
                      data, BG_DOCDATA_MAGIC);
  }
  if (len < 4 || memcmp(data, BG_DOCDATA_MAGIC, 4) != 0) goto corrupt;
  d->data = bg_malloc(len);
  if (!d->data) goto oom;
  memcpy(d->data, data, len);
  d->len = len;
  if (!get_varint(data, len, &i, &ml) || ml > len - i) goto corrupt;
  /* json_loadb() can drop a character when an allocation fails inside
   * it: the metadata was written compact with sorted keys, so writing it
   * back the same way must give the same bytes. */
  d->meta = json_loadb(data + i, ml, 0, NULL);
  if (!d->meta) goto corrupt;
  size_t back_len = 0;
  char *back =
      bg_json_dumps_exact(d->meta, JSON_COMPACT | JSON_SORT_KEYS, &back_len);
  int same = back && back_len == ml && memcmp(back, data + i, ml) == 0;
  free(back);
  if (!same) goto oom;
  i += ml;
  if (!get_varint(data, len, &i, &v) || v > len) goto corrupt;
  d->npara = v;
  d->plen = bg_calloc(v + 1, sizeof *d->plen);
  d->tlen = bg_calloc(v + 1, sizeof *d->tlen);
  d->toff = bg_calloc(v + 1, sizeof *d->toff);
  d->level = bg_calloc(v + 1, 1);
  d->poff = bg_calloc(v + 1, sizeof *d->poff);
  d->pblock = bg_calloc(v + 1, sizeof *d->pblock);
  if (!d->plen || !d->tlen || !d->toff || !d->level || !d->poff ||
      !d->pblock)
    goto oom;
  for (size_t p = 0; p < d->npara; p++) {
    uint64_t pl, tl;
    if (!get_varint(data, len, &i, &pl) || i >= len) goto corrupt;
    d->level[p] = (uint8_t)data[i++];
    if (!get_varint(data, len, &i, &tl) || tl > pl || tl > len - i)
      goto corrupt;
    d->plen[p] = (uint32_t)pl;
    d->tlen[p] = (uint32_t)tl;
    d->toff[p] = i;
    i += tl;
  }
  if (!get_varint(data, len, &i, &v) || v > len) goto corrupt;
  d->nblocks = v;
  d->blocks = bg_calloc(v + 1, sizeof *d->blocks);
  if (!d->blocks) goto oom;
  for (size_t b = 0; b < d->nblocks; b++) {
    uint64_t fp, rl, cl;
    if (!get_varint(data, len, &i, &fp) || !get_varint(data, len, &i, &rl) ||
        !get_varint(data, len, &i, &cl))
      goto corrupt;
    d->blocks[b].first_para = fp;
    d->blocks[b].raw_len = rl;
    d->blocks[b].comp_len = cl;
  }
  /* Place each paragraph in its block. */
  for (size_t b = 0; b < d->nblocks; b++) {
    size_t first = d->blocks[b].first_para;
    size_t end = b + 1 < d->nblocks ? d->blocks[b + 1].first_para : d->npara;
    if (first > end || end > d->npara) goto corrupt;
    size_t off = 0;
    for (size_t p = first; p < end; p++) {
      d->pblock[p] = b;
      d->poff[p] = off;
      off += d->plen[p] + 1;
    }
    if (off != d->blocks[b].raw_len) goto corrupt;
  }
  *out = d;
  return BG_OK;
corrupt:
  bg_docdata_free(d);
  return bg_err_set(err, BG_ECORRUPT, "stored report data is corrupt");
oom:
  bg_docdata_free(d);
  return bg_err_set(err, BG_ENOMEM, "out of memory");
}

int bg_docdata_load(bg_xdb *db, uint32_t did, bg_docdata **out,
                    bg_err *err) {
  *out = NULL;
  char *data;
  size_t len;
  int rc = bg_xdb_data(db, did, &data, &len, err);
  if (rc != BG_OK) return rc;
  rc = parse(data, len, out, err);
  free(data);
  if (rc == BG_OK) {
    (*out)->db = db;
    (*out)->did = did;
  }
  return rc;
}

json_t *bg_docdata_meta(const bg_docdata *d) { return d->meta; }

size_t bg_docdata_npara(const bg_docdata *d) { return d->npara; }

int bg_docdata_level(const bg_docdata *d, size_t i) {
  return i < d->npara ? d->level[i] : 0;
}

int bg_docdata_title(const bg_docdata *d, size_t i, const char **title,
                     size_t *len) {
  if (i >= d->npara || d->level[i] == 0) return BG_ENOTFOUND;
  *title = d->data + d->toff[i];
  *len = d->tlen[i];
  return BG_OK;
}

int bg_docdata_para(bg_docdata *d, size_t i, const char **text, size_t *len,
                    bg_err *err) {
  if (i >= d->npara)
    return bg_err_set(err, BG_ENOTFOUND, "no paragraph %zu", i + 1);
  size_t b = d->pblock[i];
  if (d->cached != b) {
    const block *bl = &d->blocks[b];
    char *t = bg_realloc(d->text, bl->raw_len + 1);
    if (!t) return bg_err_set(err, BG_ENOMEM, "out of memory");
    d->text = t;
    d->cached = SIZE_MAX;
    char *c;
    size_t clen;
    int rc = bg_xdb_value(d->db, d->did, (unsigned)(BG_SLOT_TEXT + b), &c,
                          &clen, err);
    if (rc != BG_OK) return rc;
    uLongf rl = bl->raw_len;
    int zrc = clen == bl->comp_len
                  ? uncompress((Bytef *)t, &rl, (const Bytef *)c, clen)
                  : Z_DATA_ERROR;
    free(c);
    if (zrc != Z_OK || rl != bl->raw_len)
      return bg_err_set(err, BG_ECORRUPT, "stored report text is corrupt");
    d->cached = b;
  }
  *text = d->text + d->poff[i];
  *len = d->plen[i];
  return BG_OK;
}

int bg_paras_decode(const char *v, size_t len, uint32_t **pairs, size_t *cap,
                    size_t *n) {
  size_t k = len / 8;
  if (len % 8) return BG_ECORRUPT;
  if (k * 2 > *cap) {
    size_t nc = k * 2 + 16;
    uint32_t *np = bg_realloc(*pairs, nc * sizeof *np);
    if (!np) return BG_ENOMEM;
    *pairs = np, *cap = nc;
  }
  const unsigned char *s = (const unsigned char *)v;
  for (size_t i = 0; i < k * 2; i++, s += 4)
    (*pairs)[i] = (uint32_t)s[0] | (uint32_t)s[1] << 8 |
                  (uint32_t)s[2] << 16 | (uint32_t)s[3] << 24;
  *n = k;
  return BG_OK;
}
