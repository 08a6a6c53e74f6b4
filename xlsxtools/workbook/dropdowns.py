"""The dropdowns operation: (re)apply every data validation of a unit workbook (openpyxl edge).

The pure core (``xlsxtools.validation``) computes the plan from the current extent of the grids;
this module applies it to an openpyxl workbook, refreshes the hidden lists sheet and its defined
names, and writes the result atomically. Everything else in the workbook (values, formats,
protection, VBA) is kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from copy import copy
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xlsxtools import layout
from xlsxtools.errors import LayoutVersionMismatch, NotATemplateWorkbook, UserError
from xlsxtools.normalize import clean
from xlsxtools.validation import (
    ValidationSpec,
    actual_choices_for_rules,
    actual_grid_rows,
    grid_column,
    plan_validations,
    target_grid_rows,
)

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

#: Sheets whose data validations belong to the plan (and are replaced when it is re-applied).
MANAGED_SHEETS = (layout.TARGETS_SHEET, layout.ACTUALS_SHEET, layout.MONITOR_SHEET)


# ---------------------------------------------------------------------------------------------
# Applying a plan
# ---------------------------------------------------------------------------------------------


def apply_validations(wb: Workbook, specs: Iterable[ValidationSpec], *, replace: bool = True) -> None:
    """Add every ``spec`` as a data validation; with ``replace`` first drop the existing
    validations of each sheet the plan covers (so re-applying never piles up duplicates)."""
    from openpyxl.worksheet.datavalidation import DataValidation

    specs = list(specs)
    if replace:
        for name in dict.fromkeys(s.sheet for s in specs):
            wb[name].data_validations.dataValidation = []
    for s in specs:
        dv = DataValidation(
            type=None if s.type == "any" else s.type,
            formula1=s.formula1,
            formula2=s.formula2,
            operator=s.operator,
            allow_blank=s.allow_blank,
            showInputMessage=bool(s.prompt),
            showErrorMessage=s.type != "any",
            promptTitle=s.prompt_title or None,
            prompt=s.prompt or None,
            errorTitle=s.error_title or None,
            error=s.error or None,
            errorStyle=None if s.error_style == "stop" else s.error_style,
            sqref=s.sqref,
        )
        wb[s.sheet].add_data_validation(dv)


# ---------------------------------------------------------------------------------------------
# Lists sheet and defined names
# ---------------------------------------------------------------------------------------------


def _absolute_ref(sheet: str, col: str, first: int, last: int) -> str:
    from openpyxl.utils import quote_sheetname

    if first == last:
        return f"{quote_sheetname(sheet)}!${col}${first}"
    return f"{quote_sheetname(sheet)}!${col}${first}:${col}${last}"


def _set_name(wb: Workbook, name: str, ref: str) -> None:
    from openpyxl.workbook.defined_name import DefinedName

    if name in wb.defined_names:
        del wb.defined_names[name]
    wb.defined_names[name] = DefinedName(name, attr_text=ref)


def write_lists_sheet(wb: Workbook, kind: str = layout.KIND_UNIT) -> Worksheet:
    """Create or refresh the hidden lists sheet: marker/version/kind, every named list in its own
    column (title in the row above ``LISTS_FIRST_ROW``) and a workbook defined name per list, plus
    ``layout.VERSION_NAME`` on the version cell. Stale ``xt_`` names are removed."""
    from openpyxl.styles import Font

    if layout.LISTS_SHEET in wb.sheetnames:
        ws = wb[layout.LISTS_SHEET]
        for row in ws.iter_rows():
            for cell in row:
                cell.value = None
    else:
        ws = wb.create_sheet(layout.LISTS_SHEET)
    font = Font(name=layout.FONT_BODY, size=layout.FONT_SIZE)
    for ref, value in ((layout.MARKER_CELL, layout.VERSION_MARKER), (layout.VERSION_CELL, layout.LAYOUT_VERSION),
                       (layout.KIND_CELL, kind)):
        ws[ref] = value
        ws[ref].data_type = "s"
        ws[ref].font = font

    prefix = layout.NAME_LEVEL1.split("_")[0] + "_"  # "xt_"
    for name in [n for n in wb.defined_names if n.startswith(prefix)]:
        del wb.defined_names[name]
    for i, nl in enumerate(layout.named_lists(), start=1):
        col = layout.col_letter(i)
        title = ws[f"{col}{layout.LISTS_FIRST_ROW - 1}"]
        title.value = nl.title
        title.font = Font(name=layout.FONT_TITLE, size=layout.FONT_SIZE)
        for j, v in enumerate(nl.values):
            c = ws[f"{col}{layout.LISTS_FIRST_ROW + j}"]
            c.value = v
            c.data_type = "s"  # "=" is a list value: text, never a formula
            c.font = font
        ws.column_dimensions[col].width = 16
        last = layout.LISTS_FIRST_ROW + len(nl.values) - 1
        _set_name(wb, nl.name, _absolute_ref(ws.title, col, layout.LISTS_FIRST_ROW, last))
    vcol = "".join(ch for ch in layout.VERSION_CELL if ch.isalpha())
    vrow = int("".join(ch for ch in layout.VERSION_CELL if ch.isdigit()))
    _set_name(wb, layout.VERSION_NAME, _absolute_ref(ws.title, vcol, vrow, vrow))
    ws.sheet_state = "hidden"
    return ws


# ---------------------------------------------------------------------------------------------
# Recognising a unit workbook and measuring its grids
# ---------------------------------------------------------------------------------------------


def upgrade_hint(version: str | None, file: str | None = None) -> str:
    """What to do with a workbook of another layout version (``xlsxtools upgrade`` for the
    versions it can move into the current template)."""
    if version in layout.UPGRADABLE_VERSIONS:
        return f"请运行 xlsxtools upgrade {file or '文件'} -o 新文件.xlsm 升级到当前模板（数据全部保留）"
    return "请用当前模板重新导入（xlsxtools import）"


def unit_workbook_version(wb: Workbook, file: str | None, hint: str) -> str:
    """The layout version of a unit workbook made from the template (any version); raises
    NotATemplateWorkbook, naming the cell, for anything else."""
    if layout.LISTS_SHEET not in wb.sheetnames:
        raise NotATemplateWorkbook(f"不是由模板生成的单位工作簿：缺少隐藏的「{layout.LISTS_SHEET}」表",
                                   file=file, hint=hint)
    ws = wb[layout.LISTS_SHEET]
    if clean(ws[layout.MARKER_CELL].value) != layout.VERSION_MARKER:
        raise NotATemplateWorkbook("不是由模板生成的单位工作簿：没有模板标记", file=file, sheet=ws.title,
                                   cell=layout.MARKER_CELL, hint=hint)
    kind = clean(ws[layout.KIND_CELL].value)
    if kind != layout.KIND_UNIT:
        raise NotATemplateWorkbook(f"这是「{kind or '未知'}」类工作簿，不是单位工作簿", file=file, sheet=ws.title,
                                   cell=layout.KIND_CELL)
    return clean(ws[layout.VERSION_CELL].value)


def check_unit_workbook(wb: Workbook, file: str | None = None) -> None:
    """Raise NotATemplateWorkbook / LayoutVersionMismatch unless ``wb`` is a unit workbook of the
    current layout (marker, version and kind cells of the lists sheet, and the two grid sheets)."""
    hint = "请用 xlsxtools template build 生成的模板，或用 xlsxtools import 把旧表导入模板"
    version = unit_workbook_version(wb, file, hint)
    ws = wb[layout.LISTS_SHEET]
    if version != layout.LAYOUT_VERSION:
        raise LayoutVersionMismatch(
            f"工作簿来自模板版本 {version or '未知'}，当前版本为 {layout.LAYOUT_VERSION}", file=file, sheet=ws.title,
            cell=layout.VERSION_CELL, hint=upgrade_hint(version, file))
    for name in MANAGED_SHEETS:
        if name not in wb.sheetnames:
            raise NotATemplateWorkbook(f"不是完整的单位工作簿：缺少工作表「{name}」", file=file, hint=hint)


def sheet_values(ws: Worksheet) -> list[list[Any]]:
    """Cell values of a sheet from A1 (formulas as their text)."""
    return [list(r) for r in ws.iter_rows(min_row=1, max_row=ws.max_row, max_col=max(ws.max_column, 1),
                                          values_only=True)]


@dataclass(frozen=True)
class DropdownsResult:
    grid_rows: int
    actual_rows: int
    specs: tuple[ValidationSpec, ...]

    @property
    def grid_range(self) -> str:
        first = layout.TARGET_FIRST_ROW
        return f"{first}–{first + self.grid_rows - 1}"


def _ensure_input_cells(ws: Worksheet, columns: Sequence[layout.Column], first: int, rows: int) -> None:
    """Input cells of the grid rows are unlocked; rows without any style (added after the build,
    e.g. by a program) take the style of the grid's first row."""
    from openpyxl.styles import Protection

    for i, c in enumerate(columns, start=1):
        letter = layout.col_letter(i)
        model = ws[f"{letter}{first}"]
        for r in range(first, first + rows):
            cell = ws[f"{letter}{r}"]
            if not cell.has_style and model.has_style:
                cell._style = copy(model._style)
            if c.input and cell.protection.locked:
                cell.protection = Protection(locked=False)


