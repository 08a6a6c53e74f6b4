"""The catalogue of finding codes: one stable code, severity, Chinese title and doc line each.

Every finding anywhere (importer repairs, checks, scoring, workbook readers, consolidation) uses
a code from here, so `--select/--ignore`, the docs and the report sheets agree. Like a linter's
rule codes, a code is never reused for another meaning; retire it instead.

Prefixes: I import repairs · H hierarchy · V values · R rules · T totals · M header/footer ·
A actuals · W workbook/template · C consolidation.
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
    # --- T: totals
    Code("T001", E, "指标分值合计不等于规定总分", "The indicator points do not sum to the expected total (default 90)."),
    Code("T002", W_, "一级指标分值与规定不符", "A level-1 subtotal differs from its expectation (default 效益 30, 满意度 10)."),
    Code("T003", W_, "产出与成本指标分值合计不符", "产出 + 成本 points differ from the expectation (default 50)."),
    Code("T004", W_, "声明的小计与明细不符", "A declared subtotal \"(20分)\" does not match the sum of its rows."),
    Code("T005", E, "缺少必需的一级指标", "A required level 1 has no indicator."),
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
    # --- W: workbook / template
    Code("W001", E, "不是由模板生成的单位工作簿", "A workbook without the template's sheets or titles."),
    Code("W002", W_, "模板版本不同", "A workbook made from another layout version of the template."),
    Code("W003", E, "实际完成表与目标表不对应", "A row of 实际完成 cannot be matched to an indicator of 目标表."),
    Code("W004", E, "无法读取的文件", "The file cannot be read (corrupt, encrypted, empty, wrong type)."),
    # --- C: consolidation
    Code("C001", E, "同一单位重复提交", "The same unit appears in more than one workbook; only the newest is counted."),
    Code("C002", W_, "名册中的单位未提交", "A unit on the roster has no workbook."),
    Code("C003", W_, "单位不在名册中", "A workbook whose unit is not on the roster."),
    Code("C004", E, "目标与核定版本不一致", "Targets, types, units, points or rules differ from the approved baseline."),
    Code("C005", W_, "没有核定基线", "The unit has no approved baseline to compare with."),
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
