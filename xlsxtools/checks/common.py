"""Helpers shared by the checks: reading a row the way a person reads it.

Pure functions over the plain model; no workbook library.
"""

from __future__ import annotations

import re
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from xlsxtools import layout
from xlsxtools.model import Indicator, Origin, TargetTable
from xlsxtools.normalize import clean, halfwidth, key, normalize_type, parse_number

_LEVEL1_BY_KEY = {key(x): x for x in layout.LEVEL1}
_LEVEL2_BY_KEY = {key(x): x for x in layout.LEVEL2}
#: "成本指标 (20分)" / "成本指标（20分）": points written into the level-1 cell.
_DECLARED = re.compile(r"^(.*?)[(（]\s*(\d+(?:\.\d+)?)\s*分\s*[)）]\s*$")


def _vocab(text: str, by_key: dict[str, str]) -> str | None:
    if not text:
        return None
    k = key(text)
    return by_key.get(k) or by_key.get(k + "指标")


def match_level1(text: str) -> tuple[str | None, Decimal | None]:
    """A level-1 cell → (canonical level 1 or None, points declared in the cell or None)."""
    m = _DECLARED.match(halfwidth(clean(text)))
    if m:
        return _vocab(m.group(1), _LEVEL1_BY_KEY), Decimal(m.group(2))
    return _vocab(text, _LEVEL1_BY_KEY), None


def match_level2(text: str) -> str | None:
    return _vocab(text, _LEVEL2_BY_KEY)


@dataclass
class Row:
    """One indicator as a person reads it: levels filled down, type normalised."""

    index: int
    ind: Indicator
    level1: str | None  # effective level 1 (cell, filled down, or None)
    level2: str | None  # effective level 2
    type: str | None  # normalised 指标值类型
    #: Level 1 the row counts under for the totals: the level 1 its level 2 belongs to (the
    #: closed vocabulary wins over a contradicting level-1 cell, which H001 reports), else level1.
    group: str | None
    #: True when the row's cells are shifted left (a 指标值类型 symbol sits in the name or level-2 column).
    shifted: bool = False
    level1_cell: str | None = None  # canonical level 1 read from the cell itself
    level2_cell: str | None = None
    declared: Decimal | None = None  # "(20分)" in the level-1 cell
    filled1: bool = False  # level 1 was blank and filled down from the row above
    filled2: bool = False
    #: level1 / level2: why a blank level could not be filled down (Chinese), for H003.
    unfilled: dict[str, str] = field(default_factory=dict)

    @property
    def origin(self) -> Origin:
        return self.ind.origin

    @property
    def label(self) -> str:
        """How a message names the row: its 三级指标 name, or its position."""
        return f"「{self.ind.name}」" if self.ind.name else f"第 {self.index + 1} 个指标"


def is_shifted_left(ind: Indicator) -> bool:
    return normalize_type(ind.type) is None and (
        normalize_type(ind.name) is not None or normalize_type(ind.level2) is not None)


@dataclass
class Run:
    """What one ``run_checks`` call shares between its checks: the table's rows, computed once,
    and the unit's score when the caller already has it (consolidation scores every unit anyway)."""

    table: TargetTable
    score: Any = None  # xlsxtools.scoring.UnitScore | None
    rows: list[Row] | None = None


CURRENT_RUN: ContextVar[Run | None] = ContextVar("xlsxtools_check_run", default=None)


def current_run(table: TargetTable) -> Run | None:
    """The run in progress for ``table`` (None when a check is called on its own)."""
    run = CURRENT_RUN.get()
    return run if run is not None and run.table is table else None


def read_rows(table: TargetTable) -> list[Row]:
    """The table's indicators with levels filled down as a person reads merged cells.

    Computed once per ``run_checks`` call (every check reads the rows)."""
    run = current_run(table)
    if run is None:
        return _read_rows(table)
    if run.rows is None:
        run.rows = _read_rows(table)
    return run.rows


def framework_of(table: TargetTable):  # -> frameworks.Framework
    """The table's indicator framework (the 2021 one for the template's own form)."""
    from xlsxtools.frameworks import F2021, FRAMEWORKS

    return FRAMEWORKS.get(getattr(table, "framework", "2021") or "2021", F2021)


def _read_rows(table: TargetTable) -> list[Row]:
    fw = framework_of(table)
    if fw.id != "2021":
        return _read_rows_framework(table, fw)
    rows: list[Row] = []
    prev1: str | None = None
    prev2: str | None = None
    for i, ind in enumerate(table.indicators):
        l1_cell, declared = match_level1(ind.level1)
        l2_cell = match_level2(ind.level2)
        shifted = is_shifted_left(ind)
        row = Row(i, ind, None, None, normalize_type(ind.type), None, shifted, l1_cell, l2_cell, declared)
        l2_parent = layout.LEVEL1_OF_LEVEL2.get(l2_cell) if l2_cell else None
        # level 1
        if l1_cell:
            row.level1 = l1_cell
        elif not ind.level1.strip() and not shifted:
            if prev1 is None:
                row.unfilled["level1"] = "上方没有可向下填充的一级指标"
            elif l2_parent and l2_parent != prev1:
                row.unfilled["level1"] = (f"上一行为「{prev1}」，但二级指标「{l2_cell}」属于「{l2_parent}」，"
                                          "不能向下填充")
            else:
                row.level1, row.filled1 = prev1, True
        # level 2
        if l2_cell:
            row.level2 = l2_cell
        elif not ind.level2.strip() and not shifted:
            if prev2 is None:
                row.unfilled["level2"] = "上方没有可向下填充的二级指标"
            elif row.level1 is not None and layout.LEVEL1_OF_LEVEL2.get(prev2) != row.level1:
                row.unfilled["level2"] = f"上一行的二级指标「{prev2}」不属于「{row.level1}」，不能向下填充"
            else:
                row.level2, row.filled2 = prev2, True
        row.group = layout.LEVEL1_OF_LEVEL2.get(row.level2) if row.level2 else row.level1
        rows.append(row)
        if row.level1 is not None:
            prev1 = row.level1
        if row.level2 is not None:
            prev2 = row.level2
    return rows


