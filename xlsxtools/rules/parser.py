"""Chinese rule text (评（扣）分标准) → a structured :class:`Rule`.

The text is normalised first (half-width, ASCII punctuation, no spaces, "。" as ";", doubled words
such as 按计划计划 folded), then the shape is recognised by its signature phrases and each number
is read with a regex. What cannot be read is reported in ``ParsedRule.problems`` (Chinese) rather
than guessed; a text cut off at the end sets ``truncated`` and still yields a rule when the numbers
the shape needs are all there.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

from xlsxtools.normalize import halfwidth, parse_date
from xlsxtools.rules.model import Band, Level, ParsedRule, Rule, RuleKind

NUM = r"(\d+(?:\.\d+)?)"

_TRANSLATE = str.maketrans({
    "。": ";", "、": ",", "×": "*", "＊": "*", "—": "-", "–": "-", "－": "-", "～": "-", "~": "-",
    "≧": "≥", "≦": "≤", "％": "%", "﹪": "%", "（": "(", "）": ")", "，": ",", "；": ";", "：": ":",
    "／": "/", "“": "", "”": "", "‘": "", "’": "", "《": "", "》": "", "【": "(", "】": ")",
})


def normalize_rule_text(text: str) -> str:
    """The text the regexes run on (see the module docstring)."""
    s = halfwidth(text or "").translate(_TRANSLATE)
    s = re.sub(r"\s+", "", s)
    s = s.replace(">=", "≥").replace("<=", "≤").replace("=>", "≥").replace("=<", "≤")
    s = s.replace("大于或等于", "大于等于").replace("小于或等于", "小于等于")
    s = re.sub(r"([\u4e00-\u9fff]{2})\1+", r"\1", s)  # 按计划计划 → 按计划
    s = re.sub(r"[;.,]*$", lambda m: m.group(0)[:1], s)  # one trailing stop at most
    # percentage points are percent steps: 每超过一个百分点 → 每超过1%, 每少10个百分点 → 每少10%
    s = re.sub(r"(\d+(?:\.\d+)?|[一二两三四五六七八九十])个?百分点",
               lambda m: f"{_CN_DIGITS.get(m.group(1), m.group(1))}%", s)
    return s


_CN_DIGITS = {"一": "1", "二": "2", "两": "2", "三": "3", "四": "4", "五": "5", "六": "6", "七": "7", "八": "8",
              "九": "9", "十": "10"}


# ------------------------------------------------------------------------------------------
# points and truncation
# ------------------------------------------------------------------------------------------

_POINT_PATTERNS = (
    re.compile(r"得满分\(?" + NUM + "分"),
    re.compile(r"\(" + NUM + r"分\)"),
    re.compile(r"(?:本项|本指标|该指标|该项)(?:分值)?(?:为|共)?" + NUM + "分"),
    re.compile(r"(?:指标分值|分值|满分)(?:为|是)?" + NUM + "分"),
    re.compile(r"得" + NUM + "分"),
    re.compile(r"(?:为|计)" + NUM + "分"),
)


def find_points(t: str) -> Decimal | None:
    """The largest N in 得满分N分 / 得N分 / 分值N分 / 为N分 (deductions 扣N分 are not points)."""
    found = [Decimal(m.group(1)) for p in _POINT_PATTERNS for m in p.finditer(t)]
    return max(found) if found else None


_END_OK = set("分止算值)")


def looks_cut(t: str) -> bool:
    """True when the normalised text ends mid-sentence."""
    if not t:
        return False
    if t[-1] in ",:(/*-+<>≥≤=":
        return True
    if t[-1] in ";.":
        return False
    return t[-1] not in _END_OK


# ------------------------------------------------------------------------------------------
# recognising the shape
# ------------------------------------------------------------------------------------------

_RATIO_FORMULA = re.compile(r"(?:实际(?:完成)?值|完成值|实际数|实际完成数)/(?:计划|指标|目标)(?:值|数)")
_RATIO_HEAD = re.compile(r"(?:达到|按|完成)(?:计划|指标|目标)值(?:完成)?得(?:满分)?(?:\d|$|,)")
_LEVEL_NAMES = ("基本达成目标", "部分实现目标", "实现目标程度较低")
_GRADE_WORDS = re.compile(r"效果(?:明显|显著|一般|较好|良好|较差|不明显|好|差)|(?:优秀|良好|一般|较差)的?得\d")
_BANDS_SIG = (
    re.compile(r"(?:大于等于|≥|不低于|不少于|大于|>|高于)" + NUM + "%"),
    re.compile(NUM + r"%(?:\(含\))?及?以上"),
)


def classify(t: str) -> RuleKind | None:
    if any(name in t for name in _LEVEL_NAMES):
        return RuleKind.LEVEL
    if re.search(r"\(1-\d+(?:\.\d+)?%\)|及格", t) or ("得分=" in t and re.search(r"(?:小于|低于)\d", t)):
        return RuleKind.THRESHOLD
    if re.search(r"每(?:推迟|延迟|延期|逾期|超期|拖延|晚)", t) or re.search(r"\d{4}年\d{1,2}月(?:\d{1,2}日?)?(?:以?前)?完成", t):
        return RuleKind.DELAY
    if "节约率" in t or re.search(r"每(?:下降|降低|低于|减少|少)\d", t):
        return RuleKind.SAVING
    if re.search(r"每超(?:出|支|过)?\d", t) or re.search(r"控制在.*?(?:范围)?内", t):
        return RuleKind.OVERRUN
    if _RATIO_FORMULA.search(t) or re.search(r"按(?:完成)?比例(?:计|得|给|赋)分", t):
        return RuleKind.RATIO
    if re.search(r"(?:达到|为)100%(?:的)?得(?:满分)?", t):
        return RuleKind.PERCENT
    if any(p.search(t) for p in _BANDS_SIG):
        return RuleKind.BANDS
    if _RATIO_HEAD.search(t):
        return RuleKind.RATIO
    if _GRADE_WORDS.search(t):
        return RuleKind.GRADE
    if "符合" in t or re.search(r"(?:^|,|;)是的?得", t):
        return RuleKind.DIRECT
    if _HAVE_OR_NOT.search(t):
        return RuleKind.DIRECT
    return None


#: "…的得N分，没有不得分" / "完成得N分，未完成不得分": a yes/no rule in other words.
_POINTS_ONLY = re.compile(r"^(?:计|共|分值|满分|权重|本项|本指标)?(?:为)?" + NUM + r"分[;.]?$")
_HAVE_OR_NOT = re.compile(r"得(?:满分)?\d+(?:\.\d+)?分[,;]?(?:没有|未|无|否则|反之|不)[^;]{0,16}?(?:不得分|得0分|扣)")
#: Rules that leave the score to the evaluator's judgement: not computable, never guessed.
_JUDGEMENT = re.compile(r"酌情(?:扣|给|赋|计)?分|酌情扣减|视(?:情况|具体情况|完成情况)(?:扣|给|赋|计)分|综合评定|综合评价得分")
#: Itemised rules "1、…1分；2、…1分；3、…2分" (after normalising: "1,…1分;2,…1分").
_ITEM = re.compile(r"(?:^|[;,。.])\(?(\d{1,2})[,.)](?!\d)")
_PER_ITEM = re.compile(r"(?:缺|少|差|每缺|每少)(?:一|1)(?:项|个|次|处)扣" + NUM + "分")


def itemised_points(t: str) -> tuple[Decimal, int] | None:
    """The sum of an itemised rule's points and the number of items (None unless every item,
    numbered 1, 2, 3 …, names its points; or, unnumbered, two or more clauses each give points for
    meeting a requirement: "符合…计1分;符合…计0.5分", "专款专用得2分,专项核算得3分")."""
    starts = [m for m in _ITEM.finditer(t)]
    nums = [int(m.group(1)) for m in starts]
    if len(starts) < 2 or nums != list(range(1, len(nums) + 1)):
        return _clause_points(t)
    total = Decimal(0)
    for i, m in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(t)
        chunk = t[m.end():end]
        pts = re.findall(NUM + "分", chunk)
        if not pts:
            return None
        total += Decimal(pts[-1])
    return total, len(starts)


_CLAUSE_POINTS = re.compile(r"(?:计|得)" + NUM + "分")
#: A clause that is a condition on a number (a band, a threshold, a step), not a requirement met.
_QUANTITATIVE = re.compile(r"\d%|[≥≤<>=]|以上|以下|以内|不低于|不少于|不高于|每|超过|低于|高于|达到\d")


def _clause_points(t: str) -> tuple[Decimal, int] | None:
    if _GRADE_WORDS.search(t) or any(name in t for name in _LEVEL_NAMES):
        return None
    for sep in (r";", r"[;,]"):  # clauses by sentence first, then by comma
        points: list[Decimal] = []
        for clause in re.split(sep, t):
            m = _CLAUSE_POINTS.search(clause)
            if m is None or Decimal(m.group(1)) == 0:
                continue
            if _QUANTITATIVE.search(clause) or not clause[:m.start()]:
                return None  # a condition on a number, or points for the clause before ("0-10%,计4分")
            points.append(Decimal(m.group(1)))
        if len(points) >= 2:
            return sum(points, Decimal(0)), len(points)
    return None


# ------------------------------------------------------------------------------------------
# the numbers of each shape
# ------------------------------------------------------------------------------------------

def _first(pattern: str, t: str) -> Decimal | None:
    m = re.search(pattern, t)
    return Decimal(m.group(1)) if m else None


def _segments(t: str) -> list[str]:
    return [s for s in re.split(r"[,;]|(?<!\d)\.|\.(?!\d)", t) if s]


_NO_POINTS = "未找到分值（应写明如“得10分”“得满分2分”）"


def _steps(kind: RuleKind, t: str, n: Decimal | None, step_re: str, what: str, unit: str,
           problems: list[str]) -> tuple[Decimal | None, Decimal | None]:
    p = _first(step_re, t)
    d = _first(r"扣(?:除|减)?" + NUM + "分", t)
    if p is None:
        problems.append(f"未能读出扣分步长（每{what}多少{unit}）")
    elif p == 0:
        problems.append(f"扣分步长为0（每{what}0{unit}），无法计算")
        p = None
    if d is None:
        problems.append("未能读出每步扣多少分（如“扣2分”）")
    return p, d


def _parse_ratio(t: str, n: Decimal | None, problems: list[str]) -> tuple[Rule | None, bool]:
    complete = bool(_RATIO_FORMULA.search(t))
    return (Rule(RuleKind.RATIO, n) if n is not None else None), complete


def _parse_percent(t: str, n: Decimal | None, problems: list[str]) -> tuple[Rule | None, bool]:
    m = re.match(r"^(.*?)(?:达到|为)100%", t)
    subject = m.group(1) if m else ""
    complete = "比例" in t or "/100" in t
    return (Rule(RuleKind.PERCENT, n, subject=subject) if n is not None else None), complete


def _parse_overrun(t: str, n: Decimal | None, problems: list[str]) -> tuple[Rule | None, bool]:
    p, d = _steps(RuleKind.OVERRUN, t, n, r"每超(?:出|支|过)?" + NUM + "%", "超出", "%", problems)
    m = re.search(r"控制在(.*?)(?:范围)?内", t)
    basis = m.group(1) if m else ""
    ok = n is not None and p is not None and d is not None
    return (Rule(RuleKind.OVERRUN, n, step=p, deduction=d, subject=basis) if ok else None), ok


def _parse_saving(t: str, n: Decimal | None, problems: list[str]) -> tuple[Rule | None, bool]:
    p, d = _steps(RuleKind.SAVING, t, n, r"每(?:下降|降低|低于|减少|少)" + NUM + "%?", "下降", "%", problems)
    m = re.match(r"^(.*?节约率)", t) or re.match(r"^(.*?率)", t)
    subject = m.group(1) if m else ""
    ok = n is not None and p is not None and d is not None
    return (Rule(RuleKind.SAVING, n, step=p, deduction=d, subject=subject) if ok else None), ok


def _parse_delay(t: str, n: Decimal | None, problems: list[str]) -> tuple[Rule | None, bool]:
    unit_m = re.search(r"每(?:推迟|延迟|延期|逾期|超期|拖延|晚)\d+(?:\.\d+)?(个)?(月|周|星期|工作日)", t)
    if unit_m:
        problems.append(f"推迟的步长以“{unit_m.group(2)}”计，目前只支持按天计")
        p = None
        d = _first(r"扣(?:除|减)?" + NUM + "分", t)
    else:
        p, d = _steps(RuleKind.DELAY, t, n, r"每(?:推迟|延迟|延期|逾期|超期|拖延|晚)" + NUM + "(?:个)?(?:天|日|自然日)?",
                      "推迟", "天", problems)
    deadline = None
    if re.search(r"\d{4}年|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}", t):
        deadline = parse_date(t)
        if deadline is None:
            problems.append("规则中的完成期限不是有效日期")
    ok = n is not None and p is not None and d is not None
    return (Rule(RuleKind.DELAY, n, step=p, deduction=d, deadline=deadline) if ok else None), ok


def _parse_grade(t: str, n: Decimal | None, problems: list[str]) -> tuple[Rule | None, bool]:
    grades: list[tuple[str, Decimal]] = []
    for seg in _segments(t):
        m = re.match(r"^(?:如|若)?(.+?)的?得(?:满分)?" + NUM + "分$", seg)
        if m:
            grades.append((m.group(1), Decimal(m.group(2))))
            continue
        m = re.match(r"^(?:如|若)?(.+?)的?(?:不得分|得0分)$", seg)
        if m and m.group(1) not in ("否则", "其他", "其余", "反之", "其它"):
            grades.append((m.group(1), Decimal(0)))
    if not grades:
        problems.append("未能读出各等级的分值（如“效果明显得10分”）")
        return None, False
    top = max(p for _, p in grades)
    return Rule(RuleKind.GRADE, top, grades=tuple(grades)), True


def _lower_bound(seg: str) -> tuple[Decimal, bool] | None:
    for pat, inclusive in (
        (r"(?:大于等于|≥|不低于|不少于|达到)" + NUM, True),
        (NUM + r"%?(?:\(含\))?及?以上", True),
        (r"(?:大于|>|高于|超过)" + NUM, False),
    ):
        m = re.search(pat, seg)
        if m:
            return Decimal(m.group(1)), inclusive
    m = re.search(NUM + r"%?(?:\(含\))?-" + NUM + r"%?", seg)
    if m:
        return min(Decimal(m.group(1)), Decimal(m.group(2))), True
    return None


def _seg_points(seg: str) -> Decimal | None:
    if re.search(r"不得分|得0分$", seg):
        return Decimal(0)
    m = re.search(r"得(?:满分)?" + NUM + "分", seg) or re.search(r"(?:为|计)" + NUM + "分", seg)
    return Decimal(m.group(1)) if m else None


def _parse_bands(t: str, n: Decimal | None, problems: list[str]) -> tuple[Rule | None, bool]:
    bands: list[Band] = []
    floor: Decimal | None = None
    complete = True
    for seg in _segments(t):
        pts = _seg_points(seg)
        low = _lower_bound(seg)
        upper_only = low is None and re.search(r"(?:小于(?:等于)?|低于|<|≤|不足|未达到|未满)\d|\d+%?以下", seg)
        if pts is None:
            if low is not None or upper_only:
                complete = False
                problems.append(f"区间“{seg}”没有写明分值")
            continue
        if low is not None:
            bands.append(Band(low[0], pts, low[1]))
        elif upper_only:
            floor = pts
    if not bands:
        problems.append("未能读出区间和分值（如“大于等于95%的得10分”）")
        return None, False
    bands.sort(key=lambda b: (b.lower, b.inclusive is False), reverse=True)
    m = re.match(r"^([\u4e00-\u9fff]+?)(?:大于|≥|不低于|不少于|高于|达到|在|>)", t)
    top = max(b.points for b in bands)
    rule = Rule(RuleKind.BANDS, max(top, n or top), bands=tuple(bands),
                floor_points=floor if floor is not None else Decimal(0), subject=m.group(1) if m else "")
    return rule, complete


def _parse_threshold(t: str, n: Decimal | None, problems: list[str]) -> tuple[Rule | None, bool]:
    gate = (_first(r"(?:小于|低于|不足)" + NUM + "%", t) or _first(r"\(1-" + NUM + "%\\)", t)
            or _first(NUM + r"%(?:为|以下为?)?不及格", t))
    if gate is None:
        problems.append("未能读出及格门槛（如“完成率小于60%不得分”）")
    elif not 0 <= gate < 100:
        problems.append(f"及格门槛 {gate}% 不在 0–100% 之间")
        gate = None
    if n is None:
        problems.append(_NO_POINTS)
    m = re.match(r"^(?:指标分值\d+(?:\.\d+)?分[,:;]?)?([\u4e00-\u9fff]*?率)", t)
    complete = bool(re.search(r"\(1-", t)) or "分值" in t
    ok = gate is not None and n is not None
    return (Rule(RuleKind.THRESHOLD, n, gate=gate, subject=m.group(1) if m else "") if ok else None), complete


def _parse_level(t: str, n: Decimal | None, problems: list[str]) -> tuple[Rule | None, bool]:
    found = sorted((t.find(name), name) for name in _LEVEL_NAMES if name in t)
    levels: list[Level] = []
    complete = True
    for i, (pos, name) in enumerate(found):
        end = found[i + 1][0] if i + 1 < len(found) else len(t)
        chunk = t[pos + len(name):end]
        pts = _seg_points(chunk)
        if pts is None and re.search(r"(?:^|[^\d.])0分", chunk):
            pts = Decimal(0)
        rng = re.search(NUM + r"%-" + NUM + "%", chunk)
        if pts is None:
            problems.append(f"“{name}”没有写明分值")
            complete = False
            continue
        high, low = (Decimal(rng.group(1)), Decimal(rng.group(2))) if rng else (None, None)
        levels.append(Level(name, pts, high, low))
    if not levels:
        return None, False
    explicit = _first(r"(?:指标分值|满分)(?:为)?" + NUM + "分", t)
    top = explicit if explicit is not None else max(lv.points for lv in levels)
    if len(found) < len(_LEVEL_NAMES):
        missing = [x for x in _LEVEL_NAMES if x not in t]
        problems.append("缺少等级：" + "、".join(missing))
    return Rule(RuleKind.LEVEL, top, levels=tuple(levels)), complete


def _parse_direct(t: str, n: Decimal | None, problems: list[str]) -> tuple[Rule | None, bool]:
    neg = re.search(r"(?:不符合|未符合|否|没有|未|无|反之)[^;,]{0,12}?(?:要求)?(?:的|则)?(?:不得分|得0分|扣(?:除|减)?" + NUM
                    + "分|得" + NUM + "分)", t)
    deduction: Decimal | None = None
    complete = neg is not None
    if neg and neg.group(1):
        deduction = Decimal(neg.group(1))
    elif neg and neg.group(2) and n is not None:
        deduction = n - Decimal(neg.group(2))
    if n is None:
        problems.append(_NO_POINTS)
        return None, complete
    if not complete:
        problems.append("未写明不符合要求时如何计分（按不得分计）")
    return Rule(RuleKind.DIRECT, n, deduction=deduction), complete


_PARSERS = {
    RuleKind.RATIO: _parse_ratio, RuleKind.PERCENT: _parse_percent, RuleKind.OVERRUN: _parse_overrun,
    RuleKind.SAVING: _parse_saving, RuleKind.DELAY: _parse_delay, RuleKind.GRADE: _parse_grade,
    RuleKind.BANDS: _parse_bands, RuleKind.THRESHOLD: _parse_threshold, RuleKind.LEVEL: _parse_level,
    RuleKind.DIRECT: _parse_direct,
}

_NEEDS_N = (RuleKind.RATIO, RuleKind.PERCENT, RuleKind.OVERRUN, RuleKind.SAVING, RuleKind.DELAY)


def parse_rule(text: str | None) -> ParsedRule:
    """Read one 评（扣）分标准 text. Never raises; see :class:`ParsedRule`.

    Memoised: rule texts repeat across rows and units, and the reader, the checks and the scoring
    all ask. The result is shared between callers: treat it as read-only.
    """
    return _parse_rule("" if text is None else str(text))


#: Rule texts are a sentence or two; beyond this the patterns (some quadratic) are not tried.
MAX_RULE_CHARS = 2000


@lru_cache(maxsize=4096)
def _parse_rule(raw: str) -> ParsedRule:
    out = ParsedRule(text=raw)
    if len(raw) > MAX_RULE_CHARS:
        out.problems.append(f"评（扣）分标准过长（{len(raw)} 个字符，超过 {MAX_RULE_CHARS}），无法识别")
        return out
    t = normalize_rule_text(raw)
    if not t:
        out.problems.append("评（扣）分标准为空")
        return out
    n = find_points(t)
    out.points = n
    cut = looks_cut(t)
    m = _POINTS_ONLY.match(t)
    if m:
        out.points_only = True
        out.points = Decimal(m.group(1))
        return out
    items = itemised_points(t)
    if items is not None:
        total, count = items
        stated = _first(r"(?:本项|本指标|该指标|该项|满分|共|总分|分值)(?:为|共)?" + NUM + "分", t)
        out.points = stated if stated is not None else total
        out.unscorable = True
        out.problems.append(f"分项计分（{count} 项，各项分值之和 {total} 分），须逐项评价，无法由一个实际完成值计算")
        if stated is not None and stated != total:
            out.problems.append(f"各项分值之和 {total} 分与写明的 {stated} 分不符")
        return out
    if _JUDGEMENT.search(t) or (_PER_ITEM.search(t) and classify(t) is None):
        out.unscorable = True
        what = "按缺项扣分，须逐项评价" if _PER_ITEM.search(t) and not _JUDGEMENT.search(t) else "由评价人酌情判断"
        out.problems.append(f"评分标准{what}，无法计算（不作猜测）")
        return out
    kind = classify(t)
    out.kind = kind
    if kind is None:
        out.truncated = cut
        out.problems.append("无法识别评分规则的类型" + ("（文字似乎被截断）" if cut else ""))
        if n is None:
            out.problems.append(_NO_POINTS)
        return out
    problems: list[str] = []
    if kind in _NEEDS_N and n is None:
        problems.append(_NO_POINTS)
    rule, complete = _PARSERS[kind](t, n, problems)
    out.rule = rule
    if rule is not None:
        out.points = rule.points
    out.truncated = cut or not complete
    if out.truncated and rule is None:
        problems.append("文字似乎被截断，缺少的部分无法读出")
    out.problems = list(dict.fromkeys(problems))
    return out
