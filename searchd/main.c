/*
 * baogao-searchd - the HTTP search daemon.
 *
 *   baogao-searchd [--index DIR] [--listen ADDR:PORT] [--threads N]
 *                  [--quiet] [limits...]
 *
 * Answers GET /v1/search, /v1/count, /v1/kwic, /v1/similar, /v1/compare,
 * /v1/reports, /v1/stats, /healthz and /metrics with the same JSON bytes `baogao --json` prints (core/json.c builds
 * both), and serves the web workbench (/, /search, /time, ..., /static/:
 * searchd/web.c).  Requests whose Host is not a name it serves get 403.
 *
 * Threads: libmicrohttpd's internal polling thread(s) read requests,
 * validate them (core/params.c) and answer everything that does not need
 * the index: errors, /healthz, /metrics.  A request that needs the index
 * is suspended and queued for a pool of --threads workers; each worker owns
 * one bg_reader (readers are not shared between threads), brings it up to
 * the index's latest commit before every request, answers, and resumes the
 * connection.  So one slow search holds one worker, never the connections
 * of others, and the work of all connections is shared by all workers.
 *
 * The main thread blocks the signals and waits for them with sigtimedwait:
 * SIGTERM/SIGINT stop the daemon gracefully, SIGHUP makes every reader
 * reopen the index.  Once a second it refreshes its own reader, which
 * feeds /healthz and the index figures of /metrics.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <malloc.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "budget.h"
#include "cache.h"
#include "cancel.h"
#include "compare.h"
#include "conns.h"
#include "count.h"
#include "endpoints.h"
#include "error.h"
#include "export.h"
#include "fair.h"
#include "hints.h"
#include "json.h"
#include "params.h"
#include "search.h"
#include "similar.h"
#include "kwic.h"
#include "gone.h"
#include "web.h"

#define GZIP_MIN_BYTES 1024  /* smaller bodies are sent as they are */
#define CONN_TIMEOUT_S 10    /* idle or slow connections are closed */
#define INDEX_POLL_MS 1000   /* the main thread's index refresh period */
#define MAX_OFFSET 100000000 /* as the CLI */
#define MIN_CONNECTION_MEMORY (256 << 10) /* per connection: request line
                                              and headers */

/* --help: usage_head, a line per endpoint (its help in the endpoint
 * table), usage_tail. */
static const char usage_head[] =
    "usage: baogao-searchd [--index DIR] [--listen ADDR:PORT] [--threads N]\n"
    "                      [--quiet] [--timeout-ms MS] [--max-query-bytes N]\n"
    "                      [--max-limit N] [--max-hits N]\n"
    "                      [--max-connections N] [--max-connections-per-ip N]\n"
    "                      [--cache-mb N] [--max-answer-mb N] [--grace-ms MS]\n"
    "                      [--show-paths] [--web DIR] [--allow-host NAME]\n"
    "\n"
    "HTTP search daemon over a baogao index.  Endpoints (GET or HEAD):\n";

static const char usage_tail[] =
    "The web workbench: / (also /search, /time, /kwic, /compare, /similar,\n"
    "/report/ID) and its files under /static/.\n"
    "Answers are the JSON `baogao --json` prints; errors are\n"
    "{\"error\": {\"code\": \"...\", \"message\": \"...\"}}\n"
    "with a 4xx/5xx status.\n"
    "\n"
    "options:\n"
    "  --index DIR           index folder (default: $BAOGAO_INDEX, else\n"
    "                        ./data/index)\n"
    "  --listen ADDR:PORT    address to listen on (default 127.0.0.1:8765;\n"
    "                        [::1]:8765 for IPv6; port 0 picks a free port).\n"
    "                        The address is printed on standard output as\n"
    "                        'listening on http://ADDR:PORT'\n"
    "  --threads N           search workers, each with its own index handle\n"
    "                        (default: the number of CPUs + 1, at least 3);\n"
    "                        one client address holds at most N - 1\n"
    "  --quiet               no log lines on standard error (errors that\n"
    "                        stop the daemon are still printed)\n"
    "  --timeout-ms MS       time limit of one request's work (default 5000)\n"
    "  --max-query-bytes N   longest query q (or text, filter, a, b), in\n"
    "                        bytes (default 4096)\n"
    "  --max-limit N         largest limit (default 1000)\n"
    "  --max-hits N          most hits an all=1 answer, or lines a kwic\n"
    "                        answer, may hold (default 50000)\n"
    "  --max-connections N   open connections at most (default 256); the\n"
    "                        last N/16 (at least 4) only for addresses that\n"
    "                        hold none; when all are taken the longest-idle\n"
    "                        one is closed for a newcomer\n"
    "  --max-connections-per-ip N\n"
    "                        open connections from one address at most\n"
    "                        (default 64; 0: only the share), and never more\n"
    "                        than its share: (N - N/16) / addresses, at\n"
    "                        least 2\n"
    "  --cache-mb N          memory for answers kept to repeat (default 64;\n"
    "                        0: none); an answer is reused only while the\n"
    "                        index is at the state it was computed from\n"
    "  --web DIR             serve the workbench's files from DIR (a copy of\n"
    "                        web/ being edited) instead of the built-in ones\n"
    "  --allow-host NAME     answer requests for host NAME too (repeatable;\n"
    "                        '*': any).  By default only IP addresses and\n"
    "                        localhost: other Host headers get 403\n"
    "  --max-answer-mb N     memory for answers being sent (default: a 64th\n"
    "                        of the machine's, 32 to 256); one answer holds\n"
    "                        at most a quarter of it (400 answer_too_large);\n"
    "                        past it answers wait for room until their\n"
    "                        deadline, then 503 busy\n"
    "  --show-paths          /v1/stats and /v1/reports show the index's and\n"
    "                        the reports' paths on the server (default: the\n"
    "                        last part of each path only)\n"
    "  --grace-ms MS         on SIGTERM, how long answers in flight may take\n"
    "                        to finish (default 10000); a second SIGTERM\n"
    "                        stops at once\n"
    "  -h, --help            show this help\n"
    "  --version             show the version\n"
    "\n"
    "Signals: SIGTERM/SIGINT stop gracefully (requests in flight finish);\n"
    "SIGHUP reopens the index.  New commits of baogao-index are seen without\n"
    "a signal.  Exit status: 0 stopped by a signal, 1 bad usage or cannot\n"
    "listen.\n";

/* ---- configuration and shared state ---- */

typedef struct config {
  const char *index;
  const char *listen;
  unsigned threads;
  int quiet;
  double timeout_ms;
  size_t max_hits;
  unsigned max_connections;
  unsigned max_per_ip; /* 0: no limit */
  size_t cache_mb;     /* answer cache, MB; 0: none */
  double grace_ms;     /* SIGTERM: how long requests in flight may finish */
  size_t max_answer;   /* bytes of answers in flight (budget.h) */
  int show_paths;      /* /v1/stats and /v1/reports show server paths */
  bg_params_limits lim;
} config;

static config cfg;
static bg_cache *answers; /* NULL: no cache */

static atomic_uint reopen_gen; /* SIGHUP bumps it: every reader reopens */
static atomic_int stopping;    /* SIGTERM seen: close connections after use */
static atomic_long in_flight;  /* requests between request line and end */

/* What the main thread's reader sees, for /healthz and /metrics. */
static struct {
  atomic_int up;
  atomic_uint_least64_t revision, documents, reports, paragraphs, units;
  atomic_uint_least64_t health_revision; /* /healthz's: never goes back */
  pthread_mutex_t mu; /* guards why */
  char why[512];      /* why the index is not up */
} ix = {.mu = PTHREAD_MUTEX_INITIALIZER};

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* "2025-03-05T08:09:10.123Z" */
static void iso_time(char *buf, size_t size) {
  struct timespec ts;
  struct tm tm;
  clock_gettime(CLOCK_REALTIME, &ts);
  gmtime_r(&ts.tv_sec, &tm);
  size_t n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf(buf + n, size - n, ".%03ldZ", ts.tv_nsec / 1000000);
}

/* A notice on stderr (not with --quiet). */
static void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void note(const char *fmt, ...) {
  if (cfg.quiet) return;
  char t[40], msg[768];
  iso_time(t, sizeof t);
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  fprintf(stderr, "%s baogao-searchd: %s\n", t, msg);
}

static void mhd_log(void *cls, const char *fmt, va_list ap) {
  (void)cls;
  if (cfg.quiet) return;
  char msg[512];
  vsnprintf(msg, sizeof msg, fmt, ap);
  size_t n = strlen(msg);
  while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
    msg[--n] = '\0';
  note("libmicrohttpd: %s", msg);
}

/* ---- routes and metrics ---- */

/* The endpoints of core/endpoints.h (their table is `endpoints` below),
 * then the workbench and everything else. */
typedef enum {
  R_SEARCH = BG_EP_SEARCH,
  R_REPORTS = BG_EP_REPORTS,
  R_STATS = BG_EP_STATS,
  R_FREQ = BG_EP_COUNT,
  R_KWIC = BG_EP_KWIC,
  R_SIMILAR = BG_EP_SIMILAR,
  R_COMPARE = BG_EP_COMPARE,
  R_KEYWORDS = BG_EP_KEYWORDS,
  R_HEALTHZ = BG_EP_HEALTHZ,
  R_METRICS = BG_EP_METRICS,
  R_PAGE = BG_EP_N, /* the workbench's pages */
  R_STATIC,         /* its files */
  R_OTHER,
  R_NROUTES
} route;

/* A route's path, the label of its figures in /metrics. */
static const char *route_path(route r) {
  return r < R_PAGE      ? bg_endpoint_path[r]
         : r == R_PAGE   ? "/"
         : r == R_STATIC ? "/static"
                         : "other";
}

#define NBUCKETS 14
static const double bucket_le[NBUCKETS] = {0.0005, 0.001, 0.0025, 0.005, 0.01,
                                           0.025,  0.05,  0.1,    0.25,  0.5,
                                           1,      2.5,   5,      10};

static struct {
  atomic_uint_least64_t by_status[R_NROUTES][600];
  atomic_uint_least64_t bucket[R_NROUTES][NBUCKETS + 1]; /* not cumulative */
  atomic_uint_least64_t sum_us[R_NROUTES];
  atomic_uint_least64_t aborted; /* closed before an answer was queued */
  atomic_uint_least64_t gzipped;
  atomic_uint_least64_t cancelled; /* work stopped: its client hung up */
  atomic_uint busy; /* workers answering */
  atomic_uint queued;
} metrics;

static time_t started_at;

