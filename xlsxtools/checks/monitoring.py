"""Mid-year monitoring (绩效运行监控, domain.md §6): the checks J001–J013 and the unit's state.

Pure core: plain values in (a :class:`Monitoring` as the reader builds it from the 运行监控
sheet, the policy, and "today"), findings and a :class:`MonitoringResult` out. No workbook
library is imported here.

The time schedule (序时进度) of the period 1–N月 is N/12. Budget execution is compared with it
(执行率 = 1–N月执行数 / 全年预算数). An indicator's progress share is 1–N月实际完成值 / 年度指标值
for forward quantitative indicators (≥ > =); for a % indicator the rate itself is compared with
the target (rates do not accumulate over the year), so its expected share is 1, not N/12.
Reverse indicators (≤ <, e.g. a cost cap) and 定性 indicators have no progress share; their
expected year-end value is still compared with the target where both are numbers.

States: 红 (an indicator expected to miss its target or marked 完全不可能, or execution behind
the schedule by more than ``budget_red_margin``), 黄 (execution behind by more than
``budget_margin``, an indicator far behind schedule, or an error in what was filled), 绿
(nothing of the above), 未填报 (the sheet is empty).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from xlsxtools import layout
from xlsxtools.codes import finding
from xlsxtools.config import MonitoringPolicy
from xlsxtools.model import Finding, Origin, Severity
from xlsxtools.normalize import clean, halfwidth, parse_number, percent_text

STATE_RED = "红"
STATE_AMBER = "黄"
STATE_GREEN = "绿"
STATE_EMPTY = "未填报"
#: Order of the states, worst first (for sorting the summary).
STATE_ORDER = (STATE_RED, STATE_AMBER, STATE_GREEN, STATE_EMPTY)

_PERIOD = re.compile(r"^(?:1\s*(?:月份?)?\s*[-–—~～至到]\s*)?(\d{1,2})\s*(?:月份?)?(?:末)?$")


# ---------------------------------------------------------------------------------------------
# The data the reader builds
# ---------------------------------------------------------------------------------------------


@dataclass
class MonitorRow:
    """One indicator row of 运行监控, aligned with the indicator of 目标表 it belongs to."""

    level1: str = ""
    level2: str = ""
    name: str = ""
    type: str = ""
    #: 年度指标值 as text (from 目标表, like ``Indicator.target``).
    target: str = ""
    unit: str = ""
    #: Raw cells: 1–N月实际完成值 and 全年预计完成值 (numbers, text or None).
    progress: Any = None
    expected: Any = None
    cause: str = ""
    likelihood: str = ""
    measures: str = ""
    origin: Origin = field(default_factory=Origin)

    @property
    def filled(self) -> bool:
        return any(_typed(v) for v in (self.progress, self.expected, self.cause, self.likelihood, self.measures))


@dataclass
class Monitoring:
    """What a unit filled on 运行监控 (raw cell values; numbers are interpreted by the checks)."""

    unit_name: str = ""
    year: str = ""
    file: str | None = None
    period: Any = None
    initial_budget: Any = None
    budget: Any = None
    spent: Any = None
    expected_spent: Any = None
    rows: list[MonitorRow] = field(default_factory=list)
    #: Budget band field key → where its value sits.
    origins: dict[str, Origin] = field(default_factory=dict)

    @property
    def filled(self) -> bool:
        """Anything typed on the sheet (an empty sheet is "not reported yet", not a list of errors)."""
        band = (self.period, self.initial_budget, self.budget, self.spent, self.expected_spent)
        return any(_typed(v) for v in band) or any(r.filled for r in self.rows)


def _typed(v: Any) -> bool:
    """Whether a cell holds anything (blank text counts as empty)."""
    if v is None or v == "":
        return False
    return not isinstance(v, str) or bool(clean(v))


def period_months(value: Any) -> int | None:
    """N of a period 1–N月 ("1-7月", "1—7月", "1至7月", "7月", 7, a date in July), or None when not a period."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, date):  # a month typed as a date (e.g. 2026-07-01 shown as "7月"): 1 to its month
        return value.month
    if isinstance(value, int | float):
        n = int(value) if float(value).is_integer() else 0
        return n if 1 <= n <= 12 else None
    text = halfwidth(clean(value)).replace(" ", "")
    m = _PERIOD.match(text)
    if not m:
        return None
    n = int(m.group(1))
    return n if 1 <= n <= 12 else None


def period_label(n: int | None) -> str:
    return layout.MONITOR_PERIODS[n - 1] if n else ""


