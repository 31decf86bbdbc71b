"""clinic/cli."""
