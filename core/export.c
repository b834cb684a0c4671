/*
 * export.c - answers as TSV or CSV tables (see export.h).
 */
#include "export.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

typedef struct out {
  char *s;
  size_t n, cap;
  bg_export_format f;
  int failed;
} out;

static void put(out *o, const char *s, size_t n) {
  if (o->failed) return;
  if (bg_grow((void **)&o->s, &o->cap, o->n + n + 1, 1)) {
    o->failed = 1;
    return;
  }
  memcpy(o->s + o->n, s, n);
  o->n += n;
  o->s[o->n] = '\0';
}

static void puts_(out *o, const char *s) { put(o, s, strlen(s)); }

/* One field: quoted for CSV when it must be, flattened for TSV. */
static void field(out *o, int first, const char *s) {
  if (!first) puts_(o, o->f == BG_EXPORT_CSV ? "," : "\t");
  if (!s) return;
  if (o->f == BG_EXPORT_TSV) {
    for (const char *p = s; *p; p++) {
      char c = *p == '\t' || *p == '\n' || *p == '\r' ? ' ' : *p;
      put(o, &c, 1);
    }
    return;
  }
  if (!strpbrk(s, ",\"\r\n")) {
    puts_(o, s);
    return;
  }
  puts_(o, "\"");
  for (const char *p = s; *p; p++) {
    if (*p == '"') puts_(o, "\"");
    put(o, p, 1);
  }
  puts_(o, "\"");
}

static void end_row(out *o) { puts_(o, o->f == BG_EXPORT_CSV ? "\r\n" : "\n"); }

/* A JSON value as a field's text (caller frees; NULL for null). */
static char *text_of(const json_t *v) {
  char buf[64];
  switch (json_typeof(v)) {
  case JSON_STRING:
    return bg_strdup(json_string_value(v));
  case JSON_INTEGER:
    snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(v));
    return bg_strdup(buf);
  case JSON_REAL:
    snprintf(buf, sizeof buf, "%.15g", json_real_value(v));
    return bg_strdup(buf);
  case JSON_TRUE:
    return bg_strdup("true");
  case JSON_FALSE:
    return bg_strdup("false");
  case JSON_ARRAY: {
    /* Headings: joined by " › ". */
    size_t i, n = 0;
    json_t *x;
    json_array_foreach(v, i, x) {
      const char *s = json_string_value(x);
      n += (s ? strlen(s) : 0) + 6;
    }
    char *r = bg_malloc(n + 1);
    if (!r) return NULL;
    r[0] = '\0';
    json_array_foreach(v, i, x) {
      const char *s = json_string_value(x);
      if (i) strcat(r, " › ");
      if (s) strcat(r, s);
    }
    return r;
  }
  default:
    return NULL;
  }
}

static void value_field(out *o, int first, const json_t *v) {
  char *s = v ? text_of(v) : NULL;
  if (v && !json_is_null(v) && !s) o->failed = 1;
  field(o, first, s);
  free(s);
}

typedef struct table {
  const char *kind, *array;
  const char *cols[16];
} table;

static const table tables[] = {
    {"search", "hits",
     {"report", "year", "region", "para", "section", "text", "score", NULL}},
    {"similar", "hits",
     {"report", "year", "region", "para", "section", "text", "similarity",
      "score", NULL}},
    {"count", "buckets",
     {"key", "reports", "reports_total", "paragraphs", "occurrences", "units",
      "per_10k", NULL}},
    {"kwic", "lines", {"report", "year", "para", "left", "match", "right", NULL}},
    {"keywords", "keywords",
     {"phrase", "a", "b", "per_10k_a", "per_10k_b", "g2", "log_ratio", NULL}},
    {"reports", "reports",
     {"id", "year", "region", "title", "date", "speaker", "paragraphs", "units",
      "bytes", "format", "encoding", "hash", "source", NULL}},
};

int bg_export_parse(const char *s) {
  if (!strcmp(s, "tsv")) return BG_EXPORT_TSV;
  if (!strcmp(s, "csv")) return BG_EXPORT_CSV;
  if (!strcmp(s, "json")) return BG_EXPORT_NONE;
  return -1;
}

int bg_export_kind_ok(const char *kind) {
  if (!strcmp(kind, "compare")) return 1;
  for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++)
    if (!strcmp(tables[t].kind, kind)) return 1;
  return 0;
}