static void count_request(route r, unsigned status, double ms) {
  if (status < 100 || status >= 600) {
    atomic_fetch_add(&metrics.aborted, 1);
    return;
  }
  atomic_fetch_add(&metrics.by_status[r][status], 1);
  double s = ms / 1000;
  int b = 0;
  while (b < NBUCKETS && s > bucket_le[b])
    b++;
  atomic_fetch_add(&metrics.bucket[r][b], 1);
  atomic_fetch_add(&metrics.sum_us[r], (uint_least64_t)(ms * 1000));
}

/* The Prometheus text exposition; caller frees. */
static char *metrics_text(size_t *len) {
  char *buf = NULL;
  size_t size = 0;
  FILE *f = open_memstream(&buf, &size);
  if (!f) return NULL;
  fprintf(f, "# HELP baogao_http_requests_total HTTP requests answered, by "
             "route and status.\n"
             "# TYPE baogao_http_requests_total counter\n");
  for (int r = 0; r < R_NROUTES; r++)
    for (int s = 100; s < 600; s++) {
      uint_least64_t n = atomic_load(&metrics.by_status[r][s]);
      if (n)
        fprintf(f,
                "baogao_http_requests_total{route=\"%s\",status=\"%d\"} "
                "%llu\n",
                route_path(r), s, (unsigned long long)n);
    }
  fprintf(f,
          "# HELP baogao_http_requests_aborted_total Requests closed "
          "before an answer (bad HTTP, client gone, shutdown).\n"
          "# TYPE baogao_http_requests_aborted_total counter\n"
          "baogao_http_requests_aborted_total %llu\n",
          (unsigned long long)atomic_load(&metrics.aborted));
  fprintf(f,
          "# HELP baogao_requests_cancelled_total Requests whose work was "
          "stopped because their client hung up.\n"
          "# TYPE baogao_requests_cancelled_total counter\n"
          "baogao_requests_cancelled_total %llu\n",
          (unsigned long long)atomic_load(&metrics.cancelled));
  fprintf(f, "# HELP baogao_http_request_duration_seconds Time from the "
             "request line to the last byte of the answer.\n"
             "# TYPE baogao_http_request_duration_seconds histogram\n");
  for (int r = 0; r < R_NROUTES; r++) {
    uint_least64_t cum = 0;
    for (int b = 0; b <= NBUCKETS; b++) {
      cum += atomic_load(&metrics.bucket[r][b]);
      if (b < NBUCKETS)
        fprintf(f,
                "baogao_http_request_duration_seconds_bucket{route=\"%s\","
                "le=\"%g\"} %llu\n",
                route_path(r), bucket_le[b], (unsigned long long)cum);
      else
        fprintf(f,
                "baogao_http_request_duration_seconds_bucket{route=\"%s\","
                "le=\"+Inf\"} %llu\n",
                route_path(r), (unsigned long long)cum);
    }
    fprintf(f,
            "baogao_http_request_duration_seconds_sum{route=\"%s\"} %.6f\n"
            "baogao_http_request_duration_seconds_count{route=\"%s\"} %llu\n",
            route_path(r), atomic_load(&metrics.sum_us[r]) / 1e6, route_path(r),
            (unsigned long long)cum);
  }
  fprintf(f,
          "# HELP baogao_http_responses_gzipped_total Answers sent "
          "gzip-compressed.\n"
          "# TYPE baogao_http_responses_gzipped_total counter\n"
          "baogao_http_responses_gzipped_total %llu\n"
          "# HELP baogao_http_requests_in_flight Requests being read, "
          "answered or sent.\n"
          "# TYPE baogao_http_requests_in_flight gauge\n"
          "baogao_http_requests_in_flight %ld\n"
          "# HELP baogao_workers Search workers.\n"
          "# TYPE baogao_workers gauge\n"
          "baogao_workers %u\n"
          "# HELP baogao_workers_busy Search workers answering a request.\n"
          "# TYPE baogao_workers_busy gauge\n"
          "baogao_workers_busy %u\n"
          "# HELP baogao_queue_length Requests waiting for a worker.\n"
          "# TYPE baogao_queue_length gauge\n"
          "baogao_queue_length %u\n",
          (unsigned long long)atomic_load(&metrics.gzipped),
          (long)atomic_load(&in_flight), cfg.threads,
          atomic_load(&metrics.busy), atomic_load(&metrics.queued));
  fprintf(f,
          "# HELP baogao_index_up 1 when the index is open.\n"
          "# TYPE baogao_index_up gauge\n"
          "baogao_index_up %d\n"
          "# HELP baogao_index_documents Xapian documents in the index.\n"
          "# TYPE baogao_index_documents gauge\n"
          "baogao_index_documents %llu\n"
          "# HELP baogao_index_reports Reports in the index.\n"
          "# TYPE baogao_index_reports gauge\n"
          "baogao_index_reports %llu\n"
          "# HELP baogao_index_paragraphs Paragraphs in the index.\n"
          "# TYPE baogao_index_paragraphs gauge\n"
          "baogao_index_paragraphs %llu\n"
          "# HELP baogao_index_units Units in the index.\n"
          "# TYPE baogao_index_units gauge\n"
          "baogao_index_units %llu\n"
          "# HELP baogao_index_revision Revision of the index.\n"
          "# TYPE baogao_index_revision gauge\n"
          "baogao_index_revision %llu\n",
          atomic_load(&ix.up), (unsigned long long)atomic_load(&ix.documents),
          (unsigned long long)atomic_load(&ix.reports),
          (unsigned long long)atomic_load(&ix.paragraphs),
          (unsigned long long)atomic_load(&ix.units),
          (unsigned long long)atomic_load(&ix.revision));
  budget_stats bs;
  budget_get_stats(&bs);
  fprintf(f,
          "# HELP baogao_answer_bytes Bytes of answers made and not sent "
          "yet.\n"
          "# TYPE baogao_answer_bytes gauge\n"
          "baogao_answer_bytes %zu\n"
          "# HELP baogao_answer_max_bytes Memory budget of answers in "
          "flight.\n"
          "# TYPE baogao_answer_max_bytes gauge\n"
          "baogao_answer_max_bytes %zu\n"
          "# HELP baogao_answer_waits_total Answers that waited for room "
          "in the budget.\n"
          "# TYPE baogao_answer_waits_total counter\n"
          "baogao_answer_waits_total %llu\n"
          "# HELP baogao_answer_refused_total Answers replaced by 503 busy: "
          "no room until their deadline.\n"
          "# TYPE baogao_answer_refused_total counter\n"
          "baogao_answer_refused_total %llu\n",
          bs.used, bs.max, (unsigned long long)bs.waited,
          (unsigned long long)bs.refused);
  conns_stats ks;
  conns_get_stats(&ks);
  fprintf(f,
          "# HELP baogao_connections_open Connections open.\n"
          "# TYPE baogao_connections_open gauge\n"
          "baogao_connections_open %u\n"
          "# HELP baogao_connection_addresses Client addresses holding a "
          "connection.\n"
          "# TYPE baogao_connection_addresses gauge\n"
          "baogao_connection_addresses %u\n"
          "# HELP baogao_connections_refused_total Connections refused: "
          "their address's share or every place was taken.\n"
          "# TYPE baogao_connections_refused_total counter\n"
          "baogao_connections_refused_total %llu\n"
          "# HELP baogao_connections_evicted_total Idle connections closed "
          "to make room for another.\n"
          "# TYPE baogao_connections_evicted_total counter\n"
          "baogao_connections_evicted_total %llu\n",
          ks.open, ks.addresses, (unsigned long long)ks.refused,
          (unsigned long long)ks.evicted);
  bg_cache_stats cs;
  bg_cache_get_stats(answers, &cs);
  fprintf(f,
          "# HELP baogao_cache_hits_total Answers repeated from the cache.\n"
          "# TYPE baogao_cache_hits_total counter\n"
          "baogao_cache_hits_total %llu\n"
          "# HELP baogao_cache_misses_total Answers looked for in the cache "
          "and computed.\n"
          "# TYPE baogao_cache_misses_total counter\n"
          "baogao_cache_misses_total %llu\n"
          "# HELP baogao_cache_evictions_total Answers dropped from the full "
          "cache.\n"
          "# TYPE baogao_cache_evictions_total counter\n"
          "baogao_cache_evictions_total %llu\n"
          "# HELP baogao_cache_entries Answers in the cache.\n"
          "# TYPE baogao_cache_entries gauge\n"
          "baogao_cache_entries %zu\n"
          "# HELP baogao_cache_bytes Memory the cache holds.\n"
          "# TYPE baogao_cache_bytes gauge\n"
          "baogao_cache_bytes %zu\n"
          "# HELP baogao_cache_max_bytes Memory the cache may hold.\n"
          "# TYPE baogao_cache_max_bytes gauge\n"
          "baogao_cache_max_bytes %zu\n",
          (unsigned long long)cs.hits, (unsigned long long)cs.misses,
          (unsigned long long)cs.evictions, cs.entries, cs.bytes,
          cs.max_bytes);
  fprintf(f,
          "# HELP baogao_start_time_seconds Start time of the daemon, Unix "
          "seconds.\n"
          "# TYPE baogao_start_time_seconds gauge\n"
          "baogao_start_time_seconds %lld\n"
          "# HELP baogao_build_info Version of baogao-searchd.\n"
          "# TYPE baogao_build_info gauge\n"
          "baogao_build_info{version=\"%s\",libmicrohttpd=\"%s\"} 1\n",
          (long long)started_at, BAOGAO_VERSION, MHD_get_version());
  if (fclose(f) != 0) {
    free(buf);
    return NULL;
  }
  *len = size;
  return buf;
}

/* ---- requests ---- */

/* A request's life: its headers arrive (NEW), the end of its (ignored)
 * body is seen and it is answered at once or handed to a worker
 * (WAITING), the worker's answer is queued (ANSWERED). */
enum { RQ_NEW, RQ_HEADERS, RQ_WAITING, RQ_ANSWERED };

