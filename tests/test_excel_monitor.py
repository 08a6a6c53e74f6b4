"""The 监控检查 button end to end against xlwings' JSON remote book (like tests/test_excel.py).

The 政务服务中心 sample in the template, with a 1-7月 monitoring typed into the remote book's
payload; the button's recorded actions (fills, notes, 检查结果 rows, message box) are checked
against expectations worked out by hand.
"""

from __future__ import annotations

from datetime import date

import pytest
from test_excel_support import (
    actions,
    alerts,
    covered,
    payload_from_file,
    remote_book,
    written,
)

from xlsxtools import layout

xw = pytest.importorskip("xlwings")

M, R = layout.MONITOR_SHEET, layout.REPORT_SHEET
RED, YELLOW = "#ffc7ce", "#ffeb9c"
C, B, V, FIRST = layout.MONITOR_COL, layout.MONITOR_BUDGET_COL, layout.MONITOR_BUDGET_VALUE_ROW, layout.MONITOR_FIRST_ROW


@pytest.fixture(autouse=True)
def _logs(tmp_path, monkeypatch):
    monkeypatch.setenv("XLWINGS_LICENSE_KEY", "noncommercial")
    monkeypatch.setenv("XLSXTOOLS_LOG_DIR", str(tmp_path / "logs"))


def typed(spent: float = 180.5, row2_likelihood: str = "确定能") -> dict[str, object]:
    """A 1-7月 monitoring as a unit types it: 12 indicator rows; 举办窗口评选活动次数 (≥4 次) expects 3."""
    c, p = "确定能", "有可能"
    rows = [(98, 98, c), (3.2, 5.5, c), (2, 3, row2_likelihood), (100, 100, c), (100, 100, c), (96, 96, c),
            (93, 95, p), ("按计划推进", "2026年12月31日前完成", c), ("效果明显", "效果明显", c),
            ("效果明显", "效果明显", c), (97, 97, c), (180.5, 410, c)]
    cells: dict[str, object] = {f"{B['period']}{V}": "1-7月", f"{B['initial_budget']}{V}": 419.72,
                                f"{B['budget']}{V}": 419.72, f"{B['spent']}{V}": spent,
                                f"{B['expected_spent']}{V}": 410}
    for i, (a, e, lk) in enumerate(rows):
        cells[f"{C['progress']}{FIRST + i}"] = a
        cells[f"{C['expected']}{FIRST + i}"] = e
        cells[f"{C['likelihood']}{FIRST + i}"] = lk
    return cells


def press(monkeypatch, payload):
    import xlsxtools.excel as x

    book = remote_book(payload)
    monkeypatch.setattr(xw.Book, "caller", classmethod(lambda cls: book))
    x.monitor_check()
    return book


def test_the_payload_shows_the_linked_cells(unit_file):
    payload = payload_from_file(unit_file)
    grid = next(s for s in payload["sheets"] if s["name"] == M)["values"]
    assert grid[FIRST - 1][2] == "设置政务服务窗口数" and grid[FIRST - 1][4] == 98
    assert grid[1][2] == "芷江侗族自治县政务服务中心"


def test_monitor_button_marks_cells_lists_findings_and_shows_the_state(monkeypatch, unit_file):
    book = press(monkeypatch, payload_from_file(unit_file, {M: typed()}))
    # 举办窗口评选活动次数 expects 3 < 4 but says 确定能: J002 (error) on its likelihood cell
    j002 = f"{C['likelihood']}{FIRST + 2}"
    red = set().union(*(covered(a) for a in actions(book, "setRangeColor", M) if a["args"] == [RED]))
    assert j002 in red
    notes = {a["args"][0].replace("$", ""): a["args"][1] for a in actions(book, "addNote", M)}
    assert "J002" in notes[j002]
    # 180.5 / 419.72 = 43.00% against 7/12 = 58.33%: behind by 15.33 points > 10 → J001 (warning) on 执行数
    j001 = f"{B['spent']}{V}"
    yellow = set().union(*(covered(a) for a in actions(book, "setRangeColor", M) if a["args"] == [YELLOW]))
    assert j001 in yellow and "J001" in notes[j001]

    cells = written(book, R)
    codes = []
    r = layout.REPORT_FIRST_ROW
    while cells.get(f"A{r}"):
        codes.append((cells[f"B{r}"], cells[f"C{r}"]))
        r += 1
    assert sorted(codes) == [("J001", M), ("J002", M)]
    assert cells[layout.REPORT_SUMMARY_CELL] == "运行监控检查（1-7月）：红。发现 1 个错误、1 个警告，见下表。"

    text = alerts(book)[-1]
    assert text.splitlines() == [
        "监控期间：1-7月（序时进度 58.33%）",
        "预算执行率：43.00%，落后序时进度 15.33 个百分点",
        "有风险的指标：1 个（举办窗口评选活动次数）",
        "监控状态：红——1 个指标预计完不成（举办窗口评选活动次数）；预算执行率 43.00% 低于序时进度 58.33% 超过 10 个百分点；"
        "填报有 1 个错误",
        "发现 1 个错误、1 个警告，已在检查结果表列出。",
        "监控规则：预算执行率低于序时进度超过 10 个百分点为黄、超过 20 个百分点为红；指标进度低于序时进度超过 20 个百分点为明显落后（序时进度 = N/12）",
    ]
    assert actions(book, "activateSheet")[-1]["sheet"] == R


