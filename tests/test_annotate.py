"""Findings shown in the workbook: the pure edits and the openpyxl edge (re-read independently)."""

from __future__ import annotations

from pathlib import Path

import pytest

from xlsxtools import layout
from xlsxtools.annotate import FILLS, NOTE_PREFIX, Mark, annotation_edits, clear_edits, report_rows
from xlsxtools.codes import finding
from xlsxtools.model import CellEdit, Origin, Severity

SHEET = layout.TARGETS_SHEET
ORIGIN = Origin("u.xlsx", SHEET, 9, layout.TARGET_COL)


def test_edits_merge_findings_on_one_cell_and_take_the_worst_fill():
    fs = [finding("V005", "计数用了等号", ORIGIN, "type"), finding("V008", "类型无效", ORIGIN, "type"),
          finding("H004", "没有名称", ORIGIN, "name"), finding("T001", "合计不是90", Origin("u.xlsx", SHEET))]
    edits = annotation_edits(fs)
    assert [(e.sheet, e.cell, e.fill) for e in edits] == [(SHEET, "D9", FILLS[Severity.ERROR]),
                                                         (SHEET, "C9", FILLS[Severity.ERROR])]
    note = edits[0].note
    assert note.startswith(NOTE_PREFIX) and "计数用了等号" in note and "类型无效" in note
    assert note.index("V008") < note.index("V005")  # the error first
    assert FILLS == {Severity.ERROR: "FFC7CE", Severity.WARNING: "FFEB9C", Severity.INFO: "DDEBF7"}
    assert annotation_edits([finding("V009", "按≥理解", ORIGIN, "type")])[0].fill == "DDEBF7"
    assert all(not e.set_value for e in edits)  # never the user's values


def test_clear_edits_restore_what_the_cell_had():
    assert clear_edits([Mark(SHEET, "C9", "FFFF00", "我的批注"), Mark(SHEET, "D9")]) == [
        CellEdit(SHEET, "C9", fill="FFFF00", note="我的批注"), CellEdit(SHEET, "D9", fill="", note="")]


def test_report_rows_link_to_their_cell():
    rows = report_rows([finding("H004", "没有名称", ORIGIN, "name"), finding("T001", "合计", Origin("u.xlsx", SHEET)),
                        finding("V005", "等号", Origin("a.txt", None, 16))])
    assert [(r.severity, r.code, r.sheet, r.cell, r.link) for r in rows] == [
        ("错误", "H004", SHEET, "C9", f"'{SHEET}'!C9"), ("错误", "T001", SHEET, "", None),
        ("警告", "V005", "", "第 16 行", None)]


# ----------------------------------------------------------------------------------------------
# The edge, on a unit workbook written from the template
# ----------------------------------------------------------------------------------------------


@pytest.fixture
def unit_workbook(tmp_path: Path) -> Path:
    pytest.importorskip("xlsxtools.workbook.template")
    from test_checks import clean_table

    from xlsxtools.workbook.template import write_unit_workbook

    t = clean_table()
    t.indicators[5].level1 = "产出指标"  # 社会效益指标 under 产出指标: H001 on B12
    t.indicators[1].type = "="  # "=" on a count: V005 on D8
    out = tmp_path / "unit.xlsx"
    write_unit_workbook(t, out)
    return out


def _check(path: Path):
    from xlsxtools.checks import run_checks
    from xlsxtools.workbook.reader import read_unit_workbook

    uw = read_unit_workbook(path)
    return run_checks(uw.table, uw.actuals)


def test_annotate_then_fix_then_recheck_shows_a_clean_sheet(unit_workbook: Path, tmp_path: Path):
    import openpyxl
    from python_calamine import CalamineWorkbook

    from xlsxtools.workbook.annotate_edge import annotate_workbook

    findings = _check(unit_workbook)
    assert {(f.code, f.cell) for f in findings} == {("H001", "B12"), ("V005", "D8")}
    # the user's own fill and note on a cell that will be annotated
    wb = openpyxl.load_workbook(unit_workbook)
    ws = wb[SHEET]
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    ws["D8"].fill = PatternFill(fill_type="solid", start_color="FFFF00", end_color="FFFF00")
    ws["D8"].comment = Comment("我自己的批注", "王某某")
    wb.save(unit_workbook)
    before = openpyxl.load_workbook(unit_workbook)

    out = tmp_path / "checked.xlsx"
    annotate_workbook(unit_workbook, findings, out)

    # independent reader: the report sheet lists every finding
    rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_name(layout.REPORT_SHEET).to_python()
    body = [r[:5] for r in rows[layout.REPORT_FIRST_ROW - 1:] if r[0]]
    # errors first, though the warning's place comes first (D8 before B12 in place order)
    assert body == [["错误", "H001", SHEET, "B12", findings[1].message], ["警告", "V005", SHEET, "D8", findings[0].message]]
    assert "1 个错误、1 个警告" in rows[1][0]
    # openpyxl: fills, notes, links; validation, protection and values kept
    wb = openpyxl.load_workbook(out)
    ws = wb[SHEET]
    assert ws["B12"].fill.fgColor.rgb[-6:] == "FFC7CE" and ws["D8"].fill.fgColor.rgb[-6:] == "FFEB9C"
    assert "H001" in ws["B12"].comment.text and ws["B12"].comment.text.startswith(NOTE_PREFIX)
    assert wb[layout.REPORT_SHEET]["D4"].hyperlink.location == f"'{SHEET}'!B12"
    assert wb[layout.REPORT_SHEET]["D5"].hyperlink.location == f"'{SHEET}'!D8"
    # messages wrap, and a row is as tall as its message needs (H001's runs to three lines at width 80)
    assert all(wb[layout.REPORT_SHEET][f"E{r}"].alignment.wrap_text for r in (4, 5))
    assert wb[layout.REPORT_SHEET].row_dimensions[4].height >= 2 * 13.5
    assert ws.protection.sheet and wb.security.lockStructure
    assert len(ws.data_validations.dataValidation) == len(before[SHEET].data_validations.dataValidation) > 0
    for ref in ("A7", "B12", "D8", "E9", "H12"):
        assert ws[ref].value == before[SHEET][ref].value
    assert ws["A7"].fill.fill_type is None  # cells without findings untouched

    # fix both problems (as a user would), re-check and re-annotate in place
    ws["A12"].value = "效益指标"
    ws["D8"].value = "≥"
    wb.save(out)
    refound = _check(out)
    assert refound == []
    annotate_workbook(out, refound, out)
    wb = openpyxl.load_workbook(out)
    ws = wb[SHEET]
    assert ws["B12"].fill.fill_type is None and ws["B12"].comment is None
    assert ws["D8"].fill.fgColor.rgb[-6:] == "FFFF00" and ws["D8"].comment.text == "我自己的批注"
    rep = wb[layout.REPORT_SHEET]
    assert rep[layout.REPORT_SUMMARY_CELL].value.startswith("检查完毕：没有发现问题")
    assert all(rep.cell(r, 1).value is None for r in range(layout.REPORT_FIRST_ROW, rep.max_row + 1))
    assert ws.protection.sheet and len(ws.data_validations.dataValidation) > 0


