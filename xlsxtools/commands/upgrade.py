"""``xlsxtools upgrade``: a unit workbook of an earlier template version moved into the current template."""

from __future__ import annotations

from pathlib import Path

import click


@click.command(name="upgrade")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="输出文件（.xlsm 带按钮；原文件不会被修改）。")
def command(file: Path, out: Path) -> None:
    """把旧版模板做的单位工作簿升级到当前模板（数据全部保留）。

    目标表、实际完成、检查结果、导入等表中的每个单元格的内容（以及批注、检查标记）原样移到新模板的
    同一位置；新版本增加的“运行监控”表、下拉列表和按钮来自当前模板。原文件只读取，不修改。

    \b
    示例：
      xlsxtools upgrade 政务服务中心.xlsm -o 政务服务中心-新模板.xlsm
    """
    from xlsxtools.workbook.upgrade import upgrade_workbook

    res = upgrade_workbook(file, out)
    click.echo(f"已升级：{file}（模板版本 {res.from_version}）→ {res.output}（模板版本 {res.to_version}），"
               f"移入 {res.cells} 个单元格的内容，指标表 {res.grid_rows} 行。")
