/*
 * query.c - the query language: raw query text -> syntax tree.
 *
 * A lexer over the raw UTF-8 with one token of lookahead feeds a
 * recursive-descent parser:
 *
 *   query   := and EOF
 *   and     := or ( [AND] or )*           juxtaposition is AND
 *   or      := unary ( OR unary )*        OR binds tighter than AND
 *   unary   := [ NOT | '-' ] primary      exclusion binds tightest
 *   primary := phrase | filter | '(' and ')'
 *
 * Tokens are produced as the parser asks for them, so the error a user sees
 * is the first one in reading order.  Parenthesis nesting is capped so a
 * hostile query cannot exhaust the stack; everything else is one pass.
 */
#include "query.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "units.h"
#include "util.h"

#define MAX_DEPTH 64 /* parenthesis levels */
#define ECHO_CPS 40  /* code points of user text quoted in a message */

enum { T_EOF, T_PHRASE, T_FILTER, T_LPAREN, T_RPAREN, T_AND, T_OR, T_NOT, T_NEG };

typedef struct {
  int type;
  size_t pos;    /* 1-based code point position of the token */
  const char *s; /* PHRASE, FILTER: the text, pointing into the query */
  size_t n;
  bg_qkind kind; /* FILTER: BG_Q_YEAR, BG_Q_REGION or BG_Q_REPORT */
  int lo, hi;    /* FILTER year: inclusive bounds */
  int group;     /* FILTER: 1 written key:(A OR B), 2 key:"quoted" */
} tok;

typedef struct {
  const char *q;
  size_t len;
  size_t i;  /* byte offset of the next unread code point */
  size_t cp; /* its 0-based code point index */
  tok t;     /* lookahead */
  int depth;
  int rc; /* sticky: once set, every step gives up */
  bg_units units;
  bg_err *err;
} parser;

/* ---- characters ---------------------------------------------------------- */

int bg_query_space(uint32_t c) {
  if (c == ' ' || (c >= '\t' && c <= '\r')) return 1;
  if (c < 0x80) return 0;
  if (c == 0x85) return 1;
  utf8proc_category_t cat = utf8proc_category((utf8proc_int32_t)c);
  return cat == UTF8PROC_CATEGORY_ZS || cat == UTF8PROC_CATEGORY_ZL ||
         cat == UTF8PROC_CATEGORY_ZP;
}

/* The code point at byte i (the query is valid UTF-8 by now); -1 at end. */
static int32_t peek_at(const parser *p, size_t i) {
  if (i >= p->len) return -1;
  return (int32_t)bg_utf8_next(p->q, p->len, &i);
}

static int32_t peek(const parser *p) { return peek_at(p, p->i); }

static void skip(parser *p) {
  bg_utf8_next(p->q, p->len, &p->i);
  p->cp++;
}

/* Copies user text into buf for a message: at most ECHO_CPS code points,
 * invisible characters spelled <U+XXXX> so an error about them is legible. */
static const char *echo(char *buf, size_t size, const char *s, size_t n) {
  size_t o = 0, i = 0, k = 0;
  while (i < n) {
    if (k++ == ECHO_CPS || o + 16 > size) { /* room for <U+XXXXXX> or … */
      memcpy(buf + o, "\xe2\x80\xa6", 3);
      o += 3;
      break;
    }
    size_t at = i;
    uint32_t c = bg_utf8_next(s, n, &i);
    utf8proc_category_t cat = utf8proc_category((utf8proc_int32_t)c);
    if (c != ' ' && (cat == UTF8PROC_CATEGORY_CC || cat == UTF8PROC_CATEGORY_CF ||
                     cat == UTF8PROC_CATEGORY_ZS || cat == UTF8PROC_CATEGORY_ZL ||
                     cat == UTF8PROC_CATEGORY_ZP)) {
      o += (size_t)snprintf(buf + o, size - o, "<U+%04X>", (unsigned)c);
    } else {
      memcpy(buf + o, s + at, i - at);
      o += i - at;
    }
  }
  buf[o] = '\0';
  return buf;
}

