/*
 * test_exact.c - search is exact: every answer of bg_search() compared with
 * a brute-force reference over the same reports.
 *
 * The real baogao-index builds an index in a fresh folder from corpus/ and,
 * when ../shared/corpus is there, from its top-level *.txt reports.  The
 * test reads the same files itself (bg_source_read, bg_report_parse,
 * bg_units_tokenize per paragraph, as the indexer does) and keeps every
 * paragraph's units, interned, with their source code-point ranges and a
 * posting list per unit: the brute force finds a phrase by checking every
 * position of one of its units.
 *
 * It then draws random queries -- substrings of paragraphs written back as
 * the source text that holds them (full-width forms, spaces and all),
 * phrases joined across punctuation, pieces of multi-digit numbers,
 * strings glued from two paragraphs, the end of one paragraph with the
 * start of the next, runs of a repeated unit, CJK bigrams, respellings
 * (full-width, capitals, spaces and zero-width characters between units),
 * and AND / OR / NOT combinations with year:, region: and report: filters
 * (a report of unknown year passes no year filter) -- and checks for
 * each: the exact set of (report, paragraph) hits, total, reports and
 * occurrences, the order asked for, each hit's text byte for byte and its
 * matches, which must be every occurrence of every positive phrase as
 * [src_start of its first unit, src_end of its last unit), sorted and
 * without duplicates.  A sample of the queries also goes through the real
 * `baogao --json search ... --all`, which must give the same hits.
 *
 * Environment: BAOGAO_SEED (default 20240601) and BAOGAO_EXACT_QUERIES
 * (default 3000) make a run reproducible and sized; BAOGAO_EXACT_VERBOSE=1
 * prints every query; BAOGAO_KEEP_INDEX=1 keeps the index folder.
 */
/* cmocka.h needs these first, in this order */
// clang-format off
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
// clang-format on

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "query.h"
#include "report.h"
#include "search.h"
#include "source.h"
#include "units.h"

#ifndef BAOGAO_INDEX_BIN
#error "BAOGAO_INDEX_BIN must name the baogao-index program"
#endif
#ifndef BAOGAO_CLI_BIN
#error "BAOGAO_CLI_BIN must name the baogao program"
#endif

#define DEFAULT_SEED 20240601u
#define DEFAULT_QUERIES 3000
#define CLI_QUERIES 20
#define MAX_REPORTED 25 /* mismatches printed in full */
#define MAX_PHRASES 6
#define MAX_NODES 16

/* ---- small helpers ------------------------------------------------------ */

static void *xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) {
    fprintf(stderr, "out of memory\n");
    exit(2);
  }
  return p;
}

static void *xcalloc(size_t n, size_t size) {
  void *p = calloc(n ? n : 1, size ? size : 1);
  if (!p) {
    fprintf(stderr, "out of memory\n");
    exit(2);
  }
  return p;
}

static void *xrealloc(void *p, size_t n) {
  p = realloc(p, n ? n : 1);
  if (!p) {
    fprintf(stderr, "out of memory\n");
    exit(2);
  }
  return p;
}

static char *xstrdup(const char *s) {
  size_t n = strlen(s) + 1;
  return memcpy(xmalloc(n), s, n);
}

/* Grows *p (of *cap elements of size bytes) to hold need elements. */
static void grow(void **p, size_t *cap, size_t need, size_t size) {
  if (need <= *cap) return;
  size_t nc = *cap ? *cap : 16;
  while (nc < need)
    nc *= 2;
  *p = xrealloc(*p, nc * size);
  *cap = nc;
}

/* A growing NUL-terminated byte string. */
typedef struct sbuf {
  char *s;
  size_t n, cap;
} sbuf;

static void sb_add(sbuf *b, const char *s, size_t n) {
  grow((void **)&b->s, &b->cap, b->n + n + 1, 1);
  memcpy(b->s + b->n, s, n);
  b->n += n;
  b->s[b->n] = '\0';
}

static void sb_addz(sbuf *b, const char *s) {
  sb_add(b, s, strlen(s));
}

