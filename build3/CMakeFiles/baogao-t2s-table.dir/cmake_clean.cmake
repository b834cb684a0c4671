file(REMOVE_RECURSE
  "CMakeFiles/baogao-t2s-table.dir/scripts/t2s_table.c.o"
  "CMakeFiles/baogao-t2s-table.dir/scripts/t2s_table.c.o.d"
  "baogao-t2s-table"
  "baogao-t2s-table.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/baogao-t2s-table.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
