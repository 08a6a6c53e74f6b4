"""Policies that domain.md calls defaults: point expectations and the deduction step mode.

They are printed with every result and can be changed per deployment with a TOML file
(``xlsxtools.toml`` in the working folder, or ``--config FILE``)::

    [expectations]
    total = 90          # points carried by the indicator rows
    level1 = { "效益指标" = 30, "满意度指标" = 10 }
    output_plus_cost = 50
    budget_points = 10

    [scoring]
    step_mode = "floor"   # floor | ceil | proportional

    [limits]              # what one input file may cost (see Limits)
    seconds = 30
    memory_mb = 1024

    [monitoring]          # mid-year monitoring (运行监控), see MonitoringPolicy
    budget_margin = 0.10
    budget_red_margin = 0.20
    progress_margin = 0.20
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any

from xlsxtools.errors import UserError

DEFAULT_CONFIG_NAME = "xlsxtools.toml"


class StepMode(StrEnum):
    """How a part deduction step counts (k(x, P) in domain.md §4)."""

    FLOOR = "floor"  # full steps only (default)
    CEIL = "ceil"  # a started step counts
    PROPORTIONAL = "proportional"  # k = x / P

    @property
    def label(self) -> str:
        return {"floor": "按整步扣分（不足一步不扣）", "ceil": "不足一步按一步扣分",
                "proportional": "按比例扣分"}[self.value]


@dataclass(frozen=True)
class Expectations:
    total: Decimal = Decimal(90)
    level1: dict[str, Decimal] = field(default_factory=lambda: {"效益指标": Decimal(30), "满意度指标": Decimal(10)})
    output_plus_cost: Decimal = Decimal(50)
    budget_points: Decimal = Decimal(10)

    def describe(self) -> str:
        parts = [f"指标合计 {self.total} 分"] + [f"{k} {v} 分" for k, v in self.level1.items()]
        parts.append(f"产出指标+成本指标 {self.output_plus_cost} 分")
        parts.append(f"预算执行 {self.budget_points} 分")
        return "，".join(parts)


_PROFILE_CHOICES = ("auto", "dept_target", "project_target", "dept_self_eval", "project_self_eval", "monitoring")


@dataclass(frozen=True)
class TablesPolicy:
    """Table kinds beyond the template (issue 11): which check profile applies, and how a row with
    points but no rule text is scored.

    ``profile``: "auto" (detected per table) or a table kind. ``default_scoring``: score such a
    row by the national defaults of 财预〔2020〕10号 第十六条 (quantitative: in proportion to
    completion, full points at the target, reversed for ≤ targets; qualitative: three tiers
    100–80%, 80–60%, 60–0% chosen by the evaluator); False: such rows are not scored.
    """

    profile: str = "auto"
    default_scoring: bool = True

    @property
    def default_scoring_label(self) -> str:
        return ("无评分标准只有分值的指标按财预〔2020〕10号第十六条计分（定量按完成比例，达到目标得满分，"
                "≤目标反向计算；定性按100–80%、80–60%、60–0%三档）") if self.default_scoring else \
            "无评分标准只有分值的指标不计分"


def load_tables_policy(data: dict[str, Any], path: str) -> TablesPolicy:
    """The ``[tables]`` section of a config file."""
    sec = data.get("tables", {})
    profile = sec.get("profile", "auto")
    if profile not in _PROFILE_CHOICES:
        raise UserError(f"tables.profile 只能是 {'、'.join(_PROFILE_CHOICES)} 之一，实际为 {profile!r}", file=path)
    ds = sec.get("default_scoring", True)
    if not isinstance(ds, bool):
        raise UserError(f"tables.default_scoring 应为 true 或 false，实际为 {ds!r}", file=path)
    return TablesPolicy(profile, ds)


@dataclass(frozen=True)
class Limits:
    """What one input file may cost before it is refused (``[limits]`` in xlsxtools.toml).

    ``seconds`` and ``memory_mb`` bound each workbook's worker in a consolidation and each
    single-file command; the rest are checked before a parser sees the bytes (preflight).
    """

    seconds: float = 30.0  # time to read, check and score one file
    memory_mb: int = 1024  # address space of the process that reads one file
    file_mb: int = 50  # size on disk
    part_mb: int = 100  # one unpacked part of a zip package (a sheet's XML)
    total_mb: int = 300  # all unpacked parts
    ratio: int = 200  # compression ratio of a part larger than 1 MB
    rows: int = 100_000  # rows of a sheet's used range
    cells: int = 1_000_000  # rows × columns a sheet's used range may span
    merged_cells: int = 1_000_000  # cells covered by a sheet's merged ranges
    shared_strings: int = 1_000_000  # declared shared-string (and style) counts

    def describe(self) -> str:
        return (f"每个文件最长 {self.seconds:g} 秒、内存 {self.memory_mb} MB；文件 ≤ {self.file_mb} MB，"
                f"解压后每个部件 ≤ {self.part_mb} MB、合计 ≤ {self.total_mb} MB、压缩比 ≤ {self.ratio}:1；"
                f"每个工作表 ≤ {self.rows:,} 行、使用区域 ≤ {self.cells:,} 个单元格、合并单元格 ≤ {self.merged_cells:,} 个；"
                f"共享字符串 ≤ {self.shared_strings:,} 个")


def load_limits(data: dict[str, Any], path: str) -> Limits:
    """The ``[limits]`` table of a config file (every key optional, positive numbers)."""
    raw = data.get("limits", {})
    if not isinstance(raw, dict):
        raise UserError("[limits] 应为一个表", file=path)
    default = Limits()
    values: dict[str, Any] = {}
    for name, value in raw.items():
        if name not in Limits.__dataclass_fields__:
            raise UserError(f"limits.{name} 不是已知的设置（可用：{'、'.join(Limits.__dataclass_fields__)}）", file=path)
        kind = type(getattr(default, name))
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0 \
                or (kind is int and not float(value).is_integer()):
            raise UserError(f"limits.{name} 应为正数，实际为 {value!r}", file=path)
        values[name] = kind(value)
    return Limits(**values)


@dataclass(frozen=True)
class ServerSettings:
    """``[server]`` of xlsxtools.toml: the intranet service (``xlsxtools serve``)."""

    host: str = "127.0.0.1"
    port: int = 8000
    data: str = "xlsxtools-data"  # folder for the SQLite database and the uploaded files
    database_url: str | None = None  # e.g. postgresql+psycopg://user:pw@host/db; default SQLite under data
    max_upload_mb: int = 20
    workers: int = 2  # processes that read uploads (each with a timeout and a memory limit)
    task_timeout: int = 60  # seconds one upload may take
    task_memory_mb: int = 1024  # address-space limit of a worker process
    secure_cookies: bool = False  # set true behind HTTPS


@dataclass(frozen=True)
class MonitoringPolicy:
    """Mid-year monitoring margins, as fractions of the year (0.10 = 10 percentage points).

    The time schedule (序时进度) of a period 1–N月 is N/12. Budget execution is behind (warning
    J001, state 黄) when 执行率 < 序时进度 − ``budget_margin``, and red when it is behind by more
    than ``budget_red_margin``. An indicator is far behind when its progress share is below
    its expected share (序时进度; the target itself for % indicators) by more than
    ``progress_margin``.
    """

    budget_margin: Decimal = Decimal("0.10")
    budget_red_margin: Decimal = Decimal("0.20")
    progress_margin: Decimal = Decimal("0.20")

    @staticmethod
    def points(margin: Decimal) -> str:
        """A margin in percentage points (0.10 → "10")."""
        return f"{(margin * 100).normalize():f}"

    def describe(self) -> str:
        pts = self.points
        return (f"预算执行率低于序时进度超过 {pts(self.budget_margin)} 个百分点为黄、超过 "
                f"{pts(self.budget_red_margin)} 个百分点为红；指标进度低于序时进度超过 "
                f"{pts(self.progress_margin)} 个百分点为明显落后（序时进度 = N/12）")


def load_monitoring_policy(data: dict[str, Any], path: str) -> MonitoringPolicy:
    """The ``[monitoring]`` section of a parsed config file (defaults for what it omits)."""
    section = data.get("monitoring", {})
    if not isinstance(section, dict):
        raise UserError("[monitoring] 应为一节设置", file=path)
    default = MonitoringPolicy()
    values = {}
    for name in ("budget_margin", "budget_red_margin", "progress_margin"):
        v = _dec(section.get(name, getattr(default, name)), f"monitoring.{name}", path)
        if not Decimal(0) <= v <= Decimal(1):
            raise UserError(f"monitoring.{name} 应在 0 到 1 之间（0.10 表示 10 个百分点），实际为 {v}", file=path)
        values[name] = v
    policy = MonitoringPolicy(**values)
    if policy.budget_red_margin < policy.budget_margin:
        raise UserError("monitoring.budget_red_margin 不能小于 monitoring.budget_margin", file=path)
    return policy


@dataclass(frozen=True)
class Config:
    expectations: Expectations = field(default_factory=Expectations)
    step_mode: StepMode = StepMode.FLOOR
    server: ServerSettings = field(default_factory=ServerSettings)
    monitoring: MonitoringPolicy = field(default_factory=MonitoringPolicy)
    source: str | None = None  # the TOML file it came from, if any
    limits: Limits = field(default_factory=Limits)
    tables: TablesPolicy = field(default_factory=TablesPolicy)


def _dec(v: Any, where: str, path: str) -> Decimal:
    try:
        return Decimal(str(v))
    except Exception as exc:
        raise UserError(f"{where} 应为数字，实际为 {v!r}", file=path) from exc


def load_config(path: str | Path | None = None, *, search_cwd: bool = True) -> Config:
    """Load a TOML config; with no path, use ``./xlsxtools.toml`` if present, else defaults."""
    if path is None:
        if not search_cwd or not Path(DEFAULT_CONFIG_NAME).is_file():
            return Config()
        path = DEFAULT_CONFIG_NAME
    p = Path(path)
    try:
        from xlsxtools.workbook.preflight import read_regular  # never blocks on a FIFO

        data = tomllib.loads(read_regular(p).decode("utf-8"))
    except FileNotFoundError as exc:
        raise UserError("配置文件不存在", file=str(p)) from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UserError(f"配置文件格式错误：{exc}", file=str(p)) from exc
    exp = data.get("expectations", {})
    default = Expectations()
    level1 = {k: _dec(v, f"expectations.level1.{k}", str(p)) for k, v in exp.get("level1", {}).items()} \
        if "level1" in exp else default.level1
    expectations = Expectations(
        total=_dec(exp.get("total", default.total), "expectations.total", str(p)),
        level1=level1,
        output_plus_cost=_dec(exp.get("output_plus_cost", default.output_plus_cost),
                              "expectations.output_plus_cost", str(p)),
        budget_points=_dec(exp.get("budget_points", default.budget_points), "expectations.budget_points", str(p)),
    )
    mode = data.get("scoring", {}).get("step_mode", "floor")
    try:
        step_mode = StepMode(mode)
    except ValueError as exc:
        raise UserError(f"scoring.step_mode 只能是 floor、ceil 或 proportional，实际为 {mode!r}", file=str(p)) from exc
    return Config(expectations=expectations, step_mode=step_mode, server=load_server_settings(data, str(p)),
                  source=str(p), limits=load_limits(data, str(p)), tables=load_tables_policy(data, str(p)),
                  monitoring=load_monitoring_policy(data, str(p)))


def load_server_settings(data: dict[str, Any], where: str) -> ServerSettings:
    """The ``[server]`` table of a parsed config (defaults for what it leaves out)."""
    raw = data.get("server", {})
    if not isinstance(raw, dict):
        raise UserError("[server] 应为一个表", file=where)
    default = ServerSettings()
    known = set(ServerSettings.__dataclass_fields__)
    unknown = sorted(set(raw) - known)
    if unknown:
        raise UserError(f"[server] 中有未知的设置：{'、'.join(unknown)}（可用：{'、'.join(sorted(known))}）", file=where)
    values: dict[str, Any] = {}
    for name, value in raw.items():
        want = type(getattr(default, name)) if getattr(default, name) is not None else str
        if want is int and (isinstance(value, bool) or not isinstance(value, int)):
            raise UserError(f"server.{name} 应为整数，实际为 {value!r}", file=where)
        if want is bool and not isinstance(value, bool):
            raise UserError(f"server.{name} 应为 true 或 false，实际为 {value!r}", file=where)
        if want is str and not isinstance(value, str):
            raise UserError(f"server.{name} 应为文本，实际为 {value!r}", file=where)
        values[name] = value
    return ServerSettings(**values)
