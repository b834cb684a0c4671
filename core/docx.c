/*
 * docx.c - the text of a Word document (.docx).
 *
 * The archive is opened in memory with libzip; the main part is the
 * target of the package's officeDocument relationship (_rels/.rels),
 * word/document.xml when that says nothing.  libxml2 reads it without
 * network access and without substituting entities, so a hostile file
 * can neither reach out nor blow up; a part over 1 GiB is refused before
 * it is inflated.
 */
#include "docx.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zip.h>

#include "encoding.h"
#include "textbuf.h"
#include "util.h"

/* The largest part read from an archive. */
#define MAX_PART ((zip_uint64_t)1 << 30)

static const char W_NS[] =
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
static const char W_NS_STRICT[] =
    "http://purl.oclc.org/ooxml/wordprocessingml/main";
static const char MC_NS[] =
    "http://schemas.openxmlformats.org/markup-compatibility/2006";

/* Reads the part name of archive za into *data (not NUL-terminated).
 * Returns BG_ENOTFOUND (err untouched) when the archive has no such
 * part. */
static int read_part(zip_t *za, const char *name, char **data, size_t *len,
                     bg_err *err) {
  int rc = BG_OK;
  char *buf = NULL;
  zip_file_t *zf = NULL;
  zip_int64_t idx = zip_name_locate(za, name, ZIP_FL_NOCASE);
  if (idx < 0) return BG_ENOTFOUND;
  zip_stat_t st;
  zip_stat_init(&st);
  if (zip_stat_index(za, (zip_uint64_t)idx, 0, &st) == 0 &&
      (st.valid & ZIP_STAT_SIZE) && st.size > MAX_PART)
    return bg_err_set(err, BG_EFORMAT, "%s is too large (over 1 GiB)", name);
  if (!(zf = zip_fopen_index(za, (zip_uint64_t)idx, 0)))
    return bg_err_set(err, BG_EFORMAT, "cannot read %s (%s)", name,
                      zip_strerror(za));
  size_t cap = (st.valid & ZIP_STAT_SIZE) ? (size_t)st.size + 1 : 65536;
  size_t used = 0;
  if (!(buf = bg_malloc(cap))) {
    rc = bg_err_set(err, BG_ENOMEM, NULL);
    goto cleanup;
  }
  for (;;) {
    if (used == cap) {
      if (cap > MAX_PART) {
        rc = bg_err_set(err, BG_EFORMAT, "%s is too large (over 1 GiB)", name);
        goto cleanup;
      }
      char *grown = bg_realloc(buf, cap * 2);
      if (!grown) {
        rc = bg_err_set(err, BG_ENOMEM, NULL);
        goto cleanup;
      }
      buf = grown;
      cap *= 2;
    }
    zip_int64_t got = zip_fread(zf, buf + used, cap - used);
    if (got < 0) {
      rc = bg_err_set(err, BG_EFORMAT, "corrupt %s (%s)", name,
                      zip_file_strerror(zf));
      goto cleanup;
    }
    if (got == 0) break;
    used += (size_t)got;
  }
  *data = buf;
  *len = used;
  buf = NULL;

cleanup:
  free(buf);
  zip_fclose(zf);
  return rc;
}

/* Parses the XML part name, data[0, len).  On failure err tells where. */
static int parse_xml(const char *name, const char *data, size_t len,
                     xmlDocPtr *out, bg_err *err) {
  *out = NULL;
  if (len > INT_MAX)
    return bg_err_set(err, BG_EFORMAT, "%s is too large", name);
  xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
  if (!ctxt) return bg_err_set(err, BG_ENOMEM, NULL);
  xmlDocPtr doc = xmlCtxtReadMemory(ctxt, data, (int)len, name, NULL,
                                    XML_PARSE_NONET | XML_PARSE_NOERROR |
                                        XML_PARSE_NOWARNING);
  int rc = BG_OK;
  if (!doc || !ctxt->wellFormed) {
    const xmlError *e = xmlCtxtGetLastError(ctxt);
    char msg[256] = "not well-formed";
    if (e && e->message) {
      snprintf(msg, sizeof msg, "%s", e->message);
      size_t n = strlen(msg);
      while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        msg[--n] = '\0';
    }
    rc = bg_err_set(err, BG_EFORMAT, "broken XML in %s at line %d: %s", name,
                    e ? e->line : 0, msg);
    xmlFreeDoc(doc);
    doc = NULL;
  }
  xmlFreeParserCtxt(ctxt);
  *out = doc;
  return rc;
}

/* Returns 1 when n is the element local of namespace ns. */
static int is(const xmlNode *n, const char *ns, const char *local) {
  return n->ns && n->ns->href && strcmp((const char *)n->ns->href, ns) == 0 &&
         strcmp((const char *)n->name, local) == 0;
}

/* Returns 1 when n is the WordprocessingML element local (transitional or
 * strict namespace). */
static int is_w(const xmlNode *n, const char *local) {
  return is(n, W_NS, local) || is(n, W_NS_STRICT, local);
}

/* The name of the main part: the target of the officeDocument
 * relationship in _rels/.rels, into buf. */
