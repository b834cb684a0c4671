/*
 * baogao - search an index of government work reports from the terminal.
 *
 *   baogao [--index DIR] [--json] search QUERY [--limit N] [--offset N]
 *          [--all] [--full] [--sort relevance|year|-year]
 *   baogao [--index DIR] [--json] reports [FILTER...]
 *   baogao [--index DIR] [--json] stats
 *
 * Exit status: 0 success (also with no hits), 1 error of use (bad option,
 * malformed query), 2 the index cannot be opened.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <math.h>

#include "compare.h"
#include "count.h"
#include "endpoints.h"
#include "error.h"
#include "escape.h"
#include "export.h"
#include "hints.h"
#include "json.h"
#include "keywords.h"
#include "kwic.h"
#include "remote.h"
#include "search.h"
#include "similar.h"
#include "units.h"

#define EXIT_USE 1
#define EXIT_INDEX 2
#define WINDOW_CPS 160 /* long paragraphs show a window this wide */

static const char usage_main[] =
    "usage: baogao [--index DIR | --server URL] [--json] [--color WHEN]\n"
    "              COMMAND [ARGS]\n"
    "\n"
    "Exact phrase search over government work reports (政府工作报告).\n"
    "\n"
    "commands:\n"
    "  search QUERY   matching paragraphs (baogao search --help for more)\n"
    "  count QUERY    exact frequency by year, region or report, with gaps\n"
    "  kwic QUERY     concordance: one line per occurrence, in context\n"
    "  similar REPORT#PARA  the most similar paragraphs of other reports\n"
    "  compare A B    report diff: aligned paragraphs, changes, new phrases\n"
    "  keywords FILTERS [--vs FILTERS]  phrases significantly more frequent\n"
    "                 in one set of reports than in another (G², log ratio)\n"
    "  reports        the indexed reports with their metadata\n"
    "  stats          index statistics\n"
    "  units [--t2s] [TEXT]  how TEXT (or each line of standard input) is\n"
    "                 cut into units, the way the index and queries see it\n"
    "\n"
    "options:\n"
    "  --index DIR    index folder (default: $BAOGAO_INDEX, else ./data/index)\n"
    "  --server URL   ask baogao-searchd at URL (default: $BAOGAO_SERVER)\n"
    "                 instead of a local index; the output is the same\n"
    "  --json         print one JSON object instead of text\n"
    "  --format F     tsv or csv: the answer as a table with a header row\n"
    "                 (search, count, kwic, similar, compare, keywords,\n"
    "                 reports), for R and Excel; --bom starts it with a\n"
    "                 UTF-8 byte order mark (Excel needs one)\n"
    "  --color WHEN   highlight matches: auto (default; on a terminal unless\n"
    "                 NO_COLOR is set), always, never\n"
    "  -h, --help     show help\n"
    "  --version      show the version\n"
    "\n"
    "Exit status: 0 success (also with no hits); 1 error of use;\n"
    "2 the index cannot be opened.\n";

static const char usage_search[] =
    "usage: baogao search QUERY [--limit N] [--offset N] [--all] [--full]\n"
    "                     [--sort relevance|year|-year]\n"
    "\n"
    "Every paragraph where the query matches, unit for unit (see the README's\n"
    "matching contract), best first, with the exact total.\n"
    "\n"
    "  高质量发展 招商引资       both phrases in one paragraph\n"
    "  稳中求进 OR 稳中有进      either\n"
    "  发展 -经济  发展 NOT 经济  paragraphs with 发展 and without 经济\n"
    "  (A OR B) C                grouping\n"
    "  \"made in china\"           one phrase across spaces\n"
    "  year:2023 year:2018..2023 year:..1990 region:广东省\n"
    "  report:2023_济南市钢城区  filters; a query of filters alone lists\n"
    "                            every paragraph they allow\n"
    "\n"
    "Several QUERY arguments are joined with spaces.  A term starting with '-'\n"
    "and an ASCII letter looks like an option: put -- before the query.\n"
    "\n"
    "  --limit N      hits to show (default 10)\n"
    "  --offset N     hits to skip (default 0)\n"
    "  --all          show every hit\n"
    "  --full         whole paragraphs (default: a window around the\n"
    "                 matches of a long paragraph; a query of filters\n"
    "                 alone always shows whole paragraphs)\n"
    "  --sort KEY     relevance (default), year (oldest first), -year\n";

static const char usage_count[] =
    "usage: baogao count QUERY [--by year|region|report]\n"
    "\n"
    "How often the query occurs in every bucket of the index (also where it\n"
    "does not, so gaps show): reports with a matching paragraph, matching\n"
    "paragraphs, exact occurrences of the query's phrases in them, the\n"
    "bucket's units of text and occurrences per 10,000 units, with a bar;\n"
    "then the first and last year with an occurrence.\n"
    "\n"
    "  --by KEY       year (default), region or report\n";

static const char usage_kwic[] =
    "usage: baogao kwic QUERY [--width N] [--sort year|left|right] [--tsv]\n"
    "\n"
    "Concordance: one line per occurrence (not per paragraph) with the\n"
    "report, paragraph, the text on its left, the match and the text on its\n"
    "right, aligned on the match.\n"
    "\n"
    "  --width N      columns of context on each side (default 30; CJK\n"
    "                 characters are two columns wide)\n"
    "  --sort KEY     year (default: year, report, paragraph), left (by the\n"
    "                 words before the match, read backwards), right\n"
    "  --tsv          tab-separated values with a header, for spreadsheets\n";

static const char usage_reports[] =
    "usage: baogao reports [FILTER...]\n"
    "\n"
    "Lists the indexed reports: year, region, id, paragraphs, date, speaker,\n"
    "title, encoding, where the metadata came from, and the source file.  On\n"
    "a terminal (or with $COLUMNS set) long fields are cut with '…' to fit\n"
    "its width; --json gives them whole.\n"
    "\n"
    "  FILTER         year:2025 year:2018..2023 year:..1990 region:广东省\n"
    "                 report:ID, with OR, NOT / - and brackets as in search\n"
    "                 (no phrases): baogao reports year:2025 -region:广东省\n";

static const char usage_stats[] =
    "usage: baogao stats\n\nIndex statistics: reports, paragraphs, units,\n"
    "terms, regions, years, the revision, and the size on disk (total and\n"
    "per Xapian table).\n";

typedef struct cli {
  const char *server; /* base URL of baogao-searchd, or NULL for local */
  const char *index;
  int json;
  int color;
  int format; /* bg_export_format: --format tsv|csv */
  int bom;    /* --bom: tables start with a UTF-8 byte order mark */
} cli;

static void die_use(const char *fmt, const char *arg) {
  fprintf(stderr, "baogao: ");
  fprintf(stderr, fmt, arg);
  fprintf(stderr, "\n(baogao --help for usage)\n");
  exit(EXIT_USE);
}

/* Edit distance between ASCII strings a and b (both short), byte by byte. */
static size_t edits(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  uint32_t ua[64], ub[64];
  if (la > 60 || lb > 60) return 99;
  for (size_t i = 0; i < la; i++) ua[i] = (unsigned char)a[i];
  for (size_t j = 0; j < lb; j++) ub[j] = (unsigned char)b[j];
  return bg_hints_distance(ua, la, ub, lb);
}

/* Whether argument a of a command is one of its options: "--" and a
 * letter, or -h.  Anything else starting with '-' is query text, so that
 * -region:X and -经济 exclude without "--" before them. */
static int is_option(const char *a) {
  return !strcmp(a, "-h") ||
         (a[0] == '-' && a[1] == '-' &&
          ((a[2] >= 'a' && a[2] <= 'z') || (a[2] >= 'A' && a[2] <= 'Z')));
}

/* Exits for option a, which command cmd does not take; names the option
 * of known (NULL-terminated) that was probably meant. */
static void unknown_option(const char *cmd, const char *a,
                           const char *const *known) {
  char name[64];
  size_t nl = strcspn(a, "=");
  snprintf(name, sizeof name, "%.*s", (int)(nl < 63 ? nl : 63), a);
  const char *best = NULL;
  size_t bd = 3;
  for (size_t k = 0; known[k]; k++) {
    size_t d = edits(name, known[k]);
    if (!strncmp(known[k], name, strlen(name)) && strlen(name) > 3) d = 1;
    if (d < bd) bd = d, best = known[k];
  }
  fprintf(stderr, "baogao: %s has no option '%s'", cmd, name);
  if (best) fprintf(stderr, "; did you mean %s?", best);
  fprintf(stderr, "\n  its options:");
  for (size_t k = 0; known[k]; k++) fprintf(stderr, " %s", known[k]);
  fprintf(stderr, "\n  (to search for text that starts with '--', put -- "
                  "before the query)\n");
  exit(EXIT_USE);
}

static int parse_size(const char *s, size_t *out) {
  if (!s || !*s) return -1;
  char *end;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 10);
  if (*end || errno || s[0] == '-' || v > 100000000ULL) return -1;
  *out = (size_t)v;
  return 0;
}

static void print_json(json_t *v) {
  char *s = bg_json_dump(v);
  if (s) fputs(s, stdout);
  free(s);
}

/* Prints answer j of command kind as the table --format asks for. */
static void print_table(const cli *c, const char *kind, json_t *j) {
  char *t = NULL;
  size_t n = 0;
  bg_err err = {0};
  if (bg_export(j, kind, (bg_export_format)c->format, c->bom, &t, &n, &err) !=
      BG_OK)
    die_use("%s", bg_err_msg(&err));
  fwrite(t, 1, n, stdout);
  free(t);
}

/* ---- human output ---- */

static const char *hl_on = "\033[1;31m", *hl_off = "\033[0m";
static const char *dim_on = "\033[2m", *bold_on = "\033[1m";

/* Prints text[from, to) (code points) with the matches highlighted. */
static void print_window(const cli *c, const bg_hit *h, size_t from,
                         size_t to) {
  size_t i = 0, cp = 0;
  size_t m = 0;
  int inside = 0;
  while (i < h->text_len && cp < to) {
    size_t start = i;
    bg_utf8_next(h->text, h->text_len, &i);
    if (cp >= from && c->color) {
      /* Close or open highlights at this code point. */
      while (m < h->nmatches && h->matches[2 * m + 1] <= cp) m++;
      int in = 0;
      for (size_t k = m; k < h->nmatches && h->matches[2 * k] <= cp; k++)
        if (cp < h->matches[2 * k + 1]) in = 1;
      if (in != inside) {
        fputs(in ? hl_on : hl_off, stdout);
        inside = in;
      }
    }
    if (cp >= from) fwrite(h->text + start, 1, i - start, stdout);
    cp++;
  }
  if (inside) fputs(hl_off, stdout);
}

/* A stretch [from, to) of a paragraph's code points shown in a snippet. */
typedef struct span {
  size_t from, to;
} span;

