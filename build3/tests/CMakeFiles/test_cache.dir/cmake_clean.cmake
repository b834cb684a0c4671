file(REMOVE_RECURSE
  "CMakeFiles/test_cache.dir/unit/test_cache.c.o"
  "CMakeFiles/test_cache.dir/unit/test_cache.c.o.d"
  "test_cache"
  "test_cache.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_cache.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
