/*
 * test_formats.c - report files in every format and charset (core/source.c
 * with docx.c, html.c, pdf.c and the Big5 detection of encoding.c).
 *
 * The fixtures are made at run time in a fresh folder under /tmp: Word
 * documents zipped with libzip from XML written here, web pages in UTF-8
 * and converted with iconv, PDF files written object by object (with a
 * ToUnicode map, so no font is needed), Markdown with front matter, GBK
 * and Big5 text, and a gzip copy of each.  Every fixture is checked for
 * the paragraphs it must give.  When ../shared is present, its raw files
 * must give the paragraphs of their clean twins.  BAOGAO_KEEP_TMP in the
 * environment keeps the fixtures' folder.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>
#include <zlib.h>

#include "report.h"
#include "source.h"

#define SHARED BAOGAO_SHARED_DIR "/corpus"

/* ---- fixtures ---- */

typedef struct fixture {
  char dir[64];
} fixture;

static int setup(void **state) {
  fixture *fx = calloc(1, sizeof *fx);
  if (!fx) return -1;
  snprintf(fx->dir, sizeof fx->dir, "/tmp/baogao-test-formats-XXXXXX");
  if (!mkdtemp(fx->dir)) {
    free(fx);
    return -1;
  }
  *state = fx;
  return 0;
}

static int teardown(void **state) {
  fixture *fx = *state;
  if (getenv("BAOGAO_KEEP_TMP")) { /* to look at the fixtures */
    print_message("kept %s\n", fx->dir);
    free(fx);
    return 0;
  }
  DIR *d = opendir(fx->dir);
  if (d) {
    struct dirent *e;
    char path[512];
    while ((e = readdir(d)) != NULL) {
      if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
      snprintf(path, sizeof path, "%s/%s", fx->dir, e->d_name);
      unlink(path);
    }
    closedir(d);
  }
  rmdir(fx->dir);
  free(fx);
  return 0;
}

static void path_of(const fixture *fx, const char *name, char *buf) {
  snprintf(buf, 512, "%s/%s", fx->dir, name);
}

static void write_file(const char *path, const char *data, size_t len) {
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(data, 1, len, f), len);
  assert_int_equal(fclose(f), 0);
}

/* Writes path.gz beside path, holding the same bytes gzip-compressed. */
static void gzip_copy(const char *path, const char *data, size_t len) {
  char gz_path[600];
  snprintf(gz_path, sizeof gz_path, "%s.gz", path);
  gzFile gz = gzopen(gz_path, "wb");
  assert_non_null(gz);
  if (len) assert_int_equal(gzwrite(gz, data, (unsigned)len), (int)len);
  assert_int_equal(gzclose(gz), Z_OK);
}

/* Reads a whole file; NULL when it cannot be opened. */
static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  *len = 0;
  if (!f) return NULL;
  assert_int_equal(fseek(f, 0, SEEK_END), 0);
  long size = ftell(f);
  assert_true(size >= 0);
  rewind(f);
  char *buf = malloc((size_t)size + 1);
  assert_non_null(buf);
  assert_int_equal(fread(buf, 1, (size_t)size, f), (size_t)size);
  buf[size] = '\0';
  fclose(f);
  *len = (size_t)size;
  return buf;
}

/* Converts the NUL-terminated utf8 to charset; the caller frees it. */
static char *encode(const char *utf8, const char *charset, size_t *out_len) {
  size_t len = strlen(utf8);
  iconv_t cd = iconv_open(charset, "UTF-8");
  assert_true(cd != (iconv_t)-1);
  size_t cap = len * 4 + 16, left = cap;
  char *buf = malloc(cap), *o = buf, *in = (char *)utf8;
  assert_non_null(buf);
  assert_int_not_equal(iconv(cd, &in, &len, &o, &left), (size_t)-1);
  iconv_close(cd);
  *out_len = cap - left;
  return buf;
}

/* ---- checking paragraphs ---- */

/* Reads path and parses it as a report; fails the test on an error. */
static bg_report *read_report(const char *path, const char *encoding,
                              char *used) {
  bg_source src;
  bg_err err = {0};
  bg_report *r = NULL;
  if (bg_source_read(path, encoding, &src, &err) != BG_OK)
    fail_msg("%s", err.msg);
  if (used) snprintf(used, BG_ENCODING_NAME_MAX, "%s", src.encoding);
  if (bg_report_parse("report", src.text, src.len, src.format, &r, &err))
    fail_msg("%s: %s", path, err.msg);
  bg_source_free(&src);
  return r;
}

/* Checks that path gives exactly the paragraphs of want (one per line,
 * each followed by '\n') and was read in charset want_encoding. */
static void expect_paras(const char *path, const char *encoding,
                         const char *want, const char *want_encoding) {
  char used[BG_ENCODING_NAME_MAX];
  bg_report *r = read_report(path, encoding, used);
  if (strcmp(r->text, want) != 0) {
    print_message("%s gave:\n%s\nwanted:\n%s\n", path, r->text, want);
    fail_msg("%s: paragraphs differ", path);
  }
  assert_string_equal(used, want_encoding);
  bg_report_free(r);
}

/* Reads path and checks the failure: msg is what follows "path: ", or its
 * beginning when prefix is set. */
