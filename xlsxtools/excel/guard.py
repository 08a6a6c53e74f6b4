"""Error handling of the Excel buttons: a Chinese message box, never a Python traceback window.

Every entry point of :mod:`xlsxtools.excel` is wrapped by :func:`entry_point`. Whatever goes wrong
is written with its full traceback to a rotating log file and shown to the user as a Chinese
message naming that file. A :class:`~xlsxtools.errors.UserError` (bad input: not a template, an
empty paste sheet …) shows its own message; anything else is an internal error.

Standard library only: this module is imported on every click.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

#: Title of every message box.
TITLE = "绩效工具"
#: Environment variable that overrides the log folder (IT, tests).
LOG_DIR_ENV = "XLSXTOOLS_LOG_DIR"
LOG_FILE = "excel.log"
LOG_MAX_BYTES = 1_000_000
LOG_BACKUPS = 5


def log_dir() -> Path:
    """%LOCALAPPDATA%\\xlsxtools\\logs on Windows, ~/.xlsxtools/logs elsewhere (or $XLSXTOOLS_LOG_DIR)."""
    override = os.environ.get(LOG_DIR_ENV)
    if override:
        return Path(override)
    local = os.environ.get("LOCALAPPDATA")
    if sys.platform.startswith("win") and local:
        return Path(local) / "xlsxtools" / "logs"
    return Path.home() / ".xlsxtools" / "logs"


def write_log(action: str, exc: BaseException) -> Path | None:
    """Append the traceback of ``exc`` to the rotating log; returns the log file (None if it cannot)."""
    import logging
    import traceback
    from logging.handlers import RotatingFileHandler

    try:
        folder = log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / LOG_FILE
        handler = RotatingFileHandler(path, maxBytes=LOG_MAX_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8")
    except OSError:
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    logger = logging.getLogger("xlsxtools.excel")
    logger.propagate = False
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    try:
        from xlsxtools import __version__

        book = _book_arg()
        text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        logger.error("button %s failed (xlsxtools %s, Python %s, %s, workbook %s)\n%s", action, __version__,
                     sys.version.split()[0], sys.platform, book or "?", text)
    finally:
        logger.removeHandler(handler)
        handler.close()
    return path


def _book_arg() -> str | None:
    """The workbook name xlwings' RunPython passes on the command line (--wb=…)."""
    for arg in sys.argv:
        if arg.startswith("--wb="):
            return arg.split("=", 1)[1].strip()
    return None


def error_message(action: str, exc: BaseException, log: Path | None) -> str:
    """The Chinese text shown for a failed button."""
    from xlsxtools.errors import UserError

    if isinstance(exc, UserError):
        where = f"详细信息已写入日志文件：\n{log}" if log else "（日志文件无法写入）"
        return f"“{action}”未完成：\n{exc}\n\n{where}"
    text = f"“{action}”出错（程序内部错误：{type(exc).__name__}）。\n{_short(exc)}"
    if log:
        text += f"\n\n请把下面的日志文件发给负责维护的同事：\n{log}"
    return text


def _short(exc: BaseException, limit: int = 300) -> str:
    text = str(exc).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def show_error(action: str, text: str, app: Any | None) -> None:
    """Show ``text`` in a message box of the calling Excel; when even that fails, leave a short
    Chinese line on stderr and a non-zero exit, which xlwings' RunPython shows in its own box."""
    if app is not None:
        try:
            app.alert(text, title=f"{TITLE}：{action}", mode="critical")
            return
        except Exception:  # the message must get out somehow
            pass
    raise SystemExit(text)


def entry_point(action: str, get_app: Callable[[], Any | None]) -> Callable[[F], F]:
    """Wrap a button: any exception → log file + Chinese message box (see module docstring).

    ``get_app`` returns the calling Excel application for the message box (or None); it is called
    only after a failure, so it must not raise.
    """

    def wrap(func: F) -> F:
        @functools.wraps(func)
        def run(*args: Any, **kwargs: Any) -> Any:
            try:
                return func(*args, **kwargs)
            except (KeyboardInterrupt, SystemExit):
                raise
            except BaseException as exc:  # every failure becomes a message
                log = write_log(action, exc)
                show_error(action, error_message(action, exc, log), get_app())
                return None

        return run  # type: ignore[return-value]

    return wrap
