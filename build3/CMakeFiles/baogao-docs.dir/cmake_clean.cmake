file(REMOVE_RECURSE
  "CMakeFiles/baogao-docs"
  "man/baogao-index.1.gz"
  "man/baogao-searchd.8.gz"
  "man/baogao.1.gz"
  "packaging/README.md.gz"
  "packaging/changelog.gz"
)

# Per-language clean rules from dependency scanning.
foreach(lang )
  include(CMakeFiles/baogao-docs.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
