"""What each Excel button does, on a live workbook (see :mod:`xlsxtools.excel` for the entry points).

Every operation reads the sheets it needs in one call each, runs the same core as the command
line (reader, checks, scoring, validation plan, importer, consolidation) and writes the result in
a few bulk calls through :class:`~xlsxtools.excel.edge.LiveBook`. Messages are Chinese.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from xlsxtools import layout
from xlsxtools.config import Config
from xlsxtools.errors import NotATemplateWorkbook, UserError
from xlsxtools.excel.buttons import CONFIRMED_SUFFIX
from xlsxtools.excel.edge import Formula, LiveBook, split_ref
from xlsxtools.excel.guard import TITLE
from xlsxtools.model import Finding, Severity, UnitWorkbook
from xlsxtools.normalize import clean, percent_text
from xlsxtools.workbook.reader import MemorySource, cell_at

#: The last line of both help texts, and its twin for a template whose buttons call the service.
LOCAL_FAILURE_HELP = "按钮报错时：按提示修改后再点一次；提示中给出的日志文件请发给负责维护的同事。"
SERVER_FAILURE_HELP = ("按钮报错时：按提示修改后再点一次；仍然出错时，请把提示内容和出错时间告诉负责维护的同事"
                       "（服务器上记录了详细信息）。访问令牌失效时，点击“访问令牌”重新输入。")
SERVER_SUMMARY_NOTE = "本工作簿的按钮通过绩效服务运行：“汇总”和“打开问题清单”需要本机的文件夹，请在绩效服务网页的汇总页面操作。"

#: File name of the summary written into the unit folder when the output cell is empty.
DEFAULT_SUMMARY_FILE = "绩效汇总结果.xlsx"
#: The analysis report the 分析报告 button writes beside the summary file.
REPORT_FILE_SUFFIX = "-分析报告.docx"

UNIT_HELP = (
    "绩效工具（单位工作簿）各按钮的作用：\n"
    "· 添加下拉：为目标表、实际完成表的每一行添加或修复下拉列表和输入提示（插入新行或粘贴后使用）。\n"
    "· 导入：把旧表（Word 或 Excel 中的整张表，含表头）粘贴到“导入”表 A4，再点此按钮，内容写入目标表；"
    "导入时做的修正列在“检查结果”表中，请逐条核对。\n"
    "· 检查：检查目标表和实际完成表的每一行；有问题的单元格标色（红=错误，黄=警告，蓝=提示）并加批注，"
    "全部问题列在“检查结果”表中，点击“单元格”列可跳转。\n"
    "· 计算得分：按每行的评（扣）分标准计算得分、预算执行得分、总分和等级，写入实际完成表。\n"
    "· 清除标记：去掉检查时加的底色和批注，不改动填写的内容。\n"
    "· 监控检查：检查“运行监控”表（年中绩效运行监控）：预算执行率与序时进度、预计完不成的指标、"
    "偏差原因和纠偏措施是否填写；问题单元格标色并列在“检查结果”表中。\n\n"
) + LOCAL_FAILURE_HELP
SUMMARY_HELP = (
    "绩效工具（汇总工作簿）各按钮的作用：\n"
    "· 选择文件夹：选择存放各单位工作簿的文件夹（也可直接在“单位工作簿文件夹”单元格中填写路径）。\n"
    "· 汇总：读取文件夹（含子文件夹）中的全部单位工作簿，汇总得分、等级和问题，生成汇总结果文件并打开。\n"
    "· 打开问题清单：打开上次汇总的结果文件，显示“问题清单”表（每个单位需要修改的文件、工作表、单元格）。\n"
    "· 分析报告：根据上次汇总的结果生成绩效自评汇总分析报告（Word 初稿，含每个单位的自评报告初稿），"
    "保存在汇总结果文件旁边。\n\n"
    "“汇总结果文件”不填时，结果保存在所选文件夹中的“" + DEFAULT_SUMMARY_FILE + "”。\n"
) + LOCAL_FAILURE_HELP


# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------


class LiveSource(MemorySource):
    """Grids read from the live book; % formats asked from the book only when the reader needs them."""

    def __init__(self, live: LiveBook, grids: dict[str, list[list[Any]]], merged: dict[str, list] | None = None
                 ) -> None:
        super().__init__(grids, merged)
        self.live = live

    def percent_cells(self, sheet: str, refs: set[str]) -> set[str]:
        return self.live.percent_cells(sheet, refs)


def read_grids(live: LiveBook, names: Sequence[str]) -> dict[str, list[list[Any]]]:
    """One read per sheet, for the named sheets that exist (in workbook order)."""
    wanted = set(names)
    return {n: live.grid(n) for n in live.sheet_names if n in wanted}


def _merged_level_cells(grid: list[list[Any]]) -> list[str]:
    """Empty level-1/level-2 cells of indicator rows: the only cells where a merge matters."""
    cols = [layout.TARGET_COLUMNS.index(c) for c in layout.TARGET_COLUMNS if c.key in ("level1", "level2")]
    name_col = [c.key for c in layout.TARGET_COLUMNS].index("name")
    out = []
    for r in range(layout.TARGET_FIRST_ROW, len(grid) + 1):
        row = grid[r - 1]
        if name_col < len(row) and clean(row[name_col]):
            out += [f"{layout.col_letter(c + 1)}{r}" for c in cols if c < len(row) and not clean(row[c])]
    return out


def read_unit(live: LiveBook, extra: Sequence[str] = ()) -> tuple[UnitWorkbook, dict[str, list[list[Any]]]]:
    """The unit workbook as the command-line reader reads it, plus the grids read (``extra`` sheets too)."""
    from xlsxtools.workbook.reader import read_unit as read

    if layout.TARGETS_SHEET not in live.sheet_names:
        raise NotATemplateWorkbook(
            f"不是由模板生成的单位工作簿：缺少工作表「{layout.TARGETS_SHEET}」", file=live.name,
            hint="请在绩效目标表模板中使用这些按钮")
    grids = read_grids(live, [layout.TARGETS_SHEET, layout.ACTUALS_SHEET, layout.LISTS_SHEET, *extra])
    merged = {layout.TARGETS_SHEET: live.merged_in(layout.TARGETS_SHEET,
                                                   _merged_level_cells(grids[layout.TARGETS_SHEET]))}
    core = [layout.TARGETS_SHEET, layout.ACTUALS_SHEET, layout.LISTS_SHEET, layout.MONITOR_SHEET]
    source = LiveSource(live, {k: v for k, v in grids.items() if k in core}, merged)
    return read(source, live.fullname), grids


def load_config_for(live: LiveBook, *folders: Path) -> Config:
    """``xlsxtools.toml`` beside the workbook (or in ``folders``) when there is one, else the defaults."""
    from xlsxtools.config import DEFAULT_CONFIG_NAME, load_config

    here = Path(live.fullname)
    candidates = ([here.parent] if here.is_absolute() else []) + list(folders)
    for folder in candidates:
        path = folder / DEFAULT_CONFIG_NAME
        if path.is_file():
            return load_config(path)
    return Config()


def counts(findings: Sequence[Finding]) -> tuple[int, int, int]:
    return (sum(f.severity is Severity.ERROR for f in findings), sum(f.severity is Severity.WARNING for f in findings),
            sum(f.severity is Severity.INFO for f in findings))


def outcome_text(findings: Sequence[Finding], where: str = "已在检查结果表列出") -> str:
    """"发现 3 个错误、2 个警告，已在检查结果表列出" (infos mentioned when there are some)."""
    e, w, i = counts(findings)
    if not findings:
        return "检查完毕：没有发现问题。"
    text = f"发现 {e} 个错误、{w} 个警告"
    if i:
        text += f"（另有 {i} 条提示）"
    return f"{text}，{where}。"


# ---------------------------------------------------------------------------------------------
# Marks and the 检查结果 sheet
# ---------------------------------------------------------------------------------------------


def marks_from_grid(report: list[list[Any]] | None) -> list[Any] | None:
    """The marks recorded in the hidden columns of 检查结果 (None when that sheet has no mark columns)."""
    from xlsxtools.annotate import MARK_FIRST_COL, MARK_TITLES, Mark

    if not report or cell_at(report, layout.REPORT_HEADER_ROW, MARK_FIRST_COL) != MARK_TITLES[0]:
        return None
    marks = []
    for r in range(layout.REPORT_FIRST_ROW, len(report) + 1):
        sheet, cell, fill, note = (cell_at(report, r, MARK_FIRST_COL + i) for i in range(len(MARK_TITLES)))
        if sheet and cell:
            marks.append(Mark(str(sheet), str(cell), clean(fill), "" if note is None else str(note)))
    return marks


def previous_marks(live: LiveBook, report: list[list[Any]] | None) -> list[Any]:
    """Cells marked by the last check: from the mark columns, else (desktop) by our note prefix."""
    from xlsxtools.annotate import NOTE_PREFIX, Mark

    marks = marks_from_grid(report)
    if marks is not None:
        return [m for m in marks if m.sheet in live.sheet_names]
    return [Mark(sheet, cell) for sheet, cell in live.our_notes(NOTE_PREFIX)]


def hyperlink(link: str, text: str) -> Formula:
    """A HYPERLINK formula jumping to ``link`` ("'目标表'!E12") inside the workbook."""
    return Formula(f'=HYPERLINK("#{link}","{text}")')


def write_report(live: LiveBook, findings: Sequence[Finding], marks: Sequence[Any],
                 old: list[list[Any]] | None, summary: str | None = None) -> None:
    """Rewrite 检查结果: the summary line, one row per finding (its cell a link), the hidden marks."""
    from xlsxtools.annotate import MARK_FIRST_COL, MARK_TITLES, report_rows, summary_text

    sheet = layout.REPORT_SHEET
    last_col = MARK_FIRST_COL + len(MARK_TITLES) - 1
    if old and len(old) >= layout.REPORT_FIRST_ROW:
        live.clear_contents(sheet, layout.REPORT_FIRST_ROW, 1, len(old), max(last_col, len(old[0])))
    r0, c0 = split_ref(layout.REPORT_SUMMARY_CELL)
    live.write_block(sheet, r0, c0, [[summary or summary_text(list(findings))]])
    keys = [c.key for c in layout.REPORT_COLUMNS]
    rows = report_rows(findings)
    block: list[list[Any]] = []
    for i in range(max(len(rows), len(marks))):
        line: list[Any] = [None] * last_col
        if i < len(rows):
            values = rows[i].values()
            for j, k in enumerate(keys):
                line[j] = values[k] or None
            if rows[i].link:
                line[keys.index("cell")] = hyperlink(rows[i].link, rows[i].cell)
        if i < len(marks):
            m = marks[i]
            line[MARK_FIRST_COL - 1:last_col] = [m.sheet, m.cell, m.fill or None, m.note or None]
        block.append(line)
    live.write_block(sheet, layout.REPORT_FIRST_ROW, 1, block)
    if rows:  # messages wrap (the template's column style) and rows grow to fit them
        live.fit_rows(sheet, layout.REPORT_FIRST_ROW, layout.REPORT_FIRST_ROW + len(rows) - 1, len(keys),
                      wrap_col=keys.index("message") + 1)
    live.write_block(sheet, layout.REPORT_HEADER_ROW, MARK_FIRST_COL, [list(MARK_TITLES)])
    live.hide_columns(sheet, layout.REPORT_HEADER_ROW, MARK_FIRST_COL, layout.REPORT_HEADER_ROW, last_col)


def show_findings(live: LiveBook, findings: Sequence[Finding], report: list[list[Any]] | None) -> None:
    """Clear the previous marks, colour and note the offending cells, rewrite 检查结果 (the live
    twin of ``xlsxtools.workbook.annotate_edge.annotate_workbook``)."""
    from xlsxtools.annotate import Mark, annotation_edits, by_cell, clear_edits

    old = previous_marks(live, report)
    shown = [f for f in findings if f.sheet in live.sheet_names and f.sheet != layout.REPORT_SHEET]
    cells = list(by_cell(shown))
    restored = {(m.sheet, m.cell): m for m in old}
    touched = [m.sheet for m in old] + [s for s, _ in cells] + [layout.REPORT_SHEET]
    with live.unprotected(touched):
        # Cells marked again keep their recorded state; the others get theirs back now.
        live.apply_edits(clear_edits(m for m in old if (m.sheet, m.cell) not in set(cells)))
        marks = []
        for sheet, ref in cells:
            prev = restored.get((sheet, ref))
            marks.append(prev if prev is not None else Mark(sheet, ref, live.fill_of(sheet, ref),
                                                             live.note_of(sheet, ref)))
        live.apply_edits(annotation_edits(shown))
        if layout.REPORT_SHEET in live.sheet_names:
            write_report(live, findings, marks, report)


# ---------------------------------------------------------------------------------------------
# Unit workbook buttons
# ---------------------------------------------------------------------------------------------


def check_rows(book: Any, config: Config | None = None) -> str:
    """检查: the findings of ``xlsxtools check`` shown in the workbook; returns the message shown.

    ``config``: the policies (the service passes its own); default: ``xlsxtools.toml`` beside the
    workbook, else the defaults (the same for every button below)."""
    from xlsxtools.checks import run_checks

    live = LiveBook(book)
    live.status("正在检查……")
    try:
        uw, grids = read_unit(live, [layout.REPORT_SHEET])
        findings = list(uw.findings) + run_checks(uw.table, uw.actuals, config or load_config_for(live))
        findings.sort(key=lambda f: (*f.sort_key, f.severity.rank))
        show_findings(live, findings, grids.get(layout.REPORT_SHEET))
    finally:
        live.status(None)
    text = outcome_text(findings)
    if findings:
        live.activate(layout.REPORT_SHEET)
    live.alert(text, f"{TITLE}：检查")
    return text


def compute_scores(book: Any, config: Config | None = None) -> str:
    """计算得分: the scores of ``xlsxtools score --write`` written into 实际完成."""
    from xlsxtools.codes import dedupe
    from xlsxtools.rules.render import fmt
    from xlsxtools.scoring import score_unit
    from xlsxtools.writeback import score_edits

    live = LiveBook(book)
    live.status("正在计算得分……")
    try:
        uw, _ = read_unit(live)
        if uw.actuals is None:
            raise UserError(f"工作簿中没有可用的「{layout.ACTUALS_SHEET}」表，无法计算得分", file=live.name,
                            sheet=layout.ACTUALS_SHEET)
        us = score_unit(uw.table, uw.actuals, config or load_config_for(live))
        with live.unprotected([layout.ACTUALS_SHEET]):
            live.apply_edits(score_edits(uw, us))
            if uw.actuals.entries:  # rows as tall as what was typed into them (a long deviation reason)
                first = layout.ACTUAL_FIRST_ROW
                live.fit_rows(layout.ACTUALS_SHEET, first, first + len(uw.actuals.entries) - 1,
                              len(layout.ACTUAL_COLUMNS))
    finally:
        live.status(None)
    findings = dedupe([*uw.findings, *us.findings])  # what ``xlsxtools score`` reports
    b = us.budget
    budget = "无法计分" if b.score is None else f"{b.score:.2f} / {fmt(b.weight)}"
    lines = [f"指标得分合计：{us.indicator_total:.2f} / {fmt(us.indicator_weight)}", f"预算执行得分：{budget}"]
    if us.complete:
        lines.append(f"总分：{us.total:.2f}，等级：{us.grade}")
    else:
        lines.append(f"总分和等级暂不评定：{us.grade_note}。")
    e, w, _ = counts(findings)
    if e or w:
        lines.append(f"发现 {e} 个错误、{w} 个警告：点击“检查”可标出并列在检查结果表中。")
    text = "得分已写入“实际完成”表。\n" + "\n".join(lines)
    live.activate(layout.ACTUALS_SHEET)
    live.alert(text, f"{TITLE}：计算得分")
    return text


def monitor_check(book: Any, config: Config | None = None, today: date | None = None) -> str:
    """监控检查: the findings of ``xlsxtools monitor`` shown in the workbook (marks and 检查结果),
    and the unit's monitoring state in the message box; returns the message shown."""
    from xlsxtools.checks.monitoring import assess, check_monitoring
    from xlsxtools.workbook.dropdowns import upgrade_hint

    live = LiveBook(book)
    if layout.MONITOR_SHEET not in live.sheet_names:
        raise UserError(f"工作簿没有「{layout.MONITOR_SHEET}」表（旧版模板）：{upgrade_hint('1', live.name)}",
                        file=live.name)
    live.status("正在检查运行监控……")
    try:
        uw, grids = read_unit(live, [layout.REPORT_SHEET, layout.MONITOR_SHEET])
        policy = (config or load_config_for(live)).monitoring
        findings = check_monitoring(uw.monitoring, policy, today)
        res = assess(uw.monitoring, policy, today, findings)
        findings.sort(key=lambda f: (*f.sort_key, f.severity.rank))
        head = f"运行监控检查（{res.period or '监控期间未填'}）：{res.state}。"
        show_findings(live, findings, grids.get(layout.REPORT_SHEET))
        if layout.REPORT_SHEET in live.sheet_names:
            r0, c0 = split_ref(layout.REPORT_SUMMARY_CELL)
            with live.unprotected([layout.REPORT_SHEET]):
                live.write_block(layout.REPORT_SHEET, r0, c0, [[head + outcome_text(findings, "见下表")]])
    finally:
        live.status(None)
    lines = []
    if res.months:
        lines.append(f"监控期间：{res.period}（序时进度 {percent_text(res.schedule)}）")
    if res.rate is not None:
        gap = res.gap * 100 if res.gap is not None else None
        behind = "" if gap is None else f"，{'落后' if gap < 0 else '超过'}序时进度 {abs(gap):.2f} 个百分点"
        lines.append(f"预算执行率：{percent_text(res.rate)}{behind}")
    if res.at_risk:
        more = "等" if len(res.at_risk) > 5 else ""
        lines.append(f"有风险的指标：{len(res.at_risk)} 个（{'、'.join(res.at_risk[:5])}{more}）")
    lines.append(f"监控状态：{res.state}——{res.reason}")
    lines.append(outcome_text(findings))
    lines.append(f"监控规则：{policy.describe()}")
    text = "\n".join(lines)
    live.activate(layout.REPORT_SHEET if findings else layout.MONITOR_SHEET)
    live.alert(text, f"{TITLE}：监控检查")
    return text


