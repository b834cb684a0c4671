/*
 * json.c - results to JSON (see json.h).
 */
#include "json.h"
#include "util.h"

#include <math.h>
#include <stdio.h>
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

static char *dup_str(const json_t *v) {
  const char *s = json_string_value(v);
  size_t n = json_string_length(v);
  char *p = bg_malloc(n + 1);
  if (p) {
    memcpy(p, s ? s : "", n);
    p[n] = '\0';
  }
  return p;
}

/* Fills h from the hit object o; 0 on success. */
static int parse_hit(const json_t *o, bg_hit *h) {
  json_t *sec = json_object_get(o, "section");
  json_t *m = json_object_get(o, "matches");
  json_t *text = json_object_get(o, "text");
  if (!json_is_object(o) || !json_is_string(json_object_get(o, "report")) ||
      !json_is_string(text) || !json_is_array(sec) || !json_is_array(m) ||
      !json_is_integer(json_object_get(o, "para")))
    return -1;
  h->report = dup_str(json_object_get(o, "report"));
  h->region = json_is_string(json_object_get(o, "region"))
                  ? dup_str(json_object_get(o, "region"))
                  : bg_strdup("");
  h->text = dup_str(text);
  h->text_len = json_string_length(text);
  h->year = (int)json_integer_value(json_object_get(o, "year"));
  h->para = (uint32_t)json_integer_value(json_object_get(o, "para"));
  h->score = json_number_value(json_object_get(o, "score"));
  h->section = bg_calloc(json_array_size(sec) + 1, sizeof *h->section);
  h->matches = bg_calloc(2 * json_array_size(m) + 1, sizeof *h->matches);
  if (!h->report || !h->region || !h->text || !h->section || !h->matches)
    return -1;
  size_t i;
  json_t *v;
  json_array_foreach(sec, i, v) {
    if (!json_is_string(v) || !(h->section[i] = dup_str(v))) return -1;
    h->nsection++;
  }
  json_array_foreach(m, i, v) {
    if (!json_is_array(v) || json_array_size(v) != 2) return -1;
    h->matches[2 * i] = (uint32_t)json_integer_value(json_array_get(v, 0));
    h->matches[2 * i + 1] = (uint32_t)json_integer_value(json_array_get(v, 1));
    h->nmatches++;
  }
  return 0;
}

int bg_json_parse_results(const json_t *j, bg_results **out, bg_err *err) {
  *out = NULL;
  json_t *hits = json_object_get(j, "hits");
  if (!json_is_object(j) || !json_is_array(hits) ||
      !json_is_integer(json_object_get(j, "total")))
    return bg_err_set(err, BG_EFORMAT, "not a search answer");
  bg_results *res = bg_calloc(1, sizeof *res);
  if (!res) return bg_err_set(err, BG_ENOMEM, "out of memory");
  res->query = json_is_string(json_object_get(j, "query"))
                   ? dup_str(json_object_get(j, "query"))
                   : bg_strdup("");
  res->total = (uint64_t)json_integer_value(json_object_get(j, "total"));
  res->offset = (size_t)json_integer_value(json_object_get(j, "offset"));
  res->limit = (size_t)json_integer_value(json_object_get(j, "limit"));
  res->took_ms = json_number_value(json_object_get(j, "took_ms"));
  res->hits = bg_calloc(json_array_size(hits) + 1, sizeof *res->hits);
  if (!res->query || !res->hits) {
    bg_results_free(res);
    return bg_err_set(err, BG_ENOMEM, "out of memory");
  }
  size_t i;
  json_t *v;
  json_array_foreach(hits, i, v) {
    res->nhits++;
    if (parse_hit(v, &res->hits[i]) != 0) {
      bg_results_free(res);
      return bg_err_set(err, BG_EFORMAT, "malformed hit %zu in search answer",
                        i + 1);
    }
  }
  *out = res;
  return BG_OK;
}

json_t *bg_json_reports(json_t *reports) {
  return json_pack("{s:O}", "reports", reports);
}

static json_t *year_str(int y) {
  char b[16];
  if (y <= 0) return json_null();
  snprintf(b, sizeof b, "%d", y);
  return json_string(b);
}

