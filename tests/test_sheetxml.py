"""Rows rendered as SpreadsheetML and spliced into an XlsxWriter package (consolidate.sheetxml).

The reference is XlsxWriter itself: the same values written cell by cell with its public API
must read back the same through python-calamine and openpyxl; LibreOffice opens a spliced
summary and sees the same cells and number formats.
"""

from __future__ import annotations

import math
import re
import zipfile
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

import libreoffice
import pytest
from python_calamine import CalamineWorkbook

from xlsxtools.consolidate import sheetxml
from xlsxtools.consolidate.sheetxml import RowSpool, excel_serial, render_row, splice, text_xml

STRINGS = [
    "plain", "=", "=SUM(A1:A3)", "=HYPERLINK(\"http://x\")", "a & b <c> \"q\" 'x'", " leading", "trailing ",
    "\ttab first", "line1\nline2", "cr\r\nlf", "\x01ctl\x1fend", "_x0041_ literal", "_x", "中文：≥ ≤ ％ ‰",
    "x" * 40_000, "   ", "@", "+1", "-1", "0012", "1e5", "TRUE",
]
NUMBERS = [0, -1.5, 1e20, 3.141592653589793, 12345678901234567, 2**31, -0.000123, 7]
DATES = [date(2027, 1, 8), datetime(2026, 5, 1, 13, 30, 15), date(1900, 1, 1), date(1900, 2, 28),
         date(1900, 3, 1), datetime(2026, 12, 31, 23, 59, 59)]
NUMBER_COLS = frozenset({1})


def _rows() -> list[tuple]:
    rows: list[tuple] = [(s, 1.0, s if len(s) < 100 else "long") for s in STRINGS]
    rows += [(n, n, f"number {n}") for n in NUMBERS]
    rows += [(d, 2.5, d.isoformat()) for d in DATES]
    rows += [(True, False, None), (None, None, "only C"), ("", math.nan, math.inf), (-math.inf, "", "x")]
    return rows


def _base(path, sheet="明细") -> tuple:
    """An XlsxWriter workbook with a title row, a header row and a second sheet."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(path, {"strings_to_formulas": False, "strings_to_numbers": False,
                                    "strings_to_urls": False})
    ws = wb.add_worksheet(sheet)
    ws.write_string(0, 0, "标题")
    for c, t in enumerate(("A 列", "B 列", "C 列")):
        ws.write_string(1, c, t, wb.add_format({"bold": True}))
    other = wb.add_worksheet("其他")
    other.write_string(0, 0, "不变")
    other.write_number(1, 0, 42)
    return wb, ws


def _reference(path: Path, rows: list[tuple]) -> None:
    """The same rows written cell by cell with XlsxWriter's public API."""
    wb, ws = _base(str(path))
    num = wb.add_format({"num_format": "0.00"})
    day = wb.add_format({"num_format": "yyyy-mm-dd"})  # the same in every locale, unlike the built-in 14
    for r, row in enumerate(rows, start=2):
        for c, v in enumerate(row):
            if isinstance(v, bool):
                ws.write_string(r, c, "是" if v else "否")
            elif isinstance(v, str):
                if v:
                    ws.write_string(r, c, v)
            elif isinstance(v, int | float):
                if math.isfinite(v):
                    ws.write_number(r, c, v, num if c in NUMBER_COLS else None)
            elif isinstance(v, date):
                ws.write_datetime(r, c, v, day)
    wb.close()


def _spliced(path: Path, rows: list[tuple], first_chunk: int | None = None) -> None:
    import io

    buf = io.BytesIO()
    wb, _ = _base(buf)
    wb.close()
    buf.seek(0)
    spool = RowSpool(first_row=3, columns=3)
    if first_chunk is None:
        spool.append(render_row(r, NUMBER_COLS) for r in rows)
    else:  # appended in two batches, as units arrive
        spool.append([render_row(r, NUMBER_COLS) for r in rows[:first_chunk]])
        spool.append([render_row(r, NUMBER_COLS) for r in rows[first_chunk:]])
    assert spool.count == len(rows)
    try:
        splice(buf, str(path), {"明细": spool})
    finally:
        spool.close()


