"""``xlsxtools upgrade``: move a unit workbook of an earlier layout version into the current template.

The earlier versions in ``layout.UPGRADABLE_VERSIONS`` have a subset of the current sheets at
the same places (version 2 only added 运行监控 and three lists), so every cell value of the old
workbook is copied to the same cell of a freshly built template whose grid is as long as the old
one: inputs, the header and footer, the 检查结果 rows and their hidden mark columns, the paste
area of 导入, notes and the fills a check left. Formula cells keep the template's formulas (they
are the same links). The hidden lists sheet and the VBA project come new from the current
template (that is what brings the new sheet's dropdowns and buttons); the interpreter settings of
the old xlwings.conf sheet are kept. The result is written atomically; the input is only read.
"""

from __future__ import annotations

from copy import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xlsxtools import layout
from xlsxtools.errors import NotATemplateWorkbook, UserError
from xlsxtools.normalize import clean

#: Sheets rebuilt from the current template rather than copied.
REBUILT = (layout.LISTS_SHEET, layout.XLWINGS_CONF_SHEET)


@dataclass(frozen=True)
class UpgradeResult:
    output: Path
    from_version: str
    to_version: str
    grid_rows: int
    cells: int


def _version(wb: Any, file: str) -> str:
    from xlsxtools.workbook.dropdowns import unit_workbook_version

    version = unit_workbook_version(wb, file, "请用 xlsxtools import 把旧表导入模板")
    ws = wb[layout.LISTS_SHEET]
    if version == layout.LAYOUT_VERSION:
        raise UserError(f"工作簿已经是当前模板版本 {version}，不需要升级", file=file)
    if version not in layout.UPGRADABLE_VERSIONS:
        raise UserError(f"无法升级模板版本 {version or '未知'} 的工作簿（可升级：{'、'.join(layout.UPGRADABLE_VERSIONS)}）",
                        file=file, sheet=ws.title, cell=layout.VERSION_CELL, hint="请用当前模板重新导入（xlsxtools import）")
    return version


def _conf(wb: Any) -> dict[str, Any]:
    """The interpreter settings of the old xlwings.conf sheet (key → value)."""
    if layout.XLWINGS_CONF_SHEET not in wb.sheetnames:
        return {}
    out = {}
    for k, v in wb[layout.XLWINGS_CONF_SHEET].iter_rows(min_col=1, max_col=2, values_only=True):
        if clean(k):
            out[clean(k)] = v
    return out


def _copy_sheet(old: Any, new: Any) -> int:
    from openpyxl.cell.cell import MergedCell

    from xlsxtools.workbook.edit import write_value

    n = 0
    for row in old.iter_rows():
        for cell in row:
            if isinstance(cell, MergedCell):
                continue
            target = new.cell(cell.row, cell.column)
            if isinstance(target, MergedCell):
                continue
            if cell.value is not None:
                if cell.data_type == "f" or (isinstance(cell.value, str) and cell.data_type != "s"
                                             and cell.value.startswith("=")):
                    if target.value is None:  # a formula the template does not have there: keep it
                        target.value = cell.value
                else:
                    write_value(target, cell.value)
                    if cell.number_format != target.number_format and cell.is_date:
                        target.number_format = cell.number_format
                n += 1
            if cell.comment is not None:
                target.comment = copy(cell.comment)
            if cell.fill is not None and cell.fill.fill_type == "solid" and cell.fill != target.fill:
                target.fill = copy(cell.fill)
    for r, dim in old.row_dimensions.items():
        if dim.height is not None:
            new.row_dimensions[r].height = dim.height
    for letter, dim in old.column_dimensions.items():
        if dim.width and old.column_dimensions[letter].customWidth:
            new.column_dimensions[letter].width = dim.width
        if dim.hidden:
            new.column_dimensions[letter].hidden = True
    return n


def upgrade_workbook(src: str | Path, out: str | Path) -> UpgradeResult:
    """Write ``src`` (an earlier layout version) as a workbook of the current template to ``out``."""
    from xlsxtools.validation import target_grid_rows
    from xlsxtools.workbook.dropdowns import add_dropdowns, sheet_values
    from xlsxtools.workbook.edit import open_workbook
    from xlsxtools.workbook.template import build_unit_workbook, package_workbook

    src, out = Path(src), Path(out)
    if out.exists() and src.exists() and out.resolve() == src.resolve():
        raise UserError("输出文件与原文件相同：升级结果请写到新文件（-o）", file=str(src))
    if out.suffix.lower() not in (".xlsm", ".xlsx"):
        raise UserError("输出文件应以 .xlsm（带按钮）或 .xlsx 结尾", file=str(out))
    old = open_workbook(src)
    version = _version(old, str(src))
    if layout.TARGETS_SHEET not in old.sheetnames:
        raise NotATemplateWorkbook(f"不是完整的单位工作簿：缺少工作表「{layout.TARGETS_SHEET}」", file=str(src))
    grid_rows = target_grid_rows(sheet_values(old[layout.TARGETS_SHEET]))
    new = build_unit_workbook(None, grid_rows)
    cells = 0
    from openpyxl.workbook.protection import WorkbookProtection

    for ws in old.worksheets:
        if ws.title in REBUILT:
            continue
        if ws.title not in new.sheetnames:  # a sheet the unit added: kept as it was
            new.security = WorkbookProtection(lockStructure=False)
            target = new.create_sheet(ws.title)
            new.security = WorkbookProtection(workbookPassword=layout.PROTECTION_PASSWORD, lockStructure=True)
        else:
            target = new[ws.title]
        cells += _copy_sheet(ws, target)
    add_dropdowns(new, str(src))
    package_workbook(new, out, layout.KIND_UNIT, _conf(old))
    return UpgradeResult(out, version, layout.LAYOUT_VERSION, grid_rows, cells)
