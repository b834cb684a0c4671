# Empty dependencies file for test_similarity.
# This may be replaced when dependencies are built.
