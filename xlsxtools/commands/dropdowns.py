"""``xlsxtools dropdowns``: re-apply every dropdown and validation to a unit workbook."""

from __future__ import annotations

from pathlib import Path

import click


@click.command(name="dropdowns")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False, path_type=Path),
              help="结果写入此文件（FILE 不变）。")
@click.option("--in-place", is_flag=True, help="直接修改 FILE（在旁边保留一份备份）。")
def command(file: Path, out: Path | None, in_place: bool) -> None:
    """为单位工作簿重新设置全部下拉列表和数据验证。

    覆盖指标表格当前的全部行（包括用户插入的行），刷新隐藏的列表，其余内容（数值、格式、保护和宏）保持不变。

    \b
    示例：
      xlsxtools dropdowns 单位.xlsm -o 单位_修复.xlsm
      xlsxtools dropdowns 单位.xlsm --in-place      # 保留 单位.bak.xlsm
    """
    from xlsxtools.workbook.dropdowns import refresh_dropdowns

    outcome = refresh_dropdowns(file, out, in_place=in_place)
    r = outcome.result
    click.echo(f"已为 {outcome.output} 重新设置下拉列表和数据验证：目标表第 {r.grid_range} 行"
               f"（{r.grid_rows} 行），实际完成 {r.actual_rows} 行，共 {len(r.specs)} 条规则。")
    if outcome.backup is not None:
        click.echo(f"原文件已备份为 {outcome.backup}")
