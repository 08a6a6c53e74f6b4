"""Rule parser: every distinct rule text of the samples (expected values by hand), variants, render round trip."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xlsxtools.rules import KNOWN_SHAPES, Band, Level, Rule, RuleKind, parse_rule, render_rule

SAMPLES = Path(__file__).resolve().parents[1] / "xlsxtools" / "data" / "samples"

R, P, OV, S, DL, G, B = (RuleKind.RATIO, RuleKind.PERCENT, RuleKind.OVERRUN, RuleKind.SAVING, RuleKind.DELAY,
                        RuleKind.GRADE, RuleKind.BANDS)

# (text, expected rule) — one per distinct text in the three samples, numbers read by eye.
SAMPLE_RULES = [
    # dashuling_2026.txt
    ("部门整体支出控制在总成本范围内，得10分，每超出10%，扣2分，扣完为止。", Rule(OV, D(10), step=D(10), deduction=D(2))),
    ("社会成本节约率为0，得5分，每下降1%，扣0.5分，扣完为止。（如不适用，直接计分）",
     Rule(S, D(5), step=D(1), deduction=D("0.5"))),
    ("生态环境成本节约率为0，得5分，每下降1%，扣0.5分，扣完为止。（如不适用，直接计分）",
     Rule(S, D(5), step=D(1), deduction=D("0.5"))),
    ("达到计划值得满分2分，否则按实际值/计划值*指标分值计分。", Rule(R, D(2))),
    ("宣传调查入户率达到100%得满分2分，未达到100%宣传调查入户率，按实际达到比例×指标分值计算", Rule(P, D(2))),
    ("安全隐患的排查率达到100%得满分2分，未达到100%隐患排查率，按实际达到比例×指标分值计算", Rule(P, D(2))),
    ("医保收缴率达到100%得满分2分，未达到100%医保收缴率，按实际达到比例×指标分值计算", Rule(P, D(2))),
    ("农村环境整治覆盖率达到100%得满分2分，未达到100%农村环境整治覆盖率，按实际达到比例×指标分值计算", Rule(P, D(2))),
    ("按计划值得满分2分，否则按实际值/计划值*指标分值计分。", Rule(R, D(2))),
    ("按计划值完成得2分，否则按实际值/计划值*指标分值计分。", Rule(R, D(2))),
    ("效果明显得10分，效果一般得5分，否则不得分。", Rule(G, D(10), grades=(("效果明显", D(10)), ("效果一般", D(5))))),
    ("效果明显得5分，效果一般得3分，否则不得分。", Rule(G, D(5), grades=(("效果明显", D(5)), ("效果一般", D(3))))),
    ("满意度大于等于95%的得10分，满意度小于95%且大于等于80%的得8分，满意度小于80%且大于等于60%的得5分，满意度小于60%不得分。",
     Rule(B, D(10), bands=(Band(D(95), D(10)), Band(D(80), D(8)), Band(D(60), D(5))), floor_points=D(0))),
    # zhengfuban_2026.txt (half-width commas with spaces)
    ("达到计划值得满分2分, 否则按实际值/计划值*指标分值计分", Rule(R, D(2))),
    ("达到计划值得满分8分, 否则按实际值/计划值*指标分值计分", Rule(R, D(8))),
    ("按计划在2026年12月31日前完成得10分, 每推迟10天扣1分, 扣完为止。",
     Rule(DL, D(10), step=D(10), deduction=D(1), deadline=date(2026, 12, 31))),
    ("效果明显得10分, 效果一般得5分, 否则不得分。", Rule(G, D(10), grades=(("效果明显", D(10)), ("效果一般", D(5))))),
    ("满意度大于等于95%的得10分, 满意度小于95%且大于等于80%的得8分, 满意度小于80%且大于等于60%的得6分, 满意度小于60%的不得分。",
     Rule(B, D(10), bands=(Band(D(95), D(10)), Band(D(80), D(8)), Band(D(60), D(6))))),
    ("部门整体支出控制在总成本范围内, 得10分; 每超出10%, 扣2分, 扣完为止。", Rule(OV, D(10), step=D(10), deduction=D(2))),
    # zhengwu_2026.txt
    ("达到计划值得满分5分，否则按实际值/计划值*指标分值计分。", Rule(R, D(5))),
    ("按计划计划在2026年12月31日前完成得10分，每推迟10天扣1分，扣完为止。",
     Rule(DL, D(10), step=D(10), deduction=D(1), deadline=date(2026, 12, 31))),
    ("效果明显得15分，效果一般得8分，否则不得分。", Rule(G, D(15), grades=(("效果明显", D(15)), ("效果一般", D(8))))),
    ("整体支出控制在预算范围内，得20分，每超出10%，扣2分，扣完为止", Rule(OV, D(20), step=D(10), deduction=D(2))),
]


@pytest.mark.parametrize(("text", "expected"), SAMPLE_RULES, ids=[t[:16] for t, _ in SAMPLE_RULES])
def test_sample_rule_texts(text: str, expected: Rule) -> None:
    parsed = parse_rule(text)
    assert parsed.rule == expected
    assert parsed.points == expected.points
    assert parsed.problems == []
    assert parsed.truncated is False


def _sample_rule_cells(name: str) -> list[str]:
    """Rule cells of the indicator rows (the one cell per row that names points), up to the footer."""
    cells: list[str] = []
    in_grid = False
    for line in (SAMPLES / name).read_text(encoding="utf-8").splitlines():
        if "三级指标" in line and "\t" in line:
            in_grid = True
            continue
        if "业务股室审核" in line:
            break
        if not in_grid:
            continue
        for cell in line.split("\t"):
            if "分" in cell and ("得" in cell or "扣" in cell) and "评" not in cell:
                cells.append(cell)
    return cells


@pytest.mark.parametrize(("name", "rows"), [("dashuling_2026.txt", 24), ("zhengfuban_2026.txt", 18),
                                           ("zhengwu_2026.txt", 12)])
def test_sample_points_total_90(name: str, rows: int) -> None:
    cells = _sample_rule_cells(name)
    assert len(cells) == rows
    parsed = [parse_rule(c) for c in cells]
    assert all(p.rule is not None for p in parsed), [p.text for p in parsed if p.rule is None]
    assert sum(p.points for p in parsed) == 90


def test_sample_kinds_per_table() -> None:
    kinds = [parse_rule(c).rule.kind for c in _sample_rule_cells("zhengwu_2026.txt")]
    assert kinds == [R] * 7 + [DL, G, G, B, OV]


# ------------------------------------------------------------------ variants

@pytest.mark.parametrize(("text", "kind", "points"), [
    ("达到计划值得满分２分，否则按实际值／计划值＊指标分值计分", R, D(2)),  # full-width digits and operators
    ("达到指标值得满分3分，否则按实际值/指标值*指标分值计分。", R, D(3)),  # 指标值 instead of 计划值
    ("达到计划值得4分，否则按实际值/计划值×指标分值计分", R, D(4)),  # 得N分 instead of 得满分N分
    ("达到 计划值 得满分 2.5 分 , 否则按实际值 / 计划值 * 指标分值计分", R, D("2.5")),  # stray spaces, decimal N
    ("整体支出控制在预算范围内（得10分），每超支5%扣1分", OV, D(10)),  # no 扣完为止
    ("按计划计划在2026年6月30日前完成得5分，每延迟3天扣0.5分", DL, D(5)),
    ("完成率达到计划值得10分，每低于5%扣2分，扣完为止", S, D(10)),  # shortfall steps: same formula as SAVING
    ("达到目标值得满分（3分），否则按实际值/目标值×指标分值计分", R, D(3)),  # points in brackets, 目标值
    ("本指标4分，达到计划值的得满分，否则按实际值/计划值*指标分值计分", R, D(4)),
])
def test_variants(text: str, kind: RuleKind, points: D) -> None:
    parsed = parse_rule(text)
    assert parsed.rule is not None, parsed.problems
    assert (parsed.rule.kind, parsed.points, parsed.truncated) == (kind, points, False)


def test_overrun_without_stop_phrase_numbers() -> None:
    rule = parse_rule("整体支出控制在预算范围内，得10分，每超支5%扣1分").rule
    assert (rule.step, rule.deduction) == (D(5), D(1))


def test_delay_deadline_from_text_and_none() -> None:
    assert parse_rule("按计划在2026年6月30日前完成得5分，每延迟3天扣0.5分").rule.deadline == date(2026, 6, 30)
    rule = parse_rule("按计划时间完成得5分，每推迟7天扣1分，扣完为止").rule
    assert (rule.kind, rule.deadline, rule.step, rule.deduction) == (DL, None, D(7), D(1))


def test_truncated_ratio_still_parses() -> None:
    parsed = parse_rule("达到计划值得满分2分，否则按实际值/计")
    assert parsed.truncated is True
    assert parsed.rule == Rule(R, D(2))


def test_truncated_bands_keeps_the_bands_it_read() -> None:
    parsed = parse_rule("满意度大于等于95%的得10分，满意度小于95%且大于等于80%的得8分，满意度小于80%且大于等于")
    assert parsed.truncated is True
    assert parsed.rule.bands == (Band(D(95), D(10)), Band(D(80), D(8)))
    assert parsed.points == D(10)


def test_truncated_overrun_without_deduction_reports_it() -> None:
    parsed = parse_rule("部门整体支出控制在总成本范围内，得10分，每超出10%，扣")
    assert parsed.rule is None
    assert parsed.kind is OV
    assert parsed.truncated is True
    assert parsed.points == D(10)
    assert any("扣多少分" in p for p in parsed.problems)


def test_truncated_delay() -> None:
    parsed = parse_rule("按计划在2026年12月31日前完成得10分，每推迟10")
    assert (parsed.kind, parsed.rule, parsed.truncated, parsed.points) == (DL, None, True, D(10))


def test_unknown_shape_still_reads_points() -> None:
    parsed = parse_rule("根据工作开展情况酌情得3分")
    assert parsed.rule is None and parsed.kind is None
    assert parsed.points == D(3)
    assert parsed.problems and "无法识别" in parsed.problems[0]


def test_empty_and_no_points() -> None:
    assert parse_rule("").problems == ["评（扣）分标准为空"]
    assert parse_rule(None).rule is None
    parsed = parse_rule("符合要求的得满分，不符合要求的不得分")
    assert (parsed.kind, parsed.rule, parsed.points) == (RuleKind.DIRECT, None, None)
    assert any("分值" in p for p in parsed.problems)


def test_threshold_level_direct() -> None:
    th = parse_rule("完成率小于60%不得分；大于等于60%的，得分=（实际完成率-60%）/（1-60%）×指标分值，指标分值5分")
    assert th.rule == Rule(RuleKind.THRESHOLD, D(5), gate=D(60))
    lv = parse_rule("基本达成目标…100%-80%(含)为15分；部分实现目标…80%-60%(含)为5分；实现目标程度较低…60%-0%不得分")
    assert lv.rule == Rule(RuleKind.LEVEL, D(15), levels=(
        Level("基本达成目标", D(15), D(100), D(80)), Level("部分实现目标", D(5), D(80), D(60)),
        Level("实现目标程度较低", D(0), D(60), D(0))))
    dr = parse_rule("符合要求的得满分3分，不符合要求的扣1分。")
    assert dr.rule == Rule(RuleKind.DIRECT, D(3), deduction=D(1))
    assert parse_rule("是的得2分，否得0分").rule == Rule(RuleKind.DIRECT, D(2))  # 得0分 is 不得分
    assert parse_rule("符合要求的得满分3分，不符合要求的得1分").rule == Rule(RuleKind.DIRECT, D(3), deduction=D(2))


def test_bands_strict_and_range_forms() -> None:
    rule = parse_rule("满意度95%（含）以上得5分，80%-95%得3分，80%以下不得分").rule
    assert rule.bands == (Band(D(95), D(5)), Band(D(80), D(3)))
    rule = parse_rule("满意度大于90%的得4分，满意度小于等于90%的得1分").rule
    assert rule.bands == (Band(D(90), D(4), inclusive=False),)
    assert rule.floor_points == D(1)


# ------------------------------------------------------------------ render round trip

ONE_PER_KIND = [
    Rule(R, D(2)),
    Rule(P, D(2), subject="入户率"),
    Rule(OV, D(10), step=D(10), deduction=D(2)),
    Rule(S, D(5), step=D(1), deduction=D("0.5")),
    Rule(DL, D(10), step=D(10), deduction=D(1), deadline=date(2026, 12, 31)),
    Rule(G, D(15), grades=(("效果明显", D(15)), ("效果一般", D(8)))),
    Rule(B, D(10), bands=(Band(D(95), D(10)), Band(D(80), D(8)), Band(D(60), D(6)))),
    Rule(RuleKind.THRESHOLD, D(4), gate=D(60)),
    Rule(RuleKind.LEVEL, D(15), levels=(Level("基本达成目标", D(15), D(100), D(80)),
                                        Level("部分实现目标", D(5), D(80), D(60)),
                                        Level("实现目标程度较低", D(0), D(60), D(0)))),
    Rule(RuleKind.DIRECT, D(3)),
]


def test_one_rule_per_kind_covered() -> None:
    assert {r.kind for r in ONE_PER_KIND} == set(RuleKind)
    assert len(KNOWN_SHAPES) == len(RuleKind)


@pytest.mark.parametrize("rule", ONE_PER_KIND, ids=[r.kind.value for r in ONE_PER_KIND])
def test_render_round_trip(rule: Rule) -> None:
    parsed = parse_rule(render_rule(rule))
    assert parsed.rule == rule
    assert parsed.problems == [] and parsed.truncated is False


def test_render_keeps_subject() -> None:
    assert parse_rule(render_rule(Rule(P, D(2), subject="入户率"))).rule.subject == "入户率"
    assert render_rule(Rule(OV, D(10), step=D(10), deduction=D(2))).startswith("部门整体支出控制在预算范围内")


_n = st.decimals(min_value=D("0.5"), max_value=D(50), places=1)


@given(kind=st.sampled_from([OV, S, DL]), n=_n, p=_n, d=_n)
def test_render_round_trip_step_rules(kind: RuleKind, n: D, p: D, d: D) -> None:
    rule = Rule(kind, n, step=p, deduction=d)
    assert parse_rule(render_rule(rule)).rule == rule


@given(n=_n, lows=st.lists(st.integers(1, 99), min_size=1, max_size=4, unique=True))
def test_render_round_trip_bands(n: D, lows: list[int]) -> None:
    lows = sorted(lows, reverse=True)
    bands = tuple(Band(D(lo), n - i) for i, lo in enumerate(lows) if n - i > 0)
    if not bands:
        return
    rule = Rule(B, n, bands=bands)
    assert parse_rule(render_rule(rule)).rule == rule


@given(st.text(max_size=120))
def test_parse_never_raises(text: str) -> None:
    parsed = parse_rule(text)
    assert parsed.points is None or parsed.points >= 0
    if parsed.rule is None:
        assert parsed.problems


@given(st.sampled_from([t for t, _ in SAMPLE_RULES]), st.integers(1, 30))
def test_cut_sample_texts_never_raise_and_flag_or_parse(text: str, cut: int) -> None:
    part = text[: max(1, len(text) - cut)]
    parsed = parse_rule(part)
    if parsed.rule is None:
        assert parsed.problems  # says what it could not read instead of guessing


# Phrasings of the 2013-framework 评价指标表 (湖南 2017, 2021 申报表 of a county; numbers read by eye).
@pytest.mark.parametrize("text, kind, points, step, deduction", [
    ("以100%为标准。在职人员控制率≦100%,计5分;每超过一个百分点扣0.5分,扣完为止。", OV, D(5), D(1), D("0.5")),
    ("“三公经费”变动率≦0,计5分;“三公经费”>0,每超过一个百分点扣0.5分,扣完为止。", OV, D(5), D(1), D("0.5")),
    ("到位率100%得5分,每少10个百分点以内扣1分,扣完为止。", S, D(5), D(10), D(1)),
    ("预算支出进度达到90%以上(含90%)得15分,每少1个百分点扣1分,扣完为止。", S, D(15), D(1), D(1)),
    ("完成率每低于两个百分点扣1分，100%得10分", S, D(10), D(2), D(1)),
])
def test_percentage_point_steps(text: str, kind: RuleKind, points: D, step: D, deduction: D) -> None:
    p = parse_rule(text)
    assert p.kind is kind and p.rule is not None, p.problems
    assert (p.rule.points, p.rule.step, p.rule.deduction) == (points, step, deduction)


def test_proportional_scoring_in_words_is_a_ratio() -> None:
    p = parse_rule("在职人员控制率=(在职人员数/编制数)100%小于或等于1计5分,否则按比例计分。")
    assert p.kind is R and p.points == D(5)


@pytest.mark.parametrize("text, total, items", [
    ("符合国家法律法规计1分;符合部门三定方案确定的职责计0.5分;符合中长期规划计0.5分。", D(2), 3),
    ("专项资金专款专用得2分,专项核算得3分,否则0分。", D(5), 2),
])
def test_unnumbered_itemised_rules_are_not_computable(text: str, total: D, items: int) -> None:
    p = parse_rule(text)
    assert p.unscorable and p.points == total and p.rule is None
    assert f"{items} 项" in p.problems[0]


@pytest.mark.parametrize("text, kind", [
    ("预算控制率=0,计5分;0-10%(含),计4分;10-20%(含),计3分;大于30%不得分。", B),  # bands, not items
    ("效果明显得10分,效果一般得5分,无效果不得分。", G),
    ("按时完成得5分,未完成不得分。", RuleKind.DIRECT),
])
def test_rules_with_several_points_that_are_not_itemised(text: str, kind: RuleKind) -> None:
    p = parse_rule(text)
    assert not p.unscorable and p.kind is kind, p.problems
