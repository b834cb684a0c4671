# Empty dependencies file for baogao.
# This may be replaced when dependencies are built.
