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
              help="Write a unit workbook (from the template) holding the imported table to this file.")
@click.option("--json", "as_json", is_flag=True,
              help="Print the imported table as JSON: unit, indicators and findings.")
def command(src: Path, out: Path | None, as_json: bool) -> None:
    """Import an existing target table from SRC.

    SRC can be a Word table copied as text (.txt/.tsv, UTF-8 or GB18030), a markdown pipe table
    (.md), a workbook (.xlsx/.xlsm/.xls/.xlsb/.ods; the sheet holding the table is found
    automatically), a Word document (.docx), a saved web page (.html), a PDF with ruled tables
    (.pdf), or a legacy .doc/.wps/.et file (converted by LibreOffice when it is installed).

    Besides the unit template's own form it reads 项目支出绩效目标表, 部门/项目 绩效自评表 and
    绩效运行监控表 of any province, in the 2021, 2015-2020 and 2013 indicator frameworks; the
    table kind, framework and check profile are printed (code I009). A file with several
    projects yields several tables (all shown; -o writes the first).

    Cells are read by their content, so shifted rows, lost merged cells, points written into
    the level-1 cell and header synonyms are repaired; every repair is listed as a finding
    (codes I001-I008) so you can review it. SRC itself is never changed.

    \b
    Examples:
      xlsxtools import old_table.txt                 # show what was read, write nothing
      xlsxtools import old_table.docx -o unit.xlsm   # write a unit workbook
      xlsxtools import old_table.xlsx --json         # machine-readable output
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
