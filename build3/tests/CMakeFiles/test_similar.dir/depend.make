# Empty dependencies file for test_similar.
# This may be replaced when dependencies are built.