def _calamine(path: Path, sheet: str) -> list[list]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()


@pytest.fixture(scope="module")
def pair(tmp_path_factory) -> tuple[Path, Path]:
    d = tmp_path_factory.mktemp("sheetxml")
    ref, out = d / "ref.xlsx", d / "spliced.xlsx"
    rows = _rows()
    _reference(ref, rows)
    _spliced(out, rows, first_chunk=7)
    return ref, out


def test_spliced_rows_read_back_like_xlsxwriter_cells_in_calamine(pair):
    ref, out = pair
    got, want = _calamine(out, "明细"), _calamine(ref, "明细")
    assert got == want
    assert len(got) == 2 + len(_rows())
    # Spot checks on the independent reading itself (not only equality with XlsxWriter).
    by_c = {r[2]: r for r in got[2:] if isinstance(r[2], str)}
    assert by_c["="][0] == "=" and by_c["=SUM(A1:A3)"][0] == "=SUM(A1:A3)"
    assert by_c["a & b <c> \"q\" 'x'"][0] == "a & b <c> \"q\" 'x'"
    assert by_c[" leading"][0] == " leading" and by_c["trailing "][0] == "trailing "
    assert by_c["long"][0] == "x" * sheetxml.MAX_STRING  # cut like XlsxWriter cuts it
    assert by_c["2027-01-08"][0] == date(2027, 1, 8)
    assert by_c["2026-05-01T13:30:15"][0] == datetime(2026, 5, 1, 13, 30, 15)
    assert by_c["number 12345678901234567"][1] == pytest.approx(12345678901234567)
    # The other sheet is untouched.
    assert _calamine(out, "其他") == _calamine(ref, "其他")


def test_spliced_rows_read_back_like_xlsxwriter_cells_in_openpyxl(pair):
    import openpyxl

    ref, out = pair
    a, b = openpyxl.load_workbook(out)["明细"], openpyxl.load_workbook(ref)["明细"]
    assert a.max_row == b.max_row and a.max_column == b.max_column
    for row_a, row_b in zip(a.iter_rows(), b.iter_rows(), strict=True):
        for ca, cb in zip(row_a, row_b, strict=True):
            if isinstance(cb.value, str) and "_x" in cb.value:
                # openpyxl undoes the "_x005F_" protection of a literal "_xHHHH_" in shared strings
                # only, not in inline strings (calamine and LibreOffice read both right: see the
                # other tests).
                continue
            assert (ca.value, ca.data_type) == (cb.value, cb.data_type), ca.coordinate
            if ca.value is not None:
                assert ca.number_format == cb.number_format, ca.coordinate
    # The number columns show two decimals, dates are dates, text is never a formula.
    nums = [r[1] for r in a.iter_rows(min_row=3) if isinstance(r[1].value, float)]
    assert nums and all(c.number_format == "0.00" for c in nums)
    assert all(c.data_type != "f" for row in a.iter_rows() for c in row)
    assert a["A3"].value == "plain" and a["A4"].value == "="


def test_control_characters_and_literal_escapes_round_trip(pair):
    """Excel's _xHHHH_ escapes: a control character is escaped, a literal "_x0041_" protected."""
    _, out = pair
    rows = {r[2]: r[0] for r in _calamine(out, "明细")[2:] if isinstance(r[2], str)}
    assert rows["\x01ctl\x1fend"] == "\x01ctl\x1fend"
    assert rows["_x0041_ literal"] == "_x0041_ literal"
    assert text_xml("\x01") == "<t>_x0001_</t>"
    assert text_xml("_x0041_") == "<t>_x005F_x0041_</t>"
    assert text_xml("a<b") == "<t>a&lt;b</t>"
    assert text_xml(" a") == '<t xml:space="preserve"> a</t>'


