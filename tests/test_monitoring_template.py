"""The 运行监控 sheet of the unit template: layout, links to 目标表, formulas, validations and
protection (openpyxl), and the same sheet opened in LibreOffice, which computes its formulas and
evaluates its validations (Detective ▸ Mark invalid data)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from test_excel_support import sample_table

from xlsxtools import layout
from xlsxtools.workbook.template import write_unit_workbook

M = layout.MONITOR_SHEET


@pytest.fixture(scope="module")
def unit(tmp_path_factory) -> Path:
    return write_unit_workbook(sample_table(), tmp_path_factory.mktemp("t") / "u.xlsm")


def test_band_titles_formulas_and_inputs(unit):
    ws = openpyxl.load_workbook(unit, keep_vba=True)[M]
    assert ws["A1"].value == "部门（单位）整体支出绩效运行监控表"
    assert [ws.cell(3, c).value for c in range(1, 8)] == [
        "监控期间", "年初预算数（万元）", "全年预算数（万元）", "1-N月执行数（万元）", "执行率", "序时进度", "全年预计执行数（万元）"]
    assert ws["E4"].value == '=IF(OR(C4="",D4=""),"",IFERROR(D4/C4,""))'
    assert ws["F4"].value == '=IF(A4="","",IFERROR(MATCH(A4,xt_periods,0)/12,""))'
    assert ws["C2"].value == "=IF('目标表'!C2=\"\",\"\",'目标表'!C2)"
    unlocked = {ref for ref in ("A4", "B4", "C4", "D4", "E4", "F4", "G4") if not ws[ref].protection.locked}
    assert unlocked == {"A4", "B4", "C4", "D4", "G4"}
    assert [ws.cell(6, c).value for c in range(1, 12)] == [
        "一级指标", "二级指标", "三级指标", "指标值类型", "年度指标值", "计量单位", "1-N月实际完成值", "全年预计完成值",
        "偏差原因", "完成目标可能性", "原因说明及纠偏措施"]
    # row 7 belongs to 目标表 row 7, column by column; the inputs G:K are unlocked
    assert ws["C7"].value == "=IF('目标表'!C7=\"\",\"\",'目标表'!C7)"
    assert ws["E36"].value == "=IF('目标表'!E36=\"\",\"\",'目标表'!E36)"
    assert [ws[f"{c}7"].protection.locked for c in "ABCDEFGHIJK"] == [True] * 6 + [False] * 5
    assert ws.protection.sheet and ws.protection.password
    assert ws.freeze_panes == "A7" and ws.print_title_rows == "$6:$6"


def test_validations(unit):
    ws = openpyxl.load_workbook(unit, keep_vba=True)[M]
    v = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    assert v["A4"].type == "list" and v["A4"].formula1 == "xt_periods"
    for ref in ("B4", "C4", "D4", "G4"):
        assert v[ref].type == "decimal" and v[ref].operator == "greaterThanOrEqual" and v[ref].formula1 == "0"
    assert v["I7:I36"].formula1 == "xt_causes" and v["J7:J36"].formula1 == "xt_likelihoods"
    for ref in ("G7:G36", "H7:H36", "K7:K36"):
        assert v[ref].type is None and v[ref].showInputMessage and v[ref].prompt
    wb = openpyxl.load_workbook(unit)
    names = {n: d.attr_text for n, d in wb.defined_names.items()}
    assert names["xt_periods"] == "'下拉列表'!$J$3:$J$14"
    assert names["xt_causes"] == "'下拉列表'!$K$3:$K$7"
    assert names["xt_likelihoods"] == "'下拉列表'!$L$3:$L$5"
    lists = wb[layout.LISTS_SHEET]
    assert [lists[f"J{r}"].value for r in (3, 9, 14)] == ["1月", "1-7月", "1-12月"]
    assert [lists[f"K{r}"].value for r in range(3, 8)] == ["经费保障", "制度保障", "人员保障", "硬件条件保障", "其他"]
    assert [lists[f"L{r}"].value for r in range(3, 6)] == ["确定能", "有可能", "完全不可能"]


LO = r'''
def main(args):
    doc = load(args["path"])
    try:
        m = doc.Sheets.getByName(args["sheet"])
        out = {"protected": m.isProtected(), "name": m.getCellRangeByName("C2").String,
               "linked": [m.getCellRangeByName(r).String for r in ("C7", "E7", "C18", "D18")]}
        m.unprotect(args["password"])
        for ref, value in args["numbers"]:
            m.getCellRangeByName(ref).Value = value
        for ref, text in args["texts"]:
            m.getCellRangeByName(ref).String = text
        doc.calculateAll()
        out["rate"] = m.getCellRangeByName("E4").Value
        out["schedule"] = m.getCellRangeByName("F4").Value
        def marks():
            m.clearArrows()
            m.showInvalid()
            return m.DrawPage.Count
        out["valid"] = marks()
        m.getCellRangeByName("J7").String = "大概能"
        m.getCellRangeByName("A4").String = "上半年"
        out["invalid"] = marks()
        return out
    finally:
        doc.close(True)
'''


def test_libreoffice_computes_the_schedule_and_checks_the_lists(unit):
    from libreoffice import run_uno

    got = run_uno(LO, {"path": str(unit), "sheet": M, "password": layout.PROTECTION_PASSWORD,
                       "numbers": [["C4", 419.72], ["D4", 180.5]],
                       "texts": [["A4", "1-7月"], ["J7", "有可能"], ["I7", "经费保障"]]})
    assert got["protected"] and got["name"] == "芷江侗族自治县政务服务中心"
    assert got["linked"] == ["设置政务服务窗口数", "98", "预算成本", "≤"]
    assert got["rate"] == pytest.approx(180.5 / 419.72) and got["schedule"] == pytest.approx(7 / 12)
    assert got["valid"] == 0 and got["invalid"] == 2  # a likelihood and a period not in their lists
