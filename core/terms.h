/*
 * terms.h - the index schema: how units, pairs and filters become terms,
 * and which value slots hold what.  Index writer and searcher both build
 * terms here, so they cannot disagree.
 *
 * Terms (prefixes follow omega: capitals reserved, ours start with 'X'):
 *   <unit>            every unit, with positions
 *   <unit><unit>      every adjacent pair inside a paragraph, with the
 *                     position of its first unit; two letter/digit units
 *                     are joined by BG_PAIR_SEP so gdp+2022 != gdp2022
 *   XI<report id>     unique id of a report (one document per report)
 *   XY<year>          year (also in value slot BG_SLOT_YEAR)
 *   XR<region>        region, normalized (units joined)
 *   XFt2s             in every report of an index built with --t2s
 *                     (BG_TERM_T2S): readers fold as the index did
 *   XSPARA, XSUNIT    statistics: wdf = paragraphs / units of the report,
 *                     so their collection frequencies are index totals
 * Units longer than BG_UNIT_MAX bytes are cut and suffixed with a hash of
 * the whole unit, the same way at index and at query time.
 */
#ifndef BG_TERMS_H
#define BG_TERMS_H

#include <stddef.h>
#include <stdint.h>

#include "units.h"

#define BG_PAIR_SEP '\x1f'
#define BG_HASH_SEP '\x1e'
#define BG_UNIT_MAX 100       /* longer units are hashed */
#define BG_TERM_MAX 256       /* buffer size for any term built here */
#define BG_REGION_MAX 200     /* longest normalized region name, in bytes */

#define BG_PREFIX_ID "XI"
#define BG_PREFIX_YEAR "XY"
#define BG_PREFIX_REGION "XR"
#define BG_TERM_PARAS "XSPARA"
#define BG_TERM_UNITS "XSUNIT"
#define BG_TERM_T2S "XFt2s"
/* "XE" + a unit or pair term: wdf = its occurrences in the report beyond
 * the first of each paragraph (present when that is not 0), so that
 * occurrences minus this is the number of paragraphs holding it. */
#define BG_PREFIX_EXTRA "XE"
/* "XSY" + year: wdf = the report's units, so that its collection
 * frequency is the year's units. */
#define BG_PREFIX_YEAR_UNITS "XSY"
/* In every report written by index format 4 or later: it has the "XE"
 * terms and, with a year, its "XSY" term. */
#define BG_TERM_V4 "XFv4"

enum {
  BG_SLOT_YEAR = 0,  /* sortable_serialise(year) */
  BG_SLOT_PARAS = 1, /* paragraph table: per paragraph base position and
                        unit count, little-endian uint32 pairs */
  BG_SLOT_HASH = 2,  /* content hash, 16 hex digits */
  BG_SLOT_ID = 3,    /* report id */
  BG_SLOT_SOURCE = 4, /* absolute path of the source file */
  BG_SLOT_SUMMARY = 5, /* "UNITS\tREGION": what counts need of a report,
                          without its stored data */
  BG_SLOT_SHORTEST = 6, /* units of the shortest paragraph with at least 1
                           and with at least 2 units, little-endian uint16
                           each (65535: none or longer), for score bounds */
  BG_SLOT_TEXT = 16   /* first of the text blocks, one slot per block */
};

/* The term of unit i of u into buf (BG_TERM_MAX bytes); returns its
 * length. */
size_t bg_term_unit(const bg_units *u, size_t i, char *buf);

/* The term of the pair of units i, i+1 of u into buf (BG_TERM_MAX bytes);
 * returns its length. */
size_t bg_term_pair(const bg_units *u, size_t i, char *buf);

/* A prefixed term: prefix followed by value, into buf (cap bytes).
 * Returns the length, or 0 when it does not fit. */
size_t bg_term_prefixed(const char *prefix, const char *value, size_t len,
                        char *buf, size_t cap);

/* The normalized form of a region name (its units joined, with the
 * index's folds, BG_FOLD_*) into buf (cap bytes); returns the length (0
 * when empty or too long). */
size_t bg_term_region(const char *region, size_t len, unsigned fold,
                      char *buf, size_t cap);

/* The year of year term t[0, len) (BG_PREFIX_YEAR and digits), or 0
 * when t is not one. */
int bg_term_year(const char *t, size_t len);

/* The region rule, shared by the index and the queries: the filter term
 * of region name region[0, len) (BG_PREFIX_REGION and the name normalized
 * with folds fold, at most BG_REGION_MAX bytes) into t (BG_TERM_MAX
 * bytes); returns its length, 0 when the name is empty or too long. */
size_t bg_term_region_filter(const char *region, size_t len, unsigned fold,
                             char *t);

/* 64-bit FNV-1a hash of s[0, len), continuing from h (start with
 * BG_FNV_INIT). */
#define BG_FNV_INIT 0xcbf29ce484222325ULL
uint64_t bg_fnv1a(uint64_t h, const void *s, size_t len);

#endif
