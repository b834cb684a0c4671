/*
 * index.c - writing reports into the index.
 *
 * See reader.h for the folder layout (and the stored form read back) and
 * terms.h for the schema.
 */
#include "index.h"
#include "reader.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "posblock.h"
#include "rterms.h"
#include "terms.h"
#include "units.h"
#include "util.h"

#define BLOCK_BYTES 16384
#define FOLD_KEY "baogao.fold" /* user metadata: "t2s" or "none" */

/* What prepares reports for an index: a tokenizer folding as the index
 * does, and the index's format. */
struct bg_prep {
  bg_units units;
  unsigned fold;
  int format;
};

/* A report ready to go into an index: its Xapian document (held by no
 * database), its id term, and its terms' positions (formats 5 and 6). */
struct bg_prepared {
  bg_xdoc *doc;
  char term[BG_TERM_MAX];
  size_t term_len;
  bg_rterms rt;
  unsigned fold;
  int format;
};

struct bg_index {
  char *dir;
  int lockfd;
  unsigned gen; /* N of the live db-N */
  int compaction_interrupted; /* a copy db-M, M > N, was left behind */
  bg_xdb *db;
  unsigned fold; /* BG_FOLD_*: the index's, for every report */
  int fold_recorded; /* the metadata names it */
  int format;     /* BG_INDEX_FORMAT_* that reports are written in */
  bg_prep prep;   /* bg_index_put()'s, kept in step with fold and format */
  bg_prepared put; /* bg_index_put()'s report, its term table reused */
  bg_posbuf *pb;  /* formats 5, 6: positions not yet in blocks */
};

static int flush_positions(bg_index *ix, bg_err *err);
static int drop_changes(bg_index *ix, bg_err *err);

/* ---- a growable byte buffer with varints ---- */

typedef struct buf {
  char *p;
  size_t len, cap;
  int oom;
} buf;

static void buf_put(buf *b, const void *s, size_t n) {
  if (b->oom || n == 0) return;
  if (b->len + n > b->cap) {
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + n) cap *= 2;
    char *np = bg_realloc(b->p, cap);
    if (!np) {
      b->oom = 1;
      return;
    }
    b->p = np, b->cap = cap;
  }
  memcpy(b->p + b->len, s, n);
  b->len += n;
}

static void buf_varint(buf *b, uint64_t v) {
  unsigned char t[10];
  size_t n = 0;
  do {
    t[n++] = (unsigned char)((v & 0x7F) | (v > 0x7F ? 0x80 : 0));
    v >>= 7;
  } while (v);
  buf_put(b, t, n);
}

static void buf_u32le(buf *b, uint32_t v) {
  unsigned char t[4] = {(unsigned char)v, (unsigned char)(v >> 8),
                        (unsigned char)(v >> 16), (unsigned char)(v >> 24)};
  buf_put(b, t, 4);
}

/* ---- folder, lock and stub ---- */

static char *path_join(const char *a, const char *b) {
  size_t n = strlen(a) + strlen(b) + 2;
  char *p = bg_malloc(n);
  if (p) snprintf(p, n, "%s/%s", a, b);
  return p;
}

/* path + ".tmp", the name a file is written under before its rename;
 * caller frees. */
static char *tmp_of(const char *path) {
  size_t n = strlen(path) + 5;
  char *p = bg_malloc(n);
  if (p) snprintf(p, n, "%s.tmp", path);
  return p;
}

static int mkdirs(const char *dir, bg_err *err) {
  char *p = bg_strdup(dir);
  if (!p) return bg_err_set(err, BG_ENOMEM, "out of memory");
  for (char *s = p + 1; *s; s++) {
    if (*s != '/') continue;
    *s = '\0';
    if (mkdir(p, 0777) != 0 && errno != EEXIST) {
      int e = errno;
      free(p);
      return bg_err_set(err, BG_EIO, "cannot create %s: %s", dir,
                        strerror(e));
    }
    *s = '/';
  }
  int rc = BG_OK;
  if (mkdir(p, 0777) != 0 && errno != EEXIST)
    rc = bg_err_set(err, BG_EIO, "cannot create %s: %s", dir,
                    strerror(errno));
  free(p);
  return rc;
}

/* Reads the generation N from DIR/XAPIANDB ("auto db-N"); 0 when absent. */
static int read_stub(const char *dir, unsigned *gen, bg_err *err) {
  *gen = 0;
  char *path = bg_reader_part(dir, BG_PART_STUB, 0);
  if (!path) return bg_err_set(err, BG_ENOMEM, "out of memory");
  FILE *f = fopen(path, "r");
  int rc = BG_OK;
  if (!f) {
    if (errno != ENOENT)
      rc = bg_err_set(err, BG_ENOINDEX, "%s: %s", path, strerror(errno));
    free(path);
    return rc;
  }
  char line[128];
  unsigned n = 0;
  if (!fgets(line, sizeof line, f) || !bg_reader_stub_gen(line, &n) ||
      n == 0)
    rc = bg_err_set(err, BG_ECORRUPT, "%s: not a baogao index stub", path);
  else
    *gen = n;
  fclose(f);
  free(path);
  return rc;
}

