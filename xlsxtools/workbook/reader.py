"""Fast reader of unit workbooks made from the template (python-calamine).

Reads the 目标表 and 实际完成 sheets by their titles (layout.py), never by fixed cells alone, so a
workbook whose rows were inserted or moved still reads. Only python-calamine and the standard
library are imported here: this path runs once per workbook in a consolidation of thousands.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from xlsxtools import layout
from xlsxtools.codes import finding
from xlsxtools.errors import NotATemplateWorkbook, UnreadableFile
from xlsxtools.model import ActualEntry, Actuals, Finding, Indicator, Origin, TargetTable, UnitInfo, UnitWorkbook
from xlsxtools.normalize import clean, key, normalize_type, parse_number

#: Every command reads the same workbook formats (a unit workbook saved as .xls still reads; only
#: the writing commands need .xlsx/.xlsm).
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")

Grid = list[list[Any]]
#: Footer labels are short ("业务股室审核："); longer cells are never tested as labels.
FOOTER_LABEL_MAX = 12


# ---------------------------------------------------------------------------------------------
# Values a computation or a writer cannot take
# ---------------------------------------------------------------------------------------------

#: Numbers at or beyond this magnitude are not computed with (Excel keeps 15 significant digits).
MAX_ABS_NUMBER = 1e15
#: Digits in a text that still reads as a number (beyond: V011, kept as text).
MAX_NUMBER_DIGITS = 40
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_DIGITS = re.compile(r"[\s+\-]*[\d０-９][\d０-９,，.\s]*[%％]?")


def safe_value(v: Any, origin: Origin, field: str, findings: list[Finding], label: str) -> Any:
    """``v`` as the rest of the program can use it, with a finding on the cell when it changed:
    XML-illegal characters replaced (V013); NaN, infinities, numbers ≥ 10^15 and texts of more
    than 40 digits kept as text (V011); bare times and dates outside Excel's range as text (V012)."""
    t = type(v)
    if t is str:
        if _ILLEGAL.search(v):
            from xlsxtools.xmlsafe import describe, xml_safe

            findings.append(finding("V013", f"{label}{describe(v)}", origin, field))
            v = xml_safe(v)
        if len(v) > MAX_NUMBER_DIGITS and _DIGITS.fullmatch(v):
            findings.append(finding("V011", f"{label}是 {len(v)} 位的数字，超出可计算范围，按文本读取", origin, field))
        return v
    if t is float or (t is int and not isinstance(v, bool)):
        if v != v or v in (_INF, -_INF):
            findings.append(finding("V011", f"{label}的数值无效（{v}），按文本读取", origin, field))
            return str(v)
        if abs(v) >= MAX_ABS_NUMBER:
            text = f"{v:.6g}" if t is float else (str(v) if v.bit_length() < 128 else f"{float(v):.6g}")
            findings.append(finding("V011", f"{label}的数值 {text} 超出可计算范围（绝对值应小于 10^15），按文本读取",
                                    origin, field))
            return text
        return v
    if isinstance(v, time | timedelta):
        findings.append(finding("V012", f"{label}是时间「{v}」或超出范围的日期（Excel 日期须在 1900-01-01 至 "
                                        "9999-12-31 之间），按文本读取", origin, field))
        return str(v)
    if isinstance(v, date) and not 1900 <= v.year <= 9999:
        findings.append(finding("V012", f"{label}的日期 {v} 超出 Excel 的范围（1900-01-01 至 9999-12-31），按文本读取",
                                origin, field))
        return v.isoformat()
    return v


_INF = float("inf")


def _needs_guard(v: Any) -> bool:
    t = type(v)
    if t is str:  # isprintable (C speed) is false for every illegal character (and for a few legal ones)
        return len(v) > MAX_NUMBER_DIGITS or (not v.isprintable() and _ILLEGAL.search(v) is not None)
    if t is float:
        return v != v or abs(v) >= MAX_ABS_NUMBER
    if t is int:
        return abs(v) >= MAX_ABS_NUMBER
    return t is not bool and t is not datetime and t is not date and v is not None


# ---------------------------------------------------------------------------------------------
# Opening
# ---------------------------------------------------------------------------------------------


