# CMake generated Testfile for 
# Source directory: /work/main/tests/fuzz
# Build directory: /work/main/build3/tests/fuzz
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
add_test(fuzz/units "/work/main/build3/tests/fuzz/replay_units" "/work/main/tests/fuzz/seeds/units" "/work/main/tests/fuzz/regressions/units")
set_tests_properties(fuzz/units PROPERTIES  _BACKTRACE_TRIPLES "/work/main/tests/fuzz/CMakeLists.txt;22;add_test;/work/main/tests/fuzz/CMakeLists.txt;0;")
add_test(fuzz/encoding "/work/main/build3/tests/fuzz/replay_encoding" "/work/main/tests/fuzz/seeds/encoding" "/work/main/tests/fuzz/regressions/encoding")
set_tests_properties(fuzz/encoding PROPERTIES  _BACKTRACE_TRIPLES "/work/main/tests/fuzz/CMakeLists.txt;22;add_test;/work/main/tests/fuzz/CMakeLists.txt;0;")
add_test(fuzz/report "/work/main/build3/tests/fuzz/replay_report" "/work/main/tests/fuzz/seeds/report" "/work/main/tests/fuzz/regressions/report")
set_tests_properties(fuzz/report PROPERTIES  _BACKTRACE_TRIPLES "/work/main/tests/fuzz/CMakeLists.txt;22;add_test;/work/main/tests/fuzz/CMakeLists.txt;0;")
add_test(fuzz/query "/work/main/build3/tests/fuzz/replay_query" "/work/main/tests/fuzz/seeds/query" "/work/main/tests/fuzz/regressions/query")
set_tests_properties(fuzz/query PROPERTIES  _BACKTRACE_TRIPLES "/work/main/tests/fuzz/CMakeLists.txt;22;add_test;/work/main/tests/fuzz/CMakeLists.txt;0;")
add_test(fuzz/params "/work/main/build3/tests/fuzz/replay_params" "/work/main/tests/fuzz/seeds/params" "/work/main/tests/fuzz/regressions/params")
set_tests_properties(fuzz/params PROPERTIES  _BACKTRACE_TRIPLES "/work/main/tests/fuzz/CMakeLists.txt;22;add_test;/work/main/tests/fuzz/CMakeLists.txt;0;")
add_test(fuzz/formats "/work/main/build3/tests/fuzz/replay_formats" "/work/main/tests/fuzz/seeds/formats" "/work/main/tests/fuzz/regressions/formats")
set_tests_properties(fuzz/formats PROPERTIES  _BACKTRACE_TRIPLES "/work/main/tests/fuzz/CMakeLists.txt;22;add_test;/work/main/tests/fuzz/CMakeLists.txt;0;")