static int point_live(const char *dir, unsigned gen, bg_err *err);

/* Points DIR/XAPIANDB at db-gen, atomically (and DIR/live with it). */
static int write_stub(const char *dir, unsigned gen, bg_err *err) {
  char *path = bg_reader_part(dir, BG_PART_STUB, 0);
  char *tmp = path ? tmp_of(path) : NULL;
  int rc = BG_OK;
  if (!path || !tmp) {
    rc = bg_err_set(err, BG_ENOMEM, "out of memory");
    goto cleanup;
  }
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0666);
  if (fd < 0) {
    rc = bg_err_set(err, BG_EIO, "%s: %s", tmp, strerror(errno));
    goto cleanup;
  }
  char line[64];
  int n = bg_reader_stub_line(line, sizeof line, BG_PART_DB, gen);
  if (write(fd, line, (size_t)n) != n || fsync(fd) != 0) {
    rc = bg_err_set(err, BG_EIO, "%s: %s", tmp, strerror(errno));
    close(fd);
    goto cleanup;
  }
  close(fd);
  if (rename(tmp, path) != 0) {
    rc = bg_err_set(err, BG_EIO, "%s: %s", path, strerror(errno));
    goto cleanup;
  }
  int dfd = open(dir, O_RDONLY | O_DIRECTORY);
  if (dfd >= 0) {
    fsync(dfd);
    close(dfd);
  }
  rc = point_live(dir, gen, err);
cleanup:
  free(path);
  free(tmp);
  return rc;
}

/* Points the symbolic link DIR/live at db-gen, atomically: a fixed name
 * for the live database, which Xapian's replication server can serve
 * (xapian-replicate -m live) while compactions move it from db-N to
 * db-N+1. */
static int point_live(const char *dir, unsigned gen, bg_err *err) {
  char *path = bg_reader_part(dir, BG_PART_LIVE, 0);
  char *tmp = path ? tmp_of(path) : NULL;
  char *target = bg_reader_part(NULL, BG_PART_DB, gen);
  int rc = BG_OK;
  if (!path || !tmp || !target) {
    rc = bg_err_set(err, BG_ENOMEM, "out of memory");
    goto cleanup;
  }
  char now[32];
  ssize_t n = readlink(path, now, sizeof now - 1);
  if (n >= 0 && (size_t)n == strlen(target) && !memcmp(now, target, (size_t)n))
    goto cleanup;
  unlink(tmp);
  if (symlink(target, tmp) != 0 || rename(tmp, path) != 0)
    rc = bg_err_set(err, BG_EIO, "%s: %s", path, strerror(errno));
cleanup:
  free(path);
  free(tmp);
  free(target);
  return rc;
}

static void remove_tree(const char *path) {
  DIR *d = opendir(path);
  if (!d) {
    unlink(path);
    return;
  }
  struct dirent *e;
  while ((e = readdir(d))) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    char *p = path_join(path, e->d_name);
    if (!p) break;
    struct stat st;
    if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
      remove_tree(p);
    else
      unlink(p);
    free(p);
  }
  closedir(d);
  rmdir(path);
}

/* Removes db-* folders other than the live one: leftovers of a compaction
 * that was interrupted, or of the one before the last. */
/* Removes the databases beside the live one; returns 1 when one of them
 * was newer, the copy of a compaction that was interrupted. */
static int remove_stale(const char *dir, unsigned live) {
  DIR *d = opendir(dir);
  if (!d) return 0;
  struct dirent *e;
  int newer = 0;
  while ((e = readdir(d))) {
    unsigned n;
    if (!bg_reader_db_gen(e->d_name, &n) || n == live) continue;
    newer |= n > live;
    char *p = path_join(dir, e->d_name);
    if (p) remove_tree(p);
    free(p);
  }
  closedir(d);
  return newer;
}

/* Refuses an index whose DIR/live became a folder: a copy made by a tool
 * that follows links (cp -rL, scp -r).  Writing db-N would leave that
 * folder a stale copy, which replicas following live would serve. */
static int refuse_live_folder(const char *dir, unsigned gen, bg_err *err) {
  char *path = bg_reader_part(dir, BG_PART_LIVE, 0);
  if (!path) return bg_err_set(err, BG_ENOMEM, "out of memory");
  struct stat st;
  int rc = BG_OK;
  if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
    rc = bg_err_set(err, BG_ENOINDEX,
                    "%s is a folder, not a link to the live database: the "
                    "index was copied following links (cp -rL, scp -r), so "
                    "it can be searched but not written; copy an index with "
                    "cp -a (or rsync -a), which keeps the link, or make this "
                    "copy writable again: rm -r %s && ln -s db-%u %s",
                    path, path, gen ? gen : 1, path);
  free(path);
  return rc;
}

static int open_gen(bg_index *ix, bg_err *err) {
  char *p = bg_reader_part(ix->dir, BG_PART_DB, ix->gen);
  if (!p) return bg_err_set(err, BG_ENOMEM, "out of memory");
  int rc = bg_xdb_open_writable(&ix->db, p, err);
  if (rc != BG_OK) bg_err_prefix(err, "%s", ix->dir);
  free(p);
  return rc;
}

