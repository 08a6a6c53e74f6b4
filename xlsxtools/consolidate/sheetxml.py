"""The rows of the summary's two big sheets as SpreadsheetML, rendered where the data is and
spliced into the workbook XlsxWriter wrote.

指标明细 and 问题清单 hold one row per indicator / finding: about 30 rows and 400 cells per unit.
Handing every cell to XlsxWriter costs about 4 µs a cell on the parent's one core (storing it,
then serialising it at ``close()``): ≈1.5 CPU-seconds for 1,000 units, most of it after the
reading has finished. Instead each worker renders its unit's rows as ``<row>`` elements
(:func:`render_row`: inline strings, the row number left as a placeholder), the parent numbers
them as they arrive and appends them to a temporary file (:class:`RowSpool`), and once XlsxWriter
has written everything else (these sheets' title, header, column widths, filter, print setup)
:func:`splice` streams the rows into the sheets' ``<sheetData>`` while copying the package.

Text is always an inline *string* cell, so "=" (the 指标值类型 symbol) or a unit name typed as
"=…" can never become a formula. Control characters are escaped the way Excel and XlsxWriter do
(``_xHHHH_``), and text longer than a cell holds is cut to 32,767 characters as XlsxWriter does.
"""

from __future__ import annotations

import re
import tempfile
import zipfile
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from typing import IO, Any
from xml.etree import ElementTree
from xml.sax.saxutils import escape

from xlsxtools.layout import col_index, col_letter
from xlsxtools.textwidth import line_count, lines_height

#: Placeholder for the row number inside a rendered row (the parent replaces it).
ROW_MARK = b"\x00"
#: Placeholders for the style of a number cell shown as "0.00" and of a date cell (:func:`splice`
#: replaces them with the cellXfs index it adds to styles.xml).
NUMBER_MARK = b"\x01"
DATE_MARK = b"\x02"
#: … and of a cell of a row taller than one line: wrapped, at the top (numbers and dates of such
#: a row sit at the top too).
WRAP_MARK = b"\x03"
#: The number formats those styles use: the built-in 2 is "0.00"; dates get their own format
#: yyyy-mm-dd (the built-in 14 is the viewer's locale short date: 1/8/2027 in US English).
DATE_FORMAT = "yyyy-mm-dd"
_STYLE_FORMATS: tuple[tuple[bytes, int | str], ...] = ((NUMBER_MARK, 2), (DATE_MARK, DATE_FORMAT), (WRAP_MARK, 0))
#: The alignment of those styles (by mark).
_STYLE_ALIGNMENT = {NUMBER_MARK: b'<alignment vertical="top"/>', DATE_MARK: b'<alignment vertical="top"/>',
                    WRAP_MARK: b'<alignment vertical="top" wrapText="1"/>'}

MAX_STRING = 32767
#: The last row a worksheet has (Excel 2007 and later).
MAX_ROW = 1_048_576
_INF = float("inf")
_MAX_INT = 10**300


#: Cell references with the row placeholder, by 0-based column (enough for any summary sheet).
_REFS = [f'<c r="{col_letter(i + 1)}\x00"' for i in range(64)]

_ESCAPE_XLSX = re.compile(r"(_x[0-9a-fA-F]{4}_)")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]")
_XML_SPECIAL = re.compile("[&<>\x00-\x08\x0b-\x1f\ufffe\uffff\ud800-\udfff]|_x")
#: Characters no XML may hold even escaped (U+FFFE, U+FFFF, lone surrogates): replaced by U+FFFD.
_NON_CHARS = re.compile("[\ufffe\uffff\ud800-\udfff]")


def _control(m: re.Match[str]) -> str:
    return f"_x{ord(m.group(0)):04X}_"


