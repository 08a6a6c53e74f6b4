"""Monitoring in the consolidation: three periods (1-5月, 1-6月, 1-7月) with history.

The three sample units as workbooks, their 运行监控 typed from demo.json (大树岭乡 drifting), each
month consolidated into the same history. The summary is re-read with python-calamine and opened in
LibreOffice. Expected values by hand (序时进度 N/12; 执行率 = 1-N月执行数 / 全年预算数):

| unit | 全年预算数 | 1-5月 | 1-6月 | 1-7月 |
|---|---|---|---|---|
| 政府办 | 1350.75 | 567.32 = 42.00% | 688.88 = 51.00% | 797.00 = 59.00% |
| 大树岭乡 | 588.12 | 200.00 = 34.01% | 229.37 = 39.00% | 241.13 = 41.00% |
| 政务服务中心 | 419.72 | 180.48 = 43.00% | 218.25 = 52.00% | 251.83 = 60.00% |

序时进度 41.67%, 50.00%, 58.33%. 大树岭乡: 1-5月 34.01 − 41.67 = −7.66 (within 10: 绿); 1-6月
39.00 − 50.00 = −11.00 (黄) and 农村道路安全巡查劝导 12 of 48 = 25% < 50 − 20 (far behind, with cause
and measures: 黄); 1-7月 41.00 − 58.33 = −17.33 (黄 for the budget) and the same indicator expects
40 < 48 (红). The others stay 绿.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from test_consolidate import sample_actuals, sample_table, sample_units, sheet, table_rows, write_unit

from xlsxtools import layout
from xlsxtools.commands.demo import fill_monitoring
from xlsxtools.config import Config
from xlsxtools.consolidate.runner import consolidate

ZW = "芷江侗族自治县政务服务中心"
ZFB = "芷江侗族自治县人民政府办公室"
DSL = "芷江侗族自治县大树岭乡人民政府"


@pytest.fixture(scope="module")
def three_periods(tmp_path_factory) -> dict[int, Path]:
    base = tmp_path_factory.mktemp("mon")
    db = base / "history.sqlite"
    out = {}
    for months in (5, 6, 7):
        folder = base / f"2026-{months:02d}"
        for u in sample_units():
            path = write_unit(sample_table(u), sample_actuals(u), u["budget"], u["spent"],
                              folder / f"{Path(u['source']).stem}.xlsx")
            fill_monitoring(path, u, months)
        out[months] = consolidate([folder], base / f"汇总-{months}.xlsx", history=db, period=f"2026-{months:02d}",
                                  jobs=1, config=Config()).output
    return out


def test_monitoring_sheet_per_unit(three_periods):
    _, rows = table_rows(three_periods[7], layout.CONS_MONITOR_SHEET)
    by = {r["单位名称"]: r for r in rows if r.get("状态")}
    assert list(by) == [DSL, ZFB, ZW]  # red first, then by gap (政府办 +0.67 before 政务服务中心 +1.67)
    d = by[DSL]
    assert d["监控期间"] == "1-7月" and d["序时进度"] == pytest.approx(7 / 12)
    assert d["执行率"] == pytest.approx(241.13 / 588.12) and d["执行率"] == pytest.approx(0.41, abs=1e-5)
    assert d["执行率-序时进度（百分点）"] == pytest.approx(-17.33)
    assert d["状态"] == "红" and d["风险指标数"] == 1 and d["风险指标"] == "农村道路安全巡查劝导"
    assert d["原因"] == "1 个指标预计完不成（农村道路安全巡查劝导）；预算执行率 41.00% 低于序时进度 58.33% 超过 10 个百分点"
    assert by[ZFB]["状态"] == "绿" and by[ZFB]["执行率-序时进度（百分点）"] == pytest.approx(0.67)
    assert by[ZW]["状态"] == "绿" and by[ZW]["执行率"] == pytest.approx(0.6, abs=1e-5)
    assert by[ZW]["全年预算数（万元）"] == pytest.approx(419.72) and by[ZW]["1-N月执行数（万元）"] == pytest.approx(251.83)
    # the policy is printed with the result
    cells = [c for r in sheet(three_periods[7], layout.CONS_MONITOR_SHEET) for c in r if isinstance(c, str)]
    assert any(c.startswith("监控规则：预算执行率低于序时进度超过 10 个百分点为黄") for c in cells)


def test_findings_of_the_monitoring_are_listed(three_periods):
    _, rows = table_rows(three_periods[7], layout.CONS_FINDINGS_SHEET)
    j = [(r["单位名称"], r["代码"], r["单元格"]) for r in rows if str(r["代码"]).startswith("J")]
    # 大树岭乡: 41.00% < 58.33% − 10 → J001 on 1-N月执行数 (D4); nothing else is missing
    assert j == [(DSL, "J001", "D4")]


def test_trend_over_three_periods(three_periods):
    rows = sheet(three_periods[7], layout.CONS_MONITOR_TREND_SHEET)
    header = rows[layout.CONS_HEADER_ROW - 1]
    assert header[:4] == ["单位名称", "2026-05", "2026-06", "2026-07"]
    start = next(i for i, r in enumerate(rows) if r and str(r[0]).startswith("与上期 2026-06 相比变差的单位"))
    table = {r[0]: r[1:4] for r in rows[layout.CONS_HEADER_ROW:start] if r and r[0]}
    assert table["序时进度"] == pytest.approx([5 / 12, 6 / 12, 7 / 12])
    assert table[DSL] == pytest.approx([0.340067, 0.390002, 0.410001], abs=1e-5)
    assert table[ZFB] == pytest.approx([0.42, 0.51, 0.590042], abs=1e-5)
    assert table[ZW] == pytest.approx([0.43, 0.519989, 0.599995], abs=1e-5)
    # the units that got worse since 2026-06: only 大树岭乡 (黄 → 红; −11.00 → −17.33 is 6.33 points more behind)
    assert rows[start][0].startswith("与上期 2026-06 相比变差的单位：1 个")
    worse = rows[start + 2]
    assert worse[:3] == [DSL, "黄", "红"]
    assert worse[5:9] == pytest.approx([-11.0, -17.33, 1, 1])
    assert worse[9] == "状态由黄变为红；执行率与序时进度之差由 -11.00 变为 -17.33 个百分点"


def test_the_trend_chart_is_a_native_line_chart(three_periods):
    with zipfile.ZipFile(three_periods[7]) as z:
        charts = [z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("xl/charts/chart")]
    line = [c for c in charts if "<c:lineChart>" in c]
    assert len(line) == 1
    xml = line[0]
    assert "预算执行率趋势" in xml and "<c:v>序时进度</c:v>" in xml and f"<c:v>{DSL}</c:v>" in xml
    assert xml.count("<c:ser>") == 4  # the schedule and three units
    assert "<c:v>2026-05</c:v>" in xml and "<c:v>2026-07</c:v>" in xml


def test_second_period_compares_with_the_first(three_periods):
    rows = sheet(three_periods[6], layout.CONS_MONITOR_TREND_SHEET)
    start = next(i for i, r in enumerate(rows) if r and str(r[0]).startswith("与上期 2026-05 相比变差的单位"))
    worse = rows[start + 2]
    # 绿 → 黄, at-risk 0 → 1; the gap fell 3.34 points (not more than 5): not named
    assert worse[:3] == [DSL, "绿", "黄"] and worse[9] == "状态由绿变为黄；风险指标由 0 个增加到 1 个"
    first = sheet(three_periods[5], layout.CONS_MONITOR_TREND_SHEET)
    assert any(r and r[0] == "与上期相比变差的单位：历史库中没有上期，无法比较" for r in first)


def test_year_end_summary_without_monitoring_has_no_monitoring_sheets(tmp_path):
    u = sample_units()[2]
    write_unit(sample_table(u), sample_actuals(u), u["budget"], u["spent"], tmp_path / "in" / "zw.xlsx")
    out = consolidate([tmp_path / "in"], tmp_path / "s.xlsx", jobs=1, config=Config()).output
    from python_calamine import CalamineWorkbook

    names = CalamineWorkbook.from_path(str(out)).sheet_names
    assert layout.CONS_MONITOR_SHEET not in names and layout.CONS_MONITOR_TREND_SHEET not in names
    _, rows = table_rows(out, layout.CONS_FINDINGS_SHEET)
    assert not [r for r in rows if str(r["代码"]).startswith("J")]


LO_SCRIPT = r'''
def main(args):
    doc = load(args["path"])
    try:
        out = {"sheets": list(doc.Sheets.ElementNames)}
        mon = doc.Sheets.getByName(args["monitor"])
        out["state"] = [mon.getCellByPosition(args["state_col"], r).String for r in range(2, 5)]
        out["units"] = [mon.getCellByPosition(0, r).String for r in range(2, 5)]
        trend = doc.Sheets.getByName(args["trend"])
        charts = trend.Charts
        out["charts"] = charts.Count
        if charts.Count:
            chart = charts.getByIndex(0).EmbeddedObject
            out["title"] = chart.Title.String if chart.HasMainTitle else ""
            diagram = chart.FirstDiagram
            types = []
            series = 0
            for cs in diagram.CoordinateSystems:
                for ct in cs.ChartTypes:
                    types.append(ct.ChartType)
                    series += len(ct.DataSeries)
            out["types"], out["series"] = types, series
        out["dsl"] = [trend.getCellByPosition(c, 5).Value for c in range(1, 4)]
        return out
    finally:
        doc.close(True)
'''


def test_libreoffice_opens_the_summary_with_sheet_and_chart(three_periods):
    from libreoffice import run_uno

    state_col = [c.key for c in layout.CONS_MONITOR_COLUMNS].index("state")
    got = run_uno(LO_SCRIPT, {"path": str(three_periods[7]), "monitor": layout.CONS_MONITOR_SHEET,
                              "trend": layout.CONS_MONITOR_TREND_SHEET, "state_col": state_col})
    assert layout.CONS_MONITOR_SHEET in got["sheets"] and layout.CONS_MONITOR_TREND_SHEET in got["sheets"]
    assert got["units"] == [DSL, ZFB, ZW] and got["state"] == ["红", "绿", "绿"]
    assert got["charts"] == 1 and got["types"] == ["com.sun.star.chart2.LineChartType"] and got["series"] == 4
    assert got["title"].startswith("预算执行率趋势")
    assert json.dumps(got["dsl"]) and got["dsl"] == pytest.approx([0.340067, 0.390002, 0.410001], abs=1e-5)


def test_report_and_command_line(three_periods, tmp_path, capsys):
    from xlsxtools.cli import main

    folder = three_periods[7].parent / "2026-07"
    with pytest.raises(SystemExit) as exc:
        main(["consolidate", str(folder), "-o", str(tmp_path / "s.xlsx"), "--history", str(tmp_path / "h.sqlite"),
              "--period", "2026-07"])
    assert exc.value.code == 0
    err = capsys.readouterr().err
    assert "运行监控：红 1 个，黄 0 个，绿 2 个（见“运行监控”表）；比上期变差 0 个（见“监控趋势”）" in err


def test_history_of_version_1_gains_the_monitoring_table(tmp_path):
    import sqlite3

    from xlsxtools.consolidate.history import MIGRATIONS, History

    db = tmp_path / "old.sqlite"
    con = sqlite3.connect(db)
    con.executescript(MIGRATIONS[0])
    con.execute("INSERT INTO runs VALUES ('2026-05','2026-06-01T00:00:00','x',1,1,'floor','0.1')")
    con.execute("PRAGMA user_version = 1")
    con.commit()
    con.close()
    with History(db) as h:
        assert h.version == 2 and h.periods() == ["2026-05"]
        assert h.db.execute("SELECT count(*) FROM monitoring").fetchone()[0] == 0


def test_a_version_1_workbook_is_listed_as_without_monitoring_sheet(three_periods, tmp_path):
    import shutil

    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy2(three_periods[7].parent / "2026-07" / "dashuling_2026.xlsx", folder)
    shutil.copy2(Path(__file__).parent / "data" / "layout_v1_zhengwu.xlsm", folder / "旧模板.xlsm")
    out = consolidate([folder], tmp_path / "s.xlsx", jobs=1, config=Config()).output
    _, rows = table_rows(out, layout.CONS_MONITOR_SHEET)
    listed = [(r["单位名称"], r["状态"], r["原因"]) for r in rows if r.get("状态")]
    assert [u for u, *_ in listed] == [DSL, ZW] and listed[0][1] == "红"
    assert listed[1][1] == "无监控表" and "xlsxtools upgrade" in listed[1][2]
    assert sheet(out, layout.CONS_MONITOR_SHEET)[0][0] == "运行监控汇总：红 1 个，无监控表 1 个"


def test_the_state_prints_on_the_first_page_beside_the_unit(three_periods, tmp_path):
    """For the leaders: unit, state and reason on the first printed page of 运行监控."""
    import libreoffice
    from test_summary_print import pdf_text

    libreoffice.require()
    pages = pdf_text(libreoffice.convert(three_periods[7], "pdf", tmp_path / "pdf"))
    first = next(p for p in pages if f"{layout.CONS_TITLE}：{layout.CONS_MONITOR_SHEET}" in p)
    lines = [" ".join(ln.split()) for ln in first.splitlines()]
    dsl = next(ln for ln in lines if ln.startswith(DSL))
    assert dsl.split()[1] == "红" and "预算执行率" in dsl