def test_dimension_and_styles_are_extended(pair):
    _, out = pair
    with zipfile.ZipFile(out) as z:
        parts = sheetxml.sheet_parts(z)
        sheet = z.read(parts["明细"]).decode()
        styles = z.read("xl/styles.xml").decode()
        assert z.testzip() is None
    assert f'<dimension ref="A1:C{2 + len(_rows())}"/>' in sheet
    assert "\x00" not in sheet and "\x01" not in sheet and "\x02" not in sheet
    assert sheet.count("<row ") == 2 + len(_rows())
    date_id = re.search(r'<numFmt numFmtId="(\d+)" formatCode="yyyy-mm-dd"/>', styles).group(1)
    assert '<xf numFmtId="2" ' in styles and f'<xf numFmtId="{date_id}" ' in styles
    assert '<xf numFmtId="14" ' not in styles  # the locale's short date: 1/8/2027 in US English


def test_render_row_values():
    import enum

    class Level(enum.IntEnum):
        HIGH = 3

    row = render_row(("=", 1, 2.5, None, "", math.nan, True, Decimal("1.25"), time(8, 0), date(1899, 12, 31),
                      Level.HIGH), frozenset({1, 10})).decode()
    assert row.startswith('<row r="\x00">') and row.endswith("</row>")
    assert '<c r="A\x00" t="inlineStr"><is><t>=</t></is></c>' in row
    assert '<c r="B\x00" s="\x01"><v>1</v></c>' in row
    assert '<c r="C\x00"><v>2.5</v></c>' in row
    assert 'r="D' not in row and 'r="E' not in row and 'r="F' not in row  # None, "" and NaN stay empty
    assert "<t>是</t>" in row and "<t>1.25</t>" in row and "<t>08:00:00</t>" in row
    assert "<t>1899-12-31</t>" in row  # before Excel's first date: text
    assert '<c r="K\x00" s="\x01"><v>3</v></c>' in row  # an int subclass is a number
    assert "<f>" not in row


def test_excel_serial_matches_excel():
    assert excel_serial(date(1900, 1, 1)) == 1
    assert excel_serial(date(1900, 2, 28)) == 59
    assert excel_serial(date(1900, 3, 1)) == 61  # Excel counts a 29 February 1900
    assert excel_serial(date(2027, 1, 8)) == 46395
    assert excel_serial(datetime(2027, 1, 8, 12)) == 46395.5
    assert excel_serial(date(1899, 12, 31)) is None


def test_spool_numbers_rows_as_they_arrive(tmp_path):
    spool = RowSpool(first_row=5, columns=2)
    try:
        assert spool.append([render_row(("a",)), render_row(("b",))]) == 2
        assert spool.append([]) == 0
        assert spool.append(iter([render_row(("c", 1))])) == 1
        data = b"".join(spool.chunks(size=7)).decode()
    finally:
        spool.close()
    assert [line.split('"')[1] for line in data.split("<row ")[1:]] == ["5", "6", "7"]
    assert '<c r="A7" t="inlineStr">' in data and '<c r="B7"><v>1</v></c>' in data


def test_splice_refuses_a_missing_sheet(tmp_path):
    import io

    buf = io.BytesIO()
    wb, _ = _base(buf)
    wb.close()
    spool = RowSpool(3, 1)
    try:
        with pytest.raises(RuntimeError, match="not in the workbook"):
            splice(buf, str(tmp_path / "x.xlsx"), {"没有这张表": spool})
    finally:
        spool.close()


