"""Read the table kinds met beyond the template: 项目支出目标表, 自评表, 监控表, other provinces'
部门整体 forms and older frameworks (issue 11).

``read_tables(rows, source)`` turns the ``SourceRow``s of any reader into one ``TargetTable`` per
indicator grid (a file with several projects yields several tables):

1. the rows are cut into tables at title rows (…绩效目标表 / 自评表 / 监控表) and 项目名称 rows
   that follow an indicator grid;
2. in each table the grid header is the row (or two rows) whose cells name at least three column
   roles of ``vocab.COLUMN_SYNONYMS``; columns the header leaves unnamed or ambiguous are given
   their role by content (operators, direction words, level words, numbers);
3. the rows above the header are the header block (unit, project, year, goals) and the
   预算执行情况 block; the rows below are read by column role, a short text row (a browser copy
   drops merged cells) aligned by content; rows that are not indicators (合计, 总分, 评价结论,
   说明, signatures, empty form rows) are skipped with a finding naming them.

Every repair is a finding (I001, I003, I004, I006, I007, I009–I019); a points column that contradicts
the rule text is R011 and a level 1 that belongs to no framework is H007 (read by its level 2);
nothing is dropped silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from xlsxtools import codes, frameworks
from xlsxtools.errors import UnreadableFile
from xlsxtools.importer import vocab
from xlsxtools.importer.rows import SourceRow
from xlsxtools.model import BudgetBlock, Indicator, TargetTable
from xlsxtools.normalize import clean, halfwidth, key, normalize_type, parse_number

ROLES_LOOKED_FOR = "一级指标、二级指标、三级指标/指标名称、指标值/年度指标值/绩效标准、分值/权重、实际完成值、得分"
KINDS_LOOKED_FOR = "、".join(k.label for k in frameworks.TableKind)

_OPERATOR = (r"(大于或等于|小于或等于|大于等于|小于等于|不低于|不少于|不高于|不超过|不多于|>=|<=|=>|=<|≥|≤|≧|≦|"
             r"大于|小于|等于|高于|低于|＞|＜|>|<|=|＝)")
_VALUE = re.compile(r"^" + _OPERATOR + r"?\s*([+-]?\d[\d,，]*(?:\.\d+)?)\s*(%|[^\d\s，,。；;]{1,6})?$")
_NAME_POINTS = re.compile(r"^(.+?)\s*[(（]\s*(\d+(?:\.\d+)?)\s*分\s*[)）]$")
_DATE_END = re.compile(r".*(?:前|底|后|止|初|中旬|上旬|下旬)$|^(?:年|月|日)内$")
_NUM_ONLY = re.compile(r"^[+-]?\d[\d,]*(?:\.\d+)?$")
_POINTS_CELL = re.compile(r"^(\d+(?:\.\d+)?)\s*(?:分|%)?$")
_ONLY_POINTS = re.compile(r"^[(（]?\s*(\d+(?:\.\d+)?)\s*分\s*[)）]?$")
_LEVEL_POINTS = re.compile(r"^(?P<base>.*?)[\s(（:：]*(?P<pts>\d+(?:\.\d+)?)\s*分?[\s)）]*$")


def _allowed(level1: str, level2: str) -> bool:
    return any(f.allows(level1, level2) for f in frameworks.FRAMEWORKS.values())


def _parent(level2: str) -> str:
    """The level 1 a level-2 word belongs to: the 2021 framework's, else the older ones'."""
    for f in (frameworks.F2021, frameworks.F2015, frameworks.F2013):
        ps = f.parents(level2)
        if ps:
            return ps[0]
    return ""


_ODD_SIGNS = str.maketrans({"﹦": "=", "﹥": ">", "﹤": "<", "＝": "=", "＞": ">", "＜": "<", "═": "=", "〓": "="})


def split_value(text: str) -> tuple[str, str, str] | None:
    """"≥50个" → ("≥", "50", "个"); "100%" → ("", "100", "%"); None unless operator? number unit?."""
    t = halfwidth(clean(text)).translate(_ODD_SIGNS)
    m = _VALUE.match(t)
    if not m:
        return None
    op = normalize_type(m.group(1)) or "" if m.group(1) else ""
    num = m.group(2).replace(",", "").replace("，", "")
    unit = (m.group(3) or "").strip()
    suffix = re.search(r"(?:及|或)?(以上|以下|以内)$", unit)
    if suffix:  # "95%以上", "5天以内": the operator written after the number
        op = op or ("≥" if suffix.group(1) == "以上" else "≤")
        unit = unit[: suffix.start()].strip()
    if _DATE_END.match(unit) or (unit in ("年", "年度") and len(num) == 4) or (
            unit in ("月", "日", "号", "月份") and not op):
        return None  # "9月前", "2023年", "11月底", "10月": a deadline or a date, not a number with a unit
    return op, num, unit


_EMPTY = {"", "/", "-", "—", "——", "无", "／", "－", "…", "……"}


def _placeholder(name: str) -> bool:
    """An empty form row: "指标1：", "指标2:/", "……"."""
    t = halfwidth(name).strip()
    if vocab.PLACEHOLDER.match(t):
        return True
    m = re.match(r"^指标\s*\d+\s*[:：]?\s*(.*)$", t)
    return bool(m) and m.group(1).strip() in _EMPTY


_SECTION_NUMBER = re.compile(r"^\s*(?:[一二三四五六七八九十]+\s*[、.．]|[(（][一二三四五六七八九十\d]+[)）]|\d+\s*[、.．])\s*")


def _section_level(text: str) -> tuple[str, str, Decimal | None] | None:
    """A full-width section row "一、产出指标（50分）" / "（一）数量指标" → ("level1" | "level2", word, points)."""
    t = _SECTION_NUMBER.sub("", halfwidth(text))
    base, pts = _strip_level_points(t)
    w1 = frameworks.level1_word(base)
    if w1:
        return "level1", w1, pts
    w2 = frameworks.level2_word(base)
    return ("level2", w2, None) if w2 else None


def _is_direction(text: str) -> str | None:
    return vocab.DIRECTION_WORDS.get(key(text)) if text else None


def _is_operator(text: str) -> bool:
    return bool(text) and (normalize_type(text.translate(_ODD_SIGNS)) is not None
                           or key(text) in (key("定量"), key("定性")))


def _rule_like(text: str) -> bool:
    return bool(text) and "分" in text and bool(re.search(r"得.{0,12}分|扣.{0,8}分|不得分|计分|赋分|\d\s*分", text))


# --------------------------------------------------------------------------------------------
# Header detection
# --------------------------------------------------------------------------------------------


@dataclass
class Header:
    rows: list[SourceRow]
    #: column index → candidate roles
    roles: dict[int, tuple[str, ...]]
    titles: dict[int, str]
    width: int

    @property
    def last(self) -> SourceRow:
        return self.rows[-1]


def _copied_two_row(upper: SourceRow, lower: SourceRow) -> bool:
    """Do the two header rows overlap in conflicting positions (spans lost in a text copy)?"""
    up, lo = _header_roles(upper), _header_roles(lower)
    clash = [i for i in lo if i in up and up[i] != lo[i] and up[i] != ("lead",)]
    return bool(clash)


def _header_roles(row: SourceRow) -> dict[int, tuple[str, ...]]:
    out = {}
    for i, c in enumerate(row.cells):
        r = vocab.column_role(c) if c and len(c) <= 24 else ()
        if r:
            out[i] = r
    return out


def _is_header(row: SourceRow) -> bool:
    roles = _header_roles(row)
    flat = {r for rs in roles.values() for r in rs}
    has_name = bool(flat & {"name", "level1", "level2", "lead"})
    has_value = bool(flat & {"target", "type", "points", "actual", "rule_text", "unit", "own_score"})
    levels = {"level1", "level2", "name"} <= flat  # 一级/二级/三级 titled, the value columns by content
    return len(roles) >= 3 and has_name and (has_value or levels)


def _build_header(rows: list[SourceRow]) -> Header:
    roles: dict[int, tuple[str, ...]] = {}
    titles: dict[int, str] = {}
    if len(rows) == 2 and rows[0].letters is None and _copied_two_row(rows[0], rows[1]):
        # a two-row header copied as text: the merged group titles of the upper row (绩效指标 over
        # 一级/二级/三级, 年度指标值 over 指标性质/指标值/度量单位) lost their span, so the lower
        # row's titles come first and the upper row's own columns follow them in order
        lower = _header_roles(rows[1])
        roles = dict(lower)
        titles = {i: rows[1].cells[i] for i in lower}
        have = {r for rs in lower.values() for r in rs}
        nxt = max(lower) + 1
        for i, rs in sorted(_header_roles(rows[0]).items()):
            if rs == ("lead",) or set(rs) & have:
                continue
            roles[nxt], titles[nxt] = rs, rows[0].cells[i]
            nxt += 1
        return Header(rows, roles, titles, max(nxt, len(rows[1].cells)))
    if len(rows) == 2 and _period_subheader(rows[0], rows[1]):
        for i, c in enumerate(rows[0].cells):
            r = vocab.column_role(c) if c else ()
            if r and r != ("target",):
                roles[i], titles[i] = r, c
        for i, c in enumerate(rows[1].cells):
            r = subheader_role(c) if c else ()
            if r:
                roles[i], titles[i] = r, c
        return Header(rows, roles, titles, max(len(r.cells) for r in rows))
    for row in rows:  # a lower header row (一级/二级/三级 under 绩效指标) wins
        for i, r in _header_roles(row).items():
            if r == ("lead",) and i in roles:
                continue
            roles[i] = r
            titles[i] = row.cells[i]
    width = max(len(r.cells) for r in rows)
    return Header(rows, roles, titles, width)


# --------------------------------------------------------------------------------------------
# Segmenting a file into tables
# --------------------------------------------------------------------------------------------


def _first(row: SourceRow) -> str:
    return next((c for c in row.cells if c), "")


def _is_title(row: SourceRow) -> bool:
    ne = row.nonempty
    return bool(ne) and len(ne) <= 2 and bool(vocab.TITLE_ROW.search(ne[0])) and len(ne[0]) <= 60


def _label_field(text: str) -> str | None:
    t = re.sub(r"[:：]\s*$", "", text.strip())
    t = re.sub(r"\s*[(（]\s*(?:盖章|公章|签章|章)\s*[)）]\s*$", "", t)  # 填报单位(盖章)
    return vocab.HEADER_BY_KEY.get(key(t))


def _is_project_row(row: SourceRow) -> bool:
    return any(_label_field(re.split(r"[:：]", c)[0]) == "project" for c in row.cells[:2] if c)


def segment(rows: list[SourceRow]) -> list[list[SourceRow]]:
    """Cut the rows of a file into tables (a new title or 项目名称 after a grid starts one)."""
    chunks: list[list[SourceRow]] = [[]]
    seen_grid = False
    for row in rows:
        if (_is_title(row) or _is_project_row(row)) and seen_grid:
            chunks.append([])
            seen_grid = False
        chunks[-1].append(row)
        if not seen_grid and _is_header(row):
            seen_grid = True
    return [c for c in chunks if any(not r.is_blank for r in c)]


# --------------------------------------------------------------------------------------------
# Reading one table
# --------------------------------------------------------------------------------------------


@dataclass
class _Ctx:
    table: TargetTable
    header: Header
    col: dict[str, int] = field(default_factory=dict)  # role → column index

    def finding(self, code: str, message: str, row: SourceRow | None = None, fld: str | None = None,
                **kw) -> None:
        origin = row.origin(self.col if row is not None and row.sheet is not None else None) if row else None
        self.table.findings.append(codes.finding(code, message, origin, fld, **kw))


def _content_role(texts: list[str]) -> str | None:
    """The role a column's data cells suggest: type, direction, level1, level2, points."""
    ne = [t for t in texts if t]
    if len(ne) < 2:
        return None
    share = lambda pred: sum(1 for t in ne if pred(t)) / len(ne)  # noqa: E731
    if share(_is_operator) >= 0.6:
        return "type"
    if share(lambda t: _is_direction(t) is not None) >= 0.6:
        return "direction"
    if share(lambda t: frameworks.level1_word(_strip_level_points(t)[0]) is not None) >= 0.6:
        return "level1"
    if share(lambda t: frameworks.level2_word(t) is not None and frameworks.level1_word(t) is None) >= 0.6:
        return "level2"
    return None


