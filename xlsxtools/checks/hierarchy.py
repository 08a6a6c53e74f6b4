"""H: the indicator hierarchy (一级/二级/三级指标)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from xlsxtools import layout
from xlsxtools.checks.common import Row, framework_of, match_level1, match_level2, read_rows
from xlsxtools.checks.registry import register
from xlsxtools.codes import finding
from xlsxtools.config import Config
from xlsxtools.model import Actuals, Finding, TargetTable
from xlsxtools.normalize import clean, key, normalize_type


@register("H002", "H007")
def level1_column(table: TargetTable, actuals: Actuals | None, config: Config) -> Iterator[Finding]:
    """The level-1 column holds a level-1 name (H007), not a level-2/3 name from a row shifted left (H002)."""
    fw = framework_of(table)
    if fw.id != "2021":
        yield from _level1_other(table, fw)
        return
    for row in read_rows(table):
        ind = row.ind
        text = clean(ind.level1)
        if row.shifted:
            where = "level1" if text else "level2"
            what = f"一级指标列填的是「{text}」，" if text else ""
            moved = "三级指标列" if normalize_type(ind.name) else "二级指标列"
            yield finding("H002", f"{what}指标值类型「{clean(ind.name if moved == '三级指标列' else ind.level2)}」"
                                  f"出现在{moved}：该行整体左移了（合并单元格丢失），请把各项移回对应的列。",
                          row.origin, where)
            continue
        if not text or row.level1_cell:
            continue
        l2 = match_level2(text)
        if l2:
            yield finding("H002", f"一级指标列填的是二级指标「{l2}」（属于「{layout.LEVEL1_OF_LEVEL2[l2]}」）："
                                  f"请在一级指标列填「{layout.LEVEL1_OF_LEVEL2[l2]}」，二级指标列填「{l2}」。",
                          row.origin, "level1")
        elif name_in_level1(row):
            yield finding("H002", f"一级指标列填的是「{text}」，像是三级指标名称（本行三级指标为空）："
                                  "请把它移到三级指标列，并填写一级、二级指标。", row.origin, "level1")
        else:
            yield finding("H007", f"一级指标「{text}」不在列表中，应为 {'、'.join(layout.LEVEL1)} 之一。",
                          row.origin, "level1")


def name_in_level1(row: Row) -> bool:
    """A 三级指标 name typed into the level-1 column: unknown level-1 text, no level 2, no name."""
    text = clean(row.ind.level1)
    return bool(text) and row.level1_cell is None and match_level2(text) is None \
        and not clean(row.ind.level2) and not clean(row.ind.name)


@register("H001", "H003", "H008", "V009")
def level2_fits_level1(table: TargetTable, actuals: Actuals | None, config: Config) -> Iterator[Finding]:
    """Level 2 is in the vocabulary (H008) and belongs to its level 1 (H001); blanks fill down (H003, V009)."""
    fw = framework_of(table)
    if fw.id != "2021":
        yield from _level2_other(table, fw)
        return
    for row in read_rows(table):
        if row.shifted:
            continue
        ind = row.ind
        for fld in ("level1", "level2"):
            if fld in row.unfilled:
                name = "一级指标" if fld == "level1" else "二级指标"
                yield finding("H003", f"{row.label}的{name}为空：{row.unfilled[fld]}，请填写{name}。",
                              row.origin, fld)
        if row.filled1:
            yield finding("V009", f"{row.label}的一级指标为空，按合并单元格的读法取上一行的「{row.level1}」。",
                          row.origin, "level1")
        if row.filled2:
            yield finding("V009", f"{row.label}的二级指标为空，按合并单元格的读法取上一行的「{row.level2}」。",
                          row.origin, "level2")
        if row.level1_cell and clean(ind.level1) != row.level1_cell:
            l1, declared = match_level1(ind.level1)
            extra = f"（其中的“{declared.normalize():f}分”作为该一级指标的小计核对）" if declared is not None else ""
            yield finding("V009", f"一级指标「{clean(ind.level1)}」按「{l1}」理解{extra}。", row.origin, "level1")
        text2 = clean(ind.level2)
        if row.level2_cell and text2 != row.level2_cell:
            yield finding("V009", f"二级指标「{text2}」按「{row.level2_cell}」理解。", row.origin, "level2")
        if text2 and not row.level2_cell:
            if key(text2) in {key(x) for x in layout.LEVEL1}:
                hint = f"「{text2}」是一级指标，二级指标应为 {'、'.join(layout.LEVEL2_BY_LEVEL1.get(text2, ()))} 之一"
            elif row.level1:
                hint = f"「{row.level1}」的二级指标应为 {'、'.join(layout.LEVEL2_BY_LEVEL1[row.level1])} 之一"
            else:
                hint = "二级指标应为国家指标体系中的名称"
            yield finding("H008", f"二级指标「{text2}」不在列表中：{hint}。", row.origin, "level2")
        if row.level1 and row.level2 and layout.LEVEL1_OF_LEVEL2[row.level2] != row.level1 \
                and "level1" not in row.unfilled:
            right = layout.LEVEL1_OF_LEVEL2[row.level2]
            yield finding("H001", f"二级指标「{row.level2}」属于「{right}」，不能放在「{row.level1}」下："
                                  f"请把一级指标改为「{right}」，或选择「{row.level1}」的二级指标"
                                  f"（{'、'.join(layout.LEVEL2_BY_LEVEL1[row.level1])}）。",
                          row.origin, "level2")


def _level1_other(table: TargetTable, fw) -> Iterator[Finding]:
    """H007 for a table of another framework (2015, 2013): its own level-1 words, never "corrected"."""
    for row in read_rows(table):
        text = clean(row.ind.level1)
        if text and not row.level1_cell:
            yield finding("H007", f"一级指标「{text}」不在{fw.label}中，应为 {'、'.join(fw.level1)} 之一。",
                          row.origin, "level1")


def _level2_other(table: TargetTable, fw) -> Iterator[Finding]:
    """H003/H008/H001 for a table of another framework, by its own level-1 → level-2 vocabulary."""
    for row in read_rows(table):
        for fld in ("level1", "level2"):
            if fld in row.unfilled:
                name = "一级指标" if fld == "level1" else "二级指标"
                yield finding("H003", f"{row.label}的{name}为空：{row.unfilled[fld]}，请填写{name}。", row.origin, fld)
        text2 = clean(row.ind.level2)
        if text2 and not row.level2_cell:
            hint = "、".join(fw.level2_by_level1.get(row.level1 or "", ())) or "该指标体系中的名称"
            yield finding("H008", f"二级指标「{text2}」不在{fw.label}中：应为 {hint} 之一。", row.origin, "level2")
        elif row.level1 and row.level2 and row.level1 in fw.level2_by_level1 and not fw.allows(row.level1, row.level2):
            right = "、".join(fw.parents(row.level2))
            yield finding("H001", f"二级指标「{row.level2}」属于「{right}」，不能放在「{row.level1}」下"
                                  f"（{fw.label}）。", row.origin, "level2")


@register("H004")
def name_present(table: TargetTable, actuals: Actuals | None, config: Config) -> Iterator[Finding]:
    """Every indicator has a 三级指标 name."""
    for row in read_rows(table):
        if not row.shifted and not clean(row.ind.name) and not name_in_level1(row):
            where = f"（{row.level2 or row.level1 or '无层级'}）" if (row.level2 or row.level1) else ""
            yield finding("H004", f"第 {row.index + 1} 个指标{where}没有三级指标名称：请填写简洁明确的指标名称。",
                          row.origin, "name")


@register("H005")
def no_duplicates(table: TargetTable, actuals: Actuals | None, config: Config) -> Iterator[Finding]:
    """The same 三级指标 name does not appear twice."""
    seen: dict[str, int | None] = {}
    for row in read_rows(table):
        k = key(row.ind.name)
        if not k or row.shifted:
            continue
        if k in seen:
            first = seen[k]
            where = f"（与第 {first} 行重复）" if first else "（与前面的指标重复）"
            yield finding("H005", f"三级指标「{clean(row.ind.name)}」重复出现{where}：每个指标只应出现一次。",
                          row.origin, "name")
        else:
            seen[k] = row.origin.row


_JOINERS = re.compile(r"[、，,；;/]")


@register("H006")
def not_compound(table: TargetTable, actuals: Actuals | None, config: Config) -> Iterator[Finding]:
    """A quantitative indicator names one measure, not two joined with 、 (one target cannot score both)."""
    for row in read_rows(table):
        ind = row.ind
        if row.shifted or row.type not in layout.QUANT_TYPES:
            continue
        parts = [p for p in _JOINERS.split(clean(ind.name)) if p.strip()]
        if len(parts) >= 2:
            yield finding("H006", f"三级指标「{clean(ind.name)}」把 {len(parts)} 项（{'、'.join(parts)}）合在一个指标里，"
                                  "只有一个指标值无法分别考核：请拆成每行一个指标。", row.origin, "name")
