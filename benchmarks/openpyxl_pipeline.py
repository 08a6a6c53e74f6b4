"""The straightforward pipeline the benchmark compares with: openpyxl in, openpyxl out, one process.

What one would write first: ``openpyxl.load_workbook(path, data_only=True)`` for every file,
the same parsing, checks and scoring (``read_unit`` on the sheet values, ``run_checks``,
``score_unit``), and the same three tables written with openpyxl. No parallelism, no streaming.

    python3 benchmarks/openpyxl_pipeline.py FOLDER OUT.xlsx [--limit N]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path


def read_with_openpyxl(path: Path):
    import openpyxl

    from xlsxtools.workbook.reader import MemorySource, read_unit

    wb = openpyxl.load_workbook(path, data_only=True)
    grids = {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}
    merged = {ws.title: [((m.min_row - 1, m.min_col - 1), (m.max_row - 1, m.max_col - 1))
                         for m in ws.merged_cells.ranges] for ws in wb.worksheets}
    percent = {ws.title: {c.coordinate for row in ws.iter_rows() for c in row if "%" in (c.number_format or "")}
               for ws in wb.worksheets}
    wb.close()
    return read_unit(MemorySource(grids, merged, percent), str(path))


def run(files: list[Path], out: Path) -> dict:
    import openpyxl

    from xlsxtools.checks import run_checks
    from xlsxtools.config import Config
    from xlsxtools.scoring import score_unit

    cfg = Config()
    t0 = time.perf_counter()
    summary, detail, problems = [], [], []
    for p in files:
        try:
            uw = read_with_openpyxl(p)
        except Exception as exc:
            summary.append([str(p), "无法读取", str(exc)])
            continue
        findings = run_checks(uw.table, uw.actuals, cfg)
        s = score_unit(uw.table, uw.actuals, cfg)
        summary.append([uw.table.unit.name, str(p), len(findings), float(s.indicator_total),
                        float(s.budget.score or 0), float(s.total), s.grade or ""])
        for ind, sc in zip(uw.table.indicators, s.indicators, strict=False):
            detail.append([uw.table.unit.name, ind.level1, ind.level2, ind.name, ind.type, ind.target, ind.unit,
                           float(sc.weight or 0), str(sc.actual), float(sc.score or 0)])
        for f in findings:
            problems.append([uw.table.unit.name, str(p), f.sheet, f.cell, f.code, f.message])
    summary.sort(key=lambda r: -(r[5] if len(r) > 5 else -1))
    wb = openpyxl.Workbook()
    for title, rows in (("汇总", summary), ("指标明细", detail), ("问题清单", problems)):
        ws = wb.create_sheet(title)
        for r in rows:
            ws.append(r)
    wb.remove(wb.worksheets[0])
    wb.save(out)
    return {"files": len(files), "seconds": time.perf_counter() - t0}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder")
    ap.add_argument("out")
    ap.add_argument("--limit", type=int, default=0, help="Only the first N workbooks (sampling).")
    args = ap.parse_args()
    files = sorted(p for p in Path(args.folder).rglob("*.xlsx") if not p.name.startswith("~$"))
    if args.limit:
        files = files[: args.limit]
    res = run(files, Path(args.out))
    print(f"{res['files']} files in {res['seconds']:.2f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
