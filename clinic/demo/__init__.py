"""clinic/demo."""
