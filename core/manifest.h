/*
 * manifest.h - report metadata given beside the files: manifest.tsv.
 *
 * A folder of reports may hold a manifest.tsv: tab-separated values in
 * UTF-8 (a BOM and CRLF line ends are fine), no quoting.  The first row
 * names the columns; the first column is "file", the path of a report file
 * relative to the manifest's folder ("2024_某市.pdf", "县/报告.docx");
 * any of year, region, date, speaker and title may follow, in any order.
 * Other columns are ignored, so a sources table can serve as a manifest.
 * Each further row gives the metadata of one file; an empty cell gives
 * nothing (the file's name and text decide that field), a value overrides
 * them.  Blank lines and lines starting with "#" are skipped.
 *
 *   file            year  region        date        speaker
 *   jb.pdf          2023  济南市钢城区  2023-01-05  程学锋
 */
#ifndef BG_MANIFEST_H
#define BG_MANIFEST_H

#include <stddef.h>

#include "error.h"
#include "report.h"

#define BG_MANIFEST_NAME "manifest.tsv"

typedef struct bg_manifest bg_manifest;

/* Reads dir/manifest.tsv.  On success *out is the manifest (caller frees
 * with bg_manifest_free()), or NULL when the folder has none.  On failure
 * *out is NULL and err names the file and line: BG_EIO (unreadable),
 * BG_EFORMAT ("d/manifest.tsv:1: the first column must be 'file'",
 * "d/manifest.tsv:7: year '20x4' is not a year", "...: date '2024-13-01'
 * is not a date (YYYY-MM-DD, YYYY-MM or YYYY)", "...: 'a.txt' is listed
 * twice (first on line 3)"), BG_EENCODING ("d/manifest.tsv: invalid UTF-8
 * at byte 18"), BG_ENOMEM. */
int bg_manifest_load(const char *dir, bg_manifest **out, bg_err *err);

/* The row of file path (relative to the manifest's folder; a leading
 * "./" is ignored), or NULL when the manifest does not list it.  Borrowed:
 * valid while m lives. */
const bg_report_meta *bg_manifest_find(const bg_manifest *m, const char *path);

/* The path of the manifest file read (borrowed). */
const char *bg_manifest_path(const bg_manifest *m);

/* The values of row as one string, "name=value" for each field it gives,
 * separated by tabs: what the content hash of a report takes in, so that
 * a changed row re-indexes its report.  The caller frees it with free();
 * NULL when out of memory. */
char *bg_manifest_row_string(const bg_report_meta *row);

/* Frees m; NULL is fine. */
void bg_manifest_free(bg_manifest *m);

#endif