def _has_sign_or_unit(text: str) -> bool:
    sv = split_value(text)
    return bool(sv and (sv[0] or sv[2]))


def _value_role(texts: list[str], col: dict[str, int]) -> str | None:
    """A column the header leaves unknown, by its values: targets ("≥50个", "100%", "≤5批次") when the
    table has no target column; points (plain numbers adding up to 90 or 100) when it has none."""
    ne = [t for t in texts if t and t.strip() not in _EMPTY]
    if len(ne) < 3:
        return None
    if "target" not in col and sum(1 for t in ne if _has_sign_or_unit(t)) >= 0.6 * len(ne):
        return "target"
    nums = [_points(t) for t in ne]
    if "points" not in col and all(n is not None for n in nums) and sum(nums) in (90, 100):
        return "points"
    return None


def _strip_level_points(text: str) -> tuple[str, Decimal | None]:
    m = _LEVEL_POINTS.match(halfwidth(text))
    if m and (frameworks.level1_word(m.group("base")) or frameworks.level2_word(m.group("base"))):
        return m.group("base").strip(), Decimal(m.group("pts"))
    return text, None


def _assign_columns(ctx: _Ctx, data: list[SourceRow]) -> None:
    h = ctx.header
    col: dict[str, int] = {}
    for i in sorted(h.roles):
        rs = h.roles[i]
        if len(rs) > 1:
            texts = [r.cells[i] if i < len(r.cells) else "" for r in data]
            content = _content_role(texts)
            if set(rs) == {"unit", "unit_name"}:
                ne = [t for t in texts if t]
                content = "unit" if ne and sum(len(t) <= 4 for t in ne) >= 0.6 * len(ne) else "unit_name"
            chosen = content if content in rs else rs[-1]
            ctx.finding("I011", f"{h.last.where}：列标题“{h.titles[i]}”可指{'或'.join(_ROLE_LABEL[r] for r in rs)}，"
                                f"按该列内容读作“{_ROLE_LABEL[chosen]}”", h.last)
            rs = (chosen,)
        role = rs[0]
        if role in col:
            old = h.titles.get(col[role], "")
            if vocab.OTHER_PERIOD.search(old) and not vocab.OTHER_PERIOD.search(h.titles[i]):
                col[role] = i  # the year's own column wins over a 中期/长期 one
                ctx.finding("I011", f"{h.last.where}：有“{old}”和“{h.titles[i]}”两列，按“{h.titles[i]}”读取", h.last)
            continue  # several cause/remark columns: the first one carries the role
        col[role] = i
        title = h.titles[i]
        canonical = vocab.COLUMN_SYNONYMS.get(role, (_ROLE_LABEL.get(role, role),))[0]
        if key(title) != key(canonical) and role not in ("lead",):
            ctx.finding("I004", f"{h.last.where}：列标题“{title}”按“{canonical}”识别", h.last)
    # unnamed (or unknown-titled) columns with telling content
    for i in range(h.width):
        if i in h.roles:
            continue
        texts = [r.cells[i] if i < len(r.cells) else "" for r in data]
        content = _content_role(texts) or _value_role(texts, col)
        if content and content not in col:
            col[content] = i
            title = h.last.cells[i] if i < len(h.last.cells) and h.last.cells[i] else ""
            what = f"列标题“{title}”不在词表中" if title else "没有列标题"
            ctx.finding("I012", f"{h.last.where}：第{i + 1}列{what}，按内容读作“{_ROLE_LABEL[content]}”", h.last)
    # a level column the header calls 绩效指标 (the leading merged title over 一级指标)
    if "level1" not in col and "lead" in col:
        content = _content_role([r.cells[col["lead"]] if col["lead"] < len(r.cells) else "" for r in data])
        if content == "level1":
            col["level1"] = col.pop("lead")
            ctx.finding("I012", f"{h.last.where}：“{h.titles.get(col['level1'], '')}”一列按内容读作一级指标", h.last)
    if "level1" in col and "level2" not in col:
        nxt = col["level1"] + 1
        texts = [r.cells[nxt] if nxt < len(r.cells) else "" for r in data]
        if nxt not in col.values() and _content_role(texts) == "level2":
            col["level2"] = nxt
            ctx.finding("I012", f"{h.last.where}：第{nxt + 1}列没有列标题，按内容读作二级指标", h.last)
    _two_level_form(ctx, col, data)
    if "name" not in col and "level2" in col and col["level2"] + 1 < h.width \
            and col["level2"] + 1 not in col.values():
        col["name"] = col["level2"] + 1
        ctx.finding("I012", f"{h.last.where}：没有“三级指标”列标题，二级指标右边一列按三级指标读取", h.last)
    _several_points_columns(ctx, col)
    _rule_by_content(ctx, col, data)
    ctx.col = col


