"""clinic/storage/repos."""
