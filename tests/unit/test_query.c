/*
 * test_query.c - the query language: what parses to what, what is refused
 * with which message, and that no input crashes or leaks.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "query.h"
#include "units.h"

typedef struct {
  const char *in;
  const char *want; /* describe() of the tree, or a substring of the error */
} tcase;

static const tcase good[] = {
    /* DESIGN.md */
    {"高质量发展 招商引资", "(AND \"高质量发展\" \"招商引资\")"},
    {"稳中求进 OR 稳中有进", "(OR \"稳中求进\" \"稳中有进\")"},
    {"发展 -经济", "(AND \"发展\" (NOT \"经济\"))"},
    {"发展 NOT 经济", "(AND \"发展\" (NOT \"经济\"))"},
    {"(A OR B) C", "(AND (OR \"A\" \"B\") \"C\")"},
    {"\"made in china\"", "\"made in china\""},
    {"year:2023", "year:2023"},
    {"year:2018..2023", "year:2018..2023"},
    {"year:..1990", "year:..1990"},
    {"year:2018..", "year:2018.."},
    {"region:广东省", "region:广东省"},
    {"report:2023_济南市钢城区", "report:2023_济南市钢城区"},
    {"高质量发展 -经济 year:2018..2023 region:广东省 report:2023_x (a OR b)",
     "(AND \"高质量发展\" (NOT \"经济\") year:2018..2023 region:广东省 "
     "report:2023_x (OR \"a\" \"b\"))"},

    /* single terms and whitespace */
    {"高质量发展", "\"高质量发展\""},
    {"  高质量发展\t", "\"高质量发展\""},
    {"a\tb\nc\r\nd", "(AND \"a\" \"b\" \"c\" \"d\")"},
    {"发展\xe3\x80\x80经济", "(AND \"发展\" \"经济\")"},      /* U+3000 */
    {"发展\xc2\xa0经济", "(AND \"发展\" \"经济\")"},          /* U+00A0 */
    {"发展\xe2\x80\x83经济", "(AND \"发展\" \"经济\")"},      /* U+2003 */
    {"，", "\"，\""},
    {"GDP增长6.5%", "\"GDP增长6.5%\""},

    /* AND, OR, precedence, flattening */
    {"A AND B", "(AND \"A\" \"B\")"},
    {"A AND B C", "(AND \"A\" \"B\" \"C\")"},
    {"A B OR C", "(AND \"A\" (OR \"B\" \"C\"))"},
    {"A OR B C", "(AND (OR \"A\" \"B\") \"C\")"},
    {"A OR B OR C", "(OR \"A\" \"B\" \"C\")"},
    {"A OR (B OR C)", "(OR \"A\" \"B\" \"C\")"},
    {"(A OR B) OR C", "(OR \"A\" \"B\" \"C\")"},
    {"a (b c)", "(AND \"a\" \"b\" \"c\")"},
    {"(a b) (c (d e))", "(AND \"a\" \"b\" \"c\" \"d\" \"e\")"},
    {"(a b) OR c", "(OR (AND \"a\" \"b\") \"c\")"},
    {"a AND (b OR c) AND d", "(AND \"a\" (OR \"b\" \"c\") \"d\")"},
    {"((a))", "\"a\""},
    {"(a b)", "(AND \"a\" \"b\")"},
    {"or and not", "(AND \"or\" \"and\" \"not\")"},
    {"ORANGE ANDES NOTE", "(AND \"ORANGE\" \"ANDES\" \"NOTE\")"},

    /* parentheses are operators anywhere; full-width ones are text */
    {"发展(经济)", "(AND \"发展\" \"经济\")"},
    {"发展(经济)改革", "(AND \"发展\" \"经济\" \"改革\")"},
    {"发展（经济）", "\"发展（经济）\""},
    {"(发展)OR(改革)", "(OR \"发展\" \"改革\")"},

    /* quotes */
    {"\"a OR b (c) -d NOT e: year:2023\"", "\"a OR b (c) -d NOT e: year:2023\""},
    {"ab\"c d\"", "(AND \"ab\" \"c d\")"},
    {"\"c d\"ef", "(AND \"c d\" \"ef\")"},
    {"a\"b\"c", "(AND \"a\" \"b\" \"c\")"},
    {"\"a\"OR\"b\"", "(OR \"a\" \"b\")"},
    {"\"政 府 工 作\"", "\"政 府 工 作\""},
    {"\"a\\b\"", "\"a\\\\b\""},
    {"a\\b", "\"a\\\\b\""},
    {"“高质量发展”", "\"“高质量发展”\""},
    {"“高质量 发展”", "(AND \"“高质量\" \"发展”\")"},
    {"「改革」 ‘开放’", "(AND \"「改革」\" \"‘开放’\")"},

    /* exclusion */
    {"-经济", "(NOT \"经济\")"},
    {"NOT 经济", "(NOT \"经济\")"},
    {"-a -b", "(AND (NOT \"a\") (NOT \"b\"))"},
    {"-\"a b\"", "(NOT \"a b\")"},
    {"-(a OR b)", "(NOT (OR \"a\" \"b\"))"},
    {"-(a -b)", "(NOT (AND \"a\" (NOT \"b\")))"},
    {"NOT (a b)", "(NOT (AND \"a\" \"b\"))"},
    {"-year:2023", "(NOT year:2023)"},
    {"-region:广东省 发展", "(AND (NOT region:广东省) \"发展\")"},
    {"A NOT B OR C", "(AND \"A\" (OR (NOT \"B\") \"C\"))"},
    {"a OR -b", "(OR \"a\" (NOT \"b\"))"},
    {"a OR NOT b", "(OR \"a\" (NOT \"b\"))"},
    {"(a)-b", "(AND \"a\" (NOT \"b\"))"},
    {"\"a\"-b", "(AND \"a\" (NOT \"b\"))"},
    {"-OR", "(NOT \"OR\")"},
    {"-NOT a", "(AND (NOT \"NOT\") \"a\")"},
    {"a-b", "\"a-b\""},
    {"a-", "\"a-\""},
    {"a--", "\"a--\""},
    {"发展-经济", "\"发展-经济\""},
    {"－经济", "\"－经济\""}, /* full-width hyphen is text */

    /* filters */
    {"year:2023..2023", "year:2023"},
    {"year:0023", "year:23"},
    {"year:0..9999", "year:0..9999"},
    {"year:..9999", "year:0..9999"},
    {"year:0..", "year:0..9999"},
    {"year:1..", "year:1.."},
    {"year:\"2023\"", "year:2023"},
    {"(year:2023)", "year:2023"},
    {"year:2023\"高质量\"", "(AND year:2023 \"高质量\")"},
    {"year:2018..2023 region:广东省", "(AND year:2018..2023 region:广东省)"},
    {"region:\"内蒙古 自治区\"", "region:\"内蒙古 自治区\""},
    {"region:\"(x)\"", "region:\"(x)\""},
    {"region:a(b)", "(AND region:a \"b\")"},
    {"region:a:b", "region:a:b"},
    {"report:2023_x region:广东省 OR region:广西",
     "(AND report:2023_x (OR region:广东省 region:广西))"},
    {"year:2023 OR year:2020", "(OR year:2023 year:2020)"},

    /* colons that are not filters */
    {"http://x", "\"http://x\""},
    {"注：", "\"注：\""},
    {"xyear:2023", "\"xyear:2023\""},
    {"years:2023", "\"years:2023\""},

    /* keys in any case, full-width colons */
    {"Year:2023", "year:2023"},
    {"REGION:x", "region:x"},
    {"year：2023", "year:2023"},
    {"Report：2023_x -Region：广东省", "(AND report:2023_x (NOT region:广东省))"},

    /* several values: alternatives */
    {"region:广东省,江苏省", "(OR region:广东省 region:江苏省)"},
    {"region:广东省，江苏省、浙江省", "(OR region:广东省 region:江苏省 region:浙江省)"},
    {"region:(广东省 OR 江苏省)", "(OR region:广东省 region:江苏省)"},
    {"region:(广东省, 江苏省 浙江省)", "(OR region:广东省 region:江苏省 region:浙江省)"},
    {"region:(b)", "region:b"},
    {"a -region:b,c", "(AND \"a\" (NOT (OR region:b region:c)))"},
    {"year:2019,2021..2022", "(OR year:2019 year:2021..2022)"},
    {"region:\"a,b\"", "region:\"a,b\""},
    {"region:a,", "region:a"},
    {":", "\":\""},
};