/* The folds the index was built with: its metadata, or for an index that
 * has none, its reports' marker terms. */
static int read_fold(bg_index *ix, bg_err *err) {
  char *v = NULL;
  size_t len = 0;
  int rc = bg_xdb_get_metadata(ix->db, FOLD_KEY, &v, &len, err);
  if (rc != BG_OK) return rc;
  ix->fold_recorded = len > 0;
  if (len == 3 && !memcmp(v, "t2s", 3))
    ix->fold = BG_FOLD_T2S;
  else if (len == 0)
    ix->fold = bg_xdb_termfreq(ix->db, BG_TERM_T2S, strlen(BG_TERM_T2S))
                   ? BG_FOLD_T2S
                   : BG_FOLD_NONE;
  else if (len == 4 && !memcmp(v, "none", 4))
    ix->fold = BG_FOLD_NONE;
  else
    rc = bg_err_set(err, BG_ECORRUPT,
                    "index %s: unknown folding '%s' (written by a newer "
                    "baogao?)",
                    ix->dir, v);
  free(v);
  return rc;
}

int bg_index_open(bg_index **out, const char *dir, bg_err *err) {
  *out = NULL;
  bg_index *ix = bg_calloc(1, sizeof *ix);
  if (!ix) return bg_err_set(err, BG_ENOMEM, "out of memory");
  ix->lockfd = -1;
  bg_units_init(&ix->prep.units);
  int rc = BG_OK;
  ix->dir = bg_strdup(dir);
  if (!ix->dir) {
    rc = bg_err_set(err, BG_ENOMEM, "out of memory");
    goto fail;
  }
  if ((rc = mkdirs(dir, err)) != BG_OK) goto fail;
  char *lock = bg_reader_part(dir, BG_PART_LOCK, 0);
  if (!lock) {
    rc = bg_err_set(err, BG_ENOMEM, "out of memory");
    goto fail;
  }
  ix->lockfd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
  if (ix->lockfd < 0) {
    int e = errno;
    rc = bg_err_set(err, e == EACCES || e == EROFS ? BG_ENOINDEX : BG_EIO,
                    "cannot write the index %s (%s: %s)", dir, lock,
                    strerror(e));
    free(lock);
    goto fail;
  }
  free(lock);
  if (flock(ix->lockfd, LOCK_EX | LOCK_NB) != 0) {
    rc = bg_err_set(err, errno == EWOULDBLOCK ? BG_ELOCKED : BG_EIO,
                    "index %s is locked: another baogao-index is writing it",
                    dir);
    goto fail;
  }
  if ((rc = read_stub(dir, &ix->gen, err)) != BG_OK ||
      (rc = refuse_live_folder(dir, ix->gen, err)) != BG_OK)
    goto fail;
  if (ix->gen == 0) {
    /* No stub: no index was ever completed here, but a first run killed
     * early may have left a partial db-1.  We hold the lock, so clear it. */
    remove_stale(dir, 0);
    ix->gen = 1;
    if ((rc = open_gen(ix, err)) != BG_OK) goto fail;
    if ((rc = bg_xdb_commit(ix->db, err)) != BG_OK) goto fail;
    if ((rc = write_stub(dir, ix->gen, err)) != BG_OK) goto fail;
  } else if ((rc = open_gen(ix, err)) != BG_OK ||
             (rc = point_live(dir, ix->gen, err)) != BG_OK) {
    goto fail;
  }
  ix->compaction_interrupted = remove_stale(dir, ix->gen);
  if ((rc = read_fold(ix, err)) != BG_OK) goto fail;
  ix->format = BG_INDEX_FORMAT;
  if (!(ix->pb = bg_posbuf_new(bg_xdb_lastdocid(ix->db)))) {
    rc = bg_err_set(err, BG_ENOMEM, "out of memory");
    goto fail;
  }
  *out = ix;
  return BG_OK;
fail:
  bg_index_close(ix, NULL);
  return rc;
}

int bg_index_close(bg_index *ix, bg_err *err) {
  if (!ix) return BG_OK;
  int rc = BG_OK;
  if (ix->db) rc = bg_index_commit(ix, err);
  bg_posbuf_free(ix->pb);
  bg_xdb_free(ix->db);
  if (ix->lockfd >= 0) close(ix->lockfd);
  bg_units_reset(&ix->prep.units);
  bg_rterms_free(&ix->put.rt);
  free(ix->dir);
  free(ix);
  return rc;
}

uint32_t bg_index_doccount(bg_index *ix) { return bg_xdb_doccount(ix->db); }

unsigned bg_index_fold(const bg_index *ix) { return ix->fold; }

