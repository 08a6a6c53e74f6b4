"""Core results → cell edits for the unit workbook (pure: no workbook library).

``score_edits`` writes 分值, 得分 and the totals band of 实际完成 (the 计算得分 button, ``score
--write``); ``actuals_edits`` fills actual values matched by 三级指标 name (``xlsxtools actuals``).
Edges apply the edits: openpyxl for files, xlwings for the live workbook.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from xlsxtools import layout
from xlsxtools.errors import UserError
from xlsxtools.model import CellEdit, UnitWorkbook
from xlsxtools.normalize import clean, halfwidth, key, parse_date, parse_number

SCORE_FORMAT = "0.00"


def _num(d: Decimal | None) -> float | None:
    return None if d is None else float(d)


_DATE_ONLY = re.compile(r"^\d{4}(?:[-/.]\d{1,2}[-/.]\d{1,2}|年\d{1,2}月\d{1,2}日?)$")


@dataclass
class SourceRow:
    line: int  # 1-based row in the source file
    name: str
    actual: Any
    reason: str


def cell_value(raw: Any, unit: str) -> Any:
    """A source value as it should sit in the cell: numbers as numbers, dates as dates, else text."""
    if raw is None or isinstance(raw, bool):
        return None if raw is None else clean(raw)
    if not isinstance(raw, str):
        return raw
    s = clean(raw)
    if not s:
        return None
    compact = halfwidth(s).replace(" ", "")
    if _DATE_ONLY.match(compact):
        d = parse_date(compact)
        if d is not None:
            return d
    if compact.endswith("%") and "%" not in unit:
        return s
    num = parse_number(compact)
    if num is None:
        return s
    return int(num) if num == num.to_integral_value() and "." not in compact else float(num)


def actuals_edits(uw: UnitWorkbook, rows: list[SourceRow], *, budget: Any = None, spent: Any = None,
                  source: str = "") -> tuple[list[CellEdit], int]:
    """Cell edits filling the actuals of ``uw`` from ``rows``; raises UserError naming every bad name."""
    if uw.actuals is None:
        raise UserError(f"工作簿没有「{layout.ACTUALS_SHEET}」表", file=uw.path)
    index: dict[str, list[int]] = {}
    for i, ind in enumerate(uw.table.indicators):
        if ind.name:
            index.setdefault(key(ind.name), []).append(i)
    problems: list[str] = []
    seen: dict[str, int] = {}
    edits: list[CellEdit] = []
    filled = 0
    sheet = layout.ACTUALS_SHEET
    for r in rows:
        k = key(r.name)
        hits = index.get(k, [])
        if k in seen:
            problems.append(f"第{r.line}行“{r.name}”在来源中重复出现（第{seen[k]}行已有）")
            continue
        seen[k] = r.line
        if not hits:
            problems.append(f"第{r.line}行“{r.name}”与工作簿中的任何三级指标都不匹配")
            continue
        if len(hits) > 1:
            problems.append(f"第{r.line}行“{r.name}”与工作簿中的 {len(hits)} 个同名三级指标匹配，无法确定填哪一行")
            continue
        i = hits[0]
        entry = uw.actuals.entries[i] if i < len(uw.actuals.entries) else None
        if entry is None or entry.origin.row is None:
            problems.append(f"“{r.name}”在「{sheet}」表中找不到对应的行")
            continue
        value = cell_value(r.actual, uw.table.indicators[i].unit)
        if value is not None:
            edits.append(CellEdit(sheet, entry.origin.cell("actual") or f"{layout.ACTUAL_COL['actual']}{entry.origin.row}",
                                  value=value, set_value=True))
            filled += 1
        if r.reason:
            edits.append(CellEdit(sheet, entry.origin.cell("reason") or f"{layout.ACTUAL_COL['reason']}{entry.origin.row}",
                                  value=r.reason, set_value=True))
    if problems:
        raise UserError("实际完成值未填写，请先修正来源文件：" + "；".join(problems), file=source or None)
    for field, raw in (("budget", budget), ("spent", spent)):
        if raw is None:
            continue
        num = parse_number(raw)
        if num is None or num < 0:
            title = next(f.title for f in layout.BUDGET_FIELDS if f.key == field)
            raise UserError(f"{title}应为不小于0的数字，实际为“{raw}”")
        origin = uw.actuals.origins.get(field)
        ref = (origin.cell(field) if origin else None) or f"{layout.BUDGET_COL[field]}{layout.BUDGET_VALUE_ROW}"
        edits.append(CellEdit(sheet, ref, value=float(num), set_value=True))
    return edits, filled


def score_edits(uw: UnitWorkbook, us: Any) -> list[CellEdit]:  # us: UnitScore
    """Cell edits that write 分值, 得分 and the totals band into the 实际完成 sheet."""
    sheet = layout.ACTUALS_SHEET
    edits: list[CellEdit] = []
    entries = uw.actuals.entries if uw.actuals else []
    for s, e in zip(us.indicators, entries, strict=False):
        if e.origin.row is None:
            continue
        for field, value, fmt in (("weight", s.weight, None), ("score", s.score, SCORE_FORMAT)):
            ref = e.origin.cell(field) or f"{layout.ACTUAL_COL[field]}{e.origin.row}"
            edits.append(CellEdit(sheet, ref, value=_num(value), set_value=True, number_format=fmt))
    b = us.budget
    band = {
        "rate": (_num(b.rate), "0.00%"), "budget_weight": (float(b.weight), None),
        "budget_score": (_num(b.score), SCORE_FORMAT), "indicator_weight": (float(us.indicator_weight), None),
        "indicator_score": (float(us.indicator_total), SCORE_FORMAT),
        "total": (float(us.total) if us.complete else incomplete_text(us), SCORE_FORMAT),
        "grade": (us.grade or "", None), "step_mode": (us.step_mode.label, None),
    }
    for field, (value, fmt) in band.items():
        edits.append(CellEdit(sheet, f"{layout.BUDGET_COL[field]}{layout.BUDGET_VALUE_ROW}", value=value,
                              set_value=True, number_format=fmt))
    # Why there is no total or grade, on the total cell itself: a short text in the cell, the whole
    # reason in its note (an earlier note is cleared once the total is complete).
    total_cell = f"{layout.BUDGET_COL['total']}{layout.BUDGET_VALUE_ROW}"
    edits.append(CellEdit(sheet, total_cell, note="" if us.complete else
                          f"{us.grade_note}（已计分部分合计 {float(us.total):.2f} 分）。"))
    return edits


def incomplete_text(us: Any) -> str:  # us: UnitScore
    """What the total cell of an incomplete self-evaluation says instead of a number (short enough
    for the narrow total cell: at most three lines)."""
    budget = us.budget.score is None
    if us.missing and budget:
        return f"{us.missing}项及预算未计分"
    if us.missing:
        return f"{us.missing}项未计分"
    return "预算未计分" if budget else "不完整"
