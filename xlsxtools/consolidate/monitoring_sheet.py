"""The summary's monitoring sheets (XlsxWriter): 运行监控 and, with --history, 监控趋势.

运行监控: one row per unit that filled its 运行监控 sheet (units that did not are listed after,
as 未填报): period, time schedule, budget, execution, execution rate and its gap to the
schedule, the expected year-end rate, the indicators at risk, the state (红/黄/绿) and its
reason; red first, then by how far behind. The monitoring policy is printed below the table.

监控趋势: each unit's execution rate per history period with the time schedule, a native line
chart of it (series carry their cached values, like the other charts), and the units that got
worse since the previous period (:mod:`xlsxtools.consolidate.monitoring`).

Every string is written as a string cell.
"""

from __future__ import annotations

from typing import Any

from xlsxtools import layout
from xlsxtools.consolidate.core import Consolidation
from xlsxtools.consolidate.records import RunInfo, UnitResult
from xlsxtools.layout import Column

STATE_COLOURS = {"红": "#FFC7CE", "黄": "#FFEB9C", "绿": "#C6EFCE"}
STATE_ORDER = ("红", "黄", "绿", "未填报", "无监控表")
#: The row of a unit whose workbook has no 运行监控 sheet (an earlier template version).
NO_SHEET = "无监控表"
NO_SHEET_REASON = "工作簿来自旧版模板，没有运行监控表：请用 xlsxtools upgrade 升级到当前模板后填写"
#: Units drawn in the trend chart at most (the most behind schedule first); the table lists all.
TREND_CHART_MAX_UNITS = 12
#: Line colours of the trend chart's unit series (the schedule is a dashed black line).
LINE_COLOURS = ("#C00000", "#0070C0", "#00B050", "#7030A0", "#ED7D31", "#2F5597", "#BF9000", "#FF66CC",
                "#00B0F0", "#808000", "#8B4513", "#595959")


def _order(u: UnitResult) -> tuple:
    m = u.monitoring
    if m is None:
        return (STATE_ORDER.index(NO_SHEET), 0.0, u.unit_key, u.path)
    return (STATE_ORDER.index(m.state) if m.state in STATE_ORDER else len(STATE_ORDER),
            m.gap if m.gap is not None else 0.0, u.unit_key, u.path)


