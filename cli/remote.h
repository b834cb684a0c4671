/*
 * remote.h - the CLI's HTTP client for baogao-searchd (libcurl).
 */
#ifndef BAOGAO_CLI_REMOTE_H
#define BAOGAO_CLI_REMOTE_H

#include <stddef.h>

/* GETs base + path with the query parameters kv[0]=kv[1], kv[2]=kv[3], ...
 * (nkv strings, values percent-encoded here).  On a transfer *status is the
 * HTTP status and *body (malloc'd, NUL-terminated, gzip already undone) the
 * response; returns 0.  When the server cannot be reached returns -1 and
 * puts the reason in err (errcap bytes). */
int remote_get(const char *base, const char *path, const char *const *kv,
               size_t nkv, long *status, char **body, size_t *len, char *err,
               size_t errcap);

#endif
