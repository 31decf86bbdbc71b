"""ui/intake."""
