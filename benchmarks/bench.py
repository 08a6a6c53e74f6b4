"""Consolidation benchmark: N = 100, 1,000, 10,000 synthetic unit workbooks.

For each N: generate the set once (``generate.py``), run ``xlsxtools consolidate`` in a fresh
process (wall time from process start to the summary on disk, as a user sees it), record peak
memory (the parent's and the largest worker's max RSS, from getrusage), then run the
straightforward openpyxl pipeline (``openpyxl_pipeline.py``) on the same files. For large N the
openpyxl pipeline runs on a sample of the files and is extrapolated linearly (it is strictly
per-file work in one process); the output says when it was.

    python3 benchmarks/bench.py                 # 100 1000 10000, writes benchmarks/RESULTS.md
    python3 benchmarks/bench.py 100 1000 --no-write
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

#: The openpyxl pipeline runs on at most this many files; beyond, it is extrapolated.
OPENPYXL_SAMPLE = 1500


def _child_consolidate(folder: str, out: str, jobs: int | None) -> None:
    """Run in a fresh interpreter: consolidate and print timings and peak memory as JSON."""
    import resource

    t0 = time.perf_counter()
    from xlsxtools.config import Config
    from xlsxtools.consolidate.runner import consolidate

    rep = consolidate([folder], out, jobs=jobs, config=Config())
    wall = time.perf_counter() - t0
    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps({"wall": wall, "files": rep.files, "units": rep.units, "unreadable": rep.unreadable,
                      "self_mb": self_kb / 1024, "worker_mb": child_kb / 1024, "jobs": jobs or os.cpu_count()}))


def _child_openpyxl(folder: str, out: str, limit: int) -> None:
    import resource

    from openpyxl_pipeline import run

    files = sorted(p for p in Path(folder).rglob("*.xlsx") if not p.name.startswith("~$"))
    total = len(files)
    if limit and total > limit:
        step = total / limit
        files = [files[int(i * step)] for i in range(limit)]
    res = run(files, Path(out))
    print(json.dumps({"wall": res["seconds"], "files": res["files"], "total_files": total,
                      "self_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def _run_child(args: list[str]) -> dict:
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, str(Path(__file__)), *args], capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"benchmark child failed:\n{proc.stderr}")
    res = json.loads(proc.stdout.strip().splitlines()[-1])
    res["process_wall"] = time.perf_counter() - t0  # including interpreter start and imports
    return res


def bench(n: int, jobs: int | None, repeat: int) -> dict:
    from generate import generate

    folder = generate(n)
    with tempfile.TemporaryDirectory() as tmp:
        runs = [_run_child(["--child-consolidate", str(folder), f"{tmp}/s.xlsx", str(jobs or 0)])
                for _ in range(repeat)]
        best = min(runs, key=lambda r: r["process_wall"])
        opx = _run_child(["--child-openpyxl", str(folder), f"{tmp}/o.xlsx", str(OPENPYXL_SAMPLE)])
    per_file = opx["wall"] / opx["files"]
    opx_total = per_file * opx["total_files"]
    res = {
        "n": n, "files": best["files"], "wall": best["process_wall"], "wall_in_process": best["wall"],
        "files_per_s": best["files"] / best["process_wall"], "self_mb": best["self_mb"],
        "worker_mb": best["worker_mb"], "jobs": best["jobs"], "openpyxl_wall": opx_total,
        "openpyxl_sampled": opx["files"] < opx["total_files"], "openpyxl_files": opx["files"],
        "openpyxl_mb": opx["self_mb"], "ratio": opx_total / best["process_wall"], "runs": [r["process_wall"] for r in runs],
    }
    print(f"N={n:>6}: {res['wall']:.2f} s wall ({res['files_per_s']:.0f} files/s), peak RSS parent "
          f"{res['self_mb']:.0f} MB + workers ≤ {res['worker_mb']:.0f} MB each ×{res['jobs']}; openpyxl pipeline "
          f"{opx_total:.1f} s{' (extrapolated from ' + str(opx['files']) + ' files)' if res['openpyxl_sampled'] else ''}"
          f" → {res['ratio']:.1f}× faster", file=sys.stderr)
    return res


def write_results(results: list[dict], path: Path) -> None:
    cpu = os.cpu_count()
    lines = [
        "# Consolidation benchmark",
        "",
        f"Measured by `python3 benchmarks/bench.py` on {platform.machine()} Linux, {cpu} CPU cores, Python "
        f"{platform.python_version()}, {time.strftime('%Y-%m-%d')}. The machine was shared with other work, so "
        "numbers vary by ±20 % between runs; the best of the repeats is shown, every run beside it.",
        "",
        "Workbooks: generated from the unit template by `benchmarks/generate.py` (40 distinct workbooks of 29 "
        "indicators covering every rule kind, long header text, actuals and budget filled, every fifth with "
        "defects; copied under distinct unit names), plus 5 files every collection folder has (an Excel lock "
        "file, a .txt, an empty, a corrupt and a non-template workbook).",
        "",
        "Wall time is a fresh `xlsxtools consolidate` process from start to the summary on disk: reading "
        "(python-calamine), checks, scoring, ranking, and writing the whole summary (汇总, 指标明细, 问题清单, "
        "未提交, 图表, 说明). Peak memory is max RSS from getrusage: the parent, and the largest worker process.",
        "",
        "| N workbooks | wall (s) | every run (s) | files/s | peak RSS parent (MB) | peak RSS per worker (MB) "
        "| openpyxl pipeline (s) | speed-up |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        opx = f"{r['openpyxl_wall']:.1f}" + (f" (extrapolated from {r['openpyxl_files']} files)"
                                             if r["openpyxl_sampled"] else "")
        every = " / ".join(f"{w:.2f}" for w in r["runs"])
        lines.append(f"| {r['n']:,} | {r['wall']:.2f} | {every} | {r['files_per_s']:.0f} | {r['self_mb']:.0f} | "
                     f"{r['worker_mb']:.0f} | {opx} | {r['ratio']:.1f}× |")
    lines += [
        "",
        "The openpyxl pipeline (`benchmarks/openpyxl_pipeline.py`) is what one writes first: "
        "`openpyxl.load_workbook(data_only=True)` per file, the same parsing, checks and scoring, one process, "
        "openpyxl to write three plain tables. "
        f"For N above {OPENPYXL_SAMPLE:,} it runs on an evenly spread sample of {OPENPYXL_SAMPLE:,} files and is "
        "extrapolated linearly (its cost is strictly per file).",
        "",
        "Raw JSON:",
        "",
        "```json",
        json.dumps(results, indent=1, ensure_ascii=False),
        "```",
        "",
    ]
    path.write_text("\n".join(lines), encoding="utf-8")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child-consolidate":
        _child_consolidate(sys.argv[2], sys.argv[3], int(sys.argv[4]) or None)
        return
    if len(sys.argv) > 1 and sys.argv[1] == "--child-openpyxl":
        _child_openpyxl(sys.argv[2], sys.argv[3], int(sys.argv[4]))
        return
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int, nargs="*", default=[100, 1000, 10000])
    ap.add_argument("-j", "--jobs", type=int, default=0, help="Worker processes (default: CPU count).")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-write", action="store_true", help="Do not write benchmarks/RESULTS.md.")
    args = ap.parse_args()
    results = [bench(n, args.jobs or None, args.repeat) for n in args.n]
    if not args.no_write:
        write_results(results, HERE / "RESULTS.md")
        print(f"wrote {HERE / 'RESULTS.md'}", file=sys.stderr)


if __name__ == "__main__":
    main()
