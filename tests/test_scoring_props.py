"""Properties: every score stays within [0, N]; a better actual never scores lower."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D

from hypothesis import given
from hypothesis import strategies as st

from xlsxtools.config import StepMode
from xlsxtools.rules import Band, Level, Rule, RuleKind
from xlsxtools.scoring import score_indicator

K = RuleKind
pts = st.decimals(min_value=D("0.5"), max_value=D(30), places=1)
pos = st.decimals(min_value=D("0.1"), max_value=D(1000), places=2)
amount = st.decimals(min_value=D(0), max_value=D(3000), places=2)
modes = st.sampled_from(list(StepMode))


def _check(rule: Rule, type_: str, target: object, worse: object, better: object, mode: StepMode) -> None:
    s_w = score_indicator(rule, type_, target, worse, step_mode=mode).score
    s_b = score_indicator(rule, type_, target, better, step_mode=mode).score
    assert s_w is not None and s_b is not None
    for s in (s_w, s_b):
        assert 0 <= s <= rule.points
    assert s_b >= s_w, (rule, type_, target, worse, better, s_w, s_b)


def _ordered(a: D, b: D) -> tuple[D, D]:
    return (a, b) if a <= b else (b, a)


@given(n=pts, t=pos, a=amount, b=amount, type_=st.sampled_from(["≥", ">", "=", "定性"]), mode=modes)
def test_ratio_forward_higher_is_better(n: D, t: D, a: D, b: D, type_: str, mode: StepMode) -> None:
    lo, hi = _ordered(a, b)
    _check(Rule(K.RATIO, n), type_, str(t), lo, hi, mode)


@given(n=pts, t=pos, a=amount, b=amount, type_=st.sampled_from(["≤", "<"]), mode=modes)
def test_ratio_reverse_lower_is_better(n: D, t: D, a: D, b: D, type_: str, mode: StepMode) -> None:
    lo, hi = _ordered(a, b)
    _check(Rule(K.RATIO, n), type_, str(t), hi, lo, mode)


@given(n=pts, a=st.decimals(0, 150, places=2), b=st.decimals(0, 150, places=2))
def test_percent_and_bands(n: D, a: D, b: D) -> None:
    lo, hi = _ordered(a, b)
    _check(Rule(K.PERCENT, n), "≥", "95", lo, hi, StepMode.FLOOR)
    bands = Rule(K.BANDS, D(10), bands=(Band(D(95), D(10)), Band(D(80), D(8)), Band(D(60), D(5))))
    _check(bands, "≥", "95", lo, hi, StepMode.FLOOR)


@given(n=pts, p=pos, d=pts, t=pos, a=amount, b=amount, mode=modes)
def test_overrun_lower_is_better(n: D, p: D, d: D, t: D, a: D, b: D, mode: StepMode) -> None:
    lo, hi = _ordered(a, b)
    _check(Rule(K.OVERRUN, n, step=p, deduction=d), "≤", str(t), hi, lo, mode)


@given(n=pts, p=pos, d=pts, t=st.decimals(0, 20, places=1), a=st.decimals(-100, 100, places=2),
       b=st.decimals(-100, 100, places=2), mode=modes)
def test_saving_higher_is_better(n: D, p: D, d: D, t: D, a: D, b: D, mode: StepMode) -> None:
    lo, hi = _ordered(a, b)
    _check(Rule(K.SAVING, n, step=p, deduction=d), "≥", str(t), lo, hi, mode)


@given(n=pts, p=st.integers(1, 60), d=pts, x=st.integers(-100, 800), y=st.integers(-100, 800), mode=modes)
def test_delay_earlier_is_better(n: D, p: int, d: D, x: int, y: int, mode: StepMode) -> None:
    deadline = date(2026, 12, 31)
    early, late = sorted((x, y))
    rule = Rule(K.DELAY, n, step=D(p), deduction=d, deadline=deadline)
    _check(rule, "定性", "", deadline + timedelta(days=late), deadline + timedelta(days=early), mode)


@given(n=pts, g=st.decimals(0, 95, places=0), t=pos, a=amount, b=amount, type_=st.sampled_from(["≥", "≤"]))
def test_threshold(n: D, g: D, t: D, a: D, b: D, type_: str) -> None:
    lo, hi = _ordered(a, b)
    worse, better = (lo, hi) if type_ == "≥" else (hi, lo)
    _check(Rule(K.THRESHOLD, n, gate=g), type_, str(t), worse, better, StepMode.FLOOR)


@given(top=pts, mid=pts, i=st.integers(0, 2), j=st.integers(0, 2))
def test_choice_kinds(top: D, mid: D, i: int, j: int) -> None:
    mid = min(mid, top)
    worse, better = sorted((i, j), reverse=True)  # index 0 is the best choice
    grade = Rule(K.GRADE, top, grades=(("效果明显", top), ("效果一般", mid)))
    choices = ("效果明显", "效果一般", "效果较差")
    _check(grade, "定性", "效果明显", choices[worse], choices[better], StepMode.FLOOR)
    level = Rule(K.LEVEL, top, levels=(Level("基本达成目标", top), Level("部分实现目标", mid), Level("实现目标程度较低", D(0))))
    names = ("基本达成目标", "部分实现目标", "实现目标程度较低")
    _check(level, "定性", "", names[worse], names[better], StepMode.FLOOR)
    direct = Rule(K.DIRECT, top, deduction=mid)
    _check(direct, "定性", "", ("是", "否", "否")[worse], ("是", "否", "否")[better], StepMode.FLOOR)
