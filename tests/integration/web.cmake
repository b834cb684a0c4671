# The web workbench: how searchd serves it (web_serve_test.py: files,
# Content-Security-Policy, the Host check, --web) and the pages in headless
# Chromium (web_test.py: every page against the JSON endpoints; skipped,
# status 77, when Chromium cannot start).  Screenshots of every page at
# 1280 and 375 px go to build/web-screenshots/.  Included from
# tests/integration/CMakeLists.txt.
find_package(Python3 COMPONENTS Interpreter)
if(Python3_Interpreter_FOUND)
  add_test(NAME integration/web_serve
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/web_serve_test.py
      --searchd $<TARGET_FILE:baogao-searchd>
      --indexer $<TARGET_FILE:baogao-index>
      --corpus ${CMAKE_SOURCE_DIR}/corpus
      --web ${CMAKE_SOURCE_DIR}/web)
  set_tests_properties(integration/web_serve PROPERTIES TIMEOUT 300
    LABELS integration)
  add_test(NAME integration/web_browser
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/web_test.py
      --searchd $<TARGET_FILE:baogao-searchd>
      --indexer $<TARGET_FILE:baogao-index>
      --baogao $<TARGET_FILE:baogao>
      --corpus ${CMAKE_SOURCE_DIR}/corpus
      --shared-corpus ${CMAKE_SOURCE_DIR}/../shared/corpus
      --shots ${CMAKE_BINARY_DIR}/web-screenshots)
  set_tests_properties(integration/web_browser PROPERTIES TIMEOUT 900
    SKIP_RETURN_CODE 77 LABELS integration)
endif()
