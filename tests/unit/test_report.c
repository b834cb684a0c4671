/*
 * test_report.c - paragraphs, headings and metadata of a report
 * (core/report.c).
 *
 * Paragraph cases state what Python's
 *   [ln.strip() for ln in open(path, encoding="utf-8") if ln.strip()]
 * gives for the same bytes (oracle/units.py paragraphs()).  The seed report
 * in corpus/ is checked field by field; when ../shared/corpus is present,
 * every report there is parsed under a neutral id and the year and region
 * read from its text must match its file name.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

#define SEED BAOGAO_SOURCE_DIR "/corpus/2023_济南市钢城区.txt"
#define SHARED_CORPUS BAOGAO_SHARED_DIR "/corpus"

/* Reads a whole file; NULL when it cannot be read. */
static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  *len = 0;
  if (!f) return NULL;
  char *buf = NULL;
  size_t cap = 0, n = 0, got;
  do {
    if (n + 65536 > cap) {
      cap = cap ? cap * 2 : 65536 * 2;
      char *nb = realloc(buf, cap);
      assert_non_null(nb);
      buf = nb;
    }
    got = fread(buf + n, 1, cap - n, f);
    n += got;
  } while (got > 0);
  fclose(f);
  *len = n;
  return buf;
}

/* Parses s as a .txt report and fails the test on an error. */
static bg_report *parse_as(const char *id, const char *s, size_t len,
                           bg_format format) {
  bg_report *r = NULL;
  bg_err err = {0};
  int rc = bg_report_parse(id, s, len, format, &r, &err);
  if (rc) fail_msg("%s: %s", id, bg_err_msg(&err));
  assert_non_null(r);
  return r;
}

static bg_report *parse(const char *s) {
  return parse_as("x", s, strlen(s), BG_FMT_TXT);
}

/* Paragraph i (from 1) as a new string. */
static char *para(const bg_report *r, size_t i) {
  assert_true(i >= 1 && i <= r->npara);
  const bg_para *p = &r->para[i - 1];
  char *s = malloc(p->len + 1);
  assert_non_null(s);
  memcpy(s, r->text + p->off, p->len);
  s[p->len] = '\0';
  return s;
}

static void expect_para(const bg_report *r, size_t i, const char *want) {
  char *got = para(r, i);
  assert_string_equal(got, want);
  free(got);
}

/* ---- paragraphs ---- */

static const struct {
  const char *name, *in;
  size_t in_len;    /* 0: strlen(in) */
  const char *want; /* the paragraphs, each followed by '\n' */
} split_cases[] = {
    {"LF", "甲\n乙\n", 0, "甲\n乙\n"},
    {"no final newline", "甲\n乙", 0, "甲\n乙\n"},
    {"CRLF", "甲\r\n乙\r\n", 0, "甲\n乙\n"},
    {"lone CR", "甲\r乙\r丙", 0, "甲\n乙\n丙\n"},
    {"mixed", "a\r\nb\rc\nd\r\r\ne", 0, "a\nb\nc\nd\ne\n"},
    {"blank lines", "\n\n甲\n\n\n乙\n\n", 0, "甲\n乙\n"},
    {"whitespace-only lines", " \t \n\xe3\x80\x80\xe3\x80\x80\n甲\n\xc2\xa0\n",
     0, "甲\n"},
    {"U+3000 indent and trailing spaces",
     "\xe3\x80\x80\xe3\x80\x80各位代表：  \t\n", 0, "各位代表：\n"},
    {"inner spaces kept", " 政 府 工 作 报 告 \n", 0, "政 府 工 作 报 告\n"},
    {"all of str.isspace()",
     "\t\v\f\x1c\x1d\x1e\x1f \xc2\x85\xc2\xa0\xe1\x9a\x80\xe2\x80\x80"
     "\xe2\x80\x8a\xe2\x80\xa8\xe2\x80\xa9\xe2\x80\xaf\xe2\x81\x9f"
     "\xe3\x80\x80甲\xe3\x80\x80\xe2\x80\x89\n",
     0, "甲\n"},
    /* U+2028, U+0085, U+001C strip but do not end a line. */
    {"no split at U+2028, U+0085, FS", "甲\xe2\x80\xa8乙\xc2\x85丙\x1c丁\n", 0,
     "甲\xe2\x80\xa8乙\xc2\x85丙\x1c丁\n"},
    /* U+200B and U+FEFF are not whitespace. */
    {"U+200B-only line is a paragraph", "甲\n\xe2\x80\x8b\n乙\n", 0,
     "甲\n\xe2\x80\x8b\n乙\n"},
    {"U+FEFF kept", "\xef\xbb\xbf甲\n", 0, "\xef\xbb\xbf甲\n"},
    {"NUL kept", "a\0b\n", 4, "a\0b\n"},
    /* Invalid UTF-8 is carried through, never read past its end. */
    {"invalid bytes", "\xff\xfe\n\xe4\xb8\n \xc3", 0,
     "\xff\xfe\n\xe4\xb8\n\xc3\n"},
};

