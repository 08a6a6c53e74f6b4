"""History of consolidation runs (SQLite): one period per run, per unit and per indicator.

The database is created on first use. Its schema is versioned with ``PRAGMA user_version``:
:data:`MIGRATIONS` holds one script per version and opening a database applies the missing ones
in order, so an old history file keeps working after an upgrade. Recording a period first
deletes what that period held, inside one transaction, so re-running a month replaces it and
never duplicates it; the transaction is committed only after the summary has been written.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from xlsxtools.consolidate.records import RunInfo, Trend, TrendRow, UnitDetail, UnitResult
from xlsxtools.errors import UserError
from xlsxtools.normalize import clean

#: Schema scripts; MIGRATIONS[i] takes a database from user_version i to i + 1.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE runs (
        period TEXT PRIMARY KEY,
        run_at TEXT NOT NULL,
        folders TEXT,
        files INTEGER,
        units INTEGER,
        step_mode TEXT,
        tool_version TEXT
    );
    CREATE TABLE units (
        period TEXT NOT NULL,
        unit_key TEXT NOT NULL,
        unit_name TEXT NOT NULL,
        file TEXT,
        errors INTEGER,
        warnings INTEGER,
        indicator_total REAL,
        budget REAL,
        spent REAL,
        rate REAL,
        budget_score REAL,
        total REAL,
        grade TEXT,
        rank INTEGER,
        complete INTEGER,
        tamper TEXT,
        PRIMARY KEY (period, unit_key)
    );
    CREATE TABLE indicators (
        period TEXT NOT NULL,
        unit_key TEXT NOT NULL,
        seq INTEGER NOT NULL,
        level1 TEXT, level2 TEXT, name TEXT, type TEXT, target TEXT, unit TEXT,
        weight REAL,
        actual,
        score REAL,
        rule_kind TEXT,
        PRIMARY KEY (period, unit_key, seq)
    );
    """,
    # 2: mid-year monitoring per unit and period (xlsxtools.consolidate.monitoring)
    """
    CREATE TABLE monitoring (
        period TEXT NOT NULL,
        unit_key TEXT NOT NULL,
        unit_name TEXT NOT NULL,
        monitor_period TEXT,
        months INTEGER,
        schedule REAL,
        rate REAL,
        gap REAL,
        at_risk INTEGER,
        state TEXT,
        reason TEXT,
        PRIMARY KEY (period, unit_key)
    );
    """,
)

PERIOD_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")

#: Order of the 环比 rows: what needs attention first.
TREND_ORDER = ("未再提交", "下降", "新提交", "无法比较", "上升", "持平", "无上期")


def check_period(period: str | None) -> str:
    """``YYYY-MM`` (default: the current month)."""
    if period is None:
        return date.today().strftime("%Y-%m")
    p = period.strip()
    if not PERIOD_RE.match(p):
        raise UserError(f"期间应写成 YYYY-MM（如 2026-06），实际为「{period}」")
    return p


def _plain(v: Any) -> Any:
    """An actual value as something SQLite stores (numbers stay numbers, dates become ISO text)."""
    if v is None or isinstance(v, int | float | str):
        return v
    if isinstance(v, datetime | date):
        return clean(v)
    return clean(v)


