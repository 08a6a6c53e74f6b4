"""The analysis report's content, built from plain values (pure core: no file, no workbook library).

:func:`build_report` turns the rows of a summary (:class:`~xlsxtools.report.source.SummaryData`, or
any object with the same attributes) into a :class:`Report`: the county's 部门整体支出绩效自评汇总分析
draft (overview, grade distribution, scores, top and bottom units, indicators most often missed,
most common defects by code, units that changed approved targets, units that did not submit,
budget execution) and per unit a 绩效自评报告 draft whose 评价结论 / 存在问题 / 改进措施 are filled
from its scores and findings, each within :data:`FIELD_LIMIT` characters as the budget system's
forms ask. The writer (:mod:`xlsxtools.report.docx_edge`) only lays it out.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from xlsxtools import layout
from xlsxtools.consolidate.state import mean
from xlsxtools.normalize import percent_text

#: Characters the budget system's 评价结论 / 存在问题 / 改进措施 fields take.
FIELD_LIMIT = 200
#: How many units the top and bottom tables list, and rows the "most often" tables list.
TOP_N = 5
MOST_N = 10
#: Budget execution below this rate is called slow.
LOW_RATE = 0.9
GRADES = tuple(g for _, g in layout.GRADE_BANDS)


class SummaryLike(Protocol):
    units: list[dict[str, Any]]
    indicators: list[dict[str, Any]]
    findings: list[dict[str, Any]]
    missing: list[dict[str, Any]]
    about: dict[str, str]


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]
    #: Relative column widths (the writer scales them to the page).
    widths: list[float] = field(default_factory=list)


@dataclass
class Chart:
    """A bar chart: ``kind`` "column" (vertical) or "bar" (horizontal, first label on top)."""

    kind: str
    title: str
    labels: list[str]
    values: list[float]
    axis: str = ""
    max: float | None = None
    #: Format of the value labels ("{:.0f}", "{:.2f}").
    label_format: str = "{:.2f}"


Block = str | Table | Chart


@dataclass
class Section:
    title: str
    blocks: list[Block] = field(default_factory=list)


@dataclass
class UnitReport:
    """One unit's 绩效自评报告 draft."""

    unit: str
    facts: Table
    conclusion: str
    problems: str
    measures: str


@dataclass
class Report:
    title: str
    subtitle: str
    sections: list[Section]
    units: list[UnitReport]
    #: The numbers the overview states (for tests and the command's closing line).
    counts: dict[str, int] = field(default_factory=dict)


# ----------------------------------------------------------------------------------------------
# Small helpers
# ----------------------------------------------------------------------------------------------


def clip(text: str, limit: int = FIELD_LIMIT) -> str:
    """``text`` cut to at most ``limit`` characters, ending "……" when cut (at a clause where possible)."""
    text = text.strip()
    if len(text) <= limit:
        return text
    room = limit - 1
    cut = max(text.rfind(p, 0, room) for p in "；。，")
    end = cut + 1 if cut >= room // 2 else room
    return text[:end].rstrip("；，") + "…"


def _num(v: Any) -> float | None:
    if isinstance(v, bool) or v is None:
        return None
    if isinstance(v, int | float):
        return float(v)
    try:
        return float(str(v).replace(",", ""))
    except ValueError:
        return None


def score_text(v: Any) -> str:
    n = _num(v)
    return "" if n is None else f"{n:.2f}"


def pct_text(v: Any) -> str:
    return percent_text(_num(v), "")


def money_text(v: Any) -> str:
    n = _num(v)
    return "" if n is None else f"{n:,.2f}"


def _rank(v: Any) -> int | None:
    n = _num(v)
    return int(n) if n is not None else None


def _list(names: Sequence[str], most: int = 3) -> str:
    shown = "、".join(f"「{n or '未命名指标'}」" for n in names[:most])
    return shown + (f"等 {len(names)} 项" if len(names) > most else "")


# ----------------------------------------------------------------------------------------------
# The units
# ----------------------------------------------------------------------------------------------


