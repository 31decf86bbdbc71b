"""Reports for funders: the dialog that makes the funder report."""