/* ---- lexer --------------------------------------------------------------- */

static int fail(parser *p, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(parser *p, int code, const char *fmt, ...) {
  if (p->rc) return p->rc;
  p->rc = code;
  if (p->err) {
    va_list ap;
    va_start(ap, fmt);
    p->err->code = code;
    vsnprintf(p->err->msg, sizeof p->err->msg, fmt, ap);
    va_end(ap);
  }
  return code;
}

/* A phrase must leave at least one unit, or it could never match. */
static int searchable(parser *p, const char *s, size_t n, size_t pos) {
  if (bg_units_tokenize(&p->units, s, n) != BG_OK)
    return fail(p, BG_ENOMEM, "out of memory");
  if (p->units.n == 0) {
    char buf[256];
    return fail(p, BG_EQUERY, "nothing searchable in '%s' at character %zu",
                echo(buf, sizeof buf, s, n), pos);
  }
  return 0;
}

/* Reads "..." at the cursor into *s, *n (the text between the quotes). */
static int quoted(parser *p, const char **s, size_t *n) {
  size_t pos = p->cp + 1;
  skip(p);
  size_t start = p->i;
  int32_t c;
  while ((c = peek(p)) != -1 && c != '"') skip(p);
  if (c == -1)
    return fail(p, BG_EQUERY,
                "unbalanced quote: the quote at character %zu is never closed", pos);
  *s = p->q + start;
  *n = p->i - start;
  skip(p);
  return 0;
}

static int digits(const char *s, size_t n, int *out) {
  if (n < 1 || n > 4) return 0;
  int v = 0;
  for (size_t k = 0; k < n; k++) {
    if (s[k] < '0' || s[k] > '9') return 0;
    v = v * 10 + (s[k] - '0');
  }
  *out = v;
  return 1;
}

/* year:2023, year:2018..2023, year:..1990, year:2018.. */
static int year(parser *p, tok *t) {
  const char *s = t->s, *dots = NULL;
  size_t n = t->n;
  for (size_t k = 0; k + 1 < n; k++)
    if (s[k] == '.' && s[k + 1] == '.') {
      dots = s + k;
      break;
    }
  int ok;
  if (!dots) {
    ok = digits(s, n, &t->lo);
    t->hi = t->lo;
  } else {
    size_t a = (size_t)(dots - s), b = n - a - 2;
    t->lo = BG_YEAR_MIN;
    t->hi = BG_YEAR_MAX;
    ok = (a || b) && (!a || digits(s, a, &t->lo)) && (!b || digits(dots + 2, b, &t->hi));
  }
  if (!ok) {
    char buf[256];
    return fail(p, BG_EQUERY,
                "bad year '%s' at character %zu: use year:2023, year:2018..2023, "
                "year:..1990 or year:2018..",
                echo(buf, sizeof buf, s, n), t->pos);
  }
  if (t->lo > t->hi)
    return fail(p, BG_EQUERY, "year range %d..%d is reversed at character %zu", t->lo,
                t->hi, t->pos);
  return 0;
}

static int blank(const char *s, size_t n) {
  size_t i = 0;
  while (i < n)
    if (!bg_query_space(bg_utf8_next(s, n, &i))) return 0;
  return 1;
}

/* The length of filter key `key` ("year", without the colon) at s[0, n)
 * followed by ':' or a full-width '：', ASCII case ignored; 0 otherwise. */
static size_t key_at(const char *s, size_t n, const char *key) {
  size_t k = strlen(key);
  if (n <= k) return 0;
  for (size_t i = 0; i < k; i++) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
    if (c != key[i]) return 0;
  }
  if (s[k] == ':') return k + 1;
  if (n >= k + 3 && !memcmp(s + k, "\xef\xbc\x9a", 3)) return k + 3;
  return 0;
}

