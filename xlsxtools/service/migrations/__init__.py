"""Alembic migrations of the service database (run programmatically at start, see db.migrate)."""
