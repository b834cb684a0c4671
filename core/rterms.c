/*
 * rterms.c - the terms of one report (see rterms.h): an open-addressing
 * hash table over the distinct terms, and the positional occurrences in
 * the order they come, grouped by term at the end with a counting sort
 * (which keeps each term's positions ascending).
 */
#include "rterms.h"

#include "error.h"
#include "terms.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

void bg_rterms_init(bg_rterms *t) { memset(t, 0, sizeof *t); }

void bg_rterms_clear(bg_rterms *t) {
  t->nbytes = t->n = t->nocc = 0;
  if (t->slots) memset(t->slots, 0, t->nslots * sizeof *t->slots);
}

void bg_rterms_free(bg_rterms *t) {
  free(t->bytes);
  free(t->v);
  free(t->slots);
  free(t->occ);
  free(t->pos);
  bg_rterms_init(t);
}

/* Doubles the hash table (from 1,024 slots) and places every term again. */
static int rehash(bg_rterms *t) {
  size_t ns = t->nslots ? t->nslots * 2 : 1024;
  uint32_t *s = bg_calloc(ns, sizeof *s);
  if (!s) return BG_ENOMEM;
  for (size_t i = 0; i < t->n; i++) {
    size_t k = t->v[i].hash & (ns - 1);
    while (s[k]) k = (k + 1) & (ns - 1);
    s[k] = (uint32_t)i + 1;
  }
  free(t->slots);
  t->slots = s;
  t->nslots = ns;
  return BG_OK;
}

/* The index of term s[0, len), added with no occurrence when new; -1
 * when out of memory. */
static long lookup(bg_rterms *t, const char *s, size_t len) {
  uint32_t h = (uint32_t)bg_fnv1a(BG_FNV_INIT, s, len);
  if ((t->n + 1) * 2 > t->nslots && rehash(t) != BG_OK) return -1;
  size_t mask = t->nslots - 1, k = h & mask;
  for (uint32_t i; (i = t->slots[k]) != 0; k = (k + 1) & mask) {
    const bg_rterm *e = &t->v[i - 1];
    if (e->hash == h && e->len == len && !memcmp(t->bytes + e->off, s, len))
      return (long)i - 1;
  }
  if (bg_grow((void **)&t->v, &t->cap, t->n + 1, sizeof *t->v) ||
      bg_grow((void **)&t->bytes, &t->bytes_cap, t->nbytes + len, 1))
    return -1;
  memcpy(t->bytes + t->nbytes, s, len);
  bg_rterm *e = &t->v[t->n];
  memset(e, 0, sizeof *e);
  e->off = (uint32_t)t->nbytes;
  e->len = (uint32_t)len;
  e->hash = h;
  t->nbytes += len;
  t->slots[k] = (uint32_t)++t->n;
  return (long)t->n - 1;
}

int bg_rterms_add(bg_rterms *t, const char *s, size_t len, uint32_t para,
                  int positional, uint32_t pos) {
  long i = lookup(t, s, len);
  if (i < 0) return BG_ENOMEM;
  bg_rterm *e = &t->v[i];
  e->wdf++;
  if (e->last_para == para + 1)
    e->extra++;
  else
    e->last_para = para + 1;
  if (!positional) return BG_OK;
  if (bg_grow((void **)&t->occ, &t->occ_cap, 2 * t->nocc + 2, sizeof *t->occ))
    return BG_ENOMEM;
  t->occ[2 * t->nocc] = (uint32_t)i;
  t->occ[2 * t->nocc + 1] = pos;
  t->nocc++;
  e->npos++;
  return BG_OK;
}

int bg_rterms_done(bg_rterms *t) {
  if (bg_grow((void **)&t->pos, &t->pos_cap, t->nocc + 1, sizeof *t->pos))
    return BG_ENOMEM;
  uint32_t at = 0;
  for (size_t i = 0; i < t->n; i++) {
    t->v[i].pos_at = at;
    at += t->v[i].npos;
  }
  /* pos_at moves past each placed position, then back to the start. */
  for (size_t k = 0; k < t->nocc; k++) {
    bg_rterm *e = &t->v[t->occ[2 * k]];
    t->pos[e->pos_at++] = t->occ[2 * k + 1];
  }
  for (size_t i = 0; i < t->n; i++) t->v[i].pos_at -= t->v[i].npos;
  return BG_OK;
}
