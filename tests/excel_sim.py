"""A simulated Excel workbook for comparing the two paths of a button (test helper, no tests).

:class:`SimWorkbook` holds what the buttons change: cell values, fills, notes, number formats,
validation rules (as the Range.Validation calls set them), sheet protection with its
allowances, hidden columns, the active sheet and selection, defined names and message boxes.

* The **local path** (``RunPython`` on Windows) drives it through :class:`DesktopBook`, a fake of
  the xlwings desktop objects with exactly the calls :class:`xlsxtools.excel.edge.LiveBook` makes
  on Windows (COM ``.api`` for validation and protection).
* The **server path** applies the actions the service returns with :func:`apply_vba_actions`,
  which does what xlwings' VBA client does with them (addin/Remote.bas: ``Application.Run
  action("func"), wb, action``) and, for "runMacro", what the helper subs of
  macros/ServerHelpers.bas do.

Both end in the same kind of state, so a test can press a button both ways on the same workbook
and compare. Message boxes on the local path answer "yes" to a yes/no question; the server's
XtConfirm is answered "yes" by running the ``*_confirmed`` button.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xlsxtools import layout
from xlsxtools.excel.edge import WIN_ALLOW, split_ref

Cell = tuple[int, int]


def cells_of(address: str) -> list[Cell]:
    """Every cell of "A1", "A1:B3" or "A1:A3,C1:C3"."""
    out = []
    for part in address.replace("$", "").split(","):
        a, _, b = part.partition(":")
        r1, c1 = split_ref(a)
        r2, c2 = split_ref(b) if b else (r1, c1)
        out += [(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]
    return out


@dataclass
class SimSheet:
    name: str
    values: dict[Cell, Any] = field(default_factory=dict)
    fills: dict[Cell, str] = field(default_factory=dict)  # "RRGGBB"; absent = no fill
    notes: dict[Cell, str] = field(default_factory=dict)
    formats: dict[Cell, str] = field(default_factory=dict)
    validation: dict[Cell, dict[str, Any]] = field(default_factory=dict)
    hidden_columns: set[int] = field(default_factory=set)
    fitted_rows: set[int] = field(default_factory=set)  # rows autofit to their text
    protection: dict[str, bool] | None = None  # allowances when protected

    def extent(self) -> Cell:
        keys = set(self.values) | set(self.fills) | set(self.formats)
        return (max((r for r, _ in keys), default=1), max((c for _, c in keys), default=1))

    def insert_rows(self, at: int, count: int) -> None:
        for attr in ("values", "fills", "notes", "formats", "validation"):
            d = getattr(self, attr)
            setattr(self, attr, {((r + count, c) if r >= at else (r, c)): v for (r, c), v in d.items()})


@dataclass
class SimWorkbook:
    name: str
    sheets: list[SimSheet]
    names: dict[str, str]
    active: int = 0
    selection: str = "A1"
    alerts: list[tuple[str, str]] = field(default_factory=list)
    password: str = layout.PROTECTION_PASSWORD

    def sheet(self, name: str) -> SimSheet:
        return next(s for s in self.sheets if s.name == name)

    def state(self) -> dict[str, Any]:
        """Everything the buttons change, for comparison (values as Excel holds them: numbers as
        floats, dates as dates, "" as empty)."""
        return {
            "values": {s.name: {k: _excel(v) for k, v in s.values.items() if v not in (None, "")}
                       for s in self.sheets},
            "fills": {s.name: dict(s.fills) for s in self.sheets},
            "notes": {s.name: dict(s.notes) for s in self.sheets},
            "formats": {s.name: dict(s.formats) for s in self.sheets},
            "validation": {s.name: dict(s.validation) for s in self.sheets},
            "hidden_columns": {s.name: set(s.hidden_columns) for s in self.sheets},
            "fitted_rows": {s.name: set(s.fitted_rows) for s in self.sheets},
            "protection": {s.name: s.protection for s in self.sheets},
            "names": dict(self.names), "active": self.sheets[self.active].name, "selection": self.selection,
            "alerts": list(self.alerts),
        }


def load(path: Path, edit: dict[str, dict[str, Any]] | None = None) -> SimWorkbook:
    """The workbook at ``path`` (values as the remote payload shows them, fills, protection)."""
    import openpyxl

    from xlsxtools.excel.remote import vba_payload_from_file

    payload = vba_payload_from_file(path, edit)
    wb = openpyxl.load_workbook(path, keep_vba=True)
    sheets = []
    for s in payload["sheets"]:
        ws = wb[s["name"]]
        sim = SimSheet(s["name"])
        for r, row in enumerate(s["values"], start=1):
            for c, v in enumerate(row, start=1):
                if v is not None:
                    sim.values[(r, c)] = v
        for row in ws.iter_rows():
            for cell in row:
                if cell.fill is not None and cell.fill.fill_type == "solid":
                    sim.fills[(cell.row, cell.column)] = str(cell.fill.fgColor.rgb)[-6:].upper()
        if ws.protection.sheet:
            sim.protection = {k: bool(getattr(ws.protection, _OPENPYXL_ALLOW[k], False)) is False
                              for k in WIN_ALLOW}
        sheets.append(sim)
    names = {n["name"]: f"{n['sheet_index']}!{n['address']}" for n in payload["names"]}
    return SimWorkbook(path.name, sheets, names)


#: openpyxl's SheetProtection flags are "forbidden" switches (True = not allowed).
_OPENPYXL_ALLOW = {"AllowFormattingCells": "formatCells", "AllowFormattingColumns": "formatColumns",
                   "AllowFormattingRows": "formatRows", "AllowInsertingColumns": "insertColumns",
                   "AllowInsertingRows": "insertRows", "AllowInsertingHyperlinks": "insertHyperlinks",
                   "AllowDeletingColumns": "deleteColumns", "AllowDeletingRows": "deleteRows",
                   "AllowSorting": "sort", "AllowFiltering": "autoFilter", "AllowUsingPivotTables": "pivotTables"}


_ISO = re.compile(r"\d{4}-\d\d-\d\d(T\d\d:\d\d:\d\d(\.\d+)?Z?)?")


def _excel(value: Any) -> Any:
    """A stored value as Excel holds it: numbers are doubles, ISO date text (the JSON form of a
    date on both wires) a date."""
    import datetime as dt

    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, str) and _ISO.fullmatch(value):
        return dt.datetime.fromisoformat(value.rstrip("Z"))
    return value


def _store(value: Any) -> Any:
    """What Excel keeps for a value written by Range.Value: "'x" is the text x, "" empty."""
    if isinstance(value, str) and value.startswith("'"):
        return value[1:]
    return None if value == "" else value


def _validation_record(**kw: Any) -> dict[str, Any]:
    return {k: kw.get(k) for k in ("Type", "AlertStyle", "Operator", "Formula1", "Formula2")}


# ---------------------------------------------------------------------------------------------
# The server path: xlwings' VBA client and the helper subs
# ---------------------------------------------------------------------------------------------


class Protected(Exception):
    """A write to a protected sheet (Excel refuses it)."""


def _writable(sheet: SimSheet) -> None:
    if sheet.protection is not None:
        raise Protected(sheet.name)


def apply_vba_actions(wb: SimWorkbook, actions: list[dict[str, Any]], run_button: Any = None) -> None:
    """Apply the service's answer as xlwings' VBA client (Remote.bas) and macros/ServerHelpers.bas do.

    ``run_button(name)``: the service's answer for another button (XtConfirm's "yes")."""
    for a in actions:
        func = a["func"]
        sheet = wb.sheets[a["sheet_position"]] if a.get("sheet_position") is not None else None
        rect = None
        if a.get("start_row") is not None:
            rect = [(a["start_row"] + 1 + i, a["start_column"] + 1 + j)
                    for i in range(a["row_count"]) for j in range(a["column_count"])]
        if func == "setValues":
            _writable(sheet)
            for i, row in enumerate(a["values"]):
                for j, v in enumerate(row):
                    sheet.values[(a["start_row"] + 1 + i, a["start_column"] + 1 + j)] = _store(v)
        elif func == "rangeClearContents":
            _writable(sheet)
            for cell in rect:
                sheet.values.pop(cell, None)
        elif func == "setRangeColor":
            _writable(sheet)
            for cell in rect:
                sheet.fills[cell] = a["args"][0].lstrip("#").upper()
        elif func == "setNumberFormat":
            _writable(sheet)
            for cell in rect:
                sheet.formats[cell] = a["args"][0]
        elif func == "rangeInsert":
            _writable(sheet)
            assert a["args"][0] == "down" and a["column_count"] == 16384, a
            sheet.insert_rows(a["start_row"] + 1, a["row_count"])
        elif func == "setAutofit":
            assert a["args"] == ["rows"], a  # Remote.bas: Range.Rows.AutoFit
            _writable(sheet)  # Excel refuses AutoFit on a protected sheet without formatRows
            sheet.fitted_rows.update(r for r, _ in rect)
        elif func == "namesAdd":
            wb.names[a["args"][0]] = a["args"][1]
        elif func == "activateSheet":
            wb.active = a["args"][0]
        elif func == "rangeSelect":
            wb.active = a["sheet_position"]
            r1, c1 = rect[0]
            r2, c2 = rect[-1]
            wb.selection = _address(r1, c1, r2, c2)
        elif func == "alert":
            wb.alerts.append((a["args"][0], a["args"][1]))
        elif func == "runMacro":
            _helper(wb, a["args"][0], a["args"][1:], run_button)
        else:
            raise AssertionError(f"the VBA client has no sub for action {func!r}")


def _address(r1: int, c1: int, r2: int, c2: int) -> str:
    a, b = f"{layout.col_letter(c1)}{r1}", f"{layout.col_letter(c2)}{r2}"
    return a if a == b else f"{a}:{b}"


def _helper(wb: SimWorkbook, name: str, args: list[Any], run_button: Any) -> None:
    """What the sub ``name`` of macros/ServerHelpers.bas does (Application.Run name, wb, args...)."""
    if name == "XtConfirm":
        question, title, then, _cancelled, _cancelled_title = args  # answered "yes"
        wb.alerts.append((question, title))  # the question, answered "yes"
        apply_vba_actions(wb, run_button(then)["actions"], run_button)
        return
    sheet = wb.sheet(args[0])
    if name == "XtSetNote":
        _writable(sheet)
        (cell,) = cells_of(args[1])
        if args[2]:
            sheet.notes[cell] = args[2]
        else:
            sheet.notes.pop(cell, None)
    elif name == "XtClearFill":
        _writable(sheet)
        for cell in cells_of(args[1]):
            sheet.fills.pop(cell, None)
    elif name == "XtHideColumns":
        _writable(sheet)
        sheet.hidden_columns |= {c for _, c in cells_of(args[1])}
    elif name == "XtUnprotect":
        if sheet.protection is not None:
            assert args[1] == wb.password
            wb.__dict__.setdefault("_remembered", {})[sheet.name] = sheet.protection
            sheet.protection = None
    elif name == "XtProtect":
        remembered = wb.__dict__.get("_remembered", {}).pop(sheet.name, None)
        if remembered is not None:
            assert args[1] == wb.password
            sheet.protection = remembered
    elif name == "XtSetValidation":
        _writable(sheet)
        address, vtype, alert, operator, f1, f2 = args[1:]
        if vtype == 3 and f1 is not None and not f1.startswith("="):
            f1 = f1.replace(",", ",")  # this PC's list separator is ","
        if vtype == 7 or (vtype == 3 and f1 and "(" in f1):
            wb.active = wb.sheets.index(sheet)
            r, c = cells_of(address)[0]
            wb.selection = _address(r, c, r, c)
        kw: dict[str, Any] = {"Type": vtype, "AlertStyle": alert}
        if f1 is not None:
            if operator is not None:
                kw["Operator"] = operator
            kw["Formula1"] = f1
            if operator is not None and f2 is not None:
                kw["Formula2"] = f2
        for cell in cells_of(address):
            sheet.validation[cell] = _validation_record(**kw)
    elif name == "XtValidationText":
        _writable(sheet)
        (address, ignore_blank, dropdown, input_title, input_message, show_input, error_title, error_message,
         show_error) = args[1:]
        texts = {"IgnoreBlank": ignore_blank, "InputTitle": input_title or "", "InputMessage": input_message or "",
                 "ShowInput": show_input, "ErrorTitle": error_title or "", "ErrorMessage": error_message or "",
                 "ShowError": show_error}
        if dropdown:
            texts["InCellDropdown"] = True
        for cell in cells_of(address):
            sheet.validation[cell].update(texts)
    else:
        raise AssertionError(f"no helper sub {name!r} in macros/ServerHelpers.bas")


# ---------------------------------------------------------------------------------------------
# The local path: fakes of xlwings' desktop objects (Windows)
# ---------------------------------------------------------------------------------------------


class _Obj:
    """Attribute bag."""

    def __init__(self, **kw: Any) -> None:
        self.__dict__.update(kw)


class DesktopBook:
    """``xw.Book`` of desktop Excel on Windows over a :class:`SimWorkbook` (what LiveBook uses)."""

    def __init__(self, wb: SimWorkbook) -> None:
        self.wb = wb
        self.name = wb.name
        self.fullname = wb.name  # no folder: no xlsxtools.toml beside it
        self.app = _App(self)
        self.names = _Names(wb)

    @property
    def sheets(self) -> _Sheets:
        return _Sheets(self)


class _Sheets:
    def __init__(self, book: DesktopBook) -> None:
        self.book = book

    def __iter__(self):
        return iter(_Sheet(self.book, s) for s in self.book.wb.sheets)

    def __getitem__(self, key: Any) -> _Sheet:
        wb = self.book.wb
        return _Sheet(self.book, wb.sheets[key] if isinstance(key, int) else wb.sheet(key))

    @property
    def active(self) -> _Sheet:
        return _Sheet(self.book, self.book.wb.sheets[self.book.wb.active])


class _Names:
    def __init__(self, wb: SimWorkbook) -> None:
        self.wb = wb

    def contains(self, name: str) -> bool:
        return name in self.wb.names

    def add(self, name: str, refers_to: str) -> None:
        self.wb.names[name] = refers_to


class _App:
    def __init__(self, book: DesktopBook) -> None:
        self.book = book
        self.status_bar: Any = None
        self.screen_updating = True
        self.api = _Obj(International=lambda i: ",")

    def alert(self, prompt: str, title: str = "", buttons: str = "ok", mode: str | None = None,
              callback: Any = None) -> str:
        self.book.wb.alerts.append((prompt, title))
        return "yes" if buttons == "yes_no" else "ok"

    @property
    def selection(self) -> _Range:
        wb = self.book.wb
        return _Range(_Sheet(self.book, wb.sheets[wb.active]), wb.selection)


class _Sheet:
    def __init__(self, book: DesktopBook, sim: SimSheet) -> None:
        self.book, self.sim, self.name = book, sim, sim.name

    def range(self, a: Any, b: Any = None) -> _Range:
        if isinstance(a, tuple):
            b = b or a
            return _Range(self, _address(a[0], a[1], b[0], b[1]))
        return _Range(self, a)

    @property
    def used_range(self) -> Any:
        r, c = self.sim.extent()
        return _Obj(last_cell=_Obj(row=r, column=c))

    def activate(self) -> None:
        self.book.wb.active = self.book.wb.sheets.index(self.sim)

    @property
    def notes(self) -> list[Any]:
        return [_Obj(text=t, location=_Obj(address=_address(r, c, r, c))) for (r, c), t in self.sim.notes.items()]

    @property
    def api(self) -> Any:
        sim, wb = self.sim, self.book.wb

        def unprotect(password: str) -> None:
            assert password == wb.password
            sim.protection = None

        def protect(password: str, drawing: bool, contents: bool, scenarios: bool, ui_only: bool, *allow: bool) -> None:
            assert password == wb.password and contents
            sim.protection = dict(zip(WIN_ALLOW, allow, strict=True))

        prot = _Obj(**(sim.protection or {k: False for k in WIN_ALLOW}))
        return _Obj(ProtectContents=sim.protection is not None, Protection=prot, Unprotect=unprotect, Protect=protect)


class _Range:
    def __init__(self, sheet: _Sheet, address: str) -> None:
        self.sheet, self.address = sheet, address
        m = re.fullmatch(r"(\d+):(\d+)", address)
        self.row_span = (int(m.group(1)), int(m.group(2))) if m else None

    @property
    def _sim(self) -> SimSheet:
        return self.sheet.sim

    def _cells(self) -> list[Cell]:
        return cells_of(self.address)

    def options(self, **_: Any) -> _Range:
        return self

    @property
    def value(self) -> Any:
        """As COM gives them: numbers as floats, dates as datetimes, empty cells None."""
        cells = self._cells()
        r1, c1 = cells[0]
        r2, c2 = cells[-1]
        return [[_excel(self._sim.values.get((r, c))) for c in range(c1, c2 + 1)] for r in range(r1, r2 + 1)]

    @value.setter
    def value(self, block: Any) -> None:
        _writable(self._sim)
        r0, c0 = self._cells()[0]
        for i, row in enumerate(block):
            for j, v in enumerate(row):
                self._sim.values[(r0 + i, c0 + j)] = _store(v)

    def clear_contents(self) -> None:
        _writable(self._sim)
        for cell in self._cells():
            self._sim.values.pop(cell, None)

    @property
    def number_format(self) -> str:
        return self._sim.formats.get(self._cells()[0], "General")

    @number_format.setter
    def number_format(self, fmt: str) -> None:
        _writable(self._sim)
        for cell in self._cells():
            self._sim.formats[cell] = fmt

    @property
    def color(self) -> Any:
        fill = self._sim.fills.get(self._cells()[0])
        return None if fill is None else tuple(int(fill[i:i + 2], 16) for i in (0, 2, 4))

    @color.setter
    def color(self, rgb: Any) -> None:
        _writable(self._sim)
        for cell in self._cells():
            if rgb is None:
                self._sim.fills.pop(cell, None)
            else:
                self._sim.fills[cell] = "{:02X}{:02X}{:02X}".format(*rgb)

    @property
    def note(self) -> Any:
        cell = self._cells()[0]
        if cell not in self._sim.notes:
            return None
        sim = self._sim

        class Note:
            @property
            def text(self) -> str:
                return sim.notes[cell]

            @text.setter
            def text(self, value: str) -> None:
                _writable(sim)
                sim.notes[cell] = value

            def delete(self) -> None:
                _writable(sim)
                del sim.notes[cell]

        return Note()

    def add_note(self, text: str) -> None:
        _writable(self._sim)
        self._sim.notes[self._cells()[0]] = text

    merge_cells = False

    def insert(self, shift: str) -> None:
        _writable(self._sim)
        assert shift == "down" and self.row_span
        self._sim.insert_rows(self.row_span[0], self.row_span[1] - self.row_span[0] + 1)

    def select(self) -> None:
        self.sheet.activate()
        self.sheet.book.wb.selection = self.address

    @property
    def rows(self) -> Any:
        rng = self

        class Rows:
            def autofit(self) -> None:
                _writable(rng._sim)
                rng._sim.fitted_rows |= {r for r, _ in rng._cells()}

        return Rows()

    @property
    def wrap_text(self) -> bool:
        raise AssertionError("LiveBook never reads wrap_text")

    @wrap_text.setter
    def wrap_text(self, value: bool) -> None:
        assert value is True
        _writable(self._sim)  # the column style wraps in the template: nothing to record

    @property
    def columns(self) -> Any:
        rng = self

        class Columns:
            def __setattr__(self, key: str, value: Any) -> None:
                assert key == "hidden" and value is True
                _writable(rng._sim)
                rng._sim.hidden_columns |= {c for _, c in rng._cells()}

        return Columns()

    @property
    def api(self) -> Any:
        rng = self

        class Validation:
            def Delete(self) -> None:
                _writable(rng._sim)
                for cell in rng._cells():
                    rng._sim.validation.pop(cell, None)

            def Add(self, **kw: Any) -> None:
                _writable(rng._sim)
                for cell in rng._cells():
                    rng._sim.validation[cell] = _validation_record(**kw)

            def __setattr__(self, key: str, value: Any) -> None:
                for cell in rng._cells():
                    rng._sim.validation[cell][key] = value

        return _Obj(Validation=Validation())
