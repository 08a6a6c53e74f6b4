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
class Config:
    expectations: Expectations = field(default_factory=Expectations)
    step_mode: StepMode = StepMode.FLOOR
    server: ServerSettings = field(default_factory=ServerSettings)
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
    return Config(expectations=expectations, step_mode=step_mode, server=load_server_settings(data, str(p)),
                  source=str(p))


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
