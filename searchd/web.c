/*
 * web.c - the workbench's static files and the Host check (see web.h).
 */
#include "web.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "web_assets.h"

#define MAX_HOSTS 32
#define MAX_FILE_BYTES (16u << 20) /* a --web file larger is refused */

static const char *web_dir;
static const char *hosts[MAX_HOSTS];
static int nhosts;

int web_set_dir(const char *dir) {
  char path[4096];
  if ((size_t)snprintf(path, sizeof path, "%s/index.html", dir) >= sizeof path)
    return -1;
  FILE *f = fopen(path, "rb");
  if (!f) return -1;
  fclose(f);
  web_dir = dir;
  return 0;
}

int web_allow_host(const char *name) {
  if (nhosts == MAX_HOSTS) return -1;
  hosts[nhosts++] = name;
  return 0;
}

/* 1 when s[0, n) is a dotted IPv4 address. */
static int ipv4(const char *s, size_t n) {
  int parts = 0, digits = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] >= '0' && s[i] <= '9') {
      if (++digits > 3) return 0;
    } else if (s[i] == '.' && digits) {
      parts++;
      digits = 0;
    } else {
      return 0;
    }
  }
  return digits && parts == 3;
}

/* 1 when name[0, n) equals w, ignoring case. */
static int same_name(const char *name, size_t n, const char *w) {
  size_t k = strlen(w);
  if (k && w[k - 1] == '.') k--;
  return n == k && strncasecmp(name, w, n) == 0;
}

int web_host_ok(const char *host) {
  if (!host) return 1; /* HTTP/1.0: browsers always send Host */
  size_t n = strlen(host);
  /* An IPv6 literal in brackets: an address, never a name. */
  if (host[0] == '[') {
    const char *end = strchr(host, ']');
    return end && (end[1] == '\0' || end[1] == ':');
  }
  const char *colon = memchr(host, ':', n);
  if (colon) {
    for (const char *p = colon + 1; *p; p++)
      if (*p < '0' || *p > '9') return 0;
    n = (size_t)(colon - host);
  }
  if (n && host[n - 1] == '.') n--;
  if (!n) return 0;
  /* An address cannot be rebound: only names can. */
  if (ipv4(host, n)) return 1;
  if (same_name(host, n, "localhost")) return 1;
  if (n > 10 && same_name(host + n - 10, 10, ".localhost")) return 1;
  for (int i = 0; i < nhosts; i++)
    if (!strcmp(hosts[i], "*") || same_name(host, n, hosts[i])) return 1;
  return 0;
}

int web_is_page(const char *path, size_t n) {
  static const char *const pages[] = {"/",     "/search",  "/time",
                                      "/kwic", "/compare", "/similar"};
  for (size_t k = 0; k < sizeof pages / sizeof pages[0]; k++)
    if (strlen(pages[k]) == n && !memcmp(pages[k], path, n)) return 1;
  return n > 8 && !memcmp(path, "/report/", 8);
}

static const char *type_of(const char *name) {
  static const struct {
    const char *ext, *type;
  } types[] = {{".html", "text/html; charset=utf-8"},
               {".js", "text/javascript; charset=utf-8"},
               {".css", "text/css; charset=utf-8"},
               {".svg", "image/svg+xml"},
               {".png", "image/png"},
               {".json", "application/json"},
               {".txt", "text/plain; charset=utf-8"}};
  const char *dot = strrchr(name, '.');
  for (size_t k = 0; dot && k < sizeof types / sizeof types[0]; k++)
    if (!strcmp(dot, types[k].ext)) return types[k].type;
  return "application/octet-stream";
}

/* Reads dir/name whole into a new buffer: 0, -1 when there is no such
 * file, -2 when it cannot be read. */
static int read_file(const char *name, char **body, size_t *len,
                     const char **why) {
  char path[4096];
  if ((size_t)snprintf(path, sizeof path, "%s/%s", web_dir, name) >=
      sizeof path) {
    *why = "the --web folder's path is too long";
    return -2;
  }
  struct stat st;
  if (stat(path, &st) != 0) {
    *why = "a file of the --web folder cannot be read";
    return errno == ENOENT || errno == ENOTDIR ? -1 : -2;
  }
  if (!S_ISREG(st.st_mode)) return -1; /* a folder is no file */
  FILE *f = fopen(path, "rb");
  if (!f) {
    *why = "a file of the --web folder cannot be read";
    return -2;
  }
  char *buf = NULL;
  size_t size = 0, used = 0;
  int rc = 0;
  for (;;) {
    if (used == size) {
      if (size >= MAX_FILE_BYTES) {
        *why = "a file of the --web folder is too large";
        rc = -2;
        break;
      }
      size = size ? 2 * size : 65536;
      char *nb = realloc(buf, size);
      if (!nb) {
        *why = "out of memory";
        rc = -2;
        break;
      }
      buf = nb;
    }
    size_t got = fread(buf + used, 1, size - used, f);
    used += got;
    if (got == 0) {
      if (ferror(f)) {
        *why = "a file of the --web folder cannot be read";
        rc = -2;
      }
      break;
    }
  }
  fclose(f);
  if (rc) {
    free(buf);
    return rc;
  }
  *body = buf ? buf : malloc(1);
  if (!*body) {
    *why = "out of memory";
    return -2;
  }
  *len = used;
  return 0;
}

int web_file(const char *path, size_t n, char **body, size_t *len,
             const char **ctype, const char **why) {
  char name[128];
  if (web_is_page(path, n)) {
    strcpy(name, "index.html");
  } else {
    if (n <= 8 || memcmp(path, "/static/", 8) || n - 8 >= sizeof name)
      return -1;
    /* Plain names only: no folders, no dot files, nothing to escape. */
    for (size_t i = 8; i < n; i++) {
      char c = path[i];
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
            (c >= '0' && c <= '9') || c == '-' || c == '_' ||
            (c == '.' && i > 8)))
        return -1;
    }
    memcpy(name, path + 8, n - 8);
    name[n - 8] = '\0';
    if (!strcmp(name, "index.html")) return -1; /* served as the pages */
  }
  *ctype = type_of(name);
  if (web_dir) return read_file(name, body, len, why);
  for (const web_asset *a = web_assets; a->name; a++) {
    if (strcmp(a->name, name)) continue;
    *body = malloc(a->len ? a->len : 1);
    if (!*body) {
      *why = "out of memory";
      return -2;
    }
    memcpy(*body, a->data, a->len);
    *len = a->len;
    return 0;
  }
  return -1;
}
