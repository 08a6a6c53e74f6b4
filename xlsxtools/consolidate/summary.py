"""The summary workbook (XlsxWriter): 汇总, 指标明细, 问题清单, 未提交, 图表, 环比, 说明.

Written from plain records only, every sheet top to bottom. :class:`SummaryWriter` lets the
runner write the two big row sheets while the workers are still reading: 指标明细 (one row per
indicator, units in file order) and 问题清单 (every workbook's own findings in file order, then
the consolidation's C001–C005, then those of no one workbook). Workers render those rows as
SpreadsheetML (:func:`render_rows`, :mod:`xlsxtools.consolidate.sheetxml`); the parent numbers
them into a spool and splices them into the package XlsxWriter writes for everything else. 汇总
is sorted by rank and written at the end with the other sheets.

For large runs XlsxWriter streams its sheets to disk (constant-memory mode), so a summary of
10,000 units does not hold 汇总's cells in memory either. Chart series carry their cached values
explicitly (constant-memory mode cannot look them up), so the charts show in every reader
without a recalc.

Every string is a string cell (``write_string``, or an inline string in the spliced rows): a
unit name typed "=…" or the 指标值类型 "=" stays text, never a formula. The file is written to a
temporary path and renamed into place.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from xlsxtools import layout
from xlsxtools.atomic import atomic_path
from xlsxtools.consolidate.core import Consolidation
from xlsxtools.consolidate.records import (
    FindingRow,
    RunInfo,
    Trend,
    UnitDetail,
    UnitResult,
)
from xlsxtools.consolidate.sheetxml import RowSpool, render_row, splice
from xlsxtools.consolidate.state import STATE_HELP, averaged_units, mean, state_text
from xlsxtools.layout import Column
from xlsxtools.model import Severity
from xlsxtools.normalize import clean, normalize_type, parse_number
from xlsxtools.textwidth import row_height

#: How many ranked units the "total score by unit" chart shows at most.
CHART_MAX_UNITS = 100
#: Above this many indicator rows (≈ units × 30) XlsxWriter streams its sheets to disk
#: (constant-memory mode); below it 汇总's cells are kept in memory until the file is written.
CONSTANT_MEMORY_ROWS = 60_000

GRADE_COLOURS: dict[str, str] = {"优": "#C6EFCE", "良": "#DDEBF7", "中": "#FFEB9C", "差": "#FFC7CE"}
RULE_KIND_LABELS: dict[str, str] = {
    "ratio": "按完成比例", "percent": "按达到100%比例", "overrun": "超支扣分", "saving": "节约率扣分",
    "delay": "推迟扣分", "grade": "效果等级", "bands": "区间计分", "threshold": "及格门槛",
    "level": "目标实现程度", "direct": "直接赋分",
}
STATUS_LABEL = {"ok": "正常", "unreadable": "无法读取"}


def _rule_label(kind: str | None) -> str:
    if not kind:
        return ""
    return RULE_KIND_LABELS.get(kind.lower(), kind)


#: A4 printable width in points with the summary's margins (0.4 in left and right).
A4_WIDTH_PT = {"landscape": 841.9 - 57.6, "portrait": 595.3 - 57.6}
#: The smallest print scale of a table sheet: 10 pt text printed at 80% is 8 pt, still legible. A
#: sheet wider than a page at this scale is printed at it across several pages, broken between
#: column groups, with the first column (the unit) repeated on every page.
MIN_PRINT_SCALE = 80


#: Pixels per column-width unit assumed when planning pages: Excel draws 7 (Calibri 11's digit),
#: LibreOffice about 9 for the same file; planning with the wider keeps every page inside A4 in both.
PX_PER_UNIT = 9


def column_points(width: float) -> float:
    """Printed width (points, at 100%) of a column ``width`` units wide, planned conservatively."""
    return (int(width * PX_PER_UNIT + 0.5) + 5) * 0.75


def print_layout(widths: list[float], usable: float, groups: Iterable[int] = (),
                 min_scale: int = MIN_PRINT_SCALE) -> tuple[int, list[int]]:
    """(print scale in %, column page breaks) for columns of ``widths`` on a page ``usable`` points
    wide: (0, []) when one page wide needs no less than ``min_scale`` (fit to the page width), else
    ``min_scale`` with breaks (0-based first columns of each further page) at the ``groups``
    boundaries where possible."""
    pts = [column_points(w) for w in widths]
    total = sum(pts)
    if total * min_scale / 100 <= usable:
        return 0, []  # one page wide: the reader fits it, at no less than min_scale
    room = usable * 100 / min_scale
    bounds = sorted(set(groups))
    breaks: list[int] = []
    start, used = 0, 0.0
    for i, w in enumerate(pts):
        if used + w > room and i > start:
            cut = max((b for b in bounds if start < b <= i), default=i)
            breaks.append(cut)
            start = cut
            used = pts[0] + sum(pts[cut:i])  # column A repeats on every page
        used += w
    return min_scale, breaks


def page_setup(ws: Any, *, landscape: bool, title: str, widths: list[float] | None = None,
               groups: Iterable[int] = (), header_row: int | None = None, repeat_first_column: bool = False,
               one_page: bool = False) -> None:
    """A4, the orientation, margins, page numbers in the footer, the sheet's name in the header, and
    the scale: ``one_page`` fits the sheet on one page; otherwise :func:`print_layout` of ``widths``."""
    ws.set_paper(9)
    if landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.set_header(f"&L&8{title.replace('&', '&&')}", {"margin": 0.25})
    ws.set_footer("&C&8第 &P 页，共 &N 页", {"margin": 0.25})
    ws.center_horizontally()
    if header_row is not None:
        ws.repeat_rows(0, header_row)
    if repeat_first_column:
        ws.repeat_columns(0)
    if one_page:
        ws.fit_to_pages(1, 1)
        return
    if widths:
        scale, breaks = print_layout(widths, A4_WIDTH_PT["landscape" if landscape else "portrait"], groups)
        if scale == 0:
            ws.fit_to_pages(1, 0)
        else:
            ws.set_print_scale(scale)
            ws.set_v_pagebreaks(breaks)


class _Sheet:
    """A worksheet written row by row (constant memory): title, header, data rows.

    Printed as finance files it: A4, the title and header on every page, at a legible scale
    (:func:`page_setup`); wrapped columns get rows tall enough for their text.
    """

    def __init__(self, wb: Any, fmt: dict[str, Any], name: str, title: str, columns: tuple[Column, ...],
                 number_formats: dict[str, str] | None = None, *, landscape: bool = True,
                 groups: Iterable[int] = (), wrap: Iterable[str] = ()) -> None:
        self.ws = wb.add_worksheet(name)
        self.fmt = fmt
        self.columns = columns
        self.keys = [c.key for c in columns]
        nf = number_formats or {}
        wrap_keys = set(wrap)
        wraps = [c.wrap or c.key in wrap_keys for c in columns]
        self.col_fmt = [fmt["wrap"] if w else fmt.get(nf.get(c.key, ""), None) or fmt["text"]
                        for c, w in zip(columns, wraps, strict=True)]
        self.wrap_cols = [i for i, w in enumerate(wraps) if w]
        for i, c in enumerate(columns):
            self.ws.set_column(i, i, c.width)
        self.ws.write_string(0, 0, title, fmt["title"])
        self.ws.set_row(0, 22)
        hr = layout.CONS_HEADER_ROW - 1
        for i, c in enumerate(columns):
            self.ws.write_string(hr, i, c.title, fmt["header"])
        self.ws.set_row(hr, row_height((c.title, c.width) for c in columns))
        self.ws.freeze_panes(hr + 1, 1)
        page_setup(self.ws, landscape=landscape, title=f"{layout.CONS_TITLE}：{name}",
                   widths=[c.width for c in columns], groups=groups, header_row=hr,
                   repeat_first_column=len(columns) > 1)
        self.row = hr + 1

    def write(self, values: Iterable[Any], row_fmt: Any = None) -> None:
        ws, r = self.ws, self.row
        values = list(values)
        wrapped = [(values[c], self.columns[c].width) for c in self.wrap_cols
                   if c < len(values) and isinstance(values[c], str) and values[c]]
        if wrapped:
            height = row_height(wrapped)
            if height > 15:
                ws.set_row(r, height)
        for c, v in enumerate(values):
            f = row_fmt or self.col_fmt[c]
            if v is None or v == "":
                if row_fmt is not None:
                    ws.write_blank(r, c, None, row_fmt)
                continue
            if isinstance(v, str):
                ws.write_string(r, c, v, f)
            elif isinstance(v, bool):
                ws.write_string(r, c, "是" if v else "否", f)
            elif isinstance(v, int | float):
                if v != v:  # NaN
                    continue
                ws.write_number(r, c, v, f)
            elif isinstance(v, datetime | date):
                ws.write_datetime(r, c, v, self.fmt["date"])
            else:
                ws.write_string(r, c, str(v), f)
        self.row += 1

    def finish(self) -> tuple[int, int]:
        """Autofilter over the header and data; returns (first data row, last data row), 0-based."""
        hr = layout.CONS_HEADER_ROW - 1
        last = max(self.row - 1, hr)
        self.ws.autofilter(hr, 0, last, len(self.columns) - 1)
        # the table's own columns only: text running past the last column prints no extra pages
        self.ws.print_area(0, 0, last + 1, len(self.columns) - 1)  # + the 合计 row of 汇总
        return hr + 1, last


class _RowSheet(_Sheet):
    """A sheet whose data rows arrive rendered (:mod:`sheetxml`): XlsxWriter writes its title,
    header and settings, the rows go to a spool and are spliced in when the file is written."""

    def __init__(self, wb: Any, fmt: dict[str, Any], name: str, title: str, columns: tuple[Column, ...],
                 groups: Iterable[int] = ()) -> None:
        super().__init__(wb, fmt, name, title, columns, groups=groups)
        self.name = name
        self.rows = RowSpool(first_row=self.row + 1, columns=len(columns))

    def add(self, rows: Iterable[bytes]) -> int:
        n = self.rows.append(rows)
        self.row += n
        return n


def _formats(wb: Any) -> dict[str, Any]:
    base = {"font_name": layout.FONT_BODY, "font_size": layout.FONT_SIZE, "valign": "vcenter"}
    f = {
        "title": wb.add_format({**base, "bold": True, "font_size": 14, "font_name": layout.FONT_TITLE}),
        "header": wb.add_format({**base, "bold": True, "bg_color": "#D9E1F2", "border": 1, "text_wrap": True,
                                 "valign": "vcenter", "align": "center"}),
        "score": wb.add_format({**base, "num_format": "0.00"}),
        "money": wb.add_format({**base, "num_format": "#,##0.00"}),
        "pct": wb.add_format({**base, "num_format": "0.00%"}),
        "int": wb.add_format({**base, "num_format": "0"}),
        "date": wb.add_format({**base, "num_format": "yyyy-mm-dd"}),
        "text": wb.add_format(base),
        "wrap": wb.add_format({**base, "text_wrap": True}),
        "bold": wb.add_format({**base, "bold": True}),
        "bold_top": wb.add_format({**base, "bold": True, "valign": "top"}),
        "total_row": wb.add_format({**base, "bold": True, "top": 1, "bg_color": "#F2F2F2"}),
        "total_score": wb.add_format({**base, "bold": True, "top": 1, "bg_color": "#F2F2F2", "num_format": "0.00"}),
        "total_money": wb.add_format({**base, "bold": True, "top": 1, "bg_color": "#F2F2F2",
                                      "num_format": "#,##0.00"}),
        "total_pct": wb.add_format({**base, "bold": True, "top": 1, "bg_color": "#F2F2F2", "num_format": "0.00%"}),
        "total_wrap": wb.add_format({**base, "bold": True, "top": 1, "bg_color": "#F2F2F2", "text_wrap": True}),
        "big_title": wb.add_format({**base, "bold": True, "font_size": 16, "font_name": layout.FONT_TITLE,
                                    "align": "center", "valign": "vcenter"}),
        "note": wb.add_format({**base, "font_size": 9, "text_wrap": True, "valign": "top"}),
        "subtitle": wb.add_format({**base, "font_size": 10, "text_wrap": True, "valign": "top"}),
        "cell": wb.add_format({**base, "border": 1, "valign": "vcenter"}),
        "cell_wrap": wb.add_format({**base, "border": 1, "valign": "vcenter", "text_wrap": True}),
        "cell_center": wb.add_format({**base, "border": 1, "valign": "vcenter", "align": "center"}),
        "cell_score": wb.add_format({**base, "border": 1, "valign": "vcenter", "num_format": "0.00"}),
        "cell_pct": wb.add_format({**base, "border": 1, "valign": "vcenter", "num_format": "0.00%"}),
        "cell_int": wb.add_format({**base, "border": 1, "valign": "vcenter", "align": "center", "num_format": "0"}),
    }
    for grade, colour in GRADE_COLOURS.items():
        f[f"grade:{grade}"] = wb.add_format({"bg_color": colour})
    f["unreadable"] = wb.add_format({"font_color": "#9C0006"})
    f[""] = None
    return f


# ----------------------------------------------------------------------------------------------
# Sheets
# ----------------------------------------------------------------------------------------------


def _version_value(v: str | None) -> Any:
    """The layout version as a number when it is one (no "number stored as text" mark), else text."""
    if v and v.isdigit():
        return int(v)
    return v or ""


def _summary_values(u: UnitResult, keys: list[str]) -> list[Any]:
    status = state_text(u)
    note = u.reason if not u.readable else u.note
    vals: dict[str, Any] = {
        "unit": u.display_name, "file": u.path, "version": _version_value(u.layout_version), "status": status,
        "errors": u.errors, "warnings": u.warnings, "indicator_weight": u.indicator_weight,
        "indicator_total": u.indicator_total, "budget": u.budget, "spent": u.spent, "rate": u.rate,
        "budget_score": u.budget_score, "total": u.total, "grade": u.grade or "", "rank": u.rank,
        "complete": ("是" if u.complete else "否") if u.readable else "", "tamper": u.tamper,
        "approved_total": u.approved_total, "note": note,
    }
    for l1, (w, s) in u.level1.items():
        vals[f"l1:{l1}:weight"] = w
        vals[f"l1:{l1}:score"] = s
    return [vals.get(k) for k in keys]


def totals_label(units: list[UnitResult]) -> str:
    """The 合计 row's label: which units its averages and sums are over."""
    n = len(averaged_units(units))
    return (f"错误数、警告数：全部 {len(units)} 个工作簿之和；其余各列：{n} 个自评完整单位的平均值"
            "（预算数、执行数为其合计，执行率为合计执行数÷合计预算数）")


