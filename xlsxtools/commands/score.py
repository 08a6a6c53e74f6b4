"""``xlsxtools score``: score the self-evaluation of unit workbooks (indicators, budget, total, grade)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import click

from xlsxtools import layout
from xlsxtools.config import StepMode
from xlsxtools.errors import UserError
from xlsxtools.model import Finding, Severity, UnitWorkbook
from xlsxtools.writeback import score_edits


def _num(d: Decimal | None) -> float | None:
    return None if d is None else float(d)


def _jsonable(v: Any) -> Any:
    if isinstance(v, datetime):
        return v.date().isoformat() if v.hour == v.minute == v.second == 0 else v.isoformat(sep=" ")
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, Decimal):
        return float(v)
    if isinstance(v, time | timedelta):  # a bare time, or a date serial outside Excel's range
        return str(v)
    if isinstance(v, int) and not isinstance(v, bool) and not -(10**15) < v < 10**15:
        return str(v) if v.bit_length() < 4000 else None
    if isinstance(v, float) and (v != v or v in (float("inf"), float("-inf"))):
        return str(v)
    return v


def all_findings(uw: UnitWorkbook, us: Any) -> list[Finding]:  # us: UnitScore
    from xlsxtools.codes import dedupe

    return sorted(dedupe([*uw.findings, *us.findings]), key=lambda f: f.sort_key)


def unit_score_dict(uw: UnitWorkbook, us: Any) -> dict[str, Any]:  # us: UnitScore
    """The JSON object of one scored unit (documented in ``score --help``)."""
    inds = []
    for s in us.indicators:
        d = s.indicator.to_dict()
        inds.append({
            "level1": d["level1"], "level2": d["level2"], "name": d["name"], "type": d["type"],
            "target": d["target"], "unit": d["unit"], "weight": _num(s.weight),
            "rule": s.rule.kind.value if s.rule else None, "actual": _jsonable(s.actual),
            "score": _num(s.score), "explanation": s.explanation,
        })
    b = us.budget
    return {
        "unit": uw.table.unit.name, "file": uw.path, "indicators": inds,
        "indicator_total": float(us.indicator_total),
        "budget_execution": {"budget": _num(b.budget), "spent": _num(b.spent), "rate": _num(b.rate),
                             "score": _num(b.score)},
        "total": float(us.total), "grade": us.grade, "complete": us.complete, "step_mode": us.step_mode.value,
        "findings": [f.to_dict() for f in all_findings(uw, us)],
    }


def _fmt(d: Decimal | None) -> str:
    if d is None:
        return "—"
    return f"{d:.2f}"


def _print_unit(console: Any, uw: UnitWorkbook, us: Any, config: Any) -> None:
    from rich.table import Table

    from xlsxtools.normalize import clean
    from xlsxtools.rules.render import fmt

    title = f"{uw.table.unit.name or '（未读到单位名称）'}  {uw.path}"
    grid = Table(title=title, show_lines=False, title_justify="left")
    for name, justify in (("行", "right"), ("一级指标", "left"), ("三级指标", "left"), ("类型", "center"),
                          ("指标值", "left"), ("实际完成值", "left"), ("分值", "right"), ("得分", "right"),
                          ("计算过程", "left")):
        grid.add_column(name, justify=justify, overflow="fold")  # type: ignore[arg-type]
    entries = uw.actuals.entries if uw.actuals else []
    for i, s in enumerate(us.indicators):
        ind = s.indicator
        row = entries[i].origin.row if i < len(entries) and entries[i].origin.row else ind.origin.row
        actual = clean(s.actual)
        score = _fmt(s.score) if s.score is not None else "[red]无[/red]"
        grid.add_row(str(row or ""), ind.level1, ind.name, ind.type, f"{ind.target}{ind.unit}", actual,
                     fmt(s.weight) if s.weight is not None else "?", score, s.explanation)
    console.print(grid)
    b = us.budget
    console.print(f"指标得分合计：{_fmt(us.indicator_total)} / {fmt(us.indicator_weight)}")
    console.print(f"预算执行：{b.explanation or '—'}（{fmt(b.weight)} 分）")
    grade = us.grade if us.grade else f"[red]不评定[/red]（{us.grade_note}）"
    console.print(f"[bold]总分：{_fmt(us.total)}  等级：{grade}[/bold]")
    console.print(f"扣分步长方式：{us.step_mode.value}（{us.step_mode.label}）；等级：90–100 优，80–<90 良，"
                  f"60–<80 中，<60 差" + (f"；配置：{config.source}" if config.source else ""))
    console.print(f"只有分值的指标：{config.tables.default_scoring_label}")
    findings = all_findings(uw, us)
    for f in findings:
        where = "，".join(x for x in (f.sheet and f"「{f.sheet}」", f.cell or (f.row and f"第{f.row}行")) if x)
        color = {"error": "red", "warning": "yellow", "info": "cyan"}[str(f.severity)]
        console.print(f"  [{color}]{f.code} {f.severity.label}[/{color}] {where}：{f.message}")
    console.print()


@click.command(name="score")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出得分（多个文件时为列表）。")
@click.option("--step-mode", type=click.Choice([m.value for m in StepMode]), default=None,
              help="不足一步时如何扣分：floor（默认，只按整步扣）、ceil（不足一步按一步扣）、proportional（按比例扣）。")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="TOML 配置文件（默认：当前目录的 xlsxtools.toml，如有）。")
@click.option("--write", is_flag=True, help="把分值、得分、合计、总分和等级写入“实际完成”表。")
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="与 --write 一起用：输出的工作簿（只能有一个输入文件）。")
@click.option("--in-place", is_flag=True, help="与 --write 一起用：直接修改输入文件（保留备份）。")
def command(files: tuple[Path, ...], as_json: bool, step_mode: str | None, config_path: Path | None, write: bool,
            out: Path | None, in_place: bool) -> int:
    """为一个或多个单位工作簿的自评计分。

    每个指标按它自己的评（扣）分标准文字计分（规则形式和公式见 docs/rules.md），并列出公式和数字；预算执行得分
    = 分值 × min(1, 执行数/预算数)；只有每一部分都能计分时，总分才评定等级（90–100 优，80–<90 良，60–<80 中，
    <60 差）。

    \b
    JSON (--json): {"unit", "file", "indicators": [{"level1", "level2", "name", "type", "target",
    "unit", "weight", "rule", "actual", "score", "explanation"}], "indicator_total",
    "budget_execution": {"budget", "spent", "rate", "score"}, "total", "grade", "complete",
    "step_mode", "findings": [...]}.

    退出码：0 全部完整，1 有错误（实际值缺失或无法使用、评分标准无法识别……），2 有文件无法读取。

    \b
    示例：
      xlsxtools score 单位.xlsm
      xlsxtools score 单位/*.xlsm --json
      xlsxtools score 单位.xlsm --write -o 已计分.xlsm
      xlsxtools score 单位.xlsm --write --in-place --step-mode ceil
    """
    from rich.console import Console

    from xlsxtools.config import load_config
    from xlsxtools.scoring import score_unit
    from xlsxtools.workbook.reader import read_unit_workbook

    if (out is not None or in_place) and not write:
        raise UserError("-o / --in-place 只能与 --write 一起使用")
    if write and len(files) > 1 and not in_place:
        raise UserError("多个文件写回时请用 --in-place（-o 只能用于一个文件）")
    if write and out is None and not in_place:
        raise UserError("--write 需要 -o 输出文件，或 --in-place 直接修改原文件（会先备份）")
    config = load_config(config_path)
    if step_mode:
        config = replace(config, step_mode=StepMode(step_mode))

    console = Console(highlight=False, soft_wrap=False)
    err_console = Console(stderr=True, highlight=False)
    results: list[dict[str, Any]] = []
    rc = 0
    for path in files:
        try:
            uw = read_unit_workbook(path)
        except UserError as exc:
            err_console.print(f"[red]错误[/red]：{exc}")
            rc = 2
            continue
        us = score_unit(uw.table, uw.actuals, config)
        findings = all_findings(uw, us)
        if not us.complete or any(f.severity is Severity.ERROR for f in findings):
            rc = max(rc, 1)
        if write:
            _write(path, out, in_place, uw, us, err_console)
        if as_json:
            results.append(unit_score_dict(uw, us))
        else:
            _print_unit(console, uw, us, config)
    if as_json:
        payload: Any = results[0] if len(files) == 1 and results else results
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    return rc


def _write(path: Path, out: Path | None, in_place: bool, uw: UnitWorkbook, us: Any, console: Any) -> None:
    from xlsxtools.workbook.edit import apply_edits, open_workbook, output_path, save_workbook

    if uw.actuals is None:
        raise UserError(f"工作簿没有「{layout.ACTUALS_SHEET}」表，无法写入得分", file=str(path))
    target, backup = output_path(path, out, in_place)
    wb = open_workbook(path)
    apply_edits(wb, score_edits(uw, us))
    save_workbook(wb, target)
    note = f"（原文件已备份为 {backup}）" if backup else ""
    console.print(f"已写入得分：{target}{note}")
