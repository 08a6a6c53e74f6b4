"""The mid-year monitoring checks (J001–J013) and the unit's state, on plain values.

Every expectation is worked out by hand: 序时进度 of 1–N月 is N/12, 执行率 is 1–N月执行数 /
全年预算数, an indicator's progress share is 1–N月实际完成值 / 年度指标值 (for a % indicator it is
compared with 1, not N/12). Default policy: budget_margin 0.10, budget_red_margin 0.20,
progress_margin 0.20.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from xlsxtools import layout
from xlsxtools.checks.monitoring import (
    STATE_AMBER,
    STATE_EMPTY,
    STATE_GREEN,
    STATE_RED,
    Monitoring,
    MonitorRow,
    assess,
    check_monitoring,
    period_months,
)
from xlsxtools.config import MonitoringPolicy
from xlsxtools.model import Origin

TODAY = date(2026, 8, 10)  # a 1-7月 report is due by mid-August
S = layout.MONITOR_SHEET


def row(name: str = "办理业务数", typ: str = "≥", target: str = "100", unit: str = "件", *, progress=60,
        expected=100, cause: str = "", likelihood: str = "确定能", measures: str = "", r: int = 7) -> MonitorRow:
    return MonitorRow(level1="产出指标", level2="数量指标", name=name, type=typ, target=target, unit=unit,
                      progress=progress, expected=expected, cause=cause, likelihood=likelihood, measures=measures,
                      origin=Origin(file="u.xlsm", sheet=S, row=r, columns=dict(layout.MONITOR_COL)))


def mon(*rows: MonitorRow, period="1-7月", budget=100, spent=60, expected_spent=100, year="2026") -> Monitoring:
    m = Monitoring(unit_name="示例单位", year=year, file="u.xlsm", period=period, initial_budget=budget,
                   budget=budget, spent=spent, expected_spent=expected_spent, rows=list(rows))
    for f in layout.MONITOR_BUDGET_FIELDS:
        m.origins[f.key] = Origin(file="u.xlsm", sheet=S, row=4, columns={f.key: layout.MONITOR_BUDGET_COL[f.key]})
    return m


def codes(m: Monitoring, policy: MonitoringPolicy | None = None, today: date = TODAY) -> list[tuple[str, str | None]]:
    return [(f.code, f.cell) for f in check_monitoring(m, policy, today)]


# ---------------------------------------------------------------------------------------------
# Periods
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "n"), [("1-7月", 7), ("1—7月", 7), ("1至7月", 7), ("1月", 1), ("7月", 7),
                                         ("1-12月", 12), ("１－７月", 7), (7, 7), (7.0, 7), ("1-13月", None),
                                         ("上半年", None), ("", None), (None, None), (0, None),
                                         (date(2026, 7, 1), 7)])
def test_period_months(text, n):
    assert period_months(text) == n


def test_a_clean_report_has_no_findings_and_is_green():
    # 1-7月: schedule 7/12 = 58.33%; 60/100 = 60% is ahead. 60 of 100 件 is 60% ≥ 58.33% − 20.
    m = mon(row())
    assert codes(m) == []
    res = assess(m, today=TODAY)
    assert res.state == STATE_GREEN and res.at_risk == []
    assert res.rate == 0.6 and res.schedule == pytest.approx(7 / 12) and res.gap == pytest.approx(0.6 - 7 / 12)
    assert res.reason == "预算执行率 60.00%（序时进度 58.33%），指标预计均能完成"


# ---------------------------------------------------------------------------------------------
# J001 budget execution behind the schedule
# ---------------------------------------------------------------------------------------------


def test_j001_execution_behind_schedule_by_more_than_the_margin():
    # 7/12 − 0.10 = 0.48333…: 48 of 100 (48%) is below it, 49 (49%) is not.
    assert codes(mon(row(), spent=48)) == [("J001", "D4")]
    assert codes(mon(row(), spent=49)) == []
    f = check_monitoring(mon(row(), spent=48), today=TODAY)[0]
    assert "1-7月预算执行率 48.00%" in f.message and "序时进度 58.33%" in f.message
    assert "budget_margin = 0.10" in f.message and "10 个百分点" in f.message


def test_j001_margin_is_the_policy():
    # margin 0.05: 7/12 − 0.05 = 0.5333…: 53 of 100 is behind, which the default 0.10 lets pass.
    strict = MonitoringPolicy(budget_margin=Decimal("0.05"))
    assert codes(mon(row(), spent=53), strict) == [("J001", "D4")]
    assert codes(mon(row(), spent=54), strict) == []
    assert codes(mon(row(), spent=53)) == []


# ---------------------------------------------------------------------------------------------
# J002 expected to miss but marked 确定能
# ---------------------------------------------------------------------------------------------


def test_j002_forward_indicator_expected_below_target_marked_certain():
    assert codes(mon(row(target="98", expected=97))) == [("J002", "J7")]
    assert codes(mon(row(target="98", expected=98))) == []
    # 有可能 is honest about it: no J002 (the indicator is still at risk, see the state tests).
    assert codes(mon(row(target="98", expected=97, likelihood="有可能"))) == []


def test_j002_reverse_indicator_expected_above_cap_marked_certain():
    cost = dict(name="预算成本", typ="≤", target="419.72", unit="万元", progress=200)
    assert codes(mon(row(**cost, expected=420))) == [("J002", "J7")]
    assert codes(mon(row(**cost, expected=419.72))) == []
    # strict "<": reaching the cap itself misses it
    assert codes(mon(row(**{**cost, "typ": "<"}, expected=419.72))) == [("J002", "J7")]


# ---------------------------------------------------------------------------------------------
# J003 far behind schedule without cause or measures
# ---------------------------------------------------------------------------------------------


def test_j003_far_behind_without_cause():
    # 1-6月: due 6/12 = 0.5; far behind below 0.5 − 0.2 = 0.3. 29 of 100 = 0.29 is, 30 is not.
    assert codes(mon(row(progress=29), period="1-6月", spent=50)) == [("J003", "I7")]
    assert codes(mon(row(progress=30), period="1-6月", spent=50)) == []
    f = check_monitoring(mon(row(progress=29), period="1-6月", spent=50), today=TODAY)[0]
    assert "进度 29.00%" in f.message and "应达进度 50.00%" in f.message and "未填写偏差原因、原因说明及纠偏措施" in f.message


def test_j003_far_behind_with_cause_but_no_measures_and_with_both():
    m = mon(row(progress=29, cause="人员保障"), period="1-6月", spent=50)
    assert codes(m) == [("J003", "K7")]
    assert "未填写原因说明及纠偏措施" in check_monitoring(m, today=TODAY)[0].message
    assert codes(mon(row(progress=29, cause="人员保障", measures="8月起增派 2 人"), period="1-6月", spent=50)) == []


def test_j003_percent_indicator_is_compared_with_its_target_not_the_schedule():
    # A rate does not accumulate: 70 of 95% is a share of 0.7368 < 1 − 0.2 = 0.8 → behind;
    # 76 of 95 is exactly 0.8 → not behind (a cumulative 76 at 1-7月 would be far ahead anyway).
    rate = dict(name="服务窗口规范率", target="95", unit="%", expected=95)
    assert codes(mon(row(**rate, progress=70))) == [("J003", "I7")]
    assert codes(mon(row(**rate, progress=76))) == []


# ---------------------------------------------------------------------------------------------
# J004 cause without explanation, J005 完全不可能 without measures
# ---------------------------------------------------------------------------------------------


def test_j004_cause_chosen_without_explanation():
    assert codes(mon(row(cause="经费保障"))) == [("J004", "K7")]
    assert codes(mon(row(cause="经费保障", measures="已申请追加经费"))) == []


def test_j005_impossible_without_measures():
    m = mon(row(expected=80, likelihood="完全不可能", cause="硬件条件保障"))
    assert codes(m) == [("J005", "K7")]  # the most specific of J003/J004/J005, once per row
    assert codes(mon(row(expected=80, likelihood="完全不可能", cause="硬件条件保障", measures="调整实施计划"))) == []


# ---------------------------------------------------------------------------------------------
# J006 expected value missing, J010 progress missing, J011 not a number, J012 no likelihood
# ---------------------------------------------------------------------------------------------


def test_j006_expected_value_missing():
    assert codes(mon(row(expected=None))) == [("J006", "H7")]
    assert codes(mon(row(), expected_spent=None)) == [("J006", "G4")]
    assert codes(mon(row(expected=100), expected_spent=98.5)) == []


def test_j010_progress_missing():
    assert codes(mon(row(progress=None))) == [("J010", "G7")]
    assert codes(mon(row(progress=0))) == [("J003", "I7")]  # 0 is a value (and far behind)


def test_j011_quantitative_values_must_be_numbers():
    assert codes(mon(row(progress="很多"))) == [("J011", "G7")]
    assert codes(mon(row(expected="全部完成"))) == [("J011", "H7")]
    assert codes(mon(row(), expected_spent="约100")) == [("J011", "G4")]
    qual = dict(name="推进政务服务便利化", typ="定性", target="效果明显", unit="")
    assert codes(mon(row(**qual, progress="按计划推进", expected="效果明显"))) == []


def test_j012_likelihood_missing_or_not_a_choice():
    assert codes(mon(row(likelihood=""))) == [("J012", "J7")]
    assert codes(mon(row(likelihood="可能"))) == [("J012", "J7")]
    assert codes(mon(row(likelihood="有可能"))) == []


# ---------------------------------------------------------------------------------------------
# J007 period later than the current month, J008 no period, J009 budget numbers
# ---------------------------------------------------------------------------------------------


def test_j007_period_later_than_the_current_month():
    m = mon(row(), period="1-8月", spent=70)
    assert codes(m, today=date(2026, 7, 31)) == [("J007", "A4")]
    assert "当前为 2026年7月" in check_monitoring(m, today=date(2026, 7, 31))[0].message
    assert codes(m, today=date(2026, 8, 1)) == []
    # last year's table: every period has passed; next year's: none has begun
    assert codes(mon(row(progress=100), period="1-12月", spent=100, year="2025"), today=date(2026, 1, 15)) == []
    assert codes(mon(row(), period="1月", spent=10, year="2027"), today=date(2026, 12, 1)) == [("J007", "A4")]


def test_j008_period_empty_or_unreadable():
    assert codes(mon(row(), period=None)) == [("J008", "A4")]
    assert codes(mon(row(), period="上半年")) == [("J008", "A4")]
    # an untouched sheet is one finding, not one per row
    empty = Monitoring(unit_name="示例单位", year="2026", rows=[MonitorRow(name="办理业务数", type="≥", target="100")])
    assert [f.code for f in check_monitoring(empty, today=TODAY)] == ["J008"]
    assert assess(empty, today=TODAY).state == STATE_EMPTY


def test_j009_budget_or_spent_missing():
    assert codes(mon(row(), budget=None)) == [("J009", "C4")]
    assert codes(mon(row(), budget=0)) == [("J009", "C4")]
    assert codes(mon(row(), spent="未统计")) == [("J009", "D4")]
    assert "1-N月执行数「未统计」不是数字" in check_monitoring(mon(row(), spent="未统计"), today=TODAY)[0].message


# ---------------------------------------------------------------------------------------------
# The state
# ---------------------------------------------------------------------------------------------


def test_state_amber_execution_behind():
    # 45/100 = 45%: behind 58.33% by 13.33 points (> 10, ≤ 20) → 黄
    res = assess(mon(row(), spent=45), today=TODAY)
    assert res.state == STATE_AMBER
    assert res.reason == "预算执行率 45.00% 低于序时进度 58.33% 超过 10 个百分点"


def test_state_red_execution_far_behind():
    # 38/100: behind by 20.33 points (> 20) → 红
    res = assess(mon(row(), spent=38), today=TODAY)
    assert res.state == STATE_RED and res.reason.startswith("预算执行率 38.00% 低于序时进度 58.33% 超过 20 个百分点")


def test_state_red_indicator_expected_to_miss_lists_it_at_risk():
    m = mon(row(), row(name="举办活动次数", target="4", unit="次", progress=1, expected=3, likelihood="有可能",
                      cause="其他", measures="下半年集中举办", r=8))
    res = assess(m, today=TODAY)
    assert res.state == STATE_RED and res.at_risk == ["举办活动次数"]
    assert res.reason == "1 个指标预计完不成（举办活动次数）"


def test_state_amber_indicator_far_behind_with_explanation():
    m = mon(row(progress=20, cause="人员保障", measures="增派人员"), period="1-6月", spent=50)
    res = assess(m, today=TODAY)
    assert res.state == STATE_AMBER and res.at_risk == ["办理业务数"]
    assert res.reason == "1 个指标进度明显落后（办理业务数）"
    assert res.findings == []


def test_state_amber_for_errors_in_what_was_filled():
    res = assess(mon(row(expected=None)), today=TODAY)
    assert res.state == STATE_AMBER and res.reason == "填报有 1 个错误"


def test_policy_is_described_and_loaded(tmp_path):
    from xlsxtools.config import load_config

    assert MonitoringPolicy().describe() == ("预算执行率低于序时进度超过 10 个百分点为黄、超过 20 个百分点为红；"
                                             "指标进度低于序时进度超过 20 个百分点为明显落后（序时进度 = N/12）")
    p = tmp_path / "xlsxtools.toml"
    p.write_text("[monitoring]\nbudget_margin = 0.05\nbudget_red_margin = 0.15\n", encoding="utf-8")
    cfg = load_config(p)
    assert cfg.monitoring == MonitoringPolicy(Decimal("0.05"), Decimal("0.15"), Decimal("0.20"))
    p.write_text("[monitoring]\nbudget_margin = 10\n", encoding="utf-8")
    from xlsxtools.errors import UserError

    with pytest.raises(UserError, match=r"monitoring\.budget_margin 应在 0 到 1 之间"):
        load_config(p)


def test_j013_a_fraction_in_a_percent_row():
    # 服务窗口规范率 ≥95 %: 0.96 is 0.96%, not 96% (a reader turns a %-formatted 0.96 into 96 first)
    rate = dict(name="服务窗口规范率", target="95", unit="%")
    found = check_monitoring(mon(row(**rate, progress=96, expected=0.96, likelihood="有可能")), today=TODAY)
    assert [(f.code, f.cell) for f in found] == [("J013", "H7")]
    assert "如果是 96%，请填 96" in found[0].message
    assert codes(mon(row(**rate, progress=96, expected=96))) == []
    # a rate whose target is itself a fraction is left alone
    assert codes(mon(row(name="达标比例", target="1", unit="%", progress=1, expected=1))) == []
