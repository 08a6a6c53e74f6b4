"""The unit template workbook, built with openpyxl entirely from ``xlsxtools.layout``.

Sheets: 目标表 (header block, indicator grid, footer), 实际完成 (budget band and the grid whose
first columns are linked row for row to 目标表), 运行监控 (mid-year monitoring, linked the same
way), 检查结果 (report), 导入 (paste area) and the hidden
lists sheet feeding the dropdowns. Data validation comes from the plan in ``xlsxtools.validation``.

Protection: every sheet is protected and the workbook structure is locked with
``layout.PROTECTION_PASSWORD``; input cells are unlocked. This is a *convenience lock* that stops
accidental edits of titles and formulas. It is not security: the password is published in the
layout module and anyone can remove it. Tampering is caught by comparing with the approved
baseline, never by the lock.

Builds are deterministic: the document timestamps are fixed and the zip package is normalised,
so the same inputs give the same bytes.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import zipfile
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xlsxtools import layout
from xlsxtools.atomic import atomic_path
from xlsxtools.normalize import clean, parse_number
from xlsxtools.textwidth import line_count
from xlsxtools.validation import actual_choices_for_rules, plan_validations
from xlsxtools.workbook.dropdowns import apply_validations, write_lists_sheet

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

    from xlsxtools.model import TargetTable

#: Fixed document timestamp (created = modified) so that builds are reproducible.
BUILD_TIMESTAMP = datetime(2026, 1, 1, 0, 0, 0)
#: Fixed zip entry timestamp.
ZIP_DATE_TIME = (1980, 1, 1, 0, 0, 0)
CREATOR = "xlsxtools"

HEADER_FILL = "D9D9D9"  # grid header
LINKED_FILL = "F2F2F2"  # cells filled by formula or by xlsxtools (locked)
LINE_HEIGHT = 13.5  # points per text line at FONT_SIZE
TEXT_COLUMN_FORMAT = "@"



# ---------------------------------------------------------------------------------------------
# Styles
# ---------------------------------------------------------------------------------------------


class _Styles:
    """The few styles of the form (created once per build)."""

    def __init__(self) -> None:
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side

        thin = Side(style="thin", color="000000")
        self.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        self.underline = Border(bottom=thin)
        self.body = Font(name=layout.FONT_BODY, size=layout.FONT_SIZE)
        self.bold = Font(name=layout.FONT_TITLE, size=layout.FONT_SIZE)
        self.title = Font(name=layout.FONT_TITLE, size=layout.FONT_SIZE_TITLE)
        self.header_fill = PatternFill("solid", fgColor=HEADER_FILL)
        self.linked_fill = PatternFill("solid", fgColor=LINKED_FILL)
        self.center = Alignment(horizontal="center", vertical="center", wrap_text=True)
        self.left = Alignment(horizontal="left", vertical="center", wrap_text=False)
        self.left_wrap = Alignment(horizontal="left", vertical="center", wrap_text=True)
        self.top_wrap = Alignment(horizontal="left", vertical="top", wrap_text=True)
        self.unlocked = Protection(locked=False)
        self.locked = Protection(locked=True)


def _cell_range(first_col: str, row: int, last_col: str, last_row: int | None = None) -> str:
    return f"{first_col}{row}:{last_col}{last_row or row}"


def _style_range(ws: Worksheet, ref: str, **attrs: Any) -> None:
    from openpyxl.utils import range_boundaries

    min_col, min_row, max_col, max_row = range_boundaries(ref)
    for row in ws.iter_rows(min_row=min_row, max_row=max_row, min_col=min_col, max_col=max_col):
        for cell in row:
            for k, v in attrs.items():
                setattr(cell, k, v)


def _merge(ws: Worksheet, first_col: str, row: int, last_col: str, *, border: Any = None) -> None:
    ref = _cell_range(first_col, row, last_col)
    if first_col != last_col:
        ws.merge_cells(ref)
    if border is not None:
        _style_range(ws, ref, border=border)


def _width_between(widths: dict[str, float], first: str, last: str) -> float:
    return sum(widths.get(layout.col_letter(i), 8.43) for i in range(layout.col_index(first), layout.col_index(last) + 1))


def _height(texts_widths: list[tuple[str, float]], minimum: float = 18.0) -> float | None:
    """Row height for the longest wrapped text of a row, or None when the default fits."""
    lines = max((line_count(t, w) for t, w in texts_widths if t), default=0)
    if lines <= 1:
        return None
    return max(minimum, round(lines * LINE_HEIGHT + 4, 1))


def write_text(cell: Any, value: Any) -> None:
    """Write a value; strings are always text (a leading "=" never becomes a formula)."""
    from xlsxtools.xmlsafe import cell_value

    value = cell_value(value)  # no XML-illegal characters, no number openpyxl cannot store
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"


def _number_or_text(text: str) -> Any:
    """A plain number typed as text → int/float (so Excel sees a number); anything else as is."""
    s = clean(text)
    num = parse_number(s)
    if num is None or not re.fullmatch(r"[+-]?\d+(\.\d+)?", s):
        return text
    return int(num) if num == num.to_integral_value() else float(num)


def _protect(ws: Worksheet, **allow: bool) -> None:
    """Protect a sheet with the layout password; ``allow`` lifts single restrictions
    (e.g. insertRows=True lets users insert rows)."""
    from openpyxl.worksheet.protection import SheetProtection

    prot = SheetProtection(sheet=True)
    for k, v in allow.items():
        setattr(prot, k, not v)  # the OOXML flags are "is protected"
    prot.password = layout.PROTECTION_PASSWORD
    ws.protection = prot


def _page_setup(ws: Worksheet, last_col: str, last_row: int, header_row: int) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.print_area = f"A1:{last_col}{last_row}"
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"


# ---------------------------------------------------------------------------------------------
# Sheets
# ---------------------------------------------------------------------------------------------


def _grid_size(table: TargetTable | None, grid_rows: int | None) -> int:
    if grid_rows is not None:
        need = len(table.indicators) if table else 0
        return max(grid_rows, need, 1)
    if table is None:
        return layout.DEFAULT_GRID_ROWS
    return max(len(table.indicators) + layout.SPARE_ROWS, layout.DEFAULT_GRID_ROWS)


def _title(ws: Worksheet, st: _Styles, text: str, last_col: str) -> None:
    c = ws[f"A{layout.TITLE_ROW}"]
    c.value = text
    c.font = st.title
    c.alignment = st.center
    _merge(ws, "A", layout.TITLE_ROW, last_col)
    ws.row_dimensions[layout.TITLE_ROW].height = 32


def _title_cell(cell: Any, st: _Styles, title: str) -> None:
    """A shaded, bold, centred, bordered title cell (grid headers, the budget band)."""
    cell.value = title
    cell.font = st.bold
    cell.fill = st.header_fill
    cell.alignment = st.center
    cell.border = st.border


def _grid_header(ws: Worksheet, st: _Styles, columns: tuple[layout.Column, ...], row: int) -> None:
    for i, col in enumerate(columns, start=1):
        _title_cell(ws[f"{layout.col_letter(i)}{row}"], st, col.title)
    ws.row_dimensions[row].height = 30


def _targets_sheet(wb: Workbook, st: _Styles, n: int, table: TargetTable | None) -> None:
    ws = wb.create_sheet(layout.TARGETS_SHEET)
    cols = layout.TARGET_COLUMNS
    last_col = layout.col_letter(len(cols))
    widths = {layout.col_letter(i): c.width for i, c in enumerate(cols, start=1)}
    for letter, w in widths.items():
        ws.column_dimensions[letter].width = w
    _title(ws, st, layout.TARGETS_TITLE, last_col)

    # Header block: label (A:B), value (C:last).
    label_end = layout.col_letter(layout.col_index(layout.HEADER_VALUE_COL) - 1)
    value_width = _width_between(widths, layout.HEADER_VALUE_COL, last_col)
    for f in layout.HEADER_FIELDS:
        row = layout.HEADER_ROW[f.key]
        label = ws[f"{layout.HEADER_LABEL_COL}{row}"]
        label.value = f.title
        label.font = st.bold
        label.alignment = st.center
        _merge(ws, layout.HEADER_LABEL_COL, row, label_end, border=st.border)
        value = ws[f"{layout.HEADER_VALUE_COL}{row}"]
        value.font = st.body
        value.alignment = st.left_wrap if f.key in ("duties", "goals") else st.left
        value.protection = st.unlocked
        if f.key != "year":
            value.number_format = TEXT_COLUMN_FORMAT
        _merge(ws, layout.HEADER_VALUE_COL, row, last_col, border=st.border)
        ws.row_dimensions[row].height = 22
        if f.key in ("duties", "goals"):
            ws.row_dimensions[row].height = 48
        if table is not None:
            text = getattr(table.unit, f.key, "")
            if text:
                write_text(value, _number_or_text(text) if f.key == "year" else text)
                h = _height([(text, value_width)])
                if h is not None:
                    ws.row_dimensions[row].height = max(h, ws.row_dimensions[row].height or 0)

    # Grid.
    _grid_header(ws, st, cols, layout.TARGET_HEADER_ROW)
    first = layout.TARGET_FIRST_ROW
    centered = {"level1", "level2", "type", "target", "unit"}
    for r in range(first, first + n):
        for i, col in enumerate(cols, start=1):
            c = ws[f"{layout.col_letter(i)}{r}"]
            c.font = st.body
            c.border = st.border
            c.alignment = st.center if col.key in centered else st.left_wrap
            c.protection = st.unlocked if col.input else st.locked
            if col.key != "target":
                c.number_format = TEXT_COLUMN_FORMAT
    if table is not None:
        for k, ind in enumerate(table.indicators):
            r = first + k
            row_texts = []
            for i, col in enumerate(cols, start=1):
                text = getattr(ind, col.key, "")
                if not text:
                    continue
                value = _number_or_text(text) if col.key == "target" and ind.is_quantitative else text
                write_text(ws[f"{layout.col_letter(i)}{r}"], value)
                row_texts.append((str(text), col.width))
            h = _height(row_texts)
            if h is not None:
                ws.row_dimensions[r].height = h

    # Footer.
    pos = layout.footer_position(n)
    slots = layout.FOOTER_SLOTS
    for j, f in enumerate(layout.FOOTER_FIELDS):
        label_ref, value_ref = pos[f.key]
        row = int(label_ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
        slot = j % len(slots)
        label_col, value_col = slots[slot]
        value_end = layout.col_letter(layout.col_index(slots[slot + 1][0]) - 1) if slot + 1 < len(slots) else last_col
        label = ws[label_ref]
        label.value = f.title
        label.font = st.bold
        label.alignment = st.left
        _merge(ws, label_col, row, layout.col_letter(layout.col_index(value_col) - 1))
        value = ws[value_ref]
        value.font = st.body
        value.alignment = st.left
        value.protection = st.unlocked
        if f.key != "date":
            value.number_format = TEXT_COLUMN_FORMAT
        _merge(ws, value_col, row, value_end, border=st.underline)
        ws.row_dimensions[row].height = 24
        if table is not None:
            text = getattr(table.unit, f.key, "")
            if text:
                write_text(value, text)
    last_row = max(int(v.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")) for _, v in pos.values())

    ws.freeze_panes = f"A{first}"
    _page_setup(ws, last_col, last_row, layout.TARGET_HEADER_ROW)
    _protect(ws, insertRows=True, formatRows=True, formatColumns=True)


def _ref(sheet: str, cell: str) -> str:
    from openpyxl.utils import quote_sheetname

    return f"{quote_sheetname(sheet)}!{cell}"


def _link(sheet: str, cell: str) -> str:
    ref = _ref(sheet, cell)
    return f'=IF({ref}="","",{ref})'


def _budget_band(ws: Any, st: _Styles, fields: Sequence[Any], cols: Mapping[str, str], title_row: int,
                 value_row: int, input_keys: Sequence[str], computed_format: str | None) -> None:
    """The budget band of a sheet linked to 目标表 (实际完成, 运行监控): titles, and the values
    directly below: typed ones unlocked as 0.00, the others grey; the execution rate a formula."""
    for f in fields:
        _title_cell(ws[f"{cols[f.key]}{title_row}"], st, f.title)
        v = ws[f"{cols[f.key]}{value_row}"]
        v.font = st.body
        v.border = st.border
        v.alignment = st.center
        if f.key in input_keys:
            v.protection = st.unlocked
            v.number_format = "0.00"
        else:
            v.fill = st.linked_fill
            if computed_format is not None:
                v.number_format = computed_format
    budget, spent = (f"{cols[k]}{value_row}" for k in ("budget", "spent"))
    ws[f"{cols['rate']}{value_row}"].value = f'=IF(OR({budget}="",{spent}=""),"",IFERROR({spent}/{budget},""))'
    ws.row_dimensions[title_row].height = 30


def _linked_sheet_head(wb: Workbook, st: _Styles, name: str, title: str, cols: Sequence[layout.Column],
                       budget_width: int, label_cell: str, value_cell: str) -> tuple[Any, str]:
    """A sheet linked to 目标表 (实际完成, 运行监控): column widths, the title, and the unit name
    linked to 目标表's. Returns the sheet and its last column letter."""
    ws = wb.create_sheet(name)
    last_col = layout.col_letter(max(len(cols), budget_width))
    for i, c in enumerate(cols, start=1):
        ws.column_dimensions[layout.col_letter(i)].width = c.width
    _title(ws, st, title, last_col)
    label = ws[label_cell]
    label.value = layout.HEADER_FIELDS[0].title
    label.font = st.bold
    label.alignment = st.center
    lcol = label_cell.rstrip("0123456789")
    vcol = value_cell.rstrip("0123456789")
    urow = int(value_cell[len(vcol):])
    _merge(ws, lcol, urow, layout.col_letter(layout.col_index(vcol) - 1), border=st.border)
    value = ws[value_cell]
    value.value = _link(layout.TARGETS_SHEET, f"{layout.HEADER_VALUE_COL}{layout.HEADER_ROW['name']}")
    value.font = st.body
    value.alignment = st.left
    value.fill = st.linked_fill
    _merge(ws, vcol, urow, last_col, border=st.border)
    ws.row_dimensions[urow].height = 22
    return ws, last_col


