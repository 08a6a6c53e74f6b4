"""A deterministic corpus of broken and hostile input files, by class.

Every class is a generator of files from valid bases (the three bundled samples as unit
workbooks, their text tables, a .docx of one of them). ``generate(folder, per_class, seed)``
writes ``per_class`` files of every class (fewer for classes with fewer variants) and returns the
cases. The same seed gives the same files. Classes (see CLASSES):

container: truncated, bitflip, not-a-workbook content, zip bombs (sizes in the directory and
lying directories), XML entity bombs, deep nesting, encrypted-looking OLE files, .xls/.xlsx
content swapped, docx renamed as xlsx;
extents: a cell at the last row and column of any sheet (the hidden one too), far rows, far
columns, a huge declared <dimension>, merges over the whole sheet and many merges,
sharedStrings uniqueCount 2³¹ and a giant shared string, huge style counts, .ods repeats;
values: U+FFFE/U+FFFF, C0 controls and lone-surrogate escapes in every kind of cell (unit name,
indicator names, targets, units, rules, actuals, reasons), 1e308, -1e308, 10²⁶, NaN, inf,
5,000-digit numbers as text, negative and huge date serials, NaN/inf/huge years, budgets;
text tables and CSV: control characters, U+FFFE, binary, huge lines, NUL bytes, odd encodings;
.docx: gridSpan="abc", gridSpan huge, vMerge continuation in the first row, truncated parts;
special files: FIFO, symlink loop, symlink to /dev/zero, broken symlink, folder named .xlsx,
empty file (created by :func:`special_files`, not part of the count-per-class loop).
"""

from __future__ import annotations

import io
import os
import random
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SAMPLES = ROOT / "xlsxtools" / "data" / "samples"


@dataclass
class Case:
    path: Path
    cls: str


# ---------------------------------------------------------------------------------------------
# Bases
# ---------------------------------------------------------------------------------------------


def build_bases(folder: Path) -> dict[str, Path]:
    """Valid inputs every class starts from: unit workbooks, text tables, a .docx, an actuals CSV."""
    import sys

    folder.mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(ROOT / "tests"))
    from test_consolidate import write_samples

    out: dict[str, Path] = {}
    units = write_samples(folder / "units")
    for i, (_stem, p) in enumerate(sorted(units.items())):
        out[f"unit{i}"] = p
    for i, name in enumerate(("zhengwu_2026.txt", "dashuling_2026.txt", "zhengfuban_2026.txt")):
        dst = folder / name
        dst.write_bytes((SAMPLES / name).read_bytes())
        out[f"text{i}"] = dst
    out["docx"] = _docx_from_text(SAMPLES / "zhengwu_2026.txt", folder / "zhengwu_2026.docx")
    csv = folder / "actuals.csv"
    src = SAMPLES / "actuals"
    first = sorted(src.iterdir())[0]
    csv.write_bytes(first.read_bytes())
    out["csv"] = csv
    return out


def _docx_from_text(src: Path, dst: Path) -> Path:
    import docx

    lines = [ln for ln in src.read_text(encoding="utf-8").splitlines() if ln.strip()]
    rows = [ln.split("\t") for ln in lines]
    width = max(len(r) for r in rows)
    d = docx.Document()
    t = d.add_table(rows=len(rows), cols=width)
    for i, r in enumerate(rows):
        for j, v in enumerate(r):
            t.cell(i, j).text = v
    d.save(str(dst))
    return dst


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {i.filename: z.read(i) for i in z.infolist()}


def _zip(members: dict[str, bytes], compress: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compress) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


# ---------------------------------------------------------------------------------------------
# XML edits
# ---------------------------------------------------------------------------------------------

#: Parts of the unit template's sheets, in workbook order (tests/test_preflight.py checks the names).
SHEETS = {"targets": "xl/worksheets/sheet1.xml", "actuals": "xl/worksheets/sheet2.xml",
          "monitor": "xl/worksheets/sheet3.xml", "report": "xl/worksheets/sheet4.xml",
          "import": "xl/worksheets/sheet5.xml", "lists": "xl/worksheets/sheet6.xml"}


def set_cell(xml: bytes, ref: str, cell: bytes) -> bytes:
    """Replace (or add to its row, or add a row for) the cell ``ref`` with ``cell`` (a <c> element)."""
    pat = re.compile(rb'<c r="' + ref.encode() + rb'"(?:[^>]*?/>|[^>]*?>.*?</c>)', re.S)
    if pat.search(xml):
        return pat.sub(lambda m: cell, xml, count=1)
    row = re.match(r"[A-Z]+(\d+)", ref).group(1)
    rpat = re.compile(rb'(<row r="' + row.encode() + rb'"[^>]*>)(.*?)(</row>)', re.S)
    if rpat.search(xml):
        return rpat.sub(lambda m: m.group(1) + m.group(2) + cell + m.group(3), xml, count=1)
    return append_row(xml, int(row), cell)