static void main_part(zip_t *za, char *buf, size_t cap) {
  char *data = NULL;
  size_t len = 0;
  xmlDocPtr doc = NULL;
  snprintf(buf, cap, "word/document.xml");
  if (read_part(za, "_rels/.rels", &data, &len, NULL) != BG_OK) return;
  if (parse_xml("_rels/.rels", data, len, &doc, NULL) == BG_OK) {
    xmlNode *root = xmlDocGetRootElement(doc);
    for (xmlNode *n = root ? root->children : NULL; n; n = n->next) {
      if (n->type != XML_ELEMENT_NODE ||
          strcmp((const char *)n->name, "Relationship") != 0)
        continue;
      xmlChar *type = xmlGetProp(n, (const xmlChar *)"Type");
      xmlChar *target = xmlGetProp(n, (const xmlChar *)"Target");
      const char *suffix = "/officeDocument";
      size_t tl = type ? strlen((const char *)type) : 0;
      if (target && tl >= strlen(suffix) &&
          strcmp((const char *)type + tl - strlen(suffix), suffix) == 0) {
        const char *t = (const char *)target;
        while (*t == '/')
          t++;
        if (*t) snprintf(buf, cap, "%s", t);
      }
      xmlFree(type);
      xmlFree(target);
    }
  }
  xmlFreeDoc(doc);
  free(data);
}

/* Appends the text of the nodes from n on to b. */
static void walk(const xmlNode *n, bg_textbuf *b) {
  for (; n; n = n->next) {
    if (n->type != XML_ELEMENT_NODE) continue;
    if (is_w(n, "p")) {
      bg_textbuf_end(b); /* a paragraph in a text box inside another */
      walk(n->children, b);
      bg_textbuf_end(b);
    } else if (is_w(n, "t")) {
      for (const xmlNode *c = n->children; c; c = c->next)
        if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) &&
            c->content)
          bg_textbuf_puts(b, (const char *)c->content);
    } else if (is_w(n, "tab") || is_w(n, "ptab")) {
      bg_textbuf_puts(b, "\t");
    } else if (is_w(n, "br") || is_w(n, "cr")) {
      bg_textbuf_end(b);
    } else if (is_w(n, "noBreakHyphen")) {
      bg_textbuf_puts(b, "-");
    } else if (is_w(n, "del") || is_w(n, "moveFrom") || is_w(n, "delText") ||
               is_w(n, "instrText") || is_w(n, "delInstrText") ||
               is_w(n, "pPr") || is_w(n, "rPr") || is_w(n, "sectPr") ||
               is_w(n, "sdtPr") || is(n, MC_NS, "Fallback")) {
      /* deleted text, field codes, properties; the Fallback of
       * mc:AlternateContent repeats its Choice */
    } else {
      walk(n->children, b);
    }
  }
}

int bg_docx_text(const char *data, size_t len, char **out, size_t *out_len,
                 char *encoding, bg_err *err) {
  int rc = BG_OK;
  zip_error_t zerr;
  zip_t *za = NULL;
  char *xml = NULL, part[256];
  size_t xml_len = 0;
  xmlDocPtr doc = NULL;
  bg_textbuf b = {0};
  *out = NULL;
  *out_len = 0;
  if (encoding) encoding[0] = '\0';

  zip_error_init(&zerr);
  if (len >= 8 && memcmp(data, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0) {
    rc = bg_err_set(err, BG_EFORMAT,
                    "not a Word document but an old Word 97-2003 (.doc) "
                    "file: save it as .docx");
    goto cleanup;
  }
  zip_source_t *src = zip_source_buffer_create(data, len, 0, &zerr);
  if (src) {
    za = zip_open_from_source(src, ZIP_RDONLY, &zerr);
    if (!za) zip_source_free(src);
  }
  if (!za) {
    rc = bg_err_set(err, BG_EFORMAT, "not a Word document (zip: %s)",
                    zip_error_strerror(&zerr));
    goto cleanup;
  }
  main_part(za, part, sizeof part);
  rc = read_part(za, part, &xml, &xml_len, err);
  if (rc == BG_ENOTFOUND)
    rc = bg_err_set(err, BG_EFORMAT,
                    "not a Word document (no %s in the archive)", part);
  if (rc) goto cleanup;
  if ((rc = parse_xml(part, xml, xml_len, &doc, err))) goto cleanup;
  xmlNode *root = xmlDocGetRootElement(doc);
  if (!root || !is_w(root, "document")) {
    rc = bg_err_set(err, BG_EFORMAT,
                    "not a Word document (%s is no w:document)", part);
    goto cleanup;
  }
  walk(root->children, &b);
  if (bg_textbuf_finish(&b, out, out_len)) {
    rc = bg_err_set(err, BG_ENOMEM, NULL);
    goto cleanup;
  }
  if (encoding) {
    const char *e = doc->encoding ? (const char *)doc->encoding : "UTF-8";
    size_t i = 0;
    for (; e[i] && i + 1 < BG_ENCODING_NAME_MAX; i++)
      encoding[i] =
          (char)(e[i] >= 'a' && e[i] <= 'z' ? e[i] - 'a' + 'A' : e[i]);
    encoding[i] = '\0';
  }

cleanup:
  bg_textbuf_reset(&b);
  xmlFreeDoc(doc);
  free(xml);
  if (za) zip_discard(za);
  zip_error_fini(&zerr);
  return rc;
}
