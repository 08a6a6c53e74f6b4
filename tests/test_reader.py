"""The fast unit-workbook reader (python-calamine) and the openpyxl edit edge."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import python_calamine

from xlsxtools import layout
from xlsxtools.errors import NotATemplateWorkbook, UnreadableFile, UserError
from xlsxtools.model import CellEdit, Indicator, TargetTable, UnitInfo
from xlsxtools.workbook.edit import apply_edits, open_workbook, output_path, save_workbook
from xlsxtools.workbook.reader import read_unit_workbook
from xlsxtools.workbook.template import build_unit_workbook

A = layout.ACTUAL_COL
T = layout.TARGET_COL
FIRST_T = layout.TARGET_FIRST_ROW
FIRST_A = layout.ACTUAL_FIRST_ROW


def small_table() -> TargetTable:
    unit = UnitInfo(name="测试单位", year="2026", duties="职责", goals="目标", filled_by="王某某",
                    phone="13800000001", date="2026年1月5日", head="赵某")
    return TargetTable(unit=unit, indicators=[
        Indicator("产出指标", "数量指标", "办理文件", "≥", "450", "件", "", "达到计划值得满分20分，否则按实际值/计划值*指标分值计分"),
        Indicator("产出指标", "质量指标", "质优率", "≥", "96", "%", "", "达到计划值得满分30分，否则按实际值/计划值*指标分值计分"),
        Indicator("效益指标", "社会效益指标", "群众受益", "定性", "效果明显", "", "", "效果明显得30分，效果一般得15分，否则不得分。"),
        Indicator("满意度指标", "服务对象满意度指标", "满意度", "=", "95", "%", "", "满意度大于等于95%的得10分，满意度小于95%且大于等于80%的得8分，满意度小于80%且大于等于60%的得5分，满意度小于60%不得分。"),
    ])


@pytest.fixture
def unit_file(tmp_path: Path) -> Path:
    wb = build_unit_workbook(small_table())
    ws = wb[layout.ACTUALS_SHEET]
    ws[f"{A['actual']}{FIRST_A}"] = 472
    ws[f"{A['actual']}{FIRST_A + 1}"] = 0.97
    ws[f"{A['actual']}{FIRST_A + 1}"].number_format = "0%"
    ws[f"{A['actual']}{FIRST_A + 2}"] = "效果一般"
    ws[f"{A['reason']}{FIRST_A + 2}"] = "宣传不够"
    ws[f"{A['actual']}{FIRST_A + 3}"] = 0.9  # plain number ≤ 1 in a % row: no % format
    ws[f"{layout.BUDGET_COL['budget']}{layout.BUDGET_VALUE_ROW}"] = 100
    ws[f"{layout.BUDGET_COL['spent']}{layout.BUDGET_VALUE_ROW}"] = 95.5
    path = tmp_path / "unit.xlsx"
    wb.save(path)
    return path


def test_reads_header_grid_footer_and_weights(unit_file: Path):
    uw = read_unit_workbook(unit_file)
    assert uw.layout_version == layout.LAYOUT_VERSION and uw.findings == []
    t = uw.table
    assert t.unit.name == "测试单位" and t.unit.year == "2026" and t.unit.phone == "13800000001"
    assert t.unit.head == "赵某" and t.unit.filled_by == "王某某"
    assert [i.name for i in t.indicators] == ["办理文件", "质优率", "群众受益", "满意度"]
    assert t.indicators[3].type == "=" and t.indicators[0].target == "450"
    assert [i.weight for i in t.indicators] == [Decimal(20), Decimal(30), Decimal(30), Decimal(10)]
    first = t.indicators[0].origin
    assert (first.sheet, first.row, first.cell("target")) == (layout.TARGETS_SHEET, FIRST_T, f"{T['target']}{FIRST_T}")


def test_reads_actuals_aligned_with_percent_format(unit_file: Path):
    acts = read_unit_workbook(unit_file).actuals
    assert acts is not None
    assert [e.value for e in acts.entries] == [472, 0.97, "效果一般", 0.9]
    assert [e.percent_format for e in acts.entries] == [False, True, False, False]
    assert acts.entries[2].reason == "宣传不够"
    assert acts.entries[1].origin.cell("actual") == f"{A['actual']}{FIRST_A + 1}"
    assert (acts.budget, acts.spent) == (100, 95.5)


def test_actual_rows_matched_by_cached_name_when_rows_moved(tmp_path: Path):
    wb = build_unit_workbook(small_table())
    ws = wb[layout.ACTUALS_SHEET]
    # As saved by Excel after rows were moved on 实际完成: cached names in swapped order.
    ws[f"{A['name']}{FIRST_A}"] = "质优率"
    ws[f"{A['name']}{FIRST_A + 1}"] = "办理文件"
    ws[f"{A['actual']}{FIRST_A}"] = 95
    ws[f"{A['actual']}{FIRST_A + 1}"] = 400
    path = tmp_path / "moved.xlsx"
    wb.save(path)
    acts = read_unit_workbook(path).actuals
    assert acts is not None
    assert acts.entries[0].value == 400 and acts.entries[0].origin.row == FIRST_A + 1
    assert acts.entries[1].value == 95 and acts.entries[1].origin.row == FIRST_A


def test_unmatched_actual_name_is_w003(tmp_path: Path):
    wb = build_unit_workbook(small_table())
    wb[layout.ACTUALS_SHEET][f"{A['name']}{FIRST_A}"] = "别的指标"
    path = tmp_path / "x.xlsx"
    wb.save(path)
    uw = read_unit_workbook(path)
    assert [f.code for f in uw.findings] == ["W003"]
    assert uw.findings[0].cell == f"{T['name']}{FIRST_T}"
    assert uw.actuals is not None and uw.actuals.entries[0].value is None


def test_symbols_and_text_numbers_read_as_a_person_would(tmp_path: Path):
    wb = build_unit_workbook(small_table())
    ws = wb[layout.TARGETS_SHEET]
    ws[f"{T['type']}{FIRST_T}"] = ">="
    ws[f"{T['target']}{FIRST_T}"] = "４５０"
    ws.merge_cells(f"{T['level1']}{FIRST_T}:{T['level1']}{FIRST_T + 1}")
    path = tmp_path / "x.xlsx"
    wb.save(path)
    t = read_unit_workbook(path).table
    assert t.indicators[0].type == "≥" and t.indicators[0].target == "450"
    assert t.indicators[1].level1 == "产出指标"  # merged cell read as its top value
    assert sorted(f.code for f in t.findings) == ["V009", "V009"]


def test_other_layout_version_is_w002(tmp_path: Path):
    wb = build_unit_workbook(small_table())
    wb[layout.LISTS_SHEET][layout.VERSION_CELL] = "0"
    path = tmp_path / "old.xlsx"
    wb.save(path)
    uw = read_unit_workbook(path)
    assert [f.code for f in uw.findings] == ["W002"] and "版本 0" in uw.findings[0].message


def test_plain_workbook_is_not_a_template(tmp_path: Path):
    wb = openpyxl.Workbook()
    wb.active.title = "Sheet1"
    wb.active["A1"] = "hello"
    path = tmp_path / "plain.xlsx"
    wb.save(path)
    with pytest.raises(NotATemplateWorkbook, match="目标表"):
        read_unit_workbook(path)


def test_template_sheet_without_titles_is_not_a_template(tmp_path: Path):
    wb = openpyxl.Workbook()
    wb.active.title = layout.TARGETS_SHEET
    wb.create_sheet(layout.ACTUALS_SHEET)
    path = tmp_path / "titles.xlsx"
    wb.save(path)
    with pytest.raises(NotATemplateWorkbook, match="指标表头"):
        read_unit_workbook(path)


@pytest.mark.parametrize("content,suffix,match", [
    (b"", ".xlsx", "空的"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, ".xlsx", "加密"),
    (b"not a zip at all" * 10, ".xlsm", "不是 Excel 工作簿"),
    (b"PK\x03\x04broken", ".xlsx", "损坏"),
    (b"a,b", ".csv", "不支持的文件类型"),
])
def test_unreadable_files_name_the_file(tmp_path: Path, content: bytes, suffix: str, match: str):
    path = tmp_path / f"bad{suffix}"
    path.write_bytes(content)
    with pytest.raises(UnreadableFile, match=match) as exc:
        read_unit_workbook(path)
    assert str(path) in str(exc.value)


def test_apply_edits_writes_text_fills_and_notes(unit_file: Path, tmp_path: Path):
    wb = open_workbook(unit_file)
    cell = f"{T['type']}{FIRST_T}"
    apply_edits(wb, [
        CellEdit(layout.TARGETS_SHEET, cell, value="=", set_value=True, fill="FFC7CE", note="类型有误"),
        CellEdit(layout.TARGETS_SHEET, f"{T['name']}{FIRST_T}", value="=HYPERLINK(\"x\")", set_value=True),
    ])
    out = save_workbook(wb, tmp_path / "out.xlsx")
    values = python_calamine.CalamineWorkbook.from_path(str(out)).get_sheet_by_name(
        layout.TARGETS_SHEET).to_python(skip_empty_area=False)
    assert values[FIRST_T - 1][3] == "="  # text, not a formula
    assert values[FIRST_T - 1][2] == "=HYPERLINK(\"x\")"
    again = openpyxl.load_workbook(out)
    ws = again[layout.TARGETS_SHEET]
    assert ws[cell].fill.fgColor.rgb.endswith("FFC7CE") and ws[cell].comment.text == "类型有误"
    assert ws.protection.sheet and again.security.lockStructure
    assert len(ws.data_validations.dataValidation) > 0
    # clearing
    apply_edits(again, [CellEdit(layout.TARGETS_SHEET, cell, fill="", note="")])
    assert again[layout.TARGETS_SHEET][cell].comment is None
    assert again[layout.TARGETS_SHEET][cell].fill.fill_type is None


def test_output_path_rules(unit_file: Path, tmp_path: Path):
    with pytest.raises(UserError, match="-o"):
        output_path(unit_file, None, False)
    with pytest.raises(UserError, match="相同"):
        output_path(unit_file, unit_file, False)
    target, backup = output_path(unit_file, None, True)
    assert target == unit_file and backup is not None and backup.read_bytes() == unit_file.read_bytes()
    assert output_path(unit_file, tmp_path / "o.xlsx", False) == (tmp_path / "o.xlsx", None)


def test_memory_source_reads_like_the_file(unit_file: Path):
    """The Excel edge passes value grids: they must read exactly like the file."""
    from xlsxtools.workbook.reader import MemorySource, read_unit

    book = python_calamine.CalamineWorkbook.from_path(str(unit_file))
    grids = {n: book.get_sheet_by_name(n).to_python(skip_empty_area=False) for n in book.sheet_names}
    pct = f"{A['actual']}{FIRST_A + 1}"
    uw = read_unit(MemorySource(grids, percent={layout.ACTUALS_SHEET: {pct}}), "live.xlsm")
    from_file = read_unit_workbook(unit_file)
    assert [i.name for i in uw.table.indicators] == [i.name for i in from_file.table.indicators]
    assert [e.value for e in uw.actuals.entries] == [e.value for e in from_file.actuals.entries]
    assert [e.percent_format for e in uw.actuals.entries] == [False, True, False, False]


def test_empty_footer_value_located_after_merged_label_and_editable(tmp_path: Path):
    table = small_table()
    table.unit.head = ""
    wb = build_unit_workbook(table)
    path = tmp_path / "nohead.xlsx"
    wb.save(path)
    uw = read_unit_workbook(path)
    expected = layout.footer_position(layout.DEFAULT_GRID_ROWS)["head"][1]
    assert uw.table.unit.origins["head"].cell("head") == expected
    # a note on any cell of a merged range lands on its anchor instead of failing
    wb = open_workbook(path)
    ws = wb[layout.TARGETS_SHEET]
    merged = next(r for r in ws.merged_cells.ranges if r.min_row == layout.HEADER_ROW["name"])
    inner = f"{layout.col_letter(merged.min_col + 1)}{merged.min_row}"
    apply_edits(wb, [CellEdit(layout.TARGETS_SHEET, inner, note="单位名称有误", fill="FFC7CE")])
    assert ws.cell(merged.min_row, merged.min_col).comment.text == "单位名称有误"
