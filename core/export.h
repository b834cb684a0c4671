/*
 * export.h - answers as tables for R and Excel: TSV and CSV.
 *
 * Every tabular answer (search, similar, count, kwic, keywords, reports,
 * compare) becomes one header row and one row per hit, bucket, line,
 * phrase or report, from the same JSON the CLI and searchd answer, so the
 * three agree.  CSV follows RFC 4180 (fields with a comma, a quote or a
 * line break quoted, quotes doubled, CRLF line ends); TSV has LF line ends
 * and tabs and line breaks inside fields turned into spaces.  With a BOM
 * the text starts with U+FEFF, which Excel needs to read UTF-8.
 *
 * Columns (a null is an empty field; lists are joined):
 *   search    report year region para section text score
 *             (section: the headings joined by " › ")
 *   similar   report year region para section text similarity score
 *   count     <by> reports reports_total paragraphs occurrences units per_10k
 *   kwic      report year para left match right
 *   keywords  phrase a b per_10k_a per_10k_b g2 log_ratio
 *   reports   id year region title date speaker paragraphs units bytes
 *             format encoding hash source
 *   compare   type a_para b_para similarity deleted inserted phrase count
 *             (type pair: deleted and inserted text joined by " … ";
 *             only_a, only_b: the paragraph's text as deleted or inserted;
 *             new_phrase, gone_phrase: phrase and count)
 */
#ifndef BG_EXPORT_H
#define BG_EXPORT_H

#include <jansson.h>
#include <stddef.h>

#include "error.h"

typedef enum { BG_EXPORT_NONE = 0, BG_EXPORT_TSV, BG_EXPORT_CSV } bg_export_format;

/* The format named s ("tsv", "csv"; "json" is BG_EXPORT_NONE); -1 for
 * anything else. */
int bg_export_parse(const char *s);

/* Whether answers of kind (a command name, above) can be exported. */
int bg_export_kind_ok(const char *kind);

/* The table of answer (of kind) in format, with a BOM when bom, into *out
 * (NUL-terminated, caller frees) and *len.  BG_EINVAL for an unknown
 * kind, BG_ENOMEM. */
int bg_export(const json_t *answer, const char *kind, bg_export_format format,
              int bom, char **out, size_t *len, bg_err *err);

#endif
