file(REMOVE_RECURSE
  "CMakeFiles/test_similar.dir/unit/test_similar.c.o"
  "CMakeFiles/test_similar.dir/unit/test_similar.c.o.d"
  "test_similar"
  "test_similar.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_similar.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
