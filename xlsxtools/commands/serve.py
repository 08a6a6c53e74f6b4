"""``xlsxtools serve``: the intranet service (pages for units and the bureau, remote Excel buttons).

Settings come from the ``[server]`` table of xlsxtools.toml (host, port, data, database_url,
max_upload_mb, workers, task_timeout, task_memory_mb, secure_cookies); options override them.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

import click

from xlsxtools.errors import UserError

DEMO_DIR = Path("xlsxtools-serve-demo")
DEMO_BUREAU = "czj"


def _settings(ctx: click.Context) -> tuple[Any, Path]:
    from xlsxtools.config import load_config

    o = ctx.obj["serve"]
    config = load_config(o["config"])
    changes = {k: o[k] for k in ("host", "port", "database_url") if o.get(k) is not None}
    if o.get("data") is not None:
        changes["data"] = str(o["data"])
    if changes:
        config = dataclasses.replace(config, server=dataclasses.replace(config.server, **changes))
    return config, Path(config.server.data)


def _need_server_libs() -> None:
    try:
        import alembic  # noqa: F401
        import argon2  # noqa: F401
        import fastapi  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as exc:
        raise UserError(f"缺少服务所需的软件包（{exc.name}）", hint="请运行 pip install 'xlsxtools[server]'") from exc


@click.group(name="serve", invoke_without_command=True)
@click.option("--host", help="监听地址（默认 127.0.0.1；局域网访问用 0.0.0.0）")
@click.option("--port", type=int, help="端口（默认 8000）")
@click.option("--data", type=click.Path(file_okay=False, path_type=Path), help="数据文件夹：数据库和上传的文件（默认 ./xlsxtools-data）")
@click.option("--database-url", help="PostgreSQL 地址，如 postgresql+psycopg://用户:密码@主机/库（默认用数据文件夹中的 SQLite）")
@click.option("--config", "config", type=click.Path(dir_okay=False, path_type=Path), help="配置文件（默认 ./xlsxtools.toml）")
@click.option("--demo", is_flag=True, help="用自带的演示数据启动（数据在 ./xlsxtools-serve-demo，每次启动重置演示账户密码）")
@click.pass_context
def command(ctx: click.Context, host: str | None, port: int | None, data: Path | None, database_url: str | None,
            config: Path | None, demo: bool) -> None:
    """启动内网填报服务：单位上传、检查、计分、提交；财政局收取、核定、汇总。

    \b
    第一次使用先创建账户：
      xlsxtools serve --data 数据文件夹 init --roster 名册.txt
    然后启动：
      xlsxtools serve --data 数据文件夹 --host 0.0.0.0 --port 8000
    演示：
      xlsxtools serve --demo
    """
    ctx.ensure_object(dict)
    ctx.obj["serve"] = {"host": host, "port": port, "data": data if not demo or data else DEMO_DIR,
                        "database_url": database_url, "config": config}
    if ctx.invoked_subcommand is not None:
        return
    _need_server_libs()
    cfg, data_dir = _settings(ctx)
    if demo:
        _prepare_demo(cfg, data_dir)
    run(cfg, data_dir)


def run(cfg: Any, data_dir: Path) -> None:
    import uvicorn

    from xlsxtools.service.app import create_app

    s = cfg.server
    app = create_app(cfg, data_dir)
    shown = "127.0.0.1" if s.host in ("0.0.0.0", "::") else s.host
    click.echo(f"服务已启动：请用浏览器打开 http://{shown}:{s.port}/  （数据：{data_dir.resolve()}；按 Ctrl+C 停止）",
               err=True)
    uvicorn.run(app, host=s.host, port=s.port, log_level="warning", proxy_headers=True,
                forwarded_allow_ips="127.0.0.1")


def _engine(cfg: Any, data_dir: Path) -> Any:
    from xlsxtools.service import db

    data_dir.mkdir(parents=True, exist_ok=True)
    engine = db.make_engine(db.database_url(data_dir.resolve(), cfg.server.database_url))
    db.migrate(engine)
    return engine


def unit_username(index: int) -> str:
    return f"dw{index:03d}"


def init_accounts(engine: Any, roster_names: list[str], bureau: str, *, reset: bool = False) -> list[tuple[str, str, str]]:
    """Create the bureau account and one account per roster unit that has none yet.

    Returns (username, role label, password) of every account created (or reset), to print once.
    """
    import sqlalchemy as sa

    from xlsxtools.service import auth, db

    out: list[tuple[str, str, str]] = []
    with engine.begin() as conn:
        a = db.accounts
        existing = {r.unit_name: r for r in conn.execute(sa.select(a).where(a.c.role == auth.ROLE_UNIT)).all()}
        row = conn.execute(sa.select(a).where(a.c.username == bureau)).first()
        if row is None:
            _id, pw = auth.create_account(conn, bureau, auth.ROLE_BUREAU)
            out.append((bureau, "财政局", pw))
        elif reset:
            pw = auth.new_password()
            auth.set_password(conn, row.id, pw)
            out.append((bureau, "财政局", pw))
        taken = {r[0] for r in conn.execute(sa.select(a.c.username)).all()}
        n = len(existing)
        for name in roster_names:
            if name in existing:
                if reset:
                    pw = auth.new_password()
                    auth.set_password(conn, existing[name].id, pw)
                    out.append((existing[name].username, name, pw))
                continue
            n += 1
            while unit_username(n) in taken:
                n += 1
            user = unit_username(n)
            taken.add(user)
            _id, pw = auth.create_account(conn, user, auth.ROLE_UNIT, unit_name=name)
            existing[name] = None
            out.append((user, name, pw))
        db.log(conn, None, "创建账户", f"按名册创建或重置 {len(out)} 个账户")
    return out


def _print_accounts(created: list[tuple[str, str, str]]) -> None:
    if not created:
        click.echo("没有需要创建的账户（名册中的单位都已有账户）。")
        return
    click.echo("以下初始密码只显示这一次，请妥善分发，并提醒各单位登录后修改密码：")
    click.echo(f"{'用户名':<10}{'密码':<16}单位")
    for user, label, pw in created:
        click.echo(f"{user:<12}{pw:<16}{label}")


@command.command(name="init")
@click.option("--roster", required=True, type=click.Path(exists=True, dir_okay=False),
              help="名册：每行一个单位名称的文本文件，或 CSV/XLSX 的第一列")
@click.option("--bureau", default="czj", show_default=True, help="财政局管理账户的用户名")
@click.pass_context
def init_command(ctx: click.Context, roster: str, bureau: str) -> None:
    """按名册创建财政局账户和各单位账户，并打印初始密码（只显示一次）。

    已有账户的单位不会重复创建，可在名册增加单位后再次运行。
    """
    _need_server_libs()
    from xlsxtools.consolidate.runner import load_roster

    if not re.fullmatch(r"[A-Za-z0-9_.-]{2,50}", bureau):
        raise UserError("--bureau 用户名只能包含字母、数字和 _ . -（2 到 50 位）")
    cfg, data_dir = _settings(ctx)
    names = load_roster(roster)
    if not names:
        raise UserError("名册中没有单位名称", file=roster)
    if len(set(names)) != len(names):
        dup = sorted({n for n in names if names.count(n) > 1})
        raise UserError(f"名册中有重复的单位：{'、'.join(dup)}", file=roster)
    _print_accounts(init_accounts(_engine(cfg, data_dir), names, bureau))


@command.command(name="add-user")
@click.argument("username")
@click.option("--role", type=click.Choice(["bureau", "viewer"]), default="bureau", show_default=True,
              help="bureau：财政局（核定、汇总、查看日志）；viewer：财政局只读")
@click.pass_context
def add_user_command(ctx: click.Context, username: str, role: str) -> None:
    """添加一个财政局账户，并打印初始密码（只显示一次）。"""
    _need_server_libs()
    import sqlalchemy as sa

    from xlsxtools.service import auth, db

    if not re.fullmatch(r"[A-Za-z0-9_.-]{2,50}", username):
        raise UserError("用户名只能包含字母、数字和 _ . -（2 到 50 位）")
    cfg, data_dir = _settings(ctx)
    engine = _engine(cfg, data_dir)
    with engine.begin() as conn:
        if conn.execute(sa.select(db.accounts.c.id).where(db.accounts.c.username == username)).first():
            raise UserError(f"用户名 {username} 已存在")
        _id, pw = auth.create_account(conn, username, role)
        db.log(conn, None, "创建账户", f"{username}（{auth.ROLES[role]}）")
    _print_accounts([(username, auth.ROLES[role], pw)])


@command.command(name="reset-password")
@click.argument("username")
@click.pass_context
def reset_password_command(ctx: click.Context, username: str) -> None:
    """为一个账户生成新密码并打印（只显示一次）。"""
    _need_server_libs()
    import sqlalchemy as sa

    from xlsxtools.service import auth, db

    cfg, data_dir = _settings(ctx)
    engine = _engine(cfg, data_dir)
    with engine.begin() as conn:
        row = conn.execute(sa.select(db.accounts).where(db.accounts.c.username == username)).first()
        if row is None:
            raise UserError(f"没有用户名为 {username} 的账户")
        pw = auth.new_password()
        auth.set_password(conn, row.id, pw)
        db.log(conn, None, "重置密码", username)
    _print_accounts([(username, row.unit_name or auth.ROLES[row.role], pw)])


def _prepare_demo(cfg: Any, data_dir: Path) -> None:
    """Demo accounts from the bundled samples' roster, and sample workbooks to upload."""
    from xlsxtools.commands.demo import DEMO_MISSING_UNIT, sample_dir
    from xlsxtools.importer import import_table

    samples = sample_dir()
    import json

    manifest = json.loads((samples / "demo.json").read_text(encoding="utf-8"))
    names = [import_table(samples / u["source"]).unit.name for u in manifest["units"]] + [DEMO_MISSING_UNIT]
    files = data_dir / "演示文件"
    if not (files / "units").is_dir():
        from xlsxtools.commands.demo import command as demo_command

        click.echo("正在生成演示用的单位工作簿……", err=True)
        demo_command.main([str(files), "--force"], standalone_mode=False)
    created = init_accounts(_engine(cfg, data_dir), names, DEMO_BUREAU, reset=True)
    click.echo("演示账户（每次以 --demo 启动时重置密码）：")
    _print_accounts(created)
    click.echo(f"可上传的演示工作簿：{(files / 'units').resolve()}（也可上传 {samples} 中的旧表 .txt）")
