/*
 * cache.h - a bounded, thread-safe cache of answers by request.
 *
 * baogao-searchd keeps the bodies of its answers here, keyed by the
 * request and tagged with the state of the index they were computed
 * from (bg_reader_signature()).  A lookup hits only an entry of the same
 * tag, so an answer never outlives the index state it describes; storing
 * an entry of a new tag drops every entry of the old one.  The least
 * recently used entries go first when the bytes held would pass the
 * limit.
 */
#ifndef BAOGAO_CACHE_H
#define BAOGAO_CACHE_H

#include <stddef.h>
#include <stdint.h>

typedef struct bg_cache bg_cache;

typedef struct bg_cache_stats {
  uint64_t hits, misses, stores, evictions;
  size_t entries;
  size_t bytes;     /* keys, values and bookkeeping held */
  size_t max_bytes; /* the limit */
} bg_cache_stats;

/* A cache holding at most max_bytes (> 0); NULL when out of memory.  An
 * entry larger than an eighth of max_bytes is not kept. */
bg_cache *bg_cache_new(size_t max_bytes);
void bg_cache_free(bg_cache *c);

/* The value stored under (tag, key): a copy in *val (the caller's, with
 * free(); NUL-terminated) and its length in *len.  1 on a hit, 0 on a
 * miss (or when out of memory). */
int bg_cache_get(bg_cache *c, uint64_t tag, const char *key, size_t klen,
                 char **val, size_t *len);

/* Stores a copy of val under (tag, key), replacing what was there.  A
 * tag other than the entries' drops them all first.  Nothing is stored
 * when out of memory or when the entry is too large. */
void bg_cache_put(bg_cache *c, uint64_t tag, const char *key, size_t klen,
                  const char *val, size_t len);

void bg_cache_get_stats(bg_cache *c, bg_cache_stats *s);

#endif
