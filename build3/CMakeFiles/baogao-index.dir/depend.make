# Empty dependencies file for baogao-index.
# This may be replaced when dependencies are built.
