"""The unit template workbook: structure, validations, protection, text safety, determinism.

Re-read by independent readers: python-calamine (values, sheet names) and openpyxl (validations,
protection, names, styles). LibreOffice is in test_template_libreoffice.py.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from xlsxtools import layout
from xlsxtools.cli import cli
from xlsxtools.model import Indicator, TargetTable, UnitInfo
from xlsxtools.workbook.template import build_templates, build_unit_workbook, write_unit_workbook

openpyxl = pytest.importorskip("openpyxl")
python_calamine = pytest.importorskip("python_calamine")

TEMPLATE = layout.UNIT_TEMPLATE_FILE


def sample_table(n_extra: int = 0) -> TargetTable:
    """A small table written by hand (placeholders only), with a "=" type and a GRADE rule."""
    unit = UnitInfo(name="某某县某某局", year="2026", duties="负责全县某某工作。" * 20, goals="完成年度各项任务。",
                    filled_by="王某某", phone="13800000001", date="2026年1月15日", head="李某某",
                    business_review="同意", performance_review="同意")
    inds = [
        Indicator("产出指标", "数量指标", "办理文件数", "≥", "50", "篇", "全年办理文件数量",
                  "达到计划值得满分2分，否则按实际值/计划值*指标分值计分"),
        Indicator("成本指标", "经济成本指标", "公用经费", "=", "12.5", "万元", "全年公用经费",
                  "控制在预算范围内，得10分；每超出1%，扣1分，扣完为止"),
        Indicator("效益指标", "社会效益指标", "群众办事便利度", "定性", "效果明显", "", "",
                  "效果明显得5分，效果一般得3分，否则不得分"),
        Indicator("满意度指标", "服务对象满意度指标", "服务对象满意度", "≥", "95", "%", "问卷调查",
                  "满意度大于等于95%的得10分，小于95%且大于等于80%的得8分，小于80%不得分", "=备注以等号开头"),
    ]
    for i in range(n_extra):
        inds.append(Indicator("产出指标", "质量指标", f"指标{i + 1}", "≥", str(i + 1), "个", "", "达到计划值得满分1分"))
    return TargetTable(unit=unit, indicators=inds)


@pytest.fixture(scope="module")
def blank(tmp_path_factory) -> Path:
    return build_templates(tmp_path_factory.mktemp("tpl"))[0]


@pytest.fixture(scope="module")
def filled(tmp_path_factory) -> Path:
    return write_unit_workbook(sample_table(), tmp_path_factory.mktemp("unit") / "unit.xlsm")


def calamine_rows(path: Path, sheet: str) -> list[list]:
    wb = python_calamine.CalamineWorkbook.from_path(str(path))
    return wb.get_sheet_by_name(sheet).to_python(skip_empty_area=False)


def dvs(ws) -> dict[str, object]:
    """sqref of the first range's first column letter → validation (one per column in the grid)."""
    return {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}


# ---------------------------------------------------------------------------------------------
# Blank template
# ---------------------------------------------------------------------------------------------


def test_template_file_name_and_sheets(blank: Path):
    assert blank.name == "绩效目标表模板.xlsm"
    wb = python_calamine.CalamineWorkbook.from_path(str(blank))
    assert wb.sheet_names[:6] == ["目标表", "实际完成", "运行监控", "检查结果", "导入", "下拉列表"]
    # the VBA packaging (xlsxtools.vba.package) adds its very hidden xlwings.conf sheet, nothing else
    assert set(wb.sheet_names[6:]) <= {layout.XLWINGS_CONF_SHEET}
    meta = {s.name: str(s.visible) for s in wb.sheets_metadata}
    assert "Hidden" in meta["下拉列表"] and "Visible" in meta["目标表"]


def test_xlsm_content_type(blank: Path):
    with zipfile.ZipFile(blank) as z:
        ct = z.read("[Content_Types].xml").decode()
    assert "application/vnd.ms-excel.sheet.macroEnabled.main+xml" in ct