def _totals_values(units: list[UnitResult], keys: list[str]) -> list[Any]:
    """The 合计 row: counts summed over every workbook; every other column over the same units, the
    complete ones (:func:`~xlsxtools.consolidate.state.averaged_units`), averages rounded half-up."""
    ok = averaged_units(units)
    with_budget = [u for u in ok if u.budget is not None and u.spent is not None]
    budget = sum(u.budget for u in with_budget if u.budget is not None)
    spent = sum(u.spent for u in with_budget if u.spent is not None)
    vals: dict[str, Any] = {
        "unit": f"合计（平均值：{len(ok)} 个自评完整的单位）", "note": totals_label(units), "errors": sum(u.errors for u in units),
        "warnings": sum(u.warnings for u in units),
        "indicator_weight": mean(u.indicator_weight for u in ok),
        "indicator_total": mean(u.indicator_total for u in ok),
        "budget": mean([budget]) if with_budget else None, "spent": mean([spent]) if with_budget else None,
        "rate": (spent / budget) if budget else None,
        "budget_score": mean(u.budget_score for u in ok), "total": mean(u.total for u in ok),
    }
    for l1 in layout.LEVEL1:
        vals[f"l1:{l1}:weight"] = mean(u.level1.get(l1, (None, None))[0] for u in ok)
        vals[f"l1:{l1}:score"] = mean(u.level1.get(l1, (None, None))[1] for u in ok)
    return [vals.get(k) for k in keys]


