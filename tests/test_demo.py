"""``xlsxtools demo``: the README's main command, end to end on the bundled samples."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import python_calamine

from xlsxtools import layout


def test_demo_runs_the_whole_job(tmp_path: Path):
    out = tmp_path / "demo"
    run = subprocess.run([sys.executable, "-m", "xlsxtools", "demo", str(out)], capture_output=True, text=True,
                         timeout=600)
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""  # no warning from any library either (a duplicate part name was one)
    assert str(out.resolve()) in run.stdout
    for name in (layout.UNIT_TEMPLATE_FILE, layout.SUMMARY_TEMPLATE_FILE):
        assert (out / "templates" / name).is_file()
    units = sorted(p.name for p in (out / "units").iterdir())
    assert units == ["dashuling_2026.xlsm", "zhengfuban_2026.xlsm", "zhengwu_2026.xlsm"]
    assert sorted(p.name for p in (out / "checked").iterdir()) == units

    book = python_calamine.CalamineWorkbook.from_path(str(out / "汇总.xlsx"))
    summary = book.get_sheet_by_name(layout.CONS_SUMMARY_SHEET).to_python()
    header = summary[layout.CONS_HEADER_ROW - 1]
    rows = {r[0]: dict(zip(header, r, strict=False)) for r in summary[layout.CONS_HEADER_ROW:] if r[1]}
    # totals by hand (tests/test_scoring_samples.py has the arithmetic): 政府办 82.66 + 9.61,
    # 政务服务中心 89.84 + 9.66; 大树岭乡 lacks the actual of its nameless row: incomplete, no grade
    zfb, zw, dsl = (rows[n] for n in ("芷江侗族自治县人民政府办公室", "芷江侗族自治县政务服务中心",
                                      "芷江侗族自治县大树岭乡人民政府"))
    assert (zfb["总分"], zfb["等级"]) == (92.27, "优")
    assert (zw["总分"], zw["等级"], zw["排名"]) == (99.5, "优", 1)
    assert dsl["等级"] == "" and dsl["自评完整"] == "否"
    # the demo lowers one approved target after approval: the tamper check must name it
    assert zw["核定目标核对"].startswith("已改动") and zfb["核定目标核对"] == "一致"
    findings = book.get_sheet_by_name(layout.CONS_FINDINGS_SHEET).to_python()
    assert any(r[4] == "C004" and "98" in r[6] and "90" in r[6] for r in findings)
    missing = book.get_sheet_by_name(layout.CONS_MISSING_SHEET).to_python()
    assert any(r[1] == "芷江侗族自治县示例局" for r in missing)

    # the analysis report: a Word document naming the units, with a draft per unit
    import docx

    doc = docx.Document(str(out / "分析报告.docx"))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "部门整体支出绩效自评汇总分析" in text and "4. 分析报告" in run.stdout
    assert text.count("评价结论：") == 3  # one draft per readable unit
    assert "芷江侗族自治县示例局" in "\n".join(c.text for t in doc.tables for r in t.rows for c in r.cells)

    # the annotated copy of 政府办 marks the level-2 error (经济效益指标 under 产出指标)
    checked = python_calamine.CalamineWorkbook.from_path(str(out / "checked" / "zhengfuban_2026.xlsm"))
    report = checked.get_sheet_by_name(layout.REPORT_SHEET).to_python()
    assert any("H001" in map(str, r) for r in report)

    # the mid-year monitoring: 1-6月 and 1-7月 consolidated with history; 大树岭乡 drifts
    # (39.00% at 1-6月 against 50.00%: 黄; 41.00% at 1-7月 against 58.33% and an indicator expected
    # to miss: 红), the others stay ahead of the schedule (绿)
    assert "5. 运行监控" in run.stdout and "4. 分析报告" in run.stdout and "芷江侗族自治县大树岭乡人民政府 红" in run.stdout
    july = python_calamine.CalamineWorkbook.from_path(str(out / "monitoring" / "监控汇总-2026-07.xlsx"))
    mon = july.get_sheet_by_name(layout.CONS_MONITOR_SHEET).to_python()
    header = mon[layout.CONS_HEADER_ROW - 1]
    col = header.index("状态")
    states = {r[0]: r[col] for r in mon[layout.CONS_HEADER_ROW:] if r and r[0] and len(r) > col and r[col]}
    assert states == {"芷江侗族自治县大树岭乡人民政府": "红", "芷江侗族自治县人民政府办公室": "绿",
                      "芷江侗族自治县政务服务中心": "绿"}
    trend = july.get_sheet_by_name(layout.CONS_MONITOR_TREND_SHEET).to_python()
    assert trend[layout.CONS_HEADER_ROW - 1][:3] == ["单位名称", "2026-06", "2026-07"]
    assert any(r and str(r[0]).startswith("与上期 2026-06 相比变差的单位：1 个") for r in trend)


def test_demo_refuses_to_overwrite_without_force(tmp_path: Path):
    (tmp_path / "keep.txt").write_text("x")
    run = subprocess.run([sys.executable, "-m", "xlsxtools", "demo", str(tmp_path)], capture_output=True, text=True)
    assert run.returncode == 2 and "--force" in run.stderr
    assert (tmp_path / "keep.txt").read_text() == "x"
