/*
 * report.c - a report: paragraphs, section headings and metadata.
 *
 * Paragraphs are cut exactly as Python reads a text file with universal
 * newlines and strips each line (oracle/units.py is the reference), so
 * paragraph numbers agree with the oracle's.  Headings are recognised from
 * their numbering alone ("一、", "（一）", "1．", ...), never from their
 * wording.  Metadata comes from the id when it reads YEAR_REGION, otherwise
 * from the opening lines, which in these reports have a common shape:
 *
 *   政 府 工 作 报 告
 *   ——2023年1月5日在济南市钢城区第十九届
 *   人民代表大会第二次会议上
 *   济南市钢城区人民政府区长  程学锋
 *   各位代表：
 *
 * The date line and the speaker line vary a good deal between sources
 * (see the comments at each rule), so every rule has a fallback and a
 * field that no rule finds stays empty rather than guessed.
 */
#include "report.h"
#include "units.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Paragraphs from the top searched for the title, date line and speaker. */
#define OPENING 12
/* A heading's short title is cut after this many code points. */
#define TITLE_MAX 40
/* The deepest heading level; bg_para.level is 1..MAX_LEVEL. */
#define MAX_LEVEL 8

/* ---- UTF-8 ---- */

#define BAD 0xFFFFFFFFu

/* The code point at s[0, n) (n > 0) in *cp and its length in bytes, as
 * bg_utf8_dec() reads it, except that an invalid or truncated sequence
 * (one byte) reads as BAD rather than as the U+FFFD a text may hold. */
static size_t dec(const char *s, size_t n, uint32_t *cp) {
  size_t len = bg_utf8_dec(s, n, cp);
  if (len == 1 && *cp == 0xFFFD) *cp = BAD;
  return len;
}

/* Exactly the characters Python's str.isspace() accepts. */
static int is_space(uint32_t c) {
  return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 ||
         c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) ||
         c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
         c == 0x3000;
}

/* Code points in s[0, n). */
static size_t cps(const char *s, size_t n) {
  size_t k = 0;
  uint32_t c;
  for (size_t i = 0; i < n; k++)
    i += dec(s + i, n - i, &c);
  return k;
}

/* The offset of needle in s[from, n), or (size_t)-1. */
static size_t find(const char *s, size_t n, size_t from, const char *needle) {
  size_t k = strlen(needle);
  for (size_t i = from; k <= n && i + k <= n; i++)
    if (memcmp(s + i, needle, k) == 0) return i;
  return (size_t)-1;
}

/* The offset of the last needle in s[from, to), or (size_t)-1. */
static size_t rfind(const char *s, size_t from, size_t to, const char *needle) {
  size_t k = strlen(needle);
  for (size_t i = to; i >= from + k && i >= k; i--)
    if (memcmp(s + i - k, needle, k) == 0) return i - k;
  return (size_t)-1;
}

/* Returns 1 when s[0, n) starts with prefix. */
static int starts(const char *s, size_t n, const char *prefix) {
  size_t k = strlen(prefix);
  return n >= k && memcmp(s, prefix, k) == 0;
}

