/*
 * json.c - results to JSON (see json.h).
 */
#include "json.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static json_t *hit_json(const bg_hit *h) {
  json_t *sec = json_array();
  json_t *m = json_array();
  json_t *o = NULL;
  if (!sec || !m) goto fail;
  for (size_t i = 0; i < h->nsection; i++)
    if (json_array_append_new(sec, json_string(h->section[i])) != 0) goto fail;
  for (size_t i = 0; i < h->nmatches; i++)
    if (json_array_append_new(m, json_pack("[I, I]",
                                             (json_int_t)h->matches[2 * i],
                                             (json_int_t)h->matches[2 * i + 1])) !=
        0)
      goto fail;
  o = json_pack("{s:s, s:o, s:s, s:I, s:o, s:s%, s:o, s:f}", "report",
                h->report, "year",
                h->year > 0 ? json_integer(h->year) : json_null(), "region",
                h->region, "para", (json_int_t)h->para, "section", sec, "text",
                h->text, h->text_len, "matches", m, "score",
                round(h->score * 1e4) / 1e4);
  return o;
fail:
  json_decref(sec);
  json_decref(m);
  return NULL;
}

json_t *bg_json_results(const bg_results *res) {
  json_t *hits = json_array();
  if (!hits) return NULL;
  for (size_t i = 0; i < res->nhits; i++) {
    json_t *h = hit_json(&res->hits[i]);
    if (!h || json_array_append_new(hits, h) != 0) {
      json_decref(hits);
      return NULL;
    }
  }
  return json_pack("{s:s, s:I, s:I, s:I, s:f, s:o}", "query", res->query,
                   "total", (json_int_t)res->total, "offset",
                   (json_int_t)res->offset, "limit", (json_int_t)res->limit,
                   "took_ms", round(res->took_ms * 1000) / 1000, "hits",
                   hits);
}

json_t *bg_json_reports(json_t *reports) {
  return json_pack("{s:O}", "reports", reports);
}

char *bg_json_dump(const json_t *v) {
  char *s = json_dumps(v, JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII * 0 |
                              JSON_REAL_PRECISION(10));
  if (!s) return NULL;
  size_t n = strlen(s);
  char *r = realloc(s, n + 2);
  if (!r) {
    free(s);
    return NULL;
  }
  r[n] = '\n';
  r[n + 1] = '\0';
  return r;
}

json_t *bg_json_error(const char *code, const char *message) {
  return json_pack("{s:{s:s, s:s}}", "error", "code", code, "message",
                   message);
}