def _summary_formats() -> dict[str, str]:
    nf = {c.key: "score" for c in layout.CONS_SUMMARY_COLUMNS if c.key.startswith("l1:")}
    nf.update({"version": "int", "indicator_weight": "score", "indicator_total": "score", "budget": "money", "spent": "money",
               "rate": "pct", "budget_score": "score", "total": "score", "approved_total": "score",
               "errors": "int", "warnings": "int", "rank": "int"})
    return nf


def _summary_groups(keys: list[str]) -> list[int]:
    """Where 汇总 may break between printed pages: before the level-1 scores, the budget, the total."""
    first_l1 = next(i for i, k in enumerate(keys) if k.startswith("l1:"))
    return [first_l1, keys.index("budget"), keys.index("total")]


def _summary_sheet(wb: Any, fmt: dict[str, Any]) -> _Sheet:
    cols = layout.CONS_SUMMARY_COLUMNS
    return _Sheet(wb, fmt, layout.CONS_SUMMARY_SHEET, layout.CONS_TITLE, cols, _summary_formats(),
                  groups=_summary_groups([c.key for c in cols]), wrap=("file", "tamper"))  # a path never runs on


def _write_summary_rows(sheet: _Sheet, fmt: dict[str, Any], cons: Consolidation) -> None:
    nf = _summary_formats()
    keys = sheet.keys
    for u in cons.units:
        sheet.write(_summary_values(u, keys))
    first, last = sheet.finish()
    if cons.units:
        grade_col = layout.col_letter(keys.index("grade") + 1)
        for grade in GRADE_COLOURS:
            sheet.ws.conditional_format(first, 0, last, len(keys) - 1, {
                "type": "formula", "criteria": f'=${grade_col}{first + 1}="{grade}"',
                "format": fmt[f"grade:{grade}"]})
        status_col = layout.col_letter(keys.index("status") + 1)
        sheet.ws.conditional_format(first, 0, last, len(keys) - 1, {
            "type": "formula", "criteria": f'=${status_col}{first + 1}="{STATUS_LABEL["unreadable"]}"',
            "format": fmt["unreadable"]})
    # Totals row below the filtered range (so filtering and sorting leave it alone).
    totals = _totals_values(cons.units, keys)
    row_fmts = []
    for k in keys:
        kind = nf.get(k, "")
        row_fmts.append({"score": fmt["total_score"], "money": fmt["total_money"], "pct": fmt["total_pct"]}.get(
            kind, fmt["total_row"]))
    r = sheet.row
    sheet.ws.set_row(r, row_height((v, sheet.columns[c].width) for c, v in enumerate(totals)
                                   if isinstance(v, str) and c in sheet.wrap_cols))
    wrap_total = sheet.fmt["total_wrap"]
    for c in sheet.wrap_cols:
        row_fmts[c] = wrap_total
    for c, v in enumerate(totals):
        if v is None or v == "":
            sheet.ws.write_blank(r, c, None, row_fmts[c])
        elif isinstance(v, str):
            sheet.ws.write_string(r, c, v, row_fmts[c])
        else:
            sheet.ws.write_number(r, c, v, row_fmts[c])
    sheet.row += 1


