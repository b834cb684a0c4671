/*
 * test_compare.c - report diff on reports in memory: the alignment against
 * a brute-force dynamic programme on random weights, new and gone phrases
 * (maximal ones, counts, absence), a small report reworded by hand (pairs
 * with predecessors, only in A / only in B, diffs rebuilding both texts,
 * the JSON form), a report compared with itself, and random reports built
 * by editing one another (monotonic pairs, every kept paragraph with its
 * original, exact rebuilds).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "compare.h"
#include "json.h"
#include "similarity.h"

/* ---- alignment ---- */

static int cmp_ij(const void *pa, const void *pb) {
  const bg_align_cand *a = pa, *b = pb;
  if (a->i != b->i) return a->i < b->i ? -1 : 1;
  return a->j < b->j ? -1 : a->j > b->j;
}

static void test_align_random(void **state) {
  (void)state;
  srand(3);
  enum { MAXN = 12 };
  for (int k = 0; k < 3000; k++) {
    size_t na = 1 + (size_t)rand() % MAXN, nb = 1 + (size_t)rand() % MAXN;
    double w[MAXN][MAXN] = {{0}};
    bg_align_cand c[MAXN * MAXN];
    size_t n = 0;
    for (size_t i = 0; i < na; i++)
      for (size_t j = 0; j < nb; j++)
        if (rand() % 3 == 0) {
          w[i][j] = (1 + rand() % 100) / 100.0;
          c[n++] = (bg_align_cand){(uint32_t)i, (uint32_t)j, w[i][j]};
        }
    qsort(c, n, sizeof *c, cmp_ij);
    /* brute force: the classic O(na nb) programme */
    double f[MAXN + 1][MAXN + 1] = {{0}};
    for (size_t i = 1; i <= na; i++)
      for (size_t j = 1; j <= nb; j++) {
        double v = f[i - 1][j] > f[i][j - 1] ? f[i - 1][j] : f[i][j - 1];
        if (w[i - 1][j - 1] > 0 && f[i - 1][j - 1] + w[i - 1][j - 1] > v)
          v = f[i - 1][j - 1] + w[i - 1][j - 1];
        f[i][j] = v;
      }
    size_t *ch = NULL, nch = 0;
    assert_int_equal(bg_align(c, n, &ch, &nch), 0);
    double total = 0;
    for (size_t x = 0; x < nch; x++) {
      assert_true(ch[x] < n);
      total += c[ch[x]].w;
      if (x > 0) {
        assert_true(c[ch[x]].i > c[ch[x - 1]].i);
        assert_true(c[ch[x]].j > c[ch[x - 1]].j);
      }
    }
    assert_float_equal(total, f[na][nb], 1e-9);
    free(ch);
  }
  size_t *ch = NULL, nch = 7;
  assert_int_equal(bg_align(NULL, 0, &ch, &nch), 0);
  assert_int_equal(nch, 0);
  free(ch);
}

/* ---- reports in memory ---- */

static bg_doc_text *doc(const char *id, const char *const *paras, size_t n) {
  bg_doc_text *t = calloc(1, sizeof *t);
  assert_non_null(t);
  t->id = strdup(id);
  t->region = strdup("");
  t->para = calloc(n + 1, sizeof *t->para);
  t->len = calloc(n + 1, sizeof *t->len);
  t->level = calloc(n + 1, sizeof *t->level);
  for (size_t i = 0; i < n; i++) {
    t->para[i] = strdup(paras[i]);
    t->len[i] = strlen(paras[i]);
  }
  t->npara = n;
  return t;
}

/* Checks that every pair's diff rebuilds both paragraphs, that pairs
 * increase in both reports, and that pairs and only_a / only_b cover each
 * paragraph exactly once. */
