"""Plain result records passed from the workers to the parent and on to the summary writer.

A worker reads one workbook and returns one :class:`UnitResult` (a few hundred bytes: counts,
scores, digests) plus the pickled :class:`UnitDetail` (indicator rows and findings) as bytes, so
the parent can spool the details to disk without holding every unit's rows in memory.
Everything here is plain Python values (str, float, int, date), picklable and JSON-friendly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: UnitResult.status values.
STATUS_OK = "ok"
STATUS_UNREADABLE = "unreadable"

#: Tamper status (UnitResult.tamper).
TAMPER_NOT_CHECKED = ""
TAMPER_MATCH = "一致"
TAMPER_CHANGED = "已改动"
TAMPER_NO_BASELINE = "无核定基线"


@dataclass(slots=True)
class IndicatorRow:
    """One indicator of one unit with its actual and score (a row of 指标明细)."""

    seq: int
    level1: str
    level2: str
    name: str
    type: str
    target: str
    unit: str
    weight: float | None
    actual: Any
    percent_format: bool
    score: float | None
    rule_kind: str | None
    reason: str
    rule_text: str
    explanation: str = ""
    #: 1-based rows on 目标表 / 实际完成 (None when unknown).
    row: int | None = None
    actual_row: int | None = None
    #: Identity of the indicator inside its table (see ``baseline.indicator_key``) and its digest.
    key: str = ""
    digest: str = ""


@dataclass(slots=True)
class FindingRow:
    """One finding (a row of 问题清单)."""

    file: str
    sheet: str | None
    cell: str | None
    row: int | None
    code: str
    severity: str  # Severity value: error / warning / info
    message: str

    @property
    def sort_key(self) -> tuple:
        return (self.file, self.sheet or "", self.row or 0, self.cell or "", self.code, self.message)


@dataclass(slots=True)
class UnitDetail:
    """The bulky part of a unit's result: kept out of memory (spooled) between read and write."""

    indicators: list[IndicatorRow] = field(default_factory=list)
    findings: list[FindingRow] = field(default_factory=list)
    #: Raw 全年预算数 / 全年执行数 cells (to re-score under the approved targets).
    budget_raw: Any = None
    spent_raw: Any = None


@dataclass(slots=True)
class MonitorRecord:
    """A unit's mid-year monitoring at a glance (a row of the summary's 运行监控 sheet)."""

    period: str
    months: int | None
    schedule: float | None
    budget: float | None
    spent: float | None
    rate: float | None
    #: rate − schedule (negative: behind).
    gap: float | None
    expected_rate: float | None
    indicators: int
    at_risk: list[str]
    #: 红 / 黄 / 绿 / 未填报
    state: str
    reason: str


@dataclass(slots=True)
class UnitResult:
    """The small part of one workbook's result (a row of 汇总)."""

    path: str
    mtime: float = 0.0
    size: int = 0
    status: str = STATUS_OK
    #: Why a workbook could not be read (Chinese), or "".
    reason: str = ""
    unit_name: str = ""
    unit_key: str = ""
    year: str = ""
    layout_version: str | None = None
    errors: int = 0
    warnings: int = 0
    infos: int = 0
    #: 一级指标 → (points, score), in layout order.
    level1: dict[str, tuple[float | None, float | None]] = field(default_factory=dict)
    indicator_count: int = 0
    indicator_weight: float | None = None
    indicator_total: float | None = None
    budget: float | None = None
    spent: float | None = None
    rate: float | None = None
    budget_weight: float | None = None
    budget_score: float | None = None
    total: float | None = None
    grade: str | None = None
    complete: bool = False
    table_digest: str | None = None
    #: (indicator key, digest) per indicator, in table order.
    digests: tuple[tuple[str, str], ...] = ()
    #: The 运行监控 sheet at a glance (None for a workbook without one).
    monitoring: MonitorRecord | None = None
    # ---- filled in by the parent --------------------------------------------------------
    #: Pickled UnitDetail straight from the worker, when the run needs it (tamper check,
    #: history); the parent spools it and clears this.
    detail_blob: bytes | None = None
    #: (offset, length) of the detail in the spool.
    detail_ref: tuple[int, int] | None = None
    #: Pickled (指标明细 rows, 问题清单 rows) of the detail, rendered as SpreadsheetML by the worker
    #: (``summary.render_rows``) so the parent only numbers them; spooled like the detail.
    rows_blob: bytes | None = None
    rows_ref: tuple[int, int] | None = None
    rank: int | None = None
    tamper: str = TAMPER_NOT_CHECKED
    #: Total under the approved targets (only when the unit's table differs from its baseline).
    approved_total: float | None = None
    #: Findings the parent adds (C001, C003, C004, C005).
    extra_findings: list[FindingRow] = field(default_factory=list)
    #: False for a superseded duplicate (listed, never counted).
    counted: bool = True
    note: str = ""

    @property
    def display_name(self) -> str:
        from pathlib import Path

        return self.unit_name or f"（未填单位名称）{Path(self.path).stem}"

    @property
    def readable(self) -> bool:
        return self.status == STATUS_OK

    @property
    def ranked(self) -> bool:
        return self.rank is not None


@dataclass
class RunInfo:
    """What the 说明 sheet states about a run."""

    folders: list[str] = field(default_factory=list)
    generated: str = ""
    tool_version: str = ""
    #: Workbook files found (before reading).
    files: int = 0
    #: Reason (Chinese) → number of files skipped for it.
    skipped: dict[str, int] = field(default_factory=dict)
    step_mode_label: str = ""
    expectations: str = ""
    config_source: str | None = None
    period: str | None = None
    baseline: str | None = None
    roster: str | None = None
    history: str | None = None
    jobs: int = 1
    notes: list[str] = field(default_factory=list)
    #: Every skipped file with its reason, and the limits each file was read under (说明 sheet).
    skipped_files: list[tuple[str, str]] = field(default_factory=list)
    limits: str = ""
    #: The monitoring policy in words, and (with --history) the monitoring trend
    #: (``xlsxtools.consolidate.monitoring.MonitorTrend``).
    monitoring_policy: str = ""
    monitoring_trend: Any = None


@dataclass(slots=True)
class TrendRow:
    """One unit of the 环比 sheet: this period against the previous one."""

    unit: str
    unit_key: str
    prev_total: float | None
    total: float | None
    prev_rank: int | None
    rank: int | None
    prev_grade: str | None
    grade: str | None
    #: 下降 / 上升 / 持平 / 新提交 / 未再提交 / 无法比较
    status: str

    @property
    def change(self) -> float | None:
        if self.prev_total is None or self.total is None:
            return None
        return round(self.total - self.prev_total, 2)


@dataclass
class Trend:
    period: str
    prev_period: str | None
    rows: list[TrendRow] = field(default_factory=list)
