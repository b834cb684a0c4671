file(REMOVE_RECURSE
  "CMakeFiles/replay_query.dir/fuzz_query.c.o"
  "CMakeFiles/replay_query.dir/fuzz_query.c.o.d"
  "CMakeFiles/replay_query.dir/replay.c.o"
  "CMakeFiles/replay_query.dir/replay.c.o.d"
  "replay_query"
  "replay_query.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/replay_query.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