def sniff(path: Path) -> str:
    """Raise UnreadableFile with a precise reason for files that are not a readable workbook or
    would cost more than the limits (preflight); returns the format found by content."""
    from xlsxtools.workbook.preflight import check_workbook, current_limits

    return check_workbook(path, current_limits())


def open_calamine(path: Path):  # -> python_calamine.CalamineWorkbook
    import python_calamine

    kind = sniff(path)
    try:
        if kind == "xlsx" and path.suffix.lower() in (".xlsx", ".xlsm") and str(path).isprintable() \
                and _utf8(str(path)):
            return python_calamine.CalamineWorkbook.from_path(str(path))
        with path.open("rb") as fh:  # calamine picks the format from the content, not the name
            return python_calamine.CalamineWorkbook.from_filelike(fh)
    except BaseException as exc:  # calamine raises its own error types, and panics on some corrupt files
        if not native_failure(exc):
            raise
        if type(exc).__name__ == "PasswordError":
            raise UnreadableFile("工作簿有打开密码（已加密），无法读取", file=str(path),
                                 hint="请在 Excel 中去掉打开密码后另存为 .xlsx/.xlsm") from exc
        raise UnreadableFile(f"工作簿已损坏，无法读取（{_short(exc)}）", file=str(path)) from exc


def _utf8(text: str) -> bool:
    """Whether a path can be handed to Rust as text (a file name with bytes that are not UTF-8
    reaches Python as lone surrogates: such a file is read through a file object instead)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def native_failure(exc: BaseException) -> bool:
    """True for an error raised by a native reader, including a Rust panic (pyo3's PanicException
    derives from BaseException, so ``except Exception`` misses it); False for Ctrl-C and exits."""
    return not isinstance(exc, KeyboardInterrupt | SystemExit | GeneratorExit)


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return f"{type(exc).__name__}: {text[:200]}"


def cell_at(grid: Grid, row: int, col: int) -> Any:
    """Value at 1-based (row, col), or None outside the grid."""
    if 1 <= row <= len(grid):
        r = grid[row - 1]
        if 1 <= col <= len(r):
            v = r[col - 1]
            return None if v == "" else v
    return None


def split_cell(ref: str) -> tuple[str, int]:
    m = re.match(r"([A-Z]+)(\d+)$", ref)
    assert m, ref
    return m.group(1), int(m.group(2))


class CalamineSource:
    """Sheets of a workbook file, read with python-calamine."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.wb = open_calamine(path)
        self.sheet_names: list[str] = list(self.wb.sheet_names)
        self._sheets: dict[str, Any] = {}  # each sheet's XML is parsed once

    def _sheet(self, name: str) -> Any:
        if name not in self._sheets:
            try:
                self._sheets[name] = self.wb.get_sheet_by_name(name)
            except BaseException as exc:
                if not native_failure(exc):
                    raise
                raise UnreadableFile(f"无法读取工作表「{name}」（{_short(exc)}）", file=str(self.path),
                                     sheet=name) from exc
        return self._sheets[name]

    def grid(self, name: str) -> Grid:
        sheet = self._sheet(name)
        try:
            return sheet.to_python(skip_empty_area=False)
        except BaseException as exc:
            if not native_failure(exc):
                raise
            raise UnreadableFile(f"无法读取工作表「{name}」的单元格（{_short(exc)}）", file=str(self.path),
                                 sheet=name) from exc

    def merged(self, name: str) -> list:
        try:
            return self._sheet(name).merged_cell_ranges or []
        except BaseException as exc:  # merged ranges are a nicety; reading goes on without them
            if not native_failure(exc):
                raise
            return []

    def percent_cells(self, sheet: str, refs: set[str]) -> set[str]:
        try:
            return percent_cells(self.path, sheet, refs)
        except (KeyError, StopIteration, zipfile.BadZipFile, OSError, ValueError):
            return set()


class MemorySource:
    """Sheets given as value grids (from live Excel through xlwings, or tests).

    ``merged``: sheet → list of ((r0, c0), (r1, c1)) zero-based ranges; ``percent``: sheet → cell
    references that carry a % number format.
    """

    def __init__(self, grids: dict[str, Grid], merged: dict[str, list] | None = None,
                 percent: dict[str, set[str]] | None = None) -> None:
        self.grids = grids
        self.sheet_names = list(grids)
        self._merged = merged or {}
        self._percent = percent or {}

    def grid(self, name: str) -> Grid:
        return [["" if v is None else v for v in row] for row in self.grids[name]]

    def merged(self, name: str) -> list:
        return self._merged.get(name, [])

    def percent_cells(self, sheet: str, refs: set[str]) -> set[str]:
        return refs & self._percent.get(sheet, set())


