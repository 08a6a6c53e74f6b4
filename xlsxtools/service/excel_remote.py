"""The Excel buttons on the service: the server side of a ``--server`` template's ribbon.

A template built with ``xlsxtools template build --server URL`` has no ``RunPython``: each button
calls xlwings' VBA client ``RunRemotePython URL/api/xlwings/<name>`` with the header
``Authorization: Bearer <token>``. The client posts the workbook as JSON (every sheet's values,
the named ranges, the active sheet and the selection); the web application checks the token and
calls :func:`run_button`, which opens that JSON as xlwings' remote book, runs the same operation
as the local button (:mod:`xlsxtools.excel.ops`, table :data:`xlsxtools.excel.buttons.BUTTONS`) and
returns the book's actions. The VBA client applies them: values, colours, number formats, rows,
names, message boxes, and "runMacro" calls of the helper subs in ``macros/ServerHelpers.bas`` for
notes, validation, protection and questions (see :mod:`xlsxtools.excel.edge`).

Web framework free on purpose (no FastAPI, no SQLAlchemy): the web application mounts it::

    @app.post("/api/xlwings/{name}")
    def xlwings_button(name: str, payload: dict, unit = Depends(bearer_unit)):
        if name not in BUTTONS: -> 404
        try:
            return JSONResponse(run_button(name, payload, config=config))
        except PayloadError as exc: -> 400, PlainTextResponse(str(exc))

(The VBA client shows the body of any non-200 answer in a message box, so error bodies are
plain Chinese text; see :data:`UNAUTHORIZED_MESSAGE`.) Run it in a worker thread: each call
builds its own remote app and book, so concurrent calls share nothing.

The remote book is part of xlwings PRO, free for noncommercial use: this module sets
``XLWINGS_LICENSE_KEY=noncommercial`` when no key is set (allowed for noncommercial and
government use, which a county finance bureau's service is).
"""

from __future__ import annotations

import logging
import os
from typing import Any

from xlsxtools.excel.buttons import BUTTONS as TABLE
from xlsxtools.excel.buttons import CONFIRMED_SUFFIX

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

#: Every button the service runs: the table's ``server`` buttons, and ``<name>_confirmed`` (the
#: second call after a yes/no question answered "yes") for those that ask one.
BUTTONS: set[str] = ({n for n, b in TABLE.items() if b.server}
                     | {n + CONFIRMED_SUFFIX for n, b in TABLE.items() if b.server and b.confirms})

#: Body of the answer to a request without a valid token (shown by the VBA client as is).
UNAUTHORIZED_MESSAGE = ("绩效服务拒绝了访问令牌（没有令牌、令牌错误或已重新生成）。请登录绩效服务网页，在“账户”页面"
                        "生成新令牌，再点击功能区“绩效工具”中的“访问令牌”重新输入。")
#: Most cells a workbook may send (all sheets together); the template holds a few thousand.
MAX_CELLS = 500_000
TITLE = "绩效工具"

log = logging.getLogger("xlsxtools.service.excel")


class PayloadError(ValueError):
    """The request is not a workbook from the VBA client (Chinese message, for a 400 answer)."""


def button_of(name: str) -> tuple[str, bool]:
    """(function name in :mod:`xlsxtools.excel.ops`, confirmed) of a service button name."""
    if name not in BUTTONS:
        raise KeyError(name)
    if name.endswith(CONFIRMED_SUFFIX) and name.removesuffix(CONFIRMED_SUFFIX) in TABLE:
        return name.removesuffix(CONFIRMED_SUFFIX), True
    return name, False