@dataclass
class _Unit:
    row: dict[str, Any]
    indicators: list[dict[str, Any]]
    findings: list[dict[str, Any]]

    @property
    def name(self) -> str:
        return str(self.row.get("unit") or "")

    @property
    def readable(self) -> bool:
        return str(self.row.get("status") or "") != "无法读取"

    @property
    def complete(self) -> bool:
        return self.row.get("complete") == "是"

    @property
    def total(self) -> float | None:
        return _num(self.row.get("total"))

    @property
    def tampered(self) -> bool:
        return str(self.row.get("tamper") or "").startswith("已改动")

    def missed(self) -> list[dict[str, Any]]:
        """Indicators that scored below their points (the target was missed)."""
        out = []
        for ind in self.indicators:
            w, s = _num(ind.get("weight")), _num(ind.get("score"))
            if w is not None and s is not None and s < w - 1e-9:
                out.append(ind)
        return out

    def unscored(self) -> list[dict[str, Any]]:
        return [ind for ind in self.indicators if _num(ind.get("score")) is None]

    def own_errors(self) -> list[dict[str, Any]]:
        """Errors in the unit's own tables (not the consolidation's C findings)."""
        return [f for f in self.findings if f.get("severity") == "错误" and not str(f.get("code") or "").startswith("C")]


def _units(data: SummaryLike) -> list[_Unit]:
    by_unit_ind: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for ind in data.indicators:
        by_unit_ind[str(ind.get("unit") or "")].append(ind)
    by_unit_find: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for f in data.findings:
        by_unit_find[str(f.get("unit") or "")].append(f)
    return [_Unit(r, by_unit_ind.get(str(r.get("unit") or ""), []), by_unit_find.get(str(r.get("unit") or ""), []))
            for r in data.units]


# ----------------------------------------------------------------------------------------------
# The county's analysis
# ----------------------------------------------------------------------------------------------


def _overview(units: list[_Unit], data: SummaryLike, counts: dict[str, int]) -> Section:
    readable = [u for u in units if u.readable]
    complete = [u for u in readable if u.complete and u.total is not None]
    missing = [m for m in data.missing if m.get("kind") in ("名册中未提交", "提交的文件无法读取")]
    tampered = [u for u in readable if u.tampered]
    counts.update(workbooks=len(units), units=len(readable), complete=len(complete), unreadable=len(units) - len(readable),
                  missing=len(missing), tampered=len(tampered))
    avg = mean(u.total for u in complete)
    text = (f"本次共收到 {len(units)} 个单位的自评工作簿，其中 {len(readable)} 个可以读取并计入汇总，"
            f"{len(complete)} 个自评完整（每个指标都有得分、预算执行可计分）并参与排名")
    if len(units) > len(readable):
        text += f"，{len(units) - len(readable)} 个工作簿无法读取"
    text += "。"
    if data.about.get("名册") and data.about.get("名册") != "未提供":
        text += f"对照名册，有 {len(missing)} 个单位未提交或提交的文件无法读取。"
    if avg is not None:
        text += f"自评完整单位的平均总分为 {avg:.2f} 分。"
    blocks: list[Block] = [text]
    facts = [["收到的工作簿", f"{len(units)} 个"], ["计入汇总的单位", f"{len(readable)} 个"],
             ["自评完整（参与排名）", f"{len(complete)} 个"], ["无法读取", f"{len(units) - len(readable)} 个"],
             ["名册中未提交", f"{len(missing)} 个" if data.about.get("名册", "未提供") != "未提供" else "未提供名册"],
             ["核定目标被改动", f"{len(tampered)} 个" if data.about.get("核定基线", "").startswith("未提供") is False
              and data.about.get("核定基线") else "未提供核定基线"],
             ["平均总分（自评完整单位）", f"{avg:.2f}" if avg is not None else "—"]]
    blocks.append(Table(["项目", "数量"], facts, [3, 2]))
    if data.about.get("扣分步长方式"):
        blocks.append(f"计分口径：扣分步长 {data.about['扣分步长方式']}；分值要求 {data.about.get('分值要求', '')}。")
    return Section("一、总体情况", blocks)


