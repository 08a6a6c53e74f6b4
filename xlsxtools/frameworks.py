"""Indicator frameworks (指标体系) and table kinds: the closed level-1 → level-2 vocabularies.

- ``2021``: 财预〔2021〕101号 and later: 成本 / 产出 / 效益 / 满意度指标 as level 1 (``layout``).
- ``2015``: 2015–2020 forms (财预〔2015〕88号 …): 成本指标 is a level 2 under 产出指标 and
  服务对象满意度指标 a level 2 under 效益指标 (later forms of the period add 满意度指标 as level 1).
- ``2013``: 部门整体 / 项目 evaluation frameworks after 财预〔2013〕53号: 投入 / 过程 / 产出 / 效果.

A table's framework is detected from the words it uses (``detect_framework``), stated in every
output and used for its hierarchy checks; a table is never "corrected" into another framework.
Pure module: plain dicts and strings, no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from xlsxtools import layout
from xlsxtools.normalize import key


class TableKind(StrEnum):
    DEPT_TARGET = "dept_target"
    PROJECT_TARGET = "project_target"
    DEPT_SELF_EVAL = "dept_self_eval"
    PROJECT_SELF_EVAL = "project_self_eval"
    MONITORING = "monitoring"

    @property
    def label(self) -> str:
        return {
            "dept_target": "部门（单位）整体支出绩效目标表", "project_target": "项目支出绩效目标表",
            "dept_self_eval": "部门（单位）整体支出绩效自评表", "project_self_eval": "项目支出绩效自评表",
            "monitoring": "绩效运行监控表",
        }[self.value]

    @property
    def is_self_eval(self) -> bool:
        return self in (TableKind.DEPT_SELF_EVAL, TableKind.PROJECT_SELF_EVAL)

    @property
    def is_project(self) -> bool:
        return self in (TableKind.PROJECT_TARGET, TableKind.PROJECT_SELF_EVAL)


@dataclass(frozen=True)
class Framework:
    id: str
    label: str
    level2_by_level1: dict[str, tuple[str, ...]]

    @property
    def level1(self) -> tuple[str, ...]:
        return tuple(self.level2_by_level1)

    def allows(self, level1: str, level2: str) -> bool:
        return level2 in self.level2_by_level1.get(level1, ())

    def parents(self, level2: str) -> tuple[str, ...]:
        return tuple(l1 for l1, l2s in self.level2_by_level1.items() if level2 in l2s)


F2021 = Framework("2021", "2021年起的指标体系（成本、产出、效益、满意度指标）", dict(layout.LEVEL2_BY_LEVEL1))
F2015 = Framework("2015", "2015–2020年的指标体系（产出、效益指标；成本指标为产出指标下的二级指标，"
                          "服务对象满意度指标为效益指标下的二级指标）", {
    "产出指标": ("数量指标", "质量指标", "时效指标", "成本指标"),
    "效益指标": ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标", "服务对象满意度指标"),
    "满意度指标": ("服务对象满意度指标",),
})
F2013 = Framework("2013", "财预〔2013〕53号的评价指标体系（投入、过程、产出、效果指标）", {
    "投入指标": ("目标设定", "预算配置", "项目立项", "资金落实", "投入管理"),
    "过程指标": ("预算执行", "预算管理", "资产管理", "业务管理", "财务管理", "组织实施"),
    "产出指标": ("职责履行", "项目产出", "数量指标", "质量指标", "时效指标", "成本指标"),
    "效果指标": ("履职效益", "项目效益", "经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标",
                "服务对象满意度指标", "满意度"),
})
FRAMEWORKS: dict[str, Framework] = {f.id: f for f in (F2021, F2015, F2013)}

#: Every level-1 word of every framework, by matching key (also without the trailing 指标).
LEVEL1_WORDS: dict[str, str] = {}
LEVEL2_WORDS: dict[str, str] = {}
for _f in FRAMEWORKS.values():
    for _l1, _l2s in _f.level2_by_level1.items():
        LEVEL1_WORDS.setdefault(key(_l1), _l1)
        if _l1.endswith("指标"):
            LEVEL1_WORDS.setdefault(key(_l1[:-2]), _l1)
        for _l2 in _l2s:
            LEVEL2_WORDS.setdefault(key(_l2), _l2)
            if _l2.endswith("指标"):
                LEVEL2_WORDS.setdefault(key(_l2[:-2]), _l2)
# level-1 words of provincial forms (四川 项目支出绩效目标申报表: 项目完成指标 / 项目效益指标)
for _alias, _full in (("项目完成指标", "产出指标"), ("项目效益指标", "效益指标"), ("项目产出指标", "产出指标"),
                      ("产出", "产出指标"), ("效益", "效益指标"), ("满意度", "满意度指标")):
    LEVEL1_WORDS.setdefault(key(_alias), _full)
# short forms met in real level-2 columns
for _short, _full in (("经济效益", "经济效益指标"), ("社会效益", "社会效益指标"), ("生态效益", "生态效益指标"),
                      ("可持续影响", "可持续影响指标"), ("满意度指标", "服务对象满意度指标"),
                      ("服务对象满意度", "服务对象满意度指标"), ("经济成本", "经济成本指标"),
                      ("社会成本", "社会成本指标"), ("生态环境成本", "生态环境成本指标"), ("成本", "成本指标"),
                      ("时效", "时效指标"), ("数量", "数量指标"), ("质量", "质量指标"),
                      ("社会公众或服务对象满意度", "服务对象满意度指标"), ("服务对象满意", "服务对象满意度指标"), ("满意度", "服务对象满意度指标")):
    LEVEL2_WORDS.setdefault(key(_short), _full)


_NOTE = re.compile(r"\s*[(（][^()（）]{1,16}[)）]\s*$")


def _bare(text: str) -> str:
    """A level cell without a trailing note: "数量指标 (必填硬性指标)" → "数量指标"."""
    return _NOTE.sub("", text)


def level1_word(text: str) -> str | None:
    """The canonical level-1 word for a cell ("产出" → 产出指标), any framework; None otherwise."""
    if not text:
        return None
    return LEVEL1_WORDS.get(key(text)) or LEVEL1_WORDS.get(key(_bare(text)))


def level2_word(text: str) -> str | None:
    """The canonical level-2 word for a cell (经济效益 → 经济效益指标), any framework."""
    if not text:
        return None
    k = key(_bare(text))
    if k.endswith(("等", "类")) and len(k) > 3:  # "服务对象满意度指标等"
        k = k[:-1]
    return LEVEL2_WORDS.get(k) or (LEVEL2_WORDS.get(k[:-2]) if k.endswith("指标") else None)


def detect_framework(pairs: list[tuple[str, str]], year: str = "") -> tuple[Framework, str]:
    """The framework of a table from its (level 1, level 2) pairs and its year, with the evidence
    (Chinese). Without telling words, a table of 2020 or before that has no 成本指标 level 1 is
    read in the 2015–2020 framework (成本指标 was then a level 2 under 产出指标)."""
    l1s = {a for a, _ in pairs if a}
    if l1s & {"投入指标", "过程指标", "效果指标"}:
        return F2013, "一级指标含" + "、".join(sorted(l1s & {"投入指标", "过程指标", "效果指标"}))
    if any(a == "产出指标" and b == "成本指标" for a, b in pairs):
        return F2015, "成本指标是产出指标下的二级指标"
    if any(a == "效益指标" and b == "服务对象满意度指标" for a, b in pairs):
        return F2015, "服务对象满意度指标是效益指标下的二级指标"
    if "成本指标" in l1s:
        return F2021, "一级指标含成本指标"
    if year.isdigit() and int(year) <= 2020 and "产出指标" in l1s:
        return F2015, f"{year}年的表，一级指标没有成本指标"
    if l1s == {"产出指标", "效益指标"} and not (year.isdigit() and int(year) >= 2021):
        # a table of 2021 or later with only these two is a 2021 table short of 成本/满意度 (checked as such)
        return F2015, "只有产出指标、效益指标两个一级指标"
    return F2021, "一级指标为成本、产出、效益、满意度指标"