static int cmp_span(const void *a, const void *b) {
  const span *x = a, *y = b;
  return x->from < y->from ? -1 : x->from > y->from;
}

/* Whether match k of h is the same text as match j (the same phrase, in
 * all likelihood: matches do not say which phrase they are). */
static int same_match_text(const bg_hit *h, size_t j, size_t k) {
  size_t lj = h->matches[2 * j + 1] - h->matches[2 * j];
  size_t lk = h->matches[2 * k + 1] - h->matches[2 * k];
  if (lj != lk) return 0;
  size_t bj = bg_utf8_offset(h->text, h->text_len, h->matches[2 * j]);
  size_t ej = bg_utf8_offset(h->text, h->text_len, h->matches[2 * j + 1]);
  size_t bk = bg_utf8_offset(h->text, h->text_len, h->matches[2 * k]);
  size_t ek = bg_utf8_offset(h->text, h->text_len, h->matches[2 * k + 1]);
  return ej - bj == ek - bk && !memcmp(h->text + bj, h->text + bk, ej - bj);
}

/* The windows of a long paragraph (ncp code points) to show: one of
 * WINDOW_CPS around the first match when it holds a match of every
 * phrase; else a narrower window around one match of each phrase (the one
 * nearest the first match), windows that meet merged, so that an AND
 * query shows every term.  Returns the number of windows in w (at most
 * max; max 1: the one window). */
static size_t snippet_windows(const bg_hit *h, size_t ncp, span *w,
                              size_t max) {
  size_t first = h->nmatches ? h->matches[0] : 0;
  span one = {first > WINDOW_CPS / 4 ? first - WINDOW_CPS / 4 : 0, 0};
  one.to = one.from + WINDOW_CPS;
  if (one.to > ncp) {
    one.to = ncp;
    one.from = ncp - WINDOW_CPS;
  }
  /* One match of each distinct text: one inside the first window, else
   * the first (the nearest the first match). */
  span rep[16];
  size_t nrep = 0, outside = 0;
  for (size_t k = 0; k < h->nmatches && nrep < max && nrep < 16; k++) {
    size_t j = 0;
    while (j < k && !same_match_text(h, j, k)) j++;
    if (j < k) continue; /* not the first of its text */
    size_t best = k; /* the first is the nearest the first match */
    /* Inside the first window, any of them will do. */
    for (size_t m = k; m < h->nmatches; m++)
      if (same_match_text(h, k, m) && h->matches[2 * m] >= one.from &&
          h->matches[2 * m + 1] <= one.to)
        best = m;
    rep[nrep].from = h->matches[2 * best];
    rep[nrep].to = h->matches[2 * best + 1];
    if (rep[nrep].from < one.from || rep[nrep].to > one.to) outside++;
    nrep++;
  }
  if (!outside || max == 1) {
    w[0] = one;
    return 1;
  }
  qsort(rep, nrep, sizeof *rep, cmp_span);
  /* Context on each side of each match, sharing the width. */
  size_t marks = 0;
  for (size_t i = 0; i < nrep; i++) marks += rep[i].to - rep[i].from;
  size_t ctx = marks < WINDOW_CPS ? (WINDOW_CPS - marks) / (2 * nrep) : 0;
  if (ctx < 12) ctx = 12;
  size_t n = 0;
  for (size_t i = 0; i < nrep; i++) {
    span s = {rep[i].from > ctx ? rep[i].from - ctx : 0, rep[i].to + ctx};
    if (s.to > ncp) s.to = ncp;
    if (n && s.from <= w[n - 1].to) {
      if (s.to > w[n - 1].to) w[n - 1].to = s.to;
    } else {
      w[n++] = s;
    }
  }
  return n;
}

/* How print_hit() shows a long paragraph. */
enum { HIT_WINDOWS, /* a window around a match of every phrase */
       HIT_FULL,    /* whole */
       HIT_ONE };   /* one window around the first match (similar: its
                       matches are stretches shared with the source) */

/* Prints a hit: its heading line, then the paragraph, whole when asked
 * (HIT_FULL) or when it has no match (a query of filters) or is short,
 * else the window(s) of snippet_windows() joined by "…", with a note of
 * the matches they leave out. */
static void print_hit(const cli *c, const bg_hit *h, int how) {
  if (c->color) fputs(bold_on, stdout);
  if (h->year > 0)
    printf("%d ", h->year);
  printf("%s", h->region[0] ? h->region : h->report);
  if (c->color) fputs(hl_off, stdout);
  if (c->color) fputs(dim_on, stdout);
  printf("  %s ¶%u", h->report, h->para);
  for (size_t i = 0; i < h->nsection; i++)
    printf("%s%s", i ? " › " : "  ", h->section[i]);
  if (c->color) fputs(hl_off, stdout);
  putchar('\n');
  size_t ncp = bg_utf8_cps(h->text, h->text_len);
  span w[16] = {{0, ncp}};
  size_t nw = 1;
  if (how != HIT_FULL && h->nmatches && ncp > WINDOW_CPS)
    nw = snippet_windows(h, ncp, w, how == HIT_ONE ? 1 : 16);
  fputs("  ", stdout);
  for (size_t i = 0; i < nw; i++) {
    if (w[i].from > 0) fputs("…", stdout);
    print_window(c, h, w[i].from, w[i].to);
  }
  if (w[nw - 1].to < ncp) fputs("…", stdout);
  size_t outside = 0;
  for (size_t k = 0; k < h->nmatches; k++) {
    size_t i = 0;
    while (i < nw && !(h->matches[2 * k] >= w[i].from &&
                       h->matches[2 * k + 1] <= w[i].to))
      i++;
    if (i == nw) outside++;
  }
  if (outside) printf("  (+%zu more in the paragraph)", outside);
  fputs("\n\n", stdout);
}

static void print_results(const cli *c, const bg_results *res, int full) {
  for (size_t i = 0; i < res->nhits; i++)
    print_hit(c, &res->hits[i], full ? HIT_FULL : HIT_WINDOWS);
  if (c->color) fputs(dim_on, stdout);
  printf("%llu paragraph%s", (unsigned long long)res->total,
         res->total == 1 ? "" : "s");
  if (res->nhits)
    printf("; showing %zu–%zu", res->offset + 1, res->offset + res->nhits);
  printf("; %.1f ms", res->took_ms);
  if (res->nhits > 0 && res->offset + res->nhits < res->total)
    printf("; more with --offset %zu or --all", res->offset + res->nhits);
  if (c->color) fputs(hl_off, stdout);
  putchar('\n');
}

static void pad(const char *s, size_t width) {
  fputs(s, stdout);
  size_t w = bg_utf8_width(s, strlen(s));
  for (; w < width; w++) putchar(' ');
}

static const char *jstr(json_t *o, const char *k) {
  const char *s = json_string_value(json_object_get(o, k));
  return s ? s : "";
}

/* Where the metadata fields of report m came from, grouped by source:
 * "name:year,region text:date,speaker,title" ("-" when none is known). */
static void metadata_sources(json_t *m, char *buf, size_t size) {
  static const char *const fields[] = {"year", "region", "date", "speaker",
                                       "title"};
  static const char *const sources[] = {"manifest", "name", "text"};
  size_t o = 0;
  buf[0] = '\0';
  for (size_t s = 0; s < 3; s++) {
    int any = 0;
    for (size_t f = 0; f < 5; f++) {
      char key[32];
      snprintf(key, sizeof key, "%s_from", fields[f]);
      if (strcmp(jstr(m, key), sources[s]) != 0) continue;
      int n = snprintf(buf + o, size - o, "%s%s", any ? "," : o ? " " : "",
                       any ? fields[f] : sources[s]);
      if (n < 0 || (size_t)n >= size - o) return;
      o += (size_t)n;
      if (!any) {
        n = snprintf(buf + o, size - o, ":%s", fields[f]);
        if (n < 0 || (size_t)n >= size - o) return;
        o += (size_t)n;
      }
      any = 1;
    }
  }
  if (!o) snprintf(buf, size, "-");
}

/* The width to fit tables to: $COLUMNS when set, else the terminal's; 0
 * (no limit) when standard output is no terminal. */
static size_t term_width(void) {
  const char *e = getenv("COLUMNS");
  char *end;
  long n = e && *e ? strtol(e, &end, 10) : 0;
  if (n > 0 && !*end) return (size_t)n;
  struct winsize ws;
  if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0)
    return ws.ws_col;
  return 0;
}

/* Prints s in at most w columns, cut with "…" when wider; then, unless it
 * is the last cell of its line, pads it to w and two spaces, else ends the
 * line. */
static void put_cell(const char *s, size_t w, int more) {
  size_t len = strlen(s), used = bg_utf8_width(s, len);
  if (used > w) {
    size_t i = 0;
    used = 0;
    while (i < len) {
      size_t j = i;
      bg_utf8_next(s, len, &j);
      size_t cw = bg_utf8_width(s + i, j - i);
      if (used + cw + 1 > w) break;
      used += cw;
      i = j;
    }
    fwrite(s, 1, i, stdout);
    fputs("…", stdout);
    used++;
  } else {
    fputs(s, stdout);
  }
  if (!more) {
    putchar('\n');
    return;
  }
  for (; used < w + 2; used++) putchar(' ');
}

/* The table of `baogao reports`: one row per report, each metadata field,
 * where the fields came from, the encoding and the source file. */
