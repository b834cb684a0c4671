/*
 * posblock.c - index format 5: the codec of position blocks, and the
 * buffer that merges the positions of changed reports into their blocks
 * (format in posblock.h).
 */
#include "posblock.h"

#include <stdlib.h>
#include <string.h>

#include "terms.h"
#include "util.h"

/* ---- codec ---- */

static size_t put_varint(unsigned char *t, uint64_t v) {
  size_t n = 0;
  do {
    t[n++] = (unsigned char)((v & 0x7F) | (v > 0x7F ? 0x80 : 0));
    v >>= 7;
  } while (v);
  return n;
}

/* Reads a varint at s[*i] (len bytes); 0 on truncated or overlong input. */
static int get_varint(const unsigned char *s, size_t len, size_t *i,
                      uint64_t *v) {
  uint64_t r = 0;
  for (unsigned shift = 0; shift < 64 && *i < len; shift += 7) {
    unsigned char c = s[(*i)++];
    r |= (uint64_t)(c & 0x7F) << shift;
    if (!(c & 0x80)) {
      *v = r;
      return 1;
    }
  }
  return 0;
}

size_t bg_posblock_key(const char *term, size_t len, uint32_t block,
                       char *buf) {
  size_t k = 0;
  buf[k++] = 'P';
  if (len <= BG_POSKEY_TERM) {
    memcpy(buf + k, term, len);
    k += len;
  } else {
    /* Metadata keys are shorter than terms may be. */
    memcpy(buf + k, term, BG_POSKEY_TERM - 17);
    k += BG_POSKEY_TERM - 17;
    static const char hex[] = "0123456789abcdef";
    uint64_t h = bg_fnv1a(BG_FNV_INIT, term, len);
    buf[k++] = BG_HASH_SEP;
    for (int i = 15; i >= 0; i--) buf[k++] = hex[(h >> (4 * i)) & 15];
  }
  buf[k++] = '\0';
  buf[k++] = (char)(block >> 24);
  buf[k++] = (char)(block >> 16);
  buf[k++] = (char)(block >> 8);
  buf[k++] = (char)block;
  return k;
}

int bg_posblock_positional(const char *term, size_t len) {
  return len > 0 && !(term[0] >= 'A' && term[0] <= 'Z');
}

/* One report's entry in a block: its payload is s[off, off + nbytes). */
typedef struct entry {
  uint32_t did, npos;
  size_t off, nbytes;
  const unsigned char *s;
  size_t seq; /* order of recording, for the buffer */
} entry;

/* Decodes the header of block value v into e (at most BG_POSBLOCK_DOCS
 * entries), their count in *ne; 0 when malformed. */
static int decode_header(const unsigned char *v, size_t len, uint32_t block,
                         entry *e, size_t *ne) {
  size_t i = 0;
  uint64_t nd, d, np, nb;
  *ne = 0;
  if (len == 0) return 1;
  if (!get_varint(v, len, &i, &nd) || nd > BG_POSBLOCK_DOCS) return 0;
  uint64_t did = (uint64_t)block * BG_POSBLOCK_DOCS;
  size_t off = 0;
  for (size_t k = 0; k < nd; k++) {
    if (!get_varint(v, len, &i, &d) || !get_varint(v, len, &i, &np) ||
        !get_varint(v, len, &i, &nb) || d == 0)
      return 0;
    did += d;
    if (did > (uint64_t)(block + 1) * BG_POSBLOCK_DOCS || np > UINT32_MAX ||
        nb > len)
      return 0;
    e[k].did = (uint32_t)did;
    e[k].npos = (uint32_t)np;
    e[k].off = off;
    e[k].nbytes = (size_t)nb;
    off += (size_t)nb;
  }
  if (off > len - i || off != len - i) return 0;
  for (size_t k = 0; k < nd; k++) {
    e[k].s = v + i;
    e[k].seq = 0;
  }
  *ne = (size_t)nd;
  return 1;
}

