"""Run a button without Excel: a workbook file as xlwings' JSON remote book.

xlwings' remote engine (``xw.Book(json=payload)``) takes the JSON an xlwings client (Office.js,
VBA, Google Apps Script) sends with a request and records every write as an action instead of
touching a workbook. This module builds that payload from a workbook file (values read with
python-calamine, defined names with openpyxl), so a button can be pressed on a file and its
actions inspected: the tests, the latency benchmark and debugging use it::

    python -m xlsxtools.excel.remote unit.xlsm check_rows     # prints the actions as JSON
    python -m xlsxtools.excel.remote unit.xlsm check_rows --server   # as the service answers the VBA client

Formulas are not evaluated (openpyxl-written files carry no cached values): the cells of
实际完成 that link to 目标表 are filled in as Excel would show them. The remote engine is part of
xlwings PRO, which is free for noncommercial use (``XLWINGS_LICENSE_KEY=noncommercial``); this
module sets that key when none is set.
"""

from __future__ import annotations

import json
import os
import re
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

from xlsxtools import layout

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")


def _payload_value(v: Any) -> Any:
    """A cell value as the Office.js client of xlwings sends it (dates as ISO strings with "Z")."""
    if isinstance(v, datetime):
        return v.isoformat(timespec="seconds") + "Z"
    if isinstance(v, date):
        return datetime(v.year, v.month, v.day).isoformat(timespec="seconds") + "Z"
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def _simulate_links(grids: dict[str, list[list[Any]]]) -> None:
    """openpyxl writes formulas without cached values; fill the 实际完成 cells that link to 目标表
    (=IF(目标表!X="","",目标表!X)) with what Excel would show, so the remote book holds what a
    user sees."""
    targets = grids.get(layout.TARGETS_SHEET)
    actuals = grids.get(layout.ACTUALS_SHEET)
    if not targets or not actuals:
        return

    def at(grid: list[list[Any]], r: int, c: int) -> Any:
        v = grid[r - 1][c - 1] if r <= len(grid) and c <= len(grid[r - 1]) else ""
        return "" if v is None else v  # =IF(x="","",x) shows "" for an empty x

    def put(grid: list[list[Any]], r: int, c: int, v: Any) -> None:
        while len(grid) < r:
            grid.append([""] * len(grid[0]))
        row = grid[r - 1]
        while len(row) < c:
            row.append("")
        row[c - 1] = v

    name_row = layout.HEADER_ROW["name"]
    vc = ord(layout.HEADER_VALUE_COL) - 64
    r, c = int(layout.ACTUALS_UNIT_VALUE_CELL[1:]), ord(layout.ACTUALS_UNIT_VALUE_CELL[0]) - 64
    put(actuals, r, c, at(targets, name_row, vc))
    offset = layout.TARGET_FIRST_ROW - layout.ACTUAL_FIRST_ROW
    linked = {k: i for i, k in enumerate([c.key for c in layout.ACTUAL_COLUMNS], start=1)
              if k in layout.TARGET_COL and not layout.ACTUAL_COLUMNS[i - 1].input}
    tcol = {c.key: i for i, c in enumerate(layout.TARGET_COLUMNS, start=1)}
    for row in range(layout.ACTUAL_FIRST_ROW, len(actuals) + 1):
        for k, acol in linked.items():
            put(actuals, row, acol, at(targets, row + offset, tcol[k]))


