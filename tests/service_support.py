"""Fixtures for the service tests: a real PostgreSQL server, apps on SQLite and PostgreSQL, logged-in clients.

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
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

BACKENDS = ["sqlite", "postgresql"]
#: A roster unit whose name is markup: every page must show it as text.
EVIL_UNIT = '<script>alert("x")</script>测试局'
_db_counter = itertools.count(1)


def _pg_bin() -> Path | None:
    for d in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if os.path.exists(os.path.join(d, "initdb")):
            return Path(d)
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def _as_pg(cmd: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


@pytest.fixture(scope="session")
def pg_server():
    """URL prefix of a throw-away PostgreSQL server (one per test session)."""
    bindir = _pg_bin()
    if bindir is None:
        if os.environ.get("XLSXTOOLS_REQUIRE_POSTGRES"):
            pytest.fail("PostgreSQL server binaries not found (apt-get install postgresql)")
        pytest.skip("PostgreSQL server binaries not installed")
    root = Path(tempfile.mkdtemp(prefix="xlsxtools-pg-"))
    os.chmod(root, 0o755)
    data, sock = root / "data", root / "sock"
    sock.mkdir()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        shutil.chown(sock, "postgres")
    subprocess.run(_as_pg([str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
                           "--no-sync", "--locale=C"]), check=True, capture_output=True)
    opts = f"-k {sock} -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    subprocess.run(_as_pg([str(bindir / "pg_ctl"), "-D", str(data), "-o", opts, "-l", str(root / "log.txt"),
                           "-w", "-t", "60", "start"]), check=True, capture_output=True)
    try:
        yield f"postgresql+psycopg://postgres@/{{db}}?host={sock}"
    finally:
        subprocess.run(_as_pg([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
                       capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


def new_pg_database(pg_url: str) -> str:
    import sqlalchemy as sa

    name = f"xt_{os.getpid()}_{next(_db_counter)}"
    admin = sa.create_engine(pg_url.format(db="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return pg_url.format(db=name)


@pytest.fixture(scope="session")
def demo_files(tmp_path_factory):
    """The demo's unit workbooks (imported samples with actuals): real uploads for the tests."""
    out = tmp_path_factory.mktemp("demo") / "demo"
    subprocess.run([sys.executable, "-m", "xlsxtools", "demo", str(out)], check=True, capture_output=True)
    return out


@pytest.fixture(scope="session")
def worker_pool():
    from xlsxtools.config import ServerSettings
    from xlsxtools.service.jobs import Pool

    pool = Pool(ServerSettings(workers=2, task_timeout=60))
    yield pool
    pool.close()


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