def append_row(xml: bytes, row: int, cells: bytes) -> bytes:
    new = b'<row r="%d">' % row + cells + b"</row>"
    if b"</sheetData>" in xml:
        return xml.replace(b"</sheetData>", new + b"</sheetData>", 1)
    return xml.replace(b"<sheetData/>", b"<sheetData>" + new + b"</sheetData>", 1)


def text_cell(ref: str, text: str) -> bytes:
    esc = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f'<c r="{ref}" t="inlineStr"><is><t>{esc}</t></is></c>'.encode("utf-8", "surrogatepass")


def num_cell(ref: str, v: str, style: int | None = None) -> bytes:
    s = f' s="{style}"' if style is not None else ""
    return f'<c r="{ref}"{s}><v>{v}</v></c>'.encode()


def add_date_style(members: dict[str, bytes]) -> int:
    st = members["xl/styles.xml"]
    m = re.search(rb'<cellXfs count="(\d+)">', st)
    n = int(m.group(1))
    st = st.replace(m.group(0), b'<cellXfs count="%d">' % (n + 1), 1)
    st = st.replace(b"</cellXfs>", b'<xf numFmtId="14" fontId="0" fillId="0" borderId="0" applyNumberFormat="1"/></cellXfs>', 1)
    members["xl/styles.xml"] = st
    return n


# ---------------------------------------------------------------------------------------------
# Classes: each (rng, bases, i) -> (file name, bytes)
# ---------------------------------------------------------------------------------------------

Maker = Callable[[random.Random, dict[str, Path], int], tuple[str, bytes]]
CLASSES: dict[str, Maker] = {}


def klass(name: str) -> Callable[[Maker], Maker]:
    def deco(f: Maker) -> Maker:
        CLASSES[name] = f
        return f
    return deco


def _unit(rng: random.Random, bases: dict[str, Path]) -> Path:
    return bases[f"unit{rng.randrange(3)}"]


def _edit(rng: random.Random, bases: dict[str, Path], sheet: str, edit: Callable[[bytes], bytes]) -> bytes:
    m = _members(_unit(rng, bases))
    m[SHEETS[sheet]] = edit(m[SHEETS[sheet]])
    return _zip(m)


@klass("truncated")
def _truncated(rng, bases, i):
    data = _unit(rng, bases).read_bytes() if i % 4 else bases["docx"].read_bytes()
    cut = rng.randrange(1, len(data) - 1)
    return ("truncated.docx" if i % 4 == 0 else "truncated.xlsx"), data[:cut]


@klass("bitflip")
def _bitflip(rng, bases, i):
    data = bytearray(_unit(rng, bases).read_bytes())
    for _ in range(rng.choice((1, 2, 8, 64))):
        data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    return "bitflip.xlsx", bytes(data)


@klass("not_a_workbook")
def _not_workbook(rng, bases, i):
    kinds = [(b"%PDF-1.4\n" + bytes(rng.randrange(256) for _ in range(500)), ".xlsx"),
             (bytes(rng.randrange(256) for _ in range(2000)), ".xlsm"),
             (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(rng.randrange(256) for _ in range(1000)), ".xlsx"),
             (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(rng.randrange(256) for _ in range(1000)), ".xls"),
             (bases["docx"].read_bytes(), ".xlsx"),
             (_zip({"hello.txt": b"hi"}), ".xlsx"),
             (_zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}), ".xlsx"),
             (b"PK\x03\x04" + bytes(rng.randrange(256) for _ in range(300)), ".xlsx"),
             (b"PK\x05\x06" + b"\x00" * 18, ".xlsx"),
             (bases["text0"].read_bytes(), ".xlsx"),
             (b"", ".xlsx"), (b"", ".docx"), (b"", ".txt"),
             (bytes(rng.randrange(256) for _ in range(3000)), ".docx")]
    data, ext = kinds[i % len(kinds)]
    return f"not_a_workbook{ext}", data


@klass("zip_bomb")
def _zip_bomb(rng, bases, i):
    m = _members(_unit(rng, bases))
    size = [120, 320, 60][i % 3] * 1024 * 1024
    which = [SHEETS["targets"], SHEETS["lists"], "xl/sharedStrings.xml", "xl/styles.xml"][i % 4]
    pad = b"<!-- " + b" " * size + b" -->"
    if which == "xl/sharedStrings.xml":
        m[which] = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>' \
            + b"A" * size + b"</t></si></sst>"
    else:
        m[which] = m[which].replace(b"?>", b"?>" + pad, 1) if m[which].startswith(b"<?xml") else pad + m[which]
    return "zip_bomb.xlsx", _zip(m)


def lie_about_size(data: bytes, part: str, size: int) -> bytes:
    """The zip ``data`` with the uncompressed size of ``part`` set to ``size`` in its local and
    central headers (the data itself still inflates to its real size)."""
    out = bytearray(data)
    name = part.encode()
    for sig, size_at, len_at, name_at in ((b"PK\x03\x04", 22, 26, 30), (b"PK\x01\x02", 24, 28, 46)):
        j = out.find(sig)
        while j >= 0:
            n = int.from_bytes(out[j + len_at:j + len_at + 2], "little")
            if bytes(out[j + name_at:j + name_at + n]) == name:
                out[j + size_at:j + size_at + 4] = size.to_bytes(4, "little")
            j = out.find(sig, j + 4)
    return bytes(out)