static void print_reports(json_t *arr) {
  enum { C_YEAR, C_REGION, C_ID, C_PARAS, C_DATE, C_SPEAKER, C_TITLE, C_ENC,
         C_FROM, C_SOURCE, NCOL };
  static const char *const head[NCOL] = {
      "year",    "region", "id",       "paragraphs", "date",
      "speaker", "title",  "encoding", "from",       "source"};
  size_t width[NCOL];
  for (int k = 0; k < NCOL; k++)
    width[k] = strlen(head[k]);
  size_t n = json_array_size(arr);
  char *(*cell)[NCOL] = calloc(n ? n : 1, sizeof *cell);
  if (!cell) {
    fprintf(stderr, "baogao: out of memory\n");
    return;
  }
  size_t i;
  json_t *m;
  json_array_foreach(arr, i, m) {
    char num[32], from[160];
    json_int_t y = json_integer_value(json_object_get(m, "year"));
    snprintf(num, sizeof num, "%lld", (long long)y);
    cell[i][C_YEAR] = strdup(y > 0 ? num : "-");
    cell[i][C_REGION] = bg_escape_name(jstr(m, "region"));
    cell[i][C_ID] = bg_escape_name(jstr(m, "id"));
    snprintf(num, sizeof num, "%lld",
             (long long)json_integer_value(json_object_get(m, "paragraphs")));
    cell[i][C_PARAS] = strdup(num);
    cell[i][C_DATE] = strdup(jstr(m, "date"));
    cell[i][C_SPEAKER] = strdup(jstr(m, "speaker"));
    cell[i][C_TITLE] = strdup(jstr(m, "title"));
    /* A scan read by OCR has no charset: say where its text came from. */
    cell[i][C_ENC] = strdup(json_is_true(json_object_get(m, "ocr"))
                                ? "ocr"
                                : jstr(m, "encoding"));
    metadata_sources(m, from, sizeof from);
    cell[i][C_FROM] = strdup(from);
    cell[i][C_SOURCE] = bg_escape_name(jstr(m, "source"));
    for (int k = 0; k < NCOL; k++) {
      if (!cell[i][k]) continue;
      if (!cell[i][k][0]) {
        free(cell[i][k]);
        cell[i][k] = strdup("-");
      }
      size_t w = cell[i][k] ? bg_utf8_width(cell[i][k], strlen(cell[i][k]))
                            : 0;
      if (w > width[k]) width[k] = w;
    }
  }
  /* Fit the terminal: the widest cuttable column gives up a column at a
   * time down to its least width, the source, title, speaker and metadata
   * sources first, then region and id; when that is not enough, whole
   * columns go, least needed first, and the others are cut again from
   * their full widths.  Year, paragraphs, date and encoding are not cut. */
  static const size_t least[NCOL] = {
      [C_REGION] = 6, [C_ID] = 12,       [C_SPEAKER] = 6, [C_TITLE] = 12,
      [C_FROM] = 10,  [C_SOURCE] = 16};
  static const int cut_first[NCOL] = {[C_SPEAKER] = 1, [C_TITLE] = 1,
                                      [C_FROM] = 1, [C_SOURCE] = 1};
  static const int hide_order[] = {C_FROM,    C_ENC,  C_SOURCE,
                                   C_SPEAKER, C_DATE, C_TITLE};
  size_t full[NCOL], tw = term_width(), total = 0;
  int shown[NCOL], cut = 0;
  memcpy(full, width, sizeof full);
  for (int k = 0; k < NCOL; k++) shown[k] = 1;
  for (size_t h = 0; tw; h++) {
    total = 0;
    for (int k = 0; k < NCOL; k++) {
      width[k] = full[k];
      if (shown[k]) total += width[k] + 2;
    }
    for (int pass = 1; pass >= 0; pass--) {
      while (total > tw + 2) {
        int widest = -1;
        for (int k = 0; k < NCOL; k++)
          if (shown[k] && least[k] && cut_first[k] >= pass &&
              width[k] > least[k] && width[k] > strlen(head[k]) &&
              (widest < 0 || width[k] > width[widest]))
            widest = k;
        if (widest < 0) break;
        width[widest]--;
        total--;
        cut = 1;
      }
    }
    if (total <= tw + 2 || h == sizeof hide_order / sizeof *hide_order) break;
    shown[hide_order[h]] = 0;
  }
  int last = NCOL - 1;
  while (last > 0 && !shown[last]) last--;
  for (int k = 0; k < NCOL; k++) {
    if (!shown[k]) continue;
    if (k == C_PARAS)
      printf("%*s%s", (int)width[k], head[k], k < last ? "  " : "\n");
    else
      put_cell(head[k], width[k], k < last);
  }
  for (i = 0; i < n; i++) {
    for (int k = 0; k < NCOL; k++) {
      const char *v = cell[i][k] ? cell[i][k] : "?";
      if (!shown[k])
        ;
      else if (k == C_PARAS)
        printf("%*s%s", (int)width[k], v, k < last ? "  " : "\n");
      else
        put_cell(v, width[k], k < last);
      free(cell[i][k]);
    }
  }
  free(cell);
  char foot[128];
  int fl = snprintf(foot, sizeof foot, "%zu report%s", n, n == 1 ? "" : "s");
  const char *note = " (fields cut to the terminal's width: --json gives them "
                     "whole)";
  if (cut && (size_t)fl + strlen(note) > tw) note = " (cut: --json)";
  printf("%s%s\n", foot, cut ? note : "");
}

static void print_stats(json_t *o) {
  const char *key;
  json_t *v;
  json_object_foreach(o, key, v) {
    printf("%-12s ", key);
    if (json_is_string(v)) {
      printf("%s\n", json_string_value(v));
    } else if (json_is_object(v)) { /* size_bytes: total, then per table */
      json_int_t total = json_integer_value(json_object_get(v, "total"));
      printf("%lld (%.1f MiB on disk)\n", (long long)total,
             (double)total / 1048576);
      const char *table;
      json_t *b;
      json_object_foreach(v, table, b) {
        if (strcmp(table, "total"))
          printf("  %-10s %lld (%.1f MiB)\n", table,
                 (long long)json_integer_value(b),
                 (double)json_integer_value(b) / 1048576);
      }
    } else if (json_is_null(v)) {
      printf("unknown (a remote database)\n");
    } else {
      printf("%lld\n", (long long)json_integer_value(v));
    }
  }
}

/* ---- commands ---- */

/* Prints the units of text: one line "unit [start,end)" each, or a JSON
 * object {"text", "units": [{"unit", "start", "end"}]}. */
static int print_units(const cli *c, bg_units *u, const char *text,
                       size_t len) {
  if (bg_units_tokenize(u, text, len) != BG_OK) {
    fprintf(stderr, "baogao: out of memory\n");
    return EXIT_USE;
  }
  if (!c->json) {
    for (size_t i = 0; i < u->n; i++)
      printf("%s%.*s", i ? " | " : "", (int)u->u[i].len, bg_units_text(u, i));
    putchar('\n');
    return 0;
  }
  json_t *arr = json_array();
  for (size_t i = 0; i < u->n && arr; i++)
    json_array_append_new(
        arr, json_pack("{s:s%, s:I, s:I}", "unit", bg_units_text(u, i),
                       (size_t)u->u[i].len, "start",
                       (json_int_t)u->u[i].src_start, "end",
                       (json_int_t)u->u[i].src_end));
  json_t *o = json_pack("{s:s%, s:o}", "text", text, len, "units", arr);
  if (o) {
    char *js = json_dumps(o, JSON_PRESERVE_ORDER | JSON_COMPACT);
    if (js) puts(js);
    free(js);
  }
  json_decref(o);
  return 0;
}

static int cmd_units(const cli *c, int argc, char **argv) {
  bg_units u;
  bg_units_init(&u);
  int rc = 0;
  if (argc > 0 && !strcmp(argv[0], "--t2s")) {
    bg_units_set_fold(&u, BG_FOLD_T2S);
    argc--, argv++;
  }
  if (argc > 0 && (!strcmp(argv[0], "-h") || !strcmp(argv[0], "--help"))) {
    fputs("usage: baogao units [--t2s] [TEXT...]\n\nShows how TEXT (or each "
          "line of standard input) is normalized and cut\ninto units: the "
          "matching contract at work.  --t2s folds Traditional\ncharacters "
          "to Simplified, as an index built with baogao-index --t2s does.\n",
          stdout);
  } else if (argc > 0) {
    size_t n = 0;
    for (int i = 0; i < argc; i++) n += strlen(argv[i]) + 1;
    char *t = calloc(n + 1, 1);
    if (!t) return EXIT_USE;
    for (int i = 0; i < argc; i++) {
      if (i) strcat(t, " ");
      strcat(t, argv[i]);
    }
    rc = print_units(c, &u, t, strlen(t));
    free(t);
  } else {
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while (rc == 0 && (n = getline(&line, &cap, stdin)) >= 0) {
      if (n > 0 && line[n - 1] == '\n') n--;
      rc = print_units(c, &u, line, (size_t)n);
    }
    free(line);
  }
  bg_units_reset(&u);
  return rc;
}

/* Opens the local index; NULL after reporting why it cannot be opened. */
static bg_reader *open_index(const cli *c) {
  bg_err err = {0};
  bg_reader *r = NULL;
  if (bg_reader_open(&r, c->index, &err) != BG_OK) {
    if (c->json) {
      json_t *e = bg_json_error("no_index", bg_err_msg(&err));
      if (e) print_json(e);
      json_decref(e);
    }
    fprintf(stderr, "baogao: %s\n", bg_err_msg(&err));
    return NULL;
  }
  if (bg_reader_note(r)) fprintf(stderr, "baogao: warning: %s\n", bg_reader_note(r));
  return r;
}

/* Reports an error the same way for a local index and a server: the error
 * object on standard output with --json, the message on standard error. */
static int fail(const cli *c, const char *code, const char *msg, int status) {
  if (c->json) {
    json_t *e = bg_json_error(code, msg);
    if (e) print_json(e);
    json_decref(e);
  }
  fprintf(stderr, "baogao: %s\n", msg);
  return status;
}

/* GETs path from the server into *out; returns 0, or an exit status after
 * reporting the problem. */
static int fetch(const cli *c, const char *path, const char *const *kv,
                 size_t nkv, json_t **out) {
  *out = NULL;
  long status = 0;
  char *body = NULL;
  size_t len = 0;
  char err[512];
  if (remote_get(c->server, path, kv, nkv, &status, &body, &len, err,
                 sizeof err) != 0) {
    char msg[768];
    snprintf(msg, sizeof msg, "cannot reach baogao-searchd at %s: %s",
             c->server, err);
    return fail(c, "unreachable", msg, EXIT_INDEX);
  }
  json_error_t je;
  json_t *j = json_loadb(body, len, 0, &je);
  free(body);
  if (status == 200 && j) {
    *out = j;
    return 0;
  }
  json_t *e = json_object_get(j, "error");
  const char *code = json_string_value(json_object_get(e, "code"));
  const char *msg = json_string_value(json_object_get(e, "message"));
  char buf[256];
  if (!msg) {
    snprintf(buf, sizeof buf, "the server at %s answered HTTP %ld",
             c->server, status);
    msg = buf;
  }
  int rc = fail(c, code ? code : "server_error", msg,
                status >= 400 && status < 500 ? EXIT_USE : EXIT_INDEX);
  json_decref(j);
  return rc;
}

/* The answer to a search as JSON, from the server or the local index;
 * returns 0 or an exit status after reporting the problem. */
static int run_search(const cli *c, const char *q, size_t qlen,
                      const bg_search_opts *o, json_t **out) {
  *out = NULL;
  if (c->server) {
    char limit[32], offset[32];
    snprintf(limit, sizeof limit, "%zu", o->limit);
    snprintf(offset, sizeof offset, "%zu", o->offset);
    const char *sort = bg_sort_names[o->sort];
    const char *kv[] = {"q", q, "limit", limit, "offset", offset,
                        "sort", sort, "all", "1"};
    return fetch(c, bg_endpoint_path[BG_EP_SEARCH], kv, o->all ? 10 : 8, out);
  }
  bg_reader *r = open_index(c);
  if (!r) return EXIT_INDEX;
  bg_err err = {0};
  bg_results *res = NULL;
  int rc = bg_search(r, q, qlen, o, &res, &err);
  if (rc != BG_OK) {
    bg_reader_close(r);
    return fail(c, rc == BG_EQUERY ? "bad_query" : "index_error",
                bg_err_msg(&err), rc == BG_EQUERY ? EXIT_USE : EXIT_INDEX);
  }
  *out = bg_json_results(res);
  bg_results_free(res);
  if (*out) bg_hints_attach(r, q, qlen, 0, *out);
  bg_reader_close(r);
  return *out ? 0 : fail(c, "out_of_memory", "out of memory", EXIT_INDEX);
}

