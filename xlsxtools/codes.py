"""The catalogue of finding codes: one stable code, severity, Chinese title and doc line each.

Every finding anywhere (importer repairs, checks, scoring, workbook readers, consolidation) uses
a code from here, so `--select/--ignore`, the docs and the report sheets agree. Like a linter's
rule codes, a code is never reused for another meaning; retire it instead.

Prefixes: I import repairs · H hierarchy · V values · R rules · T totals · M header/footer ·
A actuals · W workbook/template · C consolidation · S self-evaluation (a 自评表's own scores) ·
J mid-year monitoring (运行监控).
"""

from __future__ import annotations

from dataclasses import dataclass

from xlsxtools.model import Finding, Origin, Severity

E, W_, I_ = Severity.ERROR, Severity.WARNING, Severity.INFO


@dataclass(frozen=True)
class Code:
    code: str
    severity: Severity
    title: str  # short Chinese title
    doc: str  # one English line: what it catches


_CODES: tuple[Code, ...] = (
    # --- I: what the importer repaired (each repair is reported so a person can review it)
    Code("I001", I_, "已向下填充合并单元格", "A blank level 1/2 cell (lost merged cell) was filled down from the row above."),
    Code("I002", I_, "已修复错位的行", "A row whose cells were shifted left or right was re-aligned by content."),
    Code("I003", I_, "已移除一级指标中的分值", "Points written into the level-1 cell, e.g. \"成本指标 (20分)\", were removed and kept as a declared subtotal."),
    Code("I004", I_, "已按同义词识别列标题", "A header synonym (指标类型, 度量单位, 年度总体目标 …) was mapped to the template's title."),
    Code("I005", W_, "无法归位的行，已原样保留", "A row the importer could not place; it is kept and must be reviewed."),
    Code("I006", I_, "已规范化符号或数字", "A value was normalised (>= → ≥, full-width digits, stray spaces or line breaks)."),
    Code("I007", I_, "已根据二级指标推断一级指标", "Level 1 was missing or wrong and was inferred from the level-2 vocabulary."),
    Code("I008", I_, "已跳过非指标行", "A line outside the indicator grid (title, notes, blank) was skipped."),
    Code("I009", I_, "已识别表格类型和指标体系", "The table kind (目标表/自评表/监控表, 部门/项目), its indicator framework (2021/2015/2013) and the check profile applied."),
    Code("I010", I_, "已跳过非指标行（已注明）", "A row that is not an indicator (合计, 总分, 评价结论, 说明, signatures, empty form rows, level-only rows) was skipped; the message names it."),
    Code("I011", I_, "已按内容确定列的含义", "An ambiguous column title (指标性质: direction or operator) was resolved by the column's content."),
    Code("I012", I_, "已按内容识别无标题的列", "A column without a usable title was given its role by content (operators, direction words, level words)."),
    Code("I013", I_, "已按内容对齐缺格的行", "A pasted row with fewer cells than the header (merged cells dropped by the copy) was aligned by content."),
    Code("I014", I_, "已从指标值中拆出符号和单位", "The operator and/or unit written in the value cell (\"≥50个\", \"≤5批次\") were split off."),
    Code("I015", W_, "分值不是数字", "A 分值/权重 cell that is not a number; the row has no points from that column."),
    Code("I016", I_, "已读取预算执行情况", "The 预算执行情况 block (年初预算数/全年预算数/全年执行数/分值/执行率/得分) was read."),
    Code("I017", I_, "文件中有多张表", "The file holds several tables (e.g. one per project); each is read on its own."),
    Code("I018", I_, "已用 LibreOffice 转换旧格式", "A legacy .doc/.wps/.et file was converted with LibreOffice headless before reading."),
    Code("I019", I_, "已从指标名称中读出分值", "Points written into the indicator's name (\"资助人数（10分）\") were read as its points."),
    # --- H: hierarchy
    Code("H001", E, "二级指标不属于所填一级指标", "A level-2 name under the wrong level 1 (经济效益指标 under 产出指标)."),
    Code("H002", E, "一级指标列填了二级或三级指标", "A level-2 or level-3 name sits in the level-1 column (row shifted left)."),
    Code("H003", E, "一级/二级指标为空", "Level 1 or 2 is blank and cannot be filled down from the row above."),
    Code("H004", E, "三级指标名称为空", "The indicator has no 三级指标 name."),
    Code("H005", W_, "重复的指标", "The same 三级指标 name appears twice in one table."),
    Code("H006", W_, "复合指标", "Two indicators joined in one name (two rates joined with 、)."),
    Code("H007", E, "一级指标不在列表中", "Level 1 is not one of 成本/产出/效益/满意度指标."),
    Code("H008", E, "二级指标不在列表中", "Level 2 is not in the national framework's vocabulary."),
    # --- V: values
    Code("V001", E, "定量指标的指标值不是数字", "A quantitative type (≥ > = ≤ <) with a non-numeric 指标值."),
    Code("V002", E, "定性指标不应填计量单位", "A 定性 indicator with a unit (the form says the unit stays empty)."),
    Code("V003", W_, "定量指标缺少计量单位", "A quantitative indicator without a unit."),
    Code("V004", E, "计量单位列填了句子", "The unit column holds a sentence instead of a short unit."),
    Code("V005", W_, "计数指标使用了“=”", "\"=\" used for a count where ≥ was probably meant."),
    Code("V006", W_, "比率指标放在数量指标下", "A rate (…率, %) filed under 数量指标; rates belong under 质量/时效指标."),
    Code("V007", E, "百分比超过100", "A percentage target above 100."),
    Code("V008", E, "指标值类型无效", "指标值类型 is empty or not one of ≥ > = ≤ < 定性."),
    Code("V009", I_, "已按通常读法理解的值", "A value was read as a person would (full-width digits, number stored as text, >=)."),
    Code("V010", E, "指标值为空", "The 指标值 (target) is empty."),
    Code("V011", E, "数值超出可计算范围", "A number that is NaN, infinite, 10^15 or more, or has more than 40 digits: read as text, never computed with."),
    Code("V012", E, "日期或时间超出范围", "A date outside Excel's range (1900-01-01 to 9999-12-31) or a bare time where a date or number is expected: read as text."),
    Code("V013", W_, "含有工作簿不能保存的字符", "Control characters, U+FFFE/U+FFFF or lone surrogates in a cell: replaced by U+FFFD so every output stays a valid workbook."),
    Code("V020", W_, "计数指标放在质量指标下", "A count (个, 次, 万次 …) filed under 质量指标; counts belong under 数量指标."),
    # --- R: rules (评（扣）分标准)
    Code("R001", E, "缺少评（扣）分标准", "The rule text is empty."),
    Code("R002", E, "评（扣）分标准无法识别", "The rule text matches none of the known rule shapes."),
    Code("R003", E, "评（扣）分标准中没有分值", "No points (N分) can be read from the rule text."),
    Code("R004", W_, "定性指标使用了按比例计分的规则", "A ratio rule on a 定性 indicator without a numeric benchmark."),
    Code("R005", W_, "反向指标使用了正向比例规则", "\"实际值/计划值\" on a ≤/< target: the score uses the reverse ratio 计划值/实际值."),
    Code("R006", W_, "计划值为0时比例规则无定义", "A ratio rule on a zero target is undefined (A = 0 scores full, anything else 0)."),
    Code("R007", W_, "满分要求100%但目标值低于100", "A PERCENT rule (full points at 100%) on a target below 100 (e.g. ≥95)."),
    Code("R008", W_, "等级分值不在其区间内", "LEVEL points outside their own percentage band (5 of 15 is not within 60–80%)."),
    Code("R009", W_, "评（扣）分标准似乎被截断", "The rule text looks cut off (ends mid-sentence)."),
    Code("R010", W_, "规则与指标值类型不一致", "The rule shape does not fit the indicator type (e.g. a date rule on a number target)."),
    Code("R011", E, "分值列与评分标准的分值不一致", "The 分值/权重 column and the points named in the rule text disagree."),
    Code("R012", W_, "评分标准无法计算", "The rule leaves the score to judgement (\"酌情扣分\"): it cannot be computed and is not guessed."),
    Code("R013", I_, "按国家默认规则计分", "No rule text, only points: scored by the configurable default of 财预〔2020〕10号 第十六条."),
    # --- T: totals
    Code("T001", E, "指标分值合计不等于规定总分", "The indicator points do not sum to the expected total (default 90)."),
    Code("T002", W_, "一级指标分值与规定不符", "A level-1 subtotal differs from its expectation (default 效益 30, 满意度 10)."),
    Code("T003", W_, "产出与成本指标分值合计不符", "产出 + 成本 points differ from the expectation (default 50)."),
    Code("T004", W_, "声明的小计与明细不符", "A declared subtotal \"(20分)\" does not match the sum of its rows."),
    Code("T005", E, "缺少必需的一级指标", "A required level 1 has no indicator."),
    Code("T006", E, "合计行的分值与各指标分值之和不符", "The points a 合计/总分 row states differ from the sum of the indicator points."),
    # --- M: header / footer
    Code("M001", E, "单位名称为空", "The unit name (部门（单位）名称) is missing."),
    Code("M002", E, "年度缺失或无效", "The year is missing or not a four-digit year."),
    Code("M003", W_, "填表人为空", "填表人 is missing."),
    Code("M004", W_, "联系电话格式不对", "联系电话 is missing or is neither a mobile (11 digits) nor a landline number."),
    Code("M005", W_, "填表日期缺失或无效", "填表日期 is missing or not a date."),
    Code("M006", W_, "单位负责人为空", "单位负责人 is missing."),
    Code("M007", W_, "单位职责或年度履职目标为空", "部门（单位）职责 or 年度履职目标 is missing."),
    # --- A: actuals (self-evaluation)
    Code("A001", E, "实际完成值为空", "An indicator has no actual value: it gets no score and the total is incomplete."),
    Code("A002", E, "实际完成值类型不对", "Text where a number or date is needed (or the reverse)."),
    Code("A003", E, "实际完成值不在选项中", "A graded actual (效果明显/效果一般 …) that is not one of the list's choices."),
    Code("A004", W_, "未得满分但未说明偏差原因", "Below full points without a 偏差原因分析及改进措施."),
    Code("A005", W_, "百分比数值可疑", "A plain value ≤ 1 in a % row: is it a fraction? Enter percent points (93) or format as %."),
    Code("A006", I_, "实际值远超目标值", "The actual is far above the target: full points, but the target may have been set too low."),
    Code("A007", E, "预算数或执行数缺失或无效", "全年预算数/全年执行数 missing, non-numeric or zero budget: budget execution cannot be scored."),
    Code("A008", E, "无法计分", "The indicator cannot be scored (no usable rule or target); see the message."),
    # --- S: self-evaluation (the 自评表's own 得分 against the rules)
    Code("S001", E, "自评得分虚高", "A row's own 得分 is higher than the score its rule (or, without rule text, the national default policy) gives for its own 实际完成值."),
    Code("S002", W_, "自评得分低于按规则计算的得分", "A row's own 得分 is lower than the score its rule gives."),
    Code("S003", W_, "自评得分低于默认规则计算的得分", "No rule text: the own 得分 is lower than the national default (财预〔2020〕10号 第十六条) gives."),
    Code("S004", I_, "无法核对自评得分", "The own 得分 cannot be checked (qualitative actual, judgement rule, no actual); the message says why."),
    Code("S005", E, "得分合计与总分不符", "The 总分 the table states differs from the sum of its own scores (indicators and budget)."),
    Code("S006", E, "预算执行得分与执行率不符", "The budget block's 得分 is higher than 分值 × 全年执行数/全年预算数."),
    Code("S007", E, "得分高于分值", "A row's own 得分 exceeds its 分值."),
    Code("S008", E, "有得分但没有实际完成值", "A row states an 得分 but no 实际完成值: the score cannot follow from its own numbers."),
    Code("S009", E, "实际完成值带比较符号", "The 实际完成值 carries ≥/≤ (\"≥266米\"): it repeats the target instead of stating what was achieved."),
    Code("S010", E, "自评表未填实际完成值和得分", "A 自评表 row with neither 实际完成值 nor 得分: the row was not evaluated."),
    Code("S011", W_, "监控表执行进度落后于序时进度", "An imported 监控表: 1–N月执行数 / 预算数 is below the time schedule N/12 by more than [monitoring] budget_margin; the message says whether the table still calls every target 确定能."),
    # --- W: workbook / template
    Code("W001", E, "不是由模板生成的单位工作簿", "A workbook without the template's sheets or titles."),
    Code("W002", W_, "模板版本不同", "A workbook made from another layout version of the template."),
    Code("W003", E, "实际完成表与目标表不对应", "A row of 实际完成 cannot be matched to an indicator of 目标表."),
    Code("W004", E, "无法读取的文件", "The file cannot be read (corrupt, encrypted, empty, wrong type)."),
    Code("W005", E, "文件超过读取限制", "The file exceeds a [limits] setting (size, unpacked size, sheet extent, merged cells, shared strings) or its reading ran out of time or memory; it was not read."),
    Code("W006", E, "不是普通文件", "A FIFO, device, socket, symlink loop or broken symlink where a workbook was expected; never opened."),
    # --- C: consolidation
    Code("C001", E, "同一单位重复提交", "The same unit appears in more than one workbook; only the newest is counted."),
    Code("C002", W_, "名册中的单位未提交", "A unit on the roster has no workbook."),
    Code("C003", W_, "单位不在名册中", "A workbook whose unit is not on the roster."),
    Code("C004", E, "目标与核定版本不一致", "Targets, types, units, points or rules differ from the approved baseline."),
    Code("C005", W_, "没有核定基线", "The unit has no approved baseline to compare with."),
    # --- J: mid-year monitoring (运行监控 sheet; reported by `xlsxtools monitor`)
    Code("J001", W_, "预算执行进度落后于序时进度", "执行率 (1–N月执行数 / 全年预算数) is below the time schedule N/12 by more than the policy margin ([monitoring] budget_margin)."),
    Code("J002", E, "预计完不成目标却填“确定能”", "The expected year-end value misses the target (reversed for ≤ <) but the likelihood is 确定能."),
    Code("J003", W_, "进度明显落后但未说明原因或措施", "Progress is far behind schedule ([monitoring] progress_margin) and the cause or the explanation/measures is empty."),
    Code("J004", W_, "选择了偏差原因但没有说明", "A deviation cause is chosen but 原因说明及纠偏措施 is empty."),
    Code("J005", E, "完全不可能完成但没有纠偏措施", "Likelihood 完全不可能 without 原因说明及纠偏措施."),
    Code("J006", E, "全年预计值为空", "全年预计完成值 of an indicator (or 全年预计执行数) is empty."),
    Code("J007", E, "监控期间晚于当前月份", "The period 1–N月 ends after the current month (of the table's year)."),
    Code("J008", E, "监控期间为空或无法识别", "监控期间 is empty or not one of 1月 … 1-12月: nothing can be compared with the schedule."),
    Code("J009", E, "预算数或执行数缺失或无效", "全年预算数 or 1–N月执行数 is missing, not a number, or the budget is 0: no execution rate."),
    Code("J010", W_, "1–N月实际完成值为空", "An indicator has no progress value for the period."),
    Code("J011", E, "监控值不是数字", "A quantitative indicator's progress or expected value is not a number."),
    Code("J012", W_, "未选择完成目标可能性", "完成目标可能性 is empty (or not 确定能 / 有可能 / 完全不可能)."),
    Code("J013", W_, "百分比数值可疑", "A plain value ≤ 1 in a % row whose target is above 1: is it a fraction? Enter percent points (96) or format as %."),
)