def add_dropdowns(wb: Workbook, file: str | None = None) -> DropdownsResult:
    """Re-apply the whole validation plan to the current extent of the grids of ``wb``.

    Refreshes the lists sheet and its names, replaces every validation on 目标表 and 实际完成
    (rows users inserted included), and makes sure input cells in those rows are unlocked.
    """
    check_unit_workbook(wb, file)
    targets = sheet_values(wb[layout.TARGETS_SHEET])
    grid_rows = target_grid_rows(targets)
    actual_rows = actual_grid_rows(sheet_values(wb[layout.ACTUALS_SHEET]), grid_rows)
    choices = actual_choices_for_rules(grid_column(targets, "rule_text", grid_rows))
    specs = plan_validations(grid_rows, actual_rows=actual_rows, actual_choices=choices)
    lists_state = wb[layout.LISTS_SHEET].sheet_state
    write_lists_sheet(wb)
    if lists_state == "veryHidden":
        wb[layout.LISTS_SHEET].sheet_state = lists_state
    apply_validations(wb, specs)
    _ensure_input_cells(wb[layout.TARGETS_SHEET], layout.TARGET_COLUMNS, layout.TARGET_FIRST_ROW, grid_rows)
    _ensure_input_cells(wb[layout.ACTUALS_SHEET], layout.ACTUAL_COLUMNS, layout.ACTUAL_FIRST_ROW, actual_rows)
    _ensure_input_cells(wb[layout.MONITOR_SHEET], layout.MONITOR_COLUMNS, layout.MONITOR_FIRST_ROW, actual_rows)
    return DropdownsResult(grid_rows, actual_rows, tuple(specs))


