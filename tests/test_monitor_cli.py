"""The 运行监控 sheet read back from a real workbook, and ``xlsxtools monitor`` (table and --json).

The workbook is the 政务服务中心 sample in the template with a 1-7月 monitoring typed with openpyxl
(what a user types in Excel); expectations are worked out by hand.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pytest

from xlsxtools import layout
from xlsxtools.cli import main
from xlsxtools.workbook.reader import read_unit_workbook

SAMPLES = Path(__file__).resolve().parents[1] / "xlsxtools" / "data" / "samples"
M = layout.MONITOR_SHEET
FIRST = layout.MONITOR_FIRST_ROW
C = layout.MONITOR_COL
B = layout.MONITOR_BUDGET_COL
V = layout.MONITOR_BUDGET_VALUE_ROW


class Res:
    def __init__(self, exit_code: int, output: str) -> None:
        self.exit_code, self.output = exit_code, output


def run(capsys, *args: str) -> Res:
    with pytest.raises(SystemExit) as exc:
        main(list(args))
    out, err = capsys.readouterr()
    return Res(exc.value.code, out + err)


def fill(path: Path, band: dict, rows: dict[int, dict]) -> None:
    wb = openpyxl.load_workbook(path, keep_vba=True)
    ws = wb[M]
    for k, v in band.items():
        ws[f"{B[k]}{V}"] = v
    for i, values in rows.items():
        for k, v in values.items():
            ws[f"{C[k]}{FIRST + i}"] = v
    wb.save(path)


@pytest.fixture(scope="module")
def unit(tmp_path_factory) -> Path:
    from xlsxtools.importer import import_table
    from xlsxtools.workbook.template import write_unit_workbook

    path = write_unit_workbook(import_table(SAMPLES / "zhengwu_2026.txt"),
                               tmp_path_factory.mktemp("m") / "政务服务中心.xlsm")
    # The 12 indicators in order, typed as a unit would; row 2 举办窗口评选活动次数 ≥4 次 expects 3 but
    # says 确定能 (J002), row 6 “好差评”评价率 ≥95 % has no expected value (J006).
    c, p = "确定能", "有可能"
    typed = [(98, 98, c), (3.2, 5.5, c), (2, 3, c), (100, 100, c), (100, 100, c), (96, 96, c), (93, None, p),
             ("按计划推进", "2026年12月31日前完成", c), ("效果明显", "效果明显", c), ("效果明显", "效果明显", c),
             (97, 97, c), (180.5, 410, c)]
    rows = {i: {"progress": a, "expected": b, "likelihood": lk} for i, (a, b, lk) in enumerate(typed)}
    fill(path, {"period": "1-7月", "initial_budget": 419.72, "budget": 419.72, "spent": 180.5,
                "expected_spent": 410}, rows)
    return path


def test_reader_reads_the_band_and_every_row(unit):
    m = read_unit_workbook(unit).monitoring
    assert (m.period, m.budget, m.spent, m.expected_spent) == ("1-7月", 419.72, 180.5, 410)
    assert m.unit_name == "芷江侗族自治县政务服务中心" and m.year == "2026"
    assert len(m.rows) == 12
    r = m.rows[2]
    assert (r.name, r.type, r.target, r.unit, r.expected, r.likelihood) == \
        ("举办窗口评选活动次数", "≥", "4", "次", 3, "确定能")
    assert m.rows[2].progress == 2 and m.rows[6].expected is None and m.rows[7].expected == "2026年12月31日前完成"
    assert r.origin.cell("likelihood") == f"J{FIRST + 2}" and m.origins["spent"].cell("spent") == f"D{V}"


def test_monitor_json(capsys, unit):
    res = run(capsys, *["monitor", str(unit), "--json", "--today", "2026-08-10"])
    assert res.exit_code == 1, res.output  # J002 and J006 are errors
    data = json.loads(res.output)
    assert data["today"] == "2026-08-10" and data["policy"]["budget_margin"] == 0.1
    f = data["files"][0]
    # 180.5 / 419.72 = 0.4300486…; schedule 7/12 = 0.5833333…; gap −0.1532847… (> 10, ≤ 20 points)
    assert f["period"] == "1-7月" and f["rate"] == pytest.approx(0.4300486, abs=1e-7)
    assert f["schedule"] == pytest.approx(0.5833333, abs=1e-7) and f["gap"] == pytest.approx(-0.1532847, abs=1e-7)
    # 举办窗口评选活动次数 expected 3 < 4: at risk and red
    assert f["state"] == "红" and f["at_risk"] == ["举办窗口评选活动次数"]
    assert f["reason"] == ("1 个指标预计完不成（举办窗口评选活动次数）；预算执行率 43.00% 低于序时进度 58.33% 超过 10 个百分点；"
                           "填报有 2 个错误")
    got = sorted((x["code"], x["cell"]) for x in f["findings"])
    assert got == [("J001", f"D{V}"), ("J002", f"J{FIRST + 2}"), ("J006", f"H{FIRST + 6}")]


def test_monitor_human_table_prints_the_policy(capsys, unit):
    res = run(capsys, *["monitor", str(unit), "--today", "2026-08-10"])
    assert res.exit_code == 1
    lines = res.output.splitlines()
    assert lines[0].split("\t") == ["单位", "期间", "执行率", "序时进度", "差距(百分点)", "风险指标", "状态", "原因"]
    assert lines[1].split("\t")[:7] == ["芷江侗族自治县政务服务中心", "1-7月", "43.00%", "58.33%", "-15.33", "1", "红"]
    assert "J002" in res.output
    assert lines[-1].startswith("监控规则：预算执行率低于序时进度超过 10 个百分点为黄")


def test_monitor_period_in_the_future_and_bad_files(capsys, unit, tmp_path):
    res = run(capsys, *["monitor", str(unit), "--json", "--today", "2026-06-30"])
    codes = [x["code"] for x in json.loads(res.output)["files"][0]["findings"]]
    assert "J007" in codes
    old = tmp_path / "旧.xlsm"
    shutil.copy2(Path(__file__).parent / "data" / "layout_v1_zhengwu.xlsm", old)
    broken = tmp_path / "坏.xlsx"
    broken.write_bytes(b"not a workbook")
    res = run(capsys, *["monitor", str(old), str(broken), "--json"])
    assert res.exit_code == 2
    files = json.loads(res.output)["files"]
    assert files[0]["findings"][0]["code"] == "W001" and "xlsxtools upgrade" in files[0]["findings"][0]["message"]
    assert files[1]["findings"][0]["code"] == "W004"
    res = run(capsys, *["monitor", str(unit), "--today", "8月"])
    assert res.exit_code == 2 and "--today 应写成 YYYY-MM-DD" in res.output


def test_monitor_help_is_chinese(capsys):
    res = run(capsys, *["monitor", "--help"])
    assert res.exit_code == 0 and "--json" in res.output and "序时进度" in res.output


def test_monitor_annotate_marks_the_cells_in_a_copy(capsys, unit, tmp_path):
    import openpyxl

    out = tmp_path / "已标注.xlsm"
    before = unit.read_bytes()
    res = run(capsys, "monitor", str(unit), "--today", "2026-08-10", "--annotate", "-o", str(out))
    assert res.exit_code == 1 and f"已标注：{out}" in res.output
    assert unit.read_bytes() == before
    wb = openpyxl.load_workbook(out, keep_vba=True)
    ws = wb[M]
    j002 = ws[f"J{FIRST + 2}"]
    assert j002.comment is not None and "J002" in j002.comment.text and j002.fill.fill_type == "solid"
    assert "J001" in ws[f"D{V}"].comment.text
    report = wb[layout.REPORT_SHEET]
    codes = {report.cell(r, 2).value for r in range(layout.REPORT_FIRST_ROW, report.max_row + 1)}
    assert {"J001", "J002", "J006"} <= codes
    res = run(capsys, "monitor", str(unit), "-o", str(out))
    assert res.exit_code == 2 and "只能与 --annotate 一起使用" in res.output


def test_a_percent_typed_with_its_sign_reads_as_percent_points(tmp_path):
    # Excel stores "96%" typed into a General cell as 0.96 with a % format; the 指标值 is 95 (%).
    path = tmp_path / "u.xlsm"
    from xlsxtools.importer import import_table
    from xlsxtools.workbook.template import write_unit_workbook

    write_unit_workbook(import_table(SAMPLES / "zhengwu_2026.txt"), path)
    wb = openpyxl.load_workbook(path, keep_vba=True)
    ws = wb[M]
    ws[f"G{FIRST + 5}"] = 0.96  # 服务窗口规范率 ≥95 %
    ws[f"G{FIRST + 5}"].number_format = "0%"
    ws[f"H{FIRST + 5}"] = 0.96  # a plain 0.96 without the format stays as typed
    wb.save(path)
    row = read_unit_workbook(path).monitoring.rows[5]
    assert row.name == "服务窗口规范率" and row.progress == 96 and row.expected == 0.96