int bg_posblock_find(const char *v, size_t len, uint32_t did, uint32_t **pos,
                     size_t *n, size_t *cap) {
  const unsigned char *s = (const unsigned char *)v;
  size_t i = 0;
  uint64_t nd, d, np, nb;
  if (len == 0) return BG_ENOTFOUND;
  if (!get_varint(s, len, &i, &nd) || nd > BG_POSBLOCK_DOCS)
    return BG_ECORRUPT;
  uint64_t at = (uint64_t)bg_posblock_of(did) * BG_POSBLOCK_DOCS, off = 0;
  uint64_t want_np = 0, want_nb = 0, want_off = 0;
  int found = 0;
  for (size_t k = 0; k < nd; k++) {
    if (!get_varint(s, len, &i, &d) || !get_varint(s, len, &i, &np) ||
        !get_varint(s, len, &i, &nb) || d == 0)
      return BG_ECORRUPT;
    at += d;
    if (at > (uint64_t)(bg_posblock_of(did) + 1) * BG_POSBLOCK_DOCS)
      return BG_ECORRUPT;
    if (at == did) {
      found = 1;
      want_np = np, want_nb = nb, want_off = off;
    }
    off += nb;
  }
  if (off != len - i) return BG_ECORRUPT;
  if (!found) return BG_ENOTFOUND;
  if (*n + want_np > *cap) {
    size_t nc = *cap ? *cap : 256;
    while (nc < *n + want_np) nc *= 2;
    uint32_t *p = bg_realloc(*pos, nc * sizeof *p);
    if (!p) return BG_ENOMEM;
    *pos = p;
    *cap = nc;
  }
  const unsigned char *q = s + i + want_off;
  size_t j = 0;
  uint64_t last = 0, delta;
  uint32_t *out = *pos + *n;
  for (uint64_t k = 0; k < want_np; k++) {
    if (!get_varint(q, (size_t)want_nb, &j, &delta)) return BG_ECORRUPT;
    last += delta;
    if (last > UINT32_MAX) return BG_ECORRUPT;
    out[k] = (uint32_t)last;
  }
  if (j != want_nb) return BG_ECORRUPT;
  *n += (size_t)want_np;
  return BG_OK;
}

/* ---- the buffer ---- */

/* One term's records since the last flush: per record varint did, varint
 * npos, varint nbytes and the payload. */
typedef struct slot {
  char *term; /* NULL: an empty slot */
  size_t len;
  unsigned char *rec;
  size_t nrec, cap;
} slot;

struct bg_posbuf {
  slot *t;
  size_t nslots, used;
  size_t bytes;
  uint32_t ondisk; /* blocks holding no id above this may be absent */
};

bg_posbuf *bg_posbuf_new(uint32_t lastdid) {
  bg_posbuf *b = bg_calloc(1, sizeof *b);
  if (!b) return NULL;
  b->ondisk = lastdid;
  return b;
}

static void clear(bg_posbuf *b) {
  for (size_t i = 0; i < b->nslots; i++) {
    free(b->t[i].term);
    free(b->t[i].rec);
  }
  free(b->t);
  b->t = NULL;
  b->nslots = b->used = b->bytes = 0;
}

void bg_posbuf_free(bg_posbuf *b) {
  if (!b) return;
  clear(b);
  free(b);
}

size_t bg_posbuf_bytes(const bg_posbuf *b) { return b->bytes; }

static slot *lookup(slot *t, size_t nslots, const char *term, size_t len) {
  size_t i = (size_t)bg_fnv1a(BG_FNV_INIT, term, len) & (nslots - 1);
  while (t[i].term &&
         (t[i].len != len || memcmp(t[i].term, term, len) != 0))
    i = (i + 1) & (nslots - 1);
  return &t[i];
}

static int grow_table(bg_posbuf *b) {
  size_t n = b->nslots ? b->nslots * 2 : 4096;
  slot *t = bg_calloc(n, sizeof *t);
  if (!t) return BG_ENOMEM;
  for (size_t i = 0; i < b->nslots; i++)
    if (b->t[i].term) *lookup(t, n, b->t[i].term, b->t[i].len) = b->t[i];
  free(b->t);
  b->t = t;
  b->nslots = n;
  return BG_OK;
}

