"""A structured rule → its standard Chinese text (so a table's rules can be normalised).

``parse_rule(render_rule(r)).rule == r`` for every kind (tested).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from xlsxtools.rules.model import Rule, RuleKind


def fmt(d: Decimal | int | float | None) -> str:
    """A number as people write it: 10, 0.5, 2.25 (no exponent, no trailing zeros)."""
    if d is None:
        return "?"
    d = Decimal(str(d)) if not isinstance(d, Decimal) else d
    s = format(d.normalize(), "f")
    return "0" if s in ("-0", "") else s


def fmt_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _pts(p: Decimal) -> str:
    return "不得分" if p == 0 else f"得{fmt(p)}分"


def render_rule(rule: Rule) -> str:
    k, n = rule.kind, fmt(rule.points)
    if k is RuleKind.RATIO:
        return f"达到计划值得满分{n}分，否则按实际值/计划值*指标分值计分。"
    if k is RuleKind.PERCENT:
        return f"{rule.subject}达到100%得满分{n}分，未达到100%的，按实际达到比例×指标分值计算。"
    if k is RuleKind.OVERRUN:
        return (f"部门整体支出控制在{rule.subject or '预算'}范围内，得{n}分，每超出{fmt(rule.step)}%，"
                f"扣{fmt(rule.deduction)}分，扣完为止。")
    if k is RuleKind.SAVING:
        subject = rule.subject or "成本节约率"
        if "节约" in subject:
            return (f"{subject}为0，得{n}分，每下降{fmt(rule.step)}%，扣{fmt(rule.deduction)}分，扣完为止。"
                    "（如不适用，直接计分）")
        return f"{subject}达到计划值得{n}分，每低于{fmt(rule.step)}%，扣{fmt(rule.deduction)}分，扣完为止。"
    if k is RuleKind.DELAY:
        when = f"在{fmt_date(rule.deadline)}前" if rule.deadline else "时间"
        return f"按计划{when}完成得{n}分，每推迟{fmt(rule.step)}天扣{fmt(rule.deduction)}分，扣完为止。"
    if k is RuleKind.GRADE:
        parts = [f"{label}{_pts(p)}" for label, p in rule.grades]
        head = "" if max((p for _, p in rule.grades), default=None) == rule.points else f"指标分值{n}分，"
        return head + "，".join(parts) + "，否则不得分。"
    if k is RuleKind.BANDS:
        subject = rule.subject or "满意度"
        parts, upper = [], None
        for b in rule.bands:
            cond = ("大于等于" if b.inclusive else "大于") + f"{fmt(b.lower)}%"
            if upper is not None:
                cond = f"小于{'' if upper[1] else '等于'}{fmt(upper[0])}%且{cond}"
            parts.append(f"{subject}{cond}的{_pts(b.points)}")
            upper = (b.lower, b.inclusive)
        if upper is not None:
            parts.append(f"{subject}小于{'' if upper[1] else '等于'}{fmt(upper[0])}%的{_pts(rule.floor_points)}")
        head = "" if max((b.points for b in rule.bands), default=None) == rule.points else f"指标分值{n}分，"
        return head + "，".join(parts) + "。"
    if k is RuleKind.THRESHOLD:
        s, g = rule.subject or "完成率", fmt(rule.gate)
        return (f"指标分值{n}分，{s}小于{g}%不得分；大于等于{g}%的，"
                f"得分=（实际{s}-{g}%）/（1-{g}%）×指标分值。")
    if k is RuleKind.LEVEL:
        parts = []
        for lv in rule.levels:
            band = ""
            if lv.high is not None and lv.low is not None:
                band = f"按指标分值{fmt(lv.high)}%-{fmt(lv.low)}%" + ("（含）" if lv.low > 0 else "")
            parts.append(f"{lv.name}，{band}" + (f"为{fmt(lv.points)}分" if lv.points else "不得分"))
        head = "" if max((lv.points for lv in rule.levels), default=None) == rule.points else f"指标分值{n}分："
        return head + "；".join(parts) + "。"
    if k is RuleKind.DIRECT:
        tail = "不得分" if not rule.deduction else f"扣{fmt(rule.deduction)}分"
        return f"符合要求的得满分{n}分，不符合要求的{tail}。"
    raise ValueError(f"unknown rule kind {k!r}")  # pragma: no cover
