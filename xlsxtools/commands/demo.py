"""``xlsxtools demo``: the main job end to end on the sample tables shipped in the package.

Builds the templates, imports the three sample tables into unit workbooks, fills the actual values
chosen for them, checks (with annotations), scores, and consolidates into one summary workbook.
Every step is the same code the other commands and the Excel buttons run.
"""

from __future__ import annotations

import json
import shutil
from importlib import resources
from pathlib import Path

import click

from xlsxtools.config import load_config

#: A roster entry with no workbook, so the demo's 未提交 sheet shows what a missing unit looks like.
DEMO_MISSING_UNIT = "芷江侗族自治县示例局"


def sample_dir() -> Path:
    return Path(str(resources.files("xlsxtools") / "data" / "samples"))


@click.command(name="demo")
@click.argument("out_dir", required=False, type=click.Path(file_okay=False, path_type=Path),
                default=Path("xlsxtools-demo"))
@click.option("--force", is_flag=True, help="OUT_DIR 已存在时替换它。")
def command(out_dir: Path, force: bool) -> None:
    """用自带的样表完整运行一遍，全部输出写到 OUT_DIR（默认 ./xlsxtools-demo）：模板、单位工作簿（导入、
    填入实际值并计分）、作为核定基线的核定副本、标注了问题的检查副本、名册、汇总结果 汇总.xlsx（历史记录在
    history.sqlite）和分析报告 分析报告.docx。
    """
    from rich.console import Console

    from xlsxtools.checks import run_checks
    from xlsxtools.importer import import_table
    from xlsxtools.scoring import score_unit
    from xlsxtools.workbook.actuals_source import read_source
    from xlsxtools.workbook.edit import apply_edits, open_workbook, save_workbook
    from xlsxtools.workbook.reader import read_unit_workbook
    from xlsxtools.workbook.template import build_templates, write_unit_workbook
    from xlsxtools.writeback import actuals_edits, score_edits

    console = Console(highlight=False, soft_wrap=True)
    if out_dir.exists() and any(out_dir.iterdir()):
        if not force:
            raise click.UsageError(f"{out_dir} already exists and is not empty; use --force to replace it")
        shutil.rmtree(out_dir)
    config = load_config(search_cwd=False)
    samples = sample_dir()
    manifest = json.loads((samples / "demo.json").read_text(encoding="utf-8"))

    templates = build_templates(out_dir / "templates")
    console.print(f"[bold]1. 模板[/bold]  {', '.join(str(p) for p in templates)}")

    units_dir = out_dir / "units"
    approved_dir = out_dir / "approved"
    checked_dir = out_dir / "checked"
    console.print("[bold]2. 导入样表、填写实际完成值、检查、计分[/bold]")
    for unit in manifest["units"]:
        src = samples / unit["source"]
        table = import_table(src)
        path = units_dir / f"{src.stem}.xlsm"
        write_unit_workbook(table, path)
        # the target table as approved by finance: the baseline for the tamper check
        approved_dir.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, approved_dir / path.name)
        tampered = _tamper(path, unit.get("tamper"))
        if tampered:
            console.print(f"   （演示改动：{table.unit.name}在核定后{tampered}）")
        # actual values, as finance would fill them from an export (xlsxtools actuals)
        uw = read_unit_workbook(path)
        edits, filled = actuals_edits(uw, read_source(samples / unit["actuals"]),
                                      budget=unit["budget"], spent=unit["spent"])
        wb = open_workbook(path)
        apply_edits(wb, edits)
        save_workbook(wb, path)
        # scores written into 实际完成 (xlsxtools score --write, the 计算得分 button)
        uw = read_unit_workbook(path)
        us = score_unit(uw.table, uw.actuals, config)
        wb = open_workbook(path)
        apply_edits(wb, score_edits(uw, us))
        save_workbook(wb, path)
        # checks, annotated into a copy (xlsxtools check --annotate, the 检查 button)
        findings = run_checks(uw.table, uw.actuals, config)
        annotated = _annotate(path, findings, checked_dir / path.name)
        errors = sum(f.severity == "error" for f in findings)
        warnings = sum(f.severity == "warning" for f in findings)
        total = f"{us.total:.2f}" if us.complete else f"{us.total:.2f}（不完整）"
        console.print(f"   {table.unit.name}: {len(table.indicators)} 个指标，填入 {filled} 个实际值；"
                      f"总分 {total} {us.grade or ''}；{errors} 个错误、{warnings} 个警告 → {annotated}")

    roster = out_dir / "名册.txt"
    names = [import_table(samples / u["source"]).unit.name for u in manifest["units"]]
    roster.write_text("\n".join([*names, DEMO_MISSING_UNIT]) + "\n", encoding="utf-8")
    summary = out_dir / "汇总.xlsx"
    report = _consolidate(units_dir, summary, config, roster=roster, baseline=approved_dir,
                          history=out_dir / "history.sqlite")
    console.print(f"[bold]3. 汇总[/bold]  {summary}：{report.units} 个单位，{report.errors} 个错误、"
                  f"{report.warnings} 个警告；名册中未提交 {report.missing} 个；目标被改动 {report.tampered} 个")
    from xlsxtools.report.run import make_report

    made = make_report(summary, out_dir / "分析报告.docx")
    console.print(f"[bold]4. 分析报告[/bold]  {made.output}：汇总分析和 {made.counts.get('units', 0)} 个单位的"
                  f"自评报告初稿（{made.charts} 张图）")
    console.print(f"\n完成。所有输出在 {out_dir.resolve()}")


def _tamper(path: Path, change: dict | None) -> str:
    """Edit an approved target the way a unit might after approval (the summary must catch it)."""
    if not change:
        return ""
    from xlsxtools import layout
    from xlsxtools.model import CellEdit
    from xlsxtools.normalize import key
    from xlsxtools.workbook.edit import apply_edits, open_workbook, save_workbook
    from xlsxtools.workbook.reader import read_unit_workbook

    uw = read_unit_workbook(path)
    ind = next(i for i in uw.table.indicators if key(i.name) == key(change["name"]))
    wb = open_workbook(path)
    apply_edits(wb, [CellEdit(layout.TARGETS_SHEET, ind.origin.cell("target"), value=change["target"],
                              set_value=True)])
    save_workbook(wb, path)
    return f"把“{ind.name}”的指标值从 {ind.target} 改成了 {change['target']}"


def _annotate(src: Path, findings: list, out: Path) -> Path:
    from xlsxtools.workbook.annotate_edge import annotate_workbook

    out.parent.mkdir(parents=True, exist_ok=True)
    annotate_workbook(src, findings, out)
    return out


def _consolidate(units_dir: Path, summary: Path, config, **options):  # -> runner.Report
    from xlsxtools.consolidate.runner import consolidate

    return consolidate([units_dir], summary, config=config, jobs=1, **options)