def test_targets_sheet_titles_at_layout_positions(blank: Path):
    rows = calamine_rows(blank, "目标表")
    assert rows[0][0] == "部门（单位）整体支出绩效目标表"
    assert [rows[r][0] for r in (1, 2, 3, 4)] == ["部门（单位）名称", "年度", "部门（单位）职责", "年度履职目标"]
    assert rows[5][:9] == ["一级指标", "二级指标", "三级指标", "指标值类型", "指标值", "计量单位", "指标解释",
                           "评（扣）分标准", "备注"]
    # 30 blank grid rows 7..36, gap row 37, footer from row 38 (A/C and F/H)
    assert all(v == "" for r in rows[6:37] for v in r)
    assert rows[37][0] == "业务股室审核" and rows[37][5] == "绩效股审核"
    assert rows[38][0] == "填表人" and rows[38][5] == "联系电话"
    assert rows[39][0] == "填表日期" and rows[39][5] == "单位负责人"


def test_actuals_sheet_titles_and_links(blank: Path):
    rows = calamine_rows(blank, "实际完成")
    assert rows[0][0] == "部门（单位）整体支出绩效自评表"
    assert rows[1][0] == "部门（单位）名称"
    assert rows[2][:2] == ["全年预算数（万元）", "全年执行数（万元）"]
    assert rows[2][2] == "预算执行率" and "总分" in rows[2] and "等级" in rows[2]
    assert rows[5] == ["一级指标", "二级指标", "三级指标", "指标值类型", "年度指标值", "计量单位", "实际完成值",
                       "分值", "得分", "偏差原因分析及改进措施"]
    ws = openpyxl.load_workbook(blank)["实际完成"]
    assert ws["A7"].value == "=IF('目标表'!A7=\"\",\"\",'目标表'!A7)"
    assert ws["E36"].value == "=IF('目标表'!E36=\"\",\"\",'目标表'!E36)"
    assert ws["C2"].value == "=IF('目标表'!C2=\"\",\"\",'目标表'!C2)"
    assert ws["G7"].value is None and ws["J7"].value is None  # inputs
    assert ws["H7"].value is None and ws["I7"].value is None  # 分值/得分: written by Python later
    assert ws["A37"].value is None  # grid ends with the 目标表 grid
    assert ws["C4"].value.startswith("=") and "B4/A4" in ws["C4"].value


def test_report_and_import_sheets(blank: Path):
    rows = calamine_rows(blank, "检查结果")
    assert rows[0][0] == "检查结果"
    assert rows[2] == ["级别", "代码", "工作表", "单元格", "问题说明"]
    rows = calamine_rows(blank, "导入")
    assert rows[0][0] == "导入旧表" and "粘贴" in rows[1][0]
    ws = openpyxl.load_workbook(blank)["导入"]
    assert ws["A4"].protection.locked is False and ws["L203"].protection.locked is False
    assert ws["A1"].protection.locked is True


def test_lists_sheet_and_defined_names(blank: Path):
    rows = calamine_rows(blank, "下拉列表")
    assert rows[0][:3] == ["xlsxtools-layout", "2", "unit"]
    col = {rows[1][i]: [r[i] for r in rows[2:] if r[i] != ""] for i in range(len(rows[1]))}
    assert rows[1][0] == "一级指标" and col["一级指标"] == ["成本指标", "产出指标", "效益指标", "满意度指标"]
    assert col["指标值类型"] == ["≥", ">", "=", "≤", "<", "定性"]
    assert [r[2] for r in rows[2:5]] == ["数量指标", "质量指标", "时效指标"]  # xt_level2_2 = 产出指标
    wb = openpyxl.load_workbook(blank)
    names = {n: d.attr_text for n, d in wb.defined_names.items()}
    assert names["XLSXTOOLS_LAYOUT"] == "'下拉列表'!$B$1"
    assert names["xt_level1"] == "'下拉列表'!$A$3:$A$6"
    assert names["xt_level2_2"] == "'下拉列表'!$C$3:$C$5"
    assert names["xt_level2_4"] == "'下拉列表'!$E$3"
    assert names["xt_types"] == "'下拉列表'!$F$3:$F$8"
    assert {"xt_grades", "xt_levels", "xt_direct", "xt_level2_1", "xt_level2_3"} <= set(names)
    lists = wb["下拉列表"]
    assert lists["F5"].value == "=" and lists["F5"].data_type == "s"


