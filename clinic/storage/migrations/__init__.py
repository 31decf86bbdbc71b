"""The schema, one numbered SQL file per version: NNNN_name.sql, applied in order by clinic/storage/migrate.py."""
