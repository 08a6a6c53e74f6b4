"""A table saved as CSV (Excel/WPS "另存为 CSV", budget-system exports): comma- or semicolon-separated,
UTF-8 with or without BOM or GB18030, cells with line breaks quoted."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest

from xlsxtools.commands.demo import sample_dir
from xlsxtools.errors import UnreadableFile
from xlsxtools.importer import import_table


def _rows() -> list[list[str]]:
    text = (sample_dir() / "zhengwu_2026.txt").read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines()]


def _csv(rows: list[list[str]], delimiter: str = ",") -> str:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buf.getvalue()


@pytest.mark.parametrize("encoding, delimiter", [("utf-8-sig", ","), ("utf-8", ","), ("gb18030", ","),
                                                 ("utf-8-sig", ";")])
def test_csv_reads_the_table(tmp_path: Path, encoding: str, delimiter: str):
    rows = _rows()
    # a level-2 cell with a line break, as Excel writes it: quoted
    i = next(k for k, r in enumerate(rows) if "服务对象满意度指标" in r)
    rows[i] = [c.replace("服务对象满意度指标", "服务对象\n满意度指标") for c in rows[i]]
    p = tmp_path / "目标表.csv"
    p.write_bytes(_csv(rows, delimiter).encode(encoding))
    t = import_table(p)
    # the 政务服务中心 sample: 12 indicators, the first 设置政务服务窗口数 ≥ 98 个, 2 points (read by eye)
    assert t.unit.name == "芷江侗族自治县政务服务中心" and len(t.indicators) == 12
    first = t.indicators[0]
    assert (first.name, first.type, first.target, first.unit, first.weight) == ("设置政务服务窗口数", "≥", "98", "个",
                                                                               Decimal(2))
    assert any(ind.level2 == "服务对象满意度指标" for ind in t.indicators)


def test_an_empty_csv_is_named(tmp_path: Path):
    p = tmp_path / "空.csv"
    p.write_bytes(b"\xef\xbb\xbf\r\n")
    with pytest.raises(UnreadableFile) as exc:
        import_table(p)
    assert str(p) in str(exc.value)


def test_a_cell_beyond_the_csv_field_limit_is_a_message(tmp_path: Path):
    p = tmp_path / "长.csv"
    p.write_text('一级指标,二级指标\n"' + "x" * 200_000 + '",b\n', encoding="utf-8")
    with pytest.raises(UnreadableFile) as exc:
        import_table(p)
    assert str(p) in str(exc.value) and "第2行起的单元格无法读取" in str(exc.value)


def test_actuals_and_roster_csv_beyond_the_field_limit_are_messages(tmp_path: Path):
    """The same csv limit in the other CSV readers: actual values for `actuals` and a roster."""
    import subprocess
    import sys

    from xlsxtools.consolidate.runner import load_roster
    from xlsxtools.workbook.template import write_unit_workbook

    big = tmp_path / "实际值.csv"
    big.write_text('三级指标,实际完成值\n"' + "x" * 200_000 + '",1\n', encoding="utf-8")
    unit = write_unit_workbook(None, tmp_path / "单位.xlsm")
    r = subprocess.run([sys.executable, "-m", "xlsxtools", "actuals", str(unit), "--from", str(big), "-o",
                        str(tmp_path / "out.xlsm")], capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and str(big) in r.stderr and "第2行起的单元格无法读取" in r.stderr, r.stderr
    roster = tmp_path / "名册.csv"
    roster.write_text('单位名称\n"' + "y" * 200_000 + '"\n', encoding="utf-8")
    with pytest.raises(UnreadableFile) as exc:
        load_roster(roster)
    assert str(roster) in str(exc.value)