/* Options of the query commands (search, count, kwic). */
typedef struct qargs {
  bg_search_opts o;
  bg_by by;
  size_t width;
  bg_kwic_sort ksort;
  int tsv;
  int full; /* search: whole paragraphs, not windows */
} qargs;

/* Reads the options of command cmd ("search", "count", "kwic") and joins
 * its other arguments into the query; returns the query (caller frees), or
 * NULL after printing the help. */
static char *parse_qargs(const char *cmd, int argc, char **argv, qargs *a,
                         size_t *qlen) {
  int search = !strcmp(cmd, "search"), count = !strcmp(cmd, "count");
  int kwic = !strcmp(cmd, "kwic");
  int opts_done = 0, nq = 0;
  for (int i = 0; i < argc; i++) {
    const char *arg = argv[i];
    const char *val = NULL;
    if (!opts_done && !strcmp(arg, "--")) {
      opts_done = 1;
      continue;
    }
    int is_opt = !opts_done && is_option(arg);
    if (!is_opt) {
      argv[nq++] = argv[i]; /* query words gather at the front */
      continue;
    }
    const char *eq = strchr(arg, '=');
    size_t nl = eq ? (size_t)(eq - arg) : strlen(arg);
    char name[32];
    snprintf(name, sizeof name, "%.*s", (int)(nl < 31 ? nl : 31), arg);
    int known_val = (search && (!strcmp(name, "--limit") ||
                                !strcmp(name, "--offset"))) ||
                    ((search || kwic) && !strcmp(name, "--sort")) ||
                    (count && !strcmp(name, "--by")) ||
                    (kwic && !strcmp(name, "--width"));
    if (known_val) {
      if (eq)
        val = eq + 1;
      else if (i + 1 < argc)
        val = argv[++i];
      else
        die_use("%s needs a value", name);
    }
    if (known_val && !strcmp(name, "--limit")) {
      if (parse_size(val, &a->o.limit) != 0)
        die_use("--limit takes a whole number from 0 to 100000000, not '%s'",
                val);
    } else if (known_val && !strcmp(name, "--offset")) {
      if (parse_size(val, &a->o.offset) != 0)
        die_use("--offset takes a whole number from 0 to 100000000, not '%s'",
                val);
    } else if (known_val && !strcmp(name, "--width")) {
      if (parse_size(val, &a->width) != 0 || a->width > 1000)
        die_use("--width takes a number of columns from 0 to 1000, not '%s'",
                val);
    } else if (known_val && !strcmp(name, "--by")) {
      int by = bg_by_parse(val);
      if (by < 0) die_use("--by takes year, region or report, not '%s'", val);
      a->by = (bg_by)by;
    } else if (known_val && search) { /* --sort */
      int sort = bg_sort_parse(val);
      if (sort < 0)
        die_use("--sort takes relevance, year or -year, not '%s'", val);
      a->o.sort = (bg_sort)sort;
    } else if (known_val) { /* kwic --sort */
      int ks = bg_kwic_sort_parse(val);
      if (ks < 0) die_use("--sort takes year, left or right, not '%s'", val);
      a->ksort = (bg_kwic_sort)ks;
    } else if (search && !strcmp(arg, "--all")) {
      a->o.all = 1;
    } else if (search && !strcmp(arg, "--full")) {
      a->full = 1;
    } else if (kwic && !strcmp(arg, "--tsv")) {
      a->tsv = 1;
    } else if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
      fputs(search ? usage_search : count ? usage_count : usage_kwic, stdout);
      return NULL;
    } else {
      static const char *const o_search[] = {"--limit", "--offset", "--sort",
                                             "--all", "--help", NULL};
      static const char *const o_count[] = {"--by", "--help", NULL};
      static const char *const o_kwic[] = {"--sort", "--width", "--tsv",
                                           "--help", NULL};
      unknown_option(cmd, arg, search ? o_search : count ? o_count : o_kwic);
    }
  }
  if (nq == 0) die_use("%s needs a query", cmd);
  size_t n = 0;
  for (int i = 0; i < nq; i++) n += strlen(argv[i]) + 1;
  char *q = calloc(n + 1, 1);
  if (!q) die_use("out of memory%s", "");
  n = 0;
  for (int i = 0; i < nq; i++) {
    if (i) q[n++] = ' ';
    memcpy(q + n, argv[i], strlen(argv[i]));
    n += strlen(argv[i]);
  }
  *qlen = n;
  return q;
}

/* The hints of an answer that found nothing (hints.h), one a line. */
static void print_hints(const cli *c, json_t *j) {
  size_t i;
  json_t *h;
  json_array_foreach(json_object_get(j, "hints"), i, h) {
    if (c->color) fputs(bold_on, stdout);
    fputs("hint: ", stdout);
    if (c->color) fputs(hl_off, stdout);
    puts(jstr(h, "message"));
  }
}

static int cmd_search(const cli *c, int argc, char **argv) {
  qargs a = {.o = {.limit = 10, .sort = BG_SORT_RELEVANCE}};
  size_t qlen = 0;
  char *q = parse_qargs("search", argc, argv, &a, &qlen);
  if (!q) return 0;
  bg_search_opts o = a.o;
  json_t *j = NULL;
  int rc = run_search(c, q, qlen, &o, &j);
  free(q);
  if (rc != 0) return rc;
  /* Local and remote answers print from the same JSON, so they match. */
  if (c->format) {
    print_table(c, "search", j);
  } else if (c->json) {
    print_json(j);
  } else {
    bg_err err = {0};
    bg_results *res = NULL;
    if (bg_json_parse_results(j, &res, &err) != BG_OK) {
      json_decref(j);
      return fail(c, "bad_answer", bg_err_msg(&err), EXIT_INDEX);
    }
    print_results(c, res, a.full);
    bg_results_free(res);
    print_hints(c, j);
  }
  json_decref(j);
  return 0;
}

/* The answer of count or kwic as JSON, from the server or the local
 * index; returns 0 or an exit status after reporting the problem. */
static int run_view(const cli *c, int kwic, const char *q, size_t qlen,
                    const qargs *a, json_t **out) {
  *out = NULL;
  if (c->server) {
    char width[32];
    snprintf(width, sizeof width, "%zu", a->width);
    const char *kv[] = {"q", q, "by", bg_by_name(a->by), "width", width,
                        "sort", bg_kwic_sort_name(a->ksort)};
    if (kwic) {
      kv[2] = "width", kv[3] = width, kv[4] = "sort";
      kv[5] = bg_kwic_sort_name(a->ksort);
    }
    return fetch(c, bg_endpoint_path[kwic ? BG_EP_KWIC : BG_EP_COUNT], kv,
                 kwic ? 6 : 4, out);
  }
  bg_reader *r = open_index(c);
  if (!r) return EXIT_INDEX;
  bg_err err = {0};
  int rc;
  if (kwic) {
    bg_kwic_result *k = NULL;
    rc = bg_kwic(r, q, qlen, a->width, a->ksort, 0, &k, &err);
    if (rc == BG_OK) *out = bg_json_kwic(k);
    bg_kwic_free(k);
  } else {
    bg_count_result *cr = NULL;
    rc = bg_count(r, q, qlen, a->by, 0, &cr, &err);
    if (rc == BG_OK) *out = bg_json_count(cr);
    bg_count_free(cr);
  }
  if (*out) bg_hints_attach(r, q, qlen, 0, *out);
  bg_reader_close(r);
  if (rc != BG_OK)
    return fail(c, rc == BG_EQUERY ? "bad_query" : "index_error",
                bg_err_msg(&err), rc == BG_EQUERY ? EXIT_USE : EXIT_INDEX);
  return *out ? 0 : fail(c, "out_of_memory", "out of memory", EXIT_INDEX);
}

/* A bar of `cols` columns (in eighths) for value v of max. */
static void bar(double v, double max, int cols) {
  static const char *const part[] = {"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"};
  if (max <= 0 || v <= 0) return;
  long eighths = lround(v / max * cols * 8);
  if (eighths == 0) eighths = 1;
  for (long i = 0; i < eighths / 8; i++) fputs("█", stdout);
  fputs(part[eighths % 8], stdout);
}

static void print_count(const cli *c, json_t *j) {
  json_t *bs = json_object_get(j, "buckets");
  size_t i, wkey = 3;
  json_t *b;
  double max = 0;
  json_array_foreach(bs, i, b) {
    const char *k = jstr(b, "key");
    size_t w = bg_utf8_width(k, strlen(k));
    if (w > wkey) wkey = w;
    double v = json_number_value(json_object_get(b, "per_10k"));
    if (v > max) max = v;
  }
  if (c->color) fputs(bold_on, stdout);
  pad(jstr(j, "by"), wkey + 2);
  printf("%16s %11s %12s %10s %8s\n", "reports       ", "paragraphs",
         "occurrences", "units", "per 10k");
  if (c->color) fputs(hl_off, stdout);
  json_array_foreach(bs, i, b) {
    pad(jstr(b, "key"), wkey + 2);
    double v = json_number_value(json_object_get(b, "per_10k"));
    printf("%7lld of %-6lld %11lld %12lld %10lld %8.2f  ",
           (long long)json_integer_value(json_object_get(b, "reports")),
           (long long)json_integer_value(json_object_get(b, "reports_total")),
           (long long)json_integer_value(json_object_get(b, "paragraphs")),
           (long long)json_integer_value(json_object_get(b, "occurrences")),
           (long long)json_integer_value(json_object_get(b, "units")), v);
    if (c->color) fputs(hl_on, stdout);
    bar(v, max, 30);
    if (c->color) fputs(hl_off, stdout);
    putchar('\n');
  }
  if (c->color) fputs(dim_on, stdout);
  const char *first = json_string_value(json_object_get(j, "first"));
  const char *last = json_string_value(json_object_get(j, "last"));
  if (first)
    printf("first %s, last %s", first, last ? last : first);
  else
    printf("no occurrence");
  printf("; %zu bucket%s; %.1f ms\n", json_array_size(bs),
         json_array_size(bs) == 1 ? "" : "s",
         json_number_value(json_object_get(j, "took_ms")));
  if (c->color) fputs(hl_off, stdout);
}

/* Writes s with tabs and line breaks as spaces (for TSV). */
static void put_field(const char *s) {
  for (; *s; s++) putchar(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s);
}