int bg_posbuf_add(bg_posbuf *b, const char *term, size_t len, uint32_t did,
                  const uint32_t *pos, size_t n) {
  if ((b->used + 1) * 4 > b->nslots * 3 && grow_table(b) != BG_OK)
    return BG_ENOMEM;
  slot *s = lookup(b->t, b->nslots, term, len);
  if (!s->term) {
    if (!(s->term = bg_malloc(len ? len : 1))) return BG_ENOMEM;
    memcpy(s->term, term, len);
    s->len = len;
    b->used++;
  }
  /* The payload first, to know its size: at most 5 bytes a position. */
  size_t nbytes = 0;
  for (size_t k = 0; k < n; k++) {
    uint32_t d = pos[k] - (k ? pos[k - 1] : 0);
    nbytes += d < (1u << 7) ? 1 : d < (1u << 14) ? 2 : d < (1u << 21) ? 3
              : d < (1u << 28) ? 4 : 5;
  }
  size_t need = s->nrec + 30 + nbytes;
  if (need > s->cap) {
    size_t cap = s->cap ? s->cap : 32;
    while (cap < need) cap *= 2;
    unsigned char *r = bg_realloc(s->rec, cap);
    if (!r) return BG_ENOMEM;
    s->rec = r;
    s->cap = cap;
  }
  size_t at = s->nrec;
  at += put_varint(s->rec + at, did);
  at += put_varint(s->rec + at, n);
  at += put_varint(s->rec + at, nbytes);
  for (size_t k = 0; k < n; k++)
    at += put_varint(s->rec + at, pos[k] - (k ? pos[k - 1] : 0));
  b->bytes += at - s->nrec;
  s->nrec = at;
  return BG_OK;
}

static int cmp_slot(const void *a, const void *b) {
  const slot *x = a, *y = b;
  size_t m = x->len < y->len ? x->len : y->len;
  int c = memcmp(x->term, y->term, m);
  if (c) return c;
  return x->len < y->len ? -1 : x->len > y->len;
}

