# The daemon test (searchd_test.py): baogao-searchd on 127.0.0.1 with an
# ephemeral port against the CLI's answers, every bad request, gzip,
# keep-alive, concurrent clients, indexing while serving, the signals and
# /metrics.  Included from tests/integration/CMakeLists.txt.
find_package(Python3 COMPONENTS Interpreter)
if(Python3_Interpreter_FOUND)
  add_test(NAME integration/searchd
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/searchd_test.py
      --searchd $<TARGET_FILE:baogao-searchd>
      --indexer $<TARGET_FILE:baogao-index>
      --baogao $<TARGET_FILE:baogao>
      --corpus ${CMAKE_SOURCE_DIR}/corpus
      --shared-corpus ${CMAKE_SOURCE_DIR}/../shared/corpus)
  # About 25 s in a normal build over the 120 shared reports; the sanitizer
  # build indexes 30 of them.  BAOGAO_SEED replays a run.
  if(BAOGAO_SANITIZE)
    set(BAOGAO_SEARCHD_REPORTS 30)
  else()
    set(BAOGAO_SEARCHD_REPORTS 0)
  endif()
  set_tests_properties(integration/searchd PROPERTIES
    ENVIRONMENT "BAOGAO_SEARCHD_REPORTS=${BAOGAO_SEARCHD_REPORTS}"
    TIMEOUT 600
    LABELS integration)
endif()