# ---------------------------------------------------------------------------------------------
# Locating by title
# ---------------------------------------------------------------------------------------------


def find_header_row(grid: Grid, wanted: dict[str, tuple[str, ...]], required: Sequence[str],
                    max_row: int = 40) -> tuple[int, dict[str, int]] | None:
    """The first row (1-based) holding all ``required`` titles; returns (row, field → 1-based column)."""
    keyed = {f: {key(t) for t in titles} for f, titles in wanted.items()}
    for r_idx, row in enumerate(grid[:max_row], start=1):
        found: dict[str, int] = {}
        for c_idx, v in enumerate(row, start=1):
            if v == "" or v is None:
                continue
            k = key(v)
            for f, keys in keyed.items():
                if f not in found and k in keys:
                    found[f] = c_idx
                    break
        if all(f in found for f in required):
            return r_idx, found
    return None


def find_label(grid: Grid, titles: tuple[str, ...], rows: range) -> tuple[int, int] | None:
    """(row, col) of the first cell within ``rows`` whose text is one of ``titles``."""
    keys = {key(t) for t in titles}
    for r in rows:
        if r < 1 or r > len(grid):
            continue
        for c_idx, v in enumerate(grid[r - 1], start=1):
            if v not in ("", None) and key(v) in keys:
                return r, c_idx
    return None


def value_right_of(grid: Grid, row: int, col: int, stop_keys: set[str]) -> tuple[Any, int | None]:
    """The first non-empty value right of (row, col) that is not another label; (value, col)."""
    r = grid[row - 1]
    for c in range(col + 1, len(r) + 1):
        v = r[c - 1]
        if v in ("", None):
            continue
        if isinstance(v, str) and key(v) in stop_keys:
            return None, None
        return v, c
    return None, None


# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------


def check_marker(wb: CalamineSource | MemorySource, path: Path, findings: list[Finding]) -> str | None:
    """Return the layout version, or raise NotATemplateWorkbook when the workbook is not ours."""
    names = list(wb.sheet_names)
    missing_sheets = [s for s in (layout.TARGETS_SHEET, layout.ACTUALS_SHEET, layout.LISTS_SHEET) if s not in names]
    if layout.TARGETS_SHEET in missing_sheets:
        raise NotATemplateWorkbook(
            f"不是由模板生成的单位工作簿：缺少工作表「{'」「'.join(missing_sheets)}」（现有：{'、'.join(names) or '无'}）",
            file=str(path), hint="请用 xlsxtools import 把旧表导入模板，或用 xlsxtools template build 生成的模板填报")
    if layout.LISTS_SHEET not in names:
        findings.append(finding("W002", f"工作簿缺少隐藏的「{layout.LISTS_SHEET}」表，无法确认模板版本，按当前版本读取",
                                Origin(file=str(path))))
        return None
    grid = wb.grid(layout.LISTS_SHEET)
    mcol, mrow = split_cell(layout.MARKER_CELL)
    vcol, vrow = split_cell(layout.VERSION_CELL)
    marker = clean(cell_at(grid, mrow, layout.col_index(mcol)))
    version = clean(cell_at(grid, vrow, layout.col_index(vcol))) or None
    if marker != layout.VERSION_MARKER:
        findings.append(finding("W002", f"「{layout.LISTS_SHEET}」表没有模板标记，无法确认模板版本，按当前版本读取",
                                Origin(file=str(path), sheet=layout.LISTS_SHEET, row=mrow,
                                       columns={"marker": mcol}), "marker"))
    elif version != layout.LAYOUT_VERSION:
        findings.append(finding(
            "W002", f"工作簿来自模板版本 {version}，当前版本为 {layout.LAYOUT_VERSION}；" + (
                f"请运行 xlsxtools upgrade {path.name} -o 新文件{path.suffix or '.xlsm'} 升级（数据全部保留）后再提交"
                if version in layout.UPGRADABLE_VERSIONS else "请用当前模板重新导入后再提交"),
            Origin(file=str(path), sheet=layout.LISTS_SHEET, row=vrow, columns={"version": vcol}), "version"))
    return version


