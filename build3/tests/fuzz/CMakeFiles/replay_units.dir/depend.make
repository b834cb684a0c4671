# Empty dependencies file for replay_units.
# This may be replaced when dependencies are built.