int bg_index_set_fold(bg_index *ix, unsigned fold, bg_err *err) {
  if (fold != ix->fold && bg_xdb_doccount(ix->db) > 0)
    return bg_err_set(
        err, BG_EINVAL,
        "index %s was built %s --t2s (Traditional characters %s folded to "
        "Simplified) and an index keeps the folding it was built with: "
        "build a new index in another folder, or delete this one first",
        ix->dir, ix->fold & BG_FOLD_T2S ? "with" : "without",
        ix->fold & BG_FOLD_T2S ? "are" : "are not");
  if (fold == ix->fold && ix->fold_recorded) return BG_OK;
  const char *v = fold & BG_FOLD_T2S ? "t2s" : "none";
  int rc = bg_xdb_set_metadata(ix->db, FOLD_KEY, v, strlen(v), err);
  if (rc != BG_OK) return rc;
  ix->fold = fold;
  ix->fold_recorded = 1;
  return BG_OK;
}

int bg_index_commit(bg_index *ix, bg_err *err) {
  int rc = flush_positions(ix, err);
  return rc != BG_OK ? rc : bg_xdb_commit(ix->db, err);
}

int bg_index_compact(bg_index *ix, bg_err *err) {
  int rc = bg_index_commit(ix, err);
  if (rc != BG_OK) return rc;
  char *src = bg_reader_part(ix->dir, BG_PART_DB, ix->gen);
  char *dst = bg_reader_part(ix->dir, BG_PART_DB, ix->gen + 1);
  if (!src || !dst) {
    rc = bg_err_set(err, BG_ENOMEM, "out of memory");
    goto cleanup;
  }
  remove_tree(dst);
  if ((rc = bg_xdb_compact(src, dst, err)) != BG_OK) {
    bg_err_prefix(err, "compacting %s", ix->dir);
    remove_tree(dst);
    goto cleanup;
  }
  /* Close the old writer only once the copy is complete; until the stub
   * moves, db-N stays the index. */
  bg_xdb_free(ix->db);
  ix->db = NULL;
  if ((rc = write_stub(ix->dir, ix->gen + 1, err)) != BG_OK) {
    remove_tree(dst);
    open_gen(ix, NULL);
    goto cleanup;
  }
  ix->gen++;
  remove_tree(src);
  rc = open_gen(ix, err);
cleanup:
  free(src);
  free(dst);
  return rc;
}

int bg_index_compaction_interrupted(const bg_index *ix) {
  return ix->compaction_interrupted;
}

/* ---- formats 5 and 6: positions in blocks (posblock.h) ---- */

static int store_get(void *ctx, const char *key, size_t klen, char **out,
                     size_t *len, bg_err *err) {
  return bg_xdb_get_metadata_n(ctx, key, klen, out, len, err);
}

static int store_set(void *ctx, const char *key, size_t klen, const char *v,
                     size_t len, bg_err *err) {
  return bg_xdb_set_metadata_n(ctx, key, klen, v, len, err);
}

/* Writes the positions buffered since the last commit into their blocks
 * (before every commit, so a commit never holds a report without its
 * positions). */
static int flush_positions(bg_index *ix, bg_err *err) {
  if (!ix->pb || bg_posbuf_bytes(ix->pb) == 0) return BG_OK;
  bg_posstore st = {ix->db, store_get, store_set};
  int rc = bg_posbuf_flush(ix->pb, &st, err);
  if (rc != BG_OK) drop_changes(ix, err);
  return rc;
}

/* After a report's positions could not all be buffered or written, the
 * uncommitted reports may lack some: every change since the last commit
 * is dropped (Xapian would otherwise commit them when closing), so that
 * the index stays as of its last commit, whole, and a re-run redoes the
 * rest.  Says so in err. */
static int drop_changes(bg_index *ix, bg_err *err) {
  bg_err e2 = {0};
  int rc = bg_xdb_discard(ix->db, &e2);
  bg_posbuf_free(ix->pb);
  /* Blocks may now be on disk anywhere: read each before writing it. */
  ix->pb = bg_posbuf_new(UINT32_MAX);
  if (rc != BG_OK) return rc;
  bg_err_prefix(err, "%s: changes since the last commit dropped", ix->dir);
  return BG_OK;
}

typedef struct forget_ctx {
  bg_index *ix;
  uint32_t did;
  int v5;
} forget_ctx;

static int on_old_term(void *ctx, const char *t, size_t len, uint32_t wdf) {
  forget_ctx *f = ctx;
  (void)wdf;
  if (len == strlen(BG_TERM_V5) && !memcmp(t, BG_TERM_V5, len)) f->v5 = 1;
  if (!bg_posblock_positional(t, len)) return BG_OK;
  return bg_posbuf_add(f->ix->pb, t, len, f->did, NULL, 0);
}

/* Before the report of id term t is replaced or removed: when it is in
 * format 5 or 6, its terms' blocks drop it (in format 6 its pair terms
 * have none: looking finds nothing and writes nothing). */
static int forget_positions(bg_index *ix, const char *t, size_t tl,
                            bg_err *err) {
  uint32_t did = 0;
  int has = 0, rc;
  if ((rc = bg_xdb_find(ix->db, t, tl, &did, err)) != BG_OK || !did)
    return rc;
  if ((rc = bg_xdb_has_term(ix->db, did, BG_TERM_V5, strlen(BG_TERM_V5),
                            &has, err)) != BG_OK ||
      !has)
    return rc;
  if (!ix->pb && !(ix->pb = bg_posbuf_new(UINT32_MAX)))
    return bg_err_set(err, BG_ENOMEM, "out of memory");
  forget_ctx f = {ix, did, 0};
  rc = bg_xdb_termlist(ix->db, did, on_old_term, &f, err);
  if (rc == BG_ENOMEM) return bg_err_set(err, BG_ENOMEM, "out of memory");
  return rc;
}