static void test_split(void **state) {
  (void)state;
  for (size_t k = 0; k < sizeof split_cases / sizeof *split_cases; k++) {
    const char *in = split_cases[k].in, *want = split_cases[k].want;
    size_t in_len = split_cases[k].in_len ? split_cases[k].in_len : strlen(in);
    size_t want_len = strlen(want);
    if (split_cases[k].in_len) want_len = split_cases[k].in_len; /* NUL case */
    print_message("split: %s\n", split_cases[k].name);
    bg_report *r = parse_as("x", in, in_len, BG_FMT_TXT);
    assert_int_equal(r->text_len, want_len);
    assert_memory_equal(r->text, want, want_len);
    assert_int_equal(r->text[r->text_len], '\0');
    /* para[] locates each line of text, '\n' excluded. */
    size_t off = 0, n = 0;
    for (size_t i = 0; i < want_len; i++) {
      if (want[i] != '\n') continue;
      assert_true(n < r->npara);
      assert_int_equal(r->para[n].off, off);
      assert_int_equal(r->para[n].len, i - off);
      off = i + 1;
      n++;
    }
    assert_int_equal(r->npara, n);
    bg_report_free(r);
  }
}

static void test_no_text(void **state) {
  (void)state;
  static const char *const blank[] = {"", "\n\n", " \r\n\t\r\xe3\x80\x80\n",
                                      "\xe2\x80\xa8\xc2\x85"};
  for (size_t k = 0; k < sizeof blank / sizeof *blank; k++) {
    static bg_report untouched;
    bg_report *r = &untouched;
    bg_err err = {0};
    assert_int_equal(
        bg_report_parse("x", blank[k], strlen(blank[k]), BG_FMT_TXT, &r, &err),
        BG_EFORMAT);
    assert_null(r);
    assert_int_equal(err.code, BG_EFORMAT);
    assert_string_equal(err.msg, "no text: the file has no non-blank line");
  }
  bg_report_free(NULL);
}

/* ---- headings ---- */

static const struct {
  const char *text;
  bg_format format;
  int level;
  const char *title; /* NULL: the whole paragraph */
} heading_cases[] = {
    {"一、2022年工作回顾", BG_FMT_TXT, 2, NULL},
    {"一、 过去五年工作回顾", BG_FMT_TXT, 2, NULL},
    {"十一、推进法治建设", BG_FMT_TXT, 2, NULL},
    {"二十三、附则", BG_FMT_TXT, 2, NULL},
    {"一、二〇二三年工作回顾", BG_FMT_TXT, 2, NULL},
    {"一", BG_FMT_TXT, 2, NULL}, /* 1960: a bare numeral on its line */
    {"第一部分 总体要求", BG_FMT_TXT, 1, NULL},
    {"第三章 产业发展", BG_FMT_TXT, 1, NULL},
    {"第二篇", BG_FMT_TXT, 1, NULL},
    {"（一）培育现代产业体系，塑造高质量发展新优势", BG_FMT_TXT, 3, NULL},
    {"(二)扩大有效投资", BG_FMT_TXT, 3, NULL},
    {"（十二）全面加强政府自身建设", BG_FMT_TXT, 3, NULL},
    {"（一）着力扩大国内需求。把恢复和扩大消费摆在优先位置。多渠道增加城乡居民"
     "收入。",
     BG_FMT_TXT, 3, "（一）着力扩大国内需求"},
    {"（二）加快建设现代化产业体系：围绕制造业重点产业链。", BG_FMT_TXT, 3,
     "（二）加快建设现代化产业体系"},
    {"1.推动先进制造业链式发展。以制造业高端化为主攻方向。", BG_FMT_TXT, 4,
     "1.推动先进制造业链式发展"},
    {"2．“两新”：大规模设备更新和消费品以旧换新。", BG_FMT_TXT, 4, "2．“两新”"},
    {"3、加强生态保护", BG_FMT_TXT, 4, NULL},
    {"１．全角数字", BG_FMT_TXT, 4, NULL},
    {"12. “双一流”", BG_FMT_TXT, 4, NULL},
    {"（1）有步骤地实行半工半读的教育制度。", BG_FMT_TXT, 5,
     "（1）有步骤地实行半工半读的教育制度"},
    {"（１０）全角", BG_FMT_TXT, 5, NULL},
    {"(3)半角括号", BG_FMT_TXT, 5, NULL},
    {"附件1", BG_FMT_TXT, 1, NULL},
    {"附件2 名词解释", BG_FMT_TXT, 1, NULL},
    {"名词解释", BG_FMT_TXT, 1, NULL},
    /* A long numbered paragraph without 。 is cut at 40 code points. */
    {"一、固定资产投资总规模，包括国家预算内的拨款、自筹资金和银行贷款，都必须"
     "由国家计委"
     "和省、市、自治区计委进行综合平衡",
     BG_FMT_TXT, 2,
     "一、固定资产投资总规模，包括国家预算内的拨款、自筹资金和银行贷款，都必须"
     "由国家计"},
    {"# 政府工作报告", BG_FMT_MD, 1, NULL},
    {"## 一、2022年工作回顾", BG_FMT_MD, 2, NULL},
    {"###### 六级", BG_FMT_MD, 6, NULL},
    {"###（一）不带空格", BG_FMT_MD, 3, NULL},
    {"一、在 Markdown 里也是", BG_FMT_MD, 2, NULL},
};