#: Name-column titles that may as well title a description (指标内容 beside a 二级指标 of names).
_CONTENT_TITLES = frozenset(key(t) for t in ("指标内容", "绩效指标内容", "三级指标内容"))


def _col_texts(data: list[SourceRow], i: int) -> list[str]:
    return [t for t in (r.cells[i] if i < len(r.cells) else "" for r in data) if t and t.strip() not in _EMPTY]


def _two_level_form(ctx: _Ctx, col: dict[str, int], data: list[SourceRow]) -> None:
    """A two-level form (一级指标 | 二级指标 | 分值 | 指标内容 | 指标值 …, common for 投入/过程/产出/效果
    tables) writes the indicators' names into its 二级指标 column: when none of that column's cells
    is a level-2 word of any framework and the name column is missing or titled 指标内容 (its cells
    then describe the indicator), the 二级指标 column is the name column."""
    h = ctx.header
    if "level2" not in col:
        return
    texts = [_strip_level_points(t)[0] for t in _col_texts(data, col["level2"])]
    if len(texts) < 2 or any(frameworks.level2_word(t) or frameworks.level1_word(t) for t in texts):
        return
    old = col.get("name")
    if old is not None:
        title = vocab._ANY_QUALIFIER.sub("", h.titles.get(old, "").strip())
        if key(title) not in _CONTENT_TITLES:
            return
        if "explanation" not in col:
            col["explanation"] = old
    col["name"] = col.pop("level2")
    ctx.finding("I012", f"{h.last.where}：“{h.titles.get(col['name'], '')}”一列没有一个二级指标的词（如数量指标、"
                        f"预算执行），是两级的表，按三级指标（指标名称）读取"
                        + (f"；“{h.titles.get(old, '')}”一列按指标解释读取" if old is not None else ""), h.last)


def _several_points_columns(ctx: _Ctx, col: dict[str, int]) -> None:
    """一级指标 | 分值 | 二级指标 | 分值 | 三级指标 | 分值: the indicator's points are in the 分值 column
    right after the name; the others (after the level-1 / level-2 columns) are level subtotals."""
    h = ctx.header
    cols = sorted(i for i, rs in h.roles.items() if rs == ("points",))
    if len(cols) < 2 or "name" not in col:
        return
    after = [i for i in cols if i > col["name"]]
    if not after or col.get("points") == after[0]:
        return
    col["points"] = after[0]
    for role in ("level1", "level2"):
        nxt = col.get(role, -9) + 1
        if nxt in cols and nxt != after[0]:
            col[f"{role}_points"] = nxt
    ctx.finding("I011", f"{h.last.where}：有 {len(cols)} 列“分值”，三级指标右边第{after[0] + 1}列是各指标的分值，"
                        "一级、二级指标旁的分值按各层的小计读取", h.last)


_SCORING = re.compile(r"[计得扣]\s*\d+(?:\.\d+)?\s*分|计满分|得满分|不得分|按比例计分")


def _rule_by_content(ctx: _Ctx, col: dict[str, int], data: list[SourceRow]) -> None:
    """No 评分标准 column, but the 指标说明 (explanation) column holds scoring text ("…计1分;…计0.5分",
    "小于或等于1计5分,否则按比例计分") in most rows, and another column explains the indicator:
    that column is the rule text."""
    h = ctx.header
    if "rule_text" in col or "explanation" not in col:
        return
    cands = [i for i, rs in h.roles.items() if rs == ("explanation",)]
    for i in sorted(cands, reverse=True):
        texts = _col_texts(data, i)
        if len(cands) > 1 and texts and sum(1 for t in texts if _SCORING.search(t)) >= 0.6 * len(texts):
            col["rule_text"] = i
            if col["explanation"] == i:
                col["explanation"] = next(j for j in cands if j != i)
            ctx.finding("I012", f"{h.last.where}：“{h.titles.get(i, '')}”一列写的是计分办法，按评（扣）分标准读取", h.last)
            return


