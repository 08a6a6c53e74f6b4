"""V: 指标值类型, 指标值 and 计量单位."""

from __future__ import annotations

from collections.abc import Iterator

from xlsxtools import layout
from xlsxtools.checks.common import (
    effective_unit,
    fmt,
    is_count_unit,
    is_rate,
    is_sentence,
    read_rows,
    read_target,
    target_has_percent,
)
from xlsxtools.checks.registry import register
from xlsxtools.codes import finding
from xlsxtools.config import Config
from xlsxtools.model import Actuals, Finding, TargetTable
from xlsxtools.normalize import clean

_TYPES = "、".join(layout.TYPES)


@register("V008", "V009")
def type_valid(table: TargetTable, actuals: Actuals | None, config: Config) -> Iterator[Finding]:
    """指标值类型 is one of ≥ > = ≤ < 定性 (>=, ≧, 大于等于 are read as ≥ and said so)."""
    for row in read_rows(table):
        if row.shifted:
            continue
        text = clean(row.ind.type)
        if text == "定量" and table.columns is not None:
            # another form's type column says only 定量/定性 (issue 11): quantitative, no comparison sign
            yield finding("V009", f"{row.label}的指标值类型「定量」：没有比较符号，按定量指标（数字目标）理解。",
                          row.origin, "type")
            continue
        if not text:
            yield finding("V008", f"{row.label}的指标值类型为空：请选择 {_TYPES} 之一。", row.origin, "type")
        elif row.type is None:
            yield finding("V008", f"{row.label}的指标值类型「{text}」无效：应为 {_TYPES} 之一。", row.origin, "type")
        elif text != row.type:
            yield finding("V009", f"{row.label}的指标值类型「{text}」按「{row.type}」理解。", row.origin, "type")


@register("V010", "V001", "V007", "V009")
def target_valid(table: TargetTable, actuals: Actuals | None, config: Config) -> Iterator[Finding]:
    """指标值 is present; a number for quantitative types; a percentage not above 100."""
    for row in read_rows(table):
        if row.shifted:
            continue
        ind = row.ind
        text = clean(ind.target)
        if not text:
            what = "数字" if row.type in layout.QUANT_TYPES else "目标（如“效果明显”或完成期限）"
            yield finding("V010", f"{row.label}的指标值为空：请填写{what}。", row.origin, "target")
            continue
        plain_quant = table.columns is not None and clean(ind.type) == "定量"  # issue 11: 定量 without a sign
        if row.type not in layout.QUANT_TYPES and not plain_quant:
            continue
        num, normalised = read_target(ind)
        if num is None:
            yield finding("V001", f"{row.label}的指标值类型为「{row.type or clean(ind.type)}」（定量），指标值「{text}」却不是数字："
                                  "定量指标的指标值只能填数字，单位写在计量单位列；文字目标请把类型改为“定性”。",
                          row.origin, "target")
            continue
        if normalised:
            yield finding("V009", f"{row.label}的指标值「{text}」按数字 {fmt(num)} 理解"
                                  + ("（单位 %）" if target_has_percent(ind) else "") + "。", row.origin, "target")
        if effective_unit(ind) == "%" and num > 100 and row.type not in layout.REVERSE_TYPES:
            yield finding("V007", f"{row.label}的指标值 {fmt(num)}% 超过 100%：比率不可能超过 100%，请核对。",
                          row.origin, "target")


@register("V002", "V003", "V004")
def unit_valid(table: TargetTable, actuals: Actuals | None, config: Config) -> Iterator[Finding]:
    """计量单位 is a short unit: present for quantitative, empty for 定性, never a sentence."""
    for row in read_rows(table):
        if row.shifted:
            continue
        ind = row.ind
        unit = clean(ind.unit)
        if is_sentence(unit):
            yield finding("V004", f"{row.label}的计量单位列填了一句话「{unit}」：计量单位只填数字后的单位"
                                  "（如 个、次、%、万元），定性指标不填；说明文字请移到指标解释列。",
                          row.origin, "unit")
        elif row.type == layout.QUAL_TYPE and unit:
            yield finding("V002", f"{row.label}是定性指标，计量单位「{unit}」应为空（表格说明：定性指标不填计量单位）。",
                          row.origin, "unit")
        elif row.type in layout.QUANT_TYPES and not effective_unit(ind):
            yield finding("V003", f"{row.label}是定量指标，但没有计量单位：请填写数字后的单位，如 个、次、%、万元。",
                          row.origin, "unit")


@register("V005")
def equals_on_count(table: TargetTable, actuals: Actuals | None, config: Config) -> Iterator[Finding]:
    """"=" on a count (次, 个, 人 …) where "≥" was probably meant (doing more should not look like a miss)."""
    for row in read_rows(table):
        if row.shifted or row.type != "=":
            continue
        unit = effective_unit(row.ind)
        if is_count_unit(unit):
            yield finding("V005", f"{row.label}的指标值类型为「=」，计量单位为「{unit}」：计数类指标一般应为「≥」"
                                  f"（完成 {clean(row.ind.target)}{unit} 以上也算达到），请确认是否确需恰好等于。",
                          row.origin, "type")


@register("V006")
def rate_under_quantity(table: TargetTable, actuals: Actuals | None, config: Config) -> Iterator[Finding]:
    """A rate (…率, %) filed under 数量指标; rates belong under 质量指标 or 时效指标."""
    for row in read_rows(table):
        if row.shifted or row.level2 != "数量指标":
            continue
        if is_rate(row.ind):
            yield finding("V006", f"{row.label}是比率（%），却放在“数量指标”下：比率指标应放在“质量指标”或“时效指标”下，"
                                  "数量指标填数量（个、次、件 …）。", row.origin, "level2")


@register("V020")
def count_under_quality(table: TargetTable, actuals: Actuals | None, config: Config) -> Iterator[Finding]:
    """A count (个, 次, 万次 …) filed under 质量指标; counts belong under 数量指标 (the mirror of V006)."""
    for row in read_rows(table):
        if row.shifted or row.level2 != "质量指标" or row.type not in layout.QUANT_TYPES:
            continue
        unit = effective_unit(row.ind)
        if is_count_unit(unit) and not is_rate(row.ind):
            yield finding("V020", f"{row.label}是计数（计量单位「{unit}」），却放在“质量指标”下：计数指标应放在“数量指标”下，"
                                  "质量指标填合格率、达标率等比率（%）。", row.origin, "level2")
