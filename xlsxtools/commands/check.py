"""``xlsxtools check``: every problem of target tables and their actuals, listed or annotated."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import click

from xlsxtools.errors import UserError
from xlsxtools.model import Actuals, Finding, Origin, Severity, TargetTable

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


@dataclass
class Loaded:
    """What was read from one file."""

    path: Path
    table: TargetTable | None = None
    actuals: Actuals | None = None
    #: True for a unit workbook made from the template (it can be annotated).
    unit_workbook: bool = False
    #: Findings about the file itself (W-codes: not from the template, unreadable, version …).
    findings: list[Finding] = field(default_factory=list)
    unreadable: bool = False
    #: Further tables of the same file (a file with several projects; issue 11).
    more: list[TargetTable] = field(default_factory=list)


def load(path: Path) -> Loaded:
    """Read a unit workbook, or any table the importer reads; never raises for bad input."""
    from xlsxtools.codes import finding
    from xlsxtools.errors import NotATemplateWorkbook

    try:
        if path.suffix.lower() in WORKBOOK_SUFFIXES:
            from xlsxtools.workbook.reader import read_unit_workbook

            try:
                uw = read_unit_workbook(path)
            except NotATemplateWorkbook as exc:
                from xlsxtools.importer import import_table

                w001 = finding("W001", f"{exc.message}。", Origin(str(path), exc.sheet))
                try:
                    table = import_table(path)
                except UserError as exc2:
                    return Loaded(path, findings=[replace(w001, message=f"{exc.message}；也无法按普通表格读取：{exc2.message}")],
                                  unreadable=True)
                note = replace(w001, severity=Severity.WARNING,
                               message=f"{exc.message}；已按普通表格读取并检查（不能在其中标注）。")
                return Loaded(path, table, None, False, [note])
            return Loaded(path, uw.table, uw.actuals, True, list(uw.findings))
        from xlsxtools.importer import import_tables

        first, *more = import_tables(path)
        return Loaded(path, first, more=more)
    except UserError as exc:
        return Loaded(path, findings=[finding("W004", exc.message, Origin(str(path), exc.sheet))], unreadable=True)


def summary(findings: list[Finding]) -> dict[str, int]:
    return {"errors": sum(f.severity is Severity.ERROR for f in findings),
            "warnings": sum(f.severity is Severity.WARNING for f in findings),
            "infos": sum(f.severity is Severity.INFO for f in findings)}


def file_result(path: Path, findings: list[Finding]) -> dict[str, Any]:
    return {"file": str(path), "findings": [f.to_dict() for f in findings], "summary": summary(findings)}


def _codes(values: tuple[str, ...]) -> list[str] | None:
    out = [c.strip().upper() for v in values for c in v.split(",") if c.strip()]
    if not out:
        return None
    from xlsxtools.codes import CODES

    for c in out:
        if c != "ALL" and not any(code.startswith(c) for code in CODES):
            raise UserError(f"未知的检查代码「{c}」（代码见 docs/checks.md，如 H001、V、R00）")
    return out


def _where(f: Finding) -> str:
    if f.cell:
        return f.cell
    if f.row:
        return f"第 {f.row} 行"
    return "（整表）"


_STYLE = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "blue"}


def print_human(path: Path, findings: list[Finding], out: Any, rich: bool) -> None:
    """Findings of one file grouped by sheet, each with its cell (or source line) and message."""
    groups: dict[str | None, list[Finding]] = {}
    for f in findings:
        groups.setdefault(f.sheet, []).append(f)
    s = summary(findings)
    total = f"合计：{s['errors']} 个错误，{s['warnings']} 个警告，{s['infos']} 个提示"
    if not rich:
        click.echo(str(path))
        if not findings:
            click.echo("  没有发现问题。")
        for sheet, fs in groups.items():
            indent = "  "
            if sheet:
                click.echo(f"  工作表「{sheet}」")
                indent = "    "
            for f in fs:
                click.echo(f"{indent}{_where(f):<8} {f.severity.label} {f.code}  {f.message}")
        click.echo(f"  {total}")
        return
    from rich.markup import escape
    from rich.table import Table

    out.print(f"[bold]{escape(str(path))}[/bold]")
    if not findings:
        out.print("  [green]没有发现问题。[/green]")
    for sheet, fs in groups.items():
        grid = Table(title=f"工作表「{sheet}」" if sheet else None, title_justify="left", box=None,
                     padding=(0, 1), show_header=True, header_style="bold")
        grid.add_column("单元格" if sheet else "位置", no_wrap=True)
        grid.add_column("级别", no_wrap=True)
        grid.add_column("代码", no_wrap=True)
        grid.add_column("问题说明", overflow="fold")
        for f in fs:
            style = _STYLE[f.severity]
            grid.add_row(_where(f), f"[{style}]{f.severity.label}[/{style}]", f.code, escape(f.message))
        out.print(grid)
    out.print(f"  {total}")


@click.command(name="check")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出问题（每个文件一个对象，多个文件时为列表）。")
@click.option("--select", "select", multiple=True, metavar="CODES",
              help="只检查这些代码或前缀，逗号分隔（如 H,V001,R00），可重复使用。")
@click.option("--ignore", "ignore", multiple=True, metavar="CODES", help="跳过这些代码或前缀（如 V009,I）。")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help="分值要求等配置的 TOML 文件（默认：当前目录的 xlsxtools.toml，如有）。")
@click.option("--annotate", is_flag=True,
              help="在工作簿中标出问题：单元格标色、加批注，并写入“检查结果”表。")
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False, path_type=Path),
              help="与 --annotate 一起用：标注后的副本写入此文件。")
@click.option("--in-place", is_flag=True, help="与 --annotate 一起用：直接标注原文件（保留备份）。")
def command(files: tuple[Path, ...], as_json: bool, select: tuple[str, ...], ignore: tuple[str, ...],
            config_path: Path | None, annotate: bool, out: Path | None, in_place: bool) -> int:
    """检查目标表和实际完成值，列出或在工作簿中标出每个问题。

    FILE 是按模板填报的单位工作簿（.xlsm/.xlsx：目标、表头表尾，填写后还有实际完成值），也可以是导入功能能读的
    任何表格（.txt/.md/.docx/.xlsx/.xls），这样去年的旧表在导入前就能检查。每项检查及其代码见 docs/checks.md；
    --select / --ignore 接受代码或前缀（H、V00、R007）。

    退出码：0 没有错误，1 发现错误，2 有文件无法读取。

    \b
    示例：
      xlsxtools check 单位.xlsm
      xlsxtools check 旧表.txt --ignore I
      xlsxtools check 单位/*.xlsm --json --select H,V
      xlsxtools check 单位.xlsm --annotate -o 已检查.xlsm
      xlsxtools check 单位.xlsm --annotate --in-place
    """
    from xlsxtools.checks import run_checks
    from xlsxtools.config import load_config

    check_annotate_options(annotate, out, in_place, len(files))
    sel, ign = _codes(select), _codes(ignore)
    config = load_config(config_path)

    rich = not as_json and sys.stdout.isatty()
    console = None
    if rich:
        from rich.console import Console

        console = Console(highlight=False)
    results = []
    rc = 0
    for path in files:
        loaded = load(path)
        from xlsxtools.codes import select as select_findings

        findings = select_findings(loaded.findings, sel, ign)
        if loaded.table is not None:
            findings = findings + run_checks(loaded.table, loaded.actuals, config, select=sel, ignore=ign)
        for extra in loaded.more:
            findings = findings + run_checks(extra, None, config, select=sel, ignore=ign)
        findings.sort(key=lambda f: (*f.sort_key, f.severity.rank))
        if loaded.unreadable:
            rc = 2
        elif any(f.severity is Severity.ERROR for f in findings):
            rc = max(rc, 1)
        if annotate and not loaded.unreadable:
            _annotate(loaded, findings, out, in_place)
        if as_json:
            results.append(file_result(path, findings))
        else:
            print_human(path, findings, console, rich)
            _print_profiles([t for t in (loaded.table, *loaded.more) if t is not None], config)
    if as_json:
        payload: Any = results[0] if len(files) == 1 else results
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    return rc


def _print_profiles(tables: list[TargetTable], config: Any) -> None:
    """For tables of other kinds than the template's (issue 11): the profile and the scoring policy."""
    from xlsxtools.profiles import profile_for

    for t in tables:
        if t.columns is None:
            continue
        name = t.header.get("项目名称") or t.unit.name or ""
        click.echo(f"  检查规则{f'（{name}）' if name else ''}：{profile_for(t, config).describe()}")
    if any(t.columns is not None for t in tables):
        click.echo(f"  计分政策：{config.tables.default_scoring_label}")


def _annotate(loaded: Loaded, findings: list[Finding], out: Path | None, in_place: bool) -> None:
    if not loaded.unit_workbook:
        click.echo(f"{loaded.path}：不是由模板生成的单位工作簿，无法标注（只列出问题）。", err=True)
        return
    from xlsxtools.workbook.annotate_edge import annotate_workbook
    from xlsxtools.workbook.edit import output_path

    target, backup = output_path(loaded.path, out, in_place)
    annotate_workbook(loaded.path, findings, target)
    msg = f"已标注：{target}"
    if backup is not None:
        msg += f"（原文件已备份为 {backup}）"
    click.echo(msg, err=True)


def check_annotate_options(annotate: bool, out: object, in_place: bool, files: int) -> None:
    """The rules of --annotate, -o and --in-place (``check`` and ``monitor``)."""
    if (out is not None or in_place) and not annotate:
        raise UserError("-o / --in-place 只能与 --annotate 一起使用")
    if annotate and out is None and not in_place:
        raise UserError("--annotate 需要 -o 输出文件，或 --in-place 直接标注原文件（会先备份）")
    if annotate and out is not None and files > 1:
        raise UserError("标注多个文件时请用 --in-place（-o 只能用于一个文件）")