/* Deleted ('-') or inserted ('+') text of a pair's diff, joined by " … ". */
static char *changes(const json_t *diff, char op) {
  size_t i, n = 0;
  json_t *p;
  json_array_foreach(diff, i, p) {
    const char *o = json_string_value(json_array_get(p, 0));
    const char *t = json_string_value(json_array_get(p, 1));
    if (o && t && o[0] == op) n += strlen(t) + 5;
  }
  char *r = bg_malloc(n + 1);
  if (!r) return NULL;
  r[0] = '\0';
  int any = 0;
  json_array_foreach(diff, i, p) {
    const char *o = json_string_value(json_array_get(p, 0));
    const char *t = json_string_value(json_array_get(p, 1));
    if (!o || !t || o[0] != op) continue;
    if (any) strcat(r, " … ");
    strcat(r, t);
    any = 1;
  }
  return r;
}

static void compare_rows(out *o, const json_t *a) {
  static const char *const head[] = {"type",    "a_para",   "b_para",
                                     "similarity", "deleted", "inserted",
                                     "phrase",  "count"};
  for (size_t k = 0; k < 8; k++) field(o, k == 0, head[k]);
  end_row(o);
  size_t i;
  json_t *p;
  json_array_foreach(json_object_get(a, "pairs"), i, p) {
    char *del = changes(json_object_get(p, "diff"), '-');
    char *ins = changes(json_object_get(p, "diff"), '+');
    if (!del || !ins) o->failed = 1;
    field(o, 1, "pair");
    value_field(o, 0, json_object_get(p, "a_para"));
    value_field(o, 0, json_object_get(p, "b_para"));
    value_field(o, 0, json_object_get(p, "similarity"));
    field(o, 0, del);
    field(o, 0, ins);
    field(o, 0, NULL);
    field(o, 0, NULL);
    end_row(o);
    free(del);
    free(ins);
  }
  for (int side = 0; side < 2; side++) {
    json_array_foreach(json_object_get(a, side ? "only_b" : "only_a"), i, p) {
      field(o, 1, side ? "only_b" : "only_a");
      if (side) field(o, 0, NULL);
      value_field(o, 0, json_object_get(p, "para"));
      if (!side) field(o, 0, NULL);
      field(o, 0, NULL);
      field(o, 0, side ? NULL : json_string_value(json_object_get(p, "text")));
      field(o, 0, side ? json_string_value(json_object_get(p, "text")) : NULL);
      field(o, 0, NULL);
      field(o, 0, NULL);
      end_row(o);
    }
  }
  for (int side = 0; side < 2; side++) {
    json_array_foreach(
        json_object_get(a, side ? "gone_phrases" : "new_phrases"), i, p) {
      field(o, 1, side ? "gone_phrase" : "new_phrase");
      for (int k = 0; k < 5; k++) field(o, 0, NULL);
      value_field(o, 0, json_object_get(p, "phrase"));
      value_field(o, 0, json_object_get(p, "count"));
      end_row(o);
    }
  }
}

int bg_export(const json_t *answer, const char *kind, bg_export_format format,
              int bom, char **outp, size_t *len, bg_err *err) {
  *outp = NULL;
  *len = 0;
  out o = {NULL, 0, 0, format, 0};
  if (bom) puts_(&o, "\xEF\xBB\xBF");
  const table *t = NULL;
  for (size_t k = 0; k < sizeof tables / sizeof tables[0]; k++)
    if (!strcmp(tables[k].kind, kind)) t = &tables[k];
  if (!t && strcmp(kind, "compare")) {
    free(o.s);
    return bg_err_set(err, BG_EINVAL, "%s answers cannot be exported", kind);
  }
  if (!t) {
    compare_rows(&o, answer);
  } else {
    for (size_t c = 0; t->cols[c]; c++) {
      const char *name = t->cols[c];
      /* count's first column is named after its buckets. */
      if (!strcmp(name, "key")) {
        const char *by = json_string_value(json_object_get(answer, "by"));
        name = by ? by : "key";
      }
      field(&o, c == 0, name);
    }
    end_row(&o);
    size_t i;
    json_t *row;
    json_array_foreach(json_object_get(answer, t->array), i, row) {
      for (size_t c = 0; t->cols[c]; c++)
        value_field(&o, c == 0, json_object_get(row, t->cols[c]));
      end_row(&o);
    }
  }
  if (o.failed || !o.s) {
    free(o.s);
    return bg_err_set(err, BG_ENOMEM, "out of memory");
  }
  *outp = o.s;
  *len = o.n;
  return BG_OK;
}
