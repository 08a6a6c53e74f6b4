"""Mid-year monitoring and the analysis report through the service (SQLite and PostgreSQL).

A unit uploads a workbook whose 运行监控 sheet is filled and sees what ``xlsxtools monitor --json``
gives (period, execution rate against the time schedule, indicators at risk, 红/黄/绿 with its
reason, the J findings); a workbook of layout version 1 is told to upgrade and can download the
upgraded workbook; the bureau consolidates two monitoring periods (the history's trend) and
downloads the analysis report, re-read with python-docx. Every expectation is worked out by hand
from the values typed below or in xlsxtools/data/samples/demo.json.
"""

from __future__ import annotations

import html as htmllib
import io
import re
import time
from pathlib import Path

import openpyxl
import pytest
import python_calamine
from service_support import BACKENDS, build_service, csrf_of

from xlsxtools import layout

ZHENGWU = "芷江侗族自治县政务服务中心"
DASHULING = "芷江侗族自治县大树岭乡人民政府"
#: An indicator name that is markup: shown on the page as text only.
EVIL_NAME = '<img src=x onerror="alert(1)">评选活动次数'
M, B, C, V, FIRST = (layout.MONITOR_SHEET, layout.MONITOR_BUDGET_COL, layout.MONITOR_COL,
                     layout.MONITOR_BUDGET_VALUE_ROW, layout.MONITOR_FIRST_ROW)


@pytest.fixture(params=BACKENDS)
def svc(request, tmp_path, worker_pool):
    pg = request.getfixturevalue("pg_server") if request.param == "postgresql" else None
    s = build_service(request.param, tmp_path / "data", pg, worker_pool, [ZHENGWU, DASHULING])
    yield s
    s.engine.dispose()


def monitored_workbook(path: Path, *, expected_row2: float, name_row2: str | None = None) -> Path:
    """The 政务服务中心 sample in the template with a 1-7月 monitoring typed as a unit would.

    Budget: 419.72 万元, 1-7月执行数 180.5, 全年预计执行数 410. Indicators in order (progress,
    expected, likelihood); row 2 举办窗口评选活动次数 (≥4 次) expects ``expected_row2``, 确定能.
    """
    from xlsxtools.commands.demo import sample_dir
    from xlsxtools.importer import import_table
    from xlsxtools.workbook.template import write_unit_workbook

    table = import_table(sample_dir() / "zhengwu_2026.txt")
    if name_row2:
        table.indicators[2].name = name_row2
    write_unit_workbook(table, path)
    c, p = "确定能", "有可能"
    typed = [(98, 98, c), (3.2, 5.5, c), (2, expected_row2, c), (100, 100, c), (100, 100, c), (96, 96, c),
             (93, 95, p), ("按计划推进", "2026年12月31日前完成", c), ("效果明显", "效果明显", c),
             ("效果明显", "效果明显", c), (97, 97, c), (180.5, 410, c)]
    wb = openpyxl.load_workbook(path, keep_vba=True)
    ws = wb[M]
    for k, v in {"period": "1-7月", "initial_budget": 419.72, "budget": 419.72, "spent": 180.5,
                 "expected_spent": 410}.items():
        ws[f"{B[k]}{V}"] = v
    for i, (a, e, lk) in enumerate(typed):
        ws[f"{C['progress']}{FIRST + i}"] = a
        ws[f"{C['expected']}{FIRST + i}"] = e
        ws[f"{C['likelihood']}{FIRST + i}"] = lk
    wb.save(path)
    return path


def upload(client, path: Path, name: str | None = None):
    page = client.get("/unit")
    with open(path, "rb") as fh:
        r = client.post("/unit/upload", data={"csrf": csrf_of(page.text)},
                        files={"file": (name or path.name, fh, "application/octet-stream")})
    assert r.status_code == 303 and "/unit/uploads/" in r.headers["location"], r.text
    return r.headers["location"]


def post(client, url, page_url, **data):
    return client.post(url, data={"csrf": csrf_of(client.get(page_url).text), **data})


def by_id(html: str, ident: str) -> str:
    """The text inside the element with id ``ident`` (tags removed, entities decoded)."""
    m = re.search(rf'<(\w+)[^>]*\bid="{ident}"[^>]*>(.*?)</\1>', html, re.S)
    assert m, f"no #{ident} on the page"
    return re.sub(r"\s+", " ", htmllib.unescape(re.sub(r"<[^>]+>", "", m.group(2)))).strip()


