"""Run the commands of the command line on every file of a corpus and classify each run.

Each run is the real entry ``xlsxtools.cli.main([...])`` in a child forked from this (pre-imported)
process: the same code path as a user's command, without a fresh interpreter per run. The child
gets the address-space limit a command's own sandbox would give it (``limits.memory_mb`` above
what the parent uses), output to files, and a wall-clock deadline. The command's own sandbox is
switched off (``guard=False``), so a run counts only what the command itself does: a crash the
sandbox would have caught still counts as a crash here.

Outcomes: ok (exit 0/1/2 with no traceback), crash (a signal, exit 3 or another code, or a
traceback), hang (past the deadline), over-memory (hit the memory limit: MemoryError or the
limit's message), input-changed (the input's bytes or mtime differ afterwards).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

OUTCOMES = ("ok", "crash", "hang", "over-memory", "input-changed")
COMMANDS = ("import", "check", "score", "actuals", "dropdowns", "monitor", "upgrade")


@dataclass
class Run:
    command: str
    path: Path
    cls: str
    outcome: str
    code: int | None
    seconds: float
    max_rss_mb: float
    detail: str = ""


def preimport() -> None:
    """Everything the commands import, so every forked child starts warm."""
    import importlib

    import docx  # noqa: F401
    import openpyxl  # noqa: F401
    import python_calamine  # noqa: F401
    import rich.console
    import rich.table  # noqa: F401

    import xlsxtools.checks
    import xlsxtools.cli
    import xlsxtools.importer
    import xlsxtools.scoring
    import xlsxtools.workbook.dropdowns
    import xlsxtools.workbook.template  # noqa: F401
    from xlsxtools.cli import COMMANDS as CLI

    for mod, _ in CLI.values():
        importlib.import_module(mod)


def fingerprint(path: Path) -> tuple:
    try:
        st = os.lstat(path)
    except OSError:
        return ("missing",)
    import stat

    if not stat.S_ISREG(st.st_mode):
        return ("special", st.st_mode, st.st_mtime_ns)
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return ("file", st.st_size, st.st_mtime_ns, h.hexdigest())


def argv_for(command: str, path: Path, out: Path, valid_unit: Path, valid_csv: Path) -> list[str]:
    p = str(path)
    if command == "import":
        return ["import", p, "-o", str(out / "imported.xlsm")]
    if command == "check":
        return ["check", p, "--json"]
    if command == "score":
        return ["score", p, "--json"]
    if command == "actuals":
        if path.suffix.lower() == ".csv":
            return ["actuals", str(valid_unit), "--from", p, "-o", str(out / "filled.xlsx")]
        return ["actuals", p, "--from", str(valid_csv), "-o", str(out / "filled.xlsx")]
    if command == "dropdowns":
        return ["dropdowns", p, "-o", str(out / "dropdowns.xlsx")]
    if command == "monitor":
        return ["monitor", p, "--json"]
    if command == "upgrade":
        return ["upgrade", p, "-o", str(out / "upgraded.xlsm")]
    raise ValueError(command)


def _vm_bytes() -> int:
    with open("/proc/self/statm", "rb") as fh:
        return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


@dataclass
class _Child:
    pid: int
    command: str
    path: Path
    cls: str
    out: Path
    started: float
    before: tuple
    watched: Path


def _start(argv: list[str], command: str, path: Path, cls: str, out: Path, memory_mb: int, watched: Path) -> _Child:
    out.mkdir(parents=True, exist_ok=True)
    before = fingerprint(watched)
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        code = 3
        try:
            import resource

            fd_out = os.open(out / "stdout", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            fd_err = os.open(out / "stderr", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.dup2(fd_out, 1)
            os.dup2(fd_err, 2)
            os.environ["XLSXTOOLS_NO_SANDBOX"] = "1"
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
            limit = _vm_bytes() + memory_mb * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
            from xlsxtools.cli import main

            main(argv, guard=False)
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        except BaseException:
            import traceback

            with contextlib.suppress(Exception):
                traceback.print_exc()
            code = 3
        finally:
            with contextlib.suppress(Exception):
                sys.stdout.flush()
                sys.stderr.flush()
            os._exit(code)
    return _Child(pid, command, path, cls, out, time.monotonic(), before, watched)


def _classify(c: _Child, status: int | None, rusage, timed_out: bool) -> Run:
    seconds = time.monotonic() - c.started
    rss = (rusage.ru_maxrss / 1024) if rusage is not None else 0.0
    err = ""
    with contextlib.suppress(OSError):
        err = (c.out / "stderr").read_text(encoding="utf-8", errors="replace")
    code = None if status is None else os.waitstatus_to_exitcode(status)
    if timed_out:
        outcome, detail = "hang", "past the deadline"
    elif code is not None and code < 0:
        outcome, detail = "crash", f"signal {-code}"
    elif "MemoryError" in err or "内存超过上限" in err:
        outcome, detail = "over-memory", err.strip().splitlines()[-1][:300] if err.strip() else ""
    elif code not in (0, 1, 2) or "Traceback (most recent call last)" in err or "内部错误" in err:
        outcome, detail = "crash", (err.strip().splitlines() or [""])[-1][:300]
    elif fingerprint(c.watched) != c.before:
        outcome, detail = "input-changed", ""
    else:
        outcome, detail = "ok", (err.strip().splitlines() or [""])[-1][:200]
    return Run(c.command, c.path, c.cls, outcome, code, seconds, rss, detail)


def run_all(jobs: Iterable[tuple[str, Path, str, list[str], Path]], work: Path, *, parallel: int = 2,
            timeout: float = 60.0, memory_mb: int = 1024, on_run: Callable[[Run], None] | None = None) -> list[Run]:
    """Run (command, path, class, argv, watched input) jobs, ``parallel`` at a time."""
    preimport()
    todo = list(jobs)
    running: dict[int, _Child] = {}
    runs: list[Run] = []
    n = 0
    while todo or running:
        while todo and len(running) < parallel:
            command, path, cls, argv, watched = todo.pop(0)
            n += 1
            c = _start(argv, command, path, cls, work / f"{n:06d}", memory_mb, watched)
            running[c.pid] = c
        pid, status, rusage = os.wait4(-1, os.WNOHANG)
        if pid == 0:
            now = time.monotonic()
            for c in list(running.values()):
                if now - c.started > timeout:
                    with contextlib.suppress(OSError):
                        os.kill(c.pid, signal.SIGKILL)
                    _, st, ru = os.wait4(c.pid, 0)
                    del running[c.pid]
                    runs.append(_classify(c, st, ru, True))
                    if on_run:
                        on_run(runs[-1])
            time.sleep(0.002)
            continue
        c = running.pop(pid, None)
        if c is None:
            continue
        runs.append(_classify(c, status, rusage, False))
        if on_run:
            on_run(runs[-1])
        _clean(c.out)
    return runs


def _clean(folder: Path) -> None:
    for p in folder.glob("*"):
        if p.name not in ("stdout", "stderr"):
            with contextlib.suppress(OSError):
                p.unlink()


def table(runs: list[Run]) -> str:
    """Per command: count of each outcome (a Markdown table)."""
    by: dict[str, Counter] = defaultdict(Counter)
    for r in runs:
        by[r.command][r.outcome] += 1
    lines = ["| command | runs | " + " | ".join(OUTCOMES) + " |", "|---|---:|" + "---:|" * len(OUTCOMES)]
    for cmd in COMMANDS:
        if cmd in by:
            c = by[cmd]
            lines.append(f"| {cmd} | {sum(c.values())} | " + " | ".join(str(c[o]) for o in OUTCOMES) + " |")
    return "\n".join(lines)


@dataclass
class Summary:
    runs: list[Run] = field(default_factory=list)

    def bad(self) -> list[Run]:
        return [r for r in self.runs if r.outcome != "ok"]