def read_unit_info(grid: Grid, path: Path, grid_end: int, merged: list | None = None,
                   findings: list[Finding] | None = None) -> UnitInfo:
    info = UnitInfo()
    all_fields = (*layout.HEADER_FIELDS, *layout.FOOTER_FIELDS)
    stop = {key(t) for f in all_fields for t in f.titles}
    for f, rows in [(f, range(1, layout.TARGET_HEADER_ROW + 3)) for f in layout.HEADER_FIELDS] + \
                   [(f, range(grid_end, len(grid) + 1)) for f in layout.FOOTER_FIELDS]:
        hit = find_label(grid, f.titles, rows)
        if hit is None:
            continue
        r, c = hit
        value, vc = value_right_of(grid, r, c, stop)
        if vc is None:  # empty value: the cell after the label (and after the label's merged range)
            vc = c + 1
            for (r0, c0), (r1, c1) in merged or []:
                if r0 + 1 <= r <= r1 + 1 and c0 + 1 <= c <= c1 + 1:
                    vc = c1 + 2
        col = layout.col_letter(vc)
        origin = info.origins[f.key] = Origin(file=str(path), sheet=layout.TARGETS_SHEET, row=r, columns={f.key: col})
        if findings is not None and _needs_guard(value):
            value = safe_value(value, origin, f.key, findings, f"「{f.titles[0]}」")
        text = clean(value)
        if f.key == "year" and isinstance(value, float):
            text = str(int(value)) if value.is_integer() else clean(value)
        setattr(info, f.key, text)
    return info


_TITLES = {c.key: c.title for c in (*layout.TARGET_COLUMNS, *layout.ACTUAL_COLUMNS)}

#: Short cell text → whether it is a footer label (the same texts recur down the rows and across
#: the workbooks of a consolidation).
_FOOTER_LABEL_MEMO: dict[str, bool] = {}
_FOOTER_LABEL_MEMO_MAX = 1 << 16


def read_indicators(grid: Grid, path: Path, merged: list,
                    findings: list[Finding]) -> tuple[list[Indicator], int, int]:
    """Indicators of 目标表, the grid's header row, and the row after the grid (the footer follows)."""
    wanted = {c.key: c.titles for c in layout.TARGET_COLUMNS}
    found = find_header_row(grid, wanted, required=[c.key for c in layout.TARGET_COLUMNS if c.key != "remark"])
    if found is None:
        missing = [c.title for c in layout.TARGET_COLUMNS]
        raise NotATemplateWorkbook(
            f"不是由模板生成的单位工作簿：「{layout.TARGETS_SHEET}」表找不到指标表头（应有：{'、'.join(missing)}）",
            file=str(path), sheet=layout.TARGETS_SHEET)
    header_row, cols = found
    letters = {f: layout.col_letter(c) for f, c in cols.items()}
    footer_keys = {key(t) for f in layout.FOOTER_FIELDS for t in f.titles}
    # Merged ranges that start in the level-1/level-2 columns: continuation rows take the top value.
    # Only the part of a range inside the grid and the grid's columns matters (a merge may span
    # the whole sheet: never expand beyond what was read).
    merged_from: dict[tuple[int, int], tuple[int, int]] = {}
    last_col = max((c for c in cols.values()), default=0)
    for (r0, c0), (r1, c1) in merged:
        for r in range(r0, min(r1, len(grid) - 1) + 1):
            for c in range(c0, min(c1, last_col - 1) + 1):
                if (r, c) != (r0, c0):
                    merged_from[(r + 1, c + 1)] = (r0 + 1, c0 + 1)

    indicators: list[Indicator] = []
    col_items = list(cols.items())
    label_memo = _FOOTER_LABEL_MEMO
    if len(label_memo) > _FOOTER_LABEL_MEMO_MAX:
        label_memo.clear()
    row = header_row + 1
    while row <= len(grid):
        cells = grid[row - 1]
        footer = False
        for v in cells:
            if isinstance(v, str) and len(v) <= FOOTER_LABEL_MAX:
                hit = label_memo.get(v)
                if hit is None:
                    hit = label_memo[v] = key(v) in footer_keys
                if hit:
                    footer = True
                    break
        if footer:
            break
        values: dict[str, Any] = {}
        n = len(cells)
        empty = True
        for f, c in col_items:
            v = cells[c - 1] if c <= n else None
            if v == "":
                v = None
            if v is None and merged_from and (row, c) in merged_from:
                v = cell_at(grid, *merged_from[(row, c)])
            if v is not None:
                empty = False
            values[f] = v
        if empty:
            row += 1
            continue
        origin = Origin(file=str(path), sheet=layout.TARGETS_SHEET, row=row, columns=letters)
        for f, v in values.items():
            if v is not None and _needs_guard(v):
                values[f] = safe_value(v, origin, f, findings, f"第 {row} 行「{_TITLES[f]}」")
        raw_type = clean(values.get("type"))
        typ = normalize_type(raw_type)
        if typ is not None and typ != raw_type:
            findings.append(finding("V009", f"指标值类型「{raw_type}」按「{typ}」读取", origin, "type"))
        target_raw = values.get("target")
        target = clean(target_raw)
        if isinstance(target_raw, str) and parse_number(target_raw) is not None and target != clean(parse_number(target_raw)):
            # number typed as text or with full-width digits: read as the number a person sees
            num = parse_number(target_raw)
            findings.append(finding("V009", f"指标值「{target}」按数字 {clean(num)} 读取", origin, "target"))
            target = clean(float(num)) if num is not None else target
        ind = Indicator(
            level1=clean(values.get("level1")), level2=clean(values.get("level2")), name=clean(values.get("name")),
            type=typ or raw_type, target=target, unit=clean(values.get("unit")),
            explanation=clean(values.get("explanation")), rule_text=clean(values.get("rule_text")),
            remark=clean(values.get("remark")), origin=origin,
        )
        indicators.append(ind)
        row += 1
    return indicators, header_row, row


