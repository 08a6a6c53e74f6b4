"""The actuals checks are the scoring's findings (one implementation), run once actuals exist."""

from __future__ import annotations

from decimal import Decimal

from test_checks import clean_table

from xlsxtools import layout
from xlsxtools.checks import run_checks
from xlsxtools.model import ActualEntry, Actuals, Origin


def actuals(values: list, reasons: dict[int, str] | None = None, budget=100, spent=100) -> Actuals:
    reasons = reasons or {}
    entries = [ActualEntry(v, False, reasons.get(i, ""), Origin("t.xlsx", layout.ACTUALS_SHEET, 7 + i, layout.ACTUAL_COL))
               for i, v in enumerate(values)]
    return Actuals(entries, budget, spent, {"budget": Origin("t.xlsx", layout.ACTUALS_SHEET, 4, {"budget": "A"}),
                                            "spent": Origin("t.xlsx", layout.ACTUALS_SHEET, 4, {"spent": "B"})})


FULL = [450, 12, 98, "2026-12-20", 480, "效果明显", "效果明显", 96]


def test_complete_actuals_report_nothing():
    assert run_checks(clean_table(), actuals(FULL)) == []


def test_blank_actuals_sheet_is_not_checked_yet():
    assert run_checks(clean_table(), actuals([None] * 8, budget=None, spent=None)) == []


def test_missing_wrong_kind_not_in_list_and_no_reason():
    values = list(FULL)
    values[0] = None  # missing
    values[1] = "很多"  # text where a number is needed
    values[5] = "非常好"  # not one of the grade choices
    values[2] = 90  # below target: not full points, no reason given
    got = {(f.code, f.sheet, f.cell) for f in run_checks(clean_table(), actuals(values))}
    sheet = layout.ACTUALS_SHEET
    assert {("A001", sheet, "G7"), ("A002", sheet, "G8"), ("A003", sheet, "G12"), ("A004", sheet, "J9")} <= got
    assert all(code.startswith("A") for code, _, _ in got)
    # the reason given: no A004
    got = {f.code for f in run_checks(clean_table(), actuals(values, {2: "部分文件延期办理"}))}
    assert "A004" not in got


def test_budget_missing_is_reported():
    got = {(f.code, f.cell) for f in run_checks(clean_table(), actuals(FULL, budget=None))}
    assert ("A007", "A4") in got


def test_zero_target_reported_once_by_the_rule_check():
    t = clean_table()
    t.indicators[1].target = "0"
    values = list(FULL)
    values[1] = 0
    found = [f for f in run_checks(t, actuals(values)) if f.code == "R006"]
    assert [(f.sheet, f.cell) for f in found] == [(layout.TARGETS_SHEET, "H8")]
    assert run_checks(t, actuals(values), select=["A"]) == []
    assert Decimal(0) == Decimal(t.indicators[1].target)
