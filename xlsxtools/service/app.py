"""The web application: pages for units and the bureau, and the Excel buttons' remote endpoint.

Starlette/FastAPI on uvicorn, server-rendered Jinja2 pages (autoescaped), sessions in signed
cookies with a CSRF token in every form, storage through :mod:`xlsxtools.service.db`. Reading
uploads and writing workbooks happens in :mod:`xlsxtools.service.jobs`' worker processes.
"""

from __future__ import annotations

import json
import os
import re
import secrets
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import sqlalchemy as sa
from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.middleware.sessions import SessionMiddleware

from xlsxtools.config import Config, ServerSettings
from xlsxtools.normalize import percent_text
from xlsxtools.service import auth, db, jobs
from xlsxtools.service.storage import BlobStore, display_name, suffix_of

HERE = Path(__file__).parent
#: The monitoring states, worst first (as xlsxtools.checks.monitoring.STATE_ORDER; not imported here
#: to keep the core's import off the web process's start).
STATE_ORDER = ("红", "黄", "绿", "未填报")
PERIOD_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
OUTPUTS = {"annotated": "标注版", "imported": "导入后的单位工作簿", "scored": "计分版", "upgraded": "升级版",
           "monitored": "监控标注版"}
#: Bodies larger than this are refused before any reading (uploads and the API have their own limits).
FORM_LIMIT = 256 * 1024
#: Seconds a consolidation may run before its process is killed.
CONSOLIDATION_TIMEOUT = 3600
API_LIMIT = 16 * 1024 * 1024


class BodyTooLarge(Exception):
    pass


