"""ui/kit."""