CODES: dict[str, Code] = {c.code: c for c in _CODES}


def finding(code: str, message: str, origin: Origin | None = None, field: str | None = None,
            *, severity: Severity | None = None) -> Finding:
    """A Finding for ``code`` located at ``field`` of ``origin`` (severity from the catalogue)."""
    meta = CODES[code]
    return Finding.at(code, severity or meta.severity, message, origin, field)


def matches(code: str, patterns: list[str] | tuple[str, ...] | None) -> bool:
    """ruff-style selection: "H" matches every H code, "H00" H001–H009, "H001" itself, "ALL" all."""
    if not patterns:
        return False
    return any(p == "ALL" or code.startswith(p.upper()) for p in patterns)


def select(findings: list[Finding], select: list[str] | None = None,
           ignore: list[str] | None = None) -> list[Finding]:
    """Keep findings matched by ``select`` (all when empty) and not matched by ``ignore``."""
    return [f for f in findings
            if (not select or matches(f.code, select)) and not matches(f.code, ignore)]


def dedupe(findings: list[Finding]) -> list[Finding]:
    """Drop exact repeats (same code, place and message); distinct findings are all kept."""
    seen: set[tuple] = set()
    out = []
    for f in findings:
        k = (f.code, f.file, f.sheet, f.row, f.cell, f.field, f.message)
        if k not in seen:
            seen.add(k)
            out.append(f)
    return out
