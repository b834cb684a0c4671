file(REMOVE_RECURSE
  "CMakeFiles/replay_params.dir/fuzz_params.c.o"
  "CMakeFiles/replay_params.dir/fuzz_params.c.o.d"
  "CMakeFiles/replay_params.dir/replay.c.o"
  "CMakeFiles/replay_params.dir/replay.c.o.d"
  "replay_params"
  "replay_params.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/replay_params.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