_ROLE_LABEL = {
    "lead": "绩效指标", "level1": "一级指标", "level2": "二级指标", "name": "三级指标", "type": "指标值类型",
    "target": "指标值", "unit": "计量单位", "explanation": "指标解释", "rule_text": "评（扣）分标准",
    "points": "分值", "direction": "指标方向", "actual": "实际完成值", "progress": "执行情况",
    "own_score": "得分", "reason": "偏差原因", "remark": "备注", "project": "项目名称", "unit_name": "单位名称",
    "project_goal": "年度目标", "project_budget": "预算数", "prior": "上年实际值",
}


def _compat(role: str | None, text: str) -> int:
    """How well a cell's content fits a column role (for aligning a short text row)."""
    if not text:
        return 0
    l1 = frameworks.level1_word(_strip_level_points(text)[0])
    l2 = frameworks.level2_word(_strip_level_points(text)[0])
    num = parse_number(text) is not None or split_value(text) is not None
    if role == "level1":
        return 3 if l1 else (-1 if l2 else -3)
    if role == "level2":
        return 3 if l2 else -3
    if l1 and l2 is None:
        return -3
    if role == "name":
        return -2 if num and _NUM_ONLY.match(halfwidth(text)) else (-1 if l2 else 1)
    if role == "type":
        return 2 if _is_operator(text) else -2
    if role == "direction":
        return 2 if _is_direction(text) else -2
    if role in ("target", "actual", "progress"):
        return 1 if num else 0
    if role in ("points", "own_score"):
        return 1 if _POINTS_CELL.match(halfwidth(text)) else -2
    if role == "rule_text":
        return 1 if _rule_like(text) else 0
    if role == "unit":
        return 1 if len(text) <= 4 and not num else -1
    return 0


def _align(ctx: _Ctx, row: SourceRow) -> tuple[list[str], int]:
    """The row's cells in header positions. Structured sources keep their grid; a text row with
    fewer cells than the header (a browser copy drops merged cells) is shifted right to the
    placement whose content fits the columns best."""
    width = ctx.header.width
    cells = list(row.cells)
    if row.letters is not None or len(cells) >= width:
        return cells + [""] * (width - len(cells)), 0
    trimmed = list(cells)
    while trimmed and not trimmed[-1]:
        trimmed.pop()
    if len(cells) == width or not trimmed:
        return cells + [""] * (width - len(cells)), 0
    role_at = {i: r for r, i in ctx.col.items()}
    best, best_off = None, 0
    for off in range(0, max(0, width - len(trimmed)) + 1):
        score = sum(_compat(role_at.get(off + j), t) for j, t in enumerate(trimmed))
        name_i = ctx.col.get("name")
        if name_i is not None and off <= name_i < off + len(trimmed) and not trimmed[name_i - off]:
            score -= 2
        if best is None or score > best:
            best, best_off = score, off
    return [""] * best_off + trimmed + [""] * (width - best_off - len(trimmed)), best_off


def _cell(cells: list[str], col: dict[str, int], role: str) -> str:
    i = col.get(role)
    return cells[i] if i is not None and i < len(cells) else ""


def _points(text: str) -> Decimal | None:
    m = _POINTS_CELL.match(halfwidth(clean(text)))
    return Decimal(m.group(1)) if m else None