def text_xml(s: str) -> str:
    """``<t>`` element of a string: XML-escaped, control characters as ``_xHHHH_`` (and a literal
    ``_xHHHH_`` protected as ``_x005F_xHHHH_``), surrounding whitespace preserved."""
    if len(s) > MAX_STRING:
        s = s[:MAX_STRING]
    if _XML_SPECIAL.search(s):
        s = _ESCAPE_XLSX.sub(r"_x005F\1", s)
        s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        s = _CONTROL.sub(_control, s)
        s = _NON_CHARS.sub("\ufffd", s)
    if s[:1].isspace() or s[-1:].isspace():
        return f'<t xml:space="preserve">{s}</t>'
    return f"<t>{s}</t>"


_EPOCH = datetime(1899, 12, 31)


def excel_serial(v: date) -> float | None:
    """Excel's serial number of a date or datetime (1900 date system, time zone dropped), or None
    before 1900-01-01, which Excel cannot show as a date."""
    if not isinstance(v, datetime):
        v = datetime(v.year, v.month, v.day)
    delta = v.replace(tzinfo=None) - _EPOCH
    days = delta.days + (delta.seconds + delta.microseconds / 1e6) / 86400
    if days < 1:
        return None
    return days + 1 if days >= 60 else days  # Excel counts a 29 February 1900


_NUMBER_STYLE = f' s="{NUMBER_MARK.decode()}"'
_DATE_STYLE = f' s="{DATE_MARK.decode()}"'
_WRAP_STYLE = f' s="{WRAP_MARK.decode()}"'


def _text_cell(c: int, s: str, style: str = "") -> str:
    return f'{_REFS[c]}{style} t="inlineStr"><is>{text_xml(s)}</is></c>'


def _number_cell(c: int, v: float, style: str) -> str:
    return f"{_REFS[c]}{style}><v>{v:.16G}</v></c>"


def render_row(values: Sequence[Any], number_cols: Collection[int] = (),
               wrap: Mapping[int, float] | None = None, font_size: float = 10.0) -> bytes:
    """One ``<row>`` of ``values`` (column A first), its row number left as :data:`ROW_MARK`.

    Text becomes a string cell; int and float a number (shown as "0.00" in ``number_cols``);
    date and datetime a date; bool 是/否; None, "", NaN and infinities stay empty; anything else
    its ``str``. ``wrap`` (column → width): the columns whose text wraps; a row that needs more
    than one line for them is as tall as that, its text cells wrapped and at the top.
    """
    if len(values) > len(_REFS):
        raise ValueError(f"too many columns for a summary row: {len(values)}")
    text_style = ""
    lines = 1
    if wrap:
        lines = max((line_count(values[c], w) for c, w in wrap.items()
                     if c < len(values) and type(values[c]) is str and values[c]), default=1)
    if lines > 1:
        text_style = _WRAP_STYLE
        parts = [f'<row r="{ROW_MARK.decode()}" ht="{lines_height(lines, font_size):g}" '
                 'customHeight="1">']
    else:
        parts = [f'<row r="{ROW_MARK.decode()}">']
    add = parts.append
    for c, v in enumerate(values):
        t = type(v)
        if t is str:  # the common cases first, by exact type
            if v:
                add(_text_cell(c, v, text_style))
        elif t is float or t is int:
            if t is int and not -_MAX_INT < v < _MAX_INT:  # beyond a double: its text (or its length)
                add(_text_cell(c, str(v) if v.bit_length() < 4000 else f"（{int(v.bit_length() * 0.30103) + 1} 位数字）"))
            elif v == v and v != _INF and v != -_INF:
                add(_number_cell(c, v, _NUMBER_STYLE if c in number_cols else text_style))
        elif v is None:
            continue
        elif isinstance(v, bool):
            add(_text_cell(c, "是" if v else "否", text_style))
        elif isinstance(v, date):
            serial = excel_serial(v)
            add(_text_cell(c, v.isoformat()) if serial is None else _number_cell(c, serial, _DATE_STYLE))
        elif isinstance(v, int | float):  # subclasses (IntEnum, numpy scalars …)
            try:
                f = float(v)
            except OverflowError:
                f = _INF
            if f == f and f != _INF and f != -_INF:
                add(_number_cell(c, f, _NUMBER_STYLE if c in number_cols else text_style))
        elif s := str(v):
            add(_text_cell(c, s, text_style))
    add("</row>")
    return "".join(parts).encode("utf-8", "replace")  # a lone surrogate cannot be stored: "?"


