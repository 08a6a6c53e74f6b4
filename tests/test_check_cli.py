"""``xlsxtools check``: raw samples, imported samples, JSON shape, exit codes, selection, annotation."""

from __future__ import annotations

import json

import pytest
from test_checks import clean_table
from test_checks_samples import EXPECTED, RAW_ONLY, sample_path

from xlsxtools import layout
from xlsxtools.cli import main


def run(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(["check", *args])
    out = capsys.readouterr()
    return exc.value.code, out.out, out.err


def as_json(capsys, *args: str) -> tuple[int, object]:
    code, out, _ = run(capsys, *args, "--json")
    return code, json.loads(out)


@pytest.mark.parametrize("name,exit_code", [("dashuling", 1), ("zhengfuban", 1), ("zhengwu", 0)])
def test_raw_samples(capsys, name, exit_code):
    code, data = as_json(capsys, str(sample_path(name)))
    assert code == exit_code  # errors: H004 (大树岭乡), H001 (政府办); 政务服务中心 has warnings only
    assert data["file"] == str(sample_path(name))
    got = {(f["code"], f["row"]) for f in data["findings"] if not f["code"].startswith("I")}
    assert got == EXPECTED[name] | RAW_ONLY[name]
    assert all(f["sheet"] is None and f["cell"] is None for f in data["findings"])
    assert set(data["findings"][0]) == {"code", "severity", "sheet", "cell", "row", "message"}
    s = data["summary"]
    assert s["errors"] + s["warnings"] + s["infos"] == len(data["findings"])


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_imported_samples(capsys, tmp_path, name):
    """The sample imported into a unit workbook: the same findings, located on 目标表 cells."""
    from xlsxtools.importer import import_table
    from xlsxtools.workbook.template import write_unit_workbook

    table = import_table(str(sample_path(name)))
    out = tmp_path / f"{name}.xlsx"
    write_unit_workbook(table, out)
    line_to_row = {ind.origin.row: layout.TARGET_FIRST_ROW + i for i, ind in enumerate(table.indicators)}
    _, data = as_json(capsys, str(out))
    got = {(f["code"], f["row"]) for f in data["findings"]}
    expected_rows = {(c, line_to_row[line]) for c, line in EXPECTED[name] if c[0] != "M"}
    assert {g for g in got if g[0][0] != "M"} == expected_rows
    assert {c for c, _ in got if c[0] == "M"} == {c for c, _ in EXPECTED[name] if c[0] == "M"}
    for f in data["findings"]:
        assert f["sheet"] == layout.TARGETS_SHEET and f["cell"].endswith(str(f["row"]))
        if f["code"] in ("H001", "V006"):
            assert f["cell"][0] == layout.TARGET_COL["level2"]


def test_several_files_give_a_list_and_the_worst_exit(capsys, tmp_path):
    bad = tmp_path / "broken.xlsx"
    bad.write_bytes(b"not a workbook")
    code, data = as_json(capsys, str(sample_path("zhengwu")), str(bad))
    assert code == 2 and isinstance(data, list) and len(data) == 2
    assert [f["code"] for f in data[1]["findings"]] == ["W004"]


def test_clean_table_in_the_template_reports_nothing(capsys, tmp_path):
    from xlsxtools.workbook.template import write_unit_workbook

    out = tmp_path / "clean.xlsx"
    write_unit_workbook(clean_table(), out)
    code, text, _ = run(capsys, str(out))
    assert code == 0 and "没有发现问题" in text


def test_workbook_not_from_the_template(capsys, tmp_path):
    import openpyxl

    # an ordinary workbook holding last year's table: read as a plain table, W001 as a warning
    wb = openpyxl.Workbook()
    lines = sample_path("zhengwu").read_text(encoding="utf-8").split("\n")
    for line in lines:
        wb.active.append(line.split("\t"))
    src = tmp_path / "old.xlsx"
    wb.save(src)
    code, data = as_json(capsys, str(src))
    w001 = [f for f in data["findings"] if f["code"] == "W001"]
    assert len(w001) == 1 and w001[0]["severity"] == "warning" and "目标表" in w001[0]["message"]
    assert {f["code"] for f in data["findings"]} >= {"V006", "M006"} and code == 0
    # an unrelated workbook: W001 as an error, saying what is missing; exit 2, no traceback
    wb = openpyxl.Workbook()
    wb.active["A1"] = "账目"
    other = tmp_path / "other.xlsx"
    wb.save(other)
    code, data = as_json(capsys, str(other))
    assert code == 2 and [f["code"] for f in data["findings"]] == ["W001"]
    assert data["findings"][0]["severity"] == "error" and "缺少工作表" in data["findings"][0]["message"]


def test_select_ignore_and_unknown_codes(capsys):
    src = str(sample_path("dashuling"))
    _, data = as_json(capsys, src, "--select", "R,H")
    assert {f["code"] for f in data["findings"]} == {"R007", "H004"}
    code, data = as_json(capsys, src, "--ignore", "I,V,H")
    assert {f["code"] for f in data["findings"]} == {"R007"} and code == 0
    code, _, err = run(capsys, src, "--select", "X9")
    assert code == 2 and "X9" in err


def test_human_output_names_sheet_cell_and_message(capsys, tmp_path):
    from xlsxtools.importer import import_table
    from xlsxtools.workbook.template import write_unit_workbook

    out = tmp_path / "u.xlsx"
    write_unit_workbook(import_table(str(sample_path("zhengfuban"))), out)
    code, text, _ = run(capsys, str(out))
    assert code == 1
    assert f"工作表「{layout.TARGETS_SHEET}」" in text and "B20" in text and "错误 H001" in text
    assert "经济效益指标" in text and "合计：1 个错误，2 个警告" in text


def test_annotate_options(capsys, tmp_path):
    from xlsxtools.importer import import_table
    from xlsxtools.workbook.template import write_unit_workbook

    src = tmp_path / "u.xlsx"
    write_unit_workbook(import_table(str(sample_path("zhengfuban"))), src)
    original = src.read_bytes()
    code, _, err = run(capsys, str(src), "--annotate")
    assert code == 2 and "--in-place" in err
    out = tmp_path / "checked.xlsx"
    code, _, err = run(capsys, str(src), "--annotate", "-o", str(out))
    assert code == 1 and out.exists() and src.read_bytes() == original
    code, _, err = run(capsys, str(src), "--annotate", "--in-place")
    backups = list(tmp_path.glob("u.bak*.xlsx"))
    assert len(backups) == 1 and backups[0].read_bytes() == original and "备份" in err

    import openpyxl

    ws = openpyxl.load_workbook(src)[layout.TARGETS_SHEET]
    assert ws["B20"].comment is not None and "H001" in ws["B20"].comment.text
    # a text source cannot be annotated: findings are still listed, nothing is written
    code, text, err = run(capsys, str(sample_path("zhengwu")), "--annotate", "-o", str(tmp_path / "x.xlsx"))
    assert "无法标注" in err and not (tmp_path / "x.xlsx").exists() and "V006" in text


def test_config_file_changes_expectations(capsys, tmp_path):
    cfg = tmp_path / "x.toml"
    cfg.write_text("[expectations]\ntotal = 100\n", encoding="utf-8")
    _, data = as_json(capsys, str(sample_path("zhengwu")), "--config", str(cfg), "--select", "T")
    assert [f["code"] for f in data["findings"]] == ["T001"] and "100" in data["findings"][0]["message"]


def test_start_up_stays_light():
    import subprocess
    import sys

    code = ("import sys; import xlsxtools.commands.check, xlsxtools.checks; "
            "print(any(m in sys.modules for m in ('pandas', 'openpyxl', 'xlwings')))")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "False"
