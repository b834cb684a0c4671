# Empty dependencies file for replay_report.
# This may be replaced when dependencies are built.
