"""Read a summary workbook (``xlsxtools consolidate``'s output) back into plain rows.

Every table sheet is read by its header titles (row :data:`layout.CONS_HEADER_ROW`), so a summary
whose columns were reordered still reads; rows become dicts keyed by the layout's column keys.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xlsxtools import layout
from xlsxtools.errors import UnreadableFile, UserError

#: 未提交 columns (written by consolidate.summary._write_missing_sheet).
MISSING_KEYS = {"类别": "kind", "单位名称": "unit", "文件": "file", "说明": "note"}


@dataclass
class SummaryData:
    """What a summary workbook holds, as plain values."""

    path: str
    #: 汇总 rows (without the 合计 row), keyed by CONS_SUMMARY_COLUMNS keys.
    units: list[dict[str, Any]] = field(default_factory=list)
    #: 指标明细 rows, keyed by CONS_DETAIL_COLUMNS keys.
    indicators: list[dict[str, Any]] = field(default_factory=list)
    #: 问题清单 rows, keyed by CONS_FINDINGS_COLUMNS keys.
    findings: list[dict[str, Any]] = field(default_factory=list)
    #: 未提交 rows: kind, unit, file, note.
    missing: list[dict[str, Any]] = field(default_factory=list)
    #: 说明: label → value.
    about: dict[str, str] = field(default_factory=dict)


def _rows(grid: list[list[Any]], titles: dict[str, str]) -> list[dict[str, Any]]:
    hr = layout.CONS_HEADER_ROW - 1
    if len(grid) <= hr:
        return []
    header = [str(h).strip() if h is not None else "" for h in grid[hr]]
    index = {titles[h]: i for i, h in enumerate(header) if h in titles}
    out = []
    for row in grid[hr + 1:]:
        if not any(v not in (None, "") for v in row):
            continue
        out.append({k: (row[i] if i < len(row) else None) for k, i in index.items()})
    return out


def _clean(v: Any) -> Any:
    if isinstance(v, float) and v.is_integer() and abs(v) < 2**53:
        return v  # keep numbers as floats; callers round as they show them
    if v == "":
        return None
    return v


def read_summary(path: str | Path) -> SummaryData:
    """Read ``path``; a file that is not a summary workbook is a :class:`UserError`."""
    from python_calamine import CalamineWorkbook

    from xlsxtools.workbook.preflight import check_workbook, summary_limits
    from xlsxtools.workbook.reader import native_failure

    p = Path(path)
    if not p.is_file():
        raise UserError("汇总文件不存在", file=str(p))
    check_workbook(p, summary_limits())  # a regular file whose sheet extents calamine can build
    try:
        with p.open("rb") as fh:
            wb = CalamineWorkbook.from_filelike(fh)
    except BaseException as exc:  # calamine raises its own error types for every broken file, and panics
        if not native_failure(exc):
            raise
        raise UnreadableFile(f"无法读取汇总文件（{exc}）", file=str(p)) from exc
    names = set(wb.sheet_names)
    need = {layout.CONS_SUMMARY_SHEET, layout.CONS_DETAIL_SHEET, layout.CONS_FINDINGS_SHEET}
    if not need <= names:
        raise UserError(f"不是 xlsxtools consolidate 生成的汇总文件：缺少工作表「{'」「'.join(sorted(need - names))}」",
                        file=str(p), hint="请先运行 xlsxtools consolidate，或直接给出单位工作簿所在的文件夹")

    def grid(name: str) -> list[list[Any]]:
        if name not in names:
            return []
        return wb.get_sheet_by_name(name).to_python(skip_empty_area=False)

    def titles(cols: tuple[layout.Column, ...]) -> dict[str, str]:
        return {c.title: c.key for c in cols}

    data = SummaryData(path=str(p))
    for row in _rows(grid(layout.CONS_SUMMARY_SHEET), titles(layout.CONS_SUMMARY_COLUMNS)):
        if str(row.get("unit") or "").startswith("合计"):
            continue
        data.units.append({k: _clean(v) for k, v in row.items()})
    data.indicators = [{k: _clean(v) for k, v in r.items()}
                       for r in _rows(grid(layout.CONS_DETAIL_SHEET), titles(layout.CONS_DETAIL_COLUMNS))]
    data.findings = [{k: _clean(v) for k, v in r.items()}
                     for r in _rows(grid(layout.CONS_FINDINGS_SHEET), titles(layout.CONS_FINDINGS_COLUMNS))]
    data.missing = _rows(grid(layout.CONS_MISSING_SHEET), MISSING_KEYS)
    for row in grid(layout.CONS_ABOUT_SHEET)[1:]:
        if len(row) >= 2 and row[0]:
            data.about[str(row[0]).strip()] = "" if row[1] is None else str(row[1])
    return data
