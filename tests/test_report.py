"""The analysis report: its content from hand-made summary rows (pure), and the Word file rendered
to PDF by LibreOffice and read back."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import libreoffice
import pytest
from test_consolidate import write_broken, write_samples
from test_summary_print import pdf_text

from xlsxtools.report.content import FIELD_LIMIT, Chart, Table, build_report, clip
from xlsxtools.report.source import SummaryData


def unit(name, total, grade, rank, *, complete=True, status="正常", rate=0.95, tamper="", approved=None):
    return {"unit": name, "status": status, "complete": "是" if complete else "否", "total": total, "grade": grade,
            "rank": rank, "rate": rate, "budget": 100.0, "spent": rate * 100 if rate is not None else None,
            "budget_score": 9.5, "tamper": tamper, "approved_total": approved, "indicator_total": 80.0,
            "indicator_weight": 90.0, "l1:产出指标:weight": 50.0, "l1:产出指标:score": 45.0}


def ind(u, name, weight, score, level2="数量指标", reason=""):
    return {"unit": u, "level1": "产出指标", "level2": level2, "name": name, "weight": weight, "score": score,
            "reason": reason}


def finding(u, code, severity="错误", message="m"):
    return {"unit": u, "code": code, "severity": severity, "message": message}


@pytest.fixture
def data() -> SummaryData:
    units = [unit("甲局", 96.0, "优", 1), unit("乙局", 85.0, "良", 2, rate=0.8),
             unit("丙镇", 70.0, "中", 3, status="目标被改动", tamper="已改动（1 项）", approved=65.0),
             unit("丁中心", 60.5, None, None, complete=False, status="不完整、有错误", rate=None),
             {"unit": "（未填单位名称）坏", "status": "无法读取", "note": "文件已损坏"}]
    indicators = [ind("甲局", "办理文件数", 10, 10), ind("乙局", "办理文件数", 10, 8, reason="人手不足"),
                  ind("丙镇", "办理文件数", 10, 9), ind("乙局", "培训次数", 10, 5),
                  ind("丁中心", "培训次数", 10, None), ind("丁中心", "满意度", 10, 10, level2="服务对象满意度指标")]
    findings = [finding("丁中心", "A001"), finding("丁中心", "V005", "警告"), finding("乙局", "V005", "警告"),
                finding("乙局", "V005", "警告"), finding("丙镇", "C004", message="指标「办理文件数」指标值由「12」改为「10」"),
                finding("", "C002", "警告")]
    missing = [{"kind": "名册中未提交", "unit": "戊局", "file": "", "note": "名册中有此单位，但没有找到它的工作簿"}]
    about = {"生成时间": "2027-01-20 10:00:00", "名册": "名册.txt", "核定基线": "基线.json"}
    return SummaryData("汇总.xlsx", units, indicators, findings, missing, about)


def section(report, prefix):
    return next(s for s in report.sections if s.title.startswith(prefix))


def tables(s):
    return [b for b in s.blocks if isinstance(b, Table)]


def test_overview_counts(data):
    r = build_report(data, year="2026")
    assert r.title == "2026年度部门整体支出绩效自评汇总分析"
    assert r.counts == {"workbooks": 5, "units": 4, "complete": 3, "unreadable": 1, "missing": 1, "tampered": 1}
    text = section(r, "一、").blocks[0]
    # average over the three complete units: (96 + 85 + 70) / 3 = 83.666… → 83.67
    assert "3 个自评完整" in text and "83.67" in text and "1 个单位未提交" in text


def test_grades_and_chart(data):
    s = section(build_report(data), "二、")
    chart = next(b for b in s.blocks if isinstance(b, Chart))
    assert chart.labels == ["优", "良", "中", "差", "未评定"] and chart.values == [1, 1, 1, 0, 1]
    assert tables(s)[0].rows[0] == ["优", "1", "25.0%"]


def test_top_and_bottom_and_missed_and_defects(data):
    r = build_report(data)
    scores = section(r, "三、")
    top = next(t for t in tables(scores) if t.header[0] == "排名")
    assert [row[1] for row in top.rows] == ["甲局", "乙局", "丙镇"]
    bar = next(b for b in scores.blocks if isinstance(b, Chart))
    assert bar.labels == ["甲局", "乙局", "丙镇"] and bar.values == [96.0, 85.0, 70.0]
    missed = tables(section(r, "四、"))[0]
    # 办理文件数 missed by 乙局 (8/10) and 丙镇 (9/10) of the 3 units that set it; 培训次数 by 乙局 only
    # (丁中心's has no score: not counted as missed).
    assert missed.rows[0][:4] == ["办理文件数", "数量指标", "2 / 3", "3.00"]
    assert missed.rows[1][:4] == ["培训次数", "数量指标", "1 / 2", "5.00"]
    defects = tables(section(r, "五、"))[0]
    assert defects.rows[0][:5] == ["V005", "计数指标使用了“=”", "警告", "3", "2"]


def test_tampered_not_submitted_and_budget(data):
    r = build_report(data)
    tam = tables(section(r, "六、"))[0]
    assert tam.rows == [["丙镇", "已改动（1 项）", "70.00", "65.00", "指标「办理文件数」指标值由「12」改为「10」"]]
    miss = tables(section(r, "七、"))[0]
    assert [row[:2] for row in miss.rows] == [["戊局", "名册中未提交"], ["（未填单位名称）坏", "无法读取"]]
    budget = section(r, "八、")
    assert "总体预算执行率" in budget.blocks[0] and "「乙局」" in budget.blocks[0]  # 80% < 90%


def test_each_unit_gets_a_draft_within_200_characters(data):
    r = build_report(data, year="2026")
    assert [u.unit for u in r.units] == ["甲局", "乙局", "丙镇", "丁中心"]
    by = {u.unit: u for u in r.units}
    for u in r.units:
        for text in (u.conclusion, u.problems, u.measures):
            assert 0 < len(text) <= FIELD_LIMIT
    assert "96.00 分" in by["甲局"].conclusion and "第 1 名" in by["甲局"].conclusion
    assert "「培训次数」（得 5.00 / 10.00 分）" in by["乙局"].problems and "执行进度偏慢" in by["乙局"].problems
    assert "人手不足" not in by["乙局"].problems and "加快预算执行进度" in by["乙局"].measures
    assert "核定版本不一致" in by["丙镇"].problems
    assert "不完整" in by["丁中心"].conclusion and "暂不评定等级" in by["丁中心"].conclusion
    assert "A001 1 处" in by["丁中心"].problems and "补齐缺失的实际完成值" in by["丁中心"].measures


def test_clip_cuts_at_a_clause_within_the_limit():
    text = "；".join(f"第{i}个问题的说明文字" for i in range(40))
    cut = clip(text, 50)
    assert len(cut) <= 50 and cut.endswith("…") and "；…" not in cut
    assert clip("短句。", 50) == "短句。"


# ----------------------------------------------------------------------------------------------
# The command, the Word file and its PDF
# ----------------------------------------------------------------------------------------------


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "xlsxtools.cli", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=600)


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    d = tmp_path_factory.mktemp("report")
    write_samples(d / "units")
    write_broken(d / "units")
    (d / "名册.txt").write_text("芷江侗族自治县政务服务中心\n芷江侗族自治县人民政府办公室\n芷江侗族自治县大树岭乡人民政府\n"
                              "芷江侗族自治县示例局\n", "utf-8")
    r = cli("consolidate", "units", "-o", "汇总.xlsx", "--roster", "名册.txt", "-q", cwd=d)
    assert r.returncode == 0, r.stderr
    r = cli("report", "汇总.xlsx", "-o", "报告.docx", "--year", "2026", cwd=d)
    assert r.returncode == 0, r.stderr
    return d


def test_report_docx_has_native_charts_with_their_values(made):
    import re

    with zipfile.ZipFile(made / "报告.docx") as z:
        charts = sorted(n for n in z.namelist() if n.startswith("word/charts/chart"))
        xml = [z.read(n).decode() for n in charts]
        types = z.read("[Content_Types].xml").decode()
        rels = z.read("word/_rels/document.xml.rels").decode()
        body = z.read("word/document.xml").decode()
    assert charts == ["word/charts/chart1.xml", "word/charts/chart2.xml"]  # grades, totals by unit
    assert "drawingml.chart+xml" in types and rels.count("relationships/chart") == 2
    assert body.count("<c:chart ") == 2
    # cached values: Word and LibreOffice draw them without an embedded workbook
    grades = re.findall(r"<c:v>([^<]*)</c:v>", xml[0])
    assert grades[:6] == ["单位数", "优", "良", "中", "差", "未评定"] and "等级分布" in xml[0]  # series name, labels
    assert "<c:v>99.5</c:v>" in xml[1] and "<c:v>芷江侗族自治县政务服务中心</c:v>" in xml[1]


def test_report_renders_to_pdf_and_reads_back(made):
    libreoffice.require()
    pdf = libreoffice.convert(made / "报告.docx", "pdf", made / "pdf")
    pages = pdf_text(pdf)
    text = "\n".join(pages)
    flat = text.replace("\n", "").replace(" ", "")
    assert "2026年度部门整体支出绩效自评汇总分析" in flat
    for title in ("一、总体情况", "二、评价等级分布", "三、得分与排名", "四、未完成目标的指标", "五、表格中最常见的问题",
                  "六、核定目标被改动的单位", "七、未提交的单位", "八、预算执行情况"):
        assert title in flat, title
    assert "芷江侗族自治县示例局" in flat  # on the roster, did not submit
    # one page (at least) per unit's draft, each with its three fields
    for name in ("芷江侗族自治县政务服务中心", "芷江侗族自治县人民政府办公室", "芷江侗族自治县大树岭乡人民政府"):
        page = next(p for p in pages if f"{name}绩效自评报告" in p.replace("\n", "").replace(" ", ""))
        flat_page = page.replace("\n", "").replace(" ", "")
        assert "评价结论：" in flat_page and "存在问题：" in flat_page and "改进措施：" in flat_page
        # each unit's facts table holds its own values (tables after the first are copies, refilled)
        assert f"单位{name}" in flat_page
    flat_pages = {name: next(p for p in pages if f"{name}绩效自评报告" in p.replace("\n", "").replace(" ", ""))
                  .replace("\n", "").replace(" ", "") for name in ("芷江侗族自治县政务服务中心", "芷江侗族自治县大树岭乡人民政府")}
    assert "排名1/2" in flat_pages["芷江侗族自治县政务服务中心"] and "99.50" in flat_pages["芷江侗族自治县政务服务中心"]
    assert "不参与排名" in flat_pages["芷江侗族自治县大树岭乡人民政府"]
    assert "87.84（自评不完整）" in flat_pages["芷江侗族自治县大树岭乡人民政府"]


def test_report_from_a_folder_and_from_a_wrong_file(made):
    r = cli("report", "units", "-o", "报告2.docx", "--roster", "名册.txt", cwd=made)
    assert r.returncode == 0, r.stderr
    assert "未提交 1 个" in r.stderr
    r = cli("report", "名册.txt", "-o", "x.docx", cwd=made)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    r = cli("report", "units/zhengwu_2026.xlsx", "-o", "x.docx", cwd=made)
    assert r.returncode == 2 and "不是 xlsxtools consolidate 生成的汇总文件" in r.stderr
