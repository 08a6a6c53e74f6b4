"""Hostile and broken uploads: worker timeouts and memory limits, zip bombs, file names, storage."""

from __future__ import annotations

import io
import os
import stat
import time
import zipfile

import pytest
import sqlalchemy as sa
from service_support import build_service, csrf_of

UNIT = "甲单位"


def test_pool_kills_a_task_that_overruns_and_keeps_working():
    from xlsxtools.config import ServerSettings
    from xlsxtools.service.jobs import JobFailed, Pool

    pool = Pool(ServerSettings(workers=1, task_timeout=1, task_memory_mb=512))
    try:
        t0 = time.monotonic()
        with pytest.raises(JobFailed, match="超时"):
            pool.run(time.sleep, 30)
        assert time.monotonic() - t0 < 10
        with pytest.raises(JobFailed, match="内存"):
            pool.run(bytearray, 2 * 1024 ** 3)
        assert pool.run(divmod, 7, 2) == (3, 1)  # the replaced worker serves the next task
    finally:
        pool.close()


def zip_bomb() -> bytes:
    """A small .xlsx whose one member unpacks to 420 MB of zeros."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            block = b"\0" * (1 << 20)
            for _ in range(420):
                fh.write(block)
    return buf.getvalue()


@pytest.fixture
def svc(tmp_path, worker_pool):
    s = build_service("sqlite", tmp_path / "data", None, worker_pool, [UNIT])
    yield s
    s.engine.dispose()


def upload(c, name, content):
    return c.post("/unit/upload", data={"csrf": csrf_of(c.get("/unit").text)}, files={"file": (name, content)})


def test_zip_bomb_is_reported_not_unpacked(svc):
    c = svc.client(svc.units[UNIT])
    bomb = zip_bomb()
    assert len(bomb) < 1024 * 1024
    r = upload(c, "炸弹.xlsx", bomb)
    page = c.get(r.headers["location"])
    assert page.status_code == 200
    assert "解压后过大" in page.text and "W004" in page.text
    assert "提交给财政局" not in page.text  # an unreadable file cannot be submitted


def test_file_name_never_becomes_a_path_and_files_are_content_addressed(svc, demo_files):
    c = svc.client(svc.units[UNIT])
    content = (demo_files / "units" / "zhengwu_2026.xlsm").read_bytes()
    hostile = "../../../etc/<i>x<i>.xlsm"
    r1 = upload(c, hostile, content)
    r2 = upload(c, "again.xlsm", content)
    assert r1.status_code == r2.status_code == 303
    files = [p for p in (svc.data_dir / "files").rglob("*") if p.is_file()]
    import hashlib

    sha = hashlib.sha256(content).hexdigest()
    assert [p.name for p in files] == [sha]  # one copy, named by its content only
    assert files[0].read_bytes() == content
    assert not stat.S_IMODE(files[0].stat().st_mode) & 0o222  # kept read-only
    assert not (svc.data_dir.parent / "etc").exists()
    page = c.get(r1.headers["location"]).text
    assert "&lt;i&gt;x&lt;i&gt;.xlsm" in page and "<i>x<i>" not in page
    from xlsxtools.service import db

    with svc.engine.connect() as conn:
        names = [r[0] for r in conn.execute(sa.select(db.uploads.c.file_name).order_by(db.uploads.c.id))]
    assert names == ["<i>x<i>.xlsm", "again.xlsm"]


def test_workbook_strings_are_escaped(svc, tmp_path):
    """A table whose unit name and indicator are markup shows them as text."""
    from xlsxtools.commands.demo import sample_dir

    text = (sample_dir() / "zhengwu_2026.txt").read_text(encoding="utf-8")
    evil = text.replace("芷江侗族自治县政务服务中心", "<script>alert(1)</script>中心") \
        .replace("设置政务服务窗口数", "<img src=x onerror=alert(2)>窗口数")
    assert evil != text
    c = svc.client(svc.units[UNIT])
    r = upload(c, "evil.txt", evil.encode("utf-8"))
    page = c.get(r.headers["location"]).text
    assert "<script>alert(1)" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;中心" in page


def test_the_button_path_imports_no_web_or_database_library():
    import subprocess
    import sys

    code = ("import sys, xlsxtools.excel, xlsxtools.excel.ops, xlsxtools.config, xlsxtools.cli;"
            "bad = [m for m in ('fastapi', 'starlette', 'sqlalchemy', 'uvicorn', 'alembic', 'jinja2') if m in sys.modules];"
            "print(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "XLWINGS_LICENSE_KEY": "noncommercial"}).stdout.strip()
    assert out == ""


class FailingPool:
    """A pool whose every task overran its time limit."""

    def run(self, func, *args, timeout=None):
        from xlsxtools.service.jobs import JobFailed

        raise JobFailed("处理超时（超过 60 秒），文件可能过大或已损坏")

    def close(self):
        pass


def test_a_stuck_upload_becomes_a_message_on_the_page(tmp_path):
    s = build_service("sqlite", tmp_path / "data", None, FailingPool(), [UNIT])
    c = s.client(s.units[UNIT])
    r = upload(c, "大表.xlsx", b"PK\x03\x04whatever")
    page = c.get(r.headers["location"])
    assert page.status_code == 200
    assert "处理超时" in page.text and "无法读取" in page.text
    s.engine.dispose()


def test_pages_forbid_inline_script_and_framing(svc):
    c = svc.client()
    r = c.get("/login")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert r.headers["x-frame-options"] == "DENY" and r.headers["x-content-type-options"] == "nosniff"
    assert "<script>" not in r.text and "onsubmit" not in r.text


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_same_new_file_uploaded_at_once_is_stored_once(backend, request, tmp_path, worker_pool, demo_files):
    from concurrent.futures import ThreadPoolExecutor

    from xlsxtools.service import db

    pg = request.getfixturevalue("pg_server") if backend == "postgresql" else None
    s = build_service(backend, tmp_path / "data", pg, worker_pool, [UNIT])
    clients = [s.client(s.units[UNIT]) for _ in range(6)]
    tokens = [csrf_of(c.get("/unit").text) for c in clients]
    content = (demo_files / "units" / "dashuling_2026.xlsm").read_bytes()

    def send(i):
        return clients[i].post("/unit/upload", data={"csrf": tokens[i]}, files={"file": (f"{i}.xlsm", content)})

    with ThreadPoolExecutor(6) as ex:
        codes = [r.status_code for r in ex.map(send, range(6))]
    assert codes == [303] * 6
    with s.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(db.blobs)).scalar() == 1
        assert conn.execute(sa.select(sa.func.count()).select_from(db.uploads)).scalar() == 6
    s.engine.dispose()
