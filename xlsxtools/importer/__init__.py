"""Import an existing target table (Word text, markdown, workbook, .docx) into the model.

Public API::

    import_table(path) -> TargetTable          # .txt/.tsv/.md, .xlsx/.xlsm/.xls/.xlsb/.ods, .docx
    parse_text(text, source) -> TargetTable    # pasted text (tab-separated or markdown)
    parse_rows(values, source, sheet=None, first_row=1, first_col=1) -> TargetTable
                                               # a 2-D block of cell values (e.g. the 导入 paste area)

Readers (``readers``) turn each source into rows of cell strings with their place; one
content-based interpreter (``interpret``) turns rows into the table and reports every repair
as an I-code finding. Bad input raises ``xlsxtools.errors.UnreadableFile`` naming the file.
The source is only read, never modified.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from xlsxtools import codes
from xlsxtools.errors import UnreadableFile
from xlsxtools.model import TargetTable

__all__ = ["import_table", "import_tables", "parse_rows", "parse_text", "parse_text_tables", "supported_suffixes"]


def supported_suffixes() -> tuple[str, ...]:
    """Every file suffix ``import_tables`` reads (legacy ones need LibreOffice)."""
    from xlsxtools.importer import readers, structured

    return (*readers.SUPPORTED_SUFFIXES, *structured.HTML_SUFFIXES, *structured.PDF_SUFFIXES,
            *structured.LEGACY_SUFFIXES)


def import_table(path: str | os.PathLike[str]) -> TargetTable:
    """Read a table from a file of any supported kind (the first one when the file holds several:
    use ``import_tables`` for all)."""
    tables = import_tables(path)
    return tables[0]


def import_tables(path: str | os.PathLike[str]) -> list[TargetTable]:
    """Every table of a file of any supported kind: the template's own form, 项目支出目标表,
    自评表, 监控表 … (a file with several projects yields several tables)."""
    from xlsxtools.importer import structured

    p = Path(path)
    suffix = p.suffix.lower()
    supported = supported_suffixes()
    if suffix not in supported:
        raise UnreadableFile(
            f"不支持的文件类型“{p.suffix or '（无扩展名）'}”",
            file=str(p), hint="支持 " + " ".join(supported))
    if not p.exists():
        raise UnreadableFile("文件不存在", file=str(p))
    if suffix in structured.LEGACY_SUFFIXES:
        def convert(converted: Path) -> list[TargetTable]:
            tables = _import_path(converted, source=str(p))
            label = structured.LEGACY_LABEL.get(suffix, suffix)
            for t in tables:
                t.source = str(p)
                t.findings.insert(0, codes.finding("I018", f"{label}已用 LibreOffice 转换后读取", None))
            return tables

        return structured.with_converted(p, convert)
    return _import_path(p)


def _import_path(p: Path, source: str | None = None) -> list[TargetTable]:
    from xlsxtools.importer import readers, structured

    suffix = p.suffix.lower()
    src = source or str(p)
    if suffix in readers.WORKBOOK_SUFFIXES:
        return _import_workbook(p, src)
    if suffix in structured.HTML_SUFFIXES:
        rows = structured.read_html(p)
    elif suffix in structured.PDF_SUFFIXES:
        rows = structured.read_pdf(p)
    elif suffix in readers.DOCX_SUFFIXES:
        rows = readers.read_docx(p)
    else:
        rows = readers.read_text_file(p)
    if source:
        for r in rows:
            r.file = source
    return interpret_any(rows, src)


def interpret_any(rows: list, source: str | None) -> list[TargetTable]:
    """Rows of any reader → tables: the template's own form goes through the original
    interpreter (unchanged behaviour); every other kind through ``tables.read_tables``."""
    from xlsxtools.importer.interpret import interpret
    from xlsxtools.importer.tables import read_tables

    if _template_form(rows):
        try:
            table = interpret(rows, source)
        except UnreadableFile:
            return read_tables(rows, source)
        from xlsxtools.frameworks import detect_framework

        # the template's form, read as before; a type column holding 定量/定性 instead of ≥ ≤, or
        # many rows it could not place (I005), mean another county's variant: the table reader takes it
        unplaced = sum(1 for f in table.findings if f.code == "I005")
        variant = any(i.type == "定量" for i in table.indicators) or unplaced * 3 > len(table.indicators)
        if detect_framework([(i.level1, i.level2) for i in table.indicators])[0].id == "2021" and not variant:
            return [table]
    try:
        return read_tables(rows, source)
    except UnreadableFile as exc:
        try:
            return [interpret(rows, source)]  # no header at all: rows with a 指标值类型 cell
        except UnreadableFile:
            raise exc from None


def _template_form(rows: list) -> bool:
    """The unit template's 9/10-column form: a header with 指标值类型 and none of the other
    kinds' columns (分值, 实际完成值, 得分 …), no 项目/自评/监控 title, one grid."""
    from xlsxtools.importer import tables, vocab
    from xlsxtools.importer.interpret import _match_grid_header

    headers = [r for r in rows if _match_grid_header(r)]
    if not headers:
        return False
    extra = {"points", "direction", "actual", "own_score", "reason", "progress"}
    for h in headers:
        roles = {x for c in h.cells if c for x in vocab.column_role(c)}
        if roles & extra:
            return False
    for r in rows:
        if tables._is_title(r) and not any(p.search(r.nonempty[0]) for p, k in vocab.KIND_TITLES
                                           if k == "dept_target"):
            return False
        if tables._is_project_row(r):
            return False
    return len(tables.segment(rows)) <= 1


