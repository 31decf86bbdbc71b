"""ui/referrals."""
