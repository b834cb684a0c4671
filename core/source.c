/*
 * source.c - reading a report file into UTF-8 text.
 *
 * A file is read whole (reports are a few hundred KB; the limit below
 * keeps a stray disk image or gzip bomb from taking the machine),
 * gunzipped when it is gzip data, then decoded by encoding.c (text and
 * Markdown) or read by the reader of its format (docx.c, html.c, pdf.c).
 * Every error message starts with the path, so the indexer can print it
 * as it is.
 */
#include "source.h"

#include "docx.h"
#include "html.h"
#include "pdf.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <zlib.h>

/* The largest file, compressed or not, that is read: 1 GiB. */
#define MAX_BYTES ((size_t)1 << 30)

/* Returns 1 when s[0, len) ends with suffix, ignoring ASCII case. */
static int ends_with(const char *s, size_t len, const char *suffix) {
  size_t n = strlen(suffix);
  return len >= n && strncasecmp(s + len - n, suffix, n) == 0;
}

/* Splits path into its file name and the length of the id in it; returns
 * the format (BG_FMT_NONE when the name has no report extension or
 * nothing before it). */
static bg_format parse_name(const char *path, const char **name,
                            size_t *id_len) {
  static const struct {
    const char *ext;
    bg_format format;
  } exts[] = {
      {".txt", BG_FMT_TXT},     {".md", BG_FMT_MD},
      {".markdown", BG_FMT_MD}, {".docx", BG_FMT_DOCX},
      {".html", BG_FMT_HTML},   {".htm", BG_FMT_HTML},
      {".shtml", BG_FMT_HTML},  {".xhtml", BG_FMT_HTML},
      {".pdf", BG_FMT_PDF},
  };
  const char *slash = strrchr(path, '/');
  const char *base = slash ? slash + 1 : path;
  size_t len = strlen(base);
  if (ends_with(base, len, ".gz")) len -= 3;
  for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++) {
    size_t n = strlen(exts[i].ext);
    if (len > n && ends_with(base, len, exts[i].ext)) {
      *name = base;
      *id_len = len - n;
      return exts[i].format;
    }
  }
  return BG_FMT_NONE;
}

bg_format bg_source_format(const char *path) {
  const char *name;
  size_t id_len;
  return parse_name(path, &name, &id_len);
}

const char *bg_source_format_name(bg_format format) {
  switch (format) {
  case BG_FMT_TXT:
    return "txt";
  case BG_FMT_MD:
    return "md";
  case BG_FMT_DOCX:
    return "docx";
  case BG_FMT_HTML:
    return "html";
  case BG_FMT_PDF:
    return "pdf";
  default:
    return "";
  }
}

int bg_source_id(const char *path, char *buf, size_t cap) {
  const char *name;
  size_t id_len;
  if (cap) buf[0] = '\0';
  if (parse_name(path, &name, &id_len) == BG_FMT_NONE || id_len >= cap)
    return BG_EINVAL;
  memcpy(buf, name, id_len);
  buf[id_len] = '\0';
  return BG_OK;
}

/* Reads the whole of path into *data (not NUL-terminated). */
static int slurp(const char *path, char **data, size_t *len, bg_err *err) {
  int rc = BG_OK;
  char *buf = NULL;
  FILE *f = fopen(path, "rb");
  if (!f) return bg_err_set(err, BG_EIO, "%s", strerror(errno));

  struct stat st;
  if (fstat(fileno(f), &st) != 0) {
    rc = bg_err_set(err, BG_EIO, "%s", strerror(errno));
    goto cleanup;
  }
  if (S_ISDIR(st.st_mode)) {
    rc = bg_err_set(err, BG_EIO, "%s", strerror(EISDIR));
    goto cleanup;
  }
  if (S_ISREG(st.st_mode) && (unsigned long long)st.st_size > MAX_BYTES) {
    rc = bg_err_set(err, BG_EFORMAT, "file too large (over 1 GiB)");
    goto cleanup;
  }
  /* The size is a hint (pipes have none, files may grow): read to EOF. */
  size_t cap = S_ISREG(st.st_mode) ? (size_t)st.st_size + 1 : 65536;
  size_t used = 0;
  buf = bg_malloc(cap);
  for (;;) {
    if (!buf) {
      rc = bg_err_set(err, BG_ENOMEM, NULL);
      goto cleanup;
    }
    used += fread(buf + used, 1, cap - used, f);
    if (used < cap) break; /* end of file or error */
    if (used > MAX_BYTES) {
      rc = bg_err_set(err, BG_EFORMAT, "file too large (over 1 GiB)");
      goto cleanup;
    }
    char *grown = bg_realloc(buf, cap * 2);
    if (!grown) free(buf);
    buf = grown;
    cap *= 2;
  }
  if (ferror(f)) {
    rc = bg_err_set(err, BG_EIO, "%s", strerror(errno));
    goto cleanup;
  }
  *data = buf;
  *len = used;
  buf = NULL;

cleanup:
  free(buf);
  fclose(f);
  return rc;
}

