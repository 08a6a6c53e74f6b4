"""The service's unit and bureau flow through HTTP (SQLite and PostgreSQL), without a browser."""

from __future__ import annotations

import io
import time

import pytest
import python_calamine
from service_support import (
    BACKENDS,
    EVIL_UNIT,
    build_service,
    csrf_of,
)

ZHENGWU = "芷江侗族自治县政务服务中心"
DASHULING = "芷江侗族自治县大树岭乡人民政府"


@pytest.fixture(params=BACKENDS)
def svc(request, tmp_path, worker_pool):
    pg = request.getfixturevalue("pg_server") if request.param == "postgresql" else None
    s = build_service(request.param, tmp_path / "data", pg, worker_pool, [ZHENGWU, DASHULING, EVIL_UNIT])
    yield s
    s.engine.dispose()


def upload(client, path, name=None):
    page = client.get("/unit")
    with open(path, "rb") as fh:
        return client.post("/unit/upload", data={"csrf": csrf_of(page.text)},
                           files={"file": (name or path.name, fh, "application/octet-stream")})


def post(client, url, page_url, **data):
    return client.post(url, data={"csrf": csrf_of(client.get(page_url).text), **data})


def test_unit_checks_scores_downloads_and_submits(svc, demo_files):
    c = svc.client(svc.units[DASHULING])
    r = upload(c, demo_files / "units" / "dashuling_2026.xlsm", "大树岭乡 2026.xlsm")
    assert r.status_code == 303
    page = c.get(r.headers["location"])
    assert page.status_code == 200
    html = page.text
    # the demo's dashuling workbook misses one actual (G25) – the finding names sheet and cell
    assert "工作表「实际完成」" in html and "G25" in html and "A001" in html
    assert "实际完成值为空" in html
    # the score table shows each indicator's formula and the incomplete total
    assert "超支率 = (601.5−588.12)/588.12×100%" in html
    assert "不完整，不评定等级" in html
    # annotated workbook: re-read independently
    base = r.headers["location"] + "/download"
    a = c.get(base + "/annotated")
    assert a.status_code == 200 and "attachment" in a.headers["content-disposition"]
    wb = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(a.content))
    assert "检查结果" in wb.sheet_names
    report = wb.get_sheet_by_name("检查结果").to_python()
    assert any("G25" in str(cell) for row in report for cell in row)
    s = c.get(base + "/scored")
    assert s.status_code == 200
    orig = c.get(base + "/original")
    assert orig.content == (demo_files / "units" / "dashuling_2026.xlsm").read_bytes()
    # submit
    sub = post(c, r.headers["location"] + "/submit", r.headers["location"])
    assert sub.status_code == 303 and "/unit/submissions/" in sub.headers["location"]
    sp = c.get(sub.headers["location"]).text
    assert "大树岭乡 2026.xlsm" in sp and "有错误" in sp
    home = c.get("/unit").text
    assert "大树岭乡 2026.xlsm" in home and "有错误" in home


def test_old_table_is_imported_checked_and_submitted_as_a_workbook(svc):
    from xlsxtools.commands.demo import sample_dir

    c = svc.client(svc.units[ZHENGWU])
    r = upload(c, sample_dir() / "zhengwu_2026.txt", "政务中心旧表.txt")
    html = c.get(r.headers["location"]).text
    assert "旧表" in html and "I004" in html
    imp = c.get(r.headers["location"] + "/download/imported")
    assert imp.status_code == 200
    wb = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(imp.content))
    assert "目标表" in wb.sheet_names
    grid = wb.get_sheet_by_name("目标表").to_python()
    assert any("设置政务服务窗口数" in str(v) for row in grid for v in row)
    sub = post(c, r.headers["location"] + "/submit", r.headers["location"])
    assert sub.status_code == 303
    sp = c.get(sub.headers["location"]).text
    assert "政务中心旧表-导入.xlsm" in sp


def test_bad_files_give_a_message_not_an_error_page(svc):
    c = svc.client(svc.units[ZHENGWU])
    for name, content in [("坏.xlsx", b"PK\x03\x04 not really a zip"), ("空表.txt", "只有一句话\n".encode()),
                          ("病毒.exe", b"MZ")]:
        page = c.get("/unit")
        r = c.post("/unit/upload", data={"csrf": csrf_of(page.text)}, files={"file": (name, content)})
        assert r.status_code == 303, name
        follow = c.get(r.headers["location"])
        assert follow.status_code == 200, name
        if name.endswith(".exe"):
            assert "不支持的文件类型" in follow.text
        else:
            assert "无法读取" in follow.text or "W004" in follow.text or "错误" in follow.text


def test_upload_size_limit(tmp_path, worker_pool):
    s = build_service("sqlite", tmp_path / "data", None, worker_pool, [ZHENGWU], max_upload_mb=1)
    c = s.client(s.units[ZHENGWU])
    page = c.get("/unit")
    r = c.post("/unit/upload", data={"csrf": csrf_of(page.text)}, files={"file": ("big.xlsx", b"x" * (2 << 20))})
    assert r.status_code == 413 and "文件过大" in r.text
    assert not any((tmp_path / "data" / "files").rglob("*")), "nothing of a refused upload is kept"