static const tcase bad[] = {
    /* empty */
    {"", "empty query"},
    {"   ", "empty query"},
    {"\t\n\xe3\x80\x80", "empty query"},

    /* encoding */
    {"\xff", "invalid UTF-8 at byte 1"},
    {"ab\xe5\x8f", "invalid UTF-8 at byte 3"},
    {"\xc0\xaf", "invalid UTF-8 at byte 1"},       /* overlong */
    {"a \xed\xa0\x80", "invalid UTF-8 at byte 3"}, /* surrogate */
    {"发展\xff", "invalid UTF-8 at byte 7"},

    /* quotes */
    {"发展 经济 \"高质量",
     "unbalanced quote: the quote at character 7 is never closed"},
    {"\"", "unbalanced quote: the quote at character 1 is never closed"},
    {"\"a\" \"b\" \"", "the quote at character 9 is never closed"},
    {"ab\"c", "the quote at character 3 is never closed"},
    {"\"\"", "empty quotes at character 1"},
    {"a \"\" b", "empty quotes at character 3"},
    {"-\"\"", "empty quotes at character 2"},

    /* parentheses */
    {"(a b", "unclosed '(' at character 1"},
    {"((a)", "unclosed '(' at character 1"},
    {"a (b (c)", "unclosed '(' at character 3"},
    {"发展(", "unclosed '(' at character 3"},
    {"a b)", "unexpected ')' at character 4"},
    {")", "unexpected ')' at character 1"},
    {") a", "unexpected ')' at character 1"},
    {"(a))", "unexpected ')' at character 4"},
    {"()", "empty group '()' at character 1"},
    {"a ( ) b", "empty group '()' at character 3"},
    {"a (()) b", "empty group '()' at character 4"},

    /* OR / AND */
    {"OR a", "OR at character 1 needs a term on each side"},
    {"a OR", "OR at character 3 needs a term on each side"},
    {"OR", "OR at character 1 needs a term on each side"},
    {"a OR OR b", "OR at character 3 needs a term on each side"},
    {"(OR a)", "OR at character 2 needs a term on each side"},
    {"(a OR)", "OR at character 4 needs a term on each side"},
    {"a OR ) b", "OR at character 3 needs a term on each side"},
    {"a OR AND b", "OR at character 3 needs a term on each side"},
    {"AND a", "AND at character 1 needs a term on each side"},
    {"a AND", "AND at character 3 needs a term on each side"},
    {"a AND AND b", "AND at character 3 needs a term on each side"},
    {"a AND OR b", "AND at character 3 needs a term on each side"},
    {"(AND a)", "AND at character 2 needs a term on each side"},
    {"(a AND)", "AND at character 4 needs a term on each side"},
    {"a(OR)b", "OR at character 3 needs a term on each side"},
    {"发展 OR", "OR at character 4 needs a term on each side"},

    /* NOT / - */
    {"NOT", "NOT at character 1 needs a term after it"},
    {"a NOT", "NOT at character 3 needs a term after it"},
    {"(a NOT)", "NOT at character 4 needs a term after it"},
    {"a NOT OR b", "NOT at character 3 needs a term after it"},
    {"a NOT AND b", "NOT at character 3 needs a term after it"},
    {"-",
     "'-' at character 1 must be followed by a term to exclude; quote it to search "
     "for a dash"},
    {"a - b", "'-' at character 3 must be followed by a term to exclude"},
    {"a -", "'-' at character 3 must be followed by a term"},
    {"(a -)", "'-' at character 4 must be followed by a term"},
    {"a -\xe3\x80\x80" "b", "'-' at character 3 must be followed by a term"},
    {"--x", "double exclusion '--' at character 1"},
    {"a --", "double exclusion '--' at character 3"},
    {"---", "double exclusion '--' at character 1"},
    {"NOT NOT a", "double exclusion at character 1"},
    {"NOT -a", "double exclusion at character 1"},
    {"-(-a)", "double exclusion at character 1"},
    {"a NOT (NOT b)", "double exclusion at character 3"},
    {"-(", "unclosed '(' at character 2"},

    /* nothing searchable */
    {"\xe2\x80\x8b", "nothing searchable in '<U+200B>' at character 1"},
    {"a \xe2\x80\x8b\xe2\x80\x8b",
     "nothing searchable in '<U+200B><U+200B>' at character 3"},
    {"\"   \"", "nothing searchable in '   ' at character 1"},
    {"a \"\xe3\x80\x80\"", "nothing searchable in '<U+3000>' at character 3"},
    {"-\x01", "nothing searchable in '<U+0001>' at character 2"},

    /* years */
    {"year:abc", "bad year 'abc' at character 1"},
    {"a year:20231", "bad year '20231' at character 3"},
    {"year:..", "bad year '..' at character 1"},
    {"year:2018...2023", "bad year '2018...2023'"},
    {"year:2018..2023..2025", "bad year"},
    {"year:-1", "bad year '-1'"},
    {"year:２０２３", "bad year"},
    {"year:2023.", "bad year"},
    {"year:2023..2018", "year range 2023..2018 is reversed at character 1"},
    {"a -year:2023..2018", "year range 2023..2018 is reversed at character 4"},

    /* empty filter values */
    {"year:", "empty value after 'year:' at character 1"},
    {"region:", "empty value after 'region:' at character 1"},
    {"发展 report:", "empty value after 'report:' at character 4"},
    {"region:()", "empty value after 'region:' at character 1"},
    {"region:,", "empty value after 'region:' at character 1"},
    {"region:(b", "unclosed '(' at character 8 after 'region:'"},
    {"region:(a AND b)", "lists alternatives: separate them with OR or commas, not 'AND'"},
    {"region:(a -b)", "not '-b'"},
    {"region:(a \"b\")", "without quotes or parentheses"},
    {"year:2019,x", "bad year 'x'"},
    {"region:\"\"", "empty value after 'region:' at character 1"},
    {"region:\" \"", "empty value after 'region:' at character 1"},
    {"region:\"广东", "the quote at character 8 is never closed"},

    /* other */
    /* errors come in reading order */
    {") \"abc", "unexpected ')' at character 1"},
    {"\"abc OR", "the quote at character 1 is never closed"},
};