/* Inflates the gzip data in[0, in_len), one member after another, into
 * *out (not NUL-terminated). */
static int gunzip(const char *in, size_t in_len, char **out, size_t *out_len,
                  bg_err *err) {
  int rc = BG_OK;
  z_stream zs;
  memset(&zs, 0, sizeof zs);
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
    return bg_err_set(err, BG_ENOMEM, NULL);

  size_t cap = in_len < MAX_BYTES / 4 ? in_len * 4 + 4096 : MAX_BYTES + 1;
  size_t used = 0;
  char *buf = bg_malloc(cap);
  if (!buf) {
    rc = bg_err_set(err, BG_ENOMEM, NULL);
    goto cleanup;
  }
  zs.next_in = (Bytef *)in;
  zs.avail_in = (uInt)in_len; /* in_len <= MAX_BYTES < UINT_MAX */
  for (;;) {
    if (used == cap) {
      if (cap > MAX_BYTES) {
        rc = bg_err_set(err, BG_EFORMAT,
                        "uncompressed data too large (over 1 GiB)");
        goto cleanup;
      }
      size_t grown_cap = cap * 2 > MAX_BYTES + 1 ? MAX_BYTES + 1 : cap * 2;
      char *grown = bg_realloc(buf, grown_cap);
      if (!grown) {
        rc = bg_err_set(err, BG_ENOMEM, NULL);
        goto cleanup;
      }
      buf = grown;
      cap = grown_cap;
    }
    zs.next_out = (Bytef *)buf + used;
    zs.avail_out = (uInt)(cap - used);
    int zrc = inflate(&zs, Z_NO_FLUSH);
    used = (size_t)((char *)zs.next_out - buf);
    if (zrc == Z_STREAM_END) {
      if (zs.avail_in == 0) break;
      /* Another member follows (`cat a.gz b.gz`), or trailing junk, which
       * the next round reports as a bad header. */
      if (inflateReset(&zs) != Z_OK) {
        rc = bg_err_set(err, BG_ENOMEM, NULL);
        goto cleanup;
      }
    } else if (zrc == Z_MEM_ERROR) {
      rc = bg_err_set(err, BG_ENOMEM, NULL);
      goto cleanup;
    } else if (zrc == Z_BUF_ERROR && zs.avail_in == 0) {
      rc = bg_err_set(err, BG_EFORMAT,
                      "corrupt gzip data (unexpected end of file)");
      goto cleanup;
    } else if (zrc != Z_OK && zrc != Z_BUF_ERROR) {
      rc = bg_err_set(err, BG_EFORMAT, "corrupt gzip data (%s)",
                      zs.msg ? zs.msg : zError(zrc));
      goto cleanup;
    }
  }
  *out = buf;
  *out_len = used;
  buf = NULL;

cleanup:
  free(buf);
  inflateEnd(&zs);
  return rc;
}

/* The length of the Markdown front matter at the start of s[0, n): a line
 * "---" (YAML) or "+++" (TOML) first, up to and including the next line
 * that is the same (or "..." for YAML); 0 when there is none or it is never
 * closed. */
