file(REMOVE_RECURSE
  "CMakeFiles/baogao-index.dir/indexer/main.c.o"
  "CMakeFiles/baogao-index.dir/indexer/main.c.o.d"
  "baogao-index"
  "baogao-index.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/baogao-index.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