def _lines(text: Any, width: float) -> int:
    """Lines a wrapped text needs in a column ``width`` characters wide (CJK characters count double)."""
    w = sum(2 if ord(ch) >= 0x2E80 else 1 for ch in str(text or ""))
    return max(1, -(-w // max(int(width - 1), 1)))


def write_monitoring_sheets(wb: Any, fmt: dict[str, Any], cons: Consolidation, info: RunInfo) -> None:
    """Add 运行监控 when a unit filled its monitoring, and 监控趋势 when the run keeps history."""
    units = [u for u in cons.units if u.readable]
    filled = [u for u in units if u.monitoring is not None and u.monitoring.state in STATE_COLOURS]
    if filled:
        _monitor_sheet(wb, fmt, sorted(units, key=_order), info)
    trend = info.monitoring_trend
    if trend is not None and trend.rates:
        _trend_sheet(wb, fmt, trend)


def _monitor_sheet(wb: Any, fmt: dict[str, Any], units: list[UnitResult], info: RunInfo) -> None:
    from xlsxtools.consolidate.summary import _Sheet

    states = {s: sum(1 for u in units if (u.monitoring.state if u.monitoring else NO_SHEET) == s)
              for s in STATE_ORDER}
    title = "运行监控汇总：" + "，".join(f"{s} {n} 个" for s, n in states.items() if n)
    # every cell top-aligned, so a row whose reason wraps still reads as one row
    base = {"font_name": layout.FONT_BODY, "font_size": layout.FONT_SIZE, "valign": "top"}
    top = {**fmt, **{k: wb.add_format({**base, **extra}) for k, extra in (
        ("pct", {"num_format": "0.00%"}), ("money", {"num_format": "#,##0.00"}), ("score", {"num_format": "0.00"}),
        ("int", {"num_format": "0"}), ("text", {}), ("wrap", {"text_wrap": True}))}}
    nf = {"schedule": "pct", "budget": "money", "spent": "money", "rate": "pct", "gap": "score",
          "expected_rate": "pct", "indicators": "int", "risk_count": "int"}
    nf.update({c.key: "wrap" if c.wrap else "text" for c in layout.CONS_MONITOR_COLUMNS if c.key not in nf})
    sheet = _Sheet(wb, top, layout.CONS_MONITOR_SHEET, title, layout.CONS_MONITOR_COLUMNS, nf)
    sheet.ws.set_row(layout.CONS_HEADER_ROW - 1, 32)  # two-line titles
    for u in units:
        m = u.monitoring
        if m is None:
            sheet.write([{"unit": u.display_name, "file": u.path, "state": NO_SHEET, "reason": NO_SHEET_REASON}.get(k)
                         for k in sheet.keys])
            continue
        vals = {"unit": u.display_name, "file": u.path, "period": m.period, "schedule": m.schedule,
                "budget": m.budget, "spent": m.spent, "rate": m.rate,
                "gap": round(m.gap * 100, 2) if m.gap is not None else None, "expected_rate": m.expected_rate,
                "indicators": m.indicators, "risk_count": len(m.at_risk), "at_risk": "、".join(m.at_risk),
                "state": m.state, "reason": m.reason}
        lines = max(_lines(vals[c.key], c.width) for c in layout.CONS_MONITOR_COLUMNS if c.wrap)
        if lines > 1:
            sheet.ws.set_row(sheet.row, 13.5 * lines + 3)
        sheet.write([vals.get(k) for k in sheet.keys])
    first, last = sheet.finish()
    col = sheet.keys.index("state")
    for state, colour in STATE_COLOURS.items():
        sheet.ws.conditional_format(first, col, last, col, {"type": "cell", "criteria": "==", "value": f'"{state}"',
                                                            "format": wb.add_format({"bg_color": colour})})
    policy = info.monitoring_policy
    if policy:
        text = f"监控规则：{policy}。执行率 = 1-N月执行数 / 全年预算数。"
        row = sheet.row + 1
        sheet.ws.merge_range(row, 0, row, len(sheet.keys) - 1, text, wb.add_format(
            {"font_name": layout.FONT_BODY, "font_size": layout.FONT_SIZE, "text_wrap": True, "valign": "top"}))
        sheet.ws.set_row(row, 30)
        info.notes.append(f"运行监控规则：{policy}")


def _trend_sheet(wb: Any, fmt: dict[str, Any], trend: Any) -> None:
    ws = wb.add_worksheet(layout.CONS_MONITOR_TREND_SHEET)
    name = layout.CONS_MONITOR_TREND_SHEET
    periods = list(trend.periods)
    ws.set_column(0, 0, 28)
    ws.set_column(1, max(len(periods), 9), 10)
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.set_footer("&C第 &P 页，共 &N 页")
    prev = f"，与上期 {trend.prev_period} 相比" if trend.prev_period else "（历史库中的第一期）"
    ws.write_string(0, 0, f"监控趋势：各单位预算执行率（按汇总期间，本期 {trend.period}{prev}）", fmt["title"])
    hr = layout.CONS_HEADER_ROW - 1
    ws.set_row(hr, 20)
    ws.write_string(hr, 0, "单位名称", fmt["header"])
    for j, p in enumerate(periods, start=1):
        ws.write_string(hr, j, p, fmt["header"])
    # the time schedule, then one row per unit
    r = hr + 1
    ws.write_string(r, 0, "序时进度", fmt["bold"])
    schedule = [trend.schedules.get(p) for p in periods]
    for j, v in enumerate(schedule, start=1):
        if v is not None:
            ws.write_number(r, j, v, fmt["pct"])
    sched_row = r
    rows: list[tuple[int, str, list[float | None]]] = []
    for _k, (unit, by_period) in trend.rates.items():
        r += 1
        ws.write_string(r, 0, unit)
        values = [by_period.get(p) for p in periods]
        for j, v in enumerate(values, start=1):
            if v is not None:
                ws.write_number(r, j, v, fmt["pct"])
        rows.append((r, unit, values))
    ws.freeze_panes(hr + 1, 1)

    # the line chart: the schedule and the units most behind now (at most TREND_CHART_MAX_UNITS)
    def behind(item: tuple[int, str, list[float | None]]) -> tuple:
        last = item[2][-1]
        gap = last - schedule[-1] if last is not None and schedule[-1] is not None else 1.0
        return (gap, item[1])

    drawn = sorted(rows, key=behind)[:TREND_CHART_MAX_UNITS]
    chart = wb.add_chart({"type": "line"})
    cats = [name, hr, 1, hr, len(periods)]
    chart.add_series({"name": "序时进度", "categories": cats, "values": [name, sched_row, 1, sched_row, len(periods)],
                      "categories_data": periods, "values_data": [v if v is not None else 0 for v in schedule],
                      "line": {"color": "#000000", "dash_type": "dash", "width": 1.5}, "marker": {"type": "none"}})
    for i, (row, unit, values) in enumerate(drawn):
        colour = LINE_COLOURS[i % len(LINE_COLOURS)]
        chart.add_series({"name": [name, row, 0], "name_data": [unit], "categories": cats,
                          "values": [name, row, 1, row, len(periods)], "categories_data": periods,
                          "values_data": values, "line": {"color": colour, "width": 2},
                          "marker": {"type": "circle", "size": 5, "fill": {"color": colour},
                                     "border": {"color": colour}}})
    more = f"（落后最多的 {TREND_CHART_MAX_UNITS} 个单位）" if len(rows) > TREND_CHART_MAX_UNITS else ""
    chart.set_title({"name": f"预算执行率趋势{more}"})
    chart.set_y_axis({"name": "执行率", "num_format": "0%", "min": 0, "major_gridlines": {"visible": True}})
    chart.set_x_axis({"name": "汇总期间"})
    chart.show_blanks_as("gap")
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 640, "height": 400})
    ws.insert_chart(hr, len(periods) + 2, chart)

    # the units that got worse since the previous period
    r = max(r + 3, hr + 23)  # below the chart
    cols = (Column("unit", "单位名称", 28), Column("prev_state", "上期状态", 8), Column("state", "本期状态", 8),
            Column("prev_rate", "上期执行率", 10), Column("rate", "本期执行率", 10),
            Column("prev_gap", "上期差距（百分点）", 10), Column("gap", "本期差距（百分点）", 10),
            Column("prev_risk", "上期风险指标数", 10), Column("risk", "本期风险指标数", 10), Column("why", "变化", 50))
    if trend.prev_period is None:
        ws.write_string(r, 0, "与上期相比变差的单位：历史库中没有上期，无法比较", fmt["bold"])
        return
    ws.write_string(r, 0, f"与上期 {trend.prev_period} 相比变差的单位：{len(trend.worse)} 个"
                          "（状态变差、风险指标增加，或执行率比序时进度落后得更多超过 5 个百分点）", fmt["bold"])
    r += 1
    ws.set_row(r, 30)
    ws.set_column(len(cols) - 1, len(cols) - 1, 48)
    for j, c in enumerate(cols):
        ws.write_string(r, j, c.title, fmt["header"])
    base = {"font_name": layout.FONT_BODY, "font_size": layout.FONT_SIZE, "valign": "vcenter"}
    why_fmt = wb.add_format({**base, "text_wrap": True})
    cell_fmt = {"text": wb.add_format(base), "pct": wb.add_format({**base, "num_format": "0.00%"}),
                "score": wb.add_format({**base, "num_format": "0.00"}), "int": wb.add_format({**base, "num_format": "0"})}
    for w in trend.worse:
        r += 1
        ws.set_row(r, 28)
        values = [w.unit, w.prev_state, w.state, w.prev_rate, w.rate,
                  None if w.prev_gap is None else round(w.prev_gap * 100, 2),
                  None if w.gap is None else round(w.gap * 100, 2), w.prev_risk, w.risk, w.why]
        for j, v in enumerate(values):
            if v is None:
                continue
            if isinstance(v, str):
                ws.write_string(r, j, v, why_fmt if j == len(values) - 1 else cell_fmt["text"])
            else:
                kind = "pct" if j in (3, 4) else "score" if j in (5, 6) else "int"
                ws.write_number(r, j, v, cell_fmt[kind])
        colour = STATE_COLOURS.get(w.state)
        if colour:
            ws.write_string(r, 2, w.state, wb.add_format({**base, "bg_color": colour}))