def _fit_linked_heights(ws: Any, cols: Sequence[layout.Column], first: int, table: TargetTable | None) -> None:
    """Rows of a sheet linked to 目标表 tall enough for every linked text (a deadline, a long level 2 …)."""
    if table is None:
        return
    widths = {c.key: c.width for c in cols}
    for k, ind in enumerate(table.indicators):
        texts = [(str(getattr(ind, key) or ""), widths[key]) for key in ("level1", "level2", "name", "type",
                                                                             "target", "unit")]
        h = _height(texts)
        if h is not None:
            ws.row_dimensions[first + k].height = h


def _actuals_sheet(wb: Workbook, st: _Styles, n: int, table: TargetTable | None) -> None:
    cols = layout.ACTUAL_COLUMNS
    ws, last_col = _linked_sheet_head(wb, st, layout.ACTUALS_SHEET, layout.ACTUALS_TITLE, cols,
                                      len(layout.BUDGET_FIELDS), layout.ACTUALS_UNIT_LABEL_CELL,
                                      layout.ACTUALS_UNIT_VALUE_CELL)

    # Budget and totals band: titles, values directly below.
    _budget_band(ws, st, layout.BUDGET_FIELDS, layout.BUDGET_COL, layout.BUDGET_TITLE_ROW,
                 layout.BUDGET_VALUE_ROW, layout.BUDGET_INPUT_KEYS, computed_format=None)
    ws[f"{layout.BUDGET_COL['rate']}{layout.BUDGET_VALUE_ROW}"].number_format = "0.00%"
    ws.row_dimensions[layout.BUDGET_VALUE_ROW].height = 42  # three lines: why a total is missing (writeback)

    # Grid: the first columns linked row for row to 目标表.
    _grid_header(ws, st, cols, layout.ACTUAL_HEADER_ROW)
    first = layout.ACTUAL_FIRST_ROW
    offset = layout.TARGET_FIRST_ROW - first
    centered = {"level1", "level2", "type", "target", "unit", "actual", "weight", "score"}
    for r in range(first, first + n):
        for i, col in enumerate(cols, start=1):
            letter = layout.col_letter(i)
            c = ws[f"{letter}{r}"]
            c.font = st.body
            c.border = st.border
            c.alignment = st.center if col.key in centered else st.left_wrap
            if col.input:
                c.protection = st.unlocked
                if col.key != "actual":
                    c.number_format = TEXT_COLUMN_FORMAT
            else:
                c.protection = st.locked
                c.fill = st.linked_fill
                if col.key in layout.TARGET_COL:
                    c.value = _link(layout.TARGETS_SHEET, f"{layout.TARGET_COL[col.key]}{r + offset}")
    _fit_linked_heights(ws, cols, first, table)

    ws.freeze_panes = f"A{first}"
    _page_setup(ws, last_col, first + n - 1, layout.ACTUAL_HEADER_ROW)
    _protect(ws, formatRows=True, formatColumns=True)


