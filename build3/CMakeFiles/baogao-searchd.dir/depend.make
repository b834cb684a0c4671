# Empty dependencies file for baogao-searchd.
# This may be replaced when dependencies are built.
