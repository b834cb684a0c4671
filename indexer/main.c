/*
 * baogao-index - builds and updates a baogao index from report files.
 *
 *   baogao-index [--index DIR] [--encoding NAME] [--prune] [--t2s] PATH...
 *
 * Incremental and idempotent: an unchanged report is skipped (content
 * hash), a changed one replaced as one document, a new one added.  Changes
 * are committed as the run goes, so a killed run leaves the index as of its
 * last commit and running again finishes the job.  A manifest.tsv in a
 * folder walked (or in the folder of a file named) gives metadata that
 * overrides the name's and the text's; it is part of the content hash, so
 * a changed row re-indexes its report.
 *
 * --t2s, given when an index is created, folds Traditional characters to
 * Simplified in it for good: the index records it, later runs keep it,
 * and readers apply it to queries.  An index with reports never changes
 * its folding (--t2s or --no-t2s against it is an error).
 *
 * --format 4|5|6 chooses how positions are stored (index.h); the format is
 * part of the content hash, so a run in another format than the index's
 * re-indexes every report: an upgrade in place.  $BAOGAO_INDEX_FORMAT
 * sets the default (tests run in both formats with it).
 *
 * Two threads: a worker reads, decodes, parses and prepares the reports
 * (bg_prep_report(): terms, values, compressed text) a few files ahead of
 * the main thread, which does all that touches the index or the output, in
 * file order, as a one-thread run does ("the pipeline" below).
 * $BAOGAO_INDEX_THREADS=1 runs on one thread.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "escape.h"
#include "index.h"
#include "manifest.h"
#include "reader.h"
#include "report.h"
#include "source.h"
#include "terms.h"
#include "units.h"
#include "util.h"

#define COMMIT_DOCS 200
#define COMMIT_BYTES (64u << 20)
#define COMMIT_SECONDS 10.0
#define COMPACT_MIN_CHANGES 16

static const char usage[] =
    "usage: baogao-index [--index DIR] [--encoding NAME] [--prune]\n"
    "                    [--t2s | --no-t2s] [--compact | --no-compact]\n"
    "                    [--shards N] [--ocr] [--format 4|5|6]\n"
    "                    [-q | -v] PATH...\n"
    "\n"
    "Indexes report files (.txt, .md, .docx, .html, .htm, .shtml, .pdf, any\n"
    "of them optionally .gz) and folders of them, recursively.  Unchanged\n"
    "reports are skipped, changed ones replaced.  A manifest.tsv in a folder\n"
    "(columns file, year, region, date, speaker, title) overrides metadata.\n"
    "\n"
    "  --index DIR      index folder (default: $BAOGAO_INDEX, else "
    "./data/index)\n"
    "  --encoding NAME  read every text file and web page in this charset\n"
    "                   (GB18030, BIG5-HKSCS, UTF-16, ...) instead of "
    "detecting it\n"
    "  --prune          remove reports whose source file no longer exists\n"
    "  --ocr            read scanned PDF pages (no text layer) with Tesseract\n"
    "                   (chi_sim) instead of failing on them\n"
    "  --t2s            new index: fold Traditional characters to Simplified\n"
    "                   (OpenCC's table), so 發展 and 发展 match each other;\n"
    "                   recorded in the index, kept by later runs and applied\n"
    "                   to every query (an index with reports keeps the\n"
    "                   folding it was built with)\n"
    "  --no-t2s         new index: no folding (the default)\n"
    "  --shards N       new index: write the reports into N shards\n"
    "                   (DIR/shard-K, each report in the shard the hash of\n"
    "                   its id names) under one stub DIR/XAPIANDB that\n"
    "                   baogao and baogao-searchd open as one index\n"
    "  --format N       write reports in index format N: 6 keeps the\n"
    "                   positions of units term by term in blocks of\n"
    "                   reports, 5 those of units and pairs, 4 a list per\n"
    "                   report and term (default 6, or $BAOGAO_INDEX_FORMAT);\n"
    "                   an index in another format is upgraded in place\n"
    "                   (every report re-indexed)\n"
    "  --compact        compact the index at the end of the run\n"
    "  --no-compact     never compact (default: compact after a bulk change)\n"
    "  -q, --quiet      print errors only\n"
    "  -v, --verbose    print every file and what happened to it\n"
    "  -h, --help       show this help\n"
    "  --version        show the version\n"
    "\n"
    "Exit status: 0 all files indexed; 1 some file failed or bad usage;\n"
    "2 the index cannot be opened, is locked by another indexer, or keeps\n"
    "another folding than --t2s/--no-t2s asks for.\n";

typedef struct file {
  char *path;
  char *root; /* the folder walked that found it, or the file's folder */
  off_t size;
} file;

typedef struct files {
  file *v;
  size_t n, cap;
} files;

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig) {
  (void)sig;
  stop_requested = 1;
}

static int skip_name(const char *name) {
  static const char *const skip[] = {"readme", "license", "changelog",
                                     "copying", "manifest"};
  if (name[0] == '.') return 1;
  for (size_t i = 0; i < sizeof skip / sizeof *skip; i++)
    if (!strncasecmp(name, skip[i], strlen(skip[i]))) return 1;
  return 0;
}

/* The folder of path ("." for a bare name, "/" at the top), malloc'd. */
static char *dir_of(const char *path) {
  const char *slash = strrchr(path, '/');
  if (!slash) return strdup(".");
  size_t n = slash == path ? 1 : (size_t)(slash - path);
  char *d = malloc(n + 1);
  if (d) {
    memcpy(d, path, n);
    d[n] = '\0';
  }
  return d;
}

/* Adds path, found under root (NULL: the file's own folder). */
static int add_file(files *fs, const char *path, const char *root, off_t size) {
  if (fs->n == fs->cap) {
    size_t cap = fs->cap ? fs->cap * 2 : 64;
    file *nv = realloc(fs->v, cap * sizeof *nv);
    if (!nv) return -1;
    fs->v = nv, fs->cap = cap;
  }
  file *f = &fs->v[fs->n];
  f->path = strdup(path);
  f->root = root ? strdup(root) : dir_of(path);
  if (!f->path || !f->root) {
    free(f->path);
    free(f->root);
    return -1;
  }
  f->size = size;
  fs->n++;
  return 0;
}

static void files_free(files *fs) {
  for (size_t i = 0; i < fs->n; i++)
    free(fs->v[i].path), free(fs->v[i].root);
  free(fs->v);
  fs->v = NULL;
  fs->n = fs->cap = 0;
}

/* Collects report files under dir (reached from the folder root), in
 * sorted order; returns the number of errors met. */