static void check_result(const bg_compare_result *c) {
  uint8_t *seen_a = calloc(c->a->npara + 1, 1),
          *seen_b = calloc(c->b->npara + 1, 1);
  for (size_t k = 0; k < c->npairs; k++) {
    const bg_compare_pair *p = &c->pairs[k];
    if (k > 0) {
      assert_true(p->a_para > c->pairs[k - 1].a_para);
      assert_true(p->b_para > c->pairs[k - 1].b_para);
    }
    assert_true(p->a_para >= 1 && p->a_para <= c->a->npara);
    assert_true(p->b_para >= 1 && p->b_para <= c->b->npara);
    seen_a[p->a_para - 1]++;
    seen_b[p->b_para - 1]++;
    const char *a = c->a->para[p->a_para - 1], *b = c->b->para[p->b_para - 1];
    size_t la = 0, lb = 0;
    for (size_t i = 0; i < p->ndiff; i++) {
      const bg_diff_piece *d = &p->diff[i];
      if (d->op != '+') {
        assert_int_equal(d->a_off, la);
        la += d->len;
      }
      if (d->op != '-') {
        assert_int_equal(d->b_off, lb);
        lb += d->len;
      }
      if (d->op == '=') assert_memory_equal(a + d->a_off, b + d->b_off, d->len);
    }
    assert_int_equal(la, strlen(a));
    assert_int_equal(lb, strlen(b));
    double s;
    assert_int_equal(bg_similarity(a, strlen(a), b, strlen(b), &s), 0);
    assert_float_equal(p->similarity, s, 1e-12);
  }
  for (size_t k = 0; k < c->nonly_a; k++)
    seen_a[c->only_a[k] - 1]++;
  for (size_t k = 0; k < c->nonly_b; k++)
    seen_b[c->only_b[k] - 1]++;
  for (size_t i = 0; i < c->a->npara; i++)
    assert_int_equal(seen_a[i], 1);
  for (size_t j = 0; j < c->b->npara; j++)
    assert_int_equal(seen_b[j], 1);
  free(seen_a);
  free(seen_b);
}

static const char *const paras_a[] = {
    "2024年政府工作报告",
    "一、2023年工作回顾",
    "过去一年，我们坚持稳中求进工作总基调，全市经济运行稳中向好。",
    "招商引资取得新成效，全年引进项目七十三个，总投资超过一百亿元。",
    "老旧小区改造完成四十个，新增城市绿地一百二十公顷。",
    "二、2024年工作安排",
    "推动高质量发展，加快发展新质生产力，培育壮大战略性新兴产业。",
    "各位代表！",
};

static const char *const paras_b[] = {
    "2025年政府工作报告",
    "一、2024年工作回顾",
    "过去一年，我们坚持稳中求进工作总基调，全市经济运行稳中有进。",
    "老旧小区改造完成五十个，新增城市绿地一百三十公顷。",
    "低空经济起步发展，无人机产业园建成投用。",
    "二、2025年工作安排",
    "推动高质量发展，因地制宜发展新质生产力，培育壮大战略性新兴产业和未来产业"
    "。",
    "各位代表！",
};

static void test_reworded(void **state) {
  (void)state;
  bg_compare_result *c = NULL;
  bg_err err = {0};
  int rc = bg_compare_docs(doc("2024_甲市", paras_a, 8),
                           doc("2025_甲市", paras_b, 8), NULL, &c, &err);
  if (rc) fail_msg("%s", bg_err_msg(&err));
  check_result(c);
  /* every paragraph pairs with its predecessor, but the dropped one
   * (招商引资) and the new one (低空经济) */
  static const uint32_t want[][2] = {{1, 1}, {2, 2}, {3, 3}, {5, 4},
                                     {6, 6}, {7, 7}, {8, 8}};
  assert_int_equal(c->npairs, 7);
  for (size_t k = 0; k < 7; k++) {
    assert_int_equal(c->pairs[k].a_para, want[k][0]);
    assert_int_equal(c->pairs[k].b_para, want[k][1]);
  }
  assert_int_equal(c->nonly_a, 1);
  assert_int_equal(c->only_a[0], 4);
  assert_int_equal(c->nonly_b, 1);
  assert_int_equal(c->only_b[0], 5);
  assert_true(c->pairs[6].similarity == 1.0);
  /* JSON: exactly the promised keys; pieces as [op, text] */
  json_t *j = bg_json_compare(c);
  assert_non_null(j);
  assert_int_equal(json_object_size(j), 7);
  const char *keys[] = {"a",      "b",           "pairs",       "only_a",
                        "only_b", "new_phrases", "gone_phrases"};
  for (size_t k = 0; k < 7; k++)
    assert_non_null(json_object_get(j, keys[k]));
  assert_string_equal(json_string_value(json_object_get(j, "a")), "2024_甲市");
  json_t *p0 = json_array_get(json_object_get(j, "pairs"), 0);
  assert_int_equal(json_integer_value(json_object_get(p0, "a_para")), 1);
  json_t *d0 = json_object_get(p0, "diff");
  char *dump = bg_json_dump(d0);
  assert_string_equal(dump,
                      "[[\"=\", \"202\"], [\"-\", \"4\"], [\"+\", \"5\"], "
                      "[\"=\", \"年政府工作报告\"]]\n");
  free(dump);
  json_t *oa = json_array_get(json_object_get(j, "only_a"), 0);
  assert_int_equal(json_integer_value(json_object_get(oa, "para")), 4);
  assert_string_equal(json_string_value(json_object_get(oa, "text")),
                      paras_a[3]);
  json_decref(j);
  bg_compare_free(c);
}