def _actual_value(v: Any, percent_format: bool) -> Any:
    if percent_format and isinstance(v, int | float) and not isinstance(v, bool):
        return round(v * 100, 6)  # shown in percent points, like the target
    return v  # a date stays a date: the spliced rows' date style shows yyyy-mm-dd in every locale


#: 指标明细 columns whose numbers show as "0.00" (分值, 得分).
DETAIL_NUMBER_COLUMNS = frozenset(i for i, c in enumerate(layout.CONS_DETAIL_COLUMNS) if c.key in ("weight", "score"))
#: Columns whose text wraps in the spliced row sheets (column → width): rows grow to fit it.
DETAIL_WRAP = {i: c.width for i, c in enumerate(layout.CONS_DETAIL_COLUMNS) if c.wrap}
FINDINGS_WRAP = {i: c.width for i, c in enumerate(layout.CONS_FINDINGS_COLUMNS) if c.wrap}


def target_value(type_: str, target: str) -> Any:
    """指标值 as 指标明细 stores it: a number where the type is quantitative and the text is a plain
    number (so Excel shows no "number stored as text" triangle and filters and sums work), else the text."""
    if normalize_type(type_) in layout.QUANT_TYPES:
        text = clean(target)
        num = parse_number(text)
        if num is not None and not text.endswith(("%", "％")):
            f = float(num)
            return int(f) if f.is_integer() and abs(f) < 2**53 else f
    return target


def detail_rows(u: UnitResult, detail: UnitDetail) -> list[bytes]:
    """A unit's 指标明细 rows, rendered (workers render them; the parent only numbers them)."""
    name = u.display_name
    return [render_row((name, ind.level1, ind.level2, ind.name, ind.type, target_value(ind.type, ind.target),
                        ind.unit, ind.weight,
                        _actual_value(ind.actual, ind.percent_format), ind.score, _rule_label(ind.rule_kind),
                        ind.reason), DETAIL_NUMBER_COLUMNS, DETAIL_WRAP, layout.FONT_SIZE) for ind in detail.indicators]


def finding_rows(unit: str, findings: Iterable[FindingRow]) -> list[bytes]:
    """问题清单 rows of ``findings``, rendered."""
    return [render_row((unit, f.file or "", f.sheet or "", f.cell or (f"第{f.row}行" if f.row else ""), f.code,
                        _severity_label(f.severity), f.message), (), FINDINGS_WRAP, layout.FONT_SIZE)
            for f in findings]


Rows = tuple[list[bytes], list[bytes]]


def render_rows(u: UnitResult, detail: UnitDetail) -> Rows:
    """(指标明细 rows, 问题清单 rows of its own findings) of one workbook's result."""
    return (detail_rows(u, detail) if u.readable else [], finding_rows(u.display_name, detail.findings))


def _detail_sheet(wb: Any, fmt: dict[str, Any]) -> _RowSheet:
    """指标明细; its number formats are those of the rendered rows (DETAIL_NUMBER_COLUMNS)."""
    cols = layout.CONS_DETAIL_COLUMNS
    return _RowSheet(wb, fmt, layout.CONS_DETAIL_SHEET, "指标明细（每个单位每个指标一行，可用于数据透视表）", cols,
                     groups=[[c.key for c in cols].index("weight")])


def detail_order(units: Iterable[UnitResult]) -> list[UnitResult]:
    """The units 指标明细 lists, in its row order: counted readable units by file path (the order
    the runner reads them in, so the sheet can be written while the workbooks are still read)."""
    return sorted((u for u in units if u.readable and u.counted), key=lambda u: u.path)


def findings_order(cons: Consolidation) -> list[UnitResult]:
    """Every workbook (superseded duplicates too) by file path: the order of 问题清单's first part."""
    return sorted([*cons.units, *cons.duplicates], key=lambda u: u.path)


def _severity_label(sev: str) -> str:
    try:
        return Severity(sev).label
    except ValueError:
        return sev