static int walk(files *fs, const char *dir, const char *root, int depth,
                int verbose) {
  if (depth > 64) {
    fprintf(stderr, "baogao-index: %s: folders nested too deep, skipped\n",
            dir);
    return 1;
  }
  DIR *d = opendir(dir);
  if (!d) {
    fprintf(stderr, "baogao-index: %s: %s\n", dir, strerror(errno));
    return 1;
  }
  char **names = NULL;
  size_t n = 0, cap = 0;
  struct dirent *e;
  int errors = 0;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.') continue;
    if (n == cap) {
      cap = cap ? cap * 2 : 64;
      char **nn = realloc(names, cap * sizeof *nn);
      if (!nn) break;
      names = nn;
    }
    if (!(names[n] = strdup(e->d_name))) break;
    n++;
  }
  closedir(d);
  if (n) qsort(names, n, sizeof *names, bg_cmp_str);
  for (size_t i = 0; i < n; i++) {
    size_t len = strlen(dir) + strlen(names[i]) + 2;
    char *p = malloc(len);
    if (p) {
      snprintf(p, len, "%s/%s", dir, names[i]);
      struct stat st, lst;
      if (stat(p, &st) != 0) {
        fprintf(stderr, "baogao-index: %s: %s\n", p, strerror(errno));
        errors++;
      } else if (S_ISDIR(st.st_mode)) {
        /* Symbolic links to folders are not followed: no loops. */
        if (lstat(p, &lst) == 0 && !S_ISLNK(lst.st_mode))
          errors += walk(fs, p, root, depth + 1, verbose);
      } else if (S_ISREG(st.st_mode) && bg_source_format(p) != BG_FMT_NONE &&
                 !skip_name(names[i])) {
        if (add_file(fs, p, root, st.st_size) != 0) errors++;
      } else if (verbose && strcmp(names[i], BG_MANIFEST_NAME) != 0) {
        fprintf(stderr, "  skip %s (not a report file)\n", p);
      }
      free(p);
    }
    free(names[i]);
  }
  free(names);
  return errors;
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A text read in this run: its hash, to find the same text under
 * another id. */
typedef struct text_seen {
  uint64_t hash;
  char *id;
  const char *path;
} text_seen;

typedef struct stats {
  size_t added, replaced, unchanged, failed, removed;
  size_t paragraphs;
  uint64_t bytes_done, bytes_total;
  size_t files_done, files_total;
  double t0;
  int quiet;         /* no warnings */
  text_seen *texts;  /* files_total of them, ntexts used */
  size_t ntexts;
} stats;

/* Warns when the text of a file (path, report id; h the FNV-1a hash of
 * its len bytes) was read before in this run under another id: the same
 * report twice, which would count twice.  Remembers it. */
static void warn_same_text(stats *st, const char *path, const char *id,
                           uint64_t h, size_t len) {
  if (!st->texts || len == 0) return;
  for (size_t i = 0; i < st->ntexts; i++)
    if (st->texts[i].hash == h && strcmp(st->texts[i].id, id)) {
      if (!st->quiet)
        fprintf(stderr,
                "baogao-index: warning: %s has the same text as %s: both "
                "are indexed, as '%s' and '%s'; leave one out if they are "
                "the same report\n",
                path, st->texts[i].path, id, st->texts[i].id);
      break;
    }
  if (st->ntexts < st->files_total && (st->texts[st->ntexts].id = strdup(id))) {
    st->texts[st->ntexts].hash = h;
    st->texts[st->ntexts++].path = path;
  }
}

/* Whether s is a clock time (9:30, 01:20:01, full-width colons too): the
 * "title" of a web page that is no report, such as a video's length. */
static int is_clock_time(const char *s) {
  int fields = 0;
  while (*s) {
    int digits = 0;
    while (*s >= '0' && *s <= '9') s++, digits++;
    if (digits < 1 || digits > 2) return 0;
    fields++;
    if (!*s) break;
    if (*s == ':')
      s++;
    else if (!strncmp(s, "：", 3))
      s += 3;
    else
      return 0;
    if (!*s) return 0;
  }
  return fields == 2 || fields == 3;
}

static void progress(const stats *s, const char *id, int final) {
  double el = now_s() - s->t0;
  double rate = el > 0 ? s->bytes_done / el : 0;
  double left = rate > 0 ? (s->bytes_total - s->bytes_done) / rate : 0;
  fprintf(stderr,
          "\r\033[K%zu/%zu files  %zu paragraphs  %.1f MB/s  %s %d:%02d  %s",
          s->files_done, s->files_total, s->paragraphs, rate / 1e6,
          final ? "took" : "left", (int)(final ? el : left) / 60,
          (int)(final ? el : left) % 60, final ? "\n" : id);
  fflush(stderr);
}

typedef struct prune_ctx {
  char **ids;
  size_t n, cap;
} prune_ctx;

static int collect_gone(void *ctx, const char *id, const char *source) {
  prune_ctx *p = ctx;
  struct stat st;
  if (source[0] && stat(source, &st) == 0) return 0;
  if (source[0] && errno != ENOENT && errno != ENOTDIR) return 0;
  if (p->n == p->cap) {
    size_t cap = p->cap ? p->cap * 2 : 16;
    char **n = realloc(p->ids, cap * sizeof *n);
    if (!n) return BG_ENOMEM;
    p->ids = n, p->cap = cap;
  }
  if (!(p->ids[p->n] = strdup(id))) return BG_ENOMEM;
  p->n++;
  return 0;
}

/* Appends a message (printf format) to the text *said, for stderr later;
 * nothing happens when out of memory. */
static void say(char **said, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  size_t have = *said ? strlen(*said) : 0;
  char *p = n >= 0 ? realloc(*said, have + (size_t)n + 1) : NULL;
  if (!p) return;
  va_start(ap, fmt);
  vsnprintf(p + have, (size_t)n + 1, fmt, ap);
  va_end(ap);
  *said = p;
}

/* The manifests read so far, one per folder (m NULL when the folder has
 * none or it could not be read, which was reported once). */
typedef struct manifests {
  struct {
    char *dir;
    bg_manifest *m;
  } * v;
  size_t n, cap;
  int errors; /* manifests that could not be read */
  char *said; /* their messages, until the caller takes them */
} manifests;

/* The manifest of folder dir, read on first use. */
static const bg_manifest *manifest_of(manifests *ms, const char *dir) {
  for (size_t i = 0; i < ms->n; i++)
    if (!strcmp(ms->v[i].dir, dir)) return ms->v[i].m;
  bg_manifest *m = NULL;
  bg_err err = {0};
  if (bg_manifest_load(dir, &m, &err) != BG_OK) {
    say(&ms->said,
        "baogao-index: %s; the reports it lists are indexed without it\n",
        bg_err_msg(&err));
    ms->errors++;
  }
  if (ms->n == ms->cap) {
    size_t cap = ms->cap ? ms->cap * 2 : 16;
    void *nv = realloc(ms->v, cap * sizeof *ms->v);
    if (!nv) {
      bg_manifest_free(m);
      return NULL;
    }
    ms->v = nv, ms->cap = cap;
  }
  if (!(ms->v[ms->n].dir = strdup(dir))) {
    bg_manifest_free(m);
    return NULL;
  }
  ms->v[ms->n++].m = m;
  return m;
}

