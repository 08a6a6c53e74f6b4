"""``xlsxtools report SUMMARY.xlsx|DIR -o 报告.docx``: the analysis report as a Word document."""

from __future__ import annotations

import sys

import click


@click.command("report")
@click.argument("source", type=click.Path(exists=True))
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False),
              help="要写入的报告文件（.docx）。")
@click.option("--year", default="", help="报告标题中的年度，如 2026。")
@click.option("--title", default="", help="报告标题（默认“部门整体支出绩效自评汇总分析”）。")
@click.option("--roster", type=click.Path(exists=True, dir_okay=False),
              help="名册（SOURCE 是文件夹时使用）：文本每行一个单位，或 CSV/XLSX 第一列。")
@click.option("--baseline", type=click.Path(exists=True),
              help="核定基线（SOURCE 是文件夹时使用）：核定工作簿所在文件夹或 xlsxtools baseline 生成的文件。")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False),
              help="配置文件 TOML（SOURCE 是文件夹时使用；默认当前目录的 xlsxtools.toml）。")
def command(source: str, output: str, year: str, title: str, roster: str | None, baseline: str | None,
            config_path: str | None) -> None:
    """根据汇总结果生成部门整体支出绩效自评汇总分析报告（Word 初稿）。

    SOURCE 是 xlsxtools consolidate 生成的汇总文件（.xlsx），或单位工作簿所在的文件夹（先汇总再出报告）。
    报告包括：总体情况、等级分布和得分图、得分最高和最低的单位、未完成目标最多的指标、最常见的问题、
    目标被改动的单位、未提交的单位、预算执行情况，以及每个单位的绩效自评报告初稿（评价结论、存在问题、
    改进措施，各不超过 200 字）。
    """
    from xlsxtools.report.run import make_report

    res = make_report(source, output, roster=roster, baseline=baseline, config_path=config_path, year=year,
                      title=title)
    c = res.counts
    click.echo(f"已生成分析报告 → {res.output}\n  单位 {c.get('units', 0)} 个（自评完整 {c.get('complete', 0)} 个），"
               f"未提交 {c.get('missing', 0)} 个，目标被改动 {c.get('tampered', 0)} 个", file=sys.stderr)