def _monitoring_sheet(wb: Workbook, st: _Styles, n: int, table: TargetTable | None) -> None:
    """运行监控 (mid-year monitoring): the budget band with the time schedule and, per indicator
    linked row for row to 目标表, the progress so far, the expected year-end value, the deviation
    cause, the likelihood of meeting the target and the explanation with corrective measures."""
    cols = layout.MONITOR_COLUMNS
    ws, last_col = _linked_sheet_head(wb, st, layout.MONITOR_SHEET, layout.MONITOR_TITLE, cols,
                                      len(layout.MONITOR_BUDGET_FIELDS), layout.MONITOR_UNIT_LABEL_CELL,
                                      layout.MONITOR_UNIT_VALUE_CELL)

    vrow = layout.MONITOR_BUDGET_VALUE_ROW
    bcol = layout.MONITOR_BUDGET_COL
    _budget_band(ws, st, layout.MONITOR_BUDGET_FIELDS, bcol, layout.MONITOR_BUDGET_TITLE_ROW, vrow,
                 layout.MONITOR_BUDGET_INPUT_KEYS, computed_format="0.00%")
    ws[f"{bcol['period']}{vrow}"].number_format = TEXT_COLUMN_FORMAT
    period = f"{bcol['period']}{vrow}"
    ws[f"{bcol['schedule']}{vrow}"].value = f'=IF({period}="","",IFERROR(MATCH({period},{layout.NAME_PERIODS},0)/12,""))'
    ws.row_dimensions[vrow].height = 22

    _grid_header(ws, st, cols, layout.MONITOR_HEADER_ROW)
    first = layout.MONITOR_FIRST_ROW
    offset = layout.TARGET_FIRST_ROW - first
    centered = {"level1", "level2", "type", "target", "unit", "progress", "expected", "cause", "likelihood"}
    for r in range(first, first + n):
        for i, col in enumerate(cols, start=1):
            c = ws[f"{layout.col_letter(i)}{r}"]
            c.font = st.body
            c.border = st.border
            c.alignment = st.center if col.key in centered else st.left_wrap
            if col.input:
                c.protection = st.unlocked
                if col.key in ("cause", "likelihood", "measures"):
                    c.number_format = TEXT_COLUMN_FORMAT
            else:
                c.protection = st.locked
                c.fill = st.linked_fill
                c.value = _link(layout.TARGETS_SHEET, f"{layout.TARGET_COL[col.key]}{r + offset}")
    _fit_linked_heights(ws, cols, first, table)

    ws.freeze_panes = f"A{first}"
    _page_setup(ws, last_col, first + n - 1, layout.MONITOR_HEADER_ROW)
    _protect(ws, formatRows=True, formatColumns=True)


