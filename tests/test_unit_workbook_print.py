"""The unit workbook as people see it: row heights, why a total is missing, 检查结果's order and
wrapping, the page setups of 导入 and of the summary template's 汇总设置, rendered by LibreOffice."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import libreoffice
import openpyxl
import pytest
from test_consolidate import sample_actuals, sample_table, sample_units, write_unit
from test_summary_print import pdf_text

from xlsxtools import layout

TOTAL = f"{layout.BUDGET_COL['total']}{layout.BUDGET_VALUE_ROW}"


@pytest.fixture(scope="module")
def dashuling(tmp_path_factory) -> Path:
    """大树岭乡: one indicator (the nameless row 19) has no actual → incomplete."""
    d = tmp_path_factory.mktemp("unit")
    u = next(u for u in sample_units() if "dashuling" in u["source"])
    src = write_unit(sample_table(u), sample_actuals(u), u["budget"], u["spent"], d / "dashuling.xlsx")
    out = d / "scored.xlsx"
    r = subprocess.run([sys.executable, "-m", "xlsxtools.cli", "score", str(src), "--write", "-o", str(out)],
                       capture_output=True, text=True, timeout=300)
    assert out.is_file(), r.stderr
    return out


def test_incomplete_total_says_why_in_its_cell(dashuling):
    ws = openpyxl.load_workbook(dashuling)[layout.ACTUALS_SHEET]
    assert ws[TOTAL].value == "1项未计分"
    assert ws[f"{layout.BUDGET_COL['grade']}{layout.BUDGET_VALUE_ROW}"].value in (None, "")
    # the whole reason, with the partial sum (77.84 + 10.00 = 87.84 by hand, tests/test_scoring_samples.py)
    assert "1 项指标未能计分" in ws[TOTAL].comment.text and "87.84" in ws[TOTAL].comment.text


def test_actuals_rows_fit_their_linked_text():
    from xlsxtools.workbook.template import build_unit_workbook

    table = sample_table(next(u for u in sample_units() if "zhengwu" in u["source"]))
    i = next(k for k, ind in enumerate(table.indicators) if ind.type == "定性" and len(ind.target) >= 10)
    table.indicators[1] = replace(table.indicators[1], level2="服务对象满意度指标（群众评价）")
    wb = build_unit_workbook(table)
    ws = wb[layout.ACTUALS_SHEET]
    first = layout.ACTUAL_FIRST_ROW
    # a long level 2 in a 13-wide column: 17 CJK characters = 34 units → 3 lines
    assert ws.row_dimensions[first + 1].height == pytest.approx(3 * 13.5 + 4)
    # 运行监控 shows the same linked texts in columns as wide: the same height
    assert wb[layout.MONITOR_SHEET].row_dimensions[layout.MONITOR_FIRST_ROW + 1].height == pytest.approx(3 * 13.5 + 4)
    # a deadline (e.g. 2026年12月31日前) in the 12-wide target column wraps to 2 lines at least
    assert ws.row_dimensions[first + i].height >= 2 * 13.5
    # an ordinary row keeps the default height
    plain = next(k for k, ind in enumerate(table.indicators) if k not in (1, i) and len(ind.name) <= 8
                 and ind.type != "定性")
    assert ws.row_dimensions[first + plain].height is None


def test_import_and_summary_settings_sheets_have_a_page_setup(tmp_path):
    from xlsxtools.vba.summary_template import build_summary_template
    from xlsxtools.workbook.template import build_unit_workbook

    for ws in (build_unit_workbook(None)[layout.IMPORT_SHEET], build_summary_template()[layout.SUMMARY_SHEET]):
        assert int(ws.page_setup.paperSize) == 9 and ws.page_setup.orientation == "landscape"  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
        assert ws.page_setup.fitToHeight == 0
        assert "&P" in ws.oddFooter.center.text


def test_unit_workbook_renders_with_the_reason_and_errors_first(tmp_path):
    libreoffice.require()
    from xlsxtools.checks import run_checks
    from xlsxtools.workbook.annotate_edge import annotate_workbook
    from xlsxtools.workbook.reader import read_unit_workbook

    u = next(u for u in sample_units() if "dashuling" in u["source"])
    src = write_unit(sample_table(u), sample_actuals(u), u["budget"], u["spent"], tmp_path / "u.xlsx")
    subprocess.run([sys.executable, "-m", "xlsxtools.cli", "score", str(src), "--write", "-o", str(tmp_path / "s.xlsx")],
                   capture_output=True, timeout=300)
    uw = read_unit_workbook(tmp_path / "s.xlsx")
    out = annotate_workbook(tmp_path / "s.xlsx", run_checks(uw.table, uw.actuals), tmp_path / "checked.xlsx")
    pages = pdf_text(libreoffice.convert(out, "pdf", tmp_path / "pdf"))
    actuals = next(p for p in pages if "偏差原因分析及改进措施" in p)
    assert "1项未计分" in actuals.replace(" ", "")
    report = next(p for p in pages if layout.REPORT_TITLE in p)
    lines = [ln.split()[0] for ln in report.splitlines() if ln.split() and ln.split()[0] in ("错误", "警告", "提示")]
    assert lines and lines == sorted(lines, key=["错误", "警告", "提示"].index)
    assert "错误" in lines and "警告" in lines


def test_saved_unit_workbook_rows_fit_the_deviation_reasons(dashuling):
    ws = openpyxl.load_workbook(dashuling)[layout.ACTUALS_SHEET]
    r = layout.ACTUAL_FIRST_ROW  # 预算成本: "防汛抢险追加支出，超出预算约2.3%" = 34 units in the 30-wide column → 2 lines
    assert ws[f"{layout.ACTUAL_COL['reason']}{r}"].value.startswith("防汛抢险")
    assert ws.row_dimensions[r].height == pytest.approx(2 * 13.5 + 3)


def test_saved_monitoring_rows_fit_their_measures(tmp_path):
    from xlsxtools.workbook.edit import open_workbook, save_workbook
    from xlsxtools.workbook.template import write_unit_workbook

    table = sample_table(next(u for u in sample_units() if "zhengwu" in u["source"]))
    src = write_unit_workbook(table, tmp_path / "u.xlsm")
    wb = open_workbook(src)
    ws = wb[layout.MONITOR_SHEET]
    r = layout.MONITOR_FIRST_ROW + 2
    # 50 CJK characters = 100 units in the 36-wide 原因说明及纠偏措施 column → 3 lines
    ws[f"{layout.MONITOR_COL['measures']}{r}"] = "已协调县交通运输局增派巡查人员并开展联合巡查，预计九月底前完成全年任务，另行增加宣传活动两次以提高知晓率"[:50]
    save_workbook(wb, tmp_path / "filled.xlsm")
    back = openpyxl.load_workbook(tmp_path / "filled.xlsm")[layout.MONITOR_SHEET]
    assert back.row_dimensions[r].height >= 3 * 13.5
    assert back.row_dimensions[r + 1].height in (None, 15.0) or back.row_dimensions[r + 1].height < 2 * 13.5
