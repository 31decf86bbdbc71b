"""clinic/clients."""