typedef struct request {
  struct MHD_Connection *conn;
  struct request *next; /* in the work queue */
  double t0;
  char *target; /* the raw request target: path and query string */
  char method[16];
  route route;
  int state;
  int gzip;                  /* the client accepts gzip */
  unsigned status;           /* status of the answer queued; 0: none */
  struct MHD_Response *resp; /* an answer made, not queued yet */
  bg_params_query pq;        /* a search's parameters */
  bg_params_view pv;         /* those of count, kwic, similar, compare */
  uint64_t client;           /* the client's address, hashed; never 0 */
  const char *qs;            /* the query string, inside target */
  size_t qlen;
  uint64_t cache_tag; /* index state the answer is computed from; 0: none */
  const char *cache;  /* "hit" or "miss" when the answer cache was asked */
  int format, bom;    /* format=tsv|csv and bom=1: the answer as a table */
  char *params;       /* the query string without format and bom */
  size_t nparams;
  atomic_int gone;    /* its client hung up (gone.h) */
  uint64_t watch;     /* its gone_watch() ticket; 0: not watched */
  double t_queued;    /* when it was handed to the workers */
  int heavy;          /* may be costly: all=1, a view (not on the last worker) */
} request;

/* Writes the request target for the log: bytes outside printable ASCII
 * escaped, cut after about 300 bytes. */
static void log_target(char *buf, size_t size, const char *s) {
  size_t o = 0;
  for (; *s && o + 8 < size; s++) {
    unsigned char c = (unsigned char)*s;
    if (c < 0x21 || c > 0x7e || c == '\\')
      o += (size_t)snprintf(buf + o, size - o, "\\x%02x", c);
    else
      buf[o++] = (char)c;
  }
  if (*s) {
    memcpy(buf + o, "...", 3);
    o += 3;
  }
  buf[o] = '\0';
}

/* The client's address (not its port), hashed, never 0: the workers are
 * shared fairly between addresses. */
static uint64_t client_of(struct MHD_Connection *c) {
  const union MHD_ConnectionInfo *ci =
      MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  return conns_addr_hash(ci ? ci->client_addr : NULL);
}

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c) {
  (void)cls;
  request *rq = calloc(1, sizeof *rq);
  if (!rq) return NULL;
  rq->conn = c;
  rq->client = client_of(c);
  rq->t0 = now_ms();
  rq->target = strdup(uri ? uri : "");
  if (!rq->target) {
    free(rq);
    return NULL;
  }
  strcpy(rq->method, "-");
  rq->route = R_OTHER;
  conns_busy(c, 1);
  atomic_fetch_add(&in_flight, 1);
  return rq;
}

static void on_done(void *cls, struct MHD_Connection *c, void **ctx,
                    enum MHD_RequestTerminationCode toe) {
  (void)cls;
  request *rq = *ctx;
  if (!rq) return;
  *ctx = NULL;
  conns_busy(c, 0);
  double ms = now_ms() - rq->t0;
  unsigned status = toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? rq->status : 0;
  count_request(rq->route, status, ms);
  if (!cfg.quiet) {
    char t[40], target[340], st[16];
    iso_time(t, sizeof t);
    log_target(target, sizeof target, rq->target);
    if (status)
      snprintf(st, sizeof st, "%u", status);
    else
      strcpy(st, "-");
    fprintf(stderr, "%s %s %s %s %.1f ms%s\n", t, rq->method, target, st, ms,
            status                                          ? ""
            : toe == MHD_REQUEST_TERMINATED_TIMEOUT_REACHED ? " (timed out)"
            : toe == MHD_REQUEST_TERMINATED_DAEMON_SHUTDOWN ? " (shutdown)"
            : atomic_load(&rq->gone) ? " (client gone, work cancelled)"
            : rq->status             ? " (client gone)"
                                                            : " (no answer)");
  }
  if (rq->resp) MHD_destroy_response(rq->resp);
  bg_params_query_reset(&rq->pq);
  bg_params_view_reset(&rq->pv);
  free(rq->params);
  free(rq->target);
  free(rq);
  atomic_fetch_sub(&in_flight, 1);
}

/* ---- the answer cache ---- */

static void respond(request *rq, unsigned status, char *body, size_t len,
                    const char *ctype);

/* ---- the endpoint table ---- */

struct worker;

/* An endpoint: how its parameters are read, who answers it, whether its
 * answer may be kept and given as a table, and its line of --help.  The
 * dispatch, the 404 list, the format= check, the /metrics labels and
 * --help are made from `endpoints` (defined after the handlers). */
typedef struct endpoint {
  /* Reads the query string into rq; an error into e. */
  int (*parse)(request *rq, const char *qs, size_t qlen, bg_params_err *e);
  /* Answers with the index, in a worker; NULL: answer instead. */
  void (*serve)(struct worker *w, request *rq);
  /* Answers without the index, in the polling thread. */
  void (*answer)(request *rq);
  int cacheable; /* depends only on the query string and the index */
  int table;     /* format=tsv|csv gives it as a table (export.h) */
  const char *help;
} endpoint;

static const endpoint endpoints[BG_EP_N];

/* The command whose answer a route gives, for exports (export.h). */
static const char *route_kind(route r) {
  return r < R_PAGE && endpoints[r].table ? bg_endpoint_name[r] : NULL;
}

/* Routes whose answers depend only on the query string and the index. */
static int cacheable(route r) {
  return r < R_PAGE && endpoints[r].cacheable;
}

/* The cache key of rq: its route and query string. */
static char *cache_key(const request *rq, size_t *klen) {
  char *k = malloc(rq->qlen + 2);
  if (!k) return NULL;
  k[0] = (char)('A' + rq->route);
  memcpy(k + 1, rq->qs, rq->qlen);
  *klen = rq->qlen + 1;
  return k;
}

static void cache_put(const request *rq, const char *body, size_t len) {
  size_t klen;
  char *k = cache_key(rq, &klen);
  if (k) bg_cache_put(answers, rq->cache_tag, k, klen, body, len);
  free(k);
}

/* Answers rq from the cache when an answer of the same target and index
 * state is there (1); else notes the state for the answer to come. */
static int answer_from_cache(request *rq, uint64_t tag) {
  if (!answers || !tag || !cacheable(rq->route)) return 0;
  size_t klen, len;
  char *k = cache_key(rq, &klen), *body = NULL;
  int hit = k && bg_cache_get(answers, tag, k, klen, &body, &len);
  free(k);
  rq->cache = hit ? "hit" : "miss";
  if (hit) {
    respond(rq, MHD_HTTP_OK, body, len, "application/json");
  } else {
    rq->cache_tag = tag;
  }
  return hit;
}

/* Compresses in[0, n) as gzip into a new buffer; -1 when it fails. */
static int gzip_buf(const char *in, size_t n, char **out, size_t *outn) {
  if (n > UINT_MAX / 2) return -1;
  z_stream z;
  memset(&z, 0, sizeof z);
  if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    return -1;
  uLong cap = deflateBound(&z, (uLong)n);
  char *buf = malloc(cap);
  if (!buf) {
    deflateEnd(&z);
    return -1;
  }
  z.next_in = (Bytef *)in;
  z.avail_in = (uInt)n;
  z.next_out = (Bytef *)buf;
  z.avail_out = (uInt)cap;
  int rc = deflate(&z, Z_FINISH);
  size_t total = z.total_out;
  deflateEnd(&z);
  if (rc != Z_STREAM_END) {
    free(buf);
    return -1;
  }
  *out = buf;
  *outn = total;
  return 0;
}

/* Makes the answer of rq from body[0, len) (taken over; freed here or by
 * libmicrohttpd): compressed when the client takes gzip and it is large. */
static void respond(request *rq, unsigned status, char *body, size_t len,
                    const char *ctype) {
  if (rq->resp) MHD_destroy_response(rq->resp);
  rq->resp = NULL;
  /* A computed answer is kept for the next request of the same target. */
  if (rq->cache_tag && status == MHD_HTTP_OK)
    cache_put(rq, body, len);
  int gz = 0;
  if (rq->gzip && len > GZIP_MIN_BYTES) {
    char *z;
    size_t zn;
    if (gzip_buf(body, len, &z, &zn) == 0) {
      free(body);
      body = z;
      len = zn;
      gz = 1;
    }
  }
  /* Charged to the answers in flight until sent; a worker waits for
   * room until its deadline (bg_cancel_deadline(); 0 elsewhere). */
  int busy = 0;
  struct MHD_Response *r =
      budget_response(body, len, bg_cancel_deadline(), &rq->gone, &busy);
  if (!r) {
    static const char oom[] =
        "{\"error\": {\"code\": \"out_of_memory\", \"message\": \"out of "
        "memory\"}}\n";
    static const char full[] =
        "{\"error\": {\"code\": \"busy\", \"message\": \"the answers "
        "being sent fill the daemon's memory budget (--max-answer-mb); "
        "try again later\"}}\n";
    r = busy ? MHD_create_response_from_buffer(sizeof full - 1, (void *)full,
                                               MHD_RESPMEM_PERSISTENT)
             : MHD_create_response_from_buffer(sizeof oom - 1, (void *)oom,
                                               MHD_RESPMEM_PERSISTENT);
    status = MHD_HTTP_SERVICE_UNAVAILABLE;
    gz = 0;
    rq->format = 0;
    ctype = "application/json";
    if (!r) return; /* the handler answers with an error of its own */
    if (busy) MHD_add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, "1");
  }
  if (rq->format && status == MHD_HTTP_OK) {
    /* A table, as a download named after the endpoint. */
    char disp[96];
    int csv = rq->format == BG_EXPORT_CSV;
    ctype = csv ? "text/csv; charset=utf-8"
                : "text/tab-separated-values; charset=utf-8";
    snprintf(disp, sizeof disp, "attachment; filename=\"baogao-%s.%s\"",
             route_kind(rq->route), csv ? "csv" : "tsv");
    MHD_add_response_header(r, "Content-Disposition", disp);
  }
  MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
  MHD_add_response_header(r, MHD_HTTP_HEADER_VARY, "Accept-Encoding");
  /* The page loads nothing from elsewhere, and no answer is markup. */
  MHD_add_response_header(r, "Content-Security-Policy",
                          "default-src 'self'; frame-ancestors 'none'");
  MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
  if (rq->cache) MHD_add_response_header(r, "X-Baogao-Cache", rq->cache);
  if (gz) {
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip");
    atomic_fetch_add(&metrics.gzipped, 1);
  }
  rq->resp = r;
  rq->status = status;
}

static void respond_json(request *rq, unsigned status, const json_t *v) {
  if (rq->format && status == MHD_HTTP_OK && v) {
    char *t = NULL;
    size_t n = 0;
    bg_err err = {0};
    if (bg_export(v, route_kind(rq->route), (bg_export_format)rq->format,
                  rq->bom, &t, &n, &err) == BG_OK) {
      respond(rq, status, t, n, "text/plain");
      return;
    }
  }
  char *s = v ? bg_json_dump(v) : NULL;
  if (!s) {
    static const char oom[] = "{\"error\": {\"code\": \"out_of_memory\", "
                              "\"message\": \"out of memory\"}}\n";
    s = strdup(oom);
    status = MHD_HTTP_SERVICE_UNAVAILABLE;
    if (!s) return;
  }
  respond(rq, status, s, strlen(s), "application/json");
}