# ---------------------------------------------------------------------------------------------
# File operation
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DropdownsOutcome:
    output: Path
    backup: Path | None
    result: DropdownsResult


def refresh_dropdowns(src: str | Path, out: str | Path | None = None, *, in_place: bool = False) -> DropdownsOutcome:
    """``xlsxtools dropdowns``: re-apply every validation of ``src`` and write ``out``.

    With ``in_place`` the source is replaced (after copying it to a backup beside it);
    otherwise ``out`` is required and the source is left untouched.
    """
    import shutil

    from xlsxtools.atomic import backup_path
    from xlsxtools.workbook.edit import open_workbook, save_workbook

    src = Path(src)
    if in_place and out is not None:
        raise UserError("-o 与 --in-place 只能选一个")
    if not in_place and out is None:
        raise UserError("请用 -o 指定输出文件，或用 --in-place 直接修改原文件（会先备份）")
    target = src if in_place else Path(out)  # type: ignore[arg-type]
    wb = open_workbook(src)  # first: the preflight names a missing file, a FIFO or a symlink loop
    if not in_place and target.resolve() == src.resolve():
        raise UserError("输出文件与原文件相同；如要直接修改原文件，请用 --in-place", file=str(src))
    if not in_place and target.suffix.lower() != src.suffix.lower():
        raise UserError(f"输出文件的扩展名应与原文件相同（{src.suffix}）", file=str(target))
    result = add_dropdowns(wb, str(src))
    backup = None
    if in_place:
        backup = backup_path(src)
        shutil.copy2(src, backup)
    save_workbook(wb, target, kind=layout.KIND_UNIT)
    return DropdownsOutcome(target, backup, result)
