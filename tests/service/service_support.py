"""Helpers for the service tests (fixtures in conftest.py): apps on SQLite and PostgreSQL, logged-in clients.

PostgreSQL: Debian's server binaries (``apt-get install postgresql``, done by scripts/dev) are started
once per test session in a temporary folder, on a Unix socket only, as the ``postgres`` user when the
tests run as root. Without them the PostgreSQL cases are skipped, except in CI
(XLSXTOOLS_REQUIRE_POSTGRES=1), where that is a failure.
"""

from __future__ import annotations

import glob
import itertools
import os
import re
import shutil
from pathlib import Path

BACKENDS = ["sqlite", "postgresql"]
#: A roster unit whose name is markup: every page must show it as text.
EVIL_UNIT = '<script>alert("x")</script>测试局'
_db_counter = itertools.count(1)


def pg_bin() -> Path | None:
    for d in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if os.path.exists(os.path.join(d, "initdb")):
            return Path(d)
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def as_pg(cmd: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


def new_pg_database(pg_url: str) -> str:
    import sqlalchemy as sa

    name = f"xt_{os.getpid()}_{next(_db_counter)}"
    admin = sa.create_engine(pg_url.format(db="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return pg_url.format(db=name)


def make_config(tmp: Path, database_url: str | None, **server):
    from xlsxtools.config import Config, ServerSettings

    return Config(server=ServerSettings(data=str(tmp), database_url=database_url, **server))


class Service:
    """An app with its accounts: ``passwords[username]``, ``units[unit name] -> username``."""

    def __init__(self, app, engine, passwords, units, data_dir):
        self.app, self.engine, self.passwords, self.units, self.data_dir = app, engine, passwords, units, data_dir

    def client(self, username: str | None = None):
        from fastapi.testclient import TestClient

        c = TestClient(self.app, follow_redirects=False)
        if username:
            login(c, username, self.passwords[username])
        return c


def build_service(backend: str, tmp: Path, pg_server_url: str | None, pool, roster: list[str], buttons=None,
                  **server) -> Service:
    from xlsxtools.commands.serve import init_accounts
    from xlsxtools.service import db
    from xlsxtools.service.app import create_app

    url = new_pg_database(pg_server_url) if backend == "postgresql" else None
    config = make_config(tmp, url, **server)
    app = create_app(config, tmp, pool=pool, buttons=buttons)
    engine = db.make_engine(db.database_url(tmp.resolve(), url))
    created = init_accounts(engine, roster, "czj")
    passwords = {u: pw for u, _label, pw in created}
    units = {label: u for u, label, _pw in created if label != "财政局"}
    return Service(app, engine, passwords, units, tmp)


def csrf_of(html: str) -> str:
    m = re.search(r'name="csrf" value="([^"]+)"', html)
    assert m, "no CSRF field on the page"
    return m.group(1)


def login(client, username: str, password: str):
    page = client.get("/login")
    r = client.post("/login", data={"username": username, "password": password, "csrf": csrf_of(page.text),
                                    "next": "/"})
    assert r.status_code == 303 and "/login" not in r.headers["location"], f"login of {username} failed"
    return r


def pg_or_sqlite(request, pg_fixture_name: str = "pg_server") -> str | None:
    if request.param == "postgresql":
        return request.getfixturevalue(pg_fixture_name)
    return None

