"""A: the self-evaluation inputs, checked by the scoring itself (one implementation, not two).

The findings are those of :func:`xlsxtools.scoring.score_unit`: a missing or unusable actual, a
grade outside its list, below full points without a deviation reason, a suspicious percentage,
an actual far above target, a missing budget. A workbook whose 实际完成 sheet is still blank (the
target-setting stage, before any actual was entered) is not checked for actuals.
"""

from __future__ import annotations

from collections.abc import Iterator

from xlsxtools.checks.registry import register
from xlsxtools.config import Config
from xlsxtools.model import Actuals, Finding, TargetTable
from xlsxtools.normalize import clean

#: What the scoring reports about actuals. (It also reports R006 for a zero target at the actual's
#: cell; the rule check reports that at the rule's cell already, so it is not passed on.)
SCORING_CODES = ("A001", "A002", "A003", "A004", "A005", "A006", "A007", "A008")


def has_actuals(actuals: Actuals | None) -> bool:
    """True once anything of the self-evaluation has been entered."""
    if actuals is None:
        return False
    if any(clean(v) for v in (actuals.budget, actuals.spent)):
        return True
    return any(clean(e.value) or clean(e.reason) for e in actuals.entries)


@register(*SCORING_CODES, secondary=True)
def actuals_scored(table: TargetTable, actuals: Actuals | None, config: Config) -> Iterator[Finding]:
    """Every actual can be scored: present, of the right kind, in its list, explained when below full points."""
    if not has_actuals(actuals):
        return
    from xlsxtools.checks.common import current_run
    from xlsxtools.scoring import score_unit

    run = current_run(table)
    score = run.score if run is not None and run.score is not None else score_unit(table, actuals, config)
    for f in score.findings:
        if f.code in SCORING_CODES:
            yield f
