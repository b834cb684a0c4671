# CMake generated Testfile for 
# Source directory: /work/main/tests/packaging
# Build directory: /work/main/build3/tests/packaging
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
add_test(packaging/install "bash" "/work/main/tests/packaging/install_test.sh" "/work/main/build3" "/work/main")
set_tests_properties(packaging/install PROPERTIES  LABELS "packaging" RESOURCE_LOCK "baogao_install" SKIP_RETURN_CODE "77" TIMEOUT "600" _BACKTRACE_TRIPLES "/work/main/tests/packaging/CMakeLists.txt;6;add_test;/work/main/tests/packaging/CMakeLists.txt;0;")
add_test(packaging/deb "bash" "/work/main/tests/packaging/deb_test.sh" "/work/main/build3" "/work/main")
set_tests_properties(packaging/deb PROPERTIES  LABELS "packaging" RESOURCE_LOCK "baogao_install" SKIP_RETURN_CODE "77" TIMEOUT "600" _BACKTRACE_TRIPLES "/work/main/tests/packaging/CMakeLists.txt;8;add_test;/work/main/tests/packaging/CMakeLists.txt;0;")
