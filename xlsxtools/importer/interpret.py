"""The content-based interpreter: ``SourceRow``s of any reader → a ``TargetTable``.

Real tables are messy (domain.md §2, §5): merged cells lost, rows shifted left or right, points
written into the level-1 cell, header synonyms, a leading 绩效指标 column. So cells are read by
what they contain, not by where they sit:

- the 指标值类型 cell is the anchor (``normalize.normalize_type``);
- left of it: level-1 / level-2 vocabulary words (``layout``), the header word 绩效指标 (a stray
  from the leading column), and the indicator's own name (anything else);
- right of it: the target, then unit and explanation, then the rule (the cell that names points,
  read by ``xlsxtools.rules.parse_rule``) and the remark.

Every repair is reported as an I-code finding (``xlsxtools.codes``), in Chinese, naming the row.
Nothing is dropped: a row that cannot be placed is kept with what could be read (I005). The
table's own correctness (a level 2 under the wrong level 1, missing names, totals) is left to the
checks: the interpreter places cells, it does not judge them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from xlsxtools import codes, layout
from xlsxtools.errors import UnreadableFile
from xlsxtools.importer import vocab
from xlsxtools.importer.rows import SourceRow
from xlsxtools.model import Indicator, TargetTable
from xlsxtools.normalize import clean, halfwidth, key, normalize_type, parse_number

# --------------------------------------------------------------------------------------------
# Vocabulary lookups (by matching key, so width and punctuation do not matter)
# --------------------------------------------------------------------------------------------

_LEVEL1_BY_KEY = {key(v): v for v in layout.LEVEL1}
_LEVEL2_BY_KEY = {key(v): v for v in layout.LEVEL2}
#: Title of the leading column of the 10-column variant; in data rows it is a stray.
_LEAD_TITLE = "绩效指标"
_LEAD_KEY = key(_LEAD_TITLE)

#: Grid header title key → (field key, canonical title): the template's titles, and for its
#: columns every synonym of the one table ``importer.vocab.COLUMN_SYNONYMS``.
_GRID_TITLES: dict[str, tuple[str, str]] = {}
for _col in layout.TARGET_COLUMNS:
    for _t in (*_col.titles, *vocab.COLUMN_SYNONYMS.get(_col.key, ())):
        _GRID_TITLES.setdefault(key(_t), (_col.key, _col.title))

_HEADER_TITLES: dict[str, tuple[str, str]] = {}
for _f in layout.HEADER_FIELDS:
    for _t in _f.titles:
        _HEADER_TITLES.setdefault(key(_t), (_f.key, _f.title))
#: Labels met above real tables that the template does not use as titles.
_NAME_TITLE = layout.HEADER_FIELDS[0].title
for _t in ("填报单位", "编制单位", "单位", "预算单位", "部门(单位)"):
    _HEADER_TITLES.setdefault(key(_t), ("name", _NAME_TITLE))

_FOOTER_RE = re.compile("(" + "|".join(re.escape(f.title) for f in layout.FOOTER_FIELDS) + r")\s*[:：]?")
_FOOTER_START_RE = re.compile(
    "^(" + "|".join(re.escape(f.title) for f in layout.FOOTER_FIELDS) + r")\s*([:：]|$)")
_FOOTER_KEY_BY_TITLE = {f.title: f.key for f in layout.FOOTER_FIELDS}
_NOTES_RE = re.compile(r"^(?:(?:填表)?说明\s*(?:[:：]|$)|注\s*\d*\s*[:：])")
_TITLE_RE = re.compile(r"绩效目标表|绩效目标申报表")
_YEAR_RE = re.compile(r"[(（]\s*(\d{4})\s*[)）]\s*年度?|(\d{4})\s*年度")

_POINTS_IN_LABEL = re.compile(r"^(?P<base>.*?)[\s(（]*(?P<pts>\d+(?:\.\d+)?)\s*分[\s)）]*$")
_RULE_HINT = re.compile(r"得.{0,12}分|扣.{0,8}分|不得分|计分|赋分")
_SENTENCE_MARK = re.compile(r"[，,。；;：:、！？!?]")

EXPECTED_TYPE_INDEX = 3  # level1, level2, name, type … in the 9-column form


def _strip_points(text: str) -> tuple[str, Decimal | None]:
    """"成本指标 (20分)" → ("成本指标", 20) when the base is a vocabulary word; else (text, None)."""
    if len(text) > 64:  # no level label is this long (and the pattern is quadratic on long digit runs)
        return text, None
    m = _POINTS_IN_LABEL.match(halfwidth(text))
    if m:
        base = m.group("base").strip()
        if key(base) in _LEVEL1_BY_KEY or key(base) in _LEVEL2_BY_KEY:
            return base, Decimal(m.group("pts"))
    return text, None


def _vocab(text: str) -> tuple[str, str] | None:
    """("level1" | "level2", canonical word) for a vocabulary word (also "产出" for 产出指标)."""
    k = key(text)
    for kk in (k, k + "指标"):
        if kk in _LEVEL1_BY_KEY:
            return "level1", _LEVEL1_BY_KEY[kk]
        if kk in _LEVEL2_BY_KEY:
            return "level2", _LEVEL2_BY_KEY[kk]
    return None


def _parse_rule(text: str):  # -> ParsedRule
    from xlsxtools.rules import parse_rule

    return parse_rule(text)


def _is_rule(text: str) -> bool:
    """Does this cell look like a 评（扣）分标准 (it names points)?"""
    if not text or "分" not in text:
        return False
    if _RULE_HINT.search(text):
        return True
    return _parse_rule(text).points is not None


def _rule_position(texts: list[str]) -> int | None:
    """Which of the cells after the target is the rule: one that names points, at the canonical
    place (third after the target) when it is a candidate there, else the first candidate."""
    candidates = [j for j, t in enumerate(texts) if _is_rule(t)]
    if not candidates:
        return None
    with_points = [j for j in candidates if _parse_rule(texts[j]).points is not None] or candidates
    return 2 if 2 in with_points else with_points[0]


def _is_unit(text: str) -> bool:
    """A short unit token (个, 次, %, 万元, 个村 …), not a sentence."""
    if not text:
        return False
    t = halfwidth(text).strip()
    if t in layout.COMMON_UNITS:
        return True
    return len(t) <= 5 and not _SENTENCE_MARK.search(t) and not any(ch.isdigit() for ch in t) and "分" not in t


# --------------------------------------------------------------------------------------------
# Grid header
# --------------------------------------------------------------------------------------------


@dataclass
class GridHeader:
    row: SourceRow
    #: field key → cell index
    index: dict[str, int]
    lead: int | None  # index of a leading 绩效指标 column
    synonyms: list[tuple[str, str]]  # (seen title, canonical title)


def _match_grid_header(row: SourceRow) -> GridHeader | None:
    index: dict[str, int] = {}
    synonyms: list[tuple[str, str]] = []
    lead = None
    for i, cell in enumerate(row.cells):
        if not cell:
            continue
        k = key(cell)
        if k == _LEAD_KEY and not index:
            lead = i
            continue
        hit = _GRID_TITLES.get(k)
        if hit and hit[0] not in index:
            index[hit[0]] = i
            if k != key(hit[1]):
                synonyms.append((cell, hit[1]))
    if len(index) >= 4 and "type" in index:
        return GridHeader(row, index, lead, synonyms)
    return None


# --------------------------------------------------------------------------------------------
# Grid rows
# --------------------------------------------------------------------------------------------


@dataclass
class _Placed:
    """One grid row read by content, before filling down."""

    row: SourceRow
    ind: Indicator
    idx: dict[str, int] = field(default_factory=dict)  # field → source cell index
    given_l1: bool = False
    given_l2: bool = False
    detached: bool = False
    repairs: list[str] = field(default_factory=list)  # I002 notes
    normalised: list[str] = field(default_factory=list)  # I006 notes
    unplaced: str = ""  # I005 note
    unit_sentence: str = ""  # a sentence standing where the unit cell should be (V004)
    subtotal: tuple[str, Decimal, str] | None = None  # (level1, points, raw cell)


def _place_row(row: SourceRow, type_index: int, expected: int) -> _Placed:
    """Read one row that has a 指标值类型 cell at ``type_index``."""
    cells = row.cells
    ind = Indicator()
    p = _Placed(row, ind)
    combined = _split_type(cells[type_index]) if normalize_type(cells[type_index]) is None else None
    if combined and type_index == expected + 1 and not cells[expected]:
        shift = 0  # type column left blank, "≥95" written in the 指标值 column
    else:
        shift = type_index - expected
    if shift:
        side = "左" if type_index < expected else "右"
        p.repairs.append(f"指标值类型在{_pos(row, type_index)}，应在{_pos(row, expected)}（整行向{side}错位"
                         f"{abs(expected - type_index)}格）")

    # ---- left of the type: vocabulary, strays, the name
    names: list[tuple[int, str]] = []
    slot_names = ["level1", "level2", "name"]
    slot_of = {expected - 3 + j: s for j, s in enumerate(slot_names)}
    for i in range(type_index):
        text = cells[i]
        if not text:
            continue
        base, pts = _strip_points(text)
        voc = _vocab(base)
        if voc and not (voc[0] == "level1" and p.given_l1) and not (voc[0] == "level2" and p.given_l2):
            kind, word = voc
            if kind == "level1":
                ind.level1, p.given_l1 = word, True
            else:
                ind.level2, p.given_l2 = word, True
            p.idx[kind] = i
            if pts is not None:
                p.subtotal = (word, pts, text)
            if word != text and pts is None:
                p.normalised.append(f"“{text}”读作“{word}”")
            if type_index == expected and slot_of.get(i) not in (None, kind):
                p.repairs.append(f"{_title(kind)}“{word}”写在了{_title(slot_of[i])}列")
        elif key(text) == _LEAD_KEY:
            p.detached = True
            p.repairs.append(f"{_pos(row, i)}是表头文字“{text}”，不是指标内容，已忽略该格")
        else:
            names.append((i, text))
    if names:
        i, text = names[-1]
        ind.name, p.idx["name"] = text, i
        if len(names) > 1:
            extra = "；".join(t for _, t in names[:-1])
            ind.remark = extra
            p.unplaced = (f"指标值类型前有多个无法识别的单元格，取“{text}”为三级指标，"
                          f"其余（{extra}）放入备注，请核对")
        elif type_index == expected and slot_of.get(i) not in (None, "name"):
            p.repairs.append(f"三级指标“{text}”写在了{_title(slot_of[i])}列")
    elif shift:
        p.repairs.append("本行没有三级指标名称")

    # ---- the type
    raw_type = cells[type_index]
    p.idx["type"] = type_index
    right = list(range(type_index + 1, len(cells)))
    while right and not cells[right[-1]]:
        right.pop()
    if combined:
        ind.type, ind.target = combined
        p.idx["target"] = type_index
        p.normalised.append(f"“{raw_type}”拆为指标值类型“{ind.type}”和指标值“{ind.target}”")
        rest = right
    else:
        ind.type = normalize_type(raw_type) or raw_type
        if ind.type != raw_type:
            p.normalised.append(f"指标值类型“{raw_type}”规范为“{ind.type}”")
        # ---- right of the type: target, unit, explanation, rule, remark
        if right:
            ind.target, p.idx["target"] = cells[right[0]], right[0]
        rest = right[1:]
    rule_pos = _rule_position([cells[i] for i in rest])
    if rule_pos is None:
        slots = dict(zip(("unit", "explanation", "rule_text"), rest[:3], strict=False))
        after = rest[3:]
    else:
        slots = {"rule_text": rest[rule_pos]}
        before = rest[:rule_pos]
        after = rest[rule_pos + 1:]
        if len(before) == 2:
            slots["unit"], slots["explanation"] = before
        else:
            if len(before) == 0:
                p.repairs.append("计量单位和指标解释两格缺失，评（扣）分标准紧跟指标值")
            elif len(before) == 1:
                if _is_unit(cells[before[0]]):
                    slots["unit"] = before[0]
                    p.repairs.append("缺少指标解释一格")
                else:
                    slots["explanation"] = before[0]
                    p.repairs.append("缺少计量单位一格（“" + _short(cells[before[0]]) + "”是指标解释）")
                    p.unit_sentence = cells[before[0]]
            else:
                first, *others = before
                if not cells[first] or _is_unit(cells[first]):
                    slots["unit"] = first
                else:
                    others = before
                texts = [cells[i] for i in others if cells[i]]
                if len(texts) > 1:
                    p.repairs.append(f"指标值与评（扣）分标准之间多出{len(before) - 2}格，已合并为指标解释")
                elif len(before) > 2:
                    p.repairs.append(f"指标值与评（扣）分标准之间多出{len(before) - 2}个空格")
                if texts:
                    slots["explanation"] = next(i for i in others if cells[i])
                    ind.explanation = " ".join(texts)
    for fkey, i in slots.items():
        p.idx[fkey] = i
        if fkey == "explanation" and ind.explanation:
            continue
        setattr(ind, fkey, cells[i])
    remark = [cells[i] for i in after if cells[i]]
    if remark:
        p.idx.setdefault("remark", next(i for i in after if cells[i]))
        ind.remark = "；".join([x for x in (ind.remark, *remark) if x])

    _normalise_values(p)
    return p


def _normalise_values(p: _Placed) -> None:
    """Half-width digits and % in quantitative targets and units; split "95%" into 95 and %."""
    ind = p.ind
    if ind.unit:
        unit = halfwidth(ind.unit).replace("％", "%")
        if unit != ind.unit:
            p.normalised.append(f"计量单位“{ind.unit}”规范为“{unit}”")
            ind.unit = unit
    if ind.type in layout.QUANT_TYPES and ind.target:
        raw = ind.target
        t = halfwidth(raw).replace(" ", "")
        if parse_number(t) is not None and not t.endswith("%"):
            new = t
        else:
            m = re.match(r"^([+-]?\d[\d,]*(?:\.\d+)?)\s*(%|[^\d\s]{1,4})$", t)
            if m and ind.unit and m.group(2) == ind.unit:
                new = m.group(1)  # "95%" with unit "%": the unit was written twice
            elif m and not ind.unit:
                new, ind.unit = m.group(1), m.group(2)
                p.normalised.append(f"指标值“{raw}”拆为数值“{new}”和计量单位“{ind.unit}”")
                ind.target = new
                return
            else:
                new = raw
        if new != raw:
            p.normalised.append(f"指标值“{raw}”规范为“{new}”")
            ind.target = new


def _place_unplaceable(row: SourceRow) -> _Placed:
    """A grid row without a 指标值类型: keep whatever can be read by content (I005)."""
    ind = Indicator()
    p = _Placed(row, ind)
    texts: list[tuple[int, str]] = []
    for i, text in enumerate(row.cells):
        if not text:
            continue
        base, pts = _strip_points(text)
        voc = _vocab(base)
        if voc and not getattr(ind, voc[0]):
            setattr(ind, voc[0], voc[1])
            p.idx[voc[0]] = i
            if voc[0] == "level1":
                p.given_l1 = True
            else:
                p.given_l2 = True
            if pts is not None:
                p.subtotal = (voc[1], pts, text)
        elif not ind.rule_text and _is_rule(text):
            ind.rule_text, p.idx["rule_text"] = text, i
        elif not ind.target and parse_number(text) is not None and ind.name:
            ind.target, p.idx["target"] = text, i
        elif ind.target and not ind.unit and "unit" not in p.idx and _is_unit(text) and p.idx["target"] == i - 1:
            ind.unit, p.idx["unit"] = text, i
        else:
            texts.append((i, text))
    if texts and not ind.name:
        i, ind.name = texts[0]
        p.idx["name"] = i
        texts = texts[1:]
    if texts:
        ind.explanation = " ".join(t for _, t in texts)
        p.idx["explanation"] = texts[0][0]
    seen = "、".join(f"“{_short(c)}”" for c in row.cells if c)
    p.unplaced = (f"找不到指标值类型（≥ > = ≤ < 或 定性），无法可靠归位；读到{seen}，"
                  "已按内容原样保留为一个指标，请核对")
    return p


# --------------------------------------------------------------------------------------------
# The whole table
# --------------------------------------------------------------------------------------------


def _type_index(row: SourceRow) -> int | None:
    """Index of the 指标值类型 cell: a type symbol, else a cell such as "≥95%" (type and target)."""
    for i, c in enumerate(row.cells):
        if c and normalize_type(c) is not None:
            return i
    for i, c in enumerate(row.cells):
        if c and _split_type(c) is not None:
            return i
    return None


_TYPE_PREFIX = re.compile(
    r"^(大于或等于|小于或等于|大于等于|小于等于|不低于|不少于|不高于|不超过|>=|<=|=>|=<|≥|≤|≧|≦|大于|小于|等于|高于|低于|>|<|=)"
    r"\s*([+-]?\d[\d,]*(?:\.\d+)?\s*\S{0,4})$")


def _split_type(text: str) -> tuple[str, str] | None:
    """"≥95%" → ("≥", "95%"); None unless the cell is a type word followed by a number."""
    m = _TYPE_PREFIX.match(halfwidth(text).strip())
    if not m:
        return None
    sym = normalize_type(m.group(1))
    return (sym, m.group(2).strip()) if sym else None


def _first_footer_or_notes(rows: list[SourceRow], start: int) -> int:
    for n in range(start, len(rows)):
        first = next((c for c in rows[n].cells if c), "")
        if not first:
            continue
        if _type_index(rows[n]) is not None:
            continue
        if _NOTES_RE.match(first) or any(_FOOTER_START_RE.match(c) for c in rows[n].cells if c):
            return n
    return len(rows)


def grid_score(rows: list[SourceRow]) -> int:
    """How much a sheet looks like an indicator grid: rows with a type cell, plus 100 for a header."""
    typed = sum(1 for r in rows if _type_index(r) is not None and len(r.nonempty) >= 3)
    has_header = any(_match_grid_header(r) for r in rows)
    return typed + (100 if has_header and typed else 0)


def interpret(rows: list[SourceRow], source: str | None) -> TargetTable:
    """Rows of one source → a TargetTable with findings for every repair."""
    table = TargetTable(source=source)
    where_all = source or "粘贴的内容"

    header_at: int | None = None
    header: GridHeader | None = None
    for n, row in enumerate(rows):
        h = _match_grid_header(row)
        if h:
            header_at, header = n, h
            break

    if header_at is not None:
        grid_start = header_at + 1
    else:
        typed = [n for n, r in enumerate(rows) if _type_index(r) is not None and len(r.nonempty) >= 3]
        if not typed:
            raise UnreadableFile("没有找到指标表格：既没有“一级指标 / 三级指标 / 指标值类型”等列标题，"
                                 "也没有带指标值类型（≥ > = ≤ < 定性）的行", file=where_all)
        grid_start = typed[0]
    grid_end = _first_footer_or_notes(rows, grid_start)

    expected = _expected_type_index(header, rows[grid_start:grid_end])

    # ---- header block
    _read_header_block(rows[: header_at if header_at is not None else grid_start], table)
    if header:
        for seen, canonical in header.synonyms:
            table.findings.append(codes.finding(
                "I004", f"{header.row.where}：列标题“{seen}”按“{canonical}”识别", header.row.origin()))
        if header.lead is not None:
            table.findings.append(codes.finding(
                "I004", f"{header.row.where}：表头有前导列“{_LEAD_TITLE}”（10列格式），已按9列模板对应",
                header.row.origin()))

    # ---- grid
    placed: list[_Placed] = []
    for row in rows[grid_start:grid_end]:
        if row.is_blank:
            continue
        if _match_grid_header(row):
            table.findings.append(codes.finding(
                "I008", f"{row.where}：重复的列标题行（跨页表头），已跳过", row.origin()))
            continue
        t = _type_index(row)
        placed.append(_place_row(row, t, expected) if t is not None else _place_unplaceable(row))
    if not any(p.ind.type for p in placed):
        raise UnreadableFile("没有找到指标行：表格中没有一行带指标值类型（≥ > = ≤ < 定性）", file=where_all)

    # a blank level cell is located where the header puts that column
    for p in placed:
        for fkey, offset in (("level1", 3), ("level2", 2)):
            default = header.index.get(fkey) if header else expected - offset
            if fkey not in p.idx and default is not None and default >= 0:
                p.idx[fkey] = default
    _fill_levels(placed, table)
    for p in placed:
        _finish(p, table)

    # ---- footer and notes
    _read_footer(rows[grid_end:], table)
    return table


def _expected_type_index(header: GridHeader | None, rows: list[SourceRow]) -> int:
    if header is not None:
        return header.index["type"]
    counts: dict[int, int] = {}
    for r in rows:
        t = _type_index(r)
        if t is not None:
            counts[t] = counts.get(t, 0) + 1
    if not counts:
        return EXPECTED_TYPE_INDEX
    best = max(counts.values())
    return min((t for t, c in counts.items() if c == best), key=lambda t: abs(t - EXPECTED_TYPE_INDEX))


def _fill_levels(placed: list[_Placed], table: TargetTable) -> None:
    """Fill blank level 1/2 cells (lost merges) by vocabulary and from the rows above."""
    prev1 = prev2 = ""
    for n, p in enumerate(placed):
        ind, origin = p.ind, p.row.origin(p.idx if p.row.sheet is not None else None)
        if p.unplaced and not ind.type:
            # nothing reliable to fill from: keep as read
            prev1, prev2 = ind.level1 or prev1, ind.level2 or prev2
            continue
        filled1 = filled2 = ""
        if not ind.level1:
            parent = layout.LEVEL1_OF_LEVEL2.get(ind.level2)
            if parent and parent != prev1:
                ind.level1 = parent
                why = f"上一行为“{prev1}”，但" if prev1 else ""
                table.findings.append(codes.finding(
                    "I007", f"{p.row.where}：一级指标为空，{why}二级指标“{ind.level2}”属于“{parent}”，"
                            f"已填为“{parent}”", origin, "level1"))
            elif prev1:
                ind.level1 = filled1 = prev1
        if not ind.level2:
            nxt = placed[n + 1] if n + 1 < len(placed) else None
            if (p.detached and nxt is not None and nxt.given_l2 and not nxt.given_l1
                    and layout.LEVEL1_OF_LEVEL2.get(nxt.ind.level2) == ind.level1 and nxt.ind.level2 != prev2):
                ind.level2 = nxt.ind.level2
                table.findings.append(codes.finding(
                    "I001", f"{p.row.where}：二级指标为空，且本行的合并单元格已断开（含表头文字）；"
                            f"下一行开始的“{ind.level2}”合并单元格文字居中显示在下一行，已填为“{ind.level2}”",
                    origin, "level2"))
            elif prev2 and ind.level1 == prev1 and not p.given_l1:
                ind.level2 = filled2 = prev2
        if filled1 and filled2:
            table.findings.append(codes.finding(
                "I001", f"{p.row.where}：一级、二级指标为空（合并单元格），已按上一行填为“{filled1}”“{filled2}”",
                origin, "level1"))
        elif filled1 or filled2:
            what, value, fkey = ("一级指标", filled1, "level1") if filled1 else ("二级指标", filled2, "level2")
            table.findings.append(codes.finding(
                "I001", f"{p.row.where}：{what}为空（合并单元格），已按上一行填为“{value}”", origin, fkey))
        prev1, prev2 = ind.level1, ind.level2


def _finish(p: _Placed, table: TargetTable) -> None:
    ind, row = p.ind, p.row
    ind.origin = row.origin(p.idx if row.sheet is not None else None)
    origin = ind.origin
    label = f"“{ind.name}”" if ind.name else ""
    if p.subtotal:
        level1, pts, raw = p.subtotal
        if level1 in layout.LEVEL1:
            table.declared_subtotals[level1] = pts
        table.findings.append(codes.finding(
            "I003", f"{row.where}：一级指标单元格“{raw}”含分值，已改为“{level1}”，{pts}分记为该一级指标的声明小计",
            origin, "level1"))
    if p.repairs:
        table.findings.append(codes.finding(
            "I002", f"{row.where}{label}：" + "；".join(p.repairs) + "；已按内容重新对齐", origin))
    if p.unit_sentence:
        # The source itself is defective (the form shows a sentence under 计量单位 and the rule under
        # 指标解释); the repair above fixes the import, this tells the unit what its table shows.
        table.findings.append(codes.finding(
            "V004", f"{row.where}{label}：计量单位一列填的是句子“{_short(p.unit_sentence)}”，"
            "其后的评（扣）分标准也随之错到了指标解释一列；计量单位应为空（定性）或短单位，请在原表中改正", origin, "unit"))
    if p.normalised:
        table.findings.append(codes.finding("I006", f"{row.where}{label}：" + "；".join(p.normalised), origin))
    if p.unplaced:
        table.findings.append(codes.finding("I005", f"{row.where}：{p.unplaced}", origin))
    ind.weight = _parse_rule(ind.rule_text).points if ind.rule_text else None
    table.indicators.append(ind)


# --------------------------------------------------------------------------------------------
# Header block and footer
# --------------------------------------------------------------------------------------------


def _split_label(cell: str) -> tuple[str, str]:
    m = re.match(r"^(.*?)\s*[:：]\s*(.*)$", cell)
    return (m.group(1), m.group(2)) if m else (cell, "")


def _read_header_block(rows: list[SourceRow], table: TargetTable) -> None:
    unit = table.unit
    standalone: list[tuple[SourceRow, str]] = []
    for row in rows:
        cells = row.nonempty
        if not cells:
            continue
        first = cells[0]
        label, inline = _split_label(first)
        hit = _HEADER_TITLES.get(key(label))
        if hit:
            fkey, canonical = hit
            value = inline or " ".join(cells[1:])
            li = row.cells.index(first)
            value_index = li if inline else next((i for i in range(li + 1, len(row.cells)) if row.cells[i]), None)
            if fkey == "year":
                m = re.search(r"\d{4}", halfwidth(value))
                value = m.group(0) if m else value
            setattr(unit, fkey, value)
            unit.origins[fkey] = row.origin({fkey: value_index} if value_index is not None else None)
            if key(label) != key(canonical):
                table.findings.append(codes.finding(
                    "I004", f"{row.where}：栏目“{label}”按“{canonical}”识别", row.origin()))
            continue
        text = " ".join(cells)
        m = _YEAR_RE.search(halfwidth(text))
        if m and not unit.year:
            unit.year = m.group(1) or m.group(2)
            unit.origins["year"] = row.origin({"year": row.cells.index(first)})
        if (m and len(text) <= 20) or _TITLE_RE.search(text):
            continue
        standalone.append((row, text))
    for row, text in standalone:
        if text == unit.name:
            continue  # the unit name printed above the table
        if not unit.name and len(row.nonempty) == 1 and len(text) <= 40:
            unit.name = text
            unit.origins["name"] = row.origin({"name": row.cells.index(row.nonempty[0])})
            continue
        table.findings.append(codes.finding(
            "I008", f"{row.where}：表格上方的“{_short(text)}”不属于任何栏目，已跳过", row.origin()))


def _read_footer(rows: list[SourceRow], table: TargetTable) -> None:
    unit = table.unit
    notes: list[SourceRow] = []
    for row in rows:
        if row.is_blank:
            continue
        if notes or _NOTES_RE.match(row.nonempty[0]):
            notes.append(row)
            continue
        found = False
        pending: str | None = None  # a label whose value is in a following cell
        for i, cell in enumerate(row.cells):
            if not cell:
                continue
            matches = list(_FOOTER_RE.finditer(cell))
            if not matches:
                if pending is not None:
                    setattr(unit, pending, cell)
                    unit.origins[pending] = row.origin({pending: i})
                    pending = None
                continue
            found = True
            pending = None
            lead = cell[: matches[0].start()].strip()
            if lead:
                table.findings.append(codes.finding(
                    "I008", f"{row.where}：“{_short(lead)}”不属于任何栏目，已跳过", row.origin()))
            for j, m in enumerate(matches):
                end = matches[j + 1].start() if j + 1 < len(matches) else len(cell)
                fkey = _FOOTER_KEY_BY_TITLE[m.group(1)]
                value = clean(cell[m.end():end])
                if value:
                    setattr(unit, fkey, value)
                    unit.origins[fkey] = row.origin({fkey: i})
                else:
                    unit.origins.setdefault(fkey, row.origin({fkey: i}))
                    pending = fkey if j + 1 == len(matches) else None
        if not found:
            table.findings.append(codes.finding(
                "I008", f"{row.where}：表格下方的“{_short(' '.join(row.nonempty))}”不属于任何栏目，已跳过",
                row.origin()))
    if notes:
        first, last = notes[0], notes[-1]
        span = first.where if first is last else f"{first.where}至{last.where}"
        table.findings.append(codes.finding(
            "I008", f"{span}：表格下方的填表说明（{len(notes)}行），已跳过", first.origin()))


# --------------------------------------------------------------------------------------------


def _pos(row: SourceRow, index: int) -> str:
    """A cell position for messages: the column letter in a workbook, else "第N格"."""
    letter = row.letter(index)
    return f"{letter}列" if letter else f"第{index + 1}格"


def _title(field_key: str) -> str:
    return {c.key: c.title for c in layout.TARGET_COLUMNS}[field_key]


def _short(text: str, n: int = 20) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"
