"""Tamper check: a unit that edits its approved targets, points or rules is caught per indicator."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from test_consolidate import sample_actuals, sample_table, sample_units, table_rows, write_unit

from xlsxtools import layout
from xlsxtools.config import Config
from xlsxtools.consolidate.baseline import ApprovedUnit, compare, indicator_fields, read_baseline_file


def _edit_targets(path: Path, edits: dict[str, dict[str, str]]) -> None:
    """Change 目标表 cells of the indicators named in ``edits`` (field key → new text)."""
    import openpyxl

    wb = openpyxl.load_workbook(path)
    ws = wb[layout.TARGETS_SHEET]
    col = layout.TARGET_COL
    done = set()
    for row in range(layout.TARGET_FIRST_ROW, ws.max_row + 1):
        name = ws[f"{col['name']}{row}"].value
        if name in edits:
            for field, value in edits[name].items():
                ws[f"{col[field]}{row}"] = value
            done.add(name)
    assert done == set(edits)
    wb.save(path)


@pytest.fixture(scope="module")
def dirs(tmp_path_factory):
    root = tmp_path_factory.mktemp("tamper")
    units = {Path(u["source"]).stem: u for u in sample_units()}
    approved = root / "approved"
    submitted = root / "submitted"
    submitted.mkdir()
    for stem in ("zhengwu_2026", "zhengfuban_2026"):
        u = units[stem]
        write_unit(sample_table(u), sample_actuals(u), u["budget"], u["spent"], approved / f"{stem}.xlsx")
        shutil.copy(approved / f"{stem}.xlsx", submitted / f"{stem}.xlsx")
    u = units["dashuling_2026"]  # never approved: no baseline
    write_unit(sample_table(u), sample_actuals(u), u["budget"], u["spent"], submitted / "dashuling_2026.xlsx")
    # The unit edits its approved table: a target, a point value and a rule.
    _edit_targets(submitted / "zhengwu_2026.xlsx", {
        "“好差评”评价率": {"target": "90"},
        "设置政务服务窗口数": {"rule_text": "达到计划值得满分4分，否则按实际值/计划值*指标分值计分。"},
        "工作完成时间": {"rule_text": "按计划计划在2026年12月31日前完成得10分，每推迟30天扣1分，扣完为止。"},
    })
    return approved, submitted


def _baseline_file(approved: Path, tmp: Path) -> Path:
    from click.testing import CliRunner

    from xlsxtools.cli import cli

    out = tmp / "基线.json"
    res = CliRunner().invoke(cli, ["baseline", str(approved), "-o", str(out), "-j", "1"])
    assert res.exit_code == 0, res.output
    assert "2 个单位" in res.output
    return out


def test_baseline_file_holds_digests_and_values(dirs, tmp_path):
    approved, _ = dirs
    path = _baseline_file(approved, tmp_path)
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["format"] == "xlsxtools-baseline" and len(doc["units"]) == 2
    zw = next(u for u in doc["units"] if u["unit"] == "芷江侗族自治县政务服务中心")
    assert len(zw["indicators"]) == 12
    first = zw["indicators"][0]
    assert first["name"] == "设置政务服务窗口数" and first["target"] == "98" and first["weight"] == "2"
    assert first["type"] == "≥" and len(first["digest"]) == 20
    base = read_baseline_file(path)
    assert base.get(zw["key"]).digest == zw["digest"]


@pytest.mark.parametrize("as_file", [True, False])
def test_tampered_unit_flagged_per_indicator(dirs, tmp_path, as_file):
    from xlsxtools.consolidate.runner import consolidate

    approved, submitted = dirs
    baseline = _baseline_file(approved, tmp_path) if as_file else approved
    out = tmp_path / "s.xlsx"
    rep = consolidate([submitted], out, baseline=baseline, jobs=1, config=Config())
    assert rep.tampered == 1
    _, rows = table_rows(out, layout.CONS_SUMMARY_SHEET)
    units = {r["单位名称"]: r for r in rows}
    zw = units["芷江侗族自治县政务服务中心"]
    assert zw["核定目标核对"] == "已改动（3 项）"
    # Under the approved targets the unit scores what the untouched sample scores (99.50, by hand
    # in test_consolidate); with its own edits it scores more: 好差评 92 ≥ 90 → 5 (+0.16) and the
    # 窗口数 row now carries 4 points, all earned (+2).
    assert zw["按核定目标总分"] == pytest.approx(99.5)
    assert zw["总分"] == pytest.approx(99.5 + 0.16 + 2)
    assert units["芷江侗族自治县人民政府办公室"]["核定目标核对"] == "一致"
    assert units["芷江侗族自治县大树岭乡人民政府"]["核定目标核对"] == "无核定基线"

    _, findings = table_rows(out, layout.CONS_FINDINGS_SHEET)
    c004 = [r for r in findings if r["代码"] == "C004"]
    assert len(c004) == 3 and all(r["工作表"] == layout.TARGETS_SHEET for r in c004)
    msgs = "\n".join(r["问题说明"] for r in c004)
    assert "指标值由「95」改为「90」" in msgs
    assert "分值由「2」改为「4」" in msgs
    assert "每推迟10天扣1分" in msgs and "每推迟30天扣1分" in msgs
    target_cell = next(r for r in c004 if "好差评" in r["问题说明"])["单元格"]
    assert target_cell.startswith(layout.TARGET_COL["target"])
    c005 = [r for r in findings if r["代码"] == "C005"]
    assert len(c005) == 1 and "大树岭" in c005[0]["单位名称"]


def test_reading_differences_are_not_changes():
    approved = ApprovedUnit("县财政局", "县财政局", "a.xlsx", "", [
        {"key": "办理件数", **indicator_fields({"name": "办理件数", "type": "≥", "target": "50", "unit": "件",
                                              "rule_text": "达到计划值得满分2分，否则按实际值/计划值*指标分值计分。"})}])
    same = indicator_fields({"name": "办理件数 ", "type": "≥", "target": "５０.0", "unit": "件",
                             "rule_text": "达到计划值得满分2分，否则按实际值/计划值*指标分值计分。"})
    assert compare(approved, [{**same, "key": "办理件数"}]) == []


def test_added_and_removed_indicators():
    def row(name: str, target: str) -> dict[str, str]:
        return {"key": name, **indicator_fields({"name": name, "type": "≥", "target": target, "unit": "个",
                                                 "rule_text": "达到计划值得满分2分，否则按实际值/计划值*指标分值计分。"})}

    approved = ApprovedUnit("单位", "单位", "a.xlsx", "", [row("甲", "1"), row("乙", "2")])
    changes = compare(approved, [row("甲", "3"), row("丙", "4")])
    assert [(c.kind, c.name) for c in changes] == [("changed", "甲"), ("added", "丙"), ("removed", "乙")]
    assert changes[0].message() == "指标「甲」与核定版本不一致：指标值由「1」改为「3」"
    assert "删除" in changes[2].message() and "新增" in changes[1].message()


def test_bad_baseline_file(tmp_path):
    from xlsxtools.errors import UserError

    p = tmp_path / "x.json"
    p.write_text("{}", encoding="utf-8")
    with pytest.raises(UserError, match="不是 xlsxtools 核定基线文件"):
        read_baseline_file(p)