def _findings_sheet(wb: Any, fmt: dict[str, Any]) -> _RowSheet:
    cols = layout.CONS_FINDINGS_COLUMNS
    return _RowSheet(wb, fmt, layout.CONS_FINDINGS_SHEET, "问题清单（每个单位的每个问题一行）", cols,
                     groups=[[c.key for c in cols].index("message")])


def _write_findings_sheet(sheet: _RowSheet, wb: Any, cons: Consolidation) -> int:
    """After every workbook's own findings: the consolidation's (C001 duplicates, C003 roster,
    C004/C005 tamper check) unit by unit in summary order, then those of no one workbook (C002)."""
    for u in [*cons.units, *cons.duplicates]:
        sheet.add(finding_rows(u.display_name, u.extra_findings))
    sheet.add(finding_rows("", cons.general_findings))
    first, last = sheet.finish()
    n = last - first + 1 if last >= first else 0
    if n:
        for sev, colour in (("错误", "#FFC7CE"), ("警告", "#FFEB9C")):
            sheet.ws.conditional_format(first, 5, last, 5, {"type": "cell", "criteria": "==",
                                                            "value": f'"{sev}"',
                                                            "format": wb.add_format({"bg_color": colour})})
    return n


def _write_missing_sheet(wb: Any, fmt: dict[str, Any], cons: Consolidation,
                         skipped_files: Sequence[tuple[str, str]] = ()) -> None:
    cols = (Column("kind", "类别", 16), Column("unit", "单位名称", 28, wrap=True), Column("file", "文件", 30, wrap=True),
            Column("note", "说明", 40, wrap=True))
    title = "未提交、不在名册中和重复提交的单位，以及跳过的文件"
    if cons.roster_file is None:
        title += "（未提供名册 --roster，只列出重复提交）"
    sheet = _Sheet(wb, fmt, layout.CONS_MISSING_SHEET, title, cols)
    for e in cons.missing:
        if e.status == "missing":
            sheet.write(["名册中未提交", e.name, "", "名册中有此单位，但没有找到它的工作簿"])
        else:
            sheet.write(["提交的文件无法读取", e.name, e.file, "文件名与名册中的单位相符，但文件无法读取，视同未提交"])
    for u in cons.not_on_roster:
        sheet.write(["不在名册中", u.display_name, u.path, "工作簿中的单位名称与名册中的任何单位都不相符"])
    for u in cons.duplicates:
        sheet.write(["重复提交（未计入）", u.display_name, u.path, u.note])
    for path, why in skipped_files:  # files in the folders that are not workbooks (counted on 说明)
        sheet.write(["跳过的文件", "", path, why])
    sheet.finish()


def _write_trend_sheet(wb: Any, fmt: dict[str, Any], trend: Trend) -> None:
    cols = (Column("unit", "单位名称", 28), Column("prev_total", "上期总分", 10), Column("total", "本期总分", 10),
            Column("change", "变化", 8), Column("prev_rank", "上期排名", 8), Column("rank", "本期排名", 8),
            Column("prev_grade", "上期等级", 8), Column("grade", "本期等级", 8), Column("status", "情况", 10))
    if trend.prev_period:
        title = f"环比：{trend.period} 与上期 {trend.prev_period} 相比（先列得分下降和未再提交的单位）"
    else:
        title = f"环比：{trend.period} 是历史库中的第一期，没有可比较的上期"
    sheet = _Sheet(wb, fmt, layout.CONS_TREND_SHEET, title, cols,
                   {"prev_total": "score", "total": "score", "change": "score", "prev_rank": "int", "rank": "int"})
    for t in trend.rows:
        sheet.write([t.unit, t.prev_total, t.total, t.change, t.prev_rank, t.rank, t.prev_grade or "",
                     t.grade or "", t.status])
    first, last = sheet.finish()
    if trend.rows:
        for status, colour in (("下降", "#FFC7CE"), ("未再提交", "#FFC7CE"), ("上升", "#C6EFCE")):
            sheet.ws.conditional_format(first, 8, last, 8, {"type": "cell", "criteria": "==",
                                                            "value": f'"{status}"',
                                                            "format": wb.add_format({"bg_color": colour})})


