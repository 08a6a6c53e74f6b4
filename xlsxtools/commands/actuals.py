"""``xlsxtools actuals``: fill 实际完成值 (and reasons, budget, spent) into a unit workbook from a CSV/XLSX export."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from xlsxtools import layout
from xlsxtools.errors import UnreadableFile, UserError
from xlsxtools.model import CellEdit, UnitWorkbook
from xlsxtools.normalize import clean, halfwidth, key, parse_date, parse_number

#: Accepted column titles of the source (compared with normalize.key).
SOURCE_COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("三级指标", "三级指标名称", "指标名称", "name", "indicator"),
    "actual": ("实际完成值", "全年实际值", "实际值", "actual", "value"),
    "reason": ("偏差原因分析及改进措施", "偏差原因分析", "偏差原因", "reason"),
}

_DATE_ONLY = re.compile(r"^\d{4}(?:[-/.]\d{1,2}[-/.]\d{1,2}|年\d{1,2}月\d{1,2}日?)$")


@dataclass
class SourceRow:
    line: int  # 1-based row in the source file
    name: str
    actual: Any
    reason: str


def _read_csv(path: Path) -> list[list[Any]]:
    data = path.read_bytes()
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes nearly anything
        raise UnreadableFile("无法识别 CSV 文件的编码（应为 UTF-8 或 GBK）", file=str(path))
    return [row for row in csv.reader(io.StringIO(text))]


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


def _value(raw: Any, unit: str) -> Any:
    """A source value as it should sit in the cell: numbers as numbers, dates as dates, else text."""
    if raw is None or isinstance(raw, bool):
        return None if raw is None else clean(raw)
    if not isinstance(raw, str):
        return raw
    s = clean(raw)
    if not s:
        return None
    compact = halfwidth(s).replace(" ", "")
    if _DATE_ONLY.match(compact):
        d = parse_date(compact)
        if d is not None:
            return d
    if compact.endswith("%") and "%" not in unit:
        return s
    num = parse_number(compact)
    if num is None:
        return s
    return int(num) if num == num.to_integral_value() and "." not in compact else float(num)


def actuals_edits(uw: UnitWorkbook, rows: list[SourceRow], *, budget: Any = None, spent: Any = None,
                  source: str = "") -> tuple[list[CellEdit], int]:
    """Cell edits filling the actuals of ``uw`` from ``rows``; raises UserError naming every bad name."""
    if uw.actuals is None:
        raise UserError(f"工作簿没有「{layout.ACTUALS_SHEET}」表", file=uw.path)
    index: dict[str, list[int]] = {}
    for i, ind in enumerate(uw.table.indicators):
        if ind.name:
            index.setdefault(key(ind.name), []).append(i)
    problems: list[str] = []
    seen: dict[str, int] = {}
    edits: list[CellEdit] = []
    filled = 0
    sheet = layout.ACTUALS_SHEET
    for r in rows:
        k = key(r.name)
        hits = index.get(k, [])
        if k in seen:
            problems.append(f"第{r.line}行“{r.name}”在来源中重复出现（第{seen[k]}行已有）")
            continue
        seen[k] = r.line
        if not hits:
            problems.append(f"第{r.line}行“{r.name}”与工作簿中的任何三级指标都不匹配")
            continue
        if len(hits) > 1:
            problems.append(f"第{r.line}行“{r.name}”与工作簿中的 {len(hits)} 个同名三级指标匹配，无法确定填哪一行")
            continue
        i = hits[0]
        entry = uw.actuals.entries[i] if i < len(uw.actuals.entries) else None
        if entry is None or entry.origin.row is None:
            problems.append(f"“{r.name}”在「{sheet}」表中找不到对应的行")
            continue
        value = _value(r.actual, uw.table.indicators[i].unit)
        if value is not None:
            edits.append(CellEdit(sheet, entry.origin.cell("actual") or f"{layout.ACTUAL_COL['actual']}{entry.origin.row}",
                                  value=value, set_value=True))
            filled += 1
        if r.reason:
            edits.append(CellEdit(sheet, entry.origin.cell("reason") or f"{layout.ACTUAL_COL['reason']}{entry.origin.row}",
                                  value=r.reason, set_value=True))
    if problems:
        raise UserError("实际完成值未填写，请先修正来源文件：" + "；".join(problems), file=source or None)
    for field, raw in (("budget", budget), ("spent", spent)):
        if raw is None:
            continue
        num = parse_number(raw)
        if num is None or num < 0:
            title = next(f.title for f in layout.BUDGET_FIELDS if f.key == field)
            raise UserError(f"{title}应为不小于0的数字，实际为“{raw}”")
        origin = uw.actuals.origins.get(field)
        ref = (origin.cell(field) if origin else None) or f"{layout.BUDGET_COL[field]}{layout.BUDGET_VALUE_ROW}"
        edits.append(CellEdit(sheet, ref, value=float(num), set_value=True))
    return edits, filled


@click.command(name="actuals")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--from", "src", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="CSV or XLSX with columns 三级指标, 实际完成值 [, 偏差原因分析及改进措施] (or name, actual, reason).")
@click.option("--budget", default=None, help="全年预算数（万元）.")
@click.option("--spent", default=None, help="全年执行数（万元）.")
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the filled workbook here (FILE is not changed).")
@click.option("--in-place", is_flag=True, help="Modify FILE itself (a backup is kept).")
def command(file: Path, src: Path, budget: str | None, spent: str | None, out: Path | None, in_place: bool) -> None:
    """Fill actual values into the 实际完成 sheet of unit workbook FILE from an export.

    Rows are matched by 三级指标 name (exactly, after normalising width, spaces and punctuation).
    A name that matches no indicator, or more than one, is an error naming it and nothing is
    written. Numbers are written as numbers, dates (2026-12-20, 2026年12月20日) as dates.

    \b
    Examples:
      xlsxtools actuals unit.xlsm --from actuals.csv -o filled.xlsm
      xlsxtools actuals unit.xlsm --from export.xlsx --budget 419.72 --spent 405.3 --in-place
    """
    from xlsxtools.workbook.edit import apply_edits, open_workbook, output_path, save_workbook
    from xlsxtools.workbook.reader import read_unit_workbook

    if out is None and not in_place:
        raise UserError("请用 -o 指定输出文件，或用 --in-place 直接修改原文件（会先备份）", file=str(file))
    uw = read_unit_workbook(file)
    rows = read_source(src)
    edits, filled = actuals_edits(uw, rows, budget=budget, spent=spent, source=str(src))
    target, backup = output_path(file, out, in_place)
    wb = open_workbook(file)
    apply_edits(wb, edits)
    save_workbook(wb, target)
    missing = len(uw.table.indicators) - filled
    note = f"（原文件已备份为 {backup}）" if backup else ""
    click.echo(f"已填写 {filled} 项实际完成值（共 {len(uw.table.indicators)} 项指标"
               + (f"，{missing} 项未在来源中提供" if missing else "") + f"）→ {target}{note}")