/* Reads the group of values of "key:(A OR B, C)" at the cursor (on its
 * '(') into t->s, t->n: the text between the parentheses. */
static int value_group(parser *p, tok *t, const char *key) {
  size_t pos = p->cp + 1;
  skip(p);
  size_t start = p->i;
  int32_t c;
  while ((c = peek(p)) != -1 && c != ')' && c != '(' && c != '"') skip(p);
  if (c == -1)
    return fail(p, BG_EQUERY, "unclosed '(' at character %zu after '%s:'", pos,
                key);
  if (c != ')')
    return fail(p, BG_EQUERY,
                "'%s:(' at character %zu takes values separated by OR or "
                "commas, without quotes or parentheses",
                key, t->pos);
  t->s = p->q + start;
  t->n = p->i - start;
  t->group = 1;
  skip(p);
  return 0;
}

/* A bare word: up to whitespace, a parenthesis or a quote.  After a '-' it
 * is always a term, even when it reads OR, AND or NOT. */
static int word(parser *p, tok *t, int after_neg) {
  static const struct {
    const char *key;
    bg_qkind kind;
  } filters[] = {{"year", BG_Q_YEAR},
                 {"region", BG_Q_REGION},
                 {"report", BG_Q_REPORT}};
  size_t start = p->i;
  int32_t c;
  while ((c = peek(p)) != -1 && !bg_query_space((uint32_t)c) && c != '(' && c != ')' && c != '"')
    skip(p);
  t->s = p->q + start;
  t->n = p->i - start;
  if (!after_neg) {
    static const struct {
      const char *w;
      int type;
    } ops[] = {{"OR", T_OR}, {"AND", T_AND}, {"NOT", T_NOT}};
    for (size_t k = 0; k < sizeof ops / sizeof ops[0]; k++)
      if (t->n == strlen(ops[k].w) && !memcmp(t->s, ops[k].w, t->n)) {
        t->type = ops[k].type;
        return 0;
      }
  }
  for (size_t k = 0; k < sizeof filters / sizeof filters[0]; k++) {
    size_t kl = key_at(t->s, t->n, filters[k].key);
    if (!kl) continue;
    t->type = T_FILTER;
    t->kind = filters[k].kind;
    t->s += kl;
    t->n -= kl;
    if (t->n == 0 && peek(p) == '"') {
      if (quoted(p, &t->s, &t->n)) return p->rc;
      t->group = 2;
    }
    if (t->n == 0 && peek(p) == '(' && value_group(p, t, filters[k].key))
      return p->rc;
    if (blank(t->s, t->n))
      return fail(p, BG_EQUERY, "empty value after '%s:' at character %zu",
                  filters[k].key, t->pos);
    return 0;
  }
  t->type = T_PHRASE;
  return searchable(p, t->s, t->n, t->pos);
}

/* Reads the next token into p->t. */
static int lex(parser *p) {
  int after_neg = p->t.type == T_NEG;
  tok *t = &p->t;
  int32_t c;
  while ((c = peek(p)) != -1 && bg_query_space((uint32_t)c)) skip(p);
  memset(t, 0, sizeof *t);
  t->pos = p->cp + 1;
  switch (c) {
  case -1:
    t->type = T_EOF;
    return 0;
  case '(':
  case ')':
    t->type = c == '(' ? T_LPAREN : T_RPAREN;
    skip(p);
    return 0;
  case '"':
    t->type = T_PHRASE;
    if (quoted(p, &t->s, &t->n)) return p->rc;
    if (t->n == 0)
      return fail(p, BG_EQUERY,
                  "empty quotes at character %zu: put the phrase between them", t->pos);
    return searchable(p, t->s, t->n, t->pos);
  case '-':
    if (after_neg) break; /* unreachable: '--' is refused below */
    int32_t d = peek_at(p, p->i + 1);
    if (d == -1 || d == ')' || bg_query_space((uint32_t)d))
      return fail(p, BG_EQUERY,
                  "'-' at character %zu must be followed by a term to exclude; "
                  "quote it to search for a dash",
                  t->pos);
    if (d == '-')
      return fail(p, BG_EQUERY,
                  "double exclusion '--' at character %zu; use one '-', "
                  "or quote the text to search for dashes",
                  t->pos);
    t->type = T_NEG;
    skip(p);
    return 0;
  }
  return word(p, t, after_neg);
}