def test_bureau_roster_approval_and_consolidation(svc, demo_files):
    unit = svc.client(svc.units[ZHENGWU])
    r = upload(unit, demo_files / "units" / "zhengwu_2026.xlsm")
    post(unit, r.headers["location"] + "/submit", r.headers["location"])
    bureau = svc.client("czj")
    roster = bureau.get("/bureau").text
    # one row per roster unit with its state
    assert roster.count('class="row-state"') == 3
    assert "已完成" in roster and "未提交" in roster
    # the markup unit name is shown as text, never as markup
    assert EVIL_UNIT not in roster and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;测试局" in roster
    sid = int(roster.split('/bureau/submissions/')[1].split('"')[0])
    ap = post(bureau, f"/bureau/submissions/{sid}/approve", f"/bureau/submissions/{sid}")
    assert ap.status_code == 303
    assert "已核定" in bureau.get(ap.headers["location"]).text
    period = bureau.get("/bureau").text.split('name="period" value="')[1].split('"')[0]
    start = post(bureau, "/bureau/consolidations", "/bureau", period=period)
    assert start.status_code == 303
    job = start.headers["location"]
    deadline = time.time() + 120
    while time.time() < deadline:
        st = bureau.get(job + "/status").json()
        if st["status"] in ("done", "failed"):
            break
        time.sleep(0.3)
    assert st["status"] == "done", st
    summary = bureau.get(st["download"])
    wb = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(summary.content))
    rows = wb.get_sheet_by_name("汇总").to_python()
    assert any(ZHENGWU in str(v) for row in rows for v in row)
    missing = wb.get_sheet_by_name("未提交").to_python()
    flat = [str(v) for row in missing for v in row]
    assert DASHULING in flat and EVIL_UNIT in flat
    audit = bureau.get("/bureau/audit").text
    for action in ("登录", "上传", "提交", "核定", "汇总", "汇总完成"):
        assert f">{action}<" in audit, action
    hist = bureau.get("/bureau/history").text
    assert period in hist and f'href="{job}/download"' in hist


def test_upload_without_length_is_cut_off_at_the_limit(tmp_path, worker_pool):
    s = build_service("sqlite", tmp_path / "data", None, worker_pool, [ZHENGWU], max_upload_mb=1)
    c = s.client(s.units[ZHENGWU])
    token = csrf_of(c.get("/unit").text)
    boundary = "xlsxtoolsboundary"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{token}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.xlsx\"\r\n"
            "Content-Type: application/octet-stream\r\n\r\n").encode()

    def body():  # streamed: no Content-Length, so only counting the bytes can stop it
        yield head
        for _ in range(40):
            yield b"x" * 65536
        yield f"\r\n--{boundary}--\r\n".encode()

    r = c.post("/unit/upload", content=body(), headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert r.status_code == 413 and "文件过大" in r.text
    assert not any((tmp_path / "data" / "files").rglob("*"))
    s.engine.dispose()


def test_approved_table_is_the_baseline_of_the_tamper_check(svc, demo_files):
    unit = svc.client(svc.units[ZHENGWU])
    bureau = svc.client("czj")
    # the target table as approved: the demo's approved copy (指标值 98)
    r = upload(unit, demo_files / "approved" / "zhengwu_2026.xlsm", "核定版.xlsm")
    first = post(unit, r.headers["location"] + "/submit", r.headers["location"]).headers["location"]
    sid = int(first.rsplit("/", 1)[1])
    assert post(bureau, f"/bureau/submissions/{sid}/approve", f"/bureau/submissions/{sid}").status_code == 303
    # later the unit submits a copy whose 设置政务服务窗口数 target was lowered to 90
    r = upload(unit, demo_files / "units" / "zhengwu_2026.xlsm", "年底版.xlsm")
    post(unit, r.headers["location"] + "/submit", r.headers["location"])
    period = bureau.get("/bureau").text.split('name="period" value="')[1].split('"')[0]
    job = post(bureau, "/bureau/consolidations", "/bureau", period=period).headers["location"]
    deadline = time.time() + 120
    while (st := bureau.get(job + "/status").json())["status"] not in ("done", "failed") and time.time() < deadline:
        time.sleep(0.3)
    assert st["status"] == "done", st
    assert ">目标被改动的单位</th><td>1<" in bureau.get(job).text
    wb = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(bureau.get(st["download"]).content))
    cells = [str(v) for name in wb.sheet_names for row in wb.get_sheet_by_name(name).to_python() for v in row]
    assert any("设置政务服务窗口数" in c and "98" in c and "90" in c for c in cells), "the change is named"


def test_a_pdf_self_evaluation_from_another_province_is_checked(svc):
    """An upload in a format beyond the template's: a published 四川 项目绩效自评表 as PDF. Expected by
    hand (tests/data/real/sc-2022-proj-self-01/expected.json): its project's indicators are read
    and the actual values copied from the targets ("≥266米") are reported."""
    from pathlib import Path

    src = Path(__file__).resolve().parents[1] / "data" / "real" / "sc-2022-proj-self-01" / "source.pdf"
    c = svc.client(svc.units[ZHENGWU])
    r = upload(c, src, "水利局自评表.pdf")
    assert r.status_code == 303
    html = c.get(r.headers["location"]).text
    assert "不支持的文件类型" not in html and "无法读取" not in html
    assert "安装坡面水标尺" in html and "水标尺宽度" in html
    assert "S009" in html  # 实际完成值 copied from the target