def read_table(rows: list[SourceRow], source: str | None, header_at: int, header_n: int) -> list[TargetTable]:
    """One table's rows (header at ``header_at``, ``header_n`` rows) → its table, or one table per
    project when the grid lists several projects in a 项目名称 column."""
    table = TargetTable(source=source)
    header = _build_header(rows[header_at:header_at + header_n])
    ctx = _Ctx(table, header)
    body = rows[header_at + header_n:]
    _assign_columns(ctx, [r for r in body if not r.is_blank][:40])
    col = ctx.col
    table.columns = frozenset(col)
    _read_block(ctx, rows[:header_at])

    prev1 = prev2 = prev1_raw = ""
    ended = False
    placed: list[tuple[SourceRow, Indicator]] = []
    cur_project = cur_unit = ""
    budget_head: SourceRow | None = None
    units: dict[str, str] = {}  # project → unit (a grid listing several projects)
    for row in body:
        if row.is_blank:
            continue
        first = _first(row)
        if _is_header(row):
            ctx.finding("I010", f"{row.where}：重复的列标题行（跨页表头），不是指标，已跳过", row)
            ended = False
            continue
        cells, off = _align(ctx, row)
        if "project" in col or "unit_name" in col:
            p_cell, u_cell = _cell(cells, col, "project"), _cell(cells, col, "unit_name")
            if u_cell:
                cur_unit = u_cell
            if p_cell and p_cell != cur_project:
                cur_project = p_cell
                prev1 = prev2 = prev1_raw = ""  # a new project: nothing fills down across it
            if cur_project:
                units.setdefault(cur_project, cur_unit)
        if table.budget is None:  # a 预算执行情况 block below the grid
            if sum(1 for c in row.cells if c and vocab.budget_title(c)) >= 3:
                budget_head = row
            elif budget_head is not None and vocab.BUDGET_ROW_LABEL.search(first) and not vocab.TOTAL_ROW.match(first):
                li = next(i for i, c in enumerate(row.cells) if c)
                table.budget = _budget_values(budget_head, row, li)
                ctx.finding("I016", f"{row.where}：读取预算执行情况（"
                                    + "、".join(f"{_BUDGET_LABEL[f]} {v}" for f, v in table.budget.to_dict().items() if v)
                                    + "）", row)
        what = _not_indicator(ctx, row, cells, first, ended)
        if what == "SECTION":
            kind, word, _ = _section_level(row.nonempty[0])
            if kind == "level1":
                if word != prev1:
                    prev2 = ""
                prev1 = prev1_raw = word
            else:
                prev2 = word
            continue
        if what == "LEVELS":
            r1, r2 = _cell(cells, col, "level1"), _cell(cells, col, "level2") or _category_name(cells, col)
            if r1:
                w = frameworks.level1_word(_strip_level_points(r1)[0])
                if w and w != prev1:
                    prev2 = ""
                prev1 = w or r1
            if r2:
                prev2 = frameworks.level2_word(_strip_level_points(r2)[0]) or r2
            continue
        if what:
            if vocab.CLOSING_ROW.match(first):
                ended = True
            continue
        ind = Indicator()
        raw1, raw2 = _cell(cells, col, "level1"), _cell(cells, col, "level2")
        only_pts = _ONLY_POINTS.match(halfwidth(raw1)) if raw1 else None
        if only_pts:
            raw1 = ""
        l2_now = frameworks.level2_word(_strip_level_points(raw2)[0]) if raw2 else None
        if not raw1 and l2_now and not (prev1 and _allowed(prev1, l2_now)):
            parent = _parent(l2_now)
            why = f"上一行为“{prev1}”，" if prev1 else ""
            ctx.finding("I007", f"{row.where}：一级指标{'只写了分值“' + only_pts.group(0) + '”' if only_pts else '为空'}，"
                                f"{why}二级指标“{l2_now}”属于“{parent}”，读作“{parent}”", row, "level1")
            raw1 = parent
            prev2 = ""
        if only_pts and raw1:
            table.declared_subtotals[frameworks.level1_word(raw1) or raw1] = Decimal(only_pts.group(1))
        elif only_pts and prev1:
            table.declared_subtotals[prev1] = Decimal(only_pts.group(1))
        if raw1 and l2_now and frameworks.level1_word(_strip_level_points(raw1)[0]) is None:
            parent = prev1 if prev1 and _allowed(prev1, l2_now) and raw1 == prev1_raw else _parent(l2_now)
            ctx.finding("H007", f"{row.where}：一级指标“{raw1}”不在任何指标体系中；二级指标“{l2_now}”属于“{parent}”，"
                                f"按“{parent}”读取，请在原表中改正", row, "level1")
            prev1_raw = raw1
            raw1 = parent
        elif raw1:
            prev1_raw = raw1
        if raw1:
            base, pts = _strip_level_points(raw1)
            word = frameworks.level1_word(base)
            if word is None and frameworks.level2_word(base) and not raw2:
                raw2, word = base, None  # a level 2 in the level-1 column: keep it visible to H002
                ind.level1 = raw1
            else:
                ind.level1 = word or raw1
            if pts is not None and word:
                table.declared_subtotals[word] = pts
                ctx.finding("I003", f"{row.where}：一级指标单元格“{raw1}”含分值，{pts}分记为该一级指标的声明小计", row,
                            "level1")
            lp = _points(_cell(cells, col, "level1_points")) if "level1_points" in col else None
            if pts is None and lp is not None and word:
                table.declared_subtotals[word] = lp  # 一级指标 | 分值 | 二级指标 | 分值 | 三级指标 | 分值
            if word and word != raw1 and pts is None:
                ctx.finding("I006", f"{row.where}：一级指标“{raw1}”读作“{word}”", row, "level1")
            if word and word != prev1:
                prev2 = ""
            prev1 = word or prev1
        else:
            ind.level1 = prev1
        filled = [w for w, raw in ((ind.level1, raw1), (prev2 if not raw2 else "", raw2)) if w and not raw]
        if raw2:
            base, _ = _strip_level_points(raw2)
            word = frameworks.level2_word(base)
            ind.level2 = word or raw2
            if word and key(word) != key(raw2):
                ctx.finding("I006", f"{row.where}：二级指标“{raw2}”读作“{word}”", row, "level2")
            prev2 = ind.level2
        else:
            ind.level2 = prev2
        if filled and "level1" in col:
            what = "一级、二级指标" if len(filled) == 2 else ("一级指标" if not raw1 and ind.level1 else "二级指标")
            ctx.finding("I001", f"{row.where}：{what}为空（合并单元格），按上一行读作“{'”“'.join(filled)}”", row,
                        "level1" if not raw1 else "level2")
        if off:
            ctx.finding("I013", f"{row.where}：本行只有{len(row.nonempty)}个非空格（合并单元格在复制时丢失），"
                                f"按内容对齐到第{off + 1}列起", row)
        ind.name = _cell(cells, col, "name")
        cat = _category_name(cells, col)
        if cat:
            ind.level2 = prev2 = frameworks.level2_word(cat) or ind.level2
            ctx.finding("I006", f"{row.where}：指标名称“{cat}”是二级指标的类别（表中没有二级指标列），"
                                f"读作二级指标“{ind.level2}”", row, "level2")
        ind.explanation = _cell(cells, col, "explanation")
        ind.rule_text = _cell(cells, col, "rule_text")
        ind.remark = _cell(cells, col, "remark")
        ind.reason = _cell(cells, col, "reason")
        ind.actual = _cell(cells, col, "actual") or _cell(cells, col, "progress")
        ind.own_score = _cell(cells, col, "own_score")
        ind.project = cur_project or table.header.get("项目名称", "")
        d = _cell(cells, col, "direction")
        if d:
            ind.direction = _is_direction(d) or d
        _read_value(ctx, row, cells, ind)
        _read_points(ctx, row, cells, ind)
        placed.append((row, ind))
    for row, ind in placed:
        ind.origin = row.origin(col if row.sheet is not None else None)
        table.indicators.append(ind)
    if not table.indicators:
        raise UnreadableFile(_cannot_place(rows, f"{header.last.where}的列标题下没有一行指标"), file=source)
    out = _split_projects(table, units) if "project" in col else [table]
    for t in out:
        if "progress" in col:
            _note_period(t, [header.titles.get(col["progress"], "")])
        _detect(_Ctx(t, header, col), rows[:header_at])
    return out


def _split_projects(table: TargetTable, units: dict[str, str]) -> list[TargetTable]:
    """A grid with a 项目名称 column listing several projects → one table per project."""
    order = list(dict.fromkeys(i.project for i in table.indicators))
    if len(order) <= 1:
        if order and order[0]:
            table.header["项目名称"] = order[0]
            table.unit.name = table.unit.name or units.get(order[0], "")
        return [table]
    out = []
    for n, project in enumerate(order):
        inds = [i for i in table.indicators if i.project == project]
        rows = {i.origin.row for i in inds}
        t = TargetTable(source=table.source, kind=table.kind, framework=table.framework, columns=table.columns,
                        header={**table.header, "项目名称": project})
        t.unit.name = units.get(project) or table.unit.name
        t.unit.year = table.unit.year
        t.indicators = inds
        # reading findings go with their rows; those about the whole grid with the first table
        t.findings = [f for f in table.findings if (f.row in rows) or (n == 0 and f.row not in
                      {i.origin.row for i in table.indicators})]
        out.append(t)
    return out


_CONTENT_ROLES = ("target", "points", "actual", "progress", "own_score", "rule_text", "type", "reason")


def _category_name(cells: list[str], col: dict[str, int]) -> str:
    """The name cell when it holds a level-2 category word ("成本", "社会效益") in a form that has no
    二级指标 column (a 监控表 with 一级指标 | 指标名称 only): the row's level 2, not a name."""
    if "level2" in col:
        return ""
    name = _cell(cells, col, "name")
    base = _strip_level_points(name)[0] if name else ""
    return name if base and frameworks.level2_word(base) else ""