/* Checks the invariants the rest of the engine relies on. */
static void check_tree(const bg_qnode *n, int depth) {
  assert_non_null(n);
  assert_true(depth < 200);
  assert_true(n->pos >= 1);
  switch (n->kind) {
  case BG_Q_PHRASE:
  case BG_Q_REGION:
  case BG_Q_REPORT:
    assert_non_null(n->text);
    assert_true(n->len > 0);
    assert_int_equal(strlen(n->text), n->len);
    assert_int_equal(n->nkids, 0);
    break;
  case BG_Q_AND:
  case BG_Q_OR:
    assert_true(n->nkids >= 2);
    for (size_t k = 0; k < n->nkids; k++) {
      assert_int_not_equal(n->kids[k]->kind, n->kind); /* flattened */
      check_tree(n->kids[k], depth + 1);
    }
    break;
  case BG_Q_NOT:
    assert_int_equal(n->nkids, 1);
    assert_int_not_equal(n->kids[0]->kind, BG_Q_NOT);
    check_tree(n->kids[0], depth + 1);
    break;
  case BG_Q_YEAR:
    assert_true(BG_YEAR_MIN <= n->year_lo);
    assert_true(n->year_lo <= n->year_hi);
    assert_true(n->year_hi <= BG_YEAR_MAX);
    break;
  default:
    fail_msg("unknown kind %d", (int)n->kind);
  }
}

