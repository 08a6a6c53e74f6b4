"""Plain data model shared by the core and the edges.

Everything here is a plain dataclass over Python values (str, Decimal, date): no workbook
library, no pandas. Readers build these objects; checks, scoring and consolidation consume them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def label(self) -> str:
        return {"error": "错误", "warning": "警告", "info": "提示"}[self.value]

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]


@dataclass(frozen=True)
class Origin:
    """Where a value came from.

    For a workbook: ``sheet`` and the 1-based sheet ``row``, plus ``columns`` mapping field keys to
    column letters so a finding about one field can name its cell. For a text source: ``sheet`` is
    None and ``row`` is the 1-based source line.
    """

    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    columns: Mapping[str, str] | None = None

    def cell(self, field_key: str | None) -> str | None:
        if self.sheet is None or self.row is None or not self.columns or field_key is None:
            return None
        letter = self.columns.get(field_key)
        return f"{letter}{self.row}" if letter else None


@dataclass
class Finding:
    """One problem (or note) about a table, located as precisely as the source allows."""

    code: str
    severity: Severity
    message: str
    sheet: str | None = None
    cell: str | None = None
    row: int | None = None
    file: str | None = None
    #: Field key (``level1``, ``target``, ``actual`` …) the finding is about, when it is one cell.
    field: str | None = None

    @classmethod
    def at(cls, code: str, severity: Severity, message: str, origin: Origin | None,
           field: str | None = None) -> Finding:
        """A finding located at ``field`` of the row described by ``origin``."""
        if origin is None:
            return cls(code, severity, message, field=field)
        return cls(code, severity, message, sheet=origin.sheet, cell=origin.cell(field),
                   row=origin.row, file=origin.file, field=field)

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "severity": str(self.severity), "sheet": self.sheet,
                "cell": self.cell, "row": self.row, "message": self.message}

    @property
    def sort_key(self) -> tuple:
        return (self.file or "", self.sheet or "", self.row or 0, self.cell or "", self.code)


@dataclass
class UnitInfo:
    """Header block and footer of a target table."""

    name: str = ""
    duties: str = ""
    goals: str = ""
    year: str = ""
    filled_by: str = ""
    phone: str = ""
    date: str = ""
    head: str = ""
    business_review: str = ""
    performance_review: str = ""
    #: Field key → where it was read (for findings that point at a header/footer cell).
    origins: dict[str, Origin] = field(default_factory=dict)

    def to_dict(self) -> dict[str, str]:
        return {k: getattr(self, k) for k in
                ("name", "duties", "goals", "year", "filled_by", "phone", "date", "head")}


@dataclass
class Indicator:
    """One row of the indicator grid, as text normalised the way a person reads it.

    ``target`` keeps the text of the 指标值 cell ("50", "96", "2026年12月31日前", "效果明显");
    numeric interpretation is left to the consumers (``normalize.parse_number``).
    """

    level1: str = ""
    level2: str = ""
    name: str = ""
    type: str = ""
    target: str = ""
    unit: str = ""
    explanation: str = ""
    rule_text: str = ""
    remark: str = ""
    #: Points read from the rule text (None where none can be read).
    weight: Decimal | None = None
    origin: Origin = field(default_factory=Origin)
    # ---- optional columns of other table kinds (empty / None when the table has no such column)
    #: Points stated in a 分值/权重 column (``weight`` then holds them too).
    points_column: Decimal | None = None
    #: 指标方向: 正向 / 反向 / 中性 ("" when not stated).
    direction: str = ""
    #: 实际完成值 as printed (自评表), 全年预计完成情况 (监控表).
    actual: str = ""
    #: The table's own 得分 (自评表), as printed.
    own_score: str = ""
    #: 偏差原因分析及改进措施 / 未完成原因分析.
    reason: str = ""
    #: Project the row belongs to (a file with several projects).
    project: str = ""

    @property
    def is_quantitative(self) -> bool:
        from xlsxtools.layout import QUANT_TYPES

        return self.type in QUANT_TYPES

    @property
    def is_qualitative(self) -> bool:
        from xlsxtools.layout import QUAL_TYPE

        return self.type == QUAL_TYPE

    @property
    def smaller_is_better(self) -> bool:
        """A ≤/< target, a 反向 indicator, or (no sign, no direction stated) a cost indicator."""
        if self.type in ("≤", "<") or self.direction == "反向":
            return True
        if self.type in ("≥", ">", "=") or self.direction in ("正向", "中性"):
            return False
        return "成本" in self.level2 or self.level1 == "成本指标"

    def to_dict(self) -> dict[str, Any]:
        from xlsxtools.normalize import parse_number

        target: Any = self.target
        if self.is_quantitative:
            num = parse_number(self.target)
            if num is not None:
                target = int(num) if num == num.to_integral_value() else float(num)
        return {
            "level1": self.level1, "level2": self.level2, "name": self.name, "type": self.type,
            "target": target, "unit": self.unit, "explanation": self.explanation,
            "rule_text": self.rule_text, "remark": self.remark,
            "weight": None if self.weight is None else float(self.weight),
            "source_line": self.origin.row,
        }


@dataclass
class BudgetBlock:
    """预算执行情况 of a 自评表 / 监控表 (the 年度资金总额 row), as printed (万元, text)."""

    initial: str = ""  # 年初预算数
    full_year: str = ""  # 全年预算数
    executed: str = ""  # 全年执行数 (1–N月执行数 in a 监控表)
    points: str = ""  # 分值
    rate: str = ""  # 执行率
    score: str = ""  # 得分
    origin: Origin = field(default_factory=Origin)

    def to_dict(self) -> dict[str, str]:
        return {k: getattr(self, k) for k in ("initial", "full_year", "executed", "points", "rate", "score")}


@dataclass
class TargetTable:
    """A unit's target table: header, indicators, and what reading it revealed.

    The same model holds every table kind (``frameworks.TableKind``): a 部门整体 or 项目 target
    table, a 自评表 or a 监控表, in any framework. The defaults describe the unit template's own
    form (部门整体目标表, 2021 framework, all template columns), so a table made by the template
    or by older code behaves as before.
    """

    unit: UnitInfo = field(default_factory=UnitInfo)
    indicators: list[Indicator] = field(default_factory=list)
    #: Findings made while reading (importer repairs, unreadable rows …).
    findings: list[Finding] = field(default_factory=list)
    #: Level 1 → points declared in the level-1 cell, e.g. "成本指标 (20分)" → 20.
    declared_subtotals: dict[str, Decimal] = field(default_factory=dict)
    #: Where the table came from (a path), for messages.
    source: str | None = None
    #: Table kind (``frameworks.TableKind`` value) and framework id ("2021" / "2015" / "2013").
    kind: str = "dept_target"
    framework: str = "2021"
    #: Kind-specific header block: 项目名称, 主管部门, 实施单位, 年度目标, 资金 … (title → text).
    header: dict[str, str] = field(default_factory=dict)
    #: Optional grid columns the source has (field keys: points, direction, actual, own_score,
    #: reason, type, rule_text, unit …); None means "the template's columns" (the default form).
    columns: frozenset[str] | None = None
    budget: BudgetBlock | None = None
    #: What a 合计 / 总分 row states: {"points": …, "score": …} as printed.
    stated_total: dict[str, str] = field(default_factory=dict)
    #: The table's own 自评等级, as printed.
    own_grade: str = ""

    def has_column(self, field_key: str) -> bool:
        """Does the source have this grid column? (Always True for the template's own form.)"""
        if self.columns is None:
            return field_key not in ("points", "direction", "actual", "own_score", "reason")
        return field_key in self.columns

    def to_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit.to_dict(),
            "indicators": [i.to_dict() for i in self.indicators],
            "findings": [f.to_dict() for f in sorted(self.findings, key=lambda f: f.sort_key)],
        }

    def to_full_dict(self) -> dict[str, Any]:
        """``to_dict`` plus what other table kinds carry: kind, framework, header block, the
        optional columns of each indicator, the budget block and the stated totals."""
        d = self.to_dict()
        extra = ("points_column", "direction", "actual", "own_score", "reason", "project")
        for row, ind in zip(d["indicators"], self.indicators, strict=True):
            for k in extra:
                v = getattr(ind, k)
                row[k] = float(v) if isinstance(v, Decimal) else v
        d.update({
            "kind": self.kind, "framework": self.framework, "header": dict(self.header),
            "columns": sorted(self.columns) if self.columns is not None else None,
            "budget": self.budget.to_dict() if self.budget else None,
            "stated_total": dict(self.stated_total), "own_grade": self.own_grade,
        })
        return d


