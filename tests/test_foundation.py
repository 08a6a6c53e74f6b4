"""Foundation: layout invariants, normalisation, config, atomic output, CLI plumbing."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from decimal import Decimal

import pytest

from xlsxtools import layout
from xlsxtools.atomic import atomic_path, backup_path
from xlsxtools.config import StepMode, load_config
from xlsxtools.errors import UserError
from xlsxtools.model import Finding, Origin, Severity
from xlsxtools.normalize import clean, is_formula_like, key, normalize_type, parse_date, parse_number


def test_level2_vocabulary_is_closed_and_unique():
    assert layout.LEVEL1 == ("成本指标", "产出指标", "效益指标", "满意度指标")
    assert len(layout.LEVEL2) == len(set(layout.LEVEL2)) == 11
    assert layout.LEVEL1_OF_LEVEL2["经济效益指标"] == "效益指标"
    assert layout.LEVEL1_OF_LEVEL2["时效指标"] == "产出指标"


def test_column_letters_and_maps():
    assert layout.col_letter(1) == "A" and layout.col_letter(26) == "Z" and layout.col_letter(27) == "AA"
    assert layout.TARGET_COL["level1"] == "A" and layout.TARGET_COL["remark"] == "I"
    assert layout.ACTUAL_COL["actual"] == "G" and layout.ACTUAL_COL["reason"] == "J"
    titles = [c.title for c in layout.TARGET_COLUMNS]
    assert titles == ["一级指标", "二级指标", "三级指标", "指标值类型", "指标值", "计量单位", "指标解释",
                      "评（扣）分标准", "备注"]


def test_footer_follows_grid():
    pos = layout.footer_position(30)
    first = layout.TARGET_FIRST_ROW + 30 + layout.FOOTER_GAP
    assert pos["business_review"] == (f"A{first}", f"C{first}")
    assert pos["performance_review"] == (f"F{first}", f"H{first}")
    assert pos["head"][0] == f"F{first + 2}"


def test_named_lists_cover_every_level1():
    names = {nl.name: nl for nl in layout.named_lists()}
    for i, l1 in enumerate(layout.LEVEL1, start=1):
        assert names[f"xt_level2_{i}"].values == layout.LEVEL2_BY_LEVEL1[l1]
    assert names["xt_types"].values == ("≥", ">", "=", "≤", "<", "定性")


@pytest.mark.parametrize("raw,expected", [
    ("≥", "≥"), (">=", "≥"), ("≧", "≥"), ("大于等于", "≥"), ("＞＝", "≥"), (" = ", "="), ("＝", "="),
    ("<=", "≤"), ("≦", "≤"), ("小于", "<"), ("定性", "定性"), ("定 性", "定性"), ("篇", None), ("", None), (None, None),
])
def test_normalize_type(raw, expected):
    assert normalize_type(raw) == expected


@pytest.mark.parametrize("raw,expected", [
    (50, Decimal(50)), (0.93, Decimal("0.93")), ("１２３", Decimal(123)), (" 1,350.75 ", Decimal("1350.75")),
    ("95%", Decimal(95)), ("２０２６年", None), ("效果明显", None), ("", None), (None, None), (True, None),
    ("1.2.3", None), ("-5", Decimal(-5)),
])
def test_parse_number(raw, expected):
    assert parse_number(raw) == expected


def test_parse_date_variants():
    assert parse_date("2026年12月31日前") == date(2026, 12, 31)
    assert parse_date("2025.12.15") == date(2025, 12, 15)
    assert parse_date("２０２６-１-５") == date(2026, 1, 5)
    assert parse_date("2026年13月1日") is None
    assert parse_date("效果明显") is None


def test_clean_and_key():
    assert clean(50.0) == "50" and clean(" a\n b\u3000 ") == "a b" and clean(None) == ""
    assert key("部门（单位）名称") == key("部门(单位) 名称")
    assert key("评（扣）分标准") == key("评(扣)分标准")
    assert key("办理文件") != key("办理文件数")


def test_formula_guard():
    assert is_formula_like("=") and is_formula_like("=SUM(A1)") and is_formula_like("+1") and is_formula_like("@x")
    assert not is_formula_like("≥") and not is_formula_like("-5") and not is_formula_like("办理文件")
    assert is_formula_like("-cmd")


def test_finding_locates_field_cell():
    origin = Origin(file="a.xlsm", sheet="目标表", row=9, columns=layout.TARGET_COL)
    f = Finding.at("V001", Severity.ERROR, "x", origin, "target")
    assert (f.sheet, f.cell, f.row) == ("目标表", "E9", 9)
    text = Finding.at("V001", Severity.ERROR, "x", Origin(file="a.txt", row=12), "target")
    assert (text.sheet, text.cell, text.row) == (None, None, 12)


def test_config_defaults_and_file(tmp_path):
    cfg = load_config(search_cwd=False)
    assert cfg.step_mode is StepMode.FLOOR and cfg.expectations.total == 90
    p = tmp_path / "x.toml"
    p.write_text('[expectations]\ntotal = 80\nlevel1 = { "效益指标" = 20 }\n[scoring]\nstep_mode = "ceil"\n',
                 encoding="utf-8")
    cfg = load_config(p)
    assert cfg.step_mode is StepMode.CEIL and cfg.expectations.total == 80
    assert cfg.expectations.level1 == {"效益指标": Decimal(20)}
    p.write_text('[scoring]\nstep_mode = "round"\n', encoding="utf-8")
    with pytest.raises(UserError, match="step_mode"):
        load_config(p)


def test_atomic_path_keeps_old_file_on_failure(tmp_path):
    target = tmp_path / "out.xlsx"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("boom")
    assert target.read_bytes() == b"old"
    assert list(tmp_path.iterdir()) == [target]
    with atomic_path(target) as tmp:
        tmp.write_bytes(b"new")
    assert target.read_bytes() == b"new"
    assert backup_path(target).name == "out.bak.xlsx"


def test_cli_help_lists_commands_and_rejects_unknown():
    out = subprocess.run([sys.executable, "-m", "xlsxtools", "--help"], capture_output=True, text=True)
    assert out.returncode == 0 and "用法：" in out.stdout and "consolidate" in out.stdout
    bad = subprocess.run([sys.executable, "-m", "xlsxtools", "no-such-command"], capture_output=True, text=True)
    assert bad.returncode != 0 and "没有命令 'no-such-command'" in bad.stderr


def test_atomic_output_gets_normal_permissions(tmp_path):
    import os
    import stat

    target = tmp_path / "new.xlsx"
    with atomic_path(target) as tmp:
        tmp.write_bytes(b"x")
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~mask
    os.chmod(target, 0o640)
    with atomic_path(target) as tmp:
        tmp.write_bytes(b"y")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_codes_select_and_dedupe():
    from xlsxtools.codes import CODES, dedupe, finding, select

    a = finding("I004", "列标题「指标类型」", Origin(file="x.txt", row=13))
    b = finding("I004", "列标题「度量单位」", Origin(file="x.txt", row=13))
    assert dedupe([a, b, a]) == [a, b]
    c = finding("H001", "x", Origin(row=1))
    assert select([a, c], ["H"]) == [c] and select([a, c], None, ["I00"]) == [c] and select([a, c], ["ALL"]) == [a, c]
    assert all(code[0] in "IHVRTMAWCSJ" and len(code) == 4 for code in CODES)


@pytest.mark.parametrize("data", [
    "三级指标,实际完成值\n办理文件,472\n".encode("utf-8-sig"),
    "三级指标,实际完成值\n办理文件,472\n".encode("gbk"),
    "三级指标,实际完成值\n办理文件,472\n".encode("utf-16"),
])
def test_read_text_in_the_usual_encodings(tmp_path, data):
    from xlsxtools.textfile import read_text

    p = tmp_path / "a.csv"
    p.write_bytes(data)
    assert read_text(p).splitlines()[1] == "办理文件,472"


@pytest.mark.parametrize("data,match", [(b"", "空的"), (b"PK\x03\x04\x00\x00binary", "二进制")])
def test_read_text_rejects_empty_and_binary(tmp_path, data, match):
    from xlsxtools.errors import UnreadableFile
    from xlsxtools.textfile import read_text

    p = tmp_path / "a.txt"
    p.write_bytes(data)
    with pytest.raises(UnreadableFile, match=match):
        read_text(p)
    with pytest.raises(UnreadableFile, match="不存在"):
        read_text(tmp_path / "missing.txt")


def test_percent_text_rounds_half_up_and_shows_nothing_for_non_numbers():
    from decimal import Decimal

    from xlsxtools.normalize import percent_text

    assert percent_text(0.4300486) == "43.00%" and percent_text(7 / 12) == "58.33%"
    assert percent_text(Decimal("0.123455")) == "12.35%"  # half-up, where half-even gives 12.34
    assert percent_text(0.123455) == "12.35%"  # the float's decimal text, not its binary value
    assert percent_text(1) == "100.00%" and percent_text(-0.1733) == "-17.33%"
    assert percent_text(None) == "—" and percent_text(True) == "—" and percent_text("43%") == "—"
    assert percent_text(float("nan"), "") == "" and percent_text(float("inf")) == "—"
