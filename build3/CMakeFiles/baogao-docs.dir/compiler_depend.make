# Empty custom commands generated dependencies file for baogao-docs.
# This may be replaced when dependencies are built.
