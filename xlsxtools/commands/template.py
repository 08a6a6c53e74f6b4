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
    """Build the workbook templates."""


@command.command(name="build")
@click.option("-o", "--out-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write into (default: workbook_templates/ of the repository you are in, "
                   "or ./workbook_templates).")
@click.option("--interpreter-win", metavar="PATH",
              help="Python the buttons start on Windows (xlwings.conf Interpreter_Win); default: python on PATH.")
@click.option("--interpreter-mac", metavar="PATH",
              help="Python the buttons start on a Mac (xlwings.conf Interpreter_Mac); default: the python.org install.")
@click.option("--no-interpreter", is_flag=True,
              help="Leave the interpreter out of the workbooks, so each PC's own xlwings.conf decides.")
@click.option("--server", "server", metavar="URL",
              help="服务器模式：按钮通过绩效服务运行（xlwings RunRemotePython，本机无需 Python），URL 为绩效服务的地址，"
                   "例如 https://jx.czj.example/ 。首次点击按钮时输入访问令牌。不加此项时按钮使用本机 Python。")
def build(out_dir: Path | None, interpreter_win: str | None, interpreter_mac: str | None,
          no_interpreter: bool, server: str | None) -> None:
    """Write the unit template (绩效目标表模板.xlsm) and the summary template (绩效汇总模板.xlsm).

    The build is deterministic: the same version of xlsxtools and the same options always write
    the same files. Sheets are protected with the password from xlsxtools/layout.py (a convenience
    lock against accidental edits, not security).

    IT departments set the Python that the Excel buttons start with --interpreter-win/-mac (for
    example a shared install), or --no-interpreter to leave it to each PC's xlwings.conf.

    With --server URL the buttons call the bureau's service instead (for PCs without Python): the
    templates carry the address, xlwings' RunRemotePython modules and a 访问令牌 button. The
    committed workbook_templates/ are the local build; build server templates into their own
    folder (-o) for the bureau's distribution.
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