def clear_marks(book: Any, config: Config | None = None) -> str:
    """清除标记: restore the fill and note every marked cell had before the last check."""
    from xlsxtools.annotate import MARK_FIRST_COL, MARK_TITLES, clear_edits

    live = LiveBook(book)
    report = read_grids(live, [layout.REPORT_SHEET]).get(layout.REPORT_SHEET)
    marks = previous_marks(live, report)
    with live.unprotected([m.sheet for m in marks] + [layout.REPORT_SHEET]):
        live.apply_edits(clear_edits(marks))
        if report and len(report) >= layout.REPORT_FIRST_ROW and marks_from_grid(report) is not None:
            live.clear_contents(layout.REPORT_SHEET, layout.REPORT_FIRST_ROW, MARK_FIRST_COL, len(report),
                                MARK_FIRST_COL + len(MARK_TITLES) - 1)
    cells = len({(m.sheet, m.cell) for m in marks})
    text = f"已清除 {cells} 个单元格的底色和批注（填写的内容没有改动）。" if cells else "没有需要清除的检查标记。"
    live.alert(text, f"{TITLE}：清除标记")
    return text


def _check_unit_lists(live: LiveBook, lists: list[list[Any]] | None) -> None:
    hint = "请在绩效目标表模板中使用这些按钮"
    if lists is None:
        raise NotATemplateWorkbook(f"不是由模板生成的单位工作簿：缺少隐藏的「{layout.LISTS_SHEET}」表",
                                   file=live.name, hint=hint)
    marker = clean(cell_at(lists, *split_ref(layout.MARKER_CELL)))
    kind = clean(cell_at(lists, *split_ref(layout.KIND_CELL)))
    if marker != layout.VERSION_MARKER or kind != layout.KIND_UNIT:
        raise NotATemplateWorkbook("不是由模板生成的单位工作簿：没有单位工作簿的模板标记", file=live.name,
                                   sheet=layout.LISTS_SHEET, hint=hint)


