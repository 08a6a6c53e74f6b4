"""The Excel buttons end to end against xlwings' JSON remote book.

Each test builds a real workbook file (the unit template filled from a bundled sample, or the
summary template), turns it into the payload an Office.js client of xlwings sends, makes
``xw.Book.caller()`` return that remote book, presses the button (``xlsxtools.excel.NAME()``)
and checks the recorded actions: values, colours, notes, validation lists, the report rows and the
message box. Expected values are worked out by hand from the sample text.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from test_excel_support import (
    SAMPLES,
    actions,
    alerts,
    covered,
    payload_from_file,
    remote_book,
    sample_table,
    written,
)

from xlsxtools import layout
from xlsxtools.annotate import MARK_FIRST_COL, NOTE_PREFIX
from xlsxtools.config import StepMode
from xlsxtools.excel.edge import Formula, rectangles, split_ref, text_safe

xw = pytest.importorskip("xlwings")

T, A, R = layout.TARGETS_SHEET, layout.ACTUALS_SHEET, layout.REPORT_SHEET
RED, YELLOW = "#ffc7ce", "#ffeb9c"

# zhengwu_2026.txt, in source order: 三级指标 → (points, actual from actuals/zhengwu_2026.csv, score by hand)
ZHENGWU = [
    ("设置政务服务窗口数", 2, 98, 2),  # ≥98, 98: full
    ("办理业务数", 2, 5.6, 2),  # ≥5, 5.6: full
    ("举办窗口评选活动次数", 2, 4, 2),
    ("政府网站公开信息发布率", 2, 100, 2),  # =100
    ("实施清单和权责清单发布率", 2, 100, 2),
    ("服务窗口规范率", 5, 96, 5),  # ≥95, 96
    ("“好差评”评价率", 5, 92, 4.84),  # 92/95 × 5 = 4.8421…
    ("工作完成时间", 10, "2027-01-08T00:00:00Z", 10),  # 8 days late, 1 point per full 10 days: 0
    ("方便办事群众", 15, "效果明显", 15),
    ("推进政务服务便利化", 15, "效果明显", 15),
    ("群众满意度", 10, 97, 10),  # ≥95 → 10
    ("预算成本", 20, 405.3, 20),  # ≤419.72, within budget
]
BUDGET, SPENT = 419.72, 405.30  # demo.json


@pytest.fixture(autouse=True)
def _logs(tmp_path, monkeypatch):
    monkeypatch.setenv("XLSXTOOLS_LOG_DIR", str(tmp_path / "logs"))


def actuals_edit() -> dict[str, object]:
    """The 实际完成 inputs a user types: the demo actuals (checked against the CSV) and budget."""
    rows = list(csv.DictReader((SAMPLES / "actuals" / "zhengwu_2026.csv").open(encoding="utf-8")))
    assert [r["三级指标"] for r in rows] == [name for name, *_ in ZHENGWU]
    first = layout.ACTUAL_FIRST_ROW
    edit: dict[str, object] = {f"{layout.ACTUAL_COL['actual']}{first + i}": actual
                               for i, (_, _, actual, _) in enumerate(ZHENGWU)}
    edit[f"{layout.BUDGET_COL['budget']}{layout.BUDGET_VALUE_ROW}"] = BUDGET
    edit[f"{layout.BUDGET_COL['spent']}{layout.BUDGET_VALUE_ROW}"] = SPENT
    return edit


def press(monkeypatch, payload: dict, button: str):
    """Press ``button`` on the remote book made from ``payload``; returns the book (its actions)."""
    import xlsxtools.excel as x

    book = remote_book(payload)
    monkeypatch.setattr(xw.Book, "caller", classmethod(lambda cls: book))
    getattr(x, button)()
    return book


def row_of(name: str) -> int:
    return layout.TARGET_FIRST_ROW + [n for n, *_ in ZHENGWU].index(name)


# ---------------------------------------------------------------------------------------------
# Building blocks
# ---------------------------------------------------------------------------------------------


def test_text_safe_keeps_formula_like_strings_as_text():
    assert text_safe("=") == "'="
    assert text_safe("=1+1") == "'=1+1"
    assert text_safe("+86 138") == "'+86 138"
    assert text_safe("@home") == "'@home"
    assert text_safe("'quoted") == "''quoted"
    assert text_safe("-5") == "-5"  # a number as text stays as typed
    assert text_safe("≥") == "≥"
    assert text_safe(98) == 98 and text_safe(None) is None
    assert text_safe(Formula('=HYPERLINK("#A1","A1")')) == '=HYPERLINK("#A1","A1")'


def test_rectangles_cover_exactly_the_cells():
    cells = {(7, 8), (7, 9), (8, 8), (8, 9), (9, 8), (4, 3), (4, 4), (4, 5), (12, 1)}
    rects = rectangles(cells)
    got = [(r, c) for r1, c1, r2, c2 in rects for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]
    assert sorted(got) == sorted(cells)  # covered once each, nothing else
    assert (7, 8, 8, 9) in rects and (4, 3, 4, 5) in rects


def test_importing_the_entry_module_is_light():
    code = ("import sys, xlsxtools.excel as x; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'xlwings', 'pandas', 'numpy', 'openpyxl', "
            "'python_calamine', 'click', 'rich'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# ---------------------------------------------------------------------------------------------
# 检查 / 清除标记
# ---------------------------------------------------------------------------------------------


def test_check_marks_cells_and_lists_findings(monkeypatch, unit_file):
    # A user typed text into a quantitative 指标值 and cleared a 指标值类型.
    bad_target = f"{layout.TARGET_COL['target']}{row_of('举办窗口评选活动次数')}"
    no_type = f"{layout.TARGET_COL['type']}{row_of('群众满意度')}"
    book = press(monkeypatch, payload_from_file(unit_file, {T: {bad_target: "很多", no_type: ""}}), "check_rows")

    # Red fill and a note on both cells.
    red = set().union(*(covered(a) for a in actions(book, "setRangeColor", T) if a["args"] == [RED]))
    assert {bad_target, no_type} <= red
    notes = {a["args"][0].replace("$", ""): a["args"][1] for a in actions(book, "addNote", T)}
    assert notes[bad_target].startswith(NOTE_PREFIX) and "V001" in notes[bad_target]
    assert "V008" in notes[no_type]
    # The sample's rates filed under 数量指标 (README) are warnings on their 二级指标 cells.
    yellow = set().union(*(covered(a) for a in actions(book, "setRangeColor", T) if a["args"] == [YELLOW]))
    for name in ("政府网站公开信息发布率", "实施清单和权责清单发布率"):
        cell = f"{layout.TARGET_COL['level2']}{row_of(name)}"
        assert cell in yellow and "V006" in notes[cell]

    # The report: one row per finding from row 4, the cell a link, the marks in the hidden columns.
    cells = written(book, R)
    rows = []
    r = layout.REPORT_FIRST_ROW
    while cells.get(f"A{r}"):
        rows.append([cells.get(f"{layout.col_letter(c)}{r}") for c in range(1, 6)])
        r += 1
    v001 = [x for x in rows if x[1] == "V001"]
    assert v001 and v001[0][0] == "错误" and v001[0][2] == T
    assert v001[0][3] == f'=HYPERLINK("#\'{T}\'!{bad_target}","{bad_target}")'
    marked = {(cells.get(f"{layout.col_letter(MARK_FIRST_COL)}{i}"), cells.get(f"{layout.col_letter(MARK_FIRST_COL + 1)}{i}"))
              for i in range(layout.REPORT_FIRST_ROW, r)}
    assert (T, bad_target) in marked and (T, no_type) in marked
    assert cells[f"{layout.col_letter(MARK_FIRST_COL)}{layout.REPORT_HEADER_ROW}"] == "xlsxtools-marks:sheet"
    assert actions(book, "setColumnHidden", R)

    # The message box counts what the report lists.
    errors = sum(1 for x in rows if x[0] == "错误")
    warnings = sum(1 for x in rows if x[0] == "警告")
    assert errors >= 2
    text = alerts(book)[-1]
    assert text.startswith(f"发现 {errors} 个错误、{warnings} 个警告") and text.endswith("已在检查结果表列出。")
    assert cells[layout.REPORT_SUMMARY_CELL].startswith(f"发现 {errors} 个错误、{warnings} 个警告")
    assert actions(book, "activateSheet")[-1]["sheet"] == R


def test_check_restores_cells_marked_last_time(monkeypatch, unit_file):
    # Marks recorded by an earlier check: C20 had a yellow fill and the user's own note.
    first = layout.REPORT_FIRST_ROW
    col = layout.col_letter
    report = {f"{col(MARK_FIRST_COL)}{layout.REPORT_HEADER_ROW}": "xlsxtools-marks:sheet",
              f"{col(MARK_FIRST_COL)}{first}": T, f"{col(MARK_FIRST_COL + 1)}{first}": "C20",
              f"{col(MARK_FIRST_COL + 2)}{first}": "FFFF00", f"{col(MARK_FIRST_COL + 3)}{first}": "请核实"}
    payload = payload_from_file(unit_file, {R: report})
    next(s for s in payload["sheets"] if s["name"] == T)["notes"].append({"address": "$C$20"})
    book = press(monkeypatch, payload, "check_rows")
    assert any(a["args"] == ["#ffff00"] and a["range"] == "C20:C20" for a in actions(book, "setRangeColor", T))
    assert ["$C$20", "请核实"] in [a["args"] for a in actions(book, "setNoteText", T)]


def test_clear_marks_restores_fills_and_notes(monkeypatch, unit_file):
    first = layout.REPORT_FIRST_ROW
    col = layout.col_letter
    report = {f"{col(MARK_FIRST_COL)}{layout.REPORT_HEADER_ROW}": "xlsxtools-marks:sheet"}
    for i, (cell, fill) in enumerate((("E9", ""), ("D17", "DDEBF7"))):
        report[f"{col(MARK_FIRST_COL)}{first + i}"] = T
        report[f"{col(MARK_FIRST_COL + 1)}{first + i}"] = cell
        report[f"{col(MARK_FIRST_COL + 2)}{first + i}"] = fill
    payload = payload_from_file(unit_file, {R: report})
    next(s for s in payload["sheets"] if s["name"] == T)["notes"] += [{"address": "$E$9"}, {"address": "$D$17"}]
    book = press(monkeypatch, payload, "clear_marks")
    colours = {a["range"]: a["args"][0] for a in actions(book, "setRangeColor", T)}
    assert colours == {"E9:E9": None, "D17:D17": "#ddebf7"}
    assert sorted(a["args"][0] for a in actions(book, "deleteNote", T)) == ["$D$17", "$E$9"]
    cleared = [a["range"] for a in actions(book, "rangeClearContents", R)]
    assert f"{col(MARK_FIRST_COL)}{first}:{col(MARK_FIRST_COL + 3)}{first + 1}" in cleared
    assert alerts(book) == ["已清除 2 个单元格的底色和批注（填写的内容没有改动）。"]
    assert not actions(book, "setValues", T)  # the user's values are never touched


# ---------------------------------------------------------------------------------------------
# 计算得分
# ---------------------------------------------------------------------------------------------


def test_compute_scores_writes_scores_totals_and_grade(monkeypatch, unit_file):
    book = press(monkeypatch, payload_from_file(unit_file, {A: actuals_edit()}), "compute_scores")
    cells = written(book, A)
    for i, (name, points, _, score) in enumerate(ZHENGWU):
        r = layout.ACTUAL_FIRST_ROW + i
        assert cells[f"{layout.ACTUAL_COL['weight']}{r}"] == points, name
        assert cells[f"{layout.ACTUAL_COL['score']}{r}"] == pytest.approx(score), name
    band = {k: cells[f"{c}{layout.BUDGET_VALUE_ROW}"] for k, c in layout.BUDGET_COL.items()
            if k not in layout.BUDGET_INPUT_KEYS}
    indicator_total = sum(Decimal(str(s)) for *_, s in ZHENGWU)  # 89.84
    budget_score = round(10 * SPENT / BUDGET, 2)  # 9.66
    assert band["rate"] == pytest.approx(SPENT / BUDGET, abs=5e-5)
    assert band["budget_weight"] == 10 and band["budget_score"] == pytest.approx(budget_score)
    assert band["indicator_weight"] == 90 and band["indicator_score"] == pytest.approx(float(indicator_total))
    assert band["total"] == pytest.approx(float(indicator_total) + budget_score)  # 99.50
    assert band["grade"] == "优" and band["step_mode"] == StepMode.FLOOR.label
    formats = {a["range"]: a["args"][0] for a in actions(book, "setNumberFormat", A)}
    last = layout.ACTUAL_FIRST_ROW + len(ZHENGWU) - 1
    assert formats[f"{layout.ACTUAL_COL['score']}{layout.ACTUAL_FIRST_ROW}:{layout.ACTUAL_COL['score']}{last}"] == "0.00"
    assert formats[f"{layout.BUDGET_COL['rate']}{layout.BUDGET_VALUE_ROW}:{layout.BUDGET_COL['rate']}{layout.BUDGET_VALUE_ROW}"] == "0.00%"
    assert not actions(book, "setValues", T)
    text = alerts(book)[-1]
    assert "指标得分合计：89.84 / 90" in text and "总分：99.50，等级：优" in text


def test_compute_scores_without_actuals_grades_nothing(monkeypatch, unit_file):
    book = press(monkeypatch, payload_from_file(unit_file), "compute_scores")
    cells = written(book, A)
    assert actions(book, "setAutofit")  # the grid's rows fitted to their text
    # no total: the total cell says why (12 indicators without an actual, no budget figures)
    assert cells[f"{layout.BUDGET_COL['total']}{layout.BUDGET_VALUE_ROW}"] == "12项及预算未计分"
    assert cells[f"{layout.BUDGET_COL['grade']}{layout.BUDGET_VALUE_ROW}"] is None
    assert all(cells[f"{layout.ACTUAL_COL['score']}{layout.ACTUAL_FIRST_ROW + i}"] is None for i in range(len(ZHENGWU)))
    assert "总分和等级暂不评定" in alerts(book)[-1]


# ---------------------------------------------------------------------------------------------
# 添加下拉
# ---------------------------------------------------------------------------------------------


def test_add_dropdowns_sets_the_validation_lists(monkeypatch, unit_file):
    book = press(monkeypatch, payload_from_file(unit_file), "add_dropdowns")
    last = layout.TARGET_FIRST_ROW + layout.DEFAULT_GRID_ROWS - 1  # 12 indicators: the default 30 rows
    lists = {(a["sheet"], a["range"]): a["args"][0] for a in actions(book, "setDataValidationList")}
    col = layout.TARGET_COL
    assert lists[(T, f"{col['level1']}7:{col['level1']}{last}")] == {"type": "name", "name": layout.NAME_LEVEL1}
    assert lists[(T, f"{col['type']}7:{col['type']}{last}")] == {"type": "name", "name": layout.NAME_TYPES}
    # 方便办事群众 / 推进政务服务便利化: 效果明显得15分，效果一般得8分 → the grade choices.
    g = layout.ACTUAL_COL["actual"]
    grade_rows = f"{g}{row_of('方便办事群众')}:{g}{row_of('推进政务服务便利化')}"
    assert lists[(A, grade_rows)] == {"type": "name", "name": layout.NAME_GRADES}
    rules = {(a["sheet"], a["range"]): a["args"][0] for a in actions(book, "setDataValidationRule")}
    year = f"{layout.HEADER_VALUE_COL}{layout.HEADER_ROW['year']}"
    assert rules[(T, f"{year}:{year}")] == {"type": "whole_number", "operator": "between", "formula1": "=2000",
                                           "formula2": "=2100"}
    # The lists sheet is refreshed; its "=" is written as text.
    lists_cells = written(book, layout.LISTS_SHEET)
    types_col = [nl.name for nl in layout.named_lists()].index(layout.NAME_TYPES) + 1
    types = [lists_cells[f"{layout.col_letter(types_col)}{layout.LISTS_FIRST_ROW + i}"] for i in range(len(layout.TYPES))]
    assert types == ["≥", ">", "'=", "≤", "<", "定性"]
    assert alerts(book)[-1].startswith(f"已为目标表第 7–{last} 行")


# ---------------------------------------------------------------------------------------------
# 导入
# ---------------------------------------------------------------------------------------------


def paste(lines: list[str]) -> dict[str, str]:
    """Cells of the 导入 sheet after pasting tab-separated lines at A4."""
    cells = {}
    for i, line in enumerate(lines):
        for j, text in enumerate(line.split("\t")[: layout.IMPORT_COLUMNS]):
            if text:
                cells[f"{layout.col_letter(j + 1)}{layout.IMPORT_FIRST_ROW + i}"] = text
    return cells


def test_import_writes_the_pasted_table_into_the_target_sheet(monkeypatch, blank_file):
    lines = (SAMPLES / "zhengwu_2026.txt").read_text(encoding="utf-8").splitlines()
    book = press(monkeypatch, payload_from_file(blank_file, {layout.IMPORT_SHEET: paste(lines)}), "import_table")
    cells = written(book, T)
    hv = layout.HEADER_VALUE_COL
    assert cells[f"{hv}{layout.HEADER_ROW['name']}"] == "芷江侗族自治县政务服务中心"
    assert cells[f"{hv}{layout.HEADER_ROW['year']}"] == 2026
    row7 = [cells.get(f"{layout.col_letter(c)}7") for c in range(1, 9)]
    assert row7 == ["产出指标", "数量指标", "设置政务服务窗口数", "≥", 98, "个", "政务大厅窗口设置数。",
                    "达到计划值得满分2分，否则按实际值/计划值*指标分值计分。"]
    r = row_of("政府网站公开信息发布率")
    assert cells[f"{layout.TARGET_COL['type']}{r}"] == "'="  # the type symbol "=" stays text
    assert cells[f"{layout.TARGET_COL['target']}{r}"] == 100
    r = row_of("方便办事群众")
    assert [cells[f"{layout.TARGET_COL[k]}{r}"] for k in ("level1", "level2", "type", "target")] == \
        ["效益指标", "社会效益指标", "定性", "效果明显"]
    # Rows after the 12 indicators are cleared; the footer follows the 30-row grid.
    assert cells[f"{layout.TARGET_COL['name']}{layout.TARGET_FIRST_ROW + 12}"] is None
    _, filled_by = layout.footer_position(layout.DEFAULT_GRID_ROWS)["filled_by"]
    assert cells[filled_by] == "李某某"
    # The importer's repairs are listed for review, the dropdowns follow the new rules.
    report = written(book, R)
    codes = {report.get(f"B{i}") for i in range(layout.REPORT_FIRST_ROW, layout.REPORT_FIRST_ROW + 40)}
    assert {"I001", "I004"} <= codes  # merged cells filled down; 指标类型 read as 指标值类型
    g = layout.ACTUAL_COL["actual"]
    grade = [a for a in actions(book, "setDataValidationList", A) if a["args"][0]["name"] == layout.NAME_GRADES]
    assert grade and grade[0]["range"] == f"{g}{row_of('方便办事群众')}:{g}{row_of('推进政务服务便利化')}"
    assert alerts(book)[-1].startswith("已导入 12 个指标到“目标表”")


def test_import_grows_both_grids_for_a_long_table(monkeypatch, blank_file):
    n = layout.DEFAULT_GRID_ROWS + 5
    header = "一级指标\t二级指标\t三级指标\t指标值类型\t指标值\t计量单位\t指标解释\t评（扣）分标准\t备注"
    rows = [f"产出指标\t数量指标\t指标{i}\t≥\t{i}\t个\t说明\t达到计划值得满分2分，否则按实际值/计划值*指标分值计分。\t"
            for i in range(1, n + 1)]
    book = press(monkeypatch, payload_from_file(blank_file, {layout.IMPORT_SHEET: paste([header, *rows])}),
                 "import_table")
    at = layout.TARGET_FIRST_ROW + layout.DEFAULT_GRID_ROWS  # first row after the old grid
    inserted = {(a["sheet"], a["start_row"] + 1, a["row_count"]) for a in actions(book, "rangeInsert")}
    assert {(T, at, 5), (A, layout.ACTUAL_FIRST_ROW + layout.DEFAULT_GRID_ROWS, 5)} <= inserted
    cells = written(book, T)
    assert cells[f"{layout.TARGET_COL['name']}{layout.TARGET_FIRST_ROW + n - 1}"] == f"指标{n}"
    _, filled_by = layout.footer_position(n)["filled_by"]
    assert filled_by in cells  # the footer moved down with the grid
    links = written(book, A)
    a_at = layout.ACTUAL_FIRST_ROW + layout.DEFAULT_GRID_ROWS
    assert links[f"A{a_at}"] == f"=IF('{T}'!A{at}=\"\",\"\",'{T}'!A{at})"
    level1 = [a for a in actions(book, "setDataValidationList", T) if a["args"][0]["name"] == layout.NAME_LEVEL1]
    assert level1[0]["range"] == f"A7:A{layout.TARGET_FIRST_ROW + n - 1}"


def test_import_asks_before_replacing_a_filled_table(monkeypatch, unit_file):
    lines = (SAMPLES / "zhengwu_2026.txt").read_text(encoding="utf-8").splitlines()
    book = press(monkeypatch, payload_from_file(unit_file, {layout.IMPORT_SHEET: paste(lines)}), "import_table")
    boxes = actions(book, "alert")
    assert boxes[0]["args"][2] == "yes_no" and "是否继续" in boxes[0]["args"][0]
    assert boxes[-1]["args"][0] == "已取消导入，目标表没有改动。"  # the remote book answers nothing: no
    assert not actions(book, "setValues")


def test_import_of_an_empty_paste_sheet_says_what_to_do(monkeypatch, blank_file, tmp_path):
    book = press(monkeypatch, payload_from_file(blank_file), "import_table")
    box = actions(book, "alert")[-1]["args"]
    assert box[3] == "critical" and "没有内容" in box[0] and f"A{layout.IMPORT_FIRST_ROW}" in box[0]
    assert str(tmp_path / "logs") in box[0]


# ---------------------------------------------------------------------------------------------
# Errors: a Chinese message and a log file, never a traceback window
# ---------------------------------------------------------------------------------------------


def plain_payload() -> dict:
    return {"client": "Office.js", "version": xw.__version__,
            "book": {"name": "随便.xlsx", "active_sheet_index": 0, "selection": "A1"}, "names": [],
            "sheets": [{"name": "Sheet1", "values": [["a", 1]], "pictures": [], "tables": [], "notes": []}]}


def test_user_error_becomes_message_and_log(monkeypatch, tmp_path):
    book = press(monkeypatch, plain_payload(), "check_rows")
    box = actions(book, "alert")[-1]["args"]
    log = tmp_path / "logs" / "excel.log"
    assert box[1] == "绩效工具：检查" and box[3] == "critical"
    assert "“检查”未完成" in box[0] and "不是由模板生成的单位工作簿" in box[0] and str(log) in box[0]
    text = log.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in text and "NotATemplateWorkbook" in text


def test_internal_error_names_the_log_file(monkeypatch, tmp_path, unit_file):
    from xlsxtools.excel import ops

    def boom(book):
        raise RuntimeError("boom")

    monkeypatch.setattr(ops, "compute_scores", boom)
    book = press(monkeypatch, payload_from_file(unit_file), "compute_scores")
    box = actions(book, "alert")[-1]["args"][0]
    log = tmp_path / "logs" / "excel.log"
    assert "程序内部错误：RuntimeError" in box and str(log) in box
    assert "RuntimeError: boom" in log.read_text(encoding="utf-8")


def test_without_excel_the_message_goes_to_runpython(monkeypatch, tmp_path):
    import xlsxtools.excel as x

    def no_caller(cls):
        raise RuntimeError("Book.caller() must not be called directly")

    monkeypatch.setattr(xw.Book, "caller", classmethod(no_caller))
    monkeypatch.setattr(x, "_current", {})
    monkeypatch.setattr(xw, "apps", None)  # no Excel application to show a box
    with pytest.raises(SystemExit) as exc:
        x.show_help()
    assert "“帮助”出错" in str(exc.value) and "Traceback" not in str(exc.value)
    assert "Traceback" in (tmp_path / "logs" / "excel.log").read_text(encoding="utf-8")


def test_log_file_rotates(monkeypatch, tmp_path):
    from xlsxtools.excel import guard

    monkeypatch.setattr(guard, "LOG_MAX_BYTES", 2000)
    for _ in range(12):
        guard.write_log("检查", RuntimeError("x" * 500))
    files = sorted(p.name for p in (tmp_path / "logs").iterdir())
    assert "excel.log" in files and "excel.log.1" in files and len(files) <= 1 + guard.LOG_BACKUPS


# ---------------------------------------------------------------------------------------------
# 帮助
# ---------------------------------------------------------------------------------------------


def test_help_describes_the_buttons_of_each_workbook(monkeypatch, unit_file, tmp_path):
    from xlsxtools.vba.summary_template import write_summary_template

    unit = alerts(press(monkeypatch, payload_from_file(unit_file), "show_help"))[-1]
    for label in ("添加下拉", "导入", "检查", "计算得分", "清除标记"):
        assert f"· {label}：" in unit
    summary_file = write_summary_template(tmp_path / layout.SUMMARY_TEMPLATE_FILE)
    summary = alerts(press(monkeypatch, payload_from_file(summary_file), "show_help"))[-1]
    for label in ("选择文件夹", "汇总", "打开问题清单", "分析报告"):
        assert f"· {label}：" in summary
    assert "日志" in unit and "日志" in summary


# ---------------------------------------------------------------------------------------------
# 汇总 / 打开问题清单 (summary template)
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def units_folder(tmp_path_factory) -> Path:
    from xlsxtools.workbook.template import write_unit_workbook

    folder = tmp_path_factory.mktemp("units")
    for name in ("zhengwu_2026.txt", "dashuling_2026.txt"):
        write_unit_workbook(sample_table(name), folder / name.replace(".txt", ".xlsm"))
    return folder


def summary_payload(tmp_path: Path, folder: str, output: str = "") -> dict:
    from xlsxtools.vba.summary_template import write_summary_template

    path = write_summary_template(tmp_path / layout.SUMMARY_TEMPLATE_FILE)
    cells = {layout.SUMMARY_FOLDER_CELL: folder}
    if output:
        cells[layout.SUMMARY_OUTPUT_CELL] = output
    return payload_from_file(path, {layout.SUMMARY_SHEET: cells})


def test_consolidate_writes_the_summary_next_to_the_units(monkeypatch, tmp_path, units_folder):
    import python_calamine

    book = press(monkeypatch, summary_payload(tmp_path, str(units_folder)), "consolidate")
    out = units_folder / "绩效汇总结果.xlsx"
    assert out.is_file()
    wb = python_calamine.CalamineWorkbook.from_path(str(out))
    rows = wb.get_sheet_by_name(layout.CONS_SUMMARY_SHEET).to_python()
    units = {r[0]: r[1] for r in rows[layout.CONS_HEADER_ROW:layout.CONS_HEADER_ROW + 2]}
    assert units == {"芷江侗族自治县政务服务中心": str(units_folder / "zhengwu_2026.xlsm"),
                     "芷江侗族自治县大树岭乡人民政府": str(units_folder / "dashuling_2026.xlsm")}
    text = alerts(book)[-1]
    assert text.startswith("已汇总 2 个单位（读取 2 个工作簿") and str(out) in text
    assert "请在 Excel 中打开该文件查看" in text  # the remote book cannot open files

    found = press(monkeypatch, summary_payload(tmp_path, str(units_folder)), "open_findings")
    assert alerts(found) == [f"汇总结果文件：{out}\n请在 Excel 中打开它，查看“{layout.CONS_FINDINGS_SHEET}”表。"]


def test_report_button_writes_the_analysis_beside_the_summary(monkeypatch, tmp_path, units_folder):
    import docx

    early = press(monkeypatch, summary_payload(tmp_path, str(units_folder), "报告测试.xlsx"), "report")
    assert "还没有汇总结果文件" in actions(early, "alert")[-1]["args"][0]
    press(monkeypatch, summary_payload(tmp_path, str(units_folder), "报告测试.xlsx"), "consolidate")
    book = press(monkeypatch, summary_payload(tmp_path, str(units_folder), "报告测试.xlsx"), "report")
    out = units_folder / "报告测试-分析报告.docx"
    assert out.is_file()
    text = alerts(book)[-1]
    assert text.startswith(f"已生成分析报告：{out}") and "单位 2 个" in text
    body = "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    assert "芷江侗族自治县政务服务中心绩效自评报告" in body and "芷江侗族自治县大树岭乡人民政府绩效自评报告" in body


def test_consolidate_without_a_folder_asks_for_one(monkeypatch, tmp_path):
    book = press(monkeypatch, summary_payload(tmp_path, ""), "consolidate")
    box = actions(book, "alert")[-1]["args"]
    assert box[3] == "critical" and "还没有选择单位工作簿文件夹" in box[0] and layout.SUMMARY_FOLDER_CELL in box[0]


def test_open_findings_before_any_consolidation(monkeypatch, tmp_path):
    empty = tmp_path / "空文件夹"
    empty.mkdir()
    book = press(monkeypatch, summary_payload(tmp_path, str(empty)), "open_findings")
    assert "还没有汇总结果文件" in actions(book, "alert")[-1]["args"][0]


# ---------------------------------------------------------------------------------------------
# The click path imports no pandas
# ---------------------------------------------------------------------------------------------


SPY = r"""
import json, sys, traceback
importers = []
class Spy:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("pandas", "numpy"):
            frames = [f.filename for f in traceback.extract_stack()[:-1] if "importlib" not in f.filename]
            importers.append(frames[-1])
            raise ImportError(f"{name} blocked by the test")
        return None