/* {"error": {"code": code, "message": message}} with status. */
static void respond_error(request *rq, unsigned status, const char *code,
                          const char *message) {
  json_t *e = bg_json_error(code, message);
  if (!e) e = bg_json_error(code, "the request cannot be answered");
  respond_json(rq, status, e);
  json_decref(e);
}

/* 503 {"error": {"code": "timeout", ...}} saying what was asked (the
 * endpoint and its query string, when they are UTF-8) and the limit. */
static void respond_timeout(request *rq, const char *message) {
  json_t *e = bg_json_error("timeout", message);
  json_t *in = json_object_get(e, "error");
  if (in) {
    char *asked = malloc(rq->qlen + 32);
    if (asked) {
      int n = snprintf(asked, rq->qlen + 32, "%s?", route_path(rq->route));
      memcpy(asked + n, rq->qs, rq->qlen);
      json_t *a = json_stringn(asked, (size_t)n + rq->qlen);
      if (a) json_object_set_new(in, "asked", a);
      free(asked);
    }
    json_object_set_new(in, "timeout_ms",
                        json_integer((json_int_t)cfg.timeout_ms));
  }
  respond_json(rq, MHD_HTTP_SERVICE_UNAVAILABLE, e);
  json_decref(e);
}

/* Queues the answer made for rq. */
static enum MHD_Result send_answer(request *rq) {
  struct MHD_Response *r = rq->resp;
  rq->resp = NULL;
  if (!r) {
    rq->status = 0;
    return MHD_NO; /* out of memory: close the connection */
  }
  if (atomic_load(&stopping))
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
  enum MHD_Result ret = MHD_queue_response(rq->conn, rq->status, r);
  MHD_destroy_response(r);
  if (ret != MHD_YES) rq->status = 0;
  return ret;
}

/* ---- the work queue and its workers ---- */

static struct {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  request *head, *tail;
  int stop;
  pthread_t *tids;
  uint64_t *busy; /* the client each worker answers; 0: idle */
  unsigned char *heavy; /* the worker answers a costly address */
  unsigned started;
} pool = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};

/* Workers one client may hold at once: all but one, so that a client
 * whose requests run long (each up to --timeout-ms) cannot make the
 * others wait for them. */
static unsigned client_cap(void) {
  return cfg.threads > 1 ? cfg.threads - 1 : 1;
}

static void enqueue(request *rq) {
  const union MHD_ConnectionInfo *ci =
      MHD_get_connection_info(rq->conn, MHD_CONNECTION_INFO_CONNECTION_FD);
  rq->t_queued = now_ms();
  rq->watch = ci ? gone_watch((int)ci->connect_fd, &rq->gone) : 0;
  pthread_mutex_lock(&pool.mu);
  rq->next = NULL;
  if (pool.tail)
    pool.tail->next = rq;
  else
    pool.head = rq;
  pool.tail = rq;
  atomic_fetch_add(&metrics.queued, 1);
  pthread_cond_signal(&pool.cv);
  pthread_mutex_unlock(&pool.mu);
}

/* Workers answering an address whose cost is FAIR_HEAVY_MS or more. */
static unsigned heavy_busy(void) {
  unsigned n = 0;
  for (unsigned i = 0; i < cfg.threads; i++) n += pool.heavy[i];
  return n;
}

/* The queued job to run next, unlinked; NULL when none may run.  Of the
 * jobs whose client holds fewer than client_cap() workers (any job once
 * the pool stops), the one whose client has cost the least lately
 * (fair.h; a worker held counts as one timeout's worth), the earliest
 * of those.  A job that waited past the time limit, or whose client hung
 * up, goes first: it takes no time. */
static request *take_job(void) {
  request *prev = NULL, *best = NULL, *best_prev = NULL;
  double best_cost = 0, now = now_ms(), fnow = fair_now();
  for (request *rq = pool.head; rq; prev = rq, rq = rq->next) {
    if (now - rq->t_queued > cfg.timeout_ms || atomic_load(&rq->gone)) {
      /* Expired or abandoned: any worker answers it at once. */
      best = rq;
      best_prev = prev;
      break;
    }
    unsigned held = 0;
    for (unsigned i = 0; i < cfg.threads; i++)
      held += pool.busy[i] == rq->client;
    if (!pool.stop && held >= client_cap()) continue;
    double cost =
        pool.stop ? 0 : fair_cost_at(rq->client, fnow) + held * cfg.timeout_ms;
    /* One worker stays for cheap requests from cheap addresses. */
    if (!pool.stop && (rq->heavy || cost >= FAIR_HEAVY_MS) &&
        cfg.threads > 1 && heavy_busy() + 1 >= cfg.threads)
      continue;
    if (!best || cost < best_cost) {
      best = rq;
      best_prev = prev;
      best_cost = cost;
      if (cost == 0) break;
    }
  }
  if (!best) return NULL;
  if (best_prev)
    best_prev->next = best->next;
  else
    pool.head = best->next;
  if (pool.tail == best) pool.tail = best_prev;
  return best;
}

/* The next job for worker wi, or NULL when the pool stops and nothing is
 * left.  Jobs go in order of arrival, except that one client never holds
 * every worker. */
static request *dequeue(unsigned wi, int *stop) {
  pthread_mutex_lock(&pool.mu);
  pool.busy[wi] = 0;
  pool.heavy[wi] = 0;
  pthread_cond_broadcast(&pool.cv); /* a client may have a worker back */
  request *rq;
  while (!(rq = take_job()) && !pool.stop)
    pthread_cond_wait(&pool.cv, &pool.mu);
  if (rq) {
    pool.busy[wi] = rq->client;
    pool.heavy[wi] = rq->heavy || fair_cost(rq->client) >= FAIR_HEAVY_MS;
    atomic_fetch_sub(&metrics.queued, 1);
  }
  *stop = pool.stop;
  pthread_mutex_unlock(&pool.mu);
  return rq;
}

typedef struct worker {
  bg_reader *r;
  unsigned gen; /* reopen_gen when r was opened */
} worker;

static void drop_reader(worker *w) {
  bg_reader_close(w->r);
  w->r = NULL;
}

/* Makes w->r an open reader at the index's latest commit. */
static int ensure_reader(worker *w, bg_err *err) {
  unsigned gen = atomic_load(&reopen_gen);
  if (w->r && w->gen != gen) drop_reader(w);
  if (w->r) {
    if (bg_reader_refresh(w->r, NULL, err) == BG_OK) return BG_OK;
    drop_reader(w);
  }
  int rc = bg_reader_open(&w->r, cfg.index, err);
  if (rc == BG_OK) w->gen = gen;
  return rc;
}

/* An index error: answer 503 and reopen for the next request. */
static void index_failed(worker *w, request *rq, int rc, const bg_err *err) {
  drop_reader(w);
  if (rc == BG_ENOMEM)
    respond_error(rq, MHD_HTTP_SERVICE_UNAVAILABLE, "out_of_memory",
                  "out of memory");
  else
    respond_error(rq, MHD_HTTP_SERVICE_UNAVAILABLE, "index_unavailable",
                  bg_err_msg(err));
}

static void serve_search(worker *w, request *rq) {
  bg_search_opts o = rq->pq.opts;
  o.timeout_ms = cfg.timeout_ms;
  int all = o.all;
  if (all) {
    /* The same hits as all=1, but never more than max_hits of them. */
    o.all = 0;
    o.limit = cfg.max_hits + 1;
  }
  bg_err err = {0};
  bg_results *res = NULL;
  int rc = bg_search(w->r, rq->pq.q, rq->pq.qlen, &o, &res, &err);
  if (rc == BG_EQUERY) {
    respond_error(rq, MHD_HTTP_BAD_REQUEST, "bad_query", bg_err_msg(&err));
  } else if (rc == BG_ETIMEOUT) {
    respond_timeout(rq, bg_err_msg(&err));
  } else if (rc == BG_ETOOLARGE) {
    respond_error(rq, MHD_HTTP_BAD_REQUEST, "answer_too_large",
                  bg_err_msg(&err));
  } else if (rc == BG_EINVAL || rc == BG_ERANGE) {
    respond_error(rq, MHD_HTTP_BAD_REQUEST, "bad_query", bg_err_msg(&err));
  } else if (rc != BG_OK) {
    index_failed(w, rq, rc, &err);
  } else if (all && res->nhits > cfg.max_hits) {
    char msg[300];
    snprintf(msg, sizeof msg,
             "the query has %llu hits from offset %zu on, and all=1 answers "
             "at most %zu: page with limit and offset, or narrow the query",
             (unsigned long long)(res->total - o.offset), o.offset,
             cfg.max_hits);
    respond_error(rq, MHD_HTTP_BAD_REQUEST, "too_many_hits", msg);
  } else {
    if (all) res->limit = 0; /* as an all=1 answer says */
    json_t *j = bg_json_results(res);
    if (j)
      bg_hints_attach(w->r, rq->pq.q, rq->pq.qlen, cfg.timeout_ms / 2, j);
    respond_json(rq, MHD_HTTP_OK, j);
    json_decref(j);
  }
  bg_results_free(res);
}

/* Answers a core error of count, kwic, similar or compare. */
static void view_failed(worker *w, request *rq, int rc, const bg_err *err) {
  const char *msg = bg_err_msg(err);
  switch (rc) {
  case BG_EQUERY:
    respond_error(rq, MHD_HTTP_BAD_REQUEST, "bad_query", msg);
    break;
  case BG_ENOTFOUND:
    respond_error(rq, MHD_HTTP_NOT_FOUND, "not_found", msg);
    break;
  case BG_EINVAL:
    respond_error(rq, MHD_HTTP_BAD_REQUEST, "bad_source", msg);
    break;
  case BG_ERANGE:
    respond_error(rq, MHD_HTTP_BAD_REQUEST, "bad_value", msg);
    break;
  case BG_ETIMEOUT:
    respond_timeout(rq, msg);
    break;
  case BG_ETOOLARGE:
    respond_error(rq, MHD_HTTP_BAD_REQUEST, "answer_too_large", msg);
    break;
  default:
    index_failed(w, rq, rc, err);
  }
}

