"""Latency of a button click's Python side, measured as a fresh process.

A click on a ribbon button makes xlwings' ``RunPython`` start a new Python process that runs

    python -B -c "import xlwings.utils; xlwings.utils.prepare_sys_path(...); import xlsxtools.excel as x; x.check_rows()"

So the user waits for: interpreter start, ``import xlwings`` (done by that first statement,
before any xlsxtools code), our imports, reading the workbook, the operation, and the writes.
This script times exactly that command line on a 100-indicator unit workbook, with xlwings' JSON
remote book standing in for Excel (the payload is loaded from a file and set as the mock caller:
the same reads and writes, recorded instead of sent over COM), against the bare interpreter
start (``python -c pass``), and reports the ratio. Each variant runs ``--runs`` times; the
median counts.

Variants:
  bare        python -c pass
  xlwings     python -c "import xlwings.utils" (what RunPython imports before our code)
  check       the 检查 button (check_rows), as RunPython runs it
  score       the 计算得分 button (compute_scores), as RunPython runs it
  *-nopandas  the same with pandas and numpy hidden, i.e. an install without pandas: xlwings
              imports pandas on ``import xlwings`` whenever it is installed (xlsxtools itself
              never imports it on this path; tests/test_excel.py checks that)

    python3 benchmarks/latency.py            # prints the table, writes benchmarks/LATENCY.md
    python3 benchmarks/latency.py --runs 5 --no-write
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
INDICATORS = 100
TARGET_SECONDS = 0.5

#: The command xlwings' RunPython builds on Windows (xlwings.bas, ExecuteWindows), with the mock
#: caller standing in for the ``--wb=… --from_xl=1`` hand-over from Excel.
RUNPYTHON = (
    "{hide}import xlwings.utils;xlwings.utils.prepare_sys_path('false;{book};{book};;;;'); "
    "import json, time, xlwings as xw; t0 = time.perf_counter(); "
    "xw.Book(json=json.load(open(r'{payload}', encoding='utf-8'))).set_mock_caller(); "
    "import xlsxtools.excel as x; x.{button}(); "
    "print('op', time.perf_counter() - t0)"
)
HIDE_PANDAS = "import sys; sys.modules['pandas'] = None; sys.modules['numpy'] = None; "


def build_workbook(folder: Path) -> Path:
    """A unit workbook with 100 indicators (the sample tables' rows repeated under new names) and
    every actual and the budget filled, as payload JSON for the remote book."""
    import csv

    from xlsxtools import layout
    from xlsxtools.excel.remote import payload_from_file
    from xlsxtools.importer import import_table
    from xlsxtools.model import TargetTable
    from xlsxtools.workbook.template import write_unit_workbook

    samples = Path(__file__).resolve().parents[1] / "xlsxtools" / "data" / "samples"
    pool = []
    for name in ("zhengwu_2026", "dashuling_2026", "zhengfuban_2026"):
        table = import_table(samples / f"{name}.txt")
        actual = {r["三级指标"]: r["实际完成值"]
                  for r in csv.DictReader((samples / "actuals" / f"{name}.csv").open(encoding="utf-8"))}
        pool += [(ind, actual.get(ind.name, "")) for ind in table.indicators]
    base = import_table(samples / "zhengwu_2026.txt")
    indicators, actuals = [], []
    for i in range(INDICATORS):
        ind, actual = pool[i % len(pool)]
        copy = type(ind)(**{**ind.__dict__, "name": f"{ind.name}（{i + 1}）"})
        indicators.append(copy)
        actuals.append(actual)
    table = TargetTable(unit=base.unit, indicators=indicators, source="benchmark")
    path = write_unit_workbook(table, folder / "unit100.xlsm")
    edit: dict[str, object] = {}
    for i, value in enumerate(actuals):
        try:
            value = float(value)
        except ValueError:
            if value[:4].isdigit() and "-" in value:
                value = value + "T00:00:00Z"
        edit[f"{layout.ACTUAL_COL['actual']}{layout.ACTUAL_FIRST_ROW + i}"] = value
    edit[f"{layout.BUDGET_COL['budget']}{layout.BUDGET_VALUE_ROW}"] = 419.72
    edit[f"{layout.BUDGET_COL['spent']}{layout.BUDGET_VALUE_ROW}"] = 405.30
    payload = folder / "unit100.json"
    payload.write_text(json.dumps(payload_from_file(path, {layout.ACTUALS_SHEET: edit}), ensure_ascii=False),
                       encoding="utf-8")
    return payload


def run(cmd: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float | None]:
    t0 = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=cwd, check=False)
    wall = time.perf_counter() - t0
    if out.returncode != 0:
        raise SystemExit(f"failed: {' '.join(cmd)[:200]}\n{out.stderr}")
    op = None
    for line in out.stdout.splitlines():
        if line.startswith("op "):
            op = float(line.split()[1])
    return wall, op


def measure(runs: int) -> dict[str, dict[str, float]]:
    python = sys.executable
    with tempfile.TemporaryDirectory(prefix="xlsxtools-latency-") as tmp:
        folder = Path(tmp)
        payload = build_workbook(folder)
        env = {**os.environ, "XLWINGS_LICENSE_KEY": os.environ.get("XLWINGS_LICENSE_KEY", "noncommercial"),
               "XLSXTOOLS_LOG_DIR": str(folder / "logs")}
        book = str(folder / "unit100.xlsm")
        variants: dict[str, list[str]] = {
            "bare": [python, "-c", "pass"],
            "xlwings": [python, "-B", "-c", "import xlwings.utils"],
            "xlwings-nopandas": [python, "-B", "-c", HIDE_PANDAS + "import xlwings.utils"],
        }
        for name, button in (("check", "check_rows"), ("score", "compute_scores")):
            for suffix, hide in (("", ""), ("-nopandas", HIDE_PANDAS)):
                code = RUNPYTHON.format(hide=hide, book=book, payload=payload, button=button)
                variants[name + suffix] = [python, "-B", "-c", code]
        results: dict[str, dict[str, float]] = {}
        for name, cmd in variants.items():
            run(cmd, env, folder)  # warm the file cache
            walls, ops = [], []
            for _ in range(runs):
                wall, op = run(cmd, env, folder)
                walls.append(wall)
                if op is not None:
                    ops.append(op)
            results[name] = {"median": statistics.median(walls), "min": min(walls)}
            if ops:
                results[name]["op"] = statistics.median(ops)
    return results


def report(results: dict[str, dict[str, float]], runs: int) -> str:
    bare = results["bare"]["median"]
    lines = [
        "| variant | median (s) | min (s) | × bare start | operation in process (s) |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, r in results.items():
        op = f"{r['op']:.3f}" if "op" in r else ""
        lines.append(f"| {name} | {r['median']:.3f} | {r['min']:.3f} | {r['median'] / bare:.1f} | {op} |")
    verdict = []
    for name in ("check", "score", "check-nopandas", "score-nopandas"):
        ok = results[name]["median"] < TARGET_SECONDS
        verdict.append(f"- {name}: {results[name]['median']:.3f} s — "
                       f"{'meets' if ok else 'misses'} the {TARGET_SECONDS} s target"
                       f" ({results[name]['median'] / bare:.1f}× the bare interpreter start)")
    head = (f"{INDICATORS}-indicator unit workbook, {runs} runs per variant (median counts); "
            f"Python {platform.python_version()} on {platform.system()} {platform.machine()}, "
            f"{os.cpu_count()} CPUs; {datetime.now():%Y-%m-%d}.")
    return head + "\n\n" + "\n".join(lines) + "\n\n" + "\n".join(verdict) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--no-write", action="store_true", help="Print only; do not rewrite LATENCY.md.")
    args = parser.parse_args()
    results = measure(args.runs)
    table = report(results, args.runs)
    print(table)
    if not args.no_write:
        md = HERE / "LATENCY.md"
        text = md.read_text(encoding="utf-8") if md.exists() else ""
        marker = "<!-- results -->"
        if marker in text:
            text = text.split(marker)[0] + marker + "\n\n" + table
        else:
            text = f"# Button latency\n\n{marker}\n\n{table}"
        md.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