def _write_charts_sheet(wb: Any, fmt: dict[str, Any], cons: Consolidation) -> None:
    ws = wb.add_worksheet(layout.CONS_CHARTS_SHEET)
    name = layout.CONS_CHARTS_SHEET
    ws.set_column(0, 0, 28)
    ws.set_column(1, 3, 12)
    ws.write_string(0, 0, "图表数据（图表引用本表数据）", fmt["title"])
    readable = [u for u in cons.units if u.readable]

    # 1. Grade distribution (rows 3..)
    grades = [g for _, g in layout.GRADE_BANDS]
    counts = [sum(1 for u in readable if u.grade == g) for g in grades]
    unrated = sum(1 for u in readable if not u.grade)
    cats = [*grades, "未评定"]
    vals = [*counts, unrated]
    ws.write_string(2, 0, "等级", fmt["header"])
    ws.write_string(2, 1, "单位数", fmt["header"])
    for i, (c, v) in enumerate(zip(cats, vals, strict=True)):
        ws.write_string(3 + i, 0, c)
        ws.write_number(3 + i, 1, v)
    g_first, g_last = 3, 3 + len(cats) - 1

    # 2. Score by level 1 (average points and average score)
    l1_row = g_last + 3
    ws.write_string(l1_row, 0, "一级指标", fmt["header"])
    ws.write_string(l1_row, 1, "平均分值", fmt["header"])
    ws.write_string(l1_row, 2, "平均得分", fmt["header"])
    l1_w, l1_s = [], []
    for i, l1 in enumerate(layout.LEVEL1):
        w = mean(u.level1.get(l1, (None, None))[0] for u in readable) or 0.0
        s = mean(u.level1.get(l1, (None, None))[1] for u in readable) or 0.0
        l1_w.append(w)
        l1_s.append(s)
        r = l1_row + 1 + i
        ws.write_string(r, 0, l1)
        ws.write_number(r, 1, w, fmt["score"])
        ws.write_number(r, 2, s, fmt["score"])
    l1_first, l1_last = l1_row + 1, l1_row + len(layout.LEVEL1)

    # 3. Total by unit, ranked (at most CHART_MAX_UNITS)
    ranked = [u for u in cons.units if u.ranked][:CHART_MAX_UNITS]
    if not ranked:  # nothing complete yet: show every unit with a total
        ranked = [u for u in readable if u.total is not None][:CHART_MAX_UNITS]
    t_row = l1_last + 3
    ws.write_string(t_row, 0, "单位", fmt["header"])
    ws.write_string(t_row, 1, "总分", fmt["header"])
    ws.write_string(t_row, 2, "排名", fmt["header"])
    for i, u in enumerate(ranked):
        r = t_row + 1 + i
        ws.write_string(r, 0, u.display_name)
        ws.write_number(r, 1, u.total or 0.0, fmt["score"])
        if u.rank is not None:
            ws.write_number(r, 2, u.rank)
    t_first, t_last = t_row + 1, t_row + max(len(ranked), 1)

    def ref(r1: int, c: int, r2: int) -> list[Any]:
        return [name, r1, c, r2, c]

    chart = wb.add_chart({"type": "column"})
    chart.add_series({"name": "单位数", "categories": ref(g_first, 0, g_last), "values": ref(g_first, 1, g_last),
                      "categories_data": cats, "values_data": vals, "data_labels": {"value": True}})
    chart.set_title({"name": "等级分布"})
    chart.set_legend({"none": True})
    chart.set_y_axis({"name": "单位数", "major_gridlines": {"visible": True}})
    ws.insert_chart(2, 4, chart, {"x_scale": 1.2, "y_scale": 1.0})

    chart = wb.add_chart({"type": "column"})
    chart.add_series({"name": "平均分值", "categories": ref(l1_first, 0, l1_last), "values": ref(l1_first, 1, l1_last),
                      "categories_data": list(layout.LEVEL1), "values_data": l1_w})
    chart.add_series({"name": "平均得分", "categories": ref(l1_first, 0, l1_last), "values": ref(l1_first, 2, l1_last),
                      "categories_data": list(layout.LEVEL1), "values_data": l1_s,
                      "data_labels": {"value": True, "num_format": "0.00"}})
    chart.set_title({"name": "各一级指标平均得分"})
    ws.insert_chart(18, 4, chart, {"x_scale": 1.2, "y_scale": 1.0})

    chart = wb.add_chart({"type": "bar"})
    names = [u.display_name for u in ranked]
    totals = [u.total or 0.0 for u in ranked]
    chart.add_series({"name": "总分", "categories": ref(t_first, 0, t_last), "values": ref(t_first, 1, t_last),
                      "categories_data": names, "values_data": totals,
                      "data_labels": {"value": True, "num_format": "0.00"}})
    more = f"（前 {CHART_MAX_UNITS} 名）" if len([u for u in cons.units if u.ranked]) > CHART_MAX_UNITS else ""
    chart.set_title({"name": f"各单位总分（按排名）{more}"})
    chart.set_legend({"none": True})
    chart.set_y_axis({"reverse": True})  # rank 1 at the top
    chart.set_x_axis({"min": 0, "max": 100})
    height = max(1.0, min(len(ranked), CHART_MAX_UNITS) * 20 / 288)
    ws.insert_chart(34, 4, chart, {"x_scale": 1.6, "y_scale": height})
    # Printed on one A4 landscape page: the three charts and their data (a long unit list shrinks).
    page_setup(ws, landscape=True, title=f"{layout.CONS_TITLE}：{name}", one_page=True)


#: 总览's columns: (key, title, width).
OVERVIEW_COLUMNS: tuple[Column, ...] = (
    Column("rank", "排名", 6, input=False), Column("unit", "单位名称", 30, input=False, wrap=True),
    Column("total", "总分", 9, input=False), Column("grade", "等级", 6, input=False),
    Column("rate", "预算执行率", 11, input=False), Column("state", "状态", 20, input=False, wrap=True),
)


def overview_rows(cons: Consolidation) -> list[list[Any]]:
    """总览's rows in 汇总's order: rank, unit, total (none when incomplete), grade, budget
    execution rate, state."""
    rows = []
    for u in cons.units:
        total = u.total if (u.readable and u.complete) else None
        rows.append([u.rank, u.display_name, total, u.grade or "", u.rate if u.readable else None, state_text(u)])
    return rows


