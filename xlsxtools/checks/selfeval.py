"""S: a 自评表's own scores against its own numbers and rules (the audit question "自评得分虚高").

For every indicator row of a self-evaluation that states an 得分: the score is recomputed from
the row's 年度指标值 and 实际完成值 with its rule text, or, when the row has points but no rule
text, with the national default of 财预〔2020〕10号 第十六条 (``config.tables.default_scoring``,
named in every message). A row whose own 得分 is higher than the computed score is S001 (rule
text) or S003 (default policy); lower is S002 / S003; a row that cannot be recomputed says why
(S004). The budget block's 得分 (S006), the 总分 (S005), the 合计 points (T006), an 得分 above its
分值 (S007) and an 得分 without any 实际完成值 (S008) are checked too. Nothing here runs for a
table without an 得分 column (the template's own form reports through the actuals check).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from xlsxtools.checks.common import fmt, table_location
from xlsxtools.checks.registry import register
from xlsxtools.codes import finding
from xlsxtools.config import Config
from xlsxtools.model import Actuals, Finding, Indicator, TargetTable
from xlsxtools.normalize import clean, halfwidth, key, parse_number

_EMPTY = {"", "/", "-", "—", "——", "无", "／", "－"}
TOLERANCE = Decimal("0.01")
DEFAULT_POLICY = "财预〔2020〕10号第十六条默认规则"


def _num(text: str) -> Decimal | None:
    t = clean(text)
    if t in _EMPTY:
        return None
    from xlsxtools.importer.tables import split_value

    sv = split_value(t)
    if sv is not None:
        return Decimal(sv[1])
    return parse_number(t.rstrip("分"))


def label_of(ind: Indicator) -> str:
    return _label(ind)


def _label(ind: Indicator) -> str:
    return f"「{ind.name}」" if ind.name else "该行"


_TIME = re.compile(r"\d\s*(?:年|月|日|号)|[前底]$|之前|以前|截至|截止")


def _month(text: str) -> tuple[int, int] | None:
    """(year or 0, month) of a deadline / completion text ("9月前", "2023年11月底", "10月")."""
    t = halfwidth(clean(text))
    m = re.search(r"(?:(\d{4})\s*年)?\s*(\d{1,2})\s*月", t)
    if not m:
        return None
    return int(m.group(1) or 0), int(m.group(2))


def default_score(ind: Indicator) -> tuple[Decimal | None, str]:
    """The national default (财预〔2020〕10号 第十六条) for a row with points and no rule text:
    quantitative: full points at the target, else in proportion to completion (reversed for a
    ≤ target or a 反向 indicator); qualitative: full points when the actual states the target,
    else not computable (the three tiers are the evaluator's judgement)."""
    n = ind.weight
    if n is None:
        return None, "没有分值"
    if clean(ind.actual) in _EMPTY:
        return None, "没有实际完成值"
    if _TIME.search(clean(ind.target)):
        tm, am = _month(ind.target), _month(ind.actual)
        if tm is not None and am is not None:
            if am <= tm:
                return n, f"时间指标按期完成（{clean(ind.actual)}，期限{clean(ind.target)}）"
            return None, f"时间指标逾期（{clean(ind.actual)}，期限{clean(ind.target)}），逾期如何扣分未写明"
        return None, "时间指标的期限和完成时间无法比较"
    t, a = _num(ind.target), _num(ind.actual)
    if t is not None and a is not None:
        reverse = ind.smaller_is_better
        if reverse:
            ratio = Decimal(1) if a <= t else (t / a if a else Decimal(0))
        else:
            ratio = Decimal(1) if t == 0 or a >= t else a / t
        score = (n * min(Decimal(1), max(Decimal(0), ratio))).quantize(TOLERANCE)
        how = f"{'反向' if reverse else ''}按完成比例 {fmt(a)}/{fmt(t)}" if not reverse else f"反向按 {fmt(t)}/{fmt(a)}"
        return score, how
    if t is None and clean(ind.target) and key(ind.target) == key(ind.actual):
        return n, "定性指标实际完成值与指标值相同"
    return None, "定性指标的三档（100–80%、80–60%、60–0%）由评价人判断，无法由表中数字算出"


_OPERATOR_AT_START = ("≥", "≤", ">", "<", "大于", "小于", "不低于", "不高于", "不少于", "不超过", ">=", "<=")


@register("S001", "S002", "S003", "S004", "S005", "S006", "S007", "S008", "S009", "S010", "T006")
def self_evaluation(table: TargetTable, actuals: Actuals | None, config: Config) -> Iterator[Finding]:
    """A 自评表's own 得分 per row, budget block and 总分 against its own numbers and rules."""
    if not table.has_column("own_score") and not table.stated_total:
        return
    from xlsxtools.rules import parse_rule
    from xlsxtools.scoring import score_indicator

    use_default = config.tables.default_scoring
    own_sum = Decimal(0)
    any_own = False
    evaluating = table.kind in ("dept_self_eval", "project_self_eval") and table.has_column("own_score")
    # an evaluation table without 实际完成值 (2013 框架 评价表): the 得分 is the evaluator's judgement
    has_actual = table.has_column("actual") or table.has_column("progress")
    for ind in table.indicators:
        actual = halfwidth(clean(ind.actual))
        if evaluating and actual.startswith(_OPERATOR_AT_START):
            yield finding("S009", f"{label_of(ind)}的实际完成值“{clean(ind.actual)}”带比较符号，像是照抄了指标值：请填写实际达到的数值。",
                          ind.origin, "actual")
        own = _num(ind.own_score) if ind.own_score else None
        if own is None:
            if evaluating and has_actual and clean(ind.actual) in _EMPTY and clean(ind.own_score) in _EMPTY:
                yield finding("S010", f"{label_of(ind)}的实际完成值和得分都为空：自评表未对该指标作出评价。",
                              ind.origin, "actual")
            continue
        any_own = True
        own_sum += own
        label = _label(ind)
        if ind.weight is not None and own > ind.weight:
            yield finding("S007", f"{label}自评得分 {fmt(own)} 高于分值 {fmt(ind.weight)}。", ind.origin, "own_score")
            continue
        if has_actual and clean(ind.actual) in _EMPTY and own > 0:
            yield finding("S008", f"{label}没有实际完成值，却自评得 {fmt(own)} 分：得分无法由本行的数字得出，"
                                  "请填写实际完成值或说明得分依据。", ind.origin, "actual")
            continue
        parsed = parse_rule(ind.rule_text) if clean(ind.rule_text) else None
        if parsed is not None and parsed.rule is not None:
            s = score_indicator(parsed.rule, ind.type, ind.target, clean(ind.actual), unit=ind.unit,
                                step_mode=config.step_mode)
            if s.score is None:
                yield finding("S004", f"{label}的自评得分无法核对：{s.explanation}", ind.origin, "own_score")
            elif own > s.score + TOLERANCE:
                yield finding("S001", f"{label}自评得分 {fmt(own)} 分，按评分标准计算为 {s.score} 分"
                                      f"（{s.explanation}）：自评得分虚高。", ind.origin, "own_score")
            elif own < s.score - TOLERANCE:
                yield finding("S002", f"{label}自评得分 {fmt(own)} 分，按评分标准计算为 {s.score} 分（{s.explanation}）。",
                              ind.origin, "own_score")
            continue
        if parsed is not None and parsed.unscorable:
            yield finding("S004", f"{label}的评分标准（{clean(ind.rule_text)[:30]}）由评价人酌情判断，无法计算，"
                                  "自评得分未核对。", ind.origin, "own_score")
            continue
        if not use_default:
            continue
        if not has_actual:
            continue
        computed, how = default_score(ind)
        if computed is None:
            yield finding("S004", f"{label}的自评得分无法核对：{how}（{DEFAULT_POLICY}）。", ind.origin, "own_score")
        elif own > computed + TOLERANCE:
            yield finding("S001", f"{label}自评得分 {fmt(own)} 分，按{DEFAULT_POLICY}计算为 {fmt(computed)} 分"
                                  f"（{how}，分值 {fmt(ind.weight)}）：自评得分虚高。", ind.origin, "own_score")
        elif own < computed - TOLERANCE:
            yield finding("S003", f"{label}自评得分 {fmt(own)} 分，低于按{DEFAULT_POLICY}计算的 {fmt(computed)} 分"
                                  f"（{how}，分值 {fmt(ind.weight)}）。", ind.origin, "own_score")
    # budget block
    b = table.budget
    budget_own = None
    if b is not None:
        budget_own = _num(b.score)
        full, spent, pts = _num(b.full_year), _num(b.executed), _num(b.points)
        if budget_own is not None and full and spent is not None and pts is not None:
            computed = (pts * min(Decimal(1), spent / full)).quantize(TOLERANCE)
            if budget_own > computed + TOLERANCE:
                yield finding("S006", f"预算执行得分 {fmt(budget_own)} 分，按 分值 {fmt(pts)} × 全年执行数 {fmt(spent)} ÷ "
                                      f"全年预算数 {fmt(full)} 计算为 {fmt(computed)} 分。", b.origin, None)
    # totals
    where = table_location(table)
    stated_pts = _num(table.stated_total.get("points", "")) if table.stated_total else None
    stated_score = _num(table.stated_total.get("score", "")) if table.stated_total else None
    weights = [i.weight for i in table.indicators if i.weight is not None]
    if stated_pts is not None and weights:
        total = sum(weights, Decimal(0))
        budget_pts = _num(b.points) if b is not None else None
        if stated_pts not in (total, total + (budget_pts or 0)):
            yield finding("T006", f"合计/总分行写的分值为 {fmt(stated_pts)} 分，各指标分值之和为 {fmt(total)} 分"
                                  + (f"（加预算执行 {fmt(budget_pts)} 分为 {fmt(total + budget_pts)} 分）" if budget_pts else "")
                                  + "。", where)
    if stated_score is not None and any_own:
        with_budget = own_sum + (budget_own or 0)
        if abs(stated_score - own_sum) > TOLERANCE and abs(stated_score - with_budget) > TOLERANCE:
            yield finding("S005", f"总分写的是 {fmt(stated_score)} 分，各指标自评得分之和为 {fmt(own_sum)} 分"
                                  + (f"（加预算执行得分 {fmt(budget_own)} 分为 {fmt(with_budget)} 分）" if budget_own else "")
                                  + "。", where)


@register("S011")
def monitoring_behind_schedule(table: TargetTable, actuals: Actuals | None, config: Config) -> Iterator[Finding]:
    """An imported 监控表 (绩效运行监控表) whose 1–N月执行数 is behind the time schedule N/12 by more
    than the monitoring policy's margin (the template's own 运行监控 sheet reports this as J001)."""
    b = table.budget
    if table.kind != "monitoring" or b is None:
        return
    m = re.match(r"1-(\d{1,2})月", table.header.get("监控期间", ""))
    budget = _num(b.full_year) or _num(b.initial)
    spent = _num(b.executed)
    if not m or not budget or spent is None:
        return
    months = int(m.group(1))
    rate = spent / budget
    schedule = Decimal(months) / Decimal(12)
    margin = config.monitoring.budget_margin
    if rate >= schedule - margin:
        return
    sure = [i for i in table.indicators if "确定能" in i.reason]
    claim = ("；完成目标可能性全部写“确定能”，没有说明偏差原因" if sure and len(sure) == len(table.indicators) else "")
    yield finding("S011", f"1-{months}月预算执行率 {fmt((rate * 100).quantize(Decimal('0.1')))}%（执行数 {fmt(spent)} ÷ 预算数 {fmt(budget)} 万元），"
                          f"低于序时进度 {fmt((schedule * 100).quantize(Decimal('0.1')))}% 超过 {fmt(margin * 100)} 个百分点{claim}"
                          "（[monitoring] budget_margin）。", b.origin, None)