def test_empty_spool_leaves_the_sheet_as_written(tmp_path):
    import io

    buf = io.BytesIO()
    wb, _ = _base(buf)
    wb.close()
    raw = buf.getvalue()
    spool = RowSpool(3, 3)
    out = tmp_path / "empty.xlsx"
    try:
        splice(io.BytesIO(raw), str(out), {"明细": spool})
    finally:
        spool.close()
    with zipfile.ZipFile(io.BytesIO(raw)) as a, zipfile.ZipFile(out) as b:
        assert a.namelist() == b.namelist()
        for n in a.namelist():
            if n != "xl/styles.xml":
                assert a.read(n) == b.read(n), n
    assert _calamine(out, "明细") == [["标题", "", ""], ["A 列", "B 列", "C 列"]]


LO_READ = r'''
def main(args):
    doc = load(args["path"])
    out = {}
    for name in args["sheets"]:
        sh = doc.Sheets.getByName(name)
        cur = sh.createCursor()
        cur.gotoEndOfUsedArea(False)
        last_row, last_col = cur.RangeAddress.EndRow, cur.RangeAddress.EndColumn
        rows = []
        for r in range(last_row + 1):
            row = []
            for c in range(last_col + 1):
                cell = sh.getCellByPosition(c, r)
                kind = cell.Type.value  # EMPTY, VALUE, TEXT, FORMULA
                row.append([kind, cell.String if kind == "TEXT" else cell.Value if kind == "VALUE" else None])
            rows.append(row)
        out[name] = rows
    fmts = doc.NumberFormats
    sh = doc.Sheets.getByName(args["sheets"][0])
    out["formats"] = {ref: fmts.getByKey(sh.getCellRangeByName(ref).NumberFormat).FormatString
                      for ref in args["format_cells"]}
    doc.close(True)
    return out
'''


def test_libreoffice_reads_a_spliced_summary(tmp_path):
    """A whole consolidation of the samples: LibreOffice opens the spliced package and sees the
    same cells as python-calamine in both spliced sheets, numbers as numbers, "=" as text."""
    libreoffice.require(uno=True)
    from test_consolidate import write_broken, write_samples

    from xlsxtools import layout
    from xlsxtools.config import Config
    from xlsxtools.consolidate import runner

    units = tmp_path / "units"
    write_samples(units)
    write_broken(units)
    out = tmp_path / "summary.xlsx"
    runner.consolidate([units], out, jobs=1, config=Config())
    sheets = [layout.CONS_DETAIL_SHEET, layout.CONS_FINDINGS_SHEET]
    score_col = layout.col_letter(1 + next(i for i, c in enumerate(layout.CONS_DETAIL_COLUMNS)
                                              if c.key == "score"))
    got = libreoffice.run_uno(LO_READ, {"path": str(out), "sheets": sheets,
                                        "format_cells": [f"{score_col}3", f"{score_col}4"]})
    for name in sheets:
        lo = got[name]
        cal = _calamine(out, name)
        assert len(lo) == len(cal) > 10, name
        for r, (lo_row, cal_row) in enumerate(zip(lo, cal, strict=True)):
            for c, ((kind, value), want) in enumerate(zip(lo_row, cal_row, strict=False)):
                where = f"{name}!{layout.col_letter(c + 1)}{r + 1}"
                assert kind != "FORMULA", where
                if isinstance(want, str) and want:
                    assert (kind, value) == ("TEXT", want), where
                elif isinstance(want, float | int) and not isinstance(want, bool):
                    assert kind == "VALUE" and value == pytest.approx(want), where
                elif isinstance(want, date):
                    assert kind == "VALUE" and value == pytest.approx(excel_serial(want)), where
                else:
                    assert kind == "EMPTY", where
    assert set(got["formats"].values()) == {"0.00"}
    detail = got[layout.CONS_DETAIL_SHEET]
    assert any(cell == ["TEXT", "="] for row in detail for cell in row)


