# Empty dependencies file for test_cache.
# This may be replaced when dependencies are built.
