/*
 * test_source.c - reading report files (core/source.c).
 *
 * The fixtures are made at run time from the seed report in corpus/:
 * converted to each charset with iconv, compressed with zlib, damaged on
 * purpose, and written to a fresh folder under /tmp.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "source.h"

#define SEED BAOGAO_SOURCE_DIR "/corpus/2023_济南市钢城区.txt"

/* The seed report and the folder the fixtures go to. */
typedef struct fixture {
  char dir[64];
  char *seed;
  size_t seed_len;
} fixture;

/* Reads all of path; the caller frees the result. */
static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) fail_msg("%s: cannot open", path);
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

static int setup(void **state) {
  fixture *fx = calloc(1, sizeof *fx);
  if (!fx) return -1;
  snprintf(fx->dir, sizeof fx->dir, "/tmp/baogao-test-source-XXXXXX");
  if (!mkdtemp(fx->dir)) {
    free(fx);
    return -1;
  }
  fx->seed = slurp(SEED, &fx->seed_len);
  *state = fx;
  return 0;
}

static int teardown(void **state) {
  fixture *fx = *state;
  DIR *d = opendir(fx->dir);
  if (d) {
    struct dirent *e;
    char path[512];
    while ((e = readdir(d)) != NULL) {
      snprintf(path, sizeof path, "%s/%s", fx->dir, e->d_name);
      if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
        if (unlink(path) != 0) rmdir(path);
      }
    }
    closedir(d);
  }
  rmdir(fx->dir);
  free(fx->seed);
  free(fx);
  return 0;
}

/* The path of name in the fixture folder (a static buffer per call site
 * would do, but two paths are often alive at once). */
static void path_of(const fixture *fx, const char *name, char *buf) {
  snprintf(buf, 512, "%s/%s", fx->dir, name);
}

static void write_file(const char *path, const char *data, size_t len) {
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(data, 1, len, f), len);
  assert_int_equal(fclose(f), 0);
}

/* Writes data as one gzip member; mode "wb" starts the file, "ab" adds a
 * member after those already there. */
static void write_gz(const char *path, const char *mode, const char *data,
                     size_t len) {
  gzFile gz = gzopen(path, mode);
  assert_non_null(gz);
  if (len) assert_int_equal(gzwrite(gz, data, (unsigned)len), (int)len);
  assert_int_equal(gzclose(gz), Z_OK);
}

static size_t file_size(const char *path) {
  struct stat st;
  assert_int_equal(stat(path, &st), 0);
  return (size_t)st.st_size;
}