def _write_overview_sheet(ws: Any, fmt: dict[str, Any], cons: Consolidation, info: RunInfo) -> None:
    """总览: one A4 portrait page (per ~40 units) a leader can read: rank, unit, total, grade,
    budget execution and what is wrong, under a two-line account of the run."""
    cols = OVERVIEW_COLUMNS
    for i, c in enumerate(cols):
        ws.set_column(i, i, c.width)
    last_col = len(cols) - 1
    ws.merge_range(0, 0, 0, last_col, layout.CONS_TITLE, fmt["big_title"])
    ws.set_row(0, 30)
    readable = [u for u in cons.units if u.readable]
    complete = averaged_units(cons.units)
    tampered = sum(1 for u in readable if "目标被改动" in state_text(u))
    parts = [f"提交工作簿 {len(cons.units) + len(cons.duplicates)} 个，计入汇总的单位 {len(readable)} 个，"
             f"其中自评完整 {len(complete)} 个"]
    if cons.roster_file is not None:
        parts.append(f"名册中未提交 {sum(1 for e in cons.missing)} 个")
    if info.baseline:
        parts.append(f"目标被改动 {tampered} 个")
    avg = mean(u.total for u in complete)
    if avg is not None:
        parts.append(f"平均总分 {avg:.2f}（{len(complete)} 个自评完整的单位）")
    when = f"生成时间 {info.generated}" + (f"，期间 {info.period}" if info.period else "")
    line = "；".join(parts) + "。" + when + "。"
    ws.merge_range(1, 0, 1, last_col, line, fmt["subtitle"])
    ws.set_row(1, row_height([(line, sum(c.width for c in cols))]))
    hr = 3
    for i, c in enumerate(cols):
        ws.write_string(hr, i, c.title, fmt["header"])
    ws.set_row(hr, 20)
    cell_fmts = [fmt["cell_int"], fmt["cell_wrap"], fmt["cell_score"], fmt["cell_center"], fmt["cell_pct"],
                 fmt["cell_wrap"]]
    r = hr + 1
    for values in overview_rows(cons):
        ws.set_row(r, row_height([(values[1], cols[1].width), (values[5], cols[5].width)], minimum=18))
        for c, v in enumerate(values):
            if v is None or v == "":
                ws.write_blank(r, c, None, cell_fmts[c])
            elif isinstance(v, str):
                ws.write_string(r, c, v, cell_fmts[c])
            else:
                ws.write_number(r, c, v, cell_fmts[c])
        r += 1
    if cons.units:
        for grade in GRADE_COLOURS:
            ws.conditional_format(hr + 1, 3, r - 1, 3, {"type": "cell", "criteria": "==", "value": f'"{grade}"',
                                                        "format": fmt[f"grade:{grade}"]})
    r += 1
    notes = ["说明：总分、等级和排名只给自评完整的单位；预算执行率 = 全年执行数 ÷ 全年预算数。状态："]
    notes += [f"{k}：{v}。" for k, v in STATE_HELP.items()]
    notes.append(f"各单位的得分明细见“{layout.CONS_SUMMARY_SHEET}”，每个问题见“{layout.CONS_FINDINGS_SHEET}”。")
    for text in notes:
        ws.merge_range(r, 0, r, last_col, text, fmt["note"])
        ws.set_row(r, row_height([(text, sum(c.width for c in cols))], font_size=9))
        r += 1
    page_setup(ws, landscape=False, title=layout.CONS_TITLE, widths=[c.width for c in cols], header_row=hr)
    ws.freeze_panes(hr + 1, 0)


#: Skipped files named one per row on 说明 (the rest are counted).
def _write_about_sheet(wb: Any, fmt: dict[str, Any], cons: Consolidation, info: RunInfo, findings: int) -> None:
    ws = wb.add_worksheet(layout.CONS_ABOUT_SHEET)
    ws.set_column(0, 0, 22)
    ws.set_column(1, 1, 100)
    ws.write_string(0, 0, "说明", fmt["title"])
    unreadable = sum(1 for u in cons.units if not u.readable)
    ranked = sum(1 for u in cons.units if u.ranked)
    skipped = "；".join(f"{reason} {n} 个" for reason, n in sorted(info.skipped.items())) or "无"
    rows: list[tuple[str, str]] = [
        ("生成时间", info.generated),
        ("工具版本", f"xlsxtools {info.tool_version}"),
        ("读取的文件夹", "；".join(info.folders)),
        ("找到的工作簿", f"{info.files} 个"),
        ("跳过的文件", skipped + (f"（逐个列在“{layout.CONS_MISSING_SHEET}”中）" if info.skipped_files else "")),
        ("无法读取的工作簿", f"{unreadable} 个（见“{layout.CONS_SUMMARY_SHEET}”中状态为“无法读取”的行）"),
        ("重复提交（未计入）", f"{len(cons.duplicates)} 个"),
        ("计入汇总的单位", f"{sum(1 for u in cons.units if u.readable)} 个，其中参与排名 {ranked} 个"),
        ("问题总数", f"{findings} 条（见“{layout.CONS_FINDINGS_SHEET}”）"),
        ("扣分步长方式", info.step_mode_label),
        ("分值要求", info.expectations),
        ("配置文件", info.config_source or "未使用（默认设置）"),
        ("名册", info.roster or "未提供"),
        ("核定基线", info.baseline or "未提供（未核对目标是否被改动）"),
        ("历史库", f"{info.history}（期间 {info.period}）" if info.history else "未使用"),
        ("并行进程数", str(info.jobs)),
        ("排名规则", "自评完整（每个指标都有得分、预算执行可计分）的单位按总分从高到低排名，总分相同名次相同；"
                     "同分单位按单位名称、文件路径排列。自评不完整的单位不参与排名，列在已排名单位之后。"),
        ("重复提交", "同一单位（名称按全半角、空格、标点忽略后比较）提交多个工作簿时，以修改时间最新的为准"
                     "（时间相同按路径排序取第一个），其余列入“未提交”表，不计入汇总。"),
        ("等级", "90 分及以上为优，80–90 分为良，60–80 分为中，60 分以下为差。"),
    ]
    rows += [("状态", "；".join(f"{k}：{v}" for k, v in STATE_HELP.items()) + "。可同时有多项，按严重程度排列。"),
             ("合计行", totals_label(cons.units) + "。平均值按四舍五入保留两位小数，与各项得分相同。")]
    rows += [("备注", n) for n in info.notes]
    rows += [("读取限制", info.limits)] if info.limits else []
    for i, (k, v) in enumerate(rows, start=2):
        ws.set_row(i, row_height([(k, 22), (v, 100)]))
        ws.write_string(i, 0, k, fmt["bold_top"])
        ws.write_string(i, 1, v, fmt["wrap"])
    page_setup(ws, landscape=True, title=f"{layout.CONS_TITLE}：{layout.CONS_ABOUT_SHEET}", widths=[22, 100])


