"""Reading an export of actual values (CSV or a workbook) for ``xlsxtools actuals``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from xlsxtools.errors import UnreadableFile, UserError
from xlsxtools.normalize import clean, key
from xlsxtools.textfile import csv_records, read_text
from xlsxtools.writeback import SourceRow

#: Accepted column titles of the source (compared with normalize.key).
SOURCE_COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("三级指标", "三级指标名称", "指标名称", "name", "indicator"),
    "actual": ("实际完成值", "全年实际值", "实际值", "actual", "value"),
    "reason": ("偏差原因分析及改进措施", "偏差原因分析", "偏差原因", "reason"),
}

def _read_csv(path: Path) -> list[list[Any]]:
    return [cells for _, cells in csv_records(read_text(path), str(path))]


def _read_sheet(path: Path) -> list[list[Any]]:
    import python_calamine

    try:
        wb = python_calamine.CalamineWorkbook.from_path(str(path))
        return wb.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except Exception as exc:
        raise UnreadableFile(f"无法读取工作簿（{type(exc).__name__}: {exc}）", file=str(path)) from exc


def _find_header(rows: list[list[Any]]) -> tuple[int, dict[str, int]] | None:
    wanted = {k: {key(t) for t in titles} for k, titles in SOURCE_COLUMNS.items()}
    for h, row in enumerate(rows[:20]):
        cols: dict[str, int] = {}
        for c, cell in enumerate(row):
            for field, keys in wanted.items():
                if field not in cols and key(cell) in keys:
                    cols[field] = c
        if "name" in cols and "actual" in cols:
            return h, cols
    return None


def read_source(path: str | Path) -> list[SourceRow]:
    """Rows (三级指标, 实际完成值[, 偏差原因…]) of a CSV or XLSX export; header found by its titles."""
    p = Path(path)
    if not p.is_file():
        raise UnreadableFile("文件不存在", file=str(p))
    suffix = p.suffix.lower()
    if suffix in (".csv", ".txt"):
        rows = _read_csv(p)
    elif suffix in (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"):
        rows = _read_sheet(p)
    else:
        raise UnreadableFile(f"不支持的文件类型「{suffix or '无扩展名'}」：应为 .csv 或 .xlsx", file=str(p))
    found = _find_header(rows)
    if found is None:
        raise UserError("找不到表头：需要“三级指标”和“实际完成值”两列（或英文 name、actual）", file=str(p))
    h, cols = found
    out = []
    for i, row in enumerate(rows[h + 1:], start=h + 2):
        def get(field: str, row: list[Any] = row) -> Any:
            c = cols.get(field)
            return row[c] if c is not None and c < len(row) else None
        name = clean(get("name"))
        if not name:
            continue
        out.append(SourceRow(i, name, get("actual"), clean(get("reason"))))
    return out