class LimitBody:
    """ASGI middleware: refuse a request body over its route's limit (by header, and while streaming)."""

    def __init__(self, app: Any, upload_limit: int) -> None:
        self.app = app
        self.upload_limit = upload_limit

    def limit_for(self, path: str) -> int:
        if path == "/unit/upload":
            return self.upload_limit + 64 * 1024  # the file plus the form around it
        if path.startswith("/api/"):
            return API_LIMIT
        return FORM_LIMIT

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            await self.refuse(scope, receive, send, limit)
            return
        seen = 0
        started = False

        async def counted() -> Any:
            nonlocal seen
            msg = await receive()
            if msg["type"] == "http.request":
                seen += len(msg.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge()
            return msg

        async def tracked_send(msg: Any) -> None:
            nonlocal started
            if msg["type"] == "http.response.start":
                started = True
            await send(msg)

        try:
            await self.app(scope, counted, tracked_send)
        except BodyTooLarge:
            if not started:
                await self.refuse(scope, receive, send, limit)

    async def refuse(self, scope: Any, receive: Any, send: Any, limit: int) -> None:
        mb = limit / 1048576
        if scope["path"].startswith("/api/"):
            resp: Response = api_error(413, f"工作簿数据过大（上限 {mb:.0f} MB）。")
        else:
            resp = HTMLResponse(
                "<!doctype html><meta charset='utf-8'><title>文件过大</title>"
                f"<p>上传的文件过大（上限约 {mb:.0f} MB），未保存。</p><p><a href='/'>返回</a></p>", status_code=413)
        await resp(scope, receive, send)


SECURITY_HEADERS = [
    (b"content-security-policy", b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                                 b"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
]


class SecurityHeaders:
    """ASGI middleware: no inline script or style, no framing, no MIME sniffing, on every response."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(msg: Any) -> None:
            if msg["type"] == "http.response.start":
                names = {k.lower() for k, _ in msg.get("headers", [])}
                msg["headers"] = [*msg.get("headers", []), *((k, v) for k, v in SECURITY_HEADERS if k not in names)]
            await send(msg)

        await self.app(scope, receive, with_headers)


def api_error(status: int, text: str) -> Response:
    """Errors of the buttons' endpoint are plain Chinese text: xlwings' VBA client shows the body as is."""
    return PlainTextResponse(text, status_code=status, media_type="text/plain; charset=utf-8")


UNAUTHORIZED = "访问令牌无效（没有令牌、令牌错误或已重新生成）。请登录绩效服务网页，在“账户”页面生成新令牌。"
#: What :func:`_run_button` returns instead of raising excel_remote.PayloadError (a 400 answer).
PAYLOAD_ERROR = "__payload_error__"


class ButtonBackend:
    """The Excel buttons' Python side (``xlsxtools.service.excel_remote``), run in the worker pool."""

    def _module(self) -> Any:
        try:
            from xlsxtools.service import excel_remote  # type: ignore[attr-defined]
        except ImportError:
            return None
        return excel_remote

    def names(self) -> set[str]:
        mod = self._module()
        return set(mod.BUTTONS) if mod else set()

    def unauthorized_message(self) -> str:
        return getattr(self._module(), "UNAUTHORIZED_MESSAGE", UNAUTHORIZED)

    def run(self, state: State, name: str, book: dict[str, Any]) -> dict[str, Any]:
        return state.pool.run(_run_button, name, book, state.config)


def _run_button(name: str, book: dict[str, Any], config: Config) -> dict[str, Any]:  # in a worker process
    from xlsxtools.service import excel_remote  # type: ignore[attr-defined]

    try:
        return excel_remote.run_button(name, book, config=config)
    except getattr(excel_remote, "PayloadError", ()) as exc:  # not a workbook from the VBA client
        return {PAYLOAD_ERROR: str(exc)}


@dataclass
class State:
    settings: ServerSettings
    config: Config
    data_dir: Path
    database_url: str
    engine: sa.Engine
    store: BlobStore
    pool: Any
    buttons: Any
    login_ip: auth.Throttle = field(default_factory=lambda: auth.Throttle(30, 900))
    login_user: auth.Throttle = field(default_factory=lambda: auth.Throttle(10, 900))
    api: auth.Throttle = field(default_factory=lambda: auth.Throttle(60, 60))


def create_app(config: Config, data_dir: Path, *, pool: Any = None, buttons: Any = None) -> FastAPI:
    """The application; the database is migrated and the worker pool started here."""
    settings = config.server
    data_dir = Path(data_dir).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    url = db.database_url(data_dir, settings.database_url)
    engine = db.make_engine(url)
    db.migrate(engine)
    with engine.begin() as conn:
        secret = db.get_meta(conn, "secret_key")
        if engine.dialect.name == "sqlite":  # one server per SQLite file: its unfinished jobs died with it
            t = db.consolidations
            conn.execute(t.update().where(t.c.status.in_(("queued", "running")))
                         .values(status="failed", finished=db.now(), message="服务重启，汇总中断，请重新开始汇总"))
    state = State(settings=settings, config=config, data_dir=data_dir, database_url=url, engine=engine,
                  store=BlobStore(data_dir), pool=pool or jobs.Pool(settings), buttons=buttons or ButtonBackend())

    from contextlib import asynccontextmanager

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> Any:
        import anyio.to_thread

        anyio.to_thread.current_default_thread_limiter().total_tokens = 64
        yield
        if pool is None:
            state.pool.close()
        engine.dispose()

    app = FastAPI(title="xlsxtools", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.state.x = state
    app.add_middleware(SessionMiddleware, secret_key=secret, session_cookie="xlsxtools_session",
                       max_age=8 * 3600, same_site="lax", https_only=settings.secure_cookies)
    app.add_middleware(LimitBody, upload_limit=settings.max_upload_mb * 1024 * 1024)
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    templates = Jinja2Templates(directory=HERE / "templates")
    templates.env.globals["ROLES"] = auth.ROLES
    templates.env.globals["OUTPUTS"] = OUTPUTS
    templates.env.filters["dt"] = lambda v: v.strftime("%Y-%m-%d %H:%M:%S") if v else ""
    templates.env.filters["num"] = _num
    templates.env.filters["pct"] = percent_text
    templates.env.filters["pts"] = _pts
    templates.env.filters["fromjson"] = json.loads
    _routes(app, state, templates)
    return app


# ----------------------------------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------------------------------


def _num(v: Any) -> str:
    """A number as people write it: 2.0 → 2, 2.50 → 2.5; anything else as text."""
    if isinstance(v, bool) or v is None:
        return "" if v is None else str(v)
    if isinstance(v, int | float):
        return f"{v:.4f}".rstrip("0").rstrip(".")
    return str(v)


def _pts(v: Any) -> str:
    """A difference of fractions in percentage points, signed (−0.1532847 → -15.33)."""
    return "—" if not isinstance(v, int | float) or isinstance(v, bool) else f"{v * 100:+.2f}"


class Redirect(Exception):
    def __init__(self, url: str) -> None:
        self.url = url


def _client_ip(request: Request) -> str:
    return request.client.host if request.client else ""


def current_user(request: Request) -> dict[str, Any] | None:
    uid = request.session.get("uid")
    if not isinstance(uid, int):
        return None
    state: State = request.app.state.x
    with state.engine.connect() as conn:
        row = conn.execute(sa.select(db.accounts).where(db.accounts.c.id == uid)).mappings().first()
    if row is None or not row["active"] or request.session.get("pwv") != row["password_hash"][-16:]:
        request.session.clear()
        return None
    return dict(row)


def need(request: Request, *roles: str) -> dict[str, Any]:
    """The logged-in account, which must have one of ``roles`` (403 otherwise; login page when logged out)."""
    user = current_user(request)
    if user is None:
        raise Redirect("/login?next=" + quote(request.url.path))
    if roles and user["role"] not in roles:
        raise HTTPException(403, "没有权限访问此页面")
    return user


async def aneed(request: Request, *roles: str) -> dict[str, Any]:
    """:func:`need` for async handlers (its database query runs off the event loop)."""
    return await run_in_threadpool(need, request, *roles)


def flash(request: Request, text: str, kind: str = "info") -> None:
    request.session.setdefault("flash", []).append([kind, text])


def current_period(conn: sa.Connection) -> str:
    return db.get_meta(conn, "period") or date.today().strftime("%Y-%m")


def _latest_submissions(conn: sa.Connection, period: str) -> dict[str, dict[str, Any]]:
    s = db.submissions
    latest = sa.select(s.c.unit_name, sa.func.max(s.c.id).label("id")).where(s.c.period == period) \
        .group_by(s.c.unit_name).subquery()
    rows = conn.execute(sa.select(s).join(latest, s.c.id == latest.c.id)).mappings().all()
    return {r["unit_name"]: dict(r) for r in rows}


def _latest_approvals(conn: sa.Connection) -> dict[str, dict[str, Any]]:
    a = db.approvals
    latest = sa.select(a.c.unit_name, sa.func.max(a.c.id).label("id")).group_by(a.c.unit_name).subquery()
    rows = conn.execute(sa.select(a).join(latest, a.c.id == latest.c.id)).mappings().all()
    return {r["unit_name"]: dict(r) for r in rows}


def _ensure_blob(conn: sa.Connection, sha: str, size: int) -> None:
    db.ensure_blob(conn, sha, size)


def _download_name(name: str, suffix: str, tag: str = "") -> str:
    stem = os.path.splitext(name)[0] or "工作簿"
    return f"{stem}{'-' + tag if tag else ''}{suffix}"


def _file_response(path: Path, name: str, cleanup: bool = False) -> FileResponse:
    media = {".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             ".xlsm": "application/vnd.ms-excel.sheet.macroEnabled.12",
             ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}.get(path.suffix.lower(),
                                                                           "application/octet-stream")
    task = BackgroundTask(path.unlink, missing_ok=True) if cleanup else None
    return FileResponse(path, media_type=media, filename=name, background=task,
                        headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"})


def _analysis_failed(message: str) -> dict[str, Any]:
    f = {"code": "W004", "severity": "error", "level": "错误", "sheet": None, "cell": None, "row": None,
         "message": message}
    return {"kind": "unreadable", "unit": "", "indicators": 0, "findings": [f],
            "summary": {"errors": 1, "warnings": 0, "infos": 0}, "score": None, "complete": False, "state": "有错误"}


def _monitor_state(result: dict[str, Any]) -> str | None:
    """红 / 黄 / 绿 / 未填报 of an analysis with a 运行监控 sheet (None without one)."""
    m = result.get("monitoring") or {}
    return m.get("state") if m.get("sheet") else None


def group_findings(findings: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for f in findings:
        groups.setdefault(f["sheet"] or "", []).append(f)
    return list(groups.items())


# ----------------------------------------------------------------------------------------------
# Routes
# ----------------------------------------------------------------------------------------------


def _routes(app: FastAPI, state: State, templates: Jinja2Templates) -> None:
    engine = state.engine

    def page(request: Request, name: str, user: dict[str, Any] | None, status: int = 200, **ctx: Any) -> HTMLResponse:
        messages = request.session.pop("flash", []) if "flash" in request.session else []
        return templates.TemplateResponse(request, name, {"user": user, "csrf": auth.csrf_token(request.session),
                                                          "messages": messages, **ctx}, status_code=status)

    async def form_of(request: Request, max_files: int = 0) -> Any:
        form = await request.form(max_files=max_files, max_fields=30)
        if not auth.csrf_ok(request.session, form.get("csrf")):
            raise HTTPException(400, "页面已过期或来源不明（CSRF 校验失败），请刷新页面后重试")
        return form

    @app.exception_handler(Redirect)
    async def _redirect(request: Request, exc: Redirect) -> Response:
        return RedirectResponse(exc.url, status_code=303)

    @app.exception_handler(HTTPException)
    async def _http_error(request: Request, exc: HTTPException) -> Response:
        if request.url.path.startswith("/api/"):
            return api_error(exc.status_code, str(exc.detail))
        titles = {403: "没有权限", 404: "找不到页面", 400: "请求有误", 405: "请求方式不对"}
        text = exc.detail if exc.status_code != 404 or exc.detail != "Not Found" else "找不到您要的页面或文件。"
        return page(request, "error.html", current_user(request), status=exc.status_code,
                    title=titles.get(exc.status_code, "出错了"), text=text)

    from starlette.exceptions import HTTPException as StarletteHTTPException

    @app.exception_handler(StarletteHTTPException)
    async def _starlette_error(request: Request, exc: StarletteHTTPException) -> Response:
        return await _http_error(request, HTTPException(exc.status_code, exc.detail))

    @app.exception_handler(Exception)
    async def _internal(request: Request, exc: Exception) -> Response:
        import logging

        logging.getLogger("xlsxtools.service").exception("internal error")
        if request.url.path.startswith("/api/"):
            return api_error(500, "绩效服务内部错误，请稍后重试或联系管理员。")
        return HTMLResponse("<!doctype html><meta charset='utf-8'><title>出错了</title>"
                            "<p>服务器内部错误，请稍后重试或联系管理员。</p><p><a href='/'>返回首页</a></p>",
                            status_code=500)

    # ---- login -------------------------------------------------------------------------------

    @app.get("/", response_class=HTMLResponse)
    def home(request: Request) -> Response:
        user = need(request)
        return RedirectResponse("/unit" if user["role"] == auth.ROLE_UNIT else "/bureau", status_code=303)

    def _safe_next(nxt: str | None) -> str:
        return nxt if nxt and nxt.startswith("/") and not nxt.startswith("//") and "\\" not in nxt else "/"

    @app.get("/login", response_class=HTMLResponse)
    def login_page(request: Request, next: str | None = None) -> Response:
        return page(request, "login.html", None, next=_safe_next(next))

    @app.post("/login")
    async def login(request: Request) -> Response:
        form = await form_of(request)
        username = str(form.get("username", "")).strip()[:100]
        password = str(form.get("password", ""))[:200]
        nxt = _safe_next(str(form.get("next", "/")))
        ip = _client_ip(request)
        ok, user = await run_in_threadpool(_check_login, username, password, ip)
        if not ok:
            flash(request, user, "error")
            return RedirectResponse("/login?next=" + quote(nxt), status_code=303)
        request.session.clear()
        request.session.update(uid=user["id"], pwv=user["password_hash"][-16:], csrf=secrets.token_urlsafe(32))
        return RedirectResponse(nxt, status_code=303)

    def _check_login(username: str, password: str, ip: str) -> tuple[bool, Any]:
        if state.login_ip.blocked(ip) or state.login_user.blocked(username):
            return False, "登录失败次数过多，请 15 分钟后再试"
        with engine.begin() as conn:
            row = conn.execute(sa.select(db.accounts).where(db.accounts.c.username == username)).mappings().first()
            if row is None:
                auth.dummy_verify(password)
            if row is None or not row["active"] or not auth.verify_password(row["password_hash"], password):
                state.login_ip.hit(ip)
                state.login_user.hit(username)
                db.log(conn, {"id": None, "username": username[:100]}, "登录失败", f"用户名：{username}", ip)
                return False, "用户名或密码不正确"
            db.log(conn, dict(row), "登录", "", ip)
            return True, dict(row)

    @app.post("/logout")
    async def logout(request: Request) -> Response:
        await form_of(request)
        request.session.clear()
        return RedirectResponse("/login", status_code=303)

    # ---- account -----------------------------------------------------------------------------

    @app.get("/account", response_class=HTMLResponse)
    def account_page(request: Request) -> Response:
        user = need(request)
        token = request.session.pop("new_token", None)
        return page(request, "account.html", user, new_token=token)

    @app.post("/account/password")
    async def change_password(request: Request) -> Response:
        user = await aneed(request)
        form = await form_of(request)
        old, new, again = (str(form.get(k, ""))[:200] for k in ("old", "new", "again"))

        def work() -> str | None:
            if not auth.verify_password(user["password_hash"], old):
                return "原密码不正确"
            if len(new) < 8:
                return "新密码至少 8 位"
            if new != again:
                return "两次输入的新密码不一致"
            with engine.begin() as conn:
                auth.set_password(conn, user["id"], new)
                db.log(conn, user, "修改密码", "", _client_ip(request))
                return None

        err = await run_in_threadpool(work)
        if err:
            flash(request, err, "error")
            return RedirectResponse("/account", status_code=303)
        request.session.clear()
        flash(request, "密码已修改，请用新密码登录")
        return RedirectResponse("/login", status_code=303)

    @app.post("/account/token")
    async def regenerate_token(request: Request) -> Response:
        user = await aneed(request, auth.ROLE_UNIT)
        await form_of(request)
        token = auth.new_token()

        def work() -> None:
            with engine.begin() as conn:
                conn.execute(db.accounts.update().where(db.accounts.c.id == user["id"])
                             .values(token_hash=auth.token_hash(token), token_created=db.now()))
                db.log(conn, user, "生成令牌", "Excel 按钮令牌已重新生成（旧令牌作废）", _client_ip(request))

        await run_in_threadpool(work)
        request.session["new_token"] = token
        return RedirectResponse("/account", status_code=303)

    # ---- unit pages --------------------------------------------------------------------------

    @app.get("/unit", response_class=HTMLResponse)
    def unit_home(request: Request) -> Response:
        user = need(request, auth.ROLE_UNIT)
        u, s = db.uploads, db.submissions
        with engine.connect() as conn:
            period = current_period(conn)
            ups = conn.execute(sa.select(u).where(u.c.account_id == user["id"]).order_by(u.c.id.desc()).limit(20)
                               ).mappings().all()
            subs = conn.execute(sa.select(s).where(s.c.account_id == user["id"]).order_by(s.c.id.desc()).limit(50)
                                ).mappings().all()
        latest = next((x for x in subs if x["period"] == period), None)
        return page(request, "unit_home.html", user, uploads=ups, submissions=subs, period=period, latest=latest,
                    max_mb=state.settings.max_upload_mb, suffixes=" ".join(jobs.UPLOAD_SUFFIXES),
                    state_of=jobs.state_of)

    @app.post("/unit/upload")
    async def upload(request: Request) -> Response:
        user = await aneed(request, auth.ROLE_UNIT)
        form = await form_of(request, max_files=1)
        up = form.get("file")
        if up is None or isinstance(up, str) or not up.filename:
            flash(request, "请选择要上传的文件", "error")
            return RedirectResponse("/unit", status_code=303)
        name = display_name(up.filename)
        suffix = suffix_of(name)
        if suffix not in jobs.UPLOAD_SUFFIXES:
            flash(request, f"不支持的文件类型「{suffix or '无扩展名'}」：请上传 {' '.join(jobs.UPLOAD_SUFFIXES)}", "error")
            return RedirectResponse("/unit", status_code=303)
        result = await run_in_threadpool(_store_and_analyze, user, up.file, name, suffix, _client_ip(request))
        if isinstance(result, str):
            flash(request, result, "error")
            return RedirectResponse("/unit", status_code=303)
        return RedirectResponse(f"/unit/uploads/{result}", status_code=303)

    def _store_and_analyze(user: dict[str, Any], fh: Any, name: str, suffix: str, ip: str) -> int | str:
        limit = state.settings.max_upload_mb * 1024 * 1024
        stored = state.store.put_stream(fh, limit)
        if stored is None:
            return f"文件过大（上限 {state.settings.max_upload_mb} MB），未保存"
        sha, size = stored
        if size == 0:
            return "上传的文件是空的"
        try:
            result = state.pool.run(jobs.analyze, str(state.store.path(sha)), suffix, state.config)
        except jobs.JobFailed as exc:
            result = _analysis_failed(f"无法读取文件：{exc}")
        return _record_upload(user, sha, size, name, suffix, result, ip)

    def _record_upload(user: dict[str, Any], sha: str, size: int, name: str, suffix: str, result: dict[str, Any],
                       ip: str, action: str = "上传") -> int:
        s = result["summary"]
        with engine.begin() as conn:
            _ensure_blob(conn, sha, size)
            res = conn.execute(db.uploads.insert().values(
                account_id=user["id"], file_name=name, suffix=suffix, sha256=sha, created=db.now(),
                kind=result["kind"], unit_in_file=(result.get("unit") or "")[:200], errors=s["errors"],
                warnings=s["warnings"], infos=s["infos"], result=jobs.dumps(result)))
            uid = int(res.inserted_primary_key[0])
            db.log(conn, user, action, f"{name}（sha256 {sha[:12]}…）：{s['errors']} 个错误、{s['warnings']} 个警告",
                   ip)
        return uid

    def _own_upload(user: dict[str, Any], upload_id: int) -> dict[str, Any]:
        with engine.connect() as conn:
            row = conn.execute(sa.select(db.uploads).where(db.uploads.c.id == upload_id)).mappings().first()
        if row is None or row["account_id"] != user["id"]:
            raise HTTPException(404, "Not Found")  # another unit's upload: as if it did not exist
        return dict(row)

    @app.get("/unit/uploads/{upload_id}", response_class=HTMLResponse)
    def upload_page(request: Request, upload_id: int) -> Response:
        user = need(request, auth.ROLE_UNIT)
        row = _own_upload(user, upload_id)
        result = json.loads(row["result"])
        with engine.connect() as conn:
            period = current_period(conn)
            sub = conn.execute(sa.select(db.submissions).where(db.submissions.c.upload_id == upload_id)
                               .order_by(db.submissions.c.id.desc())).mappings().first()
        return page(request, "upload.html", user, up=row, r=result, groups=group_findings(result["findings"]),
                    period=period, submitted=sub, download_base=f"/unit/uploads/{upload_id}/download",
                    can_submit=True)

    @app.get("/unit/uploads/{upload_id}/download/{what}")
    def upload_download(request: Request, upload_id: int, what: str) -> Response:
        user = need(request, auth.ROLE_UNIT)
        row = _own_upload(user, upload_id)
        return _download_upload(request, row, what)

    def _download_upload(request: Request, row: dict[str, Any], what: str) -> Response:
        blob = state.store.path(row["sha256"])
        if what == "original":
            return _file_response(blob, row["file_name"])
        if what not in OUTPUTS:
            raise HTTPException(404, "Not Found")
        try:
            out = state.pool.run(jobs.make_output, what, str(blob), row["suffix"], str(state.store.tmp), state.config)
        except jobs.JobFailed as exc:
            out = {"error": str(exc)}
        if "error" in out:
            flash(request, f"无法生成{OUTPUTS[what]}：{out['error']}", "error")
            back = f"/unit/uploads/{row['id']}" if request.url.path.startswith("/unit/") else "/bureau"
            return RedirectResponse(back, status_code=303)
        return _file_response(Path(out["path"]), _download_name(row["file_name"], out["suffix"], OUTPUTS[what]),
                              cleanup=True)

    @app.post("/unit/uploads/{upload_id}/submit")
    async def submit(request: Request, upload_id: int) -> Response:
        user = await aneed(request, auth.ROLE_UNIT)
        await form_of(request)
        result = await run_in_threadpool(_submit, user, upload_id, _client_ip(request))
        if isinstance(result, str):
            flash(request, result, "error")
            return RedirectResponse(f"/unit/uploads/{upload_id}", status_code=303)
        flash(request, "已提交给财政局。")
        return RedirectResponse(f"/unit/submissions/{result}", status_code=303)

    def _submit(user: dict[str, Any], upload_id: int, ip: str) -> int | str:
        row = _own_upload(user, upload_id)
        result = json.loads(row["result"])
        if row["kind"] == "unreadable":
            return "这个文件无法读取，不能提交；请按页面上的说明修改后重新上传"
        if row["kind"] == "table":  # an old table: submit the unit workbook it was imported into
            try:
                out = state.pool.run(jobs.make_output, "imported", str(state.store.path(row["sha256"])), row["suffix"],
                                     str(state.store.tmp), state.config)
            except jobs.JobFailed as exc:
                return str(exc)
            if "error" in out:
                return out["error"]
            sha, size = state.store.put_file(Path(out["path"]))
            name = _download_name(row["file_name"], ".xlsm", "导入")
            try:
                result = state.pool.run(jobs.analyze, str(state.store.path(sha)), ".xlsm", state.config)
            except jobs.JobFailed as exc:
                return str(exc)
            upload_id = _record_upload(user, sha, size, name, ".xlsm", result, ip, action="导入")
            row = _own_upload(user, upload_id)
        s = result["summary"]
        score = result.get("score") or {}
        with engine.begin() as conn:
            period = current_period(conn)
            res = conn.execute(db.submissions.insert().values(
                upload_id=upload_id, account_id=user["id"], unit_name=user["unit_name"], period=period,
                file_name=row["file_name"], suffix=row["suffix"], sha256=row["sha256"], created=db.now(),
                errors=s["errors"], warnings=s["warnings"], infos=s["infos"], complete=bool(result.get("complete")),
                total=score.get("total"), grade=score.get("grade"), monitor_state=_monitor_state(result)))
            sid = int(res.inserted_primary_key[0])
            note = ""
            if result.get("unit") and result["unit"] != user["unit_name"]:
                note = f"；注意：工作簿中的单位名称为「{result['unit']}」"
            db.log(conn, user, "提交", f"{period}：{row['file_name']}（sha256 {row['sha256'][:12]}…）："
                   f"{s['errors']} 个错误、{s['warnings']} 个警告{note}", ip)
        return sid

    def _submission(sid: int) -> dict[str, Any]:
        with engine.connect() as conn:
            row = conn.execute(sa.select(db.submissions).where(db.submissions.c.id == sid)).mappings().first()
            if row is None:
                raise HTTPException(404, "Not Found")
            up = conn.execute(sa.select(db.uploads).where(db.uploads.c.id == row["upload_id"])).mappings().first()
            appr = conn.execute(sa.select(db.approvals).where(db.approvals.c.submission_id == sid)
                                .order_by(db.approvals.c.id.desc())).mappings().first()
        return {"sub": dict(row), "up": dict(up) if up else None, "approval": dict(appr) if appr else None}

    @app.get("/unit/submissions/{sid}", response_class=HTMLResponse)
    def unit_submission(request: Request, sid: int) -> Response:
        user = need(request, auth.ROLE_UNIT)
        d = _submission(sid)
        if d["sub"]["account_id"] != user["id"]:
            raise HTTPException(404, "Not Found")
        return _submission_page(request, user, d, f"/unit/submissions/{sid}/download")

    @app.get("/unit/submissions/{sid}/download/{what}")
    def unit_submission_download(request: Request, sid: int, what: str) -> Response:
        user = need(request, auth.ROLE_UNIT)
        d = _submission(sid)
        if d["sub"]["account_id"] != user["id"] or d["up"] is None:
            raise HTTPException(404, "Not Found")
        return _download_upload(request, d["up"], what)

    def _submission_page(request: Request, user: dict[str, Any], d: dict[str, Any], base: str) -> Response:
        result = json.loads(d["up"]["result"]) if d["up"] else _analysis_failed("找不到检查结果")
        return page(request, "submission.html", user, s=d["sub"], up=d["up"], r=result, approval=d["approval"],
                    groups=group_findings(result["findings"]), download_base=base,
                    state=jobs.state_of(d["sub"]["errors"], d["sub"]["complete"]))

    # ---- bureau pages ------------------------------------------------------------------------

    @app.get("/bureau", response_class=HTMLResponse)
    def roster(request: Request, period: str | None = None) -> Response:
        user = need(request, *auth.BUREAU_ROLES)
        with engine.connect() as conn:
            cur = current_period(conn)
            period = period if period and PERIOD_RE.match(period) else cur
            units = conn.execute(sa.select(db.accounts).where(db.accounts.c.role == auth.ROLE_UNIT)
                                 .order_by(db.accounts.c.id)).mappings().all()
            latest = _latest_submissions(conn, period)
            approved = _latest_approvals(conn)
            counts = dict(conn.execute(sa.select(db.submissions.c.unit_name, sa.func.count())
                                       .where(db.submissions.c.period == period)
                                       .group_by(db.submissions.c.unit_name)).all())
            cons = conn.execute(sa.select(db.consolidations).where(db.consolidations.c.period == period)
                                .order_by(db.consolidations.c.id.desc()).limit(5)).mappings().all()
        rows = []
        tally: dict[str, int] = {}
        for u in units:
            sub = latest.get(u["unit_name"])
            st = jobs.state_of(sub["errors"], sub["complete"]) if sub else "未提交"
            tally[st] = tally.get(st, 0) + 1
            rows.append({"account": u, "sub": sub, "state": st, "count": counts.get(u["unit_name"], 0),
                         "approval": approved.get(u["unit_name"])})
        monitor_tally: dict[str, int] = {}
        for row in rows:
            ms = row["sub"]["monitor_state"] if row["sub"] else None
            if ms:
                monitor_tally[ms] = monitor_tally.get(ms, 0) + 1
        return page(request, "roster.html", user, rows=rows, period=period, current=cur, tally=tally,
                    monitor_tally=monitor_tally, state_order=STATE_ORDER, consolidations=cons,
                    can_act=user["role"] == auth.ROLE_BUREAU)

    @app.post("/bureau/period")
    async def set_period(request: Request) -> Response:
        user = await aneed(request, auth.ROLE_BUREAU)
        form = await form_of(request)
        period = str(form.get("period", "")).strip()
        if not PERIOD_RE.match(period):
            flash(request, "期间格式应为 YYYY-MM，例如 2026-06", "error")
            return RedirectResponse("/bureau", status_code=303)

        def work() -> None:
            with engine.begin() as conn:
                db.set_meta(conn, "period", period)
                db.log(conn, user, "设置期间", f"当前收取期间改为 {period}", _client_ip(request))

        await run_in_threadpool(work)
        flash(request, f"当前收取期间已设为 {period}")
        return RedirectResponse("/bureau", status_code=303)

    @app.get("/bureau/units/{account_id}", response_class=HTMLResponse)
    def unit_history(request: Request, account_id: int) -> Response:
        user = need(request, *auth.BUREAU_ROLES)
        with engine.connect() as conn:
            acc = conn.execute(sa.select(db.accounts).where(db.accounts.c.id == account_id,
                                                            db.accounts.c.role == auth.ROLE_UNIT)).mappings().first()
            if acc is None:
                raise HTTPException(404, "Not Found")
            subs = conn.execute(sa.select(db.submissions).where(db.submissions.c.unit_name == acc["unit_name"])
                                .order_by(db.submissions.c.id.desc())).mappings().all()
            apprs = conn.execute(sa.select(db.approvals).where(db.approvals.c.unit_name == acc["unit_name"])
                                 .order_by(db.approvals.c.id.desc())).mappings().all()
        return page(request, "unit_history.html", user, acc=acc, submissions=subs, approvals=apprs,
                    state_of=jobs.state_of)

    @app.get("/bureau/submissions/{sid}", response_class=HTMLResponse)
    def bureau_submission(request: Request, sid: int) -> Response:
        user = need(request, *auth.BUREAU_ROLES)
        return _submission_page(request, user, _submission(sid), f"/bureau/submissions/{sid}/download")

    @app.get("/bureau/submissions/{sid}/download/{what}")
    def bureau_submission_download(request: Request, sid: int, what: str) -> Response:
        need(request, *auth.BUREAU_ROLES)
        d = _submission(sid)
        if d["up"] is None:
            raise HTTPException(404, "Not Found")
        return _download_upload(request, d["up"], what)

    @app.post("/bureau/submissions/{sid}/approve")
    async def approve(request: Request, sid: int) -> Response:
        user = await aneed(request, auth.ROLE_BUREAU)
        await form_of(request)

        def work() -> str | None:
            d = _submission(sid)
            s = d["sub"]
            try:
                out = state.pool.run(jobs.approve, str(state.store.path(s["sha256"])), s["suffix"],
                                     f"{s['unit_name']}（提交 #{sid}）")
            except jobs.JobFailed as exc:
                return str(exc)
            if "error" in out:
                return f"无法读取目标表：{out['error']}"
            approved = out["approved"]
            # The roster's name is the unit's identity (the tamper check matches by unit name).
            from xlsxtools.normalize import clean, key

            approved["unit"], approved["key"] = clean(s["unit_name"]), key(s["unit_name"])
            with engine.begin() as conn:
                conn.execute(db.approvals.insert().values(unit_name=s["unit_name"], submission_id=sid,
                                                          approved_by=user["id"], created=db.now(),
                                                          approved=jobs.dumps(approved)))
                db.log(conn, user, "核定", f"核定「{s['unit_name']}」的目标表（提交 #{sid}，{s['file_name']}，"
                       f"{len(approved['indicators'])} 项指标）", _client_ip(request))
            return None

        err = await run_in_threadpool(work)
        flash(request, err or "已核定：此目标表成为该单位防篡改比对的基线。", "error" if err else "info")
        return RedirectResponse(f"/bureau/submissions/{sid}", status_code=303)

    @app.post("/bureau/consolidations")
    async def start_consolidation(request: Request) -> Response:
        user = await aneed(request, auth.ROLE_BUREAU)
        form = await form_of(request)
        period = str(form.get("period", "")).strip()
        if not PERIOD_RE.match(period):
            raise HTTPException(400, "期间格式应为 YYYY-MM")
        job = await run_in_threadpool(_start_consolidation, user, period, _client_ip(request))
        if isinstance(job, str):
            flash(request, job, "error")
            return RedirectResponse(f"/bureau?period={period}", status_code=303)
        return RedirectResponse(f"/bureau/consolidations/{job}", status_code=303)

    def _start_consolidation(user: dict[str, Any], period: str, ip: str) -> int | str:
        t = db.consolidations
        with engine.begin() as conn:
            # a job still unfinished after the time limit died with its server (PostgreSQL, several servers)
            conn.execute(t.update().where(t.c.status.in_(("queued", "running")),
                                          t.c.created < db.now() - timedelta(seconds=CONSOLIDATION_TIMEOUT + 60))
                         .values(status="failed", finished=db.now(), message="汇总超时或服务重启，已中断"))
            busy = conn.execute(sa.select(t.c.id).where(t.c.period == period, t.c.status.in_(("queued", "running")))
                                ).first()
            if busy:
                return int(busy[0])
            latest = _latest_submissions(conn, period)
            if not latest:
                return f"{period} 还没有任何单位提交，无法汇总"
            roster_names = [r[0] for r in conn.execute(sa.select(db.accounts.c.unit_name)
                                                       .where(db.accounts.c.role == auth.ROLE_UNIT,
                                                              db.accounts.c.active.is_(True))
                                                       .order_by(db.accounts.c.id)).all()]
            approved = [json.loads(a["approved"]) for a in _latest_approvals(conn).values()]
            res = conn.execute(t.insert().values(period=period, started_by=user["id"], created=db.now(),
                                                 status="queued", done=0, total=len(latest), message="排队中"))
            job_id = int(res.inserted_primary_key[0])
            db.log(conn, user, "汇总", f"开始汇总 {period}：{len(latest)} 个单位的最新提交（任务 #{job_id}）", ip)
        files = [(unit, str(state.store.path(s["sha256"])), s["suffix"]) for unit, s in sorted(latest.items())]
        jobs.start_consolidation(jobs.ConsolidationInput(
            job_id=job_id, database_url=state.database_url, data_dir=str(state.data_dir), period=period, files=files,
            roster=roster_names, approved=approved, config=state.config, memory_mb=state.settings.task_memory_mb,
            started_by={"id": user["id"], "username": user["username"]}),
            timeout=CONSOLIDATION_TIMEOUT)
        return job_id

    def _job(job_id: int) -> dict[str, Any]:
        with engine.connect() as conn:
            row = conn.execute(sa.select(db.consolidations).where(db.consolidations.c.id == job_id)).mappings().first()
        if row is None:
            raise HTTPException(404, "Not Found")
        return dict(row)

    @app.get("/bureau/consolidations/{job_id}", response_class=HTMLResponse)
    def consolidation_page(request: Request, job_id: int) -> Response:
        user = need(request, *auth.BUREAU_ROLES)
        job = _job(job_id)
        monitoring = json.loads(job["monitoring"]) if job.get("monitoring") else None
        return page(request, "consolidation.html", user, job=job, monitoring=monitoring, state_order=STATE_ORDER)

    @app.get("/bureau/consolidations/{job_id}/status")
    def consolidation_status(request: Request, job_id: int) -> Response:
        need(request, *auth.BUREAU_ROLES)
        j = _job(job_id)
        return JSONResponse({"status": j["status"], "done": j["done"], "total": j["total"], "message": j["message"],
                             "download": f"/bureau/consolidations/{job_id}/download" if j["summary_sha256"] else None,
                             "report": f"/bureau/consolidations/{job_id}/report" if j["report_sha256"] else None})

    @app.get("/bureau/consolidations/{job_id}/download")
    def consolidation_download(request: Request, job_id: int) -> Response:
        need(request, *auth.BUREAU_ROLES)
        j = _job(job_id)
        if not j["summary_sha256"]:
            raise HTTPException(404, "Not Found")
        return _file_response(state.store.path(j["summary_sha256"]), f"绩效汇总-{j['period']}-{job_id}.xlsx")

    @app.get("/bureau/consolidations/{job_id}/report")
    def consolidation_report(request: Request, job_id: int) -> Response:
        """分析报告.docx of a finished consolidation (made in its process, stored like the summary)."""
        need(request, *auth.BUREAU_ROLES)
        j = _job(job_id)
        if not j["report_sha256"]:
            raise HTTPException(404, "Not Found")
        return _file_response(state.store.path(j["report_sha256"]), f"分析报告-{j['period']}-{job_id}.docx")

    @app.get("/bureau/history", response_class=HTMLResponse)
    def history(request: Request) -> Response:
        user = need(request, *auth.BUREAU_ROLES)
        s, c = db.submissions, db.consolidations
        with engine.connect() as conn:
            subs = conn.execute(sa.select(s.c.period, sa.func.count(), sa.func.count(sa.distinct(s.c.unit_name)),
                                          sa.func.max(s.c.created)).group_by(s.c.period)
                                .order_by(s.c.period.desc())).all()
            cons = conn.execute(sa.select(c).order_by(c.c.id.desc()).limit(200)).mappings().all()
        by_period: dict[str, list[Any]] = {}
        for row in cons:
            by_period.setdefault(row["period"], []).append(row)
        periods = sorted({r[0] for r in subs} | set(by_period), reverse=True)
        stats = {r[0]: r for r in subs}
        return page(request, "history.html", user, periods=periods, stats=stats, cons=by_period)

    @app.get("/bureau/audit", response_class=HTMLResponse)
    def audit_page(request: Request, before: int | None = None) -> Response:
        user = need(request, auth.ROLE_BUREAU)
        q = sa.select(db.audit).order_by(db.audit.c.id.desc()).limit(200)
        if before:
            q = q.where(db.audit.c.id < before)
        with engine.connect() as conn:
            rows = conn.execute(q).mappings().all()
        return page(request, "audit.html", user, rows=rows, more=rows[-1]["id"] if len(rows) == 200 else None)

    # ---- the Excel buttons -------------------------------------------------------------------

    @app.post("/api/xlwings/{name}")
    async def xlwings_button(request: Request, name: str) -> Response:
        """The Excel buttons of a ``--server`` template (xlwings' ``RunRemotePython``): unit token only."""
        header = request.headers.get("authorization", "")
        token = header[7:].strip() if header.lower().startswith("bearer ") else ""
        user = await run_in_threadpool(_token_user, token) if token else None
        if user is None:
            text = await run_in_threadpool(state.buttons.unauthorized_message)
            return PlainTextResponse(text, status_code=401, headers={"WWW-Authenticate": "Bearer"},
                                     media_type="text/plain; charset=utf-8")
        if not state.api.hit(f"token:{user['id']}"):
            return api_error(429, "请求过于频繁，请稍后再试。")
        names = await run_in_threadpool(state.buttons.names)
        if name not in names:
            return api_error(404, f"绩效服务没有「{name}」按钮：请向信息中心索取新模板。")
        try:
            book = json.loads(await request.body())
        except (ValueError, UnicodeDecodeError):
            return api_error(400, "请求的内容不是工作簿数据（应为 JSON）。")
        if not isinstance(book, dict):
            return api_error(400, "请求的内容不是工作簿数据（应为 JSON 对象）。")
        try:
            out = await run_in_threadpool(state.buttons.run, state, name, book)
        except jobs.JobFailed as exc:
            return api_error(500, f"“{name}”未完成：{exc}")
        if isinstance(out, dict) and PAYLOAD_ERROR in out:
            return api_error(400, out[PAYLOAD_ERROR])
        await run_in_threadpool(_log_api, user, name, _client_ip(request))
        return JSONResponse(out)

    def _token_user(token: str) -> dict[str, Any] | None:
        with engine.connect() as conn:
            user = auth.account_by_token(conn, token)
        return user if user and user["role"] == auth.ROLE_UNIT else None

    def _log_api(user: dict[str, Any], name: str, ip: str) -> None:
        with engine.begin() as conn:
            db.log(conn, user, "Excel按钮", name, ip)
