"""``xlsxtools monitor``: the mid-year monitoring (运行监控) of unit workbooks, checked and summed up."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click

from xlsxtools.errors import UserError
from xlsxtools.model import Finding, Origin, Severity
from xlsxtools.normalize import percent_text

STATE_STYLE = {"红": "red", "黄": "yellow", "绿": "green"}


@dataclass
class Monitored:
    """One file: its monitoring result (None when it has none) and every finding about it."""

    path: Path
    result: Any = None  # xlsxtools.checks.monitoring.MonitoringResult
    findings: list[Finding] = field(default_factory=list)
    unreadable: bool = False


def monitor_file(path: Path, policy: Any, today: date) -> Monitored:
    """Read one unit workbook and check its 运行监控 sheet; never raises for bad input."""
    from xlsxtools import layout
    from xlsxtools.checks.monitoring import assess, check_monitoring
    from xlsxtools.codes import finding
    from xlsxtools.workbook.dropdowns import upgrade_hint
    from xlsxtools.workbook.reader import read_unit_workbook

    try:
        uw = read_unit_workbook(path)
    except UserError as exc:
        code = "W001" if type(exc).__name__ == "NotATemplateWorkbook" else "W004"
        return Monitored(path, findings=[finding(code, exc.message, Origin(str(path), exc.sheet))], unreadable=True)
    if uw.monitoring is None:
        msg = (f"工作簿没有「{layout.MONITOR_SHEET}」表（模板版本 {uw.layout_version or '未知'}）："
               f"{upgrade_hint(uw.layout_version, str(path))}")
        return Monitored(path, findings=[finding("W001", msg, Origin(str(path)))])
    found = check_monitoring(uw.monitoring, policy, today)
    result = assess(uw.monitoring, policy, today, found)
    findings = sorted([f for f in uw.findings if f.code == "W002"] + found,
                      key=lambda f: (*f.sort_key, f.severity.rank))
    return Monitored(path, result, findings)


def _gap(v: float | None) -> str:
    return "" if v is None else f"{v * 100:+.2f}"


def file_json(m: Monitored) -> dict[str, Any]:
    from xlsxtools.commands.check import summary

    out: dict[str, Any] = {"file": str(m.path)}
    if m.result is not None:
        out.update(m.result.to_dict())
        out.pop("findings")
    out["findings"] = [f.to_dict() for f in m.findings]
    out["summary"] = summary(m.findings)
    return out


def print_table(items: list[Monitored], console: Any, rich: bool) -> None:
    """One line per unit: period, execution rate against the schedule, indicators at risk, state, reason."""
    head = ["单位", "期间", "执行率", "序时进度", "差距(百分点)", "风险指标", "状态", "原因"]
    rows = []
    for m in items:
        r = m.result
        if r is None:
            rows.append([m.path.name, "", "", "", "", "", "无法检查", m.findings[0].message if m.findings else ""])
            continue
        rows.append([r.unit_name or m.path.name, r.period, percent_text(r.rate, ""), percent_text(r.schedule, ""), _gap(r.gap),
                     str(len(r.at_risk)), r.state, r.reason])
    if not rich:
        click.echo("\t".join(head))
        for line in rows:
            click.echo("\t".join(line))
        return
    from rich.markup import escape
    from rich.table import Table

    table = Table(title="运行监控", title_justify="left", header_style="bold")
    for h in head:
        table.add_column(h, overflow="fold", no_wrap=h in ("期间", "执行率", "序时进度", "状态"))
    for line in rows:
        style = STATE_STYLE.get(line[6])
        cells = [escape(c) for c in line]
        if style:
            cells[6] = f"[{style}]{cells[6]}[/{style}]"
        table.add_row(*cells)
    console.print(table)


@click.command(name="monitor")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出（每个文件一个对象，另附所用监控规则）。")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help="配置文件（默认：当前文件夹的 xlsxtools.toml；监控规则在 [monitoring] 一节）。")
@click.option("--today", "today_text", metavar="YYYY-MM-DD",
              help="按这一天判断监控期间是否晚于当前月份（默认：今天）。")
@click.option("--annotate", is_flag=True, help="在工作簿中标出问题：单元格标色、加批注，并列在“检查结果”表中（同“监控检查”按钮）。")
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False, path_type=Path),
              help="与 --annotate 一起使用：标注后的副本写到这里。")
@click.option("--in-place", is_flag=True, help="与 --annotate 一起使用：直接标注原文件（会先备份）。")
def command(files: tuple[Path, ...], as_json: bool, config_path: Path | None, today_text: str | None,
            annotate: bool, out: Path | None, in_place: bool) -> int:
    """检查单位工作簿的“运行监控”表（绩效运行监控），列出每个单位的监控状态和问题。

    每个单位一行：监控期间（1-N月）、预算执行率与序时进度（N/12）的差距、有风险的指标数、
    状态（红/黄/绿）及原因；其后列出每个问题（代码 J001–J013，见 docs/checks.md）。
    判断“落后”的幅度是可配置的规则（xlsxtools.toml 的 [monitoring]），每次结果都会注明。

    退出码：0 没有错误，1 发现错误，2 有文件无法读取。

    \b
    示例：
      xlsxtools monitor 单位/*.xlsm
      xlsxtools monitor 政务服务中心.xlsm --json
      xlsxtools monitor 政务服务中心.xlsm --today 2026-08-10
      xlsxtools monitor 政务服务中心.xlsm --annotate -o 已标注.xlsm
    """
    from xlsxtools.commands.check import check_annotate_options, print_human
    from xlsxtools.config import load_config

    check_annotate_options(annotate, out, in_place, len(files))
    config = load_config(config_path)
    policy = config.monitoring
    if today_text:
        try:
            today = datetime.strptime(today_text.strip(), "%Y-%m-%d").date()
        except ValueError as exc:
            raise UserError(f"--today 应写成 YYYY-MM-DD（如 2026-08-10），实际为「{today_text}」") from exc
    else:
        today = date.today()
    items = [monitor_file(p, policy, today) for p in files]
    if annotate:
        for m in items:
            if m.result is not None:
                _annotate(m, out, in_place)
    rc = 0
    for m in items:
        if m.unreadable:
            rc = 2
        elif any(f.severity is Severity.ERROR for f in m.findings):
            rc = max(rc, 1)
    rule = f"监控规则：{policy.describe()}（{config.source or '默认设置'}）"
    if as_json:
        payload = {"policy": {"budget_margin": float(policy.budget_margin),
                              "budget_red_margin": float(policy.budget_red_margin),
                              "progress_margin": float(policy.progress_margin), "text": policy.describe(),
                              "config": config.source},
                   "today": today.isoformat(), "files": [file_json(m) for m in items]}
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return rc
    rich = sys.stdout.isatty()
    console = None
    if rich:
        from rich.console import Console

        console = Console(highlight=False)
    print_table(items, console, rich)
    for m in items:
        print_human(m.path, m.findings, console, rich)
    click.echo(rule)
    return rc


def _annotate(m: Monitored, out: Path | None, in_place: bool) -> None:
    from xlsxtools.workbook.annotate_edge import annotate_workbook
    from xlsxtools.workbook.edit import output_path

    target, backup = output_path(m.path, out, in_place)
    annotate_workbook(m.path, m.findings, target)
    msg = f"已标注：{target}"
    if backup is not None:
        msg += f"（原文件已备份为 {backup}）"
    click.echo(msg, err=True)
