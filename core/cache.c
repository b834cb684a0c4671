/*
 * cache.c - a bounded, thread-safe cache of answers by request (see
 * cache.h).
 *
 * A hash table of chained entries and a doubly linked list in order of
 * use, most recent first, under one mutex: lookups copy the value out,
 * so nothing borrowed outlives the lock.
 */
#include "cache.h"
#include "util.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* What an entry costs beyond its key and value. */
#define ENTRY_OVERHEAD (sizeof(entry) + 2 * sizeof(entry *))

typedef struct entry {
  struct entry *next_in_bucket;
  struct entry *newer, *older; /* the use list */
  uint64_t hash;
  size_t klen, vlen;
  char *key; /* key bytes, then the value and a NUL, in one allocation */
} entry;

struct bg_cache {
  pthread_mutex_t mu;
  entry **buckets;
  size_t nbuckets; /* a power of two */
  entry *newest, *oldest;
  uint64_t tag;
  bg_cache_stats st;
};

static uint64_t hash_of(const char *key, size_t klen) {
  uint64_t h = 14695981039346656037ULL;
  for (size_t i = 0; i < klen; i++)
    h = (h ^ (unsigned char)key[i]) * 1099511628211ULL;
  return h ^ (h >> 29);
}

static size_t cost_of(const entry *e) {
  return e->klen + e->vlen + 1 + ENTRY_OVERHEAD;
}

bg_cache *bg_cache_new(size_t max_bytes) {
  if (max_bytes == 0) return NULL;
  bg_cache *c = bg_calloc(1, sizeof *c);
  if (!c) return NULL;
  /* About one bucket per 4 KB answer the limit holds. */
  c->nbuckets = 64;
  while (c->nbuckets < max_bytes / 4096 && c->nbuckets < ((size_t)1 << 20))
    c->nbuckets *= 2;
  c->buckets = bg_calloc(c->nbuckets, sizeof *c->buckets);
  if (!c->buckets || pthread_mutex_init(&c->mu, NULL) != 0) {
    free(c->buckets);
    free(c);
    return NULL;
  }
  c->st.max_bytes = max_bytes;
  return c;
}

static void unlink_use(bg_cache *c, entry *e) {
  if (e->newer)
    e->newer->older = e->older;
  else
    c->newest = e->older;
  if (e->older)
    e->older->newer = e->newer;
  else
    c->oldest = e->newer;
  e->newer = e->older = NULL;
}

static void push_newest(bg_cache *c, entry *e) {
  e->older = c->newest;
  e->newer = NULL;
  if (c->newest) c->newest->newer = e;
  c->newest = e;
  if (!c->oldest) c->oldest = e;
}

/* Takes e out of the table and the use list and frees it. */
static void drop(bg_cache *c, entry *e) {
  entry **p = &c->buckets[e->hash & (c->nbuckets - 1)];
  while (*p != e) p = &(*p)->next_in_bucket;
  *p = e->next_in_bucket;
  unlink_use(c, e);
  c->st.bytes -= cost_of(e);
  c->st.entries--;
  free(e->key);
  free(e);
}

static void drop_all(bg_cache *c) {
  while (c->oldest) drop(c, c->oldest);
}

void bg_cache_free(bg_cache *c) {
  if (!c) return;
  drop_all(c);
  pthread_mutex_destroy(&c->mu);
  free(c->buckets);
  free(c);
}

static entry *find(bg_cache *c, uint64_t h, const char *key, size_t klen) {
  for (entry *e = c->buckets[h & (c->nbuckets - 1)]; e;
       e = e->next_in_bucket)
    if (e->hash == h && e->klen == klen && !memcmp(e->key, key, klen))
      return e;
  return NULL;
}

int bg_cache_get(bg_cache *c, uint64_t tag, const char *key, size_t klen,
                 char **val, size_t *len) {
  *val = NULL;
  *len = 0;
  if (!c) return 0;
  uint64_t h = hash_of(key, klen);
  pthread_mutex_lock(&c->mu);
  entry *e = c->tag == tag ? find(c, h, key, klen) : NULL;
  char *copy = e ? bg_malloc(e->vlen + 1) : NULL;
  if (copy) {
    memcpy(copy, e->key + e->klen, e->vlen + 1);
    *len = e->vlen;
    unlink_use(c, e);
    push_newest(c, e);
    c->st.hits++;
  } else {
    c->st.misses++;
  }
  pthread_mutex_unlock(&c->mu);
  *val = copy;
  return copy != NULL;
}

void bg_cache_put(bg_cache *c, uint64_t tag, const char *key, size_t klen,
                  const char *val, size_t len) {
  if (!c) return;
  size_t cost = klen + len + 1 + ENTRY_OVERHEAD;
  if (cost > c->st.max_bytes / 8) return;
  entry *e = bg_malloc(sizeof *e);
  char *kv = bg_malloc(klen + len + 1);
  if (!e || !kv) {
    free(e);
    free(kv);
    return;
  }
  memcpy(kv, key, klen);
  memcpy(kv + klen, val, len);
  kv[klen + len] = '\0';
  *e = (entry){.hash = hash_of(key, klen), .klen = klen, .vlen = len,
               .key = kv};
  pthread_mutex_lock(&c->mu);
  if (c->tag != tag) {
    drop_all(c);
    c->tag = tag;
  }
  entry *old = find(c, e->hash, key, klen);
  if (old) drop(c, old);
  while (c->oldest && c->st.bytes + cost > c->st.max_bytes) {
    drop(c, c->oldest);
    c->st.evictions++;
  }
  entry **b = &c->buckets[e->hash & (c->nbuckets - 1)];
  e->next_in_bucket = *b;
  *b = e;
  push_newest(c, e);
  c->st.bytes += cost;
  c->st.entries++;
  c->st.stores++;
  pthread_mutex_unlock(&c->mu);
}

void bg_cache_get_stats(bg_cache *c, bg_cache_stats *s) {
  if (!c) {
    memset(s, 0, sizeof *s);
    return;
  }
  pthread_mutex_lock(&c->mu);
  *s = c->st;
  pthread_mutex_unlock(&c->mu);
}