def _weights(indicators: list[Indicator]) -> None:
    if not indicators:
        return
    from xlsxtools.rules import parse_rule

    for ind in indicators:
        ind.weight = parse_rule(ind.rule_text).points if ind.rule_text else None


def read_actuals(wb: CalamineSource | MemorySource, path: Path, indicators: list[Indicator], target_header: int,
                 findings: list[Finding]) -> Actuals | None:
    """Actual values, aligned with ``indicators`` row for row (the sheets are linked by formulas).

    Row k below the 实际完成 header belongs to row k below the 目标表 header; when the cached
    三级指标 on 实际完成 disagrees (rows inserted or moved), rows are matched by name instead.
    """
    if layout.ACTUALS_SHEET not in wb.sheet_names:
        findings.append(finding("W001", f"缺少「{layout.ACTUALS_SHEET}」表，无法读取实际完成值", Origin(file=str(path))))
        return None
    grid = wb.grid(layout.ACTUALS_SHEET)
    sheet = layout.ACTUALS_SHEET
    wanted = {c.key: c.titles for c in layout.ACTUAL_COLUMNS}
    found = find_header_row(grid, wanted, required=["name", "actual"])
    if found is None:
        findings.append(finding("W001", f"「{sheet}」表找不到表头（三级指标、实际完成值），无法读取实际完成值",
                                Origin(file=str(path), sheet=sheet)))
        return None
    header_row, cols = found
    letters = {f: layout.col_letter(c) for f, c in cols.items()}
    actuals = Actuals()
    # Budget band: titles anywhere above the grid header, values directly below.
    for f in layout.BUDGET_FIELDS:
        if f.key not in layout.BUDGET_INPUT_KEYS:
            continue
        hit = find_label(grid, f.titles, range(1, header_row))
        if hit:
            r, c = hit
            origin = actuals.origins[f.key] = Origin(file=str(path), sheet=sheet, row=r + 1,
                                                     columns={f.key: layout.col_letter(c)})
            v = cell_at(grid, r + 1, c)
            if _needs_guard(v):
                v = safe_value(v, origin, f.key, findings, f"「{f.titles[0]}」")
            setattr(actuals, f.key, v)
    # Rows of the actuals grid, keyed by their offset from the first grid row.
    rows: list[tuple[int, str, Any, str]] = []  # (sheet row, name key, value, reason)
    for r in range(header_row + 1, len(grid) + 1):
        name = clean(cell_at(grid, r, cols["name"]))
        value = cell_at(grid, r, cols["actual"])
        reason = clean(cell_at(grid, r, cols["reason"])) if "reason" in cols else ""
        rows.append((r, key(name), value, reason))
    by_name: dict[str, list[int]] = {}
    for i, (_, k, _, _) in enumerate(rows):
        if k:
            by_name.setdefault(k, []).append(i)

    used: set[int] = set()
    for ind in indicators:
        offset = (ind.origin.row or 0) - target_header - 1
        idx: int | None = offset
        if 0 <= offset < len(rows) and rows[offset][1] and rows[offset][1] != key(ind.name):
            # The cached name differs (rows inserted or moved on one sheet): match by name instead.
            cands = [i for i in by_name.get(key(ind.name), []) if i not in used]
            idx = cands[0] if len(cands) == 1 else None
        if idx is None or idx < 0 or idx in used:
            findings.append(finding(
                "W003", f"「{ind.name or '（无名称）'}」在「{sheet}」表中找不到对应的行（目标表第 {ind.origin.row} 行）",
                ind.origin, "name"))
            actuals.entries.append(ActualEntry(origin=Origin(file=str(path), sheet=sheet, row=None, columns=letters)))
            continue
        used.add(idx)
        if idx < len(rows):
            r, _, value, reason = rows[idx]
        else:  # empty rows at the end of the sheet are not in the grid calamine returns
            r, value, reason = header_row + 1 + idx, None, ""
        origin = Origin(file=str(path), sheet=sheet, row=r, columns=letters)
        if _needs_guard(value):
            value = safe_value(value, origin, "actual", findings, f"第 {r} 行「实际完成值」")
        if _needs_guard(reason):
            reason = safe_value(reason, origin, "reason", findings, f"第 {r} 行「偏差原因」")
        actuals.entries.append(ActualEntry(value=value, reason=reason, origin=origin))
    for i, (r, k, value, _) in enumerate(rows):
        if i not in used and value is not None and k:
            findings.append(finding("W003", f"「{sheet}」表第 {r} 行有实际完成值，但目标表中没有对应的指标",
                                    Origin(file=str(path), sheet=sheet, row=r, columns=letters), "actual"))
    _mark_percent_formats(wb, sheet, actuals, indicators)
    return actuals


