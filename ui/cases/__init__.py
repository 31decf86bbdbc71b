"""ui/cases."""
