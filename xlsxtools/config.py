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

    def describe(self) -> str:
        def pts(d: Decimal) -> str:
            return f"{(d * 100).normalize():f}"

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
    monitoring: MonitoringPolicy = field(default_factory=MonitoringPolicy)
    source: str | None = None  # the TOML file it came from, if any


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
        data = tomllib.loads(p.read_text(encoding="utf-8"))
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
    return Config(expectations=expectations, step_mode=step_mode, source=str(p),
                  monitoring=load_monitoring_policy(data, str(p)))
