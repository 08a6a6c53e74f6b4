"""Access control of every route: logged out, as another unit, as a unit asking for bureau pages,
as a read-only bureau account, and without a CSRF token (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from service_support import BACKENDS, build_service, csrf_of

A, B = "甲单位", "乙单位"


@pytest.fixture(scope="module", params=BACKENDS)
def world(request, tmp_path_factory, worker_pool, demo_files):
    pg = request.getfixturevalue("pg_server") if request.param == "postgresql" else None
    svc = build_service(request.param, tmp_path_factory.mktemp("access") / "data", pg, worker_pool, [A, B])
    from xlsxtools.commands.serve import init_accounts  # noqa: F401
    from xlsxtools.service import auth, db

    with svc.engine.begin() as conn:
        _id, pw = auth.create_account(conn, "viewer1", auth.ROLE_VIEWER)
    svc.passwords["viewer1"] = pw
    a = svc.client(svc.units[A])
    page = a.get("/unit")
    with open(demo_files / "units" / "zhengwu_2026.xlsm", "rb") as fh:
        r = a.post("/unit/upload", data={"csrf": csrf_of(page.text)}, files={"file": ("a.xlsm", fh)})
    upload_url = r.headers["location"]
    upload_id = int(upload_url.rsplit("/", 1)[1])
    s = a.post(upload_url + "/submit", data={"csrf": csrf_of(a.get(upload_url).text)})
    sid = int(s.headers["location"].rsplit("/", 1)[1])
    with svc.engine.begin() as conn:
        up = conn.execute(sa.select(db.uploads).where(db.uploads.c.id == upload_id)).mappings().first()
        uid_a = conn.execute(sa.select(db.accounts.c.id).where(db.accounts.c.unit_name == A)).scalar()
        job = conn.execute(db.consolidations.insert().values(
            period="2026-01", started_by=uid_a, created=db.now(), status="done", done=1, total=1, message="",
            summary_sha256=up["sha256"], report_sha256=up["sha256"])).inserted_primary_key[0]
    ids = {"upload": upload_id, "sub": sid, "job": job, "acct": uid_a}
    yield svc, ids
    svc.engine.dispose()


def routes(ids):
    u, s, j, a = ids["upload"], ids["sub"], ids["job"], ids["acct"]
    unit_owned = [("GET", f"/unit/uploads/{u}"), ("GET", f"/unit/uploads/{u}/download/original"),
                  ("GET", f"/unit/uploads/{u}/download/annotated"), ("GET", f"/unit/uploads/{u}/download/upgraded"),
                  ("GET", f"/unit/uploads/{u}/download/monitored"),
                  ("POST", f"/unit/uploads/{u}/submit"),
                  ("GET", f"/unit/submissions/{s}"), ("GET", f"/unit/submissions/{s}/download/original")]
    unit_any = [("GET", "/unit"), ("POST", "/unit/upload"), ("POST", "/account/token")]
    bureau_view = [("GET", "/bureau"), ("GET", f"/bureau/units/{a}"), ("GET", f"/bureau/submissions/{s}"),
                   ("GET", f"/bureau/submissions/{s}/download/original"), ("GET", f"/bureau/consolidations/{j}"),
                   ("GET", f"/bureau/consolidations/{j}/status"), ("GET", f"/bureau/consolidations/{j}/download"),
                   ("GET", f"/bureau/consolidations/{j}/report"), ("GET", "/bureau/history")]
    bureau_act = [("POST", f"/bureau/submissions/{s}/approve"), ("POST", "/bureau/consolidations"),
                  ("POST", "/bureau/period"), ("GET", "/bureau/audit")]
    anyone = [("GET", "/account"), ("POST", "/account/password"), ("POST", "/logout")]
    return unit_owned, unit_any, bureau_view, bureau_act, anyone


def call(client, method, path):
    if method == "GET":
        return client.get(path)
    # a valid CSRF token, so that only the access rule can refuse
    token = csrf_of(client.get("/account").text) if client.cookies else "x"
    return client.post(path, data={"csrf": token, "period": "2026-01"})


def test_logged_out_is_sent_to_login(world):
    svc, ids = world
    c = svc.client()
    for group in routes(ids):
        for method, path in group:
            if path == "/logout":
                continue
            r = call(c, method, path)
            assert r.status_code == 303 and r.headers["location"].startswith("/login"), (method, path, r.status_code)


def test_another_unit_sees_nothing_of_unit_a(world):
    svc, ids = world
    b = svc.client(svc.units[B])
    unit_owned = routes(ids)[0]
    for method, path in unit_owned:
        r = call(b, method, path)
        assert r.status_code == 404, (method, path, r.status_code)
        assert "a.xlsm" not in r.text
    home = b.get("/unit").text
    assert "a.xlsm" not in home


def test_unit_cannot_reach_bureau_pages(world):
    svc, ids = world
    a = svc.client(svc.units[A])
    _, _, bureau_view, bureau_act, _ = routes(ids)
    for method, path in bureau_view + bureau_act:
        r = call(a, method, path)
        assert r.status_code == 403, (method, path, r.status_code)
        assert "没有权限" in r.text or r.headers["content-type"].startswith("application/json")


def test_bureau_cannot_use_unit_pages_and_viewer_cannot_act(world):
    svc, ids = world
    bureau = svc.client("czj")
    unit_owned, unit_any, bureau_view, bureau_act, _ = routes(ids)
    for method, path in unit_owned + unit_any:
        assert call(bureau, method, path).status_code == 403, path
    viewer = svc.client("viewer1")
    for method, path in bureau_view:
        r = call(viewer, method, path)
        assert r.status_code == 200, (path, r.status_code)
    for method, path in bureau_act:
        assert call(viewer, method, path).status_code == 403, path


def test_post_without_csrf_token_is_refused(world):
    svc, ids = world
    a = svc.client(svc.units[A])
    for token in (None, "forged"):
        data = {} if token is None else {"csrf": token}
        r = a.post(f"/unit/uploads/{ids['upload']}/submit", data=data)
        assert r.status_code == 400 and "CSRF" in r.text
    bureau = svc.client("czj")
    assert bureau.post("/bureau/period", data={"period": "2026-02", "csrf": "forged"}).status_code == 400
    # the login form itself carries a token too
    fresh = svc.client()
    r = fresh.post("/login", data={"username": "czj", "password": svc.passwords["czj"]})
    assert r.status_code == 400


def test_wrong_password_and_audit_of_failed_login(world):
    svc, _ids = world
    c = svc.client()
    page = c.get("/login")
    r = c.post("/login", data={"username": "czj", "password": "wrong", "csrf": csrf_of(page.text), "next": "/"})
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    assert "用户名或密码不正确" in c.get(r.headers["location"]).text
    assert c.get("/bureau").status_code == 303
    audit = svc.client("czj").get("/bureau/audit").text
    assert "登录失败" in audit


def test_open_redirect_after_login_is_not_followed(world):
    svc, _ids = world
    c = svc.client()
    page = c.get("/login?next=//evil.example/")
    r = c.post("/login", data={"username": "czj", "password": svc.passwords["czj"], "csrf": csrf_of(page.text),
                               "next": "//evil.example/"})
    assert r.headers["location"] == "/"


def test_password_change_logs_out_other_sessions(world):
    svc, _ids = world
    from xlsxtools.service import auth

    user = svc.units[B]
    one, two = svc.client(user), svc.client(user)
    new = "新密码-12345678"
    r = one.post("/account/password", data={"csrf": csrf_of(one.get("/account").text), "old": svc.passwords[user],
                                            "new": new, "again": new})
    assert r.headers["location"] == "/login"
    assert two.get("/unit").status_code == 303  # the other session is no longer valid
    svc.passwords[user] = new
    svc.client(user)  # logs in with the new password
    assert auth.verify_password is not None
