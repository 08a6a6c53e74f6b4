"""The Python side of the Excel buttons (xlwings ``RunPython``).

The ribbon of each template calls one no-argument function of this module::

    RunPython "import xlsxtools.excel as x; x.check_rows()"

Unit workbook: :func:`add_dropdowns`, :func:`check_rows`, :func:`compute_scores`,
:func:`clear_marks`, :func:`import_table`, :func:`monitor_check`, :func:`show_help`. Summary workbook:
:func:`consolidate`, :func:`open_findings`, :func:`report`, :func:`show_help`.

Each button gets the calling workbook (``xw.Book.caller()``), reads every sheet it needs in one
call per sheet, runs the same core operation as the command line and writes the result back in a
few bulk calls (:mod:`xlsxtools.excel.ops`, :mod:`xlsxtools.excel.edge`). Errors never show a
Python traceback: see :mod:`xlsxtools.excel.guard`. The entry points are made from the table in
:mod:`xlsxtools.excel.buttons`, which the service's remote path (:mod:`xlsxtools.service.excel_remote`)
shares.

A button click starts a fresh Python process, so importing this module stays light: xlwings and
everything else are imported inside the functions.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from xlsxtools.excel.buttons import BUTTONS, Button
from xlsxtools.excel.guard import entry_point

__all__ = list(BUTTONS)  # one entry point per button of the table

#: The workbook of the running button (set by :func:`caller`), for the error message box.
_current: dict[str, Any] = {}


def caller() -> Any:
    """The workbook that called the button (``xw.Book.caller()``)."""
    import xlwings as xw

    book = xw.Book.caller()
    _current["book"] = book
    return book


def _app() -> Any | None:
    """The Excel application of the calling workbook, for error messages (never raises)."""
    book = _current.get("book")
    try:
        if book is not None:
            return book.app
        import xlwings as xw

        return xw.apps.active
    except Exception:  # no Excel to talk to: the guard falls back to stderr
        return None


def _run(name: str) -> None:
    from xlsxtools.excel import ops

    getattr(ops, name)(caller())


def _entry_point(name: str, button: Button) -> Callable[[], None]:
    """``xlsxtools.excel.<name>()``: the local (RunPython) entry point of one button."""

    def run() -> None:
        _run(name)

    run.__name__ = run.__qualname__ = name
    run.__doc__ = button.doc
    return entry_point(button.label, _app)(run)


for _name, _button in BUTTONS.items():
    globals()[_name] = _entry_point(_name, _button)
del _name, _button
