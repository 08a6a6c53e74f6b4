"""Scoring engine (domain.md §3–4): rule + target + actual → score with a Chinese explanation.

Pure functions over plain values; Decimal arithmetic throughout. Each indicator's score is clamped
to [0, N] and rounded half-up to 2 places; the indicator total is the sum of the rounded scores.
A missing or unusable actual gives no score (None) and an error, never a silent 0 or N.

Policies made visible in every explanation:
- the deduction step mode k(x, P) (``StepMode``: floor by default, ceil, proportional);
- an actual at or above ``FAR_ABOVE`` × target scores full points and gets an A006 note;
- in a % row a plain number ≤ 1 is scored as typed (percent points) with an A005 warning.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple

from xlsxtools import codes, layout
from xlsxtools.config import Config, StepMode
from xlsxtools.model import ActualEntry, Actuals, Finding, Indicator, Origin, TargetTable
from xlsxtools.normalize import clean, halfwidth, key, parse_date, parse_number
from xlsxtools.rules import Rule, RuleKind, parse_rule
from xlsxtools.rules.render import fmt, fmt_date

#: A/T at or above this ratio: full points plus an A006 note (the target may have been set too low).
FAR_ABOVE = Decimal("1.5")

CENT = Decimal("0.01")
_ZERO = Decimal(0)
_ONE = Decimal(1)
_HUNDRED = Decimal(100)

YES_WORDS = ("是", "符合要求", "符合", "已完成", "完成", "达到", "已达到")
NO_WORDS = ("否", "不符合要求", "不符合", "未完成", "未达到")


class Issue(NamedTuple):
    """A scoring finding before it is located: code (codes.py) and a Chinese message."""

    code: str
    message: str


@dataclass
class Score:
    """The score of one indicator (None when it cannot be scored), how it was computed, what went wrong."""

    score: Decimal | None
    explanation: str
    issues: list[Issue] = field(default_factory=list)


def round2(d: Decimal) -> Decimal:
    return d.quantize(CENT, rounding=ROUND_HALF_UP)


def _show(d: Decimal, places: int = 4) -> str:
    """A computed number for an explanation: at most ``places`` decimals, "≈" when rounded."""
    q = d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return ("" if q == d else "≈") + fmt(q)


def step_count(x: Decimal, p: Decimal, mode: StepMode) -> tuple[Decimal, str]:
    """k(x, P) and how it was computed, e.g. ``k = floor(12/10) = 1``."""
    q = x / p
    if mode is StepMode.FLOOR:
        k = q.to_integral_value(rounding=ROUND_FLOOR)
        return k, f"k = floor({_show(x)}/{fmt(p)}) = {fmt(k)}"
    if mode is StepMode.CEIL:
        k = q.to_integral_value(rounding=ROUND_CEILING)
        return k, f"k = ceil({_show(x)}/{fmt(p)}) = {fmt(k)}"
    return q, f"k = {_show(x)}/{fmt(p)} = {_show(q)}"


def _finish(raw: Decimal, n: Decimal, text: str, issues: list[Issue] | None = None) -> Score:
    """Clamp to [0, N], round, and append the result to the explanation."""
    if raw < 0:
        s = _ZERO
        text += f" = {_show(raw, 2)}，扣完为止 → 0.00"
    elif raw > n:
        s = round2(n)
        text += f" → 封顶满分 {s}"
    else:
        s = round2(raw)
        text += f" = {s}"
    return Score(s, text, issues or [])


def _full(n: Decimal, text: str, issues: list[Issue] | None = None) -> Score:
    return Score(round2(n), f"{text} → 满分 {round2(n)}", issues or [])


def _none(code: str, message: str, issues: list[Issue] | None = None) -> Score:
    return Score(None, f"无法计分：{message}", [*(issues or []), Issue(code, message)])


# ------------------------------------------------------------------------------------------
# reading the actual
# ------------------------------------------------------------------------------------------

def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def actual_number(value: Any, *, percent_format: bool = False, unit: str = "",
                  percent_row: bool = False) -> tuple[Decimal | None, list[Issue]]:
    """The actual as a number (percent points in a % row), or None with an A002 issue."""
    issues: list[Issue] = []
    if isinstance(value, bool) or isinstance(value, date):
        return None, [Issue("A002", f"实际完成值“{clean(value)}”不是数字")]
    typed_percent = False
    if isinstance(value, str):
        s = halfwidth(clean(value)).replace(" ", "")
        u = halfwidth(unit or "").replace(" ", "")
        if u and u != "%" and s.endswith(u):
            s = s[: -len(u)]
        typed_percent = s.endswith("%")
        num = parse_number(s)
    else:
        num = parse_number(value)
    if num is None:
        return None, [Issue("A002", f"实际完成值“{clean(value)}”不是数字")]
    if percent_format and not typed_percent:
        return num * _HUNDRED, issues
    if (percent_row or "%" in (unit or "")) and not typed_percent and 0 < num <= 1:
        issues.append(Issue("A005", f"百分比行的实际完成值为 {fmt(num)}，按 {fmt(num)}% 计分；"
                                    f"如果是指 {fmt(num * _HUNDRED)}%，请填写 {fmt(num * _HUNDRED)} 或把单元格设为百分比格式"))
    return num, issues


# ------------------------------------------------------------------------------------------
# the formulas
# ------------------------------------------------------------------------------------------

def _zero_target(n: Decimal, a: Decimal, type_: str, what: str) -> Score:
    if type_ == "≥":
        return _full(n, f"计划值为0，实际值 {fmt(a)} ≥ 0，达到目标")
    issue = Issue("R006", f"计划值为0时“{what}”无定义，按实际值为0得满分、否则不得分计")
    if a == 0:
        return _full(n, "计划值为0，实际值为0", [issue])
    return Score(_ZERO.quantize(CENT), f"计划值为0，实际值 {fmt(a)} ≠ 0 → 0.00", [issue])


def _ratio(rule: Rule, type_: str, t: Decimal, a: Decimal) -> Score:
    n = rule.points
    if t == 0:
        return _zero_target(n, a, type_, "实际值/计划值")
    if type_ in layout.REVERSE_TYPES:
        if a <= t:
            return _full(n, f"反向指标（{type_}）：实际值 {fmt(a)} ≤ 计划值 {fmt(t)}，达到目标")
        r = t / a
        return _finish(n * r, n, f"反向指标（{type_}）：计划值/实际值 = {fmt(t)}/{fmt(a)} = {_show(r)} → "
                                 f"{fmt(n)} × {_show(r)}")
    r = a / t
    if r >= 1:
        issues = []
        if r >= FAR_ABOVE and t > 0:
            issues.append(Issue("A006", f"实际值 {fmt(a)} 是计划值 {fmt(t)} 的 {_show(r, 2)} 倍，得满分；计划值可能定得偏低"))
        return _full(n, f"实际值/计划值 = {fmt(a)}/{fmt(t)} = {_show(r)} ≥ 1", issues)
    return _finish(n * r, n, f"实际值/计划值 = {fmt(a)}/{fmt(t)} = {_show(r)} → {fmt(n)} × {_show(r)}")


def _percent(rule: Rule, a: Decimal) -> Score:
    n = rule.points
    if a >= _HUNDRED:
        return _full(n, f"实际达到 {fmt(a)}% ≥ 100%")
    r = a / _HUNDRED
    return _finish(n * r, n, f"实际达到比例 = {fmt(a)}%（按100%计满分）→ {fmt(n)} × {_show(r)}")


def _signed(d: Decimal) -> str:
    return f"({fmt(d)})" if d < 0 else fmt(d)


def _steps_text(mode: StepMode) -> str:
    return f"（{mode.label}）"


def _overrun(rule: Rule, type_: str, t: Decimal, a: Decimal, mode: StepMode) -> Score:
    n = rule.points
    if t == 0:
        return _zero_target(n, a, type_, "超支率（实际−预算）/预算")
    o = (a - t) / t * _HUNDRED
    if o <= 0:
        return _full(n, f"实际 {fmt(a)} ≤ 计划 {fmt(t)}，未超支（超支率 {_show(o, 2)}%）")
    k, ktext = step_count(o, rule.step, mode)
    return _finish(n - rule.deduction * k, n,
                   f"超支率 = ({fmt(a)}−{_signed(t)})/{_signed(t)}×100% = {_show(o, 2)}%；每超出{fmt(rule.step)}%扣"
                   f"{fmt(rule.deduction)}分，{ktext}{_steps_text(mode)} → {fmt(n)} − {fmt(rule.deduction)} × {_show(k)}")


def _saving(rule: Rule, t: Decimal, a: Decimal, mode: StepMode) -> Score:
    n = rule.points
    if a >= t:
        return _full(n, f"实际 {fmt(a)}% ≥ 目标 {fmt(t)}%")
    x = t - a
    k, ktext = step_count(x, rule.step, mode)
    return _finish(n - rule.deduction * k, n,
                   f"低于目标 {fmt(t)}−{_signed(a)} = {fmt(x)} 个百分点；每下降{fmt(rule.step)}%扣{fmt(rule.deduction)}分，"
                   f"{ktext}{_steps_text(mode)} → {fmt(n)} − {fmt(rule.deduction)} × {_show(k)}")


def _delay(rule: Rule, deadline: date, done: date, mode: StepMode) -> Score:
    n = rule.points
    d = (done - deadline).days
    if d <= 0:
        return _full(n, f"完成日期 {fmt_date(done)} 不晚于期限 {fmt_date(deadline)}")
    k, ktext = step_count(Decimal(d), rule.step, mode)
    return _finish(n - rule.deduction * k, n,
                   f"完成日期 {fmt_date(done)} 比期限 {fmt_date(deadline)} 推迟 {d} 天；每推迟{fmt(rule.step)}天扣"
                   f"{fmt(rule.deduction)}分，{ktext}{_steps_text(mode)} → {fmt(n)} − {fmt(rule.deduction)} × {_show(k)}")


def _bands(rule: Rule, a: Decimal) -> Score:
    subject = rule.subject or "实际值"
    for b in rule.bands:
        if a > b.lower or (b.inclusive and a == b.lower):
            sign = "≥" if b.inclusive else ">"
            return Score(round2(min(b.points, rule.points)),
                         f"{subject} {fmt(a)}% {sign} {fmt(b.lower)}% → {round2(b.points)}")
    lowest = rule.bands[-1]
    return Score(round2(min(rule.floor_points, rule.points)),
                 f"{subject} {fmt(a)}% 低于 {fmt(lowest.lower)}% → {round2(rule.floor_points)}")


def _threshold(rule: Rule, type_: str, t: Decimal, a: Decimal) -> Score:
    n = rule.points
    if t == 0:
        return _zero_target(n, a, type_, "完成率")
    reverse = type_ in layout.REVERSE_TYPES
    if reverse and a <= 0:
        return _full(n, f"反向指标（{type_}）：实际值 {fmt(a)} ≤ 计划值 {fmt(t)}")
    r = t / a if reverse else a / t
    rtext = (f"完成率 = 计划值/实际值 = {fmt(t)}/{fmt(a)}" if reverse else f"完成率 = 实际值/计划值 = {fmt(a)}/{fmt(t)}")
    rtext += f" = {_show(r)}"
    g = rule.gate / _HUNDRED
    if r >= 1:
        return _full(n, f"{rtext} ≥ 1")
    if r < g:
        return Score(_ZERO.quantize(CENT), f"{rtext} < 及格线 {fmt(rule.gate)}% → 0.00")
    return _finish(n * (r - g) / (_ONE - g), n,
                   f"{rtext}；得分 = {fmt(n)} × ({_show(r)} − {fmt(g)})/(1 − {fmt(g)})")


def _choice(value: Any, options: list[tuple[str, Decimal]], zero_words: tuple[str, ...]) -> Decimal | None:
    k = key(value)
    for name, pts in options:
        if key(name) == k:
            return pts
    if k in {key(w) for w in zero_words}:
        return _ZERO
    return None


def score_indicator(rule: Rule, type_: str, target_text: Any, actual_value: Any, *, percent_format: bool = False,
                    unit: str = "", step_mode: StepMode = StepMode.FLOOR) -> Score:
    """Score one indicator (domain.md §4). See the module docstring for the policies."""
    n = rule.points
    kind = rule.kind
    if _is_empty(actual_value):
        return _none("A001", "实际完成值为空")
    text = clean(actual_value)

    if kind is RuleKind.GRADE:
        pts = _choice(actual_value, list(rule.grades), (*layout.GRADE_CHOICES, "效果不明显", "无效果", "无"))
        if pts is None:
            choices = "、".join([g for g, _ in rule.grades] + ["效果较差"])
            return _none("A003", f"“{text}”不是可选的等级（{choices}）")
        return Score(round2(min(pts, n)), f"等级“{text}” → {round2(min(pts, n))}")
    if kind is RuleKind.LEVEL:
        pts = _choice(actual_value, [(lv.name, lv.points) for lv in rule.levels], ())
        if pts is None:
            return _none("A003", f"“{text}”不是可选的目标实现程度（{'、'.join(layout.LEVEL_CHOICES)}）")
        return Score(round2(min(pts, n)), f"目标实现程度“{text}” → {round2(min(pts, n))}")
    if kind is RuleKind.DIRECT:
        k = key(actual_value)
        if k in {key(w) for w in YES_WORDS}:
            return _full(n, f"“{text}”")
        if k in {key(w) for w in NO_WORDS}:
            if rule.deduction:
                return _finish(n - rule.deduction, n, f"“{text}”：{fmt(n)} − {fmt(rule.deduction)}")
            return Score(_ZERO.quantize(CENT), f"“{text}” → 不得分 0.00")
        return _none("A003", f"“{text}”不是可选项（{'、'.join(layout.DIRECT_CHOICES)}，或 是/否）")
    if kind is RuleKind.DELAY:
        deadline = rule.deadline or parse_date(target_text)
        if deadline is None:
            return _none("A008", f"规则和指标值“{clean(target_text)}”中都没有完成期限，无法计算推迟天数")
        done = parse_date(actual_value) if not isinstance(actual_value, int | float | Decimal) else None
        if done is None:
            return _none("A002", f"实际完成值“{text}”不是日期，应填写完成日期（如 {fmt_date(deadline)}）")
        return _delay(rule, deadline, done, step_mode)
    if kind is RuleKind.SAVING and key(actual_value) == key(layout.NOT_APPLICABLE):
        return _full(n, f"选择了“{layout.NOT_APPLICABLE}”，直接计分")

    percent_row = kind in (RuleKind.PERCENT, RuleKind.BANDS, RuleKind.SAVING)
    a, issues = actual_number(actual_value, percent_format=percent_format, unit=unit, percent_row=percent_row)
    if a is None:
        return _none(issues[0].code, issues[0].message)
    if kind is RuleKind.PERCENT:
        return _with(issues, _percent(rule, a))
    if kind is RuleKind.BANDS:
        return _with(issues, _bands(rule, a))

    t = parse_number(target_text)
    if t is None:
        return _none("A008", f"指标值“{clean(target_text)}”不是数字，无法按“{kind.label}”计分", issues)
    if kind is RuleKind.RATIO:
        return _with(issues, _ratio(rule, type_, t, a))
    if kind is RuleKind.THRESHOLD:
        return _with(issues, _threshold(rule, type_, t, a))
    if kind is RuleKind.OVERRUN:
        return _with(issues, _overrun(rule, type_, t, a, step_mode))
    if kind is RuleKind.SAVING:
        return _with(issues, _saving(rule, t, a, step_mode))
    raise ValueError(f"unknown rule kind {kind!r}")  # pragma: no cover


def _with(issues: list[Issue], score: Score) -> Score:
    score.issues = issues + score.issues
    return score


# ------------------------------------------------------------------------------------------
# a whole unit
# ------------------------------------------------------------------------------------------

@dataclass
class IndicatorScore:
    indicator: Indicator
    rule: Rule | None
    weight: Decimal | None
    actual: Any
    score: Decimal | None
    explanation: str
    findings: list[Finding] = field(default_factory=list)


@dataclass
class BudgetScore:
    budget: Decimal | None
    spent: Decimal | None
    rate: Decimal | None  # spent / budget, rounded to 4 places (0.9876 = 98.76%)
    weight: Decimal
    score: Decimal | None
    explanation: str = ""


@dataclass
class UnitScore:
    indicators: list[IndicatorScore]
    indicator_total: Decimal
    indicator_weight: Decimal
    budget: BudgetScore
    total: Decimal
    grade: str | None
    complete: bool
    step_mode: StepMode
    findings: list[Finding]

    def by_level1(self) -> dict[str, tuple[Decimal, Decimal | None]]:
        """Level 1 → (points, score); the score is None when any indicator of that level has none."""
        out: dict[str, tuple[Decimal, Decimal | None]] = {}
        for s in self.indicators:
            name = s.indicator.level1 or "（未填一级指标）"
            w, sc = out.get(name, (_ZERO, _ZERO))
            w += s.weight or _ZERO
            sc = None if sc is None or s.score is None else sc + s.score
            out[name] = (w, sc)
        return out

    @property
    def missing(self) -> int:
        return sum(1 for s in self.indicators if s.score is None)

    @property
    def grade_note(self) -> str:
        """Why there is no grade (empty when there is one)."""
        if self.complete:
            return ""
        parts = []
        if self.missing:
            parts.append(f"{self.missing} 项指标未能计分")
        if self.budget.score is None:
            parts.append("预算执行率未能计分")
        return "，".join(parts) + "：总分不完整，不评定等级"


def score_budget(budget: Any, spent: Any, points: Decimal, origins: dict[str, Origin] | None = None
                 ) -> tuple[BudgetScore, list[Finding]]:
    """预算执行率 = 执行数/预算数; score = points × min(1, rate)."""
    origins = origins or {}
    b, s = parse_number(budget), parse_number(spent)
    findings: list[Finding] = []
    if b is None or b <= 0:
        what = "为空" if _is_empty(budget) else f"“{clean(budget)}”无效（应为大于0的数字）"
        findings.append(codes.finding("A007", f"全年预算数{what}，无法计算预算执行率", origins.get("budget"), "budget"))
    if s is None or s < 0:
        what = "为空" if _is_empty(spent) else f"“{clean(spent)}”无效（应为不小于0的数字）"
        findings.append(codes.finding("A007", f"全年执行数{what}，无法计算预算执行率", origins.get("spent"), "spent"))
    if findings:
        return BudgetScore(b, s, None, points, None, "无法计分：预算数或执行数缺失或无效"), findings
    rate = s / b
    raw = points * min(_ONE, rate)
    score = round2(raw)
    text = f"预算执行率 = {fmt(s)}/{fmt(b)} = {_show(rate * _HUNDRED, 2)}% → {fmt(points)} × min(1, {_show(rate)}) = {score}"
    return BudgetScore(b, s, rate.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP), points, score, text), findings


def _label(ind: Indicator, index: int) -> str:
    if not ind.name:
        return f"第{index + 1}项（未命名）"
    return f"「{ind.name}」" if "“" in ind.name or "”" in ind.name else f"“{ind.name}”"


DEFAULT_POLICY_NAME = "无评分标准，按财预〔2020〕10号第十六条默认规则：按完成比例计分"


def _default_rule(ind: Indicator, parsed: Any, config: Config) -> Rule | None:
    """The national default for a row with points and a numeric target but no rule text (or only
    "计N分"): RATIO with N = the points (reversed for ≤ targets and 反向 indicators by the ratio
    rule itself). None when the policy is off or the row has a rule or no numeric target."""
    tables = getattr(config, "tables", None)
    if tables is None or not tables.default_scoring or parsed.rule is not None or parsed.unscorable:
        return None
    if clean(ind.rule_text) and not parsed.points_only:
        return None
    n = ind.weight if ind.weight is not None else parsed.points
    if n is None or parse_number(ind.target) is None:
        return None
    return Rule(RuleKind.RATIO, n)


def score_unit(table: TargetTable, actuals: Actuals | None, config: Config) -> UnitScore:
    """Score every indicator, budget execution, total and grade of one unit."""
    mode = config.step_mode
    results: list[IndicatorScore] = []
    findings: list[Finding] = []
    shapes = "、".join(k.label for k in RuleKind)
    for i, ind in enumerate(table.indicators):
        entry: ActualEntry | None = actuals.entries[i] if actuals and i < len(actuals.entries) else None
        origin = entry.origin if entry is not None else ind.origin
        label = _label(ind, i)
        parsed = parse_rule(ind.rule_text)
        weight = parsed.points if parsed.points is not None else ind.weight
        value = entry.value if entry is not None else None
        row_findings: list[Finding] = []
        default = _default_rule(ind, parsed, config)
        if default is not None:  # points but no rule text: the national default (issue 11), named
            type_ = ind.type if ind.type in layout.QUANT_TYPES else ("≤" if ind.smaller_is_better else "≥")
            score = score_indicator(default, type_, ind.target, value,
                                    percent_format=bool(entry and entry.percent_format), unit=ind.unit, step_mode=mode)
            score.explanation = f"{score.explanation}（{DEFAULT_POLICY_NAME}）"
            for issue in score.issues:
                row_findings.append(codes.finding(issue.code, f"指标{label}：{issue.message}", origin, "actual"))
            findings += row_findings
            results.append(IndicatorScore(ind, default, default.points, value, score.score, score.explanation,
                                          row_findings))
            continue
        if parsed.rule is None:
            why = "；".join(parsed.problems) or "无法识别"
            score = Score(None, f"无法计分：评（扣）分标准无法识别（{why}）")
            row_findings.append(codes.finding(
                "A008", f"指标{label}无法计分：评（扣）分标准无法识别（{why}）。已知的规则形式：{shapes}", origin, "actual"))
        else:
            score = score_indicator(parsed.rule, ind.type, ind.target, value,
                                    percent_format=bool(entry and entry.percent_format), unit=ind.unit, step_mode=mode)
            for issue in score.issues:
                msg = issue.message
                if issue.code == "A001" and actuals is None:
                    msg = "尚未填写实际完成值（没有实际完成表）"
                row_findings.append(codes.finding(issue.code, f"指标{label}：{msg}", origin, "actual"))
            if (score.score is not None and weight is not None and score.score < weight
                    and not (entry and clean(entry.reason))):
                row_findings.append(codes.finding(
                    "A004", f"指标{label}得分 {score.score} 低于分值 {round2(weight)}，但未填写偏差原因分析及改进措施",
                    origin, "reason"))
        findings += row_findings
        results.append(IndicatorScore(ind, parsed.rule, weight, value, score.score, score.explanation, row_findings))

    points = config.expectations.budget_points
    if actuals is None:
        budget, bfind = score_budget(None, None, points)
    else:
        budget, bfind = score_budget(actuals.budget, actuals.spent, points, actuals.origins)
    findings += bfind
    indicator_total = sum((r.score for r in results if r.score is not None), _ZERO)
    indicator_weight = sum((r.weight for r in results if r.weight is not None), _ZERO)
    complete = all(r.score is not None for r in results) and budget.score is not None and bool(results)
    total = indicator_total + (budget.score or _ZERO)
    grade = layout.grade_of(float(total)) if complete else None
    return UnitScore(results, round2(indicator_total), round2(indicator_weight), budget, round2(total), grade,
                     complete, mode, findings)
