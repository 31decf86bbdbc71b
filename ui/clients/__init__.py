"""ui/clients."""