sys.meta_path.insert(0, Spy())
payload = json.load(open(sys.argv[1], encoding="utf-8"))
import xlwings as xw
book = xw.Book(json=payload)
book.set_mock_caller()
import xlsxtools.excel as x
getattr(x, sys.argv[2])()
print(json.dumps({"importers": importers, "actions": [a["func"] for a in book.json()["actions"]],
                  "pandas": "pandas" in sys.modules and sys.modules["pandas"] is not None}))
"""


@pytest.mark.parametrize("button", ["check_rows", "compute_scores"])
def test_click_path_imports_no_pandas(tmp_path, unit_file, button):
    payload = tmp_path / "payload.json"
    payload.write_text(json.dumps(payload_from_file(unit_file, {A: actuals_edit()}), ensure_ascii=False),
                       encoding="utf-8")
    env = {**__import__("os").environ, "XLSXTOOLS_LOG_DIR": str(tmp_path / "logs")}
    out = subprocess.run([sys.executable, "-c", SPY, str(payload), button], capture_output=True, text=True,
                         env=env, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert "alert" in result["actions"] and not result["pandas"]
    # Only xlwings itself looks for pandas/numpy (optional for it); xlsxtools never does.
    assert result["importers"], "the spy saw nothing: the test would not catch an import"
    assert all("xlwings" in f and "xlsxtools" not in f for f in result["importers"]), result["importers"]


def test_split_ref():
    assert split_ref("H12") == (12, 8) and split_ref("$AA$3") == (3, 27)


@pytest.mark.parametrize("button", ["consolidate", "report"])
def test_summary_click_paths_import_no_pandas(tmp_path, units_folder, button):
    """The summary buttons too (consolidation, the report): only xlwings looks for
    pandas (installed in the test environment for xlsxtools.frames)."""
    import shutil

    folder = tmp_path / "units"
    shutil.copytree(units_folder, folder, ignore=shutil.ignore_patterns("*.xlsx", "*.docx"))
    env = {**__import__("os").environ, "XLSXTOOLS_LOG_DIR": str(tmp_path / "logs")}
    results = {}
    for b in ("consolidate", button):  # the report needs a summary first
        payload = tmp_path / f"{b}.json"
        payload.write_text(json.dumps(summary_payload(tmp_path, str(folder)), ensure_ascii=False), encoding="utf-8")
        out = subprocess.run([sys.executable, "-c", SPY, str(payload), b], capture_output=True, text=True, env=env,
                             check=True)
        results[b] = json.loads(out.stdout.strip().splitlines()[-1])
    result = results[button]
    assert "alert" in result["actions"] and not result["pandas"]
    assert result["importers"] and all("xlwings" in f and "xlsxtools" not in f for f in result["importers"])
    if button == "report":
        assert list(folder.glob("*-分析报告.docx"))
