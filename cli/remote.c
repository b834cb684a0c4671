/*
 * remote.c - the CLI's HTTP client for baogao-searchd (see remote.h).
 */
#include "remote.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    if (!(esc[i] = curl_easy_escape(h, kv[i], 0))) goto cleanup;
    cap += strlen(esc[i]) + 1;
  }
  if (!(url = malloc(cap + 1))) goto cleanup;
  size_t n = (size_t)snprintf(url, cap + 1, "%.*s%s", (int)bl, base, path);
  for (size_t i = 0; i + 1 < nkv; i += 2)
    n += (size_t)snprintf(url + n, cap + 1 - n, "%c%s=%s", i ? '&' : '?',
                          esc[i], esc[i + 1]);
cleanup:
  for (size_t i = 0; i < nkv; i++) curl_free(esc[i]);
  free(esc);
  return url;
}

int remote_get(const char *base, const char *path, const char *const *kv,
               size_t nkv, long *status, char **out, size_t *len, char *err,
               size_t errcap) {
  *out = NULL;
  *len = 0;
  *status = 0;
  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
    snprintf(err, errcap, "cannot initialise libcurl");
    return -1;
  }
  CURL *h = curl_easy_init();
  body b = {0};
  char *url = NULL;
  int rc = -1;
  char cerr[CURL_ERROR_SIZE] = "";
  if (!h || !(url = make_url(h, base, path, kv, nkv))) {
    snprintf(err, errcap, "out of memory");
    goto cleanup;
  }
  curl_easy_setopt(h, CURLOPT_URL, url);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
  curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 5L);
  curl_easy_setopt(h, CURLOPT_TIMEOUT, 120L);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, cerr);
  curl_easy_setopt(h, CURLOPT_USERAGENT, "baogao/" BAOGAO_VERSION);
  CURLcode cc = curl_easy_perform(h);
  if (cc != CURLE_OK) {
    snprintf(err, errcap, "%s", cerr[0] ? cerr : curl_easy_strerror(cc));
    goto cleanup;
  }
  if (b.oom) {
    snprintf(err, errcap, "out of memory");
    goto cleanup;
  }
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
  *out = b.p ? b.p : calloc(1, 1);
  *len = b.len;
  b.p = NULL;
  rc = *out ? 0 : -1;
cleanup:
  free(b.p);
  free(url);
  if (h) curl_easy_cleanup(h);
  curl_global_cleanup();
  return rc;
}