static size_t front_matter(const char *s, size_t n) {
  const char *fence;
  if (n >= 3 && memcmp(s, "---", 3) == 0)
    fence = "---";
  else if (n >= 3 && memcmp(s, "+++", 3) == 0)
    fence = "+++";
  else
    return 0;
  size_t i = 0;
  for (int first = 1; i < n; first = 0) {
    size_t b = i;
    while (i < n && s[i] != '\n' && s[i] != '\r')
      i++;
    size_t e = i;
    if (i < n) i += s[i] == '\r' && i + 1 < n && s[i + 1] == '\n' ? 2 : 1;
    while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t'))
      e--;
    int is_fence =
        e - b == 3 &&
        (memcmp(s + b, fence, 3) == 0 ||
         (!first && fence[0] == '-' && memcmp(s + b, "...", 3) == 0));
    if (first && !is_fence) return 0; /* "---x" is no fence */
    if (!first && is_fence) return i;
  }
  return 0;
}

/* Drops the control characters of UTF-8 text s (NUL and the rest of C0
 * but tab and line ends, DEL, C1): no unit holds them, and printed raw
 * they would reach a terminal as escape sequences.  Returns how many. */
static size_t drop_controls(char *s, size_t *len) {
  size_t w = 0, n = 0;
  for (size_t i = 0; i < *len; i++) {
    unsigned char c = (unsigned char)s[i];
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) {
      n++;
      continue;
    }
    if (c == 0xC2 && i + 1 < *len && (unsigned char)s[i + 1] >= 0x80 &&
        (unsigned char)s[i + 1] <= 0x9F) {
      n++, i++;
      continue;
    }
    s[w++] = s[i];
  }
  s[w] = '\0';
  *len = w;
  return n;
}

int bg_source_read(const char *path, const char *encoding, bg_source *src,
                   bg_err *err) {
  return bg_source_read_flags(path, encoding, 0, src, err);
}

int bg_source_read_flags(const char *path, const char *encoding, int flags,
                         bg_source *src, bg_err *err) {
  char *raw = NULL, *plain = NULL;
  size_t raw_len = 0, plain_len = 0;
  memset(src, 0, sizeof *src);

  int rc = slurp(path, &raw, &raw_len, err);
  if (rc) goto cleanup;
  int gz = ends_with(path, strlen(path), ".gz") ||
           (raw_len >= 2 && memcmp(raw, "\x1F\x8B", 2) == 0);
  if (gz) {
    rc = gunzip(raw, raw_len, &plain, &plain_len, err);
    if (rc) goto cleanup;
    free(raw);
    raw = NULL;
  } else {
    plain = raw;
    plain_len = raw_len;
    raw = NULL;
  }
  src->format = bg_source_format(path);
  switch (src->format) {
  case BG_FMT_DOCX:
    rc = bg_docx_text(plain, plain_len, &src->text, &src->len, src->encoding,
                      err);
    break;
  case BG_FMT_HTML:
    rc = bg_html_text(plain, plain_len, encoding, &src->text, &src->len,
                      src->encoding, err);
    break;
  case BG_FMT_PDF:
    rc = bg_pdf_read(plain, plain_len,
                     (flags & BG_SOURCE_OCR) ? BG_PDF_OCR : 0, &src->text,
                     &src->len, &src->ocr, err);
    break;
  default:
    rc = bg_encoding_to_utf8(plain, plain_len, encoding, &src->text, &src->len,
                             src->encoding, err);
    if (rc == BG_OK && src->format == BG_FMT_MD) {
      size_t fm = front_matter(src->text, src->len);
      memmove(src->text, src->text + fm, src->len - fm + 1);
      src->len -= fm;
    }
  }
  if (rc) goto cleanup;
  src->dropped = drop_controls(src->text, &src->len);
  src->gzip = gz;
  src->raw_len = raw_len;

cleanup:
  if (rc) {
    bg_err_prefix(err, "%s", path);
    bg_source_free(src);
  }
  free(raw);
  free(plain);
  return rc;
}

void bg_source_free(bg_source *src) {
  if (!src) return;
  free(src->text);
  memset(src, 0, sizeof *src);
}