static void print_kwic(const cli *c, json_t *j, const qargs *a) {
  json_t *ls = json_object_get(j, "lines");
  size_t i;
  json_t *l;
  if (a->tsv) {
    puts("report\tyear\tpara\tleft\tmatch\tright");
    json_array_foreach(ls, i, l) {
      json_int_t y = json_integer_value(json_object_get(l, "year"));
      put_field(jstr(l, "report"));
      if (y > 0)
        printf("\t%lld\t", (long long)y);
      else
        fputs("\t\t", stdout);
      printf("%lld\t", (long long)json_integer_value(json_object_get(l, "para")));
      put_field(jstr(l, "left"));
      putchar('\t');
      put_field(jstr(l, "match"));
      putchar('\t');
      put_field(jstr(l, "right"));
      putchar('\n');
    }
    return;
  }
  char pre[512];
  size_t wpre = 0;
  json_array_foreach(ls, i, l) {
    snprintf(pre, sizeof pre, "%s ¶%lld", jstr(l, "report"),
             (long long)json_integer_value(json_object_get(l, "para")));
    size_t w = bg_utf8_width(pre, strlen(pre));
    if (w > wpre) wpre = w;
  }
  json_array_foreach(ls, i, l) {
    snprintf(pre, sizeof pre, "%s ¶%lld", jstr(l, "report"),
             (long long)json_integer_value(json_object_get(l, "para")));
    if (c->color) fputs(dim_on, stdout);
    pad(pre, wpre + 2);
    if (c->color) fputs(hl_off, stdout);
    const char *left = jstr(l, "left");
    size_t lw = bg_utf8_width(left, strlen(left));
    for (size_t k = lw; k < a->width; k++) putchar(' ');
    fputs(left, stdout);
    if (c->color) fputs(hl_on, stdout);
    fputs(c->color ? "" : " ", stdout);
    fputs(jstr(l, "match"), stdout);
    fputs(c->color ? "" : " ", stdout);
    if (c->color) fputs(hl_off, stdout);
    puts(jstr(l, "right"));
  }
  if (c->color) fputs(dim_on, stdout);
  printf("%lld occurrence%s; %.1f ms\n",
         (long long)json_integer_value(json_object_get(j, "total")),
         json_integer_value(json_object_get(j, "total")) == 1 ? "" : "s",
         json_number_value(json_object_get(j, "took_ms")));
  if (c->color) fputs(hl_off, stdout);
}

static int cmd_view(const cli *c, int argc, char **argv, int kwic) {
  qargs a = {.by = BG_BY_YEAR, .width = 30, .ksort = BG_KWIC_YEAR};
  size_t qlen = 0;
  char *q = parse_qargs(kwic ? "kwic" : "count", argc, argv, &a, &qlen);
  if (!q) return 0;
  json_t *j = NULL;
  int rc = run_view(c, kwic, q, qlen, &a, &j);
  free(q);
  if (rc != 0) return rc;
  if (c->format)
    print_table(c, kwic ? "kwic" : "count", j);
  else if (c->json)
    print_json(j);
  else if (kwic)
    print_kwic(c, j, &a);
  else
    print_count(c, j);
  if (!c->json && !(kwic && a.tsv)) print_hints(c, j);
  json_decref(j);
  return 0;
}

/* Appends word a to the words in *buf (*len bytes), a space between. */
static void append_word(char **buf, size_t *len, const char *a) {
  char *nb = realloc(*buf, *len + strlen(a) + 2);
  if (!nb) die_use("out of memory%s", "");
  *buf = nb;
  if (*len) nb[(*len)++] = ' ';
  strcpy(nb + *len, a);
  *len += strlen(a);
}

static int cmd_list(const cli *c, int argc, char **argv, int stats) {
  /* reports: FILTER words, joined into one query of filters. */
  size_t flen = 0;
  char *filter = NULL;
  int opts_done = 0;
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i];
    if (!opts_done && (!strcmp(a, "-h") || !strcmp(a, "--help"))) {
      fputs(stats ? usage_stats : usage_reports, stdout);
      free(filter);
      return 0;
    }
    if (!opts_done && !strcmp(a, "--")) {
      opts_done = 1;
    } else if (stats || (!opts_done && a[0] == '-' && a[1] == '-')) {
      die_use(stats ? "unexpected argument '%s'" : "unknown option '%s'", a);
    } else {
      append_word(&filter, &flen, a);
    }
  }
  json_t *v = NULL;
  if (c->server) {
    const char *kv[] = {"q", filter};
    int rc = fetch(c, bg_endpoint_path[stats ? BG_EP_STATS : BG_EP_REPORTS],
                   kv, filter ? 2 : 0, &v);
    free(filter);
    if (rc != 0) return rc;
  } else {
    bg_reader *r = open_index(c);
    if (!r) {
      free(filter);
      return EXIT_INDEX;
    }
    bg_err err = {0};
    json_t *arr = NULL;
    int rc = stats    ? bg_reader_stats(r, &v, &err)
             : filter ? bg_reader_reports_filtered(r, filter, flen, &arr, &err)
                      : bg_reader_reports(r, &arr, &err);
    bg_reader_close(r);
    free(filter);
    if (rc != BG_OK)
      return fail(c, rc == BG_EQUERY ? "bad_query" : "index_error",
                  bg_err_msg(&err), rc == BG_EQUERY ? EXIT_USE : EXIT_INDEX);
    if (!stats) {
      v = bg_json_reports(arr);
      json_decref(arr);
    }
  }
  if (c->format)
    print_table(c, stats ? "stats" : "reports", v);
  else if (c->json)
    print_json(v);
  else if (stats)
    print_stats(v);
  else
    print_reports(json_object_get(v, "reports"));
  json_decref(v);
  return 0;
}

/* ---- similar and compare ---- */

static const char usage_similar[] =
    "usage: baogao similar REPORT#PARA [FILTER...] [--limit N] [--reports N]\n"
    "       baogao similar --text TEXT [FILTER...] [--limit N] [--reports N]\n"
    "\n"
    "The paragraphs of other reports most alike in wording to paragraph PARA\n"
    "of REPORT (numbered from 1, as search shows them), or to TEXT, best\n"
    "first, with their similarity from 0 to 1 (Dice coefficient over adjacent\n"
    "unit pairs); the stretches they share with it are highlighted.\n"
    "\n"
    "  FILTER         year:2025 year:2018..2023 region:广东省 report:ID, with\n"
    "                 OR, NOT and brackets as in search (no phrases)\n"
    "  --limit N      paragraphs to show (default 10)\n"
    "  --reports N    reports to examine, the closest by BM25 over the\n"
    "                 source's unit pairs (default 50)\n"
    "  --text TEXT    compare with TEXT instead of a paragraph\n";

static const char usage_compare[] =
    "usage: baogao compare REPORT_A REPORT_B [--full] [--threshold X]\n"
    "                      [--min-count N] [--phrases N]\n"
    "\n"
    "How REPORT_B rewrote REPORT_A: B's paragraphs aligned in order with "
    "their\n"
    "counterparts in A (the most similar chain that never crosses), each pair\n"
    "as a character diff (deleted text red, inserted green; [-…-] and {+…+}\n"
    "without colour), the paragraphs only in A and only in B, and the phrases\n"
    "(2 to 8 CJK characters, the longest form) new in B and gone from A.\n"
    "\n"
    "\n"
    "By default a summary: how many paragraphs were kept, reworded, added and\n"
    "dropped, the top new and dropped formulations, and the ten most reworded\n"
    "paragraphs with their changes, wrapped to the terminal.\n"
    "\n"
    "  --full         every paragraph: each pair's diff, the unchanged ranges,\n"
    "                 every paragraph only in A or only in B\n"
    "  --threshold X  least similarity of an aligned pair (default 0.25)\n"
    "  --min-count N  least occurrences of a new or gone phrase (default 2)\n"
    "  --phrases N    phrases listed each way (default 20)\n";

/* Reads the value of option argv[*i] (--name VALUE or --name=VALUE). */
static const char *opt_value(int argc, char **argv, int *i, const char *name) {
  const char *a = argv[*i];
  size_t n = strlen(name);
  if (!strncmp(a, name, n) && a[n] == '=') return a + n + 1;
  if (strcmp(a, name)) return NULL;
  if (*i + 1 >= argc) die_use("%s needs a value", name);
  return argv[++*i];
}

/* Maps a core status to the error code, message and exit status the CLI
 * (and the daemon) report. */
static int fail_status(const cli *c, int rc, const bg_err *err) {
  const char *code = rc == BG_EQUERY      ? "bad_query"
                     : rc == BG_ENOTFOUND ? "not_found"
                     : rc == BG_EINVAL    ? "bad_source"
                     : rc == BG_ERANGE    ? "bad_value"
                     : rc == BG_ETIMEOUT  ? "timeout"
                                          : "index_error";
  int use = rc == BG_EQUERY || rc == BG_ENOTFOUND || rc == BG_EINVAL ||
            rc == BG_ERANGE;
  return fail(c, code, bg_err_msg(err), use ? EXIT_USE : EXIT_INDEX);
}

/* What `baogao similar` is asked: a paragraph (source, REPORT#PARA) or a
 * text, and the options. */
typedef struct similar_args {
  const char *source, *text;
  size_t limit, reports;
  char *filter; /* the other words: a filter query (owned) */
  size_t flen;
  size_t id_len; /* of the report id in source */
  uint32_t para;
} similar_args;

/* Reads the arguments of `baogao similar` into *a (exits on a usage
 * error); returns 0, or 1 after printing the help. */
static int parse_similar(int argc, char **argv, similar_args *a) {
  int opts_done = 0;
  *a = (similar_args){.limit = 10, .filter = calloc(1, 1)};
  if (!a->filter) die_use("out of memory%s", "");
  for (int i = 0; i < argc; i++) {
    const char *arg = argv[i], *v;
    if (!opts_done && !strcmp(arg, "--")) {
      opts_done = 1;
    } else if (!opts_done && (!strcmp(arg, "-h") || !strcmp(arg, "--help"))) {
      fputs(usage_similar, stdout);
      return 1;
    } else if (!opts_done && (v = opt_value(argc, argv, &i, "--limit"))) {
      if (parse_size(v, &a->limit) != 0 || a->limit > BG_SIMILAR_MAX_LIMIT)
        die_use("--limit takes a whole number from 0 to 10000, not '%s'", v);
    } else if (!opts_done && (v = opt_value(argc, argv, &i, "--reports"))) {
      if (parse_size(v, &a->reports) != 0 || a->reports == 0)
        die_use("--reports takes a whole number from 1, not '%s'", v);
    } else if (!opts_done && (v = opt_value(argc, argv, &i, "--text"))) {
      a->text = v;
    } else if (!opts_done && is_option(arg)) {
      static const char *const known[] = {"--limit", "--reports", "--text",
                                          "--help", NULL};
      unknown_option("similar", arg, known);
    } else if (!a->source && !a->text && strchr(arg, '#')) {
      a->source = arg;
    } else {
      append_word(&a->filter, &a->flen, arg);
    }
  }
  if (!a->source && !a->text)
    die_use("similar needs a paragraph, REPORT#PARA (e.g. %s), or --text TEXT",
            "2023_济南市钢城区#19");
  if (a->source && a->text)
    die_use("give REPORT#PARA or --text, not both%s", "");
  if (a->source &&
      bg_similar_parse_source(a->source, &a->id_len, &a->para) != 0)
    die_use("'%s' is not REPORT#PARA (a report id, '#', a paragraph number "
            "from 1)",
            a->source);
  return 0;
}

