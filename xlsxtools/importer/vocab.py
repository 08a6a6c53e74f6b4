"""The one table of column titles (every header synonym the importer knows) and the other
vocabularies the table reader matches by content: header-block labels, budget-block titles,
rows where an indicator grid ends, title words that name the table kind, direction words.

Matching is by ``normalize.key`` (width, brackets and spaces do not matter).
"""

from __future__ import annotations

import re

from xlsxtools.normalize import key

#: Grid column role → every header title met for it (the first is the canonical title).
#: ``type`` is the 指标值类型 / operator column; ``points`` the 分值/权重 column; ``actual`` the
#: 实际完成值 (自评) or 全年预计完成情况 (监控); ``progress`` the 1–N月执行情况 of a 监控表.
COLUMN_SYNONYMS: dict[str, tuple[str, ...]] = {
    "lead": ("绩效指标", "年度绩效指标", "绩效指标体系"),
    "level1": ("一级指标", "一级指标名称"),
    "level2": ("二级指标", "二级指标名称"),
    "name": ("三级指标", "三级指标名称", "指标名称", "指标内容", "绩效指标名称", "具体指标", "三级指标（指标名称）", "指标",
             "绩效指标内容", "考核指标", "三级指标内容"),
    "type": ("指标值类型", "指标类型", "计算符号", "符号", "运算符号", "指标值符号"),
    "target": ("指标值", "年度指标值", "目标值", "绩效标准", "指标目标值", "年度目标值", "预期目标值",
               "绩效目标值", "计划值", "预期指标值", "全年指标值", "指标标准", "标准值", "年度绩效指标值",
               "目标值（年度）", "指标值（年度）", "预期值",
               "本年度指标值", "本年指标值", "绩效指标值", "考核指标值", "年度绩效目标值", "目标值（标准）"),
    "unit": ("计量单位", "度量单位"),
    "explanation": ("指标解释", "指标说明", "指标定义", "指标解释及计算方法", "指标内涵"),
    "rule_text": ("评（扣）分标准", "评(扣)分标准", "评分标准", "评扣分标准", "扣分标准", "评分办法", "评分规则",
                  "评（扣）分标准（分值）", "评分标准及方法", "计分方法", "评分细则", "考核标准", "评价标准",
                  "评分要点", "评价要点", "评分办法及标准", "扣分标准及说明", "计分标准"),
    "points": ("分值", "权重", "指标权重", "权重（%）", "指标分值", "标准分值", "满分", "分值（分）", "权重(分)",
               "标准分", "指标分数", "权重分"),
    "direction": ("指标方向", "指标方向性", "方向", "指标方向（正向/反向）"),
    "actual": ("实际完成值", "实际完成情况", "全年实际值", "实际值", "完成值", "实际完成", "全年预计完成情况",
               "全年预计完成值", "预计完成值", "实际完成指标值", "全年完成值",
               "全年实际完成值", "实际完成数", "完成情况", "全年实际完成情况"),
    "progress": ("1–N月执行情况", "1-6月执行情况", "1-7月执行情况", "1-8月执行情况", "执行情况", "截至目前完成情况", "当前完成值"),
    "own_score": ("得分", "自评得分", "实际得分", "评价得分", "评分", "自评分", "考核得分"),
    "reason": ("偏差原因分析及改进措施", "未完成原因分析", "偏差原因分析", "原因分析及改进措施", "偏差原因",
               "未完成原因和改进措施", "偏差原因分析及改进措施说明", "未完成原因分析及改进措施", "偏差原因及改进措施",
               "偏差原因分析和改进措施", "原因分析", "偏差情况说明", "偏差度", "完成目标可能性", "原因说明",
               "经费保障", "制度保障", "人员保障", "硬件条件保障", "其他", "确定能", "有可能", "完全不可能",
               "完成可能性", "完成目标可能性及原因", "预计完成情况说明"),
    "remark": ("备注", "说明"),
    # a list of several projects in one grid (项目名称 / 单位名称 as columns; each project a table)
    "project": ("项目名称",),
    "unit_name": ("单位名称", "预算单位", "部门名称", "单位"),
    "project_goal": ("年度目标", "项目年度目标", "年度绩效目标"),
    "project_budget": ("预算数", "项目金额", "预算金额"),
}
#: Titles whose role is decided by the column's content (指标性质 holds 正向/反向 or ≥/≤).
AMBIGUOUS_TITLES: dict[str, tuple[str, ...]] = {key("指标性质"): ("direction", "type"), key("单位"): ("unit_name", "unit")}
#: Titles matched by a pattern (the month varies).
COLUMN_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(?:20\d{2}年)?1[-－—~～至到]\d{1,2}月(?:份)?(?:实际|累计)?(?:执行|完成)(?:情况|数|值|进度)?$"), "progress"),
    (re.compile(r"^(?:截至|截止)\d{0,2}月?.*(?:完成|执行)"), "progress"),
    # 黄石 监控表: "半年度 指标执行情况"; also 上半年执行情况 / 半年完成值
    (re.compile(r"^(?:上)?半年度?(?:指标)?(?:执行|完成)(?:情况|进度|值|数)?$"), "progress"),
)

