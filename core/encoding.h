/*
 * encoding.h - charset detection and conversion to UTF-8 (iconv).
 *
 * Reports arrive as UTF-8 (with or without BOM), UTF-16 LE/BE with BOM,
 * GB18030 (which covers GBK and GB2312) or Big5 (read as Big5-HKSCS, its
 * Hong Kong superset).  Detection never guesses silently wrong: text that
 * is not valid in the detected or forced charset is an error naming the
 * byte offset of the first undecodable sequence.
 */
#ifndef BG_ENCODING_H
#define BG_ENCODING_H

#include <stddef.h>

#include "error.h"

#define BG_ENCODING_NAME_MAX 32

/* Detects the charset of data[0, len): "UTF-8" (BOM or valid UTF-8),
 * "UTF-16LE"/"UTF-16BE" (BOM), else "GB18030" or "BIG5-HKSCS", whichever
 * decodes the whole; when both do, the one whose text reads like Chinese
 * (frequent characters, no private-use code points, kana or bopomofo;
 * GB18030 on a tie, as with a few characters that make sense both ways).
 * Writes the name to name (BG_ENCODING_NAME_MAX bytes; "" on failure).
 * Returns BG_OK, or BG_EENCODING when no supported charset decodes the
 * whole: err names the offsets where each failed ("neither UTF-8 (invalid
 * at byte 0), GB18030 (invalid at byte 812) nor BIG5-HKSCS (invalid at
 * byte 4)").
 * Bytes that read as UTF-8 for a while (eight multibyte characters) before
 * going wrong are damaged UTF-8 ("invalid UTF-8 at byte 5120"), and bytes
 * with a NUL are not GB18030 or Big5: neither is read as nonsense.  UTF-16
 * without a BOM is not detected; name it. */
int bg_encoding_detect(const char *data, size_t len, char *name, bg_err *err);

/* Converts data[0, len) to UTF-8.  encoding is a charset name iconv
 * knows (case-insensitive; "GBK", "GB2312", "gb18030", "utf-16", ...) or
 * NULL to detect.  "GBK", "GB2312", "CP936" and "EUC-CN" are read as
 * GB18030, their superset, and "BIG5HKSCS" as "BIG5-HKSCS" ("BIG5" is
 * iconv's plain Big5); "UTF-16" follows its BOM, else guesses the
 * byte order from the zero bytes of ASCII characters (little-endian when
 * in doubt); UTF-8 is checked strictly.  A leading BOM is removed; NUL
 * bytes are kept.  On success *out is a NUL-terminated UTF-8 string the
 * caller frees with free(), *out_len its length, and used
 * (BG_ENCODING_NAME_MAX bytes, may be NULL) the charset read, upper case
 * ("GB18030", "UTF-16LE").  On failure *out is NULL, used is "", and err
 * says which byte offset could not be decoded (BG_EENCODING: "invalid
 * GB18030 at byte 812"; a sequence cut short by the end of the data
 * counts from its first byte) or that the charset is unknown (BG_EINVAL:
 * "unknown encoding 'XYZ'"). */
int bg_encoding_to_utf8(const char *data, size_t len, const char *encoding,
                        char **out, size_t *out_len, char *used, bg_err *err);

#endif
