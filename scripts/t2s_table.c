/*
 * t2s_table.c - writes core/t2s_table.h, the Traditional-to-Simplified
 * character table of baogao's --t2s folding, from OpenCC.
 *
 *   baogao-t2s-table [-o FILE | --check FILE] [CONFIG]
 *
 * writes the table to standard output, or to FILE, or (--check) compares
 * FILE with it and exits 1 with the first difference when they differ.
 *
 * Every code point up to U+323AF (surrogates excepted) is converted alone
 * with OpenCC (CONFIG, default t2s.json).  A code point OpenCC turns into
 * one other code point is a row of the table; one it keeps, or turns into
 * more than one, is not.  For a character on its own OpenCC's t2s is its
 * TSCharacters entry, first candidate (tests/integration/t2s_test.py checks
 * this against the data and the opencc command).  Rows are then closed
 * under themselves (薴 -> 苧 and 苧 -> 苎 give 薴 -> 苎) so that folding is
 * idempotent and a folded text folds to itself.
 *
 * The table is committed rather than built from OpenCC at run time: an
 * index and every reader of it must fold alike, whatever OpenCC version a
 * machine has (or none).  The build registers this program, a target
 * `t2s-table` that rewrites the header, and a test that the committed
 * header is what the installed OpenCC gives, when libopencc is there.
 *
 * Exits 1 when OpenCC maps a character that is not a CJK ideograph, or to
 * one: the tokenizer's unit classes assume folding never changes a class.
 */
#include <opencc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LAST 0x323AFu

/* The Han ideograph ranges of the unit tokenizer (units.c is_cjk()). */
static int is_han(uint32_t o) {
  return (o >= 0x3400 && o <= 0x4DBF) || (o >= 0x4E00 && o <= 0x9FFF) ||
         (o >= 0xF900 && o <= 0xFAFF) || (o >= 0x20000 && o <= 0x323AF) ||
         o == 0x3005 || o == 0x3007 || o == 0x303B;
}

