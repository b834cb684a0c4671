file(REMOVE_RECURSE
  "CMakeFiles/replay_encoding.dir/fuzz_encoding.c.o"
  "CMakeFiles/replay_encoding.dir/fuzz_encoding.c.o.d"
  "CMakeFiles/replay_encoding.dir/replay.c.o"
  "CMakeFiles/replay_encoding.dir/replay.c.o.d"
  "replay_encoding"
  "replay_encoding.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/replay_encoding.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
