"""Reading text files users hand us (pasted tables, CSV exports, rosters) whatever their encoding.

Chinese offices save text as UTF-8 (with or without BOM), UTF-16 (Windows "Unicode") or GBK/GB18030.
"""

from __future__ import annotations

from pathlib import Path

from xlsxtools.errors import UnreadableFile

_TEXT_ENCODINGS = ("utf-8-sig", "gb18030")


def read_bytes(path: Path) -> bytes:
    """The file's bytes; UnreadableFile (naming the file) when missing, a folder, a FIFO or device,
    a symlink loop, too large, unreadable or empty."""
    from xlsxtools.workbook.preflight import read_regular

    data = read_regular(path)  # regular files only (never blocks on a FIFO), within the size limit
    if not data.strip():
        raise UnreadableFile("文件是空的", file=str(path))
    return data


def decode_text(data: bytes, file: str) -> str:
    """Bytes of a text file → str, trying UTF-16 (with a BOM), UTF-8 (with or without BOM) and GB18030."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    if b"\x00" in data:
        raise UnreadableFile("不是文本文件（含有二进制内容），无法按文本读取", file=file)
    for enc in _TEXT_ENCODINGS:
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise UnreadableFile("无法识别文件的文字编码（已尝试 UTF-8、GB18030）", file=file,
                         hint="请另存为 UTF-8 编码的文本文件")


def read_text(path: Path) -> str:
    """A text file's content in whichever of the usual encodings it was saved."""
    return decode_text(read_bytes(path), str(path))


def csv_records(text: str, file: str | None, delimiter: str = ",") -> list[tuple[int, list[str]]]:
    """(first line, cells) of every record of CSV text (quoted cells may hold line breaks); a cell the
    csv module cannot take (longer than its field limit, an unbalanced quote running to the end) is
    UnreadableFile naming the line."""
    import csv
    import io

    reader = csv.reader(io.StringIO(text), delimiter=delimiter, quotechar='"', strict=False)
    out: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for record in reader:
            out.append((start, record))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise UnreadableFile(f"第{start}行起的单元格无法读取（{exc}）：单元格内容过长或引号不成对", file=file,
                             hint="请检查该行的引号，或从原表格重新复制") from exc
    return out
