"""The check registry: like a linter's, each check is a pure function registered with its codes.

A check is ``func(table, actuals, config) -> Iterable[Finding]``: it reads the plain
:class:`~xlsxtools.model.TargetTable` (and the optional :class:`~xlsxtools.model.Actuals`) and
never touches a workbook. Codes, severities, Chinese titles and doc lines live in
:mod:`xlsxtools.codes`; the registry only says which function reports which codes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from xlsxtools.codes import CODES, dedupe, matches
from xlsxtools.codes import select as select_findings
from xlsxtools.config import Config
from xlsxtools.model import Actuals, Finding, TargetTable

CheckFunc = Callable[[TargetTable, "Actuals | None", Config], Iterable[Finding]]


@dataclass(frozen=True)
class Check:
    """One registered check: its name, the codes it may report, the function and its doc line."""

    name: str
    codes: tuple[str, ...]
    func: CheckFunc
    doc: str
    #: A secondary check (the actuals check, whose findings come from the scoring) yields to the
    #: others: its finding is dropped when another check reported the same code on the same row.
    secondary: bool = False

    def run(self, table: TargetTable, actuals: Actuals | None, config: Config) -> list[Finding]:
        out = list(self.func(table, actuals, config))
        for f in out:  # a check may only report the codes it is registered with
            if f.code not in self.codes:
                raise AssertionError(f"check {self.name} reported {f.code}, registered for {self.codes}")
        return out


#: Every check: hierarchy, values, rules, totals, header/footer, actuals (registration order within).
REGISTRY: list[Check] = []
_ORDER = "HVRTMAS"


def register(*codes: str, name: str | None = None, secondary: bool = False) -> Callable[[CheckFunc], CheckFunc]:
    """Decorator: register ``func`` as the check reporting ``codes`` (each must be in the catalogue)."""

    def deco(func: CheckFunc) -> CheckFunc:
        for c in codes:
            if c not in CODES:
                raise KeyError(f"unknown finding code {c} (add it to xlsxtools/codes.py first)")
        doc = (func.__doc__ or "").strip().splitlines()[0] if func.__doc__ else ""
        REGISTRY.append(Check(name or func.__name__, tuple(codes), func, doc, secondary))
        REGISTRY.sort(key=lambda c: _ORDER.index(c.codes[0][0]))
        return func

    return deco


def _wanted(check: Check, select: list[str] | None, ignore: list[str] | None) -> bool:
    """Skip a check when none of its codes can survive ``select``/``ignore``."""
    return any((not select or matches(c, select)) and not matches(c, ignore) for c in check.codes)


def run_checks(table: TargetTable, actuals: Actuals | None = None, config: Config | None = None, *,
               select: list[str] | None = None, ignore: list[str] | None = None,
               score: Any = None) -> list[Finding]:
    """Every finding about ``table`` (and ``actuals``): the reading findings already in
    ``table.findings`` plus what each registered check reports, filtered by ``select``/``ignore``
    (ruff-style code prefixes), deduplicated and sorted by file, sheet, row, cell and code.

    ``score``: the unit's ``UnitScore`` when the caller has already scored it with the same
    ``config`` (the actuals check reuses it instead of scoring again).
    """
    from xlsxtools import checks as _package  # noqa: F401  (importing the package registers every check)
    from xlsxtools.checks.common import CURRENT_RUN, Run
    from xlsxtools.profiles import profile_for

    config = config or Config()
    #: codes that do not apply to this table's kind and columns (empty for the template's own form)
    not_applicable = set(profile_for(table, config).not_applicable)
    found: list[Finding] = []
    token = CURRENT_RUN.set(Run(table, score))
    try:
        for check in sorted(REGISTRY, key=lambda c: c.secondary):
            if not _wanted(check, select, ignore):
                continue
            out = check.run(table, actuals, config)
            if not_applicable:
                out = [f for f in out if f.code not in not_applicable]
            if check.secondary:
                have = {(f.code, f.file, f.sheet, f.row) for f in found if f.row is not None}
                out = [f for f in out if (f.code, f.file, f.sheet, f.row) not in have]
            found.extend(out)
    finally:
        CURRENT_RUN.reset(token)
    # Reading findings are kept as read (two repairs on one row are two findings); the checks'
    # own findings are deduplicated (a check and the scoring may both report one problem).
    found = select_findings(list(table.findings), select, ignore) + dedupe(select_findings(found, select, ignore))
    found.sort(key=lambda f: (*f.sort_key, f.severity.rank, f.message))
    return found
