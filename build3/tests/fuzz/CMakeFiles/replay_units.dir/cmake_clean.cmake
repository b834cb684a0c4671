file(REMOVE_RECURSE
  "CMakeFiles/replay_units.dir/fuzz_units.c.o"
  "CMakeFiles/replay_units.dir/fuzz_units.c.o.d"
  "CMakeFiles/replay_units.dir/replay.c.o"
  "CMakeFiles/replay_units.dir/replay.c.o.d"
  "replay_units"
  "replay_units.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/replay_units.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
