"""Storage: SQLAlchemy Core tables, engine creation and the versioned migrations (Alembic).

SQLite under the data folder by default (WAL, a busy timeout so the worker processes and the
request threads can write side by side); PostgreSQL when ``database_url`` is configured, for
several server processes behind one address. The schema is created and upgraded only by the
Alembic migrations in ``migrations/versions``, run at start (:func:`migrate`); the Table objects
below describe the schema those migrations produce (a test compares both).
"""

from __future__ import annotations

import secrets
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event

metadata = sa.MetaData()

meta = sa.Table("meta", metadata, sa.Column("key", sa.String(64), primary_key=True),
                sa.Column("value", sa.Text, nullable=False))

accounts = sa.Table(
    "accounts", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("username", sa.String(100), nullable=False, unique=True),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("unit_name", sa.String(200), nullable=True, unique=True),
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=True, unique=True),
    sa.Column("token_created", sa.DateTime, nullable=True),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("created", sa.DateTime, nullable=False),
)

blobs = sa.Table("blobs", metadata, sa.Column("sha256", sa.String(64), primary_key=True),
                 sa.Column("size", sa.BigInteger, nullable=False), sa.Column("created", sa.DateTime, nullable=False))

uploads = sa.Table(
    "uploads", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id"), nullable=False, index=True),
    sa.Column("file_name", sa.String(255), nullable=False),
    sa.Column("suffix", sa.String(10), nullable=False),
    sa.Column("sha256", sa.String(64), sa.ForeignKey("blobs.sha256"), nullable=False),
    sa.Column("created", sa.DateTime, nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("unit_in_file", sa.String(200), nullable=True),
    sa.Column("errors", sa.Integer, nullable=False),
    sa.Column("warnings", sa.Integer, nullable=False),
    sa.Column("infos", sa.Integer, nullable=False),
    sa.Column("result", sa.Text, nullable=False),
)

submissions = sa.Table(
    "submissions", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("upload_id", sa.Integer, sa.ForeignKey("uploads.id"), nullable=False),
    sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id"), nullable=False, index=True),
    sa.Column("unit_name", sa.String(200), nullable=False, index=True),
    sa.Column("period", sa.String(7), nullable=False, index=True),
    sa.Column("file_name", sa.String(255), nullable=False),
    sa.Column("suffix", sa.String(10), nullable=False),
    sa.Column("sha256", sa.String(64), sa.ForeignKey("blobs.sha256"), nullable=False),
    sa.Column("created", sa.DateTime, nullable=False),
    sa.Column("errors", sa.Integer, nullable=False),
    sa.Column("warnings", sa.Integer, nullable=False),
    sa.Column("infos", sa.Integer, nullable=False),
    sa.Column("complete", sa.Boolean, nullable=False),
    sa.Column("total", sa.Numeric(8, 2), nullable=True),
    sa.Column("grade", sa.String(10), nullable=True),
    sa.Column("monitor_state", sa.String(10), nullable=True),
)

approvals = sa.Table(
    "approvals", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("unit_name", sa.String(200), nullable=False, index=True),
    sa.Column("submission_id", sa.Integer, sa.ForeignKey("submissions.id"), nullable=False),
    sa.Column("approved_by", sa.Integer, sa.ForeignKey("accounts.id"), nullable=False),
    sa.Column("created", sa.DateTime, nullable=False),
    sa.Column("approved", sa.Text, nullable=False),
)

consolidations = sa.Table(
    "consolidations", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("period", sa.String(7), nullable=False, index=True),
    sa.Column("started_by", sa.Integer, sa.ForeignKey("accounts.id"), nullable=False),
    sa.Column("created", sa.DateTime, nullable=False),
    sa.Column("finished", sa.DateTime, nullable=True),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("done", sa.Integer, nullable=False),
    sa.Column("total", sa.Integer, nullable=False),
    sa.Column("message", sa.Text, nullable=False),
    sa.Column("summary_sha256", sa.String(64), sa.ForeignKey("blobs.sha256"), nullable=True),
    sa.Column("units", sa.Integer, nullable=True),
    sa.Column("errors", sa.Integer, nullable=True),
    sa.Column("warnings", sa.Integer, nullable=True),
    sa.Column("missing", sa.Integer, nullable=True),
    sa.Column("tampered", sa.Integer, nullable=True),
    sa.Column("monitoring", sa.Text, nullable=True),
    sa.Column("report_sha256", sa.String(64), sa.ForeignKey("blobs.sha256", name="fk_consolidations_report_blob"),
              nullable=True),
    sa.Column("report_message", sa.Text, nullable=True),
)

audit = sa.Table(
    "audit", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime, nullable=False, index=True),
    sa.Column("account_id", sa.Integer, nullable=True),
    sa.Column("username", sa.String(100), nullable=False),
    sa.Column("action", sa.String(40), nullable=False),
    sa.Column("detail", sa.Text, nullable=False),
    sa.Column("ip", sa.String(64), nullable=False),
)

MIGRATIONS = Path(__file__).with_name("migrations")


def now() -> datetime:
    return datetime.now().replace(microsecond=0)


def database_url(data_dir: Path, configured: str | None) -> str:
    if configured:
        return configured
    return f"sqlite:///{(data_dir / 'xlsxtools.sqlite').resolve()}"


def make_engine(url: str) -> sa.Engine:
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"check_same_thread": False, "timeout": 30},
                                  pool_size=20, max_overflow=20)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    return sa.create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


def migrate(engine: sa.Engine) -> None:
    """Upgrade the database to the newest migration (several servers at once: one at a time)."""
    from alembic import command
    from alembic.config import Config as AlembicConfig

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(4711200)"))
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
        # The session-signing secret lives in the database so every server process shares it.
        if conn.execute(sa.select(meta.c.value).where(meta.c.key == "secret_key")).first() is None:
            conn.execute(meta.insert().values(key="secret_key", value=secrets.token_urlsafe(48)))


def ensure_blob(conn: sa.Connection, sha: str, size: int) -> None:
    """Record a stored file once (concurrent requests storing the same content do not collide)."""
    values = {"sha256": sha, "size": size, "created": now()}
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif conn.dialect.name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover (only SQLite and PostgreSQL are supported)
        if conn.execute(sa.select(blobs.c.sha256).where(blobs.c.sha256 == sha)).first() is None:
            conn.execute(blobs.insert().values(**values))
        return
    conn.execute(insert(blobs).values(**values).on_conflict_do_nothing(index_elements=["sha256"]))


def get_meta(conn: sa.Connection, key: str, default: str | None = None) -> str | None:
    row = conn.execute(sa.select(meta.c.value).where(meta.c.key == key)).first()
    return row[0] if row else default


def set_meta(conn: sa.Connection, key: str, value: str) -> None:
    if conn.execute(sa.select(meta.c.key).where(meta.c.key == key)).first():
        conn.execute(meta.update().where(meta.c.key == key).values(value=value))
    else:
        conn.execute(meta.insert().values(key=key, value=value))


def log(conn: sa.Connection, who: dict[str, Any] | None, action: str, detail: str, ip: str = "") -> None:
    """One audit record (who, when, what)."""
    conn.execute(audit.insert().values(at=now(), account_id=who["id"] if who else None,
                                       username=who["username"] if who else "", action=action,
                                       detail=detail[:2000], ip=ip[:64]))