COLUMN_BY_KEY: dict[str, str] = {}
for _role, _titles in COLUMN_SYNONYMS.items():
    for _t in _titles:
        COLUMN_BY_KEY.setdefault(key(_t), _role)


_QUALIFIER = re.compile(r"[(（]\s*(?:年度|长期|中期|当年|万元|分|%|％|单位)\s*[)）]\s*$")
_ANY_QUALIFIER = re.compile(r"[(（][^()（）]{1,20}[)）]\s*$")
#: Titles of a column of another period (中期/长期 targets beside the year's own).
OTHER_PERIOD = re.compile(r"[(（]\s*(?:长期|中期)\s*[)）]")


def column_role(title: str) -> tuple[str, ...]:
    """The role(s) a header title can mean: one for a known title, two for an ambiguous one."""
    title = _QUALIFIER.sub("", title.strip())
    k = key(title)
    if k not in COLUMN_BY_KEY and k not in AMBIGUOUS_TITLES:
        bare = _ANY_QUALIFIER.sub("", title.strip())  # "指标值（包含数字及文字描述）"
        if bare and key(bare) in COLUMN_BY_KEY:
            k = key(bare)
    if not k:
        return ()
    if k in AMBIGUOUS_TITLES:
        return AMBIGUOUS_TITLES[k]
    if k in COLUMN_BY_KEY:
        return (COLUMN_BY_KEY[k],)
    for pat, role in COLUMN_PATTERNS:
        if pat.match(title.replace(" ", "")):
            return (role,)
    return ()


#: Header-block labels → field (unit name, project, …).
HEADER_LABELS: dict[str, tuple[str, ...]] = {
    "dept": ("部门（单位）名称", "部门(单位)名称", "部门名称", "单位名称", "预算单位", "填报单位", "编制单位",
             "预算部门", "部门（单位）", "单位", "部门"),
    "project": ("项目名称", "项目", "专项资金名称", "资金名称"),
    "authority": ("主管部门", "主管单位", "主管部门及代码", "主管部门及编码", "主管部门（单位）", "项目主管部门"),
    "implementer": ("实施单位", "项目实施单位", "项目单位", "执行单位", "项目执行单位", "实施单位（盖章）"),
    "duties": ("部门（单位）职责", "部门职责", "单位职责", "部门职能", "主要职能"),
    "goals": ("年度履职目标", "年度总体目标", "年度目标", "年度绩效目标", "总体目标", "绩效目标", "年度主要任务",
              "预期目标", "项目年度目标", "中长期目标"),
    "year": ("年度", "预算年度", "绩效年度"),
    "leader": ("项目负责人", "负责人", "单位负责人", "项目负责人及电话"),
    "category": ("项目属性", "项目类别", "项目类型", "资金用途"),
    "period": ("项目期限", "实施期限", "实施周期"),
}
HEADER_BY_KEY: dict[str, str] = {key(t): f for f, ts in HEADER_LABELS.items() for t in ts}

#: 预算执行情况 block titles → BudgetBlock field.
BUDGET_TITLES: dict[str, str] = {}
for _f, _ts in {
    "initial": ("年初预算数", "年初预算", "年初预算数（万元）"),
    "full_year": ("全年预算数", "全年预算数（A）", "调整后预算数", "调整后预算", "全年预算", "预算数", "全年预算数（万元）"),
    "executed": ("全年执行数", "全年执行数（B）", "执行数", "实际执行数", "预算执行数", "全年执行数（万元）", "1-6月执行数",
                 "1-7月执行数", "1-8月执行数", "实际支出"),
    "points": ("分值", "权重"),
    "rate": ("执行率", "执行率（B/A）", "预算执行率", "全年执行率"),
    "score": ("得分",),
}.items():
    for _t in _ts:
        BUDGET_TITLES[key(_t)] = _f
#: Budget titles of a 监控表 that mark the block but have no field of their own (全年预计执行数).
BUDGET_OTHER_TITLES = frozenset(key(t) for t in ("全年预计执行数", "预计全年执行数", "全年预计执行率", "预计执行数",
                                                 "序时进度", "1-N月执行率"))
_BUDGET_MONTHS = re.compile(r"^1[-－—~～至到]\d{1,2}月(?:份)?(?:累计)?(执行数|执行金额|支出数|执行率)$")