/* ---- tree ---------------------------------------------------------------- */

static bg_qnode *node(parser *p, bg_qkind kind, size_t pos) {
  bg_qnode *n = bg_calloc(1, sizeof *n);
  if (!n) {
    fail(p, BG_ENOMEM, "out of memory");
    return NULL;
  }
  n->kind = kind;
  n->pos = pos;
  return n;
}

static int text(parser *p, bg_qnode *n, const char *s, size_t len) {
  n->text = bg_malloc(len + 1);
  if (!n->text) return fail(p, BG_ENOMEM, "out of memory");
  memcpy(n->text, s, len);
  n->text[len] = '\0';
  n->len = len;
  return 0;
}

/* Kid arrays grow in powers of two from 4, so an allocated array's
 * capacity follows from nkids. */
static size_t cap(size_t n) {
  size_t c = 4;
  while (c < n) c *= 2;
  return c;
}

/* Appends kid to parent (taking it over, also on failure).  A kid of the
 * same kind (AND in AND, OR in OR) gives its kids instead. */
static int add(parser *p, bg_qnode *parent, bg_qnode *kid) {
  int same = kid->kind == parent->kind;
  size_t more = same ? kid->nkids : 1, need = parent->nkids + more;
  if (!parent->kids || need > cap(parent->nkids)) {
    bg_qnode **k = bg_realloc(parent->kids, cap(need) * sizeof *k);
    if (!k) {
      bg_query_free(kid);
      return fail(p, BG_ENOMEM, "out of memory");
    }
    parent->kids = k;
  }
  if (same) {
    if (more) memcpy(parent->kids + parent->nkids, kid->kids, more * sizeof *kid->kids);
    kid->nkids = 0;
    bg_query_free(kid);
  } else {
    parent->kids[parent->nkids] = kid;
  }
  parent->nkids = need;
  return 0;
}

/* ---- parser -------------------------------------------------------------- */

static int starts_term(int type) {
  return type == T_PHRASE || type == T_FILTER || type == T_LPAREN || type == T_NOT ||
         type == T_NEG;
}

static bg_qnode *and_expr(parser *p);
static bg_qnode *join(parser *p, bg_qnode *res, bg_qkind kind, bg_qnode *kid);

/* The length of a value separator at s[0, n): ',' '，' '、', and in a
 * key:(...) group also white space; 0 when s does not start with one. */
static size_t separator(const char *s, size_t n, int group) {
  if (n >= 1 && s[0] == ',') return 1;
  if (n >= 3 && (!memcmp(s, "\xef\xbc\x8c", 3) || !memcmp(s, "\xe3\x80\x81", 3)))
    return 3;
  if (group) {
    size_t i = 0;
    if (bg_query_space(bg_utf8_next(s, n, &i))) return i;
  }
  return 0;
}

/* One filter node for value v[0, n) of token t. */
static bg_qnode *filter_value(parser *p, const tok *t, const char *v, size_t n) {
  bg_qnode *f = node(p, t->kind, t->pos);
  if (!f) return NULL;
  if (t->kind == BG_Q_YEAR) {
    tok y = *t;
    y.s = v;
    y.n = n;
    if (year(p, &y)) {
      bg_query_free(f);
      return NULL;
    }
    f->year_lo = y.lo;
    f->year_hi = y.hi;
  } else if (text(p, f, v, n)) {
    bg_query_free(f);
    return NULL;
  }
  return f;
}

/* The filter of token t: one value, or several (region:A,B or
 * region:(A OR B)) as an OR of one filter each.  A quoted value is one
 * value, separators and all. */