def refresh_lists(live: LiveBook) -> None:
    """Rewrite the lists of the hidden lists sheet (one block) and add any missing defined name."""
    lists = layout.named_lists()
    height = max(len(nl.values) for nl in lists)
    block = [[nl.title for nl in lists]]
    block += [[nl.values[i] if i < len(nl.values) else None for nl in lists] for i in range(height)]
    live.write_block(layout.LISTS_SHEET, layout.LISTS_FIRST_ROW - 1, 1, block)
    names = live.book.names
    for i, nl in enumerate(lists, start=1):
        if not names.contains(nl.name):
            col = layout.col_letter(i)
            last = layout.LISTS_FIRST_ROW + len(nl.values) - 1
            names.add(nl.name, f"='{layout.LISTS_SHEET}'!${col}${layout.LISTS_FIRST_ROW}:${col}${last}")


def apply_dropdowns(live: LiveBook, targets: list[list[Any]], actuals: list[list[Any]] | None) -> tuple[int, int, int]:
    """Apply the validation plan for the current extent of the grids; (grid rows, applied, skipped)."""
    from xlsxtools.validation import (
        actual_choices_for_rules,
        actual_grid_rows,
        grid_column,
        plan_validations,
        target_grid_rows,
    )

    grid_rows = target_grid_rows(targets)
    actual_rows = actual_grid_rows(actuals or [], grid_rows)
    choices = actual_choices_for_rules(grid_column(targets, "rule_text", grid_rows))
    specs = plan_validations(grid_rows, actual_rows=actual_rows, actual_choices=choices)
    specs = [s for s in specs if s.sheet in live.sheet_names]
    with live.unprotected([layout.TARGETS_SHEET, layout.ACTUALS_SHEET, layout.MONITOR_SHEET, layout.LISTS_SHEET]), \
            live.keep_selection():
        refresh_lists(live)
        applied = sum(1 for s in specs if live.set_validation(s))
    return grid_rows, applied, len(specs) - applied


