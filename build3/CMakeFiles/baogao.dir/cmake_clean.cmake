file(REMOVE_RECURSE
  "CMakeFiles/baogao.dir/cli/main.c.o"
  "CMakeFiles/baogao.dir/cli/main.c.o.d"
  "CMakeFiles/baogao.dir/cli/remote.c.o"
  "CMakeFiles/baogao.dir/cli/remote.c.o.d"
  "baogao"
  "baogao.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/baogao.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
