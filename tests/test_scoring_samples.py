"""Hand-computed totals for sample tables (read by the importer) with actuals chosen here."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP
from decimal import Decimal as D
from pathlib import Path

from xlsxtools.config import Config
from xlsxtools.importer import import_table
from xlsxtools.model import ActualEntry, Actuals
from xlsxtools.scoring import score_unit

SAMPLES = Path(__file__).resolve().parents[1] / "xlsxtools" / "data" / "samples"


def r2(x: D) -> D:
    return x.quantize(D("0.01"), rounding=ROUND_HALF_UP)


def _actuals(table, values: dict[str, object], reasons: dict[str, str], budget, spent) -> Actuals:
    entries = [ActualEntry(value=values.get(i.name), reason=reasons.get(i.name, "")) for i in table.indicators]
    return Actuals(entries=entries, budget=budget, spent=spent)


def test_zhengwu_total() -> None:
    table = import_table(SAMPLES / "zhengwu_2026.txt")
    values = {
        "设置政务服务窗口数": 98,  # ≥98 → 2
        "办理业务数": 5.6,  # ≥5 → 2
        "举办窗口评选活动次数": 4,  # 2
        "政府网站公开信息发布率": 100,  # 2
        "实施清单和权责清单发布率": 100,  # 2
        "服务窗口规范率": 96,  # ≥95, RATIO 5 → 5
        "“好差评”评价率": 92,  # 5 × 92/95 = 4.8421… → 4.84
        "工作完成时间": date(2027, 1, 8),  # 8 days late, floor(8/10) = 0 → 10
        "方便办事群众": "效果明显",  # 15
        "推进政务服务便利化": "效果一般",  # 8
        "群众满意度": 93,  # 80 ≤ 93 < 95 → 8
        "预算成本": 462.0,  # ≤419.72: o = 42.28/419.72 = 10.07% → one step → 20 − 2 = 18
    }
    reasons = {"“好差评”评价率": "原因", "推进政务服务便利化": "原因", "群众满意度": "原因", "预算成本": "原因"}
    u = score_unit(table, _actuals(table, values, reasons, 419.72, 405.3), Config())
    expected_scores = [D(2), D(2), D(2), D(2), D(2), D(5), r2(D(5) * 92 / 95), D(10), D(15), D(8), D(8), D(18)]
    assert [s.score for s in u.indicators] == expected_scores
    assert u.indicator_total == D("78.84")  # 10 + 5 + 4.84 + 10 + 15 + 8 + 8 + 18
    assert u.indicator_weight == D(90)
    assert u.budget.score == r2(D(10) * D("405.3") / D("419.72"))  # 9.6564… → 9.66
    assert u.total == D("88.50") and u.grade == "良" and u.complete
    assert [f.code for f in u.findings] == []


def test_zhengfuban_total() -> None:
    table = import_table(SAMPLES / "zhengfuban_2026.txt")
    values = [56, 186, 2, 3, 1, 8, 85, 472, 9, 22, 5, 97, "2026-12-20", "效果明显", "效果明显", "效果一般", 93, 1298.4]
    entries = [ActualEntry(value=v, reason="说明") for v in values]
    u = score_unit(table, Actuals(entries=entries, budget=1350.75, spent=1298.4), Config())
    expected = [
        D(2),  # 56 ≥ 50
        D("1.86"),  # 2 × 186/200
        D(2), D(2),  # 2 ≥ 2; 3/2 = 1.5 → full + A006
        D(2), D(2), D(2), D(2),
        D("1.80"),  # 2 × 9/10
        D(2), D(2),
        D(8),  # 97 ≥ 96
        D(10),  # before the deadline
        D(10), D(10), D(5),
        D(8),  # 93: 80–95 band → 8
        D(10),  # 1298.4 ≤ 1350.75
    ]
    assert [s.score for s in u.indicators] == expected
    assert u.indicator_total == D(18) + D("1.86") + D("1.80") + D(8) + D(10) + D(25) + D(8) + D(10)  # 82.66
    assert u.budget.score == D("9.61")  # 10 × 1298.4/1350.75 = 9.6124…
    assert u.total == D("92.27") and u.grade == "优"
    assert [f.code for f in u.findings] == ["A006"]


def test_dashuling_missing_name_row_is_incomplete() -> None:
    table = import_table(SAMPLES / "dashuling_2026.txt")
    assert len(table.indicators) == 24
    values = [601.5, 0, "不适用", 4, 12, 4, 50, 10102, 4, 8, 96, 100, 100, 97.8, 100, 98, 96, 100,
              None,  # the 经济效益指标 row without a name: no actual
              "效果明显", "效果明显", "效果一般", "效果明显", 96]
    entries = [ActualEntry(value=v, reason="说明") for v in values]
    u = score_unit(table, Actuals(entries=entries, budget=588.12, spent=601.5), Config())
    scored = [s.score for s in u.indicators]
    assert scored[0] == D(10)  # o = 13.38/588.12 = 2.28% < 10% → no step
    assert scored[1:3] == [D(5), D(5)]  # saving 0 ≥ 0; 不适用
    assert scored[7] == r2(D(2) * 10102 / 10326)  # 1.9566… → 1.96
    assert scored[10] == D("1.92") and scored[13] == D("1.96")  # PERCENT: 2 × 0.96; 2 × 0.978
    assert scored[18] is None
    # cost 10+5+5 = 20; 数量 2×6 + 1.96 = 13.96; 质量 1.92+2+2+1.96+2 = 9.88; 时效 2+2+2 = 6;
    # 效益 (row 19 missing) 5+5+3+5 = 18; 满意度 10 → 77.84
    assert u.indicator_total == D(20) + D("13.96") + D("9.88") + D(6) + D(18) + D(10)
    assert u.budget.score == D(10)  # 601.5/588.12 > 1
    assert not u.complete and u.grade is None
    a001 = [f for f in u.findings if f.code == "A001"]
    assert len(a001) == 1 and "第19项" in a001[0].message
