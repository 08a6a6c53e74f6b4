"""``xlsxtools import`` through the real entry point (subprocess): JSON, summary, -o, errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from test_importer import DASHULING, SAMPLES, ZHENGWU

SAMPLE = SAMPLES / "zhengwu_2026.txt"


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "xlsxtools", "import", *args], capture_output=True,
                          text=True, encoding="utf-8", cwd=cwd, timeout=120)


def test_json_output_is_the_table_dict():
    r = run(str(SAMPLE), "--json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert set(data) == {"unit", "indicators", "findings"}
    assert data["unit"]["name"] == "芷江侗族自治县政务服务中心" and data["unit"]["year"] == "2026"
    inds = data["indicators"]
    assert [i["name"] for i in inds] == [row[3] for row in ZHENGWU]
    assert [i["source_line"] for i in inds] == [row[0] for row in ZHENGWU]
    assert sum(i["weight"] for i in inds) == 90
    assert inds[1]["target"] == 5 and inds[1]["unit"] == "万件"
    assert inds[7]["target"] == "2026年12月31日前"  # 定性 targets stay text
    assert {f["code"] for f in data["findings"]} >= {"I001", "I002", "I004", "I008"}
    assert all(set(f) == {"code", "severity", "sheet", "cell", "row", "message"} for f in data["findings"])


def test_summary_says_nothing_was_written(tmp_path):
    r = run(str(SAMPLE), cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "芷江侗族自治县政务服务中心" in r.stdout and "指标（12 个）" in r.stdout
    assert "分值合计：90" in r.stdout
    assert "未写出任何文件" in r.stdout
    assert list(tmp_path.iterdir()) == []


def test_help_in_plain_words():
    r = run("--help")
    assert r.returncode == 0
    for word in ("SRC", "--json", "-o", ".docx", ".md", ".xlsx", "不会被修改"):
        assert word in r.stdout


@pytest.mark.parametrize("name, content", [
    ("missing.txt", None),
    ("empty.txt", b""),
    ("garbage.xlsx", b"\x01\x02\x03 not a workbook" * 20),
    ("locked.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600),
    ("nogrid.txt", "只有一些说明文字\n没有表格\n".encode()),
    ("table.pdf", b"%PDF-1.4"),
])
def test_bad_input_exits_non_zero_without_traceback(tmp_path, name, content):
    src = tmp_path / name
    if content is not None:
        src.write_bytes(content)
    r = run(str(src), "--json")
    assert r.returncode == 2
    assert "Traceback" not in r.stderr and r.stdout == ""
    assert name in r.stderr and "错误" in r.stderr


def test_output_must_be_a_workbook_and_not_the_source(tmp_path):
    r = run(str(SAMPLE), "-o", str(tmp_path / "out.txt"))
    assert r.returncode == 2 and "xlsm" in r.stderr
    src = tmp_path / "copy.xlsx"
    src.write_bytes(b"x")
    r = run(str(src), "-o", str(src))
    assert r.returncode == 2 and "源文件" in r.stderr
    assert src.read_bytes() == b"x"


def test_output_workbook_holds_the_indicators_on_the_target_sheet(tmp_path):
    import python_calamine as pc

    from xlsxtools import layout

    out = tmp_path / "大树岭乡.xlsm"
    src = SAMPLES / "dashuling_2026.txt"
    before = src.read_bytes()
    r = run(str(src), "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert "已写出单位工作簿" in r.stdout
    assert src.read_bytes() == before

    wb = pc.CalamineWorkbook.from_path(str(out))
    rows = wb.get_sheet_by_name(layout.TARGETS_SHEET).to_python(skip_empty_area=False)
    col = {k: ord(v) - ord("A") for k, v in layout.TARGET_COL.items()}
    first = layout.TARGET_FIRST_ROW - 1
    grid = rows[first:first + len(DASHULING)]
    for got, want in zip(grid, DASHULING, strict=True):
        _, level1, level2, name, type_, target, unit, _explanation, rule_text, _w = want
        assert got[col["level1"]] == level1 and got[col["level2"]] == level2
        assert got[col["name"]] == name and got[col["type"]] == type_
        assert str(got[col["target"]]).removesuffix(".0") == target
        assert got[col["unit"]] == unit and got[col["rule_text"]] == rule_text
    values = {str(c) for row in rows for c in row}
    assert "芷江侗族自治县大树岭乡人民政府" in values and "孙某某" in values