class RowSpool:
    """The rendered rows of one sheet, numbered as they are appended, on a temporary file.

    Rows past the sheet's last row (:data:`MAX_ROW`) are not kept, only counted in ``dropped``.
    """

    def __init__(self, first_row: int, columns: int, max_row: int | None = None) -> None:
        #: 1-based row number of the next row appended.
        self.next_row = first_row
        self.first_row = first_row
        self.columns = columns
        self.max_row = MAX_ROW if max_row is None else max_row
        self.dropped = 0
        self.fh: IO[bytes] = tempfile.TemporaryFile(prefix="xlsxtools-rows-")
        self.size = 0

    @property
    def count(self) -> int:
        return self.next_row - self.first_row

    def append(self, rows: Iterable[bytes]) -> int:
        """Append rendered rows; returns how many."""
        r = self.next_row
        numbered = [row.replace(ROW_MARK, b"%d" % (r + i)) for i, row in enumerate(rows)]
        room = max(0, self.max_row + 1 - r)
        if len(numbered) > room:
            self.dropped += len(numbered) - room
            numbered = numbered[:room]
        if numbered:
            blob = b"".join(numbered)
            self.fh.write(blob)
            self.size += len(blob)
            self.next_row = r + len(numbered)
        return len(numbered)

    def chunks(self, size: int = 1 << 20) -> Iterator[bytes]:
        """The rows written so far, in pieces of about ``size`` bytes."""
        self.fh.flush()
        self.fh.seek(0)
        while True:
            chunk = self.fh.read(size)
            if not chunk:
                return
            yield chunk

    def close(self) -> None:
        self.fh.close()


# ----------------------------------------------------------------------------------------------
# Splicing the rows into the package
# ----------------------------------------------------------------------------------------------