def budget_title(text: str) -> str | None:
    """The BudgetBlock field a budget-block title names ("other": a known title without a field,
    such as 全年预计执行数 or 1-7月执行率 of a 监控表); None for any other text."""
    k = key(text)
    if k in BUDGET_TITLES:
        return BUDGET_TITLES[k]
    m = _BUDGET_MONTHS.match(text.replace(" ", ""))
    if m:
        return "rate" if m.group(1) == "执行率" else "executed"
    return "other" if k in BUDGET_OTHER_TITLES else None


BUDGET_ROW_LABEL = re.compile(r"资金总额|年度资金|资金合计|总额|合计|预算资金")

#: The first cell of a row that ends the grid or is not an indicator (whole-cell or leading words).
END_ROW = re.compile(
    r"^(?:合\s*计|总\s*计|总\s*分|小\s*计|分值合计|得分合计|指标合计|总得分|自评总分|综合得分|"
    r"评价结论|自评结论|绩效自评结论|总体评价|存在(?:的)?问题|主要问题|改进措施|整改措施|下一步|"
    r".{0,12}(?:审核|审批|审查)意见|财政部门|主管部门意见|(?:业务股室|绩效股|单位|财务)?(?:审核|负责人)|"
    r"填表人|填报人|联系人|联系电话|填表日期|填报日期|日期|单位负责人|财务负责人|签字|签章|盖章|.{0,20}(?:盖章|签章|签字)|"
    r"(?:填表)?说明|注\s*\d*\s*[:：、.]|备注\s*[:：]|自评等级|等级|年度总体目标|总体目标完成情况|"
    r"偏差.{0,12}原因分析$|相关建议)")
#: Rows of a funds / budget block met inside or below the grid (never indicators).
FUNDS_ROW = re.compile(r"^(?:年度)?资金总额|^其中\s*[:：]\s*(?:本年|当年|上年)?(?:财政|一般公共|政府性|国有资本|自有|其他|"
                       r"事业|经营|上级|中央|省级|市级|县级|区级|专项|预算)|^上年结转|^其他资金|^(?:当年|本年)?财政拨款|^预算执行情况|"
                       r"^年初预算|^全年预算|^项目资金|^年度预算")
#: Rows that carry the table's own totals.
TOTAL_ROW = re.compile(r"^(?:合\s*计|总\s*计|总\s*分|分值合计|得分合计|指标合计|总得分|自评总分|综合得分)")
#: After one of these the grid has ended (only a new header starts another).
CLOSING_ROW = re.compile(r"^(?:评价结论|自评结论|绩效自评结论|总体评价|存在(?:的)?问题|主要问题|改进措施|整改措施|"
                         r".{0,12}(?:审核|审批|审查)意见|审批意见|填表人|填报人|联系电话|单位负责人|财务负责人|(?:填表)?说明|注\s*\d*\s*[:：、.]|"
                         r"偏差.{0,12}原因分析$|相关建议)")
#: Placeholder rows of an empty form ("指标1：", "……").
PLACEHOLDER = re.compile(r"^(?:指标\s*\d+\s*[:：]?|[…\.。·]{2,}|—+|-+|无|/)$")

#: Title words → table kind (checked in this order).
KIND_TITLES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"监控"), "monitoring"),
    (re.compile(r"项目.*自评|自评.*项目"), "project_self_eval"),
    (re.compile(r"(?:部门|单位|整体).*自评|自评表"), "dept_self_eval"),
    (re.compile(r"项目.*(?:评价|评分)"), "project_self_eval"),
    (re.compile(r"(?:部门|单位|整体).*(?:评价|评分)"), "dept_self_eval"),
    (re.compile(r"项目.*(?:目标|申报)"), "project_target"),
    (re.compile(r"(?:部门|单位|整体).*目标"), "dept_target"),
    (re.compile(r"绩效目标(?:申报)?表"), "project_target"),
)
TITLE_ROW = re.compile(r"绩效(?:目标|自评|运行监控|监控|评价)[^，。；]{0,8}表|绩效目标申报表|绩效自评|绩效运行监控|目标申报表|"
                       r"绩效评价指标体系")
YEAR_IN_TITLE = re.compile(r"[（(]\s*(20\d{2})\s*年?度?\s*[)）]|(20\d{2})\s*年度|(20\d{2})\s*年")

DIRECTION_WORDS: dict[str, str] = {
    key(w): d for d, ws in {"正向": ("正向", "正向指标", "越大越好", "正"), "反向": ("反向", "反向指标", "越小越好", "逆向", "反"),
                            "中性": ("中性", "中性指标", "区间", "适度")}.items() for w in ws
}
