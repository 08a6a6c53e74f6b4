"""The unit template's layout: the one place that knows sheet names, titles, columns and lists.

The template builder, the workbook readers and writers, the checks, the scoring and the Excel
buttons (and, through generated constants, the VBA) all read this module. Nothing else
hard-codes a sheet name, a header title or a column letter.

Geometry is fixed for the header band of each sheet; grids grow downwards and the footer of the
target sheet follows the grid, so readers locate the footer by its titles, never by position.

This module is imported on every button click: keep it free of heavy imports.
"""

from __future__ import annotations

from dataclasses import dataclass

# --------------------------------------------------------------------------------------------
# Versioning
# --------------------------------------------------------------------------------------------

#: Bumped whenever a reader would misread a workbook built with the previous layout.
#: "2" added the 运行监控 sheet (mid-year monitoring) and its lists.
LAYOUT_VERSION = "2"
#: Earlier versions still read (their sheets are a subset of this layout's, at the same places);
#: ``xlsxtools upgrade FILE -o OUT`` moves such a workbook into the current template.
UPGRADABLE_VERSIONS: tuple[str, ...] = ("1",)
#: Defined name that carries the layout version (it refers to ``LISTS_SHEET!VERSION_CELL``).
VERSION_NAME = "XLSXTOOLS_LAYOUT"
#: Marker text stored beside the version so a reader can tell "not ours" from "other version".
VERSION_MARKER = "xlsxtools-layout"
#: Cells on the lists sheet holding the marker and the version (read without defined names).
MARKER_CELL = "A1"
VERSION_CELL = "B1"
#: Kind of workbook, stored in C1 of the lists sheet: "unit" or "summary".
KIND_CELL = "C1"
KIND_UNIT = "unit"
KIND_SUMMARY = "summary"

# --------------------------------------------------------------------------------------------
# Protection
# --------------------------------------------------------------------------------------------

#: Sheet and workbook-structure password. This is a convenience lock that stops accidental
#: edits of titles and formulas; it is NOT a security boundary (anyone can remove it, and the
#: password is published here). Tampering is caught by comparing with the approved baseline.
PROTECTION_PASSWORD = "xlsxtools"

# --------------------------------------------------------------------------------------------
# Sheet names (Chinese UI)
# --------------------------------------------------------------------------------------------

TARGETS_SHEET = "目标表"
ACTUALS_SHEET = "实际完成"
REPORT_SHEET = "检查结果"
IMPORT_SHEET = "导入"
MONITOR_SHEET = "运行监控"
LISTS_SHEET = "下拉列表"  # hidden (state "hidden"; the xlwings.conf sheet is "veryHidden")
XLWINGS_CONF_SHEET = "xlwings.conf"

#: VBA codenames of the unit template's sheets (the names its document modules carry).
SHEET_CODENAMES: dict[str, str] = {
    TARGETS_SHEET: "shTargets", ACTUALS_SHEET: "shActuals", REPORT_SHEET: "shReport",
    IMPORT_SHEET: "shImport", LISTS_SHEET: "shLists", MONITOR_SHEET: "shMonitor",
}

TARGETS_TITLE = "部门（单位）整体支出绩效目标表"
ACTUALS_TITLE = "部门（单位）整体支出绩效自评表"
MONITOR_TITLE = "部门（单位）整体支出绩效运行监控表"

# --------------------------------------------------------------------------------------------
# Vocabulary (domain.md §2, §4)
# --------------------------------------------------------------------------------------------

LEVEL2_BY_LEVEL1: dict[str, tuple[str, ...]] = {
    "成本指标": ("经济成本指标", "社会成本指标", "生态环境成本指标"),
    "产出指标": ("数量指标", "质量指标", "时效指标"),
    "效益指标": ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"),
    "满意度指标": ("服务对象满意度指标",),
}
LEVEL1: tuple[str, ...] = tuple(LEVEL2_BY_LEVEL1)
LEVEL2: tuple[str, ...] = tuple(v for vs in LEVEL2_BY_LEVEL1.values() for v in vs)
LEVEL1_OF_LEVEL2: dict[str, str] = {l2: l1 for l1, l2s in LEVEL2_BY_LEVEL1.items() for l2 in l2s}

