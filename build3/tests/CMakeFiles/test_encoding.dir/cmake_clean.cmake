file(REMOVE_RECURSE
  "CMakeFiles/test_encoding.dir/unit/test_encoding.c.o"
  "CMakeFiles/test_encoding.dir/unit/test_encoding.c.o.d"
  "test_encoding"
  "test_encoding.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_encoding.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