def _not_indicator(ctx: _Ctx, row: SourceRow, cells: list[str], first: str, ended: bool) -> str:
    """Why this row is not an indicator ("" when it is one); reports it as a finding."""
    col = ctx.col
    text = "｜".join(row.nonempty)
    short = text if len(text) <= 40 else text[:39] + "…"
    name = _cell(cells, col, "name")
    l1, l2 = _cell(cells, col, "level1"), _cell(cells, col, "level2")
    why = ""
    if vocab.TOTAL_ROW.match(first):
        nums = [c for c in row.nonempty[1:] if parse_number(c) is not None]
        pts = _cell(cells, col, "points")
        sc = _cell(cells, col, "own_score")
        if pts or sc:
            ctx.table.stated_total = {"points": pts, "score": sc}
        elif nums:
            ctx.table.stated_total = {"points": nums[0], "score": nums[1] if len(nums) > 1 else ""}
        why = "合计/总分行"
    elif vocab.FUNDS_ROW.match(first):
        why = "资金或预算执行情况行"
    elif vocab.END_ROW.match(first) or vocab.END_ROW.match(name or "x"):
        why = "表格下方的说明、结论或签字行"
        if re.match(r"^(?:自评)?等级", first) and len(row.nonempty) > 1:
            ctx.table.own_grade = row.nonempty[1]
    elif ended:
        why = "表格已结束（在评价结论/说明之后）"
    elif len(row.nonempty) == 1 and _section_level(row.nonempty[0]):
        kind, word, pts = _section_level(row.nonempty[0])
        if kind == "level1" and pts is not None:
            ctx.table.declared_subtotals[word] = pts
        ctx.finding("I010", f"{row.where}：“{short}”是分节标题，作为下面各行的{'一级' if kind == 'level1' else '二级'}指标"
                            f"“{word}”读取，不是指标", row)
        return "SECTION"
    elif _is_title(row) or (len(row.nonempty) == 1 and not name and not (l1 or l2)):
        why = "表格外的文字"
    elif all(vocab.column_role(c) for c in row.nonempty):
        why = "只有列标题文字"
    elif _category_name(cells, col) and not any(_cell(cells, col, r).strip() not in _EMPTY for r in _CONTENT_ROLES):
        ctx.finding("I010", f"{row.where}：“{short}”只有二级指标的类别，没有指标值，作为下面各行的层级读取，不是指标", row)
        return "LEVELS"
    elif name and _placeholder(name) and not any(
            _cell(cells, col, r).strip() not in _EMPTY for r in ("target", "points", "actual", "own_score")):
        why = "空白的填表示例行"
    elif not name and (l1 or l2) and not any(_cell(cells, col, r) for r in ("target", "points", "actual", "own_score",
                                                                          "rule_text", "type")):
        base, pts = _strip_level_points(l1 or l2)
        word = frameworks.level1_word(base) if l1 else frameworks.level2_word(base)
        if pts is not None and word and l1:
            ctx.table.declared_subtotals[word] = pts
        ctx.finding("I010", f"{row.where}：“{short}”只有一级/二级指标，没有三级指标和指标值，"
                            "作为下面各行的层级读取，不是指标", row)
        return "LEVELS"
    elif not name and not any(_cell(cells, col, r) for r in ("target", "points", "actual", "own_score", "type")):
        why = "没有指标名称和指标值的行"
    if why:
        ctx.finding("I010", f"{row.where}：“{short}”不是指标（{why}），已跳过", row)
    return why


def _read_value(ctx: _Ctx, row: SourceRow, cells: list[str], ind: Indicator) -> None:
    col = ctx.col
    raw_type = _cell(cells, col, "type")
    target = _cell(cells, col, "target")
    unit = _cell(cells, col, "unit")
    ind.unit = halfwidth(unit).replace("％", "%") if unit else ""
    if raw_type:
        t = normalize_type(raw_type.translate(_ODD_SIGNS))
        ind.type = t or (("定性" if key(raw_type) == key("定性") else "") or raw_type)
        if t and t != raw_type:
            ctx.finding("I006", f"{row.where}：指标值类型“{raw_type}”规范为“{t}”", row, "type")
    sv = split_value(target) if target else None
    if "type" in col and not raw_type and target and sv is None and parse_number(target) is None:
        ind.type = "定性"  # the operator column left empty for a text target: a qualitative indicator
    if sv is None:
        ind.target = target
        if target and not raw_type and parse_number(target) is None:
            pass  # qualitative text ("优良", "2023年12月底前"); the type stays as the table gives it
        return
    op, num, u = sv
    if u and ind.unit and halfwidth(ind.unit) != u and u != "%":
        # "28.8万元" under a 计量单位 of "%": the cells contradict each other; keep the text as printed
        ind.target = target
        return
    ind.target = num
    changes = []
    if op:
        if not ind.type:
            ind.type = op
            changes.append(f"符号“{op}”")
        elif normalize_type(ind.type) != op:
            changes.append(f"符号“{op}”（与指标值类型列“{ind.type}”不同，以类型列为准）")
    if u:
        if not ind.unit:
            ind.unit = u
            changes.append(f"计量单位“{u}”")
        elif halfwidth(ind.unit) != u:
            changes.append(f"单位“{u}”（与计量单位列“{ind.unit}”不同，以计量单位列为准）")
    if changes:
        ctx.finding("I014", f"{row.where}“{ind.name}”：指标值“{target}”拆出数值“{num}”和" + "、".join(changes), row,
                    "target")


def _read_points(ctx: _Ctx, row: SourceRow, cells: list[str], ind: Indicator) -> None:
    from xlsxtools.rules import parse_rule

    raw = _cell(cells, ctx.col, "points")
    col_pts = _points(raw) if raw else None
    if raw and col_pts is None and raw.strip() not in _EMPTY:
        ctx.finding("I015", f"{row.where}“{ind.name}”：分值“{raw}”不是数字，未读取", row, "points")
    rule_pts = parse_rule(ind.rule_text).points if ind.rule_text else None
    items = _item_points(ind.rule_text)
    if col_pts is None and "points" not in ctx.col:
        m = _NAME_POINTS.match(halfwidth(ind.name))
        if m and (rule_pts is None or Decimal(m.group(2)) in (rule_pts, items)):
            # "资助人数（10分）": the points written into the name (an itemised rule adds up to them)
            ind.name, ind.weight = m.group(1).strip(), Decimal(m.group(2))
            ctx.finding("I019", f"{row.where}：三级指标“{m.group(0)}”含分值，读作“{ind.name}”{_fmt(ind.weight)}分", row, "name")
            return
    ind.points_column = col_pts
    ind.weight = col_pts if col_pts is not None else rule_pts
    if col_pts is not None and rule_pts is not None and col_pts != rule_pts and col_pts != items:
        ctx.finding("R011", f"{row.where}“{ind.name}”：分值列为 {_fmt(col_pts)} 分，评（扣）分标准写的是 "
                            f"{_fmt(rule_pts)} 分，两者不一致：请改正其中之一（按分值列计）", row, "points")