static void test_good(void **state) {
  (void)state;
  for (size_t k = 0; k < sizeof good / sizeof good[0]; k++) {
    bg_qnode *n = NULL;
    bg_err err = {0};
    int rc = bg_query_parse(good[k].in, strlen(good[k].in), &n, &err);
    if (rc != 0) fail_msg("'%s': unexpected error: %s", good[k].in, bg_err_msg(&err));
    check_tree(n, 0);
    char *d = bg_query_describe(n);
    assert_non_null(d);
    if (strcmp(d, good[k].want))
      fail_msg("'%s'\n  got  %s\n  want %s", good[k].in, d, good[k].want);
    free(d);
    bg_query_free(n);
  }
}

static void test_bad(void **state) {
  (void)state;
  for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
    size_t len = strlen(bad[k].in);
    bg_qnode *n = (bg_qnode *)1;
    bg_err err = {0};
    int rc = bg_query_parse(bad[k].in, len, &n, &err);
    if (rc != BG_EQUERY) {
      char *d = rc == 0 ? bg_query_describe(n) : NULL;
      fail_msg("'%s': rc %d, parsed as %s", bad[k].in, rc, d ? d : "-");
    }
    assert_null(n);
    assert_int_equal(err.code, BG_EQUERY);
    if (!strstr(err.msg, bad[k].want))
      fail_msg("'%s'\n  got  %s\n  want ...%s...", bad[k].in, err.msg, bad[k].want);
  }
}

