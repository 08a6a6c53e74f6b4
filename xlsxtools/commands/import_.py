"""``xlsxtools import``: read an existing target table and turn it into a unit workbook."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import click

from xlsxtools.errors import UserError


@click.command(name="import")
@click.argument("src", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False, path_type=Path),
              help="把导入的表格写成单位工作簿（按模板），保存到此文件。")
@click.option("--json", "as_json", is_flag=True,
              help="以 JSON 输出导入结果：单位信息、指标和发现的问题。")
def command(src: Path, out: Path | None, as_json: bool) -> None:
    """导入已有的目标表 SRC。

    SRC 可以是复制成文字的 Word 表格（.txt/.tsv，UTF-8 或 GB18030）、markdown 表格（.md）、工作簿
    （.xlsx/.xlsm/.xls/.xlsb/.ods，自动找到表格所在的工作表）或 Word 文档（.docx）。

    按内容读取单元格：错位的行、丢失的合并单元格、写在一级指标格中的分值、列标题的同义词都会被修正，
    每处修正都列为一条提示（代码 I001–I008），便于核对。SRC 本身不会被修改。

    \b
    示例：
      xlsxtools import 旧表.txt                  # 只显示读到的内容，不写文件
      xlsxtools import 旧表.docx -o 单位.xlsm    # 写成单位工作簿
      xlsxtools import 旧表.xlsx --json          # 机器可读的输出
    """
    from xlsxtools.importer import import_table

    if out is not None and out.exists() and src.exists() and out.resolve() == src.resolve():
        raise UserError("输出文件不能与源文件相同（源文件不会被修改）", file=str(out))
    if out is not None and out.suffix.lower() not in (".xlsm", ".xlsx"):
        raise UserError("输出文件须为 .xlsm（带按钮的单位工作簿）或 .xlsx", file=str(out))
    table = import_table(src)

    if out is not None:
        from xlsxtools.workbook.template import write_unit_workbook

        write_unit_workbook(table, out)

    if as_json:
        click.echo(json.dumps(table.to_dict(), ensure_ascii=False, indent=2))
        return
    _print_summary(table, src, out)


def _print_summary(table, src: Path, out: Path | None) -> None:  # table: TargetTable
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False)
    u = table.unit
    console.print(f"[bold]{u.name or '（未读到单位名称）'}[/bold]  年度：{u.year or '（未读到）'}  来源：{src}")
    console.print(f"填表人：{u.filled_by or '—'}  联系电话：{u.phone or '—'}  填表日期：{u.date or '—'}  "
                  f"单位负责人：{u.head or '—'}")

    grid = Table(title=f"指标（{len(table.indicators)} 个）", show_lines=False)
    for title, justify in (("行", "right"), ("一级指标", "left"), ("二级指标", "left"), ("三级指标", "left"),
                           ("类型", "center"), ("指标值", "left"), ("单位", "left"), ("分值", "right")):
        grid.add_column(title, justify=justify, overflow="fold")  # type: ignore[arg-type]
    for ind in table.indicators:
        grid.add_row(str(ind.origin.row or ""), ind.level1, ind.level2, ind.name, ind.type, ind.target, ind.unit,
                     _num(ind.weight))
    console.print(grid)

    totals: dict[str, Decimal] = {}
    for ind in table.indicators:
        if ind.weight is not None:
            totals[ind.level1 or "（空）"] = totals.get(ind.level1 or "（空）", Decimal(0)) + ind.weight
    total = sum(totals.values(), Decimal(0))
    parts = "，".join(f"{k} {_num(v)}" for k, v in totals.items())
    console.print(f"分值合计：{_num(total)}（{parts}）")

    if table.findings:
        findings = Table(title=f"导入时的修正与提示（{len(table.findings)} 条）")
        for title in ("代码", "级别", "说明"):
            findings.add_column(title, overflow="fold", no_wrap=title != "说明")
        for f in sorted(table.findings, key=lambda f: f.sort_key):
            findings.add_row(f.code, f.severity.label, f.message)
        console.print(findings)
    if out is not None:
        console.print(f"已写出单位工作簿：{out}")
    else:
        console.print("未写出任何文件（用 -o 文件名 写出单位工作簿，或用 --json 输出 JSON）。")


def _num(value: Decimal | None) -> str:
    if value is None:
        return ""
    return format(value.normalize(), "f") if value == value.to_integral_value() else str(value)