@klass("zip_lying_directory")
def _lying(rng, bases, i):
    """A part whose local and central headers claim 40 KB but that inflates to 300 MB."""
    m = _members(_unit(rng, bases))
    part = [SHEETS["targets"], SHEETS["lists"], "xl/styles.xml"][i % 3]
    big = m[part] + b" " * (300 * 1024 * 1024)
    return "zip_lying.xlsx", lie_about_size(_zip({**m, part: big}), part, 40000)


@klass("xml_entity_bomb")
def _entity_bomb(rng, bases, i):
    m = _members(_unit(rng, bases))
    lol = b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lololololololololol">' + b"".join(
        b'<!ENTITY lol%d "%s">' % (k, (b"&lol%d;" % (k - 1) if k > 1 else b"&lol;") * 10) for k in range(1, 10)) + b"]>"
    which = [SHEETS["targets"], "xl/workbook.xml", "xl/styles.xml", "[Content_Types].xml", SHEETS["lists"]][i % 5]
    body = re.sub(rb"^<\?xml[^>]*\?>", b"", m[which])
    body = body.replace(b"<sheetData>", b"<sheetData><row r=\"100\"><c r=\"A100\" t=\"inlineStr\"><is><t>&lol9;</t></is></c></row>", 1)
    m[which] = lol + body
    return "entity_bomb.xlsx", _zip(m)


@klass("deep_nesting")
def _deep(rng, bases, i):
    m = _members(_unit(rng, bases))
    depth = [100_000, 1_000_000][i % 2]
    m[SHEETS["import"]] = m[SHEETS["import"]].replace(b"<sheetData>", b"<sheetData>" + b"<x>" * depth + b"</x>" * depth, 1)
    return "deep.xlsx", _zip(m)


FAR = ["XFD1048576", "A1048576", "XFD1", "ZZ200000", "AAA50000", "B1048575", "XFE1", "A99999999999"]