QUANT_TYPES: tuple[str, ...] = ("≥", ">", "=", "≤", "<")
QUAL_TYPE = "定性"
TYPES: tuple[str, ...] = (*QUANT_TYPES, QUAL_TYPE)
REVERSE_TYPES: tuple[str, ...] = ("≤", "<")

#: Choices for the actual of a GRADE rule (效果明显得N分，效果一般得M分，否则不得分).
GRADE_CHOICES: tuple[str, ...] = ("效果明显", "效果一般", "效果较差")
#: Choices for the actual of a LEVEL rule.
LEVEL_CHOICES: tuple[str, ...] = ("基本达成目标", "部分实现目标", "实现目标程度较低")
#: Choices for the actual of a DIRECT rule.
DIRECT_CHOICES: tuple[str, ...] = ("符合要求", "不符合要求")
#: Explicit "not applicable" choice for SAVING rules (…如不适用，直接计分).
NOT_APPLICABLE = "不适用"

#: Grade of the total (domain.md §4): lower bound inclusive, highest first.
GRADE_BANDS: tuple[tuple[int, str], ...] = ((90, "优"), (80, "良"), (60, "中"), (0, "差"))

#: Common measurement units, offered as help text (the unit column is free text).
COMMON_UNITS: tuple[str, ...] = ("个", "次", "篇", "件", "人", "户", "所", "项", "%", "万元", "元", "万件", "天")


