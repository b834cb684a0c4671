# Empty custom commands generated dependencies file for t2s-table.
# This may be replaced when dependencies are built.