static size_t put(char *b, uint32_t cp) {
  unsigned char *u = (unsigned char *)b;
  if (cp < 0x80) {
    u[0] = (unsigned char)cp;
    return 1;
  }
  if (cp < 0x800) {
    u[0] = (unsigned char)(0xC0 | (cp >> 6));
    u[1] = (unsigned char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    u[0] = (unsigned char)(0xE0 | (cp >> 12));
    u[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    u[2] = (unsigned char)(0x80 | (cp & 0x3F));
    return 3;
  }
  u[0] = (unsigned char)(0xF0 | (cp >> 18));
  u[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
  u[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
  u[3] = (unsigned char)(0x80 | (cp & 0x3F));
  return 4;
}

/* The single code point of UTF-8 s, or 0 when s is not exactly one. */
static uint32_t single(const char *str) {
  const unsigned char *s = (const unsigned char *)str;
  size_t n = strlen(str), need;
  uint32_t cp;
  if (n == 0) return 0;
  if (s[0] < 0x80)
    need = 0, cp = s[0];
  else if (s[0] >= 0xC2 && s[0] <= 0xDF)
    need = 1, cp = s[0] & 0x1F;
  else if (s[0] >= 0xE0 && s[0] <= 0xEF)
    need = 2, cp = s[0] & 0x0F;
  else if (s[0] >= 0xF0 && s[0] <= 0xF4)
    need = 3, cp = s[0] & 0x07;
  else
    return 0;
  if (n != need + 1) return 0;
  for (size_t k = 1; k <= need; k++) {
    if ((s[k] & 0xC0) != 0x80) return 0;
    cp = cp << 6 | (s[k] & 0x3F);
  }
  return cp;
}

/* Compares the generated text with file path. */
static int check(const char *text, size_t len, const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    perror(path);
    return 1;
  }
  size_t line = 1, i = 0;
  int c;
  while ((c = getc(f)) != EOF && i < len && (char)c == text[i]) {
    if (c == '\n') line++;
    i++;
  }
  int same = c == EOF && i == len;
  fclose(f);
  if (same) return 0;
  fprintf(stderr,
          "baogao-t2s-table: %s differs from what the installed OpenCC "
          "gives, from line %zu on; rewrite it with the t2s-table target "
          "(and bump BG_INDEX_FORMAT: indexes built with the old table "
          "fold differently)\n",
          path, line);
  return 1;
}

int main(int argc, char **argv) {
  const char *config = OPENCC_DEFAULT_CONFIG_TRAD_TO_SIMP;
  const char *out_path = NULL, *check_path = NULL;
  for (int i = 1; i < argc; i++) {
    if ((!strcmp(argv[i], "-o") || !strcmp(argv[i], "--check")) &&
        i + 1 < argc) {
      if (argv[i][1] == 'o')
        out_path = argv[++i];
      else
        check_path = argv[++i];
    } else if (argv[i][0] == '-') {
      fprintf(stderr, "usage: baogao-t2s-table [-o FILE | --check FILE] "
                      "[CONFIG]\n");
      return 2;
    } else {
      config = argv[i];
    }
  }
  opencc_t cc = opencc_open(config);
  if (cc == (opencc_t)-1) {
    fprintf(stderr, "baogao-t2s-table: %s: %s\n", config, opencc_error());
    return 1;
  }
  uint32_t *to = calloc(LAST + 1, sizeof *to);
  if (!to) return 1;
  size_t multi = 0, bad = 0;
  for (uint32_t cp = 1; cp <= LAST; cp++) {
    if (cp >= 0xD800 && cp <= 0xDFFF) continue;
    char in[5];
    size_t n = put(in, cp);
    in[n] = '\0';
    char *conv = opencc_convert_utf8(cc, in, n);
    if (!conv) {
      fprintf(stderr, "baogao-t2s-table: U+%04X: %s\n", (unsigned)cp,
              opencc_error());
      return 1;
    }
    if (strcmp(conv, in)) {
      uint32_t t = single(conv);
      if (!t) {
        multi++;
      } else if (!is_han(cp) || !is_han(t) || t > LAST) {
        fprintf(stderr,
                "baogao-t2s-table: U+%04X -> U+%04X is not Han to Han\n",
                (unsigned)cp, (unsigned)t);
        bad++;
      } else {
        to[cp] = t;
      }
    }
    opencc_convert_utf8_free(conv);
  }
  opencc_close(cc);
  if (bad) return 1;
  /* Close the map under itself; a cycle would be an error in the data. */
  size_t rows = 0;
  char *text = NULL;
  size_t text_len = 0;
  FILE *out = open_memstream(&text, &text_len);
  if (!out) return 1;
  for (uint32_t cp = 1; cp <= LAST; cp++) {
    if (!to[cp]) continue;
    uint32_t t = to[cp];
    for (int k = 0; to[t] && to[t] != t; k++) {
      if (k > 8) {
        fprintf(stderr, "baogao-t2s-table: a cycle through U+%04X\n",
                (unsigned)cp);
        return 1;
      }
      t = to[t];
    }
    to[cp] = t;
    rows++;
  }
  fprintf(out,
          "/*\n"
          " * t2s_table.h - Traditional to Simplified, one code point to one:\n"
          " * OpenCC's %s applied to each character alone, closed under\n"
          " * itself.  %zu rows.  Generated by scripts/t2s_table.c (cmake\n"
          " * --build BUILD --target t2s-table); do not edit.  Included by\n"
          " * t2s.c only.\n"
          " */\n",
          config, rows);
  fprintf(out, "#define T2S_ROWS %zu\n\n/* clang-format off */\n", rows);
  fprintf(out, "/* {Traditional, Simplified}, ascending. */\n");
  fprintf(out, "static const uint32_t t2s_rows[T2S_ROWS][2] = {\n");
  size_t k = 0;
  char line[256];
  size_t ll = 0;
  for (uint32_t cp = 1; cp <= LAST; cp++) {
    if (!to[cp]) continue;
    if (k % 4 == 0) fprintf(out, "   ");
    fprintf(out, " {0x%04X, 0x%04X},", (unsigned)cp, (unsigned)to[cp]);
    ll += put(line + ll, cp);
    ll += put(line + ll, to[cp]);
    line[ll++] = ' ';
    if (++k % 4 == 0 || k == rows) {
      line[ll - 1] = '\0';
      fprintf(out, " /* %s */\n", line);
      ll = 0;
    }
  }
  fprintf(out, "};\n/* clang-format on */\n");
  fclose(out);
  free(to);
  int rc = 0;
  if (check_path) {
    rc = check(text, text_len, check_path);
  } else if (out_path) {
    FILE *f = fopen(out_path, "wb");
    if (!f || fwrite(text, 1, text_len, f) != text_len || fclose(f) != 0) {
      perror(out_path);
      rc = 1;
    }
  } else if (fwrite(text, 1, text_len, stdout) != text_len) {
    rc = 1;
  }
  if (multi && !check_path)
    fprintf(stderr,
            "baogao-t2s-table: %zu characters convert to more than "
            "one and are left out\n",
            multi);
  free(text);
  return rc;
}
