/*
 * xap.cc - the C API of xap.h over Xapian.
 *
 * Every entry point runs its body inside GUARD, which turns Xapian::Error
 * and std::bad_alloc into a bg_status and a message; nothing throws past
 * this file.
 */
#include "xap.h"
#include "posblock.h"
#include "terms.h"
#include "util.h"

#include <xapian.h>

#include <sys/stat.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <new>
#include <string>
#include <unordered_map>
#include <vector>

/* What a reader keeps of one database between calls: how positions are
 * read from it (formats 5 and 6, posblock.h), the last blocks read, and
 * over remote shards the values of the documents last matched. */
struct pos5_leaf {
  Xapian::Database *db = nullptr; /* owned unless it is bg_xdb's own */
  bool owned = false;
  int mode = 0; /* 0: no blocks; 1: some reports in blocks; 2: all */
};

struct pos5_cached {
  size_t leaf = 0;
  std::string key, value;
  bool used = false;
};

struct pos5_state {
  bool ready = false;
  bool unreadable = false; /* combined shards that cannot be told apart */
  std::vector<pos5_leaf> leaves;
  pos5_cached cache[16];
  size_t next = 0;
  int pair_pos = -1; /* every report has pair positions: 1, 0, -1 unknown */
  /* Remote shards: the small values (slots below BG_SLOT_TEXT) of the
   * documents matched or fetched, by document id; see remote_fill(). */
  int remote = -1; /* some database is remote: 1, 0, -1 unknown */
  struct rdoc {
    unsigned have = 0; /* bit k: v[k] is known */
    std::string v[BG_SLOT_TEXT];
  };
  std::unordered_map<uint32_t, rdoc> rvals;
  uint32_t last_did = 0; /* the document fetched last, kept when remote */
  Xapian::Document last_doc;
  ~pos5_state() { reset(); }
  /* Forgets everything read (the database was reopened or changed). */
  void reset() {
    reset_leaves();
    pair_pos = remote = -1;
    rvals.clear();
    last_did = 0;
    last_doc = Xapian::Document();
  }
  void reset_leaves() {
    for (auto &l : leaves)
      if (l.owned) delete l.db;
    leaves.clear();
    for (auto &c : cache) {
      c.used = false;
      c.key.clear();
      c.value.clear();
    }
    ready = unreadable = false;
  }
};

struct bg_xdb {
  Xapian::Database *db = nullptr;         /* always set */
  Xapian::WritableDatabase *wdb = nullptr; /* set when writable */
  std::string path;
  pos5_state pos5;
  ~bg_xdb() {
    pos5.reset();
    if (wdb)
      delete wdb; /* db points at the same object */
    else
      delete db;
  }
};

struct bg_xdoc {
  Xapian::Document doc;
};

struct bg_xq {
  Xapian::Query q;
};

static int fail(bg_err *err, const Xapian::Error &e) {
  std::string m = e.get_type();
  m += ": ";
  m += e.get_msg();
  if (!e.get_context().empty()) m += " (" + e.get_context() + ")";
  /* The system's reason, e.g. "No space left on device", when there is
   * one. */
  const char *why = e.get_error_string();
  if (why && *why) {
    m += ": ";
    m += why;
  }
  /* Xapian::Error is not polymorphic: its type name tells the kind. */
  std::string type = e.get_type();
  int code = BG_EXAPIAN;
  if (type == "DatabaseLockError")
    code = BG_ELOCKED;
  else if (type == "DatabaseModifiedError")
    code = BG_EMODIFIED;
  else if (type == "DatabaseCorruptError")
    code = BG_ECORRUPT;
  else if (type == "DatabaseOpeningError" || type == "DatabaseNotFoundError" ||
           type == "DatabaseVersionError")
    code = BG_ENOINDEX;
  return bg_err_set(err, code, "%s", m.c_str());
}

#define GUARD(body)                                                  \
  try {                                                              \
    body                                                             \
  } catch (const Xapian::Error &e) {                                 \
    return fail(err, e);                                             \
  } catch (const std::bad_alloc &) {                                 \
    return bg_err_set(err, BG_ENOMEM, "out of memory");              \
  } catch (...) {                                                    \
    return bg_err_set(err, BG_EXAPIAN, "unexpected index error");    \
  }

static int copy_out(const std::string &s, char **out, size_t *len,
                    bg_err *err) {
  char *p = static_cast<char *>(bg_malloc(s.size() + 1));
  if (!p) return bg_err_set(err, BG_ENOMEM, "out of memory");
  std::memcpy(p, s.data(), s.size());
  p[s.size()] = '\0';
  *out = p;
  *len = s.size();
  return BG_OK;
}

static int pos5_read(bg_xdb *db, uint32_t did, const char *term, size_t len,
                     uint32_t **pos, size_t *n, size_t *cap, bg_err *err);