static const struct {
  const char *text;
  bg_format format;
} body_cases[] = {
    {"一是加强农田水利和农村基础设施建设。", BG_FMT_TXT},
    {"十是奋力推进经济领域改革。", BG_FMT_TXT},
    {"1.5万亿元超长期特别国债全部用于“两重”建设。", BG_FMT_TXT},
    {"1．5万亿元", BG_FMT_TXT},
    {"2022年是全面落实区第一次党代会任务的开局之年。", BG_FMT_TXT},
    {"２０２２年", BG_FMT_TXT},
    {"二〇二三年是全面贯彻党的二十大精神的开局之年。", BG_FMT_TXT},
    {"1、2月份，全省经济运行开局良好。", BG_FMT_TXT},
    {"一、二季度经济增速逐步回升。", BG_FMT_TXT},
    {"二、三产业协同发展。", BG_FMT_TXT},
    {"十分重要的是稳就业。", BG_FMT_TXT},
    {"一年来，我们主要做了以下工作：", BG_FMT_TXT},
    {"两会期间", BG_FMT_TXT},
    {"各位代表：", BG_FMT_TXT},
    {"第一，坚持稳中求进。", BG_FMT_TXT},
    {"第十四届人民代表大会", BG_FMT_TXT},
    {"（2023年1月5日）", BG_FMT_TXT},
    {"（注）", BG_FMT_TXT},
    {"2.5", BG_FMT_TXT},
    {"1.", BG_FMT_TXT},
    {"1234.项目", BG_FMT_TXT},
    {"附件：2025年省十件民生实事的具体内容和完成时限如下所列", BG_FMT_TXT},
    {"## 一、2022年工作回顾", BG_FMT_TXT},
    {"####### 七个井号", BG_FMT_MD},
    {"#", BG_FMT_TXT},
};

static void test_heading(void **state) {
  (void)state;
  for (size_t k = 0; k < sizeof heading_cases / sizeof *heading_cases; k++) {
    const char *text = heading_cases[k].text, *title = heading_cases[k].title;
    print_message("heading: %s\n", text);
    bg_report *r = parse_as("x", text, strlen(text), heading_cases[k].format);
    assert_int_equal(r->npara, 1);
    assert_int_equal(r->para[0].level, heading_cases[k].level);
    if (!title) title = text;
    assert_int_equal(r->para[0].title_len, strlen(title));
    assert_memory_equal(r->text, title, strlen(title));
    bg_report_free(r);
  }
  for (size_t k = 0; k < sizeof body_cases / sizeof *body_cases; k++) {
    const char *text = body_cases[k].text;
    print_message("body: %s\n", text);
    bg_report *r = parse_as("x", text, strlen(text), body_cases[k].format);
    assert_int_equal(r->npara, 1);
    assert_int_equal(r->para[0].level, 0);
    assert_int_equal(r->para[0].title_len, 0);
    bg_report_free(r);
  }
}

/* The section path of paragraph i (from 1): its headings' short titles
 * joined with " > ", built with the stack rule in report.h. */
static void section_path(const bg_report *r, size_t i, char *buf, size_t cap) {
  size_t stack[16];
  int depth = 0;
  for (size_t k = 0; k < i; k++) {
    int level = r->para[k].level;
    if (!level) continue;
    while (depth && r->para[stack[depth - 1]].level >= level)
      depth--;
    stack[depth++] = k;
  }
  buf[0] = '\0';
  for (int d = 0; d < depth; d++) {
    const bg_para *p = &r->para[stack[d]];
    size_t n = strlen(buf);
    snprintf(buf + n, cap - n, "%s%.*s", d ? " > " : "", (int)p->title_len,
             r->text + p->off);
  }
}

static void test_sections(void **state) {
  (void)state;
  static const struct {
    const char *line;
    int level;
    const char *path;
  } doc[] = {
      {"政府工作报告", 0, ""},
      {"各位代表：", 0, ""},
      {"一、2022年工作回顾", 2, "一、2022年工作回顾"},
      {"过去一年，极不平凡。", 0, "一、2022年工作回顾"},
      {"一是经济运行稳中向好。", 0, "一、2022年工作回顾"},
      {"二、2023年工作安排", 2, "二、2023年工作安排"},
      {"（一）着力扩大国内需求。把恢复和扩大消费摆在优先位置。", 3,
       "二、2023年工作安排 > （一）着力扩大国内需求"},
      {"1.稳定大宗消费。推动汽车消费。", 4,
       "二、2023年工作安排 > （一）着力扩大国内需求 > 1.稳定大宗消费"},
      {"（1）发放消费券", 5,
       "二、2023年工作安排 > （一）着力扩大国内需求 > 1.稳定大宗消费 > "
       "（1）发放消费券"},
      {"1.5万亿元专项债券支持项目建设。", 0,
       "二、2023年工作安排 > （一）着力扩大国内需求 > 1.稳定大宗消费 > "
       "（1）发放消费券"},
      {"2.扩大服务消费", 4,
       "二、2023年工作安排 > （一）着力扩大国内需求 > 2.扩大服务消费"},
      /* "3．10种…" right after item 2 is item 3, not a decimal number. */
      {"3．10种有色金属：铜、铅、锌。", 4,
       "二、2023年工作安排 > （一）着力扩大国内需求 > 3．10种有色金属"},
      {"（二）加快建设现代化产业体系", 3,
       "二、2023年工作安排 > （二）加快建设现代化产业体系"},
      /* A list restarting at 一 inside 二 is a list of points of 二. */
      {"一、稳定和扩大就业，全年新增就业10万人。", 3,
       "二、2023年工作安排 > 一、稳定和扩大就业，全年新增就业10万人"},
      {"二、提高低保标准。", 3, "二、2023年工作安排 > 二、提高低保标准"},
      {"三、办好民生实事。", 3, "二、2023年工作安排 > 三、办好民生实事"},
      {"四、全面加强政府自身建设", 3,
       "二、2023年工作安排 > 四、全面加强政府自身建设"},
      {"五、坚持依法行政。", 3, "二、2023年工作安排 > 五、坚持依法行政"},
      {"三、全面加强政府自身建设", 2, "三、全面加强政府自身建设"},
      {"各位代表！", 0, "三、全面加强政府自身建设"},
      {"附件1", 1, "附件1"},
      {"2023年十件民生实事", 0, "附件1"},
      {"一、为老年人提供健康管理服务。", 2,
       "附件1 > 一、为老年人提供健康管理服务"},
      {"附件2 名词解释", 1, "附件2 名词解释"},
      {"1.“两重”：国家重大战略实施。", 4, "附件2 名词解释 > 1.“两重”"},
  };
  size_t n = sizeof doc / sizeof *doc, len = 0;
  char text[4096], buf[512];
  for (size_t i = 0; i < n; i++)
    len +=
        (size_t)snprintf(text + len, sizeof text - len, "%s\r\n", doc[i].line);
  bg_report *r = parse(text);
  assert_int_equal(r->npara, n);
  for (size_t i = 0; i < n; i++) {
    print_message("section: %s\n", doc[i].line);
    expect_para(r, i + 1, doc[i].line);
    assert_int_equal(r->para[i].level, doc[i].level);
    section_path(r, i + 1, buf, sizeof buf);
    assert_string_equal(buf, doc[i].path);
  }
  bg_report_free(r);
}