static bg_qnode *filter(parser *p, const tok *t) {
  const char *key = t->kind == BG_Q_YEAR     ? "year"
                    : t->kind == BG_Q_REGION ? "region"
                                             : "report";
  if (t->group == 2) return filter_value(p, t, t->s, t->n);
  bg_qnode *res = NULL;
  size_t i = 0;
  while (i < t->n) {
    size_t sl = separator(t->s + i, t->n - i, t->group);
    if (sl) {
      i += sl;
      continue;
    }
    size_t start = i;
    while (i < t->n && !separator(t->s + i, t->n - i, t->group))
      bg_utf8_next(t->s, t->n, &i);
    const char *v = t->s + start;
    size_t vn = i - start;
    if (t->group && vn == 2 && !memcmp(v, "OR", 2)) continue;
    if (t->group && ((vn == 3 && (!memcmp(v, "AND", 3) || !memcmp(v, "NOT", 3))) ||
                     v[0] == '-')) {
      char buf[256];
      fail(p, BG_EQUERY,
           "'%s:(…)' at character %zu lists alternatives: separate them with OR "
           "or commas, not '%s'",
           key, t->pos, echo(buf, sizeof buf, v, vn));
      bg_query_free(res);
      return NULL;
    }
    bg_qnode *f = filter_value(p, t, v, vn);
    if (!f) {
      bg_query_free(res);
      return NULL;
    }
    res = res ? join(p, res, BG_Q_OR, f) : f;
    if (!res) return NULL;
  }
  if (!res)
    fail(p, BG_EQUERY, "empty value after '%s:' at character %zu", key, t->pos);
  return res;
}

static bg_qnode *primary(parser *p) {
  tok *t = &p->t;
  size_t pos = t->pos;
  bg_qnode *n;
  switch (t->type) {
  case T_FILTER:
    n = filter(p, t);
    if (!n) return NULL;
    if (lex(p)) {
      bg_query_free(n);
      return NULL;
    }
    return n;
  case T_PHRASE:
    n = node(p, BG_Q_PHRASE, pos);
    if (!n) return NULL;
    if (text(p, n, t->s, t->n)) {
      bg_query_free(n);
      return NULL;
    }
    if (lex(p)) {
      bg_query_free(n);
      return NULL;
    }
    return n;
  case T_LPAREN:
    if (++p->depth > MAX_DEPTH) {
      fail(p, BG_EQUERY, "parentheses nested deeper than %d levels at character %zu",
           MAX_DEPTH, pos);
      return NULL;
    }
    if (lex(p)) return NULL;
    if (t->type == T_EOF) {
      fail(p, BG_EQUERY, "unclosed '(' at character %zu", pos);
      return NULL;
    }
    if (t->type == T_RPAREN) {
      fail(p, BG_EQUERY, "empty group '()' at character %zu", pos);
      return NULL;
    }
    n = and_expr(p);
    if (!n) return NULL;
    if (p->t.type != T_RPAREN) { /* and_expr stopped at the end */
      fail(p, BG_EQUERY, "unclosed '(' at character %zu", pos);
      bg_query_free(n);
      return NULL;
    }
    p->depth--;
    if (lex(p)) {
      bg_query_free(n);
      return NULL;
    }
    return n;
  case T_RPAREN:
    fail(p, BG_EQUERY, "unexpected ')' at character %zu", pos);
    return NULL;
  case T_OR:
  case T_AND:
    fail(p, BG_EQUERY, "%s at character %zu needs a term on each side",
         t->type == T_OR ? "OR" : "AND", pos);
    return NULL;
  default: /* callers only get here after an operator that checked */
    fail(p, BG_EQUERY, "query ends too early at character %zu", pos);
    return NULL;
  }
}

