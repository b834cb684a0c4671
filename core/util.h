/* Small helpers shared by the core modules. */
#ifndef BAOGAO_UTIL_H
#define BAOGAO_UTIL_H

#include <stddef.h>

/* Milliseconds on the monotonic clock, for elapsed times and deadlines. */
double bg_now_ms(void);

/* A NUL-terminated copy of the n bytes at s, or NULL when out of memory. */
char *bg_strndup(const char *s, size_t n);

#endif
