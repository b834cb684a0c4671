# Empty dependencies file for test_encoding.
# This may be replaced when dependencies are built.
