# The indexer behaviour test (indexer_test.sh): fresh build, re-run, changed
# and deleted files, bad files, the lock, kill -9, and the CLI's exit
# statuses, driving the real programs on a temporary folder.
# Included from tests/integration/CMakeLists.txt.
find_program(BAOGAO_BASH bash)
if(BAOGAO_BASH)
  add_test(NAME integration/indexer
           COMMAND ${BAOGAO_BASH} ${CMAKE_CURRENT_LIST_DIR}/indexer_test.sh
                   $<TARGET_FILE:baogao-index> $<TARGET_FILE:baogao>)
  # Sanitizer builds run 3-5 times slower: fewer kill -9 rounds.
  if(BAOGAO_SANITIZE)
    set(BAOGAO_KILL_ROUNDS 4)
  else()
    set(BAOGAO_KILL_ROUNDS 16)
  endif()
  set_tests_properties(integration/indexer PROPERTIES
    ENVIRONMENT "BAOGAO_KILL_ROUNDS=${BAOGAO_KILL_ROUNDS}"
    SKIP_RETURN_CODE 77
    TIMEOUT 600
    LABELS integration)
endif()