/* 1955: a table of contents, then the body; the body's 一、 starts over at
 * level 2 instead of nesting under the contents' last entry. */
static void test_contents_then_body(void **state) {
  (void)state;
  bg_report *r = parse("一、国家在过渡时期的总任务\n"
                       "二、第一个五年计划概要\n"
                       "（一）关于工业的生产问题\n"
                       "三、为完成第一个五年计划而奋斗\n"
                       "一、国家在过渡时期的总任务\n"
                       "正文。\n");
  static const int want[] = {2, 2, 3, 2, 2, 0};
  for (size_t i = 0; i < 6; i++)
    assert_int_equal(r->para[i].level, want[i]);
  bg_report_free(r);
}

static void test_markdown_levels(void **state) {
  (void)state;
  const char *md = "# 政府工作报告\n"
                   "## 一、2022年工作回顾\n"
                   "正文 #不是标题\n"
                   "### （一）稳增长\n"
                   "（二）保就业\n"
                   "## 二、2023年工作安排\n";
  bg_report *r = parse_as("x", md, strlen(md), BG_FMT_MD);
  static const int want[] = {1, 2, 0, 3, 3, 2};
  char buf[256];
  for (size_t i = 0; i < 6; i++)
    assert_int_equal(r->para[i].level, want[i]);
  section_path(r, 5, buf, sizeof buf);
  assert_string_equal(buf,
                      "# 政府工作报告 > ## 一、2022年工作回顾 > （二）保就业");
  bg_report_free(r);
}

/* ---- metadata ---- */

static void check_seed(const bg_report *r) {
  assert_string_equal(r->date, "2023-01-05");
  assert_string_equal(r->speaker, "程学锋");
  assert_string_equal(r->title, "政府工作报告");
  /* What the oracle gives for this file: 64 non-blank lines of 68. */
  assert_int_equal(r->npara, 64);
  expect_para(r, 1, "政 府 工 作 报 告");
  expect_para(r, 2, "——2023年1月5日在济南市钢城区第十九届");
  expect_para(r, 3, "人民代表大会第二次会议上");
  expect_para(r, 4, "济南市钢城区人民政府区长  程学锋");
  expect_para(r, 5, "各位代表：");
  expect_para(r, 7, "一、2022年工作回顾");
  expect_para(r, 21, "（一）培育现代产业体系，塑造高质量发展新优势");
  expect_para(r, 41, "（六）加强生态建设，提升高质量发展“颜值 ”“       气质”");
  expect_para(r, 56, "三、全面加强政府自身建设");
  expect_para(r, 64, "—22—");
  assert_int_equal(r->para[6].level, 2);
  assert_int_equal(r->para[17].level, 2);
  assert_int_equal(r->para[20].level, 3);
  assert_int_equal(r->para[55].level, 2);
  assert_int_equal(r->para[7].level, 0);
  int headings = 0;
  for (size_t i = 0; i < r->npara; i++)
    headings += r->para[i].level != 0;
  assert_int_equal(headings, 11); /* 一 二 三 and （一）…（八） */
  assert_int_equal(r->text_len, r->para[63].off + r->para[63].len + 1);
}