/* The positions gathered in rt, into the buffer as document did's. */
static int keep_positions(bg_index *ix, const bg_rterms *rt, uint32_t did,
                          bg_err *err) {
  if (!ix->pb && !(ix->pb = bg_posbuf_new(UINT32_MAX)))
    return bg_err_set(err, BG_ENOMEM, "out of memory");
  for (size_t i = 0; i < rt->n; i++)
    if (rt->v[i].npos &&
        bg_posbuf_add(ix->pb, bg_rterm_text(rt, i), rt->v[i].len, did,
                      bg_rterm_pos(rt, i), rt->v[i].npos) != BG_OK)
      return bg_err_set(err, BG_ENOMEM, "out of memory");
  return BG_OK;
}

int bg_index_set_format(bg_index *ix, int format, bg_err *err) {
  if (format < BG_INDEX_FORMAT_LISTS || format > BG_INDEX_FORMAT_UNITS)
    return bg_err_set(err, BG_EINVAL,
                      "unknown index format %d (4, 5 or 6)", format);
  ix->format = format;
  return BG_OK;
}

int bg_index_format(const bg_index *ix) { return ix->format; }

/* ---- lookups ---- */

static size_t id_term(const char *id, char *buf) {
  return bg_term_prefixed(BG_PREFIX_ID, id, strlen(id), buf, BG_TERM_MAX);
}

int bg_index_lookup(bg_index *ix, const char *id, int *found, uint64_t *hash,
                    char **source, bg_err *err) {
  *found = 0;
  *hash = 0;
  *source = NULL;
  char t[BG_TERM_MAX];
  size_t tl = id_term(id, t);
  if (!tl) return bg_err_set(err, BG_EINVAL, "report id too long: %s", id);
  uint32_t did;
  int rc = bg_xdb_find(ix->db, t, tl, &did, err);
  if (rc != BG_OK || did == 0) return rc;
  char *v;
  size_t vl;
  if ((rc = bg_xdb_value(ix->db, did, BG_SLOT_HASH, &v, &vl, err)) != BG_OK)
    return rc;
  *hash = strtoull(v, NULL, 16);
  free(v);
  if ((rc = bg_xdb_value(ix->db, did, BG_SLOT_SOURCE, source, &vl, err)) !=
      BG_OK)
    return rc;
  *found = 1;
  return BG_OK;
}

int bg_index_each(bg_index *ix,
                  int (*fn)(void *ctx, const char *id, const char *source),
                  void *ctx, bg_err *err) {
  uint32_t *ids;
  size_t n;
  int rc = bg_xdb_all_docs(ix->db, &ids, &n, err);
  if (rc != BG_OK) return rc;
  for (size_t i = 0; i < n && rc == BG_OK; i++) {
    char *id = NULL, *src = NULL;
    size_t l;
    rc = bg_xdb_value(ix->db, ids[i], BG_SLOT_ID, &id, &l, err);
    if (rc == BG_OK)
      rc = bg_xdb_value(ix->db, ids[i], BG_SLOT_SOURCE, &src, &l, err);
    if (rc == BG_OK) rc = fn(ctx, id, src);
    free(id);
    free(src);
  }
  free(ids);
  return rc;
}

int bg_index_remove(bg_index *ix, const char *id, bg_err *err) {
  char t[BG_TERM_MAX];
  size_t tl = id_term(id, t);
  if (!tl) return bg_err_set(err, BG_EINVAL, "report id too long: %s", id);
  int rc = forget_positions(ix, t, tl, err);
  if (rc != BG_OK) {
    drop_changes(ix, err);
    return rc;
  }
  return bg_xdb_delete(ix->db, t, tl, err);
}

uint64_t bg_index_hash(const char *text, size_t len,
                       const char *encoding_opt) {
  return bg_index_hash_as(BG_INDEX_FORMAT, text, len, encoding_opt);
}

uint64_t bg_index_hash_as(int format, const char *text, size_t len,
                          const char *encoding_opt) {
  char head[32];
  int n = snprintf(head, sizeof head, "baogao-%d|", format);
  uint64_t h = bg_fnv1a(BG_FNV_INIT, head, (size_t)n);
  if (encoding_opt) h = bg_fnv1a(h, encoding_opt, strlen(encoding_opt));
  h = bg_fnv1a(h, "|", 1);
  return bg_fnv1a(h, text, len);
}

/* ---- writing a report ---- */

/* Adds the terms gathered in rt to doc: each once with its wdf (in
 * format 4 the positional ones with their Xapian positions), and the
 * BG_PREFIX_EXTRA term of each held more than once by a paragraph. */