static bg_qnode *parse_ok(const char *q) {
  bg_qnode *n = NULL;
  bg_err err = {0};
  if (bg_query_parse(q, strlen(q), &n, &err)) fail_msg("'%s': %s", q, err.msg);
  return n;
}

static void test_positions(void **state) {
  (void)state;
  bg_qnode *n = parse_ok("发展 \"a b\" -经济 year:2023 (c OR d)");
  assert_int_equal(n->kind, BG_Q_AND);
  assert_int_equal(n->nkids, 5);
  assert_int_equal(n->pos, 1);
  assert_int_equal(n->kids[0]->pos, 1);
  assert_int_equal(n->kids[1]->pos, 4); /* the opening quote */
  assert_string_equal(n->kids[1]->text, "a b");
  assert_int_equal(n->kids[2]->pos, 10); /* the '-' */
  assert_int_equal(n->kids[2]->kids[0]->pos, 11);
  assert_int_equal(n->kids[3]->pos, 14);
  assert_int_equal(n->kids[3]->year_lo, 2023);
  assert_int_equal(n->kids[3]->year_hi, 2023);
  assert_int_equal(n->kids[4]->kind, BG_Q_OR);
  assert_int_equal(n->kids[4]->pos, 25);
  bg_query_free(n);

  n = parse_ok("year:..1990");
  assert_int_equal(n->year_lo, BG_YEAR_MIN);
  assert_int_equal(n->year_hi, 1990);
  bg_query_free(n);
  n = parse_ok("year:2018..");
  assert_int_equal(n->year_lo, 2018);
  assert_int_equal(n->year_hi, BG_YEAR_MAX);
  bg_query_free(n);
}

