"""The summary (consolidation) template: a small workbook with the 汇总 ribbon.

One visible sheet (layout.SUMMARY_SHEET) holds two labelled settings (the folder of unit
workbooks, remembered in the cell, and the output file) and the instructions; the hidden lists
sheet carries the layout marker with kind ``summary``; the very hidden xlwings.conf sheet holds
the interpreter settings. :func:`write_summary_template` packages it as the .xlsm.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from xlsxtools import layout

INSTRUCTIONS: tuple[str, ...] = (
    "使用说明",
    "1. 把各单位填好的绩效目标表（.xlsm / .xlsx）放在同一个文件夹中（可以有子文件夹）。",
    "2. 点击功能区“绩效汇总”选项卡的“选择文件夹”选择该文件夹，或直接在上面的“单位工作簿文件夹”单元格中填写路径；"
    "路径保存在本工作簿中，下次打开仍然有效（请保存本工作簿）。",
    "3. “汇总结果文件”可以不填：默认在所选文件夹中生成汇总结果。",
    "4. 点击“汇总”：逐个读取各单位的工作簿，汇总得分、等级和发现的问题。",
    "5. 点击“打开问题清单”查看每个单位需要修改的地方（文件、工作表、单元格）。",
    "6. 点击“分析报告”生成绩效自评汇总分析报告（Word 初稿），保存在汇总结果文件旁边。",
    "按钮报错时：按提示信息操作；信息中给出的日志文件请发给负责维护的同事。",
)


def build_summary_template(conf: Mapping[str, Any] | None = None) -> Any:
    """The summary template as an openpyxl Workbook (without VBA; see write_summary_template)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.workbook.defined_name import DefinedName

    from xlsxtools.textwidth import row_height
    from xlsxtools.vba.package import add_conf_sheet

    wb = Workbook()
    ws = wb.active
    ws.title = layout.SUMMARY_SHEET
    ws.sheet_properties.codeName = "shtSummary"
    body = Font(name=layout.FONT_BODY, size=layout.FONT_SIZE + 1)
    bold = Font(name=layout.FONT_BODY, size=layout.FONT_SIZE + 1, bold=True)

    ws["A1"] = layout.SUMMARY_TITLE
    ws["A1"].font = Font(name=layout.FONT_TITLE, size=layout.FONT_SIZE_TITLE)
    ws.merge_cells("A1:B1")
    ws.row_dimensions[1].height = 30
    settings = (
        (layout.SUMMARY_FOLDER_LABEL_CELL, "单位工作簿文件夹", layout.SUMMARY_FOLDER_CELL, layout.NAME_SUMMARY_FOLDER),
        (layout.SUMMARY_OUTPUT_LABEL_CELL, "汇总结果文件", layout.SUMMARY_OUTPUT_CELL, layout.NAME_SUMMARY_OUTPUT),
    )
    input_fill = PatternFill(fill_type="solid", start_color="FFFFF2CC", end_color="FFFFF2CC")
    for label_cell, label, value_cell, name in settings:
        ws[label_cell] = label
        ws[label_cell].font = bold
        cell = ws[value_cell]
        cell.protection = Protection(locked=False)
        cell.fill = input_fill
        cell.font = body
        col, row = value_cell.rstrip("0123456789"), value_cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        ref = f"'{layout.SUMMARY_SHEET}'!${col}${row}"
        wb.defined_names[name] = DefinedName(name, attr_text=ref)
    ws.column_dimensions["A"].width = 20
    ws.column_dimensions["B"].width = 90
    for i, line in enumerate(INSTRUCTIONS):
        r = layout.SUMMARY_HELP_FIRST_ROW + i
        cell = ws.cell(r, 1, line)
        cell.font = bold if i == 0 else body
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=2)
        ws.row_dimensions[r].height = row_height([(line, 110)], layout.FONT_SIZE + 1)
    # Printed on one A4 page: landscape, one page wide, page number in the footer.
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.protection.sheet = True
    ws.protection.password = layout.PROTECTION_PASSWORD

    lists = wb.create_sheet(layout.LISTS_SHEET)
    lists.sheet_properties.codeName = "shtLists"
    lists[layout.MARKER_CELL] = layout.VERSION_MARKER
    lists[layout.VERSION_CELL] = layout.LAYOUT_VERSION
    lists[layout.VERSION_CELL].data_type = "s"
    lists[layout.KIND_CELL] = layout.KIND_SUMMARY
    lists.sheet_state = "hidden"
    lists.protection.sheet = True
    lists.protection.password = layout.PROTECTION_PASSWORD
    marker_col = layout.VERSION_CELL.rstrip("0123456789")
    marker_row = layout.VERSION_CELL.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    wb.defined_names[layout.VERSION_NAME] = DefinedName(
        layout.VERSION_NAME, attr_text=f"'{layout.LISTS_SHEET}'!${marker_col}${marker_row}")

    add_conf_sheet(wb, conf)
    wb.active = 0
    return wb


def write_summary_template(out_path: str | Path, conf: Mapping[str, Any] | None = None) -> Path:
    """Build the summary template and write it as a macro-enabled .xlsm (atomic, deterministic)."""
    import tempfile

    from xlsxtools.vba.package import package_xlsm
    from xlsxtools.vba.server import server_url

    out = Path(out_path)
    wb = build_summary_template(conf)
    with tempfile.TemporaryDirectory() as tmp:
        plain = Path(tmp) / "summary.xlsx"
        wb.save(plain)
        package_xlsm(plain, out, "summary", reproducible=True, server=server_url(conf) is not None)
    return out
