"""The edge between the core results and a live workbook driven by xlwings.

:class:`LiveBook` wraps an ``xlwings.Book`` and offers what the buttons need, in as few calls as
the engine allows: one read per sheet (values from A1 to the last used cell), bulk writes of
2-D blocks, fills by rectangle, notes, data validation, sheet protection, the status bar and the
message box. The same code drives

* desktop Excel on Windows (xlwings' COM engine; protection, validation prompts and the status
  bar through the native ``.api`` objects),
* desktop Excel on the Mac (appscript ``.api``), and
* xlwings' JSON remote book (``xw.Book(json=...)``), which records every write as an action:
  the tests check those actions. Where the remote book has no equivalent (protection, the
  status bar, reading fills and note texts) the calls are skipped, and
* the same remote book on the bureau's service, sent by the VBA client of a ``--server``
  template (``RunRemotePython``, platform :data:`VBA`). That client applies values, colours,
  number formats, inserted rows, defined names, the active sheet, the selection and message
  boxes itself; what it cannot do is asked of the small helper subs in ``macros/ServerHelpers.bas``
  through ``book.app.macro(NAME)(args…)`` (a "runMacro" action): notes, removing a fill, hiding
  columns, data validation, sheet protection and yes/no questions (:data:`HELPERS`).

Strings a spreadsheet would turn into a formula ("=" the type symbol, "+1", "@x") are written
with Excel's text prefix "'" — honoured by Excel on Windows and Mac, by WPS and by the Office.js
client of the remote book — so they stay text. Deliberate formulas are wrapped in :class:`Formula`.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from xlsxtools import layout
from xlsxtools.model import CellEdit
from xlsxtools.normalize import is_formula_like

WINDOWS, MAC, REMOTE, OTHER = "windows", "mac", "remote", "other"
#: The remote book of the VBA client (RunRemotePython): runs on the service.
VBA = "vba"

#: The VBA helper subs (macros/ServerHelpers.bas) the VBA client runs for the service, with the
#: number of arguments each takes after the workbook (xlwings' runMacro passes the workbook first).
HELPERS: dict[str, int] = {
    "XtSetNote": 3,  # sheet, cell, text ("" removes the note)
    "XtClearFill": 2,  # sheet, range: no fill
    "XtHideColumns": 2,  # sheet, range
    "XtUnprotect": 2,  # sheet, password: remembers the allowances when the sheet was protected
    "XtProtect": 2,  # sheet, password: protects again with them (only a sheet XtUnprotect opened)
    "XtSetValidation": 7,  # sheet, range, type, alert style, operator, formula1, formula2
    "XtValidationText": 10,  # sheet, range, ignore blank, dropdown, input title/message/show, error title/message/show
    "XtConfirm": 5,  # question, title, button to call on "yes", text shown on "no", title of that
}

#: Worksheet.Protect allowances kept across an unprotect/protect (Windows COM names, in the order
#: of the Protect arguments after UserInterfaceOnly).
WIN_ALLOW = ("AllowFormattingCells", "AllowFormattingColumns", "AllowFormattingRows", "AllowInsertingColumns",
             "AllowInsertingRows", "AllowInsertingHyperlinks", "AllowDeletingColumns", "AllowDeletingRows",
             "AllowSorting", "AllowFiltering", "AllowUsingPivotTables")
#: The same allowances in appscript (Excel for Mac's AppleScript dictionary).
MAC_ALLOW = tuple(re.sub(r"(?<!^)([A-Z])", r"_\1", k).lower() for k in WIN_ALLOW)

#: Excel constants (XlDVType, XlDVAlertStyle, XlFormatConditionOperator) for Validation.Add.
XL_DV_TYPE = {"any": 0, "whole": 1, "decimal": 2, "list": 3, "date": 4, "time": 5, "textLength": 6, "custom": 7}
XL_DV_ALERT = {"stop": 1, "warning": 2, "information": 3}
XL_OPERATOR = {"between": 1, "notBetween": 2, "equal": 3, "notEqual": 4, "greaterThan": 5, "lessThan": 6,
               "greaterThanOrEqual": 7, "lessThanOrEqual": 8}
#: OOXML operator names → xlwings' DataValidation operator names.
XW_OPERATOR = {"between": "between", "notBetween": "not_between", "equal": "equal_to", "notEqual": "not_equal_to",
               "greaterThan": "greater_than", "lessThan": "less_than",
               "greaterThanOrEqual": "greater_than_or_equal", "lessThanOrEqual": "less_than_or_equal"}
XL_LIST_SEPARATOR = 5  # Application.International(xlListSeparator)


class Formula(str):
    """A string written as a formula on purpose (e.g. a HYPERLINK in the report)."""


@dataclass(frozen=True)
class ValidationCall:
    """One validation spec as Excel's Range.Validation takes it (Windows COM and the VBA helpers).

    ``select_first``: the formula has relative references, which Excel reads from the active
    cell, so the range's first cell is selected while the rule is added (the VBA helper decides
    the same from ``type`` and ``formula1``).
    """

    address: str
    type: int
    alert_style: int
    operator: int | None
    formula1: str | None
    formula2: str | None
    ignore_blank: bool
    in_cell_dropdown: bool
    input_title: str
    input_message: str
    show_input: bool
    error_title: str
    error_message: str
    show_error: bool
    select_first: bool


def validation_call(spec: Any, list_separator: str = ",") -> ValidationCall:
    """The Range.Validation arguments of a :class:`~xlsxtools.validation.ValidationSpec`."""
    formula1 = spec.formula1
    if spec.type == "list" and formula1 and formula1.startswith('"'):
        formula1 = list_separator.join(v for v in formula1.strip('"').split(","))
    elif formula1 is not None and spec.type in ("list", "custom"):
        formula1 = "=" + formula1
    select_first = spec.type == "custom" or bool(spec.type == "list" and formula1 and "(" in formula1)
    return ValidationCall(
        address=",".join(spec.sqref.split()), type=XL_DV_TYPE[spec.type], alert_style=XL_DV_ALERT[spec.error_style],
        operator=XL_OPERATOR[spec.operator] if spec.operator else None, formula1=formula1, formula2=spec.formula2,
        ignore_blank=bool(spec.allow_blank), in_cell_dropdown=spec.type == "list", input_title=spec.prompt_title,
        input_message=spec.prompt, show_input=bool(spec.prompt), error_title=spec.error_title,
        error_message=spec.error, show_error=spec.type != "any", select_first=select_first)


def text_safe(value: Any) -> Any:
    """A value ready for ``range.value``: formula-like strings (and strings that start with the
    text prefix itself) get the "'" prefix so they are stored as the text they are."""
    if isinstance(value, Formula):
        return str(value)
    if isinstance(value, str) and (is_formula_like(value) or value.startswith("'")):
        return "'" + value
    return value


def split_ref(ref: str) -> tuple[int, int]:
    """"H12" → (12, 8)."""
    m = re.fullmatch(r"\$?([A-Z]+)\$?(\d+)", ref.strip().upper())
    if not m:
        raise ValueError(f"not a cell reference: {ref!r}")
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)), col


def cell_ref(row: int, col: int) -> str:
    return f"{layout.col_letter(col)}{row}"


def range_ref(r1: int, c1: int, r2: int, c2: int) -> str:
    """(7, 1, 9, 2) → "A7:B9"; a single cell → "A7"."""
    first, last = cell_ref(r1, c1), cell_ref(r2, c2)
    return first if first == last else f"{first}:{last}"


def template_fill(sheet: str, ref: str) -> str:
    """The fill ("RRGGBB", "" none) the template gives a cell of 实际完成's or 运行监控's grid and
    budget band: the grey of cells linked to 目标表 or computed. Engines that cannot read a cell's
    fill (the remote book) record this one for a cell they mark, so clearing the mark restores it."""
    shape = _LINKED_SHEETS.get(sheet)
    if shape is None:
        return ""
    from xlsxtools.workbook.template import LINKED_FILL

    unit_cell, budget_row, fields, budget_col, inputs, first_row, columns = shape
    row, col = split_ref(ref)
    unit_row, unit_col = split_ref(unit_cell)
    if row == unit_row and col >= unit_col:
        return LINKED_FILL  # the unit name, merged across the row
    if row == budget_row:
        for f in fields:
            if budget_col[f.key] == layout.col_letter(col):
                return "" if f.key in inputs else LINKED_FILL
        return ""
    if row >= first_row and col <= len(columns):
        return "" if columns[col - 1].input else LINKED_FILL
    return ""


#: The sheets linked to 目标表: unit name cell, budget band (row, fields, columns, typed keys), grid.
_LINKED_SHEETS: dict[str, tuple[Any, ...]] = {
    layout.ACTUALS_SHEET: (layout.ACTUALS_UNIT_VALUE_CELL, layout.BUDGET_VALUE_ROW, layout.BUDGET_FIELDS,
                           layout.BUDGET_COL, layout.BUDGET_INPUT_KEYS, layout.ACTUAL_FIRST_ROW,
                           layout.ACTUAL_COLUMNS),
    layout.MONITOR_SHEET: (layout.MONITOR_UNIT_VALUE_CELL, layout.MONITOR_BUDGET_VALUE_ROW,
                           layout.MONITOR_BUDGET_FIELDS, layout.MONITOR_BUDGET_COL, layout.MONITOR_BUDGET_INPUT_KEYS,
                           layout.MONITOR_FIRST_ROW, layout.MONITOR_COLUMNS),
}


def rectangles(cells: Iterable[tuple[int, int]]) -> list[tuple[int, int, int, int]]:
    """Cover exactly ``cells`` with few rectangles (r1, c1, r2, c2): runs of adjacent columns in a
    row, merged with the same run in the rows directly below."""
    by_row: dict[int, list[int]] = {}
    for r, c in set(cells):
        by_row.setdefault(r, []).append(c)
    runs: list[tuple[int, int, int]] = []  # (c1, c2, row)
    for r, cols in by_row.items():
        cols.sort()
        start = prev = cols[0]
        for c in cols[1:]:
            if c != prev + 1:
                runs.append((start, prev, r))
                start = c
            prev = c
        runs.append((start, prev, r))
    runs.sort()
    out: list[tuple[int, int, int, int]] = []
    for c1, c2, r in runs:
        if out and out[-1][1] == c1 and out[-1][3] == c2 and out[-1][2] == r - 1:
            r1, _, _, _ = out[-1]
            out[-1] = (r1, c1, r, c2)
        else:
            out.append((r, c1, r, c2))
    return sorted(out)


def hex_to_rgb(hex_colour: str) -> tuple[int, int, int]:
    h = hex_colour.lstrip("#")[-6:]
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def rgb_to_hex(colour: Any) -> str:
    """xlwings' colour (an (r, g, b) tuple, "#rrggbb" or None) → "RRGGBB" ("" for none)."""
    if colour is None:
        return ""
    if isinstance(colour, str):
        return colour.lstrip("#").upper()[-6:]
    r, g, b = colour
    return f"{r:02X}{g:02X}{b:02X}"