static void manifests_free(manifests *ms) {
  for (size_t i = 0; i < ms->n; i++) {
    free(ms->v[i].dir);
    bg_manifest_free(ms->v[i].m);
  }
  free(ms->v);
  free(ms->said);
}

/* The manifest row of file f: the manifest of the nearest folder from the
 * file's own up to the folder walked that lists it; NULL when none does. */
static const bg_report_meta *manifest_row(manifests *ms, const file *f) {
  char *d = dir_of(f->path);
  const bg_report_meta *row = NULL;
  while (d && !row) {
    const char *rel = f->path;
    if (strcmp(d, ".") != 0 || !strncmp(f->path, "./", 2))
      rel = f->path + strlen(d) + (strcmp(d, "/") != 0);
    row = bg_manifest_find(manifest_of(ms, d), rel);
    char *up = dir_of(d);
    if (!strcmp(d, f->root) || !up || !strcmp(up, d)) {
      free(up);
      break;
    }
    free(d);
    d = up;
  }
  free(d);
  return row;
}

/* ---- shards ---- */

#define MAX_SHARDS 256

/* The shard of report id: FNV-1a of the id, so a report stays in its shard
 * across runs. */
static size_t shard_of(const char *id, size_t n) {
  uint64_t h = 14695981039346656037ULL;
  for (const unsigned char *p = (const unsigned char *)id; *p; p++)
    h = (h ^ *p) * 1099511628211ULL;
  return n > 1 ? (size_t)(h % n) : 0;
}

/* The shard count recorded in DIR/SHARDS: 0 for an index of one database
 * (or none yet), -1 when the file is unreadable or malformed. */
static long shards_recorded(const char *dir) {
  char *path = bg_reader_part(dir, BG_PART_SHARDS, 0);
  FILE *f = path ? fopen(path, "r") : NULL;
  free(path);
  if (!f) return errno == ENOENT ? 0 : -1;
  long n = -1;
  if (fscanf(f, "%ld", &n) != 1 || n < 1 || n > MAX_SHARDS) n = -1;
  fclose(f);
  return n;
}

/* Makes DIR a sharded index of n shards: DIR/SHARDS, and DIR/XAPIANDB, a
 * Xapian stub listing the shards (each a baogao index folder, itself a
 * stub), so that readers open DIR as one database.  Written before any
 * shard, each file atomically. */
static int make_sharded(const char *dir, long n) {
  char tmp[PATH_MAX + 8], line[64];
  if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
    fprintf(stderr, "baogao-index: %s: %s\n", dir, strerror(errno));
    return -1;
  }
  for (int pass = 0; pass < 2; pass++) {
    char *path = bg_reader_part(dir, pass ? BG_PART_SHARDS : BG_PART_STUB, 0);
    if (!path) {
      fprintf(stderr, "baogao-index: out of memory\n");
      return -1;
    }
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    int ok = f != NULL;
    if (ok && pass) ok = fprintf(f, "%ld\n", n) > 0;
    for (long k = 0; ok && !pass && k < n; k++) {
      bg_reader_stub_line(line, sizeof line, BG_PART_SHARD, (unsigned)k);
      ok = fputs(line, f) >= 0;
    }
    if (f && fclose(f) != 0) ok = 0;
    if (!ok || rename(tmp, path) != 0) {
      fprintf(stderr, "baogao-index: %s: %s\n", path, strerror(errno));
      free(path);
      return -1;
    }
    free(path);
  }
  return 0;
}

/* How files are read: BG_SOURCE_OCR with --ocr. */
static int read_flags;
static int index_format = BG_INDEX_FORMAT; /* --format */

/* Whether v names an index format baogao-index writes. */
static int valid_format(const char *v) {
  return v[0] >= '0' + BG_INDEX_FORMAT_LISTS &&
         v[0] <= '0' + BG_INDEX_FORMAT_UNITS && v[1] == '\0';
}

/* A line break in a file name would end the line of every message that
 * shows it (stderr escapes other control bytes, not the line breaks of
 * its messages), so such a file is refused, its name shown escaped.
 * Returns -1. */
static int refuse_line_break(const char *path) {
  char *shown = bg_escape_name(path);
  fflush(stderr);
  dprintf(STDERR_FILENO,
          "baogao-index: %s: the file name holds a line break: rename the "
          "file\n",
          shown ? shown : "(a file name)");
  free(shown);
  return -1;
}

/* What the command line asks for. */
typedef struct options {
  const char *index_dir;
  const char *encoding;
  int prune, compact, quiet, verbose; /* compact -1: when it pays */
  int index_default; /* no --index nor $BAOGAO_INDEX: ./data/index */
  int t2s;       /* -1: as the index was built */
  long nshards;  /* --shards N; 0: as the index was built */
  char **paths;  /* files and folders to index, at the front of argv */
  size_t npaths;
} options;

/* Reads the command line into *o.  Returns -1 to go on, else the exit
 * status to end with (--help, --version, a usage error: reported). */