@dataclass
class ActualEntry:
    """One row of the 实际完成 sheet, aligned with ``TargetTable.indicators`` by index."""

    #: The raw cell value: float, int, str, datetime/date, or None when empty.
    value: Any = None
    #: True when the cell carries a percentage number format (then a number is a fraction).
    percent_format: bool = False
    #: Deviation reason (偏差原因分析及改进措施).
    reason: str = ""
    origin: Origin = field(default_factory=Origin)


@dataclass
class Actuals:
    """The self-evaluation inputs of one unit."""

    entries: list[ActualEntry] = field(default_factory=list)
    #: Raw values of 全年预算数 / 全年执行数 (numbers in 万元, or None when empty).
    budget: Any = None
    spent: Any = None
    #: "budget" / "spent" → where the value sits.
    origins: dict[str, Origin] = field(default_factory=dict)


@dataclass
class UnitWorkbook:
    """Everything read from one unit workbook."""

    path: str
    layout_version: str | None
    table: TargetTable
    actuals: Actuals | None = None
    #: Findings about the workbook itself (version, missing sheets, unmatched actual rows …).
    findings: list[Finding] = field(default_factory=list)
    #: The 运行监控 sheet (``xlsxtools.checks.monitoring.Monitoring``), None before layout version 2.
    monitoring: Any = None


@dataclass(frozen=True)
class CellEdit:
    """A change an edge applies to a workbook: a value, a fill, a note, or a mix.

    ``value`` is written as a literal (strings are always text, never formulas). ``fill`` is an
    RGB hex colour ("FFC7CE") or "" to clear; ``note`` "" clears the note. None leaves it as is.
    """

    sheet: str
    cell: str
    value: Any = None
    set_value: bool = False
    fill: str | None = None
    note: str | None = None
    number_format: str | None = None