@klass("far_cell")
def _far_cell(rng, bases, i):
    sheet = list(SHEETS)[i % 5]
    ref = FAR[(i // 5) % len(FAR)]
    row = int(re.match(r"[A-Z]+(\d+)", ref).group(1))
    cell = num_cell(ref, "1") if i % 3 else text_cell(ref, "远处")
    return f"far_{sheet}.xlsx", _edit(rng, bases, sheet, lambda x: append_row(x, row, cell))


@klass("far_row_only")
def _far_row(rng, bases, i):
    sheet = list(SHEETS)[i % 5]
    rows = b"".join(b'<row r="%d"/>' % r for r in (1048576, 500000))
    return "far_row.xlsx", _edit(rng, bases, sheet, lambda x: x.replace(b"</sheetData>", rows + b"</sheetData>", 1))


@klass("cells_without_ref")
def _no_ref(rng, bases, i):
    sheet = list(SHEETS)[i % 5]
    cells = b"<c><v>1</v></c>" * [20000, 17000][i % 2]
    return "noref.xlsx", _edit(rng, bases, sheet, lambda x: append_row(x, 45, cells))


@klass("huge_dimension")
def _dimension(rng, bases, i):
    sheet = list(SHEETS)[i % 5]
    ref = [b"A1:XFD1048576", b"A1:A1048576", b"A1:XFD1", b"B2:ZZZ999999"][(i // 5) % 4]
    return "dimension.xlsx", _edit(rng, bases, sheet, lambda x: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="' + ref + b'"', x, count=1))


@klass("huge_merge")
def _merge(rng, bases, i):
    sheet = list(SHEETS)[i % 5]
    kind = (i // 5) % 4
    if kind == 0:
        merges = b'<mergeCell ref="A1:XFD1048576"/>'
    elif kind == 1:
        merges = b'<mergeCell ref="A7:B1048576"/>'
    elif kind == 2:
        merges = b"".join(b'<mergeCell ref="A%d:I%d"/>' % (r, r) for r in range(1000, 201000))
    else:
        merges = b'<mergeCell ref="A7:XFD7"/><mergeCell ref="B8:B1048576"/>'
    def edit(x: bytes) -> bytes:
        x = re.sub(rb"<mergeCells[^>]*>.*?</mergeCells>", b"", x, flags=re.S)
        block = b'<mergeCells count="1">' + merges + b"</mergeCells>"
        for anchor in (b"<phoneticPr", b"<conditionalFormatting", b"<dataValidations", b"<hyperlinks",
                       b"<printOptions", b"<pageMargins"):
            if anchor in x:
                return x.replace(anchor, block + anchor, 1)
        return x.replace(b"</sheetData>", b"</sheetData>" + block, 1)
    return "merge.xlsx", _edit(rng, bases, sheet, edit)


@klass("shared_strings")
def _sst(rng, bases, i):
    m = _members(_unit(rng, bases))
    kind = i % 4
    ns = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    if kind == 0:
        sst = b"<sst " + ns + b' count="2147483648" uniqueCount="2147483648"><si><t>x</t></si></sst>'
    elif kind == 1:
        sst = b"<sst " + ns + b' count="4294967295" uniqueCount="4294967295"><si><t>x</t></si></sst>'
    elif kind == 2:
        sst = b"<sst " + ns + b' count="1" uniqueCount="1"><si><t>' + "长".encode() * (20 * 1024 * 1024) + b"</t></si></sst>"
    else:
        sst = b"<sst " + ns + b' count="99999999999999999999" uniqueCount="-1"><si><t>x</t></si></sst>'
    m["xl/sharedStrings.xml"] = sst
    m["xl/_rels/workbook.xml.rels"] = m["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
    m["[Content_Types].xml"] = m["[Content_Types].xml"].replace(
        b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
        b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    m[SHEETS["targets"]] = set_cell(m[SHEETS["targets"]], "C7", b'<c r="C7" t="s"><v>0</v></c>')
    return "sst.xlsx", _zip(m)


@klass("style_counts")
def _styles(rng, bases, i):
    m = _members(_unit(rng, bases))
    st = m["xl/styles.xml"]
    tag = [rb'<cellXfs count="\d+"', rb'<numFmts count="\d+"', rb'<fonts count="\d+"'][i % 3]
    m["xl/styles.xml"] = re.sub(tag, lambda mm: re.sub(rb"\d+", b"2147483647", mm.group(0)), st, count=1)
    return "styles.xlsx", _zip(m)


ILLEGAL = ["\ufffe", "\uffff", "\x01", "\x0b", "\x1f", "\x00", "a\ufffeb\x02c", "\x7f\x1b[31m"]
TEXT_CELLS = [("targets", "C2"), ("targets", "C7"), ("targets", "A7"), ("targets", "B8"), ("targets", "D7"),
              ("targets", "E7"), ("targets", "F7"), ("targets", "G7"), ("targets", "H7"), ("targets", "I7"),
              ("targets", "C3"), ("targets", "C40"), ("actuals", "G7"), ("actuals", "J7"), ("actuals", "C7"),
              ("actuals", "A4"), ("lists", "B1"), ("targets", "A6")]


@klass("illegal_chars")
def _illegal(rng, bases, i):
    sheet, ref = TEXT_CELLS[i % len(TEXT_CELLS)]
    bad = ILLEGAL[(i // len(TEXT_CELLS)) % len(ILLEGAL)]
    prefix = "芷江侗族自治县政务服务中心" if ref == "C2" else "≥"
    text = prefix + bad + "值" if ref not in ("D7",) else bad
    def edit(x: bytes) -> bytes:
        c = text_cell(ref, text)
        if "\x00" in text:  # a raw NUL cannot be escaped: write it as _x0000_ (Excel's own escape)
            c = c.replace(b"\x00", b"_x0000_")
        return set_cell(x, ref, c)
    return f"illegal_{sheet}_{ref}.xlsx", _edit(rng, bases, sheet, edit)


NUMBERS = ["1e308", "-1e308", "1.7976931348623157e308", "100000000000000000000000000", "NaN", "inf", "-inf",
           "1e-320", "-0", "4.9e-324", "9007199254740993", "1e20", "-1e20", "123456789012345678901234567890"]
NUM_CELLS = [("targets", "E7"), ("targets", "E8"), ("targets", "C3"), ("actuals", "G7"), ("actuals", "G8"),
             ("actuals", "A4"), ("actuals", "B4"), ("targets", "H7"), ("targets", "C7"), ("targets", "D7"),
             ("targets", "C40"), ("lists", "B1")]


@klass("numbers")
def _numbers(rng, bases, i):
    sheet, ref = NUM_CELLS[i % len(NUM_CELLS)]
    v = NUMBERS[(i // len(NUM_CELLS)) % len(NUMBERS)]
    return f"number_{sheet}_{ref}.xlsx", _edit(rng, bases, sheet, lambda x: set_cell(x, ref, num_cell(ref, v)))


@klass("digit_strings")
def _digits(rng, bases, i):
    sheet, ref = NUM_CELLS[i % len(NUM_CELLS)]
    n = [5000, 400, 100_000, 32767][(i // len(NUM_CELLS)) % 4]
    text = ["9" * n, "1." + "3" * n, "-" + "7" * n + "%", "1e" + "9" * 12, "１" * 300][(i // 3) % 5]
    return f"digits_{sheet}_{ref}.xlsx", _edit(rng, bases, sheet, lambda x: set_cell(x, ref, text_cell(ref, text)))


DATES = ["-1", "-693594", "0", "60", "2958466", "2958465.9999999", "1e9", "-1e9", "1e308", "NaN"]
DATE_CELLS = [("targets", "E7"), ("actuals", "G7"), ("actuals", "G9"), ("targets", "C40"), ("targets", "C3"),
              ("actuals", "A4"), ("targets", "E9")]


@klass("dates")
def _dates(rng, bases, i):
    m = _members(_unit(rng, bases))
    style = add_date_style(m)
    sheet, ref = DATE_CELLS[i % len(DATE_CELLS)]
    v = DATES[(i // len(DATE_CELLS)) % len(DATES)]
    m[SHEETS[sheet]] = set_cell(m[SHEETS[sheet]], ref, num_cell(ref, v, style))
    return f"date_{sheet}_{ref}.xlsx", _zip(m)


@klass("formula_and_errors")
def _errors(rng, bases, i):
    sheet, ref = NUM_CELLS[i % len(NUM_CELLS)]
    cell = [f'<c r="{ref}" t="e"><v>#DIV/0!</v></c>', f'<c r="{ref}" t="b"><v>1</v></c>',
            f'<c r="{ref}"><f>1/0</f><v>#NUM!</v></c>', f'<c r="{ref}" t="str"><f>A1</f><v>=HYPERLINK("x")</v></c>',
            f'<c r="{ref}" t="d"><v>2026-13-45T99:99:99</v></c>', f'<c r="{ref}" t="d"><v>-9999-01-01</v></c>',
            f'<c r="{ref}" t="s"><v>999999</v></c>', f'<c r="{ref}" t="s"><v>-1</v></c>'][(i // len(NUM_CELLS)) % 8]
    return f"cellkind_{sheet}_{ref}.xlsx", _edit(rng, bases, sheet, lambda x: set_cell(x, ref, cell.encode()))


@klass("structure")
def _structure(rng, bases, i):
    m = _members(_unit(rng, bases))
    k = i % 8
    if k == 0:  # workbook.xml points to a missing sheet part
        del m[SHEETS["targets"]]
    elif k == 1:  # two sheets with the same name
        m["xl/workbook.xml"] = m["xl/workbook.xml"].replace("实际完成".encode(), "目标表".encode(), 1)
    elif k == 2:  # sheet rel target outside the package
        m["xl/_rels/workbook.xml.rels"] = m["xl/_rels/workbook.xml.rels"].replace(b"worksheets/sheet1.xml", b"../../../etc/passwd", 1)
    elif k == 3:  # empty sheetData everywhere
        for s in SHEETS.values():
            m[s] = re.sub(rb"<sheetData>.*</sheetData>", b"<sheetData/>", m[s], flags=re.S)
    elif k == 4:  # the header row removed from 目标表
        m[SHEETS["targets"]] = re.sub(rb'<row r="6".*?</row>', b"", m[SHEETS["targets"]], count=1, flags=re.S)
    elif k == 5:  # rows out of order and duplicated
        x = m[SHEETS["targets"]]
        rows = re.findall(rb"<row .*?</row>", x, flags=re.S)
        rng.shuffle(rows)
        m[SHEETS["targets"]] = re.sub(rb"<sheetData>.*</sheetData>", b"<sheetData>" + b"".join(rows + rows[:5]) + b"</sheetData>", x, flags=re.S)
    elif k == 6:  # 20,000 indicator rows
        row = re.search(rb'<row r="7".*?</row>', m[SHEETS["targets"]], flags=re.S).group(0)
        many = b"".join(row.replace(b'r="7"', b'r="%d"' % r).replace(b'7"', b'%d"' % r) for r in range(41, 20041))
        m[SHEETS["targets"]] = m[SHEETS["targets"]].replace(b"</sheetData>", many + b"</sheetData>")
    else:  # non-UTF-8 XML declared as GBK
        m["xl/workbook.xml"] = m["xl/workbook.xml"].decode("utf-8").replace('<?xml version="1.0"', '<?xml version="1.0" encoding="gbk"').encode("gbk", "replace")
    return "structure.xlsx", _zip(m)


@klass("text_tables")
def _text(rng, bases, i):
    src = bases[f"text{i % 3}"].read_text(encoding="utf-8")
    lines = src.splitlines()
    k = (i // 3) % 9
    if k == 0:
        lines[rng.randrange(len(lines))] += "\ufffe\uffff"
    elif k == 1:
        lines = [ln.replace("\t", "\t\x01", 1) for ln in lines]
    elif k == 2:
        lines.insert(5, "\t".join(["9" * 5000, "1e308", "NaN", "inf", "-1e308"] * 3))
    elif k == 3:
        lines.append("x" * 3_000_000)
    elif k == 4:
        lines = ["\t".join(["a"] * 20000), *lines]
    elif k == 5:
        return "text.txt", ("\n".join(lines)).encode("utf-16-le")  # no BOM
    elif k == 6:
        return "text.txt", b"\x00\x01\x02" * 1000
    elif k == 7:
        lines = [ln.replace("分", "\x0b分\x1f") for ln in lines]
    else:
        lines = lines * 200
    ext = [".txt", ".md", ".tsv"][i % 3]
    if ext == ".md":
        lines = ["| " + " | ".join(ln.split("\t")) + " |" for ln in lines]
    return f"text{ext}", "\n".join(lines).encode("utf-8", "surrogatepass")


@klass("actuals_csv")
def _csv(rng, bases, i):
    text = bases["csv"].read_text(encoding="utf-8")
    lines = text.splitlines()
    bad = ["\ufffe", "\x01", "1e308", "NaN", "inf", "-inf", "9" * 5000, "1e-400", "", "=cmd|' /C calc'!A0",
           "2026-02-30", "-1e308", "\x00"][i % 13]
    if len(lines) > 1:
        parts = lines[1].split(",")
        parts[1 if len(parts) > 1 else 0] = bad
        lines[1] = ",".join(parts)
    return "actuals.csv", "\n".join(lines).encode("utf-8", "surrogatepass")


@klass("docx")
def _docx(rng, bases, i):
    m = _members(bases["docx"])
    doc = m["word/document.xml"]
    k = i % 8
    if k == 0:
        doc = doc.replace(b"<w:tcPr>", b'<w:tcPr><w:gridSpan w:val="abc"/>', 1)
    elif k == 1:
        doc = doc.replace(b"<w:tcPr>", b'<w:tcPr><w:vMerge/>', 3)
    elif k == 2:
        doc = doc.replace(b"<w:tcPr>", b'<w:tcPr><w:gridSpan w:val="2147483647"/>', 1)
    elif k == 3:
        doc = doc.replace(b"<w:tcPr>", b'<w:tcPr><w:gridSpan w:val="-5"/>', 2)
    elif k == 4:
        doc = doc.replace(b"<w:tcPr>", b'<w:tcPr><w:vMerge w:val="continue"/><w:gridSpan w:val="0"/>', 5)
    elif k == 5:
        doc = doc.replace(b"<w:t>", "<w:t>\ufffe\x01".encode(), 4)
    elif k == 6:
        doc = doc.replace(b"<w:tblGrid>", b'<w:tblGrid><w:gridCol w:w="abc"/>', 1)
    else:
        doc = doc[: len(doc) // 2]
    m["word/document.xml"] = doc
    return "broken.docx", _zip(m)


@klass("ods")
def _ods(rng, bases, i):
    k = i % 4
    rows = [b'<table:table-row table:number-rows-repeated="1048575"><table:table-cell office:value-type="float" office:value="1"/></table:table-row>',
            b'<table:table-row><table:table-cell table:number-columns-repeated="16384" office:value-type="float" office:value="1"/></table:table-row>',
            b'<table:table-row table:number-rows-repeated="1048000"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
            b'<table:table-row><table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>',
            b'<table:table-row table:number-rows-repeated="1048576"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>'][k]
    content = (b'<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               b'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
               b'<office:body><office:spreadsheet><table:table table:name="Sheet1">' + rows + b'</table:table></office:spreadsheet></office:body></office:document-content>')
    m = {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": content,
         "META-INF/manifest.xml": b'<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
         b'<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
         b'<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'}
    return "repeat.ods", _zip(m, zipfile.ZIP_STORED if k == 3 else zipfile.ZIP_DEFLATED)


@klass("xlsb")
def _xlsb(rng, bases, i):
    """A minimal .xlsb: one sheet with a cell at the far corner (BIFF12 records)."""
    def rec(t: int, body: bytes) -> bytes:
        tb = bytes([t]) if t < 128 else bytes([(t & 0x7F) | 0x80, t >> 7])
        n, sz = len(body), b""
        while True:
            b = n & 0x7F
            n >>= 7
            sz += bytes([b | (0x80 if n else 0)])
            if not n:
                break
        return tb + sz + body
    row, col = [(1048575, 16383), (1048575, 0), (0, 16383), (0, 0)][i % 4]
    sheet = (rec(129, b"") + rec(148, (0).to_bytes(4, "little") * 2 + (0).to_bytes(4, "little") * 2) + rec(145, b"")
             + rec(0, row.to_bytes(4, "little") + b"\x00" * 13) + rec(5, col.to_bytes(4, "little") + b"\x00" * 4 + (1.0).hex().encode()[:8])
             + rec(146, b"") + rec(130, b""))
    wb = rec(131, b"") + rec(143, b"") + rec(156, b"\x00" * 8 + (4).to_bytes(4, "little") + "rId1".encode("utf-16-le") + (2).to_bytes(4, "little") + "S1".encode("utf-16-le")) + rec(144, b"") + rec(132, b"")
    m = {"[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
         b'<Default Extension="bin" ContentType="application/vnd.ms-excel.sheet.binary.macroEnabled.main"/>'
         b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/></Types>',
         "_rels/.rels": b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.bin"/></Relationships>',
         "xl/workbook.bin": wb, "xl/worksheets/sheet1.bin": sheet,
         "xl/_rels/workbook.bin.rels": b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.bin"/></Relationships>'}
    return "far.xlsb", _zip(m)


# ---------------------------------------------------------------------------------------------
# Special files (not regular files; POSIX only)
# ---------------------------------------------------------------------------------------------


def special_files(folder: Path) -> list[Case]:
    folder.mkdir(parents=True, exist_ok=True)
    out: list[Case] = []

    def add(name: str, make: Callable[[Path], None], cls: str) -> None:
        p = folder / name
        try:
            make(p)
        except OSError:
            return
        out.append(Case(p, cls))

    for ext in (".xlsx", ".txt", ".docx", ".csv", ".xls"):
        add(f"fifo{ext}", lambda p: os.mkfifo(p), "special_fifo")
        add(f"loop{ext}", lambda p: os.symlink(p.name, p), "special_symlink_loop")
        add(f"zero{ext}", lambda p: os.symlink("/dev/zero", p), "special_dev_zero")
        add(f"broken{ext}", lambda p: os.symlink("does-not-exist" + p.suffix, p), "special_broken_link")
        add(f"dir{ext}", lambda p: p.mkdir(), "special_folder")
    add("urandom.xlsx", lambda p: os.symlink("/dev/urandom", p), "special_dev_zero")
    add("loop_a.xlsx", lambda p: (os.symlink("loop_b.xlsx", p), os.symlink("loop_a.xlsx", p.with_name("loop_b.xlsx"))), "special_symlink_loop")
    return out


def generate(folder: Path, per_class: int, seed: int = 0, classes: list[str] | None = None,
             bases: dict[str, Path] | None = None, special: bool = True) -> list[Case]:
    """Write the corpus to ``folder``: ``per_class`` files of every class, plus the special files."""
    folder.mkdir(parents=True, exist_ok=True)
    bases = bases or build_bases(folder / "_bases")
    cases: list[Case] = []
    for name, make in CLASSES.items():
        if classes and name not in classes:
            continue
        rng = random.Random(f"{seed}-{name}")
        d = folder / name
        d.mkdir(exist_ok=True)
        for i in range(per_class):
            fname, data = make(rng, bases, i)
            p = d / f"{i:04d}_{fname}"
            p.write_bytes(data)
            cases.append(Case(p, name))
    if special:
        cases += special_files(folder / "special")
    return cases


XLS_BASE = ROOT / "tests" / "data" / "fuzz" / "small.xls"


@klass("xls")
def _xls(rng, bases, i):
    """An old .xls (BIFF8, made by LibreOffice) with cell, DIMENSIONS, SST or MERGEDCELLS records patched."""
    import struct

    import olefile

    data = bytearray(XLS_BASE.read_bytes())
    with olefile.OleFileIO(str(XLS_BASE)) as ole:
        stream = ole.openstream("Workbook").read()
    start = data.find(stream[:64])
    k = i % 5
    j = 0
    while j + 4 <= len(stream):
        t, size = struct.unpack_from("<HH", stream, j)
        body = start + j + 4
        if k == 0 and t in (0x0203, 0x027E, 0x00FD, 0x0204):  # a cell at the far corner
            struct.pack_into("<HH", data, body, 65535, 255)
        elif k == 1 and t == 0x0200:  # DIMENSIONS: the whole sheet
            struct.pack_into("<IIHH", data, body, 0, 65536, 0, 256)
        elif k == 2 and t == 0x00FC:  # SST counts 2³¹
            struct.pack_into("<II", data, body, 2**31, 2**31)
        elif k == 3 and t in (0x0203, 0x027E, 0x00FD, 0x0204):
            struct.pack_into("<HH", data, body, rng.randrange(65536), rng.randrange(256))
        elif k == 4 and rng.random() < 0.05:
            data[body + rng.randrange(max(1, size))] ^= 0xFF
        j += 4 + size
    return "old.xls", bytes(data)


ODD_NAMES = [os.fsdecode(b"bad\xff\xfe.xlsx"), "ctl\x01\x1f.xlsx", "nonchar\ufffe\uffff.xlsx", "line\nbreak.xlsx",
             "=HYPERLINK(x).xlsx", " spaced .xlsx", "长" * 70 + ".xlsx", "tab\tname.xlsm", "semi;colon,comma.xlsx"]


@klass("odd_names")
def _odd_names(rng, bases, i):
    """Valid or broken workbooks under names no writer can hold as they are (bytes that are not
    UTF-8, control characters, non-characters, line breaks, a formula, 210 bytes of Chinese)."""
    data = _unit(rng, bases).read_bytes() if i % 2 == 0 else b"PK\x03\x04broken"
    return ODD_NAMES[i % len(ODD_NAMES)], data


REAL = ROOT / "tests" / "data" / "real"


@klass("monitoring")
def _monitoring(rng, bases, i):
    """A unit workbook whose 运行监控 sheet (mid-year monitoring) holds hostile values."""
    from xlsxtools import layout

    b, v = layout.MONITOR_BUDGET_COL, layout.MONITOR_BUDGET_VALUE_ROW
    c, first = layout.MONITOR_COL, layout.MONITOR_FIRST_ROW
    k = i % 8

    def edit(x: bytes) -> bytes:
        if k == 0:  # NaN and infinities where amounts go
            for key, val in (("budget", "NaN"), ("spent", "INF"), ("expected_spent", "-INF")):
                x = set_cell(x, f"{b[key]}{v}", num_cell(f"{b[key]}{v}", val))
        elif k == 1:  # amounts of 1e308 and a 5,000-digit text
            x = set_cell(x, f"{b['budget']}{v}", num_cell(f"{b['budget']}{v}", "1e308"))
            x = set_cell(x, f"{b['spent']}{v}", text_cell(f"{b['spent']}{v}", "9" * 5000))
        elif k == 2:  # a period that is no period, and one beyond December
            x = set_cell(x, f"{b['period']}{v}", text_cell(f"{b['period']}{v}", ["1-99月", "\ufffe\x01", "=1/0"][i % 3]))
        elif k == 3:  # a far cell on the monitoring sheet
            x = append_row(x, 1048576, b'<c r="XFD1048576"><v>1</v></c>')
        elif k == 4:  # control characters and non-characters in the cause and measures
            for r in range(first, first + 3):
                x = set_cell(x, f"{c['measures']}{r}", text_cell(f"{c['measures']}{r}", "措施\x01\x02\ufffe"))
        elif k == 5:  # progress as dates, errors and negative numbers
            for r, val in zip(range(first, first + 3), ("-1e300", "-5", "1e-320"), strict=True):
                x = set_cell(x, f"{c['progress']}{r}", num_cell(f"{c['progress']}{r}", val))
            x = set_cell(x, f"{c['expected']}{first}", b'<c r="%s%d" t="e"><v>#DIV/0!</v></c>' % (c["expected"].encode(), first))
        elif k == 6:  # a huge merge over the monitoring grid
            x = x.replace(b"</sheetData>", b"</sheetData><mergeCells count=\"1\"><mergeCell ref=\"A7:XFD1048576\"/></mergeCells>", 1) \
                if b"<mergeCells" not in x else re.sub(rb'<mergeCells count="\d+">', b'<mergeCells count="999"><mergeCell ref="A7:XFD1048576"/>', x, count=1)
        else:  # the sheet's XML cut in the middle
            x = x[: len(x) // 2]
        return x

    return "monitoring.xlsm", _edit(rng, bases, "monitor", edit)


@klass("html")
def _html(rng, bases, i):
    """Saved web pages: cut, span bombs, deep nesting, odd bytes, several thousand tables."""
    base = (REAL / "hb-2022-proj-target-01" / "source.html").read_bytes()
    k = i % 8
    if k == 0:
        data = base[: rng.randrange(1, len(base))]
    elif k == 1:
        data = re.sub(rb"<td", b'<td rowspan="500" colspan="500"', base)
    elif k == 2:
        data = b"<div>" * 200_000 + base + b"</div>" * 200_000
    elif k == 3:
        data = bytes(rng.randrange(256) for _ in range(20_000))
    elif k == 4:
        data = base.replace(b"<td>", "<td>\ufffe\x01\x7f".encode(), 20)
    elif k == 5:
        data = b"<table><tr><td>" * 3000 + b"x" + b"</td></tr></table>" * 3000
    elif k == 6:
        data = b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/html; charset=\"x-unknown\"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n=FF=FE<table>=\r\n"
    else:
        data = b"<html><body>" + b"<table><tr><td>1</td><td>2</td></tr></table>" * 20_000 + b"</body></html>"
    return ("page.mht" if k == 6 else "page.html"), data


@klass("pdf")
def _pdf(rng, bases, i):
    """PDFs: cut, bit-flipped, a header only, a lying page count, text under a .pdf name."""
    base = bytearray((REAL / "sc-2022-proj-self-01" / "source.pdf").read_bytes())
    k = i % 5
    if k == 0:
        data = bytes(base[: rng.randrange(8, len(base))])
    elif k == 1:
        for _ in range(50):
            base[rng.randrange(len(base))] ^= 1 << rng.randrange(8)
        data = bytes(base)
    elif k == 2:
        data = b"%PDF-1.4\n%%EOF\n"
    elif k == 3:
        data = re.sub(rb"/Count \d+", b"/Count 2147483647", bytes(base))
    else:
        data = "一级指标\t二级指标\n产出指标\t数量指标\n".encode()
    return "table.pdf", data


@klass("csv_tables")
def _csv_tables(rng, bases, i):
    """Tables saved as CSV: unbalanced quotes, fields beyond the csv module's limit, NUL bytes,
    thousands of columns, odd encodings."""
    import csv as _csv_mod

    src = bases[f"text{i % 3}"].read_text(encoding="utf-8")
    rows = [ln.split("\t") for ln in src.splitlines()]
    buf = io.StringIO()
    _csv_mod.writer(buf).writerows(rows)
    text = buf.getvalue()
    k = i % 7
    if k == 0:
        text = '"' + text * 40  # one quote never closed: the rest of the file is one field
    elif k == 1:
        text = text + '"' + "x" * 200_000 + '",b\n'
    elif k == 2:
        return "table.csv", text.encode("utf-8").replace(b",", b",\x00", 50)
    elif k == 3:
        text = ",".join(["a"] * 50_000) + "\n" + text
    elif k == 4:
        return "table.csv", text.encode("utf-16-le")  # no BOM
    elif k == 5:
        text = text.replace(",", ";")
    else:
        text = text.replace("分", "\ufffe\x01分")
    return "table.csv", text.encode("utf-8", "surrogatepass")
