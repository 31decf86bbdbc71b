"""The hotline: incident reports, their verification and the public report."""
