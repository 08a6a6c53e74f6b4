"""Importer on the three sample tables and on small pasted texts.

The expected tables below were written by hand from xlsxtools/data/samples/*.txt (line numbers
are the source lines of the .txt files), not from importer output. Level 1/2 follow the
vocabulary and the table's intent; the table's own mistakes are kept for the checks (政府办
line 28 keeps 经济效益指标 under the 产出指标 it wrote).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xlsxtools.errors import UnreadableFile
from xlsxtools.importer import import_table, parse_text
from xlsxtools.model import TargetTable

SAMPLES = Path(__file__).resolve().parents[1] / "xlsxtools" / "data" / "samples"

C, P, E, S = "成本指标", "产出指标", "效益指标", "满意度指标"
SAT = "服务对象满意度指标"

# fields: line, level1, level2, name, type, target, unit, explanation, rule_text, weight
# ---------------------------------------------------------------- 政府办 (zhengfuban_2026.txt)
ZF_RATIO2 = "达到计划值得满分2分, 否则按实际值/计划值*指标分值计分"
ZF_GRADE = "效果明显得10分, 效果一般得5分, 否则不得分。"
ZHENGFUBAN = [
    (15, P, "数量指标", "信息宣传报道", "≥", "50", "篇", "本年度计划信息宣传篇数", ZF_RATIO2, 2),
    (16, P, "数量指标", "承办各类会议", "≥", "200", "次", "本年度计划承办各类会议次数", ZF_RATIO2, 2),
    (17, P, "数量指标", "小额贷款公司现场检查", "≥", "2", "次", "本年度计划小额贷款公司现场检查次数", ZF_RATIO2, 2),
    (18, P, "数量指标", "营商环境专题宣传", "≥", "2", "次", "本年度计划营商环境专题宣传次数", ZF_RATIO2, 2),
    (19, P, "数量指标", "开展全民健康教育", "≥", "1", "次", "本年度计划开展健康教育次数", ZF_RATIO2, 2),
    (20, P, "数量指标", "县领导联系乡镇", "≥", "8", "个", "县领导联系乡镇个数", ZF_RATIO2, 2),
    (21, P, "数量指标", "组织综合大型综合材料", "≥", "80", "次", "本年度计划综合大型材料次数", ZF_RATIO2, 2),
    (22, P, "数量指标", "办理文件", "≥", "450", "件", "本年度办理文件数", ZF_RATIO2, 2),
    (23, P, "数量指标", "大型综合调研、专题调研", "≥", "10", "次", "本年度计划大型综合专题调研次数", ZF_RATIO2, 2),
    (24, P, "数量指标", "组织开展政府督查活动", "≥", "20", "次", "本年度计划开展督查活动次数", ZF_RATIO2, 2),
    (25, P, "数量指标", "组织非法集贸市场排查及宣传次数", "≥", "5", "次", "本年度计划非法集贸市场排查及宣传次数",
     ZF_RATIO2, 2),
    (26, P, "质量指标", "各类文字材料、会议办理的质优率", "≥", "96", "%", "各类文字材料质优准确率",
     "达到计划值得满分8分, 否则按实际值/计划值*指标分值计分", 8),
    (27, P, "时效指标", "工作完成时间", "定性", "2026年12月31日前", "", "考核整体工作完成时间",
     "按计划在2026年12月31日前完成得10分, 每推迟10天扣1分, 扣完为止。", 10),
    (28, P, "经济效益指标", "优化营商环境, 促进县域经济发展", "定性", "效果明显", "",
     "考核部门履职对经济发展所带来的直接或间接影响情况。", ZF_GRADE, 10),
    (29, E, "社会效益指标", "坚持以人民为中心, 以群众对美好生活向往为目标, 以提升服务效能", "定性", "效果明显", "",
     "考核部门履职对社会发展所带来的直接或间接影响情况。", ZF_GRADE, 10),
    (30, E, "可持续影响指标", "提高行政效能、提高政府服务能力。", "定性", "效果明显", "",
     "考核部门履职对可持续发展所带来的直接或间接影响情况。", ZF_GRADE, 10),
    (31, S, SAT, "公众满意度", "≥", "95", "%", "干部群众满意度",
     "满意度大于等于95%的得10分, 满意度小于95%且大于等于80%的得8分, 满意度小于80%且大于等于60%的得6分, "
     "满意度小于60%的不得分。", 10),
    (32, C, "经济成本指标", "预算成本", "≤", "1350.75", "万元", "反映部门年度实际支出金额",
     "部门整体支出控制在总成本范围内, 得10分; 每超出10%, 扣2分, 扣完为止。", 10),
]

# ---------------------------------------------------------------- 大树岭乡 (dashuling_2026.txt)
DS_RATIO2 = "达到计划值得满分2分，否则按实际值/计划值*指标分值计分。"
DS_ONTIME = "按计划值完成得2分，否则按实际值/计划值*指标分值计分。"
DS_GRADE5 = "效果明显得5分，效果一般得3分，否则不得分。"
DASHULING = [
    (13, C, "经济成本指标", "预算成本", "≤", "588.12", "万元", "反映部门年度实际支出金额",
     "部门整体支出控制在总成本范围内，得10分，每超出10%，扣2分，扣完为止。", 10),
    (14, C, "社会成本指标", "社会成本节约率", "≥", "0", "%", "社会成本指标节约率=(计划成本-实际成本)/计划成本×100%。",
     "社会成本节约率为0，得5分，每下降1%，扣0.5分，扣完为止。（如不适用，直接计分）", 5),
    (15, C, "生态环境成本指标", "生态环境成本节约率", "≥", "0", "%",
     "生态环境成本节约率=(计划成本-实际成本)/计划成本×100%。",
     "生态环境成本节约率为0，得5分，每下降1%，扣0.5分，扣完为止。（如不适用，直接计分）", 5),
    (16, P, "数量指标", "党风廉政建设宣传", "=", "4", "次", "本年度在辖区内开展党风廉政建设宣传的次数", DS_RATIO2, 2),
    (17, P, "数量指标", "平安建设工作建设", "=", "12", "次", "本年度在辖区内开展平安建设工作的次数", DS_RATIO2, 2),
    (18, P, "数量指标", "领域风险隐患排查", "=", "4", "次", "本年度在辖区内开展隐患排查的次数", DS_RATIO2, 2),
    (19, P, "数量指标", "农村道路安全巡查劝导", "≥", "48", "次", "本年度在辖区内对农村道路安全巡查劝导的次数", DS_RATIO2, 2),
    (20, P, "数量指标", "医保收缴数", "=", "10326", "人", "本年度在辖区内农村医保收缴人数", DS_RATIO2, 2),
    (21, P, "数量指标", "乡村振兴入户调查次数", "=", "4", "次", "本年度在辖区内乡村振兴入户调查次数", DS_RATIO2, 2),
    (22, P, "数量指标", "开展农村人居环境整治", "=", "8", "个村", "本年度在辖区内开展农村人居环境整治的范围", DS_RATIO2, 2),
    (23, P, "质量指标", "宣传调查入户率", "≥", "95", "%", "入户宣传的户数占总户数的比重",
     "宣传调查入户率达到100%得满分2分，未达到100%宣传调查入户率，按实际达到比例×指标分值计算", 2),
    (24, P, "质量指标", "安全隐患排查率", "=", "100", "%", "对安全隐患的排查比例",
     "安全隐患的排查率达到100%得满分2分，未达到100%隐患排查率，按实际达到比例×指标分值计算", 2),
    (25, P, "质量指标", "达到农村道路养护标准", "=", "100", "%", "养护的道路质量可以达到行业标准", DS_RATIO2, 2),
    # lines 26-27 lost their level 1/2 cells (shifted left): still 质量指标
    (26, P, "质量指标", "医保收缴率", "≥", "95", "%", "医保收缴人数的占比",
     "医保收缴率达到100%得满分2分，未达到100%医保收缴率，按实际达到比例×指标分值计算", 2),
    (27, P, "质量指标", "农村环境整治覆盖率", "=", "100", "%", "农村环境整治覆盖比例",
     "农村环境整治覆盖率达到100%得满分2分，未达到100%农村环境整治覆盖率，按实际达到比例×指标分值计算", 2),
    # line 28: 绩效指标 in the level-1 cell, a timeliness rate: the 时效指标 block, whose label shows on line 30
    (28, P, "时效指标", "响应服务时限及时率", "≥", "95", "%", "考核响应服务时限完成情况",
     "按计划值得满分2分，否则按实际值/计划值*指标分值计分。", 2),
    (30, P, "时效指标", "群众投诉处理及时率", "≥", "95", "%", "考核群众投诉处理及时率情况", DS_ONTIME, 2),
    (31, P, "时效指标", "乡镇各项补贴资金发放及时率", "=", "100", "%", "考核乡镇各项补贴资金发放率情况", DS_ONTIME, 2),
    # line 32 has no 三级指标 (kept empty for the checks)
    (32, E, "经济效益指标", "", "定性", "效果明显", "", "考核单位履职对经济发展所带来的直接或间接影响情况",
     "效果明显得10分，效果一般得5分，否则不得分。", 10),
    (33, E, "社会效益指标", "保障人民生命财产安全", "定性", "效果明显", "", "该工作对社会效益的影响", DS_GRADE5, 5),
    (34, E, "社会效益指标", "融洽党群干部关系", "定性", "效果明显", "", "该工作对社会效益的影响", DS_GRADE5, 5),
    (35, E, "生态效益指标", "美化乡村环境，造福村民", "定性", "效果明显", "", "该工作对生态效益的影响", DS_GRADE5, 5),
    (36, E, "可持续影响指标", "实现经济健康稳定发展，提高区域经济实力", "定性", "效果明显", "",
     "该工作对可持续影响效益的影响", DS_GRADE5, 5),
    (37, S, SAT, "群众满意率", "≥", "95", "%", "群众对该项工作的满意度",
     "满意度大于等于95%的得10分，满意度小于95%且大于等于80%的得8分，满意度小于80%且大于等于60%的得5分，"
     "满意度小于60%不得分。", 10),
]

# ---------------------------------------------------------------- 政务服务中心 (zhengwu_2026.txt)
ZW_RATIO2 = "达到计划值得满分2分，否则按实际值/计划值*指标分值计分。"
ZW_RATIO5 = "达到计划值得满分5分，否则按实际值/计划值*指标分值计分。"
ZW_GRADE = "效果明显得15分，效果一般得8分，否则不得分。"
ZHENGWU = [
    (14, P, "数量指标", "设置政务服务窗口数", "≥", "98", "个", "政务大厅窗口设置数。", ZW_RATIO2, 2),
    (15, P, "数量指标", "办理业务数", "≥", "5", "万件", "政务大厅窗口办件数。", ZW_RATIO2, 2),
    (16, P, "数量指标", "举办窗口评选活动次数", "≥", "4", "次", "开展政务大厅窗口监察评比活动数。", ZW_RATIO2, 2),
    (17, P, "数量指标", "政府网站公开信息发布率", "=", "100", "%", "政府门户网站信息公开发布情况。", ZW_RATIO2, 2),
    (18, P, "数量指标", "实施清单和权责清单发布率", "=", "100", "%", "行政事项清单发布情况。", ZW_RATIO2, 2),
    (19, P, "质量指标", "服务窗口规范率", "≥", "95", "%", "政务大厅服务窗口设置规范情况。", ZW_RATIO5, 5),
    (20, P, "质量指标", "“好差评”评价率", "≥", "95", "%", "“好差评”系统评价率。", ZW_RATIO5, 5),
    (21, P, "时效指标", "工作完成时间", "定性", "2026年12月31日前", "", "考核整体工作完成时间",
     "按计划计划在2026年12月31日前完成得10分，每推迟10天扣1分，扣完为止。", 10),
    (22, E, "社会效益指标", "方便办事群众", "定性", "效果明显", "", "考核部门履职对社会发展所带来的直接或间接影响情况。",
     ZW_GRADE, 15),
    (24, E, "可持续影响指标", "推进政务服务便利化", "定性", "效果明显", "",
     "考核部门履职对可持续发展所带来的直接或间接影响情况。", ZW_GRADE, 15),
    (25, S, SAT, "群众满意度", "≥", "95", "%", "通过调查问卷或好评机了解群众对政务服务中心满意度。",
     "满意度大于等于95%的得10分，满意度小于95%且大于等于80%的得8分，满意度小于80%且大于等于60%的得5分，"
     "满意度小于60%不得分。", 10),
    (26, C, "经济成本指标", "预算成本", "≤", "419.72", "万元", "考核单位整体支出控制情况。",
     "整体支出控制在预算范围内，得20分，每超出10%，扣2分，扣完为止", 20),
]

EXPECTED = {"zhengfuban": ZHENGFUBAN, "dashuling": DASHULING, "zhengwu": ZHENGWU}

FIELDS = ("level1", "level2", "name", "type", "target", "unit", "explanation", "rule_text")


def rows_of(table: TargetTable) -> list[tuple]:
    """The table as the tuples above (line, fields…, weight)."""
    return [(i.origin.row, *(getattr(i, f) for f in FIELDS), i.weight) for i in table.indicators]


def expected_rows(name: str, line_map=lambda n: n) -> list[tuple]:
    return [(line_map(r[0]), *r[1:9], Decimal(r[9])) for r in EXPECTED[name]]


def assert_table(table: TargetTable, name: str, line_map=lambda n: n) -> None:
    got, want = rows_of(table), expected_rows(name, line_map)
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        assert g == w


def codes_at(table: TargetTable, code: str) -> list[int | None]:
    return sorted(f.row or 0 for f in table.findings if f.code == code)


@pytest.fixture(scope="module")
def imported() -> dict[str, TargetTable]:
    return {name: import_table(SAMPLES / f"{name}_2026.txt") for name in EXPECTED}


# ---------------------------------------------------------------- the three samples


def test_indicator_counts_counted_by_hand(imported):
    # counted from the sample texts: 政府办 lines 15-32, 大树岭乡 13-28 and 30-37, 政务服务中心 14-22 and 24-26
    assert len(imported["zhengfuban"].indicators) == 18
    assert len(imported["dashuling"].indicators) == 24
    assert len(imported["zhengwu"].indicators) == 12


@pytest.mark.parametrize("name", list(EXPECTED))
def test_sample_indicators_match_hand_written_table(imported, name):
    assert_table(imported[name], name)


@pytest.mark.parametrize("name", list(EXPECTED))
def test_sample_weights_total_90(imported, name):
    assert sum(i.weight for i in imported[name].indicators) == Decimal(90)


def test_level1_subtotals_follow_the_tables_own_level1(imported):
    def by_level1(t):
        out: dict[str, Decimal] = {}
        for i in t.indicators:
            out[i.level1] = out.get(i.level1, Decimal(0)) + i.weight
        return out

    # 政府办 wrote 经济效益指标 under 产出指标: kept (the checks flag it), so 产出 carries 50 here
    assert by_level1(imported["zhengfuban"]) == {P: 50, E: 20, S: 10, C: 10}
    assert by_level1(imported["dashuling"]) == {C: 20, P: 30, E: 30, S: 10}
    assert by_level1(imported["zhengwu"]) == {P: 30, E: 30, S: 10, C: 20}


def test_header_and_footer_fields(imported):
    zf, ds, zw = imported["zhengfuban"].unit, imported["dashuling"].unit, imported["zhengwu"].unit
    assert (zf.name, zf.year) == ("芷江侗族自治县人民政府办公室", "2026")
    assert zf.duties.startswith("1. 协助县人民政府领导审核或组织起草") and zf.duties.endswith("期间的接待工作。")
    assert zf.goals.startswith("一、深入调查研究") and zf.goals.endswith("贡献新力量。")
    # footer fields that share one line
    assert (zf.filled_by, zf.phone, zf.date, zf.head) == ("王某某", "13800000001", "2025.12.15", "赵某")
    assert (zf.business_review, zf.performance_review) == ("", "")

    assert (ds.name, ds.year) == ("芷江侗族自治县大树岭乡人民政府", "2026")
    assert ds.duties.startswith("1. 宣传贯彻执行党和国家各项方针") and ds.goals.endswith("完成上级和政府交办的其他事项。")
    assert (ds.filled_by, ds.phone, ds.date, ds.head) == ("孙某某", "13800000002", "2025.12.15", "钱某某")

    assert (zw.name, zw.year) == ("芷江侗族自治县政务服务中心", "2026")
    assert zw.goals.startswith("1. 完成省市主管部门交办任务。")  # from the synonym 年度总体目标
    assert (zw.filled_by, zw.phone, zw.date, zw.head) == ("李某某", "13800000003", "2025年12月12日", "")
    assert (zw.business_review, zw.performance_review) == ("陈某", "周某某 2025.12.12")


def test_footer_origins_point_at_their_lines(imported):
    zf = imported["zhengfuban"].unit
    assert zf.origins["filled_by"].row == 40 and zf.origins["phone"].row == 40 and zf.origins["head"].row == 42
    assert imported["dashuling"].unit.origins["head"].row == 46


def test_declared_subtotals_stripped_from_level1(imported):
    ds = imported["dashuling"]
    assert ds.declared_subtotals == {C: Decimal(20), P: Decimal(30)}
    assert codes_at(ds, "I003") == [13, 16]
    assert imported["zhengfuban"].declared_subtotals == {}


def test_zhengfuban_repairs_reported(imported):
    t = imported["zhengfuban"]
    # rows that lost cells (line 25: two cells, 26-27 and 29-32: one) are realigned and reported
    assert codes_at(t, "I002") == [25, 26, 27, 29, 30, 31, 32]
    # 社会效益指标 with a blank level 1 after a 产出指标 row: level 1 from the vocabulary
    assert codes_at(t, "I007") == [29]
    # merged-cell blanks filled down (lines 16-27 and 30)
    assert codes_at(t, "I001") == [*range(16, 28), 30]
    assert any(f.code == "I004" and "绩效指标" in f.message for f in t.findings)
    # the stray date line under the footer and the 说明 line are reported as skipped
    assert codes_at(t, "I008") == [38, 44]
    assert all("第" in f.message and "行" in f.message for f in t.findings)


def test_dashuling_repairs_reported(imported):
    t = imported["dashuling"]
    i002 = {f.row: f.message for f in t.findings if f.code == "I002"}
    assert sorted(i002) == [26, 27, 28, 30, 31, 32, 33, 34, 35, 36]
    assert "绩效指标" in i002[28]
    assert "三级指标" in i002[32]
    assert "计量单位" in i002[33]
    l2_from_next = [f for f in t.findings if f.code == "I001" and f.row == 28 and f.field == "level2"]
    assert len(l2_from_next) == 1 and "时效指标" in l2_from_next[0].message


def test_zhengwu_repairs_reported(imported):
    t = imported["zhengwu"]
    i004 = [f.message for f in t.findings if f.code == "I004"]
    assert any("指标类型" in m for m in i004) and any("年度总体目标" in m for m in i004)
    assert codes_at(t, "I002") == [19, 20, 21, 24, 25, 26]
    notes = [f for f in t.findings if f.code == "I008"]
    assert len(notes) == 1 and notes[0].row == 37


def test_origins_are_text_lines(imported):
    ind = imported["dashuling"].indicators[0]
    assert ind.origin.file.endswith("dashuling_2026.txt")
    assert ind.origin.sheet is None and ind.origin.row == 13


def test_to_dict_shape(imported):
    d = imported["zhengwu"].to_dict()
    assert set(d) == {"unit", "indicators", "findings"}
    first = d["indicators"][0]
    assert first["name"] == "设置政务服务窗口数" and first["target"] == 98 and first["weight"] == 2.0
    assert first["source_line"] == 14


def test_source_file_not_modified(tmp_path):
    src = SAMPLES / "dashuling_2026.txt"
    before = src.read_bytes()
    import_table(src)
    assert src.read_bytes() == before


# ---------------------------------------------------------------- encodings and pasted text


def test_gb18030_and_bom_texts(tmp_path):
    text = (SAMPLES / "zhengwu_2026.txt").read_text(encoding="utf-8")
    gb = tmp_path / "gb.txt"
    gb.write_bytes(text.encode("gb18030"))
    bom = tmp_path / "bom.tsv"
    bom.write_bytes(text.encode("utf-8-sig"))
    assert_table(import_table(gb), "zhengwu")
    t = import_table(bom)
    assert_table(t, "zhengwu")
    assert t.unit.name == "芷江侗族自治县政务服务中心"


GRID_HEADER = "一级指标\t二级指标\t三级指标\t指标值类型\t指标值\t计量单位\t指标解释\t评（扣）分标准\t备注"


def test_parse_text_normalises_symbols_and_widths():
    text = "\n".join([
        GRID_HEADER,
        "产出指标（40分）\t数量指标\t办理文件\t>=\t４５０\t件\t办理文件数\t达到计划值得满分2分，否则按实际值/计划值*指标分值计分\t",
        "\t\t开展检查\t大于等于\t95%\t\t检查比例\t达到计划值得满分2分，否则按实际值/计划值*指标分值计分\t",
    ])
    t = parse_text(text, "粘贴")
    a, b = t.indicators
    assert (a.level1, a.type, a.target, a.unit, a.weight) == (P, "≥", "450", "件", Decimal(2))
    assert (b.level1, b.level2, b.type, b.target, b.unit) == (P, "数量指标", "≥", "95", "%")
    assert t.declared_subtotals == {P: Decimal(40)}
    assert codes_at(t, "I006") == [2, 3]
    assert codes_at(t, "I003") == [2]
    assert all(f.file == "粘贴" for f in t.findings)


def test_parse_text_header_synonym_and_row_shifted_right():
    text = "\n".join([
        "一级指标\t二级指标\t三级指标\t指标类型\t指标值\t度量单位\t指标解释\t评分标准\t备注",
        "满意度指标\t服务对象满意度指标\t群众满意度\t≥\t95\t%\t问卷\t满意度大于等于95%的得10分，满意度小于95%不得分。\t",
        "\t成本指标\t经济成本指标\t预算成本\t≤\t100\t万元\t支出\t整体支出控制在预算范围内，得10分，每超出10%，扣2分，扣完为止\t",
        "填表人：王某某 联系电话：13800000009",
    ])
    t = parse_text(text, "x")
    s, c = t.indicators
    assert (s.level1, s.level2, s.name, s.unit, s.weight) == (S, SAT, "群众满意度", "%", Decimal(10))
    assert (c.level1, c.level2, c.name, c.type, c.target, c.unit, c.explanation) == (
        C, "经济成本指标", "预算成本", "≤", "100", "万元", "支出")
    assert c.weight == Decimal(10)
    i002 = [f for f in t.findings if f.code == "I002"]
    assert len(i002) == 1 and i002[0].row == 3 and "右" in i002[0].message
    assert sorted(m.message for m in t.findings if m.code == "I004") == sorted(
        ["第1行：列标题“指标类型”按“指标值类型”识别", "第1行：列标题“度量单位”按“计量单位”识别",
         "第1行：列标题“评分标准”按“评（扣）分标准”识别"])
    assert (t.unit.filled_by, t.unit.phone) == ("王某某", "13800000009")


def test_grid_without_header_row_is_found_by_its_type_cells():
    text = ("产出指标\t数量指标\t办理文件\t≥\t450\t件\t办理文件数\t达到计划值得满分2分，否则按实际值/计划值*指标分值计分\n"
            "\t\t承办会议\t≥\t200\t次\t会议次数\t达到计划值得满分2分，否则按实际值/计划值*指标分值计分\n")
    t = parse_text(text, "x")
    assert [(i.level1, i.level2, i.name) for i in t.indicators] == [
        (P, "数量指标", "办理文件"), (P, "数量指标", "承办会议")]


def test_unrecognisable_row_is_kept_and_reported():
    text = "\n".join([
        GRID_HEADER,
        "产出指标\t数量指标\t办理文件\t≥\t450\t件\t办理文件数\t达到计划值得满分2分，否则按实际值/计划值*指标分值计分\t",
        "这一行\t什么也认不出来",
        "\t\t承办会议\t≥\t200\t次\t会议次数\t达到计划值得满分2分，否则按实际值/计划值*指标分值计分\t",
    ])
    t = parse_text(text, "x")
    assert [i.name for i in t.indicators] == ["办理文件", "这一行", "承办会议"]
    kept = t.indicators[1]
    assert kept.explanation == "什么也认不出来" and kept.type == "" and kept.weight is None
    i005 = [f for f in t.findings if f.code == "I005"]
    assert len(i005) == 1 and i005[0].row == 3 and "这一行" in i005[0].message
    assert i005[0].severity == "warning"
    # the row after the unreadable one still fills down from the last real indicator
    assert (t.indicators[2].level1, t.indicators[2].level2) == (P, "数量指标")


def test_text_without_a_grid_is_an_error():
    with pytest.raises(UnreadableFile) as exc:
        parse_text("部门（单位）名称\t某单位\n这里没有表格\n", "note.txt")
    assert "note.txt" in str(exc.value) and "指标" in str(exc.value)
    with pytest.raises(UnreadableFile):
        parse_text("   \n\n", "blank.txt")


def test_type_and_target_in_one_cell_title_year_and_unit_label():
    text = "\n".join([
        "2027年度部门（单位）整体支出绩效目标表",
        "填报单位：某某县某某局",
        GRID_HEADER,
        "产出指标\t质量指标\t验收合格率\t\t≥95%\t\t验收比例\t达到计划值得满分5分，否则按实际值/计划值*指标分值计分\t",
        "\t\t办结时限\t\t≤30天\t\t时限\t达到计划值得满分5分，否则按实际值/计划值*指标分值计分\t",
    ])
    t = parse_text(text, "x")
    assert (t.unit.year, t.unit.name) == ("2027", "某某县某某局")
    a, b = t.indicators
    assert (a.name, a.type, a.target, a.unit, a.explanation, a.weight) == (
        "验收合格率", "≥", "95", "%", "验收比例", Decimal(5))
    assert (b.level2, b.type, b.target, b.unit) == ("质量指标", "≤", "30", "天")
    assert codes_at(t, "I006") == [4, 5] and codes_at(t, "I002") == []


# ---------------------------------------------------------------- property: shifts do not change the reading


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from([-1, 0, 1, 2]), min_size=12, max_size=12))
def test_leading_blank_cells_do_not_change_the_reading(shifts):
    """Adding blank cells in front of an indicator row, or losing its leading blank, is exactly the
    damage the samples show; the content-based reading must give the same indicators."""
    lines = (SAMPLES / "zhengwu_2026.txt").read_text(encoding="utf-8").split("\n")
    grid = [n for n in range(13, 26) if lines[n].strip()]  # 0-based indexes of txt lines 14-26
    assert len(grid) == 12
    for n, k in zip(grid, shifts, strict=True):
        if k < 0 and lines[n].startswith("\t"):
            lines[n] = lines[n][1:]
        elif k > 0:
            lines[n] = "\t" * k + lines[n]
    t = parse_text("\n".join(lines), "shifted")
    assert rows_of(t) == expected_rows("zhengwu")


def test_percent_written_in_target_and_unit():
    text = GRID_HEADER + "\n产出指标\t质量指标\t合格率\t≥\t95%\t%\t合格比例\t达到计划值得满分5分，否则按实际值/计划值*指标分值计分\t"
    t = parse_text(text, "x")
    (ind,) = t.indicators
    assert (ind.target, ind.unit) == ("95", "%")
    assert [f.code for f in t.findings] == ["I006"] and "95%" in t.findings[0].message