_ITEM_POINTS = re.compile(r"(?:计|得)\s*(\d+(?:\.\d+)?)\s*分")


def _item_points(text: str) -> Decimal | None:
    """The sum of an itemised rule's points ("专款专用得2分,专项核算得3分,否则0分" → 5; "…计1分;…计0.5分;
    …计0.5分" → 2): the most it can give when each item is scored on its own. None for one item."""
    found = [Decimal(n) for n in _ITEM_POINTS.findall(halfwidth(text or ""))]
    return sum(found, Decimal(0)) if len(found) > 1 else None


def _fmt(d: Decimal | None) -> str:
    return "?" if d is None else format(d.normalize(), "f")


# --------------------------------------------------------------------------------------------
# Header block, budget block, kind and framework
# --------------------------------------------------------------------------------------------


def _read_block(ctx: _Ctx, rows: list[SourceRow]) -> None:
    table = ctx.table
    budget_row: SourceRow | None = None
    used: set[int] = set()  # rows read into the header/budget block; the others are reported (I010)
    for n, row in enumerate(rows):
        if row.is_blank:
            continue
        ne = row.nonempty
        # budget block header
        bt = [vocab.budget_title(c) if c else None for c in row.cells]
        if sum(1 for b in bt if b) >= 3:
            budget_row = row
            used.add(n)
            continue
        if budget_row is not None and table.budget is None:
            label_i = next((i for i, c in enumerate(row.cells) if c and vocab.BUDGET_ROW_LABEL.search(c)), None)
            if label_i is not None:
                table.budget = b = _budget_values(budget_row, row, label_i)
                _note_period(table, budget_row.cells)
                used.add(n)
                ctx.finding("I016", f"{row.where}：读取预算执行情况（{'、'.join(f'{_BUDGET_LABEL[f]} {v}' for f, v in b.to_dict().items() if v)}）", row)
                continue
        if _is_title(row):
            table.header.setdefault("标题", ne[0])
            used.add(n)
            continue
        i = 0
        cells = row.cells
        while i < len(cells):
            c = cells[i]
            if not c:
                i += 1
                continue
            lab, inline = [*re.split(r"[:：]", c, maxsplit=1), ""][:2] if re.search(r"[:：]", c) else (c, "")
            fld = _label_field(lab)
            if fld:
                value = inline.strip()
                j = i + 1
                if not value:
                    while j < len(cells) and not cells[j]:
                        j += 1
                    if j < len(cells) and not _label_field(cells[j]) and not vocab.END_ROW.match(cells[j]):
                        value = cells[j]
                        j += 1
                used.add(n)
                value = _MONEY_UNIT.sub("", value)  # "项目单位(盖章): 单位:万元": a unit of money, not a name
                if value and (_label_field(value) or vocab.column_role(value)) and n + 1 < len(rows):
                    below = rows[n + 1].nonempty  # a sub-title (预期目标): the text is on the row below
                    value = below[0] if below else ""
                    used.add(n + 1)
                if value and _HEADER_NAME[fld] not in table.header:
                    table.header[_HEADER_NAME[fld]] = value
                elif not value:
                    ctx.finding("I010", f"{row.where}：栏目“{lab}”没有填写内容", row)
                elif table.header[_HEADER_NAME[fld]] != value:
                    ctx.finding("I010", f"{row.where}：栏目“{lab}”再次出现，“{value}”未读取"
                                        f"（已读取“{table.header[_HEADER_NAME[fld]]}”）", row)
                i = j
                continue
            i += 1
    for n, row in enumerate(rows):
        if n not in used and not row.is_blank:
            text = "｜".join(row.nonempty)
            ctx.finding("I010", f"{row.where}：表格上方的“{text if len(text) <= 40 else text[:39] + '…'}”"
                                "不属于已识别的栏目（单位、项目、年度、目标、预算执行），未读取", row)
    h = table.header
    u = table.unit
    u.name = h.get("部门（单位）名称") or h.get("实施单位") or h.get("主管部门") or ""
    u.duties = h.get("部门（单位）职责", "")
    u.goals = h.get("年度目标", "")
    year = h.get("年度", "")
    for row in rows:
        if u.year:
            break
        for c in row.nonempty[:2]:
            m = vocab.YEAR_IN_TITLE.search(halfwidth(c))
            if m and (_is_title(row) or len(c) <= 16):
                u.year = next(g for g in m.groups() if g)
                break
    if not u.year and year:
        m = re.search(r"20\d{2}", halfwidth(year))
        u.year = m.group(0) if m else ""
    if not u.name:
        for row in rows:  # the unit printed alone above the table
            ne = row.nonempty
            if len(ne) == 1 and re.search(r"(?:局|委|办|院|校|中心|政府|站|所|队|馆|部|会|社|公司)$", ne[0]) \
                    and len(ne[0]) <= 30 and not _is_title(row):
                u.name = ne[0]
                break


_PERIOD = re.compile(r"^(?:20\d{2}年)?1\s*[-－—~～至到]\s*(\d{1,2})\s*月")


def _note_period(table: TargetTable, titles: list[str]) -> None:
    """The period of a 监控表 ("1-6月执行数", "1-7月执行情况") → header 监控期间 "1-6月" (序时进度 N/12)."""
    for c in titles:
        m = _PERIOD.match(halfwidth(c or "").replace(" ", ""))
        if m and 1 <= int(m.group(1)) <= 12:
            table.header.setdefault("监控期间", f"1-{int(m.group(1))}月")
            return


_MONEY_UNIT = re.compile(r"\s*(?:金额|资金)?单位\s*[:：]\s*[万千亿]?元\s*$")


def _budget_values(head: SourceRow, row: SourceRow, label_i: int) -> BudgetBlock:
    """The 年度资金总额 row under the budget titles: by position when the two rows line up (a
    structured source, or a copy that kept the blanks), else in order after the row's label."""
    titles = [(i, vocab.budget_title(c)) for i, c in enumerate(head.cells) if c]
    b = BudgetBlock(origin=row.origin())
    positional = [(f, row.cells[i]) for i, f in titles if f and f != "other" and i < len(row.cells) and i > label_i]
    if positional and any(parse_number(v) is not None for _, v in positional):
        pairs = positional
    else:
        first = next(n for n, (_, f) in enumerate(titles) if f)
        pairs = list(zip([f for _, f in titles[first:]], row.cells[label_i + 1:], strict=False))
    for f, v in pairs:
        if f and f != "other" and not getattr(b, f):
            setattr(b, f, v)
    return b


_HEADER_NAME = {"dept": "部门（单位）名称", "project": "项目名称", "authority": "主管部门", "implementer": "实施单位",
                "duties": "部门（单位）职责", "goals": "年度目标", "year": "年度", "leader": "负责人",
                "category": "项目属性", "period": "项目期限"}
