"""A family preparedness plan from a client's file, and its printed documents."""
