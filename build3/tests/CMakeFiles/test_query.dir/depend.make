# Empty dependencies file for test_query.
# This may be replaced when dependencies are built.