def _grades(units: list[_Unit]) -> Section:
    readable = [u for u in units if u.readable]
    counts = [sum(1 for u in readable if u.row.get("grade") == g) for g in GRADES]
    unrated = sum(1 for u in readable if not u.row.get("grade"))
    n = max(1, len(readable))
    rows = [[g, f"{c}", f"{c / n * 100:.1f}%"] for g, c in zip(GRADES, counts, strict=True)]
    rows.append(["未评定（自评不完整）", f"{unrated}", f"{unrated / n * 100:.1f}%"])
    text = "、".join(f"“{g}” {c} 个" for g, c in zip(GRADES, counts, strict=True)) + f"，未评定 {unrated} 个。"
    text = "按总分评定等级（90 分及以上为优，80–90 分为良，60–80 分为中，60 分以下为差）：" + text
    chart = Chart("column", "等级分布", [*GRADES, "未评定"], [float(c) for c in [*counts, unrated]], "单位数",
                  label_format="{:.0f}")
    return Section("二、评价等级分布", [text, chart, Table(["等级", "单位数", "占比"], rows, [3, 1, 1])])


def _scores(units: list[_Unit]) -> Section:
    ranked = sorted((u for u in units if u.readable and _rank(u.row.get("rank")) is not None),
                    key=lambda u: (_rank(u.row.get("rank")) or 0, u.name))
    blocks: list[Block] = []
    if ranked:
        shown = ranked[:30]
        more = f"（前 {len(shown)} 名）" if len(ranked) > len(shown) else ""
        blocks.append(Chart("bar", f"各单位总分{more}", [u.name for u in shown], [u.total or 0.0 for u in shown],
                            "总分", max=100))
    # Level-1 score rates over the complete units.
    complete = [u for u in units if u.readable and u.complete]
    rows = []
    for l1 in layout.LEVEL1:
        w = mean(_num(u.row.get(f"l1:{l1}:weight")) for u in complete)
        s = mean(_num(u.row.get(f"l1:{l1}:score")) for u in complete)
        rate = f"{s / w * 100:.1f}%" if w and s is not None else ""
        rows.append([l1, score_text(w), score_text(s), rate])
    if complete:
        blocks.append(f"各一级指标的平均分值与平均得分（{len(complete)} 个自评完整单位）：")
        blocks.append(Table(["一级指标", "平均分值", "平均得分", "得分率"], rows, [3, 2, 2, 2]))
    top, bottom = ranked[:TOP_N], ranked[-TOP_N:][::-1] if len(ranked) > TOP_N else []

    def table(us: list[_Unit]) -> Table:
        return Table(["排名", "单位", "总分", "等级", "预算执行率"],
                     [[str(_rank(u.row.get("rank")) or ""), u.name, score_text(u.total), str(u.row.get("grade") or ""),
                       pct_text(u.row.get("rate"))] for u in us], [1, 5, 1.5, 1, 2])

    if top:
        blocks.append(f"得分最高的 {len(top)} 个单位：")
        blocks.append(table(top))
    if bottom:
        blocks.append(f"得分最低的 {len(bottom)} 个单位：")
        blocks.append(table(bottom))
    if not ranked:
        blocks.append("没有自评完整的单位，暂无排名。")
    return Section("三、得分与排名", blocks)


def _missed(units: list[_Unit]) -> Section:
    groups: dict[tuple[str, str], list[tuple[str, float, float]]] = defaultdict(list)
    total_units: Counter[tuple[str, str]] = Counter()
    for u in units:
        for ind in u.indicators:
            total_units[(str(ind.get("level2") or ""), str(ind.get("name") or ""))] += 1
        for ind in u.missed():
            groups[(str(ind.get("level2") or ""), str(ind.get("name") or ""))].append(
                (u.name, _num(ind.get("score")) or 0.0, _num(ind.get("weight")) or 0.0))
    ordered = sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:MOST_N]
    if not ordered:
        return Section("四、未完成目标的指标", ["所有有得分的指标都达到了目标（得满分）。"])
    rows = []
    for (l2, name), hits in ordered:
        lost = sum(w - s for _, s, w in hits)
        rows.append([name, l2, f"{len(hits)} / {total_units[(l2, name)]}", f"{lost:.2f}",
                     "、".join(u for u, _, _ in hits[:3]) + ("等" if len(hits) > 3 else "")])
    n_missed = sum(len(h) for h in groups.values())
    text = (f"共有 {n_missed} 个指标未得满分（未完全达到目标），涉及 {len(groups)} 个不同的三级指标。"
            f"未达标单位最多的 {len(ordered)} 个指标如下：")
    return Section("四、未完成目标的指标", [text, Table(["三级指标", "二级指标", "未达标单位数 / 设此指标的单位数",
                                                       "合计扣分", "单位"], rows, [4, 2.5, 2.5, 1.5, 4])])


