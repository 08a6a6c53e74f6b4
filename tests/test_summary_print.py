"""The summary as people see it: page plans, row heights, states, the 合计 row's rounding, and
every sheet rendered to PDF by LibreOffice and read back."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import libreoffice
import pytest
from test_consolidate import write_broken, write_samples

from xlsxtools import layout
from xlsxtools.config import Config
from xlsxtools.consolidate.records import FindingRow, UnitResult
from xlsxtools.consolidate.state import mean, round_half_up, state_text
from xlsxtools.consolidate.summary import column_points, print_layout, target_value
from xlsxtools.textwidth import line_count, row_height, text_width


def test_text_width_counts_cjk_as_two():
    assert text_width("abc") == 3
    assert text_width("单位abc") == 7
    assert text_width("ＡＢ") == 4  # full-width Latin is wide too
    assert text_width("第一行\nab") == 6  # the longest line


def test_line_count_and_row_height():
    # 13 CJK characters = 26 units; a 28-wide column holds 27 units a line, a 14-wide one 13.
    name = "芷江侗族自治县政务服务中心"
    assert line_count(name, 28) == 1 and line_count(name, 14) == 2
    assert line_count("a\nb\nc", 40) == 3
    assert row_height([(name, 28)]) == pytest.approx(16.5)  # 10 pt × 1.35 + 3
    assert row_height([(name, 14), ("x", 5)]) == pytest.approx(30.0)


def test_print_layout_fits_or_breaks_between_groups():
    # 40 units ≈ 273.75 pt: fits 500 pt at 100% → fit to the page width (scale 0 = fit).
    assert print_layout([20, 20], 500) == (0, [])
    # Ten 30-unit columns ≈ 2,062 pt: at 80% a page holds 980 pt (4 columns of 206.25 pt);
    # break at the group boundaries 3 and 6 rather than after column 4.
    assert column_points(30) == pytest.approx(206.25)
    scale, breaks = print_layout([30] * 10, 784, groups=[3, 6, 9])
    assert scale == 80 and breaks == [3, 6, 9]
    # No group boundary on a page: break where the page is full (column A repeats on each page).
    assert print_layout([30] * 10, 784) == (80, [4, 7])


def test_half_up_means_like_every_score():
    assert mean([91.04, 91.05]) == 91.05  # 91.045 → 91.05 (binary floats would give 91.04)
    assert mean([99.5, 92.27]) == 95.89
    assert mean([None, 80.0]) == 80.0 and mean([None]) is None
    assert round_half_up(2.675) == 2.68  # float 2.675 is 2.67499…; its text is 2.675


def _finding(code: str, severity: str) -> FindingRow:
    return FindingRow("f.xlsx", None, None, None, code, severity, "")


def test_state_names_what_is_wrong():
    ok = UnitResult(path="a.xlsx", unit_name="甲", complete=True, total=95.0)
    assert state_text(ok) == "正常"
    assert state_text(UnitResult(path="b.xlsx", status="unreadable")) == "无法读取"
    bad = UnitResult(path="c.xlsx", unit_name="乙", complete=False, total=80.0, errors=3, tamper="已改动（2 项）",
                     extra_findings=[_finding("C004", "error"), _finding("C004", "error"), _finding("C003", "warning")])
    assert state_text(bad) == "不完整、目标被改动、有错误、未通过检查"
    # Errors that are only the tamper check's own C004 do not make 有错误.
    only_c004 = UnitResult(path="d.xlsx", unit_name="丙", complete=True, total=90.0, errors=1, tamper="已改动（1 项）",
                           extra_findings=[_finding("C004", "error")])
    assert state_text(only_c004) == "目标被改动"


def test_targets_are_numbers_where_numeric():
    assert target_value("≥", "450") == 450 and isinstance(target_value("≥", "450"), int)
    assert target_value("≤", "419.72") == pytest.approx(419.72)
    assert target_value("=", "１００") == 100  # full-width digits read as a person would
    assert target_value("≥", "95%") == "95%"  # the % would be lost: kept as typed
    assert target_value("定性", "2026年12月31日前") == "2026年12月31日前"
    assert target_value("≥", "若干") == "若干"


# ----------------------------------------------------------------------------------------------
# Rendered by LibreOffice
# ----------------------------------------------------------------------------------------------


def pdf_text(pdf: Path) -> list[str]:
    """The text of each page of ``pdf`` (poppler's pdftotext)."""
    if shutil.which("pdftotext") is None:
        libreoffice.require_tool("pdftotext (poppler-utils)")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True, timeout=120).stdout
    return text.split("\f")[:-1]