/* Prints answer j of `baogao similar` for a terminal (owns j). */
static int print_similar(const cli *c, json_t *j) {
  bg_err err = {0};
  bg_results *res = NULL;
  if (bg_json_parse_similar(j, &res, &err) != BG_OK) {
    json_decref(j);
    return fail(c, "bad_answer", bg_err_msg(&err), EXIT_INDEX);
  }
  json_t *src = json_object_get(j, "source");
  const char *st = jstr(src, "text");
  if (c->color) fputs(dim_on, stdout);
  if (json_is_string(json_object_get(src, "report")))
    printf("similar to %s ¶%lld: ", jstr(src, "report"),
           (long long)json_integer_value(json_object_get(src, "para")));
  else
    fputs("similar to the text: ", stdout);
  size_t n = bg_utf8_cps(st, strlen(st));
  fwrite(st, 1, bg_utf8_offset(st, strlen(st), 60), stdout);
  fputs(n > 60 ? "…" : "", stdout);
  if (c->color) fputs(hl_off, stdout);
  fputs("\n\n", stdout);
  for (size_t i = 0; i < res->nhits; i++) {
    printf("%.3f  ", res->hits[i].score);
    print_hit(c, &res->hits[i], HIT_ONE);
  }
  if (c->color) fputs(dim_on, stdout);
  printf("%zu paragraph%s from %lld report%s examined; %.1f ms\n", res->nhits,
         res->nhits == 1 ? "" : "s",
         (long long)json_integer_value(json_object_get(j, "reports_examined")),
         json_integer_value(json_object_get(j, "reports_examined")) == 1 ? ""
                                                                         : "s",
         res->took_ms);
  if (c->color) fputs(hl_off, stdout);
  bg_results_free(res);
  json_decref(j);
  return 0;
}

static int cmd_similar(const cli *c, int argc, char **argv) {
  similar_args sa;
  if (parse_similar(argc, argv, &sa) != 0) {
    free(sa.filter);
    return 0;
  }
  json_t *j = NULL;
  int rc = 0;
  if (c->server) {
    char lim[32], rep[32];
    snprintf(lim, sizeof lim, "%zu", sa.limit);
    snprintf(rep, sizeof rep, "%zu", sa.reports);
    const char *kv[8] = {sa.source ? "para" : "text",
                         sa.source ? sa.source : sa.text, "limit", lim};
    size_t nkv = 4;
    if (sa.flen) kv[nkv++] = "filter", kv[nkv++] = sa.filter;
    if (sa.reports) kv[nkv++] = "reports", kv[nkv++] = rep;
    rc = fetch(c, bg_endpoint_path[BG_EP_SIMILAR], kv, nkv, &j);
  } else {
    bg_reader *r = open_index(c);
    if (!r) {
      free(sa.filter);
      return EXIT_INDEX;
    }
    char *id = sa.source ? strndup(sa.source, sa.id_len) : NULL;
    bg_similar_opts o = {id,        sa.para,  sa.text,
                         sa.text ? strlen(sa.text) : 0,
                         sa.filter, sa.flen,  sa.limit,
                         sa.reports, 0};
    bg_similar_result *s = NULL;
    bg_err err = {0};
    int st = (sa.source && !id)
                 ? bg_err_set(&err, BG_ENOMEM, "out of memory")
                 : bg_similar(r, &o, &s, &err);
    if (st == BG_OK && !(j = bg_json_similar(s)))
      st = bg_err_set(&err, BG_ENOMEM, "out of memory");
    bg_similar_free(s);
    free(id);
    bg_reader_close(r);
    if (st != BG_OK) rc = fail_status(c, st, &err);
  }
  free(sa.filter);
  if (rc != 0) return rc;
  if (c->json || c->format) {
    if (c->format)
      print_table(c, "similar", j);
    else
      print_json(j);
    json_decref(j);
    return 0;
  }
  return print_similar(c, j);
}

static const char *del_on = "\033[31;9m", *ins_on = "\033[32m";

/* Prints the pieces of a pair's diff: deleted and inserted text coloured,
 * or marked [-…-] and {+…+} without colour. */
static void print_diff(const cli *c, json_t *diff) {
  size_t i;
  json_t *p;
  fputs("  ", stdout);
  json_array_foreach(diff, i, p) {
    const char *op = json_string_value(json_array_get(p, 0));
    const char *t = json_string_value(json_array_get(p, 1));
    if (!op || !t) continue;
    if (op[0] == '=') {
      fputs(t, stdout);
    } else if (c->color) {
      fputs(op[0] == '-' ? del_on : ins_on, stdout);
      fputs(t, stdout);
      fputs(hl_off, stdout);
    } else {
      printf(op[0] == '-' ? "[-%s-]" : "{+%s+}", t);
    }
  }
  putchar('\n');
}

static void print_phrases(const cli *c, json_t *arr, const char *title) {
  if (c->color) fputs(bold_on, stdout);
  fputs(title, stdout);
  if (c->color) fputs(hl_off, stdout);
  if (json_array_size(arr) == 0) fputs(" none", stdout);
  size_t i;
  json_t *p;
  json_array_foreach(arr, i, p)
      printf("%s %s ×%lld", i ? "," : "", jstr(p, "phrase"),
             (long long)json_integer_value(json_object_get(p, "count")));
  putchar('\n');
}

/* Appends the run of n unchanged pairs from A ¶a and B ¶b to buf (cap
 * bytes, *len used; a full buffer takes no more). */
static void add_range(char *buf, size_t cap, size_t *len, long a, long b,
                      long n) {
  if (n <= 0 || *len + 64 >= cap) return;
  const char *sep = *len ? ", " : "";
  if (n == 1)
    *len += (size_t)snprintf(buf + *len, cap - *len, "%s¶%ld=¶%ld", sep, a, b);
  else
    *len += (size_t)snprintf(buf + *len, cap - *len, "%s¶%ld–%ld=¶%ld–%ld", sep,
                             a, a + n - 1, b, b + n - 1);
}

static void print_compare(const cli *c, json_t *j, size_t min_count) {
  const char *a = jstr(j, "a"), *b = jstr(j, "b");
  json_t *pairs = json_object_get(j, "pairs");
  size_t i, unchanged = 0;
  json_t *p;
  if (c->color) fputs(bold_on, stdout);
  printf("%s → %s", a, b);
  if (c->color) fputs(hl_off, stdout);
  putchar('\n');
  /* Changed pairs in full; unchanged ones as ranges. */
  long ra = -1, rb = -1, rn = 0;
  char ranges[4096];
  size_t rl = 0;
  ranges[0] = '\0';
  json_array_foreach(pairs, i, p) {
    json_t *d = json_object_get(p, "diff");
    long pa = (long)json_integer_value(json_object_get(p, "a_para"));
    long pb = (long)json_integer_value(json_object_get(p, "b_para"));
    const char *op0 =
        json_string_value(json_array_get(json_array_get(d, 0), 0));
    int same = json_array_size(d) == 1 && op0 && !strcmp(op0, "=");
    if (same) {
      unchanged++;
      if (rn > 0 && pa == ra + rn && pb == rb + rn) {
        rn++;
        continue;
      }
    }
    add_range(ranges, sizeof ranges, &rl, ra, rb, rn);
    rn = 0;
    if (same) {
      ra = pa, rb = pb, rn = 1;
      continue;
    }
    putchar('\n');
    if (c->color) fputs(dim_on, stdout);
    printf("¶%ld → ¶%ld  similarity %.3f", pa, pb,
           json_number_value(json_object_get(p, "similarity")));
    if (c->color) fputs(hl_off, stdout);
    putchar('\n');
    print_diff(c, d);
  }
  add_range(ranges, sizeof ranges, &rl, ra, rb, rn);
  if (unchanged) {
    putchar('\n');
    if (c->color) fputs(bold_on, stdout);
    printf("unchanged (%zu):", unchanged);
    if (c->color) fputs(hl_off, stdout);
    printf(" %s%s\n", ranges, rl + 64 >= sizeof ranges ? ", …" : "");
  }
  const char *side[2] = {"only_a", "only_b"};
  for (int s = 0; s < 2; s++) {
    json_t *arr = json_object_get(j, side[s]);
    putchar('\n');
    if (c->color) fputs(bold_on, stdout);
    printf("only in %s (%zu)%s", s ? b : a, json_array_size(arr),
           json_array_size(arr) ? ":" : "");
    if (c->color) fputs(hl_off, stdout);
    putchar('\n');
    json_array_foreach(arr, i, p) {
      if (c->color) fputs(s ? ins_on : del_on, stdout);
      printf("  ¶%lld  %s",
             (long long)json_integer_value(json_object_get(p, "para")),
             jstr(p, "text"));
      if (c->color) fputs(hl_off, stdout);
      putchar('\n');
    }
  }
  char title[512];
  putchar('\n');
  snprintf(title, sizeof title, "new in %s (%zu+ times, never in %s):", b,
           min_count, a);
  print_phrases(c, json_object_get(j, "new_phrases"), title);
  snprintf(title, sizeof title, "gone from %s (%zu+ times in %s):", b,
           min_count, a);
  print_phrases(c, json_object_get(j, "gone_phrases"), title);
  putchar('\n');
  if (c->color) fputs(dim_on, stdout);
  printf("%zu paired (%zu unchanged), %zu only in %s, %zu only in %s",
         json_array_size(pairs), unchanged,
         json_array_size(json_object_get(j, "only_a")), a,
         json_array_size(json_object_get(j, "only_b")), b);
  if (c->color) fputs(hl_off, stdout);
  putchar('\n');
}

/* Columns to wrap text at: term_width(), else 80. */
static size_t out_cols(void) {
  size_t w = term_width();
  return w >= 20 && w <= 1000 ? w : 80;
}

/* Text wrapped at `cols` columns, lines indented by two spaces, at most
 * `max_lines` lines (0: no limit): past them, "…" and nothing more. */
typedef struct wrap {
  size_t cols, col, lines, max_lines;
  int full;
} wrap;