static bg_qnode *unary(parser *p) {
  tok *t = &p->t;
  if (t->type != T_NOT && t->type != T_NEG) return primary(p);
  int is_not = t->type == T_NOT;
  size_t pos = t->pos;
  if (lex(p)) return NULL;
  if (t->type == T_NOT || t->type == T_NEG) {
    fail(p, BG_EQUERY, "double exclusion at character %zu; remove one of them", pos);
    return NULL;
  }
  if (is_not && !starts_term(t->type)) {
    fail(p, BG_EQUERY, "NOT at character %zu needs a term after it", pos);
    return NULL;
  }
  bg_qnode *kid = primary(p);
  if (!kid) return NULL;
  if (kid->kind == BG_Q_NOT) {
    bg_query_free(kid);
    fail(p, BG_EQUERY, "double exclusion at character %zu; remove one of them", pos);
    return NULL;
  }
  bg_qnode *n = node(p, BG_Q_NOT, pos);
  if (!n) {
    bg_query_free(kid);
    return NULL;
  }
  if (add(p, n, kid)) {
    bg_query_free(n);
    return NULL;
  }
  return n;
}

/* Joins kid onto *res under a node of kind, created when *res is not one
 * already; takes kid over, and frees both on failure. */
static bg_qnode *join(parser *p, bg_qnode *res, bg_qkind kind, bg_qnode *kid) {
  if (res->kind != kind) {
    bg_qnode *n = node(p, kind, res->pos);
    if (!n || add(p, n, res)) {
      if (!n) bg_query_free(res);
      bg_query_free(n);
      bg_query_free(kid);
      return NULL;
    }
    res = n;
  }
  if (add(p, res, kid)) {
    bg_query_free(res);
    return NULL;
  }
  return res;
}

static bg_qnode *or_expr(parser *p) {
  tok *t = &p->t;
  bg_qnode *res = unary(p);
  while (res && t->type == T_OR) {
    size_t pos = t->pos;
    bg_qnode *kid;
    if (lex(p) == 0 && !starts_term(t->type))
      fail(p, BG_EQUERY, "OR at character %zu needs a term on each side", pos);
    if (p->rc || !(kid = unary(p))) {
      bg_query_free(res);
      return NULL;
    }
    res = join(p, res, BG_Q_OR, kid);
  }
  return res;
}

static bg_qnode *and_expr(parser *p) {
  tok *t = &p->t;
  bg_qnode *res = or_expr(p);
  while (res && t->type != T_EOF && t->type != T_RPAREN) {
    bg_qnode *kid;
    if (t->type == T_AND) {
      size_t pos = t->pos;
      if (lex(p) == 0 && !starts_term(t->type))
        fail(p, BG_EQUERY, "AND at character %zu needs a term on each side", pos);
    }
    if (p->rc || !(kid = or_expr(p))) {
      bg_query_free(res);
      return NULL;
    }
    res = join(p, res, BG_Q_AND, kid);
  }
  return res;
}

int bg_query_parse(const char *q, size_t len, bg_qnode **out, bg_err *err) {
  if (!out || (!q && len))
    return bg_err_set(err, BG_EINVAL, "bg_query_parse: NULL argument");
  *out = NULL;
  if (!q) q = "";
  size_t bad, i = 0, cp = 0;
  if (!bg_utf8_valid(q, len, &bad))
    return bg_err_set(err, BG_EQUERY, "invalid UTF-8 at byte %zu", bad + 1);
  int empty = 1;
  while (i < len) {
    uint32_t c = bg_utf8_next(q, len, &i);
    cp++;
    /* NUL would cut the NUL-terminated node text short. */
    if (c == 0) return bg_err_set(err, BG_EQUERY, "NUL character at character %zu", cp);
    if (!bg_query_space(c)) empty = 0;
  }
  if (empty) return bg_err_set(err, BG_EQUERY, "empty query");

  parser p = {.q = q, .len = len, .err = err};
  bg_units_init(&p.units);
  bg_qnode *root = NULL;
  if (lex(&p) == 0) root = and_expr(&p);
  if (root && p.t.type != T_EOF) /* and_expr stops at EOF or ')' */
    fail(&p, BG_EQUERY, "unexpected ')' at character %zu", p.t.pos);
  bg_units_reset(&p.units);
  if (p.rc) {
    bg_query_free(root);
    return p.rc;
  }
  *out = root;
  return BG_OK;
}