def add_dropdowns(book: Any, config: Config | None = None) -> str:
    """添加下拉: the validation plan of ``xlsxtools dropdowns`` applied to the live workbook."""
    live = LiveBook(book)
    live.status("正在添加下拉列表……")
    try:
        grids = read_grids(live, [layout.TARGETS_SHEET, layout.ACTUALS_SHEET, layout.LISTS_SHEET])
        _check_unit_lists(live, grids.get(layout.LISTS_SHEET))
        if layout.TARGETS_SHEET not in grids:
            raise NotATemplateWorkbook(f"不是完整的单位工作簿：缺少工作表「{layout.TARGETS_SHEET}」", file=live.name)
        grid_rows, applied, skipped = apply_dropdowns(live, grids[layout.TARGETS_SHEET],
                                                      grids.get(layout.ACTUALS_SHEET))
    finally:
        live.status(None)
    first = layout.TARGET_FIRST_ROW
    text = (f"已为目标表第 {first}–{first + grid_rows - 1} 行及实际完成表对应各行添加下拉列表和输入提示"
            f"（{applied} 项规则）。")
    if skipped:
        text += f"\n另有 {skipped} 项规则（输入提示、二级指标联动列表等）在此版本的 Excel 中无法设置，保留模板原有设置。"
    live.alert(text, f"{TITLE}：添加下拉")
    return text


