/*
 * xap.cc - the C API of xap.h over Xapian.
 *
 * Every entry point runs its body inside GUARD, which turns Xapian::Error
 * and std::bad_alloc into a bg_status and a message; nothing throws past
 * this file.
 */
#include "xap.h"
#include "util.h"

#include <xapian.h>

#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <vector>

struct bg_xdb {
  Xapian::Database *db = nullptr;         /* always set */
  Xapian::WritableDatabase *wdb = nullptr; /* set when writable */
  ~bg_xdb() {
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

extern "C" {

int bg_xdb_open(bg_xdb **out, const char *path, bg_err *err) {
  *out = nullptr;
  GUARD({
    bg_xdb *h = new bg_xdb;
    try {
      h->db = new Xapian::Database(path);
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

int bg_xdb_value(bg_xdb *db, uint32_t did, unsigned slot, char **out,
                 size_t *len, bg_err *err) {
  *out = nullptr;
  *len = 0;
  GUARD({
    Xapian::Document d = db->db->get_document(did, Xapian::DOC_ASSUME_VALID);
    return copy_out(d.get_value(slot), out, len, err);
  })
}

struct bg_xvals {
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
  GUARD({
    Xapian::Document d = db->db->get_document(did, Xapian::DOC_ASSUME_VALID);
    return copy_out(d.get_data(), out, len, err);
  })
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

int bg_xdoc_add_posting(bg_xdoc *doc, const char *term, size_t len,
                        uint32_t pos) {
  bg_err *err = nullptr;
  GUARD({
    doc->doc.add_posting(std::string(term, len), pos);
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
    db->wdb->replace_document(std::string(idterm, len), doc->doc);
    return BG_OK;
  })
}

int bg_xdb_delete(bg_xdb *db, const char *term, size_t len, bg_err *err) {
  if (!db->wdb) return bg_err_set(err, BG_EINVAL, "index is read-only");
  GUARD({
    db->wdb->delete_document(std::string(term, len));
    return BG_OK;
  })
}

int bg_xdb_commit(bg_xdb *db, bg_err *err) {
  if (!db->wdb) return bg_err_set(err, BG_EINVAL, "index is read-only");
  GUARD({
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
