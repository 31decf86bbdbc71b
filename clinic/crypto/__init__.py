"""Key handling: KDF, sealed boxes, the recovery key, the OS keyring and the key file (DESIGN.md)."""