static void expect_error(const char *path, const char *encoding, int code,
                         const char *msg, int prefix) {
  bg_source src;
  bg_err err = {0};
  char want[1024];
  snprintf(want, sizeof want, "%s: %s", path, msg);
  assert_int_equal(bg_source_read(path, encoding, &src, &err), code);
  if (prefix ? strncmp(err.msg, want, strlen(want)) != 0
             : strcmp(err.msg, want) != 0)
    fail_msg("\"%s\" is not \"%s\"%s", err.msg, want, prefix ? "..." : "");
  assert_null(src.text);
}

/* Compares the paragraphs of two reports; returns the number of the
 * first that differs (1-based), 0 when they are equal. */
static size_t first_difference(const bg_report *a, const bg_report *b) {
  size_t n = a->npara < b->npara ? a->npara : b->npara;
  for (size_t i = 0; i < n; i++) {
    const bg_para *p = &a->para[i], *q = &b->para[i];
    if (p->len != q->len ||
        memcmp(a->text + p->off, b->text + q->off, p->len) != 0)
      return i + 1;
  }
  return a->npara == b->npara ? 0 : n + 1;
}

/* ---- names ---- */

static void test_names(void **state) {
  (void)state;
  static const struct {
    const char *path;
    bg_format format;
    const char *id, *name;
  } cases[] = {
      {"a/2025_上海市.docx", BG_FMT_DOCX, "2025_上海市", "docx"},
      {"2025_上海市.DOCX.gz", BG_FMT_DOCX, "2025_上海市", "docx"},
      {"2020_国务院.govcn-fragment.html", BG_FMT_HTML,
       "2020_国务院.govcn-fragment", "html"},
      {"x.htm", BG_FMT_HTML, "x", "html"},
      {"x.shtml.gz", BG_FMT_HTML, "x", "html"},
      {"x.xhtml", BG_FMT_HTML, "x", "html"},
      {"x.pdf", BG_FMT_PDF, "x", "pdf"},
      {"x.PDF.GZ", BG_FMT_PDF, "x", "pdf"},
      {"x.md.gz", BG_FMT_MD, "x", "md"},
      {"x.txt", BG_FMT_TXT, "x", "txt"},
      {"x.doc", BG_FMT_NONE, NULL, ""},
      {"x.html5", BG_FMT_NONE, NULL, ""},
      {".pdf", BG_FMT_NONE, NULL, ""},
      {"manifest.tsv", BG_FMT_NONE, NULL, ""},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    char id[256];
    bg_format f = bg_source_format(cases[i].path);
    if (f != cases[i].format) fail_msg("format of %s", cases[i].path);
    assert_string_equal(bg_source_format_name(f), cases[i].name);
    if (cases[i].id) {
      assert_int_equal(bg_source_id(cases[i].path, id, sizeof id), BG_OK);
      assert_string_equal(id, cases[i].id);
    } else {
      assert_int_equal(bg_source_id(cases[i].path, id, sizeof id), BG_EINVAL);
    }
  }
}

/* ---- GBK and Big5 text ---- */

/* Traditional text: Big5 can hold it, and so can GBK. */
static const char trad[] =
    "政府工作報告\n"
    "——2024年1月10日在某市第十六屆人民代表大會第四次會議上\n"
    "各位代表：\n"
    "現在，我代表市人民政府，向大會報告工作，請予審議。\n"
    "一、2023年工作回顧\n"
    "過去一年，我們堅持穩中求進工作總基調，經濟社會發展取得新成效。"
    "全市地區生產總值增長5.2%，城鄉居民收入穩步提高，民生保障持續加強。\n"
    "二、2024年主要任務\n"
    "今年是實現“十四五”規劃目標任務的關鍵一年，我們將著力擴大內需，"
    "推動高質量發展，讓人民群眾的獲得感、幸福感、安全感更加充實。\n";

/* Simplified text, which Big5 cannot hold. */
static const char simp[] =
    "政府工作报告\n"
    "各位代表：\n"
    "现在，我代表市人民政府，向大会报告工作，请予审议。\n"
    "过去一年，我们坚持稳中求进工作总基调，经济社会发展取得新成效。\n";