def _simulate_monitoring_links(grids: dict[str, list[list[Any]]]) -> None:
    """The same for 运行监控: the unit name and the columns linked to 目标表."""
    targets = grids.get(layout.TARGETS_SHEET)
    sheet = grids.get(layout.MONITOR_SHEET)
    if not targets or not sheet:
        return

    def at(r: int, c: int) -> Any:
        return targets[r - 1][c - 1] if r <= len(targets) and c <= len(targets[r - 1]) else ""

    from xlsxtools.validation import target_grid_rows

    def put(r: int, c: int, v: Any) -> None:
        while len(sheet) < r:
            sheet.append([""] * len(sheet[0]))
        row = sheet[r - 1]
        while len(row) < c:
            row.append("")
        row[c - 1] = v

    r0, c0 = int(layout.MONITOR_UNIT_VALUE_CELL[1:]), layout.col_index(layout.MONITOR_UNIT_VALUE_CELL[0])
    put(r0, c0, at(layout.HEADER_ROW["name"], layout.col_index(layout.HEADER_VALUE_COL)))
    offset = layout.TARGET_FIRST_ROW - layout.MONITOR_FIRST_ROW
    last = layout.MONITOR_FIRST_ROW + target_grid_rows(targets) - 1
    for r in range(layout.MONITOR_FIRST_ROW, max(last, len(sheet)) + 1):
        for i, c in enumerate(layout.MONITOR_COLUMNS, start=1):
            if not c.input:
                put(r, i, at(r + offset, layout.col_index(layout.TARGET_COL[c.key])))


def workbook_grids(path: Path) -> tuple[list[str], dict[str, list[list[Any]]]]:
    """Sheet names (workbook order, hidden ones included) and their values, read by python-calamine."""
    import python_calamine

    wb = python_calamine.CalamineWorkbook.from_path(str(path))
    names = list(wb.sheet_names)
    grids = {n: [list(r) for r in wb.get_sheet_by_name(n).to_python(skip_empty_area=False)] for n in names}
    return names, grids


def defined_names(path: Path, sheet_names: list[str]) -> list[dict[str, Any]]:
    """The workbook's defined names in the remote book's payload shape."""
    import openpyxl

    wb = openpyxl.load_workbook(path, keep_vba=True)
    out = []
    for name, dn in wb.defined_names.items():
        ref = dn.attr_text
        m = re.fullmatch(r"'?(.+?)'?!(\$?[A-Z]+\$?\d+(?::\$?[A-Z]+\$?\d+)?)", ref)
        sheet_index = sheet_names.index(m.group(1)) if m and m.group(1) in sheet_names else None
        out.append({"name": name, "refers_to": "=" + ref, "sheet_index": sheet_index,
                    "address": m.group(2).replace("$", "") if m else None, "book_scope": True,
                    "scope_sheet_name": None, "scope_sheet_index": None})
    return out


def _apply_edit(grids: dict[str, list[list[Any]]], edit: dict[str, dict[str, Any]] | None, empty: Any) -> None:
    """Set cell values (sheet → {"E12": value}) in the grids, growing them with ``empty``."""
    for sheet, cells in (edit or {}).items():
        grid = grids[sheet]
        for ref, value in cells.items():
            m = re.fullmatch(r"([A-Z]+)(\d+)", ref)
            assert m
            col = 0
            for ch in m.group(1):
                col = col * 26 + ord(ch) - 64
            row = int(m.group(2))
            width = max(len(grid[0]) if grid else 0, col)
            while len(grid) < row:
                grid.append([empty] * width)
            for line in grid:
                line.extend([empty] * (width - len(line)))
            grid[row - 1][col - 1] = value