def test_validations_on_targets(blank: Path):
    ws = openpyxl.load_workbook(blank, keep_vba=True)["目标表"]
    v = dvs(ws)
    assert v["A7:A36"].type == "list" and v["A7:A36"].formula1 == "xt_level1"
    assert v["B7:B36"].type == "list"
    assert v["B7:B36"].formula1 == 'INDIRECT("xt_level2_"&MATCH($A7,xt_level1,0))'
    assert v["D7:D36"].type == "list" and v["D7:D36"].formula1 == "xt_types"
    assert v["E7:E36"].type == "custom" and v["E7:E36"].formula1 == 'OR($D7="",$D7="定性",ISNUMBER(E7))'
    assert v["F7:F36"].type == "custom"
    for ref in ("C7:C36", "G7:G36", "H7:H36", "I7:I36"):  # free text with an input message
        assert v[ref].type is None and v[ref].showInputMessage and v[ref].prompt
    for dv in v.values():
        assert dv.showInputMessage and dv.prompt and dv.promptTitle
    assert v["C3"].type == "whole" and (v["C3"].formula1, v["C3"].formula2) == ("2000", "2100")
    assert v["H39"].promptTitle == "联系电话"  # footer value cells carry their prompt too
    assert v["A7:A36"].showErrorMessage and v["A7:A36"].error


def test_validations_on_actuals(blank: Path):
    ws = openpyxl.load_workbook(blank)["实际完成"]
    v = dvs(ws)
    assert v["G7:G36"].type is None and "实际完成值" in v["G7:G36"].promptTitle
    assert v["J7:J36"].prompt
    assert v["A4"].type == "decimal" and v["A4"].operator == "greaterThanOrEqual" and v["A4"].formula1 == "0"
    assert v["B4"].type == "decimal"


def test_protection_everywhere_and_unlocked_inputs(blank: Path):
    wb = openpyxl.load_workbook(blank, keep_vba=True)
    assert wb.security.lockStructure is True and wb.security.workbookPassword
    for ws in wb.worksheets:
        assert ws.protection.sheet is True, ws.title
        assert ws.protection.password == wb["目标表"].protection.password  # one layout password
    t = wb["目标表"]
    assert t.protection.insertRows is False  # users may insert grid rows
    for ref in ("A1", "A2", "A6", "I6", "A38", "F40"):
        assert t[ref].protection.locked is True, ref
    for ref in ("C2", "C3", "C5", "A7", "E7", "I36", "C38", "H38", "H40"):
        assert t[ref].protection.locked is False, ref
    a = wb["实际完成"]
    for ref in ("A7", "E7", "H7", "I7", "C2", "C4", "A3"):
        assert a[ref].protection.locked is True, ref
    for ref in ("G7", "J7", "G36", "A4", "B4"):
        assert a[ref].protection.locked is False, ref
    assert wb["下拉列表"].sheet_state == "hidden"


def test_protection_password_is_the_layout_password(blank: Path):
    from openpyxl.utils.protection import hash_password

    wb = openpyxl.load_workbook(blank)
    assert wb["目标表"].protection.password == hash_password(layout.PROTECTION_PASSWORD)
    assert wb.security.workbookPassword == hash_password(layout.PROTECTION_PASSWORD)


