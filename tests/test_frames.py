"""xlsxtools.frames: DataFrames from a folder, a summary workbook and a history database; pandas
never on a button's path."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from test_consolidate import write_samples

from xlsxtools import layout
from xlsxtools.config import Config

pd = pytest.importorskip("pandas")

ZW, ZFB, DSL = "芷江侗族自治县政务服务中心", "芷江侗族自治县人民政府办公室", "芷江侗族自治县大树岭乡人民政府"


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    from xlsxtools.consolidate.runner import consolidate

    d = tmp_path_factory.mktemp("frames")
    write_samples(d / "units")
    db = d / "历史.sqlite"
    for period in ("2026-05", "2026-06"):
        consolidate([d / "units"], d / f"汇总-{period}.xlsx", history=db, period=period, jobs=1, config=Config())
    return d


def test_units_from_a_summary_and_from_a_folder(made):
    from xlsxtools import frames

    df = frames.units(made / "汇总-2026-06.xlsx")
    assert list(df.columns[:4]) == ["unit", "file", "version", "status"]
    by = df.set_index("unit")
    assert by.loc[ZW, "total"] == pytest.approx(99.5) and by.loc[ZFB, "total"] == pytest.approx(92.27)
    assert by.loc[DSL, "complete"] == "否" and by.loc[ZW, "l1:产出指标:score"] == pytest.approx(29.84)
    assert len(df) == 3  # the 合计 row is not a unit
    from_folder = frames.units(made / "units").set_index("unit")
    assert from_folder["total"].to_dict() == by["total"].to_dict()
    zh = frames.units(made / "汇总-2026-06.xlsx", chinese=True)
    assert "单位名称" in zh.columns and "总分" in zh.columns


def test_indicators_and_findings(made):
    from xlsxtools import frames

    inds = frames.indicators(made / "汇总-2026-06.xlsx")
    assert inds.groupby("unit").size().to_dict() == {ZW: 12, ZFB: 18, DSL: 24}  # the sample tables' rows
    assert inds["target"].map(type).isin([int, float, str]).all()
    found = frames.findings(made / "汇总-2026-06.xlsx")
    assert {"unit", "code", "severity", "message"} <= set(found.columns)
    assert (found["code"] == "H001").any()  # 经济效益指标 under 产出指标 in 政府办's table


def test_history_has_every_period(made):
    from xlsxtools import frames

    h = frames.history(made / "历史.sqlite")
    assert sorted(h["period"].unique()) == ["2026-05", "2026-06"]
    assert len(h) == 6
    zw = h[h["unit_name"] == ZW]
    assert list(zw["total"]) == pytest.approx([99.5, 99.5])
    assert len(frames.indicators(made / "历史.sqlite")) == 2 * 54
    assert frames.units(made / "历史.sqlite").shape == h.shape
    from xlsxtools.errors import UserError

    with pytest.raises(UserError, match="历史库不保存问题清单"):
        frames.findings(made / "历史.sqlite")
    with pytest.raises(UserError, match="不是 xlsxtools 的历史库"):
        frames.history(made / "汇总-2026-06.xlsx")


def test_button_paths_import_no_pandas_even_when_installed(made, tmp_path):
    # pandas IS installed here (importorskip above). A fresh interpreter runs what a click runs
    # (the entry module, the operations, consolidation, the report) and must not have pandas
    # loaded afterwards: only xlwings itself would import it, which the click spy test covers.
    script = f"""
import json, sys
import xlsxtools.frames
import xlsxtools.excel
from xlsxtools.excel import ops
from xlsxtools.consolidate.runner import consolidate
from xlsxtools.report.run import make_report
from xlsxtools.config import Config
consolidate([{str(made / "units")!r}], {str(tmp_path / "s.xlsx")!r}, jobs=1, config=Config())
make_report({str(tmp_path / "s.xlsx")!r}, {str(tmp_path / "r.docx")!r})
print(json.dumps({{"pandas": "pandas" in sys.modules, "numpy_ok": True}}))
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout.strip().splitlines()[-1])["pandas"] is False
    assert (tmp_path / "r.docx").is_file()
    probe = subprocess.run([sys.executable, "-c", "import pandas"], capture_output=True)
    assert probe.returncode == 0  # the test means something: pandas could have been imported


def test_layout_keys_are_the_columns():
    from xlsxtools import frames

    assert frames._TITLES["units"]["total"] == "总分"
    assert frames._TITLES["indicators"]["name"] == layout.CONS_DETAIL_COLUMNS[3].title
