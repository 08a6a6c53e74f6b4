"""Run a corpus through every command and through one consolidation; shared by the CI slice
(tests/test_fuzz.py) and the full run (benchmarks/fuzz.py)."""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from . import corpus, harness

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")


@dataclass
class ConsolidationResult:
    seconds: float
    code: int | None
    valid_units: int
    valid_scored: int
    bad_files: int
    bad_named: int
    unnamed: list[str] = field(default_factory=list)
    max_rss_mb: float = 0.0
    statuses: Counter = field(default_factory=Counter)


def valid_units(bases: dict[str, Path], folder: Path, n: int) -> list[Path]:
    """``n`` valid unit workbooks with distinct unit names (the bundled samples, renamed)."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(n):
        src = bases[f"unit{i % 3}"]
        m = corpus._members(src)
        m[corpus.SHEETS["targets"]] = corpus.set_cell(m[corpus.SHEETS["targets"]], "C2",
                                                      corpus.text_cell("C2", f"测试县第{i + 1:02d}号单位"))
        p = folder / f"valid_{i + 1:02d}.xlsx"
        p.write_bytes(corpus._zip(m))
        out.append(p)
    return out


def command_jobs(cases: list[corpus.Case], bases: dict[str, Path], work: Path,
                 commands: tuple[str, ...] = harness.COMMANDS):
    unit, csv = bases["unit0"], bases["csv"]
    for command in commands:
        for c in cases:
            argv = harness.argv_for(command, c.path, work / "out", unit, csv)
            watched = unit if command == "actuals" and c.path.suffix.lower() == ".csv" else c.path
            yield command, c.path, c.cls, argv, watched


def run_commands(cases, bases, work: Path, *, parallel: int = 2, timeout: float = 60.0, memory_mb: int = 1024,
                 commands: tuple[str, ...] = harness.COMMANDS, progress=None) -> list[harness.Run]:
    work.mkdir(parents=True, exist_ok=True)
    return harness.run_all(command_jobs(cases, bases, work, commands), work, parallel=parallel, timeout=timeout,
                           memory_mb=memory_mb, on_run=progress)


def run_consolidation(corpus_dir: Path, valid: list[Path], out: Path, *, timeout: float = 1800.0,
                      memory_mb: int = 2048) -> ConsolidationResult:
    """``xlsxtools consolidate CORPUS VALID -o OUT`` through the real entry point in a forked child;
    then checks the summary: every valid unit scored, every bad file named with a reason."""
    from python_calamine import CalamineWorkbook

    from xlsxtools import layout
    from xlsxtools.xmlsafe import xml_safe

    valid_dir = valid[0].parent
    with contextlib.suppress(FileNotFoundError):
        out.unlink()
    jobs = [("consolidate", corpus_dir, "all", ["consolidate", str(corpus_dir), str(valid_dir), "-o", str(out), "-q"],
             valid[0])]
    t0 = time.monotonic()
    runs = harness.run_all(jobs, out.parent / "consolidate-run", parallel=1, timeout=timeout, memory_mb=memory_mb)
    seconds = time.monotonic() - t0
    run = runs[0]
    res = ConsolidationResult(seconds=seconds, code=run.code, valid_units=len(valid), valid_scored=0, bad_files=0,
                              bad_named=0, max_rss_mb=run.max_rss_mb)
    if run.outcome != "ok" or not out.exists():
        res.unnamed = [f"consolidation: {run.outcome} {run.detail}"]
        return res
    wb = CalamineWorkbook.from_path(str(out))
    rows = wb.get_sheet_by_name(layout.CONS_SUMMARY_SHEET).to_python()
    header_i = next(i for i, r in enumerate(rows) if "文件" in r and "状态" in r)
    header = rows[header_i]
    by_file = {}
    for r in rows[header_i + 1:]:
        d = dict(zip(header, r, strict=False))
        if d.get("文件"):
            by_file[d["文件"]] = d
    # skipped files and superseded duplicates (many corpus files are edits of the same three samples)
    # are on 未提交
    missing = wb.get_sheet_by_name(layout.CONS_MISSING_SHEET).to_python()
    skipped_named = {r[2] for r in missing if len(r) > 3 and str(r[0]) == "跳过的文件"}
    duplicates = {r[2] for r in missing if len(r) > 3 and str(r[0]).startswith("重复提交")}
    for p in valid:
        d = by_file.get(str(p))
        if d and d.get("状态") != "无法读取" and isinstance(d.get("总分"), int | float):
            res.valid_scored += 1
    for p in sorted(corpus_dir.rglob("*")):
        if p.is_dir() and not p.is_symlink():
            continue
        res.bad_files += 1
        name = xml_safe(str(p))  # how a name with characters no workbook can hold is written
        d = by_file.get(name)
        if d is not None:
            res.statuses[d.get("状态")] += 1
        if name in duplicates:
            res.statuses["重复提交（未计入）"] += 1
        if (d is not None and (d.get("状态") != "无法读取" or d.get("说明"))) or name in skipped_named \
                or name in duplicates:
            res.bad_named += 1
        else:
            res.unnamed.append(str(p))
    return res


def build(folder: Path, per_class: int, seed: int = 0, classes: list[str] | None = None):
    """(cases, bases) of a fresh corpus in ``folder``."""
    bases_dir = folder.with_name(folder.name + "-bases")
    for d in (folder, bases_dir):
        if d.exists():
            shutil.rmtree(d)
    bases = corpus.build_bases(bases_dir)
    cases = corpus.generate(folder, per_class, seed, classes=classes, bases=bases)
    return cases, bases


def environment() -> str:
    import platform

    return f"{platform.python_version()} on {platform.system()} {platform.machine()}, {os.cpu_count()} CPUs"
