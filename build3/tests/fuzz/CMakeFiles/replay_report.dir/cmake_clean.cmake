file(REMOVE_RECURSE
  "CMakeFiles/replay_report.dir/fuzz_report.c.o"
  "CMakeFiles/replay_report.dir/fuzz_report.c.o.d"
  "CMakeFiles/replay_report.dir/replay.c.o"
  "CMakeFiles/replay_report.dir/replay.c.o.d"
  "replay_report"
  "replay_report.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/replay_report.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
