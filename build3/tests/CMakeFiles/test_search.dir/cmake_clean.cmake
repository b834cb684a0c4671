file(REMOVE_RECURSE
  "CMakeFiles/test_search.dir/unit/test_search.c.o"
  "CMakeFiles/test_search.dir/unit/test_search.c.o.d"
  "test_search"
  "test_search.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_search.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