static void sb_printf(sbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void sb_printf(sbuf *b, const char *fmt, ...) {
  char tmp[256];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  if (n > 0)
    sb_add(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

static void sb_clear(sbuf *b) {
  b->n = 0;
  if (b->s) b->s[0] = '\0';
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* splitmix64: small, seedable, the same everywhere. */
static uint64_t rng_state;

static uint64_t rnd(void) {
  uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

static size_t rnd_below(size_t n) {
  return n ? (size_t)(rnd() % n) : 0;
}

static int chance(unsigned percent) {
  return rnd_below(100) < percent;
}

static unsigned long env_ulong(const char *name, unsigned long dflt) {
  const char *v = getenv(name);
  if (!v || !*v) return dflt;
  char *end;
  errno = 0;
  unsigned long x = strtoul(v, &end, 0);
  if (errno || *end) {
    fprintf(stderr, "%s=%s is not a number; using %lu\n", name, v, dflt);
    return dflt;
  }
  return x;
}

/* The CJK ranges of the contract (as oracle/units.py has them). */
static int is_cjk(uint32_t c) {
  return (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x323AF) ||
         c == 0x3005 || c == 0x3007 || c == 0x303B ||
         (c >= 0x3040 && c <= 0x30FF) || (c >= 0x31F0 && c <= 0x31FF) ||
         (c >= 0xAC00 && c <= 0xD7AF) || (c >= 0x1100 && c <= 0x11FF) ||
         (c >= 0x3130 && c <= 0x318F);
}

/* Removes path and everything under it (no symbolic links are followed). */
static void remove_tree(const char *path) {
  struct stat st;
  if (lstat(path, &st) != 0) return;
  if (S_ISDIR(st.st_mode)) {
    DIR *d = opendir(path);
    if (d) {
      struct dirent *e;
      while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        size_t n = strlen(path) + strlen(e->d_name) + 2;
        char *p = xmalloc(n);
        snprintf(p, n, "%s/%s", path, e->d_name);
        remove_tree(p);
        free(p);
      }
      closedir(d);
    }
    rmdir(path);
  } else {
    unlink(path);
  }
}

/* ---- the reference ------------------------------------------------------ */

enum { K_CJK = 0, K_ALNUM = 1, K_OTHER = 2 };

typedef struct ref_report {
  char *path;
  char *id;
  bg_report *rep;
  size_t first_para; /* global index of paragraph 1 */
} ref_report;

typedef struct ref_para {
  uint32_t report;  /* index into reports */
  uint32_t num;     /* 1-based paragraph number */
  const char *text; /* borrowed from the report */
  size_t len;
  size_t first_unit; /* global index of its first unit */
  size_t nunits;
} ref_para;

typedef struct ref {
  ref_report *rep;
  size_t nrep, repcap;
  size_t *by_id; /* report indices in id order */
  ref_para *para;
  size_t npara, paracap;
  /* every unit of every paragraph, in order */
  uint32_t *uid, *ustart, *uend, *upara;
  size_t nu, ucap;
  /* interned unit strings */
  char **istr;
  uint32_t *ilen;
  uint8_t *ikind;
  size_t nids, idcap;
  uint32_t *slots; /* id + 1, 0 = empty */
  size_t nslots;
  /* postings: positions of id i are post[post_off[i] .. post_off[i+1]) */
  uint32_t *post_off, *post;
  /* positions the generators start from */
  uint32_t *punct_pos, *num_pos, *cjk_pos, *rep_pos;
  size_t npunct, nnum, ncjk, nrepeat, punctcap, numcap, cjkcap, rptcap;
} ref;

static uint64_t fnv(const char *s, size_t n) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (size_t i = 0; i < n; i++) {
    h ^= (unsigned char)s[i];
    h *= 0x100000001b3ULL;
  }
  return h;
}

/* The id of a unit string, or UINT32_MAX when no paragraph has it. */
static uint32_t ref_lookup(const ref *R, const char *s, size_t n) {
  if (!R->nslots) return UINT32_MAX;
  size_t mask = R->nslots - 1;
  for (size_t h = fnv(s, n) & mask;; h = (h + 1) & mask) {
    uint32_t v = R->slots[h];
    if (!v) return UINT32_MAX;
    if (R->ilen[v - 1] == n && !memcmp(R->istr[v - 1], s, n)) return v - 1;
  }
}

static void slots_insert(ref *R, uint32_t id) {
  size_t mask = R->nslots - 1;
  size_t h = fnv(R->istr[id], R->ilen[id]) & mask;
  while (R->slots[h])
    h = (h + 1) & mask;
  R->slots[h] = id + 1;
}

static uint32_t ref_intern(ref *R, const char *s, size_t n, int kind) {
  uint32_t id = ref_lookup(R, s, n);
  if (id != UINT32_MAX) return id;
  if ((R->nids + 1) * 2 > R->nslots) {
    size_t ns = R->nslots ? R->nslots * 2 : 1024;
    free(R->slots);
    R->slots = xcalloc(ns, sizeof *R->slots);
    R->nslots = ns;
    for (size_t i = 0; i < R->nids; i++)
      slots_insert(R, (uint32_t)i);
  }
  size_t cap = R->idcap;
  grow((void **)&R->istr, &cap, R->nids + 1, sizeof *R->istr);
  cap = R->idcap;
  grow((void **)&R->ilen, &cap, R->nids + 1, sizeof *R->ilen);
  cap = R->idcap;
  grow((void **)&R->ikind, &cap, R->nids + 1, sizeof *R->ikind);
  R->idcap = cap;
  id = (uint32_t)R->nids++;
  R->istr[id] = xmalloc(n + 1);
  memcpy(R->istr[id], s, n);
  R->istr[id][n] = '\0';
  R->ilen[id] = (uint32_t)n;
  R->ikind[id] = (uint8_t)kind;
  slots_insert(R, id);
  return id;
}

static void push_pos(uint32_t **v, size_t *n, size_t *cap, uint32_t x) {
  grow((void **)v, cap, *n + 1, sizeof **v);
  (*v)[(*n)++] = x;
}

/* Reads one report file the way the indexer does and adds its paragraphs. */
static void ref_add_file(ref *R, bg_units *u, const char *path) {
  char id[1024];
  if (bg_source_id(path, id, sizeof id) != BG_OK)
    fail_msg("%s: not a report file name", path);
  for (size_t i = 0; i < R->nrep; i++)
    if (!strcmp(R->rep[i].id, id)) {
      printf("note: %s: report id %s seen before; the indexer skips it too\n",
             path, id);
      return;
    }
  bg_source src = {0};
  bg_err err = {0};
  if (bg_source_read(path, NULL, &src, &err) != BG_OK)
    fail_msg("reading %s: %s", path, bg_err_msg(&err));
  bg_report *rp = NULL;
  int rc = bg_report_parse(id, src.text, src.len, src.format, &rp, &err);
  bg_source_free(&src);
  if (rc != BG_OK) fail_msg("parsing %s: %s", path, bg_err_msg(&err));

  grow((void **)&R->rep, &R->repcap, R->nrep + 1, sizeof *R->rep);
  ref_report *rr = &R->rep[R->nrep];
  rr->path = xstrdup(path);
  rr->id = xstrdup(id);
  rr->rep = rp;
  rr->first_para = R->npara;
  for (size_t p = 0; p < rp->npara; p++) {
    grow((void **)&R->para, &R->paracap, R->npara + 1, sizeof *R->para);
    ref_para *pp = &R->para[R->npara];
    pp->report = (uint32_t)R->nrep;
    pp->num = (uint32_t)(p + 1);
    pp->text = rp->text + rp->para[p].off;
    pp->len = rp->para[p].len;
    pp->first_unit = R->nu;
    assert_int_equal(bg_units_tokenize(u, pp->text, pp->len), BG_OK);
    pp->nunits = u->n;
    size_t need = R->nu + u->n, cap = R->ucap;
    grow((void **)&R->uid, &cap, need, sizeof *R->uid);
    cap = R->ucap;
    grow((void **)&R->ustart, &cap, need, sizeof *R->ustart);
    cap = R->ucap;
    grow((void **)&R->uend, &cap, need, sizeof *R->uend);
    cap = R->ucap;
    grow((void **)&R->upara, &cap, need, sizeof *R->upara);
    R->ucap = cap;
    for (size_t i = 0; i < u->n; i++) {
      const char *s = bg_units_text(u, i);
      size_t n = u->u[i].len, k = 0;
      int kind = bg_units_is_alnum(u, i)          ? K_ALNUM
                 : is_cjk(bg_utf8_next(s, n, &k)) ? K_CJK
                                                  : K_OTHER;
      uint32_t g = (uint32_t)R->nu;
      R->uid[g] = ref_intern(R, s, n, kind);
      R->ustart[g] = u->u[i].src_start;
      R->uend[g] = u->u[i].src_end;
      R->upara[g] = (uint32_t)R->npara;
      R->nu++;
      if (kind == K_OTHER && i > 0 && i + 1 < u->n)
        push_pos(&R->punct_pos, &R->npunct, &R->punctcap, g);
      if (kind == K_ALNUM && u->u[i].src_end - u->u[i].src_start >= 2)
        push_pos(&R->num_pos, &R->nnum, &R->numcap, g);
      if (kind == K_CJK) push_pos(&R->cjk_pos, &R->ncjk, &R->cjkcap, g);
      if (i > 0 && R->uid[g] == R->uid[g - 1])
        push_pos(&R->rep_pos, &R->nrepeat, &R->rptcap, g - 1);
    }
    R->npara++;
  }
  R->nrep++;
}

static const ref *cmp_ref; /* qsort has no context argument in C11 */

static int cmp_by_id(const void *a, const void *b) {
  return strcmp(cmp_ref->rep[*(const size_t *)a].id,
                cmp_ref->rep[*(const size_t *)b].id);
}

/* Builds the id order and the posting lists once every file is in. */
static void ref_finish(ref *R) {
  R->by_id = xcalloc(R->nrep, sizeof *R->by_id);
  for (size_t i = 0; i < R->nrep; i++)
    R->by_id[i] = i;
  cmp_ref = R;
  qsort(R->by_id, R->nrep, sizeof *R->by_id, cmp_by_id);
  R->post_off = xcalloc(R->nids + 1, sizeof *R->post_off);
  for (size_t g = 0; g < R->nu; g++)
    R->post_off[R->uid[g] + 1]++;
  for (size_t i = 0; i < R->nids; i++)
    R->post_off[i + 1] += R->post_off[i];
  R->post = xcalloc(R->nu, sizeof *R->post);
  uint32_t *fill = xcalloc(R->nids + 1, sizeof *fill);
  memcpy(fill, R->post_off, (R->nids + 1) * sizeof *fill);
  for (size_t g = 0; g < R->nu; g++)
    R->post[fill[R->uid[g]]++] = (uint32_t)g;
  free(fill);
}

/* The report with the given id, or -1. */
static long ref_find_report(const ref *R, const char *id) {
  size_t lo = 0, hi = R->nrep;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    int c = strcmp(R->rep[R->by_id[mid]].id, id);
    if (c == 0) return (long)R->by_id[mid];
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return -1;
}

static void ref_free(ref *R) {
  for (size_t i = 0; i < R->nrep; i++) {
    free(R->rep[i].path);
    free(R->rep[i].id);
    bg_report_free(R->rep[i].rep);
  }
  for (size_t i = 0; i < R->nids; i++)
    free(R->istr[i]);
  free(R->rep);
  free(R->by_id);
  free(R->para);
  free(R->uid);
  free(R->ustart);
  free(R->uend);
  free(R->upara);
  free(R->istr);
  free(R->ilen);
  free(R->ikind);
  free(R->slots);
  free(R->post_off);
  free(R->post);
  free(R->punct_pos);
  free(R->num_pos);
  free(R->cjk_pos);
  free(R->rep_pos);
  memset(R, 0, sizeof *R);
}

/* ---- files and the index ------------------------------------------------ */

typedef struct strv {
  char **v;
  size_t n, cap;
} strv;

static void strv_push(strv *s, const char *x) {
  grow((void **)&s->v, &s->cap, s->n + 1, sizeof *s->v);
  s->v[s->n++] = xstrdup(x);
}

static void strv_free(strv *s) {
  for (size_t i = 0; i < s->n; i++)
    free(s->v[i]);
  free(s->v);
  memset(s, 0, sizeof *s);
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names the indexer passes over in a folder walk. */
static int skipped_name(const char *name) {
  static const char *const skip[] = {"readme", "license", "changelog",
                                     "copying", "manifest"};
  if (name[0] == '.') return 1;
  for (size_t i = 0; i < sizeof skip / sizeof *skip; i++)
    if (!strncasecmp(name, skip[i], strlen(skip[i]))) return 1;
  return 0;
}

/* The sorted entries of a folder (no dot files). */
static void list_dir(const char *dir, strv *out) {
  DIR *d = opendir(dir);
  if (!d) return;
  struct dirent *e;
  while ((e = readdir(d)) != NULL)
    if (e->d_name[0] != '.') strv_push(out, e->d_name);
  closedir(d);
  if (out->n) qsort(out->v, out->n, sizeof *out->v, cmp_str);
}

/* Report files under dir, recursively, in the indexer's order. */
static void walk(const char *dir, strv *files) {
  strv names = {0};
  list_dir(dir, &names);
  for (size_t i = 0; i < names.n; i++) {
    size_t n = strlen(dir) + strlen(names.v[i]) + 2;
    char *p = xmalloc(n);
    snprintf(p, n, "%s/%s", dir, names.v[i]);
    struct stat st, lst;
    if (stat(p, &st) == 0) {
      if (S_ISDIR(st.st_mode)) {
        if (lstat(p, &lst) == 0 && !S_ISLNK(lst.st_mode)) walk(p, files);
      } else if (S_ISREG(st.st_mode) && bg_source_format(p) != BG_FMT_NONE &&
                 !skipped_name(names.v[i])) {
        strv_push(files, p);
      }
    }
    free(p);
  }
  strv_free(&names);
}

/* Runs argv[0] with argv and waits; returns its exit status, or -1. */
static int run_program(char *const argv[]) {
  fflush(stdout);
  fflush(stderr);
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    execv(argv[0], argv);
    fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
    _exit(127);
  }
  int status;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

typedef struct fixture {
  char tmp[512];
  char index[600];
  ref R;
  bg_reader *reader;
  int shared; /* the shared corpus is in */
} fixture;

static int setup(void **state) {
  fixture *fx = xcalloc(1, sizeof *fx);
  const char *tmpdir = getenv("TMPDIR");
  if (!tmpdir || !*tmpdir) tmpdir = "/tmp";
  snprintf(fx->tmp, sizeof fx->tmp, "%s/baogao-test-exact-XXXXXX", tmpdir);
  if (!mkdtemp(fx->tmp)) {
    fprintf(stderr, "mkdtemp %s: %s\n", fx->tmp, strerror(errno));
    free(fx);
    return -1;
  }
  snprintf(fx->index, sizeof fx->index, "%s/index", fx->tmp);

  /* The files: corpus/ walked like the indexer walks it, then the shared
   * reports (top level only) named one by one. */
  strv files = {0}, shared = {0};
  walk(BAOGAO_SOURCE_DIR "/corpus", &files);
  size_t own = files.n;
  const char *sdir = BAOGAO_SHARED_DIR "/corpus";
  struct stat st;
  if (stat(sdir, &st) == 0 && S_ISDIR(st.st_mode)) {
    list_dir(sdir, &shared);
    for (size_t i = 0; i < shared.n; i++) {
      size_t n = strlen(shared.v[i]);
      if (n < 4 || strcmp(shared.v[i] + n - 4, ".txt")) continue;
      char p[4096];
      snprintf(p, sizeof p, "%s/%s", sdir, shared.v[i]);
      if (stat(p, &st) == 0 && S_ISREG(st.st_mode)) strv_push(&files, p);
    }
    fx->shared = 1;
  } else {
    printf("shared corpus %s not found: skipping the shared reports, "
           "testing corpus/ only\n",
           sdir);
  }
  strv_free(&shared);

  /* The index, by the real indexer. */
  double t0 = now_s();
  char **argv = xcalloc(files.n - own + 6, sizeof *argv);
  size_t a = 0;
  argv[a++] = BAOGAO_INDEX_BIN;
  argv[a++] = "--index";
  argv[a++] = fx->index;
  argv[a++] = "-q";
  argv[a++] = BAOGAO_SOURCE_DIR "/corpus";
  for (size_t i = own; i < files.n; i++)
    argv[a++] = files.v[i];
  argv[a] = NULL;
  int rc = run_program(argv);
  free(argv);
  if (rc != 0) {
    fprintf(stderr, "%s exited with status %d\n", BAOGAO_INDEX_BIN, rc);
    strv_free(&files);
    remove_tree(fx->tmp);
    free(fx);
    return -1;
  }
  double t1 = now_s();

  /* The reference. */
  bg_units u;
  bg_units_init(&u);
  for (size_t i = 0; i < files.n; i++)
    ref_add_file(&fx->R, &u, files.v[i]);
  bg_units_reset(&u);
  ref_finish(&fx->R);
  strv_free(&files);
  printf("indexed %zu reports in %.1f s; reference: %zu paragraphs, %zu "
         "units, %zu distinct, loaded in %.1f s\n",
         fx->R.nrep, t1 - t0, fx->R.npara, fx->R.nu, fx->R.nids, now_s() - t1);

  bg_err err = {0};
  if (bg_reader_open(&fx->reader, fx->index, &err) != BG_OK) {
    fprintf(stderr, "bg_reader_open %s: %s\n", fx->index, bg_err_msg(&err));
    ref_free(&fx->R);
    remove_tree(fx->tmp);
    free(fx);
    return -1;
  }
  *state = fx;
  return 0;
}

static int teardown(void **state) {
  fixture *fx = *state;
  if (!fx) return 0;
  bg_reader_close(fx->reader);
  ref_free(&fx->R);
  if (env_ulong("BAOGAO_KEEP_INDEX", 0))
    printf("index kept in %s\n", fx->index);
  else
    remove_tree(fx->tmp);
  free(fx);
  return 0;
}

/* ---- queries and their brute-force answer ------------------------------- */

enum { Q_PHRASE, Q_AND, Q_OR, Q_NOT, Q_YEAR, Q_REPORT, Q_REGION };

typedef struct qnode {
  int kind;
  int kid[4];
  int nkids;
  int ph;       /* PHRASE: index into phrases */
  int lo, hi;   /* YEAR */
  int neg_dash; /* NOT: written '-' (else NOT) */
  size_t rep;   /* REPORT, REGION: a report (its id, its region) */
} qnode;

typedef struct phrase {
  char *raw; /* the phrase as written between quotes */
  size_t rawlen;
  int quoted;
  uint32_t *ids; /* its units, interned */
  size_t n;
  int absent;          /* some unit is in no paragraph */
  int positive;        /* under an even number of NOTs */
  size_t from, from_n; /* cut from these units (global), or SIZE_MAX */
  uint32_t *occ;       /* global unit positions where it starts */
  size_t nocc, occcap;
} phrase;

typedef struct query {
  const char *kind; /* generator, for messages */
  qnode node[MAX_NODES];
  int nnodes, root;
  phrase ph[MAX_PHRASES];
  int nph;
  sbuf text;
  int bad; /* the generator could not make it; draw again */
} query;

static void query_reset(query *q) {
  for (int i = 0; i < q->nph; i++) {
    free(q->ph[i].raw);
    free(q->ph[i].ids);
    free(q->ph[i].occ);
  }
  sbuf t = q->text;
  sb_clear(&t);
  memset(q, 0, sizeof *q);
  q->text = t;
}

static int new_node(query *q, int kind) {
  if (q->nnodes == MAX_NODES) {
    q->bad = 1;
    return 0;
  }
  qnode *n = &q->node[q->nnodes];
  memset(n, 0, sizeof *n);
  n->kind = kind;
  return q->nnodes++;
}

static void add_kid(query *q, int parent, int kid) {
  qnode *p = &q->node[parent];
  if (p->nkids < 4) p->kid[p->nkids++] = kid;
}

/* A phrase node over raw[0, n) (taken over); NULL raw marks a failed draw. */
static int phrase_node(query *q, char *raw, size_t n) {
  if (!raw || q->nph == MAX_PHRASES) {
    free(raw);
    q->bad = 1;
    return new_node(q, Q_PHRASE);
  }
  int id = new_node(q, Q_PHRASE);
  phrase *p = &q->ph[q->nph];
  memset(p, 0, sizeof *p);
  p->raw = raw;
  p->rawlen = n;
  p->from = SIZE_MAX;
  q->node[id].ph = q->nph++;
  return id;
}

/* The source text of units [s, e] of one paragraph (global positions). */
static char *source_of(const ref *R, size_t s, size_t e, size_t *len) {
  const ref_para *p = &R->para[R->upara[s]];
  size_t b0 = bg_utf8_offset(p->text, p->len, R->ustart[s]);
  size_t b1 = bg_utf8_offset(p->text, p->len, R->uend[e]);
  char *out = xmalloc(b1 - b0 + 1);
  memcpy(out, p->text + b0, b1 - b0);
  out[b1 - b0] = '\0';
  *len = b1 - b0;
  return out;
}

static char *concat(char *a, size_t an, char *b, size_t bn, size_t *len) {
  char *out = xmalloc(an + bn + 1);
  memcpy(out, a, an);
  memcpy(out + an, b, bn);
  out[an + bn] = '\0';
  free(a);
  free(b);
  *len = an + bn;
  return out;
}

/* A phrase text is usable when it can stand between quotes. */
static char *usable(char *s, const size_t *n) {
  if (memchr(s, '"', *n) || memchr(s, '\0', *n)) {
    free(s);
    return NULL;
  }
  return s;
}

/* A random substring of lo..hi units of one paragraph, as source text. */
static char *gen_substring(const ref *R, size_t lo, size_t hi, size_t *len,
                           size_t *at, size_t *nunits) {
  size_t g = rnd_below(R->nu);
  const ref_para *p = &R->para[R->upara[g]];
  size_t n = lo + rnd_below(hi - lo + 1);
  if (n > p->nunits) n = p->nunits;
  size_t end = p->first_unit + p->nunits;
  size_t s = g + n > end ? end - n : g;
  if (at) *at = s;
  if (nunits) *nunits = n;
  return usable(source_of(R, s, s + n - 1, len), len);
}

/* Substring lengths: mostly 3..12 units; 1 and 2 units are rarer, since
 * they hit thousands of paragraphs and are the slow queries. */
static size_t draw_length(void) {
  size_t r = rnd_below(100);
  if (r < 3) return 1;
  if (r < 10) return 2;
  return 3 + rnd_below(10);
}

/* Units around a punctuation unit, without it: 发展，经济 -> 发展经济. */
static char *gen_join(const ref *R, size_t *len) {
  if (!R->npunct) return NULL;
  size_t g = R->punct_pos[rnd_below(R->npunct)];
  const ref_para *p = &R->para[R->upara[g]];
  size_t first = p->first_unit, end = first + p->nunits;
  size_t k1 = 1 + rnd_below(3), k2 = 1 + rnd_below(3);
  if (g - first < k1) k1 = g - first;
  if (end - g - 1 < k2) k2 = end - g - 1;
  size_t an, bn;
  char *a = source_of(R, g - k1, g - 1, &an);
  char *b = source_of(R, g + 1, g + k2, &bn);
  char *s = concat(a, an, b, bn, len);
  return usable(s, len);
}

/* A piece of a multi-code-point letter/digit unit with its neighbours:
 * 4亿 where the text has 14亿, or 第1 where it has 第12. */
static char *gen_numsplit(const ref *R, size_t *len) {
  if (!R->nnum) return NULL;
  size_t g = R->num_pos[rnd_below(R->nnum)];
  const ref_para *p = &R->para[R->upara[g]];
  size_t first = p->first_unit, end = first + p->nunits;
  uint32_t cs = R->ustart[g], ce = R->uend[g];
  uint32_t cut = cs + 1 + (uint32_t)rnd_below(ce - cs - 1);
  size_t bcut = bg_utf8_offset(p->text, p->len, cut);
  size_t k = rnd_below(4), b0, b1;
  if (chance(50)) { /* the tail of the unit, then up to k units */
    size_t last = g + k < end ? g + k : end - 1;
    b0 = bcut;
    b1 = bg_utf8_offset(p->text, p->len, R->uend[last]);
  } else { /* up to k units, then the head of the unit */
    size_t s = g - first < k ? first : g - k;
    b0 = bg_utf8_offset(p->text, p->len, R->ustart[s]);
    b1 = bcut;
  }
  char *out = xmalloc(b1 - b0 + 1);
  memcpy(out, p->text + b0, b1 - b0);
  out[b1 - b0] = '\0';
  *len = b1 - b0;
  return usable(out, len);
}

/* Two pieces of two random paragraphs glued together (rarely present). */
static char *gen_cross(const ref *R, size_t *len) {
  size_t an, bn;
  char *a = gen_substring(R, 1, 4, &an, NULL, NULL);
  char *b = gen_substring(R, 1, 4, &bn, NULL, NULL);
  if (!a || !b) {
    free(a);
    free(b);
    return NULL;
  }
  return concat(a, an, b, bn, len);
}

/* The end of one paragraph and the start of the next: a phrase must not
 * run across paragraphs. */
static char *gen_straddle(const ref *R, size_t *len) {
  size_t p = rnd_below(R->npara);
  if (p + 1 >= R->npara || R->para[p].report != R->para[p + 1].report ||
      !R->para[p].nunits || !R->para[p + 1].nunits)
    return NULL;
  const ref_para *a = &R->para[p], *b = &R->para[p + 1];
  size_t k1 = 1 + rnd_below(3), k2 = 1 + rnd_below(3), an, bn;
  if (k1 > a->nunits) k1 = a->nunits;
  if (k2 > b->nunits) k2 = b->nunits;
  char *x = source_of(R, a->first_unit + a->nunits - k1,
                      a->first_unit + a->nunits - 1, &an);
  char *y = source_of(R, b->first_unit, b->first_unit + k2 - 1, &bn);
  char *out = concat(x, an, y, bn, len);
  return usable(out, len);
}

/* A run of a repeated unit (……, ——, 哈哈), so occurrences overlap. */
static char *gen_repeat(const ref *R, size_t *len) {
  if (!R->nrepeat) return NULL;
  size_t g = R->rep_pos[rnd_below(R->nrepeat)];
  const ref_para *p = &R->para[R->upara[g]];
  size_t end = p->first_unit + p->nunits, n = 1 + rnd_below(4);
  if (g > p->first_unit && chance(30)) g--;
  if (g + n > end) n = end - g;
  return usable(source_of(R, g, g + n - 1, len), len);
}

/* Two CJK characters: seen in the corpus, or any from U+4E00..U+9FFF. */
static char *gen_bigram(const ref *R, size_t *len) {
  char *out = xmalloc(16);
  size_t n = 0;
  for (int i = 0; i < 2; i++) {
    if (R->ncjk && chance(70)) {
      size_t g = R->cjk_pos[rnd_below(R->ncjk)];
      size_t l;
      char *s = source_of(R, g, g, &l);
      if (l > 7) l = 0;
      memcpy(out + n, s, l);
      n += l;
      free(s);
    } else {
      n += bg_utf8_put(out + n,
                       0x4E00 + (uint32_t)rnd_below(0x9FFF - 0x4E00 + 1));
    }
  }
  out[n] = '\0';
  *len = n;
  if (n == 0) {
    free(out);
    return NULL;
  }
  return out;
}

/* Notes where a phrase was cut from, to check that it reads back as the
 * same units. */
static int cut_from(query *q, int id, size_t at, size_t n) {
  if (!q->bad && q->node[id].kind == Q_PHRASE) {
    q->ph[q->node[id].ph].from = at;
    q->ph[q->node[id].ph].from_n = n;
  }
  return id;
}

static int substring_node(query *q, const ref *R, size_t lo, size_t hi,
                          size_t *at) {
  size_t n, s, nu;
  char *t = gen_substring(R, lo, hi, &n, &s, &nu);
  if (at) *at = s;
  return cut_from(q, phrase_node(q, t, n), s, nu);
}

/* A phrase from the same paragraph as global unit position at. */
static int near_node(query *q, const ref *R, size_t at, size_t lo, size_t hi) {
  const ref_para *p = &R->para[R->upara[at]];
  size_t n = lo + rnd_below(hi - lo + 1);
  if (n > p->nunits) n = p->nunits;
  size_t s = p->first_unit + rnd_below(p->nunits - n + 1), len;
  char *t = usable(source_of(R, s, s + n - 1, &len), &len);
  return cut_from(q, phrase_node(q, t, len), s, n);
}

static size_t random_report(const ref *R, int with_year) {
  for (int tries = 0; tries < 100; tries++) {
    size_t r = rnd_below(R->nrep);
    if (!with_year || R->rep[r].rep->year) return r;
  }
  return 0;
}

static int year_node(query *q, int lo, int hi) {
  if (hi == 0) q->bad = 1; /* no report with a known year was drawn */
  int n = new_node(q, Q_YEAR);
  q->node[n].lo = lo;
  q->node[n].hi = hi;
  return n;
}

static int not_node(query *q, int kid) {
  int n = new_node(q, Q_NOT);
  q->node[n].neg_dash = chance(70);
  add_kid(q, n, kid);
  return n;
}

static int op_node(query *q, int kind, int a, int b) {
  int n = new_node(q, kind);
  add_kid(q, n, a);
  add_kid(q, n, b);
  return n;
}

/* Draws one query. */
static void gen_query(query *q, const ref *R) {
  size_t r = rnd_below(100), at = 0, n = 0;
  char *s;
  if (r < 58) {
    q->kind = "substring";
    size_t len = draw_length();
    q->root = substring_node(q, R, len, len, &at);
  } else if (r < 66) {
    q->kind = "join";
    s = gen_join(R, &n);
    q->root = phrase_node(q, s, n);
  } else if (r < 74) {
    q->kind = "number";
    s = gen_numsplit(R, &n);
    q->root = phrase_node(q, s, n);
  } else if (r < 76) {
    q->kind = "straddle";
    s = gen_straddle(R, &n);
    q->root = phrase_node(q, s, n);
  } else if (r < 78) {
    q->kind = "repeat";
    s = gen_repeat(R, &n);
    q->root = phrase_node(q, s, n);
  } else if (r < 80) {
    q->kind = "cross";
    s = gen_cross(R, &n);
    q->root = phrase_node(q, s, n);
  } else if (r < 82) {
    q->kind = "bigram";
    s = gen_bigram(R, &n);
    q->root = phrase_node(q, s, n);
  } else if (r < 90) {
    /* 1-2 units: frequent words, whose pages skip reports (check_page) */
    q->kind = "short";
    q->root = substring_node(q, R, 1, 2, &at);
  } else {
    int a = substring_node(q, R, 2, 6, &at), b, c;
    size_t rep = R->para[R->upara[at]].report; /* A's report */
    switch (rnd_below(17)) {
    case 0:
      q->kind = "A B";
      b = near_node(q, R, at, 2, 6);
      q->root = op_node(q, Q_AND, a, b);
      break;
    case 1:
      q->kind = "A OR B";
      b = chance(50) ? near_node(q, R, at, 2, 6)
                     : substring_node(q, R, 2, 6, NULL);
      q->root = op_node(q, Q_OR, a, b);
      break;
    case 2:
      q->kind = "A -B";
      b = chance(50) ? near_node(q, R, at, 1, 3)
                     : substring_node(q, R, 1, 3, NULL);
      q->root = op_node(q, Q_AND, a, not_node(q, b));
      break;
    case 3:
      q->kind = "(A OR B) C";
      b = substring_node(q, R, 2, 6, NULL);
      c = near_node(q, R, at, 1, 4);
      q->root = op_node(q, Q_AND, op_node(q, Q_OR, a, b), c);
      break;
    case 4:
      q->kind = "A OR B OR C";
      b = substring_node(q, R, 2, 6, NULL);
      c = substring_node(q, R, 2, 6, NULL);
      q->root = op_node(q, Q_OR, a, b);
      add_kid(q, q->root, c);
      break;
    case 5:
      q->kind = "A B -C";
      b = near_node(q, R, at, 1, 4);
      c = substring_node(q, R, 1, 2, NULL);
      q->root = op_node(q, Q_AND, a, b);
      add_kid(q, q->root, not_node(q, c));
      break;
    case 6: {
      q->kind = "A year:Y";
      int y = R->rep[chance(50) && R->rep[rep].rep->year ? rep
                                                         : random_report(R, 1)]
                  .rep->year;
      q->root = op_node(q, Q_AND, a, year_node(q, y, y));
      break;
    }
    case 7: {
      q->kind = "A year:range";
      int y1 = R->rep[random_report(R, 1)].rep->year;
      int y2 = R->rep[random_report(R, 1)].rep->year;
      if (y1 > y2) {
        int t = y1;
        y1 = y2;
        y2 = t;
      }
      size_t form = rnd_below(3);
      q->root = op_node(q, Q_AND, a,
                        year_node(q, form == 1 ? BG_YEAR_MIN : y1,
                                  form == 2 ? BG_YEAR_MAX : y2));
      break;
    }
    case 8: {
      q->kind = "A report:ID";
      int f = new_node(q, Q_REPORT);
      q->node[f].rep = chance(50) ? rep : random_report(R, 0);
      q->root = op_node(q, Q_AND, a, f);
      break;
    }
    case 9: {
      q->kind = "A region:R";
      int f = new_node(q, Q_REGION);
      q->node[f].rep = chance(50) ? rep : random_report(R, 0);
      if (!R->rep[q->node[f].rep].rep->region[0]) q->bad = 1;
      q->root = op_node(q, Q_AND, a, f);
      break;
    }
    case 10: {
      q->kind = "A -year:Y";
      int y = R->rep[chance(50) && R->rep[rep].rep->year ? rep
                                                         : random_report(R, 1)]
                  .rep->year;
      q->root = op_node(q, Q_AND, a, not_node(q, year_node(q, y, y)));
      break;
    }
    case 11: {
      q->kind = "A -B year:..Y";
      b = near_node(q, R, at, 1, 3);
      int y = R->rep[random_report(R, 1)].rep->year;
      q->root = op_node(q, Q_AND, a, not_node(q, b));
      add_kid(q, q->root, year_node(q, BG_YEAR_MIN, y));
      break;
    }
    case 13:
    case 14: {
      /* the same phrase twice: matches once, counted twice */
      q->kind = "A A";
      char *dup = q->bad ? NULL : xstrdup(q->ph[q->node[a].ph].raw);
      b = phrase_node(q, dup, dup ? strlen(dup) : 0);
      q->root = op_node(q, chance(50) ? Q_AND : Q_OR, a, b);
      break;
    }
    case 15: {
      q->kind = "(A OR -B) report:ID";
      b = near_node(q, R, at, 1, 3);
      int f = new_node(q, Q_REPORT);
      q->node[f].rep = rep;
      q->root = op_node(q, Q_AND, op_node(q, Q_OR, a, not_node(q, b)), f);
      break;
    }
    case 16: {
      q->kind = "report:ID -B";
      int f = new_node(q, Q_REPORT);
      q->node[f].rep = rep;
      q->root = op_node(q, Q_AND, f, not_node(q, a));
      break;
    }
    default:
      q->kind = "A NOT (B OR C)";
      b = near_node(q, R, at, 1, 3);
      c = substring_node(q, R, 1, 3, NULL);
      q->root = op_node(q, Q_AND, a, not_node(q, op_node(q, Q_OR, b, c)));
      q->node[q->node[q->root].kid[1]].neg_dash = 0;
      break;
    }
  }
}

/* Whether a phrase can be written without quotes: every code point is
 * part of a unit (so no space of any kind), no ( ) " anywhere, and it
 * does not read as an operator, an exclusion or a filter. */
static int bare_ok(const char *s, size_t n, const bg_units *u) {
  if (u->n == 0) return 0;
  uint32_t at = 0;
  for (size_t i = 0; i < u->n; i++) {
    if (u->u[i].src_start > at) return 0; /* a dropped code point */
    if (u->u[i].src_end > at) at = u->u[i].src_end;
  }
  if (at != u->src_cps) return 0;
  for (size_t i = 0; i < n; i++)
    if (s[i] == '(' || s[i] == ')' || s[i] == '"') return 0;
  if (s[0] == '-') return 0;
  if ((n == 2 && !memcmp(s, "OR", 2)) || (n == 3 && !memcmp(s, "AND", 3)) ||
      (n == 3 && !memcmp(s, "NOT", 3)))
    return 0;
  static const char *const filters[] = {"year:", "region:", "report:"};
  for (size_t i = 0; i < 3; i++)
    if (!strncmp(s, filters[i], strlen(filters[i]))) return 0;
  return 1;
}

/* A filter value needs quotes when it holds a space, a parenthesis or a
 * quote (a quote cannot be written at all). */
static int filter_value(sbuf *b, const char *v) {
  if (strchr(v, '"')) return -1;
  int plain = 1;
  size_t n = strlen(v), i = 0;
  while (i < n) {
    uint32_t c = bg_utf8_next(v, n, &i);
    if (c <= ' ' || c == '(' || c == ')' || c == 0x3000 || c == 0xA0 ||
        (c >= 0x2000 && c <= 0x200B) || c == 0x2028 || c == 0x2029 ||
        c == 0x202F || c == 0x205F || c == 0x85 || c == 0x1680)
      plain = 0;
  }
  if (!plain) sb_addz(b, "\"");
  sb_addz(b, v);
  if (!plain) sb_addz(b, "\"");
  return 0;
}

static void render(query *q, const ref *R, int id, int primary) {
  qnode *n = &q->node[id];
  sbuf *b = &q->text;
  static const char *const seps[] = {" ", " ", " ", "  ", "\xe3\x80\x80", "\t"};
  switch (n->kind) {
  case Q_PHRASE: {
    phrase *p = &q->ph[n->ph];
    if (!p->quoted) {
      sb_add(b, p->raw, p->rawlen);
    } else {
      sb_addz(b, "\"");
      sb_add(b, p->raw, p->rawlen);
      sb_addz(b, "\"");
    }
    break;
  }
  case Q_AND:
  case Q_OR: {
    int paren = primary || (n->kind == Q_AND && chance(20));
    if (paren) sb_addz(b, "(");
    for (int i = 0; i < n->nkids; i++) {
      if (i) {
        if (n->kind == Q_OR)
          sb_addz(b, " OR ");
        else
          sb_addz(b, chance(10) ? " AND " : seps[rnd_below(6)]);
      }
      /* OR binds tighter than AND: an AND inside an OR needs brackets;
       * an OR inside an AND does not, but may have them. */
      render(q, R, n->kid[i],
             n->kind == Q_OR && q->node[n->kid[i]].kind == Q_AND);
    }
    if (paren) sb_addz(b, ")");
    break;
  }
  case Q_NOT:
    sb_addz(b, n->neg_dash ? "-" : "NOT ");
    render(q, R, n->kid[0], 1);
    break;
  case Q_YEAR:
    if (n->lo == n->hi)
      sb_printf(b, "year:%d", n->lo);
    else if (n->lo == BG_YEAR_MIN)
      sb_printf(b, "year:..%d", n->hi);
    else if (n->hi == BG_YEAR_MAX)
      sb_printf(b, "year:%d..", n->lo);
    else
      sb_printf(b, "year:%d..%d", n->lo, n->hi);
    break;
  case Q_REPORT:
    sb_addz(b, "report:");
    if (filter_value(b, R->rep[n->rep].id) != 0) q->bad = 1;
    break;
  case Q_REGION:
    sb_addz(b, "region:");
    if (filter_value(b, R->rep[n->rep].rep->region) != 0) q->bad = 1;
    break;
  }
}

static void mark_positive(query *q, int id, int positive) {
  qnode *n = &q->node[id];
  if (n->kind == Q_PHRASE) q->ph[n->ph].positive |= positive;
  for (int i = 0; i < n->nkids; i++)
    mark_positive(q, n->kid[i], n->kind == Q_NOT ? !positive : positive);
}

/* Tokenizes each phrase and finds its occurrences by brute force: every
 * position of its rarest unit is checked.  Returns how many phrases came
 * back with other units than they were cut from (for the summary). */
static void find_phrase(const ref *R, phrase *p, bg_units *u) {
  assert_int_equal(bg_units_tokenize(u, p->raw, p->rawlen), BG_OK);
  p->n = u->n;
  p->ids = xcalloc(u->n, sizeof *p->ids);
  p->absent = 0;
  for (size_t i = 0; i < u->n; i++) {
    p->ids[i] = ref_lookup(R, bg_units_text(u, i), u->u[i].len);
    if (p->ids[i] == UINT32_MAX) p->absent = 1;
  }
  p->nocc = 0;
  if (p->absent || p->n == 0) return;
  size_t best = 0;
  for (size_t i = 1; i < p->n; i++)
    if (R->post_off[p->ids[i] + 1] - R->post_off[p->ids[i]] <
        R->post_off[p->ids[best] + 1] - R->post_off[p->ids[best]])
      best = i;
  uint32_t id = p->ids[best];
  for (uint32_t k = R->post_off[id]; k < R->post_off[id + 1]; k++) {
    size_t g = R->post[k];
    if (g < best) continue;
    size_t s = g - best;
    const ref_para *pp = &R->para[R->upara[g]];
    if (s < pp->first_unit || s + p->n > pp->first_unit + pp->nunits) continue;
    size_t i = 0;
    while (i < p->n && R->uid[s + i] == p->ids[i])
      i++;
    if (i == p->n) push_pos(&p->occ, &p->nocc, &p->occcap, (uint32_t)s);
  }
}

/* The paragraphs (one byte each) that node id selects. */
static uint8_t *eval_node(const ref *R, const query *q, int id) {
  const qnode *n = &q->node[id];
  uint8_t *m = xcalloc(R->npara, 1);
  switch (n->kind) {
  case Q_PHRASE: {
    const phrase *p = &q->ph[n->ph];
    for (size_t i = 0; i < p->nocc; i++)
      m[R->upara[p->occ[i]]] = 1;
    break;
  }
  case Q_AND:
  case Q_OR:
    for (int k = 0; k < n->nkids; k++) {
      uint8_t *s = eval_node(R, q, n->kid[k]);
      for (size_t i = 0; i < R->npara; i++)
        m[i] = k == 0 ? s[i] : n->kind == Q_AND ? (m[i] & s[i]) : (m[i] | s[i]);
      free(s);
    }
    break;
  case Q_NOT: {
    uint8_t *s = eval_node(R, q, n->kid[0]);
    for (size_t i = 0; i < R->npara; i++)
      m[i] = !s[i];
    free(s);
    break;
  }
  case Q_YEAR:
  case Q_REPORT:
  case Q_REGION:
    for (size_t i = 0; i < R->npara; i++) {
      size_t r = R->para[i].report;
      const bg_report *rp = R->rep[r].rep;
      /* A report of unknown year (0) passes no year filter. */
      if (n->kind == Q_YEAR)
        m[i] = rp->year && rp->year >= n->lo && rp->year <= n->hi;
      else if (n->kind == Q_REPORT)
        m[i] = r == n->rep;
      else
        m[i] = !strcmp(rp->region, R->rep[n->rep].rep->region);
    }
    break;
  }
  return m;
}

/* ---- comparing ---------------------------------------------------------- */

typedef struct stats {
  size_t queries, hits, matches, empty, redrawn, drift, failures, pages;
} stats;

static void failure(stats *st, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void failure(stats *st, const char *fmt, ...) {
  st->failures++;
  if (st->failures > MAX_REPORTED) return;
  va_list ap;
  va_start(ap, fmt);
  fputs("MISMATCH ", stdout);
  vprintf(fmt, ap);
  fputc('\n', stdout);
  va_end(ap);
  if (st->failures == MAX_REPORTED)
    printf("(further mismatches are counted, not shown)\n");
}

/* A printf precision that shows at most max bytes of s[0, len) without
 * cutting a UTF-8 sequence. */
static int clip(const char *s, size_t len, size_t max) {
  if (len <= max) return (int)len;
  while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
    max--;
  return (int)max;
}

static void ranges_str(sbuf *b, const uint32_t *v, size_t n) {
  sb_clear(b);
  sb_addz(b, "[");
  for (size_t i = 0; i < n && i < 40; i++)
    sb_printf(b, "%s[%u,%u)", i ? " " : "", v[2 * i], v[2 * i + 1]);
  if (n > 40) sb_printf(b, " ... %zu in all", n);
  sb_addz(b, "]");
}

static int cmp_u32pair(const void *a, const void *b) {
  const uint32_t *x = a, *y = b;
  if (x[0] != y[0]) return x[0] < y[0] ? -1 : 1;
  return x[1] < y[1] ? -1 : x[1] > y[1];
}

typedef struct got {
  size_t para; /* global paragraph */
  size_t hit;  /* index in results */
} got;

static int cmp_got(const void *a, const void *b) {
  const got *x = a, *y = b;
  if (x->para != y->para) return x->para < y->para ? -1 : 1;
  return x->hit < y->hit ? -1 : x->hit > y->hit;
}

/* Whether hit a may come before hit b in the order asked for. */
static int in_order(const bg_hit *a, const bg_hit *b, bg_sort sort) {
  if (sort == BG_SORT_RELEVANCE && a->score != b->score)
    return a->score > b->score;
  if (sort == BG_SORT_YEAR_DESC && a->year != b->year) return a->year > b->year;
  if (a->year != b->year) return a->year < b->year;
  int c = strcmp(a->report, b->report);
  if (c) return c < 0;
  return a->para < b->para;
}

static const char *sort_name(bg_sort s) {
  return s == BG_SORT_YEAR        ? "year"
         : s == BG_SORT_YEAR_DESC ? "-year"
                                  : "relevance";
}

/* Checks one query's results against the reference; returns the number of
 * mismatches found. */
static size_t compare(const ref *R, query *q, const bg_results *res,
                      bg_sort sort, stats *st, size_t qno) {
  size_t before = st->failures;
  const char *qt = q->text.s;
  uint8_t *want = eval_node(R, q, q->root);
  size_t nwant = 0;
  for (size_t i = 0; i < R->npara; i++)
    nwant += want[i];

  /* occurrence lists of the positive phrases, per paragraph */
  size_t ngot = res->nhits;
  got *g = xcalloc(ngot, sizeof *g);
  size_t ok_hits = 0;
  for (size_t i = 0; i < ngot; i++) {
    const bg_hit *h = &res->hits[i];
    long r = ref_find_report(R, h->report);
    if (r < 0 || h->para < 1 || h->para > R->rep[r].rep->npara) {
      failure(st,
              "q#%zu %s: hit %zu is report '%s' para %u, which the "
              "reference does not have",
              qno, qt, i, h->report, h->para);
      continue;
    }
    g[ok_hits].para = R->rep[r].first_para + h->para - 1;
    g[ok_hits].hit = i;
    ok_hits++;
  }
  qsort(g, ok_hits, sizeof *g, cmp_got);

  if (res->total != nwant || res->nhits != nwant)
    failure(st, "q#%zu %s (%s): total %llu, %zu hits; expected %zu", qno, qt,
            q->kind, (unsigned long long)res->total, res->nhits, nwant);

  /* Walk expected and got paragraphs together. */
  size_t gi = 0, shown = 0, nreports = 0, last_report = SIZE_MAX;
  uint64_t occurrences = 0;
  sbuf e1 = {0}, e2 = {0};
  uint32_t *exp = NULL;
  size_t expcap = 0;
  /* cursor into each phrase's occurrence list */
  size_t cur[MAX_PHRASES] = {0};
  for (size_t p = 0; p < R->npara; p++) {
    int w = want[p];
    int have = gi < ok_hits && g[gi].para == p;
    if (have && gi + 1 < ok_hits && g[gi + 1].para == p && shown++ < 3)
      failure(st, "q#%zu %s: report %s para %u returned twice", qno, qt,
              R->rep[R->para[p].report].id, R->para[p].num);
    if (w && !have) {
      if (shown++ < 3)
        failure(st, "q#%zu %s (%s): missing report %s para %u: %.*s", qno, qt,
                q->kind, R->rep[R->para[p].report].id, R->para[p].num,
                clip(R->para[p].text, R->para[p].len, 300), R->para[p].text);
    } else if (!w && have) {
      if (shown++ < 3)
        failure(st, "q#%zu %s (%s): extra report %s para %u: %.*s", qno, qt,
                q->kind, R->rep[R->para[p].report].id, R->para[p].num,
                clip(R->para[p].text, R->para[p].len, 300), R->para[p].text);
    }
    if (!w) {
      while (gi < ok_hits && g[gi].para == p)
        gi++;
      continue;
    }
    /* expected matches in p */
    size_t nexp = 0;
    const ref_para *pp = &R->para[p];
    for (int k = 0; k < q->nph; k++) {
      phrase *ph = &q->ph[k];
      while (cur[k] < ph->nocc && R->upara[ph->occ[cur[k]]] < p)
        cur[k]++;
      if (!ph->positive) continue;
      for (size_t o = cur[k]; o < ph->nocc && R->upara[ph->occ[o]] == p; o++) {
        grow((void **)&exp, &expcap, 2 * nexp + 2, sizeof *exp);
        exp[2 * nexp] = R->ustart[ph->occ[o]];
        exp[2 * nexp + 1] = R->uend[ph->occ[o] + ph->n - 1];
        nexp++;
        occurrences++;
      }
    }
    if (pp->report != last_report) nreports++, last_report = pp->report;
    if (nexp > 1) {
      qsort(exp, nexp, 2 * sizeof *exp, cmp_u32pair);
      size_t wn = 1;
      for (size_t i = 1; i < nexp; i++)
        if (exp[2 * i] != exp[2 * wn - 2] ||
            exp[2 * i + 1] != exp[2 * wn - 1]) {
          exp[2 * wn] = exp[2 * i];
          exp[2 * wn + 1] = exp[2 * i + 1];
          wn++;
        }
      nexp = wn;
    }
    if (!have) continue;
    const bg_hit *h = &res->hits[g[gi].hit];
    while (gi < ok_hits && g[gi].para == p)
      gi++;
    st->hits++;
    st->matches += h->nmatches;
    const ref_report *rr = &R->rep[pp->report];
    if (h->text_len != pp->len || memcmp(h->text, pp->text, pp->len))
      failure(st,
              "q#%zu %s: report %s para %u: text differs:\n  expected "
              "%.*s\n  got      %.*s",
              qno, qt, rr->id, pp->num, clip(pp->text, pp->len, 300), pp->text,
              clip(h->text, h->text_len, 300), h->text);
    if (h->year != rr->rep->year || strcmp(h->region, rr->rep->region))
      failure(st,
              "q#%zu %s: report %s para %u: year/region %d/%s, expected "
              "%d/%s",
              qno, qt, rr->id, pp->num, h->year, h->region, rr->rep->year,
              rr->rep->region);
    if (h->nmatches != nexp ||
        (nexp && memcmp(h->matches, exp, 2 * nexp * sizeof *exp))) {
      ranges_str(&e1, exp, nexp);
      ranges_str(&e2, h->matches, h->nmatches);
      failure(st,
              "q#%zu %s (%s): report %s para %u: matches\n  expected %s\n"
              "  got      %s\n  text: %.*s",
              qno, qt, q->kind, rr->id, pp->num, e1.s, e2.s,
              clip(pp->text, pp->len, 400), pp->text);
    }
  }
  if (res->reports != nreports)
    failure(st, "q#%zu %s: reports %llu, expected %zu", qno, qt,
            (unsigned long long)res->reports, nreports);
  if (res->occurrences != occurrences)
    failure(st, "q#%zu %s: occurrences %llu, expected %llu", qno, qt,
            (unsigned long long)res->occurrences,
            (unsigned long long)occurrences);
  for (size_t i = 1; i < res->nhits; i++)
    if (!in_order(&res->hits[i - 1], &res->hits[i], sort)) {
      failure(st,
              "q#%zu %s: sort %s: hit %zu (%s %u, %.6f) before hit %zu "
              "(%s %u, %.6f)",
              qno, qt, sort_name(sort), i - 1, res->hits[i - 1].report,
              res->hits[i - 1].para, res->hits[i - 1].score, i,
              res->hits[i].report, res->hits[i].para, res->hits[i].score);
      break;
    }
  if (nwant == 0) st->empty++;
  free(exp);
  free(e1.s);
  free(e2.s);
  free(g);
  free(want);
  return st->failures - before;
}

/* Whether a phrase cut from units reads back as those units.  The contract
 * makes units local, so it should; one that does not is noted and counted
 * (its expected answer is still what its own units say). */
static void check_drift(const ref *R, const phrase *p, stats *st) {
  int same = p->n == p->from_n;
  for (size_t i = 0; same && i < p->n; i++)
    same = p->ids[i] == R->uid[p->from + i];
  if (!same) {
    st->drift++;
    if (st->drift <= 10)
      printf("note: '%s' cut from %zu units of report %s para %u reads as "
             "%zu other units (a character that normalizes to several "
             "units was cut)\n",
             p->raw, p->from_n, R->rep[R->para[R->upara[p->from]].report].id,
             R->para[R->upara[p->from]].num, p->n);
  }
}

/* Rewrites a phrase into another spelling with the same units under the
 * contract: full-width ASCII, capitals, and spaces, tabs, zero-width and
 * other dropped characters between units (ＧＤＰ１２ = gdp12, 政 府 = 政府).
 * u holds the phrase's units. */
static char *variant(const char *s, size_t n, const bg_units *u, size_t *len) {
  static const char *const gaps[] = {" ",
                                     "\xe3\x80\x80" /* U+3000 */,
                                     "\t",
                                     "\xe2\x80\x8b" /* U+200B */,
                                     "\xc2\xad" /* U+00AD */,
                                     "\xc2\xa0" /* U+00A0 */,
                                     "  "};
  sbuf b = {0};
  size_t i = 0, k = 1;
  uint32_t cp = 0;
  while (i < n) {
    while (k < u->n && u->u[k].src_start < cp)
      k++;
    if (k < u->n && u->u[k].src_start == cp && chance(40))
      sb_addz(&b, gaps[rnd_below(sizeof gaps / sizeof *gaps)]);
    size_t start = i;
    uint32_t c0 = bg_utf8_next(s, n, &i), c = c0;
    if (c >= 'a' && c <= 'z' && chance(50)) c -= 'a' - 'A';
    if (c > ' ' && c < 0x7f && c != '"' && chance(50)) c += 0xFF01 - 0x21;
    if (c != c0) {
      char enc[4];
      sb_add(&b, enc, bg_utf8_put(enc, c));
    } else {
      sb_add(&b, s + start, i - start);
    }
    cp++;
  }
  *len = b.n;
  return b.s ? b.s : xstrdup("");
}

/* Replaces a phrase by a variant() of it, checking that the variant has
 * the same units. */
static void respell(phrase *p, bg_units *u, stats *st) {
  assert_int_equal(bg_units_tokenize(u, p->raw, p->rawlen), BG_OK);
  size_t n0 = u->n, len;
  sbuf units0 = {0};
  uint32_t *lens = xcalloc(n0, sizeof *lens);
  for (size_t i = 0; i < n0; i++) {
    lens[i] = u->u[i].len;
    sb_add(&units0, bg_units_text(u, i), u->u[i].len);
  }
  char *v = variant(p->raw, p->rawlen, u, &len);
  v = usable(v, &len);
  if (!v) {
    free(units0.s);
    free(lens);
    return;
  }
  assert_int_equal(bg_units_tokenize(u, v, len), BG_OK);
  int same = u->n == n0;
  for (size_t i = 0, off = 0; same && i < n0; off += lens[i], i++)
    same = u->u[i].len == lens[i] &&
           !memcmp(bg_units_text(u, i), units0.s + off, lens[i]);
  if (!same)
    failure(st,
            "tokenizer: '%s' and its respelling '%s' should give the "
            "same units (%zu and %zu units)",
            p->raw, v, n0, u->n);
  free(units0.s);
  free(lens);
  free(p->raw);
  p->raw = v;
  p->rawlen = len;
}

/* Draws a query until one comes out well-formed; fills in its text, its
 * phrases' units and occurrences. */
static void draw(query *q, const ref *R, bg_units *u, stats *st) {
  for (;;) {
    query_reset(q);
    gen_query(q, R);
    if (!q->bad) {
      for (int i = 0; i < q->nph; i++) {
        phrase *p = &q->ph[i];
        if (chance(15)) respell(p, u, st);
        find_phrase(R, p, u);
        if (p->n == 0) q->bad = 1;
        if (!q->bad && p->from != SIZE_MAX) check_drift(R, p, st);
        /* bare when the parser would read it as one phrase */
        p->quoted = !(chance(30) && bare_ok(p->raw, p->rawlen, u));
      }
    }
    if (!q->bad) {
      mark_positive(q, q->root, 1);
      render(q, R, q->root, 0);
    }
    if (!q->bad) return;
    st->redrawn++;
  }
}

/* A page of the same search (limit, offset, sort) is the slice of the
 * whole answer: the same totals and the same hits in the same order (a
 * page of a 1-2-unit phrase reads positions only in the reports that can
 * hold one of its hits). */
static void check_page(bg_reader *rd, const query *q, const bg_results *all,
                       bg_sort sort, stats *st, size_t qno) {
  size_t limit = 1 + rnd_below(20);
  size_t offset = chance(60) ? 0 : rnd_below((size_t)all->total + 2);
  bg_search_opts o = {.limit = limit, .offset = offset, .sort = sort};
  bg_results *res = NULL;
  bg_err err = {0};
  if (bg_search(rd, q->text.s, q->text.n, &o, &res, &err) != BG_OK) {
    failure(st, "q#%zu %s: page %zu+%zu failed: %s", qno, q->text.s, offset,
            limit, bg_err_msg(&err));
    return;
  }
  st->pages++;
  size_t want = offset < all->nhits ? all->nhits - offset : 0;
  if (want > limit) want = limit;
  if (res->total != all->total || res->reports != all->reports ||
      res->occurrences != all->occurrences || res->nhits != want) {
    failure(st,
            "q#%zu %s: page %zu+%zu: total %llu reports %llu occurrences "
            "%llu hits %zu, whole answer %llu %llu %llu, slice %zu",
            qno, q->text.s, offset, limit, (unsigned long long)res->total,
            (unsigned long long)res->reports,
            (unsigned long long)res->occurrences, res->nhits,
            (unsigned long long)all->total, (unsigned long long)all->reports,
            (unsigned long long)all->occurrences, want);
  } else {
    for (size_t i = 0; i < want; i++) {
      const bg_hit *a = &all->hits[offset + i], *b = &res->hits[i];
      if (strcmp(a->report, b->report) || a->para != b->para ||
          a->score != b->score) {
        failure(st,
                "q#%zu %s: sort %s page %zu+%zu: hit %zu is %s %u (%.6f), "
                "the whole answer has %s %u (%.6f)",
                qno, q->text.s, sort_name(sort), offset, limit, i, b->report,
                b->para, b->score, a->report, a->para, a->score);
        break;
      }
    }
  }
  bg_results_free(res);
}

static void test_random_queries(void **state) {
  fixture *fx = *state;
  const ref *R = &fx->R;
  unsigned long seed = env_ulong("BAOGAO_SEED", DEFAULT_SEED);
  unsigned long nq = env_ulong("BAOGAO_EXACT_QUERIES", DEFAULT_QUERIES);
  int verbose = env_ulong("BAOGAO_EXACT_VERBOSE", 0) != 0;
  rng_state = seed;
  printf("random queries: seed %lu (BAOGAO_SEED), %lu queries "
         "(BAOGAO_EXACT_QUERIES)\n",
         seed, nq);
  bg_units u;
  bg_units_init(&u);
  query q;
  memset(&q, 0, sizeof q);
  stats st = {0};
  double t0 = now_s(), tsearch = 0;
  for (size_t i = 0; i < nq; i++) {
    draw(&q, R, &u, &st);
    bg_search_opts o = {.all = 1, .sort = (bg_sort)rnd_below(3)};
    bg_results *res = NULL;
    bg_err err = {0};
    double ts = now_s();
    int rc = bg_search(fx->reader, q.text.s, q.text.n, &o, &res, &err);
    tsearch += now_s() - ts;
    st.queries++;
    if (rc != BG_OK) {
      failure(&st, "q#%zu %s (%s): bg_search failed: %s", i, q.text.s, q.kind,
              bg_err_msg(&err));
      continue;
    }
    if (verbose)
      printf("q#%zu [%s] %s -> %llu\n", i, q.kind, q.text.s,
             (unsigned long long)res->total);
    compare(R, &q, res, o.sort, &st, i);
    check_page(fx->reader, &q, res, o.sort, &st, i);
    bg_results_free(res);
  }
  query_reset(&q);
  free(q.text.s);
  bg_units_reset(&u);
  printf("exact: %zu queries (%zu with no hit, %zu redrawn), %zu hits and "
         "%zu matches compared, %zu pages checked against them, %zu "
         "mismatches, %zu phrases read back as other units; %.1f s (%.1f s "
         "in bg_search)\n",
         st.queries, st.empty, st.redrawn, st.hits, st.matches, st.pages,
         st.failures, st.drift, now_s() - t0, tsearch);
  if (st.failures)
    fail_msg("%zu mismatches between bg_search and the brute force (seed "
             "%lu); see MISMATCH lines above",
             st.failures, seed);
}

/* ---- the CLI agrees ----------------------------------------------------- */

/* The text of a command's standard output. */
static char *read_command(const char *cmd, int *status) {
  fflush(stdout);
  FILE *f = popen(cmd, "r");
  if (!f) return NULL;
  sbuf b = {0};
  char tmp[65536];
  size_t n;
  while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
    sb_add(&b, tmp, n);
  int s = pclose(f);
  *status = WIFEXITED(s) ? WEXITSTATUS(s) : -1;
  if (!b.s) sb_add(&b, "", 0);
  return b.s;
}

static void shell_quote(sbuf *b, const char *s) {
  sb_addz(b, "'");
  for (; *s; s++)
    if (*s == '\'')
      sb_addz(b, "'\\''");
    else
      sb_add(b, s, 1);
  sb_addz(b, "'");
}

static void test_cli_agrees(void **state) {
  fixture *fx = *state;
  const ref *R = &fx->R;
  rng_state = env_ulong("BAOGAO_SEED", DEFAULT_SEED) ^ 0x5bd1e995u;
  bg_units u;
  bg_units_init(&u);
  query q;
  memset(&q, 0, sizeof q);
  stats st = {0};
  sbuf cmd = {0};
  size_t done = 0, tries = 0, hits = 0;
  double t0 = now_s();
  while (done < CLI_QUERIES && tries++ < 50 * CLI_QUERIES) {
    draw(&q, R, &u, &st);
    bg_search_opts o = {.all = 1, .sort = BG_SORT_RELEVANCE};
    bg_results *res = NULL;
    bg_err err = {0};
    if (bg_search(fx->reader, q.text.s, q.text.n, &o, &res, &err) != BG_OK) {
      failure(&st, "%s: bg_search failed: %s", q.text.s, bg_err_msg(&err));
      continue;
    }
    /* Keep the CLI runs short: skip the queries with thousands of hits,
     * and take a few with none. */
    if (res->total > 2000 || (res->total == 0 && done % 5 != 0)) {
      bg_results_free(res);
      continue;
    }
    sb_clear(&cmd);
    shell_quote(&cmd, BAOGAO_CLI_BIN);
    sb_addz(&cmd, " --index ");
    shell_quote(&cmd, fx->index);
    sb_addz(&cmd, " --json search ");
    shell_quote(&cmd, q.text.s);
    sb_addz(&cmd, " --all");
    int status;
    char *out = read_command(cmd.s, &status);
    json_error_t jerr;
    json_t *j = out ? json_loads(out, 0, &jerr) : NULL;
    if (status != 0 || !j) {
      failure(&st, "%s: exit %d, %s: %.*s", cmd.s, status, j ? "" : jerr.text,
              out ? clip(out, strlen(out), 200) : 0, out ? out : "");
    } else {
      json_t *jh = json_object_get(j, "hits");
      json_int_t total = json_integer_value(json_object_get(j, "total"));
      if ((uint64_t)total != res->total || json_array_size(jh) != res->nhits)
        failure(&st, "%s: CLI total %lld, %zu hits; in process %llu, %zu",
                q.text.s, (long long)total, json_array_size(jh),
                (unsigned long long)res->total, res->nhits);
      for (size_t i = 0; i < res->nhits && i < json_array_size(jh); i++) {
        json_t *h = json_array_get(jh, i);
        const bg_hit *w = &res->hits[i];
        const char *rep = json_string_value(json_object_get(h, "report"));
        const char *text = json_string_value(json_object_get(h, "text"));
        json_int_t para = json_integer_value(json_object_get(h, "para"));
        json_t *m = json_object_get(h, "matches");
        int same = rep && !strcmp(rep, w->report) &&
                   para == (json_int_t)w->para && text &&
                   !strcmp(text, w->text) && json_array_size(m) == w->nmatches;
        for (size_t k = 0; same && k < w->nmatches; k++) {
          json_t *r = json_array_get(m, k);
          same =
              json_integer_value(json_array_get(r, 0)) == w->matches[2 * k] &&
              json_integer_value(json_array_get(r, 1)) == w->matches[2 * k + 1];
        }
        if (!same) {
          failure(&st,
                  "%s: CLI hit %zu (%s %lld) differs from in process (%s %u)",
                  q.text.s, i, rep ? rep : "?", (long long)para, w->report,
                  w->para);
          break;
        }
      }
      hits += res->nhits;
    }
    json_decref(j);
    free(out);
    bg_results_free(res);
    done++;
  }
  query_reset(&q);
  free(q.text.s);
  free(cmd.s);
  bg_units_reset(&u);
  printf("cli: %zu queries through %s --json search --all, %zu hits "
         "compared, %zu mismatches; %.1f s\n",
         done, BAOGAO_CLI_BIN, hits, st.failures, now_s() - t0);
  if (st.failures) fail_msg("the CLI and bg_search disagree");
  assert_int_equal(done, CLI_QUERIES);
}

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_random_queries),
      cmocka_unit_test(test_cli_agrees),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
