"""What is wrong with a unit, in words (汇总's 状态, the overview, the report), and the averages of
the 合计 row: pure functions of :class:`~xlsxtools.consolidate.records.UnitResult`.

状态 names every problem, most serious first, joined with 、:

- 无法读取: the workbook could not be read (nothing else is known);
- 不完整: the self-evaluation is incomplete (an indicator without a score or no budget execution):
  no grade, no rank;
- 目标被改动: the targets differ from the approved baseline (C004);
- 有错误: its own tables have errors (the checks' E findings);
- 未通过检查: the consolidation's checks flagged it: not on the roster (C003), no approved baseline
  to compare with (C005) or submitted twice (C001).

正常 means none of these.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal

from xlsxtools.consolidate.records import TAMPER_CHANGED, UnitResult

OK = "正常"
UNREADABLE = "无法读取"
INCOMPLETE = "不完整"
TAMPERED = "目标被改动"
ERRORS = "有错误"
FAILED_CHECKS = "未通过检查"
#: In order of seriousness.
STATES = (UNREADABLE, INCOMPLETE, TAMPERED, ERRORS, FAILED_CHECKS)
#: The consolidation's codes that make 未通过检查.
FAILED_CHECK_CODES = frozenset({"C001", "C003", "C005"})
#: One line per state, for the 说明 sheet and the report.
STATE_HELP: dict[str, str] = {
    OK: "没有下列任何问题",
    UNREADABLE: "工作簿无法读取（原因见“说明”列）",
    INCOMPLETE: "自评不完整：有指标没有得分或预算执行无法计分，不评等级、不排名",
    TAMPERED: "提交的目标、分值或评分标准与核定基线不一致",
    ERRORS: "本单位表格中有错误（见“问题清单”）",
    FAILED_CHECKS: "未通过汇总时的核对：不在名册中、没有核定基线或重复提交",
}


def own_errors(u: UnitResult) -> int:
    """Errors found in the unit's own tables (not the consolidation's C findings)."""
    return max(0, u.errors - sum(1 for f in u.extra_findings if f.severity == "error"))


def unit_states(u: UnitResult) -> list[str]:
    """Every state that applies to ``u``, most serious first (empty: 正常)."""
    if not u.readable:
        return [UNREADABLE]
    out = []
    if not u.complete:
        out.append(INCOMPLETE)
    if u.tamper.startswith(TAMPER_CHANGED):
        out.append(TAMPERED)
    if own_errors(u):
        out.append(ERRORS)
    if any(f.code in FAILED_CHECK_CODES for f in u.extra_findings):
        out.append(FAILED_CHECKS)
    return out


def state_text(u: UnitResult) -> str:
    return "、".join(unit_states(u)) or OK


def round_half_up(x: float | None, places: int = 2) -> float | None:
    """``x`` rounded half-up as scores are (91.045 → 91.05), through its decimal text."""
    if x is None:
        return None
    q = Decimal(1).scaleb(-places)
    return float(Decimal(repr(x)).quantize(q, rounding=ROUND_HALF_UP))


def mean(values: Iterable[float | None], places: int = 2) -> float | None:
    """The mean of the values that are not None, rounded half-up; None when there are none.

    Summed in decimals from each value's shortest text, so 91.04 and 91.05 average to exactly
    91.045 and round to 91.05 (binary floats would give 91.04499… → 91.04)."""
    xs = [Decimal(repr(v)) for v in values if v is not None]
    if not xs:
        return None
    q = Decimal(1).scaleb(-places)
    return float((sum(xs, Decimal(0)) / len(xs)).quantize(q, rounding=ROUND_HALF_UP))


def averaged_units(units: Sequence[UnitResult]) -> list[UnitResult]:
    """The units every average of the 合计 row is over: those with a complete self-evaluation (the
    ranked ones), so each average column compares like with like."""
    return [u for u in units if u.readable and u.complete and u.total is not None]
