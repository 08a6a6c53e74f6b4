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
              help="CSV or XLSX with columns 三级指标, 实际完成值 [, 偏差原因分析及改进措施] (or name, actual, reason).")
@click.option("--budget", default=None, help="全年预算数（万元）.")
@click.option("--spent", default=None, help="全年执行数（万元）.")
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the filled workbook here (FILE is not changed).")
@click.option("--in-place", is_flag=True, help="Modify FILE itself (a backup is kept).")
def command(file: Path, src: Path, budget: str | None, spent: str | None, out: Path | None, in_place: bool) -> None:
    """Fill actual values into the 实际完成 sheet of unit workbook FILE from an export.

    Rows are matched by 三级指标 name (exactly, after normalising width, spaces and punctuation).
    A name that matches no indicator, or more than one, is an error naming it and nothing is
    written. Numbers are written as numbers, dates (2026-12-20, 2026年12月20日) as dates.

    \b
    Examples:
      xlsxtools actuals unit.xlsm --from actuals.csv -o filled.xlsm
      xlsxtools actuals unit.xlsm --from export.xlsx --budget 419.72 --spent 405.3 --in-place
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
