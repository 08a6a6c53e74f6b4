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
    history.sqlite）、分析报告 分析报告.docx，以及 1-6月和 1-7月的年中运行监控及其汇总（OUT_DIR/monitoring）。
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
    _monitoring_step(console, manifest, units_dir, out_dir / "monitoring", config)
    console.print(f"\n完成。所有输出在 {out_dir.resolve()}")


#: The months the demo monitors (1-6月 and 1-7月) and the history period each is consolidated as.
DEMO_MONITOR_MONTHS = (6, 7)


def _monitoring_step(console, manifest: dict, units_dir: Path, out: Path, config) -> None:
    """4. Mid-year monitoring: the units' 运行监控 filled for 1-6月 and 1-7月 (大树岭乡 drifting),
    each month consolidated with history, so the second summary shows the trend."""
    from xlsxtools.consolidate.runner import consolidate

    console.print("[bold]5. 运行监控（1-6月、1-7月，大树岭乡执行偏慢）[/bold]")
    history = out / "监控历史.sqlite"
    for months in DEMO_MONITOR_MONTHS:
        folder = out / f"2026-{months:02d}"
        for unit in manifest["units"]:
            src = units_dir / f"{Path(unit['source']).stem}.xlsm"
            dst = folder / src.name
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)
            fill_monitoring(dst, unit, months)
        summary = out / f"监控汇总-2026-{months:02d}.xlsx"
        consolidate([folder], summary, config=config, jobs=1, history=history, period=f"2026-{months:02d}")
        states = _states(summary)
        console.print(f"   1-{months}月 → {summary}：" + "；".join(f"{u} {s}" for u, s in states))
    console.print(f"   趋势（各单位执行率按月、折线图、比上期变差的单位）见 {summary} 的“监控趋势”表")


def _states(summary: Path) -> list[tuple[str, str]]:
    from python_calamine import CalamineWorkbook

    from xlsxtools import layout

    rows = CalamineWorkbook.from_path(str(summary)).get_sheet_by_name(layout.CONS_MONITOR_SHEET).to_python()
    header = rows[layout.CONS_HEADER_ROW - 1]
    u, s = header.index("单位名称"), header.index("状态")
    return [(r[u], r[s]) for r in rows[layout.CONS_HEADER_ROW:] if r[u] and r[s]]


def monitoring_values(table, unit: dict, months: int) -> tuple[dict, dict[int, dict]]:
    """The 运行监控 inputs of a demo unit for 1-``months``月: (budget band, grid index → row values).

    Execution is ``unit["monitoring"]["spent"][months]``; every indicator is on schedule (a count
    at ⌈target × N/12⌉, a rate at its target, a cap at 98% of its share, 定性 按计划推进) and
    expected to be met, except the unit's "drift" indicator, whose values for the month are given.
    """
    import math

    from xlsxtools import layout
    from xlsxtools.normalize import parse_number

    spec = unit["monitoring"]
    band = {"period": layout.MONITOR_PERIODS[months - 1], "initial_budget": unit["budget"], "budget": unit["budget"],
            "spent": spec["spent"][str(months)], "expected_spent": unit["budget"]}
    drift = spec.get("drift") or {}
    rows: dict[int, dict] = {}
    for i, ind in enumerate(table.indicators):
        t = parse_number(ind.target) if ind.is_quantitative else None
        if t is None:
            row = {"progress": "按计划推进", "expected": ind.target or "效果明显"}
        elif ind.type in layout.REVERSE_TYPES:
            row = {"progress": round(float(t) * months / 12 * 0.98, 2), "expected": round(float(t) * 0.99, 2)}
        elif ind.unit.strip() in ("%", "％"):
            row = {"progress": float(t), "expected": float(t)}
        else:
            share = t * months / 12
            row = {"progress": math.ceil(share) if t == t.to_integral_value() else round(float(share), 2),
                   "expected": float(t)}
        row["likelihood"] = layout.LIKELIHOOD_CERTAIN
        if drift and ind.name == drift["name"]:
            row = dict(drift[str(months)])
        rows[i] = row
    return band, rows


def fill_monitoring(path: Path, unit: dict, months: int) -> None:
    """Type the demo monitoring of ``unit`` for 1-``months``月 into the workbook at ``path``."""
    from xlsxtools import layout
    from xlsxtools.model import CellEdit
    from xlsxtools.workbook.edit import apply_edits, open_workbook, save_workbook
    from xlsxtools.workbook.reader import read_unit_workbook

    uw = read_unit_workbook(path)
    band, rows = monitoring_values(uw.table, unit, months)
    sheet, vrow = layout.MONITOR_SHEET, layout.MONITOR_BUDGET_VALUE_ROW
    edits = [CellEdit(sheet, f"{layout.MONITOR_BUDGET_COL[k]}{vrow}", value=v, set_value=True) for k, v in band.items()]
    for i, values in rows.items():
        r = uw.monitoring.rows[i].origin.row
        edits += [CellEdit(sheet, f"{layout.MONITOR_COL[k]}{r}", value=v, set_value=True) for k, v in values.items()]
    wb = open_workbook(path)
    apply_edits(wb, edits)
    save_workbook(wb, path)


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
