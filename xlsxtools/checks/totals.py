"""T: the points carried by the indicator rows (expectations from the config, domain.md §3).

Each row counts under the level 1 its level 2 belongs to: the level-2 vocabulary is closed, so
经济效益指标 counts under 效益指标 even when its level-1 cell says 产出指标 (H001 reports that
cell; the totals do not report the same mistake a second time).
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from xlsxtools import layout
from xlsxtools.checks.common import Row, fmt, points_of, read_rows, table_location
from xlsxtools.checks.registry import register
from xlsxtools.codes import finding
from xlsxtools.config import Config
from xlsxtools.model import Actuals, Finding, TargetTable


def _groups(rows: list[Row]) -> dict[str, list[Row]]:
    out: dict[str, list[Row]] = {}
    for r in rows:
        if r.group:
            out.setdefault(r.group, []).append(r)
    return out


def _sum(rows: list[Row]) -> Decimal:
    return sum((p for r in rows if (p := points_of(r.ind)) is not None), Decimal(0))


def _missing(rows: list[Row]) -> str:
    n = sum(1 for r in rows if points_of(r.ind) is None)
    return f"（另有 {n} 个指标读不出分值，未计入）" if n else ""


@register("T001")
def total_points(table: TargetTable, actuals: Actuals | None, config: Config) -> Iterator[Finding]:
    """The indicator rows carry the expected total (default 90; budget execution brings it to 100)."""
    rows = read_rows(table)
    if not rows:
        return
    total = _sum(rows)
    want = config.expectations.total
    if total != want:
        yield finding("T001", f"全部指标分值合计 {fmt(total)} 分，应为 {fmt(want)} 分"
                              f"（另 {fmt(config.expectations.budget_points)} 分为预算执行率）{_missing(rows)}：请核对各指标分值。",
                      table_location(table))


@register("T002", "T005")
def level1_points(table: TargetTable, actuals: Actuals | None, config: Config) -> Iterator[Finding]:
    """Every required level 1 has indicators (T005) and carries its expected points (T002, default 效益 30, 满意度 10)."""
    rows = read_rows(table)
    if not rows:
        return
    groups = _groups(rows)
    exp = config.expectations.level1
    for l1 in layout.LEVEL1:
        if l1 in exp and exp[l1] == 0:
            continue
        if l1 not in groups:
            yield finding("T005", f"没有「{l1}」的指标：绩效目标表应包含 {'、'.join(layout.LEVEL1)} 四类一级指标。",
                          table_location(table))
        elif l1 in exp and (got := _sum(groups[l1])) != exp[l1]:
            first = groups[l1][0]
            yield finding("T002", f"「{l1}」分值合计 {fmt(got)} 分，规定为 {fmt(exp[l1])} 分{_missing(groups[l1])}"
                                  "（规定值可在配置文件中调整）。", first.origin, "level1")


@register("T003")
def output_plus_cost(table: TargetTable, actuals: Actuals | None, config: Config) -> Iterator[Finding]:
    """产出指标 + 成本指标 carry the expected points together (default 50; the split between them varies)."""
    groups = _groups(read_rows(table))
    rows = groups.get("产出指标", []) + groups.get("成本指标", [])
    if not rows:
        return
    got = _sum(rows)
    want = config.expectations.output_plus_cost
    if got != want:
        yield finding("T003", f"产出指标与成本指标分值合计 {fmt(got)} 分，规定为 {fmt(want)} 分{_missing(rows)}"
                              "（规定值可在配置文件中调整）。", table_location(table))


@register("T004")
def declared_subtotals(table: TargetTable, actuals: Actuals | None, config: Config) -> Iterator[Finding]:
    """A subtotal declared in a level-1 cell ("成本指标 (20分)") matches the sum of its rows."""
    rows = read_rows(table)
    groups = _groups(rows)
    declared: dict[str, tuple[Decimal, Row | None]] = {l1: (v, None) for l1, v in table.declared_subtotals.items()}
    for r in rows:
        if r.declared is not None and r.level1_cell:
            declared[r.level1_cell] = (r.declared, r)
    for l1, (want, at) in declared.items():
        members = groups.get(l1, [])
        got = _sum(members)
        if got != want:
            at = at or (members[0] if members else None)
            yield finding("T004", f"「{l1}」标明 {fmt(want)} 分，但其下各指标分值合计 {fmt(got)} 分{_missing(members)}："
                                  "请核对小计或各指标分值。",
                          at.origin if at else table_location(table), "level1" if at else None)
