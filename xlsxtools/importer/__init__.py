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

from xlsxtools.errors import UnreadableFile
from xlsxtools.model import TargetTable

__all__ = ["import_table", "parse_rows", "parse_text"]


def import_table(path: str | os.PathLike[str]) -> TargetTable:
    """Read a target table from a file of any supported kind."""
    from xlsxtools.importer import readers
    from xlsxtools.importer.interpret import interpret

    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in readers.SUPPORTED_SUFFIXES:
        raise UnreadableFile(
            f"不支持的文件类型“{p.suffix or '（无扩展名）'}”",
            file=str(p), hint="支持 .txt .tsv .md .xlsx .xlsm .xls .xlsb .ods .docx")
    if not p.exists():
        raise UnreadableFile("文件不存在", file=str(p))
    if suffix in readers.WORKBOOK_SUFFIXES:
        return _import_workbook(p)
    rows = readers.read_docx(p) if suffix in readers.DOCX_SUFFIXES else readers.read_text_file(p)
    return interpret(rows, str(p))


def parse_text(text: str, source: str) -> TargetTable:
    """Read a target table from text (a Word table copied as text, or a markdown pipe table)."""
    from xlsxtools.importer.interpret import interpret
    from xlsxtools.importer.readers import text_rows

    if not text.strip():
        raise UnreadableFile("内容是空的", file=source)
    return interpret(text_rows(text, source), source)


def parse_rows(values: Sequence[Sequence[Any]], source: str | None, sheet: str | None = None,
               first_row: int = 1, first_col: int = 1) -> TargetTable:
    """Read a target table from a 2-D block of cell values whose first cell is at
    ``first_row``/``first_col`` of ``sheet`` (so origins name the real cells)."""
    from xlsxtools.importer.interpret import interpret
    from xlsxtools.importer.readers import grid_rows

    rows = grid_rows(values, source, sheet, first_row, first_col)
    if not any(r.cells and not r.is_blank for r in rows):
        raise UnreadableFile("内容是空的", file=source, sheet=sheet)
    return interpret(rows, source)


def _import_workbook(path: Path) -> TargetTable:
    from xlsxtools.importer import readers
    from xlsxtools.importer.interpret import grid_score, interpret

    sheets = readers.read_workbook_sheets(path)
    scored = [(grid_score(rows), name) for name, rows in sheets.items()]
    best = max(scored, default=(0, ""), key=lambda x: x[0])
    if best[0] <= 0:
        names = "、".join(f"「{n}」" for n in sheets) or "（没有工作表）"
        raise UnreadableFile(f"工作簿中没有找到指标表格（已查看工作表：{names}）", file=str(path))
    name = next(n for s, n in scored if s == best[0])
    try:
        return interpret(sheets[name], str(path))
    except UnreadableFile as exc:
        exc.sheet = exc.sheet or name
        raise