def _report_sheet(wb: Workbook, st: _Styles) -> None:
    ws = wb.create_sheet(layout.REPORT_SHEET)
    cols = layout.REPORT_COLUMNS
    last_col = layout.col_letter(len(cols))
    for i, c in enumerate(cols, start=1):
        ws.column_dimensions[layout.col_letter(i)].width = c.width
    _title(ws, st, layout.REPORT_TITLE, last_col)
    summary = ws[layout.REPORT_SUMMARY_CELL]
    summary.value = "尚未检查：点击功能区的“检查”按钮，或运行 xlsxtools check。"
    summary.font = st.body
    summary.alignment = st.left
    srow = int(layout.REPORT_SUMMARY_CELL.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    _merge(ws, layout.REPORT_SUMMARY_CELL.rstrip("0123456789"), srow, last_col)
    _grid_header(ws, st, cols, layout.REPORT_HEADER_ROW)
    # Every column's cells wrap and sit at the top (a long message takes several lines; Excel gives
    # a cell written later the style of its column).
    for i in range(1, len(cols) + 1):
        ws.column_dimensions[layout.col_letter(i)].alignment = st.top_wrap
    ws.freeze_panes = f"A{layout.REPORT_FIRST_ROW}"
    _page_setup(ws, last_col, layout.REPORT_FIRST_ROW, layout.REPORT_HEADER_ROW)
    ws.print_area = None
    _protect(ws, formatRows=True, formatColumns=True, autoFilter=True, sort=True)


def _import_sheet(wb: Workbook, st: _Styles) -> None:
    ws = wb.create_sheet(layout.IMPORT_SHEET)
    last_col = layout.col_letter(layout.IMPORT_COLUMNS)
    for i in range(1, layout.IMPORT_COLUMNS + 1):
        ws.column_dimensions[layout.col_letter(i)].width = 14
    _title(ws, st, layout.IMPORT_TITLE, last_col)
    note = ws[layout.IMPORT_INSTRUCTION_CELL]
    note.value = layout.IMPORT_INSTRUCTION
    note.font = st.body
    note.alignment = st.top_wrap
    nrow = int(layout.IMPORT_INSTRUCTION_CELL.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    _merge(ws, layout.IMPORT_INSTRUCTION_CELL.rstrip("0123456789"), nrow, last_col)
    ws.row_dimensions[nrow].height = 42
    first = layout.IMPORT_FIRST_ROW
    for r in range(first, first + layout.IMPORT_ROWS):
        for i in range(1, layout.IMPORT_COLUMNS + 1):
            ws[f"{layout.col_letter(i)}{r}"].protection = st.unlocked
    # Printed like the other sheets: A4 landscape, one page wide, the instructions on every page.
    _page_setup(ws, last_col, first + layout.IMPORT_ROWS - 1, nrow)
    ws.print_area = None
    _protect(ws, formatCells=True, formatRows=True, formatColumns=True, insertRows=True, deleteRows=True)


def build_unit_workbook(table: TargetTable | None = None, grid_rows: int | None = None) -> Workbook:
    """The unit workbook as an openpyxl Workbook (not saved).

    Blank template when ``table`` is None (``layout.DEFAULT_GRID_ROWS`` grid rows). With a table,
    the header, grid and footer are filled from it and the grid has ``len(indicators) +
    layout.SPARE_ROWS`` rows (at least the default). Every string is written as text; plain
    numbers in 年度 and in quantitative 指标值 are written as numbers. ``grid_rows`` forces the
    grid size (never below the number of indicators).
    """
    from openpyxl import Workbook
    from openpyxl.workbook.protection import WorkbookProtection

    n = _grid_size(table, grid_rows)
    st = _Styles()
    wb = Workbook()
    wb.remove(wb.active)
    _targets_sheet(wb, st, n, table)
    _actuals_sheet(wb, st, n, table)
    _monitoring_sheet(wb, st, n, table)
    _report_sheet(wb, st)
    _import_sheet(wb, st)
    lists = write_lists_sheet(wb, layout.KIND_UNIT)
    _protect(lists)

    choices = actual_choices_for_rules([i.rule_text for i in table.indicators]) if table else {}
    apply_validations(wb, plan_validations(n, actual_choices=choices))

    for ws in wb.worksheets:
        ws.sheet_properties.codeName = layout.SHEET_CODENAMES.get(ws.title)
    wb.security = WorkbookProtection(workbookPassword=layout.PROTECTION_PASSWORD, lockStructure=True)
    wb.active = 0
    wb.properties.creator = CREATOR
    wb.properties.lastModifiedBy = CREATOR
    wb.properties.title = layout.TARGETS_TITLE
    wb.properties.created = BUILD_TIMESTAMP
    wb.properties.modified = BUILD_TIMESTAMP
    return wb


# ---------------------------------------------------------------------------------------------
# Packaging and writing
# ---------------------------------------------------------------------------------------------


def normalize_package(src: Path, dst: Path) -> None:
    """Copy an openpyxl-saved package with fixed timestamps (zip entries and docProps/core.xml's
    modified date, which openpyxl sets to "now" on save), so builds are reproducible."""
    stamp = BUILD_TIMESTAMP.strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                              rb"\g<1>" + stamp.encode() + rb"\g<2>", data)
            out = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE_TIME)
            out.compress_type = zipfile.ZIP_DEFLATED
            out.external_attr = 0o644 << 16
            zout.writestr(out, data)