def _link_formula(row: int, key: str) -> Formula:
    ref = f"'{layout.TARGETS_SHEET}'!{layout.TARGET_COL[key]}{row}"
    return Formula(f'=IF({ref}="","",{ref})')


def _has_content(grid: list[list[Any]], first: int, rows: int, cols: int) -> bool:
    return any(clean(cell_at(grid, r, c)) for r in range(first, first + rows) for c in range(1, cols + 1))


def import_table(book: Any, config: Config | None = None, *, confirmed: bool = False) -> str:
    """导入: the table pasted on 导入 read by the importer and written into 目标表 (like ``xlsxtools
    import -o``); the importer's repairs are listed on 检查结果, the dropdowns re-applied.

    A filled 目标表 is replaced only after a "yes" (``confirmed``: the user already said yes, the
    service's second call after the VBA client asked)."""
    from xlsxtools.importer import parse_rows
    from xlsxtools.validation import target_grid_rows
    from xlsxtools.workbook.template import _number_or_text

    live = LiveBook(book)
    for name in (layout.IMPORT_SHEET, layout.TARGETS_SHEET):
        if name not in live.sheet_names:
            raise NotATemplateWorkbook(f"不是由模板生成的单位工作簿：缺少工作表「{name}」", file=live.name)
    grids = read_grids(live, [layout.IMPORT_SHEET, layout.TARGETS_SHEET, layout.ACTUALS_SHEET, layout.LISTS_SHEET,
                              layout.REPORT_SHEET])
    _check_unit_lists(live, grids.get(layout.LISTS_SHEET))
    paste = grids[layout.IMPORT_SHEET][layout.IMPORT_FIRST_ROW - 1:]
    paste = [list(r[: layout.IMPORT_COLUMNS]) for r in paste]
    if not any(clean(v) for r in paste for v in r):
        raise UserError(f"「{layout.IMPORT_SHEET}」表中没有内容：请把旧表复制后粘贴到 A{layout.IMPORT_FIRST_ROW} 单元格，再点击“导入”",
                        file=live.name, sheet=layout.IMPORT_SHEET, cell=f"A{layout.IMPORT_FIRST_ROW}")
    table = parse_rows(paste, live.name, layout.IMPORT_SHEET, layout.IMPORT_FIRST_ROW, 1)
    if not table.indicators:
        raise UserError("粘贴的内容中没有识别出任何指标行（应含一级指标、二级指标、三级指标等列）", file=live.name,
                        sheet=layout.IMPORT_SHEET)

    targets = grids[layout.TARGETS_SHEET]
    ncols = len(layout.TARGET_COLUMNS)
    grid_rows = target_grid_rows(targets)
    header_filled = any(clean(cell_at(targets, layout.HEADER_ROW[f.key], split_ref(layout.HEADER_VALUE_COL + "1")[1]))
                        for f in layout.HEADER_FIELDS)
    if not confirmed and (header_filled or _has_content(targets, layout.TARGET_FIRST_ROW, grid_rows, ncols)):
        ask = ("目标表中已经有内容。导入将用粘贴的旧表替换目标表的单位信息、全部指标和表尾，"
               "并清空实际完成表中已填的实际完成值和偏差原因。\n是否继续？")
        cancelled = "已取消导入，目标表没有改动。"
        answer = live.confirm(ask, f"{TITLE}：导入", then="import_table" + CONFIRMED_SUFFIX, cancelled=cancelled)
        if answer is None:  # asked by the VBA client after this call; "yes" calls import_table_confirmed
            return ask
        if not answer:
            live.alert(cancelled, f"{TITLE}：导入")
            return cancelled

    n = len(table.indicators)
    extra = max(0, n - grid_rows)
    live.status("正在导入……")
    try:
        touched = [layout.TARGETS_SHEET, layout.ACTUALS_SHEET, layout.MONITOR_SHEET, layout.REPORT_SHEET]
        with live.unprotected(touched):
            # The grids are kept up to date here rather than read again: the remote book's
            # payload does not change with the writes.
            targets = [list(r) for r in targets]
            actuals = [list(r) for r in grids.get(layout.ACTUALS_SHEET, [])] or None
            if extra:
                _insert_rows(live, grid_rows, extra)
                _insert_grid_rows(targets, layout.TARGET_FIRST_ROW + grid_rows, extra)
                if actuals is not None:
                    _insert_grid_rows(actuals, layout.ACTUAL_FIRST_ROW + grid_rows, extra)
            rows = grid_rows + extra
            _write_table(live, table, rows, _number_or_text, targets, actuals)
            if layout.REPORT_SHEET in live.sheet_names:
                from xlsxtools.annotate import clear_edits

                report = grids.get(layout.REPORT_SHEET)
                old = previous_marks(live, report)
                live.apply_edits(clear_edits(old))
                found = sorted(table.findings, key=lambda f: f.sort_key)
                write_report(live, found, [], report,
                             f"导入时的修正与提示：{len(found)} 条（见下表），请逐条核对；核对后请点击“检查”。")
        apply_dropdowns(live, targets, actuals)
    finally:
        live.status(None)
    text = f"已导入 {n} 个指标到“目标表”（共 {rows} 行）。"
    if table.findings:
        text += f"\n导入时做了 {len(table.findings)} 处修正或提示，已在检查结果表列出，请逐条核对。"
    text += "\n接着请点击“检查”。"
    live.activate(layout.TARGETS_SHEET)
    live.alert(text, f"{TITLE}：导入")
    return text


