"""Check profiles: which expectations apply to a table, by its kind and framework (issue 11).

The expectations of the unit template's own form (indicator total 90; 效益 30, 满意度 10,
产出 + 成本 50; all four level 1s; budget 10: ``config.expectations``) are one profile among
several. A 项目支出 自评表 totals 100 with the budget's 10; a target table without points gets no
points checks; a 2015 table has no 成本/满意度 level 1 to require; a 2013 evaluation table has its
own level 1s. The profile is detected per table, printed with every result (I009 and the score
header) and can be set in ``xlsxtools.toml``::

    [tables]
    profile = "auto"            # or a kind: dept_target | project_target | dept_self_eval | …
    default_scoring = true      # no rule text, only points: score by 财预〔2020〕10号 第十六条

Codes that do not apply to a source (no 指标值类型 column → no V008; no rule text → no R001 …)
are listed in ``Profile.not_applicable`` and left out of the checks for that table only.
Pure module.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from xlsxtools import frameworks
from xlsxtools.config import Config
from xlsxtools.model import Severity, TargetTable

_D = Decimal


@dataclass(frozen=True)
class Profile:
    name: str
    kind: str
    framework: str
    #: Accepted indicator-point totals (empty: no total check).
    totals: tuple[Decimal, ...] = ()
    #: Level-1 expectations (warnings), applied only when the indicator total is ``base_total``.
    level1: dict[str, Decimal] = field(default_factory=dict)
    output_plus_cost: Decimal | None = None
    base_total: Decimal | None = None
    budget_points: Decimal | None = None
    required_level1: tuple[str, ...] = ()
    not_applicable: tuple[str, ...] = ()
    #: Severity of the points-total and required-level findings (T001, T005): an error for the
    #: template's own form, whose rules the deployment sets; a warning for other provinces' and
    #: years' forms, whose allocation is "原则上" (财预〔2020〕10号 第十三条) and varies.
    totals_severity: Severity = Severity.ERROR

    def describe(self) -> str:
        parts = [f"{frameworks.TableKind(self.kind).label}·{self.framework}指标体系"]
        if self.totals:
            parts.append("指标分值合计 " + " 或 ".join(_f(t) for t in self.totals) + " 分")
        else:
            parts.append("不检查分值合计")
        if self.level1:
            parts.append("、".join(f"{k} {_f(v)} 分" for k, v in self.level1.items())
                         + (f"、产出+成本 {_f(self.output_plus_cost)} 分" if self.output_plus_cost is not None else "")
                         + f"（指标合计为 {_f(self.base_total)} 分时）")
        if self.budget_points is not None:
            parts.append(f"预算执行 {_f(self.budget_points)} 分")
        if self.required_level1:
            parts.append("必备一级指标：" + "、".join(self.required_level1))
        if self.totals_severity is not Severity.ERROR and (self.totals or self.required_level1):
            parts.append("分值合计和必备一级指标不符时为警告")
        return "；".join(parts)


def _f(d: Decimal | None) -> str:
    return "?" if d is None else format(d.normalize(), "f")


def _has_points(table: TargetTable) -> bool:
    return any(i.weight is not None for i in table.indicators)


def profile_for(table: TargetTable, config: Config | None = None) -> Profile:
    """The profile of ``table`` (the configured one when ``[tables] profile`` names a kind)."""
    config = config or Config()
    exp = config.expectations
    kind = table.kind
    forced = getattr(config, "tables", None)
    if forced is not None and forced.profile not in ("", "auto"):
        kind = forced.profile
    fw = table.framework or "2021"
    template_form = table.columns is None
    na: list[str] = []
    if not template_form:
        cols = table.columns or frozenset()
        # the template's header and footer: other forms have their own (project, 主管部门 …) or none
        na += ["M001", "M002", "M003", "M004", "M005", "M006", "M007"]
        if "type" not in cols:
            na += ["V002", "V005", "V008"]
        if "rule_text" not in cols:
            na += ["R001", "R002", "R003", "R009"]
        elif "points" in cols:
            na += ["R001"]  # points in their own column: a row without rule text is scored by the default
        if "unit" not in cols:
            na += ["V003"]
        if "level1" not in cols and "level2" not in cols:  # a plain list of indicators without levels
            na += ["H001", "H002", "H003", "H007", "H008", "T002", "T003", "T005"]
        if "level2" not in cols and not any(i.level2 for i in table.indicators):
            na += ["H003"]  # a two-level form (一级指标 | 指标名称): no level 2 to fill in
        if "target" not in cols:
            na += ["V001", "V007", "V010"]
        if kind == "monitoring" or not _has_points(table):
            na += ["T001", "T002", "T003", "T004", "R003"]
    required = frameworks.FRAMEWORKS[fw].level1 if fw == "2021" else (("产出指标", "效益指标") if fw == "2015" else ())
    if kind == "dept_target" and fw == "2021" and template_form:
        return Profile("dept_target/2021", kind, fw, (exp.total,), dict(exp.level1), exp.output_plus_cost,
                       exp.total, exp.budget_points, required, tuple(na))
    if kind == "monitoring":
        return Profile(f"{kind}/{fw}", kind, fw, (), {}, None, None, None, required, tuple(na), Severity.WARNING)
    total = exp.total
    budget = exp.budget_points
    if kind in ("dept_self_eval", "project_self_eval"):
        has_budget = table.budget is not None and bool(table.budget.points or table.budget.full_year)
        totals = (total,) if has_budget else (total, total + budget)
    else:
        totals = (total, total + budget)  # a target table states 90 (budget apart) or 100
    level1 = dict(exp.level1) if fw == "2021" else {}
    opc = exp.output_plus_cost if fw == "2021" else None
    if fw == "2013":
        totals = (total, total + budget) if totals else ()
    sev = Severity.ERROR if template_form else Severity.WARNING
    return Profile(f"{kind}/{fw}", kind, fw, totals, level1, opc, total, budget, required, tuple(na), sev)
