"""clinic/referrals."""