def _num(value: Any) -> Decimal | None:
    return parse_number(value)


# ---------------------------------------------------------------------------------------------
# Per indicator
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorView:
    """How one indicator stands at this period."""

    name: str
    #: Progress share (1–N月实际完成值 / 年度指标值), None where it does not apply.
    share: Decimal | None
    #: The share expected now: N/12, or 1 for a % indicator.
    due: Decimal | None
    #: Far behind schedule (share < due − progress_margin).
    behind: bool
    #: The expected year-end value misses the target (None: cannot tell).
    misses: bool | None
    likelihood: str


def misses_target(typ: str, target: Decimal, expected: Decimal) -> bool:
    """Whether an expected year-end value misses the target of an indicator of type ``typ``."""
    if typ == "≥":
        return expected < target
    if typ == ">":
        return expected <= target
    if typ == "=":
        return expected != target
    if typ == "≤":
        return expected > target
    if typ == "<":
        return expected >= target
    return False


def view_of(row: MonitorRow, months: int | None, policy: MonitoringPolicy) -> IndicatorView:
    target = _num(row.target) if row.type in layout.QUANT_TYPES else None
    expected = _num(row.expected) if row.type in layout.QUANT_TYPES else None
    progress = _num(row.progress) if row.type in layout.QUANT_TYPES else None
    misses = misses_target(row.type, target, expected) if target is not None and expected is not None else None
    share = due = None
    behind = False
    if row.type in ("≥", ">", "=") and target is not None and target > 0 and progress is not None and months:
        share = progress / target
        due = Decimal(1) if row.unit.strip() in ("%", "％") else Decimal(months) / Decimal(12)
        behind = share < due - policy.progress_margin
    return IndicatorView(row.name, share, due, behind, misses, clean(row.likelihood))


# ---------------------------------------------------------------------------------------------
# The checks
# ---------------------------------------------------------------------------------------------


def months_elapsed(year: str, today: date) -> int:
    """Months of the table's year that have begun by ``today`` (12 for a past year, 0 for a future one)."""
    y = parse_number(year)
    if y is None or y != y.to_integral_value():
        return today.month
    if int(y) < today.year:
        return 12
    if int(y) > today.year:
        return 0
    return today.month


def check_monitoring(m: Monitoring, policy: MonitoringPolicy | None = None,
                     today: date | None = None) -> list[Finding]:
    """Every J finding about ``m`` (``today`` defaults to the current date; tests inject it)."""
    policy = policy or MonitoringPolicy()
    today = today or date.today()
    out: list[Finding] = []
    o = m.origins
    sheet = layout.MONITOR_SHEET

    def band(key: str) -> Origin:
        return o.get(key) or Origin(file=m.file, sheet=sheet)

    months = period_months(m.period)
    if months is None:
        if clean(m.period):
            out.append(finding("J008", f"监控期间「{clean(m.period)}」无法识别：请从下拉列表选择，如“1-7月”",
                               band("period"), "period"))
        elif m.filled:
            out.append(finding("J008", "监控期间为空：请从下拉列表选择本次监控覆盖的月份，如“1-7月”",
                               band("period"), "period"))
        else:
            out.append(finding("J008", "运行监控表尚未填写（监控期间为空）", band("period"), "period"))
            return out
    else:
        elapsed = months_elapsed(m.year, today)
        if months > elapsed:
            when = f"{clean(m.year)}年尚未开始" if elapsed == 0 else f"当前为 {today.year}年{today.month}月"
            out.append(finding(
                "J007", f"监控期间为{period_label(months)}，晚于当前月份（{when}）："
                        "请选择已经结束或正在进行的月份", band("period"), "period"))

    budget, spent = _num(m.budget), _num(m.spent)
    rate: Decimal | None = None
    if budget is None or spent is None or budget == 0:
        what = []
        if budget is None:
            what.append(f"全年预算数{'为空' if not clean(m.budget) else f'「{clean(m.budget)}」不是数字'}")
        elif budget == 0:
            what.append("全年预算数为 0")
        if spent is None:
            what.append(f"1-N月执行数{'为空' if not clean(m.spent) else f'「{clean(m.spent)}」不是数字'}")
        where = "budget" if budget is None or budget == 0 else "spent"
        out.append(finding("J009", f"{'，'.join(what)}：无法计算预算执行率", band(where), where))
    else:
        rate = spent / budget
        if months is not None:
            schedule = Decimal(months) / Decimal(12)
            if rate < schedule - policy.budget_margin:
                out.append(finding(
                    "J001", f"{period_label(months)}预算执行率 {percent_text(rate)}（{clean(m.spent)} / {clean(m.budget)} 万元），"
                            f"低于序时进度 {percent_text(schedule)} 超过 {MonitoringPolicy.points(policy.budget_margin)} 个百分点"
                            f"（[monitoring] budget_margin = {policy.budget_margin}）：请说明原因并加快执行",
                    band("spent"), "spent"))
    if not clean(m.expected_spent):
        out.append(finding("J006", "全年预计执行数为空", band("expected_spent"), "expected_spent"))
    elif _num(m.expected_spent) is None:
        out.append(finding("J011", f"全年预计执行数「{clean(m.expected_spent)}」不是数字",
                           band("expected_spent"), "expected_spent"))

    for row in m.rows:
        out += _row_findings(row, months, policy)
    return out


