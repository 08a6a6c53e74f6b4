"""``xlsxtools consolidate DIR… -o SUMMARY.xlsx``: every unit workbook into one summary."""

from __future__ import annotations

import sys

import click


@click.command("consolidate")
@click.argument("folders", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False),
              help="Summary workbook to write (.xlsx); replaced only when the new one is complete.")
@click.option("--roster", type=click.Path(exists=True, dir_okay=False),
              help="Unit names expected to submit: text (one per line), CSV or XLSX (first column).")
@click.option("--baseline", type=click.Path(exists=True),
              help="Approved target tables: a folder of approved workbooks or a file from `xlsxtools baseline`.")
@click.option("--history", type=click.Path(dir_okay=False),
              help="SQLite history database (created on first use); adds the 环比 sheet.")
@click.option("--period", help="Period recorded in the history, YYYY-MM (default: this month).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="Worker processes (default: CPU count).")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False),
              help="Config TOML (default ./xlsxtools.toml when present).")
@click.option("--step-mode", type=click.Choice(["floor", "ceil", "proportional"]),
              help="Deduction steps: floor (default, full steps only), ceil, proportional.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no closing summary.")
def command(folders: tuple[str, ...], output: str, roster: str | None, baseline: str | None, history: str | None,
            period: str | None, jobs: int | None, config_path: str | None, step_mode: str | None,
            quiet: bool) -> None:
    """Consolidate every unit workbook under FOLDERS (recursively) into one summary workbook.

    Sheets: 汇总 (one row per unit, ranked), 指标明细, 问题清单, 未提交, 图表, 环比 (with --history), 说明;
    运行监控 when units filled their mid-year monitoring, and 监控趋势 with --history.
    Unreadable workbooks become rows with status 无法读取; source files are never modified.
    """
    import dataclasses

    from xlsxtools.config import StepMode, load_config
    from xlsxtools.consolidate.runner import consolidate

    config = load_config(config_path)
    if step_mode:
        config = dataclasses.replace(config, step_mode=StepMode(step_mode))
    rep = consolidate(list(folders), output, roster=roster, baseline=baseline, history=history, period=period,
                      jobs=jobs, config=config, progress=not quiet)
    if quiet:
        return
    skipped = "，".join(f"{why} {n} 个" for why, n in sorted(rep.skipped.items()))
    lines = [
        f"已汇总 {rep.files} 个工作簿（{rep.seconds:.1f} 秒）→ {rep.output}",
        f"  计入汇总的单位 {rep.units} 个；无法读取 {rep.unreadable} 个；重复提交 {rep.duplicates} 个",
        f"  错误 {rep.errors} 条，警告 {rep.warnings} 条" + (f"；目标被改动的单位 {rep.tampered} 个" if baseline else "")
        + (f"；名册中未提交 {rep.missing} 个" if roster else ""),
    ]
    if skipped:
        lines.append(f"  跳过的文件：{skipped}")
    if rep.trend is not None:
        dropped = sum(1 for t in rep.trend.rows if t.status == "下降")
        gone = sum(1 for t in rep.trend.rows if t.status == "未再提交")
        prev = rep.trend.prev_period or "无"
        lines.append(f"  历史：期间 {rep.period}（上期 {prev}）；得分下降 {dropped} 个，未再提交 {gone} 个")
    if rep.monitoring:
        states = "，".join(f"{s} {rep.monitoring.get(s, 0)} 个" for s in ("红", "黄", "绿"))
        worse = f"；比上期变差 {rep.monitoring_worse} 个（见“监控趋势”）" if rep.trend is not None else ""
        lines.append(f"  运行监控：{states}（见“运行监控”表）{worse}")
    lines += [f"  注意：{n}" for n in rep.notes]
    click.echo("\n".join(lines), file=sys.stderr)