def _mark_percent_formats(wb: CalamineSource | MemorySource, sheet: str, actuals: Actuals,
                          indicators: list[Indicator]) -> None:
    """Set ``percent_format`` on actual cells that carry a % number format.

    Only looked up when it matters (a number ≤ 10 in a % row), by reading the sheet's XML styles
    directly: calamine gives values, not formats.
    """
    wanted = {}
    for ind, e in zip(indicators, actuals.entries, strict=False):
        if e.origin.row and ind.unit.strip() in ("%", "％") and isinstance(e.value, int | float) \
                and abs(e.value) <= 10:
            wanted[e.origin.cell("actual")] = e
    if not wanted:
        return
    styles = wb.percent_cells(sheet, set(wanted))
    for ref, e in wanted.items():
        e.percent_format = ref in styles


#: Parsed workbook parts shared by identical copies of the template (keyed by the parts' CRCs
#: from the zip directory): sheet name → sheet part, and the set of percent-format style ids.
_PART_CACHE: dict[tuple[tuple[int, int], tuple[int, int], str], str] = {}
_PERCENT_XF_CACHE: dict[tuple[int, int], frozenset[int]] = {}
_CACHE_MAX = 256
_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
       "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}


def _crc(z: zipfile.ZipFile, name: str) -> tuple[int, int]:
    info = z.getinfo(name)
    return info.CRC, info.file_size