void bg_query_free(bg_qnode *n) {
  if (!n) return;
  for (size_t k = 0; k < n->nkids; k++) bg_query_free(n->kids[k]);
  free(n->kids);
  free(n->text);
  free(n);
}

/* ---- describe ------------------------------------------------------------ */

typedef struct {
  char *s;
  size_t n, cap;
  int oom;
} buf;

static void put(buf *b, const char *s, size_t n) {
  if (b->oom) return;
  if (b->n + n + 1 > b->cap) {
    size_t c = b->cap ? b->cap : 64;
    while (c < b->n + n + 1) c *= 2;
    char *r = bg_realloc(b->s, c);
    if (!r) {
      b->oom = 1;
      return;
    }
    b->s = r;
    b->cap = c;
  }
  memcpy(b->s + b->n, s, n);
  b->n += n;
  b->s[b->n] = '\0';
}

static void puts_(buf *b, const char *s) { put(b, s, strlen(s)); }

static void quote(buf *b, const char *s, size_t n) {
  put(b, "\"", 1);
  for (size_t k = 0; k < n; k++) {
    if (s[k] == '"' || s[k] == '\\') put(b, "\\", 1);
    put(b, s + k, 1);
  }
  put(b, "\"", 1);
}

/* A filter value goes bare when the parser would read it back as one. */
static void value(buf *b, const char *s, size_t n) {
  int bare = n > 0;
  for (size_t i = 0; bare && i < n;) {
    uint32_t c = bg_utf8_next(s, n, &i);
    if (bg_query_space(c) || c == '(' || c == ')' || c == '"' || c == '\\' ||
        c == ',' || c == 0xFF0C || c == 0x3001)
      bare = 0;
  }
  if (bare)
    put(b, s, n);
  else
    quote(b, s, n);
}

static void describe(buf *b, const bg_qnode *n) {
  char tmp[64];
  switch (n->kind) {
  case BG_Q_PHRASE:
    quote(b, n->text, n->len);
    return;
  case BG_Q_AND:
  case BG_Q_OR:
  case BG_Q_NOT:
    puts_(b, n->kind == BG_Q_AND ? "(AND" : n->kind == BG_Q_OR ? "(OR" : "(NOT");
    for (size_t k = 0; k < n->nkids; k++) {
      put(b, " ", 1);
      describe(b, n->kids[k]);
    }
    put(b, ")", 1);
    return;
  case BG_Q_YEAR:
    if (n->year_lo == n->year_hi)
      snprintf(tmp, sizeof tmp, "year:%d", n->year_lo);
    else if (n->year_lo == BG_YEAR_MIN && n->year_hi != BG_YEAR_MAX)
      snprintf(tmp, sizeof tmp, "year:..%d", n->year_hi);
    else if (n->year_hi == BG_YEAR_MAX && n->year_lo != BG_YEAR_MIN)
      snprintf(tmp, sizeof tmp, "year:%d..", n->year_lo);
    else
      snprintf(tmp, sizeof tmp, "year:%d..%d", n->year_lo, n->year_hi);
    puts_(b, tmp);
    return;
  case BG_Q_REGION:
  case BG_Q_REPORT:
    puts_(b, n->kind == BG_Q_REGION ? "region:" : "report:");
    value(b, n->text ? n->text : "", n->text ? n->len : 0);
    return;
  }
  puts_(b, "?");
}

char *bg_query_describe(const bg_qnode *n) {
  buf b = {0};
  put(&b, "", 0);
  if (n) describe(&b, n);
  if (b.oom) {
    free(b.s);
    return NULL;
  }
  return b.s;
}