def _defects(data: SummaryLike) -> Section:
    from xlsxtools.codes import CODES

    by_code: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for f in data.findings:
        if f.get("severity") in ("错误", "警告") and f.get("code"):
            by_code[str(f["code"])].append(f)
    ordered = sorted(by_code.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:MOST_N]
    if not ordered:
        return Section("五、表格中最常见的问题", ["检查没有发现错误或警告。"])
    rows = [[code, CODES[code].title if code in CODES else "", fs[0].get("severity") or "", str(len(fs)),
             str(len({f.get("unit") for f in fs}))] for code, fs in ordered]
    errors = sum(1 for f in data.findings if f.get("severity") == "错误")
    warnings = sum(1 for f in data.findings if f.get("severity") == "警告")
    text = (f"检查共发现错误 {errors} 条、警告 {warnings} 条（每条的位置和改法见汇总表“{layout.CONS_FINDINGS_SHEET}”）。"
            f"出现最多的问题：")
    return Section("五、表格中最常见的问题", [text, Table(["代码", "问题", "级别", "条数", "单位数"], rows,
                                                      [1.2, 6, 1, 1, 1])])


def _tampered(units: list[_Unit], data: SummaryLike) -> Section:
    baseline = data.about.get("核定基线", "")
    if not baseline or baseline.startswith("未提供"):
        return Section("六、核定目标被改动的单位", ["本次汇总未提供核定基线，未核对目标是否被改动。"])
    changed = [u for u in units if u.readable and u.tampered]
    if not changed:
        return Section("六、核定目标被改动的单位", ["所有单位提交的目标、分值和评分标准都与核定基线一致。"])
    rows = []
    for u in changed:
        msgs = [str(f.get("message") or "") for f in u.findings if f.get("code") == "C004"]
        rows.append([u.name, str(u.row.get("tamper") or ""), score_text(u.total),
                     score_text(u.row.get("approved_total")), clip("；".join(msgs), 120)])
    text = (f"{len(changed)} 个单位提交的目标与核定基线不一致（核定后改动了指标值、分值或评分标准）。"
            "“按核定目标总分”是用核定的目标对同一实际值重新计分的结果，应以此为准核实：")
    return Section("六、核定目标被改动的单位", [text, Table(["单位", "核对结果", "提交总分", "按核定目标总分", "改动内容"],
                                                         rows, [3, 1.5, 1.2, 1.5, 5])])


def _not_submitted(units: list[_Unit], data: SummaryLike) -> Section:
    rows = [[str(m.get("unit") or ""), str(m.get("kind") or ""), str(m.get("note") or "")] for m in data.missing]
    rows += [[u.name, "无法读取", str(u.row.get("note") or "")] for u in units if not u.readable
             and not any(r[0] == u.name for r in rows)]
    if not rows:
        text = ("名册中的单位都已提交。" if data.about.get("名册", "未提供") != "未提供"
                else "本次汇总未提供名册，无法核对未提交的单位；所有收到的工作簿都可以读取。")
        return Section("七、未提交的单位", [text])
    text = f"以下 {len(rows)} 个单位未提交、提交的文件无法读取、重复提交或不在名册中，请督促补报或核实："
    return Section("七、未提交的单位", [text, Table(["单位", "情况", "说明"], rows, [4, 2, 6])])


