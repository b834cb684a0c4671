/*
 * report.h - a report: metadata, paragraphs and section headings.
 *
 * A paragraph is a non-blank line ('\n', "\r\n" or a lone '\r' end a
 * line), with whitespace stripped at both ends exactly as Python's
 * str.strip() does (so U+3000 ideographic spaces used as indents go).
 * Paragraphs are numbered from 1 in file order.  Headings ("一、…",
 * "（一）…", "第一部分…", "1．…", "（1）…", Markdown "#") give each paragraph
 * its section path.
 *
 * Section path: walk the paragraphs in order keeping a stack of headings;
 * a heading of level L pops every entry of level >= L and is pushed.  The
 * path of a paragraph is the stack after its own heading (if any).  Levels
 * by numbering: 第一部分/第一章/第一篇 and back matter on a short line
 * (附件1, 名词解释, 注释) 1; 一、 (or a bare 一 alone on its line) 2;
 * （一） 3; 1. 1． 1、 4; （1） 5; Markdown "#".."######" 1..6.  A list
 * restarting at 一 inside a section numbered the same way ("三、…",
 * "（一）…", "一、…" "二、…" as its points) goes one level below that
 * section instead of closing it.  Not headings: "一是…", "1.5万亿元…",
 * "2022年…", "1、2月份…", "一、二季度…".
 */
#ifndef BG_REPORT_H
#define BG_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* The formats of report files (source.h reads them). */
typedef enum {
  BG_FMT_NONE = 0, /* not a report file */
  BG_FMT_TXT = 1,
  BG_FMT_MD = 2,
  BG_FMT_DOCX = 3,
  BG_FMT_HTML = 4,
  BG_FMT_PDF = 5
} bg_format;

typedef struct bg_para {
  uint32_t off, len;   /* bytes of the paragraph in bg_report.text */
  uint8_t level;       /* 0: body text; 1..8: heading level (1 outermost) */
  uint32_t title_len;  /* headings: bytes of the short title, a prefix of
                          the paragraph: the part before the first 。；：！？
                          and at most 40 code points (Markdown: the whole
                          line, #'s included); 0 otherwise */
} bg_para;

typedef struct bg_report {
  char *id;          /* report id (file name without extensions) */
  char *title;       /* e.g. "政府工作报告" (spaces removed); "" if none */
  char *region;      /* e.g. "济南市钢城区"; "" if unknown */
  char *date;        /* "2023-01-05" (or "2024-01"); "" if unknown */
  char *speaker;     /* "程学锋"; "" if unknown */
  int year;          /* 0 if unknown */
  /* Where each field came from (static strings): "name" (the id),
   * "text" (the opening lines), "manifest" (bg_report_override()), or ""
   * when the field is unknown.  Date, speaker and title never come from
   * the name. */
  const char *year_from, *region_from, *date_from, *speaker_from,
      *title_from;
  char *text;        /* all paragraphs, each followed by '\n' */
  size_t text_len;
  bg_para *para;     /* npara paragraphs; para[i] is paragraph i+1 */
  size_t npara;
} bg_report;

/* Parses the UTF-8 text utf8[0, len) of the report id (as given by
 * bg_source_id()) in the given format.  Year and region come from an id of
 * the form YEAR_REGION[.anything] when it has that form, else from the
 * opening lines: the date line ("——2023年1月5日在济南市钢城区第十九届人民
 * 代表大会…", also "…在县十八届人大三次会议上" and a date without its day:
 * year, and the region between 在 and the session; 全国人民代表大会 means
 * "国务院"), then the title's year ("1954年政府工作报告"), the session of
 * the National People's Congress the report is made to ("向第一届全国人民
 * 代表大会第三次会议提出" -> 1956), the speaker line's office ("四川省人民
 * 政府省长 施小琳"), the greeting ("我代表国务院", "我受国务院的委托"), and
 * last the headings ("一、2018年工作回顾" -> 2019).  Date,
 * speaker and title always come from the text.  Invalid UTF-8 is carried
 * through byte for byte.  On success *out is owned by the caller
 * (bg_report_free()) and r->text is also NUL-terminated; on failure *out
 * is NULL.  Returns BG_OK, BG_ENOMEM, BG_ERANGE (text of 4 GiB or more),
 * or BG_EFORMAT when the text has no paragraph at all. */
int bg_report_parse(const char *id, const char *utf8, size_t len,
                    bg_format format, bg_report **out, bg_err *err);

/* Frees r and everything it owns; NULL is fine. */
void bg_report_free(bg_report *r);

/* Metadata given from outside the report (a manifest row): NULL strings
 * and a year of 0 are not given. */
typedef struct bg_report_meta {
  int year;
  const char *region, *date, *speaker, *title;
} bg_report_meta;

/* Replaces the fields of r that m gives, and marks each as coming from
 * `from` (a string that outlives r, such as "manifest").  Returns BG_OK or
 * BG_ENOMEM (r keeps its old values then). */
int bg_report_override(bg_report *r, const bg_report_meta *m,
                       const char *from, bg_err *err);

/* The heading level that the numbering opening the line p[0, n) has on
 * its own (no white space at either end): 1 for "第一部分…" and back matter
 * ("附件1"), 2 for "一、…", 3 for "（一）…", 4 for "1．…", 5 for "（1）…";
 * 0 for body text ("一是…", "2022年…").  Readers of formats that break
 * paragraphs into lines (PDF) use it to tell a heading from a wrapped
 * line. */
int bg_report_heading_level(const char *p, size_t n);

#endif