json_t *bg_json_count(const bg_count_result *c) {
  json_t *arr = json_array();
  if (!arr) return NULL;
  for (size_t i = 0; i < c->nbuckets; i++) {
    const bg_bucket *b = &c->buckets[i];
    json_t *o = json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:f}", "key",
                          b->key, "reports", (json_int_t)b->reports,
                          "reports_total", (json_int_t)b->reports_total,
                          "paragraphs",
                          (json_int_t)b->paragraphs, "occurrences",
                          (json_int_t)b->occurrences, "units",
                          (json_int_t)b->units, "per_10k", b->per_10k);
    if (!o || json_array_append_new(arr, o) != 0) {
      json_decref(arr);
      return NULL;
    }
  }
  return json_pack("{s:s, s:s, s:o, s:o, s:f, s:o}", "query", c->query, "by",
                   bg_by_name(c->by), "first", year_str(c->first), "last",
                   year_str(c->last), "took_ms",
                   round(c->took_ms * 1000) / 1000, "buckets", arr);
}

json_t *bg_json_kwic(const bg_kwic_result *k) {
  json_t *arr = json_array();
  if (!arr) return NULL;
  for (size_t i = 0; i < k->nlines; i++) {
    const bg_kwic_line *l = &k->lines[i];
    json_t *o = json_pack("{s:s, s:o, s:I, s:s, s:s, s:s}", "report",
                          l->report, "year",
                          l->year > 0 ? json_integer(l->year) : json_null(),
                          "para", (json_int_t)l->para, "left", l->left,
                          "match", l->match, "right", l->right);
    if (!o || json_array_append_new(arr, o) != 0) {
      json_decref(arr);
      return NULL;
    }
  }
  return json_pack("{s:s, s:I, s:f, s:o}", "query", k->query, "total",
                   (json_int_t)k->total, "took_ms",
                   round(k->took_ms * 1000) / 1000, "lines", arr);
}

json_t *bg_json_similar(const bg_similar_result *s) {
  json_t *hits = json_array();
  if (!hits) return NULL;
  for (size_t i = 0; i < s->nhits; i++) {
    json_t *h = hit_json(&s->hits[i]);
    if (!h ||
        json_object_set_new(h, "similarity",
                            json_real(round(s->hits[i].score * 1e4) / 1e4)) !=
            0 ||
        json_array_append_new(hits, h) != 0) {
      json_decref(h);
      json_decref(hits);
      return NULL;
    }
  }
  json_t *src = json_pack(
      "{s:o, s:o, s:s%}", "report",
      s->report ? json_string(s->report) : json_null(), "para",
      s->report ? json_integer(s->para) : json_null(), "text", s->text,
      s->text_len);
  if (!src) {
    json_decref(hits);
    return NULL;
  }
  return json_pack("{s:o, s:s, s:I, s:f, s:o}", "source", src, "filter",
                   s->filter, "reports_examined", (json_int_t)s->examined,
                   "took_ms", round(s->took_ms * 1000) / 1000, "hits", hits);
}

int bg_json_parse_similar(const json_t *j, bg_results **out, bg_err *err) {
  *out = NULL;
  json_t *hits = json_object_get(j, "hits");
  if (!json_is_object(j) || !json_is_array(hits))
    return bg_err_set(err, BG_EFORMAT, "not a similar answer");
  bg_results *res = bg_calloc(1, sizeof *res);
  if (!res) return bg_err_set(err, BG_ENOMEM, "out of memory");
  res->query = bg_strdup("");
  res->hits = bg_calloc(json_array_size(hits) + 1, sizeof *res->hits);
  res->took_ms = json_number_value(json_object_get(j, "took_ms"));
  if (!res->query || !res->hits) {
    bg_results_free(res);
    return bg_err_set(err, BG_ENOMEM, "out of memory");
  }
  size_t i;
  json_t *v;
  json_array_foreach(hits, i, v) {
    res->nhits++;
    if (parse_hit(v, &res->hits[i]) != 0) {
      bg_results_free(res);
      return bg_err_set(err, BG_EFORMAT, "malformed hit %zu in similar answer",
                        i + 1);
    }
  }
  res->total = res->nhits;
  res->limit = res->nhits;
  *out = res;
  return BG_OK;
}

