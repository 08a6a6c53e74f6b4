"""``xlsxtools dropdowns``: re-apply every dropdown and validation to a unit workbook."""

from __future__ import annotations

from pathlib import Path

import click


@click.command(name="dropdowns")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the result to this file (FILE is left unchanged).")
@click.option("--in-place", is_flag=True, help="Change FILE itself (a backup copy is kept beside it).")
def command(file: Path, out: Path | None, in_place: bool) -> None:
    """Re-apply every dropdown and data validation of a unit workbook.

    Covers the current extent of the indicator grid (rows inserted by users included), refreshes
    the hidden lists, and keeps everything else: values, formats, protection and macros.

    \b
    Examples:
      xlsxtools dropdowns unit.xlsm -o unit_fixed.xlsm
      xlsxtools dropdowns unit.xlsm --in-place      # keeps unit.bak.xlsm
    """
    from xlsxtools.workbook.dropdowns import refresh_dropdowns

    outcome = refresh_dropdowns(file, out, in_place=in_place)
    r = outcome.result
    click.echo(f"已为 {outcome.output} 重新设置下拉列表和数据验证：目标表第 {r.grid_range} 行"
               f"（{r.grid_rows} 行），实际完成 {r.actual_rows} 行，共 {len(r.specs)} 条规则。")
    if outcome.backup is not None:
        click.echo(f"原文件已备份为 {outcome.backup}")