static void put_wrapped(wrap *w, const char *t) {
  size_t n = strlen(t), i = 0;
  while (i < n && !w->full) {
    size_t at = i;
    uint32_t cp = bg_utf8_next(t, n, &i);
    if (cp == '\n') continue;
    size_t cw = bg_utf8_width(t + at, i - at);
    if (w->col + cw > w->cols) {
      if (w->max_lines && w->lines + 1 >= w->max_lines) {
        fputs("…", stdout);
        w->full = 1;
        return;
      }
      fputs("\n  ", stdout);
      w->col = 2;
      w->lines++;
    }
    fwrite(t + at, 1, i - at, stdout);
    w->col += cw;
  }
}

#define DIFF_CONTEXT 16 /* characters of unchanged text kept by a change */

/* A pair's diff, wrapped: deletions and insertions in colour, or as [-…-]
 * and {+…+}; unchanged stretches longer than twice DIFF_CONTEXT keep
 * DIFF_CONTEXT characters by each change, "…" between. */
static void print_diff_wrapped(const cli *c, json_t *diff, wrap *w) {
  size_t i, n = json_array_size(diff);
  json_t *p;
  fputs("  ", stdout);
  w->col = 2;
  json_array_foreach(diff, i, p) {
    const char *op = json_string_value(json_array_get(p, 0));
    const char *t = json_string_value(json_array_get(p, 1));
    if (!op || !t) continue;
    if (op[0] == '=') {
      size_t len = strlen(t), cps = bg_utf8_cps(t, len);
      if (cps <= 2 * DIFF_CONTEXT + 1) {
        put_wrapped(w, t);
        continue;
      }
      char *cut = malloc(len + 8);
      if (!cut) die_use("out of memory%s", "");
      size_t head = i > 0 ? bg_utf8_offset(t, len, DIFF_CONTEXT) : 0;
      size_t tail = i + 1 < n ? bg_utf8_offset(t, len, cps - DIFF_CONTEXT) : len;
      memcpy(cut, t, head);
      memcpy(cut + head, "…", strlen("…"));
      memcpy(cut + head + strlen("…"), t + tail, len - tail);
      cut[head + strlen("…") + len - tail] = '\0';
      put_wrapped(w, cut);
      free(cut);
      continue;
    }
    if (c->color) fputs(op[0] == '-' ? del_on : ins_on, stdout);
    if (!c->color) put_wrapped(w, op[0] == '-' ? "[-" : "{+");
    put_wrapped(w, t);
    if (!c->color) put_wrapped(w, op[0] == '-' ? "-]" : "+}");
    if (c->color) fputs(hl_off, stdout);
  }
  putchar('\n');
}

/* Characters deleted and inserted by a pair's diff. */
static size_t changed_chars(json_t *diff) {
  size_t i, n = 0;
  json_t *p;
  json_array_foreach(diff, i, p) {
    const char *op = json_string_value(json_array_get(p, 0));
    const char *t = json_string_value(json_array_get(p, 1));
    if (op && t && op[0] != '=') n += bg_utf8_cps(t, strlen(t));
  }
  return n;
}

typedef struct reworded {
  size_t at; /* index in pairs */
  size_t changed;
} reworded;

static int cmp_reworded(const void *pa, const void *pb) {
  const reworded *a = pa, *b = pb;
  if (a->changed != b->changed) return a->changed > b->changed ? -1 : 1;
  return a->at < b->at ? -1 : a->at > b->at;
}

static int cmp_reworded_at(const void *pa, const void *pb) {
  const reworded *a = pa, *b = pb;
  return a->at < b->at ? -1 : a->at > b->at;
}

/* The phrases of arr (at most max) on one line each wrapped. */
static void print_top_phrases(const cli *c, json_t *arr, const char *title,
                              size_t max, size_t cols) {
  if (c->color) fputs(bold_on, stdout);
  fputs(title, stdout);
  if (c->color) fputs(hl_off, stdout);
  putchar('\n');
  size_t i;
  json_t *p;
  wrap w = {cols, 2, 0, 0, 0};
  fputs("  ", stdout);
  if (json_array_size(arr) == 0) put_wrapped(&w, "none");
  json_array_foreach(arr, i, p) {
    if (i == max) {
      put_wrapped(&w, ", …");
      break;
    }
    char item[512];
    snprintf(item, sizeof item, "%s%s ×%lld", i ? ", " : "", jstr(p, "phrase"),
             (long long)json_integer_value(json_object_get(p, "count")));
    put_wrapped(&w, item);
  }
  putchar('\n');
}

#define SUMMARY_PHRASES 10
#define SUMMARY_PAIRS 10
#define SUMMARY_LINES 5 /* lines of each reworded paragraph */

/* The default view of compare: counts, the top formulations each way,
 * and the most reworded paragraphs. */
static void print_compare_summary(const cli *c, json_t *j, size_t min_count) {
  const char *a = jstr(j, "a"), *b = jstr(j, "b");
  json_t *pairs = json_object_get(j, "pairs");
  size_t np = json_array_size(pairs), cols = out_cols(), i, kept = 0;
  reworded *rw = calloc(np + 1, sizeof *rw);
  size_t nrw = 0;
  json_t *p;
  if (!rw) die_use("out of memory%s", "");
  json_array_foreach(pairs, i, p) {
    size_t ch = changed_chars(json_object_get(p, "diff"));
    if (ch == 0)
      kept++;
    else
      rw[nrw++] = (reworded){i, ch};
  }
  size_t added = json_array_size(json_object_get(j, "only_b"));
  size_t dropped = json_array_size(json_object_get(j, "only_a"));
  if (c->color) fputs(bold_on, stdout);
  printf("%s → %s", a, b);
  if (c->color) fputs(hl_off, stdout);
  printf("\n%zu paragraphs of %s: %zu kept as they were, %zu reworded, %zu "
         "added; %zu of %s's dropped\n\n",
         np + added, b, kept, nrw, added, dropped, a);
  char title[512];
  snprintf(title, sizeof title,
           "new formulations (%zu+ times in %s, never in %s):", min_count, b, a);
  print_top_phrases(c, json_object_get(j, "new_phrases"), title,
                    SUMMARY_PHRASES, cols);
  snprintf(title, sizeof title,
           "dropped formulations (%zu+ times in %s, never in %s):", min_count,
           a, b);
  print_top_phrases(c, json_object_get(j, "gone_phrases"), title,
                    SUMMARY_PHRASES, cols);
  qsort(rw, nrw, sizeof *rw, cmp_reworded);
  size_t show = nrw < SUMMARY_PAIRS ? nrw : SUMMARY_PAIRS;
  qsort(rw, show, sizeof *rw, cmp_reworded_at);
  if (show) {
    putchar('\n');
    if (c->color) fputs(bold_on, stdout);
    printf("the %zu most reworded paragraphs:", show);
    if (c->color) fputs(hl_off, stdout);
    putchar('\n');
  }
  for (size_t k = 0; k < show; k++) {
    p = json_array_get(pairs, rw[k].at);
    putchar('\n');
    if (c->color) fputs(dim_on, stdout);
    printf("¶%lld → ¶%lld  similarity %.3f, %zu characters changed",
           (long long)json_integer_value(json_object_get(p, "a_para")),
           (long long)json_integer_value(json_object_get(p, "b_para")),
           json_number_value(json_object_get(p, "similarity")), rw[k].changed);
    if (c->color) fputs(hl_off, stdout);
    putchar('\n');
    wrap w = {cols, 2, 0, SUMMARY_LINES, 0};
    print_diff_wrapped(c, json_object_get(p, "diff"), &w);
  }
  free(rw);
  putchar('\n');
  if (c->color) fputs(dim_on, stdout);
  printf("every paragraph with --full; everything as JSON with --json\n");
  if (c->color) fputs(hl_off, stdout);
}

static int cmd_compare(const cli *c, int argc, char **argv) {
  const char *ids[2] = {NULL, NULL};
  const char *thr = NULL;
  size_t min_count = 0, nphr = 0;
  double threshold = 0;
  int nid = 0, opts_done = 0, full = 0;
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i], *v;
    if (!opts_done && !strcmp(a, "--")) {
      opts_done = 1;
    } else if (!opts_done && (!strcmp(a, "-h") || !strcmp(a, "--help"))) {
      fputs(usage_compare, stdout);
      return 0;
    } else if (!opts_done && (v = opt_value(argc, argv, &i, "--threshold"))) {
      char *end;
      threshold = strtod(v, &end);
      if (*end || !(threshold > 0 && threshold <= 1))
        die_use(
            "--threshold takes a similarity above 0 and at most 1, not '%s'",
            v);
      thr = v;
    } else if (!opts_done && (v = opt_value(argc, argv, &i, "--min-count"))) {
      if (parse_size(v, &min_count) != 0 || min_count == 0)
        die_use("--min-count takes a whole number from 1, not '%s'", v);
    } else if (!opts_done && (v = opt_value(argc, argv, &i, "--phrases"))) {
      if (parse_size(v, &nphr) != 0 || nphr == 0 || nphr > 10000)
        die_use("--phrases takes a whole number from 1 to 10000, not '%s'", v);
    } else if (!opts_done && !strcmp(a, "--full")) {
      full = 1;
    } else if (!opts_done && is_option(a)) {
      static const char *const known[] = {"--full", "--threshold", "--min-count",
                                           "--phrases", "--help", NULL};
      unknown_option("compare", a, known);
    } else if (nid < 2) {
      ids[nid++] = a;
    } else {
      die_use("compare takes two reports; '%s' is a third", a);
    }
  }
  if (nid < 2)
    die_use("compare needs two report ids (baogao reports lists them)%s", "");
  json_t *j = NULL;
  int rc = 0;
  if (c->server) {
    char mc[32], ph[32];
    snprintf(mc, sizeof mc, "%zu", min_count);
    snprintf(ph, sizeof ph, "%zu", nphr);
    const char *kv[10] = {"a", ids[0], "b", ids[1]};
    size_t nkv = 4;
    if (thr) kv[nkv++] = "threshold", kv[nkv++] = thr;
    if (min_count) kv[nkv++] = "min_count", kv[nkv++] = mc;
    if (nphr) kv[nkv++] = "phrases", kv[nkv++] = ph;
    rc = fetch(c, bg_endpoint_path[BG_EP_COMPARE], kv, nkv, &j);
  } else {
    bg_reader *r = open_index(c);
    if (!r) return EXIT_INDEX;
    bg_compare_opts o = {threshold, min_count, nphr, 0};
    bg_compare_result *res = NULL;
    bg_err err = {0};
    int st = bg_compare(r, ids[0], ids[1], &o, &res, &err);
    if (st == BG_OK && !(j = bg_json_compare(res)))
      st = bg_err_set(&err, BG_ENOMEM, "out of memory");
    bg_compare_free(res);
    bg_reader_close(r);
    if (st != BG_OK) rc = fail_status(c, st, &err);
  }
  if (rc != 0) return rc;
  if (c->format)
    print_table(c, "compare", j);
  else if (c->json)
    print_json(j);
  else if (full)
    print_compare(c, j, min_count ? min_count : BG_COMPARE_MIN_COUNT);
  else
    print_compare_summary(c, j, min_count ? min_count : BG_COMPARE_MIN_COUNT);
  json_decref(j);
  return 0;
}