static void test_depth(void **state) {
  (void)state;
  char q[512];
  size_t o = 0;
  for (int k = 0; k < 64; k++) q[o++] = '(';
  q[o++] = 'a';
  for (int k = 0; k < 64; k++) q[o++] = ')';
  bg_qnode *n = NULL;
  bg_err err = {0};
  assert_int_equal(bg_query_parse(q, o, &n, &err), 0);
  assert_int_equal(n->kind, BG_Q_PHRASE);
  bg_query_free(n);

  o = 0;
  for (int k = 0; k < 65; k++) q[o++] = '(';
  q[o++] = 'a';
  for (int k = 0; k < 65; k++) q[o++] = ')';
  assert_int_equal(bg_query_parse(q, o, &n, &err), BG_EQUERY);
  assert_null(n);
  assert_non_null(strstr(err.msg, "deeper than 64 levels at character 65"));

  /* a hostile query: a megabyte of '(' and '-(' */
  size_t big = 1 << 20;
  char *h = malloc(big);
  assert_non_null(h);
  for (size_t k = 0; k < big; k++) h[k] = k % 2 ? '(' : '-';
  assert_int_equal(bg_query_parse(h, big, &n, &err), BG_EQUERY);
  assert_null(n);
  free(h);
}

static void test_long(void **state) {
  (void)state;
  /* long flat queries stay linear: 100k terms, 100k ORs */
  size_t terms = 100000;
  char *q = malloc(terms * 5 + 1);
  assert_non_null(q);
  size_t o = 0;
  for (size_t k = 0; k < terms; k++)
    o += (size_t)sprintf(q + o, "%s ", k % 2 ? "发" : "a");
  bg_qnode *n = NULL;
  bg_err err = {0};
  assert_int_equal(bg_query_parse(q, o, &n, &err), 0);
  assert_int_equal(n->kind, BG_Q_AND);
  assert_int_equal(n->nkids, terms);
  char *d = bg_query_describe(n);
  assert_non_null(d);
  free(d);
  bg_query_free(n);

  o = 0;
  for (size_t k = 0; k < terms; k++) o += (size_t)sprintf(q + o, "%sa", k ? " OR " : "");
  assert_int_equal(bg_query_parse(q, o, &n, &err), 0);
  assert_int_equal(n->kind, BG_Q_OR);
  assert_int_equal(n->nkids, terms);
  bg_query_free(n);
  free(q);
}

static void test_describe(void **state) {
  (void)state;
  /* text the parser never produces still renders unambiguously */
  bg_qnode kid = {.kind = BG_Q_PHRASE, .text = "say \"hi\" \\o/", .len = 12, .pos = 1};
  char *d = bg_query_describe(&kid);
  assert_string_equal(d, "\"say \\\"hi\\\" \\\\o/\"");
  free(d);
  bg_qnode reg = {.kind = BG_Q_REGION, .text = "a\"b", .len = 3, .pos = 1};
  d = bg_query_describe(&reg);
  assert_string_equal(d, "region:\"a\\\"b\"");
  free(d);
  d = bg_query_describe(NULL);
  assert_string_equal(d, "");
  free(d);
  bg_query_free(NULL);

  /* NULL arguments */
  bg_err err = {0};
  bg_qnode *n = (bg_qnode *)1;
  assert_int_equal(bg_query_parse(NULL, 0, &n, &err), BG_EQUERY);
  assert_null(n);
  assert_string_equal(err.msg, "empty query");
  assert_int_equal(bg_query_parse("a", 1, NULL, &err), BG_EINVAL);
  assert_int_equal(bg_query_parse("a", 1, &n, NULL), 0); /* err is optional */
  bg_query_free(n);
  assert_int_equal(bg_query_parse("(", 1, &n, NULL), BG_EQUERY);
  assert_null(n);

  /* long user text is cut short in messages */
  char q[1024];
  size_t o = 0;
  q[o++] = '"';
  for (int k = 0; k < 100; k++) o += (size_t)sprintf(q + o, "\xe2\x80\x8b");
  q[o++] = '"';
  assert_int_equal(bg_query_parse(q, o, &n, &err), BG_EQUERY);
  assert_non_null(strstr(err.msg, "<U+200B>\xe2\x80\xa6' at character 1"));
  assert_true(strlen(err.msg) < 400);

  /* NUL would cut node text short */
  assert_int_equal(bg_query_parse("a\0b", 3, &n, &err), BG_EQUERY);
  assert_null(n);
  assert_string_equal(err.msg, "NUL character at character 2");
}

