"""Isolation: a worker that aborts, hangs or eats memory costs one row, never the run; killed runs
leave the previous output intact and the next run removes what they left behind."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from xlsxtools.config import Config, Limits
from xlsxtools.sandbox import SafePool


def _work(item: str) -> str:
    if item == "abort":
        os.abort()
    if item == "hang":
        time.sleep(3600)
    if item == "memory":
        blocks = []
        while True:
            blocks.append(bytearray(64 * 1024 * 1024))
    if item == "raise":
        raise ValueError("boom")
    return item.upper()


def _fail(item: str, reason: str) -> str:
    return f"FAILED {item}: {reason}"


def test_pool_survives_abort_hang_and_memory():
    items = ["a", "abort", "b", "hang", "c", "memory", "d", "raise", "e"] + [f"x{i}" for i in range(40)]
    pool = SafePool(2, Limits(seconds=2, memory_mb=256))
    t0 = time.monotonic()
    out = list(pool.map(_work, items, _fail, batch=4))
    assert time.monotonic() - t0 < 30
    assert len(out) == len(items)
    assert out[0] == "A" and out[2] == "B" and out[4] == "C" and out[6] == "D" and out[8] == "E"
    assert out[9:] == [f"X{i}" for i in range(40)]  # input order kept, nothing lost behind a failure
    assert out[1].startswith("FAILED abort:") and "信号 6" in out[1]
    assert out[3] == "FAILED hang: 读取超时（2 秒），已停止读取此文件"
    assert out[5].startswith("FAILED memory:") and "256 MB" in out[5]
    assert out[7].startswith("FAILED raise:") and "ValueError: boom" in out[7]
    assert sorted(i for i, _ in pool.failures) == [1, 3]  # the two that ended their worker


def test_no_worker_outlives_the_pool():
    pool = SafePool(2, Limits(seconds=1))
    it = pool.map(_work, ["a", "hang", "b"], _fail)
    assert next(it) == "A"
    pids = [w.proc.pid for w in pool.workers]
    it.close()  # the consumer stops early (an exception in the parent): workers are stopped
    time.sleep(0.2)
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def test_consolidation_turns_a_dying_worker_into_a_row(tmp_path: Path, monkeypatch):
    from test_consolidate import table_rows, write_samples

    from xlsxtools import layout
    from xlsxtools.consolidate import runner

    units = write_samples(tmp_path / "in")
    victim = str(units["dashuling_2026"])
    real = runner.evaluate_path

    def evaluate(path, config, **kw):
        if path == victim:
            os.abort()
        return real(path, config, **kw)

    monkeypatch.setattr(runner, "evaluate_path", evaluate)  # the forked workers inherit it
    out = tmp_path / "s.xlsx"
    rep = runner.consolidate([tmp_path / "in"], out, jobs=2, config=Config())
    assert rep.units == 2 and rep.unreadable == 1
    _, rows = table_rows(out, layout.CONS_SUMMARY_SHEET)
    row = next(r for r in rows if r["文件"] == victim)
    assert row["状态"] == "无法读取" and "异常终止（信号 6）" in row["说明"]
    assert {r["单位名称"] for r in rows if r["状态"] not in ("无法读取", None, "")} >= {
        "芷江侗族自治县人民政府办公室", "芷江侗族自治县政务服务中心"}


def test_single_file_command_child_abort_is_a_message(tmp_path: Path):
    """The command line's guard: a command that aborts while reading ends in exit 2 naming the file."""
    target = tmp_path / "unit.xlsx"
    target.write_bytes(b"PK\x03\x04")
    code = (
        "import os, sys\n"
        "from xlsxtools.workbook import reader\n"
        "real = reader.check_workbook if hasattr(reader, 'check_workbook') else None\n"
        "def boom(path, *a, **k):\n"
        "    from xlsxtools.workbook.preflight import _report\n"
        "    _report(str(path)); os.abort()\n"
        "reader.sniff = boom\n"
        "from xlsxtools.cli import main\n"
        f"main(['check', {str(target)!r}], guard=True)\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert run.returncode == 2, run.stderr
    assert f"{target}：读取程序异常终止（信号 6）" in run.stderr and "Traceback" not in run.stderr


def test_stale_temp_files_of_dead_runs_are_removed(tmp_path: Path):
    from xlsxtools.atomic import atomic_path

    dead = 2**22 + 12345  # above the default pid_max: no such process
    ours_dead = tmp_path / f".汇总.{dead}.abcd1234.xlsx.tmp"
    ours_alive = tmp_path / f".汇总.{os.getpid()}.zzzz9999.xlsx.tmp"
    theirs = tmp_path / ".汇总.notes.tmp"
    legacy_old = tmp_path / ".汇总.k2j4h5g6.xlsx.tmp"  # an earlier version's name: removed by age only
    legacy_new = tmp_path / ".汇总.q1w2e3r4.xlsx.tmp"
    for p in (ours_dead, ours_alive, theirs, legacy_old, legacy_new):
        p.write_bytes(b"")
    day_ago = time.time() - 2 * 86400
    os.utime(legacy_old, (day_ago, day_ago))
    with atomic_path(tmp_path / "汇总.xlsx") as tmp:
        tmp.write_bytes(b"new")
    assert not ours_dead.exists() and ours_alive.exists() and theirs.exists()
    assert not legacy_old.exists() and legacy_new.exists()
    assert (tmp_path / "汇总.xlsx").read_bytes() == b"new"


@pytest.mark.parametrize("delay", [0.3, 1.0, 2.5])
def test_killing_a_consolidation_keeps_the_previous_summary(tmp_path: Path, delay: float):
    """Kill a real run (SIGKILL to the whole process group: no clean-up possible) at some moment;
    the summary is then the previous one or the new complete one, never a partial file; the next
    run leaves nothing else in the output folder or in TMPDIR."""
    import shutil

    from python_calamine import CalamineWorkbook
    from test_consolidate import write_samples

    from xlsxtools import layout

    units = write_samples(tmp_path / "base")
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(300):
        shutil.copy(list(units.values())[i % 3], folder / f"u{i:03d}.xlsx")
    out_dir = tmp_path / "out"
    out = out_dir / "汇总.xlsx"
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    env = {**os.environ, "TMPDIR": str(tmpdir)}
    cmd = [sys.executable, "-m", "xlsxtools", "consolidate", str(folder), "-o", str(out), "-q", "-j", "2"]
    subprocess.run(cmd, check=True, env=env, timeout=300)
    before = hashlib.sha256(out.read_bytes()).hexdigest()
    proc = subprocess.Popen(cmd, env=env, start_new_session=True)
    time.sleep(delay)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    if proc.returncode == -signal.SIGKILL and hashlib.sha256(out.read_bytes()).hexdigest() != before:
        pytest.fail("a killed run changed the summary")
    assert layout.CONS_SUMMARY_SHEET in CalamineWorkbook.from_path(str(out)).sheet_names
    subprocess.run(cmd, check=True, env=env, timeout=300)
    assert sorted(p.name for p in out_dir.iterdir()) == ["汇总.xlsx"]
    assert list(tmpdir.iterdir()) == []


def test_single_file_command_timeout_is_a_message(tmp_path: Path):
    """A read that never ends: the guard stops it after [limits] seconds per file, exit 2."""
    target = tmp_path / "unit.xlsx"
    target.write_bytes(b"PK\x03\x04")
    (tmp_path / "xlsxtools.toml").write_text("[limits]\nseconds = 1\n", encoding="utf-8")
    code = (
        "import time\n"
        "from xlsxtools.workbook import reader\n"
        "def slow(path, *a, **k):\n"
        "    from xlsxtools.workbook.preflight import _report\n"
        "    _report(str(path)); time.sleep(3600)\n"
        "reader.sniff = slow\n"
        "from xlsxtools.cli import main\n"
        f"main(['score', {str(target)!r}], guard=True)\n"
    )
    t0 = time.monotonic()
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert time.monotonic() - t0 < 30
    assert run.returncode == 2, run.stderr
    assert f"{target}：处理超时（每个文件 1 秒），已停止" in run.stderr