static void test_seed(void **state) {
  (void)state;
  size_t len;
  char *s = slurp(SEED, &len);
  if (!s) {
    fail_msg("cannot read %s", SEED);
    return;
  }
  bg_report *r = parse_as("2023_济南市钢城区", s, len, BG_FMT_TXT);
  assert_string_equal(r->id, "2023_济南市钢城区");
  assert_int_equal(r->year, 2023);
  assert_string_equal(r->year_from, "name");
  assert_string_equal(r->region, "济南市钢城区");
  assert_string_equal(r->region_from, "name");
  check_seed(r);
  bg_report_free(r);

  /* The same report under an id that says nothing. */
  r = parse_as("report", s, len, BG_FMT_TXT);
  assert_string_equal(r->id, "report");
  assert_int_equal(r->year, 2023);
  assert_string_equal(r->year_from, "text");
  assert_string_equal(r->region, "济南市钢城区");
  assert_string_equal(r->region_from, "text");
  check_seed(r);
  bg_report_free(r);

  /* CRLF line ends change nothing. */
  char *crlf = malloc(len * 2 + 1);
  size_t n = 0;
  assert_non_null(crlf);
  for (size_t i = 0; i < len; i++) {
    if (s[i] == '\n') crlf[n++] = '\r';
    crlf[n++] = s[i];
  }
  r = parse_as("report", crlf, n, BG_FMT_TXT);
  check_seed(r);
  bg_report_free(r);
  free(crlf);
  free(s);
}

static void test_id(void **state) {
  (void)state;
  static const struct {
    const char *id;
    int year;
    const char *region, *year_from, *region_from;
  } cases[] = {
      {"2023_济南市钢城区", 2023, "济南市钢城区", "name", "name"},
      {"1954_国务院.wikisource", 1954, "国务院", "name", "name"},
      {"2025_广东省.v2.draft", 2025, "广东省", "name", "name"},
      {"2025_", 0, "", "", ""},
      {"2025_.x", 2025, "", "name", ""},
      {"20255_广东省", 0, "", "", ""},
      {"202_广东省", 0, "", "", ""},
      {"２０２５_广东省", 0, "", "", ""},
      {"report", 0, "", "", ""},
      {"", 0, "", "", ""},
  };
  for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
    print_message("id: %s\n", cases[k].id);
    const char *text = "随便一段文字。\n";
    bg_report *r = parse_as(cases[k].id, text, strlen(text), BG_FMT_TXT);
    assert_string_equal(r->id, cases[k].id);
    assert_int_equal(r->year, cases[k].year);
    assert_string_equal(r->region, cases[k].region);
    assert_string_equal(r->year_from, cases[k].year_from);
    assert_string_equal(r->region_from, cases[k].region_from);
    assert_string_equal(r->date, "");
    assert_string_equal(r->speaker, "");
    assert_string_equal(r->title, "");
    bg_report_free(r);
  }
}

