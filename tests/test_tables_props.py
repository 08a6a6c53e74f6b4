"""Property: any grid of cells — titles, level words, values, junk, in any order and shape — is
either read or refused with a clear UnreadableFile, never a crash (issue 11, bad input); and every
row under a grid header is an indicator or named by a finding (nothing dropped silently)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from xlsxtools.errors import UnreadableFile
from xlsxtools.importer import interpret_any
from xlsxtools.importer.rows import SourceRow

CELLS = ["", "", "一级指标", "二级指标", "三级指标", "指标值", "年度指标值", "分值", "得分", "实际完成值", "指标性质",
         "单位", "项目名称", "合计", "总分", "评价结论", "产出指标", "数量指标", "成本指标", "满意度指标（10分）",
         "（50分）", "≥50个", "100%", "≤5批次", "≥", "正向", "反向", "10", "9.5", "—", "/", "指标1：", "……",
         "年度资金总额", "全年预算数", "全年执行数", "执行率", "项目支出绩效自评表", "（2023年度）", "酌情扣分",
         "达到计划值得满分2分，否则按实际值/计划值*指标分值计分", "2024年12月底前", "投入", "效果", "x" * 300]

grids = st.lists(st.lists(st.sampled_from(CELLS), min_size=0, max_size=12), min_size=0, max_size=25)


@settings(max_examples=300, deadline=None)
@given(grids)
def test_any_grid_is_read_or_refused(grid):
    rows = [SourceRow(cells, n, f"第{n}行", file="x") for n, cells in enumerate(grid, start=1)]
    try:
        tables = interpret_any(rows, "x")
    except UnreadableFile as exc:
        assert "x" in str(exc)
        return
    for t in tables:
        for ind in t.indicators:
            assert ind.origin.row is not None


HEADERS = [["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
           ["绩效指标", "一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "权重", "指标方向性"],
           ["单位名称", "项目名称", "一级指标", "二级指标", "三级指标", "指标值", "权重"]]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(HEADERS), grids, st.booleans())
def test_any_body_under_a_header_is_read_or_refused(header, body, structured):
    rows = [SourceRow(header, 1, "第1行", file="x", letters=[str(i) for i in range(len(header))] if structured else None)]
    for n, cells in enumerate(body, start=2):
        rows.append(SourceRow(cells, n, f"第{n}行", file="x"))
    try:
        tables = interpret_any(rows, "x")
    except UnreadableFile:
        return
    if any(t.columns is None for t in tables):
        return  # read by the template-form interpreter (its own tests cover what it reports)
    # nothing dropped silently: every non-blank body row is an indicator or named by a finding
    seen = {i.origin.row for t in tables for i in t.indicators}
    named = {f.row for t in tables for f in t.findings if f.row is not None}
    from xlsxtools.importer.tables import find_header, segment

    body = []  # the rows under each grid header (the header block above a grid is read best-effort)
    for chunk in segment(rows):
        at = find_header(chunk)
        if at is not None:
            body += chunk[at[0] + at[1]:]
    for r in body:
        if not r.is_blank:
            assert r.row in seen or r.row in named, r.cells
