file(REMOVE_RECURSE
  "CMakeFiles/test_exact.dir/test_exact.c.o"
  "CMakeFiles/test_exact.dir/test_exact.c.o.d"
  "test_exact"
  "test_exact.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_exact.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
