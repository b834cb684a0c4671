# Empty dependencies file for replay_encoding.
# This may be replaced when dependencies are built.
