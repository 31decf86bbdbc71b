"""clinic/cli/commands."""