static const struct {
  const char *name, *text;
  int year;
  const char *region, *date, *speaker, *title;
} meta_cases[] = {
    {"national",
     "政府工作报告\n——2024年3月5日在第十四届全国人民代表大会第二次会议上\n"
     "国务院总理　李　强\n各位代表：\n现在，我代表国务院，向大会报告政府工作。"
     "\n",
     2024, "国务院", "2024-03-05", "李强", "政府工作报告"},
    {"1954",
     "1954年政府工作报告\n"
     "——1954年5月23日在中华人民共和国第一届全国人民代表大会第一次会议上\n"
     "                        国务院总理周恩来\n　　各位代表：\n",
     1954, "国务院", "1954-05-23", "周恩来", "1954年政府工作报告"},
    {"vice premier",
     "1955年国务院政府工作报告\n关于发展国民经济的第一个五年计划的报告\n"
     "——1955年7月5日至6日在第一届全国人民代表大会第二次会议上\n"
     "    国务院副总理兼国家计划委员会主任李富春\n",
     1955, "国务院", "1955-07-05", "李富春", "1955年国务院政府工作报告"},
    {"full-width and spaced digits",
     "1998年政府工作报告\n——1 9 9 8 年3 月5 "
     "日在第九届全国人民代表大会第一次会议上\n"
     "国务院总理李鹏\n",
     1998, "国务院", "1998-03-05", "李鹏", "1998年政府工作报告"},
    {"full-width digits",
     "1964年国务院政府工作报告（摘要）\n"
     "——１９６４年１２月２１日和２２日在第三届全国人民代表大会第一次会议上\n",
     1964, "国务院", "1964-12-21", "", "1964年国务院政府工作报告（摘要）"},
    {"Chinese numerals",
     "2026年甘肃省政府工作报告\n"
     "——二〇二六年一月二十七日在甘肃省十四届人民代表大会第四次会议上\n"
     "来源：甘肃日报\n甘肃省省长 任振鹤\n",
     2026, "甘肃省", "2026-01-27", "任振鹤", "2026年甘肃省政府工作报告"},
    {"session on the next line",
     "政府工作报告\n——2026年1月26日在广东省第十四届\n人民代表大会第五次会议上\n"
     "广东省省长 孟凡利\n各位代表：\n",
     2026, "广东省", "2026-01-26", "孟凡利", "政府工作报告"},
    {"speaker after the session",
     "2025年北京市政府工作报告\n来源：北京日报\n"
     "2025年1月14日在北京市第十六届人民代表大会第三次会议上北京市市长 "
     "殷勇同志作政府工作报告。\n各位代表：\n",
     2025, "北京市", "2025-01-14", "殷勇", "2025年北京市政府工作报告"},
    {"speaker before 在",
     "2025年上海市政府工作报告\n----2025年1月15日龚正市长在上海市第十六届"
     "人民代表大会第三次会议的政府工作报告\n来源：解放日报\n各位代表：\n",
     2025, "上海市", "2025-01-15", "龚正", "2025年上海市政府工作报告"},
    {"autonomous region",
     "2025年内蒙古自治区政府工作报告\n"
     "——2025年1月14日自治区人民政府主席王莉霞在内蒙古自治区第十四届人民代表大会"
     "第三次会议上的讲话\n各位代表：\n",
     2025, "内蒙古自治区", "2025-01-14", "王莉霞",
     "2025年内蒙古自治区政府工作报告"},
    {"transcribed name",
     "2025年新疆政府工作报告\n来源：新疆日报\n"
     "2025年1月19日在新疆维吾尔自治区第十四届人民代表大会第三次会议上\n"
     "自治区主席 艾尔肯·吐尼亚孜\n各位代表：\n",
     2025, "新疆维吾尔自治区", "2025-01-19", "艾尔肯·吐尼亚孜",
     "2025年新疆政府工作报告"},
    {"bracketed date line",
     "政府工作报告。 贵州日报天眼新闻记者 李森 摄\n政府工作报告\n"
     "（2026年1月27日在贵州省第十四届人民代表大会第四次会议上）\n省长 李炳军\n"
     "各位代表：\n",
     2026, "贵州省", "2026-01-27", "李炳军", "政府工作报告"},
    {"no date line: greeting and headings",
     "各位代表：\n现在，我代表国务院，向大会报告政府工作，请予审议。\n"
     "一、2018年工作回顾\n过去一年……\n二、2019年经济社会发展总体要求和政策取向"
     "\n",
     2019, "国务院", "", "", ""},
    {"no date line: plans of the year",
     "各位代表：\n现在，我代表国务院，向大会报告过去五年政府工作。\n"
     "一、过去五年工作回顾\n二、2018年经济社会发展总体要求和政策取向\n",
     2018, "国务院", "", "", ""},
    {"no date line: the province the text names",
     "省长赵刚作政府工作报告\n各位代表：\n现在，我代表省人民政府向大会报告工作"
     "。\n"
     "一、2025年工作回顾\n省政府制定了《陕西省国民经济和社会发展规划纲要》。\n"
     "全省上下，北京市的援助。陕西省\n",
     2026, "陕西省", "", "赵刚", ""},
    {"no date line: region in the greeting",
     "各位代表：\n现在，我代表江苏省人民政府向大会报告工作。\n"
     "一、2024年工作回顾\n",
     2025, "江苏省", "", "", ""},
    {"speaker line names the region",
     "政府工作报告\n四川省人民政府省长 施小琳\n各位代表：\n", 0, "四川省", "",
     "施小琳", "政府工作报告"},
    {"year from the title only", "2006政府工作报告\n正文。\n", 2006, "", "", "",
     "2006政府工作报告"},
    /* City, county, district, banner and township openings. */
    {"city",
     "政府工作报告\n——2024年1月15日在广州市第十六届人民代表大会第四次会议上\n"
     "广州市市长 孙志洋\n各位代表：\n",
     2024, "广州市", "2024-01-15", "孙志洋", "政府工作报告"},
    {"county, congress abbreviated, region in the speaker line",
     "政府工作报告\n——2024年1月10日在县十八届人大四次会议上\n"
     "长兴县人民政府县长 王剑波\n各位代表：\n现在，我代表县人民政府，向大会报告"
     "工作。\n",
     2024, "长兴县", "2024-01-10", "王剑波", "政府工作报告"},
    {"autonomous county",
     "2023年政府工作报告\n"
     "——2023年1月6日在长阳土家族自治县第十届人民代表大会第二次会议上\n"
     "县长 李四明\n各位代表：\n",
     2023, "长阳土家族自治县", "2023-01-06", "李四明", "2023年政府工作报告"},
    {"autonomous prefecture",
     "政府工作报告\n"
     "（2024年1月12日在延边朝鲜族自治州第十六届人民代表大会第三次会议上）\n"
     "州长 胡玉亭\n各位代表：\n",
     2024, "延边朝鲜族自治州", "2024-01-12", "胡玉亭", "政府工作报告"},
    {"banner",
     "政府工作报告\n——2024年1月8日在准格尔旗第十八届人民代表大会第四次会议上\n"
     "旗长 张雪峰\n",
     2024, "准格尔旗", "2024-01-08", "张雪峰", "政府工作报告"},
    {"district, date without its day",
     "政府工作报告\n——2024年1月在杭州市西湖区第十八届人民代表大会第四次会议上"
     "\n区长 王五一\n",
     2024, "杭州市西湖区", "2024-01", "王五一", "政府工作报告"},
    {"county-level city, acting mayor",
     "政府工作报告\n——2023年2月20日在义乌市第十七届人民代表大会第三次会议上\n"
     "义乌市人民政府代市长 叶帮锐\n",
     2023, "义乌市", "2023-02-20", "叶帮锐", "政府工作报告"},
    {"township",
     "政府工作报告\n——2024年1月5日在城关镇第十八届人民代表大会第五次会议上\n"
     "镇长 赵六合\n",
     2024, "城关镇", "2024-01-05", "赵六合", "政府工作报告"},
    {"national, congress abbreviated",
     "政府工作报告\n——2024年3月5日在十四届全国人大二次会议上\n国务院总理 李强\n",
     2024, "国务院", "2024-03-05", "李强", "政府工作报告"},
    {"national, the session the report is made to",
     "各位代表：\n现在我代表中华人民共和国国务院向第一届全国人民代表大会第三次会"
     "议提出关于１９５５年国家决算和１９５６年国家预算的报告。\n",
     1956, "国务院", "", "", ""},
    {"national, sessions since 1983",
     "各位代表：\n现在，我代表国务院，向第十二届全国人民代表大会第三次会议报告"
     "政府工作。\n",
     2015, "国务院", "", "", ""},
    {"national, on behalf of",
     "各位代表：\n现在，我受国务院的委托，向全国人民代表大会报告政府工作。\n"
     "一、1978年工作回顾\n",
     1979, "国务院", "", "", ""},
    {"nothing to find", "一段没有任何元数据的文字。\n第二段。\n", 0, "", "", "",
     ""},
    {"greeting is not a title", "各位代表：\n现在开会。\n", 0, "", "", "", ""},
};