static void test_gbk_big5(void **state) {
  fixture *fx = *state;
  char path[512];
  size_t n;
  static const struct {
    const char *file, *text, *charset, *read;
  } cases[] = {
      {"big5.txt", trad, "BIG5", "BIG5-HKSCS"},
      {"big5hkscs.txt", trad, "BIG5-HKSCS", "BIG5-HKSCS"},
      {"gbk_trad.txt", trad, "GBK", "GB18030"},
      {"gbk.txt", simp, "GBK", "GB18030"},
      {"gb18030.md", simp, "GB18030", "GB18030"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    char *data = encode(cases[i].text, cases[i].charset, &n);
    path_of(fx, cases[i].file, path);
    write_file(path, data, n);
    gzip_copy(path, data, n);
    expect_paras(path, NULL, cases[i].text, cases[i].read);
    strcat(path, ".gz");
    expect_paras(path, NULL, cases[i].text, cases[i].read);
    free(data);
  }
  /* CRLF line ends, as Windows editors save GBK. */
  char crlf[2048];
  size_t k = 0;
  for (const char *p = simp; *p; p++) {
    if (*p == '\n') crlf[k++] = '\r';
    crlf[k++] = *p;
  }
  crlf[k] = '\0';
  char *data = encode(crlf, "GBK", &n);
  path_of(fx, "gbk_crlf.txt", path);
  write_file(path, data, n);
  expect_paras(path, NULL, simp, "GB18030");
  free(data);

  /* A broken byte in a forced encoding names the file and the offset. */
  data = encode(trad, "BIG5", &n);
  data[20] = '\xFF';
  path_of(fx, "broken_big5.txt", path);
  write_file(path, data, n);
  expect_error(path, "BIG5-HKSCS", BG_EENCODING,
               "invalid BIG5-HKSCS at byte 20", 0);
  free(data);
}

/* ---- Word ---- */

#define W_NS "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

static const char content_types[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/"
    "content-types\"><Default Extension=\"xml\" ContentType=\"application/"
    "xml\"/></Types>";

static const char rels_fmt[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/"
    "relationships\"><Relationship Id=\"rId1\" Type=\"http://"
    "schemas.openxmlformats.org/officeDocument/2006/relationships/"
    "officeDocument\" Target=\"%s\"/></Relationships>";

/* A body with what Word writes: runs split mid-word, tracked changes,
 * tabs and breaks, a table, a text box in both of its forms, a field. */
static const char document[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<w:document xmlns:w=\"" W_NS "\" "
    "xmlns:mc=\"http://schemas.openxmlformats.org/markup-compatibility/2006\" "
    "xmlns:wps=\"http://schemas.microsoft.com/office/word/2010/"
    "wordprocessingShape\"><w:body>"
    "<w:p><w:pPr><w:jc w:val=\"center\"/><w:rPr><w:b/></w:rPr></w:pPr>"
    "<w:r><w:t>2025年</w:t></w:r><w:r><w:t>某市</w:t></w:r>"
    "<w:r><w:t>政府工作报告</w:t></w:r></w:p>"
    "<w:p/>"
    "<w:p><w:r><w:t xml:space=\"preserve\">各位代表： </w:t></w:r></w:p>"
    "<w:p><w:r><w:t>现在，我代表</w:t></w:r>"
    "<w:del w:id=\"1\" "
    "w:author=\"x\"><w:r><w:delText>区</w:delText></w:r></w:del>"
    "<w:ins w:id=\"2\" w:author=\"x\"><w:r><w:t>市</w:t></w:r></w:ins>"
    "<w:r><w:t>人民政府向大会报告工作&amp;请予审议。</w:t></w:r></w:p>"
    "<w:p><w:r><w:t>一、</w:t></w:r><w:r><w:tab/><w:t>2024年工作回顾</w:t></"
    "w:r></w:p>"
    "<w:p><w:r><w:t>第一行</w:t><w:br/><w:t>第二行</w:t></w:r></w:p>"
    "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>表格甲</w:t></w:r></w:p></w:tc>"
    "<w:tc><w:p><w:r><w:t>表格乙</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
    "<w:p><w:r><w:t>正文</w:t></w:r><w:r><mc:AlternateContent><mc:Choice "
    "Requires=\"wps\"><w:drawing><wps:txbx><w:txbxContent><w:p><w:r><w:t>"
    "文本框</w:t></w:r></w:p></w:txbxContent></wps:txbx></w:drawing>"
    "</mc:Choice><mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>文本框"
    "</w:t></w:r></w:p></w:txbxContent></w:pict></mc:Fallback>"
    "</mc:AlternateContent></w:r><w:r><w:t>继续</w:t></w:r></w:p>"
    "<w:p><w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText>"
    " PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType=\"separate\"/>"
    "</w:r><w:r><w:t>7</w:t></w:r><w:r><w:fldChar w:fldCharType=\"end\"/>"
    "</w:r><w:r><w:t>页，零</w:t><w:noBreakHyphen/><w:t>排放</w:t></w:r></w:p>"
    "<w:sectPr><w:pgSz w:w=\"11906\"/></w:sectPr>"
    "</w:body></w:document>";

static const char document_text[] =
    "2025年某市政府工作报告\n"
    "各位代表：\n"
    "现在，我代表市人民政府向大会报告工作&请予审议。\n"
    "一、\t2024年工作回顾\n"
    "第一行\n"
    "第二行\n"
    "表格甲\n"
    "表格乙\n"
    "正文\n"
    "文本框\n"
    "继续\n"
    "7页，零-排放\n";

/* Zips the parts (name, text pairs, NULL-terminated) into path. */
static void write_zip(const char *path, const char *const *parts) {
  int zerr = 0;
  unlink(path);
  zip_t *za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
  assert_non_null(za);
  for (size_t i = 0; parts[i]; i += 2) {
    zip_source_t *s =
        zip_source_buffer(za, parts[i + 1], strlen(parts[i + 1]), 0);
    assert_non_null(s);
    assert_true(zip_file_add(za, parts[i], s, ZIP_FL_ENC_UTF_8) >= 0);
  }
  assert_int_equal(zip_close(za), 0);
}

static void test_docx(void **state) {
  fixture *fx = *state;
  char path[512], rels[512];
  size_t n;
  snprintf(rels, sizeof rels, rels_fmt, "word/document.xml");
  const char *parts[] = {
      "[Content_Types].xml", content_types, "_rels/.rels", rels,
      "word/document.xml",   document,      NULL};
  path_of(fx, "2025_某市.docx", path);
  write_zip(path, parts);
  expect_paras(path, NULL, document_text, "UTF-8");
  /* The same document gzip-compressed. */
  char *data = slurp(path, &n);
  gzip_copy(path, data, n);
  free(data);
  strcat(path, ".gz");
  expect_paras(path, NULL, document_text, "UTF-8");
  /* --encoding does not apply: the XML says how it is encoded. */
  expect_paras(path, "GBK", document_text, "UTF-8");

  /* The main part is where the package relationship points. */
  snprintf(rels, sizeof rels, rels_fmt, "/word/main.xml");
  const char *moved[] = {"_rels/.rels", rels, "word/main.xml", document, NULL};
  path_of(fx, "moved.docx", path);
  write_zip(path, moved);
  expect_paras(path, NULL, document_text, "UTF-8");

  /* Damaged documents. */
  path_of(fx, "plain.docx", path);
  write_file(path, simp, strlen(simp));
  expect_error(path, NULL, BG_EFORMAT,
               "not a Word document (zip: Not a zip archive)", 0);
  const char *no_doc[] = {"_rels/.rels", rels, NULL};
  path_of(fx, "no_doc.docx", path);
  write_zip(path, no_doc);
  expect_error(path, NULL, BG_EFORMAT,
               "not a Word document (no word/main.xml in the archive)", 0);
  const char *broken[] = {"word/document.xml",
                          "<w:document xmlns:w=\"" W_NS "\"><w:body><w:p>",
                          NULL};
  path_of(fx, "broken.docx", path);
  write_zip(path, broken);
  expect_error(path, NULL, BG_EFORMAT,
               "broken XML in word/document.xml at line 1: ", 1);
  const char *other[] = {"word/document.xml", "<html><p>x</p></html>", NULL};
  path_of(fx, "other.docx", path);
  write_zip(path, other);
  expect_error(path, NULL, BG_EFORMAT,
               "not a Word document (word/document.xml is no w:document)", 0);
  /* An old Word file under a new name. */
  path_of(fx, "old.docx", path);
  write_file(path, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0\0\0", 12);
  expect_error(path, NULL, BG_EFORMAT,
               "not a Word document but an old Word 97-2003 (.doc) file: "
               "save it as .docx",
               0);
  /* A zip cut short. */
  path_of(fx, "2025_某市.docx", path);
  data = slurp(path, &n);
  path_of(fx, "cut.docx", path);
  write_file(path, data, n / 2);
  expect_error(path, NULL, BG_EFORMAT, "not a Word document (zip: ", 1);
  free(data);
}

/* ---- web pages ---- */

/* A page: page_head, a <meta> that may declare the charset, page_body. */
static const char page_head[] = "<!DOCTYPE html>\n<html><head>\n";
static const char page_body[] =
    "\n<title>2024年政府工作报告_某市人民政府"
    "</title>\n<style>p { color: red }</style>\n<script>var x = \"<p>不要"
    "</p>\";</script></head>\n<body>\n<header><a href=\"/\">首页</a> | <a>"
    "新闻</a></header>\n<nav><ul><li>网站导航</li></ul></nav>\n"
    "<div role=\"navigation\">当前位置：首页 &gt; 政务公开</div>\n[\n"
    "<article><header><h1>政府工作报告</h1></header>\n"
    "<p>——2024年1月10日在某市第十六届人民代表大会第四次会议上</p>\n"
    "<p>市长&nbsp;张三</p>\n<h4>各位代表：</h4>\n"
    "<p>现在，我代表市人民政府，\n  向大会报告工作，请予审议。\n\n</p>\n"
    "<h5>一、2023年工作回顾</h5>\n"
    "<p><span class=\"b\">——经济运行总体平稳。</span>地区生产总值增长"
    "<b>5.2%</b>，GDP and <i>CPI</i>\n stable。</p>\n"
    "<p>第一行<br>第二行<br/>第三行</p>\n"
    "<ul><li>要点一</li><li>要点二</li></ul>\n"
    "<table><tr><td>指标</td><td>增长</td></tr></table>\n"
    "<pre>预排文本\n  第二行</pre>\n"
    "<div hidden>隐藏文字</div><div style=\"DISPLAY: none\">也隐藏</div>\n"
    "<p>A &amp; B &lt;C&gt;</p>\n<p>|</p><p>＞＞</p>\n"
    "<!-- 注释 -->\n</article>\n]\n<aside>相关链接</aside>\n"
    "<footer>版权所有 某市人民政府</footer>\n"
    "<noscript>请启用脚本</noscript></body></html>\n";

static const char page_text[] =
    "政府工作报告\n"
    "——2024年1月10日在某市第十六届人民代表大会第四次会议上\n"
    "市长\xC2\xA0张三\n"
    "各位代表：\n"
    "现在，我代表市人民政府，向大会报告工作，请予审议。\n"
    "一、2023年工作回顾\n"
    "——经济运行总体平稳。地区生产总值增长5.2%，GDP and CPI stable。\n"
    "第一行\n第二行\n第三行\n"
    "要点一\n要点二\n"
    "指标\n增长\n"
    "预排文本\n第二行\n"
    "A & B <C>\n";

/* Writes the page with the given <meta> (and its text converted to
 * charset, NULL for UTF-8) to name; returns its path in path. */
static void write_page(const fixture *fx, const char *name, const char *meta,
                       const char *charset, char *path) {
  char html[8192];
  size_t n;
  snprintf(html, sizeof html, "%s%s%s", page_head, meta, page_body);
  path_of(fx, name, path);
  if (!charset) {
    write_file(path, html, strlen(html));
    gzip_copy(path, html, strlen(html));
  } else {
    char *data = encode(html, charset, &n);
    write_file(path, data, n);
    gzip_copy(path, data, n);
    free(data);
  }
}

static void test_html(void **state) {
  fixture *fx = *state;
  char path[512], gz[600];
  static const struct {
    const char *name, *meta, *charset, *read;
  } cases[] = {
      {"utf8.html", "<meta charset=\"utf-8\">", NULL, "UTF-8"},
      {"plain.htm", "", NULL, "UTF-8"},
      {"gb2312.html", "<meta charset=\"gb2312\">", "GBK", "GB18030"},
      {"gbk_http_equiv.shtml",
       "<META HTTP-EQUIV=\"Content-Type\" CONTENT=\"text/html; charset=GBK\">",
       "GBK", "GB18030"},
      {"gbk_undeclared.html", "", "GB18030", "GB18030"},
      /* Saved as UTF-8, still declaring its old charset. */
      {"utf8_says_gbk.html", "<meta charset=gb2312>", NULL, "UTF-8"},
      /* A page whose declaration is wrong: the bytes decide. */
      {"gbk_says_utf8.html", "<meta charset=\"utf-8\">", "GBK", "GB18030"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    print_message("html: %s\n", cases[i].name);
    write_page(fx, cases[i].name, cases[i].meta, cases[i].charset, path);
    expect_paras(path, NULL, page_text, cases[i].read);
    snprintf(gz, sizeof gz, "%s.gz", path);
    expect_paras(gz, NULL, page_text, cases[i].read);
  }
  /* --encoding wins over the page. */
  write_page(fx, "forced.html", "<meta charset=\"utf-8\">", "GBK", path);
  expect_paras(path, "GB18030", page_text, "GB18030");

  /* A Big5 page in Traditional characters. */
  const char *big5_page = "<html><head><meta charset=\"big5\"></head><body>"
                          "<p>政府工作報告</p><p>過去一年，我們堅持穩中求進"
                          "工作總基調。</p></body></html>";
  size_t n;
  char *data = encode(big5_page, "BIG5", &n);
  path_of(fx, "big5.html", path);
  write_file(path, data, n);
  expect_paras(path, NULL,
               "政府工作報告\n過去一年，我們堅持穩中求進工作總基調。\n",
               "BIG5-HKSCS");
  free(data);

  /* A broken byte in a page declaring GBK: the declared charset's error. */
  char html[8192];
  snprintf(html, sizeof html, "%s<meta charset=\"gbk\">%s", page_head,
           page_body);
  data = encode(html, "GBK", &n);
  size_t at = (size_t)(strstr(data, "</title>") - data);
  data[at] = '\x80';
  path_of(fx, "broken_gbk.html", path);
  write_file(path, data, n);
  char msg[256];
  snprintf(msg, sizeof msg,
           "invalid GB18030 at byte %zu (the charset the page declares)", at);
  expect_error(path, NULL, BG_EENCODING, msg, 0);
  free(data);

  /* A page of chrome alone has no text. */
  const char *empty = "<html><body><nav>导航</nav><p>[</p></body></html>";
  path_of(fx, "empty.html", path);
  write_file(path, empty, strlen(empty));
  bg_source src;
  bg_err err = {0};
  assert_int_equal(bg_source_read(path, NULL, &src, &err), BG_OK);
  assert_int_equal(src.len, 0);
  bg_source_free(&src);
}

/* ---- PDF ---- */

/* A growable byte buffer for writing a PDF. */
typedef struct pdfbuf {
  char *s;
  size_t len, cap;
} pdfbuf;

static void put(pdfbuf *b, const char *fmt, ...) {
  va_list ap;
  if (!b->s) {
    b->cap = 4096;
    b->s = malloc(b->cap);
    assert_non_null(b->s);
  }
  for (;;) {
    va_start(ap, fmt);
    int n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    assert_true(n >= 0);
    if ((size_t)n < b->cap - b->len) {
      b->len += (size_t)n;
      return;
    }
    b->cap = (b->cap + (size_t)n) * 2 + 4096;
    b->s = realloc(b->s, b->cap);
    assert_non_null(b->s);
  }
}

/* Decodes one UTF-8 character of s into *cp; returns its length. */
static size_t utf8_next(const char *s, uint32_t *cp) {
  const unsigned char *u = (const unsigned char *)s;
  if (u[0] < 0x80) return *cp = u[0], 1;
  if (u[0] < 0xE0) return *cp = (u[0] & 0x1Fu) << 6 | (u[1] & 0x3Fu), 2;
  if (u[0] < 0xF0)
    return *cp = (u[0] & 0x0Fu) << 12 | (u[1] & 0x3Fu) << 6 | (u[2] & 0x3Fu), 3;
  fail_msg("only the BMP goes into the test PDF");
  return 1;
}

/* Display columns of a UTF-8 string: 2 for a CJK character. */
static int columns(const char *s) {
  int w = 0;
  uint32_t c;
  while (*s) {
    s += utf8_next(s, &c);
    w += c >= 0x2E80 ? 2 : 1;
  }
  return w;
}

/* A line of a page: its text and its left indent in points. */
typedef struct pline {
  char text[512];
  int indent;
} pline;

/* Writes a PDF whose pages hold the given lines, 12-point type, 16 points
 * apart from the top.  The text uses a Type 0 font with Identity-H (each
 * character code is the UTF-16 code unit; ASCII half as wide as the rest)
 * and a ToUnicode map, so text extraction needs no font file. */
static void write_pdf(const char *path, pline *const *pages, const int *nlines,
                      int npages) {
  pdfbuf b = {0};
  size_t off[256];
  int nobj = 6 + 2 * npages;
  assert_true(nobj < 256);
  put(&b, "%%PDF-1.4\n%%\xE2\xE3\xCF\xD3\n");
  off[1] = b.len;
  put(&b, "1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
  off[2] = b.len;
  put(&b, "2 0 obj\n<< /Type /Pages /Count %d /Kids [", npages);
  for (int p = 0; p < npages; p++)
    put(&b, " %d 0 R", 7 + 2 * p);
  put(&b, " ] >>\nendobj\n");
  off[3] = b.len;
  put(&b, "3 0 obj\n<< /Type /Font /Subtype /Type0 /BaseFont /TestSong "
          "/Encoding /Identity-H /DescendantFonts [4 0 R] /ToUnicode 6 0 R "
          ">>\nendobj\n");
  off[4] = b.len;
  put(&b, "4 0 obj\n<< /Type /Font /Subtype /CIDFontType2 /BaseFont "
          "/TestSong /CIDSystemInfo << /Registry (Adobe) /Ordering "
          "(Identity) /Supplement 0 >> /FontDescriptor 5 0 R /DW 1000 "
          "/W [32 126 500] >>\n"
          "endobj\n");
  off[5] = b.len;
  put(&b, "5 0 obj\n<< /Type /FontDescriptor /FontName /TestSong /Flags 4 "
          "/FontBBox [0 -120 1000 880] /ItalicAngle 0 /Ascent 880 /Descent "
          "-120 /CapHeight 700 /StemV 80 >>\nendobj\n");
  pdfbuf cmap = {0};
  put(&cmap, "/CIDInit /ProcSet findresource begin\n12 dict begin\n"
             "begincmap\n/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) "
             "/Supplement 0 >> def\n/CMapName /Test-UCS def\n/CMapType 2 "
             "def\n1 begincodespacerange\n<0000> <FFFF>\n"
             "endcodespacerange\n");
  /* Code = code point, 256 at a time; surrogates excluded. */
  int rows[256], nrows = 0;
  for (int r = 0; r < 256; r++)
    if (r < 0xD8 || r > 0xDF) rows[nrows++] = r;
  for (int i = 0; i < nrows; i += 100) {
    int k = nrows - i < 100 ? nrows - i : 100;
    put(&cmap, "%d beginbfrange\n", k);
    for (int j = i; j < i + k; j++)
      put(&cmap, "<%02X00> <%02XFF> <%02X00>\n", rows[j], rows[j], rows[j]);
    put(&cmap, "endbfrange\n");
  }
  put(&cmap, "endcmap\nCMapName currentdict /CMap defineresource pop\nend\n"
             "end\n");
  off[6] = b.len;
  put(&b, "6 0 obj\n<< /Length %zu >>\nstream\n", cmap.len);
  put(&b, "%s", cmap.s);
  put(&b, "endstream\nendobj\n");
  free(cmap.s);
  for (int p = 0; p < npages; p++) {
    pdfbuf content = {0};
    put(&content, "%s", "");
    for (int i = 0; i < nlines[p]; i++) {
      put(&content, "BT /F1 12 Tf %d %d Td <", 72 + pages[p][i].indent,
          800 - 16 * i);
      uint32_t c;
      for (const char *s = pages[p][i].text; *s;) {
        s += utf8_next(s, &c);
        put(&content, "%04X", c);
      }
      put(&content, "> Tj ET\n");
    }
    off[7 + 2 * p] = b.len;
    put(&b,
        "%d 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        "/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>\n"
        "endobj\n",
        7 + 2 * p, 8 + 2 * p);
    off[8 + 2 * p] = b.len;
    put(&b, "%d 0 obj\n<< /Length %zu >>\nstream\n", 8 + 2 * p, content.len);
    put(&b, "%s", content.s);
    put(&b, "endstream\nendobj\n");
    free(content.s);
  }
  size_t xref = b.len;
  put(&b, "xref\n0 %d\n0000000000 65535 f \n", nobj + 1);
  for (int i = 1; i <= nobj; i++)
    put(&b, "%010zu 00000 n \n", off[i]);
  put(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n",
      nobj + 1, xref);
  write_file(path, b.s, b.len);
  gzip_copy(path, b.s, b.len);
  free(b.s);
}

/* The report typeset: paragraphs wrapped at 40 columns (first lines
 * indented by two ideographic spaces), headings and the opening lines
 * centred on lines of their own. */
static const char *const pdf_paras[] = {
    "#政府工作报告",
    "#——2024年1月10日在某市第十六届",
    "#人民代表大会第四次会议上",
    "#市长 张三",
    "各位代表：",
    "现在，我代表市人民政府，向大会报告工作，请予审议，并请市政协委员提出意见"
    "。",
    "#一、2023年工作回顾",
    "过去一年，面对复杂严峻的外部环境，我们坚持稳中求进工作总基调，完整准确全"
    "面贯彻新发展理念，全市经济回升向好，地区生产总值增长5.2%，一般公共预算收"
    "入增长8.1%，城乡居民人均可支配收入分别增长4.8%和7.0%，主要指标好于预期，"
    "高质量发展迈出坚实步伐。",
    "一年来，我们主要做了以下工作：",
    "#（一）着力扩大有效需求",
    "实施重大项目攻坚行动，全年完成固定资产投资一千二百亿元，新开工亿元以上项"
    "目一百五十个，社会消费品零售总额增长6.5%，外贸进出口总额创历史新高，"
    "made in China 的品牌影响力持续提升。",
    "#二、2024年主要任务",
    "今年是实现“十四五”规划目标任务的关键一年。做好今年工作，要坚持稳中求进、"
    "以进促稳、先立后破，着力推动高质量发展，着力扩大内需，着力防范化解风险，"
    "不断增强人民群众的获得感、幸福感、安全感。",
};

/* Cuts the text into lines of at most width columns, as a typesetter
 * does: anywhere between Chinese characters, Latin words whole (the space
 * where a line breaks is dropped). */
static int wrap(const char *text, int width, int indent, pline *out) {
  int n = 0, w = indent ? 4 : 0;
  char *line = out[0].text;
  out[0].indent = 0;
  line[0] = '\0';
  if (indent) strcpy(line, "　　");
  for (const char *s = text; *s;) {
    uint32_t c;
    size_t l = utf8_next(s, &c);
    int cw = c >= 0x2E80 ? 2 : 1;
    if (c < 0x80 && c != ' ') /* a Latin word or number goes whole */
      for (l = 0, cw = 0; s[l] && (unsigned char)s[l] < 0x80 && s[l] != ' ';
           l++)
        cw++;
    if (w + cw > width) {
      n++;
      line = out[n].text;
      out[n].indent = 0;
      line[0] = '\0';
      w = 0;
      if (c == ' ') {
        s += l;
        continue;
      }
    }
    strncat(line, s, l);
    w += cw;
    s += l;
  }
  return n + 1;
}

static void test_pdf(void **state) {
  fixture *fx = *state;
  char path[512], want[4096] = "";
  /* All the lines of the body, then cut into pages of 9 lines with a
   * running head and a page number. */
  static pline body[128], page_lines[8][16];
  int nbody = 0;
  for (size_t i = 0; i < sizeof pdf_paras / sizeof *pdf_paras; i++) {
    const char *p = pdf_paras[i];
    int centred = p[0] == '#';
    if (centred) p++;
    strcat(want, p);
    strcat(want, "\n");
    if (centred) {
      strcpy(body[nbody].text, p);
      body[nbody].indent = (40 - columns(p)) * 3;
      nbody++;
    } else {
      nbody += wrap(p, 40, 1, body + nbody);
    }
  }
  pline *pages[8];
  int nlines[8], npages = 0;
  for (int i = 0; i < nbody; i += 9, npages++) {
    int k = 0;
    snprintf(page_lines[npages][k++].text, 512,
             "某市人民政府公报　2024年第%d期", npages + 1);
    for (int j = i; j < nbody && j < i + 9; j++)
      page_lines[npages][k++] = body[j];
    snprintf(page_lines[npages][k].text, 512, "— %d —", npages + 1);
    page_lines[npages][k++].indent = 100;
    pages[npages] = page_lines[npages];
    nlines[npages] = k;
  }
  assert_true(npages >= 3);
  path_of(fx, "2024_某市.pdf", path);
  write_pdf(path, pages, nlines, npages);
  expect_paras(path, NULL, want, "");
  strcat(path, ".gz");
  expect_paras(path, NULL, want, "");

  /* Other page numbers, and a running foot instead of a head. */
  static const char *const numbers[] = {"第%d页", "第 %d 页 共 3 页", "%d/3",
                                        "- %d -", "Page %d",          "%d"};
  for (size_t k = 0; k < sizeof numbers / sizeof *numbers; k++) {
    for (int p = 0; p < npages; p++) {
      snprintf(page_lines[p][0].text, 512, numbers[k], p + 1);
      snprintf(page_lines[p][nlines[p] - 1].text, 512, "某市人民政府");
    }
    path_of(fx, "numbers.pdf", path);
    write_pdf(path, pages, nlines, npages);
    expect_paras(path, NULL, want, "");
  }

  /* Damaged files. */
  path_of(fx, "text.pdf", path);
  write_file(path, simp, strlen(simp));
  expect_error(path, NULL, BG_EFORMAT, "not a PDF document (", 1);
  pline blank = {"", 0};
  pline *one[] = {&blank};
  int zero = 0;
  path_of(fx, "blank.pdf", path);
  write_pdf(path, one, &zero, 1);
  expect_error(path, NULL, BG_EFORMAT,
               "no text in the PDF: it is a scan (pages of images); index it "
               "with --ocr to read it by OCR",
               0);
}

/* ---- Markdown ---- */

static void test_markdown(void **state) {
  fixture *fx = *state;
  char path[512];
  static const struct {
    const char *name, *text, *want;
  } cases[] = {
      {"yaml.md",
       "---\ntitle: 政府工作报告\nyear: 2024\n---\n# 政府工作报告\n\n正文。\n",
       "# 政府工作报告\n正文。\n"},
      {"yaml_dots.md", "---\r\ntitle: x\r\n...\r\n## 一、回顾\r\n正文。\r\n",
       "## 一、回顾\n正文。\n"},
      {"toml.markdown", "+++\ntitle = \"x\"\n+++\n正文。\n", "正文。\n"},
      /* Not front matter: not at the very start, not closed, a rule. */
      {"late.md", "正文。\n---\na: b\n---\n", "正文。\n---\na: b\n---\n"},
      {"open.md", "---\na: b\n正文。\n", "---\na: b\n正文。\n"},
      {"rule.md", "----\n正文。\n----\n", "----\n正文。\n----\n"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    print_message("markdown: %s\n", cases[i].name);
    path_of(fx, cases[i].name, path);
    write_file(path, cases[i].text, strlen(cases[i].text));
    gzip_copy(path, cases[i].text, strlen(cases[i].text));
    expect_paras(path, NULL, cases[i].want, "UTF-8");
    strcat(path, ".gz");
    expect_paras(path, NULL, cases[i].want, "UTF-8");
  }
  /* "#" lines are headings, after the front matter is gone. */
  path_of(fx, "yaml.md", path);
  bg_report *r = read_report(path, NULL, NULL);
  assert_int_equal(r->npara, 2);
  assert_int_equal(r->para[0].level, 1);
  assert_int_equal(r->para[1].level, 0);
  bg_report_free(r);
  /* A .txt keeps its "---" lines. */
  path_of(fx, "yaml.txt", path);
  write_file(path, cases[0].text, strlen(cases[0].text));
  expect_paras(path, NULL,
               "---\ntitle: 政府工作报告\nyear: 2024\n---\n# 政府工作报告\n"
               "正文。\n",
               "UTF-8");
}

/* ---- the shared corpus ---- */

/* Checks that raw gives the paragraphs of twin; returns 0 and says so
 * when ../shared is not there. */
static int twins(const char *raw, const char *twin) {
  char a[512], b[512];
  struct stat st;
  snprintf(a, sizeof a, "%s/%s", SHARED, raw);
  snprintf(b, sizeof b, "%s/%s", SHARED, twin);
  if (stat(a, &st) != 0 || stat(b, &st) != 0) {
    print_message("no %s: skipped\n", a);
    return 0;
  }
  bg_report *x = read_report(a, NULL, NULL), *y = read_report(b, NULL, NULL);
  size_t d = first_difference(x, y);
  if (d) {
    print_message("%s: %zu paragraphs, %s: %zu\n", raw, x->npara, twin,
                  y->npara);
    fail_msg("%s and %s differ at paragraph %zu", raw, twin, d);
  }
  print_message("%s = %s: %zu paragraphs\n", raw, twin, x->npara);
  bg_report_free(x);
  bg_report_free(y);
  return 1;
}

static void test_shared_twins(void **state) {
  (void)state;
  int found = twins("raw-encodings/pku_test.gbk.txt",
                    "raw-encodings/pku_test.utf8.txt");
  if (!found) {
    skip();
    return;
  }
  twins("raw-encodings/cityu_test.big5hkscs.txt",
        "raw-encodings/cityu_test.utf8.txt");
  twins("raw-formats/2025_上海市.docx", "2025_上海市.txt");
  twins("raw-formats/2025_北京市.docx", "2025_北京市.txt");
  twins("raw-formats/2020_国务院.govcn-fragment.html", "2020_国务院.txt");

  /* The charsets detected. */
  char used[BG_ENCODING_NAME_MAX];
  bg_report *r =
      read_report(SHARED "/raw-encodings/cityu_test.big5hkscs.txt", NULL, used);
  assert_string_equal(used, "BIG5-HKSCS");
  bg_report_free(r);
  r = read_report(SHARED "/raw-encodings/pku_test.gbk.txt", NULL, used);
  assert_string_equal(used, "GB18030");
  bg_report_free(r);

  /* Year and region of the Word and web originals from their text. */
  static const struct {
    const char *file, *region, *speaker;
    int year;
  } meta[] = {
      {"raw-formats/2025_上海市.docx", "上海市", "龚正", 2025},
      {"raw-formats/2025_北京市.docx", "北京市", "殷勇", 2025},
      {"raw-formats/2020_国务院.govcn-fragment.html", "国务院", "", 2020},
      {"raw-formats/2014_国务院.govcn-fragment.html", "国务院", "", 2014},
  };
  for (size_t i = 0; i < sizeof meta / sizeof *meta; i++) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s", SHARED, meta[i].file);
    r = read_report(path, NULL, NULL);
    assert_int_equal(r->year, meta[i].year);
    assert_string_equal(r->region, meta[i].region);
    assert_string_equal(r->speaker, meta[i].speaker);
    bg_report_free(r);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_names),        cmocka_unit_test(test_gbk_big5),
      cmocka_unit_test(test_docx),         cmocka_unit_test(test_html),
      cmocka_unit_test(test_pdf),          cmocka_unit_test(test_markdown),
      cmocka_unit_test(test_shared_twins),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
