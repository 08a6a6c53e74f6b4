"""R: the scoring rule text (评（扣）分标准), read by the one rule parser, xlsxtools.rules.parse_rule."""

from __future__ import annotations

from collections.abc import Iterator

from xlsxtools import layout
from xlsxtools.checks.common import fmt, parsed_rule, read_rows, read_target
from xlsxtools.checks.registry import register
from xlsxtools.codes import finding
from xlsxtools.config import Config
from xlsxtools.model import Actuals, Finding, Severity, TargetTable
from xlsxtools.normalize import clean


def _shapes() -> str:
    from xlsxtools.rules import KNOWN_SHAPES

    return "；".join(f"{i}. {s}" for i, s in enumerate(KNOWN_SHAPES, start=1))


@register("R001", "R002", "R003", "R009", "R012", "R013")
def rule_readable(table: TargetTable, actuals: Actuals | None, config: Config) -> Iterator[Finding]:
    """The rule text is present (R001), of a known shape (R002), names its points (R003), is not cut off (R009)."""
    for row in read_rows(table):
        if row.shifted:
            continue
        text = clean(row.ind.rule_text)
        if not text:
            yield finding("R001", f"{row.label}没有评（扣）分标准：请写明评分规则和分值，"
                                  "如“达到计划值得满分2分，否则按实际值/计划值*指标分值计分”。", row.origin, "rule_text")
            continue
        pr = parsed_rule(text)
        if pr.unscorable and table.columns is not None:  # "酌情扣分" etc. in another form: say so, don't guess
            yield finding("R012", f"{row.label}的评（扣）分标准「{text[:40]}」无法计算：{'；'.join(pr.problems)}。",
                          row.origin, "rule_text")
            continue
        if pr.points_only and table.columns is not None:
            yield finding("R013", f"{row.label}的评（扣）分标准只写了分值「{text}」，按{config.tables.default_scoring_label}。",
                          row.origin, "rule_text")
            continue
        if pr.truncated:
            yield finding("R009", f"{row.label}的评（扣）分标准「{text}」似乎不完整（在句中断开）：请补全规则文字。",
                          row.origin, "rule_text")
        if pr.rule is None:
            why = "；".join(p for p in pr.problems if "分值" not in p) or "不符合任何已知的规则写法"
            # another form's phrasing the parser does not know is not a defect of that table: a warning
            other_form = table.columns is not None
            yield finding("R002", f"{row.label}的评（扣）分标准无法识别（{why}）。已知的写法有：{_shapes()}",
                          row.origin, "rule_text", severity=Severity.WARNING if other_form else None)
        if pr.points is None and row.ind.points_column is None:
            yield finding("R003", f"{row.label}的评（扣）分标准中没有分值：请写明分值，如“得10分”“得满分2分”。",
                          row.origin, "rule_text")


_RATIO_LIKE = ("RATIO", "PERCENT", "THRESHOLD")
_QUANT_ONLY = ("OVERRUN", "SAVING", "BANDS")
_QUAL_ONLY = ("GRADE", "LEVEL")


@register("R004", "R005", "R006", "R007", "R008", "R010")
def rule_fits_row(table: TargetTable, actuals: Actuals | None, config: Config) -> Iterator[Finding]:
    """The rule's shape fits the row: type, direction, target value and its own point bands."""
    for row in read_rows(table):
        if row.shifted or not clean(row.ind.rule_text):
            continue
        rule = parsed_rule(clean(row.ind.rule_text)).rule
        if rule is None:
            continue
        kind = str(rule.kind)
        label = rule.kind.label
        target, _ = read_target(row.ind)
        quant = row.type in layout.QUANT_TYPES
        qual = row.type == layout.QUAL_TYPE
        if kind in _RATIO_LIKE and qual and target is None:
            yield finding("R004", f"{row.label}是定性指标（指标值「{clean(row.ind.target)}」），"
                                  f"评分规则却是“{label}”，需要数字计划值：请改用等级规则"
                                  "（如“效果明显得N分，效果一般得M分，否则不得分”）或填写数字目标。",
                          row.origin, "rule_text")
        if kind == "RATIO" and row.type in layout.REVERSE_TYPES:
            yield finding("R005", f"{row.label}的目标是「{row.type}{clean(row.ind.target)}」（越低越好），"
                                  "规则却写“实际值/计划值”：超出目标反而得分更高。计分时按反向比例 计划值/实际值 计算；"
                                  "建议把规则改为超支扣分或反向比例的写法。", row.origin, "rule_text")
        if kind in ("RATIO", "THRESHOLD") and quant and target == 0:
            yield finding("R006", f"{row.label}的计划值为 0，比例规则（实际值/计划值）无定义：计分时实际值为 0 得满分，"
                                  "否则不得分。请改用其他规则或非零目标。", row.origin, "rule_text")
        if kind == "PERCENT" and quant and target is not None and target < 100 \
                and row.type not in layout.REVERSE_TYPES:
            yield finding("R007", f"{row.label}的目标是「{row.type}{fmt(target)}」，规则却要求达到 100% 才得满分："
                                  f"完成 {fmt(target)}% 也会被扣分。请把规则改为“达到计划值得满分”，或把目标改为 100。",
                          row.origin, "rule_text")
        if kind == "LEVEL":
            for lv in rule.levels:
                if lv.high is None or lv.low is None or not rule.points:
                    continue
                share = lv.points / rule.points * 100
                hi, lo = max(lv.high, lv.low), min(lv.high, lv.low)
                if not lo <= share <= hi:
                    yield finding("R008", f"{row.label}的“{lv.name}”为 {fmt(lv.points)} 分，是满分 {fmt(rule.points)} 分的 "
                                          f"{fmt(share.quantize(1))}%，不在其区间 {fmt(hi)}%–{fmt(lo)}% 内：请核对分值。",
                                  row.origin, "rule_text")
        if (kind in _QUAL_ONLY and quant) or (kind in _QUANT_ONLY and qual) or \
                (kind == "DELAY" and quant and target is not None):
            want = "文字等级" if kind in _QUAL_ONLY else ("完成日期" if kind == "DELAY" else "数字")
            yield finding("R010", f"{row.label}的指标值类型为「{row.type}」，评分规则却是“{label}”（需要{want}的实际值）："
                                  "请让指标值类型、指标值与规则一致。", row.origin, "rule_text")