def _sheet_part(z: zipfile.ZipFile, sheet_name: str) -> str:
    from xml.etree import ElementTree as ET

    ck = (_crc(z, "xl/workbook.xml"), _crc(z, "xl/_rels/workbook.xml.rels"), sheet_name)
    part = _PART_CACHE.get(ck)
    if part is None:
        wbx = ET.fromstring(z.read("xl/workbook.xml"))
        rid = next(s.get(f"{{{_NS['r']}}}id") for s in wbx.iter(f"{{{_NS['m']}}}sheet")
                   if s.get("name") == sheet_name)
        rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
        target = next(r.get("Target") for r in rels if r.get("Id") == rid)
        target = target.lstrip("/")
        part = target if target.startswith("xl/") else f"xl/{target}"
        if len(_PART_CACHE) >= _CACHE_MAX:
            _PART_CACHE.clear()
        _PART_CACHE[ck] = part
    return part


def _percent_xfs(z: zipfile.ZipFile) -> frozenset[int]:
    from xml.etree import ElementTree as ET

    ck = _crc(z, "xl/styles.xml")
    found = _PERCENT_XF_CACHE.get(ck)
    if found is None:
        st = ET.fromstring(z.read("xl/styles.xml"))
        fmts = {int(n.get("numFmtId")): n.get("formatCode", "") for n in st.iter(f"{{{_NS['m']}}}numFmt")}
        xfs_el = st.find("m:cellXfs", _NS)
        percent_xf = set()
        if xfs_el is not None:
            for i, xf in enumerate(xfs_el.findall("m:xf", _NS)):
                fid = int(xf.get("numFmtId", "0"))
                if fid in (9, 10) or "%" in fmts.get(fid, ""):
                    percent_xf.add(i)
        found = frozenset(percent_xf)
        if len(_PERCENT_XF_CACHE) >= _CACHE_MAX:
            _PERCENT_XF_CACHE.clear()
        _PERCENT_XF_CACHE[ck] = found
    return found


def percent_cells(path: Path, sheet_name: str, refs: set[str]) -> set[str]:
    """Which of ``refs`` on ``sheet_name`` carry a percentage number format.

    The workbook, relationship and style parts are parsed once per distinct content (a folder of
    workbooks made from one template shares them); only the sheet part is read per file.
    """
    with zipfile.ZipFile(path) as z:
        part = _sheet_part(z, sheet_name)
        percent_xf = _percent_xfs(z)
        if not percent_xf:
            return set()
        data = z.read(part).decode("utf-8")
    out = set()
    for ref in refs:
        m = re.search(rf'<c r="{ref}"[^>]*?\ss="(\d+)"', data)
        if m and int(m.group(1)) in percent_xf:
            out.add(ref)
    return out


def read_unit_workbook(path: str | Path) -> UnitWorkbook:
    """Read a unit workbook made from the template: header, indicators, footer and actuals."""
    p = Path(path)
    if p.suffix.lower() not in WORKBOOK_SUFFIXES:
        raise UnreadableFile(f"不支持的文件类型「{p.suffix or '无扩展名'}」：单位工作簿应为 .xlsx、.xlsm"
                             "（也可读取 .xls、.xlsb、.ods）", file=str(p))
    return read_unit(CalamineSource(p), str(p))


def read_unit(source: CalamineSource | MemorySource, label: str) -> UnitWorkbook:
    """Read a unit workbook from its sheets (a file, or grids from live Excel); ``label`` names it."""
    p = Path(label)
    findings: list[Finding] = []
    version = check_marker(source, p, findings)
    grid = source.grid(layout.TARGETS_SHEET)
    table_findings: list[Finding] = []
    merged = source.merged(layout.TARGETS_SHEET)
    indicators, target_header, grid_end = read_indicators(grid, p, merged, table_findings)
    _weights(indicators)
    unit = read_unit_info(grid, p, grid_end, merged, table_findings)
    table = TargetTable(unit=unit, indicators=indicators, findings=table_findings, source=label)
    actuals = read_actuals(source, p, indicators, target_header, findings)
    uw = UnitWorkbook(path=label, layout_version=version, table=table, actuals=actuals, findings=findings)
    uw.monitoring = read_monitoring(source, p, table, target_header)
    return uw


# ---------------------------------------------------------------------------------------------
# 运行监控 (mid-year monitoring, layout version 2)
# ---------------------------------------------------------------------------------------------


