"""Findings shown in the workbook: the pure part (no workbook library here).

``annotation_edits`` turns findings into :class:`~xlsxtools.model.CellEdit` s — a fill colour by
severity and one note per cell listing every finding there — and ``report_rows`` into the rows of
the 检查结果 sheet. The file edge (:mod:`xlsxtools.workbook.annotate_edge`) and the Excel button
apply the same edits, so both show the same thing.

To clear a previous check without touching the user's own formatting, the edge records each cell
it annotates as a :class:`Mark` (with the fill and note the cell had before); ``clear_edits``
turns the marks back into edits that restore them. Notes written by xlsxtools start with
``NOTE_PREFIX`` so they can be recognised even without the marks.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from xlsxtools import layout
from xlsxtools.codes import CODES
from xlsxtools.model import CellEdit, Finding, Severity

#: Fill colour (RGB hex) by severity: Excel's light red, light yellow and light blue.
FILLS: dict[Severity, str] = {Severity.ERROR: "FFC7CE", Severity.WARNING: "FFEB9C", Severity.INFO: "DDEBF7"}
#: First line of every note xlsxtools writes.
NOTE_PREFIX = "xlsxtools 检查结果"
#: Hidden columns on the report sheet recording the annotated cells (sheet, cell, old fill, old note),
#: after the visible report columns and one spare column.
MARK_FIRST_COL = len(layout.REPORT_COLUMNS) + 2
MARK_TITLES = ("xlsxtools-marks:sheet", "cell", "fill", "note")


@dataclass(frozen=True)
class Mark:
    """A cell annotated by xlsxtools, with the fill ("" none) and note ("" none) it had before."""

    sheet: str
    cell: str
    fill: str = ""
    note: str = ""


@dataclass(frozen=True)
class ReportRow:
    """One row of the 检查结果 sheet."""

    severity: str  # Chinese label (错误/警告/提示)
    code: str
    sheet: str
    cell: str
    message: str
    #: Internal link target ("'目标表'!E12") or None when the finding has no cell.
    link: str | None = None

    def values(self) -> dict[str, str]:
        """Field key of layout.REPORT_COLUMNS → value."""
        return {"severity": self.severity, "code": self.code, "sheet": self.sheet, "cell": self.cell,
                "message": self.message}


def _worst(findings: list[Finding]) -> Severity:
    return min((f.severity for f in findings), key=lambda s: s.rank)


def note_text(findings: list[Finding]) -> str:
    """The note of one cell: a header line, then one line per finding (most severe first)."""
    lines = [NOTE_PREFIX]
    for f in sorted(findings, key=lambda f: (f.severity.rank, f.code)):
        title = CODES[f.code].title if f.code in CODES else ""
        lines.append(f"【{f.severity.label} {f.code}{' ' + title if title else ''}】{f.message}")
    return "\n".join(lines)


def by_cell(findings: Iterable[Finding]) -> dict[tuple[str, str], list[Finding]]:
    """Findings that name a cell of a sheet, grouped by (sheet, cell) in order of appearance."""
    out: dict[tuple[str, str], list[Finding]] = {}
    for f in findings:
        if f.sheet and f.cell:
            out.setdefault((f.sheet, f.cell), []).append(f)
    return out


def annotation_edits(findings: Iterable[Finding]) -> list[CellEdit]:
    """One edit per offending cell: fill by the most severe finding, a note with every message."""
    return [CellEdit(sheet=sheet, cell=cell, fill=FILLS[_worst(fs)], note=note_text(fs))
            for (sheet, cell), fs in by_cell(findings).items()]


def clear_edits(marks: Iterable[Mark]) -> list[CellEdit]:
    """Edits restoring every previously annotated cell to the fill and note it had before."""
    return [CellEdit(sheet=m.sheet, cell=m.cell, fill=m.fill, note=m.note) for m in marks]


def is_our_note(text: str | None) -> bool:
    return bool(text) and text.startswith(NOTE_PREFIX)


#: 检查结果 lists errors first, then warnings, then information (by place within each).
SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


def report_rows(findings: Iterable[Finding]) -> list[ReportRow]:
    """Rows of the 检查结果 sheet: by severity (errors first), each severity in the order given
    (run_checks sorts by place)."""
    rows = []
    for f in sorted(findings, key=lambda f: SEVERITY_ORDER.get(f.severity, 3)):
        cell = f.cell or (f"第 {f.row} 行" if f.row and not f.sheet else "")
        link = f"'{f.sheet}'!{f.cell}" if f.sheet and f.cell else None
        rows.append(ReportRow(f.severity.label, f.code, f.sheet or "", cell, f.message, link))
    return rows


def summary_text(findings: list[Finding]) -> str:
    """The one-line summary above the report ("发现 2 个错误、1 个警告、0 个提示")."""
    n = {s: sum(1 for f in findings if f.severity == s) for s in Severity}
    if not findings:
        return "检查完毕：没有发现问题。"
    return (f"发现 {n[Severity.ERROR]} 个错误、{n[Severity.WARNING]} 个警告、{n[Severity.INFO]} 个提示；"
            "有问题的单元格已标色并附批注，点击“单元格”列可跳转。")
