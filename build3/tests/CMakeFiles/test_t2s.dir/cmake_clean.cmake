file(REMOVE_RECURSE
  "CMakeFiles/test_t2s.dir/unit/test_t2s.c.o"
  "CMakeFiles/test_t2s.dir/unit/test_t2s.c.o.d"
  "test_t2s"
  "test_t2s.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_t2s.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
