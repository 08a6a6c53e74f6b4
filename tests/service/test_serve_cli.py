"""``xlsxtools serve``: help, account creation from the roster, settings, and the demo start-up."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
import sqlalchemy as sa


def xt(*args, cwd=None, check=False):
    return subprocess.run([sys.executable, "-m", "xlsxtools", *args], capture_output=True, text=True, cwd=cwd,
                          check=check)


def test_help_is_chinese_with_english_options():
    r = xt("serve", "--help")
    assert r.returncode == 0
    assert "--port" in r.stdout and "端口" in r.stdout and "init" in r.stdout
    r = xt("serve", "init", "--help")
    assert "--roster" in r.stdout and "名册" in r.stdout


def test_init_creates_accounts_once_and_prints_passwords_once(tmp_path):
    from xlsxtools.service import auth, db

    roster = tmp_path / "名册.txt"
    roster.write_text("单位名称\n甲局\n乙局\n", encoding="utf-8")
    data = tmp_path / "data"
    r = xt("serve", "--data", str(data), "init", "--roster", str(roster))
    assert r.returncode == 0, r.stderr
    rows = re.findall(r"^(\S+)\s+(\S+)\s+(\S+)$", r.stdout, re.M)
    created = {user: (pw, label) for user, pw, label in rows if user != "用户名"}
    assert {label for _pw, label in created.values()} == {"财政局", "甲局", "乙局"}
    engine = db.make_engine(db.database_url(data.resolve(), None))
    with engine.connect() as conn:
        accounts = {r.username: r for r in conn.execute(sa.select(db.accounts))}
    assert accounts["czj"].role == "bureau"
    for user, (pw, label) in created.items():
        assert auth.verify_password(accounts[user].password_hash, pw)
        assert pw not in accounts[user].password_hash
        if label != "财政局":
            assert accounts[user].unit_name == label and accounts[user].role == "unit"
    engine.dispose()
    again = xt("serve", "--data", str(data), "init", "--roster", str(roster))
    assert again.returncode == 0 and "没有需要创建的账户" in again.stdout


def test_bad_roster_and_bad_settings_exit_2(tmp_path):
    roster = tmp_path / "名册.txt"
    roster.write_text("甲局\n甲局\n", encoding="utf-8")
    r = xt("serve", "--data", str(tmp_path / "d"), "init", "--roster", str(roster))
    assert r.returncode == 2 and "重复" in r.stderr and "Traceback" not in r.stderr
    toml = tmp_path / "xlsxtools.toml"
    toml.write_text("[server]\nprot = 8000\n", encoding="utf-8")
    r = xt("serve", "--config", str(toml), "init", "--roster", str(roster))
    assert r.returncode == 2 and "prot" in r.stderr
    toml.write_text('[server]\nport = "8000"\n', encoding="utf-8")
    r = xt("serve", "--config", str(toml), "init", "--roster", str(roster))
    assert r.returncode == 2 and "server.port 应为整数" in r.stderr


def test_server_settings_from_toml(tmp_path):
    from xlsxtools.config import load_config

    toml = tmp_path / "xlsxtools.toml"
    toml.write_text('[server]\nhost = "0.0.0.0"\nport = 9001\ndatabase_url = "postgresql+psycopg://u@h/db"\n'
                    "max_upload_mb = 5\n", encoding="utf-8")
    s = load_config(toml).server
    assert (s.host, s.port, s.database_url, s.max_upload_mb, s.workers) == ("0.0.0.0", 9001,
                                                                           "postgresql+psycopg://u@h/db", 5, 2)


def test_demo_starts_and_says_where_to_open(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "xlsxtools", "serve", "--demo", "--port", str(port)], cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    lines = []
    try:
        deadline = time.time() + 120
        while time.time() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
            if "服务已启动" in line:
                break
        text = "".join(lines)
        assert f"http://127.0.0.1:{port}/" in text, text
        assert re.search(r"^czj\s+\S+\s+财政局$", text, re.M)
        assert "芷江侗族自治县政务服务中心" in text
        assert (tmp_path / "xlsxtools-serve-demo" / "演示文件" / "units" / "zhengwu_2026.xlsm").is_file()
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2) as resp:
                    assert resp.status == 200 and "登录" in resp.read().decode("utf-8")
                    break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("the demo server does not answer")
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(20)


def test_wheel_carries_the_service_pages_assets_and_migrations(tmp_path):
    import zipfile
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    run = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps",
                          "-w", str(tmp_path), str(root)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-2000:]
    names = set(zipfile.ZipFile(next(tmp_path.glob("xlsxtools-*.whl"))).namelist())
    for name in ("xlsxtools/service/templates/base.html", "xlsxtools/service/templates/roster.html",
                 "xlsxtools/service/static/app.js", "xlsxtools/service/static/app.css",
                 "xlsxtools/service/migrations/env.py", "xlsxtools/service/migrations/script.py.mako",
                 "xlsxtools/service/migrations/versions/0001_initial.py"):
        assert name in names, name


def test_add_user_and_reset_password(tmp_path):
    from xlsxtools.service import auth, db

    data = tmp_path / "data"
    r = xt("serve", "--data", str(data), "add-user", "kezhang", "--role", "viewer")
    assert r.returncode == 0, r.stderr
    pw1 = re.search(r"^kezhang\s+(\S+)\s", r.stdout, re.M).group(1)
    assert xt("serve", "--data", str(data), "add-user", "kezhang").returncode == 2
    r = xt("serve", "--data", str(data), "reset-password", "kezhang")
    pw2 = re.search(r"^kezhang\s+(\S+)\s", r.stdout, re.M).group(1)
    assert pw2 != pw1
    engine = db.make_engine(db.database_url(data.resolve(), None))
    with engine.connect() as conn:
        row = conn.execute(sa.select(db.accounts).where(db.accounts.c.username == "kezhang")).first()
    engine.dispose()
    assert row.role == "viewer"
    assert auth.verify_password(row.password_hash, pw2) and not auth.verify_password(row.password_hash, pw1)
    assert xt("serve", "--data", str(data), "reset-password", "nobody").returncode == 2
