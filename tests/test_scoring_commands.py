"""`xlsxtools actuals` and `xlsxtools score` end to end; outputs re-read with python-calamine."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from xlsxtools import layout
from xlsxtools.cli import main

SAMPLES = Path(__file__).resolve().parents[1] / "xlsxtools" / "data" / "samples"


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main([str(a) for a in args])
    out = capsys.readouterr()
    return int(exc.value.code or 0), out.out, out.err


def calamine_rows(path: Path, sheet: str) -> list[list]:
    import python_calamine

    return python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python(
        skip_empty_area=False)


@pytest.fixture
def unit_wb(tmp_path: Path) -> Path:
    from xlsxtools.importer import import_table
    from xlsxtools.workbook.template import write_unit_workbook

    return write_unit_workbook(import_table(SAMPLES / "zhengwu_2026.txt"), tmp_path / "unit.xlsx")


ACTUALS_CSV = """三级指标,实际完成值,偏差原因分析及改进措施
设置政务服务窗口数,98,
办理业务数,5.6,
举办窗口评选活动次数,4,
政府网站公开信息发布率,100,
实施清单和权责清单发布率,100,
服务窗口规范率,96,
“好差评”评价率,92,部分群众未评价
工作完成时间,2027-01-22,年终结算延后
方便办事群众,效果明显,
推进政务服务便利化,效果明显,
群众满意度,97,
预 算 成 本,405.3,
"""


def test_actuals_then_score_write(unit_wb: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "actuals.csv"
    src.write_text(ACTUALS_CSV, encoding="utf-8")
    filled = tmp_path / "filled.xlsx"
    rc, out, err = run(["actuals", unit_wb, "--from", src, "--budget", "419.72", "--spent", "405.3", "-o", filled],
                       capsys)
    assert rc == 0, err
    assert "12" in out
    rows = calamine_rows(filled, layout.ACTUALS_SHEET)
    actual_col = ord(layout.ACTUAL_COL["actual"]) - 65
    reason_col = ord(layout.ACTUAL_COL["reason"]) - 65
    first = layout.ACTUAL_FIRST_ROW - 1
    assert rows[first][actual_col] == 98
    assert rows[first + 7][actual_col] == date(2027, 1, 22)  # a real date cell
    assert rows[first + 6][reason_col] == "部分群众未评价"
    assert rows[first + 11][actual_col] == pytest.approx(405.3)  # name matched across stray spaces

    scored = tmp_path / "scored.xlsx"
    rc, out, err = run(["score", filled, "--write", "-o", scored], capsys)
    assert rc == 0, err
    rows = calamine_rows(scored, layout.ACTUALS_SHEET)
    w_col, s_col = ord(layout.ACTUAL_COL["weight"]) - 65, ord(layout.ACTUAL_COL["score"]) - 65
    weights = [rows[first + i][w_col] for i in range(12)]
    scores = [rows[first + i][s_col] for i in range(12)]
    assert weights == [2, 2, 2, 2, 2, 5, 5, 10, 15, 15, 10, 20]
    # 92/95 × 5 = 4.8421 → 4.84; 22 days late → floor(22/10) = 2 steps → 10 − 2 = 8
    assert scores == [2, 2, 2, 2, 2, 5, 4.84, 8, 15, 15, 10, 20]
    band = {f.key: rows[layout.BUDGET_VALUE_ROW - 1][i] for i, f in enumerate(layout.BUDGET_FIELDS)}
    assert band["rate"] == pytest.approx(0.9656)  # 405.3/419.72
    assert band["budget_score"] == pytest.approx(9.66)
    assert band["indicator_weight"] == 90
    assert band["indicator_score"] == pytest.approx(10 + 5 + 4.84 + 8 + 30 + 10 + 20)  # 87.84
    assert band["total"] == pytest.approx(87.84 + 9.66)  # 97.50
    assert band["grade"] == "优"
    assert band["step_mode"] == "按整步扣分（不足一步不扣）"
    import openpyxl

    before, after = openpyxl.load_workbook(filled), openpyxl.load_workbook(scored)
    ws_b, ws_a = before[layout.ACTUALS_SHEET], after[layout.ACTUALS_SHEET]
    assert ws_a.protection.sheet is True  # protection kept
    assert len(ws_a.data_validations.dataValidation) == len(ws_b.data_validations.dataValidation) > 0

    rc, out, _ = run(["score", filled, "--json", "--step-mode", "ceil"], capsys)
    data = json.loads(out)
    assert rc == 0
    assert set(data) == {"unit", "file", "indicators", "indicator_total", "budget_execution", "total", "grade",
                         "complete", "step_mode", "findings"}
    assert set(data["indicators"][0]) == {"level1", "level2", "name", "type", "target", "unit", "weight", "rule",
                                          "actual", "score", "explanation"}
    assert data["step_mode"] == "ceil"
    delay = data["indicators"][7]
    assert delay["score"] == 7 and "ceil(22/10) = 3" in delay["explanation"]  # 10 − 1 × 3
    assert data["indicator_total"] == pytest.approx(87.84 - 1)  # the delay row loses one more point and data["grade"] == "优"
    assert data["budget_execution"]["score"] == pytest.approx(9.66)


def test_score_incomplete_and_unreadable(unit_wb: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = run(["score", unit_wb, "--json"], capsys)  # no actuals at all
    data = json.loads(out)
    assert rc == 1 and data["complete"] is False and data["grade"] is None
    a001 = [f for f in data["findings"] if f["code"] == "A001"]
    assert len(a001) == 12 and a001[0]["cell"] == f"{layout.ACTUAL_COL['actual']}{layout.ACTUAL_FIRST_ROW}"
    bad = tmp_path / "broken.xlsx"
    bad.write_bytes(b"not a workbook")
    rc, out, err = run(["score", bad, unit_wb, "--json"], capsys)
    assert rc == 2 and "broken.xlsx" in err
    assert isinstance(json.loads(out), list)
    rc, out, _ = run(["score", unit_wb], capsys)
    assert rc == 1 and "不评定" in out


def test_actuals_bad_names_are_errors(unit_wb: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "a.csv"
    src.write_text("name,actual\n不存在的指标,5\n办理业务数,6\n", encoding="utf-8")
    out_path = tmp_path / "o.xlsx"
    rc, _, err = run(["actuals", unit_wb, "--from", src, "-o", out_path], capsys)
    assert rc == 2 and "不存在的指标" in err and not out_path.exists()


def test_actuals_name_matching_twice(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from xlsxtools.importer import import_table
    from xlsxtools.workbook.template import write_unit_workbook

    table = import_table(SAMPLES / "zhengwu_2026.txt")
    table.indicators[1].name = table.indicators[0].name
    wb = write_unit_workbook(table, tmp_path / "dup.xlsx")
    src = tmp_path / "a.xlsx"
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["三级指标", "实际完成值"])
    book.active.append([table.indicators[0].name, 3])
    book.save(src)
    rc, _, err = run(["actuals", wb, "--from", src, "-o", tmp_path / "o.xlsx"], capsys)
    assert rc == 2 and table.indicators[0].name in err and "2 个同名" in err


def test_actuals_in_place_keeps_backup(unit_wb: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "a.csv"
    src.write_text("三级指标,实际完成值\n办理业务数,6\n", encoding="utf-8")
    rc, _, err = run(["actuals", unit_wb, "--from", src, "--in-place"], capsys)
    assert rc == 0, err
    assert (tmp_path / "unit.bak.xlsx").exists()
    rows = calamine_rows(unit_wb, layout.ACTUALS_SHEET)
    assert rows[layout.ACTUAL_FIRST_ROW][ord(layout.ACTUAL_COL["actual"]) - 65] == 6