def read_monitoring(source: CalamineSource | MemorySource, path: Path, table: TargetTable,
                    target_header: int) -> Any:  # -> xlsxtools.checks.monitoring.Monitoring | None
    """The 运行监控 sheet as plain values, or None when the workbook has none (layout version 1).

    Titles are found by their text (band titles above the grid, values directly below; the grid
    by its header row). Row k below the grid header belongs to the indicator k rows below the
    目标表 header (the sheets are linked by formulas); when the cached 三级指标 disagrees, rows
    are matched by name. Linked cells are read from 目标表 itself (their formulas may carry no
    cached values), so only the input cells come from this sheet.
    """
    from xlsxtools.checks.monitoring import Monitoring, MonitorRow

    sheet = layout.MONITOR_SHEET
    if sheet not in source.sheet_names:
        return None
    grid = source.grid(sheet)
    wanted = {c.key: c.titles for c in layout.MONITOR_COLUMNS}
    found = find_header_row(grid, wanted, required=["name", "progress", "expected"])
    header_row, cols = found if found is not None else (layout.MONITOR_HEADER_ROW, {
        k: layout.col_index(v) for k, v in layout.MONITOR_COL.items()})
    letters = {f: layout.col_letter(c) for f, c in cols.items()}
    m = Monitoring(unit_name=table.unit.name, year=table.unit.year, file=str(path))
    trow = layout.MONITOR_BUDGET_TITLE_ROW
    for f in layout.MONITOR_BUDGET_FIELDS:
        c0 = layout.col_index(layout.MONITOR_BUDGET_COL[f.key])
        at = cell_at(grid, trow, c0)  # where the template puts it, else wherever the title went
        hit = (trow, c0) if at == f.title else find_label(grid, f.titles, range(1, header_row))
        r, c = (hit[0] + 1, hit[1]) if hit else (layout.MONITOR_BUDGET_VALUE_ROW,
                                                 layout.col_index(layout.MONITOR_BUDGET_COL[f.key]))
        if f.key in layout.MONITOR_BUDGET_INPUT_KEYS:
            setattr(m, f.key, cell_at(grid, r, c))
        m.origins[f.key] = Origin(file=str(path), sheet=sheet, row=r, columns={f.key: layout.col_letter(c)})
    inputs = [c.key for c in layout.MONITOR_COLUMNS if c.input]

    def text(r: int, k: str) -> Any:
        return cell_at(grid, r, cols[k]) if k in cols else None

    by_name: dict[str, list[int]] = {}
    for r in range(header_row + 1, len(grid) + 1):
        k = key(text(r, "name"))
        if k:
            by_name.setdefault(k, []).append(r)
    used: set[int] = set()
    for ind in table.indicators:
        r = header_row + (ind.origin.row or 0) - target_header
        cached = key(text(r, "name"))
        if cached and cached != key(ind.name):
            cands = [x for x in by_name.get(key(ind.name), []) if x not in used]
            r = cands[0] if len(cands) == 1 else r
        used.add(r)
        values = {k: text(r, k) for k in inputs}
        m.rows.append(MonitorRow(
            level1=ind.level1, level2=ind.level2, name=ind.name, type=ind.type, target=ind.target, unit=ind.unit,
            progress=values.get("progress"), expected=values.get("expected"), cause=clean(values.get("cause")),
            likelihood=clean(values.get("likelihood")), measures=clean(values.get("measures")),
            origin=Origin(file=str(path), sheet=sheet, row=r, columns=letters)))
    _monitoring_percent_cells(source, m)
    return m


def _monitoring_percent_cells(source: CalamineSource | MemorySource, m: Any) -> None:
    """A % indicator's value typed as "96%" (Excel stores 0.96 with a % format) reads as 96, like
    the 指标值; only small numbers in % rows are looked up (see ``_mark_percent_formats``)."""
    wanted: dict[str, tuple[Any, str]] = {}
    for row in m.rows:
        if row.unit.strip() not in ("%", "％"):
            continue
        for k in ("progress", "expected"):
            v = getattr(row, k)
            ref = row.origin.cell(k)
            if ref and isinstance(v, int | float) and not isinstance(v, bool) and abs(v) <= 10:
                wanted[ref] = (row, k)
    if not wanted:
        return
    for ref in source.percent_cells(layout.MONITOR_SHEET, set(wanted)):
        row, k = wanted[ref]
        setattr(row, k, round(getattr(row, k) * 100, 6))
