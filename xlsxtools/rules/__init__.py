"""Scoring rules (评（扣）分标准): parse Chinese rule text into a structured rule, render it back.

    from xlsxtools.rules import parse_rule
    parsed = parse_rule("达到计划值得满分2分，否则按实际值/计划值*指标分值计分。")
    parsed.rule.kind, parsed.points  # RuleKind.RATIO, Decimal("2")
"""

from __future__ import annotations

from xlsxtools.rules.model import Band, Level, ParsedRule, Rule, RuleKind
from xlsxtools.rules.parser import normalize_rule_text, parse_rule
from xlsxtools.rules.render import render_rule

#: One Chinese line per known rule shape, with its typical text (for "rule not recognised" messages).
KNOWN_SHAPES: tuple[str, ...] = (
    "按完成比例：达到计划值得满分N分，否则按实际值/计划值*指标分值计分",
    "按达到100%的比例：××率达到100%得满分N分，未达到100%的，按实际达到比例×指标分值计算",
    "超支扣分：支出控制在预算范围内，得N分，每超出P%，扣D分，扣完为止",
    "节约率扣分：××节约率为0，得N分，每下降P%，扣D分，扣完为止（如不适用，直接计分）",
    "推迟扣分：按计划在YYYY年MM月DD日前完成得N分，每推迟P天扣D分，扣完为止",
    "效果等级：效果明显得N分，效果一般得M分，否则不得分",
    "区间计分：满意度大于等于95%的得10分，小于95%且大于等于80%的得8分，……小于60%不得分",
    "及格门槛：完成率小于60%不得分；大于等于60%的，得分=（实际完成率-60%）/（1-60%）×指标分值（须写明分值N分）",
    "目标实现程度：基本达成目标，100%-80%（含）为N分；部分实现目标，80%-60%（含）为M分；实现目标程度较低，60%-0%不得分",
    "直接赋分：符合要求的得满分N分，不符合要求的不得分（或扣D分）",
)

__all__ = ["KNOWN_SHAPES", "Band", "Level", "ParsedRule", "Rule", "RuleKind", "normalize_rule_text", "parse_rule",
           "render_rule"]