def _insert_rows(live: LiveBook, grid_rows: int, extra: int) -> None:
    """Grow both grids by ``extra`` rows (inserted below the last grid row, formatted like it); the
    new rows of 实际完成 get the formulas linking them to 目标表."""
    at = layout.TARGET_FIRST_ROW + grid_rows
    live.sheet(layout.TARGETS_SHEET).range(f"{at}:{at + extra - 1}").insert("down")
    if layout.ACTUALS_SHEET not in live.sheet_names:
        return
    a_at = layout.ACTUAL_FIRST_ROW + grid_rows
    live.sheet(layout.ACTUALS_SHEET).range(f"{a_at}:{a_at + extra - 1}").insert("down")
    offset = layout.TARGET_FIRST_ROW - layout.ACTUAL_FIRST_ROW
    linked = [c.key for c in layout.ACTUAL_COLUMNS if c.key in layout.TARGET_COL and not c.input]
    block = [[_link_formula(r + offset, k) for k in linked] for r in range(a_at, a_at + extra)]
    first_col = split_ref(layout.ACTUAL_COL[linked[0]] + "1")[1]
    live.write_block(layout.ACTUALS_SHEET, a_at, first_col, block)
    _insert_monitoring_rows(live, grid_rows, extra)


def _insert_monitoring_rows(live: LiveBook, grid_rows: int, extra: int) -> None:
    """The same for 运行监控 (layout version 2): rows inserted below its grid, linked to 目标表."""
    if layout.MONITOR_SHEET not in live.sheet_names:
        return
    at = layout.MONITOR_FIRST_ROW + grid_rows
    live.sheet(layout.MONITOR_SHEET).range(f"{at}:{at + extra - 1}").insert("down")
    offset = layout.TARGET_FIRST_ROW - layout.MONITOR_FIRST_ROW
    linked = [c.key for c in layout.MONITOR_COLUMNS if not c.input]
    block = [[_link_formula(r + offset, k) for k in linked] for r in range(at, at + extra)]
    live.write_block(layout.MONITOR_SHEET, at, split_ref(layout.MONITOR_COL[linked[0]] + "1")[1], block)