def test_official_form_look(blank: Path):
    wb = openpyxl.load_workbook(blank)
    t = wb["目标表"]
    assert t["A1"].font.name == "黑体" and t["A1"].font.sz == 16
    assert t["A7"].font.name == "宋体" and t["H7"].alignment.wrap_text
    assert t["A7"].border.left.style == "thin" and t["I36"].border.bottom.style == "thin"
    assert "A1:I1" in {str(r) for r in t.merged_cells.ranges}
    assert "C4:I4" in {str(r) for r in t.merged_cells.ranges}
    assert t.freeze_panes == "A7"
    assert t.column_dimensions["H"].width == 40 and t.column_dimensions["C"].width == 24
    assert t.page_setup.orientation == "landscape" and int(t.page_setup.paperSize) == 9  # A4
    assert t.sheet_properties.pageSetUpPr.fitToPage and t.page_setup.fitToWidth == 1
    assert t.print_title_rows == "$6:$6"
    assert t.print_area == "'目标表'!$A$1:$I$40"
    assert wb["实际完成"].freeze_panes == "A7" and wb["实际完成"].print_title_rows == "$6:$6"
    assert t["D7"].number_format == "@"  # typing "=" stays text


# ---------------------------------------------------------------------------------------------
# Written from a table
# ---------------------------------------------------------------------------------------------


def test_table_is_written_and_read_back(filled: Path):
    rows = calamine_rows(filled, "目标表")
    assert rows[1][2] == "某某县某某局"
    assert rows[2][2] == 2026  # year as a number
    assert rows[6][:8] == ["产出指标", "数量指标", "办理文件数", "≥", 50, "篇", "全年办理文件数量",
                           "达到计划值得满分2分，否则按实际值/计划值*指标分值计分"]
    assert rows[7][3:6] == ["=", 12.5, "万元"]
    assert rows[8][3:6] == ["定性", "效果明显", ""]
    assert rows[9][8] == "=备注以等号开头"
    # default grid (4 indicators + spares < 30): footer at 38
    assert rows[38][0] == "填表人" and rows[38][2] == "王某某" and rows[38][7] == "13800000001"
    assert rows[39][2] == "2026年1月15日" and rows[39][7] == "李某某"


def test_equals_sign_is_text_never_a_formula(filled: Path):
    wb = openpyxl.load_workbook(filled)
    t = wb["目标表"]
    assert t["D8"].value == "=" and t["D8"].data_type == "s"
    assert t["I10"].value == "=备注以等号开头" and t["I10"].data_type == "s"
    with zipfile.ZipFile(filled) as z:
        sheet1 = z.read("xl/worksheets/sheet1.xml").decode()
    assert '<c r="D8" s=' in sheet1
    cell = sheet1.split('<c r="D8"')[1].split("</c>")[0]
    assert "<f>" not in cell and ('t="s"' in cell or 't="inlineStr"' in cell)


def test_formula_injection_in_unit_name_stays_text(tmp_path: Path):
    table = sample_table()
    table.unit.name = '=HYPERLINK("http://example.invalid","x")'
    out = write_unit_workbook(table, tmp_path / "u.xlsx")
    c = openpyxl.load_workbook(out)["目标表"]["C2"]
    assert c.data_type == "s" and c.value == table.unit.name


def test_grid_grows_with_the_table(tmp_path: Path):
    table = sample_table(n_extra=36)  # 40 indicators → 45 grid rows (7..51), footer from 53
    wb = build_unit_workbook(table)
    t = wb["目标表"]
    assert t["A53"].value == "业务股室审核" and t["A55"].value == "填表日期"
    assert t["C46"].value == "指标36" and t["C47"].value is None
    v = dvs(t)
    assert "A7:A51" in v and "B7:B51" in v
    assert wb["实际完成"]["C51"].value == "=IF('目标表'!C51=\"\",\"\",'目标表'!C51)"
    assert wb["实际完成"]["C52"].value is None
    assert build_unit_workbook(None, grid_rows=10)["目标表"]["A18"].value == "业务股室审核"


