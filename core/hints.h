/*
 * hints.h - what to try next when a query finds nothing.
 *
 * A query with no hit is often a query that was meant differently: a
 * region written as no report names it, a year the index does not hold,
 * Traditional characters in an index built without --t2s, a space that
 * splits or joins letters into other units, full-width quotes or brackets
 * taken as text, a filter key misspelt.  Each hint says which, and where
 * it can, gives the query to try with its exact number of matching
 * paragraphs.  Hints never change an answer: they ride beside it.
 */
#ifndef BG_HINTS_H
#define BG_HINTS_H

#include <jansson.h>
#include <stddef.h>

#include "error.h"
#include "search.h"

/* The hints for query q[0, len) as a JSON array of objects
 * {"message": text, "query": a query to try, "paragraphs": its matching
 * paragraphs}, the last two only where there is a query to try; empty
 * when nothing suggests itself.  Searches for the alternatives stop after
 * about timeout_ms in all (0: a default of 2 s).  *out is the caller's. */
int bg_hints(bg_reader *r, const char *q, size_t len, double timeout_ms,
             json_t **out, bg_err *err);

/* Adds "hints" (bg_hints()) to answer, a search, count or kwic answer as
 * json.h builds it, when it found nothing (total 0, or no occurrence);
 * leaves it as it is otherwise or when the hints cannot be made. */
void bg_hints_attach(bg_reader *r, const char *q, size_t len,
                     double timeout_ms, json_t *answer);

/* The edit distance (Levenshtein) between code point strings a[0, la)
 * and b[0, lb); SIZE_MAX when out of memory. */
size_t bg_hints_distance(const uint32_t *a, size_t la, const uint32_t *b,
                         size_t lb);

#endif
