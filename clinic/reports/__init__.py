"""Public aggregate reports, with cell suppression that holds across every report published."""
