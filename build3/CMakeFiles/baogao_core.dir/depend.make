# Empty dependencies file for baogao_core.
# This may be replaced when dependencies are built.
