/*
 * fuzz_query.c - the query parser (query.c) on any bytes.
 *
 * A query either parses into a tree of the shape query.h promises (AND
 * and OR with two or more kids and none of their own kind, NOT with one
 * kid that is no NOT, texts NUL-terminated without NUL inside, year
 * bounds in order, positions inside the query) that renders with
 * bg_query_describe(), or fails with BG_EQUERY and a message in UTF-8.
 */
#include <string.h>

#include "fuzz.h"
#include "query.h"
#include "units.h"

static void check_node(const bg_qnode *n, bg_qkind parent, size_t cps,
                       int depth) {
  FUZZ_CHECK(depth < 1000);
  FUZZ_CHECK(n->pos >= 1 && n->pos <= cps);
  switch (n->kind) {
  case BG_Q_AND:
  case BG_Q_OR:
    FUZZ_CHECK(n->nkids >= 2);
    FUZZ_CHECK(parent != n->kind);
    break;
  case BG_Q_NOT:
    FUZZ_CHECK(n->nkids == 1);
    FUZZ_CHECK(n->kids[0]->kind != BG_Q_NOT);
    break;
  case BG_Q_PHRASE:
  case BG_Q_REGION:
  case BG_Q_REPORT:
    FUZZ_CHECK(n->nkids == 0);
    FUZZ_CHECK(n->text && n->len > 0);
    FUZZ_CHECK(strlen(n->text) == n->len);
    FUZZ_CHECK(bg_utf8_valid(n->text, n->len, NULL));
    break;
  case BG_Q_YEAR:
    FUZZ_CHECK(n->nkids == 0);
    FUZZ_CHECK(BG_YEAR_MIN <= n->year_lo && n->year_lo <= n->year_hi &&
               n->year_hi <= BG_YEAR_MAX);
    break;
  default:
    FUZZ_CHECK(!"unknown node kind");
  }
  for (size_t i = 0; i < n->nkids; i++)
    check_node(n->kids[i], n->kind, cps, depth + 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *q = (const char *)data;
  bg_qnode *root = (bg_qnode *)1;
  bg_err err;
  memset(&err, 0, sizeof err);
  int rc = bg_query_parse(q, size, &root, &err);
  if (rc != 0) {
    FUZZ_CHECK(rc == BG_EQUERY);
    FUZZ_CHECK(root == NULL);
    FUZZ_CHECK(err.msg[0] != '\0');
    FUZZ_CHECK(bg_utf8_valid(err.msg, strlen(err.msg), NULL));
    return 0;
  }
  FUZZ_CHECK(root != NULL);
  FUZZ_CHECK(bg_utf8_valid(q, size, NULL));
  check_node(root, BG_Q_PHRASE, bg_utf8_cps(q, size), 0);
  char *d = bg_query_describe(root);
  FUZZ_CHECK(d != NULL);
  FUZZ_CHECK(bg_utf8_valid(d, strlen(d), NULL));
  free(d);
  bg_query_free(root);
  return 0;
}