static int parse_options(int argc, char **argv, options *o) {
  memset(o, 0, sizeof *o);
  o->index_dir = getenv("BAOGAO_INDEX");
  o->compact = -1;
  o->t2s = -1;
  int format_given = 0; /* --format N */
  /* Paths gather at the front of argv (writes never pass reads). */
  o->paths = argv + 1;
  int opts_done = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (opts_done || a[0] != '-' || !a[1]) {
      o->paths[o->npaths++] = argv[i];
    } else if (!strcmp(a, "--")) {
      opts_done = 1;
    } else if (!strcmp(a, "--index") || !strcmp(a, "--encoding")) {
      if (i + 1 >= argc) {
        fprintf(stderr, "baogao-index: %s needs a value\n", a);
        return 1;
      }
      if (!strcmp(a, "--index"))
        o->index_dir = argv[++i];
      else
        o->encoding = argv[++i];
    } else if (!strncmp(a, "--index=", 8)) {
      o->index_dir = a + 8;
    } else if (!strncmp(a, "--encoding=", 11)) {
      o->encoding = a + 11;
    } else if (!strcmp(a, "--ocr")) {
      read_flags |= BG_SOURCE_OCR;
    } else if (!strcmp(a, "--prune")) {
      o->prune = 1;
    } else if (!strcmp(a, "--shards") || !strncmp(a, "--shards=", 9)) {
      const char *v = a[8] == '=' ? a + 9 : i + 1 < argc ? argv[++i] : "";
      char *end;
      o->nshards = strtol(v, &end, 10);
      if (!*v || *end || o->nshards < 1 || o->nshards > MAX_SHARDS) {
        fprintf(stderr,
                "baogao-index: --shards takes a number from 1 to %d, not "
                "'%s'\n",
                MAX_SHARDS, v);
        return 1;
      }
    } else if (!strcmp(a, "--format") || !strncmp(a, "--format=", 9)) {
      const char *v = a[8] == '=' ? a + 9 : i + 1 < argc ? argv[++i] : "";
      if (!valid_format(v)) {
        fprintf(stderr,
                "baogao-index: --format takes 4, 5 or 6, not '%s'\n", v);
        return 1;
      }
      index_format = v[0] - '0';
      format_given = 1;
    } else if (!strcmp(a, "--t2s")) {
      o->t2s = 1;
    } else if (!strcmp(a, "--no-t2s")) {
      o->t2s = 0;
    } else if (!strcmp(a, "--compact")) {
      o->compact = 1;
    } else if (!strcmp(a, "--no-compact")) {
      o->compact = 0;
    } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
      o->quiet = 1;
    } else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
      o->verbose = 1;
    } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      fputs(usage, stdout);
      return 0;
    } else if (!strcmp(a, "--version")) {
      printf("baogao-index %s\n", BAOGAO_VERSION);
      return 0;
    } else {
      fprintf(stderr, "baogao-index: unknown option %s\n\n%s", a, usage);
      return 1;
    }
  }
  if (!o->index_dir || !o->index_dir[0]) {
    o->index_dir = "data/index";
    o->index_default = 1;
  }
  if (!format_given) {
    const char *v = getenv("BAOGAO_INDEX_FORMAT");
    if (v && valid_format(v)) index_format = v[0] - '0';
  }
  if (o->npaths == 0 && !o->prune) {
    fprintf(stderr, "baogao-index: no files or folders given\n\n%s", usage);
    return 1;
  }
  if (o->encoding && !o->encoding[0]) {
    fprintf(stderr, "baogao-index: --encoding needs a charset name\n");
    return 1;
  }
  return -1;
}

/* Collects the report files the command line names into fs, before the
 * index is touched; *errors counts the paths that are none (reported).
 * Returns -1 when out of memory (reported). */
static int collect_files(const options *o, files *fs, int *errors) {
  for (size_t i = 0; i < o->npaths; i++) {
    char *path = o->paths[i];
    struct stat st;
    if (stat(path, &st) != 0) {
      int e = errno;
      fprintf(stderr, "baogao-index: %s: %s\n", path, strerror(e));
      /* `baogao-index NEWDIR corpus/` means an index in NEWDIR, most
       * likely: say how, as the run goes on into ./data/index. */
      if (e == ENOENT && i == 0 && o->index_default && o->npaths > 1)
        fprintf(stderr,
                "baogao-index: (the index goes to %s; to build it in %s, "
                "give --index %s)\n",
                o->index_dir, path, path);
      (*errors)++;
    } else if (S_ISDIR(st.st_mode)) {
      /* "dir/" walks as "dir", so that paths below it read "dir/x". */
      size_t n = strlen(path);
      while (n > 1 && path[n - 1] == '/')
        path[--n] = '\0';
      *errors += walk(fs, path, path, 0, o->verbose);
    } else if (bg_source_format(path) == BG_FMT_NONE) {
      fprintf(stderr,
              "baogao-index: %s: not a report file (expected .txt, .md, "
              ".docx, .html, .htm, .shtml or .pdf, any of them optionally "
              ".gz)\n",
              path);
      (*errors)++;
    } else if (add_file(fs, path, NULL, st.st_size) != 0) {
      fprintf(stderr, "baogao-index: out of memory\n");
      return -1;
    }
  }
  return 0;
}

/* How many databases the index has: 0 for one, else its shards, as the
 * index was made or as --shards asks of a new one (made here).  -1 when
 * the folder cannot be one (reported). */
static long shard_count(const options *o) {
  const char *index_dir = o->index_dir;
  struct stat dir_st;
  if (stat(index_dir, &dir_st) == 0 && !S_ISDIR(dir_st.st_mode)) {
    fprintf(stderr,
            "baogao-index: not a baogao index: %s is a file; an index is a "
            "folder (give a new or an index folder to --index)\n",
            index_dir);
    return -1;
  }
  long nshards = shards_recorded(index_dir);
  char *stub_path = bg_reader_part(index_dir, BG_PART_STUB, 0);
  struct stat stub_st;
  int has_stub = stub_path && stat(stub_path, &stub_st) == 0;
  free(stub_path);
  if (nshards < 0) {
    fprintf(stderr, "baogao-index: %s/SHARDS: not a shard count\n", index_dir);
    return -1;
  }
  if (o->nshards > 0 && nshards > 0 && o->nshards != nshards) {
    fprintf(stderr,
            "baogao-index: %s has %ld shards, not %ld: index into a new "
            "folder to change that\n",
            index_dir, nshards, o->nshards);
    return -1;
  }
  if (o->nshards > 1 && nshards == 0) {
    if (has_stub) {
      fprintf(stderr,
              "baogao-index: %s is an index of one database: index into a "
              "new folder to shard it\n",
              index_dir);
      return -1;
    }
    if (make_sharded(index_dir, o->nshards) != 0) return -1;
    nshards = o->nshards;
  }
  return nshards;
}

/* Opens the index for writing: its one database, or each of its shards,
 * into shards[0, *nix), with the folds --t2s or --no-t2s ask for.
 * Returns 0, or -1 with nothing left open (reported). */
static int open_shards(const options *o, bg_index **shards, size_t *nix) {
  long nshards = shard_count(o);
  if (nshards < 0) return -1;
  bg_err err = {0};
  *nix = nshards > 0 ? (size_t)nshards : 1;
  for (size_t k = 0; k < *nix; k++) {
    char *sdir = nshards > 0
                     ? bg_reader_part(o->index_dir, BG_PART_SHARD, (unsigned)k)
                     : strdup(o->index_dir);
    int rc = sdir ? bg_index_open(&shards[k], sdir, &err)
                  : bg_err_set(&err, BG_ENOMEM, "out of memory");
    free(sdir);
    if (rc != BG_OK ||
        bg_index_set_format(shards[k], index_format, &err) != BG_OK ||
        (o->t2s >= 0 &&
         bg_index_set_fold(shards[k], o->t2s ? BG_FOLD_T2S : BG_FOLD_NONE,
                           &err) != BG_OK)) {
      fprintf(stderr, "baogao-index: %s\n", bg_err_msg(&err));
      for (size_t j = 0; j <= k; j++)
        bg_index_close(shards[j], NULL);
      return -1;
    }
  }
  return 0;
}

