/*
 * escape.h - file names and messages made safe for a terminal.
 *
 * A file name may hold any byte but '/' and NUL: escape sequences, CR, LF,
 * bytes that are not UTF-8.  Printed raw they can rewrite what a terminal
 * shows.  Here C0 and C1 control characters, DEL and bytes that are not
 * part of valid UTF-8 become \xNN (and a backslash \\), the rest of the
 * UTF-8 text stays as it is.
 */
#ifndef BG_ESCAPE_H
#define BG_ESCAPE_H

#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* s with its control characters and invalid bytes escaped; the caller
 * frees it.  NULL when out of memory. */
char *bg_escape_name(const char *s);

/* A stream writing to f what is written to it, with control characters
 * other than newline and tab, and invalid UTF-8 bytes, escaped (for
 * stderr: every message with a file name in it).  Line-buffered; f is not
 * closed with it.  NULL when it cannot be made. */
FILE *bg_escape_stream(FILE *f);

#ifdef __cplusplus
}
#endif

#endif
