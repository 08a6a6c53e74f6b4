"""The Excel buttons' remote endpoint POST /api/xlwings/{name}: unit tokens, limits, unknown buttons.

The buttons' Python side (xlsxtools.service.excel_remote.run_button) is built on another branch; here
a stand-in with the same signature records what the route hands it.
"""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from service_support import BACKENDS, build_service, csrf_of

UNIT = "甲单位"


class StandIn:
    """Same contract as excel_remote: BUTTONS and run_button(name, book_json, *, config) -> dict."""

    BUTTONS = frozenset({"check_rows", "compute_scores"})

    def __init__(self):
        self.calls = []

    def names(self):
        return set(self.BUTTONS)

    def unauthorized_message(self):
        return "令牌无效"

    def run(self, state, name, book):
        self.calls.append((name, book, state.config))
        return {"actions": [{"func": "setValues", "args": [[["已检查"]]], "values": [[name]]}]}


@pytest.fixture(params=BACKENDS)
def api(request, tmp_path, worker_pool):
    pg = request.getfixturevalue("pg_server") if request.param == "postgresql" else None
    stand_in = StandIn()
    svc = build_service(request.param, tmp_path / "data", pg, worker_pool, [UNIT, "乙单位"], buttons=stand_in)
    yield svc, stand_in
    svc.engine.dispose()


def new_token(client) -> str:
    r = client.post("/account/token", data={"csrf": csrf_of(client.get("/account").text)})
    assert r.status_code == 303
    page = client.get("/account").text
    m = re.search(r'<code id="token">([^<]+)</code>', page)
    assert m, "the new token is shown once on the account page"
    assert '<code id="token">' not in client.get("/account").text, "and only once"
    return m.group(1)


BOOK = {"version": "0.37.8", "book": {"name": "单位.xlsm", "active_sheet_index": 0, "selection": "A1"},
        "sheets": [{"name": "目标表", "values": [["部门（单位）整体支出绩效目标表"]]}], "names": []}


def test_token_runs_a_button(api):
    svc, stand_in = api
    c = svc.client(svc.units[UNIT])
    token = new_token(c)
    raw = svc.client()
    r = raw.post("/api/xlwings/check_rows", json=BOOK, headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200
    assert r.json()["actions"][0]["values"] == [["check_rows"]]
    name, book, config = stand_in.calls[-1]
    assert name == "check_rows" and book == BOOK and config is not None
    # stored hashed: the token itself is nowhere in the database
    from xlsxtools.service import db

    with svc.engine.connect() as conn:
        hashes = [r[0] for r in conn.execute(sa.select(db.accounts.c.token_hash)).all()]
    assert token not in hashes and any(hashes)
    assert "Excel按钮" in svc.client("czj").get("/bureau/audit").text


def test_refusals(api):
    svc, stand_in = api
    c = svc.client(svc.units[UNIT])
    token = new_token(c)
    raw = svc.client()
    auth = {"Authorization": f"Bearer {token}"}
    r = raw.post("/api/xlwings/check_rows", json=BOOK)
    assert r.status_code == 401 and r.text == "令牌无效"  # plain text: the VBA client shows it as is
    assert raw.post("/api/xlwings/check_rows", json=BOOK, headers={"Authorization": "Bearer xt_wrong"}).status_code == 401
    # a session cookie is not enough
    assert c.post("/api/xlwings/check_rows", json=BOOK).status_code == 401
    r = raw.post("/api/xlwings/format_disk", json=BOOK, headers=auth)
    assert r.status_code == 404 and "format_disk" in r.text and r.headers["content-type"].startswith("text/plain")
    assert raw.post("/api/xlwings/check_rows", content=b"not json", headers=auth).status_code == 400
    big = b'{"x": "' + b"a" * (17 * 1024 * 1024) + b'"}'
    assert raw.post("/api/xlwings/check_rows", content=big, headers=auth).status_code == 413
    # a regenerated token replaces the old one
    token2 = new_token(c)
    assert raw.post("/api/xlwings/check_rows", json=BOOK, headers=auth).status_code == 401
    assert raw.post("/api/xlwings/check_rows", json=BOOK,
                    headers={"Authorization": f"Bearer {token2}"}).status_code == 200
    assert len(stand_in.calls) == 1


def test_rate_limit(api):
    svc, _stand_in = api
    from xlsxtools.service.auth import Throttle

    svc.app.state.x.api = Throttle(3, 60)
    token = new_token(svc.client(svc.units[UNIT]))
    raw = svc.client()
    codes = [raw.post("/api/xlwings/check_rows", json=BOOK, headers={"Authorization": f"Bearer {token}"}).status_code
             for _ in range(5)]
    assert codes == [200, 200, 200, 429, 429]


def test_real_buttons_through_the_route(tmp_path, worker_pool, demo_files):
    """The VBA client's payload of a demo workbook through the route to the real button module."""
    from xlsxtools.excel import remote
    from xlsxtools.service import excel_remote

    make = remote.vba_payload_from_file
    assert "check_rows" in excel_remote.BUTTONS
    svc = build_service("sqlite", tmp_path / "data", None, worker_pool, [UNIT])
    token = new_token(svc.client(svc.units[UNIT]))
    raw = svc.client()
    auth = {"Authorization": f"Bearer {token}"}
    r = raw.post("/api/xlwings/check_rows", json=make(demo_files / "units" / "dashuling_2026.xlsm"), headers=auth)
    assert r.status_code == 200, r.text
    import json as _json

    answer = _json.dumps(r.json(), ensure_ascii=False)
    assert "G25" in answer and "实际完成值为空" in answer  # the demo workbook's missing actual, reported
    r = raw.post("/api/xlwings/check_rows", json={"not": "a workbook"}, headers=auth)
    assert r.status_code == 400 and r.headers["content-type"].startswith("text/plain")
    svc.engine.dispose()
