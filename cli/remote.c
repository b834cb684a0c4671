/*
 * remote.c - the CLI's HTTP client for baogao-searchd (see remote.h).
 *
 * libcurl is loaded when a command goes to a server, not when the CLI
 * starts: linked, it and the 30 libraries it needs (TLS, Kerberos, LDAP,
 * ...) took most of the start-up time of every local command.
 */
#include "remote.h"

#include <curl/curl.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The libcurl functions used, from the loaded library. */
static struct {
  CURLcode (*global_init)(long);
  void (*global_cleanup)(void);
  CURL *(*init)(void);
  CURLcode (*setopt)(CURL *, CURLoption, ...);
  CURLcode (*perform)(CURL *);
  CURLcode (*getinfo)(CURL *, CURLINFO, ...);
  const char *(*errstr)(CURLcode);
  char *(*escape)(CURL *, const char *, int);
  void (*free_str)(void *);
  void (*cleanup)(CURL *);
} C;

/* Loads libcurl once; 0, or -1 with the reason in err. */
static int load_curl(char *err, size_t errcap) {
  static void *lib;
  if (lib) return 0;
  static const char *const names[] = {"libcurl.so.4", "libcurl-gnutls.so.4",
                                      "libcurl.so"};
  const char *why = "";
  for (size_t i = 0; i < sizeof names / sizeof *names && !lib; i++) {
    lib = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
    if (!lib) why = dlerror();
  }
  if (!lib) {
    snprintf(err, errcap,
             "--server needs libcurl, which cannot be loaded (%s); install "
             "the libcurl4 package",
             why ? why : "not found");
    return -1;
  }
  struct {
    const char *name;
    void **slot;
  } const fns[] = {
      {"curl_global_init", (void **)&C.global_init},
      {"curl_global_cleanup", (void **)&C.global_cleanup},
      {"curl_easy_init", (void **)&C.init},
      {"curl_easy_setopt", (void **)&C.setopt},
      {"curl_easy_perform", (void **)&C.perform},
      {"curl_easy_getinfo", (void **)&C.getinfo},
      {"curl_easy_strerror", (void **)&C.errstr},
      {"curl_easy_escape", (void **)&C.escape},
      {"curl_free", (void **)&C.free_str},
      {"curl_easy_cleanup", (void **)&C.cleanup},
  };
  for (size_t i = 0; i < sizeof fns / sizeof *fns; i++) {
    /* POSIX: a data pointer from dlsym() converts to a function pointer. */
    void *f = dlsym(lib, fns[i].name);
    if (!f) {
      snprintf(err, errcap, "the libcurl found has no %s", fns[i].name);
      dlclose(lib);
      lib = NULL;
      return -1;
    }
    memcpy(fns[i].slot, &f, sizeof f);
  }
  return 0;
}

typedef struct body {
  char *p;
  size_t len, cap;
  int oom;
} body;

static size_t on_data(char *data, size_t size, size_t n, void *ctx) {
  body *b = ctx;
  size_t k = size * n;
  if (b->len + k + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 16384;
    while (cap < b->len + k + 1) cap *= 2;
    char *np = realloc(b->p, cap);
    if (!np) {
      b->oom = 1;
      return 0;
    }
    b->p = np, b->cap = cap;
  }
  memcpy(b->p + b->len, data, k);
  b->len += k;
  b->p[b->len] = '\0';
  return k;
}

/* base + path + ?k=v&... with the values escaped; caller frees. */
static char *make_url(CURL *h, const char *base, const char *path,
                      const char *const *kv, size_t nkv) {
  size_t bl = strlen(base);
  while (bl > 0 && base[bl - 1] == '/') bl--;
  size_t cap = bl + strlen(path) + 2;
  char **esc = calloc(nkv + 1, sizeof *esc);
  if (!esc) return NULL;
  char *url = NULL;
  for (size_t i = 0; i < nkv; i++) {
    if (!(esc[i] = C.escape(h, kv[i], 0))) goto cleanup;
    cap += strlen(esc[i]) + 1;
  }
  if (!(url = malloc(cap + 1))) goto cleanup;
  size_t n = (size_t)snprintf(url, cap + 1, "%.*s%s", (int)bl, base, path);
  for (size_t i = 0; i + 1 < nkv; i += 2)
    n += (size_t)snprintf(url + n, cap + 1 - n, "%c%s=%s", i ? '&' : '?',
                          esc[i], esc[i + 1]);
cleanup:
  for (size_t i = 0; i < nkv; i++) C.free_str(esc[i]);
  free(esc);
  return url;
}

int remote_get(const char *base, const char *path, const char *const *kv,
               size_t nkv, long *status, char **out, size_t *len, char *err,
               size_t errcap) {
  *out = NULL;
  *len = 0;
  *status = 0;
  if (load_curl(err, errcap) != 0) return -1;
  if (C.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
    snprintf(err, errcap, "cannot initialise libcurl");
    return -1;
  }
  CURL *h = C.init();
  body b = {0};
  char *url = NULL;
  int rc = -1;
  char cerr[CURL_ERROR_SIZE] = "";
  if (!h || !(url = make_url(h, base, path, kv, nkv))) {
    snprintf(err, errcap, "out of memory");
    goto cleanup;
  }
  C.setopt(h, CURLOPT_URL, url);
  C.setopt(h, CURLOPT_WRITEFUNCTION, on_data);
  C.setopt(h, CURLOPT_WRITEDATA, &b);
  C.setopt(h, CURLOPT_ACCEPT_ENCODING, "");
  C.setopt(h, CURLOPT_CONNECTTIMEOUT, 5L);
  C.setopt(h, CURLOPT_TIMEOUT, 120L);
  C.setopt(h, CURLOPT_NOSIGNAL, 1L);
  C.setopt(h, CURLOPT_ERRORBUFFER, cerr);
  C.setopt(h, CURLOPT_USERAGENT, "baogao/" BAOGAO_VERSION);
  CURLcode cc = C.perform(h);
  if (cc != CURLE_OK) {
    snprintf(err, errcap, "%s", cerr[0] ? cerr : C.errstr(cc));
    goto cleanup;
  }
  if (b.oom) {
    snprintf(err, errcap, "out of memory");
    goto cleanup;
  }
  C.getinfo(h, CURLINFO_RESPONSE_CODE, status);
  *out = b.p ? b.p : calloc(1, 1);
  *len = b.len;
  b.p = NULL;
  rc = *out ? 0 : -1;
cleanup:
  free(b.p);
  free(url);
  if (h) C.cleanup(h);
  C.global_cleanup();
  return rc;
}