def _read_rows_framework(table: TargetTable, fw) -> list[Row]:
    """``_read_rows`` for a table of another framework (2015, 2013): its own closed vocabulary."""
    from xlsxtools.frameworks import level1_word, level2_word

    all_l2 = {x for xs in fw.level2_by_level1.values() for x in xs}
    rows: list[Row] = []
    prev1: str | None = None
    prev2: str | None = None
    for i, ind in enumerate(table.indicators):
        m = _DECLARED.match(halfwidth(clean(ind.level1)))
        declared = Decimal(m.group(2)) if m else None
        w1 = level1_word(m.group(1) if m else ind.level1)
        l1_cell = w1 if w1 in fw.level2_by_level1 else None
        w2 = level2_word(ind.level2) or clean(ind.level2)
        l2_cell = w2 if w2 in all_l2 else None
        row = Row(i, ind, None, None, normalize_type(ind.type), None, False, l1_cell, l2_cell, declared)
        if l1_cell:
            row.level1 = l1_cell
        elif not ind.level1.strip():
            if prev1 is None:
                row.unfilled["level1"] = "上方没有可向下填充的一级指标"
            else:
                row.level1, row.filled1 = prev1, True
        if l2_cell:
            row.level2 = l2_cell
        elif not ind.level2.strip():
            if prev2 is None:
                row.unfilled["level2"] = "上方没有可向下填充的二级指标"
            else:
                row.level2, row.filled2 = prev2, True
        parents = fw.parents(row.level2) if row.level2 else ()
        row.group = (row.level1 if row.level1 in parents else parents[0]) if parents else row.level1
        rows.append(row)
        prev1 = row.level1 if row.level1 is not None else prev1
        prev2 = row.level2 if row.level2 is not None else prev2
    return rows


# ------------------------------------------------------------------------------------------
# values
# ------------------------------------------------------------------------------------------

_PLAIN_NUMBER = re.compile(r"^[+-]?[0-9]+(\.[0-9]+)?$", re.ASCII)


def read_target(ind: Indicator) -> tuple[Decimal | None, bool]:
    """The numeric 指标值 and whether reading it needed normalising (full-width, "1,000", "95%")."""
    num = parse_number(ind.target)
    if num is None:
        return None, False
    return num, not _PLAIN_NUMBER.match(clean(ind.target))


def target_has_percent(ind: Indicator) -> bool:
    return clean(ind.target).endswith(("%", "％"))


def effective_unit(ind: Indicator) -> str:
    """The unit as read: the unit cell, or "%" written after the number in the 指标值 cell."""
    unit = halfwidth(clean(ind.unit))
    if not unit and target_has_percent(ind):
        return "%"
    return unit


_SENTENCE_PUNCT = re.compile(r"[，。；;,:：、！？!?]")


def is_sentence(unit: str) -> bool:
    """A unit cell holding a sentence (an explanation that slid into the unit column)."""
    u = clean(unit)
    if not u:
        return False
    return len(u) > 6 or bool(_SENTENCE_PUNCT.search(u)) or (len(u) >= 4 and ("的" in u or "对" in u))


#: Classifiers of counts (个, 次, 篇 …): "=" on such a unit usually means "at least".
_COUNT_CHARS = set("个次篇件人户所项场期批家名份条套台本村座处辆株棵头只")


def is_count_unit(unit: str) -> bool:
    u = clean(unit).lstrip("万千百亿")
    return bool(u) and u[-1] in _COUNT_CHARS and not _SENTENCE_PUNCT.search(u) and len(u) <= 3


def is_rate(ind: Indicator) -> bool:
    name = clean(ind.name).strip("“”\"'「」")
    return effective_unit(ind) == "%" or name.endswith("率")


# ------------------------------------------------------------------------------------------
# rules and points
# ------------------------------------------------------------------------------------------


def parsed_rule(text: str):  # -> xlsxtools.rules.ParsedRule
    from xlsxtools.rules import parse_rule

    return parse_rule(text)


def points_of(ind: Indicator) -> Decimal | None:
    """The indicator's points: what the reader stored, else what the rule text names."""
    if ind.weight is not None:
        return ind.weight
    if not clean(ind.rule_text):
        return None
    return parsed_rule(ind.rule_text).points


def table_location(table: TargetTable) -> Origin:
    """Where table-level findings point: the targets sheet of the file (no row)."""
    for ind in table.indicators:
        if ind.origin.file or ind.origin.sheet:
            return Origin(ind.origin.file or table.source, ind.origin.sheet)
    return Origin(table.source)


def fmt(n: Decimal | None) -> str:
    if n is None:
        return "?"
    n = n.normalize()
    return format(n, "f")

