"""The validation plan (pure core) and the dropdowns operation on workbook files."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from xlsxtools import layout
from xlsxtools.cli import cli
from xlsxtools.errors import LayoutVersionMismatch, NotATemplateWorkbook, UserError
from xlsxtools.validation import (
    MAX_ERROR,
    MAX_PROMPT,
    MAX_TITLE,
    ValidationSpec,
    actual_grid_rows,
    choices_for_rule_kind,
    list_source,
    plan_validations,
    target_grid_rows,
)
from xlsxtools.workbook.dropdowns import refresh_dropdowns
from xlsxtools.workbook.template import build_templates, write_unit_workbook

openpyxl = pytest.importorskip("openpyxl")


def by_sqref(specs: list[ValidationSpec], sheet: str) -> dict[str, ValidationSpec]:
    return {s.sqref: s for s in specs if s.sheet == sheet}


# ---------------------------------------------------------------------------------------------
# Pure core
# ---------------------------------------------------------------------------------------------


def test_plan_for_a_small_grid():
    specs = plan_validations(3)
    t = by_sqref(specs, "目标表")
    assert t["A7:A9"] == ValidationSpec(
        "目标表", "A7:A9", "list", "xt_level1", prompt_title="一级指标", prompt=t["A7:A9"].prompt,
        error_title="一级指标有误", error=t["A7:A9"].error)
    assert t["B7:B9"].formula1 == 'INDIRECT("xt_level2_"&MATCH($A7,xt_level1,0))'
    assert t["D7:D9"].formula1 == "xt_types"
    assert t["E7:E9"].type == "custom" and t["E7:E9"].formula1 == 'OR($D7="",$D7="定性",ISNUMBER(E7))'
    assert t["F7:F9"].formula1 == 'OR($D7<>"定性",LEN(F7)=0)'
    assert {"C7:C9", "G7:G9", "H7:H9", "I7:I9"} <= set(t)
    # footer of a 3-row grid starts at 7 + 3 + 1 = 11
    assert {"C11", "H11", "C12", "H12", "C13", "H13"} <= set(t)
    a = by_sqref(specs, "实际完成")
    assert a["G7:G9"].type == "any" and a["J7:J9"].type == "any"
    assert a["A4"].type == "decimal" and a["B4"].type == "decimal"


def test_every_input_column_has_an_input_message_within_excel_limits():
    specs = plan_validations(30)
    for s in specs:
        assert s.prompt and s.prompt_title, s
        assert len(s.prompt_title) <= MAX_TITLE and len(s.prompt) <= MAX_PROMPT, s
        assert len(s.error_title) <= MAX_TITLE and len(s.error) <= MAX_ERROR, s
    covered = {s.sqref.split(":")[0].rstrip("0123456789") for s in specs
               if s.sheet == "目标表" and s.sqref.startswith(tuple("ABCDEFGHI")) and ":" in s.sqref}
    assert covered == set("ABCDEFGHI")


def test_actual_choices_split_the_actual_column():
    grades = ("效果明显", "效果一般", "效果较差")
    specs = plan_validations(6, actual_choices={1: grades, 2: grades, 4: ("是", "否")})
    a = by_sqref(specs, "实际完成")
    assert a["G7 G10 G12"].type == "any"
    assert a["G8:G9"].type == "list" and a["G8:G9"].formula1 == "xt_grades"
    assert a["G11"].type == "list" and a["G11"].formula1 == '"是,否"'
    assert "效果明显" in a["G8:G9"].prompt


def test_actual_rows_may_exceed_the_target_grid():
    a = by_sqref(plan_validations(3, actual_rows=5), "实际完成")
    assert "G7:G11" in a and "J7:J11" in a


def test_list_source_and_rule_kinds():
    assert list_source(layout.LEVEL_CHOICES) == "xt_levels"
    assert list_source(layout.DIRECT_CHOICES) == "xt_direct"
    assert list_source(("甲", "乙")) == '"甲,乙"'
    with pytest.raises(ValueError):
        list_source(("a,b", "c"))
    assert choices_for_rule_kind("GRADE") == layout.GRADE_CHOICES
    assert choices_for_rule_kind("RATIO") is None and choices_for_rule_kind(None) is None


def _sheet(rows: dict[int, list]) -> list[list]:
    n = max(rows)
    return [rows.get(r, [None] * 9) for r in range(1, n + 1)]


def test_grid_extent_from_values():
    # footer label at row 38 → grid 7..36
    assert target_grid_rows(_sheet({6: ["一级指标"], 38: ["业务股室审核", None, None]})) == 30
    # five rows inserted: footer at 43 → grid 7..41
    assert target_grid_rows(_sheet({6: ["一级指标"], 43: ["业务股室审核"]})) == 35
    # an indicator typed into the gap row above the footer is included
    assert target_grid_rows(_sheet({6: ["一级指标"], 37: ["产出指标", "数量指标"], 38: ["业务股室审核"]})) == 31
    # footer with different spacing/width is still recognised by its title
    assert target_grid_rows(_sheet({6: ["一级指标"], 20: ["填表人 "]})) == 12
    # no footer: to the last content row, never below the default
    assert target_grid_rows(_sheet({6: ["一级指标"], 50: ["产出指标"]})) == 44
    assert target_grid_rows(_sheet({6: ["一级指标"], 8: ["产出指标"]})) == layout.DEFAULT_GRID_ROWS
    assert actual_grid_rows(_sheet({6: ["一级指标"], 40: ["=IF(...)"]}), 30) == 34
    assert actual_grid_rows(_sheet({6: ["一级指标"]}), 30) == 30


# ---------------------------------------------------------------------------------------------
# The operation on files
# ---------------------------------------------------------------------------------------------


def table():
    from test_template import sample_table

    return sample_table()


def content_snapshot(path: Path) -> dict:
    wb = openpyxl.load_workbook(path, keep_vba=True)
    out = {"security": (wb.security.lockStructure, wb.security.workbookPassword), "sheets": wb.sheetnames}
    for ws in wb.worksheets:
        out[ws.title] = {
            "values": {c.coordinate: (c.value, c.data_type) for row in ws.iter_rows() for c in row
                       if c.value is not None},
            "protection": (ws.protection.sheet, ws.protection.password, ws.protection.insertRows),
            "state": ws.sheet_state,
        }
    return out


def sqrefs(path: Path, sheet: str) -> dict[str, str]:
    ws = openpyxl.load_workbook(path, keep_vba=True)[sheet]
    return {str(dv.sqref).split(":")[0].rstrip("0123456789"): str(dv.sqref)
            for dv in ws.data_validations.dataValidation}


def insert_grid_rows(path: Path, out: Path, at: int, count: int) -> None:
    """What a user does in Excel, done with openpyxl: insert rows inside the grid (merged cells,
    which openpyxl does not move, are moved by hand) and fill one of the new rows."""
    wb = openpyxl.load_workbook(path, keep_vba=True)
    ws = wb[layout.TARGETS_SHEET]
    below = [r for r in ws.merged_cells.ranges if r.min_row >= at]
    for r in below:
        ws.unmerge_cells(str(r))
    ws.insert_rows(at, count)
    for r in below:
        r.shift(0, count)
        ws.merge_cells(str(r))
    for col, v in zip("ABCDEFGH", ("产出指标", "时效指标", "按时完成率", "≥", 100, "%", "", "达到计划值得满分1分"),
                      strict=True):
        ws[f"{col}{at + 1}"] = v
    # and a row typed below the old grid end, inside the new extent
    ws["A40"], ws["B40"], ws["C40"] = "产出指标", "数量指标", "新增指标"
    wb.save(out)


def test_dropdowns_cover_inserted_rows_and_keep_everything_else(tmp_path: Path):
    built = write_unit_workbook(table(), tmp_path / "unit.xlsm")
    assert sqrefs(built, "目标表")["A"] == "A7:A36"
    edited = tmp_path / "edited.xlsm"
    insert_grid_rows(built, edited, at=10, count=5)  # footer moves from 38 to 43
    assert sqrefs(edited, "目标表")["A"] == "A7:A36"  # stale: rows 37..41 have no dropdown
    before = content_snapshot(edited)

    out = tmp_path / "out.xlsm"
    res = CliRunner().invoke(cli, ["dropdowns", str(edited), "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert "7–41" in res.output

    refs = sqrefs(out, "目标表")
    assert refs["A"] == "A7:A41" and refs["B"] == "B7:B41" and refs["D"] == "D7:D41" and refs["E"] == "E7:E41"
    wb = openpyxl.load_workbook(out, keep_vba=True)
    t = wb["目标表"]
    b = {str(dv.sqref): dv for dv in t.data_validations.dataValidation}
    assert b["B7:B41"].formula1 == 'INDIRECT("xt_level2_"&MATCH($A7,xt_level1,0))'
    assert "C43" in b and "H45" in b  # footer prompts follow the moved footer
    assert len(t.data_validations.dataValidation) == len(set(b))  # replaced, not piled up
    # inserted rows: input cells unlocked and styled like the grid
    assert t["A12"].protection.locked is False and t["A12"].border.left.style == "thin"
    assert t["A40"].protection.locked is False
    # values, protection, sheets, names untouched
    assert content_snapshot(out) == before
    assert edited.exists() and sqrefs(edited, "目标表")["A"] == "A7:A36"  # source unchanged
    names = {n: d.attr_text for n, d in wb.defined_names.items()}
    assert names["xt_level1"] == "'下拉列表'!$A$3:$A$6" and names["XLSXTOOLS_LAYOUT"] == "'下拉列表'!$B$1"


def test_dropdowns_refresh_the_lists_sheet(tmp_path: Path):
    src = build_templates(tmp_path / "tpl")[0]
    wb = openpyxl.load_workbook(src, keep_vba=True)
    lists = wb[layout.LISTS_SHEET]
    lists["A4"] = "被改坏的一级指标"
    lists["F5"] = None
    del wb.defined_names["xt_types"]
    broken = tmp_path / "broken.xlsm"
    wb.save(broken)
    refresh_dropdowns(broken, in_place=True)
    wb = openpyxl.load_workbook(broken, keep_vba=True)
    lists = wb[layout.LISTS_SHEET]
    assert [lists[f"A{r}"].value for r in range(3, 7)] == ["成本指标", "产出指标", "效益指标", "满意度指标"]
    assert lists["F5"].value == "=" and lists["F5"].data_type == "s"
    assert wb.defined_names["xt_types"].attr_text == "'下拉列表'!$F$3:$F$8"
    assert lists.sheet_state == "hidden" and lists.protection.sheet
    assert (tmp_path / "broken.bak.xlsm").exists()  # in-place keeps a backup of the original
    bak = openpyxl.load_workbook(tmp_path / "broken.bak.xlsm", keep_vba=True)[layout.LISTS_SHEET]
    assert bak["A4"].value == "被改坏的一级指标"


def test_dropdowns_keep_the_vba_project(tmp_path: Path):
    import zipfile

    src = build_templates(tmp_path / "tpl")[0]
    with zipfile.ZipFile(src) as z:
        vba = z.read("xl/vbaProject.bin") if "xl/vbaProject.bin" in z.namelist() else None
    if vba is None:
        pytest.skip("the VBA packaging is not available yet: the template has no vbaProject.bin")
    out = refresh_dropdowns(src, tmp_path / "out.xlsm").output
    with zipfile.ZipFile(out) as z:
        assert z.read("xl/vbaProject.bin") == vba
        ct = z.read("[Content_Types].xml").decode()
    assert "macroEnabled" in ct


def test_dropdowns_reject_other_workbooks(tmp_path: Path):
    plain = tmp_path / "plain.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "部门（单位）整体支出绩效目标表"
    wb.save(plain)
    with pytest.raises(NotATemplateWorkbook) as exc:
        refresh_dropdowns(plain, tmp_path / "o.xlsx")
    assert "下拉列表" in str(exc.value) and "plain.xlsx" in str(exc.value)
    assert not (tmp_path / "o.xlsx").exists()

    src = build_templates(tmp_path / "tpl")[0]
    wb = openpyxl.load_workbook(src, keep_vba=True)
    wb[layout.LISTS_SHEET][layout.VERSION_CELL] = "0"
    old = tmp_path / "old.xlsm"
    wb.save(old)
    with pytest.raises(LayoutVersionMismatch) as exc:
        refresh_dropdowns(old, tmp_path / "o.xlsm")
    assert "版本 0" in str(exc.value) and layout.VERSION_CELL in str(exc.value)

    wb[layout.LISTS_SHEET][layout.MARKER_CELL] = "something else"
    wb.save(old)
    with pytest.raises(NotATemplateWorkbook):
        refresh_dropdowns(old, tmp_path / "o.xlsm")


def test_dropdowns_command_arguments(tmp_path: Path):
    src = build_templates(tmp_path / "tpl")[0]
    runner = CliRunner()
    res = runner.invoke(cli, ["dropdowns", str(src)])
    assert res.exit_code != 0 and isinstance(res.exception, UserError) and "-o" in str(res.exception)
    res = runner.invoke(cli, ["dropdowns", str(src), "-o", str(src)])
    assert isinstance(res.exception, UserError) and "--in-place" in str(res.exception)
    res = runner.invoke(cli, ["dropdowns", str(src), "-o", str(tmp_path / "x.xlsm"), "--in-place"])
    assert isinstance(res.exception, UserError)
    res = runner.invoke(cli, ["dropdowns", str(tmp_path / "missing.xlsm"), "-o", str(tmp_path / "x.xlsm")])
    assert isinstance(res.exception, UserError) and "不存在" in str(res.exception)


def test_dropdowns_command_error_is_one_line_without_traceback(tmp_path: Path):
    import subprocess
    import sys

    bad = tmp_path / "notes.xlsx"
    bad.write_text("not a workbook")
    proc = subprocess.run([sys.executable, "-m", "xlsxtools", "dropdowns", str(bad), "-o", str(tmp_path / "o.xlsx")],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert "notes.xlsx" in proc.stderr and "Traceback" not in proc.stderr
