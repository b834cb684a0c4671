/*
 * kwic.h - concordance (keyword in context): one line per occurrence of the
 * query's phrases in the matching paragraphs, with the text on either side.
 */
#ifndef BG_KWIC_H
#define BG_KWIC_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "search.h"

typedef enum {
  BG_KWIC_YEAR,  /* year, report, paragraph, position */
  BG_KWIC_LEFT,  /* left context read backwards from the match */
  BG_KWIC_RIGHT  /* right context */
} bg_kwic_sort;

typedef struct bg_kwic_line {
  char *report;
  int year;       /* 0 when unknown */
  uint32_t para;  /* from 1 */
  uint32_t start; /* code-point offset of the match in the paragraph */
  char *left, *match, *right;
} bg_kwic_line;

typedef struct bg_kwic_result {
  char *query;
  size_t total; /* occurrences, = nlines */
  bg_kwic_line *lines;
  size_t nlines;
  double took_ms;
} bg_kwic_result;

/* "year", "left", "right" and back (-1 for an unknown name). */
const char *bg_kwic_sort_name(bg_kwic_sort s);
int bg_kwic_sort_parse(const char *name);

/* Every occurrence of query q[0, len) with up to `width` display columns
 * of context on each side (CJK characters are two columns), within the
 * paragraph.  *out is owned by the caller (bg_kwic_free()). */
int bg_kwic(bg_reader *r, const char *q, size_t len, size_t width,
            bg_kwic_sort sort, double timeout_ms, bg_kwic_result **out,
            bg_err *err);

void bg_kwic_free(bg_kwic_result *k);

#endif
