"""Pure core of the consolidation: one unit's result, duplicates, roster, ranking, tamper status.

Nothing here reads or writes a workbook: :func:`evaluate_workbook` turns an already-read
:class:`~xlsxtools.model.UnitWorkbook` into small plain records, and :func:`aggregate` /
:func:`apply_baseline` work on those records. The runner (``runner.py``) does the I/O.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from xlsxtools import layout
from xlsxtools.codes import CODES
from xlsxtools.config import Config
from xlsxtools.consolidate.baseline import (
    ApprovedUnit,
    Baseline,
    compare,
    digest_of,
    indicator_fields,
    indicator_keys,
    table_digest,
)
from xlsxtools.consolidate.records import (
    STATUS_OK,
    STATUS_UNREADABLE,
    TAMPER_CHANGED,
    TAMPER_MATCH,
    TAMPER_NO_BASELINE,
    FindingRow,
    IndicatorRow,
    UnitDetail,
    UnitResult,
)
from xlsxtools.model import ActualEntry, Actuals, Finding, Indicator, TargetTable, UnitWorkbook
from xlsxtools.normalize import clean, key


def _f(v: Any) -> float | None:
    if v is None:
        return None
    if isinstance(v, Decimal):
        return float(v)
    if isinstance(v, int | float):
        return float(v)
    return None


def finding_row(f: Finding, path: str) -> FindingRow:
    return FindingRow(file=f.file or path, sheet=f.sheet, cell=f.cell, row=f.row, code=f.code,
                      severity=str(f.severity), message=f.message)


def _new_finding(code: str, message: str, file: str, sheet: str | None = None, cell: str | None = None,
                 row: int | None = None) -> FindingRow:
    return FindingRow(file=file, sheet=sheet, cell=cell, row=row, code=code,
                      severity=str(CODES[code].severity), message=message)


def _count(result: UnitResult, findings: Iterable[FindingRow]) -> None:
    for f in findings:
        if f.severity == "error":
            result.errors += 1
        elif f.severity == "warning":
            result.warnings += 1
        else:
            result.infos += 1


# ----------------------------------------------------------------------------------------------
# One unit
# ----------------------------------------------------------------------------------------------


def evaluate_workbook(wb: UnitWorkbook, config: Config, *, mtime: float = 0.0, size: int = 0,
                      digests: bool = True) -> tuple[UnitResult, UnitDetail]:
    """Check and score one read unit workbook; return its summary record and its detail.

    ``digests``: compute the per-indicator and table digests (only the tamper check compares
    them; a run without ``--baseline`` skips the cost, about a quarter of the per-workbook time).
    """
    from xlsxtools.checks import run_checks
    from xlsxtools.scoring import score_unit

    path = wb.path
    table, actuals = wb.table, wb.actuals
    from xlsxtools.consolidate.monitoring import evaluate_monitoring

    score = score_unit(table, actuals, config)
    monitoring, monitor_findings = evaluate_monitoring(wb, config)
    findings = list(wb.findings) + run_checks(table, actuals, config, score=score) + monitor_findings
    rows = [finding_row(f, path) for f in findings]

    name = clean(table.unit.name)
    result = UnitResult(path=path, mtime=mtime, size=size, status=STATUS_OK, unit_name=name,
                        unit_key=key(name), year=clean(table.unit.year), layout_version=wb.layout_version)
    _count(result, rows)
    result.monitoring = monitoring

    by_level1 = score.by_level1()
    order = list(layout.LEVEL1) + sorted(k for k in by_level1 if k not in layout.LEVEL1)
    result.level1 = {l1: (_f(by_level1[l1][0]), _f(by_level1[l1][1])) for l1 in order if l1 in by_level1}
    result.indicator_count = len(table.indicators)
    result.indicator_weight = _f(score.indicator_weight)
    result.indicator_total = _f(score.indicator_total)
    b = score.budget
    result.budget, result.spent, result.rate = _f(b.budget), _f(b.spent), _f(b.rate)
    result.budget_weight, result.budget_score = _f(b.weight), _f(b.score)
    result.total, result.grade, result.complete = _f(score.total), score.grade, bool(score.complete)

    entries = actuals.entries if actuals is not None else []
    scores = {id(s.indicator): s for s in score.indicators}
    keys = indicator_keys(ind.name for ind in table.indicators)
    ind_rows: list[IndicatorRow] = []
    digest_list: list[tuple[str, str]] = []
    for i, ind in enumerate(table.indicators):
        s = scores.get(id(ind))
        if s is None and i < len(score.indicators):
            s = score.indicators[i]
        e = entries[i] if i < len(entries) else None
        dg = ""
        if digests:
            dg = digest_of(indicator_fields(ind))
            digest_list.append((keys[i], dg))
        rule = getattr(s, "rule", None) if s is not None else None
        weight = ind.weight
        if weight is None and s is not None:
            weight = s.weight
        ind_rows.append(IndicatorRow(
            seq=i + 1, level1=ind.level1, level2=ind.level2, name=ind.name, type=ind.type, target=ind.target,
            unit=ind.unit, weight=_f(weight), actual=e.value if e is not None else None,
            percent_format=bool(e.percent_format) if e is not None else False,
            score=_f(s.score) if s is not None else None,
            rule_kind=str(rule.kind) if rule is not None else None,
            reason=e.reason if e is not None else "", rule_text=ind.rule_text, explanation=ind.explanation,
            row=ind.origin.row, actual_row=e.origin.row if e is not None else None, key=keys[i], digest=dg))
    if digests:
        result.digests = tuple(digest_list)
        result.table_digest = table_digest(digest_list)
    detail = UnitDetail(indicators=ind_rows, findings=rows,
                        budget_raw=actuals.budget if actuals is not None else None,
                        spent_raw=actuals.spent if actuals is not None else None)
    return result, detail


def unreadable_result(path: str, code: str, reason: str, *, mtime: float = 0.0,
                      size: int = 0) -> tuple[UnitResult, UnitDetail]:
    """The record of a workbook that could not be read (W004) or is not a unit workbook (W001)."""
    result = UnitResult(path=path, mtime=mtime, size=size, status=STATUS_UNREADABLE, reason=reason)
    rows = [_new_finding(code, reason, path)]
    _count(result, rows)
    return result, UnitDetail(findings=rows)


def pack(result: UnitResult, detail: UnitDetail, rows: Any = None, *, with_detail: bool = True) -> UnitResult:
    """Attach the pickled detail (unless ``with_detail`` is false) and the pickled rendered
    ``rows`` (when given) to the result: what a worker sends back."""
    if with_detail:
        result.detail_blob = pickle.dumps(detail, protocol=pickle.HIGHEST_PROTOCOL)
    if rows is not None:
        result.rows_blob = pickle.dumps(rows, protocol=pickle.HIGHEST_PROTOCOL)
    return result


# ----------------------------------------------------------------------------------------------
# All units
# ----------------------------------------------------------------------------------------------


@dataclass
class RosterEntry:
    name: str
    key: str
    #: "missing" (no workbook), "unreadable" (a file named like it could not be read), "ok".
    status: str = "missing"
    file: str = ""


@dataclass
class Consolidation:
    """Every unit in summary order, plus what the roster and duplicate checks found."""

    #: Counted units in summary order: ranked first, then unranked, then unreadable workbooks.
    units: list[UnitResult] = field(default_factory=list)
    #: Superseded duplicates (never counted), in path order.
    duplicates: list[UnitResult] = field(default_factory=list)
    roster: list[RosterEntry] = field(default_factory=list)
    roster_file: str | None = None
    #: Counted readable units whose name is not on the roster.
    not_on_roster: list[UnitResult] = field(default_factory=list)
    #: Findings not tied to one submitted workbook (C002 for roster units without a workbook).
    general_findings: list[FindingRow] = field(default_factory=list)

    @property
    def missing(self) -> list[RosterEntry]:
        return [r for r in self.roster if r.status != "ok"]


def _rank_key(u: UnitResult) -> tuple:
    return (-(u.total or 0.0), u.unit_key, u.path)


def aggregate(results: Iterable[UnitResult], roster: list[str] | None = None,
              roster_file: str | None = None) -> Consolidation:
    """Drop duplicates, rank, order and match against the roster.

    Duplicates: the same unit (``normalize.key`` of its name) in several workbooks; the newest by
    modification time is counted (ties: the first path in sort order), the others are listed with
    C001. Ranking: units with a complete self-evaluation are ranked by total (equal totals share a
    rank, 1, 2, 2, 4); the order among equals is by unit name key, then path.
    """
    results = list(results)
    groups: dict[str, list[UnitResult]] = {}
    for r in results:
        if r.readable and r.unit_key:
            groups.setdefault(r.unit_key, []).append(r)
    duplicates: list[UnitResult] = []
    for members in groups.values():
        if len(members) < 2:
            continue
        members.sort(key=lambda u: (-u.mtime, u.path))
        kept, rest = members[0], members[1:]
        for d in rest:
            d.counted = False
            d.note = f"重复提交，已以较新的文件 {kept.path} 为准"
            f = _new_finding(
                "C001", f"单位「{d.unit_name}」重复提交：本文件未计入汇总，已以较新的文件 {kept.path} 为准", d.path)
            d.extra_findings.append(f)
            _count(d, [f])
            duplicates.append(d)
        others = "、".join(d.path for d in rest)
        kept.note = f"同一单位还提交了 {others}，以本文件为准"
        f = _new_finding("C001", f"单位「{kept.unit_name}」重复提交（另有 {others}），以本文件（最新）为准", kept.path)
        kept.extra_findings.append(f)
        _count(kept, [f])

    counted = [r for r in results if r.counted]
    ranked = sorted((r for r in counted if r.readable and r.complete and r.total is not None), key=_rank_key)
    prev_total: float | None = None
    rank = 0
    for i, r in enumerate(ranked, start=1):
        if prev_total is None or r.total != prev_total:
            rank = i
        r.rank = rank
        prev_total = r.total
    ranked_ids = {id(r) for r in ranked}
    unranked = sorted((r for r in counted if r.readable and id(r) not in ranked_ids),
                      key=lambda u: (u.total is None, -(u.total or 0.0), u.unit_key, u.path))
    unreadable = sorted((r for r in counted if not r.readable), key=lambda u: u.path)
    cons = Consolidation(units=ranked + unranked + unreadable,
                         duplicates=sorted(duplicates, key=lambda u: u.path), roster_file=roster_file)
    if roster is not None:
        _match_roster(cons, roster, roster_file or "")
    return cons


def _match_roster(cons: Consolidation, roster: list[str], roster_file: str) -> None:
    entries: dict[str, RosterEntry] = {}
    for name in roster:
        n = clean(name)
        k = key(n)
        if k and k not in entries:
            entries[k] = RosterEntry(n, k)
    for u in cons.units:
        if not u.readable:
            continue
        e = entries.get(u.unit_key)
        if e is not None:
            e.status, e.file = "ok", u.path
        else:
            cons.not_on_roster.append(u)
            msg = f"单位「{u.display_name}」不在名册中" + (f"（名册：{roster_file}）" if roster_file else "")
            f = _new_finding("C003", msg, u.path)
            u.extra_findings.append(f)
            _count(u, [f])
    # A roster unit whose workbook could not be read: match the file name against the roster.
    for u in cons.units:
        if u.readable:
            continue
        stem = key(Path(u.path).stem)
        for e in entries.values():
            if e.status == "missing" and e.key and e.key in stem:
                e.status, e.file = "unreadable", u.path
                break
    cons.roster = list(entries.values())
    for e in cons.roster:
        if e.status == "missing":
            cons.general_findings.append(_new_finding("C002", f"名册中的单位「{e.name}」没有提交工作簿", roster_file))
        elif e.status == "unreadable":
            cons.general_findings.append(_new_finding(
                "C002", f"名册中的单位「{e.name}」提交的文件 {e.file} 无法读取，视同未提交", roster_file))


# ----------------------------------------------------------------------------------------------
# Tamper check
# ----------------------------------------------------------------------------------------------


def _row_fields(row: IndicatorRow) -> dict[str, str]:
    fields_ = indicator_fields({"level1": row.level1, "level2": row.level2, "name": row.name, "type": row.type,
                                "target": row.target, "unit": row.unit, "weight": row.weight,
                                "rule_text": row.rule_text, "explanation": row.explanation})
    fields_["key"] = row.key
    return fields_


def approved_table(approved: ApprovedUnit, unit_name: str) -> TargetTable:
    from xlsxtools.model import UnitInfo

    inds = []
    for a in approved.indicators:
        w = a.get("weight") or ""
        inds.append(Indicator(level1=a.get("level1", ""), level2=a.get("level2", ""), name=a.get("name", ""),
                              type=a.get("type", ""), target=a.get("target", ""), unit=a.get("unit", ""),
                              explanation=a.get("explanation", ""), rule_text=a.get("rule_text", ""),
                              weight=Decimal(w) if w else None))
    return TargetTable(unit=UnitInfo(name=unit_name), indicators=inds, source=approved.file)


def score_under_approved(approved: ApprovedUnit, result: UnitResult, detail: UnitDetail,
                         config: Config) -> float | None:
    """The unit's actuals scored against its approved table (indicators matched by identity)."""
    from xlsxtools.scoring import score_unit

    table = approved_table(approved, result.unit_name)
    by_key = {r.key: r for r in detail.indicators}
    entries = []
    for a in approved.indicators:
        r = by_key.get(a["key"])
        entries.append(ActualEntry(value=r.actual, percent_format=r.percent_format, reason=r.reason)
                       if r is not None else ActualEntry())
    actuals = Actuals(entries=entries, budget=detail.budget_raw, spent=detail.spent_raw)
    try:
        return _f(score_unit(table, actuals, config).total)
    except Exception:  # an approved table the scorer cannot handle: show no score rather than stop
        return None