def parse_text(text: str, source: str) -> TargetTable:
    """Read a table from text (a Word table copied as text, or a markdown pipe table)."""
    return parse_text_tables(text, source)[0]


def parse_text_tables(text: str, source: str) -> list[TargetTable]:
    """Every table in a text (tab-separated or markdown pipe rows)."""
    from xlsxtools.importer.readers import text_rows

    if not text.strip():
        raise UnreadableFile("内容是空的", file=source)
    return interpret_any(text_rows(text, source), source)


def parse_rows(values: Sequence[Sequence[Any]], source: str | None, sheet: str | None = None,
               first_row: int = 1, first_col: int = 1) -> TargetTable:
    """Read a target table from a 2-D block of cell values whose first cell is at
    ``first_row``/``first_col`` of ``sheet`` (so origins name the real cells)."""
    from xlsxtools.importer.readers import grid_rows

    rows = grid_rows(values, source, sheet, first_row, first_col)
    if not any(r.cells and not r.is_blank for r in rows):
        raise UnreadableFile("内容是空的", file=source, sheet=sheet)
    return interpret_any(rows, source)[0]


def _import_workbook(path: Path, source: str) -> list[TargetTable]:
    from xlsxtools.importer import readers
    from xlsxtools.importer.interpret import grid_score
    from xlsxtools.importer.tables import find_header

    sheets = readers.read_workbook_sheets(path)
    if source != str(path):
        for rows in sheets.values():
            for r in rows:
                r.file = source
    scored = [(grid_score(rows), name) for name, rows in sheets.items()]
    with_header = [n for n, rows in sheets.items() if find_header(rows) is not None]
    best = max(scored, default=(0, ""), key=lambda x: x[0])
    if best[0] <= 0 and not with_header:
        names = "、".join(f"「{n}」" for n in sheets) or "（没有工作表）"
        from xlsxtools.importer.tables import KINDS_LOOKED_FOR, ROLES_LOOKED_FOR

        raise UnreadableFile(f"工作簿中没有找到指标表格（已查看工作表：{names}；查找的表格类型：{KINDS_LOOKED_FOR}；"
                             f"查找的列标题：{ROLES_LOOKED_FOR}）", file=source)
    names = with_header or [next(n for s, n in scored if s == best[0])]
    out: list[TargetTable] = []
    for name in names:
        try:
            out.extend(interpret_any(sheets[name], source))
        except UnreadableFile as exc:
            if len(names) == 1:
                exc.sheet = exc.sheet or name
                raise
    if not out:
        raise UnreadableFile("工作簿中没有读出任何指标表格", file=source)
    return out