static const char usage_keywords[] =
    "usage: baogao keywords FILTERS [--vs FILTERS] [--limit N] [--min-count N]\n"
    "                       [--min-g2 X]\n"
    "\n"
    "Keyness: the phrases significantly more frequent in the reports FILTERS\n"
    "choose (year:, region:, report:, with OR and NOT) than in those of --vs\n"
    "(default: every other report).  Phrases are 2 to 8 CJK characters that\n"
    "start and end where words do, as compare lists them; each with its exact\n"
    "occurrences on both sides, per 10,000 units, the log-likelihood G² and the\n"
    "log ratio (log2 of the two rates).  Example:\n"
    "  baogao keywords year:2025 --vs year:2024\n"
    "  baogao keywords region:广东省 --vs -region:广东省\n"
    "\n"
    "  --vs FILTERS   the second side (one argument; quote it when it has spaces)\n"
    "  --limit N      phrases listed (default 50)\n"
    "  --min-count N  least occurrences on the first side (default 3)\n"
    "  --min-g2 X     least G² (default 10.83, p < 0.001)\n";

static void print_keywords(const cli *c, json_t *j) {
  json_t *ks = json_object_get(j, "keywords");
  size_t i, wp = 6;
  json_t *k;
  json_array_foreach(ks, i, k) {
    const char *p = jstr(k, "phrase");
    size_t w = bg_utf8_width(p, strlen(p));
    if (w > wp) wp = w;
  }
  if (c->color) fputs(bold_on, stdout);
  pad("phrase", wp + 2);
  printf("%9s %9s %9s %9s %9s %9s\n", "A", "B", "A/10k", "B/10k", "G²",
         "log ratio");
  if (c->color) fputs(hl_off, stdout);
  json_array_foreach(ks, i, k) {
    pad(jstr(k, "phrase"), wp + 2);
    printf("%9lld %9lld %9.2f %9.2f %9.2f %9.2f\n",
           (long long)json_integer_value(json_object_get(k, "a")),
           (long long)json_integer_value(json_object_get(k, "b")),
           json_number_value(json_object_get(k, "per_10k_a")),
           json_number_value(json_object_get(k, "per_10k_b")),
           json_number_value(json_object_get(k, "g2")),
           json_number_value(json_object_get(k, "log_ratio")));
  }
  json_t *rep = json_object_get(j, "reports"), *un = json_object_get(j, "units");
  const char *vs = jstr(j, "vs");
  if (c->color) fputs(dim_on, stdout);
  printf("A: %s, %lld reports, %lld units; B: %s, %lld reports, %lld units; "
         "%zu phrases; %.1f ms\n",
         jstr(j, "query"), (long long)json_integer_value(json_array_get(rep, 0)),
         (long long)json_integer_value(json_array_get(un, 0)),
         vs[0] ? vs : "the other reports",
         (long long)json_integer_value(json_array_get(rep, 1)),
         (long long)json_integer_value(json_array_get(un, 1)),
         json_array_size(ks), json_number_value(json_object_get(j, "took_ms")));
  if (c->color) fputs(hl_off, stdout);
}

static int cmd_keywords(const cli *c, int argc, char **argv) {
  bg_keywords_opts o = {0};
  const char *vs = NULL, *g2 = NULL;
  char *q = calloc(1, 1);
  size_t qlen = 0;
  int opts_done = 0;
  if (!q) die_use("out of memory%s", "");
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i], *v;
    if (!opts_done && !strcmp(a, "--")) {
      opts_done = 1;
    } else if (!opts_done && (!strcmp(a, "-h") || !strcmp(a, "--help"))) {
      fputs(usage_keywords, stdout);
      free(q);
      return 0;
    } else if (!opts_done && (v = opt_value(argc, argv, &i, "--vs"))) {
      vs = v;
    } else if (!opts_done && (v = opt_value(argc, argv, &i, "--limit"))) {
      if (parse_size(v, &o.limit) != 0 || o.limit == 0 ||
          o.limit > BG_KEYWORDS_MAX_LIMIT)
        die_use("--limit takes a whole number from 1 to 10000, not '%s'", v);
    } else if (!opts_done && (v = opt_value(argc, argv, &i, "--min-count"))) {
      if (parse_size(v, &o.min_count) != 0 || o.min_count == 0)
        die_use("--min-count takes a whole number from 1, not '%s'", v);
    } else if (!opts_done && (v = opt_value(argc, argv, &i, "--min-g2"))) {
      char *end;
      o.min_g2 = strtod(v, &end);
      if (*end || !(o.min_g2 > 0) || o.min_g2 > 1e9)
        die_use("--min-g2 takes a number above 0, not '%s'", v);
      g2 = v;
    } else if (!opts_done && is_option(a)) {
      static const char *const known[] = {"--vs", "--limit", "--min-count",
                                          "--min-g2", "--help", NULL};
      unknown_option("keywords", a, known);
    } else {
      char *nq = realloc(q, qlen + strlen(a) + 2);
      if (!nq) die_use("out of memory%s", "");
      q = nq;
      if (qlen) q[qlen++] = ' ';
      strcpy(q + qlen, a);
      qlen += strlen(a);
    }
  }
  if (qlen == 0)
    die_use("keywords needs filters for the first side, e.g. year:2025%s", "");
  json_t *j = NULL;
  int rc = 0;
  if (c->server) {
    char lim[32], mc[32];
    snprintf(lim, sizeof lim, "%zu", o.limit);
    snprintf(mc, sizeof mc, "%zu", o.min_count);
    const char *kv[12] = {"q", q};
    size_t nkv = 2;
    if (vs) kv[nkv++] = "vs", kv[nkv++] = vs;
    if (o.limit) kv[nkv++] = "limit", kv[nkv++] = lim;
    if (o.min_count) kv[nkv++] = "min_count", kv[nkv++] = mc;
    if (g2) kv[nkv++] = "min_g2", kv[nkv++] = g2;
    rc = fetch(c, bg_endpoint_path[BG_EP_KEYWORDS], kv, nkv, &j);
  } else {
    bg_reader *r = open_index(c);
    if (!r) {
      free(q);
      return EXIT_INDEX;
    }
    o.vs = vs;
    o.vs_len = vs ? strlen(vs) : 0;
    bg_keywords_result *res = NULL;
    bg_err err = {0};
    int st = bg_keywords(r, q, qlen, &o, &res, &err);
    if (st == BG_OK && !(j = bg_json_keywords(res)))
      st = bg_err_set(&err, BG_ENOMEM, "out of memory");
    bg_keywords_free(res);
    bg_reader_close(r);
    if (st != BG_OK) rc = fail_status(c, st, &err);
  }
  free(q);
  if (rc != 0) return rc;
  if (c->format)
    print_table(c, "keywords", j);
  else if (c->json)
    print_json(j);
  else
    print_keywords(c, j);
  json_decref(j);
  return 0;
}

int main(int argc, char **argv) {
  cli c = {getenv("BAOGAO_SERVER"), getenv("BAOGAO_INDEX"), 0, -1, 0, 0};
  const char *command = NULL;
  /* The command's own arguments are gathered at the front of argv (the
   * write position never passes the read position). */
  char **rest = argv + 1;
  int nrest = 0;
  /* Global options may stand before or after the command. */
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--")) {
      for (; i < argc; i++) rest[nrest++] = argv[i];
      break;
    }
    if (!strcmp(a, "--index") || !strcmp(a, "--color") ||
        !strcmp(a, "--server")) {
      if (i + 1 >= argc) die_use("%s needs a value", a);
      if (!strcmp(a, "--index"))
        c.index = argv[++i];
      else if (!strcmp(a, "--server"))
        c.server = argv[++i];
      else
        a = argv[++i], c.color = !strcmp(a, "always") ? 1
                                 : !strcmp(a, "never") ? 0
                                 : !strcmp(a, "auto")  ? -1
                                                       : -2;
      if (c.color == -2) die_use("--color takes auto, always or never%s", "");
    } else if (!strncmp(a, "--index=", 8)) {
      c.index = a + 8;
    } else if (!strncmp(a, "--server=", 9)) {
      c.server = a + 9;
    } else if (!strcmp(a, "--json")) {
      c.json = 1;
    } else if (!strcmp(a, "--bom")) {
      c.bom = 1;
    } else if (!strcmp(a, "--format") || !strncmp(a, "--format=", 9)) {
      const char *v = a[8] == '=' ? a + 9 : NULL;
      if (!v && i + 1 >= argc) die_use("%s needs a value", "--format");
      if (!v) v = argv[++i];
      int f = bg_export_parse(v);
      if (f < 0) die_use("--format takes tsv, csv or json, not '%s'", v);
      c.format = f;
    } else if (!strcmp(a, "--version")) {
      printf("baogao %s\n", BAOGAO_VERSION);
      return 0;
    } else if (!command && (!strcmp(a, "-h") || !strcmp(a, "--help"))) {
      fputs(usage_main, stdout);
      return 0;
    } else if (!command && a[0] != '-') {
      command = a;
    } else if (!command) {
      die_use("unknown option '%s'", a);
    } else {
      rest[nrest++] = argv[i];
    }
  }
  if (!c.index || !c.index[0]) c.index = "data/index";
  if (c.server && !c.server[0]) c.server = NULL;
  if (c.color == -1) {
    const char *nc = getenv("NO_COLOR");
    c.color = isatty(STDOUT_FILENO) && !(nc && nc[0]);
  }
  int rc;
  if (!command) {
    fputs(usage_main, stderr);
    rc = EXIT_USE;
  } else if (!strcmp(command, "search")) {
    rc = cmd_search(&c, nrest, rest);
  } else if (!strcmp(command, "reports")) {
    rc = cmd_list(&c, nrest, rest, 0);
  } else if (!strcmp(command, "stats")) {
    rc = cmd_list(&c, nrest, rest, 1);
  } else if (!strcmp(command, "count")) {
    rc = cmd_view(&c, nrest, rest, 0);
  } else if (!strcmp(command, "kwic")) {
    rc = cmd_view(&c, nrest, rest, 1);
  } else if (!strcmp(command, "similar")) {
    rc = cmd_similar(&c, nrest, rest);
  } else if (!strcmp(command, "compare")) {
    rc = cmd_compare(&c, nrest, rest);
  } else if (!strcmp(command, "keywords")) {
    rc = cmd_keywords(&c, nrest, rest);
  } else if (!strcmp(command, "units")) {
    rc = cmd_units(&c, nrest, rest);
  } else if (!strcmp(command, "help")) {
    fputs(usage_main, stdout);
    rc = 0;
  } else {
    die_use("unknown command '%s' (commands: search, count, kwic, similar, compare, reports, stats, units)",
            command);
    return EXIT_USE;
  }
  return rc;
}
