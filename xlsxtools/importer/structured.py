"""Structural readers for the table kinds met beyond the template: HTML, PDF and legacy formats.

- HTML (a saved web page): ``lxml.html``; every leaf ``<table>`` is expanded to its grid with
  rowspan/colspan honoured (a spanned position becomes a blank cell, exactly as the docx reader
  and a copy-as-text show a merged cell); text blocks outside the tables (title, year, unit) are
  rows of one cell, in document order.
- PDF with ruled tables: ``pdfplumber``; page text outside the tables and table rows, by position.
- Legacy .doc / .wps / .et / .dps: converted by LibreOffice headless (``soffice``) to .docx/.xlsx
  in a temporary folder, then read by the ordinary readers; a clear message when it is missing.

Every reader raises ``UnreadableFile`` naming the file for input it cannot read.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from xlsxtools.errors import UnreadableFile
from xlsxtools.importer.rows import SourceRow
from xlsxtools.textfile import decode_text, read_bytes
from xlsxtools.workbook.preflight import OverLimit, current_limits

HTML_SUFFIXES = (".html", ".htm", ".mht", ".mhtml", ".xhtml")
PDF_SUFFIXES = (".pdf",)
LEGACY_SUFFIXES = {".doc": "docx", ".wps": "docx", ".et": "xlsx", ".rtf": "docx", ".odt": "docx"}
LEGACY_LABEL = {".doc": "Word 97-2003 文档（.doc）", ".wps": "WPS 文字文档（.wps）", ".et": "WPS 表格（.et）",
                ".rtf": "RTF 文档（.rtf）", ".odt": "OpenDocument 文档（.odt）"}
SOFFICE_TIMEOUT = 120


# --------------------------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------------------------

_BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "div", "li", "caption", "center", "span", "font", "b", "strong"}


def _text(el: Any) -> str:
    from xlsxtools.importer.readers import cell_text

    parts: list[str] = []

    def walk(node: Any) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag == "br":
            parts.append("\n")
        elif tag in ("p", "div", "li") and parts:
            parts.append("\n")
        if node.text and tag not in ("script", "style"):
            parts.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(el)
    return cell_text("".join(parts).replace("\xa0", " "))


def _span(el: Any, name: str) -> int:
    try:
        return max(1, min(int(str(el.get(name, "1")).strip() or 1), 500))
    except ValueError:
        return 1


def html_table_grid(table: Any) -> list[list[str]]:
    """One ``<table>`` element → its grid of cell texts, rowspan/colspan expanded to blanks."""
    grid: dict[tuple[int, int], str] = {}
    taken: set[tuple[int, int]] = set()
    rows = [tr for tr in table.iter("tr") if tr.getparent() is not None
            and _owner_table(tr) is table]
    width = 0
    budget = current_limits().cells  # grid positions the spans may cover (a span bomb is refused)
    for r, tr in enumerate(rows):
        c = 0
        for cell in tr:
            if not isinstance(cell.tag, str) or cell.tag.lower() not in ("td", "th"):
                continue
            while (r, c) in taken:
                c += 1
            rs, cs = _span(cell, "rowspan"), _span(cell, "colspan")
            budget -= rs * cs
            if budget < 0:
                raise OverLimit(f"网页表格的合并单元格覆盖的格子过多（上限 {current_limits().cells:,} 个），未读取",
                                hint="上限可在 xlsxtools.toml 的 [limits] cells 中调整")
            grid[(r, c)] = _text(cell)
            for dr in range(rs):
                for dc in range(cs):
                    taken.add((r + dr, c + dc))
            c += cs
            width = max(width, c)
    width = max([width] + [cc + 1 for (_, cc) in taken])
    return [[grid.get((r, c), "") for c in range(width)] for r in range(len(rows))]


def _owner_table(el: Any) -> Any:
    node = el.getparent()
    while node is not None and node.tag != "table":
        node = node.getparent()
    return node


def _mht_html(data: bytes, path: Path) -> str:
    """The HTML part of a saved "single file web page" (.mht: MIME multipart, quoted-printable)."""
    import email
    from email import policy

    msg = email.message_from_bytes(data, policy=policy.default)
    for part in msg.walk():
        if part.get_content_type() == "text/html":
            try:
                return part.get_content()
            except (LookupError, ValueError):
                payload = part.get_payload(decode=True) or b""
                return decode_text(payload, str(path))
    raise UnreadableFile("网页存档（.mht）中没有 HTML 内容", file=str(path))


def read_html(path: Path) -> list[SourceRow]:
    import lxml.html

    data = read_bytes(path)
    if path.suffix.lower() in (".mht", ".mhtml") or data.lstrip()[:40].lower().startswith((b"mime-version", b"from:")):
        text = _mht_html(data, path)
    else:
        text = decode_text(data, str(path))
    try:
        doc = lxml.html.document_fromstring(text)
    except Exception as exc:  # lxml raises ParserError / ValueError on empty or broken input
        raise UnreadableFile(f"无法解析网页文件：{exc}", file=str(path)) from exc
    rows: list[SourceRow] = []
    tables = 0
    line = 0
    done: set[Any] = set()
    for el in doc.iter():
        if not isinstance(el.tag, str) or el in done:
            continue
        if el.tag == "table":
            if el.find(".//table") is not None:
                continue  # a layout table around the real one: read the inner ones
            tables += 1
            for sub in el.iter():
                done.add(sub)
            try:
                grid = html_table_grid(el)
            except UnreadableFile as exc:
                exc.file = exc.file or str(path)
                raise
            for r, cells in enumerate(grid, start=1):
                rows.append(SourceRow(cells, r, f"表格{tables}第{r}行", file=str(path)))
            continue
        if el.tag in _BLOCKS and _owner_table(el) is None and el.find(".//table") is None:
            if any(a.tag in _BLOCKS for a in el.iterancestors() if a not in done and _owner_table(a) is None
                   and a.find(".//table") is None):
                continue  # the enclosing block is read as one line
            t = _text(el)
            for sub in el.iter():
                done.add(sub)
            if t:
                line += 1
                rows.append(SourceRow([t], line, f"表格外第{line}段", file=str(path)))
    if not tables:
        raise UnreadableFile("网页文件中没有表格（<table>），找不到指标表", file=str(path))
    return rows


# --------------------------------------------------------------------------------------------
# PDF
# --------------------------------------------------------------------------------------------


def read_pdf(path: Path) -> list[SourceRow]:

    try:
        import pdfplumber
    except ImportError as exc:  # pragma: no cover - dependency of the package
        raise UnreadableFile("未安装 pdfplumber，无法读取 PDF", file=str(path)) from exc
    rows: list[SourceRow] = []
    found_table = False
    data = read_bytes(path)  # a regular file within the size limit: never blocks on a FIFO
    try:
        import io

        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:
        raise UnreadableFile(f"无法打开 PDF：{str(exc)[:200] or type(exc).__name__}", file=str(path)) from exc
    pno = 0
    try:
        with pdf:
            for pno, page in enumerate(pdf.pages, start=1):
                found_table = _pdf_page(page, pno, path, rows) or found_table
    except UnreadableFile:
        raise
    except Exception as exc:  # pdfminer raises many kinds on a damaged stream (filters, xrefs, fonts)
        where = f"第 {pno} 页" if pno else "文件结构"
        raise UnreadableFile(f"PDF {where}已损坏，无法读取（{str(exc)[:200] or type(exc).__name__}）",
                             file=str(path), hint="请用原始的 Word/Excel 文件，或重新导出 PDF 后再导入") from exc
    if not found_table:
        raise UnreadableFile("PDF 中没有找到带框线的表格（可能是扫描件或无框线排版）", file=str(path),
                             hint="请用原始的 Word/Excel 文件，或把表格复制为文本后导入")
    return rows


def _pdf_page(page: Any, pno: int, path: Path, rows: list[SourceRow]) -> bool:
    """Rows of one PDF page, tables and the text outside them in reading order; True when the page
    has a ruled table."""
    from xlsxtools.importer.readers import cell_text

    found_table = False
    tables = page.find_tables()
    items: list[tuple[float, list[SourceRow]]] = []
    boxes = [t.bbox for t in tables]
    for tno, t in enumerate(tables, start=1):
        found_table = True
        trs = []
        for r, cells in enumerate(t.extract(), start=1):
            trs.append(SourceRow([cell_text(c) if c is not None else "" for c in cells], r,
                                 f"第{pno}页表格{tno}第{r}行", file=str(path)))
        items.append((t.bbox[1], trs))
    outside = page
    for x0, top, x1, bottom in boxes:
        outside = outside.outside_bbox((max(x0, 0), max(top, 0), min(x1, page.width),
                                        min(bottom, page.height)))
    for ln in outside.extract_text_lines():
        text = cell_text(ln["text"])
        if text:
            items.append((ln["top"], [SourceRow([text], int(ln["top"]), f"第{pno}页表格外文字",
                                                file=str(path))]))
    for _, rs in sorted(items, key=lambda x: x[0]):
        rows.extend(rs)
    return found_table


# --------------------------------------------------------------------------------------------
# Legacy formats through LibreOffice
# --------------------------------------------------------------------------------------------


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_legacy(path: Path, workdir: Path) -> Path:
    """Convert a legacy document with LibreOffice headless; returns the converted file."""
    suffix = path.suffix.lower()
    target = LEGACY_SUFFIXES[suffix]
    label = LEGACY_LABEL.get(suffix, suffix)
    exe = soffice_path()
    if exe is None:
        raise UnreadableFile(f"{label} 需要 LibreOffice 才能读取，但本机没有安装 LibreOffice", file=str(path),
                             hint=f"请安装 LibreOffice，或在 Word/WPS 中另存为 .{target} 后再导入")
    src = workdir / ("source" + suffix)
    src.write_bytes(read_bytes(path))  # the source is never touched; LibreOffice works on a copy
    profile = workdir / "profile"
    cmd = [exe, f"-env:UserInstallation={profile.resolve().as_uri()}", "--headless", "--convert-to", target,
           "--outdir", str(workdir), str(src)]
    try:
        subprocess.run(cmd, capture_output=True, timeout=SOFFICE_TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise UnreadableFile(f"用 LibreOffice 转换{label}失败：{exc}", file=str(path)) from exc
    out = workdir / f"source.{target}"
    if not out.exists():
        raise UnreadableFile(f"用 LibreOffice 转换{label}失败（文件损坏或加密？）", file=str(path),
                             hint=f"请在 Word/WPS 中另存为 .{target} 后再导入")
    return out


def with_converted(path: Path, reader: Any) -> Any:
    """Run ``reader(converted_path)`` on a LibreOffice conversion of a legacy file."""
    with tempfile.TemporaryDirectory(prefix="xlsxtools-legacy-") as tmp:
        return reader(convert_legacy(path, Path(tmp)))
