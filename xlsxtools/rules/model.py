"""Structured scoring rules (评（扣）分标准) — plain frozen dataclasses, no parsing here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple


class RuleKind(StrEnum):
    """The rule shapes of domain.md §4."""

    RATIO = "RATIO"  # 达到计划值得满分N分，否则按实际值/计划值*指标分值计分
    PERCENT = "PERCENT"  # …达到100%得满分N分，未达到100%…按实际达到比例×指标分值计算
    OVERRUN = "OVERRUN"  # 控制在预算范围内，得N分，每超出P%，扣D分
    SAVING = "SAVING"  # 节约率为0，得N分，每下降P%，扣D分（如不适用，直接计分）
    DELAY = "DELAY"  # 按计划在YYYY年MM月DD日前完成得N分，每推迟P天扣D分
    GRADE = "GRADE"  # 效果明显得N分，效果一般得M分，否则不得分
    BANDS = "BANDS"  # 满意度大于等于95%的得10分，小于95%且大于等于80%的得8分…
    THRESHOLD = "THRESHOLD"  # 完成率小于60%不得分；得分=（实际完成率−60%）/（1−60%）×指标分值
    LEVEL = "LEVEL"  # 基本达成目标…100%-80%(含)为15分；部分实现目标…；实现目标程度较低…
    DIRECT = "DIRECT"  # 符合要求的得满分N分，不符合要求的不得分

    @property
    def label(self) -> str:
        return _KIND_LABELS[self.value]


_KIND_LABELS = {
    "RATIO": "按完成比例计分", "PERCENT": "按达到100%的比例计分", "OVERRUN": "超支扣分",
    "SAVING": "节约率（低于目标）扣分", "DELAY": "推迟完成扣分", "GRADE": "按效果等级计分",
    "BANDS": "按区间计分", "THRESHOLD": "按比例计分并设及格门槛", "LEVEL": "按目标实现程度等级计分",
    "DIRECT": "直接赋分（是/否）",
}


class Band(NamedTuple):
    """One step of a BANDS rule: an actual (in percent) ≥ ``lower`` (> when not inclusive) scores ``points``."""

    lower: Decimal
    points: Decimal
    inclusive: bool = True


class Level(NamedTuple):
    """One choice of a LEVEL rule: its name, the points the text gives it and its percentage band."""

    name: str
    points: Decimal
    high: Decimal | None = None  # band of the indicator's points, in percent (100, 80, 60 …)
    low: Decimal | None = None


@dataclass(frozen=True)
class Rule:
    """A recognised rule. ``points`` is N; the other fields are used by the kinds that need them.

    - OVERRUN / SAVING: ``step`` P (percent points) and ``deduction`` D.
    - DELAY: ``step`` P (days), ``deduction`` D, ``deadline`` (None: take it from 指标值).
    - GRADE: ``grades`` ((label, points), …) in the text's order.
    - BANDS: ``bands`` highest first, ``floor_points`` below the lowest band (usually 0).
    - THRESHOLD: ``gate`` in percent (60).
    - LEVEL: ``levels``.
    - DIRECT: ``deduction`` for "no" (None: 0 points).

    ``subject`` (e.g. "满意度", "宣传调查入户率", the OVERRUN basis "总成本") only flavours the
    rendered text and does not take part in comparisons.
    """

    kind: RuleKind
    points: Decimal
    step: Decimal | None = None
    deduction: Decimal | None = None
    deadline: date | None = None
    grades: tuple[tuple[str, Decimal], ...] = ()
    bands: tuple[Band, ...] = ()
    floor_points: Decimal = Decimal(0)
    gate: Decimal | None = None
    levels: tuple[Level, ...] = ()
    subject: str = field(default="", compare=False)

    def grade_points(self, label: str) -> Decimal | None:
        from xlsxtools.normalize import key

        for name, pts in self.grades:
            if key(name) == key(label):
                return pts
        return None


@dataclass
class ParsedRule:
    """What ``parse_rule`` read from one rule text."""

    text: str
    rule: Rule | None = None
    #: N named in the text (read even when the shape is not recognised); None when none found.
    points: Decimal | None = None
    #: What could not be read (Chinese), empty when the rule was read completely.
    problems: list[str] = field(default_factory=list)
    #: True when the text looks cut off at the end (the rule may still have been read).
    truncated: bool = False
    #: The shape recognised, even when its numbers could not all be read (``rule`` is then None).
    kind: RuleKind | None = None
    #: True when the text leaves the score to judgement ("酌情扣分"): not computable, not guessed.
    unscorable: bool = False
    #: True when the text only names points ("计5分", "5分"): no rule shape, points for the default policy.
    points_only: bool = False

    @property
    def ok(self) -> bool:
        return self.rule is not None
