"""T: the points carried by the indicator rows (expectations from the config, domain.md §3).

Each row counts under the level 1 its level 2 belongs to: the level-2 vocabulary is closed, so
经济效益指标 counts under 效益指标 even when its level-1 cell says 产出指标 (H001 reports that
cell; the totals do not report the same mistake a second time).
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from xlsxtools.checks.common import Row, fmt, points_of, read_rows, table_location
from xlsxtools.checks.registry import register
from xlsxtools.codes import finding
from xlsxtools.config import Config
from xlsxtools.model import Actuals, Finding, TargetTable
from xlsxtools.profiles import profile_for


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
    prof = profile_for(table, config)
    if not prof.totals:
        return
    total = _sum(rows)
    if total not in prof.totals:
        want = " 或 ".join(fmt(t) for t in prof.totals)
        budget = f"（另 {fmt(prof.budget_points)} 分为预算执行率）" if len(prof.totals) == 1 and prof.budget_points else ""
        yield finding("T001", f"全部指标分值合计 {fmt(total)} 分，应为 {want} 分{budget}{_missing(rows)}"
                              f"（{prof.name} 检查规则）：请核对各指标分值。",
                      table_location(table), severity=prof.totals_severity)


@register("T002", "T005")
def level1_points(table: TargetTable, actuals: Actuals | None, config: Config) -> Iterator[Finding]:
    """Every required level 1 has indicators (T005) and carries its expected points (T002, default 效益 30, 满意度 10)."""
    rows = read_rows(table)
    if not rows:
        return
    groups = _groups(rows)
    prof = profile_for(table, config)
    exp = prof.level1 if prof.base_total is not None and _sum(rows) == prof.base_total else {}
    if prof.name == "dept_target/2021" and table.columns is None:
        exp = config.expectations.level1  # the template's own form: as configured
    required = prof.required_level1
    for l1 in dict.fromkeys((*required, *exp)):
        if l1 in exp and exp[l1] == 0:
            continue
        if l1 not in groups:
            if l1 in required:
                yield finding("T005", f"没有「{l1}」的指标：该表应包含 {'、'.join(required)} 等一级指标"
                                      f"（{prof.name} 检查规则）。", table_location(table), severity=prof.totals_severity)
        elif l1 in exp and (got := _sum(groups[l1])) != exp[l1]:
            first = groups[l1][0]
            yield finding("T002", f"「{l1}」分值合计 {fmt(got)} 分，规定为 {fmt(exp[l1])} 分{_missing(groups[l1])}"
                                  "（规定值可在配置文件中调整）。", first.origin, "level1")


@register("T003")
def output_plus_cost(table: TargetTable, actuals: Actuals | None, config: Config) -> Iterator[Finding]:
    """产出指标 + 成本指标 carry the expected points together (default 50; the split between them varies)."""
    all_rows = read_rows(table)
    groups = _groups(all_rows)
    rows = groups.get("产出指标", []) + groups.get("成本指标", [])
    if not rows:
        return
    prof = profile_for(table, config)
    if prof.output_plus_cost is None or (table.columns is not None and _sum(all_rows) != prof.base_total):
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
