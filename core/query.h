/*
 * query.h - the query language, parsed into a syntax tree.
 *
 *   高质量发展 招商引资        both (AND; an explicit AND is allowed too)
 *   稳中求进 OR 稳中有进       either (OR binds tighter than AND)
 *   发展 -经济   发展 NOT 经济  exclusion
 *   (A OR B) C                 grouping with ASCII parentheses
 *   "made in china"            one phrase, everything inside taken literally
 *   year:2023  year:2018..2023  year:..1990  year:2018..
 *   region:广东省  report:2023_济南市钢城区
 *
 * The parser works on the raw query text and knows nothing of the index.
 * Positions in messages are 1-based character (code point) positions.
 *
 * Precise rules:
 *   - terms are separated by whitespace (ASCII and Unicode separators such
 *     as U+3000); ASCII ( ) are operators anywhere outside quotes, so
 *     发展(经济) is 发展 AND 经济; full-width （） and Chinese quotes are text;
 *   - OR, AND, NOT are operators only as exact uppercase standalone words;
 *     NOT and a leading '-' bind tightest, then OR, then AND:
 *     A NOT B OR C = (AND A (OR (NOT B) C));
 *   - a '"' anywhere outside a phrase starts one (ab"c d" = ab AND "c d");
 *     inside quotes everything is text; there is no escape character;
 *   - '-' starting a term excludes it; '-' inside a word is text (a-b);
 *     after '-' the word is always a term (-OR excludes the word OR);
 *   - year: region: report: start filters, the key in any ASCII case and
 *     its colon ASCII or full-width (Year：2025); a filter value runs to
 *     whitespace, a parenthesis or a quote, or is quoted whole
 *     (region:"内蒙古 自治区");
 *   - several values are alternatives: region:广东省,江苏省 (commas ASCII
 *     or full-width, or 、) and region:(广东省 OR 江苏省) (values separated
 *     by OR, commas or spaces) both mean (region:广东省 OR region:江苏省);
 *     a quoted value is one value.
 */
#ifndef BG_QUERY_H
#define BG_QUERY_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

typedef enum {
  BG_Q_PHRASE, /* text: the phrase as typed (quotes removed) */
  BG_Q_AND,    /* kids: 2 or more, none an AND; NOT kids are exclusions */
  BG_Q_OR,     /* kids: 2 or more, none an OR */
  BG_Q_NOT,    /* kids: exactly 1, never a NOT; may be the root or an OR
                  kid, meaning "every paragraph without it" there */
  BG_Q_YEAR,   /* year_lo..year_hi inclusive */
  BG_Q_REGION, /* text: region name */
  BG_Q_REPORT  /* text: report id */
} bg_qkind;

#define BG_YEAR_MIN 0
#define BG_YEAR_MAX 9999

typedef struct bg_qnode {
  bg_qkind kind;
  char *text;   /* PHRASE, REGION, REPORT: NUL-terminated UTF-8 */
  size_t len;   /* bytes of text */
  int year_lo, year_hi; /* YEAR: bounds, BG_YEAR_MIN/BG_YEAR_MAX when open */
  size_t pos;   /* 1-based character position of the node in the query:
                   a term's first character (a phrase's opening quote, a
                   NOT's NOT or '-'), an AND's or OR's first operand */
  struct bg_qnode **kids;
  size_t nkids;
} bg_qnode;

/* Parses q[0, len).  On success *out is the root (caller frees with
 * bg_query_free()).  A malformed query returns BG_EQUERY with a message
 * saying what and where: empty query, invalid UTF-8 (1-based byte
 * offset), a NUL character, unbalanced quote or parenthesis, empty group
 * or quotes, OR/AND/NOT/'-' without a term, double exclusion (--x, NOT -x),
 * a term with no searchable unit, a bad year or range, an empty filter
 * value, parentheses nested deeper than 64.  Encoding errors are found
 * first; the others come in reading order.
 * NULL out gives BG_EINVAL; err may be NULL. */
int bg_query_parse(const char *q, size_t len, bg_qnode **out, bg_err *err);

/* Frees a tree; NULL is fine. */
void bg_query_free(bg_qnode *n);

/* Whether code point c is white space between words of a query: ASCII
 * white space and the Unicode separators (U+3000, U+00A0, ...). */
int bg_query_space(uint32_t c);

/* A canonical one-line rendering for tests and debugging, e.g.
 * (AND "高质量发展" (NOT "经济") year:2018..2023 region:广东省).  Phrases are
 * quoted with '"' and '\\' escaped by a backslash; filter values are quoted
 * only when they need it.  NULL renders as "".  Caller frees; NULL when out
 * of memory. */
char *bg_query_describe(const bg_qnode *n);

#endif