# --------------------------------------------------------------------------------------------
# Columns
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of a grid: its field key, its exact header title and how it is presented."""

    key: str
    title: str
    width: float
    #: Input message shown by data validation; empty for computed (locked) columns.
    prompt: str = ""
    #: True when users type into this column (cells are unlocked).
    input: bool = True
    #: Header synonyms accepted by readers and the importer (normalised comparison).
    synonyms: tuple[str, ...] = ()
    wrap: bool = False

    @property
    def titles(self) -> tuple[str, ...]:
        return (self.title, *self.synonyms)


def col_letter(index: int) -> str:
    """1-based column index → letters (1 → A, 27 → AA)."""
    letters = ""
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def col_index(letters: str) -> int:
    """Column letters → 1-based index (A → 1, AA → 27)."""
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


TARGET_COLUMNS: tuple[Column, ...] = (
    Column("level1", "一级指标", 11, "从下拉列表选择一级指标：成本指标、产出指标、效益指标、满意度指标。"),
    Column("level2", "二级指标", 13, "从下拉列表选择二级指标；可选项取决于本行的一级指标。"),
    Column("name", "三级指标", 24, "指标名称，简洁明确，如“办理文件数”。一行只写一个指标。", wrap=True),
    Column("type", "指标值类型", 8, "选择 ≥ > = ≤ < 之一（定量）或“定性”。", synonyms=("指标类型",)),
    Column("target", "指标值", 12, "定量指标只能填数字；定性指标填文字，如“效果明显”或“2026年12月31日前”。",
           synonyms=("年度指标值", "目标值")),
    Column("unit", "计量单位", 8, "数字后的单位，如 个、次、%、万元。定性指标不填。", synonyms=("度量单位",)),
    Column("explanation", "指标解释", 26, "指标的定义、计算方法和数据来源。", wrap=True),
    Column("rule_text", "评（扣）分标准", 40, "评分规则，须写明分值，如“达到计划值得满分2分，否则按实际值/计划值*指标分值计分”。",
           synonyms=("评(扣)分标准", "评分标准", "评（扣）分标准（分值）"), wrap=True),
    Column("remark", "备注", 12, "其他说明（可空）。", wrap=True),
)

ACTUAL_COLUMNS: tuple[Column, ...] = (
    Column("level1", "一级指标", 11, input=False),
    Column("level2", "二级指标", 13, input=False),
    Column("name", "三级指标", 24, input=False, wrap=True),
    Column("type", "指标值类型", 8, input=False, synonyms=("指标类型",)),
    Column("target", "年度指标值", 12, input=False, synonyms=("指标值",)),
    Column("unit", "计量单位", 8, input=False, synonyms=("度量单位",)),
    Column("actual", "实际完成值", 14,
           "填写全年实际完成值：数量填数字（百分比可填 93 或 93%）；日期填完成日期；定性指标从下拉列表选择。",
           synonyms=("全年实际值", "实际值")),
    Column("weight", "分值", 7, input=False),
    Column("score", "得分", 7, input=False),
    Column("reason", "偏差原因分析及改进措施", 30, "未得满分的指标必须说明偏差原因及改进措施。", wrap=True,
           synonyms=("偏差原因分析", "偏差原因")),
)


def column_map(columns: tuple[Column, ...]) -> dict[str, str]:
    """Field key → column letter for a grid that starts in column A."""
    return {c.key: col_letter(i) for i, c in enumerate(columns, start=1)}


TARGET_COL = column_map(TARGET_COLUMNS)
ACTUAL_COL = column_map(ACTUAL_COLUMNS)

# --------------------------------------------------------------------------------------------
# 目标表 geometry
# --------------------------------------------------------------------------------------------

TITLE_ROW = 1


@dataclass(frozen=True)
class Field:
    """A labelled single-value field (header block, footer, budget block)."""

    key: str
    title: str
    synonyms: tuple[str, ...] = ()
    prompt: str = ""

    @property
    def titles(self) -> tuple[str, ...]:
        return (self.title, *self.synonyms)


#: Header block of 目标表: label in column A (merged A:B), value in C (merged C:last column).
HEADER_FIELDS: tuple[Field, ...] = (
    Field("name", "部门（单位）名称", ("单位名称", "部门名称", "部门(单位)名称"), "填写单位全称。"),
    Field("year", "年度", ("预算年度",), "四位数年份，如 2026。"),
    Field("duties", "部门（单位）职责", ("部门(单位)职责", "单位职责", "部门职责"), "单位的主要职责。"),
    Field("goals", "年度履职目标", ("年度总体目标", "年度绩效目标", "年度目标"), "本年度的总体履职目标。"),
)
HEADER_FIRST_ROW = 2
HEADER_ROW: dict[str, int] = {f.key: HEADER_FIRST_ROW + i for i, f in enumerate(HEADER_FIELDS)}
HEADER_LABEL_COL = "A"
HEADER_VALUE_COL = "C"

TARGET_HEADER_ROW = HEADER_FIRST_ROW + len(HEADER_FIELDS)  # grid title row (6)
TARGET_FIRST_ROW = TARGET_HEADER_ROW + 1  # first indicator row (7)
#: Indicator rows in a blank template; builders add rows for longer tables.
DEFAULT_GRID_ROWS = 30
#: Blank spare rows kept after the last indicator when a table is written into the template.
SPARE_ROWS = 5

#: Footer of 目标表, after the grid. Two fields per row: label, value, label, value.
FOOTER_FIELDS: tuple[Field, ...] = (
    Field("business_review", "业务股室审核", (), "业务股室审核意见（签字）。"),
    Field("performance_review", "绩效股审核", (), "绩效股审核意见（签字）。"),
    Field("filled_by", "填表人", (), "填表人姓名。"),
    Field("phone", "联系电话", (), "手机 11 位或座机（区号-号码）。"),
    Field("date", "填表日期", (), "如 2026年1月15日。"),
    Field("head", "单位负责人", (), "单位负责人姓名。"),
)
#: Rows between the last grid row and the first footer row.
FOOTER_GAP = 1
#: Footer cell columns: (label column, value column) for the left and the right field of a row.
FOOTER_SLOTS: tuple[tuple[str, str], tuple[str, str]] = (("A", "C"), ("F", "H"))


def footer_position(grid_rows: int) -> dict[str, tuple[str, str]]:
    """Footer field → (label cell, value cell) for a grid of ``grid_rows`` indicator rows."""
    first = TARGET_FIRST_ROW + grid_rows + FOOTER_GAP
    out: dict[str, tuple[str, str]] = {}
    for i, f in enumerate(FOOTER_FIELDS):
        row = first + i // 2
        label_col, value_col = FOOTER_SLOTS[i % 2]
        out[f.key] = (f"{label_col}{row}", f"{value_col}{row}")
    return out


# --------------------------------------------------------------------------------------------
# 实际完成 geometry
# --------------------------------------------------------------------------------------------

#: Unit name shown on the actuals sheet (formula linked to 目标表).
ACTUALS_UNIT_LABEL_CELL = "A2"
ACTUALS_UNIT_VALUE_CELL = "C2"

#: Budget and totals band: titles in row 3, values directly below in row 4, from column A.
#: Readers find each title by its text and take the cell below it.
BUDGET_TITLE_ROW = 3
BUDGET_VALUE_ROW = 4
BUDGET_FIELDS: tuple[Field, ...] = (
    Field("budget", "全年预算数（万元）", ("全年预算数", "全年预算数(万元)", "预算数"), "全年预算数，单位万元。"),
    Field("spent", "全年执行数（万元）", ("全年执行数", "全年执行数(万元)", "执行数"), "全年执行数，单位万元。"),
    Field("rate", "预算执行率", ("执行率",)),
    Field("budget_weight", "预算执行分值"),
    Field("budget_score", "预算执行得分"),
    Field("indicator_weight", "指标分值合计"),
    Field("indicator_score", "指标得分合计"),
    Field("total", "总分"),
    Field("grade", "等级"),
    Field("step_mode", "扣分步长方式"),
)
BUDGET_INPUT_KEYS: tuple[str, ...] = ("budget", "spent")
BUDGET_COL: dict[str, str] = {f.key: col_letter(i) for i, f in enumerate(BUDGET_FIELDS, start=1)}

ACTUAL_HEADER_ROW = 6
ACTUAL_FIRST_ROW = ACTUAL_HEADER_ROW + 1

# --------------------------------------------------------------------------------------------
# Lists sheet (hidden) and defined names
# --------------------------------------------------------------------------------------------

#: Row where list columns start on the lists sheet (row 1 holds marker/version/kind).
LISTS_FIRST_ROW = 3
#: Defined names are ASCII so that INDIRECT works in Excel, WPS and LibreOffice alike.
NAME_LEVEL1 = "xt_level1"
NAME_LEVEL2_PREFIX = "xt_level2_"  # + 1-based index of the level-1 entry
NAME_TYPES = "xt_types"
NAME_GRADES = "xt_grades"
NAME_LEVELS = "xt_levels"
NAME_DIRECT = "xt_direct"
NAME_PERIODS = "xt_periods"
NAME_CAUSES = "xt_causes"
NAME_LIKELIHOODS = "xt_likelihoods"


@dataclass(frozen=True)
class NamedList:
    name: str
    title: str
    values: tuple[str, ...]


def named_lists() -> tuple[NamedList, ...]:
    """Every list on the lists sheet, in column order (column A first)."""
    lists = [NamedList(NAME_LEVEL1, "一级指标", LEVEL1)]
    for i, (l1, l2s) in enumerate(LEVEL2_BY_LEVEL1.items(), start=1):
        lists.append(NamedList(f"{NAME_LEVEL2_PREFIX}{i}", l1, l2s))
    lists += [
        NamedList(NAME_TYPES, "指标值类型", TYPES),
        NamedList(NAME_GRADES, "效果等级", GRADE_CHOICES),
        NamedList(NAME_LEVELS, "目标实现程度", LEVEL_CHOICES),
        NamedList(NAME_DIRECT, "是否符合要求", DIRECT_CHOICES),
        NamedList(NAME_PERIODS, "监控期间", MONITOR_PERIODS),
        NamedList(NAME_CAUSES, "偏差原因", DEVIATION_CAUSES),
        NamedList(NAME_LIKELIHOODS, "完成目标可能性", LIKELIHOODS),
    ]
    return tuple(lists)


# --------------------------------------------------------------------------------------------
# Fonts and print setup
# --------------------------------------------------------------------------------------------

#: SimSun (宋体) ships with every Windows and with WPS; the title uses SimHei (黑体).
FONT_BODY = "宋体"
FONT_TITLE = "黑体"
FONT_SIZE = 10
FONT_SIZE_TITLE = 16


def grade_of(total: float) -> str:
    """Grade of a total score (优/良/中/差)."""
    for bound, grade in GRADE_BANDS:
        if total >= bound:
            return grade
    return GRADE_BANDS[-1][1]


# --------------------------------------------------------------------------------------------
# 检查结果 and 导入 sheets, template file names (added with the template builder)
# --------------------------------------------------------------------------------------------

#: File name of the unit template written by ``xlsxtools template build``.
UNIT_TEMPLATE_FILE = "绩效目标表模板.xlsm"

REPORT_TITLE = "检查结果"
#: One-line summary written by the checks ("发现 3 个错误、2 个警告").
REPORT_SUMMARY_CELL = "A2"
REPORT_HEADER_ROW = 3
REPORT_FIRST_ROW = REPORT_HEADER_ROW + 1
REPORT_COLUMNS: tuple[Column, ...] = (
    Column("severity", "级别", 8, input=False),
    Column("code", "代码", 8, input=False),
    Column("sheet", "工作表", 10, input=False),
    Column("cell", "单元格", 9, input=False),
    Column("message", "问题说明", 80, input=False, wrap=True),
)
REPORT_COL = column_map(REPORT_COLUMNS)

IMPORT_TITLE = "导入旧表"
IMPORT_INSTRUCTION_CELL = "A2"
IMPORT_INSTRUCTION = (
    "把旧的绩效目标表（Word 或 Excel 中的整张表，含表头）复制后，选中下方 A4 单元格粘贴，"
    "然后点击功能区的“导入”按钮：内容将按列标题和内容识别后写入“目标表”，识别时所做的修正会列在“检查结果”表中。"
)
#: Top-left cell of the paste area and its size (cells there are unlocked).
IMPORT_FIRST_ROW = 4
IMPORT_COLUMNS = 12
IMPORT_ROWS = 200


# --------------------------------------------------------------------------------------------
# Summary template (added with the VBA/ribbon work)
# --------------------------------------------------------------------------------------------

#: File name of the summary (consolidation) template written next to the unit template.
SUMMARY_TEMPLATE_FILE = "绩效汇总模板.xlsm"
SUMMARY_SHEET = "汇总设置"
SUMMARY_TITLE = "部门整体支出绩效汇总"
#: Labelled settings on the summary sheet: label in column A, value in column B.
SUMMARY_FOLDER_LABEL_CELL = "A3"
SUMMARY_FOLDER_CELL = "B3"
SUMMARY_OUTPUT_LABEL_CELL = "A4"
SUMMARY_OUTPUT_CELL = "B4"
#: Defined names of the two value cells (the VBA folder picker and Python find them by name).
NAME_SUMMARY_FOLDER = "xt_summary_folder"
NAME_SUMMARY_OUTPUT = "xt_summary_output"
#: First row of the instructions block on the summary sheet.
SUMMARY_HELP_FIRST_ROW = 6


# --------------------------------------------------------------------------------------------
# Consolidated summary workbook written by ``xlsxtools consolidate`` (added with the consolidation;
# prefix CONS_ so it never clashes with the SUMMARY_* names of the summary template above)
# --------------------------------------------------------------------------------------------

CONS_SUMMARY_SHEET = "汇总"
#: The leader-facing first sheet of the summary (rank, unit, total, grade, budget execution, state).
CONS_OVERVIEW_SHEET = "总览"
CONS_DETAIL_SHEET = "指标明细"
CONS_FINDINGS_SHEET = "问题清单"
CONS_MISSING_SHEET = "未提交"
CONS_CHARTS_SHEET = "图表"
CONS_TREND_SHEET = "环比"
CONS_ABOUT_SHEET = "说明"
CONS_TITLE = "部门（单位）整体支出绩效自评汇总"
#: Header row of every table sheet of the summary (row 1 holds the title).
CONS_HEADER_ROW = 2

#: 汇总 columns; "l1:<一级指标>:weight|score" keys expand to one pair per level 1.
CONS_SUMMARY_COLUMNS: tuple[Column, ...] = (
    Column("unit", "单位名称", 28, input=False, wrap=True),
    Column("file", "文件", 30, input=False),
    Column("version", "模板版本", 8, input=False),
    Column("status", "状态", 10, input=False),
    Column("errors", "错误数", 7, input=False),
    Column("warnings", "警告数", 7, input=False),
    *(c for l1 in LEVEL1 for c in (
        Column(f"l1:{l1}:weight", f"{l1}分值", 9, input=False),
        Column(f"l1:{l1}:score", f"{l1}得分", 9, input=False))),
    Column("indicator_weight", "指标分值合计", 10, input=False),
    Column("indicator_total", "指标得分合计", 10, input=False),
    Column("budget", "全年预算数（万元）", 12, input=False),
    Column("spent", "全年执行数（万元）", 12, input=False),
    Column("rate", "预算执行率", 10, input=False),
    Column("budget_score", "预算执行得分", 10, input=False),
    Column("total", "总分", 8, input=False),
    Column("grade", "等级", 6, input=False),
    Column("rank", "排名", 6, input=False),
    Column("complete", "自评完整", 8, input=False),
    Column("tamper", "核定目标核对", 12, input=False),
    Column("approved_total", "按核定目标总分", 10, input=False),
    Column("note", "说明", 40, input=False, wrap=True),
)

CONS_DETAIL_COLUMNS: tuple[Column, ...] = (
    Column("unit", "单位名称", 30, input=False),  # wide enough for a county's long names on one line
    Column("level1", "一级指标", 11, input=False),
    Column("level2", "二级指标", 13, input=False, wrap=True),
    Column("name", "三级指标", 28, input=False, wrap=True),
    Column("type", "指标值类型", 8, input=False),
    Column("target", "指标值", 12, input=False, wrap=True),
    Column("unit_of_measure", "计量单位", 8, input=False),
    Column("weight", "分值", 7, input=False),
    Column("actual", "实际完成值", 14, input=False),
    Column("score", "得分", 7, input=False),
    Column("rule_kind", "计分规则类型", 10, input=False),
    Column("reason", "偏差原因分析及改进措施", 36, input=False, wrap=True),
)

CONS_FINDINGS_COLUMNS: tuple[Column, ...] = (
    # one landscape page wide at 80%: the message prints beside its unit
    Column("unit", "单位名称", 24, input=False, wrap=True),
    Column("file", "文件", 24, input=False, wrap=True),
    Column("sheet", "工作表", 10, input=False),
    Column("cell", "单元格", 8, input=False),
    Column("code", "代码", 7, input=False),
    Column("severity", "级别", 6, input=False),
    Column("message", "问题说明", 56, input=False, wrap=True),
)


# --------------------------------------------------------------------------------------------
# 运行监控 (mid-year monitoring, domain.md §6; added in layout version 2)
# --------------------------------------------------------------------------------------------

#: 监控期间 choices: "1月", "1-2月" … "1-12月"; the position in the list (1-based) is N, the
#: number of months covered, so the time schedule (序时进度) is N/12.
MONITOR_PERIODS: tuple[str, ...] = ("1月", *(f"1-{n}月" for n in range(2, 13)))
#: Deviation causes (偏差原因) and the likelihood of meeting the target (完成目标可能性).
DEVIATION_CAUSES: tuple[str, ...] = ("经费保障", "制度保障", "人员保障", "硬件条件保障", "其他")
LIKELIHOOD_CERTAIN = "确定能"
LIKELIHOOD_POSSIBLE = "有可能"
LIKELIHOOD_IMPOSSIBLE = "完全不可能"
LIKELIHOODS: tuple[str, ...] = (LIKELIHOOD_CERTAIN, LIKELIHOOD_POSSIBLE, LIKELIHOOD_IMPOSSIBLE)

#: Unit name (linked to 目标表), as on 实际完成.
MONITOR_UNIT_LABEL_CELL = "A2"
MONITOR_UNIT_VALUE_CELL = "C2"
#: Budget band: titles in row 3, values in row 4 (readers find each title by its text).
MONITOR_BUDGET_TITLE_ROW = 3
MONITOR_BUDGET_VALUE_ROW = 4
MONITOR_BUDGET_FIELDS: tuple[Field, ...] = (
    Field("period", "监控期间", ("监控期", "监控月份"), "从下拉列表选择本次监控覆盖的月份，如“1-7月”。"),
    Field("initial_budget", "年初预算数（万元）", ("年初预算数", "年初预算数(万元)"), "年初批复的预算数，单位万元。"),
    Field("budget", "全年预算数（万元）", ("全年预算数", "全年预算数(万元)", "调整后预算数"),
          "全年预算数（含调整），单位万元。"),
    Field("spent", "1-N月执行数（万元）", ("1-N月执行数", "执行数", "累计执行数", "1-N月执行数(万元)"),
          "监控期间（1月至监控月末）累计执行数，单位万元。"),
    Field("rate", "执行率", ("预算执行率",)),
    Field("schedule", "序时进度", ()),
    Field("expected_spent", "全年预计执行数（万元）", ("全年预计执行数", "全年预计执行数(万元)", "预计执行数"),
          "预计全年执行数，单位万元。"),
)
MONITOR_BUDGET_INPUT_KEYS: tuple[str, ...] = ("period", "initial_budget", "budget", "spent", "expected_spent")
MONITOR_BUDGET_COL: dict[str, str] = {f.key: col_letter(i) for i, f in enumerate(MONITOR_BUDGET_FIELDS, start=1)}

MONITOR_HEADER_ROW = 6
MONITOR_FIRST_ROW = MONITOR_HEADER_ROW + 1
MONITOR_COLUMNS: tuple[Column, ...] = (
    Column("level1", "一级指标", 11, input=False),
    Column("level2", "二级指标", 13, input=False),
    Column("name", "三级指标", 24, input=False, wrap=True),
    Column("type", "指标值类型", 8, input=False, synonyms=("指标类型",)),
    Column("target", "年度指标值", 12, input=False, synonyms=("指标值",)),
    Column("unit", "计量单位", 8, input=False, synonyms=("度量单位",)),
    Column("progress", "1-N月实际完成值", 14, "填写 1 月至监控月末的累计完成值（数量填数字，定性指标写完成情况）。",
           synonyms=("1-N月完成值", "实际完成值", "截至目前完成值")),
    Column("expected", "全年预计完成值", 14, "预计全年能达到的值（数量填数字，定性指标写预计情况）。",
           synonyms=("全年预计完成情况", "预计完成值")),
    Column("cause", "偏差原因", 12, "预计完不成或进度落后时，从下拉列表选择偏差原因。",
           synonyms=("偏差原因类型",)),
    Column("likelihood", "完成目标可能性", 12, "从下拉列表选择：确定能、有可能、完全不可能。",
           synonyms=("完成可能性",)),
    Column("measures", "原因说明及纠偏措施", 36, "说明偏差的具体原因和将采取的纠偏措施。", wrap=True,
           synonyms=("原因说明", "纠偏措施", "偏差原因说明及纠偏措施")),
)
MONITOR_COL = column_map(MONITOR_COLUMNS)

#: The summary's monitoring sheets (written when a unit filled 运行监控; the trend with --history).
CONS_MONITOR_SHEET = "运行监控"
CONS_MONITOR_TREND_SHEET = "监控趋势"
CONS_MONITOR_COLUMNS: tuple[Column, ...] = (
    # what a leader reads first (unit, state and why, execution against the schedule) fits the first
    # printed page; the amounts and the file follow
    Column("unit", "单位名称", 24, input=False, wrap=True),
    Column("state", "状态", 6, input=False),
    Column("reason", "原因", 40, input=False, wrap=True),
    Column("period", "监控期间", 9, input=False),
    Column("schedule", "序时进度", 9, input=False),
    Column("rate", "执行率", 9, input=False),
    Column("gap", "执行率-序时进度（百分点）", 12, input=False),
    Column("risk_count", "风险指标数", 8, input=False),
    Column("at_risk", "风险指标", 24, input=False, wrap=True),
    Column("budget", "全年预算数（万元）", 12, input=False),
    Column("spent", "1-N月执行数（万元）", 12, input=False),
    Column("expected_rate", "全年预计执行率", 10, input=False),
    Column("indicators", "指标数", 7, input=False),
    Column("file", "文件", 30, input=False, wrap=True),
)
