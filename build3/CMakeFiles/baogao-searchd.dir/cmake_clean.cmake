file(REMOVE_RECURSE
  "CMakeFiles/baogao-searchd.dir/searchd/main.c.o"
  "CMakeFiles/baogao-searchd.dir/searchd/main.c.o.d"
  "CMakeFiles/baogao-searchd.dir/searchd/web.c.o"
  "CMakeFiles/baogao-searchd.dir/searchd/web.c.o.d"
  "CMakeFiles/baogao-searchd.dir/web_assets.c.o"
  "CMakeFiles/baogao-searchd.dir/web_assets.c.o.d"
  "baogao-searchd"
  "baogao-searchd.pdb"
  "web_assets.c"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/baogao-searchd.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
