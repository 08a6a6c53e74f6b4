"""``xlsxtools baseline DIR… -o FILE``: export the approved target tables for the tamper check."""

from __future__ import annotations

import sys

import click


@click.command("baseline")
@click.argument("folders", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False),
              help="Baseline file to write (JSON).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="Worker processes (default: CPU count).")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no closing summary.")
def command(folders: tuple[str, ...], output: str, jobs: int | None, quiet: bool) -> None:
    """Export the approved target tables in FOLDERS (unit workbooks as approved) to a baseline file.

    The file holds, per unit, a digest of each indicator and its approved values (levels, name,
    type, target, unit, points, rule text), so `xlsxtools consolidate --baseline FILE` can show
    exactly what a unit changed after approval.
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
