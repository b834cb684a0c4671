# Empty dependencies file for replay_params.
# This may be replaced when dependencies are built.