/* Answers a view with j, made by its core function with status rc. */
static void view_done(worker *w, request *rq, int rc, json_t *j, bg_err *err) {
  if (rc == BG_OK && !j) rc = bg_err_set(err, BG_ENOMEM, "out of memory");
  if (rc != BG_OK) {
    view_failed(w, rq, rc, err);
  } else {
    respond_json(rq, MHD_HTTP_OK, j);
  }
  json_decref(j);
}

/* The views answer with the JSON `baogao --json` prints for the same
 * command. */
static void serve_count(worker *w, request *rq) {
  const bg_params_view *v = &rq->pv;
  bg_err err = {0};
  json_t *j = NULL;
  bg_count_result *c = NULL;
  int rc = bg_count(w->r, v->q, v->qlen, v->by, cfg.timeout_ms, &c, &err);
  if (rc == BG_OK) j = bg_json_count(c);
  bg_count_free(c);
  if (j) bg_hints_attach(w->r, v->q, v->qlen, cfg.timeout_ms / 2, j);
  view_done(w, rq, rc, j, &err);
}

static void serve_kwic(worker *w, request *rq) {
  const bg_params_view *v = &rq->pv;
  bg_err err = {0};
  json_t *j = NULL;
  bg_kwic_result *k = NULL;
  int rc = bg_kwic(w->r, v->q, v->qlen, v->width, v->sort, cfg.timeout_ms, &k,
                   &err);
  if (rc == BG_OK && k->nlines > cfg.max_hits) {
    char msg[300];
    snprintf(msg, sizeof msg,
             "the query occurs %zu times, and /v1/kwic answers at most %zu "
             "lines: narrow the query (year:, region:, report:)",
             k->nlines, cfg.max_hits);
    respond_error(rq, MHD_HTTP_BAD_REQUEST, "too_many_hits", msg);
    bg_kwic_free(k);
    return;
  }
  if (rc == BG_OK) j = bg_json_kwic(k);
  bg_kwic_free(k);
  if (j) bg_hints_attach(w->r, v->q, v->qlen, cfg.timeout_ms / 2, j);
  view_done(w, rq, rc, j, &err);
}

static void serve_similar(worker *w, request *rq) {
  const bg_params_view *v = &rq->pv;
  bg_err err = {0};
  bg_similar_opts o = {.report = v->report,
                       .para = v->para,
                       .text = v->text,
                       .text_len = v->text_len,
                       .filter = v->q,
                       .filter_len = v->qlen,
                       .limit = v->limit,
                       .reports = v->reports,
                       .timeout_ms = cfg.timeout_ms};
  bg_similar_result *s = NULL;
  int rc = bg_similar(w->r, &o, &s, &err);
  json_t *j = rc == BG_OK ? bg_json_similar(s) : NULL;
  bg_similar_free(s);
  view_done(w, rq, rc, j, &err);
}

static void serve_keywords(worker *w, request *rq) {
  const bg_params_view *v = &rq->pv;
  bg_err err = {0};
  bg_keywords_opts o = {.vs = v->b,
                        .vs_len = v->b ? v->text_len : 0,
                        .limit = v->limit,
                        .min_count = v->min_count,
                        .min_g2 = v->threshold,
                        .timeout_ms = cfg.timeout_ms};
  bg_keywords_result *k = NULL;
  int rc = bg_keywords(w->r, v->q, v->qlen, &o, &k, &err);
  json_t *j = rc == BG_OK ? bg_json_keywords(k) : NULL;
  bg_keywords_free(k);
  view_done(w, rq, rc, j, &err);
}

static void serve_compare(worker *w, request *rq) {
  const bg_params_view *v = &rq->pv;
  bg_err err = {0};
  bg_compare_opts o = {.threshold = v->threshold,
                       .min_count = v->min_count,
                       .phrases = v->phrases,
                       .timeout_ms = cfg.timeout_ms};
  bg_compare_result *c = NULL;
  int rc = bg_compare(w->r, v->report, v->b, &o, &c, &err);
  json_t *j = rc == BG_OK ? bg_json_compare(c) : NULL;
  bg_compare_free(c);
  view_done(w, rq, rc, j, &err);
}

/* The last part of a path ("/srv/reports/2025_北京市.txt" ->
 * "2025_北京市.txt"): how the server's folders are laid out is not the
 * clients' business (--show-paths shows it). */
static void basename_of(json_t *o, const char *key) {
  const char *s = json_string_value(json_object_get(o, key));
  if (!s) return;
  const char *slash = strrchr(s, '/');
  if (slash) json_object_set_new(o, key, json_string(slash + 1));
}

/* Cuts the paths out of /v1/stats (the index) or /v1/reports (each
 * report's source file). */
static void hide_paths(json_t *v, int stats) {
  if (stats) {
    basename_of(v, "index");
    return;
  }
  size_t i;
  json_t *rep;
  json_array_foreach(v, i, rep) basename_of(rep, "source");
}

static void serve_list(worker *w, request *rq) {
  bg_err err = {0};
  json_t *v = NULL;
  int rc = rq->route == R_STATS ? bg_reader_stats(w->r, &v, &err)
           : rq->pv.q ? bg_reader_reports_filtered(w->r, rq->pv.q, rq->pv.qlen,
                                                   &v, &err)
                      : bg_reader_reports(w->r, &v, &err);
  if (rc != BG_OK) {
    view_failed(w, rq, rc, &err);
    return;
  }
  if (!cfg.show_paths) hide_paths(v, rq->route == R_STATS);
  if (rq->route == R_STATS) {
    respond_json(rq, MHD_HTTP_OK, v);
  } else {
    json_t *o = bg_json_reports(v);
    respond_json(rq, MHD_HTTP_OK, o);
    json_decref(o);
  }
  json_decref(v);
}

static void *worker_main(void *arg) {
  unsigned wi = (unsigned)(uintptr_t)arg;
  worker w = {0};
  int stop;
  request *rq;
  while ((rq = dequeue(wi, &stop)) != NULL) {
    atomic_fetch_add(&metrics.busy, 1);
    bg_err err = {0};
    double t_start = now_ms();
    /* The work stops at the deadline or when the client hangs up. */
    bg_cancel_begin(t_start + cfg.timeout_ms, &rq->gone);
    bg_cancel_max_bytes(cfg.max_answer / 4);
    if (atomic_load(&rq->gone)) {
      /* Nobody to answer: the connection is closed on resumption. */
    } else if (stop) {
      respond_error(rq, MHD_HTTP_SERVICE_UNAVAILABLE, "shutting_down",
                    "the daemon is stopping; try again later");
    } else if (t_start - rq->t_queued > cfg.timeout_ms) {
      char msg[160];
      snprintf(msg, sizeof msg,
               "the request waited %.0f ms for a worker, longer than the "
               "time limit: the daemon is busy, try again later",
               t_start - rq->t_queued);
      respond_timeout(rq, msg);
    } else if (ensure_reader(&w, &err) != BG_OK) {
      index_failed(&w, rq, err.code, &err);
    } else if (answer_from_cache(rq, bg_reader_signature(w.r))) {
      /* answered */
    } else {
      endpoints[rq->route].serve(&w, rq);
    }
    bg_cancel_end();
    if (atomic_load(&rq->gone)) {
      /* Hung up during the work: whatever was made is not sent. */
      if (rq->resp) MHD_destroy_response(rq->resp);
      rq->resp = NULL;
      atomic_fetch_add(&metrics.cancelled, 1);
    }
    fair_charge(rq->client, now_ms() - t_start);
    gone_unwatch(rq->watch);
    rq->watch = 0;
    rq->state = RQ_ANSWERED;
    atomic_fetch_sub(&metrics.busy, 1);
    /* rq may be freed as soon as the connection resumes. */
    MHD_resume_connection(rq->conn);
  }
  drop_reader(&w);
  return NULL;
}

/* ---- the request handler ---- */

static route route_of(const char *path, size_t n) {
  for (int r = 0; r < R_PAGE; r++)
    if (strlen(route_path(r)) == n && !memcmp(route_path(r), path, n))
      return (route)r;
  if (web_is_page(path, n)) return R_PAGE;
  if (n > 8 && !memcmp(path, "/static/", 8)) return R_STATIC;
  return R_OTHER;
}

/* Answers a page of the workbench or one of its files. */
static void respond_file(request *rq, const char *path, size_t n) {
  char *body = NULL;
  size_t len = 0;
  const char *ctype = NULL, *why = NULL;
  int rc = web_file(path, n, &body, &len, &ctype, &why);
  if (rc == -1) {
    respond_error(rq, MHD_HTTP_NOT_FOUND, "not_found", "no such file");
    return;
  }
  if (rc != 0) {
    respond_error(rq, MHD_HTTP_SERVICE_UNAVAILABLE,
                  strcmp(why, "out of memory") ? "file_unavailable"
                                               : "out_of_memory",
                  why);
    return;
  }
  respond(rq, MHD_HTTP_OK, body, len, ctype);
  if (rq->resp)
    MHD_add_response_header(rq->resp, MHD_HTTP_HEADER_CACHE_CONTROL,
                            "no-cache");
}

static void respond_params_err(request *rq, const bg_params_err *e) {
  respond_error(rq, (unsigned)e->http, e->code, e->msg);
}

static void respond_health(request *rq) {
  if (atomic_load(&ix.up)) {
    json_t *o = json_pack("{s:s, s:I, s:I}", "status", "ok", "reports",
                          (json_int_t)atomic_load(&ix.reports), "revision",
                          (json_int_t)atomic_load(&ix.health_revision));
    respond_json(rq, MHD_HTTP_OK, o);
    json_decref(o);
  } else {
    char why[512];
    pthread_mutex_lock(&ix.mu);
    memcpy(why, ix.why, sizeof why);
    pthread_mutex_unlock(&ix.mu);
    respond_error(rq, MHD_HTTP_SERVICE_UNAVAILABLE, "index_unavailable",
                  why[0] ? why : "the index is not open");
  }
}

static void answer_metrics(request *rq) {
  size_t len = 0;
  char *text = metrics_text(&len);
  if (!text)
    respond_error(rq, MHD_HTTP_SERVICE_UNAVAILABLE, "out_of_memory",
                  "out of memory");
  else
    respond(rq, MHD_HTTP_OK, text, len,
            "text/plain; version=0.0.4; charset=utf-8");
}

/* The parameter readers of the endpoints (params.h). */
static int parse_search(request *rq, const char *qs, size_t qlen,
                        bg_params_err *e) {
  return bg_params_search(qs, qlen, &cfg.lim, &rq->pq, e);
}

