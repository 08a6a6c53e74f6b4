"""The Python side of the Excel buttons (xlwings ``RunPython``).

The ribbon of each template calls one no-argument function of this module::

    RunPython "import xlsxtools.excel as x; x.check_rows()"

Unit workbook: :func:`add_dropdowns`, :func:`check_rows`, :func:`compute_scores`,
:func:`clear_marks`, :func:`import_table`, :func:`show_help`. Summary workbook: :func:`consolidate`,
:func:`open_findings`, :func:`report`, :func:`show_help`.

Each button gets the calling workbook (``xw.Book.caller()``), reads every sheet it needs in one
call per sheet, runs the same core operation as the command line and writes the result back in a
few bulk calls (:mod:`xlsxtools.excel.ops`, :mod:`xlsxtools.excel.edge`). Errors never show a
Python traceback: see :mod:`xlsxtools.excel.guard`.

A button click starts a fresh Python process, so importing this module stays light: xlwings and
everything else are imported inside the functions.
"""

from __future__ import annotations

from typing import Any

from xlsxtools.excel.guard import entry_point

__all__ = ["add_dropdowns", "check_rows", "clear_marks", "compute_scores", "consolidate", "import_table",
           "open_findings", "report", "show_help"]

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


@entry_point("添加下拉", _app)
def add_dropdowns() -> None:
    """添加下拉: add or repair every dropdown and input rule of 目标表 and 实际完成."""
    _run("add_dropdowns")


@entry_point("检查", _app)
def check_rows() -> None:
    """检查: check every row; colour and note the offending cells; list every finding on 检查结果."""
    _run("check_rows")


@entry_point("计算得分", _app)
def compute_scores() -> None:
    """计算得分: score every indicator, the budget execution, the total and the grade on 实际完成."""
    _run("compute_scores")


@entry_point("清除标记", _app)
def clear_marks() -> None:
    """清除标记: restore the fills and notes of the cells marked by the last check."""
    _run("clear_marks")


@entry_point("导入", _app)
def import_table() -> None:
    """导入: read the old table pasted on 导入 and write it into 目标表 (repairs listed on 检查结果)."""
    _run("import_table")


@entry_point("帮助", _app)
def show_help() -> None:
    """帮助: what each button does (unit or summary workbook), and what to do when one fails."""
    _run("show_help")


@entry_point("汇总", _app)
def consolidate() -> None:
    """汇总: consolidate every unit workbook of the chosen folder into the summary file and open it."""
    _run("consolidate")


@entry_point("打开问题清单", _app)
def open_findings() -> None:
    """打开问题清单: open the summary file of the last consolidation at its findings sheet."""
    _run("open_findings")


@entry_point("分析报告", _app)
def report() -> None:
    """分析报告: the analysis report (.docx) of the last consolidation, written beside the summary file."""
    _run("report")