def page_ink(pdf: Path, out_dir: Path) -> list[float]:
    """Share of dark pixels on each page of ``pdf`` (pdftoppm, greyscale, 20 dpi)."""
    if shutil.which("pdftoppm") is None:
        libreoffice.require_tool("pdftoppm (poppler-utils)")
    out_dir.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-gray", "-r", "20", str(pdf), str(out_dir / "p")], check=True, timeout=120)
    shares = []
    for f in sorted(out_dir.glob("p-*.pgm")):
        data = f.read_bytes()
        # P5 header: magic, width, height, maxval, then one byte per pixel
        head = data.split(maxsplit=4)
        pixels = head[4][-int(head[1]) * int(head[2]):]
        shares.append(sum(1 for b in pixels if b < 128) / len(pixels))
    return shares


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    from xlsxtools.consolidate.runner import consolidate

    libreoffice.require()
    d = tmp_path_factory.mktemp("print")
    write_samples(d / "units")
    write_broken(d / "units")
    roster = d / "名册.txt"
    roster.write_text("芷江侗族自治县政务服务中心\n芷江侗族自治县人民政府办公室\n芷江侗族自治县大树岭乡人民政府\n芷江侗族自治县示例局\n",
                      "utf-8")
    out = d / "汇总.xlsx"
    consolidate([d / "units"], out, roster=roster, jobs=1, config=Config())
    pdf = libreoffice.convert(out, "pdf", d / "pdf")
    return out, pdf_text(pdf), page_ink(pdf, d / "png")


def test_every_sheet_prints_and_the_overview_comes_first(rendered):
    _, pages, ink = rendered
    assert len(ink) == len(pages) and min(ink) > 0.004  # no blank page (图表 used to print after one)
    first = pages[0]
    assert layout.CONS_TITLE in first
    # rank, unit, total, grade, budget execution, state, one line per unit (by hand from the samples)
    lines = [" ".join(line.split()) for line in first.splitlines()]
    assert "1 芷江侗族自治县政务服务中心 99.50 优 96.56% 正常" in lines
    assert "2 芷江侗族自治县人民政府办公室 92.27 优 96.12% 有错误" in lines
    assert any(ln.startswith("芷江侗族自治县大树岭乡人民政府 102.28% 不完整、有错误") for ln in lines)
    assert "名册中未提交 1 个" in first.replace("\n", "")
    assert "平均总分 95.89（2 个自评完整的单位）" in first.replace("\n", "")
    # Every sheet prints, each with its footer; nothing is shrunk to one unreadable strip: 汇总's
    # 27 columns take several pages, each starting with the unit column.
    assert all("页，共" in p for p in pages)
    summary_pages = [p for p in pages if f"{layout.CONS_TITLE}：{layout.CONS_SUMMARY_SHEET}" in p]
    assert len(summary_pages) >= 3
    assert all("单位名称" in p for p in summary_pages)
    chart_pages = [p for p in pages if f"{layout.CONS_TITLE}：{layout.CONS_CHARTS_SHEET}" in p]
    assert len(chart_pages) == 1 and "等级分布" in chart_pages[0]
    about = [p for p in pages if f"{layout.CONS_TITLE}：{layout.CONS_ABOUT_SHEET}" in p]
    assert len(about) == 1 and "生成时间" in about[0] and "合计行" in about[0]  # labels and values together


def test_detail_dates_print_as_iso(rendered):
    _, pages, _ = rendered
    detail = "\n".join(p for p in pages if f"{layout.CONS_TITLE}：{layout.CONS_DETAIL_SHEET}" in p)
    assert "2027-01-08" in detail and "1/8/2027" not in detail and "01/08/2027" not in detail


def test_summary_text_columns_wrap_and_rows_fit(rendered):
    import openpyxl

    out, _, _ = rendered
    ws = openpyxl.load_workbook(out)[layout.CONS_SUMMARY_SHEET]
    header = [c.value for c in ws[layout.CONS_HEADER_ROW]]
    state = header.index("状态") + 1
    bad = next(r for r in range(layout.CONS_HEADER_ROW + 1, ws.max_row + 1) if ws.cell(r, state).value == "无法读取")
    for title in ("单位名称", "文件", "说明"):  # a long path or note wraps instead of running into the next column
        assert ws.cell(bad, header.index(title) + 1).alignment.wrap_text, title
    # the two-line headers (e.g. 全年预算数（万元） in a 12-wide column) get a two-line row
    assert ws.row_dimensions[layout.CONS_HEADER_ROW].height >= 2 * 13.5
