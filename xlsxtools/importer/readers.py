"""Readers: turn each kind of source into ``SourceRow``s. No interpretation happens here.

- text (a Word table copied as text: tab-separated) and markdown pipe tables, line by line;
- workbooks (.xlsx/.xlsm/.xls/.xlsb/.ods) through python-calamine, one sheet;
- .docx through python-docx: body paragraphs and table rows in document order.

Every reader raises ``UnreadableFile`` naming the file for input it cannot read.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from xlsxtools.errors import UnreadableFile
from xlsxtools.importer.rows import SourceRow
from xlsxtools.layout import col_letter
from xlsxtools.normalize import clean
from xlsxtools.textfile import decode_text, read_bytes

TEXT_SUFFIXES = (".txt", ".tsv", ".text", ".md", ".markdown", ".csv")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
DOCX_SUFFIXES = (".docx",)
SUPPORTED_SUFFIXES = TEXT_SUFFIXES + WORKBOOK_SUFFIXES + DOCX_SUFFIXES

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"

def _is_cjk(ch: str) -> bool:
    return "\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef" or "\u2018" <= ch <= "\u201d"


def cell_text(value: Any) -> str:
    """A cell value as one line. Line breaks inside a cell (Alt+Enter, Word paragraphs, <br>)
    vanish between two Chinese characters and become one space otherwise."""
    if not isinstance(value, str) or ("\n" not in value and "\r" not in value):
        return clean(value)
    lines = [ln.strip() for ln in value.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    out = ""
    for ln in lines:
        if not ln:
            continue
        if out and not (_is_cjk(out[-1]) and _is_cjk(ln[0])):
            out += " "
        out += ln
    return clean(out)


# --------------------------------------------------------------------------------------------
# Text and markdown
# --------------------------------------------------------------------------------------------

_MD_SEPARATOR = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>~])")
_MD_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)


def _split_markdown(line: str) -> list[str] | None:
    """A markdown pipe-table line → cells; None for the |---| separator line."""
    s = line.strip()
    if _MD_SEPARATOR.match(s):
        return None
    s = s[1:] if s.startswith("|") else s
    if s.endswith("|") and not s.endswith("\\|"):
        s = s[:-1]
    cells = re.split(r"(?<!\\)\|", s)
    out = []
    for c in cells:
        c = _MD_BREAK.sub("\n", c.strip())
        c = re.sub(r"(?<!\\)\*\*", "", c)  # bold markers that converters put on header cells (not \*\*)
        c = _MD_ESCAPE.sub(r"\1", c)
        out.append(cell_text(c))
    return out


_QUOTED_CELL = re.compile(r'(?:^|\t)"[^"\t]*\n')


def _tsv_records(text: str, file: str | None, delimiter: str = "\t") -> list[SourceRow]:
    """Tab-separated text as Excel/WPS copy it: a cell with a line break is quoted ("经济效益\n指标");
    with ``delimiter`` "," a CSV file as Excel, WPS or a budget system saves it."""
    from xlsxtools.textfile import csv_records

    rows: list[SourceRow] = []
    for start, record in csv_records(text, file, delimiter):
        rows.append(SourceRow([cell_text(c) for c in record], start, f"第{start}行", file=file))
    return rows


def text_rows(text: str, file: str | None) -> list[SourceRow]:
    """Lines of a text → rows: a line starting with "|" is a markdown table row, others split on tabs
    (a tab-separated copy whose cells hold quoted line breaks is read as such)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\t" in text and _QUOTED_CELL.search(text) and "|" not in text[:2000]:
        return _tsv_records(text, file)
    rows: list[SourceRow] = []
    lines = text.split("\n")
    # markdown pipe rows written without the leading bar ("一级指标 | 二级指标 | …"): a text with
    # no tab at all whose separator line |---| or ---|--- marks it as a pipe table
    bare_pipes = "\t" not in text and any(_MD_SEPARATOR.match(ln.strip()) and "|" in ln for ln in lines)
    for n, line in enumerate(lines, start=1):
        if line.lstrip().startswith("|") or (bare_pipes and "|" in line):
            cells = _split_markdown(line)
            if cells is None:
                continue
        else:
            cells = [clean(c) for c in line.split("\t")]
        rows.append(SourceRow(cells, n, f"第{n}行", file=file))
    return rows


def read_text_file(path: Path) -> list[SourceRow]:
    data = read_bytes(path)
    text = decode_text(data, str(path))
    if path.suffix.lower() == ".csv":
        # comma-separated; a European-locale Excel saves ";"-separated "CSV"
        head = "\n".join(text.splitlines()[:50])
        delimiter = ";" if head.count(";") > head.count(",") else ","
        return _tsv_records(text.replace("\r\n", "\n").replace("\r", "\n"), str(path), delimiter)
    return text_rows(text, str(path))


# --------------------------------------------------------------------------------------------
# Workbooks (python-calamine)
# --------------------------------------------------------------------------------------------


def grid_rows(values: Sequence[Sequence[Any]], file: str | None, sheet: str | None,
              first_row: int = 1, first_col: int = 1) -> list[SourceRow]:
    """A 2-D block of cell values (first cell at ``first_row``/``first_col``) → rows."""
    rows = []
    for r, values_row in enumerate(values, start=first_row):
        cells = [cell_text(v) for v in values_row]
        letters = [col_letter(first_col + i) for i in range(len(cells))]
        where = f"工作表「{sheet}」第{r}行" if sheet else f"第{r}行"
        rows.append(SourceRow(cells, r, where, file=file, sheet=sheet, letters=letters))
    return rows


