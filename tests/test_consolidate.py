"""Consolidation: the bundled samples (with hand-chosen actuals) plus broken files → one summary.

The summary is re-read with python-calamine (values, sheets) and by zip inspection (charts, no
formulas). Expected scores are worked out by hand from the sample text (see the comments).
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import zipfile
from datetime import date
from pathlib import Path

import pytest

from xlsxtools import layout
from xlsxtools.config import Config
from xlsxtools.normalize import parse_number

SAMPLES = Path(__file__).resolve().parent.parent / "xlsxtools" / "data" / "samples"


# ----------------------------------------------------------------------------------------------
# Helpers (also used by test_baseline.py and test_history.py)
# ----------------------------------------------------------------------------------------------


def actual_value(text: str):
    """CSV text → the value a person would type: a number, a date, or text."""
    if not text:
        return None
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        return date.fromisoformat(text)
    num = parse_number(text)
    return float(num) if num is not None else text


def sample_units() -> list[dict]:
    return json.loads((SAMPLES / "demo.json").read_text(encoding="utf-8"))["units"]


def sample_actuals(unit: dict) -> dict[str, tuple[object, str]]:
    with (SAMPLES / unit["actuals"]).open(encoding="utf-8") as fh:
        return {r["三级指标"]: (actual_value(r["实际完成值"]), r["偏差原因分析及改进措施"]) for r in csv.DictReader(fh)}


def write_unit(table, actuals: dict[str, tuple[object, str]], budget, spent, out: Path) -> Path:
    """A unit workbook from the template with actuals (by 三级指标 name) and the budget block."""
    from xlsxtools.workbook.template import build_unit_workbook, package_workbook

    wb = build_unit_workbook(table)
    ws = wb[layout.ACTUALS_SHEET]
    for i, ind in enumerate(table.indicators):
        value, reason = actuals.get(ind.name, (None, ""))
        r = layout.ACTUAL_FIRST_ROW + i
        if value is not None:
            ws[f"{layout.ACTUAL_COL['actual']}{r}"] = value
        if reason:
            ws[f"{layout.ACTUAL_COL['reason']}{r}"] = reason
    ws[f"{layout.BUDGET_COL['budget']}{layout.BUDGET_VALUE_ROW}"] = budget
    ws[f"{layout.BUDGET_COL['spent']}{layout.BUDGET_VALUE_ROW}"] = spent
    out.parent.mkdir(parents=True, exist_ok=True)
    package_workbook(wb, out, layout.KIND_UNIT)
    return out


def sample_table(unit: dict):
    from xlsxtools.importer import import_table

    return import_table(SAMPLES / unit["source"])


def write_samples(folder: Path) -> dict[str, Path]:
    """The three samples as unit workbooks with their demo actuals; source stem → path."""
    out = {}
    for u in sample_units():
        stem = Path(u["source"]).stem
        out[stem] = write_unit(sample_table(u), sample_actuals(u), u["budget"], u["spent"], folder / f"{stem}.xlsx")
    return out


def write_broken(folder: Path) -> None:
    import openpyxl

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "空文件.xlsx").write_bytes(b"")
    (folder / "损坏.xlsx").write_bytes(b"PK\x03\x04" + b"\x00" * 300)
    # An encrypted workbook is an OLE compound file, not a zip.
    (folder / "加密.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
    wb = openpyxl.Workbook()
    wb.active["A1"] = "随便一张表"
    wb.save(folder / "其他表格.xlsx")
    (folder / "~$县政务服务中心.xlsx").write_bytes(b"\x00" * 165)
    (folder / "通知.txt").write_text("请于月底前报送", encoding="utf-8")


def sheet(path: Path, name: str) -> list[list]:
    from python_calamine import CalamineWorkbook

    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name).to_python()


def table_rows(path: Path, name: str) -> tuple[list, list[dict]]:
    """(header, rows as dicts) of a summary table sheet (title row 1, header row 2)."""
    rows = sheet(path, name)
    header = rows[layout.CONS_HEADER_ROW - 1]
    return header, [dict(zip(header, r, strict=False)) for r in rows[layout.CONS_HEADER_ROW:]]


def hashes(folder: Path) -> dict[str, str]:
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def samples_dir(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("units")
    write_samples(d / "乡镇和部门")
    write_broken(d)
    return d


@pytest.fixture(scope="module")
def summary(samples_dir, tmp_path_factory):
    from xlsxtools.consolidate.runner import consolidate

    before = hashes(samples_dir)
    out = tmp_path_factory.mktemp("out") / "汇总.xlsx"
    rep = consolidate([samples_dir], out, jobs=1, config=Config())
    return out, rep, before


# ----------------------------------------------------------------------------------------------
# The summary
# ----------------------------------------------------------------------------------------------


def test_sheets_and_report(summary):
    out, rep, _ = summary
    from python_calamine import CalamineWorkbook

    names = CalamineWorkbook.from_path(str(out)).sheet_names
    for s in (layout.CONS_SUMMARY_SHEET, layout.CONS_DETAIL_SHEET, layout.CONS_FINDINGS_SHEET,
              layout.CONS_MISSING_SHEET, layout.CONS_CHARTS_SHEET, layout.CONS_ABOUT_SHEET):
        assert s in names
    assert layout.CONS_TREND_SHEET not in names  # only with --history
    assert rep.files == 7 and rep.units == 3 and rep.unreadable == 4 and rep.duplicates == 0
    assert sum(rep.skipped.values()) == 2  # the ~$ lock file and the .txt


def test_summary_rows_scores_by_hand(summary):
    out, _, _ = summary
    _, rows = table_rows(out, layout.CONS_SUMMARY_SHEET)
    units = {r["单位名称"]: r for r in rows if r["单位名称"]}
    zw = units["芷江侗族自治县政务服务中心"]
    # By hand from zhengwu_2026.txt and its actuals: 产出 2+2+2+2+2 (RATIO, all met) + 5 (96 ≥ 95)
    # + 5×92/95 = 4.84 + 10 (finished 8 days late, "每推迟10天扣1分": no full step) = 29.84;
    # 效益 15 + 15 (效果明显); 满意度 10 (97 ≥ 95); 成本 20 (405.3 ≤ 419.72) → 89.84.
    # Budget 405.30 / 419.72 = 96.56% → 9.66. Total 99.50 → 优.
    assert zw["产出指标得分"] == pytest.approx(29.84)
    assert zw["效益指标得分"] == pytest.approx(30)
    assert zw["成本指标分值"] == pytest.approx(20) and zw["成本指标得分"] == pytest.approx(20)
    assert zw["指标得分合计"] == pytest.approx(89.84)
    assert zw["全年预算数（万元）"] == pytest.approx(419.72)
    assert zw["预算执行率"] == pytest.approx(405.30 / 419.72, abs=1e-4)
    assert zw["预算执行得分"] == pytest.approx(9.66)
    assert zw["总分"] == pytest.approx(99.5) and zw["等级"] == "优"
    assert zw["状态"] == "正常" and zw["自评完整"] == "是"
    assert zw["文件"].endswith("zhengwu_2026.xlsx")
    assert zw["模板版本"] == int(layout.LAYOUT_VERSION)  # a number, not text with Excel's green mark
    # Sorted by rank; ranked units have strictly consistent ranks.
    ranked = [r for r in rows if isinstance(r["排名"], float)]
    assert ranked and ranked[0]["排名"] == 1
    assert [r["总分"] for r in ranked] == sorted((r["总分"] for r in ranked), reverse=True)
    assert zw["排名"] == 1  # 99.50 is the best of the three
    # Unreadable workbooks are rows too, after the units, with the reason.
    bad = {Path(r["文件"]).name: r for r in rows if r["状态"] == "无法读取"}
    assert set(bad) == {"空文件.xlsx", "损坏.xlsx", "加密.xlsx", "其他表格.xlsx"}
    assert "空" in bad["空文件.xlsx"]["说明"]
    assert "加密" in bad["加密.xlsx"]["说明"]
    # Totals row at the end.
    assert rows[-1]["单位名称"].startswith("合计")
    # Every average and sum of the 合计 row is over the units with a complete self-evaluation
    # (政府办 92.27, 政务服务中心 99.50; 大树岭 is incomplete); (99.50 + 92.27) / 2 = 95.885 → 95.89 half-up.
    total = rows[-1]
    assert "2 个自评完整的单位" in total["单位名称"]
    assert total["全年预算数（万元）"] == pytest.approx(1350.75 + 419.72)
    assert total["总分"] == pytest.approx(95.89)
    assert total["错误数"] == sum(r["错误数"] for r in rows[:-1])  # counts: every workbook
    # 状态 names what is wrong.
    assert units["芷江侗族自治县大树岭乡人民政府"]["状态"] == "不完整、有错误"
    assert units["芷江侗族自治县人民政府办公室"]["状态"] == "有错误"


def test_detail_rows_and_equals_sign_as_text(summary):
    out, _, _ = summary
    _, rows = table_rows(out, layout.CONS_DETAIL_SHEET)
    zw = [r for r in rows if r["单位名称"] == "芷江侗族自治县政务服务中心"]
    assert len(zw) == 12  # zhengwu_2026.txt has 12 indicators
    rate = next(r for r in zw if r["三级指标"] == "政府网站公开信息发布率")
    assert rate["指标值类型"] == "=" and rate["指标值"] == 100 and rate["计量单位"] == "%"  # a number, not text
    qual = next(r for r in zw if r["指标值类型"] == "定性")
    assert isinstance(qual["指标值"], str)
    assert rate["实际完成值"] == 100 and rate["得分"] == 2 and rate["计分规则类型"] == "按完成比例"
    late = next(r for r in zw if r["三级指标"] == "工作完成时间")
    assert late["实际完成值"] == date(2027, 1, 8) and late["得分"] == 10  # a date, shown yyyy-mm-dd
    assert "年终结算" in late["偏差原因分析及改进措施"]
    # "=" is stored as a string cell, never a formula: no <f> element anywhere in the sheets.
    with zipfile.ZipFile(out) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/sheet"):
                assert b"<f>" not in z.read(name), name


def test_findings_sheet(summary):
    out, _, _ = summary
    _, rows = table_rows(out, layout.CONS_FINDINGS_SHEET)
    by_file = {}
    for r in rows:
        by_file.setdefault(Path(r["文件"]).name, []).append(r)
    assert [r["代码"] for r in by_file["空文件.xlsx"]] == ["W004"]
    assert [r["代码"] for r in by_file["损坏.xlsx"]] == ["W004"]
    assert [r["代码"] for r in by_file["其他表格.xlsx"]] == ["W001"]
    # zhengfuban_2026.txt files 经济效益指标 under 产出指标 (H001 or a repair the importer reports).
    zfb = by_file["zhengfuban_2026.xlsx"]
    assert all(r["单位名称"] == "芷江侗族自治县人民政府办公室" for r in zfb)
    assert {r["级别"] for r in zfb} <= {"错误", "警告", "提示"}
    # Findings about a cell name the sheet and the cell.
    located = [r for r in zfb if r["单元格"]]
    assert located and all(r["工作表"] in (layout.TARGETS_SHEET, layout.ACTUALS_SHEET) for r in located)


def test_charts_present(summary):
    out, _, _ = summary
    with zipfile.ZipFile(out) as z:
        charts = sorted(n for n in z.namelist() if n.startswith("xl/charts/chart"))
        assert len(charts) == 3
        xml = b"".join(z.read(c) for c in charts).decode("utf-8")
    assert "等级分布" in xml and "各单位总分" in xml and "各一级指标平均得分" in xml
    # Cached values are present (constant-memory mode cannot compute them).
    assert "<c:v>芷江侗族自治县政务服务中心</c:v>" in xml
    data = sheet(out, layout.CONS_CHARTS_SHEET)
    grades = {r[0]: r[1] for r in data[3:8]}
    assert grades["优"] >= 1


def test_about_sheet(summary, samples_dir):
    out, _, _ = summary
    text = "\n".join(" ".join(str(c) for c in r) for r in sheet(out, layout.CONS_ABOUT_SHEET))
    assert str(samples_dir) in text
    assert Config().expectations.describe() in text
    assert Config().step_mode.label in text
    assert "Excel 临时锁定文件" in text and "1 个" in text


def test_sources_never_modified(summary, samples_dir):
    _, _, before = summary
    assert hashes(samples_dir) == before


# ----------------------------------------------------------------------------------------------
# Roster, duplicates, "=" unit names, determinism, atomic output
# ----------------------------------------------------------------------------------------------


@pytest.fixture()
def units_dir(tmp_path) -> Path:
    d = tmp_path / "units"
    write_samples(d)
    return d


def test_roster_and_duplicates(units_dir, tmp_path):
    import shutil

    from xlsxtools.consolidate.runner import consolidate

    # The same unit submitted twice: an older copy elsewhere; the newest (by mtime) is counted.
    (units_dir / "旧版").mkdir()
    old = units_dir / "旧版" / "zhengwu_old.xlsx"
    shutil.copy(units_dir / "zhengwu_2026.xlsx", old)
    os.utime(old, (1_600_000_000, 1_600_000_000))
    roster = tmp_path / "名册.txt"
    roster.write_text("单位名称\n芷江侗族自治县政务服务中心\n芷江侗族自治县人民政府办公室\n芷江侗族自治县财政局\n",
                      encoding="utf-8")
    out = tmp_path / "s.xlsx"
    rep = consolidate([units_dir], out, roster=roster, jobs=1, config=Config())
    assert rep.units == 3 and rep.duplicates == 1 and rep.missing == 1
    _, rows = table_rows(out, layout.CONS_SUMMARY_SHEET)
    zw = [r for r in rows if r["单位名称"] == "芷江侗族自治县政务服务中心"]
    assert len(zw) == 1 and zw[0]["文件"].endswith("zhengwu_2026.xlsx")  # not double-counted
    _, missing = table_rows(out, layout.CONS_MISSING_SHEET)
    kinds = {(r["类别"], r["单位名称"]) for r in missing}
    assert ("名册中未提交", "芷江侗族自治县财政局") in kinds
    assert ("不在名册中", "芷江侗族自治县大树岭乡人民政府") in kinds
    assert ("重复提交（未计入）", "芷江侗族自治县政务服务中心") in kinds
    _, findings = table_rows(out, layout.CONS_FINDINGS_SHEET)
    codes = {(r["代码"], Path(r["文件"]).name) for r in findings}
    assert ("C001", "zhengwu_old.xlsx") in codes and ("C001", "zhengwu_2026.xlsx") in codes
    assert ("C003", "dashuling_2026.xlsx") in codes
    assert ("C002", "名册.txt") in codes


def test_roster_formats(tmp_path):
    import openpyxl

    from xlsxtools.consolidate.runner import load_roster

    (tmp_path / "a.csv").write_text("单位名称,备注\n县财政局,\n 县教育局 ,x\n", encoding="utf-8")
    assert load_roster(tmp_path / "a.csv") == ["县财政局", "县教育局"]
    (tmp_path / "b.txt").write_bytes("县财政局\r\n\r\n县教育局\r\n".encode("gb18030"))
    assert load_roster(tmp_path / "b.txt") == ["县财政局", "县教育局"]
    wb = openpyxl.Workbook()
    for name in ("单位名称", "县财政局", "县教育局"):
        wb.active.append([name])
    wb.save(tmp_path / "c.xlsx")
    assert load_roster(tmp_path / "c.xlsx") == ["县财政局", "县教育局"]


def test_unit_name_typed_as_formula_stays_text(tmp_path):
    from xlsxtools.consolidate.runner import consolidate

    u = sample_units()[2]
    table = sample_table(u)
    table.unit.name = "=HYPERLINK(\"x\",1)"
    write_unit(table, sample_actuals(u), u["budget"], u["spent"], tmp_path / "in" / "a.xlsx")
    out = tmp_path / "s.xlsx"
    consolidate([tmp_path / "in"], out, jobs=1, config=Config())
    _, rows = table_rows(out, layout.CONS_SUMMARY_SHEET)
    assert rows[0]["单位名称"] == "=HYPERLINK(\"x\",1)"
    with zipfile.ZipFile(out) as z:
        assert b"<f>" not in z.read("xl/worksheets/sheet1.xml")


def test_parallel_equals_serial(units_dir, tmp_path, monkeypatch):
    from xlsxtools.consolidate import runner

    write_broken(units_dir)
    monkeypatch.setattr(runner, "PARALLEL_MIN_FILES", 1)
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    runner.consolidate([units_dir], a, jobs=1, config=Config())
    runner.consolidate([units_dir], b, jobs=2, config=Config())
    for name in (layout.CONS_SUMMARY_SHEET, layout.CONS_DETAIL_SHEET, layout.CONS_FINDINGS_SHEET):
        assert sheet(a, name) == sheet(b, name)


def test_existing_summary_replaced_only_when_complete(units_dir, tmp_path, monkeypatch):
    from xlsxtools.consolidate import runner, summary

    out = tmp_path / "s.xlsx"
    out.write_bytes(b"previous summary")

    def boom(*a, **k):
        raise RuntimeError("crash while writing")

    monkeypatch.setattr(summary, "_write_findings_sheet", boom)
    with pytest.raises(RuntimeError):
        runner.consolidate([units_dir], out, jobs=1, config=Config())
    assert out.read_bytes() == b"previous summary"
    assert [p.name for p in tmp_path.iterdir() if p.is_file()] == ["s.xlsx"]  # no temp file left
    monkeypatch.undo()
    runner.consolidate([units_dir], out, jobs=1, config=Config())
    assert sheet(out, layout.CONS_SUMMARY_SHEET)[0][0] == layout.CONS_TITLE


def test_output_inside_input_folder_is_skipped(units_dir):
    from xlsxtools.consolidate.runner import SKIP_OUTPUT, consolidate

    out = units_dir / "汇总.xlsx"
    consolidate([units_dir], out, jobs=1, config=Config())
    rep = consolidate([units_dir], out, jobs=1, config=Config())
    assert rep.skipped.get(SKIP_OUTPUT) == 1 and rep.units == 3 and rep.unreadable == 0


def test_cli(units_dir, tmp_path):
    from click.testing import CliRunner

    from xlsxtools.cli import cli

    out = tmp_path / "s.xlsx"
    res = CliRunner().invoke(cli, ["consolidate", str(units_dir), "-o", str(out), "-j", "1", "--step-mode", "ceil"])
    assert res.exit_code == 0, res.output
    assert "已汇总 3 个工作簿" in res.output
    text = "\n".join(" ".join(map(str, r)) for r in sheet(out, layout.CONS_ABOUT_SHEET))
    assert "不足一步按一步扣分" in text


def test_checks_with_a_given_score_equal_run_checks(units_dir):
    """Consolidation hands run_checks the score it computed: the findings must not change."""
    from xlsxtools.checks import run_checks
    from xlsxtools.scoring import score_unit
    from xlsxtools.workbook.reader import read_unit_workbook

    cfg = Config()
    codes = set()
    for p in sorted(units_dir.glob("*.xlsx")):
        uw = read_unit_workbook(p)
        given = run_checks(uw.table, uw.actuals, cfg, score=score_unit(uw.table, uw.actuals, cfg))
        assert [f.to_dict() for f in given] == [f.to_dict() for f in run_checks(uw.table, uw.actuals, cfg)]
        codes |= {f.code for f in given}
    assert any(c.startswith("A") for c in codes)  # the actuals check did report from the score


def test_huge_workbook_becomes_a_row(units_dir, tmp_path, monkeypatch):
    from xlsxtools.config import Limits
    from xlsxtools.consolidate import runner

    big = units_dir / "zhengwu_2026.xlsx"
    with big.open("ab") as fh:  # past the 1 MB limit below (trailing bytes after the zip)
        fh.write(b"\0" * (1024 * 1024))
    out = tmp_path / "s.xlsx"
    rep = runner.consolidate([units_dir], out, jobs=1, config=Config(limits=Limits(file_mb=1)))
    assert rep.unreadable >= 1
    _, rows = table_rows(out, layout.CONS_SUMMARY_SHEET)
    row = next(r for r in rows if r["文件"] == str(big))
    assert row["状态"] == "无法读取" and "文件过大" in row["说明"]