/* Commits every shard; returns 1 when one fails (reported), else 0. */
static int commit_all(bg_index **shards, size_t nix) {
  bg_err err = {0};
  for (size_t k = 0; k < nix; k++)
    if (bg_index_commit(shards[k], &err) != BG_OK) {
      fprintf(stderr, "baogao-index: commit failed: %s\n", bg_err_msg(&err));
      return 1;
    }
  return 0;
}

/* ---- one file: read and prepared, then written ---- */

/* What the index held for a file's id when the run began, looked up
 * before the worker starts (it never touches the index): lets the worker
 * leave an unchanged report unprepared.  Only a hint: the writer looks up
 * again, and prepares a report itself when the hint was wrong. */
typedef struct hint {
  int found;
  uint64_t hash;
  char *source;
} hint;

/* What prepares files for the writer: on the worker thread while there is
 * one, else on the writer's.  Its manifests and ids met are its own. */
typedef struct preparer {
  const files *fs;
  const char *encoding;
  manifests *ms;
  size_t nshards;
  bg_prep **preps; /* one per shard; NULL: reports are parsed and put by
                      the writer after its lookup (bg_index_put()) */
  hint *hints;     /* one per file, or NULL: every report is prepared */
  char **seen;     /* one per file: the id of each file whose id is new */
} preparer;

/* How far the preparation of a file went before it failed. */
enum {
  FAIL_NONE,
  FAIL_READ,  /* finding, naming or reading the file */
  FAIL_OPTS,  /* its options (--encoding, manifest row) */
  FAIL_PARSE, /* parsing the report */
  FAIL_PREP   /* building its document */
};

/* One file of the run, read and prepared ahead of the writer.  The writer
 * takes the files in order and says, at each step, what a one-thread
 * indexer says there: the failures and messages of the preparation are
 * carried here until then. */
typedef struct item {
  size_t i; /* fs->v[i] */
  const char *path;
  int dup;        /* its id was met before in this run */
  int line_break; /* its name holds a line break */
  int no_id;      /* its name is no report file name */
  int fail;       /* FAIL_* */
  char *msg;      /* the failure's message, whole lines */
  char *said;     /* manifest messages, due once the text is read */
  char id[1024];
  size_t shard;
  char abspath[PATH_MAX];
  bg_source src;
  uint64_t text_hash;        /* FNV-1a of the text, for warn_same_text() */
  const bg_report_meta *row; /* borrowed from the preparer's manifests */
  uint64_t hash;             /* content hash, under the options */
  int parsed;                /* r, or fail FAIL_PARSE, is the parse's outcome */
  bg_report *r;
  bg_prepared *prep; /* NULL: the writer puts r itself */
  size_t bytes;      /* memory held, roughly */
  struct item *next; /* in the pipeline's trash */
} item;

static void item_free(item *it) {
  if (!it) return;
  free(it->msg);
  free(it->said);
  bg_source_free(&it->src);
  bg_report_free(it->r);
  bg_prepared_free(it->prep);
  free(it);
}

/* Whether the id of files[i] was met before; remembers it when not. */
static int id_seen(char **seen, size_t i, const char *id) {
  if (!seen) return 0;
  for (size_t k = 0; k < i; k++)
    if (seen[k] && !strcmp(seen[k], id)) return 1;
  seen[i] = strdup(id);
  return 0;
}

/* Parses the report of it (with its manifest row) into it->r. */
static void parse_item(item *it) {
  bg_err err = {0};
  it->parsed = 1;
  if (bg_report_parse(it->id, it->src.text, it->src.len, it->src.format, &it->r,
                      &err) != BG_OK ||
      (it->row &&
       bg_report_override(it->r, it->row, "manifest", &err) != BG_OK)) {
    say(&it->msg, "baogao-index: %s: %s\n", it->path, bg_err_msg(&err));
    it->fail = FAIL_PARSE;
  }
}

/* What the index is told of the report of it. */
static bg_docmeta docmeta_of(const item *it) {
  bg_docmeta m = {
      it->abspath,  it->src.encoding, bg_source_format_name(it->src.format),
      it->src.gzip, it->hash,         it->src.ocr};
  return m;
}

/* Reads file i, and (with p->preps) parses and prepares its report unless
 * the hint says it is unchanged: the steps of a file that need no index,
 * in the order the writer goes through them.  Returns the item, or NULL
 * when out of memory.  Uses p alone: on one thread at a time. */
static item *prepare_file(preparer *p, size_t i) {
  item *it = calloc(1, sizeof *it);
  if (!it) return NULL;
  const file *f = &p->fs->v[i];
  const char *path = it->path = f->path;
  it->i = i;
  bg_err err = {0};
  int named = bg_source_id(path, it->id, sizeof it->id) == BG_OK;
  if (named && id_seen(p->seen, i, it->id)) {
    it->dup = 1;
    return it;
  }
  if (strchr(path, '\n')) {
    it->line_break = 1;
    return it;
  }
  if (!named) {
    it->no_id = 1;
    return it;
  }
  it->shard = shard_of(it->id, p->nshards);
  it->fail = FAIL_READ;
  if (!realpath(path, it->abspath)) {
    say(&it->msg, "baogao-index: %s: %s\n", path, strerror(errno));
    return it;
  }
  if (!bg_utf8_valid(it->abspath, strlen(it->abspath), NULL)) {
    say(&it->msg,
        "baogao-index: %s: the file name is not valid UTF-8: "
        "rename the file\n",
        path);
    return it;
  }
  if (bg_source_read_flags(path, p->encoding, read_flags, &it->src, &err) !=
      BG_OK) {
    say(&it->msg, "baogao-index: %s\n", bg_err_msg(&err));
    return it;
  }
  it->fail = FAIL_NONE;
  it->bytes = it->src.len;
  if (it->src.len)
    it->text_hash = bg_fnv1a(BG_FNV_INIT, it->src.text, it->src.len);
  /* The options the text is indexed under: --encoding and the row. */
  it->row = manifest_row(p->ms, f);
  it->said = p->ms->said;
  p->ms->said = NULL;
  const char *encoding = p->encoding;
  char *row_str = it->row ? bg_manifest_row_string(it->row) : NULL;
  size_t opts_len =
      (encoding ? strlen(encoding) : 0) + (row_str ? strlen(row_str) : 0) + 16;
  char *opts = NULL;
  if ((it->row && !row_str) || !(opts = malloc(opts_len))) {
    free(row_str);
    say(&it->msg, "baogao-index: %s: out of memory\n", path);
    it->fail = FAIL_OPTS;
    return it;
  }
  snprintf(opts, opts_len, "%s%s%s", encoding ? encoding : "",
           row_str ? "|manifest|" : "", row_str ? row_str : "");
  free(row_str);
  it->hash = bg_index_hash_as(index_format, it->src.text, it->src.len, opts);
  free(opts);
  const hint *h = p->hints ? &p->hints[i] : NULL;
  if (!p->preps || (h && h->found && h->hash == it->hash && h->source &&
                    !strcmp(h->source, it->abspath)))
    return it;
  parse_item(it);
  if (it->fail) return it;
  bg_docmeta m = docmeta_of(it);
  if (bg_prep_report(p->preps[it->shard], it->r, &m, &it->prep, &err) !=
      BG_OK) {
    say(&it->msg, "baogao-index: %s: %s\n", path, bg_err_msg(&err));
    it->fail = FAIL_PREP;
  }
  it->bytes += it->src.len; /* the report's text, its document */
  return it;
}

