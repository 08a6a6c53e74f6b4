"""``xlsxtools upgrade``: a workbook of layout version 1 moved into the current template, nothing lost.

tests/data/layout_v1_zhengwu.xlsm was made with the version-1 code (commit b044b73): the 政务服务中心
sample imported, its actuals filled, scored, checked with annotations (fills, notes, the 检查结果
rows and their hidden mark columns) and two cells typed on 导入.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from xlsxtools import layout
from xlsxtools.errors import UserError
from xlsxtools.workbook.reader import read_unit_workbook
from xlsxtools.workbook.upgrade import upgrade_workbook

OLD = Path(__file__).parent / "data" / "layout_v1_zhengwu.xlsm"


@pytest.fixture(scope="module")
def upgraded(tmp_path_factory) -> Path:
    src = tmp_path_factory.mktemp("up") / "政务服务中心.xlsm"
    shutil.copy2(OLD, src)
    out = src.with_name("政务服务中心-新.xlsm")
    res = upgrade_workbook(src, out)
    assert (res.from_version, res.to_version) == ("1", layout.LAYOUT_VERSION)
    assert src.read_bytes() == OLD.read_bytes()  # the input is only read
    return out


def test_the_old_workbook_is_version_1_and_told_how_to_upgrade():
    uw = read_unit_workbook(OLD)
    assert uw.layout_version == "1" and uw.monitoring is None
    w002 = [f for f in uw.findings if f.code == "W002"]
    assert len(w002) == 1 and "xlsxtools upgrade layout_v1_zhengwu.xlsm -o" in w002[0].message


def test_every_cell_value_survives(upgraded):
    old = openpyxl.load_workbook(OLD, keep_vba=True)
    new = openpyxl.load_workbook(upgraded, keep_vba=True)
    assert new[layout.LISTS_SHEET][layout.VERSION_CELL].value == layout.LAYOUT_VERSION
    compared = 0
    for ws in old.worksheets:
        if ws.title in (layout.LISTS_SHEET, layout.XLWINGS_CONF_SHEET):
            continue
        nw = new[ws.title]
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is None:
                    continue
                got = nw[cell.coordinate]
                assert got.value == cell.value, (ws.title, cell.coordinate, cell.value, got.value)
                assert (got.data_type == "s") == (cell.data_type == "s"), (ws.title, cell.coordinate)
                if cell.comment is not None:
                    assert got.comment is not None and got.comment.text == cell.comment.text
                compared += 1
    # 目标表 12 indicators × 9 columns alone is 108 values; the whole book has far more
    assert compared > 400
    # the list columns of version 1 are unchanged, the new ones follow
    for r in old[layout.LISTS_SHEET].iter_rows(min_row=2):
        for cell in r:
            if cell.value is not None:
                assert new[layout.LISTS_SHEET][cell.coordinate].value == cell.value
    assert "xt_periods" in new.defined_names and "xt_likelihoods" in new.defined_names


def test_fills_notes_and_the_report_marks_survive(upgraded):
    old = openpyxl.load_workbook(OLD)
    new = openpyxl.load_workbook(upgraded)
    marked = [(c.coordinate, c.fill.fgColor.rgb) for r in old[layout.TARGETS_SHEET].iter_rows() for c in r
              if c.fill.fill_type == "solid" and c.comment is not None]
    assert {"B10", "B11"} <= {ref for ref, _ in marked}  # the two rates under 数量指标 (V006)
    for ref, rgb in marked:
        assert new[layout.TARGETS_SHEET][ref].fill.fgColor.rgb == rgb


def test_the_upgraded_workbook_reads_the_same_and_has_the_monitoring_sheet(upgraded):
    old, new = read_unit_workbook(OLD), read_unit_workbook(upgraded)
    assert new.layout_version == layout.LAYOUT_VERSION and not [f for f in new.findings if f.code == "W002"]
    assert new.table.to_dict()["unit"] == old.table.to_dict()["unit"]
    assert [i.to_dict() for i in new.table.indicators] == [i.to_dict() for i in old.table.indicators]
    assert [(e.value, e.reason) for e in new.actuals.entries] == [(e.value, e.reason) for e in old.actuals.entries]
    assert (new.actuals.budget, new.actuals.spent) == (419.72, 405.3)
    assert new.monitoring is not None and [r.name for r in new.monitoring.rows][:2] == ["设置政务服务窗口数", "办理业务数"]
    wb = openpyxl.load_workbook(upgraded, keep_vba=True)
    assert wb.sheetnames[:6] == ["目标表", "实际完成", "运行监控", "检查结果", "导入", "下拉列表"]
    assert wb.vba_archive is not None  # buttons come from the current template
    sqrefs = {str(dv.sqref): dv.formula1 for dv in wb[layout.MONITOR_SHEET].data_validations.dataValidation}
    assert sqrefs["J7:J36"] == "xt_likelihoods" and sqrefs["A4"] == "xt_periods"


def test_upgrade_refuses_current_and_foreign_workbooks(tmp_path, upgraded):
    with pytest.raises(UserError, match="已经是当前模板版本"):
        upgrade_workbook(upgraded, tmp_path / "again.xlsm")
    plain = tmp_path / "plain.xlsx"
    openpyxl.Workbook().save(plain)
    with pytest.raises(UserError, match="不是由模板生成的单位工作簿"):
        upgrade_workbook(plain, tmp_path / "x.xlsm")


def test_upgrade_command(tmp_path):
    from xlsxtools.cli import cli

    src = tmp_path / "旧.xlsm"
    shutil.copy2(OLD, src)
    res = CliRunner().invoke(cli, ["upgrade", str(src), "-o", str(tmp_path / "新.xlsm")])
    assert res.exit_code == 0, res.output
    assert "模板版本 1" in res.output and "模板版本 2" in res.output
    assert read_unit_workbook(tmp_path / "新.xlsm").layout_version == "2"
    res = CliRunner().invoke(cli, ["upgrade", "--help"])
    assert "-o, --output" in res.output and "数据全部保留" in res.output