def test_monitor_button_green(monkeypatch, unit_file):
    # 245 / 419.72 = 58.37% ≥ 58.33%, and 举办窗口评选活动次数 now expects 4 (its target): green
    book = press(monkeypatch, payload_from_file(unit_file, {M: {**typed(spent=245), f"{C['expected']}{FIRST + 2}": 4}}))
    text = alerts(book)[-1]
    assert "监控状态：绿——预算执行率 58.37%（序时进度 58.33%），指标预计均能完成" in text
    assert "检查完毕：没有发现问题。" in text
    assert actions(book, "activateSheet")[-1]["sheet"] == M


def test_monitor_button_on_an_untouched_sheet(monkeypatch, unit_file):
    text = alerts(press(monkeypatch, payload_from_file(unit_file)))[-1]
    assert "监控状态：未填报——运行监控表尚未填写" in text and "发现 1 个错误" in text


def test_ops_today_is_injectable(monkeypatch, unit_file):
    from xlsxtools.excel import ops

    book = remote_book(payload_from_file(unit_file, {M: typed()}))
    text = ops.monitor_check(book, today=date(2026, 6, 30))
    assert "发现 2 个错误、1 个警告" in text  # J007: 1-7月 is later than June 2026


def test_import_of_a_long_table_grows_the_monitoring_grid_too(monkeypatch, tmp_path):
    import xlsxtools.excel as x
    from xlsxtools.workbook.template import write_unit_workbook

    blank = write_unit_workbook(None, tmp_path / "模板.xlsm")
    n = layout.DEFAULT_GRID_ROWS + 3
    header = "一级指标\t二级指标\t三级指标\t指标值类型\t指标值\t计量单位\t指标解释\t评（扣）分标准\t备注"
    lines = [header] + [f"产出指标\t数量指标\t指标{i}\t≥\t{i}\t个\t说明\t达到计划值得满分2分，否则按实际值/计划值*指标分值计分。\t"
                        for i in range(1, n + 1)]
    paste = {f"{layout.col_letter(j + 1)}{layout.IMPORT_FIRST_ROW + i}": v
             for i, line in enumerate(lines) for j, v in enumerate(line.split("\t")) if v}
    book = remote_book(payload_from_file(blank, {layout.IMPORT_SHEET: paste}))
    monkeypatch.setattr(xw.Book, "caller", classmethod(lambda cls: book))
    x.import_table()
    at = FIRST + layout.DEFAULT_GRID_ROWS  # first 运行监控 row after the old grid
    assert (M, at, 3) in {(a["sheet"], a["start_row"] + 1, a["row_count"]) for a in actions(book, "rangeInsert")}
    t_row = layout.TARGET_FIRST_ROW + layout.DEFAULT_GRID_ROWS
    links = written(book, M)
    assert links[f"C{at}"] == f"=IF('{layout.TARGETS_SHEET}'!C{t_row}=\"\",\"\",'{layout.TARGETS_SHEET}'!C{t_row})"
    assert links[f"F{at + 2}"] == f"=IF('{layout.TARGETS_SHEET}'!F{t_row + 2}=\"\",\"\",'{layout.TARGETS_SHEET}'!F{t_row + 2})"
    # the dropdowns of the grown monitoring grid: likelihood list down to the last row
    lists = [a for a in actions(book, "setDataValidationList", M) if a["args"][0]["name"] == layout.NAME_LIKELIHOODS]
    assert lists and lists[0]["range"] == f"J{FIRST}:J{FIRST + n - 1}"


def test_monitor_button_on_a_version_1_workbook_says_how_to_upgrade(monkeypatch):
    from pathlib import Path

    old = Path(__file__).parent / "data" / "layout_v1_zhengwu.xlsm"
    text = alerts(press(monkeypatch, payload_from_file(old)))[-1]
    assert "没有「运行监控」表（旧版模板）" in text and "xlsxtools upgrade" in text