static int pos5_warm(bg_xdb *db, uint32_t did, int *found, bg_err *err);

extern "C" {

int bg_xdb_open(bg_xdb **out, const char *path, bg_err *err) {
  *out = nullptr;
  GUARD({
    bg_xdb *h = new bg_xdb;
    try {
      h->db = new Xapian::Database(path);
      h->path = path;
    } catch (...) {
      delete h;
      throw;
    }
    *out = h;
    return BG_OK;
  })
}

int bg_xdb_open_writable(bg_xdb **out, const char *path, bg_err *err) {
  *out = nullptr;
  GUARD({
    bg_xdb *h = new bg_xdb;
    try {
      h->wdb = new Xapian::WritableDatabase(path, Xapian::DB_CREATE_OR_OPEN);
    } catch (...) {
      delete h;
      throw;
    }
    h->db = h->wdb;
    *out = h;
    return BG_OK;
  })
}

void bg_xdb_free(bg_xdb *db) {
  if (!db) return;
  try {
    if (db->wdb) db->wdb->close();
  } catch (...) {
  }
  delete db;
}

int bg_xdb_reopen(bg_xdb *db, int *changed, bg_err *err) {
  GUARD({
    bool c = db->db->reopen();
    if (c) db->pos5.reset();
    if (changed) *changed = c ? 1 : 0;
    return BG_OK;
  })
}

size_t bg_xdb_ndatabases(bg_xdb *db) {
  try {
    return db->db->size();
  } catch (...) {
    return 0;
  }
}

uint32_t bg_xdb_doccount(bg_xdb *db) {
  try {
    return db->db->get_doccount();
  } catch (...) {
    return 0;
  }
}

uint32_t bg_xdb_lastdocid(bg_xdb *db) {
  try {
    return db->db->get_lastdocid();
  } catch (...) {
    return 0;
  }
}

uint64_t bg_xdb_revision(bg_xdb *db) {
  try {
    return db->db->get_revision();
  } catch (...) {
    return 0;
  }
}

uint32_t bg_xdb_termfreq(bg_xdb *db, const char *term, size_t len) {
  try {
    return db->db->get_termfreq(std::string(term, len));
  } catch (...) {
    return 0;
  }
}

uint64_t bg_xdb_collfreq(bg_xdb *db, const char *term, size_t len) {
  try {
    return db->db->get_collection_freq(std::string(term, len));
  } catch (...) {
    return 0;
  }
}

int bg_xdb_prefixed_terms(bg_xdb *db, const char *prefix, size_t len,
                          bg_xterm_fn fn, void *ctx, bg_err *err) {
  GUARD({
    std::string p(prefix, len);
    for (auto t = db->db->allterms_begin(p); t != db->db->allterms_end(p);
         ++t) {
      std::string term = *t;
      int rc = fn(ctx, term.data(), term.size(), t.get_termfreq());
      if (rc) return rc;
    }
    return BG_OK;
  })
}

int bg_xdb_count_terms(bg_xdb *db, uint64_t *out, bg_err *err) {
  GUARD({
    uint64_t n = 0;
    for (auto t = db->db->allterms_begin(); t != db->db->allterms_end(); ++t)
      n++;
    *out = n;
    return BG_OK;
  })
}

int bg_xdb_find(bg_xdb *db, const char *term, size_t len, uint32_t *did,
                bg_err *err) {
  *did = 0;
  GUARD({
    std::string t(term, len);
    auto p = db->db->postlist_begin(t);
    if (p != db->db->postlist_end(t)) *did = *p;
    return BG_OK;
  })
}

int bg_xdb_all_docs(bg_xdb *db, uint32_t **ids, size_t *n, bg_err *err) {
  *ids = nullptr;
  *n = 0;
  GUARD({
    std::vector<uint32_t> v;
    for (auto p = db->db->postlist_begin(""); p != db->db->postlist_end("");
         ++p)
      v.push_back(*p);
    uint32_t *a =
        static_cast<uint32_t *>(bg_malloc((v.size() + 1) * sizeof *a));
    if (!a) return bg_err_set(err, BG_ENOMEM, "out of memory");
    if (!v.empty()) std::memcpy(a, v.data(), v.size() * sizeof *a);
    *ids = a;
    *n = v.size();
    return BG_OK;
  })
}

/* ---- remote shards: values by document ----
 *
 * A value stream over a remote database costs a round trip per document
 * (and skip_to() may fetch several), once per slot, and fetching a
 * document brings all its stored text.  Over remote shards the small
 * values (slots below BG_SLOT_TEXT) of a search's candidates are instead
 * asked for slot by slot, as the sort keys of a match sorted by the slot
 * (one round trip per shard: remote_fill()), and kept by document id. */

/* At most this many documents' values are kept. */
#define REMOTE_KEEP 8192

static bool stub_has_remote(const std::string &path, int depth);

static bool db_remote(bg_xdb *db) {
  pos5_state &S = db->pos5;
  if (S.remote < 0)
    S.remote = !db->wdb && !db->path.empty() && stub_has_remote(db->path, 0);
  return S.remote == 1;
}

static pos5_state::rdoc &remote_doc(bg_xdb *db, uint32_t did) {
  pos5_state &S = db->pos5;
  if (S.rvals.size() >= REMOTE_KEEP && !S.rvals.count(did)) S.rvals.clear();
  return S.rvals[did];
}

/* The values a search reads of every candidate, of the documents ids[0,
 * n) matching q, slot by slot (unless every one is known already). */
static void remote_fill(bg_xdb *db, const Xapian::Query &q,
                        const std::vector<uint32_t> &ids) {
  static const unsigned slots[] = {BG_SLOT_YEAR, BG_SLOT_PARAS, BG_SLOT_ID,
                                   BG_SLOT_SUMMARY, BG_SLOT_SHORTEST};
  unsigned all = 0;
  for (unsigned slot : slots) all |= 1u << slot;
  Xapian::doccount n = static_cast<Xapian::doccount>(ids.size());
  if (n == 0 || n > REMOTE_KEEP) return;
  bool known = true;
  for (size_t i = 0; i < ids.size() && known; i++) {
    auto f = db->pos5.rvals.find(ids[i]);
    known = f != db->pos5.rvals.end() && (f->second.have & all) == all;
  }
  if (known) return;
  if (db->pos5.rvals.size() + n > REMOTE_KEEP) db->pos5.rvals.clear();
  for (unsigned slot : slots) {
    Xapian::Enquire enq(*db->db);
    enq.set_query(q);
    enq.set_weighting_scheme(Xapian::BoolWeight());
    enq.set_sort_by_value(slot, false);
    Xapian::MSet ms = enq.get_mset(0, n);
    for (auto m = ms.begin(); m != ms.end(); ++m) {
      pos5_state::rdoc &d = remote_doc(db, *m);
      d.v[slot] = m.get_sort_key();
      d.have |= 1u << slot;
    }
  }
}

/* Document did; over remote shards the last one is kept, since a hit's
 * text and data are read one after the other. */
static Xapian::Document document(bg_xdb *db, uint32_t did) {
  if (!db_remote(db))
    return db->db->get_document(did, Xapian::DOC_ASSUME_VALID);
  pos5_state &S = db->pos5;
  if (S.last_did != did) {
    S.last_doc = db->db->get_document(did, Xapian::DOC_ASSUME_VALID);
    S.last_did = did;
  }
  return S.last_doc;
}

/* The value of slot (below BG_SLOT_TEXT) of document did of a database
 * with remote shards. */
static const std::string &remote_value(bg_xdb *db, uint32_t did,
                                       unsigned slot) {
  pos5_state::rdoc &d = remote_doc(db, did);
  if (d.have & (1u << slot)) return d.v[slot];
  Xapian::Document doc = document(db, did);
  for (unsigned k = 0; k < BG_SLOT_TEXT; k++) d.v[k].clear();
  for (auto it = doc.values_begin(); it != doc.values_end(); ++it)
    if (it.get_valueno() < BG_SLOT_TEXT) d.v[it.get_valueno()] = *it;
  d.have = ~0u;
  return d.v[slot];
}

int bg_xdb_remote(bg_xdb *db) {
  try {
    return db_remote(db);
  } catch (...) {
    return 0;
  }
}

int bg_xdb_value(bg_xdb *db, uint32_t did, unsigned slot, char **out,
                 size_t *len, bg_err *err) {
  *out = nullptr;
  *len = 0;
  GUARD({
    if (slot < BG_SLOT_TEXT && db_remote(db))
      return copy_out(remote_value(db, did, slot), out, len, err);
    return copy_out(document(db, did).get_value(slot), out, len, err);
  })
}

struct bg_xvals {
  bg_xdb *x;
  Xapian::Database *db;
  unsigned slot;
  Xapian::ValueIterator it, end;
  bool started = false;
  Xapian::docid last = 0; /* the docid asked for last */
  std::string cur;        /* the value handed out last */
};

int bg_xvals_open(bg_xdb *db, unsigned slot, bg_xvals **out, bg_err *err) {
  *out = nullptr;
  GUARD({
    bg_xvals *v = new bg_xvals;
    v->x = db;
    v->db = db->db;
    v->slot = slot;
    *out = v;
    return BG_OK;
  })
}

int bg_xvals_get(bg_xvals *v, uint32_t did, const char **val, size_t *len,
                 bg_err *err) {
  *val = "";
  *len = 0;
  GUARD({
    if (v->slot < BG_SLOT_TEXT && db_remote(v->x)) {
      v->cur = remote_value(v->x, did, v->slot);
      *val = v->cur.data();
      *len = v->cur.size();
      return BG_OK;
    }
    /* Only a step back restarts the stream: the cursor standing past did
     * means no value for did when did comes after the last one asked (a
     * sparse slot, such as the year of reports without one). */
    if (!v->started || did < v->last) {
      v->it = v->db->valuestream_begin(v->slot);
      v->end = v->db->valuestream_end(v->slot);
      v->started = true;
    }
    v->last = did;
    if (v->it != v->end && v->it.get_docid() < did) v->it.skip_to(did);
    if (v->it == v->end || v->it.get_docid() != did) return BG_OK;
    v->cur = *v->it;
    *val = v->cur.data();
    *len = v->cur.size();
    return BG_OK;
  })
}

void bg_xvals_free(bg_xvals *v) { delete v; }

int bg_xdb_data(bg_xdb *db, uint32_t did, char **out, size_t *len,
                bg_err *err) {
  *out = nullptr;
  *len = 0;
  GUARD({ return copy_out(document(db, did).get_data(), out, len, err); })
}

int bg_xdb_get_metadata(bg_xdb *db, const char *key, char **out, size_t *len,
                        bg_err *err) {
  *out = nullptr;
  *len = 0;
  GUARD({ return copy_out(db->db->get_metadata(key), out, len, err); })
}

int bg_xdb_set_metadata(bg_xdb *db, const char *key, const char *value,
                        size_t len, bg_err *err) {
  if (!db->wdb) return bg_err_set(err, BG_EINVAL, "index is read-only");
  GUARD({
    db->pos5.reset();
    db->wdb->set_metadata(key, std::string(value, len));
    return BG_OK;
  })
}

int bg_xdb_wdf(bg_xdb *db, uint32_t did, const char *term, size_t len,
               uint32_t *wdf, bg_err *err) {
  *wdf = 0;
  GUARD({
    std::string t(term, len);
    auto p = db->db->postlist_begin(t);
    if (p != db->db->postlist_end(t)) {
      p.skip_to(did);
      if (p != db->db->postlist_end(t) && *p == did) *wdf = p.get_wdf();
    }
    return BG_OK;
  })
}

int bg_xdb_has_term(bg_xdb *db, uint32_t did, const char *term, size_t len,
                    int *has, bg_err *err) {
  *has = 0;
  GUARD({
    std::string t(term, len);
    auto p = db->db->postlist_begin(t);
    if (p != db->db->postlist_end(t)) {
      p.skip_to(did);
      if (p != db->db->postlist_end(t) && *p == did) *has = 1;
    }
    return BG_OK;
  })
}

int bg_xdb_warm_positions(bg_xdb *db, uint32_t did, const char *term,
                          size_t len, int *found, bg_err *err) {
  if (found) *found = 0;
  GUARD({
    int rc = pos5_warm(db, did, found, err);
    if (rc != BG_ENOTFOUND) return rc;
    std::string t(term, len);
    Xapian::TermIterator it = db->db->termlist_begin(did);
    Xapian::TermIterator end = db->db->termlist_end(did);
    it.skip_to(t);
    if (it != end && *it == t) {
      (void)it.positionlist_count();
      if (found) *found = 1;
    }
    return BG_OK;
  })
}

int bg_xdb_wdfs(bg_xdb *db, const char *term, size_t len, const uint32_t *ids,
                size_t n, uint32_t *wdf, bg_err *err) {
  GUARD({
    std::string t(term, len);
    Xapian::PostingIterator it = db->db->postlist_begin(t);
    Xapian::PostingIterator end = db->db->postlist_end(t);
    for (size_t i = 0; i < n; i++) {
      wdf[i] = 0;
      if (it == end) continue;
      it.skip_to(ids[i]);
      if (it != end && *it == ids[i]) wdf[i] = it.get_wdf();
    }
    return BG_OK;
  })
}

int bg_xdb_positions(bg_xdb *db, uint32_t did, const char *term, size_t len,
                     uint32_t **pos, size_t *n, size_t *cap, bg_err *err) {
  GUARD({
    int rc = pos5_read(db, did, term, len, pos, n, cap, err);
    if (rc != BG_ENOTFOUND) return rc;
    std::string t(term, len);
    Xapian::PositionIterator it = db->db->positionlist_begin(did, t);
    Xapian::PositionIterator end = db->db->positionlist_end(did, t);
    size_t k = *n;
    for (; it != end; ++it) {
      if (k == *cap) {
        size_t nc = *cap ? *cap * 2 : 256;
        uint32_t *np =
            static_cast<uint32_t *>(bg_realloc(*pos, nc * sizeof *np));
        if (!np) return bg_err_set(err, BG_ENOMEM, "out of memory");
        *pos = np;
        *cap = nc;
      }
      (*pos)[k++] = *it;
    }
    *n = k;
    return BG_OK;
  })
}

int bg_xdb_match(bg_xdb *db, const bg_xq *q, uint32_t **ids, size_t *n,
                 bg_err *err) {
  *ids = nullptr;
  *n = 0;
  GUARD({
    std::vector<uint32_t> v;
    Xapian::Enquire enq(*db->db);
    enq.set_query(q->q);
    enq.set_weighting_scheme(Xapian::BoolWeight());
    enq.set_docid_order(Xapian::Enquire::ASCENDING);
    Xapian::doccount total = db->db->get_doccount();
    if (total > 0) {
      Xapian::MSet ms = enq.get_mset(0, total);
      v.reserve(ms.size());
      for (auto m = ms.begin(); m != ms.end(); ++m) v.push_back(*m);
      if (db_remote(db)) remote_fill(db, q->q, v);
    }
    uint32_t *a =
        static_cast<uint32_t *>(bg_malloc((v.size() + 1) * sizeof *a));
    if (!a) return bg_err_set(err, BG_ENOMEM, "out of memory");
    if (!v.empty()) std::memcpy(a, v.data(), v.size() * sizeof *a);
    *ids = a;
    *n = v.size();
    return BG_OK;
  })
}

/* ---- ranked retrieval (similar passages) ---- */

int bg_xdb_top(bg_xdb *db, const bg_xq *q, const bg_xq *filter, size_t k,
               uint32_t **ids, double **weights, size_t *n, bg_err *err) {
  *ids = nullptr;
  *weights = nullptr;
  *n = 0;
  GUARD({
    Xapian::Enquire enq(*db->db);
    if (filter)
      enq.set_query(Xapian::Query(Xapian::Query::OP_FILTER, q->q, filter->q));
    else
      enq.set_query(q->q);
    enq.set_weighting_scheme(Xapian::BM25Weight());
    enq.set_docid_order(Xapian::Enquire::ASCENDING);
    Xapian::MSet ms = enq.get_mset(0, static_cast<Xapian::doccount>(k));
    size_t m = ms.size();
    uint32_t *a = static_cast<uint32_t *>(bg_malloc((m + 1) * sizeof *a));
    double *w = static_cast<double *>(bg_malloc((m + 1) * sizeof *w));
    if (!a || !w) {
      std::free(a);
      std::free(w);
      return bg_err_set(err, BG_ENOMEM, "out of memory");
    }
    size_t i = 0;
    for (auto it = ms.begin(); it != ms.end(); ++it, ++i) {
      a[i] = *it;
      w[i] = it.get_weight();
    }
    *ids = a;
    *weights = w;
    *n = m;
    return BG_OK;
  })
}

/* ---- writing ---- */

bg_xdoc *bg_xdoc_new(void) {
  try {
    return new bg_xdoc;
  } catch (...) {
    return nullptr;
  }
}

void bg_xdoc_free(bg_xdoc *doc) { delete doc; }

int bg_xdoc_add_postings(bg_xdoc *doc, const char *term, size_t len,
                         const uint32_t *pos, size_t n) {
  bg_err *err = nullptr;
  GUARD({
    std::string t(term, len);
    for (size_t i = 0; i < n; i++) doc->doc.add_posting(t, pos[i]);
    return BG_OK;
  })
}

int bg_xdoc_add_term(bg_xdoc *doc, const char *term, size_t len,
                     uint32_t wdf) {
  bg_err *err = nullptr;
  GUARD({
    doc->doc.add_term(std::string(term, len), wdf);
    return BG_OK;
  })
}

int bg_xdoc_add_boolean(bg_xdoc *doc, const char *term, size_t len) {
  bg_err *err = nullptr;
  GUARD({
    doc->doc.add_boolean_term(std::string(term, len));
    return BG_OK;
  })
}

int bg_xdoc_set_value(bg_xdoc *doc, unsigned slot, const char *v,
                      size_t len) {
  bg_err *err = nullptr;
  GUARD({
    doc->doc.add_value(slot, std::string(v, len));
    return BG_OK;
  })
}

int bg_xdoc_set_data(bg_xdoc *doc, const char *data, size_t len) {
  bg_err *err = nullptr;
  GUARD({
    doc->doc.set_data(std::string(data, len));
    return BG_OK;
  })
}

int bg_xdb_replace(bg_xdb *db, const char *idterm, size_t len,
                   const bg_xdoc *doc, bg_err *err) {
  if (!db->wdb) return bg_err_set(err, BG_EINVAL, "index is read-only");
  GUARD({
    db->pos5.reset();
    db->wdb->replace_document(std::string(idterm, len), doc->doc);
    return BG_OK;
  })
}

int bg_xdb_delete(bg_xdb *db, const char *term, size_t len, bg_err *err) {
  if (!db->wdb) return bg_err_set(err, BG_EINVAL, "index is read-only");
  GUARD({
    db->pos5.reset();
    db->wdb->delete_document(std::string(term, len));
    return BG_OK;
  })
}

int bg_xdb_commit(bg_xdb *db, bg_err *err) {
  if (!db->wdb) return bg_err_set(err, BG_EINVAL, "index is read-only");
  GUARD({
    db->pos5.reset();
    db->wdb->commit();
    return BG_OK;
  })
}

int bg_xdb_compact(const char *src, const char *dst, bg_err *err) {
  GUARD({
    Xapian::Database d(src);
    d.compact(dst, Xapian::DBCOMPACT_NO_RENUMBER);
    return BG_OK;
  })
}

/* ---- queries ---- */

static bg_xq *mk(const Xapian::Query &q) {
  try {
    bg_xq *h = new bg_xq;
    h->q = q;
    return h;
  } catch (...) {
    return nullptr;
  }
}

bg_xq *bg_xq_term(const char *term, size_t len) {
  try {
    return mk(Xapian::Query(std::string(term, len)));
  } catch (...) {
    return nullptr;
  }
}

bg_xq *bg_xq_term_wqf(const char *term, size_t len, uint32_t wqf) {
  try {
    return mk(Xapian::Query(std::string(term, len), wqf ? wqf : 1));
  } catch (...) {
    return nullptr;
  }
}

bg_xq *bg_xq_all(void) { return mk(Xapian::Query::MatchAll); }

bg_xq *bg_xq_none(void) { return mk(Xapian::Query::MatchNothing); }

bg_xq *bg_xq_range(unsigned slot, double lo, double hi) {
  try {
    return mk(Xapian::Query(Xapian::Query::OP_VALUE_RANGE, slot,
                            Xapian::sortable_serialise(lo),
                            Xapian::sortable_serialise(hi)));
  } catch (...) {
    return nullptr;
  }
}

static bg_xq *combine(Xapian::Query::op op, bg_xq *a, bg_xq *b) {
  bg_xq *r = nullptr;
  if (a && b) {
    try {
      r = mk(Xapian::Query(op, a->q, b->q));
    } catch (...) {
      r = nullptr;
    }
  }
  delete a;
  delete b;
  return r;
}

bg_xq *bg_xq_and(bg_xq *a, bg_xq *b) {
  return combine(Xapian::Query::OP_AND, a, b);
}

bg_xq *bg_xq_or(bg_xq *a, bg_xq *b) {
  return combine(Xapian::Query::OP_OR, a, b);
}

bg_xq *bg_xq_and_not(bg_xq *a, bg_xq *b) {
  return combine(Xapian::Query::OP_AND_NOT, a, b);
}

void bg_xq_free(bg_xq *q) { delete q; }

size_t bg_xap_sortable(double v, char *buf) {
  try {
    std::string s = Xapian::sortable_serialise(v);
    std::memcpy(buf, s.data(), s.size());
    return s.size();
  } catch (...) {
    return 0;
  }
}

double bg_xap_unsortable(const char *buf, size_t len) {
  try {
    return Xapian::sortable_unserialise(std::string(buf, len));
  } catch (...) {
    return 0;
  }
}

const char *bg_xap_version(void) { return Xapian::version_string(); }

} /* extern "C" */

