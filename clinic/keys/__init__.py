"""clinic/keys."""
