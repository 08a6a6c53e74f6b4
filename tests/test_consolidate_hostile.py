"""A consolidation next to special files and over-limit workbooks: every one becomes a named row
with its code and reason (W005 limits, W006 not a regular file), non-workbooks are named on 说明
with the limits, and the valid units are scored as usual."""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fuzz.corpus import SHEETS, _members, _zip, append_row
from test_consolidate import sheet, table_rows, write_samples

from xlsxtools import layout
from xlsxtools.config import Config, Limits
from xlsxtools.consolidate.runner import consolidate


def test_hostile_folder(tmp_path: Path):
    folder = tmp_path / "in"
    units = write_samples(folder)
    m = _members(units["zhengwu_2026"])
    m[SHEETS["lists"]] = append_row(m[SHEETS["lists"]], 1048576, b'<c r="XFD1048576"><v>1</v></c>')
    (folder / "far.xlsx").write_bytes(_zip(m))
    os.mkfifo(folder / "fifo.xlsx")
    os.symlink("loop.xlsx", folder / "loop.xlsx")
    os.symlink("/dev/zero", folder / "zero.xlsm")
    (folder / "notes.pdf").write_bytes(b"%PDF-1.4")
    out = tmp_path / "s.xlsx"
    rep = consolidate([folder], out, jobs=2, config=Config(limits=Limits(seconds=20)))
    assert rep.units == 3 and rep.unreadable == 4
    _, rows = table_rows(out, layout.CONS_SUMMARY_SHEET)
    why = {Path(r["文件"]).name: r["说明"] for r in rows if r["状态"] == "无法读取"}
    assert "管道（FIFO）" in why["fifo.xlsx"]
    assert "符号链接形成循环" in why["loop.xlsx"]
    assert "设备文件" in why["zero.xlsm"]
    assert "工作表「下拉列表」" in why["far.xlsx"] and "1,048,576" in why["far.xlsx"]
    _, findings = table_rows(out, layout.CONS_FINDINGS_SHEET)
    codes = {Path(f["文件"]).name: f["代码"] for f in findings if f.get("文件") and f.get("代码", "").startswith("W00")}
    assert codes["far.xlsx"] == "W005" and codes["fifo.xlsx"] == codes["loop.xlsx"] == codes["zero.xlsm"] == "W006"
    about = {r[0]: r[1] for r in sheet(out, layout.CONS_ABOUT_SHEET) if r and r[0]}
    assert about["跳过的文件"] == (f"不是 Excel 工作簿（扩展名不是 .xlsx/.xlsm/.xls/.xlsb/.ods） 1 个"
                                 f"（逐个列在“{layout.CONS_MISSING_SHEET}”中）")
    _, missing = table_rows(out, layout.CONS_MISSING_SHEET)
    assert [(r["文件"], r["说明"]) for r in missing if r["类别"] == "跳过的文件"] == [
        (str(folder / "notes.pdf"), "不是 Excel 工作簿（扩展名不是 .xlsx/.xlsm/.xls/.xlsb/.ods）")]
    assert "每个文件最长 20 秒" in about["读取限制"]
