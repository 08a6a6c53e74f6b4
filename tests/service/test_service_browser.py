"""End to end in a real browser: Playwright driving Debian's Chromium against a running server.

A unit logs in, uploads a sample workbook, sees its findings and score, downloads the annotated
workbook (re-read with python-calamine) and submits it; the bureau sees the state change, approves
the target table, consolidates, and downloads the summary (re-read). On SQLite and PostgreSQL.
Screenshots of every page go to $XLSXTOOLS_SCREENSHOTS (or the test's temp folder).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path

import pytest
import python_calamine
from service_support import BACKENDS, EVIL_UNIT, build_service

CHROMIUM = "/usr/bin/chromium"
ZHENGWU = "芷江侗族自治县政务服务中心"
DASHULING = "芷江侗族自治县大树岭乡人民政府"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def browser():
    required = bool(os.environ.get("XLSXTOOLS_REQUIRE_BROWSER"))
    if required:
        import playwright.sync_api as pw_mod
    else:
        pw_mod = pytest.importorskip("playwright.sync_api")
    if not os.path.exists(CHROMIUM):
        if required:
            pytest.fail("Chromium not installed (apt-get install chromium)")
        pytest.skip("Chromium not installed")
    with pw_mod.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--no-first-run"])
        yield b
        b.close()


@pytest.fixture(params=BACKENDS)
def live(request, tmp_path, worker_pool):
    import uvicorn

    pg = request.getfixturevalue("pg_server") if request.param == "postgresql" else None
    svc = build_service(request.param, tmp_path / "data", pg, worker_pool, [ZHENGWU, DASHULING, EVIL_UNIT])
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(svc.app, host="127.0.0.1", port=port, log_level="warning"))
    t = threading.Thread(target=server.run, daemon=True)
    t.start()
    deadline = time.time() + 20
    while not server.started and time.time() < deadline:
        time.sleep(0.05)
    assert server.started
    svc.url = f"http://127.0.0.1:{port}"
    svc.backend = request.param
    yield svc
    server.should_exit = True
    t.join(10)
    svc.engine.dispose()


def shots_dir(tmp_path: Path, backend: str) -> Path:
    d = Path(os.environ.get("XLSXTOOLS_SCREENSHOTS", tmp_path / "shots")) / backend
    d.mkdir(parents=True, exist_ok=True)
    return d


def log_in(page, url, user, password):
    page.goto(url + "/login")
    page.fill("#username", user)
    page.fill("#password", password)
    page.click("button[type=submit]")


def test_unit_submits_bureau_approves_and_consolidates(browser, live, demo_files, tmp_path):
    shots = shots_dir(tmp_path, live.backend)
    unit_ctx = browser.new_context(accept_downloads=True, locale="zh-CN", viewport={"width": 1280, "height": 900})
    bureau_ctx = browser.new_context(accept_downloads=True, locale="zh-CN", viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    dialogs: list[str] = []
    unit, bureau = unit_ctx.new_page(), bureau_ctx.new_page()
    for p in (unit, bureau):
        p.on("pageerror", lambda e: errors.append(str(e)))
        # a Content-Security-Policy violation or a failed asset shows up as a console error
        p.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        p.on("dialog", lambda d: (dialogs.append(d.message), d.accept()))

    # the bureau's roster before: nobody submitted
    log_in(bureau, live.url, "czj", live.passwords["czj"])
    bureau.wait_for_url("**/bureau")
    row = bureau.locator("tr.row-state", has_text=ZHENGWU)
    assert row.locator("td.state").inner_text() == "未提交"
    assert bureau.locator("tr.row-state", has_text="测试局").locator("td").first.inner_text() == EVIL_UNIT
    bureau.screenshot(path=str(shots / "1-roster-before.png"), full_page=True)

    # the unit: log in, upload, findings and score
    unit.goto(live.url + "/unit")
    unit.wait_for_url("**/login?next=/unit")
    unit.screenshot(path=str(shots / "0-login.png"), full_page=True)
    unit.fill("#username", live.units[ZHENGWU])
    unit.fill("#password", live.passwords[live.units[ZHENGWU]])
    unit.click("button[type=submit]")
    unit.wait_for_url("**/unit")
    unit.screenshot(path=str(shots / "2-unit-home.png"), full_page=True)
    unit.set_input_files("#file", str(demo_files / "units" / "zhengwu_2026.xlsm"))
    unit.click("text=上传并检查")
    unit.wait_for_url("**/unit/uploads/*")
    assert "单位工作簿（模板）" in unit.content()
    assert unit.locator("#total").inner_text() == "99.50"
    assert unit.locator("#grade").inner_text() == "优"
    findings = unit.locator("table.findings tr.sev-warning")
    assert findings.count() == 3  # the demo: 0 errors, 3 warnings for this unit
    unit.screenshot(path=str(shots / "3-unit-findings-score.png"), full_page=True)
    with unit.expect_download() as dl:
        unit.click("#dl-annotated")
    annotated = tmp_path / "annotated.xlsm"
    dl.value.save_as(annotated)
    wb = python_calamine.CalamineWorkbook.from_path(str(annotated))
    report = wb.get_sheet_by_name("检查结果").to_python()
    assert sum(1 for r in report if any(str(v) in ("警告",) for v in r)) == 3
    unit.click("#submit")
    unit.wait_for_url("**/unit/submissions/*")
    assert unit.locator("#state").inner_text() == "已完成"
    unit.screenshot(path=str(shots / "4-unit-submitted.png"), full_page=True)
    # the API token for the Excel buttons: shown once after "生成新令牌"
    unit.goto(live.url + "/account")
    unit.click("text=生成新令牌")
    unit.wait_for_url("**/account")
    token = unit.locator("#token").inner_text()
    assert token.startswith("xt_") and len(token) > 40
    unit.screenshot(path=str(shots / "4b-unit-account-token.png"), full_page=True)
    unit.reload()
    assert unit.locator("#token").count() == 0

    # the bureau sees the state change, approves, consolidates
    bureau.reload()
    row = bureau.locator("tr.row-state", has_text=ZHENGWU)
    assert row.locator("td.state").inner_text() == "已完成"
    bureau.screenshot(path=str(shots / "5-roster-after.png"), full_page=True)
    row.locator("td >> nth=2").locator("a").click()
    bureau.wait_for_url("**/bureau/submissions/*")
    bureau.click("#approve")
    bureau.wait_for_load_state()
    assert "已核定" in bureau.content()
    bureau.screenshot(path=str(shots / "6-submission-approved.png"), full_page=True)
    bureau.goto(live.url + "/bureau")
    bureau.click("#consolidate")
    bureau.wait_for_url("**/bureau/consolidations/*")
    bureau.locator("#download-link").wait_for(state="visible", timeout=120_000)
    bureau.wait_for_load_state()
    bureau.screenshot(path=str(shots / "7-consolidation.png"), full_page=True)
    with bureau.expect_download() as dl:
        bureau.click("#download-link")
    summary = tmp_path / "summary.xlsx"
    dl.value.save_as(summary)
    wb = python_calamine.CalamineWorkbook.from_path(str(summary))
    rows = wb.get_sheet_by_name("汇总").to_python()
    assert any(ZHENGWU in str(v) for r in rows for v in r)
    assert any(99.5 == v for r in rows for v in r)
    not_submitted = [str(v) for r in wb.get_sheet_by_name("未提交").to_python() for v in r]
    assert DASHULING in not_submitted and EVIL_UNIT in not_submitted
    bureau.goto(live.url + "/bureau/history")
    bureau.screenshot(path=str(shots / "8-history.png"), full_page=True)
    bureau.goto(live.url + "/bureau/audit")
    for action in ("登录", "上传", "提交", "核定", "汇总"):
        assert bureau.locator("td", has_text=action).count() >= 1, action
    bureau.screenshot(path=str(shots / "9-audit.png"), full_page=True)
    assert not errors, errors
    # the confirmations are wired by app.js (no inline handlers)
    assert dialogs == ["确定提交给财政局吗？", "重新生成后旧令牌立即作废，确定吗？",
                       "核定后，此目标表将作为该单位防篡改比对的基线。确定吗？"]
    unit_ctx.close()
    bureau_ctx.close()


@pytest.mark.parametrize("live", ["sqlite"], indirect=True)
def test_monitoring_and_the_report_in_the_browser(browser, live, demo_files, tmp_path):
    """Mid-year: two units upload their 1-7月 monitoring and see its state; the bureau consolidates
    and downloads the analysis report (re-read with python-docx). Screenshots: 10-… to 12-…."""
    import docx
    from test_service_monitoring import monitored_workbook

    shots = shots_dir(tmp_path, live.backend)
    errors: list[str] = []
    ctx = browser.new_context(accept_downloads=True, locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("dialog", lambda d: d.accept())
    log_in(page, live.url, "czj", live.passwords["czj"])
    page.wait_for_url("**/bureau")
    page.fill("form[action='/bureau/period'] input[name=period]", "2026-07")
    page.click("form[action='/bureau/period'] button")
    page.wait_for_url("**/bureau")
    page.click("button.link")  # 退出
    page.wait_for_url("**/login")
    uploads = {ZHENGWU: monitored_workbook(tmp_path / "政务中心-1-7月.xlsm", expected_row2=4),
               DASHULING: demo_files / "monitoring" / "2026-07" / "dashuling_2026.xlsm"}
    # 政务服务中心: 43.00% against 58.33% → 黄 (see test_service_monitoring); 大树岭乡 (demo.json): 红
    for (unit, path), state in zip(uploads.items(), ("黄", "红"), strict=True):
        log_in(page, live.url, live.units[unit], live.passwords[live.units[unit]])
        page.wait_for_url("**/unit")
        page.set_input_files("#file", str(path))
        page.click("text=上传并检查")
        page.wait_for_url("**/unit/uploads/*")
        assert page.locator("#mon-state").inner_text() == state
        assert page.locator("#mon-period").inner_text() == "1-7月"
        page.screenshot(path=str(shots / f"10-unit-monitoring-{state}.png"), full_page=True)
        page.click("#submit")
        page.wait_for_url("**/unit/submissions/*")
        page.click("button.link")
        page.wait_for_url("**/login")
    log_in(page, live.url, "czj", live.passwords["czj"])
    page.wait_for_url("**/bureau")
    page.screenshot(path=str(shots / "11-roster-monitoring.png"), full_page=True)
    page.click("#consolidate")
    page.wait_for_url("**/bureau/consolidations/*")
    page.locator("#report-link").wait_for(state="visible", timeout=120_000)
    assert page.locator("#mon-counts").inner_text().startswith("填报了运行监控的单位：红 1 黄 1")
    page.screenshot(path=str(shots / "12-consolidation-monitoring-report.png"), full_page=True)
    with page.expect_download() as dl:
        page.click("#report-link")
    report = tmp_path / "report.docx"
    dl.value.save_as(report)
    assert dl.value.suggested_filename.endswith(".docx")
    text = "\n".join(p.text for p in docx.Document(str(report)).paragraphs)
    assert "绩效自评汇总分析" in text and DASHULING in text
    assert not errors, errors
    ctx.close()
