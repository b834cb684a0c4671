/*
 * endpoints.h - the names and paths of baogao-searchd's endpoints.
 *
 * The one list both sides of the HTTP interface use: searchd builds its
 * endpoint table (dispatch, 404 list, /metrics labels, --help) on it, and
 * the CLI's --server mode asks for each command's answer through it.
 */
#ifndef BG_ENDPOINTS_H
#define BG_ENDPOINTS_H

#ifdef __cplusplus
extern "C" {
#endif

/* X(enum value, command name, path) */
#define BG_ENDPOINTS(X)                                                        \
  X(BG_EP_SEARCH, "search", "/v1/search")                                      \
  X(BG_EP_REPORTS, "reports", "/v1/reports")                                   \
  X(BG_EP_STATS, "stats", "/v1/stats")                                         \
  X(BG_EP_COUNT, "count", "/v1/count")                                         \
  X(BG_EP_KWIC, "kwic", "/v1/kwic")                                            \
  X(BG_EP_SIMILAR, "similar", "/v1/similar")                                   \
  X(BG_EP_COMPARE, "compare", "/v1/compare")                                   \
  X(BG_EP_KEYWORDS, "keywords", "/v1/keywords")                                \
  X(BG_EP_HEALTHZ, "healthz", "/healthz")                                      \
  X(BG_EP_METRICS, "metrics", "/metrics")

typedef enum {
#define BG_X_EP(e, name, path) e,
  BG_ENDPOINTS(BG_X_EP)
#undef BG_X_EP
      BG_EP_N
} bg_endpoint;

/* The command name ("search") and the path ("/v1/search") of each. */
extern const char *const bg_endpoint_name[BG_EP_N];
extern const char *const bg_endpoint_path[BG_EP_N];

#ifdef __cplusplus
}
#endif

#endif
