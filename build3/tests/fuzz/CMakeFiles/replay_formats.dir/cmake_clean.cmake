file(REMOVE_RECURSE
  "CMakeFiles/replay_formats.dir/fuzz_formats.c.o"
  "CMakeFiles/replay_formats.dir/fuzz_formats.c.o.d"
  "CMakeFiles/replay_formats.dir/replay.c.o"
  "CMakeFiles/replay_formats.dir/replay.c.o.d"
  "replay_formats"
  "replay_formats.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/replay_formats.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
