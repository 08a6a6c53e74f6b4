"""Monitoring in the consolidation: each unit's 运行监控 at a glance, its history and the trend.

:func:`evaluate_monitoring` runs in the workers (plain values in, a small
:class:`~xlsxtools.consolidate.records.MonitorRecord` and the J findings out).
:func:`record_monitoring` and :func:`monitoring_trend` keep and read the ``monitoring`` table of
the history database (created by ``history.MIGRATIONS[1]``): each unit's execution rate period
by period, and the units that got worse since the previous period.

A unit got worse when its state worsened (绿 → 黄 → 红), when more of its indicators are at
risk, or when its execution fell further behind the time schedule by more than
:data:`WORSE_GAP` (5 percentage points).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from xlsxtools.config import Config
from xlsxtools.consolidate.records import MonitorRecord, UnitResult
from xlsxtools.model import Finding, UnitWorkbook

#: A fall of rate − schedule larger than this (in fractions) counts as getting worse.
WORSE_GAP = 0.05
#: State → how bad it is (higher is worse); 未填报 is not compared.
STATE_RANK = {"绿": 0, "黄": 1, "红": 2}


def evaluate_monitoring(wb: UnitWorkbook, config: Config) -> tuple[MonitorRecord | None, list[Finding]]:
    """The unit's monitoring record and its J findings (none while the sheet is untouched: a
    year-end consolidation is not flooded with "monitoring not filled")."""
    m = wb.monitoring
    if m is None:
        return None, []
    from xlsxtools.checks.monitoring import STATE_EMPTY, assess, check_monitoring
    from xlsxtools.normalize import parse_number

    if not m.filled:  # the common case at year end: no checks, nothing to assess
        return MonitorRecord(period="", months=None, schedule=None, budget=None, spent=None, rate=None, gap=None,
                             expected_rate=None, indicators=len(m.rows), at_risk=[], state=STATE_EMPTY,
                             reason="运行监控表尚未填写"), []
    found = check_monitoring(m, config.monitoring)
    res = assess(m, config.monitoring, findings=found)

    def f(v: Any) -> float | None:
        d = parse_number(v)
        return float(d) if isinstance(d, Decimal) else None

    record = MonitorRecord(period=res.period, months=res.months, schedule=res.schedule, budget=f(m.budget),
                           spent=f(m.spent), rate=res.rate, gap=res.gap, expected_rate=res.expected_rate,
                           indicators=res.indicators, at_risk=list(res.at_risk), state=res.state, reason=res.reason)
    return record, found


def record_monitoring(db: sqlite3.Connection, period: str, units: Iterable[UnitResult]) -> None:
    """Replace ``period``'s monitoring rows with this run's (inside the caller's transaction)."""
    db.execute("DELETE FROM monitoring WHERE period = ?", (period,))
    rows = []
    for u in units:
        m = u.monitoring
        if not u.readable or not u.counted or not u.unit_key or m is None or m.state not in STATE_RANK:
            continue
        rows.append((period, u.unit_key, u.display_name, m.period, m.months, m.schedule, m.rate, m.gap,
                     len(m.at_risk), m.state, m.reason))
    db.executemany("INSERT OR REPLACE INTO monitoring VALUES (?,?,?,?,?,?,?,?,?,?,?)", rows)


@dataclass
class WorseRow:
    """A unit that got worse since the previous period."""

    unit: str
    prev_state: str
    state: str
    prev_rate: float | None
    rate: float | None
    prev_gap: float | None
    gap: float | None
    prev_risk: int
    risk: int
    why: str


@dataclass
class MonitorTrend:
    """Execution rates period by period (history periods, ascending, this run's last)."""

    period: str
    prev_period: str | None
    periods: list[str] = field(default_factory=list)
    #: unit key → (unit name, {history period → execution rate}), units in this run's order first.
    rates: dict[str, tuple[str, dict[str, float | None]]] = field(default_factory=dict)
    #: history period → the time schedule of the monitoring periods reported then (the most common).
    schedules: dict[str, float | None] = field(default_factory=dict)
    worse: list[WorseRow] = field(default_factory=list)


def monitoring_trend(db: sqlite3.Connection, period: str, units: Iterable[UnitResult]) -> MonitorTrend:
    """This run's monitoring against the periods before it in the history database."""
    rows = db.execute("SELECT period, unit_key, unit_name, rate, gap, at_risk, state, schedule FROM monitoring "
                      "WHERE period < ? ORDER BY period, unit_key", (period,)).fetchall()
    periods = sorted({r[0] for r in rows})
    prev_period = periods[-1] if periods else None
    trend = MonitorTrend(period=period, prev_period=prev_period, periods=[*periods, period])
    prev: dict[str, tuple] = {}
    sched: dict[str, list[float]] = {}
    current = [u for u in units if u.readable and u.counted and u.unit_key and u.monitoring is not None
               and u.monitoring.state in STATE_RANK]
    for u in current:
        trend.rates.setdefault(u.unit_key, (u.display_name, {}))
    for p, k, name, rate, gap, risk, state, schedule in rows:
        trend.rates.setdefault(k, (name, {}))[1][p] = rate
        if schedule is not None:
            sched.setdefault(p, []).append(schedule)
        if p == prev_period:
            prev[k] = (state, rate, gap, risk)
    for u in current:
        m = u.monitoring
        assert m is not None
        trend.rates[u.unit_key][1][period] = m.rate
        if m.schedule is not None:
            sched.setdefault(period, []).append(m.schedule)
        p = prev.get(u.unit_key)
        if p is None:
            continue
        state, rate, gap, risk = p
        why = []
        if STATE_RANK.get(m.state, 0) > STATE_RANK.get(state, 0):
            why.append(f"状态由{state}变为{m.state}")
        if len(m.at_risk) > (risk or 0):
            why.append(f"风险指标由 {risk or 0} 个增加到 {len(m.at_risk)} 个")
        if gap is not None and m.gap is not None and m.gap < gap - WORSE_GAP:
            why.append(f"执行率与序时进度之差由 {gap * 100:+.2f} 变为 {m.gap * 100:+.2f} 个百分点")
        if why:
            trend.worse.append(WorseRow(u.display_name, state, m.state, rate, m.rate, gap, m.gap, risk or 0,
                                        len(m.at_risk), "；".join(why)))
    trend.worse.sort(key=lambda w: (-STATE_RANK.get(w.state, 0), w.gap if w.gap is not None else 0.0, w.unit))
    for p, values in sched.items():
        trend.schedules[p] = max(set(values), key=lambda v: (values.count(v), v))
    return trend