def _insert_grid_rows(grid: list[list[Any]], at: int, count: int) -> None:
    """Mirror of inserting ``count`` empty rows before sheet row ``at`` in a grid of values."""
    width = max((len(r) for r in grid), default=0)
    grid[at - 1:at - 1] = [[None] * width for _ in range(count)]


def _put(grid: list[list[Any]] | None, row: int, col: int, block: Sequence[Sequence[Any]]) -> None:
    """Mirror of a block write in a grid of values (grown as needed)."""
    if grid is None:
        return
    for i, line in enumerate(block):
        r = row + i
        while len(grid) < r:
            grid.append([])
        cells = grid[r - 1]
        for j, v in enumerate(line):
            while len(cells) < col + j:
                cells.append(None)
            cells[col + j - 1] = v


def _write_table(live: LiveBook, table: Any, rows: int, number_or_text: Any, targets: list[list[Any]],
                 actuals: list[list[Any]] | None) -> None:
    """Header, grid (``rows`` rows, blank after the last indicator) and footer of 目标表, and a
    fresh 实际完成 input area; ``targets``/``actuals`` are updated to match."""
    sheet = layout.TARGETS_SHEET
    hr, hc = split_ref(f"{layout.HEADER_VALUE_COL}{layout.HEADER_ROW[layout.HEADER_FIELDS[0].key]}")
    header = []
    for f in layout.HEADER_FIELDS:
        text = getattr(table.unit, f.key, "")
        header.append([(number_or_text(text) if f.key == "year" else text) or None])
    live.write_block(sheet, hr, hc, header)
    _put(targets, hr, hc, header)
    block = []
    for i in range(rows):
        if i < len(table.indicators):
            ind = table.indicators[i]
            line = []
            for c in layout.TARGET_COLUMNS:
                text = getattr(ind, c.key, "")
                value = number_or_text(text) if c.key == "target" and ind.is_quantitative and text else text
                line.append(value if value != "" else None)
        else:
            line = [None] * len(layout.TARGET_COLUMNS)
        block.append(line)
    live.write_block(sheet, layout.TARGET_FIRST_ROW, 1, block)
    _put(targets, layout.TARGET_FIRST_ROW, 1, block)
    for key, (_, value_cell) in layout.footer_position(rows).items():
        r, c = split_ref(value_cell)
        live.write_block(sheet, r, c, [[getattr(table.unit, key, "") or None]])
        _put(targets, r, c, [[getattr(table.unit, key, "") or None]])
    if layout.ACTUALS_SHEET in live.sheet_names:
        inputs = [c.key for c in layout.ACTUAL_COLUMNS if c.input]
        for key in inputs:
            col = split_ref(layout.ACTUAL_COL[key] + "1")[1]
            live.clear_contents(layout.ACTUALS_SHEET, layout.ACTUAL_FIRST_ROW, col,
                                layout.ACTUAL_FIRST_ROW + rows - 1, col)
            _put(actuals, layout.ACTUAL_FIRST_ROW, col, [[None]] * rows)


def show_help(book: Any, config: Config | None = None) -> str:
    """帮助: what each button of this workbook does."""
    live = LiveBook(book)
    text = SUMMARY_HELP if layout.SUMMARY_SHEET in live.sheet_names else UNIT_HELP
    if live.on_server:
        text = text.replace(LOCAL_FAILURE_HELP, SERVER_FAILURE_HELP)
        if layout.SUMMARY_SHEET in live.sheet_names:
            text += "\n" + SERVER_SUMMARY_NOTE
    else:
        from xlsxtools.excel.guard import log_dir

        text += f"\n（日志文件夹：{log_dir()}）"
    live.alert(text, f"{TITLE}：帮助")
    return text


# ---------------------------------------------------------------------------------------------
# Summary workbook buttons
# ---------------------------------------------------------------------------------------------


