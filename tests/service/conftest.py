"""Fixtures of the service tests (helpers in service_support.py)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from service_support import as_pg, pg_bin


@pytest.fixture(scope="session")
def pg_server():
    """URL prefix of a throw-away PostgreSQL server (one per test session)."""
    bindir = pg_bin()
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
    subprocess.run(as_pg([str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
                           "--no-sync", "--locale=C"]), check=True, capture_output=True)
    opts = f"-k {sock} -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    subprocess.run(as_pg([str(bindir / "pg_ctl"), "-D", str(data), "-o", opts, "-l", str(root / "log.txt"),
                           "-w", "-t", "60", "start"]), check=True, capture_output=True)
    try:
        yield f"postgresql+psycopg://postgres@/{{db}}?host={sock}"
    finally:
        subprocess.run(as_pg([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
                       capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


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
