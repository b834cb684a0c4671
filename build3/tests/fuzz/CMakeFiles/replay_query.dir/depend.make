# Empty dependencies file for replay_query.
# This may be replaced when dependencies are built.