static int add_terms(int format, const bg_rterms *rt, bg_xdoc *doc) {
  char t[BG_TERM_MAX];
  size_t pl = strlen(BG_PREFIX_EXTRA);
  memcpy(t, BG_PREFIX_EXTRA, pl);
  for (size_t i = 0; i < rt->n; i++) {
    const bg_rterm *e = &rt->v[i];
    const char *s = bg_rterm_text(rt, i);
    int rc =
        e->npos && format == BG_INDEX_FORMAT_LISTS
            ? bg_xdoc_add_postings(doc, s, e->len, bg_rterm_pos(rt, i), e->npos)
            : bg_xdoc_add_term(doc, s, e->len, e->wdf);
    if (rc != BG_OK) return rc;
    if (!e->extra) continue;
    if (pl + e->len > BG_TERM_MAX) return BG_EINVAL; /* cannot be */
    memcpy(t + pl, s, e->len);
    if ((rc = bg_xdoc_add_term(doc, t, pl + e->len, e->extra)) != BG_OK)
      return rc;
  }
  return BG_OK;
}

/* Gathers the unit and pair terms of every paragraph in rt, with the
 * positions of units (and of pairs, but in format 6), adds them to doc and
 * fills the paragraph table. */
static int add_text(bg_prep *p, bg_rterms *rt, const bg_report *r, bg_xdoc *doc,
                    buf *paras, uint64_t *total_units, uint16_t shortest[2]) {
  uint32_t base = 1;
  shortest[0] = shortest[1] = UINT16_MAX;
  char t[BG_TERM_MAX];
  int rc = BG_OK;
  int pair_pos = p->format != BG_INDEX_FORMAT_UNITS;
  bg_rterms_clear(rt);
  *total_units = 0;
  for (size_t k = 0; k < r->npara && rc == BG_OK; k++) {
    const bg_para *pa = &r->para[k];
    if (bg_units_tokenize(&p->units, r->text + pa->off, pa->len) != BG_OK) {
      rc = BG_ENOMEM;
      break;
    }
    const bg_units *u = &p->units;
    uint32_t pi = (uint32_t)k;
    for (size_t i = 0; i < u->n && rc == BG_OK; i++) {
      uint32_t at = base + (uint32_t)i;
      size_t tl = bg_term_unit(u, i, t);
      rc = bg_rterms_add(rt, t, tl, pi, 1, at);
      if (i + 1 < u->n && rc == BG_OK) {
        tl = bg_term_pair(u, i, t);
        rc = bg_rterms_add(rt, t, tl, pi, pair_pos, at);
      }
    }
    for (size_t k = 0; k < 2; k++)
      if (u->n > k && u->n < shortest[k]) shortest[k] = (uint16_t)u->n;
    buf_u32le(paras, base);
    buf_u32le(paras, (uint32_t)u->n);
    *total_units += u->n;
    /* A gap of one position keeps phrases from spanning paragraphs. */
    base += (uint32_t)u->n + 1;
  }
  if (rc == BG_OK) rc = bg_rterms_done(rt);
  if (rc == BG_OK) rc = add_terms(p->format, rt, doc);
  if (rc != BG_OK) return rc;
  return paras->oom ? BG_ENOMEM : BG_OK;
}

/* Compresses one block of text into value slot BG_SLOT_TEXT + nblock of
 * doc, and records it in the block table. */
static int put_block(bg_xdoc *doc, size_t nblock, buf *table, const char *s,
                     size_t len, size_t first_para) {
  uLongf clen = compressBound((uLong)len);
  char *c = bg_malloc(clen ? clen : 1);
  if (!c) return BG_ENOMEM;
  int rc = BG_OK;
  if (compress2((Bytef *)c, &clen, (const Bytef *)s, (uLong)len, 6) != Z_OK ||
      bg_xdoc_set_value(doc, (unsigned)(BG_SLOT_TEXT + nblock), c, clen) !=
          BG_OK)
    rc = BG_ENOMEM;
  free(c);
  buf_varint(table, first_para);
  buf_varint(table, len);
  buf_varint(table, clen);
  return rc != BG_OK || table->oom ? BG_ENOMEM : BG_OK;
}

static char *meta_json(const bg_report *r, const bg_docmeta *m,
                       uint64_t units) {
  char hash[17];
  snprintf(hash, sizeof hash, "%016llx", (unsigned long long)m->hash);
  json_t *o = json_pack(
      "{s:s, s:s, s:s, s:s, s:s, s:i, s:s, s:s, s:s, s:s, s:s, s:s, s:s, "
      "s:s, s:b, s:I, s:I, s:I, s:s, s:b}",
      "id", r->id, "title", r->title, "region", r->region, "date", r->date,
      "speaker", r->speaker, "year", r->year, "year_from", r->year_from,
      "region_from", r->region_from, "date_from", r->date_from,
      "speaker_from", r->speaker_from, "title_from", r->title_from,
      "source", m->source ? m->source : "", "encoding",
      m->encoding ? m->encoding : "",
      "format", m->format ? m->format : "", "gzip", m->gzip, "paragraphs",
      (json_int_t)r->npara, "units", (json_int_t)units, "bytes",
      (json_int_t)r->text_len, "hash", hash, "ocr", m->ocr);
  if (!o) return NULL;
  char *s = bg_json_dumps_exact(o, JSON_COMPACT | JSON_SORT_KEYS, NULL);
  json_decref(o);
  return s;
}

