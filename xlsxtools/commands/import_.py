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

    SRC 可以是复制成文字的 Word 表格（.txt/.tsv，UTF-8 或 GB18030）、CSV 文件（.csv）、markdown 表格（.md）、工作簿
    （.xlsx/.xlsm/.xls/.xlsb/.ods，自动找到表格所在的工作表）、Word 文档（.docx）、保存的网页（.html）、
    带框线表格的 PDF（.pdf），或旧版 .doc/.wps/.et 文件（安装了 LibreOffice 时自动转换）。

    除单位模板自己的格式外，还能读取各省的项目支出绩效目标表、部门/项目绩效自评表和绩效运行监控表，
    支持 2021 年起、2015–2020 年和 2013 年的指标体系；会显示识别出的表格类型、指标体系和检查规则
    （代码 I009）。一个文件中有多个项目时读出多张表（全部显示；-o 写入第一张）。

    按内容读取单元格：错位的行、丢失的合并单元格、写在一级指标格中的分值、列标题的同义词都会被修正，
    每处修正都列为一条提示（代码 I001–I019），便于核对。SRC 本身不会被修改。

    \b
    示例：
      xlsxtools import 旧表.txt                  # 只显示读到的内容，不写文件
      xlsxtools import 旧表.docx -o 单位.xlsm    # 写成单位工作簿
      xlsxtools import 旧表.xlsx --json          # 机器可读的输出
    """
    from xlsxtools.importer import import_tables

    if out is not None and out.exists() and src.exists() and out.resolve() == src.resolve():
        raise UserError("输出文件不能与源文件相同（源文件不会被修改）", file=str(out))
    if out is not None and out.suffix.lower() not in (".xlsm", ".xlsx"):
        raise UserError("输出文件须为 .xlsm（带按钮的单位工作簿）或 .xlsx", file=str(out))
    tables = import_tables(src)
    table = tables[0]

    if out is not None:
        from xlsxtools.workbook.template import write_unit_workbook

        write_unit_workbook(table, out)

    if as_json:
        dicts = [t.to_dict() if t.columns is None else t.to_full_dict() for t in tables]
        click.echo(json.dumps(dicts[0] if len(dicts) == 1 else {"tables": dicts}, ensure_ascii=False, indent=2))
        return
    for n, t in enumerate(tables):
        _print_summary(t, src, out if n == 0 else None, last=n == len(tables) - 1)
    if out is not None:
        click.echo(f"已写出单位工作簿：{out}")
        if len(tables) > 1:
            first = tables[0].header.get("项目名称") or tables[0].unit.name
            click.echo(f"注意：文件中有 {len(tables)} 张表，-o 只写出了第一张（{first}）。")
    else:
        click.echo("未写出任何文件（用 -o 文件名 写出单位工作簿，或用 --json 输出 JSON）。")


def _print_summary(table, src: Path, out: Path | None, last: bool = True) -> None:  # table: TargetTable
    from rich.console import Console
    from rich.table import Table

    from xlsxtools.frameworks import FRAMEWORKS, TableKind
    from xlsxtools.profiles import profile_for

    console = Console(highlight=False)
    u = table.unit
    console.print(f"[bold]{u.name or '（未读到单位名称）'}[/bold]  年度：{u.year or '（未读到）'}  来源：{src}")
    if table.columns is None:
        console.print(f"填表人：{u.filled_by or '—'}  联系电话：{u.phone or '—'}  填表日期：{u.date or '—'}  "
                      f"单位负责人：{u.head or '—'}")
    else:
        console.print(f"表格类型：{TableKind(table.kind).label}  指标体系：{FRAMEWORKS[table.framework].label}")
        console.print(f"检查规则：{profile_for(table).describe()}")
        if table.header.get("项目名称"):
            console.print(f"项目名称：{table.header['项目名称']}")

    extra = [(k, t) for k, t in (("actual", "实际完成值"), ("own_score", "得分"), ("direction", "方向"))
             if table.has_column(k)]
    grid = Table(title=f"指标（{len(table.indicators)} 个）", show_lines=False)
    for title, justify in (("行", "right"), ("一级指标", "left"), ("二级指标", "left"), ("三级指标", "left"),
                           ("类型", "center"), ("指标值", "left"), ("单位", "left"), ("分值", "right"),
                           *((t, "left") for _, t in extra)):
        grid.add_column(title, justify=justify, overflow="fold")  # type: ignore[arg-type]
    for ind in table.indicators:
        grid.add_row(str(ind.origin.row or ""), ind.level1, ind.level2, ind.name, ind.type, ind.target, ind.unit,
                     _num(ind.weight), *(getattr(ind, k) for k, _ in extra))
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
    if not last:
        console.print()


def _num(value: Decimal | None) -> str:
    if value is None:
        return ""
    return format(value.normalize(), "f") if value == value.to_integral_value() else str(value)
