"""Helpers for the Excel button tests: xlwings' JSON remote book built from a real workbook file,
its recorded actions, and strict fakes for what the remote book cannot express.

(No tests here; the file is named for the Excel area so the helpers live beside their tests.)
"""

from __future__ import annotations

import os
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

from xlsxtools import layout

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

SAMPLES = Path(__file__).resolve().parents[1] / "xlsxtools" / "data" / "samples"


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
        return grid[r - 1][c - 1] if r <= len(grid) and c <= len(grid[r - 1]) else ""

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


def payload_from_file(path: Path, edit: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """The JSON an Office.js client of xlwings sends for the workbook at ``path``.

    ``edit`` sets cell values before (sheet → {"E12": value}): what a user typed in Excel.
    """
    import xlwings as xw

    names, grids = workbook_grids(path)
    _simulate_links(grids)
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
                grid.append([""] * width)
            for line in grid:
                line.extend([""] * (width - len(line)))
            grid[row - 1][col - 1] = value
    sheets = []
    for n in names:
        values = [[_payload_value(v) for v in r] for r in grids[n]] or [[""]]
        sheets.append({"name": n, "values": values, "pictures": [], "tables": [], "notes": []})
    return {"client": "Office.js", "version": xw.__version__,
            "book": {"name": path.name, "active_sheet_index": 0, "selection": "A1"},
            "names": defined_names(path, names), "sheets": sheets}


def remote_book(payload: dict[str, Any]) -> Any:
    import xlwings as xw

    return xw.Book(json=payload)


def actions(book: Any, func: str | None = None, sheet: str | None = None) -> list[dict[str, Any]]:
    """The recorded actions (optionally of one kind and on one sheet), each with "sheet" (its name)
    and "cell"/"range" (A1 references) added for readable assertions."""
    names = [s["name"] for s in book.impl.api["sheets"]]
    out = []
    for a in book.json()["actions"]:
        a = dict(a)
        pos = a.get("sheet_position")
        a["sheet"] = names[pos] if pos is not None and pos < len(names) else None
        if a.get("start_row") is not None:
            r, c = a["start_row"] + 1, a["start_column"] + 1
            r2, c2 = r + a["row_count"] - 1, c + a["column_count"] - 1
            a["cell"] = f"{layout.col_letter(c)}{r}"
            a["range"] = f"{layout.col_letter(c)}{r}:{layout.col_letter(c2)}{r2}"
        if (func is None or a["func"] == func) and (sheet is None or a["sheet"] == sheet):
            out.append(a)
    return out


def written(book: Any, sheet: str) -> dict[str, Any]:
    """Cell reference → the last value written there by setValues actions (None for cleared)."""
    cells: dict[str, Any] = {}
    for a in actions(book, "setValues", sheet):
        r0, c0 = a["start_row"] + 1, a["start_column"] + 1
        for i, row in enumerate(a["values"]):
            for j, v in enumerate(row):
                cells[f"{layout.col_letter(c0 + j)}{r0 + i}"] = None if v == "" else v
    return cells


def covered(a: dict[str, Any]) -> set[str]:
    """Every cell of an action's range."""
    r0, c0 = a["start_row"] + 1, a["start_column"] + 1
    return {f"{layout.col_letter(c)}{r}" for r in range(r0, r0 + a["row_count"])
            for c in range(c0, c0 + a["column_count"])}


def alerts(book: Any) -> list[str]:
    return [a["args"][0] for a in actions(book, "alert")]


def sample_table(name: str = "zhengwu_2026.txt") -> Any:
    from xlsxtools.importer import import_table

    return import_table(SAMPLES / name)


# ---------------------------------------------------------------------------------------------
# Strict fakes: fail on anything not expected
# ---------------------------------------------------------------------------------------------


class Strict:
    """An object with exactly the given attributes (values or callables) that records every call
    and attribute assignment in ``log``; reading or setting anything else fails the test."""

    def __init__(self, label: str, log: list[tuple], attrs: dict[str, Any] | None = None,
                 settable: tuple[str, ...] = ()) -> None:
        object.__setattr__(self, "_label", label)
        object.__setattr__(self, "_log", log)
        object.__setattr__(self, "_attrs", dict(attrs or {}))
        object.__setattr__(self, "_settable", set(settable))

    def __getattr__(self, item: str) -> Any:
        attrs = object.__getattribute__(self, "_attrs")
        label = object.__getattribute__(self, "_label")
        if item not in attrs:
            raise AssertionError(f"unexpected read of {label}.{item}")
        value = attrs[item]
        if callable(value) and not isinstance(value, Strict):
            log = object.__getattribute__(self, "_log")

            def call(*args: Any, **kwargs: Any) -> Any:
                log.append((f"{label}.{item}", args, kwargs))
                return value(*args, **kwargs)

            return call
        return value

    def __setattr__(self, item: str, value: Any) -> None:
        if item not in object.__getattribute__(self, "_settable"):
            raise AssertionError(f"unexpected assignment {self._label}.{item} = {value!r}")
        self._log.append((f"{self._label}.{item}=", (value,), {}))
