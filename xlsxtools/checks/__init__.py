"""Row checks: every defect of a target table and its actuals (domain.md §5), as findings.

    from xlsxtools.checks import run_checks, REGISTRY
    findings = run_checks(table, actuals, config, select=["H", "V"], ignore=["V009"])

Each check is a pure function of the read table registered with the codes it reports
(:mod:`xlsxtools.checks.registry`); codes, severities and titles live in :mod:`xlsxtools.codes`.
"""

from __future__ import annotations

# Importing the modules registers their checks, in this order.
from xlsxtools.checks import actuals, header, hierarchy, rules, selfeval, totals, values  # noqa: F401
from xlsxtools.checks.registry import REGISTRY, Check, register, run_checks

__all__ = ["REGISTRY", "Check", "register", "run_checks"]
