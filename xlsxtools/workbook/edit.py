"""The openpyxl edge that applies core results (CellEdits) to a workbook file.

openpyxl keeps what the template depends on: data validation, sheet and workbook protection,
defined names and (with ``keep_vba``) the VBA project. Saving is atomic; the ribbon part, whose
relationship openpyxl may drop, is restored after saving.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from xlsxtools.atomic import atomic_path, backup_path
from xlsxtools.errors import UnreadableFile, UserError
from xlsxtools.model import CellEdit

#: Author written on notes (comments) that xlsxtools adds, so they can be told from the user's.
NOTE_AUTHOR = "xlsxtools"


def open_workbook(path: str | Path) -> Any:
    """Open a workbook for editing (VBA kept for .xlsm). Raises UnreadableFile with the reason."""
    import openpyxl

    from xlsxtools.workbook.reader import sniff

    p = Path(path)
    if sniff(p) != "xlsx" or p.suffix.lower() not in (".xlsx", ".xlsm"):
        raise UnreadableFile("只能修改 .xlsx/.xlsm 工作簿（此文件可以读取和检查，但不能写入）", file=str(p),
                             hint="请在 Excel 中另存为 .xlsm 后再操作")
    try:
        return openpyxl.load_workbook(p, keep_vba=p.suffix.lower() == ".xlsm", rich_text=False)
    except Exception as exc:
        raise UnreadableFile(f"工作簿已损坏，无法打开（{type(exc).__name__}: {exc}）", file=str(p)) from exc


def write_value(cell: Any, value: Any) -> None:
    """Write a literal value: strings are always text (a "=" symbol never becomes a formula)."""
    from xlsxtools.xmlsafe import cell_value

    value = cell_value(value)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"


def anchor_cell(ws: Any, ref: str) -> Any:
    """The cell to edit for ``ref``: the top-left cell when ``ref`` lies inside a merged range."""
    from openpyxl.cell.cell import MergedCell

    cell = ws[ref]
    if isinstance(cell, MergedCell):
        for rng in ws.merged_cells.ranges:
            if ref in rng:
                return ws.cell(rng.min_row, rng.min_col)
    return cell


def apply_edits(wb: Any, edits: Iterable[CellEdit]) -> int:
    """Apply CellEdits to an open openpyxl workbook; returns how many were applied."""
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    n = 0
    for e in edits:
        if e.sheet not in wb.sheetnames:
            raise UserError(f"工作簿中没有工作表「{e.sheet}」", sheet=e.sheet, cell=e.cell)
        cell = anchor_cell(wb[e.sheet], e.cell)
        if e.set_value:
            write_value(cell, e.value)
        if e.number_format is not None:
            cell.number_format = e.number_format
        if e.fill is not None:
            cell.fill = PatternFill(fill_type=None) if e.fill == "" else PatternFill(
                fill_type="solid", start_color=e.fill, end_color=e.fill)
        if e.note is not None:
            if e.note == "":
                cell.comment = None
            else:
                comment = Comment(e.note, NOTE_AUTHOR)
                comment.width = 300
                comment.height = max(80, 20 * (1 + e.note.count("\n")) + len(e.note) // 2)
                cell.comment = comment
        n += 1
    return n


def fit_linked_rows(wb: Any) -> int:
    """Grow the rows of 实际完成 and 运行监控 whose wrapped text (the linked 目标表 cells, the
    actual, the deviation reason, the measures) needs more height than they have; never shrinks a
    row. Returns rows grown."""
    from xlsxtools import layout

    return (_fit_linked_rows(wb, layout.ACTUALS_SHEET, layout.ACTUAL_FIRST_ROW, layout.ACTUAL_COLUMNS)
            + _fit_linked_rows(wb, layout.MONITOR_SHEET, layout.MONITOR_FIRST_ROW, layout.MONITOR_COLUMNS))


def _fit_linked_rows(wb: Any, sheet: str, first: int, columns: Any) -> int:
    from xlsxtools import layout
    from xlsxtools.textwidth import row_height

    if sheet not in wb.sheetnames or layout.TARGETS_SHEET not in wb.sheetnames:
        return 0
    ws, targets = wb[sheet], wb[layout.TARGETS_SHEET]
    offset = layout.TARGET_FIRST_ROW - first
    cols = [(c.key, c.width, layout.col_letter(i), c.input) for i, c in enumerate(columns, start=1)]
    grown = 0
    for r in range(first, ws.max_row + 1):
        texts = []
        for key, width, col, typed in cols:
            if not typed and key in layout.TARGET_COL and key != "weight":  # shows 目标表's cell
                v = targets[f"{layout.TARGET_COL[key]}{r + offset}"].value
            else:
                v = ws[f"{col}{r}"].value
            if isinstance(v, str) and v and not v.startswith("="):
                texts.append((v, width))
        if not texts:
            continue
        need = row_height(texts, layout.FONT_SIZE)
        have = ws.row_dimensions[r].height or 15.0
        if need > have + 0.5:
            ws.row_dimensions[r].height = need
            grown += 1
    return grown


def save_workbook(wb: Any, out_path: str | Path, *, kind: str = "unit") -> Path:
    """Save atomically; for .xlsm restore the ribbon relationship openpyxl may drop. A unit
    workbook's 实际完成 and 运行监控 rows are grown to fit their text first (:func:`fit_linked_rows`)."""
    out = Path(out_path)
    if kind == "unit":
        fit_linked_rows(wb)
    for ws in wb.worksheets:
        # The notes' VML is written afresh from the notes. openpyxl (keep_vba) would rewrite a sheet's
        # old drawing under its old name, which a newly noted sheet may already have taken: two
        # parts of one name, a workbook Excel has to repair.
        ws.legacy_drawing = None
    with atomic_path(out) as tmp:
        wb.save(tmp)
        if out.suffix.lower() == ".xlsm":
            try:
                from xlsxtools.vba.package import relink_ribbon
            except ImportError:
                pass
            else:
                relink_ribbon(tmp, kind=kind)
    return out


def output_path(src: str | Path, out: str | Path | None, in_place: bool) -> tuple[Path, Path | None]:
    """Resolve where an edit of ``src`` goes: (target, backup made or None).

    ``--in-place`` writes over the source after copying it to a backup; otherwise ``-o OUT`` is
    required and must differ from the source (inputs are never modified unless asked).
    """
    src_p = Path(src)
    if in_place:
        if out is not None:
            raise UserError("--in-place 与 -o 不能同时使用")
        backup = backup_path(src_p)
        shutil.copy2(src_p, backup)
        return src_p, backup
    if out is None:
        raise UserError("请用 -o 指定输出文件，或用 --in-place 直接修改原文件（会先备份）", file=str(src_p))
    out_p = Path(out)
    if out_p.exists() and src_p.exists() and out_p.resolve() == src_p.resolve():
        raise UserError("输出文件与输入文件相同；要修改原文件请用 --in-place（会先备份）", file=str(src_p))
    return out_p, None