static void test_self(void **state) {
  (void)state;
  bg_compare_result *c = NULL;
  bg_err err = {0};
  assert_int_equal(bg_compare_docs(doc("a", paras_a, 8), doc("a", paras_a, 8),
                                   NULL, &c, &err),
                   0);
  check_result(c);
  assert_int_equal(c->npairs, 8);
  for (size_t k = 0; k < 8; k++) {
    assert_int_equal(c->pairs[k].a_para, k + 1);
    assert_int_equal(c->pairs[k].ndiff, 1);
    assert_int_equal(c->pairs[k].diff[0].op, '=');
  }
  assert_int_equal(c->nonly_a + c->nonly_b + c->nnew + c->ngone, 0);
  bg_compare_free(c);
  /* empty reports, and a bad threshold */
  assert_int_equal(
      bg_compare_docs(doc("a", NULL, 0), doc("b", NULL, 0), NULL, &c, &err), 0);
  assert_int_equal(c->npairs, 0);
  bg_compare_free(c);
  bg_compare_opts o = {.threshold = 1.5};
  assert_int_equal(
      bg_compare_docs(doc("a", paras_a, 8), doc("b", paras_b, 8), &o, &c, &err),
      BG_ERANGE);
  assert_null(c);
  bg_compare_free(NULL);
}

static void test_phrases(void **state) {
  (void)state;
  const char *x[] = {"加快发展新质生产力，谋划十五五规划。",
                     "新质生产力加快形成，十五五开局良好。",
                     "培育新质生产力，低空经济起步。", "发展低空飞行。"};
  const char *y[] = {"加快发展生产力，谋划十四五规划。",
                     "十四五收官，低空经济起步。"};
  bg_doc_text *dx = doc("x", x, 4), *dy = doc("y", y, 2);
  bg_phrase *p = NULL;
  size_t n = 0;
  assert_int_equal(bg_phrases_new(dx, dy, 2, 100, &p, &n), 0);
  /* 新质生产力 ×3 (not 新质, 质生, 新质生产: each always extends), 十五五 ×2
   * (五五 would extend to it); 低空 occurs in y */
  char got[512] = "";
  for (size_t i = 0; i < n; i++) {
    char b[64];
    snprintf(b, sizeof b, "%s%s×%zu", i ? " " : "", p[i].phrase, p[i].count);
    strcat(got, b);
  }
  assert_string_equal(got, "新质生产力×3 十五五×2");
  assert_int_equal(p[0].units, 5);
  bg_phrases_free(p, n);
  /* gone the other way: 十四五 ×2 */
  assert_int_equal(bg_phrases_new(dy, dx, 2, 100, &p, &n), 0);
  assert_int_equal(n, 1);
  assert_string_equal(p[0].phrase, "十四五");
  assert_int_equal(p[0].count, 2);
  bg_phrases_free(p, n);
  /* at most max, best first; min_count 1 lists single occurrences */
  assert_int_equal(bg_phrases_new(dx, dy, 1, 1, &p, &n), 0);
  assert_int_equal(n, 1);
  assert_string_equal(p[0].phrase, "新质生产力");
  bg_phrases_free(p, n);
  /* a phrase repeated past 8 units grows to its full length */
  const char *z[] = {"甲乙丙丁戊己庚辛壬癸子丑。",
                     "甲乙丙丁戊己庚辛壬癸子丑！"};
  bg_doc_text *dz = doc("z", z, 2);
  assert_int_equal(bg_phrases_new(dz, dy, 2, 100, &p, &n), 0);
  assert_int_equal(n, 1);
  assert_string_equal(p[0].phrase, "甲乙丙丁戊己庚辛壬癸子丑");
  assert_int_equal(p[0].units, 12);
  bg_phrases_free(p, n);
  bg_doc_text_free(dx);
  bg_doc_text_free(dy);
  bg_doc_text_free(dz);
}

