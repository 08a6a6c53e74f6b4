"""Whatever the cells hold, the checks return findings and never crash."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from xlsxtools import layout
from xlsxtools.checks import run_checks
from xlsxtools.model import Indicator, Origin, TargetTable, UnitInfo

cells = st.one_of(st.sampled_from(["", " ", "≥", ">=", "定性", "=", "９５", "95%", "1,000", "0", "-3", "成本指标 (20分)",
                                   "时效指标", "数量指标", "效益指标", "%", "个", "该工作对社会效益的影响",
                                   "达到计划值得满分2分，否则按实际值/计划值*指标分值计分。", "效果明显得10分，效果一般得5分",
                                   "2026年12月31日前", "基本达成目标，100%-80%（含）为15分"]),
                  st.text(max_size=12))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(*[cells] * 9), max_size=8), st.tuples(*[cells] * 4))
def test_checks_never_crash(rows, header):
    inds = [Indicator(*r, origin=Origin("f.xlsx", layout.TARGETS_SHEET, 7 + i, layout.TARGET_COL))
            for i, r in enumerate(rows)]
    unit = UnitInfo(name=header[0], year=header[1], phone=header[2], date=header[3])
    found = run_checks(TargetTable(unit=unit, indicators=inds))
    assert all(f.code and f.message for f in found)
    assert all(f.cell is None or f.cell.endswith(str(f.row)) for f in found)