def test_unit_sees_its_monitoring_state_and_findings_and_others_do_not(svc, tmp_path):
    wb = monitored_workbook(tmp_path / "政务中心-1-7月.xlsm", expected_row2=4)
    unit = svc.client(svc.units[ZHENGWU])
    loc = upload(unit, wb)
    html = unit.get(loc).text
    assert by_id(html, "mon-period") == "1-7月"
    # 180.5 / 419.72 = 0.430049 → 43.00%; 7/12 = 58.33%; 43.005 − 58.333 = −15.33 points:
    # behind by more than 10 (budget_margin) and less than 20 (budget_red_margin) → 黄
    assert by_id(html, "mon-rate").startswith("43.00%")
    assert by_id(html, "mon-schedule") == "58.33%（7/12）"
    assert by_id(html, "mon-gap") == "-15.33 个百分点（落后）"
    assert by_id(html, "mon-risk") == "0 个"
    assert by_id(html, "mon-state") == "黄"
    assert by_id(html, "mon-reason") == "预算执行率 43.00% 低于序时进度 58.33% 超过 10 个百分点"
    findings = by_id(html, "mon-findings")
    assert "J001" in findings and f"D{V}" in findings  # on 1-N月执行数, the only finding
    assert re.findall(r"J0\d\d", findings) == ["J001"]
    assert "监控规则：预算执行率低于序时进度超过 10 个百分点为黄、超过 20 个百分点为红" in html
    # the workbook with the monitoring findings marked (as the 监控检查 button), re-read independently
    r = unit.get(loc + "/download/monitored")
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(r.content))
    listed = [str(v) for row in book.get_sheet_by_name(layout.REPORT_SHEET).to_python() for v in row]
    assert "J001" in listed and not any(re.fullmatch(r"[A-Z]\d{3}", v) and v != "J001" for v in listed)
    # the submission keeps the state; the bureau sees it on the roster and the submission
    sub = post(unit, loc + "/submit", loc).headers["location"]
    sid = sub.rsplit("/", 1)[1]
    assert by_id(unit.get(sub).text, "monitor-state") == "黄"
    assert 'mstate-amber">黄<' in unit.get("/unit").text  # the unit's list of submissions
    bureau = svc.client("czj")
    roster = bureau.get("/bureau").text
    assert 'mstate-amber">黄<' in roster and by_id(roster, "monitor-tally") == "运行监控（最近一次提交）：黄 1"
    assert by_id(bureau.get(f"/bureau/submissions/{sid}").text, "mon-state") == "黄"
    # another unit reaches neither the upload nor the submission
    other = svc.client(svc.units[DASHULING])
    for url in (loc, sub, loc + "/download/annotated", loc + "/download/upgraded"):
        r = other.get(url)
        assert r.status_code == 404 and "黄" not in r.text and "J001" not in r.text, url
    assert "政务中心-1-7月" not in other.get("/unit").text


def test_a_red_state_names_the_indicator_as_text(svc, tmp_path):
    wb = monitored_workbook(tmp_path / "红.xlsm", expected_row2=3, name_row2=EVIL_NAME)
    unit = svc.client(svc.units[ZHENGWU])
    loc = upload(unit, wb)
    html = unit.get(loc).text
    # expects 3 < 4 yet 确定能: J002 (an error) on its 完成目标可能性 cell, the indicator is at risk → 红
    assert by_id(html, "mon-state") == "红"
    assert by_id(html, "mon-reason") == (f"1 个指标预计完不成（{EVIL_NAME}）；预算执行率 43.00% 低于序时进度 58.33% "
                                         "超过 10 个百分点；填报有 1 个错误")
    assert by_id(html, "mon-risk") == f"1 个：{EVIL_NAME}"
    findings = by_id(html, "mon-findings")
    assert sorted(re.findall(r"J0\d\d", findings)) == ["J001", "J002"] and f"{C['likelihood']}{FIRST + 2}" in findings
    assert EVIL_NAME not in html and "&lt;img src=x onerror=" in html
    # and on the bureau's consolidation page, which lists each unit's reason
    assert post(unit, loc + "/submit", loc).status_code == 303
    bureau = svc.client("czj")
    period = bureau.get("/bureau").text.split('name="period" value="')[1].split('"')[0]
    job = post(bureau, "/bureau/consolidations", "/bureau", period=period).headers["location"]
    wait_done(bureau, job)
    page = bureau.get(job).text
    assert EVIL_NAME in by_id(page, "mon-units") and EVIL_NAME not in page and "&lt;img src=x onerror=" in page


