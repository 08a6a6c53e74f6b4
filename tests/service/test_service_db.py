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


def test_a_version_0001_database_keeps_its_records_when_upgraded(engine):
    """A database of the first release (no monitoring, no report) is upgraded in place at start."""
    from alembic import command
    from alembic.config import Config as AlembicConfig

    from xlsxtools.service import db

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(db.MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
        conn.execute(sa.text("INSERT INTO accounts (username, role, password_hash, active, created) "
                             "VALUES ('czj', 'bureau', 'x', true, '2026-07-01 10:00:00')"))
        conn.execute(sa.text("INSERT INTO consolidations (period, started_by, created, status, done, total, message) "
                             "VALUES ('2026-06', 1, '2026-07-01 10:00:00', 'done', 3, 3, '已汇总 3 个单位')"))
    db.migrate(engine)
    with engine.connect() as conn:
        row = conn.execute(sa.select(db.consolidations)).mappings().one()
        assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == "0002"
    assert (row["period"], row["message"], row["report_sha256"], row["monitoring"]) == \
        ("2026-06", "已汇总 3 个单位", None, None)
