"""``xlsxtools baseline DIR… -o FILE``: export the approved target tables for the tamper check."""

from __future__ import annotations

import sys

import click


@click.command("baseline")
@click.argument("folders", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False),
              help="要写入的基线文件（JSON）。")
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="并行进程数（默认：CPU 核数）。")
@click.option("-q", "--quiet", is_flag=True, help="不显示进度条和结束时的小结。")
def command(folders: tuple[str, ...], output: str, jobs: int | None, quiet: bool) -> None:
    """把 FOLDERS 中核定的目标表（核定时的单位工作簿）导出为基线文件。

    文件中为每个单位保存每个指标的摘要和核定的内容（一级、二级指标、名称、类型、指标值、计量单位、分值、评分标准），
    这样 `xlsxtools consolidate --baseline 文件` 能准确指出单位在核定后改了什么。
    """
    from xlsxtools import __version__
    from xlsxtools.consolidate.baseline import write_baseline_file
    from xlsxtools.consolidate.runner import build_baseline
    from xlsxtools.errors import UserError

    base = build_baseline(list(folders), jobs=jobs, progress=not quiet)
    if not base.units:
        raise UserError("没有找到可读取的单位工作簿，未导出核定基线", file="；".join(folders))
    write_baseline_file(base, output, __version__)
    if not quiet:
        n = sum(len(u.indicators) for u in base.units.values())
        click.echo(f"已导出 {len(base.units)} 个单位、{n} 项指标的核定基线 → {output}", file=sys.stderr)
        for note in base.notes:
            click.echo(f"  注意：{note}", file=sys.stderr)