def package_workbook(wb: Workbook, dst: Path, kind: str = layout.KIND_UNIT,
                     conf: Mapping[str, Any] | None = None) -> None:
    """The single place where a built workbook becomes a file (atomically).

    For .xlsm: the very hidden xlwings.conf sheet (``conf`` overrides its interpreter settings, see
    ``xlsxtools.vba.package.DEFAULT_CONF``), then the VBA project and the ribbon. Other suffixes
    (.xlsx) are written as plain workbooks.
    """
    from xlsxtools.vba.package import add_conf_sheet, package_xlsm
    from xlsxtools.vba.server import server_url

    macro = dst.suffix.lower() == ".xlsm"
    if macro:
        add_conf_sheet(wb, conf)
        _protect(wb[layout.XLWINGS_CONF_SHEET])  # every sheet is locked, the conf sheet too
    with tempfile.TemporaryDirectory(prefix="xlsxtools-build-") as tmp:
        raw = Path(tmp) / "raw.xlsx"
        wb.save(raw)
        norm = Path(tmp) / f"normalized{dst.suffix}"
        normalize_package(raw, norm)
        with atomic_path(dst) as out:
            if macro:
                package_xlsm(norm, out, kind, server=server_url(conf) is not None)
            else:
                shutil.copyfile(norm, out)


def write_unit_workbook(table: TargetTable | None, out_path: str | Path, grid_rows: int | None = None, *,
                        conf: Mapping[str, Any] | None = None) -> Path:
    """Build the unit workbook for ``table`` (blank when None) and write it to ``out_path``
    (.xlsm: macro-enabled with VBA, ribbon and the xlwings.conf sheet; .xlsx: plain), atomically."""
    out = Path(out_path)
    package_workbook(build_unit_workbook(table, grid_rows), out, layout.KIND_UNIT, conf)
    return out


def build_templates(out_dir: str | Path, conf: Mapping[str, Any] | None = None) -> list[Path]:
    """Write every template (unit and summary) into ``out_dir``; returns their paths.

    ``conf``: xlwings.conf settings to put into both (e.g. ``{"Interpreter_Win": r"C:\\Python\\python.exe"}``).
    """
    from xlsxtools.vba.summary_template import write_summary_template

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    return [write_unit_workbook(None, out_dir / layout.UNIT_TEMPLATE_FILE, conf=conf),
            write_summary_template(out_dir / layout.SUMMARY_TEMPLATE_FILE, conf)]
