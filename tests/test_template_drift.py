"""The committed templates in workbook_templates/ must equal a fresh build, by content.

Compared: sheet names/states/order, every cell (value, type, style that matters), merged cells,
data validations, protection (sheets and structure), defined names, freeze panes, print setup,
column widths and row heights, and every binary part (VBA project, ribbon) byte for byte.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest

from xlsxtools import layout
from xlsxtools.workbook.template import build_templates

REPO = Path(__file__).resolve().parents[1]
COMMITTED = REPO / "workbook_templates"
FIX = "模板与代码不一致：请运行 `xlsxtools template build` 重新生成 workbook_templates/ 并提交。"


def _style(cell: Any) -> tuple:
    f, a, p, b = cell.font, cell.alignment, cell.protection, cell.border
    return (f.name, f.sz, f.b, cell.fill.fgColor.rgb if cell.fill.fill_type else None, cell.number_format,
            a.horizontal, a.vertical, a.wrap_text, p.locked, p.hidden,
            *(side.style if side is not None else None for side in (b.left, b.right, b.top, b.bottom)))


def _dv(dv: Any) -> tuple:
    return (str(dv.sqref), dv.type, dv.formula1, dv.formula2, dv.operator, dv.allow_blank, dv.showInputMessage,
            dv.showErrorMessage, dv.promptTitle, dv.prompt, dv.errorTitle, dv.error, dv.errorStyle)


def workbook_content(path: Path) -> dict[str, Any]:
    """Everything meaningful in a workbook, as comparable plain data."""
    import openpyxl

    wb = openpyxl.load_workbook(path, keep_vba=path.suffix.lower() == ".xlsm")
    out: dict[str, Any] = {
        "sheets": [(ws.title, ws.sheet_state) for ws in wb.worksheets],
        "names": sorted((n, d.attr_text) for n, d in wb.defined_names.items()),
        "structure": (wb.security.lockStructure, wb.security.workbookPassword) if wb.security else None,
    }
    for ws in wb.worksheets:
        prot = ws.protection
        out[ws.title] = {
            "cells": {c.coordinate: (c.value, c.data_type, _style(c))
                      for row in ws.iter_rows() for c in row if c.value is not None or c.has_style},
            "merged": sorted(str(r) for r in ws.merged_cells.ranges),
            "validations": sorted(_dv(dv) for dv in ws.data_validations.dataValidation),
            "protection": {k: getattr(prot, k) for k in (
                "sheet", "password", "formatCells", "formatRows", "formatColumns", "insertRows", "insertColumns",
                "deleteRows", "deleteColumns", "sort", "autoFilter", "objects", "scenarios")},
            "freeze": ws.freeze_panes,
            "print": (ws.print_area, ws.print_title_rows, ws.page_setup.orientation, ws.page_setup.paperSize,
                      ws.page_setup.fitToWidth, ws.page_setup.fitToHeight),
            "widths": {k: d.width for k, d in ws.column_dimensions.items()},
            "heights": {k: d.height for k, d in ws.row_dimensions.items() if d.height is not None},
        }
    with zipfile.ZipFile(path) as z:
        out["parts"] = sorted(z.namelist())
        out["binary"] = {n: z.read(n) for n in z.namelist() if not n.endswith((".xml", ".rels"))}
        out["customUI"] = {n: z.read(n) for n in z.namelist() if n.lower().startswith("customui")}
    return out


@pytest.fixture(scope="module")
def fresh(tmp_path_factory) -> list[Path]:
    return build_templates(tmp_path_factory.mktemp("fresh"))


def test_every_template_is_committed(fresh: list[Path]):
    missing = [p.name for p in fresh if not (COMMITTED / p.name).is_file()]
    assert not missing, f"workbook_templates/ 缺少 {missing}。{FIX}"
    assert layout.UNIT_TEMPLATE_FILE in [p.name for p in fresh]


def test_committed_templates_match_a_fresh_build(fresh: list[Path]):
    for new in fresh:
        old = COMMITTED / new.name
        if not old.is_file():
            pytest.fail(f"workbook_templates/{new.name} 不存在。{FIX}")
        a, b = workbook_content(old), workbook_content(new)
        for part in sorted(set(a) | set(b)):
            if a.get(part) != b.get(part):
                detail = ""
                if isinstance(a.get(part), dict) and isinstance(b.get(part), dict):
                    for k in sorted(set(a[part]) | set(b[part]), key=str):
                        if a[part].get(k) != b[part].get(k):
                            detail = f"（第一处不同：{k}）"
                            break
                pytest.fail(f"{new.name}：「{part}」不同{detail}。{FIX}")


def test_content_comparison_notices_a_change(fresh: list[Path], tmp_path: Path):
    """The drift check is not blind: a changed validation, title or lock is caught."""
    import openpyxl

    src = fresh[0]
    wb = openpyxl.load_workbook(src, keep_vba=True)
    wb[layout.TARGETS_SHEET].data_validations.dataValidation[0].formula1 = "xt_types"
    wb.save(tmp_path / "changed.xlsm")
    assert workbook_content(tmp_path / "changed.xlsm")[layout.TARGETS_SHEET]["validations"] != \
        workbook_content(src)[layout.TARGETS_SHEET]["validations"]
    wb = openpyxl.load_workbook(src, keep_vba=True)
    wb[layout.ACTUALS_SHEET].protection.sheet = False
    wb.save(tmp_path / "unlocked.xlsm")
    assert workbook_content(tmp_path / "unlocked.xlsm")[layout.ACTUALS_SHEET]["protection"] != \
        workbook_content(src)[layout.ACTUALS_SHEET]["protection"]
    # ...while an unchanged re-save compares equal
    openpyxl.load_workbook(src, keep_vba=True).save(tmp_path / "same.xlsm")
    a, b = workbook_content(tmp_path / "same.xlsm"), workbook_content(src)
    assert {k: v for k, v in a.items() if k != "parts"} == {k: v for k, v in b.items() if k != "parts"}
