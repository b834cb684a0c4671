# Empty dependencies file for baogao-t2s-table.
# This may be replaced when dependencies are built.