/* Returns 1 when s[0, n) ends with suffix. */
static int ends(const char *s, size_t n, const char *suffix) {
  size_t k = strlen(suffix);
  return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

/* ---- numbers ---- */

/* The value of an ASCII or full-width digit, else -1. */
static int digit(uint32_t c) {
  if (c >= '0' && c <= '9') return (int)(c - '0');
  if (c >= 0xFF10 && c <= 0xFF19) return (int)(c - 0xFF10);
  return -1;
}

/* Reads a run of at most max digits at s[0, n); returns its value, or -1
 * when there is none or it is longer than max.  *used gets its bytes and
 * *count its digits. */
static int arabic(const char *s, size_t n, int max, size_t *used, int *count) {
  size_t i = 0;
  int v = 0, k = 0;
  uint32_t c;
  while (i < n) {
    size_t l = dec(s + i, n - i, &c);
    int d = digit(c);
    if (d < 0) break;
    if (++k > max) return -1;
    v = v * 10 + d;
    i += l;
  }
  *used = i;
  *count = k;
  return k ? v : -1;
}

/* The value of a Chinese digit (〇 零 一 … 九, 两), else -1. */
static int cn_digit(uint32_t c) {
  static const uint32_t d[] = {0x3007, 0x4E00, 0x4E8C, 0x4E09, 0x56DB,
                               0x4E94, 0x516D, 0x4E03, 0x516B, 0x4E5D};
  for (int i = 0; i < 10; i++)
    if (c == d[i]) return i;
  if (c == 0x96F6) return 0; /* 零 */
  if (c == 0x4E24) return 2; /* 两 */
  return -1;
}

/* Reads a Chinese numeral at s[0, n): 三, 十一, 二十三, 一百零五, or a
 * digit-by-digit one (二〇二三).  Returns its value, or -1 when there is
 * none or it is malformed (一二十); *used gets its bytes and *count its
 * characters, negated for a digit-by-digit one of two or more. */
static int chinese(const char *s, size_t n, size_t *used, int *count) {
  int total = 0, pending = -1, seq = 0, k = 0, units = 0, last_unit = 1000;
  size_t i = 0;
  uint32_t c;
  while (i < n) {
    size_t l = dec(s + i, n - i, &c);
    int d = cn_digit(c), unit = c == 0x5341 ? 10 : c == 0x767E ? 100 : 0;
    if (d < 0 && !unit) break;
    if (++k > 8) return -1;
    i += l;
    if (d >= 0) {
      seq = seq * 10 + d;
      if (d == 0) {
        pending = -1;
      } else {
        if (pending >= 0)
          pending = -2; /* two digits in a row */
        else
          pending = d;
      }
      continue;
    }
    units++;
    if (unit >= last_unit || pending == -2) return -1;
    if (unit == 100 && pending < 1) return -1;
    total += (pending > 0 ? pending : 1) * unit;
    pending = -1;
    last_unit = unit;
  }
  *used = i;
  *count = k;
  if (!k) return -1;
  if (!units) {
    if (k > 1) *count = -k;
    return seq; /* 三, 二〇二三 */
  }
  if (pending == -2) return -1;
  return total + (pending > 0 ? pending : 0);
}

/* Reads a year of four digits, Arabic or Chinese (二〇二三), at s[0, n). */
static int year_at(const char *s, size_t n, size_t *used) {
  int count, v = arabic(s, n, 4, used, &count);
  if (v < 0 || count != 4) {
    v = chinese(s, n, used, &count);
    if (count != -4) v = -1;
  }
  return v >= 1900 && v <= 2100 ? v : -1;
}

/* Reads a number of one or two digits or a Chinese numeral at s[0, n). */
static int small_at(const char *s, size_t n, size_t *used) {
  int count, v = arabic(s, n, 2, used, &count);
  return v >= 0 ? v : chinese(s, n, used, &count);
}

/* Reads a date "2023年1月5日" (digits Arabic, full-width or Chinese) at
 * s[0, n), or one without its day ("2024年1月在…", *d = 0); returns 1
 * and the date and its end, or 0. */
static int date_at(const char *s, size_t n, int *y, int *m, int *d,
                   size_t *end) {
  size_t i, l;
  if ((*y = year_at(s, n, &i)) < 0 || !starts(s + i, n - i, "年")) return 0;
  i += strlen("年");
  if ((*m = small_at(s + i, n - i, &l)) < 1 || *m > 12) return 0;
  i += l;
  if (!starts(s + i, n - i, "月")) return 0;
  i += strlen("月");
  *end = i;
  *d = small_at(s + i, n - i, &l);
  if (*d < 1 || *d > 31 || !starts(s + i + l, n - i - l, "日")) {
    *d = 0;
    return 1;
  }
  *end = i + l + strlen("日");
  return 1;
}

/* Finds the first date in s[0, n); returns 1 with its start and end. */
static int find_date(const char *s, size_t n, int *y, int *m, int *d,
                     size_t *start, size_t *end) {
  uint32_t c;
  for (size_t i = 0; i < n; i += dec(s + i, n - i, &c)) {
    if (date_at(s + i, n - i, y, m, d, end)) {
      *start = i;
      *end += i;
      return 1;
    }
  }
  return 0;
}

/* ---- headings ---- */

/* A heading on the section stack while headings are recognised: its
 * level, its kind of numbering (the level that numbering has by default:
 * 1 第一部分 and back matter, 2 一、, 3 （一）, 4 1．, 5 （1）) and number. */
typedef struct entry {
  int level, kind, num;
} entry;

/* Reads a Chinese numeral or, when also_arabic, digits at s[0, n). */
static int any_num(const char *s, size_t n, int also_arabic, size_t *used,
                   int *arabic_num) {
  int count, v = chinese(s, n, used, &count);
  *arabic_num = 0;
  if (v < 0 && also_arabic) {
    v = arabic(s, n, 3, used, &count);
    *arabic_num = v >= 0;
  }
  return v;
}

/* Returns the first code point of s[0, n) (BAD when empty). */
static uint32_t first(const char *s, size_t n) {
  uint32_t c = BAD;
  if (n) dec(s, n, &c);
  return c;
}

/* Recognises the numbering that opens paragraph p[0, n) and returns its
 * kind (0: none; see entry) and number.  top is the innermost open heading
 * (NULL at the top), which a few ambiguous numberings are checked
 * against. */
static int numbered(const char *p, size_t n, const entry *top, int *num) {
  size_t i, l;
  int is_arabic;

  /* 第一部分, 第二章, 第三篇 */
  if (starts(p, n, "第")) {
    i = strlen("第");
    if ((*num = any_num(p + i, n - i, 1, &l, &is_arabic)) > 0) {
      i += l;
      if (starts(p + i, n - i, "部分") || starts(p + i, n - i, "章") ||
          starts(p + i, n - i, "篇"))
        return 1;
    }
    return 0;
  }

  /* （一） level 3, （1） level 5 */
  if (starts(p, n, "（") || starts(p, n, "(")) {
    i = starts(p, n, "(") ? 1 : strlen("（");
    if ((*num = any_num(p + i, n - i, 1, &l, &is_arabic)) > 0) {
      i += l;
      if (starts(p + i, n - i, "）") || starts(p + i, n - i, ")"))
        return is_arabic ? 5 : 3;
    }
    return 0;
  }

  /* 一、 level 2, or a bare numeral alone on its line (1960: "一") */
  int count;
  if ((*num = chinese(p, n, &l, &count)) > 0) {
    if (count < 0) return 0; /* 二〇二三年 */
    if (l == n) return count <= 3 ? 2 : 0;
    if (!starts(p + l, n - l, "、")) return 0; /* 一是…, 二〇二三年… */
    i = l + strlen("、");
    if (i == n) return 0;
    /* "一、二季度", "二、三产业": a run of numbers, not a heading; but
     * "一、二〇二三年工作回顾" is one. */
    size_t l2;
    int c2;
    if (chinese(p + i, n - i, &l2, &c2) == *num + 1 && c2 == 1) return 0;
    return 2;
  }

  /* 1. 1． 1、 level 4; not "1.5万亿元", "2022年", "1、2月份" */
  if ((*num = arabic(p, n, 3, &l, &count)) >= 0) {
    int dot = starts(p + l, n - l, ".") || starts(p + l, n - l, "．");
    if (!dot && !starts(p + l, n - l, "、")) return 0;
    i = l + (starts(p + l, n - l, ".") ? 1 : strlen("、")); /* ．、 alike */
    if (i >= n) return 0;
    if (digit(first(p + i, n - i)) >= 0) {
      /* "3．10种有色金属" right after "2．…" is item 3 of a list. */
      if (!dot || !top || top->kind != 4 || top->num != *num - 1 || *num < 2)
        return 0;
    }
    return *num > 0 ? 4 : 0;
  }

  /* Back matter on a short line of its own: 附件1, 名词解释, 注释. */
  if ((starts(p, n, "附件") || starts(p, n, "附录") ||
       starts(p, n, "名词解释") || starts(p, n, "注释")) &&
      cps(p, n) <= 12) {
    *num = 0;
    return 1;
  }
  return 0;
}

int bg_report_heading_level(const char *p, size_t n) {
  int num;
  return p ? numbered(p, n, NULL, &num) : 0;
}

/* Bytes of the short title of heading p[0, n): the part before the first
 * 。；：！？ and at most TITLE_MAX code points. */
static size_t short_title(const char *p, size_t n) {
  uint32_t c;
  size_t i = 0;
  for (size_t k = 0; i < n && k < TITLE_MAX; k++) {
    size_t l = dec(p + i, n - i, &c);
    if (c == 0x3002 || c == 0xFF1B || c == 0xFF1A || c == 0xFF01 ||
        c == 0xFF1F || c == ';' || c == ':' || c == '!' || c == '?')
      break;
    i += l;
  }
  return i;
}

/* The level of Markdown heading p[0, n) ("## 标题"), else 0. */
static int markdown(const char *p, size_t n) {
  size_t k = 0;
  while (k < n && p[k] == '#')
    k++;
  if (k < 1 || k > 6 || (k < n && p[k] == '#')) return 0;
  return (int)k;
}

/* The level of a heading of the given kind and number, under the open
 * headings stack[0, depth).  By default a kind has its own level, but a
 * number that continues an open heading's numbering is that heading's
 * sibling, and a list restarting at 一 inside a section of the same kind
 * ("三、…", "（一）…", then "一、…", "二、…" as points of it) sits one level
 * below that section rather than closing it; a second such list right
 * after the first stays at its level. */
static int level_of(const entry *stack, int depth, int kind, int num) {
  int inner = -1;
  for (int d = depth - 1; d >= 0; d--) {
    if (stack[d].kind != kind) continue;
    if (stack[d].num == num - 1) return stack[d].level;
    if (inner < 0) inner = d;
  }
  if (num == 1 && inner >= 0 && inner < depth - 1 &&
      stack[inner].level < MAX_LEVEL)
    return stack[inner].level + 1;
  if (num == 1 && inner >= 0 && inner == depth - 1 && stack[inner].level > kind)
    return stack[inner].level;
  return kind;
}

/* Gives every paragraph its heading level and short title. */
static void headings(bg_report *r, bg_format format) {
  entry stack[MAX_LEVEL];
  int depth = 0;
  for (size_t i = 0; i < r->npara; i++) {
    bg_para *pa = &r->para[i];
    const char *p = r->text + pa->off;
    int num = 0, kind = 0, level;
    if (format == BG_FMT_MD && (level = markdown(p, pa->len)) > 0) {
      pa->title_len = pa->len;
    } else {
      kind = numbered(p, pa->len, depth ? &stack[depth - 1] : NULL, &num);
      if (!kind) continue;
      level = num ? level_of(stack, depth, kind, num) : kind;
      pa->title_len = (uint32_t)short_title(p, pa->len);
    }
    pa->level = (uint8_t)level;
    while (depth && stack[depth - 1].level >= level)
      depth--;
    stack[depth].level = level;
    stack[depth].kind = kind;
    stack[depth].num = num;
    depth++;
  }
}

/* ---- paragraphs ---- */

/* Narrows [*b, *e) of s to its content without whitespace at either end. */
static void strip(const char *s, size_t *b, size_t *e) {
  size_t i = *b, last;
  uint32_t c;
  while (i < *e) {
    size_t l = dec(s + i, *e - i, &c);
    if (!is_space(c)) break;
    i += l;
  }
  last = i;
  for (size_t j = i; j < *e;) {
    j += dec(s + j, *e - j, &c);
    if (!is_space(c)) last = j;
  }
  *b = i;
  *e = last;
}

/* Cuts s[0, n) into r's paragraphs and text. */
static int split(bg_report *r, const char *s, size_t n) {
  size_t cap = 0, used = 0;
  if (!(r->text = bg_malloc(n + 2))) return BG_ENOMEM;
  for (size_t i = 0; i < n;) {
    size_t b = i, e;
    while (i < n && s[i] != '\n' && s[i] != '\r')
      i++;
    e = i;
    if (i < n) i += s[i] == '\r' && i + 1 < n && s[i + 1] == '\n' ? 2 : 1;
    strip(s, &b, &e);
    if (b == e) continue;
    if (r->npara == cap) {
      size_t ncap = cap ? cap * 2 : 64;
      bg_para *np = bg_realloc(r->para, ncap * sizeof *np);
      if (!np) return BG_ENOMEM;
      r->para = np;
      cap = ncap;
    }
    bg_para *pa = &r->para[r->npara++];
    memset(pa, 0, sizeof *pa);
    pa->off = (uint32_t)used;
    pa->len = (uint32_t)(e - b);
    memcpy(r->text + used, s + b, e - b);
    used += e - b;
    r->text[used++] = '\n';
  }
  r->text[used] = '\0';
  r->text_len = used;
  return BG_OK;
}

/* ---- metadata ---- */

/* The opening paragraphs with every whitespace character removed
 * ("政 府 工 作 报 告" -> "政府工作报告"), which is how the rules below
 * read them. */
typedef struct opening {
  char *buf;
  size_t off[OPENING], len[OPENING];
  int n;      /* paragraphs held */
  int before; /* paragraphs before the greeting "各位代表" */
} opening;

/* Fills o from the first OPENING paragraphs of r. */
static int open_lines(const bg_report *r, opening *o) {
  size_t total = 0, used = 0;
  o->n = r->npara < OPENING ? (int)r->npara : OPENING;
  for (int i = 0; i < o->n; i++)
    total += r->para[i].len + 1;
  if (!(o->buf = bg_malloc(total + 1))) return BG_ENOMEM;
  o->before = o->n;
  for (int i = 0; i < o->n; i++) {
    const char *p = r->text + r->para[i].off;
    size_t n = r->para[i].len;
    uint32_t c;
    o->off[i] = used;
    for (size_t j = 0; j < n;) {
      size_t l = dec(p + j, n - j, &c);
      if (!is_space(c)) memcpy(o->buf + used, p + j, l), used += l;
      j += l;
    }
    o->len[i] = used - o->off[i];
    o->buf[used++] = '\0';
    if (o->before == o->n && starts(o->buf + o->off[i], o->len[i], "各位代表"))
      o->before = i;
  }
  return BG_OK;
}

/* Office titles a speaker's name follows (or, rarely, precedes). */
static const char *const offices[] = {"总理", "省长", "市长", "区长", "县长",
                                      "州长", "旗长", "盟长", "主席", "书记",
                                      "主任", "部长", "镇长", "乡长", "局长"};

/* Finds the office title that ends last in s[0, n) (which == 1) or starts
 * first (which == 0); returns 1 with its bounds. */
static int office(const char *s, size_t n, int which, size_t *tb, size_t *te) {
  int found = 0;
  *tb = *te = 0;
  for (size_t k = 0; k < sizeof offices / sizeof *offices; k++) {
    size_t at = which ? rfind(s, 0, n, offices[k]) : find(s, n, 0, offices[k]);
    if (at == (size_t)-1) continue;
    size_t end = at + strlen(offices[k]);
    if (!found || (which ? end > *te : at < *tb)) *tb = at, *te = end;
    found = 1;
  }
  return found;
}

/* Returns the code points of s[0, n) when it is all Han characters and
 * middle dots (艾尔肯·吐尼亚孜), else 0; *dots gets the dots. */
static size_t han(const char *s, size_t n, int *dots) {
  size_t k = 0;
  uint32_t c;
  *dots = 0;
  for (size_t i = 0; i < n; k++) {
    i += dec(s + i, n - i, &c);
    if (c == 0xB7 || c == 0x2022 || c == 0x30FB || c == 0xFF0E)
      ++*dots;
    else if (!((c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF)))
      return 0;
  }
  return k;
}

/* Returns 1 when s[0, n) reads as a person's name: 2 to 5 Han
 * characters, or up to 16 with the dots of a transcribed name. */
static int is_name(const char *s, size_t n) {
  int dots;
  size_t k = han(s, n, &dots);
  return k >= 2 && k <= (dots ? 16u : 5u);
}

/* The name in s[0, n) less a closing "同志", or NULL. */
static const char *name_in(const char *s, size_t n, size_t *len) {
  if (ends(s, n, "同志")) n -= strlen("同志");
  *len = n;
  return is_name(s, n) ? s : NULL;
}

/* Copies s[0, n) into a new string. */
static char *dup(const char *s, size_t n) {
  char *d = bg_malloc(n + 1);
  if (d) {
    memcpy(d, s, n);
    d[n] = '\0';
  }
  return d;
}

/* Replaces *field (a string, maybe "") with s[0, n). */
static int set(char **field, const char *s, size_t n) {
  char *d = dup(s, n);
  if (!d) return BG_ENOMEM;
  free(*field);
  *field = d;
  return BG_OK;
}

/* Strips the words around a place name in a speaker line or greeting
 * ("四川省人民政府" -> "四川省", "国务院副" -> "国务院") and returns its
 * length when what is left names a place, else 0. */
static size_t place(const char *s, size_t n) {
  static const char *const tails[] = {"常务副", "代理",     "代",
                                      "副",     "人民政府", "政府"};
  for (int again = 1; again;) {
    again = 0;
    for (size_t k = 0; k < sizeof tails / sizeof *tails; k++)
      if (ends(s, n, tails[k])) n -= strlen(tails[k]), again = 1;
  }
  if (n == strlen("国务院") && starts(s, n, "国务院")) return n;
  if (cps(s, n) < 2 || (n == strlen("自治区") && starts(s, n, "自治区")))
    return 0;
  static const char *const kinds[] = {"省", "市", "区", "县", "州",
                                      "旗", "盟", "镇", "乡"};
  int dots;
  size_t k = han(s, n, &dots);
  if (dots || k < 2 || k > 20) return 0;
  for (size_t j = 0; j < sizeof kinds / sizeof *kinds; j++)
    if (ends(s, n, kinds[j])) return n;
  return 0;
}

/* What the opening lines say; offsets into opening.buf. */
typedef struct found {
  int year, month, day;
  const char *region, *speaker, *title;
  size_t region_len, speaker_len, title_len;
} found;

/* The offset of the people's congress named in s[from, n): "人民代表大会",
 * or "人大" after a session number or 全国 ("在县十八届人大三次会议上"),
 * or (size_t)-1. */
static size_t congress(const char *s, size_t n, size_t from) {
  size_t k = find(s, n, from, "人民代表大会");
  for (size_t at = from;
       k == (size_t)-1 && (at = find(s, n, at, "人大")) != (size_t)-1; at++)
    if (ends(s, at, "届") || ends(s, at, "全国")) k = at;
  return k;
}

/* The date line: "——2023年1月5日在济南市钢城区第十九届人民代表大会…"
 * (possibly broken before 人民代表大会, so the next line is read with
 * it).  The region is what stands between the last 在 and the session
 * number (第十九届, 十四届) or 人民代表大会; 全国人民代表大会 means the
 * State Council's report.  A speaker may sit between the date and 在
 * ("2025年1月16日省长 李乐成在…", "…日龚正市长在…"). */
static void date_line(const opening *o, found *f) {
  for (int i = 0; i < o->before; i++) {
    const char *s = o->buf + o->off[i];
    size_t n = o->len[i], ds, de;
    int y, m, d;
    if (!find_date(s, n, &y, &m, &d, &ds, &de)) continue;
    /* The line and the next are contiguous in buf but for a NUL. */
    size_t k = congress(s, n, de);
    if (k == (size_t)-1 && i + 1 < o->n)
      k = congress(s, o->off[i + 1] + o->len[i + 1] - o->off[i], n + 1);
    if (k == (size_t)-1) continue;
    f->year = y, f->month = m, f->day = d;
    size_t j = k, at = rfind(s, de, k, "在");
    if (ends(s, k, "全国")) {
      f->region = "国务院", f->region_len = strlen("国务院");
    } else {
      /* Walk back over 第十九届 / 十四届 / 第 19 届, across the line
       * break if there is one. */
      if (j == n + 1) j = n;
      if (j >= strlen("届") && ends(s, j, "届")) {
        j -= strlen("届");
        size_t b = j;
        uint32_t c;
        while (b > de) {
          size_t q = b - 1;
          while (q > de && ((unsigned char)s[q] & 0xC0) == 0x80)
            q--;
          dec(s + q, b - q, &c);
          if (cn_digit(c) < 0 && digit(c) < 0 && c != 0x5341 && c != 0x767E)
            break;
          b = q;
        }
        if (b < j) j = b;
        if (ends(s, j, "第")) j -= strlen("第");
      }
      at = rfind(s, de, j, "在");
      size_t rb = at == (size_t)-1 ? de : at + strlen("在");
      if (rb < j && j <= n && place(s + rb, j - rb) == j - rb)
        f->region = s + rb, f->region_len = j - rb;
    }
    /* A speaker between the date and 在. */
    if (at != (size_t)-1 && at > de) {
      size_t tb, te, len;
      const char *nm;
      if (office(s + de, at - de, 1, &tb, &te)) {
        if ((nm = name_in(s + de + te, at - de - te, &len)) ||
            (nm = name_in(s + de, tb, &len)))
          f->speaker = nm, f->speaker_len = len;
      }
    }
    return;
  }
}

/* The speaker: a short line "济南市钢城区人民政府区长  程学锋", "国务院副总理
 * 兼国家计划委员会主任李富春" (the name follows the last office title), or a
 * sentence "…市长殷勇同志作政府工作报告". */
static void speaker(const opening *o, found *f, const char **where,
                    size_t *where_len) {
  size_t tb, te, len;
  const char *nm;
  *where = NULL;
  for (int i = 0; i < o->before; i++) {
    const char *s = o->buf + o->off[i];
    size_t n = o->len[i];
    if (cps(s, n) > 30 || !office(s, n, 1, &tb, &te)) continue;
    if ((nm = name_in(s + te, n - te, &len))) {
      if (!f->speaker) f->speaker = nm, f->speaker_len = len;
      if (office(s, n, 0, &tb, &te)) *where = s, *where_len = tb;
      return;
    }
  }
  for (int i = 0; i < o->before && !f->speaker; i++) {
    const char *s = o->buf + o->off[i];
    size_t n = o->len[i], k = find(s, n, 0, "作政府工作报告");
    if (k == (size_t)-1) k = find(s, n, 0, "作报告");
    if (k == (size_t)-1 || !office(s, k, 1, &tb, &te)) continue;
    if ((nm = name_in(s + te, k - te, &len)))
      f->speaker = nm, f->speaker_len = len;
  }
}

/* The title: an opening line naming the report ("政府工作报告", "1955年国
 * 务院政府工作报告", "关于…的报告"), else a short first line that is not
 * the date line, a speaker line or the greeting. */
static void title(const bg_report *r, const opening *o, found *f) {
  static const char *const not_first[] = {"——",   "－",   "-",  "―",
                                          "来源", "时间", "（", "("};
  static const char *const not_last[] = {"：", ":", "。", "！",
                                         "？", "!", "?",  "；"};
  int y, m, d;
  size_t ds, de, tb, te, len;
  for (int pass = 0; pass < 2 && !f->title; pass++) {
    for (int i = 0; i < (pass ? (o->before ? 1 : 0) : o->before); i++) {
      const char *s = o->buf + o->off[i];
      size_t n = o->len[i], k;
      if (r->para[i].level || cps(s, n) >= 40 ||
          find_date(s, n, &y, &m, &d, &ds, &de) ||
          find(s, n, 0, "作政府工作报告") != (size_t)-1 ||
          find(s, n, 0, "摄") != (size_t)-1)
        continue;
      for (k = 0; k < sizeof not_first / sizeof *not_first; k++)
        if (starts(s, n, not_first[k])) break;
      if (k < sizeof not_first / sizeof *not_first) continue;
      for (k = 0; k < sizeof not_last / sizeof *not_last; k++)
        if (ends(s, n, not_last[k])) break;
      if (k < sizeof not_last / sizeof *not_last) continue;
      if (pass == 0 && find(s, n, 0, "报告") == (size_t)-1) continue;
      if (pass == 1 && office(s, n, 1, &tb, &te) &&
          name_in(s + te, n - te, &len))
        continue;
      f->title = s, f->title_len = n;
      break;
    }
  }
}

/* The year a title opens with ("1954年政府工作报告", "2006政府工作报告"). */
static int title_year(const char *s, size_t n) {
  size_t l;
  int y = year_at(s, n, &l);
  return y > 0 && digit(first(s + l, n - l)) < 0 ? y : 0;
}

/* The year from the headings when no opening line gives it: a review of
 * a year comes the year after it ("一、2018年工作回顾" in 2019's report),
 * plans for a year in it ("二、2018年经济社会发展总体要求"). */
static int heading_year(const bg_report *r) {
  static const char *const plans[] = {"任务", "要求", "安排", "部署",
                                      "建议", "目标", "重点"};
  for (size_t i = 0; i < r->npara; i++) {
    const bg_para *pa = &r->para[i];
    if (!pa->level || pa->level > 2) continue;
    const char *s = r->text + pa->off;
    size_t n = pa->len, l;
    uint32_t c;
    for (size_t j = 0; j < n; j += dec(s + j, n - j, &c)) {
      int y = year_at(s + j, n - j, &l);
      if (y < 0 || (j && digit(first(s + j - 1, 1)) >= 0) ||
          !starts(s + j + l, n - j - l, "年"))
        continue;
      if (find(s, n, 0, "回顾") != (size_t)-1) return y + 1;
      for (size_t k = 0; k < sizeof plans / sizeof *plans; k++)
        if (find(s, n, 0, plans[k]) != (size_t)-1) return y;
      break;
    }
  }
  return 0;
}

/* The year of a session of the National People's Congress: session m of
 * the n-th congress ("第五届全国人民代表大会第二次会议" met in 1979), or 0.
 * Until the sixth congress sessions were irregular; since 1983 there is
 * one a year, five a congress. */
static int npc_year(int n, int m) {
  static const int early[5][5] = {{1954, 1955, 1956, 1957, 1958},
                                  {1959, 1960, 1962, 1963, 0},
                                  {1964, 0, 0, 0, 0},
                                  {1975, 0, 0, 0, 0},
                                  {1978, 1979, 1980, 1981, 1982}};
  if (n < 1 || m < 1 || m > 5 || n > 30) return 0;
  return n <= 5 ? early[n - 1][m - 1] : 1983 + 5 * (n - 6) + (m - 1);
}

/* Reads "第一届全国人民代表大会第二次会议" (also "十四届全国人大二次会议")
 * at s[0, n) and returns the year the session met, else 0. */
static int session_at(const char *s, size_t n) {
  size_t i = 0, l;
  int count;
  if (starts(s, n, "第")) i += strlen("第");
  int nth = chinese(s + i, n - i, &l, &count);
  if (nth < 1) nth = arabic(s + i, n - i, 2, &l, &count);
  if (nth < 1) return 0;
  i += l;
  if (starts(s + i, n - i, "届")) i += strlen("届");
  if (starts(s + i, n - i, "全国人民代表大会"))
    i += strlen("全国人民代表大会");
  else if (starts(s + i, n - i, "全国人大"))
    i += strlen("全国人大");
  else
    return 0;
  if (starts(s + i, n - i, "第")) i += strlen("第");
  int mth = chinese(s + i, n - i, &l, &count);
  if (mth < 1) mth = arabic(s + i, n - i, 1, &l, &count);
  if (mth < 1 || !starts(s + i + l, n - i - l, "次会议")) return 0;
  return npc_year(nth, mth);
}

/* The year of the session of the National People's Congress the report
 * is made to, when an opening paragraph says so: "我代表中华人民共和国国务
 * 院向第一届全国人民代表大会第三次会议提出…" (the 1950s reports name no
 * date). */
static int session_year(const opening *o) {
  for (int i = 0; i < o->n; i++) {
    const char *s = o->buf + o->off[i];
    size_t n = o->len[i];
    for (size_t at = 0; (at = find(s, n, at, "向")) != (size_t)-1;) {
      at += strlen("向");
      int y = session_at(s + at, n - at);
      if (y) return y;
    }
  }
  return 0;
}

/* Returns 1 when s[0, n) speaks for the State Council or to the National
 * People's Congress: "我受国务院的委托", "根据国务院的决定", "向第五届全国
 * 人民代表大会作政府工作报告". */
static int national(const char *s, size_t n) {
  static const char *const phrases[] = {"我代表中华人民共和国国务院",
                                        "受国务院的委托",
                                        "受国务院委托",
                                        "根据国务院的决定",
                                        "向全国人民代表大会",
                                        "向大会作政府工作报告"};
  for (size_t k = 0; k < sizeof phrases / sizeof *phrases; k++)
    if (find(s, n, 0, phrases[k]) != (size_t)-1)
      return k < 5 || find(s, n, 0, "国务院") != (size_t)-1;
  for (size_t at = 0; (at = find(s, n, at, "向")) != (size_t)-1;) {
    at += strlen("向");
    if (session_at(s + at, n - at)) return 1;
  }
  return 0;
}

/* The province-level region of the given kind ("省", "市", "自治区")
 * named most often in the text, or NULL on a tie or none: the last resort
 * for a report whose opening lines say only "我代表省人民政府". */
static const char *most_named(const bg_report *r, const char *kind) {
  static const char *const regions[] = {
      "北京市",         "天津市",     "上海市",         "重庆市",
      "河北省",         "山西省",     "辽宁省",         "吉林省",
      "黑龙江省",       "江苏省",     "浙江省",         "安徽省",
      "福建省",         "江西省",     "山东省",         "河南省",
      "湖北省",         "湖南省",     "广东省",         "海南省",
      "四川省",         "贵州省",     "云南省",         "陕西省",
      "甘肃省",         "青海省",     "台湾省",         "内蒙古自治区",
      "广西壮族自治区", "西藏自治区", "宁夏回族自治区", "新疆维吾尔自治区"};
  const char *best = NULL;
  size_t best_n = 0;
  int tie = 0;
  for (size_t k = 0; k < sizeof regions / sizeof *regions; k++) {
    size_t cnt = 0, len = strlen(regions[k]);
    if (!ends(regions[k], len, kind)) continue;
    for (size_t at = 0;
         (at = find(r->text, r->text_len, at, regions[k])) != (size_t)-1;
         at += len)
      cnt++;
    if (cnt > best_n)
      best = regions[k], best_n = cnt, tie = 0;
    else if (cnt && cnt == best_n)
      tie = 1;
  }
  return tie ? NULL : best;
}

/* Region from the greeting "我代表国务院" / "我代表江苏省人民政府" (or words
 * that only the State Council's report uses, see national()); when it
 * names only the kind of government ("我代表省人民政府"), the province of
 * that kind the text names most. */
static void greeting(const bg_report *r, const opening *o, found *f) {
  static const char *const kinds[] = {"自治区", "省", "市"};
  for (int i = 0; i < o->n && !f->region; i++) {
    const char *s = o->buf + o->off[i];
    size_t n = o->len[i], k = find(s, n, 0, "我代表"), e, len;
    if (national(s, n)) {
      f->region = "国务院", f->region_len = strlen("国务院");
      return;
    }
    if (k == (size_t)-1) continue;
    k += strlen("我代表");
    if (starts(s + k, n - k, "国务院")) {
      f->region = "国务院", f->region_len = strlen("国务院");
      return;
    }
    if ((e = find(s, n, k, "政府")) == (size_t)-1) continue;
    if (ends(s, e, "人民")) e -= strlen("人民");
    if ((len = place(s + k, e - k)) && len == e - k) {
      f->region = s + k, f->region_len = len;
      return;
    }
    for (size_t j = 0; j < sizeof kinds / sizeof *kinds; j++) {
      if (e - k == strlen(kinds[j]) && starts(s + k, e - k, kinds[j]) &&
          (f->region = most_named(r, kinds[j]))) {
        f->region_len = strlen(f->region);
        return;
      }
    }
  }
}

/* Fills the metadata of r from its id and text. */
static int metadata(bg_report *r, const char *id) {
  opening o = {0};
  found f = {0};
  const char *where = NULL;
  size_t where_len = 0, idn = strlen(id);
  int rc = BG_OK;

  if ((rc = open_lines(r, &o))) return rc;
  date_line(&o, &f);
  speaker(&o, &f, &where, &where_len);
  title(r, &o, &f);

  /* The id: YEAR_REGION[.anything]. */
  int name_year = idn > 5 && id[4] == '_';
  for (int i = 0; i < 4 && name_year; i++)
    name_year = id[i] >= '0' && id[i] <= '9';
  size_t region_end = 5;
  while (name_year && region_end < idn && id[region_end] != '.')
    region_end++;
  if (name_year) {
    r->year = atoi(id);
    r->year_from = "name";
  }
  if (name_year && region_end > 5) {
    if ((rc = set(&r->region, id + 5, region_end - 5))) goto done;
    r->region_from = "name";
  }

  if (!r->year) {
    int y = f.year;
    if (!y && f.title) y = title_year(f.title, f.title_len);
    if (!y) y = session_year(&o);
    if (!y) y = heading_year(r);
    if (y) r->year = y, r->year_from = "text";
  }
  if (!*r->region) {
    size_t len;
    if (!f.region && where && (len = place(where, where_len)))
      f.region = where, f.region_len = len;
    if (!f.region) greeting(r, &o, &f);
    if (f.region) {
      if ((rc = set(&r->region, f.region, f.region_len))) goto done;
      r->region_from = "text";
    }
  }
  if (f.year) {
    char buf[32];
    int k = f.day ? snprintf(buf, sizeof buf, "%04d-%02d-%02d", f.year, f.month,
                             f.day)
                  : snprintf(buf, sizeof buf, "%04d-%02d", f.year, f.month);
    if ((rc = set(&r->date, buf, (size_t)k))) goto done;
    r->date_from = "text";
  }
  if (f.speaker) {
    if ((rc = set(&r->speaker, f.speaker, f.speaker_len))) goto done;
    r->speaker_from = "text";
  }
  if (f.title) {
    if ((rc = set(&r->title, f.title, f.title_len))) goto done;
    r->title_from = "text";
  }
done:
  free(o.buf);
  return rc;
}

/* ---- the report ---- */

/* Cuts the text into paragraphs, then finds headings, then metadata (the
 * year rules read the headings). */
int bg_report_parse(const char *id, const char *utf8, size_t len,
                    bg_format format, bg_report **out, bg_err *err) {
  bg_report *r;
  if (!out) return bg_err_set(err, BG_EINVAL, "no place for the report");
  *out = NULL;
  if (!utf8 && len) return bg_err_set(err, BG_EINVAL, "no text given");
  if (len > UINT32_MAX - 2)
    return bg_err_set(err, BG_ERANGE, "report too large: %zu bytes", len);
  if (!id) id = "";
  if (!(r = bg_calloc(1, sizeof *r))) goto nomem;
  r->year_from = r->region_from = r->date_from = r->speaker_from =
      r->title_from = "";
  if (!(r->id = dup(id, strlen(id))) || !(r->title = dup("", 0)) ||
      !(r->region = dup("", 0)) || !(r->date = dup("", 0)) ||
      !(r->speaker = dup("", 0)))
    goto nomem;
  if (split(r, utf8 ? utf8 : "", len)) goto nomem;
  if (!r->npara) {
    bg_report_free(r);
    return bg_err_set(err, BG_EFORMAT,
                      "no text: the file has no non-blank line");
  }
  headings(r, format);
  if (metadata(r, id)) goto nomem;
  *out = r;
  return BG_OK;
nomem:
  bg_report_free(r);
  return bg_err_set(err, BG_ENOMEM, "out of memory parsing report %s", id);
}

int bg_report_override(bg_report *r, const bg_report_meta *m, const char *from,
                       bg_err *err) {
  const char *vals[] = {m->region, m->date, m->speaker, m->title};
  char **slot[] = {&r->region, &r->date, &r->speaker, &r->title};
  const char **froms[] = {&r->region_from, &r->date_from, &r->speaker_from,
                          &r->title_from};
  char *copies[4] = {NULL, NULL, NULL, NULL};
  for (int k = 0; k < 4; k++) {
    if (vals[k] && !(copies[k] = dup(vals[k], strlen(vals[k])))) {
      for (int j = 0; j < k; j++)
        free(copies[j]);
      return bg_err_set(err, BG_ENOMEM, "out of memory");
    }
  }
  for (int k = 0; k < 4; k++) {
    if (!copies[k]) continue;
    free(*slot[k]);
    *slot[k] = copies[k];
    *froms[k] = from;
  }
  if (m->year) {
    r->year = m->year;
    r->year_from = from;
  }
  return BG_OK;
}

/* Frees everything the report owns, then the report itself. */
void bg_report_free(bg_report *r) {
  if (!r) return;
  free(r->id);
  free(r->title);
  free(r->region);
  free(r->date);
  free(r->speaker);
  free(r->text);
  free(r->para);
  free(r);
}
