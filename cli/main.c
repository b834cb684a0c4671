/*
 * baogao - search an index of government work reports from the terminal.
 *
 *   baogao [--index DIR] [--json] search QUERY [--limit N] [--offset N]
 *          [--all] [--sort relevance|year|-year]
 *   baogao [--index DIR] [--json] reports
 *   baogao [--index DIR] [--json] stats
 *
 * Exit status: 0 success (also with no hits), 1 error of use (bad option,
 * malformed query), 2 the index cannot be opened.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <math.h>

#include "count.h"
#include "error.h"
#include "json.h"
#include "kwic.h"
#include "remote.h"
#include "search.h"
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
    "  reports        the indexed reports with their metadata\n"
    "  stats          index statistics\n"
    "  units [TEXT]   how TEXT (or each line of standard input) is cut into\n"
    "                 units, the way the index and queries see it\n"
    "\n"
    "options:\n"
    "  --index DIR    index folder (default: $BAOGAO_INDEX, else ./data/index)\n"
    "  --server URL   ask baogao-searchd at URL (default: $BAOGAO_SERVER)\n"
    "                 instead of a local index; the output is the same\n"
    "  --json         print one JSON object instead of text\n"
    "  --color WHEN   highlight matches: auto (default; on a terminal unless\n"
    "                 NO_COLOR is set), always, never\n"
    "  -h, --help     show help\n"
    "  --version      show the version\n"
    "\n"
    "Exit status: 0 success (also with no hits); 1 error of use;\n"
    "2 the index cannot be opened.\n";

static const char usage_search[] =
    "usage: baogao search QUERY [--limit N] [--offset N] [--all]\n"
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
    "usage: baogao reports\n\nLists the indexed reports: year, region, id,\n"
    "paragraphs, date, speaker, encoding and source file.\n";

static const char usage_stats[] =
    "usage: baogao stats\n\nIndex statistics: reports, paragraphs, units,\n"
    "terms, years, size on disk.\n";

typedef struct cli {
  const char *server; /* base URL of baogao-searchd, or NULL for local */
  const char *index;
  int json;
  int color;
} cli;

