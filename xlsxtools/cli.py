"""The ``xlsxtools`` command line.

Sub-commands live in ``xlsxtools.commands.<module>`` and are imported only when run, so
``xlsxtools --help`` and every single command start fast (no pandas unless a command needs it).
User errors (``UserError``) print one clear line and exit non-zero; ``--debug`` shows tracebacks.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import traceback

import click

from xlsxtools import __version__
from xlsxtools.errors import UserError

#: name → (module, short help). The module exposes ``command`` (a click command or group).
COMMANDS: dict[str, tuple[str, str]] = {
    "template": ("xlsxtools.commands.template", "Build the workbook templates (unit and summary)."),
    "import": ("xlsxtools.commands.import_", "Import an existing target table (txt/md/xlsx/xls/docx) into a unit workbook."),
    "dropdowns": ("xlsxtools.commands.dropdowns", "Re-apply every dropdown and validation to a unit workbook."),
    "check": ("xlsxtools.commands.check", "Check target tables and actuals; list or annotate every problem."),
    "actuals": ("xlsxtools.commands.actuals", "Fill actual values into a unit workbook from a CSV/XLSX export."),
    "score": ("xlsxtools.commands.score", "Score the self-evaluation: every indicator, budget execution, total, grade."),
    "baseline": ("xlsxtools.commands.baseline", "Export approved target tables as a tamper-check baseline."),
    "consolidate": ("xlsxtools.commands.consolidate", "Consolidate every unit workbook in folders into one summary."),
    "monitor": ("xlsxtools.commands.monitor", "运行监控：检查各单位的运行监控表，列出监控状态（红/黄/绿）和问题。"),
    "upgrade": ("xlsxtools.commands.upgrade", "把旧版模板的单位工作簿升级到当前模板（数据全部保留）。"),
    "demo": ("xlsxtools.commands.demo", "Run the main job end to end on the bundled sample data."),
    "serve": ("xlsxtools.commands.serve", "Start the intranet service for units and the bureau (web pages, Excel buttons)."),
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
            with formatter.section("Commands"):
                formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="xlsxtools")
@click.option("--debug", is_flag=True, help="Show full tracebacks for errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """xlsxtools: templates, import, checks, scoring and consolidation for
    部门（单位）整体支出绩效目标表 and its self-evaluation.

    Every Excel button has a twin here that works without Excel, on any OS.
    Run `xlsxtools COMMAND --help` for details.
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


def _wants_debug(argv: list[str]) -> bool:
    return "--debug" in argv


#: Commands that read one input file at a time: run in a child process with the [limits] of
#: xlsxtools.toml (time per file, memory), so a hostile file ends in a message, never a hang or abort.
GUARDED_COMMANDS = frozenset({"import", "check", "score", "actuals", "dropdowns"})


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
        click.echo("已取消 (aborted)", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except UserError as exc:
        if _wants_debug(argv):
            traceback.print_exc()
        click.echo(f"错误 (error): {exc}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)
    except MemoryError:
        from xlsxtools.workbook.preflight import current_limits

        click.echo(f"错误 (error): 内存超过上限（{current_limits().memory_mb} MB），已停止", err=True)
        sys.exit(2)
    except Exception as exc:  # a bug, not a user error
        if _wants_debug(argv):
            raise
        click.echo(f"内部错误 (internal error): {type(exc).__name__}: {exc}\n"
                   "请加 --debug 重新运行以查看详细信息 (re-run with --debug for the traceback).", err=True)
        sys.exit(3)
    sys.exit(rv if isinstance(rv, int) else 0)


if __name__ == "__main__":  # pragma: no cover
    main()
