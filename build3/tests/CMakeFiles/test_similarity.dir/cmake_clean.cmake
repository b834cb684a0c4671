file(REMOVE_RECURSE
  "CMakeFiles/test_similarity.dir/unit/test_similarity.c.o"
  "CMakeFiles/test_similarity.dir/unit/test_similarity.c.o.d"
  "test_similarity"
  "test_similarity.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_similarity.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