class History:
    """A history database (``with History(path) as h: ...``)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(str(self.path), isolation_level=None)
            self.db.execute("PRAGMA journal_mode=DELETE")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise UserError(f"无法打开历史库：{exc}", file=str(self.path)) from exc

    # ---- schema -----------------------------------------------------------------------------

    @property
    def version(self) -> int:
        return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        v = self.version
        if v > len(MIGRATIONS):
            raise UserError(f"历史库的版本（{v}）比本工具支持的（{len(MIGRATIONS)}）新，请升级 xlsxtools",
                            file=str(self.path))
        for i in range(v, len(MIGRATIONS)):
            self.db.execute("BEGIN IMMEDIATE")
            try:
                for stmt in MIGRATIONS[i].split(";"):
                    if stmt.strip():
                        self.db.execute(stmt)
                self.db.execute(f"PRAGMA user_version = {i + 1}")
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> History:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.db.in_transaction:
            self.db.execute("ROLLBACK")
        self.close()

    # ---- queries ----------------------------------------------------------------------------

    def periods(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT period FROM runs ORDER BY period")]

    def previous_period(self, period: str) -> str | None:
        row = self.db.execute("SELECT max(period) FROM runs WHERE period < ?", (period,)).fetchone()
        return row[0] if row else None

    def units_of(self, period: str) -> dict[str, dict[str, Any]]:
        cur = self.db.execute("SELECT unit_key, unit_name, total, rank, grade FROM units WHERE period = ?", (period,))
        return {k: {"name": n, "total": t, "rank": r, "grade": g} for k, n, t, r, g in cur}

    def indicator_count(self, period: str) -> int:
        return int(self.db.execute("SELECT count(*) FROM indicators WHERE period = ?", (period,)).fetchone()[0])

    def trend(self, period: str, units: Iterable[UnitResult]) -> Trend:
        """This run's units against the latest earlier period in the database."""
        prev_period = self.previous_period(period)
        prev = self.units_of(prev_period) if prev_period else {}
        rows: list[TrendRow] = []
        seen: set[str] = set()
        for u in units:
            if not u.readable or not u.unit_key or u.unit_key in seen:
                continue
            seen.add(u.unit_key)
            p = prev.get(u.unit_key)
            if prev_period is None:
                status = "无上期"
            elif p is None:
                status = "新提交"
            elif p["total"] is None or u.total is None:
                status = "无法比较"
            else:
                diff = round(u.total - p["total"], 2)
                status = "下降" if diff < 0 else "上升" if diff > 0 else "持平"
            rows.append(TrendRow(u.display_name, u.unit_key, p["total"] if p else None, u.total,
                                 p["rank"] if p else None, u.rank, p["grade"] if p else None, u.grade, status))
        for k, p in prev.items():
            if k not in seen:
                rows.append(TrendRow(p["name"], k, p["total"], None, p["rank"], None, p["grade"], None, "未再提交"))
        rows.sort(key=lambda t: (TREND_ORDER.index(t.status), t.change if t.change is not None else 0.0,
                                 t.unit_key))
        return Trend(period=period, prev_period=prev_period, rows=rows)

    # ---- recording --------------------------------------------------------------------------

    def begin_record(self, period: str, units: Iterable[UnitResult], load_detail: Callable[[UnitResult], UnitDetail],
                     info: RunInfo) -> None:
        """Replace ``period`` with this run, inside a transaction left open: call :meth:`commit`
        once the summary is written (or :meth:`rollback`)."""
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            from xlsxtools.consolidate.monitoring import record_monitoring

            units = list(units)
            record_monitoring(db, period, units)
            for table in ("indicators", "units", "runs"):
                db.execute(f"DELETE FROM {table} WHERE period = ?", (period,))
            n = 0
            for u in units:
                if not u.readable or not u.counted or not u.unit_key:
                    continue
                n += 1
                db.execute(
                    "INSERT OR REPLACE INTO units VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (period, u.unit_key, u.display_name, u.path, u.errors, u.warnings, u.indicator_total, u.budget,
                     u.spent, u.rate, u.budget_score, u.total, u.grade, u.rank, int(u.complete), u.tamper))
                db.executemany(
                    "INSERT OR REPLACE INTO indicators VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    [(period, u.unit_key, r.seq, r.level1, r.level2, r.name, r.type, r.target, r.unit, r.weight,
                      _plain(r.actual), r.score, r.rule_kind) for r in load_detail(u).indicators])
            db.execute("INSERT INTO runs VALUES (?,?,?,?,?,?,?)",
                       (period, datetime.now().isoformat(timespec="seconds"), "；".join(info.folders), info.files, n,
                        info.step_mode_label, info.tool_version))
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def commit(self) -> None:
        if self.db.in_transaction:
            self.db.execute("COMMIT")

    def rollback(self) -> None:
        if self.db.in_transaction:
            self.db.execute("ROLLBACK")