/* Random reports: B is A with paragraphs dropped, reworded and new ones
 * inserted; every kept paragraph must pair with its original. */
static const char *const chars[] = {
    "发", "展", "经", "济", "高", "质", "量", "建", "设", "推", "进", "改",
    "革", "创", "新", "城", "乡", "民", "生", "就", "业", "保", "障", "安",
    "全", "文", "化", "教", "育", "科", "技", "产", "业", "农", "村", "绿"};
#define NCH (sizeof chars / sizeof *chars)

static char *rand_para(size_t n) {
  char *s = malloc(4 * n + 8);
  s[0] = '\0';
  for (size_t i = 0; i < n; i++) {
    strcat(s, chars[rand() % NCH]);
    if (rand() % 12 == 0) strcat(s, "，");
  }
  strcat(s, "。");
  return s;
}

static char *reword(const char *p) {
  size_t len = strlen(p);
  char *s = malloc(2 * len + 16);
  size_t o = 0;
  for (size_t i = 0; i < len;) {
    size_t j = i + 1;
    while (j < len && ((unsigned char)p[j] & 0xC0) == 0x80)
      j++;
    int r = rand() % 20;
    if (r == 0) { /* dropped */
    } else if (r == 1) {
      const char *c = chars[rand() % NCH];
      memcpy(s + o, c, strlen(c));
      o += strlen(c);
    } else {
      memcpy(s + o, p + i, j - i);
      o += j - i;
    }
    i = j;
  }
  s[o] = '\0';
  return s;
}

static void test_random_reports(void **state) {
  (void)state;
  srand(17);
  for (int round = 0; round < 20; round++) {
    size_t na = 20 + (size_t)rand() % 60;
    char **a = calloc(na, sizeof *a), **b = calloc(3 * na, sizeof *b);
    long *orig = calloc(3 * na, sizeof *orig);
    size_t nb = 0;
    for (size_t i = 0; i < na; i++)
      a[i] = rand_para(20 + (size_t)rand() % 200);
    for (size_t i = 0; i < na; i++) {
      int r = rand() % 10;
      if (r == 0) continue; /* dropped */
      if (r == 1) {         /* a new one before it */
        orig[nb] = -1;
        b[nb++] = rand_para(20 + (size_t)rand() % 100);
      }
      orig[nb] = (long)i;
      b[nb++] = r < 5 ? reword(a[i]) : strdup(a[i]);
    }
    bg_compare_result *c = NULL;
    bg_err err = {0};
    assert_int_equal(bg_compare_docs(doc("a", (const char *const *)a, na),
                                     doc("b", (const char *const *)b, nb), NULL,
                                     &c, &err),
                     0);
    check_result(c);
    size_t k = 0;
    for (size_t j = 0; j < nb; j++) {
      while (k < c->npairs && c->pairs[k].b_para < j + 1)
        k++;
      if (orig[j] < 0) continue;
      if (k == c->npairs || c->pairs[k].b_para != j + 1 ||
          c->pairs[k].a_para != (uint32_t)orig[j] + 1)
        fail_msg("round %d: B ¶%zu should pair with A ¶%ld", round, j + 1,
                 orig[j] + 1);
    }
    bg_compare_free(c);
    for (size_t i = 0; i < na; i++)
      free(a[i]);
    for (size_t j = 0; j < nb; j++)
      free(b[j]);
    free(a);
    free(b);
    free(orig);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_align_random),   cmocka_unit_test(test_reworded),
      cmocka_unit_test(test_self),           cmocka_unit_test(test_phrases),
      cmocka_unit_test(test_random_reports),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