#define VIEW_PARSER(name, fn)                                                \
  static int name(request *rq, const char *qs, size_t qlen,                 \
                  bg_params_err *e) {                                        \
    return fn(qs, qlen, &cfg.lim, &rq->pv, e);                               \
  }
VIEW_PARSER(parse_count, bg_params_count)
VIEW_PARSER(parse_kwic, bg_params_kwic)
VIEW_PARSER(parse_similar, bg_params_similar)
VIEW_PARSER(parse_compare, bg_params_compare)
VIEW_PARSER(parse_keywords, bg_params_keywords)
VIEW_PARSER(parse_reports, bg_params_reports)
#undef VIEW_PARSER

static int parse_none(request *rq, const char *qs, size_t qlen,
                      bg_params_err *e) {
  return bg_params_none(qs, qlen, route_path(rq->route), e);
}

static const endpoint endpoints[BG_EP_N] = {
    [BG_EP_SEARCH] = {parse_search, serve_search, NULL, 1, 1,
                      "?q=QUERY[&limit=N][&offset=N][&all=1]\n"
                      "            [&sort=relevance|year|-year]"},
    [BG_EP_COUNT] = {parse_count, serve_count, NULL, 1, 1,
                     "?q=QUERY[&by=year|region|report]"},
    [BG_EP_KWIC] = {parse_kwic, serve_kwic, NULL, 1, 1,
                    "?q=QUERY[&width=N][&sort=year|left|right]"},
    [BG_EP_SIMILAR] = {parse_similar, serve_similar, NULL, 1, 1,
                       "?para=REPORT%23PARA|text=TEXT[&filter=FILTERS]"
                       "[&limit=N]\n             [&reports=N]"},
    [BG_EP_COMPARE] = {parse_compare, serve_compare, NULL, 1, 1,
                       "?a=REPORT_A&b=REPORT_B[&threshold=X][&min_count=N]"
                       "\n             [&phrases=N]"},
    [BG_EP_KEYWORDS] = {parse_keywords, serve_keywords, NULL, 1, 1,
                        "?q=FILTERS[&vs=FILTERS][&limit=N][&min_count=N]"
                        "[&min_g2=X]"},
    [BG_EP_REPORTS] = {parse_reports, serve_list, NULL, 0, 1,
                       "[?q=FILTERS]"},
    [BG_EP_STATS] = {parse_none, serve_list, NULL, 0, 0, ""},
    [BG_EP_HEALTHZ] = {parse_none, NULL, respond_health, 0, 0, ""},
    [BG_EP_METRICS] = {parse_none, NULL, answer_metrics, 0, 0, ""},
};

/* "/v1/search, /v1/count, ... and /metrics" for those endpoints that are
 * tables (only_tables) or all, in buf. */
static const char *endpoint_list(char *buf, size_t size, int only_tables) {
  static const bg_endpoint order[] = {
      BG_EP_SEARCH, BG_EP_COUNT,   BG_EP_KWIC,    BG_EP_SIMILAR,
      BG_EP_COMPARE, BG_EP_KEYWORDS, BG_EP_REPORTS, BG_EP_STATS,
      BG_EP_HEALTHZ, BG_EP_METRICS};
  size_t n = 0, k = 0, total = 0;
  for (size_t i = 0; i < BG_EP_N; i++)
    total += !only_tables || endpoints[order[i]].table;
  buf[0] = '\0';
  for (size_t i = 0; i < BG_EP_N; i++) {
    bg_endpoint e = order[i];
    if (only_tables && !endpoints[e].table) continue;
    k++;
    n += (size_t)snprintf(buf + n, n < size ? size - n : 0, "%s%s",
                          k == 1 ? "" : k == total ? " and " : ", ",
                          bg_endpoint_path[e]);
  }
  return buf;
}

/* Counts the headers that decide where a request ends. */
typedef struct framing {
  unsigned content_length, transfer_encoding;
  int nonzero; /* a Content-Length other than "0" */
} framing;

static enum MHD_Result count_framing(void *cls, enum MHD_ValueKind kind,
                                     const char *key, const char *value) {
  (void)kind;
  framing *f = cls;
  if (key && !strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH)) {
    f->content_length++;
    if (!value || strcmp(value, "0")) f->nonzero = 1;
  } else if (key && !strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING)) {
    f->transfer_encoding++;
  }
  return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c,
                                  const char *url, const char *method,
                                  const char *version, const char *upload,
                                  size_t *upload_size, void **ctx) {
  (void)cls;
  (void)url;
  (void)upload;
  request *rq = *ctx;
  if (!rq) {
    static const char oom[] = "{\"error\": {\"code\": \"out_of_memory\", "
                              "\"message\": \"out of memory\"}}\n";
    struct MHD_Response *r = MHD_create_response_from_buffer(
        sizeof oom - 1, (void *)oom, MHD_RESPMEM_PERSISTENT);
    if (!r) return MHD_NO;
    enum MHD_Result ret =
        MHD_queue_response(c, MHD_HTTP_SERVICE_UNAVAILABLE, r);
    MHD_destroy_response(r);
    return ret;
  }
  if (rq->state == RQ_ANSWERED) return send_answer(rq);
  if (rq->state == RQ_WAITING) return MHD_YES;
  int has_body = 0;
  if (rq->state == RQ_NEW) {
    /* The method, printable, for the log and messages. */
    size_t k = 0;
    for (; method[k] && k + 1 < sizeof rq->method; k++)
      rq->method[k] = method[k] > 0x20 && method[k] < 0x7f ? method[k] : '?';
    rq->method[k] = '\0';
    /* Answering before the request is read through makes libmicrohttpd
     * close the connection: a request without a body is answered on the
     * next call.  No endpoint takes a body: one that announces a body is
     * answered now, rather than reading the body to its end. */
    framing f = {0};
    MHD_get_connection_values(c, MHD_HEADER_KIND, count_framing, &f);
    has_body = f.nonzero || f.transfer_encoding;
    if (f.content_length > 1 || f.transfer_encoding > 1) {
      /* Two framings: a proxy in front may have read another end of this
       * request than libmicrohttpd would.  Nothing more is read from the
       * connection. */
      respond_error(rq, MHD_HTTP_BAD_REQUEST, "bad_framing",
                    "the request has more than one Content-Length or "
                    "Transfer-Encoding header");
      if (rq->resp)
        MHD_add_response_header(rq->resp, MHD_HTTP_HEADER_CONNECTION,
                                "close");
      return send_answer(rq);
    }
    if (!has_body) {
      rq->state = RQ_HEADERS;
      return MHD_YES;
    }
  } else if (*upload_size) {
    *upload_size = 0; /* cannot happen: a body is announced */
    return MHD_YES;
  }

  /* Route on the raw target: libmicrohttpd's decoded url would cut at %00.
   * An absolute-form target (http://host/path) is cut to its path. */
  const char *path = rq->target;
  if (!strncmp(path, "http://", 7) || !strncmp(path, "https://", 8)) {
    const char *slash = strchr(strstr(path, "//") + 2, '/');
    path = slash ? slash : "/";
  }
  const char *qm = strchr(path, '?');
  size_t plen = qm ? (size_t)(qm - path) : strlen(path);
  const char *qs = qm ? qm + 1 : "";
  size_t qlen = strlen(qs);
  const char *hash = memchr(qs, '#', qlen);
  if (hash) qlen = (size_t)(hash - qs);
  rq->route = route_of(path, plen);
  rq->qs = qs;
  rq->qlen = qlen;
  /* format= and bom= ask an endpoint for a table; its parameters are the
   * others.  The workbench's pages keep their query strings. */
  bg_err fe = {0};
  int frc = BG_OK;
  if (rq->route != R_PAGE && rq->route != R_STATIC)
    frc = bg_params_export(qs, qlen, &rq->params, &rq->nparams, &rq->format,
                           &rq->bom, &fe);
  if (frc == BG_OK && rq->format && rq->route != R_OTHER &&
      !route_kind(rq->route)) {
    char list[256];
    frc = bg_err_set(&fe, BG_EINVAL, "format=tsv|csv is for %s",
                     endpoint_list(list, sizeof list, 1));
  }
  if (frc == BG_OK && rq->params) {
    qs = rq->params;
    qlen = rq->nparams;
  }

  const char *ae = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                               MHD_HTTP_HEADER_ACCEPT_ENCODING);
  rq->gzip = ae && bg_params_accepts_gzip(ae, strlen(ae));

  bg_params_err e;
  /* A name the daemon does not serve: a page elsewhere that had its name
   * resolve to this machine (DNS rebinding) must read nothing. */
  const char *host =
      MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
  if (!host && version && !strcmp(version, MHD_HTTP_VERSION_1_1)) {
    respond_error(rq, MHD_HTTP_BAD_REQUEST, "bad_request",
                  "an HTTP/1.1 request needs a Host header");
    return send_answer(rq);
  }
  if (!web_host_ok(host)) {
    respond_error(rq, MHD_HTTP_FORBIDDEN, "bad_host",
                  "this daemon does not serve that host name: use "
                  "localhost or an IP address, or start it with "
                  "--allow-host NAME");
    return send_answer(rq);
  }
  if (rq->route == R_OTHER) {
    char list[256], msg[400];
    snprintf(msg, sizeof msg,
             "no such endpoint; the endpoints are %s, and the web page is "
             "at /",
             endpoint_list(list, sizeof list, 0));
    respond_error(rq, MHD_HTTP_NOT_FOUND, "not_found", msg);
    return send_answer(rq);
  }
  if (frc != BG_OK) {
    rq->format = 0;
    respond_error(rq, frc == BG_ENOMEM ? MHD_HTTP_SERVICE_UNAVAILABLE
                                       : MHD_HTTP_BAD_REQUEST,
                  frc == BG_ENOMEM ? "out_of_memory" : "bad_format",
                  bg_err_msg(&fe));
    return send_answer(rq);
  }
  if (strcmp(method, MHD_HTTP_METHOD_GET) &&
      strcmp(method, MHD_HTTP_METHOD_HEAD)) {
    char msg[128];
    snprintf(msg, sizeof msg, "method %s is not allowed here: use GET or HEAD",
             rq->method);
    respond_error(rq, MHD_HTTP_METHOD_NOT_ALLOWED, "method_not_allowed", msg);
    if (rq->resp) MHD_add_response_header(rq->resp, "Allow", "GET, HEAD");
    return send_answer(rq);
  }
  if (has_body) {
    /* Answered before the body is read, and the connection closed after
     * the answer: no byte after the headers is read as a request. */
    respond_error(rq, MHD_HTTP_BAD_REQUEST, "unexpected_body",
                  "GET and HEAD requests take no body");
    if (rq->resp)
      MHD_add_response_header(rq->resp, MHD_HTTP_HEADER_CONNECTION, "close");
    return send_answer(rq);
  }
  if (rq->route == R_PAGE || rq->route == R_STATIC) {
    respond_file(rq, path, plen);
    return send_answer(rq);
  }
  const endpoint *ep = &endpoints[rq->route];
  if (ep->parse(rq, qs, qlen, &e) != BG_OK) {
    respond_params_err(rq, &e);
    return send_answer(rq);
  }
  if (ep->answer) {
    ep->answer(rq);
    return send_answer(rq);
  }
  rq->heavy = rq->route == R_SEARCH
                  ? rq->pq.opts.all || rq->pq.opts.limit > 100
                  : rq->route != R_REPORTS && rq->route != R_STATS;
  /* Suspend before queueing: a worker may resume it at once. */
  rq->state = RQ_WAITING;
  MHD_suspend_connection(c);
  enqueue(rq);
  return MHD_YES;
}