/* Converts utf8[0, len) to charset; the caller frees the result. */
static char *encode(const char *utf8, size_t len, const char *charset,
                    size_t *out_len) {
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

/* Joins up to three byte strings (c may be NULL) into a new buffer. */
static char *join(const char *a, size_t alen, const char *b, size_t blen,
                  const char *c, size_t clen, size_t *len) {
  char *buf = malloc(alen + blen + clen + 1);
  assert_non_null(buf);
  memcpy(buf, a, alen);
  memcpy(buf + alen, b, blen);
  if (c) memcpy(buf + alen + blen, c, clen);
  *len = alen + blen + (c ? clen : 0);
  return buf;
}

/* Reads path and checks that it decodes to want[0, want_len). */
static void expect_text(const char *path, const char *encoding,
                        const char *want, size_t want_len,
                        const char *want_encoding, int want_gzip) {
  bg_source src;
  bg_err err = {0};
  int rc = bg_source_read(path, encoding, &src, &err);
  if (rc) fail_msg("%s", err.msg);
  assert_string_equal(src.encoding, want_encoding);
  assert_int_equal(src.gzip, want_gzip);
  assert_int_equal(src.raw_len, file_size(path));
  assert_int_equal(src.format, bg_source_format(path));
  assert_int_equal(src.len, want_len);
  assert_memory_equal(src.text, want, want_len);
  assert_int_equal(src.text[src.len], '\0');
  bg_source_free(&src);
  assert_null(src.text);
  assert_int_equal(src.len, 0);
}

/* Reads path and checks the failure: msg is the message after "path: ",
 * or its beginning when prefix is set. */
static void expect_error(const char *path, const char *encoding, int code,
                         const char *msg, int prefix) {
  bg_source src;
  bg_err err = {0};
  char want[1024];
  snprintf(want, sizeof want, "%s: %s", path, msg);
  assert_int_equal(bg_source_read(path, encoding, &src, &err), code);
  assert_int_equal(err.code, code);
  if (prefix) {
    if (strncmp(err.msg, want, strlen(want)) != 0)
      fail_msg("\"%s\" does not start with \"%s\"", err.msg, want);
  } else {
    assert_string_equal(err.msg, want);
  }
  assert_null(src.text);
  assert_int_equal(src.len, 0);
  assert_int_equal(src.raw_len, 0);
  assert_string_equal(src.encoding, "");
  bg_source_free(&src);
}

static void test_format_and_id(void **state) {
  (void)state;
  static const struct {
    const char *path;
    bg_format format;
    const char *id; /* NULL: not a report file */
  } cases[] = {
      {"corpus/1954_国务院.wikisource.txt", BG_FMT_TXT,
       "1954_国务院.wikisource"},
      {"x/2023_济南市钢城区.txt.gz", BG_FMT_TXT, "2023_济南市钢城区"},
      {"2023_济南市钢城区.txt", BG_FMT_TXT, "2023_济南市钢城区"},
      {"/abs/REPORT.TXT", BG_FMT_TXT, "REPORT"},
      {"a.Txt.Gz", BG_FMT_TXT, "a"},
      {"dir.md/a.gz.txt", BG_FMT_TXT, "a.gz"},
      {"notes.md", BG_FMT_MD, "notes"},
      {"notes.MD.GZ", BG_FMT_MD, "notes"},
      {"notes.markdown", BG_FMT_MD, "notes"},
      {"d/notes.Markdown.gz", BG_FMT_MD, "notes"},
      {"a", BG_FMT_NONE, NULL},
      {"", BG_FMT_NONE, NULL},
      {"a.gz", BG_FMT_NONE, NULL},
      {"a.tar.gz", BG_FMT_NONE, NULL},
      {"a.txt.gz.gz", BG_FMT_NONE, NULL},
      {"a.txt.bak", BG_FMT_NONE, NULL},
      {"a.html", BG_FMT_HTML, "a"},
      {"a.doc", BG_FMT_NONE, NULL},
      {"a.mdx", BG_FMT_NONE, NULL},
      {"a.txtx", BG_FMT_NONE, NULL},
      {"atxt", BG_FMT_NONE, NULL},
      {".txt", BG_FMT_NONE, NULL},
      {"dir/.md.gz", BG_FMT_NONE, NULL},
      {"dir.txt/", BG_FMT_NONE, NULL},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char id[256] = "x";
    if (bg_source_format(cases[i].path) != cases[i].format)
      fail_msg("format of '%s'", cases[i].path);
    int rc = bg_source_id(cases[i].path, id, sizeof id);
    if (cases[i].id) {
      assert_int_equal(rc, BG_OK);
      assert_string_equal(id, cases[i].id);
    } else {
      if (rc != BG_EINVAL) fail_msg("id of '%s'", cases[i].path);
      assert_string_equal(id, "");
    }
  }

  /* The id and its NUL must fit. */
  char id[4] = "x";
  assert_int_equal(bg_source_id("a/abcd.txt", id, sizeof id), BG_EINVAL);
  assert_string_equal(id, "");
  assert_int_equal(bg_source_id("a/abc.txt", id, sizeof id), BG_OK);
  assert_string_equal(id, "abc");
}

static void test_read_encodings(void **state) {
  fixture *fx = *state;
  static const struct {
    const char *charset; /* for iconv */
    const char *bom;     /* as written in that charset */
    size_t bom_len;
    const char *read; /* the charset the file is read in */
  } cases[] = {
      {"UTF-8", "", 0, "UTF-8"},
      {"UTF-8", "\xEF\xBB\xBF", 3, "UTF-8"},
      {"GB18030", "", 0, "GB18030"},
      {"UTF-16LE", "\xFF\xFE", 2, "UTF-16LE"},
      {"UTF-16BE", "\xFE\xFF", 2, "UTF-16BE"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char path[512], name[64];
    size_t n, len;
    char *body = encode(fx->seed, fx->seed_len, cases[i].charset, &n);
    char *data = join(cases[i].bom, cases[i].bom_len, body, n, NULL, 0, &len);
    snprintf(name, sizeof name, "2023_%zu.txt", i);
    path_of(fx, name, path);
    write_file(path, data, len);
    expect_text(path, NULL, fx->seed, fx->seed_len, cases[i].read, 0);
    expect_text(path, cases[i].read, fx->seed, fx->seed_len, cases[i].read,
                0);
    free(body);
    free(data);
  }
}

static void test_read_gzip(void **state) {
  fixture *fx = *state;
  char path[512];
  size_t n;

  path_of(fx, "2023_济南市钢城区.txt.gz", path);
  write_gz(path, "wb", fx->seed, fx->seed_len);
  expect_text(path, NULL, fx->seed, fx->seed_len, "UTF-8", 1);

  char *gb = encode(fx->seed, fx->seed_len, "GB18030", &n);
  path_of(fx, "gb.md.gz", path);
  write_gz(path, "wb", gb, n);
  expect_text(path, NULL, fx->seed, fx->seed_len, "GB18030", 1);
  expect_text(path, "gbk", fx->seed, fx->seed_len, "GB18030", 1);
  free(gb);

  /* gzip data under a plain name is recognised by its magic bytes. */
  path_of(fx, "disguised.txt", path);
  write_gz(path, "wb", fx->seed, fx->seed_len);
  expect_text(path, NULL, fx->seed, fx->seed_len, "UTF-8", 1);

  /* Members one after another (`cat a.gz b.gz`) read as one text. */
  size_t half = 1000;
  path_of(fx, "members.txt.gz", path);
  write_gz(path, "wb", fx->seed, half);
  write_gz(path, "ab", "", 0);
  write_gz(path, "ab", fx->seed + half, fx->seed_len - half);
  expect_text(path, NULL, fx->seed, fx->seed_len, "UTF-8", 1);

  path_of(fx, "empty.txt.gz", path);
  write_gz(path, "wb", "", 0);
  expect_text(path, NULL, "", 0, "UTF-8", 1);
}

static void test_corrupt_gzip(void **state) {
  fixture *fx = *state;
  char path[512], good[512];
  size_t len;

  path_of(fx, "good.txt.gz", good);
  write_gz(good, "wb", fx->seed, fx->seed_len);
  char *gz = slurp(good, &len);

  /* Damage inside the deflate stream. */
  char *bad = join(gz, len, "", 0, NULL, 0, &len);
  for (size_t i = len / 2; i < len / 2 + 16; i++) bad[i] ^= 0x55;
  path_of(fx, "damaged.txt.gz", path);
  write_file(path, bad, len);
  expect_error(path, NULL, BG_EFORMAT, "corrupt gzip data (", 1);
  free(bad);

  /* A wrong checksum in the trailer. */
  bad = join(gz, len, "", 0, NULL, 0, &len);
  bad[len - 8] ^= 1;
  write_file(path, bad, len);
  expect_error(path, NULL, BG_EFORMAT,
               "corrupt gzip data (incorrect data check)", 0);
  free(bad);

  path_of(fx, "truncated.txt.gz", path);
  write_file(path, gz, len / 2);
  expect_error(path, NULL, BG_EFORMAT,
               "corrupt gzip data (unexpected end of file)", 0);
  write_file(path, gz, len - 1);
  expect_error(path, NULL, BG_EFORMAT,
               "corrupt gzip data (unexpected end of file)", 0);

  /* Junk after the last member. */
  bad = join(gz, len, "junk", 4, NULL, 0, &len);
  path_of(fx, "trailing.txt.gz", path);
  write_file(path, bad, len);
  expect_error(path, NULL, BG_EFORMAT, "corrupt gzip data (", 1);
  free(bad);

  /* A .gz name promises gzip data. */
  path_of(fx, "plain.txt.gz", path);
  write_file(path, fx->seed, fx->seed_len);
  expect_error(path, NULL, BG_EFORMAT, "corrupt gzip data (", 1);
  path_of(fx, "zero.txt.gz", path);
  write_file(path, "", 0);
  expect_error(path, NULL, BG_EFORMAT,
               "corrupt gzip data (unexpected end of file)", 0);
  free(gz);
}

/* The byte offset just after the first line end at or past from. */
static size_t line_end(const fixture *fx, size_t from) {
  const char *nl = memchr(fx->seed + from, '\n', fx->seed_len - from);
  assert_non_null(nl);
  return (size_t)(nl - fx->seed) + 1;
}

static void test_broken_bytes(void **state) {
  fixture *fx = *state;
  char path[512], msg[256];
  size_t head_len, tail_len, len;

  /* GB18030 with a byte no charset allows between two lines. */
  size_t cut = line_end(fx, 800);
  char *head = encode(fx->seed, cut, "GB18030", &head_len);
  char *tail = encode(fx->seed + cut, fx->seed_len - cut, "GB18030",
                      &tail_len);
  char *data = join(head, head_len, "\xFF", 1, tail, tail_len, &len);
  path_of(fx, "broken_gb.txt", path);
  write_file(path, data, len);
  snprintf(msg, sizeof msg, "invalid GB18030 at byte %zu", head_len);
  expect_error(path, "GB18030", BG_EENCODING, msg, 0);
  expect_error(path, "GBK", BG_EENCODING, msg, 0);
  /* Detection names the offset in every charset it tried. */
  snprintf(msg, sizeof msg,
           "neither UTF-8 (invalid at byte 1), GB18030 (invalid at byte "
           "%zu) nor BIG5-HKSCS (invalid at byte ",
           head_len);
  expect_error(path, NULL, BG_EENCODING, msg, 1);
  /* Offsets count bytes of the uncompressed data. */
  path_of(fx, "broken_gb.txt.gz", path);
  write_gz(path, "wb", data, len);
  snprintf(msg, sizeof msg, "invalid GB18030 at byte %zu", head_len);
  expect_error(path, "gb18030", BG_EENCODING, msg, 0);
  free(data);

  /* A lead byte alone at the end. */
  data = join(head, head_len, tail, tail_len, "\xD5", 1, &len);
  path_of(fx, "truncated_gb.txt", path);
  write_file(path, data, len);
  snprintf(msg, sizeof msg, "invalid GB18030 at byte %zu", len - 1);
  expect_error(path, "GB18030", BG_EENCODING, msg, 0);
  free(data);
  free(head);
  free(tail);

  /* UTF-8 cut inside its last character. */
  data = join(fx->seed, fx->seed_len, "\xE6\x94", 2, NULL, 0, &len);
  path_of(fx, "truncated_utf8.txt", path);
  write_file(path, data, len);
  snprintf(msg, sizeof msg, "invalid UTF-8 at byte %zu", fx->seed_len);
  expect_error(path, NULL, BG_EENCODING, msg, 0);
  expect_error(path, "utf8", BG_EENCODING, msg, 0);
  free(data);

  /* An overlong '/' in the middle of UTF-8. */
  cut = line_end(fx, 2000);
  data = join(fx->seed, cut, "\xC0\xAF", 2, fx->seed + cut,
              fx->seed_len - cut, &len);
  path_of(fx, "overlong.txt", path);
  write_file(path, data, len);
  snprintf(msg, sizeof msg, "invalid UTF-8 at byte %zu", cut);
  expect_error(path, "UTF-8", BG_EENCODING, msg, 0);
  expect_error(path, NULL, BG_EENCODING, msg, 0);
  free(data);
}

static void test_unknown_encoding(void **state) {
  fixture *fx = *state;
  char path[512];
  path_of(fx, "seed.txt", path);
  write_file(path, fx->seed, fx->seed_len);
  expect_error(path, "XYZ", BG_EINVAL, "unknown encoding 'XYZ'", 0);
}

static void test_missing_dir_empty(void **state) {
  fixture *fx = *state;
  char path[512];
  path_of(fx, "missing.txt", path);
  expect_error(path, NULL, BG_EIO, "No such file or directory", 0);
  path_of(fx, "folder.txt", path);
  assert_int_equal(mkdir(path, 0700), 0);
  expect_error(path, NULL, BG_EIO, "Is a directory", 0);

  /* An empty file reads as empty text: the report parser rejects it. */
  path_of(fx, "empty.md", path);
  write_file(path, "", 0);
  expect_text(path, NULL, "", 0, "UTF-8", 0);
}

static void test_too_large(void **state) {
  fixture *fx = *state;
  char path[512];
  path_of(fx, "huge.txt", path);
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  /* Sparse: takes no disk space. */
  assert_int_equal(ftruncate(fileno(f), ((off_t)1 << 30) + 1), 0);
  fclose(f);
  expect_error(path, NULL, BG_EFORMAT, "file too large (over 1 GiB)", 0);
}

/* A gzip bomb: 1 GiB and 1 MiB of zeros in 1025 small members.  Reading
 * it takes a gigabyte of memory and seconds under ASan, so it runs only
 * with BAOGAO_SLOW_TESTS set. */
static void test_gzip_bomb(void **state) {
  fixture *fx = *state;
  if (!getenv("BAOGAO_SLOW_TESTS")) {
    skip();
    return;
  }
  char path[512], one[512];
  size_t len, mib = (size_t)1 << 20;
  char *zeros = calloc(1, mib);
  assert_non_null(zeros);
  path_of(fx, "one_mib.gz", one);
  write_gz(one, "wb9", zeros, mib);
  char *member = slurp(one, &len);
  path_of(fx, "bomb.txt.gz", path);
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  for (int i = 0; i < 1025; i++)
    assert_int_equal(fwrite(member, 1, len, f), len);
  assert_int_equal(fclose(f), 0);
  expect_error(path, NULL, BG_EFORMAT,
               "uncompressed data too large (over 1 GiB)", 0);
  free(member);
  free(zeros);
}

static void test_crlf(void **state) {
  fixture *fx = *state;
  char path[512];
  size_t lines = 0, len, n;
  for (size_t i = 0; i < fx->seed_len; i++) lines += fx->seed[i] == '\n';
  char *crlf = malloc(fx->seed_len + lines + 3);
  assert_non_null(crlf);
  for (size_t i = len = 0; i < fx->seed_len; i++) {
    if (fx->seed[i] == '\n') crlf[len++] = '\r';
    crlf[len++] = fx->seed[i];
  }
  memcpy(crlf + len, "\rx", 2); /* a lone CR too */
  len += 2;

  path_of(fx, "crlf.txt", path);
  write_file(path, crlf, len);
  expect_text(path, NULL, crlf, len, "UTF-8", 0);

  char *le = encode(crlf, len, "UTF-16LE", &n);
  char *data = join("\xFF\xFE", 2, le, n, NULL, 0, &n);
  path_of(fx, "crlf16.txt", path);
  write_file(path, data, n);
  expect_text(path, NULL, crlf, len, "UTF-16LE", 0);
  free(le);
  free(data);

  char *gb = encode(crlf, len, "GB18030", &n);
  path_of(fx, "crlf_gb.txt.gz", path);
  write_gz(path, "wb", gb, n);
  expect_text(path, NULL, crlf, len, "GB18030", 1);
  free(gb);
  free(crlf);
}

/* Control characters are dropped on reading, in every encoding and
 * format; tab and line ends stay. */
static void test_controls(void **state) {
  fixture *fx = *state;
  char path[512];
  static const char raw[] = "第一段\x00有NUL，\x07响铃，\x1b[31m红\x1b[0m\t制表\r\n"
                            "第二段\x7f删除，\xc2\x85下一行，\x0c换页。\n";
  static const char want[] = "第一段有NUL，响铃，[31m红[0m\t制表\r\n"
                             "第二段删除，下一行，换页。\n";
  path_of(fx, "ctl.txt", path);
  write_file(path, raw, sizeof raw - 1);
  bg_source src;
  bg_err err = {0};
  assert_int_equal(bg_source_read(path, NULL, &src, &err), 0);
  assert_int_equal(src.len, sizeof want - 1);
  assert_memory_equal(src.text, want, sizeof want - 1);
  assert_int_equal(src.text[src.len], '\0');
  assert_int_equal(src.dropped, 7);
  bg_source_free(&src);

  size_t n;
  char *gb = encode(raw, sizeof raw - 1, "GB18030", &n);
  path_of(fx, "ctl_gb.txt.gz", path);
  write_gz(path, "wb", gb, n);
  free(gb);
  assert_int_equal(bg_source_read(path, "GB18030", &src, &err), 0);
  assert_int_equal(src.dropped, 7);
  assert_memory_equal(src.text, want, sizeof want - 1);
  bg_source_free(&src);

  path_of(fx, "ctl.html", path);
  static const char page[] =
      "<html><body><p>网页\x01正文\x1b内容</p></body></html>";
  write_file(path, page, sizeof page - 1);
  assert_int_equal(bg_source_read(path, NULL, &src, &err), 0);
  assert_string_equal(src.text, "网页正文内容\n"); /* libxml2 or we drop them */
  bg_source_free(&src);

  path_of(fx, "clean.txt", path);
  write_file(path, "干净的文本\n", strlen("干净的文本\n"));
  assert_int_equal(bg_source_read(path, NULL, &src, &err), 0);
  assert_int_equal(src.dropped, 0);
  bg_source_free(&src);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_format_and_id),
      cmocka_unit_test(test_read_encodings),
      cmocka_unit_test(test_read_gzip),
      cmocka_unit_test(test_corrupt_gzip),
      cmocka_unit_test(test_broken_bytes),
      cmocka_unit_test(test_unknown_encoding),
      cmocka_unit_test(test_missing_dir_empty),
      cmocka_unit_test(test_too_large),
      cmocka_unit_test(test_gzip_bomb),
      cmocka_unit_test(test_crlf),
      cmocka_unit_test(test_controls),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