/* Writes the file of it into the index, as prepared or by itself; returns
 * 1 when the index changed, 0 when not, -1 on a failure (reported). */
static int write_file(bg_index **shards, item *it, int verbose, stats *st) {
  const char *path = it->path;
  bg_err err = {0};
  char *old_source = NULL;
  int result = -1;
  if (it->line_break) return refuse_line_break(path);
  if (it->no_id) {
    fprintf(stderr, "baogao-index: %s: not a report file name\n", path);
    return -1;
  }
  bg_index *ix = shards[it->shard];
  if (it->fail == FAIL_READ) {
    fputs(it->msg, stderr);
    return -1;
  }
  warn_same_text(st, path, it->id, it->text_hash, it->src.len);
  if (it->said) fputs(it->said, stderr);
  if (it->fail == FAIL_OPTS) {
    fputs(it->msg, stderr);
    return -1;
  }
  int found = 0;
  uint64_t old_hash = 0;
  if (bg_index_lookup(ix, it->id, &found, &old_hash, &old_source, &err) !=
      BG_OK) {
    fprintf(stderr, "baogao-index: %s: %s\n", path, bg_err_msg(&err));
    goto cleanup;
  }
  if (found && old_hash == it->hash && !strcmp(old_source, it->abspath)) {
    st->unchanged++;
    if (verbose) fprintf(stderr, "  same %s\n", path);
    result = 0;
    goto cleanup;
  }
  if (found && strcmp(old_source, it->abspath) && old_source[0]) {
    struct stat sb;
    if (stat(old_source, &sb) == 0) {
      fprintf(stderr,
              "baogao-index: %s: report id '%s' is already taken by %s; "
              "rename one of them\n",
              path, it->id, old_source);
      goto cleanup;
    }
  }
  if (!it->parsed) parse_item(it);
  if (it->fail == FAIL_PARSE) {
    fputs(it->msg, stderr);
    goto cleanup;
  }
  const bg_report *r = it->r;
  if (!st->quiet && !r->year && is_clock_time(r->title))
    fprintf(stderr,
            "baogao-index: warning: %s does not look like a report: its title "
            "'%s' is a clock time and it has no year (indexed as '%s'; leave "
            "it out, or give its year in a manifest.tsv)\n",
            path, r->title, it->id);
  if (!st->quiet && it->src.dropped)
    fprintf(stderr,
            "baogao-index: warning: %s: %zu control character%s (NUL, escape "
            "and the like) dropped from the text\n",
            path, it->src.dropped, it->src.dropped == 1 ? "" : "s");
  bg_docmeta m = docmeta_of(it);
  if (it->fail == FAIL_PREP) {
    fputs(it->msg, stderr);
    goto cleanup;
  }
  if ((it->prep ? bg_index_put_prepared(ix, it->prep, &err)
                : bg_index_put(ix, r, &m, &err)) != BG_OK) {
    fprintf(stderr, "baogao-index: %s: %s\n", path, bg_err_msg(&err));
    goto cleanup;
  }
  st->paragraphs += r->npara;
  if (found)
    st->replaced++;
  else
    st->added++;
  if (verbose) {
    char year[16] = "?";
    if (r->year) snprintf(year, sizeof year, "%d", r->year);
    fprintf(stderr, "  %s %s (%s%s%s%s, %zu paragraphs, %s %s%s)\n",
            found ? "replace" : "add", path, m.format,
            it->src.gzip ? ".gz" : "", it->src.encoding[0] ? " " : "",
            it->src.encoding, r->npara, year, r->region[0] ? r->region : "?",
            it->row ? "; manifest" : "");
  }
  result = 1;
cleanup:
  free(old_source);
  return result;
}

/* ---- the pipeline: a worker thread prepares, the main thread writes ---- */

/* Files prepared ahead of the writer, at most: a few keep it busy while
 * bounding the memory they hold. */
#define QUEUE_ITEMS 4
#define QUEUE_BYTES (64u << 20)

/* The worker prepares files in order into a small queue; the writer
 * takes them in order.  Everything that touches the index or the output
 * stays on the writer (the main thread), so a run says and does what a
 * one-thread run does.  When the worker is gone (not started, or out of
 * memory), the writer prepares the rest itself. */
typedef struct pipeline {
  preparer p;
  pthread_t thread;
  int running; /* thread started and not joined */
  pthread_mutex_t mu;
  pthread_cond_t changed;
  item *q[QUEUE_ITEMS]; /* ring: head, count */
  size_t head, count, bytes;
  item *trash; /* written, for the worker to free (a Xapian document
                  takes a while to destroy) */
  size_t next; /* the next file the worker prepares */
  int done;    /* the worker prepared its last */
  int quit;    /* the writer wants no more */
} pipeline;

/* Frees a list of items. */
static void items_free(item *it) {
  while (it) {
    item *next = it->next;
    item_free(it);
    it = next;
  }
}

static void *worker(void *arg) {
  pipeline *pl = arg;
  for (;;) {
    pthread_mutex_lock(&pl->mu);
    size_t i = pl->next;
    int quit = pl->quit;
    item *trash = pl->trash;
    pl->trash = NULL;
    pthread_mutex_unlock(&pl->mu);
    items_free(trash);
    if (quit || i >= pl->p.fs->n) break;
    item *it = prepare_file(&pl->p, i);
    if (!it) break; /* the writer takes over from file i */
    pthread_mutex_lock(&pl->mu);
    while (!pl->quit && (pl->count == QUEUE_ITEMS ||
                         (pl->count && pl->bytes + it->bytes > QUEUE_BYTES)))
      pthread_cond_wait(&pl->changed, &pl->mu);
    if (pl->quit) {
      pthread_mutex_unlock(&pl->mu);
      item_free(it);
      break;
    }
    pl->q[(pl->head + pl->count++) % QUEUE_ITEMS] = it;
    pl->bytes += it->bytes;
    pl->next = i + 1;
    pthread_cond_broadcast(&pl->changed);
    pthread_mutex_unlock(&pl->mu);
  }
  pthread_mutex_lock(&pl->mu);
  pl->done = 1;
  pthread_cond_broadcast(&pl->changed);
  pthread_mutex_unlock(&pl->mu);
  return NULL;
}