/* [["=", text], ["-", text], ["+", text], ...] of one aligned pair. */
static json_t *diff_json(const bg_compare_result *c, const bg_compare_pair *p) {
  const char *a = c->a->para[p->a_para - 1], *b = c->b->para[p->b_para - 1];
  json_t *arr = json_array();
  for (size_t k = 0; k < p->ndiff && arr; k++) {
    const bg_diff_piece *d = &p->diff[k];
    const char *s = d->op == '+' ? b + d->b_off : a + d->a_off;
    char op[2] = {d->op, '\0'};
    if (json_array_append_new(arr, json_pack("[s, s%]", op, s, d->len)) != 0) {
      json_decref(arr);
      arr = NULL;
    }
  }
  return arr;
}

static json_t *only_json(const bg_doc_text *t, const uint32_t *paras,
                         size_t n) {
  json_t *arr = json_array();
  for (size_t k = 0; k < n && arr; k++)
    if (json_array_append_new(
            arr, json_pack("{s:I, s:s%}", "para", (json_int_t)paras[k], "text",
                           t->para[paras[k] - 1], t->len[paras[k] - 1])) != 0) {
      json_decref(arr);
      arr = NULL;
    }
  return arr;
}

static json_t *phrases_json(const bg_phrase *p, size_t n) {
  json_t *arr = json_array();
  for (size_t k = 0; k < n && arr; k++)
    if (json_array_append_new(arr, json_pack("{s:s, s:I}", "phrase",
                                             p[k].phrase, "count",
                                             (json_int_t)p[k].count)) != 0) {
      json_decref(arr);
      arr = NULL;
    }
  return arr;
}

json_t *bg_json_compare(const bg_compare_result *c) {
  json_t *pairs = json_array();
  for (size_t k = 0; k < c->npairs && pairs; k++) {
    const bg_compare_pair *p = &c->pairs[k];
    json_t *d = diff_json(c, p);
    json_t *o = d ? json_pack("{s:I, s:I, s:f, s:o}", "a_para",
                              (json_int_t)p->a_para, "b_para",
                              (json_int_t)p->b_para, "similarity",
                              round(p->similarity * 1e4) / 1e4, "diff", d)
                  : NULL;
    if (!o || json_array_append_new(pairs, o) != 0) {
      json_decref(pairs);
      pairs = NULL;
    }
  }
  json_t *oa = only_json(c->a, c->only_a, c->nonly_a);
  json_t *ob = only_json(c->b, c->only_b, c->nonly_b);
  json_t *np = phrases_json(c->new_phrases, c->nnew);
  json_t *gp = phrases_json(c->gone_phrases, c->ngone);
  if (!pairs || !oa || !ob || !np || !gp) {
    json_decref(pairs);
    json_decref(oa);
    json_decref(ob);
    json_decref(np);
    json_decref(gp);
    return NULL;
  }
  return json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:o}", "a", c->a->id, "b",
                   c->b->id, "pairs", pairs, "only_a", oa, "only_b", ob,
                   "new_phrases", np, "gone_phrases", gp);
}

char *bg_json_dump(const json_t *v) {
  size_t n = 0;
  char *s = bg_json_dumps_exact(
      v, JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10), &n);
  if (!s) return NULL;
  s[n] = '\n';
  s[n + 1] = '\0';
  return s;
}

json_t *bg_json_error(const char *code, const char *message) {
  return json_pack("{s:{s:s, s:s}}", "error", "code", code, "message",
                   message);
}

json_t *bg_json_keywords(const bg_keywords_result *k) {
  json_t *arr = json_array();
  if (!arr) return NULL;
  for (size_t i = 0; i < k->n; i++) {
    const bg_keyword *w = &k->k[i];
    json_t *o = json_pack("{s:s, s:I, s:I, s:f, s:f, s:f, s:f}", "phrase",
                          w->phrase, "a", (json_int_t)w->a, "b",
                          (json_int_t)w->b, "per_10k_a", w->per_10k_a,
                          "per_10k_b", w->per_10k_b, "g2", w->g2, "log_ratio",
                          w->log_ratio);
    if (!o || json_array_append_new(arr, o) != 0) {
      json_decref(arr);
      return NULL;
    }
  }
  return json_pack("{s:s, s:s, s:[I, I], s:[I, I], s:f, s:o}", "query",
                   k->query, "vs", k->vs, "reports", (json_int_t)k->reports_a,
                   (json_int_t)k->reports_b, "units", (json_int_t)k->units_a,
                   (json_int_t)k->units_b, "took_ms",
                   round(k->took_ms * 1000) / 1000, "keywords", arr);
}
