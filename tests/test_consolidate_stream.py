"""The summary's row sheets are written while the workbooks are still being read.

指标明细 and 问题清单 are filled in file order as results come back from the workers. These tests
check that this gives exactly what writing them afterwards gives, in both writer modes, that a
superseded duplicate never reaches 指标明细 (whether it is read before or after the copy that
counts), and the order of 问题清单: every workbook's own findings by file, then the
consolidation's findings (C001–C005), then those of no one workbook.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from test_consolidate import (
    sample_actuals,
    sample_table,
    sample_units,
    sheet,
    table_rows,
    write_broken,
    write_samples,
    write_unit,
)

from xlsxtools import layout
from xlsxtools.config import Config

ZW = "芷江侗族自治县政务服务中心"


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("stream")
    write_samples(d / "units")
    write_broken(d / "units")
    return d / "units"


def _reference(folder: Path, out: Path, roster: list[str] | None = None) -> None:
    """The same consolidation written afterwards in one go (summary.write_summary, no streaming)."""
    from xlsxtools.consolidate import core, runner, summary
    from xlsxtools.consolidate.records import RunInfo

    cfg = Config()
    details = {}
    results = []
    found = runner.discover([folder], exclude=[out])
    for path in found.files:
        res, det = runner.evaluate_path(path, cfg, digests=False)
        results.append(res)
        details[res.path] = det
    cons = core.aggregate(results, roster, "名册.txt" if roster is not None else None)
    summary.write_summary(out, cons, lambda u: details[u.path],
                          RunInfo(tool_version="test", skipped_files=list(found.skipped_files)))


@pytest.mark.parametrize("constant_memory", [False, True])
@pytest.mark.parametrize("jobs", [1, 2])
def test_streamed_rows_equal_rows_written_afterwards(folder, tmp_path, monkeypatch, constant_memory, jobs):
    from xlsxtools.consolidate import runner, summary

    monkeypatch.setattr(runner, "PARALLEL_MIN_FILES", 1)
    monkeypatch.setattr(summary, "CONSTANT_MEMORY_ROWS", 0 if constant_memory else 10**9)
    streamed, ref = tmp_path / "streamed.xlsx", tmp_path / "ref.xlsx"
    runner.consolidate([folder], streamed, jobs=jobs, config=Config())
    _reference(folder, ref)
    for name in (layout.CONS_SUMMARY_SHEET, layout.CONS_DETAIL_SHEET, layout.CONS_FINDINGS_SHEET,
                 layout.CONS_MISSING_SHEET, layout.CONS_CHARTS_SHEET):
        assert sheet(streamed, name) == sheet(ref, name), name
    _, detail = table_rows(streamed, layout.CONS_DETAIL_SHEET)
    # zhengfuban 18 + zhengwu 12 + dashuling indicators, each unit once, units in file order.
    units = [r["单位名称"] for r in detail]
    assert units.count(ZW) == 12
    order = list(dict.fromkeys(units))
    files = {r["单位名称"]: r["文件"] for r in table_rows(streamed, layout.CONS_SUMMARY_SHEET)[1] if r["文件"]}
    assert [files[u] for u in order] == sorted(files[u] for u in order)


def _old_copy(folder: Path, dest: Path) -> None:
    """An older submission of 政务服务中心 whose actuals differ (reason "旧版本" on every row)."""
    u = next(u for u in sample_units() if Path(u["source"]).stem == "zhengwu_2026")
    actuals = {name: (value, "旧版本") for name, (value, _) in sample_actuals(u).items()}
    write_unit(sample_table(u), actuals, u["budget"], u["spent"], dest)
    os.utime(dest, (1_600_000_000, 1_600_000_000))


@pytest.mark.parametrize("old_first", [True, False])
def test_superseded_duplicate_never_on_detail_sheet(tmp_path, monkeypatch, old_first):
    """The older copy read first (its rows were already streamed: the summary is written afresh)
    or read after the copy that counts (from then on 指标明细 waits for the duplicate check)."""
    from xlsxtools.consolidate import runner

    monkeypatch.setattr(runner, "PARALLEL_MIN_FILES", 1)
    units = tmp_path / "units"
    write_samples(units)
    # "a_旧版" sorts before the sample files, "旧版" after them.
    _old_copy(units, units / ("a_旧版" if old_first else "旧版") / "zhengwu_old.xlsx")
    out = tmp_path / "s.xlsx"
    rep = runner.consolidate([units], out, jobs=2, config=Config())
    assert rep.duplicates == 1 and rep.units == 3
    _, detail = table_rows(out, layout.CONS_DETAIL_SHEET)
    zw = [r for r in detail if r["单位名称"] == ZW]
    assert len(zw) == 12
    assert not any(r["偏差原因分析及改进措施"] == "旧版本" for r in detail)
    assert len(detail) == sum(len(sample_table(u).indicators) for u in sample_units())
    # The superseded copy's own findings are still listed (with its C001).
    _, findings = table_rows(out, layout.CONS_FINDINGS_SHEET)
    assert any(r["文件"].endswith("zhengwu_old.xlsx") and r["代码"] == "C001" for r in findings)
    # Same rows as writing everything afterwards.
    ref = tmp_path / "ref.xlsx"
    _reference(units, ref)
    for name in (layout.CONS_DETAIL_SHEET, layout.CONS_FINDINGS_SHEET):
        assert sheet(out, name) == sheet(ref, name), name


def test_findings_order_own_then_consolidation(tmp_path, monkeypatch):
    from xlsxtools.consolidate import runner

    monkeypatch.setattr(runner, "PARALLEL_MIN_FILES", 1)
    units = tmp_path / "units"
    write_samples(units)
    write_broken(units)
    shutil.copy(units / "zhengwu_2026.xlsx", units / "zz_copy.xlsx")
    os.utime(units / "zz_copy.xlsx", (1_600_000_000, 1_600_000_000))
    roster = tmp_path / "名册.txt"
    roster.write_text(f"{ZW}\n芷江侗族自治县财政局\n", encoding="utf-8")
    out = tmp_path / "s.xlsx"
    runner.consolidate([units], out, roster=roster, jobs=2, config=Config())
    _, rows = table_rows(out, layout.CONS_FINDINGS_SHEET)
    codes = [r["代码"] for r in rows]
    first_c = next(i for i, c in enumerate(codes) if c.startswith("C"))
    own, consolidation = rows[:first_c], rows[first_c:]
    assert all(r["代码"].startswith("C") for r in consolidation)
    assert {r["代码"] for r in consolidation} == {"C001", "C002", "C003"}
    # Own findings grouped by workbook, workbooks in file order.
    files = list(dict.fromkeys(r["文件"] for r in own))
    assert files == sorted(files)
    assert {Path(f).name for f in files} >= {"空文件.xlsx", "损坏.xlsx", "其他表格.xlsx", "zz_copy.xlsx"}
    assert codes[-1] == "C002"  # 财政局 on the roster has no workbook: not tied to one workbook, last


def test_summary_sheets_print_on_a4_with_titles_and_a_legible_scale(folder, tmp_path):
    """Every sheet has a page setup: A4; 总览 portrait one page wide; the wide table sheets landscape,
    header rows and the unit column repeated, never shrunk below 80% (column breaks instead);
    图表 on one page."""
    import re
    import zipfile

    from xlsxtools.consolidate import runner, summary

    out = tmp_path / "print.xlsx"
    runner.consolidate([folder], out, jobs=1, config=Config())
    with zipfile.ZipFile(out) as z:
        wb = z.read("xl/workbook.xml").decode()
        names = re.findall(r'<sheet name="([^"]+)"', wb)
        xml = {name: z.read(f"xl/worksheets/sheet{i}.xml").decode() for i, name in enumerate(names, start=1)}
    assert names[0] == layout.CONS_OVERVIEW_SHEET and names[1] == layout.CONS_SUMMARY_SHEET

    def setup(name: str) -> str:
        return re.search(r"<pageSetup [^>]*/>", xml[name]).group(0)

    for name in names:
        if name == layout.LISTS_SHEET:
            continue
        assert 'paperSize="9"' in setup(name), name
        assert "<headerFooter" in xml[name] and "第 &amp;P 页" in xml[name], name
    assert 'orientation="portrait"' in setup(layout.CONS_OVERVIEW_SHEET)
    assert 'fitToHeight="0"' in setup(layout.CONS_OVERVIEW_SHEET)  # one page wide (fitToWidth 1)
    for name in (layout.CONS_SUMMARY_SHEET, layout.CONS_DETAIL_SHEET):
        page = setup(name)
        assert 'orientation="landscape"' in page and 'scale="80"' in page, name
        assert "fitToPage" not in xml[name], name
        assert "<colBreaks" in xml[name], name
        i = names.index(name)
        assert re.search(rf'name="_xlnm.Print_Titles" localSheetId="{i}">[^<]*\$A:\$A,[^<]*\$1:\$2<', wb), name
    # 问题清单 is one page wide (its messages wrap), never below 80%: the message beside its unit
    page = setup(layout.CONS_FINDINGS_SHEET)
    assert 'orientation="landscape"' in page and 'fitToHeight="0"' in page and "scale=" not in page
    assert '<pageSetUpPr fitToPage="1"/>' in xml[layout.CONS_FINDINGS_SHEET]
    assert "<colBreaks" not in xml[layout.CONS_FINDINGS_SHEET]
    widths = [c.width for c in layout.CONS_FINDINGS_COLUMNS]
    assert summary.print_layout(widths, summary.A4_WIDTH_PT["landscape"]) == (0, [])
    assert sum(summary.column_points(w) for w in widths) * 0.8 <= summary.A4_WIDTH_PT["landscape"]
    # long messages running past 问题说明 print no extra pages: the print area ends at the last column
    i = names.index(layout.CONS_FINDINGS_SHEET)
    assert re.search(rf'name="_xlnm.Print_Area" localSheetId="{i}">[^<]*\$A\$1:\$G\$', wb)
    # 汇总 breaks before the level-1 scores, the budget or the total: the first break is at G (column 7).
    assert re.search(r'<colBreaks[^>]*><brk id="6"', xml[layout.CONS_SUMMARY_SHEET])
    charts = setup(layout.CONS_CHARTS_SHEET)
    assert 'orientation="landscape"' in charts and 'fitToHeight="1"' not in charts  # 1×1 is the default
    assert '<pageSetUpPr fitToPage="1"/>' in xml[layout.CONS_CHARTS_SHEET]


def test_rows_past_the_sheet_end_are_counted_and_reported(folder, tmp_path, monkeypatch):
    """A summary too long for one sheet (Excel's 1,048,576 rows; here 30) keeps a valid sheet, and
    the 说明 sheet and the command's report say how many rows were left out."""
    from click.testing import CliRunner

    from xlsxtools.cli import cli
    from xlsxtools.consolidate import runner, sheetxml

    monkeypatch.setattr(sheetxml, "MAX_ROW", 30)
    out = tmp_path / "cut.xlsx"
    rep = runner.consolidate([folder], out, jobs=1, config=Config())
    rows = sheet(out, layout.CONS_DETAIL_SHEET)
    assert len(rows) == 30 and rows[-1][0]
    full = tmp_path / "full.xlsx"
    monkeypatch.setattr(sheetxml, "MAX_ROW", 1_048_576)
    runner.consolidate([folder], full, jobs=1, config=Config())
    assert rows == sheet(full, layout.CONS_DETAIL_SHEET)[:30]
    left_out = len(sheet(full, layout.CONS_DETAIL_SHEET)) - 30
    assert any(layout.CONS_DETAIL_SHEET in n and f"{left_out:,} 行未列出" in n for n in rep.notes), rep.notes
    about = {r[0]: r[1] for r in sheet(out, layout.CONS_ABOUT_SHEET) if r and r[0]}
    assert f"{left_out:,} 行未列出" in about["备注"]
    monkeypatch.setattr(sheetxml, "MAX_ROW", 30)
    res = CliRunner().invoke(cli, ["consolidate", str(folder), "-o", str(tmp_path / "cli.xlsx")])
    assert res.exit_code == 0, res.output
    assert f"注意：“{layout.CONS_DETAIL_SHEET}”超出工作表的最大行数" in res.output


def test_a_unit_whose_rows_cannot_be_rendered_becomes_an_unreadable_row(folder, tmp_path, monkeypatch):
    from xlsxtools.consolidate import runner, summary

    real = summary.detail_rows

    def failing(u, detail):
        if u.unit_name == ZW:
            raise ValueError("boom")
        return real(u, detail)

    monkeypatch.setattr(summary, "detail_rows", failing)
    out = tmp_path / "s.xlsx"
    rep = runner.consolidate([folder], out, jobs=1, config=Config())
    _, rows = table_rows(out, layout.CONS_SUMMARY_SHEET)
    bad = next(r for r in rows if r["文件"].endswith("zhengwu_2026.xlsx"))
    assert bad["状态"] == "无法读取" and "写入汇总时出错" in bad["说明"] and "boom" in bad["说明"]
    assert rep.units >= 2  # the other units are consolidated
    _, detail = table_rows(out, layout.CONS_DETAIL_SHEET)
    assert detail and ZW not in {r["单位名称"] for r in detail}