def platform_of(book: Any) -> str:
    """WINDOWS / MAC for desktop Excel, REMOTE for xlwings' JSON remote book, OTHER otherwise."""
    try:
        engine = book.app.engine.name
    except Exception:  # an engine without .engine is not one we know
        return OTHER
    if engine == "excel":
        return WINDOWS if sys.platform.startswith("win") else MAC
    if engine != "remote":
        return OTHER
    try:
        client = book.impl.api.get("client")
    except Exception:  # a remote book without its payload: treat as the generic remote book
        client = None
    return VBA if client == "VBA" else REMOTE


class LiveBook:
    """A live workbook (see the module docstring). ``platform`` overrides the detection (tests)."""

    def __init__(self, book: Any, platform: str | None = None) -> None:
        self.book = book
        self.platform = platform or platform_of(book)
        self._sheet_names: list[str] | None = None
        #: Things the engine could not do (e.g. notes on a client without notes), for messages.
        self.skipped: list[str] = []

    # ----------------------------------------------------------------------------------- sheets

    @property
    def desktop(self) -> bool:
        return self.platform in (WINDOWS, MAC)

    @property
    def on_server(self) -> bool:
        """Running on the service for a VBA client (no local files, no local log folder)."""
        return self.platform == VBA

    def macro(self, name: str, *args: Any) -> None:
        """Ask the VBA client to run the helper sub ``name`` (see :data:`HELPERS`) after this button."""
        if HELPERS.get(name) != len(args):
            raise ValueError(f"helper {name} takes {HELPERS.get(name)} arguments, not {len(args)}")
        self.book.app.macro(name)(*args)

    @property
    def name(self) -> str:
        return str(self.book.name)

    @property
    def fullname(self) -> str:
        try:
            return str(self.book.fullname)
        except Exception:  # e.g. a book that was never saved
            return self.name

    @property
    def sheet_names(self) -> list[str]:
        if self._sheet_names is None:
            self._sheet_names = [s.name for s in self.book.sheets]
        return self._sheet_names

    def sheet(self, name: str) -> Any:
        return self.book.sheets[name]

    def grid(self, name: str) -> list[list[Any]]:
        """Every value of a sheet from A1 to its last used cell, in one read."""
        sheet = self.sheet(name)
        last = sheet.used_range.last_cell
        rows, cols = last.row, last.column
        values = sheet.range((1, 1), (rows, cols)).options(ndim=2).value
        return [list(r) for r in values]

    def activate(self, name: str) -> None:
        try:
            self.sheet(name).activate()
        except Exception:  # showing the sheet is a nicety
            pass

    # ----------------------------------------------------------------------------------- values

    def fit_rows(self, sheet: str, first: int, last: int, ncols: int, wrap_col: int | None = None) -> None:
        """Rows ``first``–``last`` (columns 1–``ncols``) as tall as their text; ``wrap_col`` wraps
        first (a template's column style already does; a workbook of an older template may not).
        xlwings' VBA client has no wrap action, so there the column style alone wraps."""
        ws = self.sheet(sheet)
        if wrap_col is not None and self.platform != VBA:
            ws.range((first, wrap_col), (last, wrap_col)).wrap_text = True
        ws.range((first, 1), (last, ncols)).rows.autofit()

    def write_block(self, sheet: str, row: int, col: int, rows: Sequence[Sequence[Any]]) -> None:
        """Write a 2-D block with its top-left cell at (row, col), in one call."""
        if not rows:
            return
        width = max(len(r) for r in rows)
        block = [[text_safe(v) for v in r] + [None] * (width - len(r)) for r in rows]
        self.sheet(sheet).range((row, col)).value = block

    def clear_contents(self, sheet: str, r1: int, c1: int, r2: int, c2: int) -> None:
        if r2 >= r1 and c2 >= c1:
            self.sheet(sheet).range((r1, c1), (r2, c2)).clear_contents()

    def apply_edits(self, edits: Iterable[CellEdit]) -> int:
        """Apply CellEdits in bulk: values by rectangles of edited cells, number formats, fills by
        colour and rectangle, then notes cell by cell. Returns how many edits were applied."""
        edits = list(edits)
        by_sheet: dict[str, list[CellEdit]] = {}
        for e in edits:
            by_sheet.setdefault(e.sheet, []).append(e)
        for sheet, es in by_sheet.items():
            values = {split_ref(e.cell): e.value for e in es if e.set_value}
            for r1, c1, r2, c2 in rectangles(values):
                self.write_block(sheet, r1, c1, [[values[(r, c)] for c in range(c1, c2 + 1)]
                                                 for r in range(r1, r2 + 1)])
            formats: dict[str, list[tuple[int, int]]] = {}
            for e in es:
                if e.number_format is not None:
                    formats.setdefault(e.number_format, []).append(split_ref(e.cell))
            for fmt, cells in formats.items():
                for r1, c1, r2, c2 in rectangles(cells):
                    self.sheet(sheet).range((r1, c1), (r2, c2)).number_format = fmt
            fills: dict[str, list[tuple[int, int]]] = {}
            for e in es:
                if e.fill is not None:
                    fills.setdefault(e.fill, []).append(split_ref(e.cell))
            for colour, cells in fills.items():
                for r1, c1, r2, c2 in rectangles(cells):
                    self.set_fill(sheet, r1, c1, r2, c2, colour)
            for e in es:
                if e.note is not None:
                    self.set_note(sheet, e.cell, e.note)
        return len(edits)

    def hide_columns(self, sheet: str, r1: int, c1: int, r2: int, c2: int) -> None:
        """Hide the columns of a range."""
        if self.platform == VBA:
            self.macro("XtHideColumns", sheet, range_ref(r1, c1, r2, c2))
        else:
            self.sheet(sheet).range((r1, c1), (r2, c2)).columns.hidden = True

    # ------------------------------------------------------------------------------ fills, notes

    def set_fill(self, sheet: str, r1: int, c1: int, r2: int, c2: int, colour: str) -> None:
        """Fill a rectangle with "RRGGBB"; "" removes the fill."""
        if not colour and self.platform == VBA:
            self.macro("XtClearFill", sheet, range_ref(r1, c1, r2, c2))
            return
        self.sheet(sheet).range((r1, c1), (r2, c2)).color = hex_to_rgb(colour) if colour else None

    def fill_of(self, sheet: str, ref: str) -> str:
        """The fill of a cell ("RRGGBB", "" none). Where the engine cannot read fills, the fill the
        template gives that cell (:func:`template_fill`)."""
        if not self.desktop:
            return template_fill(sheet, ref)
        return rgb_to_hex(self.sheet(sheet).range(ref).color)

    def note_of(self, sheet: str, ref: str) -> str:
        """The note text of a cell ("" none, or where the engine cannot read note texts)."""
        if not self.desktop:
            return ""
        note = self.sheet(sheet).range(ref).note
        return "" if note is None else str(note.text or "")

    def set_note(self, sheet: str, ref: str, text: str) -> None:
        """Set the note of a cell; "" removes it. Skipped (and remembered) where notes are unsupported."""
        if self.platform == VBA:
            self.macro("XtSetNote", sheet, ref, text)
            return
        rng = self.sheet(sheet).range(ref)
        try:
            note = rng.note
            if not text:
                if note is not None:
                    note.delete()
            elif note is None:
                rng.add_note(text)
            else:
                note.text = text
        except NotImplementedError:
            if "notes" not in self.skipped:
                self.skipped.append("notes")

    def our_notes(self, prefix: str) -> list[tuple[str, str]]:
        """(sheet, cell) of every note starting with ``prefix`` (desktop only; [] elsewhere)."""
        if not self.desktop:
            return []
        out = []
        for name in self.sheet_names:
            for note in self.sheet(name).notes:
                try:
                    if str(note.text or "").startswith(prefix):
                        out.append((name, note.location.address.replace("$", "")))
                except Exception:  # an unreadable note is not ours to clear
                    continue
        return out

    # ------------------------------------------------------------------------------ formats read

    def percent_cells(self, sheet: str, refs: set[str]) -> set[str]:
        """Which of ``refs`` carry a % number format (desktop; the remote book cannot tell)."""
        if not self.desktop:
            return set()
        out = set()
        for ref in refs:
            fmt = self.sheet(sheet).range(ref).number_format
            if isinstance(fmt, str) and "%" in fmt:
                out.add(ref)
        return out

    def merged_in(self, sheet: str, refs: Iterable[str]) -> list[tuple[tuple[int, int], tuple[int, int]]]:
        """Merged ranges (zero-based ((r0, c0), (r1, c1)) as the reader wants them) that contain any
        of ``refs`` (desktop only)."""
        if not self.desktop:
            return []
        seen: set[str] = set()
        out = []
        for ref in refs:
            rng = self.sheet(sheet).range(ref)
            if not rng.merge_cells:
                continue
            area = rng.merge_area
            if area.address in seen:
                continue
            seen.add(area.address)
            rows, cols = area.shape
            out.append(((area.row - 1, area.column - 1), (area.row + rows - 2, area.column + cols - 2)))
        return out

    # ------------------------------------------------------------------------------- protection

    @contextmanager
    def unprotected(self, names: Iterable[str]) -> Iterator[None]:
        """Unprotect the named sheets (layout password) for the block, then protect them again
        with the allowances they had. A no-op for the remote book of Office.js; the VBA client's
        helpers XtUnprotect/XtProtect do it there (they remember the allowances themselves)."""
        if self.platform == VBA:
            opened = [n for n in dict.fromkeys(names) if n in self.sheet_names]
            for n in opened:
                self.macro("XtUnprotect", n, layout.PROTECTION_PASSWORD)
            try:
                yield
            finally:
                for n in reversed(opened):
                    self.macro("XtProtect", n, layout.PROTECTION_PASSWORD)
            return
        states: list[tuple[Any, dict[str, bool]]] = []
        try:
            for name in dict.fromkeys(names):
                if name not in self.sheet_names:
                    continue
                sheet = self.sheet(name)
                state = self._unprotect(sheet)
                if state is not None:
                    states.append((sheet, state))
            yield
        finally:
            for sheet, state in reversed(states):
                self._protect(sheet, state)

    def _unprotect(self, sheet: Any) -> dict[str, bool] | None:
        password = layout.PROTECTION_PASSWORD
        if self.platform == WINDOWS:
            api = sheet.api
            if not api.ProtectContents:
                return None
            prot = api.Protection
            state = {k: bool(getattr(prot, k)) for k in WIN_ALLOW}
            api.Unprotect(password)
            return state
        if self.platform == MAC:
            api = sheet.api
            if not api.protect_contents.get():
                return None
            prot = api.protection
            state = {k: bool(getattr(prot, k).get()) for k in MAC_ALLOW}
            api.unprotect(password=password)
            return state
        return None

    def _protect(self, sheet: Any, state: dict[str, bool]) -> None:
        password = layout.PROTECTION_PASSWORD
        if self.platform == WINDOWS:
            sheet.api.Protect(password, True, True, True, False, *(state[k] for k in WIN_ALLOW))
        elif self.platform == MAC:
            sheet.api.protect_worksheet(password=password, drawing_objects=True, contents=True, scenarios=True,
                                        **state)

    @contextmanager
    def keep_selection(self) -> Iterator[None]:
        """Restore the active sheet and selection after the block (Windows and the VBA client,
        where adding a validation rule selects cells); screen updating is off meanwhile (Windows)."""
        if self.platform == VBA:
            yield
            api = self.book.impl.api["book"]
            sheet = self.book.sheets[api["active_sheet_index"]]
            sheet.activate()
            if api.get("selection"):
                sheet.range(api["selection"]).select()
            return
        if self.platform != WINDOWS:
            yield
            return
        app = self.book.app
        active = self.book.sheets.active
        selection = app.selection
        app.screen_updating = False
        try:
            yield
        finally:
            try:
                active.activate()
                if selection is not None:
                    selection.select()
            finally:
                app.screen_updating = True

    # --------------------------------------------------------------------------- app: status, box

    def status(self, text: str | None) -> None:
        """Show progress in Excel's status bar (None hands it back to Excel); desktop only."""
        if self.desktop:
            self.book.app.status_bar = text if text else False

    def alert(self, text: str, title: str, *, error: bool = False) -> None:
        self.book.app.alert(text, title=title, mode="critical" if error else "info")

    def confirm(self, text: str, title: str, *, then: str | None = None, cancelled: str = "") -> bool | None:
        """Ask yes/no. True only for an explicit "yes" (the remote book cannot answer: False).

        For the VBA client the question is asked after this button has returned: its helper
        XtConfirm calls the service's button ``then`` on "yes" and shows ``cancelled`` on "no".
        The answer is None then: the button stops here without a message of its own.
        """
        if self.platform == VBA and then:
            self.macro("XtConfirm", text, title, then, cancelled, title)
            return None
        answer = self.book.app.alert(text, title=title, buttons="yes_no", mode="info")
        return answer == "yes"

    # -------------------------------------------------------------------------- data validation

    def set_validation(self, spec: Any) -> bool:  # spec: xlsxtools.validation.ValidationSpec
        """Apply one validation spec; False when this engine cannot express it (it is then left
        as the template made it)."""
        if self.platform == WINDOWS:
            self._win_validation(spec)
            return True
        if self.platform == VBA:
            self._vba_validation(spec)
            return True
        return self._xlwings_validation(spec)

    def _win_validation(self, spec: Any) -> None:
        """Windows COM: the whole spec (type, formula, prompt and error texts) through
        Range.Validation. Relative references in a formula are read by Excel relative to the
        active cell, so the first cell of the range is selected while the rule is added."""
        sheet = self.sheet(spec.sheet)
        call = validation_call(spec, self._list_separator())
        rng = sheet.range(call.address)
        if call.select_first:
            sheet.activate()
            sheet.range(spec.first_cell).select()
        v = rng.api.Validation
        v.Delete()
        kwargs: dict[str, Any] = {"Type": call.type, "AlertStyle": call.alert_style}
        if call.operator:
            kwargs["Operator"] = call.operator
        if call.formula1 is not None:
            kwargs["Formula1"] = call.formula1
        if call.formula2 is not None:
            kwargs["Formula2"] = call.formula2
        v.Add(**kwargs)
        v.IgnoreBlank = call.ignore_blank
        if call.in_cell_dropdown:
            v.InCellDropdown = True
        v.InputTitle = call.input_title
        v.InputMessage = call.input_message
        v.ShowInput = call.show_input
        v.ErrorTitle = call.error_title
        v.ErrorMessage = call.error_message
        v.ShowError = call.show_error

    def _vba_validation(self, spec: Any) -> None:
        """The VBA client: the same Range.Validation calls as on Windows, made by the helpers
        XtSetValidation (the rule) and XtValidationText (the texts). A literal list is sent with
        "," and the helper uses the PC's list separator, as the Windows path does."""
        call = validation_call(spec, ",")
        self.macro("XtSetValidation", spec.sheet, call.address, call.type, call.alert_style, call.operator,
                   call.formula1, call.formula2)
        self.macro("XtValidationText", spec.sheet, call.address, call.ignore_blank, call.in_cell_dropdown,
                   call.input_title, call.input_message, call.show_input, call.error_title, call.error_message,
                   call.show_error)

    def _list_separator(self) -> str:
        try:
            sep = self.book.app.api.International(XL_LIST_SEPARATOR)
            return sep if isinstance(sep, str) and sep else ","
        except Exception:  # the comma is Excel's default separator
            return ","

    def _xlwings_validation(self, spec: Any) -> bool:
        """xlwings' own DataValidation API (Mac, remote book): named and literal lists, whole and
        decimal numbers, and (remote book only) custom formulas. Input messages are not part of
        that API: an existing rule is modified in place so its messages stay."""
        book = self.book
        sheet = self.sheet(spec.sheet)
        f1 = spec.formula1
        if spec.type == "any":
            return False
        if spec.type == "list" and f1 and f1.startswith('"'):
            def apply(dv: Any) -> None:
                dv.set_list(f1.strip('"').split(","))
        elif spec.type == "list" and f1 and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", f1):
            def apply(dv: Any) -> None:
                dv.set_list(book.names[f1])
        elif spec.type in ("whole", "decimal") and spec.operator in XW_OPERATOR:
            method = "set_whole_number" if spec.type == "whole" else "set_decimal"

            def apply(dv: Any) -> None:
                getattr(dv, method)(XW_OPERATOR[spec.operator], f1, spec.formula2)
        elif spec.type == "custom" and self.platform == REMOTE and f1:
            # Office.js reads relative references from the range's first cell, as the plan does.
            def apply(dv: Any) -> None:
                dv.set_custom("=" + f1)
        else:
            return False
        for part in spec.sqref.split():
            dv = sheet.range(part).data_validation
            try:
                apply(dv)
            except Exception as exc:  # mixed rules in the range: start afresh
                if type(exc).__name__ != "XlwingsError":
                    raise
                dv.delete()
                apply(dv)
        return True