def test_grade_rule_row_gets_a_choice_list(filled: Path):
    pytest.importorskip("xlsxtools.rules")
    v = dvs(openpyxl.load_workbook(filled)["实际完成"])
    # row 9 (3rd indicator) is "效果明显得5分，效果一般得3分，否则不得分"
    assert v["G9"].type == "list" and v["G9"].formula1 == "xt_grades"
    assert v["G7:G8 G10:G36"].type is None


def test_long_header_text_gets_a_taller_row(filled: Path):
    t = openpyxl.load_workbook(filled)["目标表"]
    assert t.row_dimensions[4].height > t.row_dimensions[2].height  # duties: 180 CJK characters


# ---------------------------------------------------------------------------------------------
# Determinism and the command
# ---------------------------------------------------------------------------------------------


def test_build_is_byte_for_byte_reproducible(tmp_path: Path):
    a = build_templates(tmp_path / "a")[0].read_bytes()
    b = build_templates(tmp_path / "b")[0].read_bytes()
    assert a == b
    with zipfile.ZipFile(tmp_path / "a" / TEMPLATE) as z:
        core = z.read("docProps/core.xml").decode()
        assert all(i.date_time == (1980, 1, 1, 0, 0, 0) for i in z.infolist())
    assert "2026-01-01T00:00:00Z" in core


def test_cli_template_build(tmp_path: Path):
    res = CliRunner().invoke(cli, ["template", "build", "-o", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "out" / TEMPLATE).is_file()
    assert str(tmp_path / "out") in res.output


def test_cli_template_build_default_dir_is_found_from_cwd(tmp_path: Path, monkeypatch):
    repo = tmp_path / "repo"
    (repo / "workbook_templates").mkdir(parents=True)
    (repo / "pyproject.toml").write_text("[project]\nname='x'\n")
    (repo / "sub" / "deeper").mkdir(parents=True)
    monkeypatch.chdir(repo / "sub" / "deeper")
    res = CliRunner().invoke(cli, ["template", "build"])
    assert res.exit_code == 0, res.output
    assert (repo / "workbook_templates" / TEMPLATE).is_file()
    assert not (repo / "sub" / "deeper" / "workbook_templates").exists()


def test_template_build_sets_the_interpreter_for_it(tmp_path):
    """IT chooses the Python the buttons start; it lands in the very hidden xlwings.conf sheet of both templates."""
    import python_calamine
    from click.testing import CliRunner

    from xlsxtools.cli import cli

    res = CliRunner().invoke(cli, ["template", "build", "-o", str(tmp_path),
                                   "--interpreter-win", r"C:\xlsxtools\venv\Scripts\python.exe"])
    assert res.exit_code == 0, res.output
    for name in (layout.UNIT_TEMPLATE_FILE, layout.SUMMARY_TEMPLATE_FILE):
        book = python_calamine.CalamineWorkbook.from_path(str(tmp_path / name))
        conf = {r[0]: r[1] for r in book.get_sheet_by_name(layout.XLWINGS_CONF_SHEET).to_python()}
        assert conf["Interpreter_Win"] == r"C:\xlsxtools\venv\Scripts\python.exe"
        assert conf["Interpreter_Mac"].endswith("python3")  # the default stays
    res = CliRunner().invoke(cli, ["template", "build", "-o", str(tmp_path / "none"), "--no-interpreter"])
    assert res.exit_code == 0, res.output
    book = python_calamine.CalamineWorkbook.from_path(str(tmp_path / "none" / layout.UNIT_TEMPLATE_FILE))
    keys = {r[0] for r in book.get_sheet_by_name(layout.XLWINGS_CONF_SHEET).to_python()}
    assert "Interpreter_Win" not in keys and "Interpreter_Mac" not in keys
    res = CliRunner().invoke(cli, ["template", "build", "-o", str(tmp_path), "--no-interpreter",
                                   "--interpreter-mac", "/x"])
    assert res.exit_code != 0 and "--no-interpreter" in res.output
