"""ui/partners."""
