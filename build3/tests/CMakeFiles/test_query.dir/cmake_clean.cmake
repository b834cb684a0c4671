file(REMOVE_RECURSE
  "CMakeFiles/test_query.dir/unit/test_query.c.o"
  "CMakeFiles/test_query.dir/unit/test_query.c.o.d"
  "test_query"
  "test_query.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_query.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