def test_a_version_1_workbook_is_told_to_upgrade_and_can_download_it(svc, tmp_path):
    old = Path(__file__).resolve().parents[1] / "data" / "layout_v1_zhengwu.xlsm"
    unit = svc.client(svc.units[ZHENGWU])
    loc = upload(unit, old, "去年的表.xlsm")
    html = unit.get(loc).text
    msg = by_id(html, "mon-upgrade")
    assert "模板版本 1" in msg and "没有「运行监控」表" in msg and "下载升级后的工作簿" in msg
    assert "xlsxtools upgrade" not in html  # no command line for a browser user
    r = unit.get(loc + "/download/upgraded")
    assert r.status_code == 200 and r.headers["content-disposition"].endswith(".xlsm")
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(r.content))
    assert M in book.sheet_names
    targets = book.get_sheet_by_name(layout.TARGETS_SHEET).to_python()
    assert any("设置政务服务窗口数" in str(v) for row in targets for v in row)
    # the upgraded workbook, uploaded, has the (empty) sheet: 未填报
    up = tmp_path / "升级后.xlsm"
    up.write_bytes(r.content)
    loc2 = upload(unit, up)
    html = unit.get(loc2).text
    assert by_id(html, "mon-state") == "未填报" and "尚未填写" in by_id(html, "mon-empty")
    assert 'id="mon-findings"' not in html and 'id="mon-upgrade"' not in html
    # a workbook of the current version has nothing to upgrade: a message, not an error page
    r = unit.get(loc2 + "/download/upgraded")
    assert r.status_code == 303 and r.headers["location"] == loc2
    assert "不需要升级" in unit.get(loc2).text


def wait_done(client, job: str) -> dict:
    deadline = time.time() + 180
    while (st := client.get(job + "/status").json())["status"] not in ("done", "failed") and time.time() < deadline:
        time.sleep(0.3)
    assert st["status"] == "done", st
    return st


def test_bureau_consolidates_two_periods_with_trend_and_downloads_the_report(svc, demo_files):
    import docx

    bureau = svc.client("czj")
    units = {ZHENGWU: svc.client(svc.units[ZHENGWU]), DASHULING: svc.client(svc.units[DASHULING])}
    files = {ZHENGWU: "zhengwu_2026.xlsm", DASHULING: "dashuling_2026.xlsm"}
    jobs = {}
    for period in ("2026-06", "2026-07"):
        assert post(bureau, "/bureau/period", "/bureau", period=period).status_code == 303
        for name, c in units.items():
            loc = upload(c, demo_files / "monitoring" / period / files[name])
            assert post(c, loc + "/submit", loc).status_code == 303
        job = post(bureau, "/bureau/consolidations", "/bureau", period=period).headers["location"]
        jobs[period] = (job, wait_done(bureau, job))
    # demo.json, 1-6月: 大树岭乡 229.37 / 588.12 = 39.00% against 6/12 = 50% (−11 points) → 黄;
    # 政务服务中心 218.25 / 419.72 = 52.00% ≥ 50% → 绿
    june = bureau.get(jobs["2026-06"][0]).text
    assert by_id(june, "mon-counts").startswith("填报了运行监控的单位：黄 1 绿 1")
    # 1-7月: 大树岭乡 expects 40 巡查 of 48 → 红 (worse than 黄); 政务服务中心 251.83 / 419.72 = 60.00% ≥ 58.33% → 绿
    july_job, july = jobs["2026-07"]
    page = bureau.get(july_job).text
    assert by_id(page, "mon-counts").startswith("填报了运行监控的单位：红 1 绿 1") and "比上一期间变差 1 个" in page
    rows = by_id(page, "mon-units")
    assert "1-7月" in rows and "农村道路安全巡查劝导" in rows and "41.00%" in rows and "60.00%" in rows
    summary = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(bureau.get(july["download"]).content))
    assert {layout.CONS_MONITOR_SHEET, layout.CONS_MONITOR_TREND_SHEET} <= set(summary.sheet_names)
    trend = [str(v) for row in summary.get_sheet_by_name(layout.CONS_MONITOR_TREND_SHEET).to_python() for v in row]
    assert "2026-06" in " ".join(trend) and "2026-07" in " ".join(trend) and DASHULING in trend
    # the analysis report of each consolidation, made in the job's process, re-read with python-docx
    assert july["report"] == july_job + "/report" and 'id="report-link"' in page
    r = bureau.get(july["report"])
    assert r.status_code == 200 and ".docx" in r.headers["content-disposition"]
    doc = docx.Document(io.BytesIO(r.content))
    text = "\n".join(p.text for p in doc.paragraphs) + "\n".join(
        c.text for t in doc.tables for row in t.rows for c in row.cells)
    assert "绩效自评汇总分析" in text and DASHULING in text and ZHENGWU in text
    assert "2026" in doc.paragraphs[0].text or any("2026" in p.text for p in doc.paragraphs[:3])
    hist = bureau.get("/bureau/history").text
    assert f'href="{july_job}/report"' in hist
    assert "红 1 绿 1" in hist and "黄 1 绿 1" in hist  # each period's consolidation, its state counts
    # a unit asking for the report (or the summary) gets 403; logged out: the login page
    for c in units.values():
        for url in (july["report"], july["download"], july_job):
            assert c.get(url).status_code == 403, url
    anon = svc.client()
    r = anon.get(july["report"])
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    assert bureau.get(july_job.replace(july_job.rsplit("/", 1)[1], "999999") + "/report").status_code == 404