static void test_metadata(void **state) {
  (void)state;
  for (size_t k = 0; k < sizeof meta_cases / sizeof *meta_cases; k++) {
    print_message("metadata: %s\n", meta_cases[k].name);
    bg_report *r = parse(meta_cases[k].text);
    assert_int_equal(r->year, meta_cases[k].year);
    assert_string_equal(r->year_from, meta_cases[k].year ? "text" : "");
    assert_string_equal(r->region, meta_cases[k].region);
    assert_string_equal(r->region_from, *meta_cases[k].region ? "text" : "");
    assert_string_equal(r->date, meta_cases[k].date);
    assert_string_equal(r->speaker, meta_cases[k].speaker);
    assert_string_equal(r->title, meta_cases[k].title);
    bg_report_free(r);
  }
}

/* The id wins over the text for year and region; the text still gives
 * the date, speaker and title. */
static void test_name_over_text(void **state) {
  (void)state;
  const char *text =
      "政府工作报告\n——2024年3月5日在第十四届全国人民代表大会第二次会议上\n"
      "国务院总理　李　强\n";
  bg_report *r = parse_as("2099_某地", text, strlen(text), BG_FMT_TXT);
  assert_int_equal(r->year, 2099);
  assert_string_equal(r->region, "某地");
  assert_string_equal(r->date, "2024-03-05");
  assert_string_equal(r->speaker, "李强");
  bg_report_free(r);
}

/* Where each field came from, and a manifest over the text. */
static void test_from_and_override(void **state) {
  (void)state;
  const char *text =
      "政府工作报告\n——2024年3月5日在第十四届全国人民代表大会第二次会议上\n"
      "国务院总理　李　强\n";
  bg_report *r = parse_as("report", text, strlen(text), BG_FMT_TXT);
  assert_string_equal(r->year_from, "text");
  assert_string_equal(r->region_from, "text");
  assert_string_equal(r->date_from, "text");
  assert_string_equal(r->speaker_from, "text");
  assert_string_equal(r->title_from, "text");

  bg_report_meta none = {0};
  assert_int_equal(bg_report_override(r, &none, "manifest", NULL), BG_OK);
  assert_int_equal(r->year, 2024);
  assert_string_equal(r->year_from, "text");
  assert_string_equal(r->speaker, "李强");

  bg_report_meta m = {2023, "国务院办公厅", NULL, "", "另一个标题"};
  assert_int_equal(bg_report_override(r, &m, "manifest", NULL), BG_OK);
  assert_int_equal(r->year, 2023);
  assert_string_equal(r->year_from, "manifest");
  assert_string_equal(r->region, "国务院办公厅");
  assert_string_equal(r->region_from, "manifest");
  assert_string_equal(r->date, "2024-03-05"); /* not given: kept */
  assert_string_equal(r->date_from, "text");
  assert_string_equal(r->speaker, ""); /* given empty: cleared */
  assert_string_equal(r->speaker_from, "manifest");
  assert_string_equal(r->title, "另一个标题");
  assert_string_equal(r->title_from, "manifest");
  bg_report_free(r);

  /* Nothing found: every field unknown, from nowhere. */
  r = parse("一段文字。\n");
  assert_string_equal(r->date_from, "");
  assert_string_equal(r->speaker_from, "");
  assert_string_equal(r->title_from, "");
  bg_report_free(r);
}

/* The level a numbering has on its own, as readers of other formats
 * (PDF) ask for it. */
static void test_heading_level(void **state) {
  (void)state;
  static const struct {
    const char *text;
    int level;
  } cases[] = {
      {"第一部分 总体要求", 1}, {"附件1", 1},         {"一、2022年工作回顾", 2},
      {"一", 2},                {"（一）稳增长", 3},  {"(二)保就业", 3},
      {"1．全角句点", 4},       {"2、顿号", 4},       {"（1）小项", 5},
      {"一是加强…", 0},         {"2022年是…", 0},     {"1.5万亿元", 0},
      {"一、二季度", 0},        {"各位代表：", 0},    {"", 0},
  };
  for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
    print_message("heading level: %s\n", cases[k].text);
    assert_int_equal(
        bg_report_heading_level(cases[k].text, strlen(cases[k].text)),
        cases[k].level);
  }
  assert_int_equal(bg_report_heading_level(NULL, 0), 0);
}

