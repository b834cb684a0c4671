file(REMOVE_RECURSE
  "CMakeFiles/t2s-table"
)

# Per-language clean rules from dependency scanning.
foreach(lang )
  include(CMakeFiles/t2s-table.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