/* Builds the document data (magic, metadata, paragraph table, block
 * table) and puts the compressed text blocks in their value slots.  The
 * blocks stay out of the data because Xapian compresses document data as
 * a whole: a hit would inflate the entire report. */
static int build_data(const bg_report *r, const char *meta, bg_xdoc *doc,
                      buf *out) {
  buf table = {0};
  int rc = BG_OK;
  buf_put(out, BG_DOCDATA_MAGIC, 4);
  size_t ml = strlen(meta);
  buf_varint(out, ml);
  buf_put(out, meta, ml);
  buf_varint(out, r->npara);
  for (size_t i = 0; i < r->npara; i++) {
    buf_varint(out, r->para[i].len);
    buf_put(out, &r->para[i].level, 1);
    /* Headings carry their title here, so section paths need no text. */
    size_t tl = 0;
    if (r->para[i].level)
      tl = r->para[i].title_len ? r->para[i].title_len : r->para[i].len;
    buf_varint(out, tl);
    buf_put(out, r->text + r->para[i].off, tl);
  }
  size_t first = 0, nblocks = 0;
  while (first < r->npara && rc == BG_OK) {
    size_t last = first;
    size_t start = r->para[first].off;
    while (last + 1 < r->npara &&
           r->para[last + 1].off + r->para[last + 1].len + 1 - start <=
               BLOCK_BYTES)
      last++;
    size_t end = r->para[last].off + r->para[last].len + 1;
    rc = put_block(doc, nblocks, &table, r->text + start, end - start, first);
    nblocks++;
    first = last + 1;
  }
  buf_varint(out, nblocks);
  buf_put(out, table.p, table.len);
  if (out->oom) rc = BG_ENOMEM;
  free(table.p);
  return rc;
}

/* Value slot BG_SLOT_SUMMARY of report r. */
static int set_summary(bg_xdoc *doc, const bg_report *r, uint64_t units) {
  size_t n = strlen(r->region) + 32;
  char *s = bg_malloc(n);
  if (!s) return BG_ENOMEM;
  int len = snprintf(s, n, "%llu\t%s", (unsigned long long)units, r->region);
  int rc = bg_xdoc_set_value(doc, BG_SLOT_SUMMARY, s, (size_t)len);
  free(s);
  return rc;
}

int bg_prep_new(bg_prep **out, const bg_index *ix) {
  *out = NULL;
  bg_prep *p = bg_calloc(1, sizeof *p);
  if (!p) return BG_ENOMEM;
  bg_units_init(&p->units);
  p->fold = ix->fold;
  p->format = ix->format;
  bg_units_set_fold(&p->units, p->fold);
  *out = p;
  return BG_OK;
}

void bg_prep_free(bg_prep *p) {
  if (!p) return;
  bg_units_reset(&p->units);
  free(p);
}

void bg_prepared_free(bg_prepared *d) {
  if (!d) return;
  bg_xdoc_free(d->doc);
  bg_rterms_free(&d->rt);
  free(d);
}

/* Builds report r's document into d (its table d->rt kept, emptied
 * first); on failure d->doc may hold part of it. */
