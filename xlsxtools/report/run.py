"""``xlsxtools report``: a summary workbook (or a folder of unit workbooks, consolidated first)
→ the analysis report (.docx). Shared by the command line, the summary template's button and the demo."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from xlsxtools.errors import UserError


@dataclass
class ReportResult:
    output: Path
    summary: Path | None
    counts: dict[str, int]
    charts: int


def make_report(src: str | os.PathLike[str], out: str | os.PathLike[str], *, roster: str | None = None,
                baseline: str | None = None, config_path: str | None = None, year: str = "",
                title: str = "") -> ReportResult:
    """Write the report of ``src`` (a summary .xlsx, or a folder consolidated on the way) to ``out``."""
    from xlsxtools.report.content import Chart, build_report
    from xlsxtools.report.docx_edge import write_docx
    from xlsxtools.report.source import read_summary

    src, out = Path(src), Path(out)
    if out.suffix.lower() != ".docx":
        raise UserError("报告文件应以 .docx 结尾", file=str(out))
    if src.is_dir():
        from xlsxtools.config import load_config
        from xlsxtools.consolidate.runner import consolidate

        with tempfile.TemporaryDirectory(prefix="xlsxtools-report-") as tmp:
            summary = Path(tmp) / "汇总.xlsx"
            consolidate([src], summary, roster=roster, baseline=baseline, config=load_config(config_path))
            data = read_summary(summary)
        made_from = None
    elif src.is_file():
        if roster or baseline:
            raise UserError("--roster 和 --baseline 只用于文件夹：汇总文件中已经包含名册和核定基线的核对结果",
                            file=str(src))
        data = read_summary(src)
        made_from = src
    else:
        raise UserError("文件或文件夹不存在", file=str(src))
    report = build_report(data, title=title, year=year)
    write_docx(report, out)
    charts = sum(1 for s in report.sections for b in s.blocks if isinstance(b, Chart))
    return ReportResult(out, made_from, report.counts, charts)