def _ole_streams(path: Path) -> set[str] | None:
    """Top-level stream names of an OLE compound file, or None when it cannot be parsed."""
    try:
        import olefile

        with olefile.OleFileIO(str(path)) as ole:
            return {"/".join(entry) for entry in ole.listdir()}
    except Exception:
        return None


def _check_ole_workbook(path: Path, head: bytes) -> bool:
    """Classify an OLE container. Office saves an encrypted (password-to-open) .xlsx/.xlsm as an
    OLE file with EncryptionInfo/EncryptedPackage streams; an old .xls is OLE with a Workbook
    stream. Raises for encrypted or unparsable containers; True when it is an .xls workbook."""
    if not head.startswith(_OLE_MAGIC):
        return False
    streams = _ole_streams(path)
    if streams is not None and {"EncryptionInfo", "EncryptedPackage"} & streams:
        raise UnreadableFile("工作簿有打开密码（已加密），无法读取", file=str(path),
                             hint="请在 Excel 中去掉打开密码后另存，再导入")
    if streams is not None and {"Workbook", "Book"} & streams:
        return True
    if path.suffix.lower() == ".xls" and streams is not None:
        return True
    raise UnreadableFile("工作簿已加密（有打开密码）或已损坏，无法读取", file=str(path),
                         hint="请在 Excel 中打开，去掉打开密码后另存为 .xlsx，再导入")


def read_workbook_sheets(path: Path) -> dict[str, list[SourceRow]]:
    """Every worksheet of a workbook → its rows (sheet name → rows), in workbook order."""
    import python_calamine as pc

    from xlsxtools.workbook.preflight import check_workbook
    from xlsxtools.workbook.reader import native_failure

    check_workbook(path)  # limits and extents before calamine sees the bytes
    data = read_bytes(path)
    is_xls = _check_ole_workbook(path, data[:8])
    if not is_xls and not data.startswith(_ZIP_MAGIC):
        raise UnreadableFile("不是有效的 Excel 工作簿（文件内容不是工作簿格式）", file=str(path))
    try:
        # from_filelike sniffs the format, so an .xls saved under an .xlsx name still opens
        wb = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except pc.PasswordError as exc:
        raise UnreadableFile("工作簿有打开密码（已加密），无法读取", file=str(path)) from exc
    except BaseException as exc:  # calamine raises several error types for corrupt files, and panics
        if not native_failure(exc):
            raise
        raise UnreadableFile(f"无法打开工作簿：{_short(exc)}", file=str(path)) from exc
    out: dict[str, list[SourceRow]] = {}
    try:
        for meta in wb.sheets_metadata:
            if str(meta.typ).rsplit(".", 1)[-1] != "WorkSheet":
                continue
            try:
                sheet = wb.get_sheet_by_name(meta.name)
                values = sheet.to_python(skip_empty_area=False)
            except BaseException as exc:  # a Rust panic is a BaseException
                if not native_failure(exc):
                    raise
                raise UnreadableFile(f"无法读取工作表：{_short(exc)}", file=str(path), sheet=meta.name) from exc
            out[meta.name] = grid_rows(values, str(path), meta.name)
    finally:
        wb.close()
    return out


# --------------------------------------------------------------------------------------------
# Word (.docx, python-docx)
# --------------------------------------------------------------------------------------------


def _table_rows(table: Any, number: int, file: str) -> Iterable[SourceRow]:
    """Rows of a Word table. python-docx repeats a merged cell in every grid position it spans:
    a repeat of the left neighbour (horizontal merge) or of the cell above (vertical merge) is
    the merge itself, so it becomes a blank, exactly as a copy-as-text of the table shows it."""
    above: list[Any] = []
    for r, row in enumerate(table.rows, start=1):
        tcs = [c._tc for c in row.cells]
        cells: list[str] = []
        for i, cell in enumerate(row.cells):
            tc = tcs[i]
            if (i > 0 and tc is tcs[i - 1]) or (i < len(above) and tc is above[i]):
                cells.append("")
            else:
                cells.append(cell_text(cell.text))
        above = tcs
        yield SourceRow(cells, r, f"表格{number}第{r}行", file=file)


def read_docx(path: Path) -> list[SourceRow]:
    try:
        import docx
        from docx.table import Table
    except ImportError as exc:  # pragma: no cover - dependency of the package
        raise UnreadableFile("未安装 python-docx，无法读取 .docx 文件", file=str(path)) from exc
    from xlsxtools.workbook.preflight import check_package

    head = read_bytes(path)[:8]
    check_package(path)  # unpacked-size limits before python-docx parses the XML
    if head.startswith(_OLE_MAGIC):
        raise UnreadableFile("Word 文档有打开密码（已加密）或是旧的 .doc 格式，无法读取", file=str(path),
                             hint="请去掉密码并另存为 .docx 后再导入")
    try:
        document = docx.Document(str(path))
    except Exception as exc:
        raise UnreadableFile(f"无法打开 Word 文档：{_short(exc)}", file=str(path)) from exc
    rows: list[SourceRow] = []
    tables = 0
    paragraphs = 0
    try:
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                tables += 1
                rows.extend(_table_rows(block, tables, str(path)))
            else:
                paragraphs += 1
                rows.append(SourceRow([cell_text(block.text)], paragraphs, f"第{paragraphs}段", file=str(path)))
    except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:  # malformed table XML
        where = f"第 {tables} 个表格" if tables else "正文"
        raise UnreadableFile(f"Word 文档{where}的结构有误，无法读取（{_short(exc)}）", file=str(path),
                             hint="请在 Word 中检查该表格的合并单元格，另存后再导入") from exc
    if not tables:
        raise UnreadableFile("Word 文档中没有表格，找不到指标表", file=str(path))
    return rows


# --------------------------------------------------------------------------------------------


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:200]
