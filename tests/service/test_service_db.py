"""The service's storage: the migrations build exactly the schema the code uses, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from service_support import BACKENDS, new_pg_database


@pytest.fixture(params=BACKENDS)
def engine(request, tmp_path):
    from xlsxtools.service import db

    url = new_pg_database(request.getfixturevalue("pg_server")) if request.param == "postgresql" \
        else db.database_url(tmp_path, None)
    e = db.make_engine(url)
    yield e
    e.dispose()


def test_migrations_match_the_tables_the_code_uses(engine):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from xlsxtools.service import db

    db.migrate(engine)
    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), db.metadata)
        version = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    assert diffs == []
    assert version == "0002"


def test_migrate_is_idempotent_and_keeps_the_secret(engine):
    from xlsxtools.service import db

    db.migrate(engine)
    with engine.connect() as conn:
        first = db.get_meta(conn, "secret_key")
    db.migrate(engine)
    with engine.connect() as conn:
        assert db.get_meta(conn, "secret_key") == first
    assert first and len(first) >= 48