def _budget(units: list[_Unit]) -> Section:
    rows, slow, over = [], [], []
    budget_sum = spent_sum = 0.0
    for u in units:
        b, s, r = _num(u.row.get("budget")), _num(u.row.get("spent")), _num(u.row.get("rate"))
        if not u.readable or b is None:
            continue
        budget_sum += b
        spent_sum += s or 0.0
        rows.append([u.name, money_text(b), money_text(s), pct_text(r), score_text(u.row.get("budget_score"))])
        if r is not None and r < LOW_RATE:
            slow.append(u.name)
        if r is not None and r > 1:
            over.append(u.name)
    if not rows:
        return Section("八、预算执行情况", ["没有单位填写全年预算数和全年执行数。"])
    rate = spent_sum / budget_sum if budget_sum else None
    text = (f"{len(rows)} 个单位合计全年预算数 {money_text(budget_sum)} 万元，全年执行数 {money_text(spent_sum)} 万元，"
            f"总体预算执行率 {pct_text(rate)}。")
    if slow:
        text += f"执行率低于 {LOW_RATE * 100:.0f}% 的单位：{_list(slow, 5)}。"
    if over:
        text += f"执行数超过预算的单位：{_list(over, 5)}，请核实是否有预算调整。"
    rows.sort(key=lambda r: -(_num(r[3].rstrip("%")) or 0.0))
    return Section("八、预算执行情况", [text, Table(["单位", "全年预算数（万元）", "全年执行数（万元）", "执行率", "得分"], rows,
                                                  [4, 2, 2, 1.5, 1])])


def _advice(units: list[_Unit], counts: dict[str, int]) -> Section:
    items = []
    if counts.get("missing"):
        items.append(f"督促 {counts['missing']} 个未提交（或文件无法读取）的单位尽快补报。")
    incomplete = [u.name for u in units if u.readable and not u.complete]
    if incomplete:
        items.append(f"{len(incomplete)} 个单位自评不完整（{_list(incomplete)}），请补齐实际完成值和预算执行数据后重新计分。")
    if counts.get("tampered"):
        items.append(f"{counts['tampered']} 个单位的目标与核定版本不一致，应按核定目标计分，并核实改动原因。")
    errs = [u.name for u in units if u.readable and u.own_errors()]
    if errs:
        items.append(f"{len(errs)} 个单位的表格仍有错误，请按问题清单逐条修正后重新提交。")
    items.append("对未完成目标的指标，要求相关单位说明偏差原因、提出改进措施，并在下一年度目标设置和预算安排中加以应用。")
    return Section("九、下一步工作建议", [f"{i}. {t}" for i, t in enumerate(items, start=1)])


# ----------------------------------------------------------------------------------------------
# One unit's 绩效自评报告
# ----------------------------------------------------------------------------------------------