/* Looks up what the index holds for each file's id, for the worker's
 * hints; NULL when the index is empty (nothing is unchanged) or out of
 * memory. */
static hint *look_up_hints(bg_index **shards, size_t nix, const files *fs) {
  int empty = 1;
  for (size_t k = 0; k < nix; k++)
    if (bg_index_doccount(shards[k]) > 0) empty = 0;
  hint *h = empty ? NULL : calloc(fs->n + 1, sizeof *h);
  if (!h) return NULL;
  for (size_t i = 0; i < fs->n && !stop_requested; i++) {
    char id[1024];
    bg_err err = {0};
    if (bg_source_id(fs->v[i].path, id, sizeof id) != BG_OK) continue;
    if (bg_index_lookup(shards[shard_of(id, nix)], id, &h[i].found, &h[i].hash,
                        &h[i].source, &err) != BG_OK)
      h[i].found = 0;
  }
  return h;
}

/* Starts the pipeline over fs: the worker, unless $BAOGAO_INDEX_THREADS
 * is 1 (one thread does everything, as bg_index_put() does, which the
 * fault-injection tests drive: bg_alloc_fail_at() is not for threads) or
 * it cannot start.  The folds and format of the shards are copied into
 * the worker's preparers now, before it starts. */
static void pipeline_start(pipeline *pl, bg_index **shards, size_t nix,
                           const files *fs, const options *o, manifests *ms) {
  memset(pl, 0, sizeof *pl);
  pl->p.fs = fs;
  pl->p.encoding = o->encoding;
  pl->p.ms = ms;
  pl->p.nshards = nix;
  pl->p.seen = calloc(fs->n + 1, sizeof *pl->p.seen);
  const char *threads = getenv("BAOGAO_INDEX_THREADS");
  if ((threads && atoi(threads) == 1) || fs->n < 2) return;
  bg_prep **preps = calloc(nix, sizeof *preps);
  int ok = preps != NULL;
  for (size_t k = 0; ok && k < nix; k++)
    ok = bg_prep_new(&preps[k], shards[k]) == BG_OK;
  if (ok) {
    pl->p.preps = preps;
    pl->p.hints = look_up_hints(shards, nix, fs);
    pthread_mutex_init(&pl->mu, NULL);
    pthread_cond_init(&pl->changed, NULL);
    /* Signals go to the main thread, which stops the run. */
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    pl->running = pthread_create(&pl->thread, NULL, worker, pl) == 0;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (pl->running) return;
    pthread_cond_destroy(&pl->changed);
    pthread_mutex_destroy(&pl->mu);
  }
  for (size_t k = 0; preps && k < nix; k++)
    bg_prep_free(preps[k]);
  free(preps);
  pl->p.preps = NULL;
}

/* Stops the worker and waits for it: after this, the writer prepares. */
static void pipeline_join(pipeline *pl) {
  if (!pl->running) return;
  pthread_mutex_lock(&pl->mu);
  pl->quit = 1;
  pthread_cond_broadcast(&pl->changed);
  pthread_mutex_unlock(&pl->mu);
  pthread_join(pl->thread, NULL);
  pl->running = 0;
  items_free(pl->trash);
  pl->trash = NULL;
  for (; pl->count; pl->count--, pl->head = (pl->head + 1) % QUEUE_ITEMS)
    item_free(pl->q[pl->head]);
  pthread_cond_destroy(&pl->changed);
  pthread_mutex_destroy(&pl->mu);
  for (size_t k = 0; pl->p.preps && k < pl->p.nshards; k++)
    bg_prep_free(pl->p.preps[k]);
  free(pl->p.preps);
  pl->p.preps = NULL;
}

/* The item of file i (the files are taken in order): the worker's, or
 * prepared here once the worker is gone; NULL when out of memory. */
static item *pipeline_take(pipeline *pl, size_t i) {
  if (pl->running) {
    pthread_mutex_lock(&pl->mu);
    while (!pl->count && !pl->done)
      pthread_cond_wait(&pl->changed, &pl->mu);
    item *it = NULL;
    if (pl->count) {
      it = pl->q[pl->head];
      pl->head = (pl->head + 1) % QUEUE_ITEMS;
      pl->count--;
      pl->bytes -= it->bytes;
      pthread_cond_broadcast(&pl->changed);
    }
    pthread_mutex_unlock(&pl->mu);
    if (it) return it;
    pipeline_join(pl); /* it stopped short: out of memory */
  }
  return prepare_file(&pl->p, i);
}

/* Frees it, written: on the worker while there is one. */
static void pipeline_done(pipeline *pl, item *it) {
  if (!pl->running) {
    item_free(it);
    return;
  }
  pthread_mutex_lock(&pl->mu);
  it->next = pl->trash;
  pl->trash = it;
  pthread_mutex_unlock(&pl->mu);
}

static void pipeline_free(pipeline *pl) {
  pipeline_join(pl);
  for (size_t i = 0; pl->p.hints && i < pl->p.fs->n; i++)
    free(pl->p.hints[i].source);
  free(pl->p.hints);
  for (size_t i = 0; pl->p.seen && i < pl->p.fs->n; i++)
    free(pl->p.seen[i]);
  free(pl->p.seen);
}

/* Indexes every file of fs into the shards, committing every
 * commit_docs reports, COMMIT_BYTES of files or COMMIT_SECONDS, whichever
 * comes first, so that a killed run keeps most of its work.  Stops early
 * on a signal.  Returns 1 when a commit failed (reported), else 0. */
static int index_files(bg_index **shards, size_t nix, const files *fs,
                       const options *o, manifests *ms, stats *st, int tty) {
  /* BAOGAO_COMMIT_DOCS lowers the commit interval (tests use it to kill
   * the indexer between commits). */
  size_t commit_docs = COMMIT_DOCS;
  const char *cd = getenv("BAOGAO_COMMIT_DOCS");
  if (cd && atoi(cd) > 0) commit_docs = (size_t)atoi(cd);
  size_t since_commit = 0;
  uint64_t bytes_since = 0;
  double last_commit = now_s();
  pipeline pl;
  pipeline_start(&pl, shards, nix, fs, o, ms);
  int fatal = 0;
  for (size_t i = 0; i < fs->n && !stop_requested && !fatal; i++) {
    item *it = pipeline_take(&pl, i);
    int r = -1;
    if (!it) {
      fprintf(stderr, "baogao-index: %s: out of memory\n", fs->v[i].path);
    } else if (it->dup) {
      /* Two files of the same id in one run: the second is an error. */
      fprintf(stderr,
              "baogao-index: %s: report id '%s' appears twice in this run; "
              "skipped\n",
              it->path, it->id);
      st->failed++;
      st->files_done++;
      item_free(it);
      continue;
    } else {
      if (tty) progress(st, it->id, 0);
      r = write_file(shards, it, o->verbose, st);
      pipeline_done(&pl, it);
    }
    if (r < 0) st->failed++;
    if (r > 0) {
      since_commit++;
      bytes_since += (uint64_t)fs->v[i].size;
    }
    st->files_done++;
    st->bytes_done += (uint64_t)fs->v[i].size;
    if (since_commit > 0 &&
        (since_commit >= commit_docs || bytes_since >= COMMIT_BYTES ||
         now_s() - last_commit >= COMMIT_SECONDS)) {
      fatal = commit_all(shards, nix);
      since_commit = 0;
      bytes_since = 0;
      last_commit = now_s();
    }
  }
  pipeline_free(&pl);
  if (tty) progress(st, "", 1);
  return fatal;
}