_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet name → its part in the package (``xl/worksheets/sheetN.xml``)."""
    wb = ElementTree.fromstring(zf.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_NS_PKG_REL}Relationship")}
    out = {}
    for s in wb.iter(f"{_NS_MAIN}sheet"):
        target = targets.get(s.get(f"{_NS_REL}id"), "")
        out[s.get("name", "")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return out


def _add_styles(styles: bytes) -> tuple[bytes, dict[bytes, bytes]]:
    """styles.xml with the cell formats the rendered rows use appended to cellXfs, and the
    placeholder → index map."""
    m = re.search(rb'<cellXfs count="(\d+)">', styles)
    end = styles.find(b"</cellXfs>")
    if m is None or end < 0:
        raise RuntimeError("styles.xml without cellXfs: cannot add the summary's row styles")
    first = int(m.group(1))
    styles, ids = _add_num_formats(styles, [fmt for _, fmt in _STYLE_FORMATS if isinstance(fmt, str)])
    m = re.search(rb'<cellXfs count="(\d+)">', styles)
    end = styles.find(b"</cellXfs>")
    assert m is not None
    xfs = b"".join(_xf(ids[fmt] if isinstance(fmt, str) else fmt, _STYLE_ALIGNMENT.get(mark))
                   for mark, fmt in _STYLE_FORMATS)
    marks = {mark: b"%d" % (first + i) for i, (mark, _) in enumerate(_STYLE_FORMATS)}
    n = first + len(_STYLE_FORMATS)
    out = styles[:m.start()] + b'<cellXfs count="%d">' % n + styles[m.end():end] + xfs + styles[end:]
    return out, marks


def _xf(num_fmt: int, alignment: bytes | None) -> bytes:
    if alignment is None:
        return b'<xf numFmtId="%d" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>' % num_fmt
    return (b'<xf numFmtId="%d" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">' % num_fmt
            + alignment + b"</xf>")


_NUM_FMT = re.compile(rb'<numFmt numFmtId="(\d+)" formatCode="([^"]*)"/>')


def _add_num_formats(styles: bytes, codes: list[str]) -> tuple[bytes, dict[str, int]]:
    """styles.xml with the custom number formats ``codes`` (reused when already there), and code → id."""
    have = {code.decode(): int(i) for i, code in _NUM_FMT.findall(styles)}
    ids: dict[str, int] = {}
    new = b""
    next_id = max([163, *have.values()]) + 1  # custom formats start at 164
    for code in codes:
        if code in have:
            ids[code] = have[code]
        else:
            ids[code] = next_id
            new += b'<numFmt numFmtId="%d" formatCode="%s"/>' % (next_id, escape(code, {"\"": "&quot;"}).encode())
            next_id += 1
    if not new:
        return styles, ids
    m = re.search(rb'<numFmts count="(\d+)">', styles)
    if m is not None:
        end = styles.find(b"</numFmts>")
        count = int(m.group(1)) + new.count(b"<numFmt ")
        return styles[:m.start()] + b'<numFmts count="%d">' % count + styles[m.end():end] + new + styles[end:], ids
    at = re.search(rb"<styleSheet[^>]*>", styles)
    if at is None:
        raise RuntimeError("styles.xml without styleSheet")
    block = b'<numFmts count="%d">' % new.count(b"<numFmt ") + new + b"</numFmts>"
    return styles[:at.end()] + block + styles[at.end():], ids


_DIMENSION = re.compile(rb'<dimension ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"/>')


def _dimension(head: bytes, spool: RowSpool) -> bytes:
    m = _DIMENSION.search(head)
    if m is None:
        return head
    last_col = col_index((m.group(3) or m.group(1)).decode("ascii"))
    last_row = int(m.group(4) or m.group(2))
    if spool.count:
        last_col = max(last_col, spool.columns)
        last_row = max(last_row, spool.next_row - 1)
    ref = b'<dimension ref="%s%s:%s%d"/>' % (m.group(1), m.group(2), col_letter(last_col).encode(), last_row)
    return head[:m.start()] + ref + head[m.end():]


def splice(src: str | IO[bytes], dest: str, rows: dict[str, RowSpool], *, compresslevel: int | None = None) -> None:
    """Copy the package ``src`` to ``dest``, appending to each named sheet the rows of its spool.

    The rows follow the sheet's own (title and header rows, which must end before the first
    spooled row); the sheet's ``<dimension>`` is widened to cover them; styles.xml gains the
    number and date formats the rows refer to. Entries keep their names, order and timestamps.
    """
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED,
                                                      compresslevel=compresslevel) as zout:
        parts = sheet_parts(zin)
        missing = [name for name in rows if name not in parts]
        if missing:
            raise RuntimeError(f"sheets not in the workbook: {missing}")
        targets = {parts[name]: spool for name, spool in rows.items()}
        styles, marks = _add_styles(zin.read("xl/styles.xml"))
        for info in zin.infolist():
            out = zipfile.ZipInfo(info.filename, info.date_time)
            out.compress_type = zipfile.ZIP_DEFLATED
            out.external_attr = info.external_attr
            if info.filename == "xl/styles.xml":
                zout.writestr(out, styles)
            elif info.filename in targets:
                _write_sheet(zout, out, zin.read(info), targets[info.filename], marks)
            else:
                zout.writestr(out, zin.read(info))


def _write_sheet(zout: zipfile.ZipFile, info: zipfile.ZipInfo, xml: bytes, spool: RowSpool,
                 marks: dict[bytes, bytes]) -> None:
    end = xml.rfind(b"</sheetData>")
    if end < 0:
        raise RuntimeError(f"{info.filename}: no <sheetData> rows to append to")
    head, tail = _dimension(xml[:end], spool), xml[end:]
    big = len(head) + spool.size * 11 // 10 + len(tail) > zipfile.ZIP64_LIMIT * 9 // 10
    number, date_, wrap = marks[NUMBER_MARK], marks[DATE_MARK], marks[WRAP_MARK]
    with zout.open(info, "w", force_zip64=big) as fh:
        fh.write(head)
        for chunk in spool.chunks():
            fh.write(chunk.replace(NUMBER_MARK, number).replace(DATE_MARK, date_).replace(WRAP_MARK, wrap))
        fh.write(tail)