/* ---- index format 5: positions in blocks (posblock.h) ----
 *
 * A reader finds the positions of (term, report) in the block entry of
 * the database holding the report.  Xapian 1.4 reads user metadata of a
 * combined database (a stub of shards) from its first database only, so
 * for shards each one is opened on its own as well, from the stub's
 * lines, and document ids are mapped: combined id = (shard id - 1) *
 * shards + shard index + 1.  A database whose reports are all in format 5
 * is read from blocks only; one with some (an index being upgraded) falls
 * back to Xapian's position lists for reports without a block entry. */

static bool is_dir(const std::string &p) {
  struct stat st;
  return stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

static bool is_file(const std::string &p) {
  struct stat st;
  return stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

static void add_leaf(std::vector<pos5_leaf> &out, Xapian::Database *d) {
  std::unique_ptr<Xapian::Database> own(d);
  out.emplace_back();
  out.back().db = own.release();
  out.back().owned = true;
}

/* One line of a Xapian stub file: its type ("auto", "remote", "glass",
 * ...) and the rest, trimmed. */
struct stub_line {
  std::string type, rest;
};

/* The lines of the stub that path names (a folder's XAPIANDB, or path
 * itself), comments and blank lines left out, and in *base the folder its
 * relative paths start from; false when path is a folder without a stub
 * (a database).  Throws DatabaseOpeningError when the stub cannot be
 * read. */
static bool read_stub(const std::string &path, std::vector<stub_line> &lines,
                      std::string *base) {
  std::string stub = path;
  if (is_dir(path)) {
    stub = path + "/XAPIANDB";
    if (!is_file(stub)) return false;
  }
  std::ifstream in(stub);
  if (!in) throw Xapian::DatabaseOpeningError("cannot read " + stub);
  *base = ".";
  size_t slash = stub.rfind('/');
  if (slash != std::string::npos) *base = slash ? stub.substr(0, slash) : "/";
  std::string line;
  while (std::getline(in, line)) {
    size_t a = line.find_first_not_of(" \t\r");
    if (a == std::string::npos || line[a] == '#') continue;
    size_t sp = line.find_first_of(" \t", a);
    stub_line l;
    l.type = line.substr(a, sp == std::string::npos ? sp : sp - a);
    if (sp != std::string::npos) {
      size_t b = line.find_first_not_of(" \t", sp);
      size_t e = line.find_last_not_of(" \t\r");
      if (b != std::string::npos) l.rest = line.substr(b, e - b + 1);
    }
    lines.push_back(l);
  }
  return true;
}

/* The path of a stub line's database, relative ones from base. */
static std::string stub_path(const stub_line &l, const std::string &base) {
  return l.rest[0] == '/' ? l.rest : base + "/" + l.rest;
}

/* The databases path names, one by one, as Xapian would combine them. */
static void open_leaves(const std::string &path, std::vector<pos5_leaf> &out,
                        int depth) {
  if (depth > 8) throw Xapian::DatabaseOpeningError("stubs nest too deep");
  std::vector<stub_line> lines;
  std::string base;
  if (!read_stub(path, lines, &base)) {
    add_leaf(out, new Xapian::Database(path));
    return;
  }
  for (const stub_line &l : lines) {
    if (l.type == "remote") {
      size_t colon = l.rest.rfind(':');
      if (colon == std::string::npos || colon == 0)
        throw Xapian::DatabaseOpeningError("remote program shards");
      std::string host = l.rest.substr(0, colon);
      unsigned port = (unsigned)std::strtoul(l.rest.c_str() + colon + 1,
                                             nullptr, 10);
      add_leaf(out, new Xapian::Database(Xapian::Remote::open(host, port)));
      continue;
    }
    if (l.rest.empty())
      throw Xapian::DatabaseOpeningError("stub line " + l.type);
    if (l.type == "auto")
      open_leaves(stub_path(l, base), out, depth + 1);
    else if (l.type == "glass" || l.type == "chert" || l.type == "honey")
      add_leaf(out, new Xapian::Database(stub_path(l, base)));
    else
      throw Xapian::DatabaseOpeningError("stub line " + l.type + " " +
                                         l.rest);
  }
}

/* Whether the stub at path names a remote database, itself or through
 * its 'auto' lines (an unreadable stub names none). */
static bool stub_has_remote(const std::string &path, int depth) {
  std::vector<stub_line> lines;
  std::string base;
  try {
    if (depth > 8 || !read_stub(path, lines, &base)) return false;
  } catch (const Xapian::Error &) {
    return false;
  }
  for (const stub_line &l : lines)
    if (l.type == "remote" ||
        (l.type == "auto" && !l.rest.empty() &&
         stub_has_remote(stub_path(l, base), depth + 1)))
      return true;
  return false;
}

static int leaf_mode(Xapian::Database *d) {
  Xapian::doccount n5 = d->get_termfreq(BG_TERM_V5);
  if (n5 == 0) return 0;
  return n5 == d->get_doccount() ? 2 : 1;
}

static void pos5_prepare(bg_xdb *db) {
  pos5_state &S = db->pos5;
  if (S.ready) return;
  S.reset_leaves();
  size_t nsub = db->db->size();
  if (nsub > 1 && !db->wdb && !db->path.empty()) {
    bool ok = true;
    try {
      open_leaves(db->path, S.leaves, 0);
    } catch (const Xapian::Error &) {
      ok = false;
    }
    if (ok && S.leaves.size() == nsub) {
      for (auto &l : S.leaves) l.mode = leaf_mode(l.db);
      S.ready = true;
      return;
    }
    S.reset_leaves();
  }
  S.leaves.emplace_back();
  S.leaves.back().db = db->db;
  if (nsub > 1)
    S.unreadable = db->db->get_termfreq(BG_TERM_V5) > 0;
  else
    S.leaves.back().mode = leaf_mode(db->db);
  S.ready = true;
}

/* BG_ENOTFOUND: read did's list from Xapian's positions instead. */
static int pos5_read(bg_xdb *db, uint32_t did, const char *term, size_t len,
                     uint32_t **pos, size_t *n, size_t *cap, bg_err *err) {
  pos5_state &S = db->pos5;
  pos5_prepare(db);
  if (S.unreadable)
    return bg_err_set(err, BG_EXAPIAN,
                      "cannot read the positions of these shards: name "
                      "each in a stub file of 'auto PATH' or 'remote "
                      "HOST:PORT' lines");
  size_t nl = S.leaves.size();
  size_t li = nl > 1 ? (did - 1) % nl : 0;
  uint32_t sdid = nl > 1 ? (uint32_t)((did - 1) / nl + 1) : did;
  pos5_leaf &L = S.leaves[li];
  if (L.mode == 0) return BG_ENOTFOUND;
  char key[BG_POSKEY_MAX];
  size_t kl = bg_posblock_key(term, len, bg_posblock_of(sdid), key);
  const std::string *v = nullptr;
  for (size_t k = 0; k < 16 && !v; k++) {
    pos5_cached &c = S.cache[(S.next + 15 - k) % 16];
    if (c.used && c.leaf == li && c.key.size() == kl &&
        !std::memcmp(c.key.data(), key, kl))
      v = &c.value;
  }
  if (!v) {
    pos5_cached &c = S.cache[S.next];
    c.used = false;
    c.key.assign(key, kl);
    c.value = L.db->get_metadata(c.key);
    c.leaf = li;
    c.used = true;
    S.next = (S.next + 1) % 16;
    v = &c.value;
  }
  int rc = bg_posblock_find(v->data(), v->size(), sdid, pos, n, cap);
  if (rc == BG_ENOTFOUND) return L.mode == 2 ? BG_OK : BG_ENOTFOUND;
  if (rc == BG_ENOMEM) return bg_err_set(err, BG_ENOMEM, "out of memory");
  if (rc != BG_OK)
    return bg_err_set(err, BG_ECORRUPT, "index: a position block is damaged");
  return BG_OK;
}

/* Format 6 reports (BG_TERM_V6) keep no pair positions. */
static int pair_positions(bg_xdb *db) {
  pos5_state &S = db->pos5;
  if (S.pair_pos < 0) S.pair_pos = db->db->get_termfreq(BG_TERM_V6) == 0;
  return S.pair_pos;
}

/* Warming is for Xapian's position lists: nothing to do for blocks. */
static int pos5_warm(bg_xdb *db, uint32_t did, int *found, bg_err *err) {
  (void)err;
  pos5_state &S = db->pos5;
  pos5_prepare(db);
  size_t nl = S.leaves.size();
  size_t li = nl > 1 ? (did - 1) % nl : 0;
  if (S.unreadable || S.leaves[li].mode == 2) {
    if (found) *found = 1;
    return BG_OK;
  }
  return BG_ENOTFOUND;
}

extern "C" {

int bg_xdb_pair_positions(bg_xdb *db) {
  try {
    return pair_positions(db);
  } catch (...) {
    return 0; /* unit positions prove a phrase in every format */
  }
}

int bg_xdb_termlist(bg_xdb *db, uint32_t did, bg_xterm_fn fn, void *ctx,
                    bg_err *err) {
  GUARD({
    for (auto t = db->db->termlist_begin(did); t != db->db->termlist_end(did);
         ++t) {
      std::string term = *t;
      int rc = fn(ctx, term.data(), term.size(), t.get_wdf());
      if (rc) return rc;
    }
    return BG_OK;
  })
}

int bg_xdb_discard(bg_xdb *db, bg_err *err) {
  if (!db->wdb) return bg_err_set(err, BG_EINVAL, "index is read-only");
  GUARD({
    db->pos5.reset();
    /* Cancelling an unflushed transaction drops every change since the
     * last commit, not only the transaction's. */
    db->wdb->begin_transaction(false);
    db->wdb->cancel_transaction();
    return BG_OK;
  })
}

int bg_xdb_get_metadata_n(bg_xdb *db, const char *key, size_t klen,
                          char **out, size_t *len, bg_err *err) {
  *out = nullptr;
  *len = 0;
  GUARD({
    return copy_out(db->db->get_metadata(std::string(key, klen)), out, len,
                    err);
  })
}

int bg_xdb_set_metadata_n(bg_xdb *db, const char *key, size_t klen,
                          const char *value, size_t len, bg_err *err) {
  if (!db->wdb) return bg_err_set(err, BG_EINVAL, "index is read-only");
  GUARD({
    db->pos5.reset();
    db->wdb->set_metadata(std::string(key, klen), std::string(value, len));
    return BG_OK;
  })
}

} /* extern "C" */
