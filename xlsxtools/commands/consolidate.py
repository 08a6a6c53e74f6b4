"""``xlsxtools consolidate DIR… -o SUMMARY.xlsx``: every unit workbook into one summary."""

from __future__ import annotations

import sys

import click


@click.command("consolidate")
@click.argument("folders", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False),
              help="要写入的汇总工作簿（.xlsx）；新文件完整写好后才替换旧文件。")
@click.option("--roster", type=click.Path(exists=True, dir_okay=False),
              help="应提交的单位名册：文本（每行一个）、CSV 或 XLSX（第一列）。")
@click.option("--baseline", type=click.Path(exists=True),
              help="核定的目标表：核定工作簿所在的文件夹，或 `xlsxtools baseline` 生成的文件。")
@click.option("--history", type=click.Path(dir_okay=False),
              help="SQLite 历史库（第一次使用时创建）；汇总中增加“环比”表。")
@click.option("--period", help="记入历史库的期间，YYYY-MM（默认：本月）。")
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="并行进程数（默认：CPU 核数）。")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False),
              help="TOML 配置文件（默认：当前目录的 xlsxtools.toml，如有）。")
@click.option("--step-mode", type=click.Choice(["floor", "ceil", "proportional"]),
              help="扣分步长：floor（默认，只按整步扣）、ceil、proportional。")
@click.option("-q", "--quiet", is_flag=True, help="不显示进度条和结束时的小结。")
def command(folders: tuple[str, ...], output: str, roster: str | None, baseline: str | None, history: str | None,
            period: str | None, jobs: int | None, config_path: str | None, step_mode: str | None,
            quiet: bool) -> None:
    """把 FOLDERS（含子文件夹）中的每个单位工作簿汇总成一个汇总工作簿。

    工作表：总览（给领导看的一页：排名、单位、总分、等级、预算执行率、状态）、汇总（每个单位一行，按排名）、指标明细、
    问题清单、未提交、图表、环比（使用 --history 时）、说明；有单位填写了年中运行监控时另有 运行监控，使用 --history 时
    还有 监控趋势。无法读取的工作簿也列为一行，状态为“无法读取”；源文件不会被修改。文件夹中没有可读取的单位工作簿时
    报错（退出码 2），不生成汇总。
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