def _row_findings(row: MonitorRow, months: int | None, policy: MonitoringPolicy) -> list[Finding]:
    out: list[Finding] = []
    name = f"「{row.name or '（无名称）'}」"
    quant = row.type in layout.QUANT_TYPES
    o = row.origin
    if not clean(row.progress):
        out.append(finding("J010", f"{name}的 1-N月实际完成值为空", o, "progress"))
    elif quant and _num(row.progress) is None:
        out.append(finding("J011", f"{name}是定量指标，1-N月实际完成值「{clean(row.progress)}」不是数字", o, "progress"))
    if not clean(row.expected):
        out.append(finding("J006", f"{name}的全年预计完成值为空", o, "expected"))
    elif quant and _num(row.expected) is None:
        out.append(finding("J011", f"{name}是定量指标，全年预计完成值「{clean(row.expected)}」不是数字", o, "expected"))
    target = _num(row.target) if quant else None
    if row.unit.strip() in ("%", "％") and target is not None and target > 1:
        for k, title in (("progress", "1-N月实际完成值"), ("expected", "全年预计完成值")):
            v = getattr(row, k)
            if isinstance(v, int | float) and not isinstance(v, bool) and 0 < v <= 1:
                out.append(finding("J013", f"{name}是百分比指标（指标值 {row.target}%），{title}填的是 {clean(v)}："
                                           f"如果是 {clean(v * 100)}%，请填 {clean(v * 100)}", o, k))
    likelihood = clean(row.likelihood)
    if likelihood not in layout.LIKELIHOODS:
        text = "未选择" if not likelihood else f"「{likelihood}」不是可选项"
        out.append(finding("J012", f"{name}的完成目标可能性{text}（{'、'.join(layout.LIKELIHOODS)}）", o, "likelihood"))

    v = view_of(row, months, policy)
    cause, measures = clean(row.cause), clean(row.measures)
    if v.misses and likelihood == layout.LIKELIHOOD_CERTAIN:
        out.append(finding(
            "J002", f"{name}全年预计完成值 {clean(row.expected)} 达不到指标值 {row.type}{row.target}{row.unit}，"
                    f"却选择了“{layout.LIKELIHOOD_CERTAIN}”：请核实预计值，或改选完成可能性并说明原因和措施",
            o, "likelihood"))
    # One finding about a missing explanation per row, the most specific first.
    if likelihood == layout.LIKELIHOOD_IMPOSSIBLE and not measures:
        out.append(finding("J005", f"{name}选择了“{layout.LIKELIHOOD_IMPOSSIBLE}”完成目标，但没有填写原因说明及纠偏措施",
                           o, "measures"))
    elif v.behind and (not cause or not measures):
        missing = "、".join(x for x, ok in (("偏差原因", cause), ("原因说明及纠偏措施", measures)) if not ok)
        assert v.share is not None and v.due is not None
        out.append(finding(
            "J003", f"{name}进度 {percent_text(v.share)}，明显落后于应达进度 {percent_text(v.due)}（超过 "
                    f"{MonitoringPolicy.points(policy.progress_margin)} 个百分点，[monitoring] progress_margin = {policy.progress_margin}），"
                    f"但未填写{missing}", o, "cause" if not cause else "measures"))
    elif cause and not measures:
        out.append(finding("J004", f"{name}选择了偏差原因“{cause}”，但没有填写原因说明及纠偏措施", o, "measures"))
    return out


# ---------------------------------------------------------------------------------------------
# The unit's state
# ---------------------------------------------------------------------------------------------