def check_payload(book_json: Any) -> None:
    """Raise :class:`PayloadError` unless ``book_json`` has the shape every xlwings client sends."""
    if not isinstance(book_json, dict):
        raise PayloadError("请求的内容不是工作簿数据（应为 JSON 对象）。")
    for key in ("client", "version", "book", "sheets"):
        if key not in book_json:
            raise PayloadError(f"请求的工作簿数据缺少「{key}」：请使用绩效工具模板中的按钮。")
    sheets, book = book_json["sheets"], book_json["book"]
    if not isinstance(sheets, list) or not sheets or not isinstance(book, dict) or "name" not in book:
        raise PayloadError("请求的工作簿数据不完整：请使用绩效工具模板中的按钮。")
    cells = 0
    for sheet in sheets:
        if not isinstance(sheet, dict) or not isinstance(sheet.get("name"), str):
            raise PayloadError("请求的工作簿数据中有无法识别的工作表。")
        values = sheet.get("values")
        if not isinstance(values, list) or not all(isinstance(r, list) for r in values):
            raise PayloadError(f"工作表「{sheet['name']}」的数据无法识别。")
        cells += sum(len(r) for r in values)
    if cells > MAX_CELLS:
        raise PayloadError(f"工作簿太大（{cells} 个单元格，最多 {MAX_CELLS} 个）：请删除多余的工作表或内容后再试。")
    book_json.setdefault("names", [])
    for sheet in sheets:
        sheet.setdefault("pictures", [])
        sheet.setdefault("tables", [])


def remote_book(book_json: dict[str, Any]) -> Any:
    """xlwings' remote book for ``book_json`` in an app of its own (nothing shared between calls)."""
    import xlwings as xw

    _register_remote_engine(xw)
    from xlwings.pro import _xlremote

    app = _xlremote.App(apps=_xlremote.Apps(), add_book=False)
    return xw.Book(impl=app.books.open(book_json))


def _register_remote_engine(xw: Any) -> None:
    """xlwings registers its remote engine on import only when a key is set; register it when
    xlwings was imported before this module set the key."""
    if "remote" in [e.name for e in xw.engines]:
        return
    from xlwings.pro import _xlremote

    xw.engines.add(xw.Engine(impl=_xlremote.engine))


def alert_only(text: str, title: str = TITLE) -> dict[str, Any]:
    """An answer whose only action is a message box (for a request the buttons cannot run)."""
    return {"actions": [{"func": "alert", "args": [text, title, "ok", "critical", ""], "values": None,
                         "sheet_position": None, "start_row": None, "start_column": None, "row_count": None,
                         "column_count": None}]}


def run_button(name: str, book_json: dict, *, config: Any) -> dict:
    """Run the button ``name`` on the workbook the VBA client sent; returns ``{"actions": [...]}``.

    ``config``: the service's :class:`~xlsxtools.config.Config` (policies for checks and scores).
    Raises KeyError for a name not in :data:`BUTTONS` and :class:`PayloadError` for a request that
    is not a workbook. Anything else, bad workbooks included, becomes a Chinese message box in the
    answer (internal errors are logged with their traceback on the server).
    """
    op, confirmed = button_of(name)
    check_payload(book_json)
    label = TABLE[op].label
    import xlwings as xw

    if book_json.get("version") != xw.__version__ and book_json.get("client") != "Office.js":
        return alert_only(f"“{label}”未完成：模板中的 xlwings（{book_json.get('version')}）与绩效服务的"
                          f"（{xw.__version__}）版本不同。请向信息中心索取新模板。", f"{TITLE}：{label}")
    from xlwings.pro import _xlremote

    from xlsxtools.errors import UserError
    from xlsxtools.excel import ops

    book = remote_book(book_json)
    try:
        kwargs = {"confirmed": True} if confirmed else {}
        getattr(ops, op)(book, config=config, **kwargs)
    except UserError as exc:
        book.app.alert(f"“{label}”未完成：\n{exc}", title=f"{TITLE}：{label}", mode="critical")
    except Exception as exc:  # every failure becomes a message box for the user
        log.exception("button %s failed on %s", name, book_json["book"].get("name"))
        book.app.alert(f"“{label}”出错（程序内部错误：{type(exc).__name__}）。\n请把出错时间告诉负责维护的同事"
                       "（绩效服务的日志中有详细记录）。", title=f"{TITLE}：{label}", mode="critical")
    finally:
        # The remote engine caches every sheet's values without a limit: drop them after each call.
        _xlremote.get_range_api.cache_clear()
    return book.json()