_BUDGET_LABEL = {"initial": "年初预算数", "full_year": "全年预算数", "executed": "全年执行数", "points": "分值",
                 "rate": "执行率", "score": "得分"}


def _detect(ctx: _Ctx, above: list[SourceRow]) -> None:
    table = ctx.table
    title = table.header.get("标题", "")
    kind = None
    evidence = ""
    cols = table.columns or frozenset()
    # a 项目名称 label left empty (a blank form: the next cell empty too) makes it a project form; a
    # 项目名称 column title of a task list above the grid (项目名称 | 预算金额) does not
    project = "项目名称" in table.header or any(
        c and key(re.split(r"[:：]", c)[0]) == key("项目名称") and not re.split(r"[:：]", c + "：")[1].strip()
        and not "".join(r.cells[i + 1:i + 2]).strip()
        for r in above for i, c in enumerate(r.cells))
    for pat, k in vocab.KIND_TITLES:
        if title and pat.search(title):
            kind, evidence = k, f"标题“{title}”"
            if not re.search(r"项目|部门|整体|单位", title) and k != "monitoring":
                is_eval = "自评" in title or "评价" in title
                kind = ("project_" if project else "dept_") + ("self_eval" if is_eval else "target")
                evidence += "和" + ("项目名称" if project else "没有项目名称")
            break
    if kind is None:
        if "progress" in cols:
            kind, evidence = "monitoring", "有执行情况列"
        elif "own_score" in cols or "actual" in cols:
            kind = "project_self_eval" if project else "dept_self_eval"
            evidence = "有实际完成值/得分列" + ("和项目名称" if project else "")
        else:
            kind = "project_target" if project else "dept_target"
            evidence = "有项目名称" if project else "没有项目名称、实际完成值或得分列"
    table.kind = kind
    pairs = [(i.level1, i.level2) for i in table.indicators]
    fw, why = frameworks.detect_framework(pairs, table.unit.year)
    table.framework = fw.id
    from xlsxtools.profiles import profile_for

    prof = profile_for(table)
    ctx.finding("I009", f"表格类型：{frameworks.TableKind(kind).label}（依据：{evidence}）；指标体系：{fw.label}"
                        f"（依据：{why}）；检查规则：{prof.describe()}", None)


def _cannot_place(rows: list[SourceRow], found: str) -> str:
    return (f"没有找到指标表格，无法识别为绩效表格。查找的表格类型：{KINDS_LOOKED_FOR}；查找的列标题：{ROLES_LOOKED_FOR}"
            f"（或带 ≥ ≤ 等指标值类型的行）。实际看到：{found}")


def describe_found(rows: list[SourceRow]) -> str:
    seen = [r for r in rows if not r.is_blank][:3]
    if not seen:
        return "文件是空的"
    return "；".join(f"{r.where}“{'｜'.join(r.nonempty)[:40]}”" for r in seen)


def find_header(rows: list[SourceRow]) -> tuple[int, int] | None:
    for n, row in enumerate(rows):
        if _is_header(row):
            span = 1
            if n + 1 < len(rows) and _header_roles(rows[n + 1]) and len(_header_roles(rows[n + 1])) >= 2 \
                    and not any(_is_operator(c) for c in rows[n + 1].cells) and _is_subheader(rows[n + 1]):
                span = 2
            elif n + 1 < len(rows) and _period_subheader(row, rows[n + 1]):
                span = 2
            return n, span
        # a two-row header whose first row has only a few titles (绩效指标 | 年度指标值 | …)
        if n + 1 < len(rows) and _header_roles(row) and _is_subheader(row) and _is_header(
                SourceRow(_merge_cells(row.cells, rows[n + 1].cells), row.row, row.where)) \
                and _is_subheader(rows[n + 1]):
            return n, 2
    return None


_EXPECTED_COL = re.compile(r"预期|目标|计划|本年|当年|年度指标")
_PRIOR_COL = re.compile(r"实际|上年|以前|历史|\d{4}年实")


def _period_subheader(header: SourceRow, row: SourceRow) -> bool:
    """The row under a header that splits a spanned 指标值 into periods ("2021年实际实现值 |
    预期2022年实现值"): short texts only, no name, no level word, under or beside the target column."""
    ne = row.nonempty
    if not ne or len(ne) > 3 or any(len(c) > 16 or frameworks.level1_word(c) or frameworks.level2_word(c)
                                    or _is_operator(c) or parse_number(c) is not None for c in ne):
        return False
    return any(_EXPECTED_COL.search(c) for c in ne) and any(
        "target" in vocab.column_role(c) for c in header.cells if c)


def subheader_role(text: str) -> tuple[str, ...]:
    """The role of a period sub-title: the expected value is the target, a prior year's is not read."""
    if _PRIOR_COL.search(text) and not _EXPECTED_COL.search(text.replace("实际", "")):
        return ("prior",)
    if _EXPECTED_COL.search(text):
        return ("target",)
    return ()


def _is_subheader(row: SourceRow) -> bool:
    ne = row.nonempty
    return len(ne) >= 2 and all(vocab.column_role(c) for c in ne)


def _merge_cells(a: list[str], b: list[str]) -> list[str]:
    n = max(len(a), len(b))
    a = a + [""] * (n - len(a))
    b = b + [""] * (n - len(b))
    return [y or x for x, y in zip(a, b, strict=True)]


def read_tables(rows: list[SourceRow], source: str | None) -> list[TargetTable]:
    """Every indicator grid of a file → one table each (see the module docstring). A part of the
    file that holds no readable grid is reported row by row (I010) on the first table."""
    tables: list[TargetTable] = []
    skipped: list[tuple[list[SourceRow], str]] = []
    first_error: UnreadableFile | None = None
    for chunk in segment(rows):
        at = find_header(chunk)
        if at is None:
            if any(not r.is_blank for r in chunk):
                skipped.append((chunk, "没有指标表格的列标题"))
            continue
        try:
            tables.extend(read_table(chunk, source, *at))
        except UnreadableFile as exc:
            first_error = first_error or exc
            skipped.append((chunk, "列标题下没有指标行"))
    if not tables:
        if first_error is not None:
            raise first_error
        raise UnreadableFile(_cannot_place(rows, describe_found(rows)), file=source)
    if len(tables) > 1:
        names = "、".join(f"“{t.header.get('项目名称') or t.unit.name or '（未命名）'}”" for t in tables)
        for t in tables:
            t.findings.insert(0, codes.finding("I017", f"文件中有 {len(tables)} 张表（{names}），分别读取", None))
    for chunk, why in skipped:
        for r in chunk:
            if not r.is_blank:
                text = "｜".join(r.nonempty)
                tables[0].findings.append(codes.finding(
                    "I010", f"{r.where}：“{text if len(text) <= 40 else text[:39] + '…'}”不在任何指标表格中"
                            f"（这一段{why}），已跳过", r.origin()))
    return tables
