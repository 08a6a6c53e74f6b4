"""The unit template opened in LibreOffice headless: validations and protection survive and work.

LibreOffice evaluates the validations itself (Tools ▸ Detective ▸ Mark invalid data, i.e.
``XSheetAuditing.showInvalid``), so the dependent level-2 list is checked by behaviour: a level 2
that belongs to the row's level 1 passes, one from another level 1 is marked invalid.

Not covered by LibreOffice 7.4: workbook *structure* protection is not imported from .xlsx (its
own xlsx export drops it too), so that flag is checked with openpyxl in test_template.py.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import libreoffice
import pytest
from test_template import sample_table

from xlsxtools import layout
from xlsxtools.workbook.template import build_templates, write_unit_workbook

INSPECT = r'''
def main(args):
    doc = load(args["path"])
    out = {"sheets": list(doc.Sheets.ElementNames)}
    sheets = [doc.Sheets.getByName(n) for n in out["sheets"]]
    out["protected"] = {s.Name: s.isProtected() for s in sheets}
    out["visible"] = {s.Name: s.IsVisible for s in sheets}
    t = doc.Sheets.getByName(args["targets"])
    a = doc.Sheets.getByName(args["actuals"])

    def validation(sheet, ref):
        v = sheet.getCellRangeByName(ref).Validation
        return {"type": v.Type.value, "formula1": v.getFormula1(), "show_input": v.ShowInputMessage,
                "input_title": v.InputTitle, "show_error": v.ShowErrorMessage}

    out["validations"] = {ref: validation(t, ref) for ref in args["target_cells"]}
    out["actual_validations"] = {ref: validation(a, ref) for ref in args["actual_cells"]}
    out["linked"] = {ref: a.getCellRangeByName(ref).String for ref in args["linked_cells"]}
    out["names"] = sorted(doc.NamedRanges.ElementNames)

    # The password: a wrong one does not open the sheet, the layout one does.
    try:
        t.unprotect("wrong-password")
        out["wrong_password_opens"] = not t.isProtected()
    except Exception:
        out["wrong_password_opens"] = False
    t.unprotect(args["password"])
    out["right_password_opens"] = not t.isProtected()

    # Let LibreOffice evaluate the validations of the grid.
    def invalid_marks():
        t.clearArrows()
        t.showInvalid()
        return t.DrawPage.Count

    checks = {"as_built": invalid_marks()}
    for name, ref, value in args["edits"]:
        cell = t.getCellRangeByName(ref)
        old = cell.getFormula()  # restores numbers as numbers
        cell.setString(value)
        checks[name] = invalid_marks()
        cell.setFormula(old)
    out["invalid_marks"] = checks
    # The dependent list itself, evaluated as a formula on the row whose level 1 is set.
    probe = t.getCellRangeByName("K7")
    probe.setFormula('=INDEX(INDIRECT("xt_level2_"&MATCH($A7;xt_level1;0));2)')
    out["level2_second_choice_row7"] = probe.String
    doc.close(True)
    return out
'''


@pytest.fixture(scope="module")
def inspected(tmp_path_factory) -> dict:
    libreoffice.require(uno=True)
    path = write_unit_workbook(sample_table(), tmp_path_factory.mktemp("lo") / "unit.xlsm")
    args = {
        "path": str(path), "targets": layout.TARGETS_SHEET, "actuals": layout.ACTUALS_SHEET,
        "password": layout.PROTECTION_PASSWORD,
        "target_cells": ["A7", "B7", "D7", "E7", "C7", "A36", "B36"],
        "actual_cells": ["G7", "G9"],
        "linked_cells": ["C2", "A7", "D8", "E7", "C9"],
        # row 7: 产出指标 / 数量指标 / ≥ / 50
        "edits": [
            ("level2_of_same_level1", "B7", "质量指标"),
            ("level2_of_other_level1", "B7", "经济效益指标"),
            ("row10_level2_of_its_level1", "B10", "服务对象满意度指标"),
            ("row10_level2_of_other_level1", "B10", "数量指标"),
            ("level1_not_in_list", "A7", "其他指标"),
            ("type_not_in_list", "D7", ">="),
            ("text_target_on_quantitative_row", "E7", "五十"),
            ("text_target_on_qualitative_row", "E9", "效果较好"),
            ("unit_on_qualitative_row", "F9", "个"),
        ],
    }
    return libreoffice.run_uno(INSPECT, args)


OUR_SHEETS = ["目标表", "实际完成", "运行监控", "检查结果", "导入", "下拉列表"]


def test_sheets_and_protection_survive(inspected: dict):
    assert inspected["sheets"][:6] == OUR_SHEETS
    assert set(inspected["sheets"][6:]) <= {layout.XLWINGS_CONF_SHEET}  # added by the VBA packaging
    assert all(inspected["protected"][s] for s in OUR_SHEETS), inspected["protected"]
    assert inspected["visible"]["下拉列表"] is False and inspected["visible"]["目标表"] is True
    assert inspected["wrong_password_opens"] is False
    assert inspected["right_password_opens"] is True


def test_validation_types_and_formulas_survive(inspected: dict):
    v = inspected["validations"]
    assert v["A7"]["type"] == "LIST" and v["A7"]["formula1"] == "xt_level1"
    assert v["B7"]["type"] == "LIST" and "INDIRECT" in v["B7"]["formula1"] and "xt_level2_" in v["B7"]["formula1"]
    assert "$A7" in v["B7"]["formula1"]  # relative to the range's first row (LibreOffice shows it so)
    assert v["B36"]["type"] == "LIST" and v["A36"]["type"] == "LIST"  # the whole grid is covered
    assert v["D7"]["type"] == "LIST" and v["D7"]["formula1"] == "xt_types"
    assert v["E7"]["type"] == "CUSTOM" and "ISNUMBER" in v["E7"]["formula1"]
    assert v["C7"]["type"] == "ANY" and v["C7"]["show_input"] and v["C7"]["input_title"] == "三级指标"
    assert all(x["show_input"] for x in v.values())
    assert {"xt_level1", "xt_level2_1", "xt_level2_4", "xt_types", "XLSXTOOLS_LAYOUT"} <= set(inspected["names"])


def test_libreoffice_evaluates_the_validations(inspected: dict):
    marks = inspected["invalid_marks"]
    assert marks["as_built"] == 0  # the written table is valid
    assert marks["level2_of_same_level1"] == 0
    assert marks["level2_of_other_level1"] == 1  # 经济效益指标 is not under 产出指标
    assert marks["row10_level2_of_its_level1"] == 0  # each row reads its own level 1
    assert marks["row10_level2_of_other_level1"] == 1
    assert marks["level1_not_in_list"] >= 1
    assert marks["type_not_in_list"] == 1
    assert marks["text_target_on_quantitative_row"] == 1
    assert marks["text_target_on_qualitative_row"] == 0
    assert marks["unit_on_qualitative_row"] == 1
    # the dependent list of row 7 (产出指标) is 数量指标, 质量指标, 时效指标
    assert inspected["level2_second_choice_row7"] == "质量指标"


def test_actuals_links_and_grade_list_in_libreoffice(inspected: dict):
    linked = inspected["linked"]
    assert linked["C2"] == "某某县某某局"
    assert linked["A7"] == "产出指标" and linked["D8"] == "=" and linked["E7"] == "50"
    assert linked["C9"] == "群众办事便利度"
    assert inspected["actual_validations"]["G7"]["type"] == "ANY"
    if importable("xlsxtools.rules"):
        assert inspected["actual_validations"]["G9"]["type"] == "LIST"
        assert inspected["actual_validations"]["G9"]["formula1"] == "xt_grades"


def importable(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


def test_blank_template_converts_to_ods_with_validations_and_protection(tmp_path: Path):
    libreoffice.require()
    src = build_templates(tmp_path / "tpl")[0]
    ods = libreoffice.convert(src, "ods", tmp_path / "ods")
    with zipfile.ZipFile(ods) as z:
        content = z.read("content.xml").decode()
    assert content.count('table:protected="true"') >= 5
    assert "cell-content-is-in-list(xt_level1)" in content
    assert "cell-content-is-in-list(xt_types)" in content
    assert 'INDIRECT(&quot;xt_level2_&quot;&amp;MATCH([.$A7];xt_level1;0))' in content
    assert 'table:name="xt_level2_2"' in content