@dataclass
class MonitoringResult:
    """One unit's monitoring at a glance (a row of the summary's 运行监控 sheet, the ``monitor`` output)."""

    unit_name: str
    months: int | None
    schedule: float | None
    rate: float | None
    #: rate − schedule (negative: behind), in fractions.
    gap: float | None
    expected_rate: float | None
    indicators: int
    #: Names of the indicators at risk (expected to miss, 完全不可能, or far behind schedule).
    at_risk: list[str]
    state: str
    reason: str
    findings: list[Finding]

    @property
    def period(self) -> str:
        return period_label(self.months)

    @property
    def errors(self) -> int:
        return sum(f.severity is Severity.ERROR for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity is Severity.WARNING for f in self.findings)

    def to_dict(self) -> dict[str, Any]:
        return {"unit": self.unit_name, "period": self.period, "months": self.months, "schedule": self.schedule,
                "rate": self.rate, "gap": self.gap, "expected_rate": self.expected_rate,
                "indicators": self.indicators, "at_risk": self.at_risk, "state": self.state, "reason": self.reason,
                "findings": [f.to_dict() for f in self.findings]}


def _f(d: Decimal | None) -> float | None:
    return None if d is None else float(d)


def assess(m: Monitoring, policy: MonitoringPolicy | None = None, today: date | None = None,
           findings: Iterable[Finding] | None = None) -> MonitoringResult:
    """The unit's state (红/黄/绿/未填报) with its reason, the execution rate against the schedule
    and the indicators at risk; ``findings`` are those of :func:`check_monitoring` (computed when None)."""
    policy = policy or MonitoringPolicy()
    found = list(check_monitoring(m, policy, today) if findings is None else findings)
    months = period_months(m.period)
    schedule = Decimal(months) / Decimal(12) if months else None
    budget, spent, expected_spent = _num(m.budget), _num(m.spent), _num(m.expected_spent)
    rate = spent / budget if budget and spent is not None else None
    expected_rate = expected_spent / budget if budget and expected_spent is not None else None
    gap = rate - schedule if rate is not None and schedule is not None else None

    at_risk: list[str] = []
    red: list[str] = []
    amber: list[str] = []
    views = [view_of(r, months, policy) for r in m.rows]
    misses = [v.name for v in views if v.misses]
    impossible = [v.name for v in views if v.likelihood == layout.LIKELIHOOD_IMPOSSIBLE]
    behind = [v.name for v in views if v.behind and v.name not in misses and v.name not in impossible]
    for names in (misses, impossible, behind):
        at_risk += [n for n in names if n not in at_risk]
    if not m.filled:
        state, reason = STATE_EMPTY, "运行监控表尚未填写"
    else:
        if gap is not None and gap < -policy.budget_red_margin:
            red.append(f"预算执行率 {percent_text(rate)} 低于序时进度 {percent_text(schedule)} 超过 {MonitoringPolicy.points(policy.budget_red_margin)} 个百分点")
        elif gap is not None and gap < -policy.budget_margin:
            amber.append(f"预算执行率 {percent_text(rate)} 低于序时进度 {percent_text(schedule)} 超过 {MonitoringPolicy.points(policy.budget_margin)} 个百分点")
        if misses:
            red.append(f"{len(misses)} 个指标预计完不成（{'、'.join(misses[:3])}{'等' if len(misses) > 3 else ''}）")
        if impossible:
            red.append(f"{len(impossible)} 个指标完全不可能完成（{'、'.join(impossible[:3])}"
                       f"{'等' if len(impossible) > 3 else ''}）")
        if behind:
            amber.append(f"{len(behind)} 个指标进度明显落后（{'、'.join(behind[:3])}{'等' if len(behind) > 3 else ''}）")
        errors = sum(f.severity is Severity.ERROR for f in found)
        if errors:
            amber.append(f"填报有 {errors} 个错误")
        if red:
            state, reason = STATE_RED, "；".join(red + amber)
        elif amber:
            state, reason = STATE_AMBER, "；".join(amber)
        else:
            state = STATE_GREEN
            reason = (f"预算执行率 {percent_text(rate)}（序时进度 {percent_text(schedule)}），" if rate is not None else "") + \
                "指标预计均能完成"
    return MonitoringResult(unit_name=m.unit_name, months=months, schedule=_f(schedule), rate=_f(rate),
                            gap=_f(gap), expected_rate=_f(expected_rate), indicators=len(m.rows),
                            at_risk=at_risk, state=state, reason=reason, findings=found)
