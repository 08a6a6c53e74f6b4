"""Values no computation or writer can take become findings on their cell, never exceptions:
NaN, infinities, 1e308, 10²⁶ and 5,000-digit numbers (V011), dates outside Excel's range and bare
times (V012), XML-illegal characters (V013); every output stays a well-formed workbook."""

from __future__ import annotations

import json
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fuzz.corpus import SHEETS, _members, _zip, add_date_style, num_cell, set_cell, text_cell

from xlsxtools.workbook.reader import read_unit_workbook


@pytest.fixture(scope="module")
def unit(tmp_path_factory) -> Path:
    from test_consolidate import write_samples

    return write_samples(tmp_path_factory.mktemp("units"))["zhengwu_2026"]


def _edit(unit: Path, out: Path, edits: dict[str, list[tuple[str, bytes]]], date_style: bool = False) -> Path:
    m = _members(unit)
    style = add_date_style(m) if date_style else None
    for sheet, cells in edits.items():
        for ref, cell in cells:
            cell = cell.replace(b"{S}", str(style).encode()) if style is not None else cell
            m[SHEETS[sheet]] = set_cell(m[SHEETS[sheet]], ref, cell)
    out.write_bytes(_zip(m))
    return out


def _codes(uw) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for f in [*uw.table.findings, *uw.findings]:
        out.setdefault(f.code, []).append(f.cell or "")
    return out


def test_huge_and_invalid_numbers_are_findings(unit: Path, tmp_path: Path):
    p = _edit(unit, tmp_path / "n.xlsx", {
        "targets": [("E7", num_cell("E7", "1e308")), ("E8", num_cell("E8", "100000000000000000000000000")),
                    ("E9", text_cell("E9", "9" * 5000)), ("C3", num_cell("C3", "NaN"))],
        "actuals": [("G7", num_cell("G7", "inf")), ("A4", num_cell("A4", "-1e308"))],
    })
    uw = read_unit_workbook(p)
    codes = _codes(uw)
    assert sorted(codes["V011"]) == ["A4", "C3", "E7", "E8", "E9", "G7"]
    assert uw.table.indicators[0].target == "1e+308"  # kept as text, never computed with
    assert uw.table.unit.year == "nan"


def test_score_json_and_check_json_never_fail(unit: Path, tmp_path: Path, capsys):
    from xlsxtools.cli import main

    p = _edit(unit, tmp_path / "d.xlsx", {
        "targets": [("E7", text_cell("E7", "9" * 5000)), ("C3", num_cell("C3", "inf"))],
        "actuals": [("G7", b'<c r="G7" s="{S}"><v>-1</v></c>'), ("G8", b'<c r="G8" s="{S}"><v>1e9</v></c>'),
                    ("B4", num_cell("B4", "1e308"))],
    }, date_style=True)
    for cmd in (["score", "--json", str(p)], ["check", "--json", str(p)]):
        with pytest.raises(SystemExit) as exc:
            main(cmd)
        assert exc.value.code in (0, 1)
        data = json.loads(capsys.readouterr().out)
        text = json.dumps(data, ensure_ascii=False)
        assert "V011" in text and "V012" in text


def test_illegal_characters_never_reach_a_workbook(unit: Path, tmp_path: Path):
    """A unit name with U+FFFE and control characters: read with V013, and the summary (spliced
    rows and XlsxWriter's sheets) and the import output are well-formed XML."""
    from xlsxtools.config import Config
    from xlsxtools.consolidate.runner import consolidate
    from xlsxtools.importer import import_table
    from xlsxtools.workbook.template import write_unit_workbook

    folder = tmp_path / "in"
    folder.mkdir()
    _edit(unit, folder / "bad.xlsx", {"targets": [("C2", text_cell("C2", "芷江\ufffe政务\x01中心\uffff")),
                                                  ("C7", text_cell("C7", "办件\x0b量"))]})
    uw = read_unit_workbook(folder / "bad.xlsx")
    assert uw.table.unit.name == "芷江\ufffd政务\ufffd中心\ufffd"
    out = tmp_path / "s.xlsx"
    consolidate([folder], out, jobs=1, config=Config())
    with zipfile.ZipFile(out) as z:
        for name in z.namelist():
            if name.endswith(".xml"):
                ElementTree.fromstring(z.read(name))  # raises on ill-formed XML
        text = b"".join(z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/"))
    assert "芷江\ufffd政务".encode() in text and b"\xef\xbf\xbe" not in text
    table = import_table(folder / "bad.xlsx")
    target = tmp_path / "imported.xlsm"
    write_unit_workbook(table, target)
    assert read_unit_workbook(target).table.unit.name.startswith("芷江")


def test_a_huge_rule_text_is_not_matched():
    import time

    from xlsxtools.rules import parse_rule

    t0 = time.perf_counter()
    parsed = parse_rule("9" * 100_000)
    assert time.perf_counter() - t0 < 1.0  # the patterns were never tried (some are quadratic)
    assert parsed.points is None and parsed.kind is None
    assert any("过长（100000 个字符" in p for p in parsed.problems)
