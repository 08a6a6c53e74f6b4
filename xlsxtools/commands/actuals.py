"""``xlsxtools actuals``: fill 实际完成值 (and reasons, budget, spent) into a unit workbook from a CSV/XLSX export."""

from __future__ import annotations

from pathlib import Path

import click

from xlsxtools.errors import UserError
from xlsxtools.workbook.actuals_source import read_source
from xlsxtools.writeback import actuals_edits


@click.command(name="actuals")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--from", "src", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="CSV 或 XLSX 文件，列为 三级指标、实际完成值［、偏差原因分析及改进措施］（或 name、actual、reason）。")
@click.option("--budget", default=None, help="全年预算数（万元）。")
@click.option("--spent", default=None, help="全年执行数（万元）。")
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="填好的工作簿写入此文件（FILE 不变）。")
@click.option("--in-place", is_flag=True, help="直接修改 FILE（保留备份）。")
def command(file: Path, src: Path, budget: str | None, spent: str | None, out: Path | None, in_place: bool) -> None:
    """从其他系统的导出文件把实际完成值填入单位工作簿 FILE 的“实际完成”表。

    按三级指标名称逐行对应（忽略全半角、空格和标点后完全相同）。名称对不上任何指标或对上多个指标时报错并指出名称，
    不写入任何内容。数字按数字写入，日期（2026-12-20、2026年12月20日）按日期写入。

    \b
    示例：
      xlsxtools actuals 单位.xlsm --from 实际值.csv -o 已填.xlsm
      xlsxtools actuals 单位.xlsm --from 导出.xlsx --budget 419.72 --spent 405.3 --in-place
    """
    from xlsxtools.workbook.edit import apply_edits, open_workbook, output_path, save_workbook
    from xlsxtools.workbook.reader import read_unit_workbook

    if out is None and not in_place:
        raise UserError("请用 -o 指定输出文件，或用 --in-place 直接修改原文件（会先备份）", file=str(file))
    uw = read_unit_workbook(file)
    rows = read_source(src)
    edits, filled = actuals_edits(uw, rows, budget=budget, spent=spent, source=str(src))
    target, backup = output_path(file, out, in_place)
    wb = open_workbook(file)
    apply_edits(wb, edits)
    save_workbook(wb, target)
    missing = len(uw.table.indicators) - filled
    note = f"（原文件已备份为 {backup}）" if backup else ""
    click.echo(f"已填写 {filled} 项实际完成值（共 {len(uw.table.indicators)} 项指标"
               + (f"，{missing} 项未在来源中提供" if missing else "") + f"）→ {target}{note}")
