"""Checks by profile and the self-evaluation checks (issue 11), on hand-written tables of every kind.

Every expected value is worked out by hand from the table text in the test.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from xlsxtools.checks import run_checks
from xlsxtools.config import Config, TablesPolicy, load_config
from xlsxtools.importer import parse_text
from xlsxtools.profiles import profile_for

T = "\t"

#: Codes whose cases live here (tests/test_checks.py asserts every registered code has a case).
TESTED_CODES = {"S001", "S002", "S003", "S004", "S005", "S006", "S007", "S008", "S009", "S010", "T006",
                "R012", "R013", "S011"}

SELF_HEAD = [
    "项目支出绩效自评表（2022年度）",
    T.join(["项目名称", "测试项目"]),
    T.join(["项目资金（万元）", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"]),
    T.join(["年度资金总额", "100", "100", "95", "10", "95%", "9.5"]),
    T.join(["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "评分标准"]),
]


def self_eval(rows: list[list[str]], total: list[str] | None = None) -> str:
    lines = SELF_HEAD + [T.join(r) for r in rows]
    if total:
        lines.append(T.join(total))
    return "\n".join(lines)


# A correct 2022 project self-evaluation: 产出 50 (成本 10 inside), 效益 20+10, 满意度 10, budget 10.
GOOD_SELF = [
    ["成本指标", "经济成本指标", "单位造价", "≤100元", "95元", "10", "10", ""],
    ["产出指标", "数量指标", "培训人数", "≥200人", "210人", "20", "20", ""],
    ["", "质量指标", "合格率", "≥90%", "92%", "20", "20", ""],
    ["效益指标", "社会效益指标", "就业人数", "≥100人", "80人", "20", "16", ""],
    ["", "可持续影响指标", "长效机制", "建立", "建立", "10", "10", ""],
    ["满意度指标", "服务对象满意度指标", "学员满意度", "≥90%", "96%", "10", "10", ""],
]
GOOD_TOTAL = ["总分", "", "", "", "", "100", "95.5", ""]


def errors(t) -> list[str]:
    return [f.code for f in run_checks(t) if str(f.severity) == "error"]


def found(t, code: str):
    return [f for f in run_checks(t) if f.code == code]


def test_correct_self_eval_has_no_error():
    t = parse_text(self_eval(GOOD_SELF, GOOD_TOTAL), "x")
    assert t.kind == "project_self_eval" and t.framework == "2021"
    # 就业人数 80 of ≥100 → 20 × 0.8 = 16 (as stated); 总分 = 86 + 9.5 budget = 95.5
    assert errors(t) == []
    assert profile_for(t).totals == (90,)


def test_correct_tables_of_every_kind_have_no_error():
    rows = [
        ["成本指标", "经济成本指标", "单位造价", "≤100元", "10"],
        ["产出指标", "数量指标", "培训人数", "≥200人", "30"],
        ["", "时效指标", "完成时间", "2024年12月底前", "10"],
        ["效益指标", "社会效益指标", "就业人数", "≥100人", "30"],
        ["满意度指标", "服务对象满意度指标", "学员满意度", "≥90%", "10"],
    ]
    head = T.join(["一级指标", "二级指标", "三级指标", "指标值", "分值"])
    for title, extra in (("项目支出绩效目标表（2024年度）", [T.join(["项目名称", "培训项目"])]),
                         ("部门整体支出绩效目标表（2024年度）", [T.join(["部门（单位）名称", "某某县人社局"])])):
        t = parse_text("\n".join([title, *extra, head, *(T.join(r) for r in rows)]), "x")
        assert errors(t) == [], title
    # a target table without points: no points checks at all
    t = parse_text("\n".join(["项目支出绩效目标表", T.join(["项目名称", "培训项目"]),
                              T.join(["一级指标", "二级指标", "三级指标", "指标值"]),
                              *(T.join(r[:4]) for r in rows)]), "x")
    assert (errors(t) == [] and not profile_for(t).totals) or "T001" in profile_for(t).not_applicable
    assert not [f for f in run_checks(t) if f.code.startswith("T")]


def test_monitoring_table():
    text = "\n".join([
        "2024年项目支出绩效运行监控表",
        T.join(["项目名称", "培训项目"]),
        T.join(["一级指标", "二级指标", "三级指标", "年度指标值", "1-7月执行情况", "全年预计完成情况", "偏差原因分析"]),
        T.join(["产出指标", "数量指标", "培训人数", "≥200人", "120人", "200人", ""]),
        T.join(["成本指标", "经济成本指标", "单位造价", "≤100元", "60元", "98元", ""]),
        T.join(["效益指标", "社会效益指标", "就业人数", "≥100人", "40人", "100人", ""]),
        T.join(["满意度指标", "服务对象满意度指标", "学员满意度", "≥90%", "—", "≥90%", ""]),
    ])
    t = parse_text(text, "x")
    assert t.kind == "monitoring" and len(t.indicators) == 4
    assert t.indicators[0].actual == "200人"  # 全年预计完成情况
    assert errors(t) == []


def test_s001_own_score_above_the_rule_text():
    rows = [r[:] for r in GOOD_SELF]
    rows[1][6] = "20"
    rows[1][4] = "180人"  # 180 of ≥200 by "达到计划值得满分20分，否则按实际值/计划值*指标分值计分" = 18
    rows[1][7] = "达到计划值得满分20分，否则按实际值/计划值*指标分值计分"
    t = parse_text(self_eval(rows), "x")
    (f,) = found(t, "S001")
    assert f.row == 7 and "18" in f.message and "虚高" in f.message


def test_s002_own_score_below_the_rule_text():
    rows = [r[:] for r in GOOD_SELF]
    rows[1][6] = "15"
    rows[1][7] = "达到计划值得满分20分，否则按实际值/计划值*指标分值计分"
    t = parse_text(self_eval(rows), "x")
    assert [f.row for f in found(t, "S002")] == [7]


def test_s001_and_s003_by_the_default_policy_and_the_policy_switch():
    rows = [r[:] for r in GOOD_SELF]
    rows[3][6] = "20"  # 80 of ≥100 → 16 by 财预〔2020〕10号 第十六条
    rows[0][6] = "8"  # 95 of ≤100 (reverse) meets the target → 10; 8 is lower
    t = parse_text(self_eval(rows), "x")
    assert [f.row for f in found(t, "S001")] == [9] and "16" in found(t, "S001")[0].message
    assert [f.row for f in found(t, "S003")] == [6]
    off = Config(tables=TablesPolicy(default_scoring=False))
    assert not [f for f in run_checks(t, None, off) if f.code in ("S001", "S003")]


def test_s004_judgement_rule_and_qualitative_rows_are_not_guessed():
    rows = [r[:] for r in GOOD_SELF]
    rows[4][7] = "根据长效机制建立情况酌情扣分"
    rows[2][4] = "较好"  # qualitative actual against a numeric target, no rule: cannot be recomputed
    rows[2][3] = "良好"
    t = parse_text(self_eval(rows), "x")
    assert sorted(f.row for f in found(t, "S004")) == [8, 10]
    assert [f.row for f in found(t, "R012")] == [10]


def test_s005_total_s006_budget_s007_above_points_t006_points_total():
    rows = [r[:] for r in GOOD_SELF]
    rows[5][6] = "12"  # 12 of 10 points
    text = self_eval(rows, ["总分", "", "", "", "", "95", "99", ""]).replace(
        T.join(["年度资金总额", "100", "100", "95", "10", "95%", "9.5"]),
        T.join(["年度资金总额", "100", "100", "80", "10", "80%", "10"]))
    t = parse_text(text, "x")
    assert [f.row for f in found(t, "S007")] == [11]
    assert "计算为 8 分" in found(t, "S006")[0].message  # 10 × 80/100
    # own scores 10+20+20+16+10+12 = 88, + budget 10 = 98 ≠ 99
    assert "88" in found(t, "S005")[0].message
    # points 100 (indicators 90 + budget 10) ≠ 95
    assert "95" in found(t, "T006")[0].message


def test_s008_s009_s010_rows_not_evaluated_from_their_numbers():
    rows = [r[:] for r in GOOD_SELF]
    rows[1][4] = ""  # score without actual
    rows[2][4] = "≥90%"  # the target copied into the actual
    rows[4][4], rows[4][6] = "", ""  # nothing at all
    t = parse_text(self_eval(rows), "x")
    assert [f.row for f in found(t, "S008")] == [7]
    assert [f.row for f in found(t, "S009")] == [8]
    assert [f.row for f in found(t, "S010")] == [10]


def test_r013_points_only_rule_text():
    rows = [r[:] for r in GOOD_SELF]
    rows[0][7] = "计10分"
    t = parse_text(self_eval(rows), "x")
    (f,) = found(t, "R013")
    assert f.row == 6 and "财预〔2020〕10号" in f.message
    assert "R002" not in errors(t)


def test_profile_can_be_set_in_the_config(tmp_path: Path):
    cfg = tmp_path / "xlsxtools.toml"
    cfg.write_text('[tables]\nprofile = "dept_target"\ndefault_scoring = false\n', encoding="utf-8")
    c = load_config(cfg)
    assert c.tables == TablesPolicy("dept_target", False)
    t = parse_text(self_eval(GOOD_SELF), "x")
    assert profile_for(t, c).kind == "dept_target"
    cfg.write_text('[tables]\nprofile = "nonsense"\n', encoding="utf-8")
    with pytest.raises(Exception, match=r"tables\.profile"):
        load_config(cfg)


def test_template_form_keeps_its_profile():
    from xlsxtools.model import TargetTable

    p = profile_for(TargetTable())
    assert p.name == "dept_target/2021" and p.totals == (90,) and p.not_applicable == ()


def test_score_unit_uses_the_default_policy_and_names_it():
    from xlsxtools.model import ActualEntry, Actuals
    from xlsxtools.scoring import score_unit

    text = "\n".join([
        "项目支出绩效目标表",
        T.join(["项目名称", "测试"]),
        T.join(["一级指标", "二级指标", "三级指标", "指标值", "分值", "指标方向"]),
        T.join(["产出指标", "数量指标", "培训人数", "200", "20", "正向"]),
        T.join(["成本指标", "经济成本指标", "单位成本", "100", "10", "反向"]),
        T.join(["效益指标", "社会效益指标", "服务能力", "明显提升", "10", ""]),
    ])
    t = parse_text(text, "x")
    acts = Actuals([ActualEntry(150), ActualEntry(125), ActualEntry("明显提升")])
    us = score_unit(t, acts, Config())
    a, b, c = us.indicators
    assert a.score == Decimal("15.00") and "财预〔2020〕10号第十六条" in a.explanation  # 20 × 150/200
    assert b.score == Decimal("8.00")  # reverse: 10 × 100/125
    assert c.score is None  # qualitative: not computed by the default, it stays unscored
    off = score_unit(t, acts, Config(tables=TablesPolicy(default_scoring=False)))
    assert off.indicators[0].score is None


def test_check_command_prints_kind_profile_and_policy(tmp_path: Path):
    import subprocess
    import sys

    rows = [r[:] for r in GOOD_SELF]
    rows[3][6] = "20"  # 自评得分虚高 by the default policy (16)
    src = tmp_path / "自评.txt"
    src.write_text(self_eval(rows), encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "xlsxtools", "check", str(src)], capture_output=True, text=True,
                       encoding="utf-8", timeout=120)
    assert r.returncode == 1, r.stderr  # an error was found
    out = r.stdout
    assert "S001" in out and "I009" in out and "项目支出绩效自评表" in out
    assert "检查规则（测试项目）：项目支出绩效自评表·2021指标体系" in out
    assert "计分政策：无评分标准只有分值的指标按财预〔2020〕10号第十六条计分" in out


def test_cost_without_sign_is_smaller_is_better_and_unknown_rule_phrasing_is_a_warning():
    rows = [r[:] for r in GOOD_SELF]
    rows[0][3], rows[0][4] = "100元", "80元"  # no sign: a cost under its target meets it (full 10)
    rows[1][7] = "按实际情况综合打分"  # a phrasing the parser does not know: not the table's defect
    t = parse_text(self_eval(rows), "x")
    assert not found(t, "S001") and not found(t, "S003")
    assert [str(f.severity) for f in found(t, "R002")] == ["warning"]


def test_s011_monitoring_table_behind_schedule():
    """An imported 监控表: 1-6月执行数 45 of 100 is 45% against the schedule 6/12 = 50% (within the
    10-point margin, no finding); 30 of 100 is 20 points behind (S011, saying every row is 确定能)."""
    def table(spent: str):
        text = "\n".join([
            "某某市项目支出绩效监控表",
            T.join(["项目名称", "文物保护经费"]),
            T.join(["项目资金（万元）", "", "年初预算数", "1-6月执行数", "全年预计执行数"]),
            T.join(["", "年度资金总额:", "100", spent, "100"]),
            T.join(["一级指标", "二级指标", "三级指标", "指标值", "1-6月执行情况", "完成目标可能性"]),
            T.join(["产出指标", "数量指标", "修缮文物点", "2处", "1处", "确定能"]),
            T.join(["效益指标", "社会效益指标", "开放参观", "正常开放", "正常开放", "确定能"]),
        ])
        return parse_text(text, "监控.txt")

    t = table("45")
    assert t.kind == "monitoring" and t.header.get("监控期间") == "1-6月"
    assert "S011" not in {f.code for f in run_checks(t)}
    hits = [f for f in run_checks(table("30")) if f.code == "S011"]
    assert len(hits) == 1 and hits[0].severity == "warning"
    assert "30%" in hits[0].message and "50%" in hits[0].message and "确定能" in hits[0].message
