"""The openpyxl edge that shows findings in a unit workbook (fills, notes, the 检查结果 sheet).

It uses the lead's edit edge (open_workbook / apply_edits / save_workbook), so validation,
protection, defined names and VBA are kept. Previous annotations are cleared first from the marks
recorded in hidden columns of the report sheet (falling back to our note prefix when the marks are
gone), restoring each cell's own fill and note; the user's values are never touched.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from xlsxtools import layout
from xlsxtools.annotate import (
    FILLS,
    MARK_FIRST_COL,
    MARK_TITLES,
    Mark,
    annotation_edits,
    by_cell,
    clear_edits,
    is_our_note,
    report_rows,
    summary_text,
)
from xlsxtools.model import Finding


def _fill_of(cell: Any) -> str:
    fill = cell.fill
    if fill is None or fill.fill_type != "solid":
        return ""
    rgb = getattr(fill.fgColor, "rgb", None)
    return rgb[-6:] if isinstance(rgb, str) and len(rgb) >= 6 else ""


def _note_of(cell: Any) -> str:
    return cell.comment.text if cell.comment is not None else ""


def _unmerged(wb: Any, f: Finding) -> Finding:
    """A finding on a cell inside a merged range is shown on the range's top-left cell (the only
    cell of a merged range that keeps a fill and a note)."""
    from openpyxl.utils import get_column_letter

    if not f.cell:
        return f
    ws = wb[f.sheet]
    for rng in ws.merged_cells.ranges:
        if f.cell in rng:
            top_left = f"{get_column_letter(rng.min_col)}{rng.min_row}"
            return f if top_left == f.cell else replace(f, cell=top_left)
    return f


def read_marks(wb: Any) -> list[Mark]:
    """The cells annotated last time: from the hidden mark columns, else by our note prefix."""
    marks: list[Mark] = []
    if layout.REPORT_SHEET in wb.sheetnames:
        ws = wb[layout.REPORT_SHEET]
        if ws.cell(layout.REPORT_HEADER_ROW, MARK_FIRST_COL).value == MARK_TITLES[0]:
            for r in range(layout.REPORT_FIRST_ROW, ws.max_row + 1):
                vals = [ws.cell(r, MARK_FIRST_COL + i).value for i in range(len(MARK_TITLES))]
                if vals[0] and vals[1] and vals[0] in wb.sheetnames:
                    marks.append(Mark(str(vals[0]), str(vals[1]), str(vals[2] or ""), str(vals[3] or "")))
            return marks
    ours = set(FILLS.values())
    for ws in wb.worksheets:
        for cell in getattr(ws, "_cells", {}).values():
            if cell.comment is not None and is_our_note(cell.comment.text):
                fill = _fill_of(cell)
                marks.append(Mark(ws.title, cell.coordinate, "" if fill in ours else fill, ""))
    return marks


def _report_sheet(wb: Any) -> Any:
    if layout.REPORT_SHEET in wb.sheetnames:
        return wb[layout.REPORT_SHEET]
    ws = wb.create_sheet(layout.REPORT_SHEET)
    ws.cell(1, 1).value = layout.REPORT_TITLE
    for i, col in enumerate(layout.REPORT_COLUMNS, start=1):
        ws.cell(layout.REPORT_HEADER_ROW, i).value = col.title
        ws.column_dimensions[layout.col_letter(i)].width = col.width
    return ws


def write_report(wb: Any, findings: list[Finding], marks: list[Mark]) -> None:
    """Rewrite the 检查结果 sheet: summary, one row per finding (linked to its cell), hidden marks."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.hyperlink import Hyperlink

    from xlsxtools.textwidth import row_height
    from xlsxtools.workbook.edit import write_value

    ws = _report_sheet(wb)
    ncols = MARK_FIRST_COL + len(MARK_TITLES) - 1
    for r in range(layout.REPORT_FIRST_ROW, max(ws.max_row, layout.REPORT_FIRST_ROW) + 1):
        for c in range(1, ncols + 1):
            cell = ws.cell(r, c)
            cell.value = None
            cell.hyperlink = None
    write_value(ws[layout.REPORT_SUMMARY_CELL], summary_text(findings))
    cols = {c.key: i for i, c in enumerate(layout.REPORT_COLUMNS, start=1)}
    link_font = Font(color="0563C1", underline="single")
    wrap = Alignment(wrap_text=True, vertical="top")
    widths = {c.key: c.width for c in layout.REPORT_COLUMNS}
    for r in range(layout.REPORT_FIRST_ROW, max(ws.max_row, layout.REPORT_FIRST_ROW) + 1):
        ws.row_dimensions[r].height = None  # the rows of the last report
    for r, row in enumerate(report_rows(findings), start=layout.REPORT_FIRST_ROW):
        values = row.values()
        height = row_height([(values["message"], widths["message"])])
        if height > 15:
            ws.row_dimensions[r].height = height  # wrapped messages never overlap the next row
        for k, v in values.items():
            cell = ws.cell(r, cols[k])
            write_value(cell, v)
            cell.alignment = wrap
        if row.link:
            cell = ws.cell(r, cols["cell"])
            cell.hyperlink = Hyperlink(ref=cell.coordinate, location=row.link, display=row.cell)
            cell.font = link_font
    for i, title in enumerate(MARK_TITLES):
        write_value(ws.cell(layout.REPORT_HEADER_ROW, MARK_FIRST_COL + i), title)
        ws.column_dimensions[layout.col_letter(MARK_FIRST_COL + i)].hidden = True
    for r, m in enumerate(marks, start=layout.REPORT_FIRST_ROW):
        for i, v in enumerate((m.sheet, m.cell, m.fill, m.note)):
            write_value(ws.cell(r, MARK_FIRST_COL + i), v)


def annotate_workbook(path: str | Path, findings: Iterable[Finding], out_path: str | Path) -> Path:
    """Clear the previous annotations of ``path``, annotate ``findings``, save to ``out_path``."""
    from xlsxtools.workbook.edit import apply_edits, open_workbook, save_workbook

    findings = list(findings)
    wb = open_workbook(path)
    apply_edits(wb, clear_edits(read_marks(wb)))
    shown = [_unmerged(wb, f) for f in findings if f.sheet in wb.sheetnames and f.sheet != layout.REPORT_SHEET]
    marks = []
    for sheet, ref in by_cell(shown):
        cell = wb[sheet][ref]
        marks.append(Mark(sheet, ref, _fill_of(cell), _note_of(cell)))
    apply_edits(wb, annotation_edits(shown))
    write_report(wb, findings, marks)
    return save_workbook(wb, out_path)