static void die_use(const char *fmt, const char *arg) {
  fprintf(stderr, "baogao: ");
  fprintf(stderr, fmt, arg);
  fprintf(stderr, "\n(baogao --help for usage)\n");
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

static void print_hit(const cli *c, const bg_hit *h) {
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
  size_t from = 0, to = ncp;
  if (ncp > WINDOW_CPS) {
    size_t first = h->nmatches ? h->matches[0] : 0;
    from = first > WINDOW_CPS / 4 ? first - WINDOW_CPS / 4 : 0;
    to = from + WINDOW_CPS;
    if (to > ncp) {
      to = ncp;
      from = ncp - WINDOW_CPS;
    }
  }
  fputs("  ", stdout);
  if (from > 0) fputs("…", stdout);
  print_window(c, h, from, to);
  if (to < ncp) fputs("…", stdout);
  size_t outside = 0;
  for (size_t k = 0; k < h->nmatches; k++)
    if (h->matches[2 * k] < from || h->matches[2 * k + 1] > to) outside++;
  if (outside) printf("  (+%zu more in the paragraph)", outside);
  fputs("\n\n", stdout);
}

static void print_results(const cli *c, const bg_results *res) {
  for (size_t i = 0; i < res->nhits; i++) print_hit(c, &res->hits[i]);
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

static void print_reports(json_t *arr) {
  size_t i, wid = 2, wreg = 6;
  json_t *m;
  json_array_foreach(arr, i, m) {
    size_t w = bg_utf8_width(jstr(m, "id"), strlen(jstr(m, "id")));
    if (w > wid) wid = w;
    w = bg_utf8_width(jstr(m, "region"), strlen(jstr(m, "region")));
    if (w > wreg) wreg = w;
  }
  pad("year", 6);
  pad("region", wreg + 2);
  pad("id", wid + 2);
  printf("%10s  ", "paragraphs");
  pad("date", 12);
  pad("speaker", 10);
  printf("encoding  source\n");
  json_array_foreach(arr, i, m) {
    json_int_t y = json_integer_value(json_object_get(m, "year"));
    char ys[16];
    snprintf(ys, sizeof ys, "%lld", (long long)y);
    pad(y > 0 ? ys : "-", 6);
    pad(jstr(m, "region")[0] ? jstr(m, "region") : "-", wreg + 2);
    pad(jstr(m, "id"), wid + 2);
    printf("%10lld  ",
           (long long)json_integer_value(json_object_get(m, "paragraphs")));
    pad(jstr(m, "date")[0] ? jstr(m, "date") : "-", 12);
    pad(jstr(m, "speaker")[0] ? jstr(m, "speaker") : "-", 10);
    pad(jstr(m, "encoding"), 10);
    printf("%s\n", jstr(m, "source"));
  }
  printf("%zu report%s\n", json_array_size(arr),
         json_array_size(arr) == 1 ? "" : "s");
}

static void print_stats(json_t *o) {
  const char *key;
  json_t *v;
  json_object_foreach(o, key, v) {
    printf("%-12s ", key);
    if (json_is_string(v))
      printf("%s\n", json_string_value(v));
    else
      printf("%lld\n", (long long)json_integer_value(v));
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
  if (argc > 0 && (!strcmp(argv[0], "-h") || !strcmp(argv[0], "--help"))) {
    fputs("usage: baogao units [TEXT...]\n\nShows how TEXT (or each line of "
          "standard input) is normalized and cut\ninto units: the matching "
          "contract at work.\n",
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
    const char *sort = o->sort == BG_SORT_YEAR        ? "year"
                       : o->sort == BG_SORT_YEAR_DESC ? "-year"
                                                      : "relevance";
    const char *kv[] = {"q", q, "limit", limit, "offset", offset,
                        "sort", sort, "all", "1"};
    return fetch(c, "/v1/search", kv, o->all ? 10 : 8, out);
  }
  bg_reader *r = open_index(c);
  if (!r) return EXIT_INDEX;
  bg_err err = {0};
  bg_results *res = NULL;
  int rc = bg_search(r, q, qlen, o, &res, &err);
  bg_reader_close(r);
  if (rc != BG_OK)
    return fail(c, rc == BG_EQUERY ? "bad_query" : "index_error",
                bg_err_msg(&err), rc == BG_EQUERY ? EXIT_USE : EXIT_INDEX);
  *out = bg_json_results(res);
  bg_results_free(res);
  return *out ? 0 : fail(c, "out_of_memory", "out of memory", EXIT_INDEX);
}

/* Options of the query commands (search, count, kwic). */
typedef struct qargs {
  bg_search_opts o;
  bg_by by;
  size_t width;
  bg_kwic_sort ksort;
  int tsv;
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
    int is_opt = !opts_done && arg[0] == '-' && arg[1] &&
                 ((arg[1] >= 'a' && arg[1] <= 'z') ||
                  (arg[1] >= 'A' && arg[1] <= 'Z') || arg[1] == '-');
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
      if (!strcmp(val, "relevance"))
        a->o.sort = BG_SORT_RELEVANCE;
      else if (!strcmp(val, "year"))
        a->o.sort = BG_SORT_YEAR;
      else if (!strcmp(val, "-year"))
        a->o.sort = BG_SORT_YEAR_DESC;
      else
        die_use("--sort takes relevance, year or -year, not '%s'", val);
    } else if (known_val) { /* kwic --sort */
      int ks = bg_kwic_sort_parse(val);
      if (ks < 0) die_use("--sort takes year, left or right, not '%s'", val);
      a->ksort = (bg_kwic_sort)ks;
    } else if (search && !strcmp(arg, "--all")) {
      a->o.all = 1;
    } else if (kwic && !strcmp(arg, "--tsv")) {
      a->tsv = 1;
    } else if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
      fputs(search ? usage_search : count ? usage_count : usage_kwic, stdout);
      return NULL;
    } else {
      die_use("unknown option '%s' (to search for a term starting with '-', "
              "put -- before the query)",
              arg);
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
  if (c->json) {
    print_json(j);
  } else {
    bg_err err = {0};
    bg_results *res = NULL;
    if (bg_json_parse_results(j, &res, &err) != BG_OK) {
      json_decref(j);
      return fail(c, "bad_answer", bg_err_msg(&err), EXIT_INDEX);
    }
    print_results(c, res);
    bg_results_free(res);
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
    return fetch(c, kwic ? "/v1/kwic" : "/v1/count", kv, kwic ? 6 : 4, out);
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
  printf("%8s %11s %12s %10s %8s\n", "reports", "paragraphs", "occurrences",
         "units", "per 10k");
  if (c->color) fputs(hl_off, stdout);
  json_array_foreach(bs, i, b) {
    pad(jstr(b, "key"), wkey + 2);
    double v = json_number_value(json_object_get(b, "per_10k"));
    printf("%8lld %11lld %12lld %10lld %8.2f  ",
           (long long)json_integer_value(json_object_get(b, "reports")),
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
  if (c->json)
    print_json(j);
  else if (kwic)
    print_kwic(c, j, &a);
  else
    print_count(c, j);
  json_decref(j);
  return 0;
}

static int cmd_list(const cli *c, int argc, char **argv, int stats) {
  for (int i = 0; i < argc; i++) {
    if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
      fputs(stats ? usage_stats : usage_reports, stdout);
      return 0;
    }
    die_use("unexpected argument '%s'", argv[i]);
  }
  json_t *v = NULL;
  if (c->server) {
    int rc = fetch(c, stats ? "/v1/stats" : "/v1/reports", NULL, 0, &v);
    if (rc != 0) return rc;
  } else {
    bg_reader *r = open_index(c);
    if (!r) return EXIT_INDEX;
    bg_err err = {0};
    json_t *arr = NULL;
    int rc = stats ? bg_reader_stats(r, &v, &err)
                   : bg_reader_reports(r, &arr, &err);
    bg_reader_close(r);
    if (rc != BG_OK) return fail(c, "index_error", bg_err_msg(&err), EXIT_INDEX);
    if (!stats) {
      v = bg_json_reports(arr);
      json_decref(arr);
    }
  }
  if (c->json)
    print_json(v);
  else if (stats)
    print_stats(v);
  else
    print_reports(json_object_get(v, "reports"));
  json_decref(v);
  return 0;
}

int main(int argc, char **argv) {
  cli c = {getenv("BAOGAO_SERVER"), getenv("BAOGAO_INDEX"), 0, -1};
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
  } else if (!strcmp(command, "units")) {
    rc = cmd_units(&c, nrest, rest);
  } else if (!strcmp(command, "help")) {
    fputs(usage_main, stdout);
    rc = 0;
  } else {
    die_use("unknown command '%s' (commands: search, count, kwic, reports, stats, units)",
            command);
    return EXIT_USE;
  }
  return rc;
}
