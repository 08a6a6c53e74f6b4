"""The table of Excel buttons: one entry per button, for both ways a button runs.

* **Local** (``RunPython`` on a PC with Python): :mod:`xlsxtools.excel` turns every entry into a
  no-argument entry point ``xlsxtools.excel.<name>()``, which the ribbon's VBA calls.
* **Server** (``RunRemotePython`` to the bureau's service, for PCs without Python):
  :mod:`xlsxtools.service.excel_remote` runs the entries marked ``server`` on the workbook the
  VBA client sends (``POST /api/xlwings/<name>``).

Both call the same function ``xlsxtools.excel.ops.<name>(book, config=None)`` (``config``: the
service passes its policies; None reads ``xlsxtools.toml`` beside the workbook; a button that asks
a question also takes ``confirmed``). Adding a button is
one function in :mod:`~xlsxtools.excel.ops`, one entry here, a callback in ``macros/Ribbon*.bas``
(``RunPython "import xlsxtools.excel as x; x.<name>()"``; a ``--server`` build rewrites it) and a
button in the ribbon XML.

Standard library only: this module is imported on every click.
"""

from __future__ import annotations

from typing import NamedTuple


class Button(NamedTuple):
    #: Chinese name of the button, as on the ribbon (message box titles, error messages).
    label: str
    #: What it does (the entry point's docstring).
    doc: str
    #: Runs on the service too. False for buttons that work on files of the user's PC.
    server: bool = True
    #: Asks a yes/no question first. On the service the question is shown by the VBA helper
    #: XtConfirm, which on "yes" calls the button again as ``<name>_confirmed``.
    confirms: bool = False


#: Button name (= entry point in xlsxtools.excel, function in xlsxtools.excel.ops) → Button.
BUTTONS: dict[str, Button] = {
    # Unit workbook
    "add_dropdowns": Button("添加下拉", "添加下拉: add or repair every dropdown and input rule of 目标表 and 实际完成."),
    "import_table": Button("导入", "导入: read the old table pasted on 导入 and write it into 目标表 (repairs listed "
                                  "on 检查结果).", confirms=True),
    "check_rows": Button("检查", "检查: check every row; colour and note the offending cells; list every finding on "
                                "检查结果."),
    "compute_scores": Button("计算得分", "计算得分: score every indicator, the budget execution, the total and the grade "
                                      "on 实际完成."),
    "monitor_check": Button("监控检查", "监控检查: check 运行监控 (mid-year monitoring); mark the cells, list the "
                                   "findings, show the state."),
    "clear_marks": Button("清除标记", "清除标记: restore the fills and notes of the cells marked by the last check."),
    # Both workbooks
    "show_help": Button("帮助", "帮助: what each button does (unit or summary workbook), and what to do when one fails."),
    # Summary workbook: these read and write folders of the bureau's PC
    "consolidate": Button("汇总", "汇总: consolidate every unit workbook of the chosen folder into the summary file "
                                 "and open it.", server=False),
    "open_findings": Button("打开问题清单", "打开问题清单: open the summary file of the last consolidation at its "
                                      "findings sheet.", server=False),
    "report": Button("分析报告", "分析报告: the analysis report (.docx) of the last consolidation, written beside the "
                              "summary file.", server=False),
}

#: Suffix of the second call of a button that asked a question and got "yes" (server only).
CONFIRMED_SUFFIX = "_confirmed"
