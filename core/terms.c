/*
 * terms.c - building index terms (see terms.h for the schema).
 */
#include "terms.h"

#include <stdio.h>
#include <string.h>

uint64_t bg_fnv1a(uint64_t h, const void *s, size_t len) {
  const unsigned char *p = s;
  for (size_t i = 0; i < len; i++) {
    h ^= p[i];
    h *= 0x100000001b3ULL;
  }
  return h;
}

/* Copies one unit's term: the unit itself, or for an overlong one its
 * first bytes (cut at a character boundary) and a hash of all of it. */
static size_t put_unit(const char *s, size_t len, char *buf) {
  if (len <= BG_UNIT_MAX) {
    memcpy(buf, s, len);
    return len;
  }
  size_t keep = 64;
  while (keep > 0 && ((unsigned char)s[keep] & 0xC0) == 0x80) keep--;
  memcpy(buf, s, keep);
  buf[keep] = BG_HASH_SEP;
  snprintf(buf + keep + 1, 17, "%016llx",
           (unsigned long long)bg_fnv1a(BG_FNV_INIT, s, len));
  return keep + 17;
}

size_t bg_term_unit(const bg_units *u, size_t i, char *buf) {
  return put_unit(bg_units_text(u, i), u->u[i].len, buf);
}

size_t bg_term_pair(const bg_units *u, size_t i, char *buf) {
  size_t n = put_unit(bg_units_text(u, i), u->u[i].len, buf);
  if (bg_units_is_alnum(u, i) && bg_units_is_alnum(u, i + 1))
    buf[n++] = BG_PAIR_SEP;
  return n + put_unit(bg_units_text(u, i + 1), u->u[i + 1].len, buf + n);
}

size_t bg_term_prefixed(const char *prefix, const char *value, size_t len,
                        char *buf, size_t cap) {
  size_t pl = strlen(prefix);
  if (pl + len > cap || pl + len > 245) return 0;
  memcpy(buf, prefix, pl);
  memcpy(buf + pl, value, len);
  return pl + len;
}

size_t bg_term_region(const char *region, size_t len, unsigned fold,
                      char *buf, size_t cap) {
  bg_units u;
  bg_units_init(&u);
  bg_units_set_fold(&u, fold);
  size_t n = 0;
  if (bg_units_tokenize(&u, region, len) == 0) {
    for (size_t i = 0; i < u.n; i++) {
      if (n + u.u[i].len > cap) {
        n = 0;
        break;
      }
      memcpy(buf + n, bg_units_text(&u, i), u.u[i].len);
      n += u.u[i].len;
    }
  }
  bg_units_reset(&u);
  return n;
}

int bg_term_year(const char *t, size_t len) {
  int year = 0;
  for (size_t i = strlen(BG_PREFIX_YEAR); i < len; i++) {
    if (t[i] < '0' || t[i] > '9' || year > 100000) return 0;
    year = year * 10 + (t[i] - '0');
  }
  return year;
}

size_t bg_term_region_filter(const char *region, size_t len, unsigned fold,
                             char *t) {
  char reg[BG_TERM_MAX];
  size_t rl = bg_term_region(region, len, fold, reg, BG_REGION_MAX);
  return rl ? bg_term_prefixed(BG_PREFIX_REGION, reg, rl, t, BG_TERM_MAX) : 0;
}