/* ---- the index as the main thread sees it ---- */

static void set_down(const char *why) {
  pthread_mutex_lock(&ix.mu);
  snprintf(ix.why, sizeof ix.why, "%s", why);
  pthread_mutex_unlock(&ix.mu);
  if (atomic_exchange(&ix.up, 0)) note("index unavailable: %s", why);
}

/* Brings the main reader up to date and the figures with it. */
static void watch_index(bg_reader **r, unsigned *gen) {
  bg_err err = {0};
  int changed = 0;
  unsigned g = atomic_load(&reopen_gen);
  if (*r && *gen != g) {
    bg_reader_close(*r);
    *r = NULL;
  }
  if (*r && bg_reader_refresh(*r, &changed, &err) != BG_OK) {
    bg_reader_close(*r);
    *r = NULL;
  }
  if (!*r) {
    if (bg_reader_open(r, cfg.index, &err) != BG_OK) {
      set_down(bg_err_msg(&err));
      return;
    }
    *gen = g;
    changed = 1;
  }
  if (!changed && atomic_load(&ix.up)) return;
  /* Figures from the index statistics only: the report list would hold
   * every report's metadata in this thread for as long as it runs. */
  uint64_t paragraphs, units;
  bg_reader_totals(*r, &paragraphs, &units);
  atomic_store(&ix.documents, bg_reader_doccount(*r));
  /* A compaction starts a new database at a lower revision: /healthz's
   * revision only goes up (by one for a change that lowers it). */
  static uint64_t last_sig;
  uint64_t rev = bg_reader_revision(*r),
           last = atomic_load(&ix.health_revision);
  uint64_t sig = bg_reader_signature(*r);
  atomic_store(&ix.health_revision,
               rev > last                       ? rev
               : last && sig && sig != last_sig ? last + 1
                                                : last);
  last_sig = sig;
  atomic_store(&ix.revision, rev);
  atomic_store(&ix.reports, bg_reader_doccount(*r)); /* one per report */
  atomic_store(&ix.paragraphs, paragraphs);
  atomic_store(&ix.units, units);
  if (!atomic_exchange(&ix.up, 1))
    note("index %s open: %llu reports, revision %llu", cfg.index,
         (unsigned long long)atomic_load(&ix.reports),
         (unsigned long long)atomic_load(&ix.revision));
}

/* ---- start-up ---- */

static void die_use(const char *fmt, const char *arg) {
  fprintf(stderr, "baogao-searchd: ");
  fprintf(stderr, fmt, arg);
  fprintf(stderr, "\n(baogao-searchd --help for usage)\n");
  exit(1);
}

static unsigned long parse_num(const char *opt, const char *s,
                               unsigned long min, unsigned long max) {
  char *end;
  errno = 0;
  unsigned long v = strtoul(s, &end, 10);
  if (!*s || *end || errno || s[0] == '-' || v < min || v > max) {
    char msg[160];
    snprintf(msg, sizeof msg, "%s takes a whole number from %lu to %lu, not",
             opt, min, max);
    fprintf(stderr, "baogao-searchd: %s '%s'\n", msg, s);
    fprintf(stderr, "(baogao-searchd --help for usage)\n");
    exit(1);
  }
  return v;
}

/* Opens a listening socket on spec ("ADDR:PORT", "[V6]:PORT"); writes the
 * URL it listens on to url.  -1 with a message on failure. */
static int listen_on(const char *spec, char *url, size_t urlsize, int *v6) {
  char host[256];
  const char *colon = strrchr(spec, ':');
  if (!colon || colon == spec || !colon[1]) {
    fprintf(stderr,
            "baogao-searchd: --listen takes ADDR:PORT (127.0.0.1:8765, "
            "[::1]:8765, 0.0.0.0:8765), not '%s'\n",
            spec);
    return -1;
  }
  size_t hl = (size_t)(colon - spec);
  if (spec[0] == '[' && hl >= 2 && spec[hl - 1] == ']') {
    spec++;
    hl -= 2;
  }
  if (hl >= sizeof host) hl = sizeof host - 1;
  memcpy(host, spec, hl);
  host[hl] = '\0';
  const char *port = colon + 1;
  char *end;
  errno = 0;
  unsigned long pn = strtoul(port, &end, 10);
  if (*end || errno || port[0] < '0' || port[0] > '9' || pn > 65535) {
    fprintf(stderr,
            "baogao-searchd: --listen: the port must be a number from 0 to "
            "65535, not '%s'\n",
            port);
    return -1;
  }
  struct addrinfo hints, *res = NULL;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  int gai = getaddrinfo(host, port, &hints, &res);
  if (gai != 0) {
    fprintf(stderr, "baogao-searchd: cannot listen on %s: %s\n", colon - hl,
            gai_strerror(gai));
    return -1;
  }
  int fd = -1, saved = 0;
  for (struct addrinfo *a = res; a; a = a->ai_next) {
    fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) {
      saved = errno;
      continue;
    }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (a->ai_family == AF_INET6)
      setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    if (bind(fd, a->ai_addr, a->ai_addrlen) == 0 && listen(fd, 511) == 0) {
      *v6 = a->ai_family == AF_INET6;
      break;
    }
    saved = errno;
    close(fd);
    fd = -1;
  }
  freeaddrinfo(res);
  if (fd < 0) {
    fprintf(stderr, "baogao-searchd: cannot listen on %s:%s: %s\n", host, port,
            strerror(saved));
    return -1;
  }
  int fl = fcntl(fd, F_GETFL);
  if (fl >= 0) fcntl(fd, F_SETFL, fl | O_NONBLOCK);
  struct sockaddr_storage ss;
  socklen_t sl = sizeof ss;
  char h[NI_MAXHOST], p[NI_MAXSERV];
  if (getsockname(fd, (struct sockaddr *)&ss, &sl) != 0 ||
      getnameinfo((struct sockaddr *)&ss, sl, h, sizeof h, p, sizeof p,
                  NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
    fprintf(stderr, "baogao-searchd: cannot read the listening address: %s\n",
            strerror(errno));
    close(fd);
    return -1;
  }
  snprintf(url, urlsize, *v6 ? "http://[%s]:%s" : "http://%s:%s", h, p);
  return fd;
}

static void print_usage(void) {
  fputs(usage_head, stdout);
  for (int e = 0; e < BG_EP_N; e++)
    printf("  %s%s\n", bg_endpoint_path[e], endpoints[e].help);
  fputs(usage_tail, stdout);
}

static void parse_args(int argc, char **argv) {
  enum {
    O_INDEX = 256,
    O_LISTEN,
    O_THREADS,
    O_QUIET,
    O_TIMEOUT,
    O_MAXQ,
    O_MAXLIMIT,
    O_MAXHITS,
    O_MAXCONN,
    O_MAXCONNIP,
    O_CACHE,
    O_WEB,
    O_ALLOW_HOST,
    O_GRACE,
    O_MAXANSWER,
    O_SHOWPATHS,
    O_VERSION
  };
  static const struct option opts[] = {
      {"index", required_argument, NULL, O_INDEX},
      {"listen", required_argument, NULL, O_LISTEN},
      {"threads", required_argument, NULL, O_THREADS},
      {"quiet", no_argument, NULL, O_QUIET},
      {"timeout-ms", required_argument, NULL, O_TIMEOUT},
      {"max-query-bytes", required_argument, NULL, O_MAXQ},
      {"max-limit", required_argument, NULL, O_MAXLIMIT},
      {"max-hits", required_argument, NULL, O_MAXHITS},
      {"max-connections", required_argument, NULL, O_MAXCONN},
      {"max-connections-per-ip", required_argument, NULL, O_MAXCONNIP},
      {"cache-mb", required_argument, NULL, O_CACHE},
      {"web", required_argument, NULL, O_WEB},
      {"allow-host", required_argument, NULL, O_ALLOW_HOST},
      {"grace-ms", required_argument, NULL, O_GRACE},
      {"max-answer-mb", required_argument, NULL, O_MAXANSWER},
      {"show-paths", no_argument, NULL, O_SHOWPATHS},
      {"help", no_argument, NULL, 'h'},
      {"version", no_argument, NULL, O_VERSION},
      {NULL, 0, NULL, 0}};
  long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
  cfg.index = getenv("BAOGAO_INDEX");
  cfg.listen = "127.0.0.1:8765";
  /* One worker more than CPUs: one client keeps every CPU busy, and one
   * worker stays for the others (client_cap()). */
  cfg.threads = ncpu < 2 ? 3 : ncpu > 255 ? 256 : (unsigned)ncpu + 1;
  cfg.timeout_ms = 5000;
  cfg.max_hits = 50000;
  cfg.max_connections = 256;
  cfg.max_per_ip = 64;
  cfg.cache_mb = 64;
  cfg.grace_ms = 10000;
  /* A sixty-fourth of the memory, from 32 to 256 MB. */
  long pages = sysconf(_SC_PHYS_PAGES), psize = sysconf(_SC_PAGESIZE);
  size_t ram = pages > 0 && psize > 0 ? (size_t)pages * (size_t)psize : 0;
  cfg.max_answer = ram / 64;
  if (cfg.max_answer < ((size_t)32 << 20)) cfg.max_answer = (size_t)32 << 20;
  if (cfg.max_answer > ((size_t)256 << 20)) cfg.max_answer = (size_t)256 << 20;
  cfg.lim.max_query_bytes = 4096;
  cfg.lim.max_limit = 1000;
  cfg.lim.max_offset = MAX_OFFSET;
  opterr = 0;
  int c;
  while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
    switch (c) {
    case O_INDEX:
      cfg.index = optarg;
      break;
    case O_LISTEN:
      cfg.listen = optarg;
      break;
    case O_THREADS:
      cfg.threads = (unsigned)parse_num("--threads", optarg, 1, 256);
      break;
    case O_QUIET:
      cfg.quiet = 1;
      break;
    case O_TIMEOUT:
      cfg.timeout_ms = (double)parse_num("--timeout-ms", optarg, 1, 3600000);
      break;
    case O_MAXQ:
      cfg.lim.max_query_bytes =
          parse_num("--max-query-bytes", optarg, 1, 1 << 20);
      break;
    case O_MAXLIMIT:
      cfg.lim.max_limit = parse_num("--max-limit", optarg, 0, 1000000);
      break;
    case O_MAXHITS:
      cfg.max_hits = parse_num("--max-hits", optarg, 1, 10000000);
      break;
    case O_MAXCONN:
      cfg.max_connections =
          (unsigned)parse_num("--max-connections", optarg, 1, 65536);
      break;
    case O_MAXCONNIP:
      cfg.max_per_ip =
          (unsigned)parse_num("--max-connections-per-ip", optarg, 0, 65536);
      break;
    case O_CACHE:
      cfg.cache_mb = parse_num("--cache-mb", optarg, 0, 1 << 20);
      break;
    case O_WEB:
      if (web_set_dir(optarg) != 0)
        die_use("--web: '%s' is not a folder with an index.html", optarg);
      break;
    case O_ALLOW_HOST:
      if (!optarg[0] || strpbrk(optarg, ":/ "))
        die_use("--allow-host takes a host name without a port, not '%s'",
                optarg);
      if (web_allow_host(optarg) != 0)
        die_use("too many --allow-host names (at most 32): '%s'", optarg);
      break;
    case O_SHOWPATHS:
      cfg.show_paths = 1;
      break;
    case O_MAXANSWER:
      cfg.max_answer = parse_num("--max-answer-mb", optarg, 4, 1 << 20) << 20;
      break;
    case O_GRACE:
      cfg.grace_ms = (double)parse_num("--grace-ms", optarg, 0, 3600000);
      break;
    case 'h':
      print_usage();
      exit(0);
    case O_VERSION:
      printf("baogao-searchd %s (libmicrohttpd %s)\n", BAOGAO_VERSION,
             MHD_get_version());
      exit(0);
    case ':':
      die_use("%s needs a value", argv[optind - 1]);
      break;
    default:
      die_use("unknown option '%s'", argv[optind - 1]);
      break;
    }
  }
  if (optind < argc) die_use("unexpected argument '%s'", argv[optind]);
  if (!cfg.index || !cfg.index[0]) cfg.index = "data/index";
}

