"""Preflight guards: special files, zip limits and sheet extents are refused before a parser runs,
with a Chinese reason naming the file (and the sheet); valid workbooks pass unchanged."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import pytest

from xlsxtools.config import Limits, load_config
from xlsxtools.errors import UnreadableFile, UserError
from xlsxtools.workbook import preflight
from xlsxtools.workbook.preflight import NotRegularFile, OverLimit, check_workbook, read_regular

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fuzz.corpus import SHEETS, _members, _zip, append_row, lie_about_size, set_cell, text_cell

DATA = Path(__file__).resolve().parent / "data" / "fuzz"


@pytest.fixture(scope="module")
def unit(tmp_path_factory) -> Path:
    from test_consolidate import write_samples

    return write_samples(tmp_path_factory.mktemp("units"))["zhengwu_2026"]


def _with(unit: Path, tmp: Path, name: str, part: str, edit) -> Path:
    m = _members(unit)
    m[part] = edit(m[part])
    p = tmp / name
    p.write_bytes(_zip(m))
    return p


@pytest.fixture(autouse=True)
def _alarm():
    """A guard that blocks (FIFO) would hang the test run: fail it after 10 s instead."""
    def boom(*_):
        raise TimeoutError("blocked")
    old = signal.signal(signal.SIGALRM, boom)
    signal.alarm(10)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


def test_valid_unit_workbook_passes(unit: Path):
    assert check_workbook(unit) == "xlsx"


def test_fifo_is_refused_without_blocking(tmp_path: Path):
    fifo = tmp_path / "unit.xlsx"
    os.mkfifo(fifo)
    with pytest.raises(NotRegularFile, match="管道"):
        check_workbook(fifo)
    with pytest.raises(NotRegularFile, match="管道"):
        read_regular(tmp_path / "unit.xlsx")


def test_symlink_loop_is_named_as_a_loop(tmp_path: Path):
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    os.symlink(b.name, a)
    os.symlink(a.name, b)
    with pytest.raises(NotRegularFile, match="循环") as exc:
        check_workbook(a)
    assert str(a) in str(exc.value) and "不存在" not in str(exc.value)


def test_broken_link_and_device_link(tmp_path: Path):
    broken = tmp_path / "gone.xlsx"
    os.symlink("nowhere.xlsx", broken)
    with pytest.raises(NotRegularFile, match="符号链接指向的文件不存在"):
        check_workbook(broken)
    zero = tmp_path / "zero.txt"
    os.symlink("/dev/zero", zero)
    with pytest.raises(NotRegularFile, match="设备"):
        read_regular(zero)


def test_far_cell_in_the_hidden_sheet_names_the_sheet(unit: Path, tmp_path: Path):
    p = _with(unit, tmp_path, "far.xlsx", SHEETS["lists"],
              lambda x: append_row(x, 1048576, b'<c r="XFD1048576"><v>1</v></c>'))
    with pytest.raises(OverLimit) as exc:
        check_workbook(p)
    assert exc.value.sheet == "下拉列表" and "1,048,576" in exc.value.message


def test_far_column_without_far_row(unit: Path, tmp_path: Path):
    p = _with(unit, tmp_path, "wide.xlsx", SHEETS["targets"], lambda x: set_cell(x, "XFD7", b'<c r="XFD7"><v>1</v></c>'))
    check_workbook(p)  # 40 rows × 16,384 columns = 655,360 cells: within the default 1,000,000
    with pytest.raises(OverLimit, match="单元格位置过远"):
        check_workbook(p, Limits(cells=100_000))


def test_cells_without_references_are_counted(unit: Path, tmp_path: Path):
    p = _with(unit, tmp_path, "noref.xlsx", SHEETS["targets"], lambda x: append_row(x, 45, b"<c><v>1</v></c>" * 17000))
    with pytest.raises(UnreadableFile, match="超出 Excel 工作表的范围"):
        check_workbook(p)


def test_declared_dimension_and_merges(unit: Path, tmp_path: Path):
    import re

    p = _with(unit, tmp_path, "dim.xlsx", SHEETS["actuals"],
              lambda x: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', x, count=1))
    with pytest.raises(OverLimit, match="声明的使用区域过大"):
        check_workbook(p)
    p = _with(unit, tmp_path, "merge.xlsx", SHEETS["targets"],
              lambda x: x.replace(b'<mergeCell ref="', b'<mergeCell ref="A1:XFD1048576"/><mergeCell ref="', 1))
    with pytest.raises(OverLimit, match="合并单元格覆盖的范围过大"):
        check_workbook(p)


def test_shared_strings_count(unit: Path, tmp_path: Path):
    m = _members(unit)
    m["xl/sharedStrings.xml"] = b'<sst xmlns="x" count="2147483648" uniqueCount="2147483648"><si><t>a</t></si></sst>'
    p = tmp_path / "sst.xlsx"
    p.write_bytes(_zip(m))
    with pytest.raises(OverLimit, match="sharedStrings）声明的数量异常（count=2,147,483,648"):
        check_workbook(p)


def test_zip_bomb_by_directory_and_by_stream(unit: Path, tmp_path: Path):
    m = _members(unit)
    m[SHEETS["import"]] = m[SHEETS["import"]] + b" " * (3 * 1024 * 1024)
    p = tmp_path / "bomb.xlsx"
    p.write_bytes(_zip(m))
    with pytest.raises(OverLimit, match="解压后过大"):
        check_workbook(p, Limits(part_mb=2))
    with pytest.raises(OverLimit, match="压缩比异常"):
        check_workbook(p, Limits(ratio=50))
    # a directory that lies about the size: never inflated past what it declares
    p.write_bytes(lie_about_size(p.read_bytes(), SHEETS["import"], 5000))
    with pytest.raises(UnreadableFile, match="损坏"):  # zipfile reads only the declared size: CRC mismatch
        check_workbook(p, Limits(part_mb=2))


def test_xml_entity_declarations_are_refused(unit: Path, tmp_path: Path):
    p = _with(unit, tmp_path, "dtd.xlsx", "xl/styles.xml",
              lambda x: b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY b "c">]>' + x.split(b"?>", 1)[-1])
    with pytest.raises(UnreadableFile, match="DTD"):
        check_workbook(p)


def test_xls_far_cell_and_small_xls():
    assert check_workbook(DATA / "small.xls") == "xls"
    with pytest.raises(OverLimit, match="IV65536") as exc:
        check_workbook(DATA / "far_cell.xls")
    assert exc.value.sheet == "Sheet"  # the title from the BOUNDSHEET record


def test_ods_repeated_rows_count_only_with_content(tmp_path: Path):
    def ods(rows: bytes) -> Path:
        content = (b'<office:document-content xmlns:office="o" xmlns:table="t" xmlns:text="x"><office:body>'
                   b'<office:spreadsheet><table:table table:name="S">' + rows + b"</table:table></office:spreadsheet>"
                   b"</office:body></office:document-content>")
        p = tmp_path / "t.ods"
        p.write_bytes(_zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": content}))
        return p
    # LibreOffice writes a huge repeat for the empty rows after the data: fine
    ok = ods(b'<table:table-row><table:table-cell office:value-type="float" office:value="1"/></table:table-row>'
             b'<table:table-row table:number-rows-repeated="1048575"><table:table-cell/></table:table-row>')
    assert check_workbook(ok) == "ods"
    far = ods(b'<table:table-row table:number-rows-repeated="1048575"><table:table-cell office:value-type="float"'
              b' office:value="1"/></table:table-row>')
    with pytest.raises(OverLimit, match="行数过多"):
        check_workbook(far)


def test_xlsb_far_cell(tmp_path: Path):
    import random

    from fuzz.corpus import _xlsb

    name, data = _xlsb(random.Random(0), {}, 0)
    p = tmp_path / name
    p.write_bytes(data)
    with pytest.raises(OverLimit, match="1,048,576 行"):
        check_workbook(p)


def test_docx_grid_span_is_checked(tmp_path: Path):
    p = tmp_path / "t.docx"
    p.write_bytes(_zip({"word/document.xml": b'<w:document xmlns:w="w"><w:tc><w:tcPr><w:gridSpan w:val="abc"/>'
                                             b"</w:tcPr></w:tc></w:document>"}))
    with pytest.raises(UnreadableFile, match='gridSpan="abc"'):
        preflight.check_package(p)


def test_limits_from_config(tmp_path: Path):
    cfg = tmp_path / "xlsxtools.toml"
    cfg.write_text("[limits]\nseconds = 5\nmemory_mb = 512\ncells = 1000\n", encoding="utf-8")
    c = load_config(cfg)
    assert (c.limits.seconds, c.limits.memory_mb, c.limits.cells, c.limits.file_mb) == (5.0, 512, 1000, 50)
    assert "5 秒" in c.limits.describe() and "512 MB" in c.limits.describe()
    cfg.write_text("[limits]\nseconds = -1\n", encoding="utf-8")
    with pytest.raises(UserError, match=r"limits\.seconds"):
        load_config(cfg)
    cfg.write_text("[limits]\nbogus = 1\n", encoding="utf-8")
    with pytest.raises(UserError, match=r"limits\.bogus"):
        load_config(cfg)


def test_illegal_chars_in_text_cell_are_read_with_a_finding(unit: Path, tmp_path: Path):
    from xlsxtools.workbook.reader import read_unit_workbook

    p = _with(unit, tmp_path, "bad.xlsx", SHEETS["targets"], lambda x: set_cell(x, "C7", text_cell("C7", "办件\ufffe量\x01")))
    uw = read_unit_workbook(p)
    ind = uw.table.indicators[0]
    assert ind.name == "办件\ufffd量\ufffd"
    f = [f for f in uw.table.findings if f.code == "V013"]
    assert len(f) == 1 and f[0].cell == "C7" and "U+FFFE" in f[0].message and "U+0001" in f[0].message
