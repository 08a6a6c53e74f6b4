"""The desktop-only calls of the Excel edge, against strict fakes.

xlwings' remote book cannot express sheet protection, the status bar, selection, reading fills
and notes, or validation prompts; on desktop Excel these go through the native ``.api`` objects
(COM on Windows, appscript on the Mac). The fakes below have exactly the attributes the code is
expected to use, record every call in order, and fail on anything else. Whether real Excel
accepts these calls is checked by hand (docs/manual-excel-check.md).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_excel_support import Strict, actions, payload_from_file, remote_book, sample_table

from xlsxtools import layout
from xlsxtools.excel.edge import MAC, MAC_ALLOW, REMOTE, WIN_ALLOW, WINDOWS, LiveBook
from xlsxtools.validation import ValidationSpec

T, A = layout.TARGETS_SHEET, layout.ACTUALS_SHEET
PW = layout.PROTECTION_PASSWORD


class Sheets(dict):
    """book.sheets: indexable by name, iterates over the sheets."""

    def __iter__(self):
        return iter(self.values())


def nothing(*args: Any, **kwargs: Any) -> None:
    return None


def calls(log: list) -> list:
    """The log without the range look-ups (sheet.range(...) is how a cell is reached, not an action)."""
    return [c for c in log if not c[0].endswith(".range")]


def win_sheet(name: str, log: list, *, protected: bool = True, allow: dict[str, bool] | None = None,
              ranges: dict[str, Any] | None = None) -> Strict:
    allow = allow if allow is not None else {k: k == "AllowInsertingRows" for k in WIN_ALLOW}
    api = Strict(f"{name}.api", log, {"ProtectContents": protected, "Protection": Strict("Protection", log, allow),
                                      "Unprotect": nothing, "Protect": nothing})
    ranges = ranges or {}

    def rng(address: Any, *_: Any) -> Any:
        if address not in ranges:
            raise AssertionError(f"unexpected range {address!r} on {name}")
        return ranges[address]

    return Strict(name, log, {"name": name, "api": api, "range": rng, "activate": nothing})


def book_of(log: list, sheets: list[Strict], app: Strict | None = None) -> Strict:
    return Strict("book", log, {"sheets": Sheets({s.name: s for s in sheets}),
                                "app": app or Strict("app", log, {}, settable=("status_bar",))})


# ---------------------------------------------------------------------------------------------
# Protection
# ---------------------------------------------------------------------------------------------


def test_windows_unprotects_and_protects_again_with_the_same_allowances():
    log: list = []
    live = LiveBook(book_of(log, [win_sheet(T, log), win_sheet(A, log, protected=False)]), platform=WINDOWS)
    with live.unprotected([T, A, "不存在的表"]):
        log.append(("work",))
    calls = [c for c in log if not c[0].startswith("Protection")]
    allow = tuple(k == "AllowInsertingRows" for k in WIN_ALLOW)
    assert calls == [(f"{T}.api.Unprotect", (PW,), {}), ("work",),
                     (f"{T}.api.Protect", (PW, True, True, True, False, *allow), {})]


def test_windows_protects_again_when_the_work_fails():
    log: list = []
    live = LiveBook(book_of(log, [win_sheet(T, log)]), platform=WINDOWS)
    with pytest.raises(ZeroDivisionError), live.unprotected([T]):
        1 / 0  # noqa: B018
    assert [c[0] for c in log] == [f"{T}.api.Unprotect", f"{T}.api.Protect"]


def test_mac_unprotects_through_appscript():
    log: list = []

    def prop(value: Any) -> Strict:
        return Strict("prop", log, {"get": lambda: value})

    allowances = {k: prop(k == "allow_formatting_rows") for k in MAC_ALLOW}
    api = Strict(f"{T}.api", log, {"protect_contents": prop(True), "protection": Strict("protection", log, allowances),
                                   "unprotect": nothing, "protect_worksheet": nothing})
    sheet = Strict(T, log, {"name": T, "api": api})
    live = LiveBook(book_of(log, [sheet]), platform=MAC)
    with live.unprotected([T]):
        log.append(("work",))
    calls = [c for c in log if c[0] != "prop.get"]
    state = {k: k == "allow_formatting_rows" for k in MAC_ALLOW}
    assert calls == [(f"{T}.api.unprotect", (), {"password": PW}), ("work",),
                     (f"{T}.api.protect_worksheet", (), {"password": PW, "drawing_objects": True, "contents": True,
                                                          "scenarios": True, **state})]


def test_remote_book_protection_and_status_bar_are_no_ops(tmp_path):
    from xlsxtools.workbook.template import write_unit_workbook

    book = remote_book(payload_from_file(write_unit_workbook(sample_table(), tmp_path / "u.xlsm")))
    live = LiveBook(book)
    assert live.platform == REMOTE
    with live.unprotected([T, A]):
        live.status("正在检查……")
        live.status(None)
    assert actions(book) == []


# ---------------------------------------------------------------------------------------------
# Status bar, selection, notes, fills, opening a file
# ---------------------------------------------------------------------------------------------


def test_status_bar_on_desktop():
    log: list = []
    live = LiveBook(book_of(log, []), platform=WINDOWS)
    live.status("正在检查……")
    live.status(None)
    assert log == [("app.status_bar=", ("正在检查……",), {}), ("app.status_bar=", (False,), {})]


def test_selection_and_active_sheet_are_restored():
    log: list = []
    selection = Strict("selection", log, {"select": nothing})
    active = Strict("active", log, {"activate": nothing})
    app = Strict("app", log, {"selection": selection}, settable=("screen_updating",))
    book = Strict("book", log, {"sheets": Strict("sheets", log, {"active": active}), "app": app})
    live = LiveBook(book, platform=WINDOWS)
    with live.keep_selection():
        log.append(("work",))
    assert [c[0] for c in log] == ["app.screen_updating=", "work", "active.activate", "selection.select",
                                   "app.screen_updating="]


def test_notes_and_fills_on_desktop():
    log: list = []
    existing = Strict("note", log, {"text": "用户批注", "delete": nothing}, settable=("text",))
    with_note = Strict("E9", log, {"note": existing, "color": (255, 199, 206)})
    without = Strict("D7", log, {"note": None, "add_note": nothing, "color": None})
    live = LiveBook(book_of(log, [win_sheet(T, log, ranges={"E9": with_note, "D7": without})]), platform=WINDOWS)
    assert live.fill_of(T, "E9") == "FFC7CE" and live.fill_of(T, "D7") == ""
    assert live.note_of(T, "E9") == "用户批注" and live.note_of(T, "D7") == ""
    live.set_note(T, "E9", "新的批注")
    live.set_note(T, "D7", "加一条")
    live.set_note(T, "E9", "")
    assert calls(log) == [("note.text=", ("新的批注",), {}), ("D7.add_note", ("加一条",), {}), ("note.delete", (), {})]


def test_open_summary_at_a_sheet_on_desktop(tmp_path):
    from xlsxtools.excel.ops import _open_at

    log: list = []
    findings = Strict("问题清单", log, {"activate": nothing})
    opened = Strict("opened", log, {"sheets": {layout.CONS_FINDINGS_SHEET: findings}})
    books = Strict("books", log, {"open": lambda path: opened})
    live = LiveBook(book_of(log, [], Strict("app", log, {"books": books})), platform=WINDOWS)
    path = tmp_path / "汇总.xlsx"
    assert _open_at(live, path, layout.CONS_FINDINGS_SHEET) is True
    assert log == [("books.open", (str(path),), {}), ("问题清单.activate", (), {})]


# ---------------------------------------------------------------------------------------------
# Data validation through COM (Windows)
# ---------------------------------------------------------------------------------------------

PROPS = ("IgnoreBlank", "InCellDropdown", "InputTitle", "InputMessage", "ShowInput", "ErrorTitle", "ErrorMessage",
         "ShowError")


def validation_target(log: list, label: str) -> Strict:
    validation = Strict("Validation", log, {"Delete": nothing, "Add": nothing}, settable=PROPS)
    return Strict(label, log, {"api": Strict(f"{label}.api", log, {"Validation": validation})})


def test_windows_named_list_with_its_messages():
    log: list = []
    spec = ValidationSpec(T, "A7:A36", "list", layout.NAME_LEVEL1, prompt_title="一级指标", prompt="从下拉列表选择",
                          error_title="一级指标有误", error="只能选列表中的值")
    sheet = win_sheet(T, log, ranges={"A7:A36": validation_target(log, "A7:A36")})
    assert LiveBook(book_of(log, [sheet]), platform=WINDOWS).set_validation(spec) is True
    assert calls(log) == [
        ("Validation.Delete", (), {}),
        ("Validation.Add", (), {"Type": 3, "AlertStyle": 1, "Formula1": "=" + layout.NAME_LEVEL1}),
        ("Validation.IgnoreBlank=", (True,), {}), ("Validation.InCellDropdown=", (True,), {}),
        ("Validation.InputTitle=", ("一级指标",), {}), ("Validation.InputMessage=", ("从下拉列表选择",), {}),
        ("Validation.ShowInput=", (True,), {}), ("Validation.ErrorTitle=", ("一级指标有误",), {}),
        ("Validation.ErrorMessage=", ("只能选列表中的值",), {}), ("Validation.ShowError=", (True,), {}),
    ]


def test_windows_relative_formula_is_added_from_the_first_cell():
    log: list = []
    spec = ValidationSpec(T, "E7:E9 E12:E36", "custom", 'OR($D7="",ISNUMBER(E7))', error="应为数字")
    first = Strict("E7", log, {"select": nothing})
    sheet = win_sheet(T, log, ranges={"E7:E9,E12:E36": validation_target(log, "E"), "E7": first})
    LiveBook(book_of(log, [sheet]), platform=WINDOWS).set_validation(spec)
    log = calls(log)
    assert [c[0] for c in log][:4] == [f"{T}.activate", "E7.select", "Validation.Delete", "Validation.Add"]
    assert log[3][2] == {"Type": 7, "AlertStyle": 1, "Formula1": '=OR($D7="",ISNUMBER(E7))'}
    assert ("Validation.ShowInput=", (False,), {}) in log


def test_windows_literal_list_uses_the_locale_separator():
    log: list = []
    spec = ValidationSpec(A, "G9", "list", '"是,否"')
    app = Strict("app", log, {"api": Strict("app.api", log, {"International": lambda i: ";" if i == 5 else None})})
    sheet = win_sheet(A, log, ranges={"G9": validation_target(log, "G9")})
    LiveBook(book_of(log, [sheet], app), platform=WINDOWS).set_validation(spec)
    add = next(c for c in log if c[0] == "Validation.Add")
    assert add[2] == {"Type": 3, "AlertStyle": 1, "Formula1": "是;否"}


def test_windows_number_rule_keeps_operator_and_bounds():
    log: list = []
    spec = ValidationSpec(T, "C3", "whole", "2000", "2100", operator="between", error_style="warning")
    sheet = win_sheet(T, log, ranges={"C3": validation_target(log, "C3")})
    LiveBook(book_of(log, [sheet]), platform=WINDOWS).set_validation(spec)
    add = next(c for c in log if c[0] == "Validation.Add")
    assert add[2] == {"Type": 1, "AlertStyle": 2, "Operator": 1, "Formula1": "2000", "Formula2": "2100"}
    assert "Validation.InCellDropdown=" not in [c[0] for c in log]


def test_generic_engine_leaves_dependent_lists_and_prompts_alone(tmp_path: Path):
    from xlsxtools.validation import level2_formula

    book = remote_book(payload_from_file(__import__("xlsxtools.workbook.template", fromlist=["x"])
                                         .write_unit_workbook(None, tmp_path / "b.xlsm")))
    live = LiveBook(book)
    assert live.set_validation(ValidationSpec(T, "B7:B36", "list", level2_formula("$A7"))) is False
    assert live.set_validation(ValidationSpec(T, "C7:C36", "any", prompt="指标名称")) is False
    assert actions(book) == []