def payload_from_file(path: Path, edit: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """The JSON an Office.js client of xlwings sends for the workbook at ``path``.

    ``edit`` sets cell values before (sheet → {"E12": value}): what a user typed in Excel.
    """
    import xlwings as xw

    names, grids = workbook_grids(path)
    _simulate_links(grids)
    _simulate_monitoring_links(grids)
    _apply_edit(grids, edit, "")
    sheets = []
    for n in names:
        values = [[_payload_value(v) for v in r] for r in grids[n]] or [[""]]
        sheets.append({"name": n, "values": values, "pictures": [], "tables": [], "notes": []})
    return {"client": "Office.js", "version": xw.__version__,
            "book": {"name": path.name, "active_sheet_index": 0, "selection": "A1"},
            "names": defined_names(path, names), "sheets": sheets}


def _vba_value(v: Any) -> Any:
    """A cell value as xlwings' VBA client sends it (VBA-Web's ConvertToJson of Range.Value):
    empty → null ("" stays: a formula showing nothing), dates as "yyyy-mm-ddTHH:MM:SS.000Z",
    numbers with VBA's 15 significant digits."""
    if v is None:
        return None
    if isinstance(v, datetime):
        return v.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    if isinstance(v, date):
        return v.strftime("%Y-%m-%dT00:00:00.000Z")
    if isinstance(v, bool):
        return v
    if isinstance(v, int | float):
        f = float(f"{v:.15g}")
        return int(f) if f.is_integer() else f
    return v


def vba_payload_from_file(path: Path, edit: dict[str, dict[str, Any]] | None = None, *, active_sheet: int = 0,
                          selection: str | None = "A1") -> dict[str, Any]:
    """The JSON xlwings' VBA client (``RunRemotePython`` in addin/Remote.bas) sends for the
    workbook at ``path``, after ``edit`` (as in :func:`payload_from_file`).

    What Remote.bas builds: ``client`` "VBA", the xlwings version, ``book`` (name, active sheet
    index, selection address without $), ``names`` (only names that refer to a range: name, sheet
    index, address, scope; no formula text), and per worksheet (hidden ones too, in workbook order)
    its name, pictures, tables and ``values``: ``Range.Value`` from A1 to the end of the used range
    (the used range counts formatted empty cells), an empty sheet as ``[[]]``. Cells that show
    "" through a formula are "", empty cells null. The result went through JSON once, as on the wire.
    """
    import openpyxl
    import xlwings as xw

    names, grids = workbook_grids(path)
    grids = {n: [[None if v == "" else v for v in r] for r in g] for n, g in grids.items()}
    _simulate_links(grids)
    _simulate_monitoring_links(grids)
    _apply_edit(grids, edit, None)
    wb = openpyxl.load_workbook(path, keep_vba=True)
    sheets = []
    for n in names:
        ws = wb[n]
        grid = grids[n]
        rows = max(len(grid), ws.max_row if ws.max_row > 1 or ws.max_column > 1 or grid else 0)
        cols = max([len(r) for r in grid] + [ws.max_column if rows else 0])
        values = [[_vba_value(grid[r][c]) if r < len(grid) and c < len(grid[r]) else None for c in range(cols)]
                  for r in range(rows)]
        if not any(v is not None for row in values for v in row):
            values = [[]]
        sheets.append({"name": n, "pictures": [], "tables": [], "values": values})
    vba_names = []
    for name in defined_names(path, names):
        if name["sheet_index"] is None or not name["address"]:
            continue  # Remote.bas sends only names whose RefersToRange exists
        vba_names.append({k: name[k] for k in ("name", "sheet_index", "address", "book_scope", "scope_sheet_name",
                                               "scope_sheet_index")})
    payload = {"client": "VBA", "version": xw.__version__,
               "book": {"name": path.name, "active_sheet_index": active_sheet, "selection": selection},
               "names": vba_names, "sheets": sheets}
    return json.loads(json.dumps(payload, ensure_ascii=True))


def remote_book(payload: dict[str, Any]) -> Any:
    """The xlwings remote book for ``payload``."""
    import xlwings as xw

    return xw.Book(json=payload)


def press(payload: dict[str, Any], button: str) -> Any:
    """Press ``button`` (a function name of :mod:`xlsxtools.excel`) on the remote book of
    ``payload``; returns the book, whose ``json()["actions"]`` lists what the button did."""
    import xlsxtools.excel as x

    book = remote_book(payload)
    book.set_mock_caller()
    getattr(x, button)()
    return book


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m xlsxtools.excel.remote", description=__doc__.split("\n")[0])
    parser.add_argument("workbook", type=Path)
    parser.add_argument("button", help="check_rows, compute_scores, add_dropdowns, clear_marks, import_table, "
                                       "monitor_check, show_help, consolidate, open_findings")
    parser.add_argument("--server", action="store_true",
                        help="as the service answers a --server template (the VBA client's payload, run_button)")
    args = parser.parse_args(argv)
    if args.server:
        from xlsxtools.config import Config
        from xlsxtools.service.excel_remote import run_button

        actions = run_button(args.button, vba_payload_from_file(args.workbook), config=Config())["actions"]
    else:
        actions = press(payload_from_file(args.workbook), args.button).json()["actions"]
    json.dump(actions, sys.stdout, ensure_ascii=False, indent=1, default=str)
    print()
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