/* --prune: removes the reports whose file is gone.  Returns 1 when that
 * fails (reported), else 0. */
static int prune_gone(bg_index **shards, size_t nix, int verbose,
                      stats *st) {
  bg_err err = {0};
  int fatal = 0;
  for (size_t k = 0; k < nix && !fatal; k++) {
    prune_ctx pc = {0};
    bg_index *ix = shards[k];
    if (bg_index_each(ix, collect_gone, &pc, &err) != BG_OK) {
      fprintf(stderr, "baogao-index: prune: %s\n", bg_err_msg(&err));
      fatal = 1;
    }
    for (size_t i = 0; i < pc.n; i++) {
      if (!fatal && bg_index_remove(ix, pc.ids[i], &err) == BG_OK) {
        st->removed++;
        if (verbose) fprintf(stderr, "  remove %s (file gone)\n", pc.ids[i]);
      } else if (!fatal) {
        fprintf(stderr, "baogao-index: remove %s: %s\n", pc.ids[i],
                bg_err_msg(&err));
        fatal = 1;
      }
      free(pc.ids[i]);
    }
    free(pc.ids);
  }
  return fatal;
}

/* Compacts the shards when --compact asks, or by default when it pays:
 * after many changes, after the first build, or to finish a compaction a
 * kill interrupted.  Returns 1 when that fails (reported), else 0. */
static int compact_if_due(bg_index **shards, size_t nix, const options *o,
                          size_t changes, int was_empty, int tty) {
  /* Replicas copy a compacted database whole: while changesets are kept
   * for them (XAPIAN_MAX_CHANGESETS), only the first build compacts by
   * itself. */
  const char *mc = getenv("XAPIAN_MAX_CHANGESETS");
  int changesets = mc && atoi(mc) > 0;
  int resume = 0; /* a compaction a kill interrupted is done again */
  for (size_t k = 0; k < nix; k++)
    resume |= bg_index_compaction_interrupted(shards[k]);
  int do_compact =
      o->compact == 1 ||
      (o->compact == -1 && !stop_requested &&
       ((changes >= COMPACT_MIN_CHANGES && !changesets) ||
        (was_empty && changes) || resume));
  if (!do_compact) return 0;
  bg_err err = {0};
  int fatal = 0;
  if (tty) fprintf(stderr, "compacting...");
  for (size_t k = 0; k < nix && !fatal; k++)
    if (bg_index_compact(shards[k], &err) != BG_OK) {
      fprintf(stderr, "baogao-index: %s\n", bg_err_msg(&err));
      fatal = 1;
    }
  if (tty) fprintf(stderr, "\r\033[K");
  return fatal;
}

/* Closes the shards; *total counts the reports they hold.  Returns 1 when
 * one fails to close (reported while fatal is 0), else fatal. */
static int close_shards(bg_index **shards, size_t nix, uint32_t *total,
                        int fatal) {
  bg_err err = {0};
  *total = 0;
  for (size_t k = 0; k < nix; k++) {
    *total += bg_index_doccount(shards[k]);
    if (bg_index_close(shards[k], &err) != BG_OK && !fatal) {
      fprintf(stderr, "baogao-index: %s\n", bg_err_msg(&err));
      fatal = 1;
    }
  }
  return fatal;
}

/* As the README tells it: parse the options, collect the files, open the
 * shards, index the files with commits, prune, compact. */
int main(int argc, char **argv) {
  /* File names reach the terminal in messages: control bytes escaped. */
  FILE *escaped = bg_escape_stream(stderr);
  if (escaped) stderr = escaped;
  options o;
  int rc = parse_options(argc, argv, &o);
  if (rc >= 0) return rc;
  files fs = {0};
  int file_errors = 0;
  bg_index *shards[MAX_SHARDS] = {0};
  size_t nix = 0;
  if (collect_files(&o, &fs, &file_errors) != 0) {
    files_free(&fs);
    return 1;
  }
  if (open_shards(&o, shards, &nix) != 0) {
    files_free(&fs);
    return 2;
  }
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);

  int tty = isatty(STDERR_FILENO) && !o.quiet && !o.verbose;
  stats st = {0};
  manifests ms = {0};
  st.t0 = now_s();
  st.files_total = fs.n;
  st.quiet = o.quiet;
  st.texts = calloc(fs.n + 1, sizeof *st.texts);
  for (size_t i = 0; i < fs.n; i++)
    st.bytes_total += (uint64_t)fs.v[i].size;
  int was_empty = 1;
  for (size_t k = 0; k < nix; k++)
    if (bg_index_doccount(shards[k]) > 0) was_empty = 0;
  int fatal = index_files(shards, nix, &fs, &o, &ms, &st, tty);
  if (!fatal && !stop_requested && o.prune)
    fatal = prune_gone(shards, nix, o.verbose, &st);
  if (!fatal) fatal = commit_all(shards, nix);
  size_t changes = st.added + st.replaced + st.removed;
  if (!fatal) fatal = compact_if_due(shards, nix, &o, changes, was_empty, tty);
  file_errors += ms.errors;
  uint32_t total = 0;
  fatal = close_shards(shards, nix, &total, fatal);
  if ((tty || o.verbose) && !o.quiet)
    fprintf(stderr,
            "%zu added, %zu replaced, %zu unchanged, %zu removed, %zu failed; "
            "%u reports in %s (%.1f s)\n",
            st.added, st.replaced, st.unchanged, st.removed,
            st.failed + (size_t)file_errors, total, o.index_dir,
            now_s() - st.t0);
  for (size_t i = 0; i < st.ntexts; i++) free(st.texts[i].id);
  free(st.texts);
  files_free(&fs);
  manifests_free(&ms);
  if (stop_requested) {
    fprintf(stderr, "baogao-index: interrupted; the index holds every report "
                    "indexed so far, run again to finish\n");
    return 130;
  }
  if (fatal) return 2;
  return st.failed || file_errors ? 1 : 0;
}
