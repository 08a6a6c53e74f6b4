"""``xlsxtools template build``: write the workbook templates."""

from __future__ import annotations

from pathlib import Path

import click

TEMPLATES_DIR = "workbook_templates"


def default_templates_dir(start: Path | None = None) -> Path:
    """``workbook_templates/`` of the repository containing ``start`` (default: the current
    directory), found by walking up; ``./workbook_templates`` when there is none."""
    start = (start or Path.cwd()).resolve()
    for d in (start, *start.parents):
        if (d / TEMPLATES_DIR).is_dir() and (d / "pyproject.toml").is_file():
            return d / TEMPLATES_DIR
    return start / TEMPLATES_DIR


@click.group(name="template")
def command() -> None:
    """生成工作簿模板。"""


@command.command(name="build")
@click.option("-o", "--out-dir", type=click.Path(file_okay=False, path_type=Path),
              help="输出文件夹（默认：当前所在代码仓库的 workbook_templates/，或 ./workbook_templates）。")
@click.option("--interpreter-win", metavar="PATH",
              help="Windows 上按钮启动的 Python（xlwings.conf 的 Interpreter_Win）；默认：PATH 中的 python。")
@click.option("--interpreter-mac", metavar="PATH",
              help="Mac 上按钮启动的 Python（xlwings.conf 的 Interpreter_Mac）；默认：python.org 安装的版本。")
@click.option("--no-interpreter", is_flag=True,
              help="工作簿中不写 Python 路径，由每台电脑自己的 xlwings.conf 决定。")
@click.option("--server", "server", metavar="URL",
              help="服务器模式：按钮通过绩效服务运行（xlwings RunRemotePython，本机无需 Python），URL 为绩效服务的地址，"
                   "例如 https://jx.czj.example/ 。首次点击按钮时输入访问令牌。不加此项时按钮使用本机 Python。")
def build(out_dir: Path | None, interpreter_win: str | None, interpreter_mac: str | None,
          no_interpreter: bool, server: str | None) -> None:
    """生成单位填报模板（绩效目标表模板.xlsm）和汇总模板（绩效汇总模板.xlsm）。

    同一版本的 xlsxtools、同样的选项，每次生成的文件完全相同。工作表用 xlsxtools/layout.py 中的密码保护
    （只为防止误改，不是安全措施）。

    信息部门可以用 --interpreter-win / --interpreter-mac 指定 Excel 按钮启动的 Python（例如共享安装），
    或用 --no-interpreter 交给每台电脑的 xlwings.conf 决定。

    加 --server URL 时按钮改为调用财政局的绩效服务（供没有 Python 的电脑使用）：模板中写入服务地址、
    xlwings 的 RunRemotePython 模块和“访问令牌”按钮。仓库中的 workbook_templates/ 是本机模式的模板；
    服务器模式的模板请用 -o 生成到单独的文件夹，再分发给各单位。
    """
    from xlsxtools.workbook.template import build_templates

    if no_interpreter and (interpreter_win or interpreter_mac):
        raise click.UsageError("--no-interpreter cannot be combined with --interpreter-win/--interpreter-mac")
    conf: dict[str, str | None] = {}
    if no_interpreter:
        conf = {"Interpreter_Win": None, "Interpreter_Mac": None}
    if interpreter_win:
        conf["Interpreter_Win"] = interpreter_win
    if interpreter_mac:
        conf["Interpreter_Mac"] = interpreter_mac
    if server is not None:
        from xlsxtools.vba.server import CONF_KEY, check_url

        try:
            conf[CONF_KEY] = check_url(server)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--server") from exc
    target = out_dir or default_templates_dir()
    paths = build_templates(target, conf or None)
    mode = f"（服务器模式：{conf['XLSXTOOLS_SERVER']}）" if server is not None else ""
    click.echo(f"已生成模板（{len(paths)} 个）{mode}，位于 {target}：")
    for p in paths:
        click.echo(f"  {p}")