def test_libreoffice_reads_spliced_rows_like_xlsxwriter_cells(pair):
    """Escapes, whitespace, long text, numbers and dates: LibreOffice sees the spliced cells
    exactly as it sees the same values written by XlsxWriter."""
    libreoffice.require(uno=True)
    ref, out = pair
    args = {"sheets": ["明细"], "format_cells": ["B3", "A30"]}
    got = libreoffice.run_uno(LO_READ, {**args, "path": str(out)})
    want = libreoffice.run_uno(LO_READ, {**args, "path": str(ref)})
    assert got == want
    cells = [cell for row in got["明细"] for cell in row]
    assert ["TEXT", "_x0041_ literal"] in cells and ["TEXT", "="] in cells and ["TEXT", " leading"] in cells
    assert got["formats"]["B3"] == "0.00"


def test_spool_keeps_no_row_past_the_last_one():
    spool = RowSpool(first_row=3, columns=1, max_row=5)
    try:
        assert spool.append([render_row(("a",)), render_row(("b",))]) == 2
        assert spool.append([render_row(("c",)), render_row(("d",)), render_row(("e",))]) == 1
        assert spool.append([render_row(("f",))]) == 0
        data = b"".join(spool.chunks()).decode()
    finally:
        spool.close()
    assert (spool.count, spool.dropped, spool.next_row) == (3, 3, 6)
    assert data.count("<row ") == 3 and 'r="5"' in data and 'r="6"' not in data


def test_a_lone_surrogate_cannot_break_a_row():
    row = render_row(("a\udc80b",)).decode("utf-8")
    assert "<t>a\ufffdb</t>" in row  # replaced like every XML-illegal character (xmlsafe)


def test_the_date_format_is_added_once_and_reused():
    from xlsxtools.consolidate.sheetxml import _add_num_formats

    bare = b'<styleSheet xmlns="x"><cellXfs count="1"><xf/></cellXfs></styleSheet>'
    out, ids = _add_num_formats(bare, ["yyyy-mm-dd"])
    assert ids == {"yyyy-mm-dd": 164}
    assert b'<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts><cellXfs' in out
    have = (b'<styleSheet><numFmts count="2"><numFmt numFmtId="164" formatCode="0.00"/>'
            b'<numFmt numFmtId="170" formatCode="yyyy-mm-dd"/></numFmts></styleSheet>')
    assert _add_num_formats(have, ["yyyy-mm-dd"]) == (have, {"yyyy-mm-dd": 170})
    out, ids = _add_num_formats(have, ["0.0%"])
    assert ids == {"0.0%": 171} and b'<numFmts count="3">' in out and out.count(b"<numFmt ") == 3


def test_a_row_whose_wrapped_text_needs_more_lines_is_as_tall_as_that():
    # 60 CJK characters = 120 units in a 56-wide column (55 usable) → 3 lines: 3 × 10 × 1.35 + 3 = 43.5 pt
    long = "单位名称与名册不一致" * 6
    row = render_row(("某单位", long, 3), (), {1: 56}).decode()
    assert '<row r="\x00" ht="43.5" customHeight="1">' in row
    assert row.count(' s="\x03"') == 3  # the text cells and the plain number: wrapped, at the top
    short = render_row(("某单位", "短", 3), (), {1: 56}).decode()
    assert short.startswith('<row r="\x00">') and "\x03" not in short


def test_wrapped_rows_read_back_with_their_style(tmp_path):
    import openpyxl

    long = "单位名称与名册不一致" * 6
    rows = [("a", long, 2.5), ("b", "短", 1.0)]
    ref = tmp_path / "ref.xlsx"
    wb, _ = _base(str(ref))
    wb.close()
    spool = RowSpool(first_row=3, columns=3)
    spool.append([render_row(r, {2}, {1: 56}) for r in rows])
    out = tmp_path / "out.xlsx"
    splice(str(ref), str(out), {"明细": spool})
    ws = openpyxl.load_workbook(out)["明细"]
    assert ws["B3"].alignment.wrap_text and ws["B3"].alignment.vertical == "top"
    assert ws.row_dimensions[3].height == 43.5 and ws["C3"].number_format == "0.00"
    assert ws["C3"].alignment.vertical == "top"
    assert not ws["B4"].alignment.wrap_text and ws.row_dimensions[4].height is None