int main(int argc, char **argv) {
  parse_args(argc, argv);
  started_at = time(NULL);

  /* Every thread inherits this mask: the signals reach sigtimedwait only. */
  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGTERM);
  sigaddset(&sigs, SIGINT);
  sigaddset(&sigs, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &sigs, NULL);
  signal(SIGPIPE, SIG_IGN);
  /* Large buffers (answers, their JSON) mapped and unmapped: a fixed
   * threshold, not glibc's, which rises to the largest buffer freed. */
  mallopt(M_MMAP_THRESHOLD, 1 << 20);

  if (cfg.cache_mb && !(answers = bg_cache_new(cfg.cache_mb << 20))) {
    fprintf(stderr, "baogao-searchd: out of memory\n");
    return 1;
  }
  bg_reader *main_reader = NULL;
  unsigned main_gen = 0;
  strcpy(ix.why, "the index is not open yet");
  watch_index(&main_reader, &main_gen);
  if (!atomic_load(&ix.up)) {
    pthread_mutex_lock(&ix.mu);
    fprintf(stderr,
            "baogao-searchd: warning: %s; answering 503 until it can be "
            "opened\n",
            ix.why);
    pthread_mutex_unlock(&ix.mu);
  } else if (bg_reader_note(main_reader)) {
    fprintf(stderr, "baogao-searchd: warning: %s\n",
            bg_reader_note(main_reader));
  }

  char url[NI_MAXHOST + 32];
  int v6 = 0;
  int lfd = listen_on(cfg.listen, url, sizeof url, &v6);
  if (lfd < 0) {
    bg_reader_close(main_reader);
    return 1;
  }

  pool.tids = calloc(cfg.threads, sizeof *pool.tids);
  pool.busy = calloc(cfg.threads, sizeof *pool.busy);
  pool.heavy = calloc(cfg.threads, sizeof *pool.heavy);
  if (!pool.tids || !pool.busy || !pool.heavy) {
    fprintf(stderr, "baogao-searchd: out of memory\n");
    return 1;
  }
  for (; pool.started < cfg.threads; pool.started++)
    if (pthread_create(&pool.tids[pool.started], NULL, worker_main,
                       (void *)(uintptr_t)pool.started)) {
      fprintf(stderr, "baogao-searchd: cannot start worker threads\n");
      return 1;
    }

  if (gone_start() != 0) {
    fprintf(stderr, "baogao-searchd: cannot start a thread\n");
    return 1;
  }

  /* Polling threads only read, route and write: a few are plenty. */
  unsigned io_threads = cfg.threads / 8 + 1;
  if (io_threads > 4) io_threads = 4;
  if (io_threads > cfg.max_connections) io_threads = cfg.max_connections;
  /* Room for the request line and the headers.  A request line that does
   * not fit gets libmicrohttpd's own 414, an HTML page, so the room is far
   * more than a query of max_query_bytes percent-encoded (3 times as
   * long) needs: a longer query is read whole and gets the daemon's JSON
   * 414 (query_too_long).  Pools over 32 KB are mapped, not allocated,
   * so only the pages a request fills take memory. */
  size_t mem = 16384 + 4 * cfg.lim.max_query_bytes;
  if (mem < MIN_CONNECTION_MEMORY) mem = MIN_CONNECTION_MEMORY;
  unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO |
                   MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
  if (v6) flags |= MHD_USE_IPv6;
  struct MHD_OptionItem opts[] = {
      {MHD_OPTION_EXTERNAL_LOGGER, (intptr_t)mhd_log, NULL},
      {MHD_OPTION_LISTEN_SOCKET, lfd, NULL},
      /* conns.c shares the places; libmicrohttpd's own cap leaves room
       * for the connections being closed to make room. */
      {MHD_OPTION_CONNECTION_LIMIT, (intptr_t)(cfg.max_connections + 64),
       NULL},
      {MHD_OPTION_NOTIFY_CONNECTION, (intptr_t)conns_notify, NULL},
      {MHD_OPTION_CONNECTION_TIMEOUT, CONN_TIMEOUT_S, NULL},
      {MHD_OPTION_CONNECTION_MEMORY_LIMIT, (intptr_t)mem, NULL},
      {MHD_OPTION_URI_LOG_CALLBACK, (intptr_t)on_uri, NULL},
      {MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)on_done, NULL},
      {io_threads > 1 ? MHD_OPTION_THREAD_POOL_SIZE : MHD_OPTION_END,
       (intptr_t)io_threads, NULL},
      {MHD_OPTION_END, 0, NULL}};
  conns_init(cfg.max_connections, cfg.max_per_ip);
  budget_init(cfg.max_answer);
  struct MHD_Daemon *d =
      MHD_start_daemon(flags, 0, conns_accept, NULL, on_request, NULL,
                       MHD_OPTION_ARRAY,
                       opts, MHD_OPTION_END);
  int status = 0;
  if (!d) {
    fprintf(stderr, "baogao-searchd: cannot start the HTTP server on %s\n",
            url);
    close(lfd);
    status = 1;
    goto stop_workers;
  }
  printf("listening on %s\n", url);
  fflush(stdout);
  note("serving %s on %s with %u workers", cfg.index, url, cfg.threads);

  /* Wait for signals; refresh the index figures between them. */
  int sig = 0;
  while (sig != SIGTERM && sig != SIGINT) {
    /* While the index is down, look again five times as often: /healthz
     * should not say 503 long after the workers answer again. */
    long ms = atomic_load(&ix.up) ? INDEX_POLL_MS : INDEX_POLL_MS / 5;
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    sig = sigtimedwait(&sigs, NULL, &ts);
    if (sig == SIGHUP) {
      atomic_fetch_add(&reopen_gen, 1);
      note("SIGHUP: reopening the index");
    }
    if (sig < 0 || sig == SIGHUP) watch_index(&main_reader, &main_gen);
    /* Give the memory of answers sent back to the system: after a burst
     * of large answers the heap would otherwise stay at its peak. */
    if (sig < 0 && atomic_load(&in_flight) == 0) malloc_trim(0);
  }

  /* Stop accepting at once: the listening socket is closed, so new
   * clients are refused rather than left waiting in its backlog.  Let the
   * requests in flight finish within the grace period; then stop.  Asked
   * again, go at once. */
  note("%s: stopping", sig == SIGTERM ? "SIGTERM" : "SIGINT");
  atomic_store(&stopping, 1);
  MHD_socket quiesced = MHD_quiesce_daemon(d);
  if (quiesced != MHD_INVALID_SOCKET) close(quiesced);
  double deadline = now_ms() + cfg.grace_ms;
  while (atomic_load(&in_flight) > 0 && now_ms() < deadline) {
    struct timespec ts = {0, 10 * 1000000L};
    int s = sigtimedwait(&sigs, NULL, &ts);
    if (s == SIGTERM || s == SIGINT) {
      note("%s again: stopping now", s == SIGTERM ? "SIGTERM" : "SIGINT");
      _exit(0);
    }
  }
  /* Past the grace period: the work still going on is cancelled. */
  gone_cancel_all();
  pthread_mutex_lock(&pool.mu);
  pool.stop = 1;
  pthread_cond_broadcast(&pool.cv);
  pthread_mutex_unlock(&pool.mu);
  for (unsigned i = 0; i < pool.started; i++)
    pthread_join(pool.tids[i], NULL);
  pool.started = 0;
  MHD_stop_daemon(d);
  gone_stop();
  note("stopped");

stop_workers:
  pthread_mutex_lock(&pool.mu);
  pool.stop = 1;
  pthread_cond_broadcast(&pool.cv);
  pthread_mutex_unlock(&pool.mu);
  for (unsigned i = 0; i < pool.started; i++)
    pthread_join(pool.tids[i], NULL);
  free(pool.tids);
  free(pool.busy);
  free(pool.heavy);
  bg_reader_close(main_reader);
  bg_cache_free(answers);
  return status;
}
