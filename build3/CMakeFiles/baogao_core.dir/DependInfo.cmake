
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/main/core/cache.c" "CMakeFiles/baogao_core.dir/core/cache.c.o" "gcc" "CMakeFiles/baogao_core.dir/core/cache.c.o.d"
  "/work/main/core/compare.c" "CMakeFiles/baogao_core.dir/core/compare.c.o" "gcc" "CMakeFiles/baogao_core.dir/core/compare.c.o.d"
  "/work/main/core/count.c" "CMakeFiles/baogao_core.dir/core/count.c.o" "gcc" "CMakeFiles/baogao_core.dir/core/count.c.o.d"
  "/work/main/core/diff.c" "CMakeFiles/baogao_core.dir/core/diff.c.o" "gcc" "CMakeFiles/baogao_core.dir/core/diff.c.o.d"
  "/work/main/core/docx.c" "CMakeFiles/baogao_core.dir/core/docx.c.o" "gcc" "CMakeFiles/baogao_core.dir/core/docx.c.o.d"
  "/work/main/core/encoding.c" "CMakeFiles/baogao_core.dir/core/encoding.c.o" "gcc" "CMakeFiles/baogao_core.dir/core/encoding.c.o.d"
  "/work/main/core/error.c" "CMakeFiles/baogao_core.dir/core/error.c.o" "gcc" "CMakeFiles/baogao_core.dir/core/error.c.o.d"
  "/work/main/core/export.c" "CMakeFiles/baogao_core.dir/core/export.c.o" "gcc" "CMakeFiles/baogao_core.dir/core/export.c.o.d"
  "/work/main/core/hints.c" "CMakeFiles/baogao_core.dir/core/hints.c.o" "gcc" "CMakeFiles/baogao_core.dir/core/hints.c.o.d"
  "/work/main/core/html.c" "CMakeFiles/baogao_core.dir/core/html.c.o" "gcc" "CMakeFiles/baogao_core.dir/core/html.c.o.d"
  "/work/main/core/index.c" "CMakeFiles/baogao_core.dir/core/index.c.o" "gcc" "CMakeFiles/baogao_core.dir/core/index.c.o.d"
  "/work/main/core/json.c" "CMakeFiles/baogao_core.dir/core/json.c.o" "gcc" "CMakeFiles/baogao_core.dir/core/json.c.o.d"
  "/work/main/core/keywords.c" "CMakeFiles/baogao_core.dir/core/keywords.c.o" "gcc" "CMakeFiles/baogao_core.dir/core/keywords.c.o.d"
  "/work/main/core/kwic.c" "CMakeFiles/baogao_core.dir/core/kwic.c.o" "gcc" "CMakeFiles/baogao_core.dir/core/kwic.c.o.d"
  "/work/main/core/lexicon.c" "CMakeFiles/baogao_core.dir/core/lexicon.c.o" "gcc" "CMakeFiles/baogao_core.dir/core/lexicon.c.o.d"
  "/work/main/core/manifest.c" "CMakeFiles/baogao_core.dir/core/manifest.c.o" "gcc" "CMakeFiles/baogao_core.dir/core/manifest.c.o.d"
  "/work/main/core/ocr.c" "CMakeFiles/baogao_core.dir/core/ocr.c.o" "gcc" "CMakeFiles/baogao_core.dir/core/ocr.c.o.d"
  "/work/main/core/params.c" "CMakeFiles/baogao_core.dir/core/params.c.o" "gcc" "CMakeFiles/baogao_core.dir/core/params.c.o.d"
  "/work/main/core/pdf.c" "CMakeFiles/baogao_core.dir/core/pdf.c.o" "gcc" "CMakeFiles/baogao_core.dir/core/pdf.c.o.d"
  "/work/main/core/query.c" "CMakeFiles/baogao_core.dir/core/query.c.o" "gcc" "CMakeFiles/baogao_core.dir/core/query.c.o.d"
  "/work/main/core/report.c" "CMakeFiles/baogao_core.dir/core/report.c.o" "gcc" "CMakeFiles/baogao_core.dir/core/report.c.o.d"
  "/work/main/core/search.c" "CMakeFiles/baogao_core.dir/core/search.c.o" "gcc" "CMakeFiles/baogao_core.dir/core/search.c.o.d"
  "/work/main/core/similar.c" "CMakeFiles/baogao_core.dir/core/similar.c.o" "gcc" "CMakeFiles/baogao_core.dir/core/similar.c.o.d"
  "/work/main/core/similarity.c" "CMakeFiles/baogao_core.dir/core/similarity.c.o" "gcc" "CMakeFiles/baogao_core.dir/core/similarity.c.o.d"
  "/work/main/core/source.c" "CMakeFiles/baogao_core.dir/core/source.c.o" "gcc" "CMakeFiles/baogao_core.dir/core/source.c.o.d"
  "/work/main/core/t2s.c" "CMakeFiles/baogao_core.dir/core/t2s.c.o" "gcc" "CMakeFiles/baogao_core.dir/core/t2s.c.o.d"
  "/work/main/core/terms.c" "CMakeFiles/baogao_core.dir/core/terms.c.o" "gcc" "CMakeFiles/baogao_core.dir/core/terms.c.o.d"
  "/work/main/core/textbuf.c" "CMakeFiles/baogao_core.dir/core/textbuf.c.o" "gcc" "CMakeFiles/baogao_core.dir/core/textbuf.c.o.d"
  "/work/main/core/units.c" "CMakeFiles/baogao_core.dir/core/units.c.o" "gcc" "CMakeFiles/baogao_core.dir/core/units.c.o.d"
  "/work/main/core/util.c" "CMakeFiles/baogao_core.dir/core/util.c.o" "gcc" "CMakeFiles/baogao_core.dir/core/util.c.o.d"
  "/work/main/core/xap.cc" "CMakeFiles/baogao_core.dir/core/xap.cc.o" "gcc" "CMakeFiles/baogao_core.dir/core/xap.cc.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
