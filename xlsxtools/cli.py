"""The ``xlsxtools`` command line.

Sub-commands live in ``xlsxtools.commands.<module>`` and are imported only when run, so
``xlsxtools --help`` and every single command start fast (no pandas unless a command needs it).
User errors (``UserError``) print one clear line and exit non-zero; ``--debug`` shows tracebacks.
"""

from __future__ import annotations

import errno
import importlib
import importlib.util
import sys
import traceback

import click

from xlsxtools import __version__, cli_zh
from xlsxtools.errors import UserError

cli_zh.install()  # click's own words (usage, sections, errors) in Chinese; option names stay English

#: name → (module, short help). The module exposes ``command`` (a click command or group).
COMMANDS: dict[str, tuple[str, str]] = {
    "template": ("xlsxtools.commands.template", "生成工作簿模板（单位填报模板和汇总模板）。"),
    "import": ("xlsxtools.commands.import_", "把已有的表格（txt/csv/md/xlsx/xls/docx/html/pdf/doc 等）导入单位工作簿。"),
    "dropdowns": ("xlsxtools.commands.dropdowns", "为单位工作簿重新设置全部下拉列表和数据验证。"),
    "check": ("xlsxtools.commands.check", "检查目标表和实际完成值，列出或在工作簿中标出每个问题。"),
    "actuals": ("xlsxtools.commands.actuals", "从 CSV/XLSX 导出文件把实际完成值填入单位工作簿。"),
    "score": ("xlsxtools.commands.score", "自评计分：每个指标、预算执行、总分和等级。"),
    "baseline": ("xlsxtools.commands.baseline", "导出核定的目标表，作为核对目标是否被改动的基线。"),
    "consolidate": ("xlsxtools.commands.consolidate", "把文件夹中每个单位的工作簿汇总成一个汇总工作簿。"),
    "monitor": ("xlsxtools.commands.monitor", "运行监控：检查各单位的运行监控表，列出监控状态（红/黄/绿）和问题。"),
    "upgrade": ("xlsxtools.commands.upgrade", "把旧版模板的单位工作簿升级到当前模板（数据全部保留）。"),
    "report": ("xlsxtools.commands.report", "根据汇总结果生成绩效自评汇总分析报告（Word）。"),
    "demo": ("xlsxtools.commands.demo", "用自带的样表完整演示一遍：模板、导入、检查、计分、汇总、运行监控和分析报告。"),
    "serve": ("xlsxtools.commands.serve", "启动内网绩效服务（单位和财政局的网页、Excel 按钮的服务器模式）。"),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name, (mod, _) in COMMANDS.items() if importlib.util.find_spec(mod) is not None]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module_name, _ = COMMANDS[cmd_name]
        if importlib.util.find_spec(module_name) is None:
            return None
        return importlib.import_module(module_name).command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][1]) for name in self.list_commands(ctx)]
        if rows:
            with formatter.section(cli_zh.gettext_zh("Commands")):
                formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="xlsxtools")
@click.option("--debug", is_flag=True, help="出错时显示完整的错误跟踪信息（供维护人员排查）。")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """xlsxtools：绩效目标表、运行监控和绩效自评的模板、导入（各地各年度的表格）、检查、计分、汇总和分析报告，以及内网服务。

    Excel 中的每个按钮在这里都有对应的命令，不需要 Excel，在任何系统上都能运行。
    运行 `xlsxtools 命令 --help` 查看每个命令的用法。
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


def _wants_debug(argv: list[str]) -> bool:
    return "--debug" in argv


_OS_ERRORS = {
    errno.ENOENT: "文件或文件夹不存在", errno.ENOTDIR: "路径中有一段是文件，不是文件夹", errno.EEXIST: "已存在同名文件",
    errno.EACCES: "没有权限", errno.EPERM: "没有权限", errno.EISDIR: "这是一个文件夹，不是文件",
    errno.ENOSPC: "磁盘空间不足", errno.EROFS: "只读的文件系统",
}


def _os_error_text(exc: OSError) -> str:
    why = _OS_ERRORS.get(exc.errno or 0, exc.strerror or type(exc).__name__)
    where = exc.filename if exc.filename is not None else ""
    return f"{where}：{why}" if where else why


#: Commands that read one input file at a time: run in a child process with the [limits] of
#: xlsxtools.toml (time per file, memory), so a hostile file ends in a message, never a hang or abort.
GUARDED_COMMANDS = frozenset({"import", "check", "score", "actuals", "dropdowns", "monitor", "upgrade"})


def main(argv: list[str] | None = None, *, guard: bool | None = None) -> None:
    """The command line; ``guard`` (default: when run as a program) runs the single-file commands
    in a guarded child process (xlsxtools.sandbox)."""
    guard = argv is None if guard is None else guard
    argv = list(sys.argv[1:] if argv is None else argv)
    if guard:
        _guarded(argv)
    _main(argv)


def _guarded(argv: list[str]) -> None:
    import os

    name = next((a for a in argv if not a.startswith("-")), None)
    if name not in GUARDED_COMMANDS or os.environ.get("XLSXTOOLS_NO_SANDBOX") or any(
            a in ("-h", "--help") for a in argv):
        return
    from xlsxtools.sandbox import CAN_FORK, run_cli_guarded

    if not CAN_FORK:
        return
    from xlsxtools.config import Config, load_config

    config = Config()
    try:
        cfg = argv[argv.index("--config") + 1] if "--config" in argv else None
        config = load_config(cfg)
    except (UserError, IndexError, OSError):
        pass  # the command itself reports a bad config
    from xlsxtools.workbook.preflight import set_limits

    set_limits(config.limits)
    files = sum(1 for a in argv if not a.startswith("-") and os.path.lexists(a))
    run_cli_guarded(lambda: _main(argv), config.limits, files)


def _main(argv: list[str]) -> None:
    try:
        rv = cli.main(args=argv, prog_name="xlsxtools", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("已取消。", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except UserError as exc:
        if _wants_debug(argv):
            traceback.print_exc()
        click.echo(f"错误：{exc}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)
    except MemoryError:
        from xlsxtools.workbook.preflight import current_limits

        click.echo(f"错误：内存超过上限（{current_limits().memory_mb} MB），已停止", err=True)
        sys.exit(2)
    except OSError as exc:  # a path the user gave that cannot be used: theirs to fix, not a bug
        if _wants_debug(argv):
            traceback.print_exc()
        click.echo(f"错误：{_os_error_text(exc)}", err=True)
        sys.exit(2)
    except Exception as exc:  # a bug, not a user error
        if _wants_debug(argv):
            raise
        click.echo(f"内部错误：{type(exc).__name__}: {exc}\n"
                   "请加 --debug 重新运行以查看详细信息，并把输出发给负责维护的同事。", err=True)
        sys.exit(3)
    sys.exit(rv if isinstance(rv, int) else 0)


if __name__ == "__main__":  # pragma: no cover
    main()
