# Empty dependencies file for replay_formats.
# This may be replaced when dependencies are built.