/* Random strings of tricky pieces: the parser must never crash or leak,
 * every error must explain itself, every tree must be well formed. */
static void test_random(void **state) {
  (void)state;
  static const char *pieces[] = {"(",      ")",  "\"", "-",  "OR",   "NOT", "AND",
                                 "year:",  "..", "region:", " ", "发展", "（", "”",
                                 "\xff",   ":",  "2023", "a", "\xe3\x80\x80", "\\",
                                 "report:", "\xe2\x80\x8b"};
  size_t np = sizeof pieces / sizeof pieces[0];
  uint32_t seed = 12345;
  size_t ok = 0, errors = 0;
  for (int iter = 0; iter < 20000; iter++) {
    char q[256];
    size_t o = 0;
    seed = seed * 1103515245u + 12345u;
    int count = (int)((seed >> 16) % 14) + 1;
    for (int k = 0; k < count; k++) {
      seed = seed * 1103515245u + 12345u;
      const char *p = pieces[(seed >> 16) % np];
      size_t l = strlen(p);
      memcpy(q + o, p, l);
      o += l;
    }
    bg_qnode *n = NULL;
    bg_err err = {0};
    int rc = bg_query_parse(q, o, &n, &err);
    if (rc == 0) {
      ok++;
      check_tree(n, 0);
      char *d = bg_query_describe(n);
      assert_non_null(d);
      assert_true(strlen(d) > 0);
      free(d);
      bg_query_free(n);
    } else {
      errors++;
      assert_int_equal(rc, BG_EQUERY);
      assert_null(n);
      assert_true(strlen(err.msg) > 0);
    }
  }
  /* the alphabet exercises both outcomes */
  assert_true(ok > 1000);
  assert_true(errors > 1000);
}

/* A message longer than its buffer is cut at a character boundary with an
 * ellipsis: it stays valid UTF-8 (JSON refuses anything else). */
static void test_error_cut(void **state) {
  (void)state;
  for (size_t lead = 0; lead < 4; lead++) {
    char text[3000];
    memset(text, 'a', lead);
    size_t n = lead;
    while (n + 3 < sizeof text - 1) {
      memcpy(text + n, "\xe7\x9c\x81", 3); /* 省 */
      n += 3;
    }
    text[n] = '\0';
    bg_err e;
    bg_err_set(&e, BG_EQUERY, "bad region '%s'", text);
    size_t len = strlen(e.msg), bad;
    assert_true(len < sizeof e.msg);
    assert_true(bg_utf8_valid(e.msg, len, &bad));
    assert_string_equal(e.msg + len - 3, "\xe2\x80\xa6");
    bg_err_prefix(&e, "query %s", text);
    len = strlen(e.msg);
    assert_true(bg_utf8_valid(e.msg, len, &bad));
    assert_string_equal(e.msg + len - 3, "\xe2\x80\xa6");
  }
  bg_err e;
  bg_err_set(&e, BG_EQUERY, "short %s", "省");
  assert_string_equal(e.msg, "short 省");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_good),     cmocka_unit_test(test_bad),
      cmocka_unit_test(test_positions), cmocka_unit_test(test_depth),
      cmocka_unit_test(test_long),     cmocka_unit_test(test_describe),
      cmocka_unit_test(test_random),   cmocka_unit_test(test_error_cut),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