static int prepare(bg_prep *p, const bg_report *r, const bg_docmeta *m,
                   bg_prepared *d, bg_err *err) {
  char t[BG_TERM_MAX];
  size_t idl = id_term(r->id, t);
  if (!idl) return bg_err_set(err, BG_EINVAL, "report id too long: %s", r->id);
  memcpy(d->term, t, idl);
  d->term_len = idl;
  d->fold = p->fold;
  d->format = p->format;
  bg_xdoc *doc = d->doc = bg_xdoc_new();
  buf paras = {0}, data = {0};
  char *meta = NULL;
  uint64_t units = 0;
  int rc = BG_OK;
  uint16_t shortest[2];
  if (doc && p->format >= BG_INDEX_FORMAT_BLOCKS &&
      bg_xdoc_add_boolean(doc, BG_TERM_V5, strlen(BG_TERM_V5)) != BG_OK)
    goto oom;
  if (doc && p->format == BG_INDEX_FORMAT_UNITS &&
      bg_xdoc_add_boolean(doc, BG_TERM_V6, strlen(BG_TERM_V6)) != BG_OK)
    goto oom;
  if (!doc || add_text(p, &d->rt, r, doc, &paras, &units, shortest) != BG_OK)
    goto oom;
  if (bg_xdoc_add_boolean(doc, t, idl) != BG_OK) goto oom;
  if (bg_xdoc_add_boolean(doc, BG_TERM_V4, strlen(BG_TERM_V4)) != BG_OK)
    goto oom;
  if ((p->fold & BG_FOLD_T2S) &&
      bg_xdoc_add_boolean(doc, BG_TERM_T2S, strlen(BG_TERM_T2S)) != BG_OK)
    goto oom;
  if (r->year > 0) {
    char y[16];
    int yl = snprintf(y, sizeof y, "%s%d", BG_PREFIX_YEAR, r->year);
    char s[16];
    size_t sl = bg_xap_sortable(r->year, s);
    if (bg_xdoc_add_boolean(doc, y, (size_t)yl) != BG_OK ||
        bg_xdoc_set_value(doc, BG_SLOT_YEAR, s, sl) != BG_OK)
      goto oom;
    yl = snprintf(y, sizeof y, "%s%d", BG_PREFIX_YEAR_UNITS, r->year);
    if (units && bg_xdoc_add_term(doc, y, (size_t)yl, (uint32_t)units) != BG_OK)
      goto oom;
  }
  if (r->region[0]) {
    char rt[BG_TERM_MAX];
    size_t rtl =
        bg_term_region_filter(r->region, strlen(r->region), p->fold, rt);
    if (rtl && bg_xdoc_add_boolean(doc, rt, rtl) != BG_OK) goto oom;
  }
  if (r->npara &&
      bg_xdoc_add_term(doc, BG_TERM_PARAS, strlen(BG_TERM_PARAS),
                       (uint32_t)r->npara) != BG_OK)
    goto oom;
  if (units &&
      bg_xdoc_add_term(doc, BG_TERM_UNITS, strlen(BG_TERM_UNITS),
                       (uint32_t)units) != BG_OK)
    goto oom;
  char hash[17];
  snprintf(hash, sizeof hash, "%016llx", (unsigned long long)m->hash);
  const char *src = m->source ? m->source : "";
  if (bg_xdoc_set_value(doc, BG_SLOT_PARAS, paras.p, paras.len) != BG_OK ||
      bg_xdoc_set_value(doc, BG_SLOT_HASH, hash, 16) != BG_OK ||
      bg_xdoc_set_value(doc, BG_SLOT_ID, r->id, strlen(r->id)) != BG_OK ||
      bg_xdoc_set_value(doc, BG_SLOT_SOURCE, src, strlen(src)) != BG_OK ||
      set_summary(doc, r, units) != BG_OK)
    goto oom;
  unsigned char sh[4] = {(unsigned char)shortest[0],
                         (unsigned char)(shortest[0] >> 8),
                         (unsigned char)shortest[1],
                         (unsigned char)(shortest[1] >> 8)};
  if (bg_xdoc_set_value(doc, BG_SLOT_SHORTEST, (const char *)sh, 4) != BG_OK)
    goto oom;
  if (!(meta = meta_json(r, m, units))) goto oom;
  if (build_data(r, meta, doc, &data) != BG_OK) goto oom;
  if (bg_xdoc_set_data(doc, data.p, data.len) != BG_OK) goto oom;
  goto cleanup;
oom:
  rc = bg_err_set(err, BG_ENOMEM, "out of memory");
cleanup:
  free(paras.p);
  free(data.p);
  free(meta);
  return rc;
}

int bg_prep_report(bg_prep *p, const bg_report *r, const bg_docmeta *m,
                   bg_prepared **out, bg_err *err) {
  *out = NULL;
  bg_prepared *d = bg_calloc(1, sizeof *d);
  if (!d) return bg_err_set(err, BG_ENOMEM, "out of memory");
  int rc = prepare(p, r, m, d, err);
  if (rc != BG_OK) {
    bg_prepared_free(d);
    return rc;
  }
  /* Format 4 keeps its positions in the document: the table is done. */
  if (d->format < BG_INDEX_FORMAT_BLOCKS) bg_rterms_free(&d->rt);
  *out = d;
  return BG_OK;
}

int bg_index_put_prepared(bg_index *ix, const bg_prepared *d, bg_err *err) {
  if (d->fold != ix->fold || d->format != ix->format)
    return bg_err_set(err, BG_EINVAL,
                      "report prepared for another folding or format");
  /* Formats 5, 6: the old report's blocks forget it, the new one's learn
   * it. */
  uint32_t did = 0;
  int rc = bg_xdb_find(ix->db, d->term, d->term_len, &did, err);
  if (rc != BG_OK) return rc;
  if (did && (rc = forget_positions(ix, d->term, d->term_len, err)) != BG_OK) {
    drop_changes(ix, err);
    return rc;
  }
  if (!did) did = bg_xdb_lastdocid(ix->db) + 1;
  rc = bg_xdb_replace(ix->db, d->term, d->term_len, d->doc, err);
  if (rc == BG_OK && d->format >= BG_INDEX_FORMAT_BLOCKS &&
      (rc = keep_positions(ix, &d->rt, did, err)) != BG_OK)
    drop_changes(ix, err);
  return rc;
}

int bg_index_put(bg_index *ix, const bg_report *r, const bg_docmeta *m,
                 bg_err *err) {
  ix->prep.fold = ix->fold;
  ix->prep.format = ix->format;
  bg_units_set_fold(&ix->prep.units, ix->fold);
  /* One report at a time: ix->put's table is reused from one to the next. */
  bg_prepared *d = &ix->put;
  int rc = prepare(&ix->prep, r, m, d, err);
  if (rc == BG_OK) rc = bg_index_put_prepared(ix, d, err);
  bg_xdoc_free(d->doc);
  d->doc = NULL;
  return rc;
}