def _write_lists_sheet(wb: Any) -> None:
    """Hidden marker sheet: tells readers this is a summary, not a unit workbook."""
    ws = wb.add_worksheet(layout.LISTS_SHEET)
    ws.write_string(0, 0, layout.VERSION_MARKER)
    ws.write_string(0, 1, layout.LAYOUT_VERSION)
    ws.write_string(0, 2, layout.KIND_SUMMARY)
    ws.hide()


class SummaryWriter:
    """The summary workbook, written in two phases.

    Opening it adds 汇总 (filled by :meth:`finish`), 指标明细 and 问题清单. While the workers are
    still reading, :meth:`add_detail` appends a unit's rendered indicator rows (units in
    :func:`detail_order`) and :meth:`add_findings` a workbook's own findings (workbooks in
    :func:`findings_order`) to those sheets' spools; :meth:`finish` adds whatever was not streamed,
    writes every other sheet with XlsxWriter (in memory) and splices the spooled rows in as it
    writes the file. :meth:`close` without :meth:`finish` abandons the summary.
    """

    def __init__(self, path: str | Path, *, constant_memory: bool, tool_version: str = "") -> None:
        import io

        import xlsxwriter

        self.path = Path(path)
        self.package = io.BytesIO()
        self.wb = xlsxwriter.Workbook(self.package, {
            "constant_memory": constant_memory, "strings_to_formulas": False, "strings_to_urls": False,
            "strings_to_numbers": False})
        self.closed = False
        self.row_sheets: list[_RowSheet] = []
        try:
            self.wb.set_properties({"title": layout.CONS_TITLE, "comments": f"xlsxtools {tool_version}"})
            self.fmt = _formats(self.wb)
            self.overview = self.wb.add_worksheet(layout.CONS_OVERVIEW_SHEET)
            self.summary = _summary_sheet(self.wb, self.fmt)
            self.detail = _detail_sheet(self.wb, self.fmt)
            self.row_sheets.append(self.detail)
            self.findings = _findings_sheet(self.wb, self.fmt)
            self.row_sheets.append(self.findings)
        except BaseException:
            self.close()
            raise
        #: What the reader of the summary must know about it (rows past a sheet's end), set by finish.
        self.notes: list[str] = []
        #: Units whose rows are on 指标明细 / whose own findings are on 问题清单 so far, in order.
        self.detail_units: list[UnitResult] = []
        self.finding_units: list[UnitResult] = []

    def add_detail(self, u: UnitResult, rows: Iterable[bytes]) -> None:
        self.detail.add(rows)
        self.detail_units.append(u)

    def add_findings(self, u: UnitResult, rows: Iterable[bytes]) -> None:
        self.findings.add(rows)
        self.finding_units.append(u)

    def fits(self, cons: Consolidation) -> bool:
        """Whether what was streamed so far starts the sheets' final order (false when a unit on
        指标明细 turned out to be a superseded duplicate: then the summary must be written afresh)."""
        return _is_prefix(self.detail_units, detail_order(cons.units)) and \
            _is_prefix(self.finding_units, findings_order(cons))

    def finish(self, cons: Consolidation, load_rows: Callable[[UnitResult], Rows],
               info: RunInfo, trend: Trend | None = None) -> None:
        """Write the rest and the file; ``load_rows`` gives the :func:`render_rows` of a unit whose
        rows were not streamed."""
        try:
            if not self.fits(cons):
                raise ValueError("汇总表中已写入的单位与汇总结果不符（内部错误）")
            for u in detail_order(cons.units)[len(self.detail_units):]:
                self.add_detail(u, load_rows(u)[0])
            for u in findings_order(cons)[len(self.finding_units):]:
                self.add_findings(u, load_rows(u)[1])
            wb, fmt = self.wb, self.fmt
            self.detail.finish()
            n = _write_findings_sheet(self.findings, wb, cons)
            _write_summary_rows(self.summary, fmt, cons)
            _write_overview_sheet(self.overview, fmt, cons, info)
            _write_missing_sheet(wb, fmt, cons, info.skipped_files)
            _write_charts_sheet(wb, fmt, cons)
            if trend is not None:
                _write_trend_sheet(wb, fmt, trend)
            from xlsxtools.consolidate.monitoring_sheet import write_monitoring_sheets

            write_monitoring_sheets(wb, fmt, cons, info)
            cut = [f"“{s.name}”超出工作表的最大行数（{s.rows.max_row:,} 行），其后 {s.rows.dropped:,} 行未列出"
                   for s in self.row_sheets if s.rows.dropped]
            if cut:
                info = dataclasses.replace(info, notes=[*info.notes, *cut])
            self.notes = cut
            _write_about_sheet(wb, fmt, cons, info, n + self.findings.rows.dropped)
            _write_lists_sheet(wb)
            self.closed = True
            wb.close()
            self.package.seek(0)
            splice(self.package, str(self.path), {s.name: s.rows for s in self.row_sheets})
        finally:
            self.close()

    def close(self) -> None:
        """Release the spools and the in-memory package (abandons the summary unless finished)."""
        if not self.closed:
            self.closed = True
            self.wb.close()
        for s in self.row_sheets:
            s.rows.close()
        self.package = None  # type: ignore[assignment]


def _is_prefix(done: list[UnitResult], order: list[UnitResult]) -> bool:
    return len(order) >= len(done) and all(a is b for a, b in zip(done, order, strict=False))


def write_summary(out: str | Path, cons: Consolidation, load_detail: Callable[[UnitResult], UnitDetail],
                  info: RunInfo, trend: Trend | None = None) -> Path:
    """Write the summary workbook atomically to ``out``; an existing file is replaced only on success."""
    out = Path(out)
    constant_memory = sum(u.indicator_count for u in cons.units) > CONSTANT_MEMORY_ROWS
    with atomic_path(out) as tmp:
        SummaryWriter(tmp, constant_memory=constant_memory, tool_version=info.tool_version).finish(
            cons, lambda u: render_rows(u, load_detail(u)), info, trend)
    return out