static int cmp_entry(const void *a, const void *b) {
  const entry *x = a, *y = b;
  if (x->did != y->did) return x->did < y->did ? -1 : 1;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* A growable byte string. */
typedef struct bytes {
  unsigned char *p;
  size_t len, cap;
} bytes;

static int bytes_put(bytes *o, const void *s, size_t n) {
  if (o->len + n > o->cap) {
    size_t cap = o->cap ? o->cap : 256;
    while (cap < o->len + n) cap *= 2;
    unsigned char *p = bg_realloc(o->p, cap);
    if (!p) return BG_ENOMEM;
    o->p = p;
    o->cap = cap;
  }
  if (n) memcpy(o->p + o->len, s, n);
  o->len += n;
  return BG_OK;
}

static int bytes_varint(bytes *o, uint64_t v) {
  unsigned char t[10];
  return bytes_put(o, t, put_varint(t, v));
}

/* Writes block `block` of the term of key[0, klen): the entries of the
 * block on disk whose report has no record in rec[0, nrec) (sorted by
 * did, one per did), then the records that hold positions. */
static int merge_block(const bg_posstore *st, char *key, size_t klen,
                       uint32_t block, int on_disk, const entry *rec,
                       size_t nrec, bytes *out, bg_err *err) {
  char *old = NULL;
  size_t olen = 0;
  int rc;
  entry e[BG_POSBLOCK_DOCS], m[BG_POSBLOCK_DOCS];
  size_t ne = 0, nm = 0;
  if (on_disk) {
    if ((rc = st->get(st->ctx, key, klen, &old, &olen, err)) != BG_OK)
      return rc;
    if (!decode_header((const unsigned char *)old, olen, block, e, &ne)) {
      free(old);
      return bg_err_set(err, BG_ECORRUPT,
                        "index: a position block is damaged");
    }
  }
  size_t i = 0, j = 0;
  while (i < ne || j < nrec) {
    if (j == nrec || (i < ne && e[i].did < rec[j].did)) {
      m[nm++] = e[i++];
    } else {
      if (i < ne && e[i].did == rec[j].did) i++;
      if (rec[j].npos) m[nm++] = rec[j];
      j++;
    }
  }
  out->len = 0;
  rc = BG_OK;
  if (nm) {
    uint32_t prev = block * BG_POSBLOCK_DOCS;
    rc = bytes_varint(out, nm);
    for (size_t k = 0; k < nm && rc == BG_OK; k++) {
      if ((rc = bytes_varint(out, m[k].did - prev)) == BG_OK &&
          (rc = bytes_varint(out, m[k].npos)) == BG_OK)
        rc = bytes_varint(out, m[k].nbytes);
      prev = m[k].did;
    }
    for (size_t k = 0; k < nm && rc == BG_OK; k++)
      rc = bytes_put(out, m[k].s + m[k].off, m[k].nbytes);
    if (rc != BG_OK) rc = bg_err_set(err, BG_ENOMEM, "out of memory");
  }
  if (rc == BG_OK && (nm || ne))
    rc = st->set(st->ctx, key, klen, (const char *)out->p, out->len, err);
  free(old);
  return rc;
}

/* Flushes one term's records (decoded into *recs, grown as needed). */
static int flush_term(bg_posbuf *b, const slot *s, const bg_posstore *st,
                      entry **recs, size_t *rcap, bytes *out, bg_err *err) {
  size_t n = 0, i = 0;
  const unsigned char *r = s->rec;
  while (i < s->nrec) {
    uint64_t did, np, nb;
    if (!get_varint(r, s->nrec, &i, &did) ||
        !get_varint(r, s->nrec, &i, &np) || !get_varint(r, s->nrec, &i, &nb))
      return bg_err_set(err, BG_EINVAL, "position buffer damaged");
    if (bg_grow((void **)recs, rcap, n + 1, sizeof **recs))
      return bg_err_set(err, BG_ENOMEM, "out of memory");
    entry *e = &(*recs)[n];
    e->did = (uint32_t)did;
    e->npos = (uint32_t)np;
    e->nbytes = (size_t)nb;
    e->s = r;
    e->off = i;
    e->seq = n++;
    i += (size_t)nb;
  }
  entry *v = *recs;
  qsort(v, n, sizeof *v, cmp_entry);
  /* The last record of each did wins. */
  size_t k = 0;
  for (size_t a = 0; a < n; a++) {
    if (a + 1 < n && v[a + 1].did == v[a].did) continue;
    v[k++] = v[a];
  }
  char key[BG_POSKEY_MAX];
  for (size_t a = 0, z; a < k; a = z) {
    uint32_t block = bg_posblock_of(v[a].did);
    for (z = a + 1; z < k && bg_posblock_of(v[z].did) == block; z++) {
    }
    size_t klen = bg_posblock_key(s->term, s->len, block, key);
    int on_disk = (uint64_t)block * BG_POSBLOCK_DOCS + 1 <= b->ondisk;
    int rc = merge_block(st, key, klen, block, on_disk, v + a, z - a, out,
                         err);
    if (rc != BG_OK) return rc;
  }
  return BG_OK;
}

int bg_posbuf_flush(bg_posbuf *b, const bg_posstore *st, bg_err *err) {
  int rc = BG_OK;
  size_t k = 0;
  /* Terms in key order, so that neighbouring blocks are written side by
   * side. */
  for (size_t i = 0; i < b->nslots; i++)
    if (b->t[i].term) b->t[k++] = b->t[i];
  for (size_t i = k; i < b->nslots; i++) b->t[i].term = NULL;
  if (k > 1) qsort(b->t, k, sizeof *b->t, cmp_slot);
  entry *recs = NULL;
  size_t rcap = 0;
  bytes out = {0};
  uint32_t most = b->ondisk;
  for (size_t i = 0; i < k && rc == BG_OK; i++) {
    rc = flush_term(b, &b->t[i], st, &recs, &rcap, &out, err);
    /* Blocks written now exist from here on. */
    const unsigned char *r = b->t[i].rec;
    size_t j = 0;
    while (j < b->t[i].nrec) {
      uint64_t did, np, nb;
      if (!get_varint(r, b->t[i].nrec, &j, &did) ||
          !get_varint(r, b->t[i].nrec, &j, &np) ||
          !get_varint(r, b->t[i].nrec, &j, &nb))
        break;
      j += (size_t)nb;
      if (did > most) most = (uint32_t)did;
    }
  }
  free(recs);
  free(out.p);
  /* The table was compacted for sorting: free it as it stands. */
  for (size_t i = 0; i < k; i++) {
    free(b->t[i].term);
    free(b->t[i].rec);
  }
  free(b->t);
  b->t = NULL;
  b->nslots = b->used = b->bytes = 0;
  /* Blocks of ids up to the highest flushed may exist now (a failed
   * flush leaves that uncertain: assume they do). */
  b->ondisk = rc == BG_OK ? most : UINT32_MAX;
  return rc;
}
