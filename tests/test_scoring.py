"""Scoring engine: every formula of domain.md §4 with hand-computed expectations."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal as D

import pytest

from xlsxtools import layout
from xlsxtools.config import Config, Expectations, StepMode
from xlsxtools.model import ActualEntry, Actuals, Indicator, Origin, TargetTable
from xlsxtools.rules import Band, Level, Rule, RuleKind, parse_rule
from xlsxtools.scoring import score_budget, score_indicator, score_unit, step_count

K = RuleKind
RATIO2 = Rule(K.RATIO, D(2))
OVER10 = Rule(K.OVERRUN, D(10), step=D(10), deduction=D(2))
SAVE5 = Rule(K.SAVING, D(5), step=D(1), deduction=D("0.5"))
DELAY10 = Rule(K.DELAY, D(10), step=D(10), deduction=D(1), deadline=date(2026, 12, 31))
GRADE10 = Rule(K.GRADE, D(10), grades=(("效果明显", D(10)), ("效果一般", D(5))))
BANDS10 = Rule(K.BANDS, D(10), bands=(Band(D(95), D(10)), Band(D(80), D(8)), Band(D(60), D(5))), subject="满意度")
THRESH4 = Rule(K.THRESHOLD, D(4), gate=D(60))
LEVEL15 = Rule(K.LEVEL, D(15), levels=(Level("基本达成目标", D(15), D(100), D(80)), Level("部分实现目标", D(5), D(80), D(60)),
                                       Level("实现目标程度较低", D(0), D(60), D(0))))
PCT2 = Rule(K.PERCENT, D(2))


def sc(rule: Rule, type_: str, target: object, actual: object, **kw: object) -> D | None:
    return score_indicator(rule, type_, target, actual, **kw).score


def codes_of(rule: Rule, type_: str, target: object, actual: object, **kw: object) -> list[str]:
    return [i.code for i in score_indicator(rule, type_, target, actual, **kw).issues]


# ------------------------------------------------------------------ RATIO

def test_ratio_typical_and_explanation() -> None:
    s = score_indicator(RATIO2, "≥", "50", 45)
    assert s.score == D("1.80")  # 2 × 45/50
    assert "45/50" in s.explanation and "0.9" in s.explanation and s.explanation.endswith("1.80")


@pytest.mark.parametrize(("type_", "target", "actual", "expected"), [
    ("≥", "50", 50, D("2.00")),  # exactly on target
    ("≥", "50", 60, D("2.00")),  # over target: min(1, A/T)
    ("=", "4", 3, D("1.50")),  # 2 × 3/4
    ("≥", "3", 1, D("0.67")),  # 2/3 = 0.666… → 0.67 half-up
    ("≥", "200", 0, D("0.00")),
    ("≤", "50", 50, D("2.00")),  # reverse: meets T
    ("≤", "50", 40, D("2.00")),  # reverse: below T is better
    ("≤", "50", 80, D("1.25")),  # reverse: 2 × 50/80
    ("<", "10", 16, D("1.25")),  # reverse: 2 × 10/16
    ("定性", "8", 6, D("1.50")),  # a numeric benchmark under 定性: forward
])
def test_ratio_cases(type_: str, target: str, actual: object, expected: D) -> None:
    assert sc(RATIO2, type_, target, actual) == expected


def test_ratio_zero_target() -> None:
    assert sc(RATIO2, "=", "0", 0) == D(2)
    assert sc(RATIO2, "=", "0", 3) == D(0)
    assert sc(RATIO2, "≤", "0", 0) == D(2)
    assert sc(RATIO2, "≤", "0", 1) == D(0)
    assert "R006" in codes_of(RATIO2, "≤", "0", 1)
    assert sc(RATIO2, "≥", "0", 5) == D(2)  # ≥ 0 is met by any non-negative actual
    assert "R006" not in codes_of(RATIO2, "≥", "0", 5)


def test_ratio_far_above_is_full_with_info() -> None:
    assert sc(RATIO2, "≥", "2", 3) == D(2)
    assert "A006" in codes_of(RATIO2, "≥", "2", 3)  # 3/2 = 1.5 ≥ FAR_ABOVE
    assert "A006" not in codes_of(RATIO2, "≥", "50", 56)


def test_ratio_needs_numeric_target() -> None:
    s = score_indicator(RATIO2, "定性", "效果明显", 5)
    assert s.score is None and s.issues[0].code == "A008"


# ------------------------------------------------------------------ PERCENT (always against 100)

@pytest.mark.parametrize(("actual", "kw", "expected"), [
    (96, {}, D("1.92")),  # 2 × 96/100, although the target is 95
    (100, {}, D("2.00")),
    (95, {}, D("1.90")),  # on a ≥95 target, still only 1.90
    (0.978, {"percent_format": True}, D("1.96")),  # 97.8% as a fraction: 2 × 0.978 = 1.956
    ("97.8%", {}, D("1.96")),
    (101, {}, D("2.00")),
])
def test_percent(actual: object, kw: dict, expected: D) -> None:
    assert sc(PCT2, "≥", "95", actual, unit="%", **kw) == expected


def test_percent_fraction_without_format_warns_and_scores_as_typed() -> None:
    s = score_indicator(PCT2, "≥", "95", 0.96, unit="%")
    assert s.score == D("0.02")  # 0.96 percent points: 2 × 0.0096 = 0.0192 → 0.02
    assert [i.code for i in s.issues] == ["A005"]
    assert "A005" not in codes_of(PCT2, "≥", "95", 0.96, unit="%", percent_format=True)
    assert "A005" not in codes_of(RATIO2, "≥", "95", 0, unit="%")  # 0 is 0% either way


# ------------------------------------------------------------------ OVERRUN o = (A−T)/T·100

@pytest.mark.parametrize(("actual", "mode", "expected"), [
    (100, StepMode.FLOOR, D(10)),  # exactly on budget
    (90, StepMode.FLOOR, D(10)),  # under budget
    (105, StepMode.FLOOR, D(10)),  # o = 5%: no full step
    (105, StepMode.CEIL, D(8)),  # a started step counts: 10 − 2
    (105, StepMode.PROPORTIONAL, D(9)),  # 10 − 2 × 0.5
    (110, StepMode.FLOOR, D(8)),  # one step: 10 − 2 × 1
    (125, StepMode.FLOOR, D(6)),  # 10 − 2 × 2
    (125, StepMode.CEIL, D(4)),  # 10 − 2 × 3
    (125, StepMode.PROPORTIONAL, D(5)),  # 10 − 2 × 2.5
    (150, StepMode.FLOOR, D(0)),  # 5 steps: deductions reach zero exactly
    (190, StepMode.FLOOR, D(0)),  # beyond: 扣完为止, clamped at 0
])
def test_overrun(actual: int, mode: StepMode, expected: D) -> None:
    assert sc(OVER10, "≤", "100", actual, step_mode=mode) == expected


def test_overrun_explanation_shows_step_mode() -> None:
    for mode in StepMode:
        assert mode.label in score_indicator(OVER10, "≤", "100", 125, step_mode=mode).explanation


def test_overrun_sample_values() -> None:
    # 601.5 vs 588.12: o = 13.38/588.12 = 2.275% → no full step of 10% → 10
    assert sc(OVER10, "≤", "588.12", 601.5) == D(10)
    # 700 vs 588.12: o = 111.88/588.12 = 19.02% → floor 1 → 8; ceil 2 → 6
    assert sc(OVER10, "≤", "588.12", 700) == D(8)
    assert sc(OVER10, "≤", "588.12", 700, step_mode=StepMode.CEIL) == D(6)


# ------------------------------------------------------------------ SAVING

@pytest.mark.parametrize(("actual", "mode", "expected"), [
    (0, StepMode.FLOOR, D(5)),  # exactly on target 0
    (3, StepMode.FLOOR, D(5)),  # saved more
    (-1, StepMode.FLOOR, D("4.5")),  # one step: 5 − 0.5
    (-3.5, StepMode.FLOOR, D("3.5")),  # 5 − 0.5 × 3
    (-3.5, StepMode.CEIL, D(3)),  # 5 − 0.5 × 4
    (-3.5, StepMode.PROPORTIONAL, D("3.25")),  # 5 − 0.5 × 3.5
    (-10, StepMode.FLOOR, D(0)),  # deductions reach zero
    (-12, StepMode.FLOOR, D(0)),
    (layout.NOT_APPLICABLE, StepMode.FLOOR, D(5)),
])
def test_saving(actual: object, mode: StepMode, expected: D) -> None:
    assert sc(SAVE5, "≥", "0", actual, unit="%", step_mode=mode) == expected


# ------------------------------------------------------------------ DELAY

@pytest.mark.parametrize(("actual", "mode", "expected"), [
    (date(2026, 12, 31), StepMode.FLOOR, D(10)),  # on the deadline
    (date(2026, 11, 1), StepMode.FLOOR, D(10)),
    (datetime(2027, 1, 8), StepMode.FLOOR, D(10)),  # 8 days: no full step
    (datetime(2027, 1, 8), StepMode.CEIL, D(9)),
    (datetime(2027, 1, 8), StepMode.PROPORTIONAL, D("9.2")),  # 10 − 8/10
    ("2027年1月10日", StepMode.FLOOR, D(9)),  # 10 days: one step
    ("2027-01-25", StepMode.FLOOR, D(8)),  # 25 days: floor 2
    ("2027.4.10", StepMode.FLOOR, D(0)),  # 100 days: 10 steps → 0
    ("2027.6.1", StepMode.FLOOR, D(0)),
])
def test_delay(actual: object, mode: StepMode, expected: D) -> None:
    assert sc(DELAY10, "定性", "2026年12月31日前", actual, step_mode=mode) == expected


def test_delay_deadline_from_target_text() -> None:
    rule = Rule(K.DELAY, D(10), step=D(10), deduction=D(1))
    assert sc(rule, "定性", "2026年6月30日前", "2026-07-20") == D(8)  # 20 days → 2 steps
    s = score_indicator(rule, "定性", "按时完成", "2026-07-20")
    assert s.score is None and s.issues[0].code == "A008"


def test_delay_actual_not_a_date() -> None:
    s = score_indicator(DELAY10, "定性", "2026年12月31日前", "已完成")
    assert s.score is None and s.issues[0].code == "A002" and "日期" in s.issues[0].message
    assert sc(DELAY10, "定性", "", 46000) is None  # a bare number is not a date


# ------------------------------------------------------------------ GRADE / LEVEL / DIRECT

def test_grade_from_each_rows_own_text() -> None:
    assert sc(GRADE10, "定性", "效果明显", "效果明显") == D(10)
    assert sc(GRADE10, "定性", "效果明显", "效果一般") == D(5)
    assert sc(GRADE10, "定性", "效果明显", "效果较差") == D(0)
    other = parse_rule("效果明显得15分，效果一般得8分，否则不得分。").rule
    assert sc(other, "定性", "效果明显", "效果一般") == D(8)
    s = score_indicator(GRADE10, "定性", "效果明显", "很好")
    assert s.score is None and s.issues[0].code == "A003"


def test_level() -> None:
    assert sc(LEVEL15, "定性", "", "基本达成目标") == D(15)
    assert sc(LEVEL15, "定性", "", "部分实现目标") == D(5)
    assert sc(LEVEL15, "定性", "", "实现目标程度较低") == D(0)
    assert codes_of(LEVEL15, "定性", "", "差不多") == ["A003"]


def test_direct() -> None:
    rule = Rule(K.DIRECT, D(3))
    assert sc(rule, "定性", "", "是") == D(3)
    assert sc(rule, "定性", "", "符合要求") == D(3)
    assert sc(rule, "定性", "", "不符合要求") == D(0)
    assert sc(Rule(K.DIRECT, D(3), deduction=D(1)), "定性", "", "否") == D(2)
    assert codes_of(rule, "定性", "", "也许") == ["A003"]


# ------------------------------------------------------------------ BANDS / THRESHOLD

@pytest.mark.parametrize(("actual", "kw", "expected"), [
    (95, {}, D(10)), (99, {}, D(10)), (94.9, {}, D(8)), (80, {}, D(8)), (79, {}, D(5)), (60, {}, D(5)),
    (59.99, {}, D(0)), (0.93, {"percent_format": True}, D(8)), ("93%", {}, D(8)),
])
def test_bands(actual: object, kw: dict, expected: D) -> None:
    assert sc(BANDS10, "≥", "95", actual, unit="%", **kw) == expected


def test_bands_strict_lower_bound() -> None:
    rule = Rule(K.BANDS, D(4), bands=(Band(D(90), D(4), inclusive=False),), floor_points=D(1))
    assert sc(rule, "≥", "90", 90) == D(1)
    assert sc(rule, "≥", "90", "90.1") == D(4)


@pytest.mark.parametrize(("type_", "target", "actual", "expected"), [
    ("≥", "100", 100, D(4)),  # r = 1
    ("≥", "100", 120, D(4)),
    ("≥", "100", 59, D(0)),  # below the gate
    ("≥", "100", 60, D(0)),  # on the gate: 4 × 0/0.4
    ("≥", "100", 80, D(2)),  # 4 × (0.8 − 0.6)/0.4
    ("≥", "50", 45, D(3)),  # r = 0.9 → 4 × 0.3/0.4
    ("≤", "50", 100, D(0)),  # reverse: r = 50/100 = 0.5 < 0.6
    ("≤", "50", 62.5, D(2)),  # reverse: r = 0.8
])
def test_threshold(type_: str, target: str, actual: object, expected: D) -> None:
    assert sc(THRESH4, type_, target, actual) == expected


# ------------------------------------------------------------------ actual problems

@pytest.mark.parametrize(("actual", "code"), [(None, "A001"), ("", "A001"), ("  ", "A001"), ("很多", "A002"),
                                              (True, "A002"), (date(2026, 1, 1), "A002")])
def test_unusable_actual(actual: object, code: str) -> None:
    s = score_indicator(RATIO2, "≥", "50", actual)
    assert s.score is None
    assert [i.code for i in s.issues] == [code]


def test_actual_with_unit_suffix_and_fullwidth() -> None:
    assert sc(RATIO2, "≥", "50", "４５篇", unit="篇") == D("1.80")


def test_step_count_modes() -> None:
    assert step_count(D(25), D(10), StepMode.FLOOR)[0] == 2
    assert step_count(D(25), D(10), StepMode.CEIL)[0] == 3
    assert step_count(D(25), D(10), StepMode.PROPORTIONAL)[0] == D("2.5")
    assert step_count(D(20), D(10), StepMode.CEIL)[0] == 2


# ------------------------------------------------------------------ budget execution

def test_budget() -> None:
    b, f = score_budget(1350.75, 1298.4, D(10))
    assert b.score == D("9.61")  # 1298.4/1350.75 = 0.96124… → 9.6124 → 9.61
    assert b.rate == D("0.9612") and f == []
    b, _ = score_budget("588.12", "601.5", D(10))
    assert b.score == D(10)  # rate > 1 → capped
    for budget, spent in ((None, 5), (0, 5), ("abc", 5), (10, None)):
        b, f = score_budget(budget, spent, D(10))
        assert b.score is None and f and f[0].code == "A007"


# ------------------------------------------------------------------ score_unit

def _unit(rows: list[tuple[str, str, str, str, str, object, str]], budget: object = 100, spent: object = 100):
    """rows: (level1, name, type, target, unit, rule_text, actual, reason)."""
    inds, entries = [], []
    for i, (l1, name, type_, target, unit, rule, actual, reason) in enumerate(rows):
        inds.append(Indicator(level1=l1, name=name, type=type_, target=target, unit=unit, rule_text=rule,
                              origin=Origin("u.xlsx", layout.TARGETS_SHEET, 7 + i, layout.TARGET_COL)))
        entries.append(ActualEntry(value=actual, reason=reason,
                                   origin=Origin("u.xlsx", layout.ACTUALS_SHEET, 7 + i, layout.ACTUAL_COL)))
    return TargetTable(indicators=inds), Actuals(entries=entries, budget=budget, spent=spent)


RATIO_TEXT = "达到计划值得满分2分，否则按实际值/计划值*指标分值计分。"


def test_score_unit_total_grade_and_findings() -> None:
    table, actuals = _unit([
        ("产出指标", "办理文件", "≥", "50", "件", RATIO_TEXT, 45, ""),  # 1.80, no reason → A004
        ("产出指标", "会议", "≥", "10", "次", RATIO_TEXT, 10, ""),  # 2.00
        ("效益指标", "社会效益", "定性", "效果明显", "", "效果明显得10分，效果一般得5分，否则不得分。", "效果一般", "原因"),
    ], budget=200, spent=150)
    u = score_unit(table, actuals, Config())
    assert [s.score for s in u.indicators] == [D("1.80"), D("2.00"), D("5.00")]
    assert u.indicator_total == D("8.80") and u.indicator_weight == D(14)
    assert u.budget.score == D("7.50")  # 10 × 150/200
    assert u.total == D("16.30") and u.complete and u.grade == "差"
    a004 = [f for f in u.findings if f.code == "A004"]
    assert len(a004) == 1 and a004[0].cell == f"{layout.ACTUAL_COL['reason']}7" and "办理文件" in a004[0].message
    assert u.by_level1() == {"产出指标": (D(4), D("3.80")), "效益指标": (D(10), D("5.00"))}
    assert u.step_mode is StepMode.FLOOR


def test_score_unit_missing_actual_and_unreadable_rule_name_the_row() -> None:
    table, actuals = _unit([
        ("产出指标", "办理文件", "≥", "50", "件", RATIO_TEXT, None, ""),
        ("产出指标", "会议", "≥", "10", "次", "酌情打分", 10, ""),
        ("产出指标", "宣传", "≥", "10", "次", RATIO_TEXT, "十篇", ""),
    ])
    u = score_unit(table, actuals, Config())
    assert [s.score for s in u.indicators] == [None, None, None]
    assert not u.complete and u.grade is None and "不评定等级" in u.grade_note
    by_code = {f.code: f for f in u.findings}
    assert by_code["A001"].cell == "G7" and "办理文件" in by_code["A001"].message
    assert by_code["A008"].row == 8 and "会议" in by_code["A008"].message and "按完成比例计分" in by_code["A008"].message
    assert by_code["A002"].cell == "G9" and "十篇" in by_code["A002"].message
    assert all(f.sheet == layout.ACTUALS_SHEET for f in u.findings)


def test_score_unit_budget_points_from_config_and_no_actuals() -> None:
    table, actuals = _unit([("产出指标", "会议", "≥", "10", "次", RATIO_TEXT, 10, "")], budget=100, spent=50)
    cfg = Config(expectations=Expectations(budget_points=D(20)))
    assert score_unit(table, actuals, cfg).budget.score == D(10)  # 20 × 0.5
    u = score_unit(table, None, Config())
    assert u.indicators[0].score is None and not u.complete
    assert {f.code for f in u.findings} == {"A001", "A007"}
