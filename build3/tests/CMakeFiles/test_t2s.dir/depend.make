# Empty dependencies file for test_t2s.
# This may be replaced when dependencies are built.