def apply_baseline(cons: Consolidation, baseline: Baseline, load_detail: Callable[[UnitResult], UnitDetail],
                   config: Config) -> None:
    """Set each counted unit's tamper status; add C004 (per changed indicator) or C005 findings."""
    col = layout.TARGET_COL
    for u in cons.units:
        if not u.readable:
            continue
        approved = baseline.get(u.unit_key)
        if approved is None:
            u.tamper = TAMPER_NO_BASELINE
            f = _new_finding("C005", f"单位「{u.display_name}」没有核定基线，无法核对目标是否被改动", u.path)
            u.extra_findings.append(f)
            _count(u, [f])
            continue
        if u.table_digest == approved.digest:
            u.tamper = TAMPER_MATCH
            continue
        detail = load_detail(u)
        changes = compare(approved, [_row_fields(r) for r in detail.indicators])
        if not changes:  # digests differ only in order of identical rows
            u.tamper = TAMPER_MATCH
            continue
        u.tamper = f"{TAMPER_CHANGED}（{len(changes)} 项）"
        new = []
        for ch in changes:
            row = detail.indicators[ch.index] if ch.index is not None else None
            cell = None
            if row is not None and row.row is not None:
                field_key = ch.fields[0][0] if ch.fields else "name"
                cell = f"{col.get(field_key, col['rule_text'])}{row.row}"  # points live in the rule text
            new.append(_new_finding("C004", ch.message(), u.path, layout.TARGETS_SHEET if row else None, cell,
                                    row.row if row else None))
        u.extra_findings.extend(new)
        _count(u, new)
        u.approved_total = score_under_approved(approved, u, detail, config)