def summary_paths(live: LiveBook) -> tuple[Path, Path]:
    """(unit folder, summary file) from the settings cells of the summary workbook."""
    if layout.SUMMARY_SHEET not in live.sheet_names:
        raise NotATemplateWorkbook(f"不是汇总模板：缺少工作表「{layout.SUMMARY_SHEET}」", file=live.name,
                                   hint="请在绩效汇总模板中使用“汇总”按钮")
    grid = live.grid(layout.SUMMARY_SHEET)
    folder_text = clean(cell_at(grid, *split_ref(layout.SUMMARY_FOLDER_CELL)))
    output_text = clean(cell_at(grid, *split_ref(layout.SUMMARY_OUTPUT_CELL)))
    if not folder_text:
        raise UserError("还没有选择单位工作簿文件夹：请点击“选择文件夹”，或在该单元格中填写文件夹路径",
                        file=live.name, sheet=layout.SUMMARY_SHEET, cell=layout.SUMMARY_FOLDER_CELL)
    folder = Path(folder_text).expanduser()
    if not folder.is_dir():
        raise UserError(f"文件夹不存在或无法访问：{folder}", file=live.name, sheet=layout.SUMMARY_SHEET,
                        cell=layout.SUMMARY_FOLDER_CELL)
    if not output_text:
        return folder, folder / DEFAULT_SUMMARY_FILE
    out = Path(output_text).expanduser()
    if not out.is_absolute():
        out = folder / out
    if out.is_dir() or not out.suffix:
        out = out / DEFAULT_SUMMARY_FILE
    if out.suffix.lower() != ".xlsx":
        raise UserError(f"汇总结果文件应以 .xlsx 结尾：{out}", file=live.name, sheet=layout.SUMMARY_SHEET,
                        cell=layout.SUMMARY_OUTPUT_CELL)
    return folder, out


def _open_at(live: LiveBook, path: Path, sheet: str) -> bool:
    """Open ``path`` in the calling Excel at ``sheet``; False where files cannot be opened (remote book)."""
    if not live.desktop:
        return False
    opened = live.book.app.books.open(str(path))
    try:
        opened.sheets[sheet].activate()
    except Exception:  # the summary opens at its first sheet then
        pass
    return True


def consolidate(book: Any, config: Config | None = None) -> str:
    """汇总: ``xlsxtools consolidate FOLDER -o FILE`` for the folder in the settings cell; opens the result."""
    from xlsxtools.consolidate.runner import consolidate as run

    live = LiveBook(book)
    folder, out = summary_paths(live)
    live.status(f"正在汇总 {folder} 中的单位工作簿……")
    try:
        try:
            report = run([folder], out, config=config or load_config_for(live, folder))
        except PermissionError as exc:
            raise UserError(f"无法写入汇总结果文件（是否正在 Excel 中打开？请先关闭它）：{out}", file=str(out)) from exc
    finally:
        live.status(None)
    lines = [f"已汇总 {report.units} 个单位（读取 {report.files} 个工作簿，用时 {report.seconds:.1f} 秒）。"]
    if report.unreadable:
        lines.append(f"{report.unreadable} 个文件无法读取。")
    if report.duplicates:
        lines.append(f"{report.duplicates} 个单位重复提交。")
    if report.missing:
        lines.append(f"名册中 {report.missing} 个单位未提交。")
    lines.append(f"发现 {report.errors} 个错误、{report.warnings} 个警告，已在“{layout.CONS_FINDINGS_SHEET}”表列出。")
    lines.append(f"结果文件：{out}")
    opened = _open_at(live, out, layout.CONS_SUMMARY_SHEET)
    if not opened:
        lines.append("请在 Excel 中打开该文件查看。")
    text = "\n".join(lines)
    live.alert(text, f"{TITLE}：汇总")
    return text


def open_findings(book: Any, config: Config | None = None) -> str:
    """打开问题清单: the summary file of the last consolidation, opened at its findings sheet."""
    live = LiveBook(book)
    _, out = summary_paths(live)
    if not out.is_file():
        raise UserError(f"还没有汇总结果文件：{out}。请先点击“汇总”", file=live.name, sheet=layout.SUMMARY_SHEET,
                        cell=layout.SUMMARY_OUTPUT_CELL)
    if _open_at(live, out, layout.CONS_FINDINGS_SHEET):
        return str(out)
    text = f"汇总结果文件：{out}\n请在 Excel 中打开它，查看“{layout.CONS_FINDINGS_SHEET}”表。"
    live.alert(text, f"{TITLE}：打开问题清单")
    return text


def report(book: Any, config: Config | None = None) -> str:
    """分析报告: ``xlsxtools report SUMMARY -o …-分析报告.docx`` for the summary file of the last
    consolidation; opens nothing (Word is another application) but says where the file is."""
    from xlsxtools.report.run import make_report

    live = LiveBook(book)
    _, out = summary_paths(live)
    if not out.is_file():
        raise UserError(f"还没有汇总结果文件：{out}。请先点击“汇总”", file=live.name, sheet=layout.SUMMARY_SHEET,
                        cell=layout.SUMMARY_OUTPUT_CELL)
    target = out.with_name(out.stem + REPORT_FILE_SUFFIX)
    live.status("正在生成分析报告……")
    try:
        try:
            made = make_report(out, target)
        except PermissionError as exc:
            raise UserError(f"无法写入报告文件（是否正在 Word 中打开？请先关闭它）：{target}", file=str(target)) from exc
    finally:
        live.status(None)
    c = made.counts
    text = (f"已生成分析报告：{target}\n单位 {c.get('units', 0)} 个（自评完整 {c.get('complete', 0)} 个），"
            f"名册中未提交 {c.get('missing', 0)} 个，目标被改动 {c.get('tampered', 0)} 个。\n报告是初稿，请核实后使用。")
    live.alert(text, f"{TITLE}：分析报告")
    return text