static void test_bad_arguments(void **state) {
  (void)state;
  static bg_report untouched;
  bg_report *r = &untouched;
  bg_err err = {0};
  assert_int_equal(bg_report_parse("x", NULL, 5, BG_FMT_TXT, &r, &err),
                   BG_EINVAL);
  assert_null(r);
  assert_int_equal(bg_report_parse("x", "a", 1, BG_FMT_TXT, NULL, &err),
                   BG_EINVAL);
  /* A NULL id reads as "". */
  assert_int_equal(bg_report_parse(NULL, "a", 1, BG_FMT_TXT, &r, NULL), BG_OK);
  assert_string_equal(r->id, "");
  bg_report_free(r);
}

/* ---- the shared corpus ---- */

/* Reports whose text genuinely lacks the year or region.  None so far:
 * 2018, 2019, 2020 and 2025_国务院 open with "各位代表" (no title, no date
 * line) and get 国务院 from "我代表国务院" and the year from their headings;
 * 2026_陕西省 says only "我代表省人民政府" and names 陕西省 once. */
static const char *const exceptions[] = {NULL};

static int excepted(const char *name) {
  for (size_t k = 0; exceptions[k]; k++)
    if (strcmp(exceptions[k], name) == 0) return 1;
  return 0;
}

static void test_shared_corpus(void **state) {
  (void)state;
  DIR *dir = opendir(SHARED_CORPUS);
  if (!dir) {
    print_message("no %s: skipped\n", SHARED_CORPUS);
    skip();
    return;
  }
  struct dirent *e;
  int total = 0, passed = 0, failed = 0;
  while ((e = readdir(dir))) {
    const char *name = e->d_name;
    size_t n = strlen(name);
    if (n < 10 || strcmp(name + n - 4, ".txt") != 0 || name[4] != '_') continue;
    char path[1024], region[256];
    snprintf(path, sizeof path, "%s/%s", SHARED_CORPUS, name);
    snprintf(region, sizeof region, "%.*s", (int)(n - 9), name + 5);
    int year = atoi(name);
    size_t len;
    char *s = slurp(path, &len);
    assert_non_null(s);
    bg_report *r = parse_as("report", s, len, BG_FMT_TXT);
    total++;
    if (r->year == year && strcmp(r->region, region) == 0) {
      passed++;
    } else if (!excepted(name)) {
      failed++;
      print_message("%s: year %d region \"%s\" (want %d \"%s\")\n", name,
                    r->year, r->region, year, region);
    }
    /* The file name gives the same as the text, and never less. */
    bg_report_free(r);
    r = parse_as(name, s, len, BG_FMT_TXT);
    assert_int_equal(r->year, year);
    bg_report_free(r);
    free(s);
  }
  closedir(dir);
  print_message("shared corpus: %d of %d reports have the year and region of "
                "their name in their text\n",
                passed, total);
  assert_true(total > 0);
  assert_int_equal(failed, 0);
}

/* The alternative transcriptions of the State Council's reports in
 * ../shared/corpus/variants: many open with the greeting alone and name
 * no year, but what is read from them must never be wrong.  The one
 * exception: 1980's report was about the plan for 1981, and its headings
 * say only that. */
static void test_shared_variants(void **state) {
  (void)state;
  static const char *const wrong_year[] = {"1980_国务院.wikisource.txt",
                                           NULL};
  char dir_path[512];
  snprintf(dir_path, sizeof dir_path, "%s/variants", SHARED_CORPUS);
  DIR *dir = opendir(dir_path);
  if (!dir) {
    print_message("no %s: skipped\n", dir_path);
    skip();
    return;
  }
  struct dirent *e;
  int total = 0, years = 0, regions = 0, wrong = 0;
  while ((e = readdir(dir))) {
    const char *name = e->d_name;
    size_t n = strlen(name);
    if (n < 10 || strcmp(name + n - 4, ".txt") != 0 || name[4] != '_') continue;
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir_path, name);
    size_t len;
    char *s = slurp(path, &len);
    assert_non_null(s);
    bg_report *r = parse_as("report", s, len, BG_FMT_TXT);
    int year = atoi(name), known = 0;
    for (size_t k = 0; wrong_year[k]; k++)
      known |= strcmp(wrong_year[k], name) == 0;
    total++;
    years += r->year == year;
    regions += strcmp(r->region, "国务院") == 0;
    if ((r->year && r->year != year && !known) ||
        (r->region[0] && strcmp(r->region, "国务院") != 0)) {
      wrong++;
      print_message("%s: year %d region \"%s\"\n", name, r->year, r->region);
    }
    bg_report_free(r);
    free(s);
  }
  closedir(dir);
  print_message("variants: %d reports, year read from %d, region from %d\n",
                total, years, regions);
  assert_true(total > 0);
  assert_int_equal(wrong, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_split),
      cmocka_unit_test(test_no_text),
      cmocka_unit_test(test_heading),
      cmocka_unit_test(test_sections),
      cmocka_unit_test(test_contents_then_body),
      cmocka_unit_test(test_markdown_levels),
      cmocka_unit_test(test_seed),
      cmocka_unit_test(test_id),
      cmocka_unit_test(test_metadata),
      cmocka_unit_test(test_name_over_text),
      cmocka_unit_test(test_from_and_override),
      cmocka_unit_test(test_heading_level),
      cmocka_unit_test(test_bad_arguments),
      cmocka_unit_test(test_shared_corpus),
      cmocka_unit_test(test_shared_variants),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