def test_the_page_shows_what_monitor_json_gives(tmp_path, capsys):
    """The worker's monitoring result is the ``xlsxtools monitor --json`` object of the same file
    (the page adds only the policy text, the finding levels and the upgrade fields)."""
    import json
    from datetime import date

    from xlsxtools.cli import main
    from xlsxtools.config import Config
    from xlsxtools.service.jobs import UPLOAD_LABEL, monitoring

    wb = monitored_workbook(tmp_path / "比对.xlsm", expected_row2=3)
    with pytest.raises(SystemExit):
        main(["monitor", str(wb), "--json", "--today", "2026-08-10"])
    cli = json.loads(capsys.readouterr().out)["files"][0]
    got = monitoring(wb, Config(), date(2026, 8, 10))
    for k in ("period", "months", "schedule", "rate", "gap", "expected_rate", "indicators", "at_risk", "state",
              "reason", "summary"):
        assert got[k] == cli[k], k
    assert [(f["code"], f["sheet"], f["cell"], f["message"].replace(UPLOAD_LABEL, str(wb))) for f in got["findings"]] \
        == [(f["code"], f["sheet"], f["cell"], f["message"]) for f in cli["findings"]]
    assert got["state"] == "红" and got["sheet"] is True
    from xlsxtools.checks.monitoring import STATE_ORDER
    from xlsxtools.service.app import STATE_ORDER as PAGE_ORDER

    assert PAGE_ORDER == STATE_ORDER


def test_a_period_other_than_the_collection_period_is_pointed_out(svc, tmp_path):
    bureau = svc.client("czj")
    assert post(bureau, "/bureau/period", "/bureau", period="2026-08").status_code == 303
    unit = svc.client(svc.units[ZHENGWU])
    html = unit.get(upload(unit, monitored_workbook(tmp_path / "七月.xlsm", expected_row2=4))).text
    assert "工作簿的监控期间为 1-7月，而当前收取期间是 2026-08" in by_id(html, "mon-period-note")
    assert post(bureau, "/bureau/period", "/bureau", period="2026-07").status_code == 303
    html = unit.get(upload(unit, monitored_workbook(tmp_path / "七月.xlsm", expected_row2=4))).text
    assert 'id="mon-period-note"' not in html


def test_a_report_that_cannot_be_made_does_not_fail_the_consolidation(tmp_path):
    """The report step's own failure is a line on the consolidation page, not a failed job."""
    from xlsxtools.service.jobs import _make_report
    from xlsxtools.service.storage import BlobStore

    bogus = tmp_path / "summary.xlsx"
    bogus.write_bytes(b"not a workbook")
    stored, line = _make_report(bogus, tmp_path / "report.docx", "2026-07", BlobStore(tmp_path / "store"))
    assert stored is None and line.startswith("分析报告未能生成")
    assert not (tmp_path / "report.docx").exists()