def test_marks_lost_fall_back_to_our_note_prefix(unit_workbook: Path, tmp_path: Path):
    import openpyxl

    from xlsxtools.workbook.annotate_edge import annotate_workbook

    out = tmp_path / "a.xlsx"
    annotate_workbook(unit_workbook, _check(unit_workbook), out)
    wb = openpyxl.load_workbook(out)
    del wb[layout.REPORT_SHEET]  # someone deleted the report sheet, and its marks with it
    wb.save(out)
    annotate_workbook(out, [], out)
    wb = openpyxl.load_workbook(out)
    ws = wb[SHEET]
    assert ws["B12"].comment is None and ws["B12"].fill.fill_type is None
    assert layout.REPORT_SHEET in wb.sheetnames


def test_annotating_a_macro_workbook_keeps_its_vba(tmp_path: Path):
    import zipfile

    pytest.importorskip("xlsxtools.workbook.template")
    from test_checks import clean_table

    from xlsxtools.workbook.annotate_edge import annotate_workbook
    from xlsxtools.workbook.template import write_unit_workbook

    t = clean_table()
    t.indicators[0].unit = ""
    src = tmp_path / "unit.xlsm"
    write_unit_workbook(t, src)
    parts = set(zipfile.ZipFile(src).namelist())
    if "xl/vbaProject.bin" not in parts:
        pytest.skip("template packaged without VBA here")
    out = tmp_path / "checked.xlsm"
    annotate_workbook(src, _check(src), out)
    after = set(zipfile.ZipFile(out).namelist())
    assert "xl/vbaProject.bin" in after and {p for p in parts if "customUI" in p} <= after
    assert [(f.code, f.cell) for f in _check(out)] == [("V003", "F7")]


def test_finding_inside_a_merged_range_is_shown_on_its_top_left(unit_workbook: Path, tmp_path: Path):
    import openpyxl

    from xlsxtools.workbook.annotate_edge import annotate_workbook

    ws = openpyxl.load_workbook(unit_workbook)[SHEET]
    rng = next(r for r in ws.merged_cells.ranges if r.max_col > r.min_col and r.min_row > layout.TARGET_FIRST_ROW)
    inner = f"{layout.col_letter(rng.max_col)}{rng.min_row}"
    top_left = f"{layout.col_letter(rng.min_col)}{rng.min_row}"
    f = finding("M006", "单位负责人为空", Origin("u.xlsx", SHEET, rng.min_row, {"head": inner[0]}), "head")
    assert f.cell == inner
    out = tmp_path / "m.xlsx"
    annotate_workbook(unit_workbook, [f], out)
    wb = openpyxl.load_workbook(out)
    assert "单位负责人为空" in wb[SHEET][top_left].comment.text
    assert wb[layout.REPORT_SHEET]["D4"].value == inner  # the report names the cell as found


def test_a_workbook_with_notes_on_another_sheet_gets_one_part_per_name(tmp_path: Path):
    """A note already on 实际完成 (as 计算得分 leaves one) and new marks on 目标表: every part of the
    output has its own name (two of one name make Excel repair the file) and both notes survive."""
    import zipfile

    import openpyxl
    from openpyxl.comments import Comment
    from test_checks import clean_table

    from xlsxtools.workbook.annotate_edge import annotate_workbook
    from xlsxtools.workbook.template import write_unit_workbook

    t = clean_table()
    t.indicators[0].unit = ""
    src = tmp_path / "unit.xlsm"
    write_unit_workbook(t, src)
    wb = openpyxl.load_workbook(src, keep_vba=True)
    wb[layout.ACTUALS_SHEET]["H4"].comment = Comment("总分不完整", "xlsxtools")
    wb.save(src)
    out = tmp_path / "checked.xlsm"
    annotate_workbook(src, _check(src), out)
    names = zipfile.ZipFile(out).namelist()
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)
    back = openpyxl.load_workbook(out)
    assert back[layout.ACTUALS_SHEET]["H4"].comment.text == "总分不完整"
    assert NOTE_PREFIX in back[SHEET]["F7"].comment.text