def unit_report(u: _Unit, n_ranked: int, year: str = "") -> UnitReport:
    row = u.row
    rate = _num(row.get("rate"))
    facts = Table(["项目", "内容"], [
        ["单位", u.name], ["总分", score_text(u.total) + ("" if u.complete else "（自评不完整）")],
        ["等级", str(row.get("grade") or "未评定")],
        ["排名", f"{_rank(row.get('rank'))} / {n_ranked}" if _rank(row.get("rank")) else "不参与排名"],
        ["指标得分 / 分值", f"{score_text(row.get('indicator_total'))} / {score_text(row.get('indicator_weight'))}"],
        ["预算执行率", f"{pct_text(rate)}（得 {score_text(row.get('budget_score'))} 分）" if rate is not None else "未填写"],
        ["状态", str(row.get("status") or "")]], [2, 6])
    scored = [i for i in u.indicators if _num(i.get("score")) is not None]
    missed = u.missed()
    unscored = u.unscored()
    when = f"{year}年度" if year else "本年度"

    # 评价结论
    if u.complete and u.total is not None:
        rank = _rank(row.get("rank"))
        conclusion = (f"{u.name}{when}部门整体支出绩效自评总分 {u.total:.2f} 分，等级为“{row.get('grade') or ''}”"
                      + (f"，在 {n_ranked} 个自评完整的单位中排第 {rank} 名" if rank else "") + "。")
    else:
        conclusion = (f"{u.name}{when}部门整体支出绩效自评不完整：{len(unscored)} 个指标没有得分"
                      + ("、预算执行无法计分" if rate is None else "")
                      + f"，已计分部分合计 {score_text(u.total) or '0.00'} 分，暂不评定等级。")
    conclusion += f"{len(u.indicators)} 个绩效指标中 {len(scored) - len(missed)} 个达到目标"
    conclusion += f"，{len(missed)} 个未完全达到" if missed else ""
    conclusion += "。"
    if rate is not None:
        conclusion += f"预算执行率 {pct_text(rate)}。"

    # 存在问题
    problems: list[str] = []
    if missed:
        worst = sorted(missed, key=lambda i: (_num(i.get("score")) or 0) - (_num(i.get("weight")) or 0))
        problems.append("未完全达到目标的指标：" + "、".join(
            f"「{i.get('name') or '未命名指标'}」（得 {score_text(i.get('score'))} / {score_text(i.get('weight'))} 分）" for i in worst[:3])
            + ("等" if len(worst) > 3 else ""))
    if unscored:
        problems.append(f"{len(unscored)} 个指标缺少实际完成值或无法计分（{_list([str(i.get('name') or '') for i in unscored])}）")
    if rate is not None and rate < LOW_RATE:
        problems.append(f"预算执行率 {pct_text(rate)}，执行进度偏慢")
    if rate is not None and rate > 1:
        problems.append(f"全年执行数超过全年预算数（执行率 {pct_text(rate)}）")
    if u.tampered:
        problems.append("提交的目标与核定版本不一致")
    errors = u.own_errors()
    if errors:
        codes = Counter(str(f.get("code")) for f in errors)
        problems.append(f"表格有 {len(errors)} 处错误（{'、'.join(f'{c} {n} 处' for c, n in codes.most_common(3))}）")
    no_reason = [i for i in missed if not str(i.get("reason") or "").strip()]
    if no_reason:
        problems.append(f"{len(no_reason)} 个未达标指标没有填写偏差原因")
    problems_text = clip("；".join(problems) + "。" if problems else "未发现明显问题，各项指标均达到目标。")

    # 改进措施
    measures: list[str] = []
    reasons = [str(i.get("reason")).strip() for i in missed if str(i.get("reason") or "").strip()]
    if missed:
        measures.append("针对未达标指标分析偏差原因，落实整改责任和时限" + (f"（单位自述：{reasons[0]}）" if reasons else ""))
    if unscored:
        measures.append("补齐缺失的实际完成值并重新计分")
    if rate is not None and rate < LOW_RATE:
        measures.append("加快预算执行进度，按序时进度支出")
    if rate is not None and rate > 1:
        measures.append("严格按预算执行，确需追加的履行预算调整程序")
    if u.tampered:
        measures.append("按核定的目标填报，目标确需调整的按程序报批")
    if errors:
        measures.append("按问题清单逐条修正表格后重新提交")
    measures.append("加强绩效目标管理和自评结果应用，将自评发现的问题与下一年度预算安排挂钩")
    measures_text = clip("；".join(measures) + "。")
    return UnitReport(u.name, facts, clip(conclusion), problems_text, measures_text)


# ----------------------------------------------------------------------------------------------
# The report
# ----------------------------------------------------------------------------------------------


def build_report(data: SummaryLike, *, title: str = "", year: str = "") -> Report:
    """The whole report from a summary's rows (pure)."""
    units = _units(data)
    counts: dict[str, int] = {}
    sections = [_overview(units, data, counts), _grades(units), _scores(units), _missed(units), _defects(data),
                _tampered(units, data), _not_submitted(units, data), _budget(units), _advice(units, counts)]
    n_ranked = sum(1 for u in units if _rank(u.row.get("rank")) is not None)
    unit_reports = [unit_report(u, n_ranked, year) for u in units if u.readable]
    when = data.about.get("生成时间", "")
    period = data.about.get("历史库", "")
    subtitle = f"（初稿，根据 {when} 生成的汇总结果自动生成，请核实后使用）" if when else "（初稿，请核实后使用）"
    if "期间" in period:
        subtitle = subtitle.replace("（初稿", f"（{period[period.index('期间'):].strip('（）')}；初稿", 1)
    title = title or (f"{year}年度" if year else "") + "部门整体支出绩效自评汇总分析"
    return Report(title, subtitle, sections, unit_reports, counts)

