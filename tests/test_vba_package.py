"""Packaging as .xlsm (content types, relationships, codenames, determinism), the xlwings.conf
sheet, the summary template, and LibreOffice opening both templates with their VBA modules."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import warnings
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from xlsxtools import layout
from xlsxtools.vba.modules import template_modules
from xlsxtools.vba.package import DEFAULT_CONF, add_conf_sheet, package_xlsm
from xlsxtools.vba.summary_template import build_summary_template, write_summary_template

with warnings.catch_warnings():  # oletools' pyparsing grammar warns on import
    warnings.simplefilter("ignore")
    from oletools.olevba import VBA_Parser

CT = "http://schemas.openxmlformats.org/package/2006/content-types"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
XLSM_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
VBA_CT = "application/vnd.ms-office.vbaProject"
VBA_REL = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"


def content_type(z: zipfile.ZipFile, part: str) -> str | None:
    root = ET.fromstring(z.read("[Content_Types].xml"))
    for el in root.iter(f"{{{CT}}}Override"):
        if el.get("PartName") == "/" + part:
            return el.get("ContentType")
    ext = part.rsplit(".", 1)[-1].lower()
    for el in root.iter(f"{{{CT}}}Default"):
        if el.get("Extension", "").lower() == ext:
            return el.get("ContentType")
    return None


def vba_modules(path: Path) -> dict[str, str]:
    parser = VBA_Parser(str(path))
    try:
        return {stream.split("/")[-1]: code for (_, stream, _, code) in parser.extract_macros()}
    finally:
        parser.close()


def sample_workbook(path: Path, *, conf: bool = True) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "目标表"
    ws["A1"] = "="
    ws["A1"].data_type = "s"
    named = wb.create_sheet("实际完成")
    named.sheet_properties.codeName = "shtActuals"
    wb.create_sheet("检查结果")
    if conf:
        add_conf_sheet(wb)
    wb.save(path)
    return path


def test_package_declares_a_macro_enabled_workbook(tmp_path: Path) -> None:
    out = tmp_path / "book.xlsm"
    package_xlsm(sample_workbook(tmp_path / "in.xlsx"), out, "unit")
    with zipfile.ZipFile(out) as z:
        assert z.namelist()[0] == "[Content_Types].xml"
        assert content_type(z, "xl/workbook.xml") == XLSM_MAIN
        assert content_type(z, "xl/vbaProject.bin") == VBA_CT
        root = ET.fromstring(z.read("[Content_Types].xml"))
        assert {el.get("Extension"): el.get("ContentType") for el in root.iter(f"{{{CT}}}Default")}["bin"] == VBA_CT
        rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
        vba = [el.get("Target") for el in rels.iter(f"{{{PKG_REL}}}Relationship") if el.get("Type") == VBA_REL]
        assert vba == ["vbaProject.bin"]
        assert all(info.date_time == (1980, 1, 1, 0, 0, 0) for info in z.infolist())


def test_package_without_conf_sheet_gets_codenames_and_a_document_module_per_sheet(tmp_path: Path) -> None:
    out = tmp_path / "book.xlsm"
    package_xlsm(sample_workbook(tmp_path / "in.xlsx", conf=False), out, "unit")
    wb = openpyxl.load_workbook(out, keep_vba=True)
    # 目标表 had no codename (position 1), 实际完成 kept its own, 检查结果 got Sheet3.
    assert [ws.sheet_properties.codeName for ws in wb.worksheets] == ["Sheet1", "shtActuals", "Sheet3"]
    assert wb.code_name == "ThisWorkbook"
    modules = vba_modules(out)
    assert set(modules) == {"ThisWorkbook", "Sheet1", "shtActuals", "Sheet3", "RibbonUnit", "xlwings", "Dictionary"}
    assert 'Attribute VB_Base = "0{00020820-0000-0000-C000-000000000046}"' in modules["shtActuals"]
    assert 'Attribute VB_Base = "0{00020819-0000-0000-C000-000000000046}"' in modules["ThisWorkbook"]


def test_package_keeps_cell_content_and_replaces_an_earlier_project(tmp_path: Path) -> None:
    first = tmp_path / "first.xlsm"
    package_xlsm(sample_workbook(tmp_path / "in.xlsx"), first, "unit")
    wb = openpyxl.load_workbook(first, keep_vba=True)
    resaved = tmp_path / "resaved.xlsm"
    wb.save(resaved)
    second = tmp_path / "second.xlsm"
    package_xlsm(resaved, second, "summary")
    with zipfile.ZipFile(second) as z:
        rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
        assert [el.get("Type") for el in rels.iter(f"{{{PKG_REL}}}Relationship")].count(VBA_REL) == 1
    modules = vba_modules(second)
    assert "RibbonSummary" in modules and "RibbonUnit" not in modules
    sheet = CalamineWorkbook.from_path(str(second)).get_sheet_by_name("目标表").to_python()
    assert sheet[0][0] == "="  # still text


def test_package_is_deterministic(tmp_path: Path) -> None:
    src = sample_workbook(tmp_path / "in.xlsx")
    package_xlsm(src, tmp_path / "a.xlsm", "unit")
    package_xlsm(src, tmp_path / "b.xlsm", "unit")
    assert (tmp_path / "a.xlsm").read_bytes() == (tmp_path / "b.xlsm").read_bytes()


def test_unknown_kind_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        package_xlsm(sample_workbook(tmp_path / "in.xlsx"), tmp_path / "x.xlsm", "other")  # type: ignore[arg-type]


def conf_rows(path: Path) -> list[list[object]]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(layout.XLWINGS_CONF_SHEET).to_python()


def test_conf_sheet_is_very_hidden_with_the_interpreter_settings(tmp_path: Path) -> None:
    path = sample_workbook(tmp_path / "in.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb[layout.XLWINGS_CONF_SHEET].sheet_state == "veryHidden"
    rows = conf_rows(path)
    settings = {r[0]: r[1] for r in rows}
    # xlwings reads column A from A1 down to the first empty cell: no gaps.
    assert all(r[0] for r in rows)
    assert settings["Interpreter_Win"] == "python"
    assert settings["Interpreter_Mac"] == "/Library/Frameworks/Python.framework/Versions/Current/bin/python3"
    assert settings["ADD_WORKBOOK_TO_PYTHONPATH"] is False
    assert settings["Show Console"] is False
    assert [k for k, _ in DEFAULT_CONF] == [r[0] for r in rows]


def test_conf_sheet_settings_override_and_omit(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    add_conf_sheet(wb)
    add_conf_sheet(wb, {"INTERPRETER_WIN": r"C:\Python311\pythonw.exe", "Interpreter_Mac": None,
                        "Conda Env": "=base"})
    assert wb.sheetnames.count(layout.XLWINGS_CONF_SHEET) == 1
    path = tmp_path / "conf.xlsx"
    wb.save(path)
    settings = {r[0]: r[1] for r in conf_rows(path)}
    assert settings["INTERPRETER_WIN"] == r"C:\Python311\pythonw.exe"
    assert "Interpreter_Win" not in settings and "Interpreter_Mac" not in settings
    assert settings["Conda Env"] == "=base"  # text, not a formula


def test_summary_template_workbook(tmp_path: Path) -> None:
    out = write_summary_template(tmp_path / layout.SUMMARY_TEMPLATE_FILE)
    assert out.name == "绩效汇总模板.xlsm"
    wb = openpyxl.load_workbook(out, keep_vba=True)
    assert wb.sheetnames == ["汇总设置", "下拉列表", "xlwings.conf"]
    assert [ws.sheet_state for ws in wb.worksheets] == ["visible", "hidden", "veryHidden"]
    ws = wb["汇总设置"]
    assert ws["A3"].value == "单位工作簿文件夹" and ws["A4"].value == "汇总结果文件"
    assert ws["B3"].protection.locked is False and ws["B4"].protection.locked is False
    assert ws.protection.sheet is True
    folder = wb.defined_names["xt_summary_folder"]
    assert list(folder.destinations) == [("汇总设置", "$B$3")]
    assert list(wb.defined_names["xt_summary_output"].destinations) == [("汇总设置", "$B$4")]
    lists = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("下拉列表").to_python()
    assert lists[0][:3] == ["xlsxtools-layout", "2", "summary"]
    assert set(vba_modules(out)) == {"ThisWorkbook", "shtSummary", "shtLists", "shtXlwingsConf",
                                     "RibbonSummary", "xlwings", "Dictionary"}


def test_summary_template_is_reproducible(tmp_path: Path) -> None:
    a = write_summary_template(tmp_path / "a.xlsm")
    b = write_summary_template(tmp_path / "b.xlsm")
    assert a.read_bytes() == b.read_bytes()
    assert build_summary_template().sheetnames == ["汇总设置", "下拉列表", "xlwings.conf"]


# --------------------------------------------------------------------------------------------
# LibreOffice
# --------------------------------------------------------------------------------------------


def soffice() -> str:
    exe = shutil.which("soffice")
    if exe is None:
        if os.environ.get("XLSXTOOLS_REQUIRE_LIBREOFFICE") == "1":
            pytest.fail("soffice not found but XLSXTOOLS_REQUIRE_LIBREOFFICE=1")
        pytest.skip("LibreOffice (soffice) is not installed")
    return exe


def lo_basic_modules(path: Path, tmp_path: Path) -> dict[str, tuple[str, str]]:
    """Convert with LibreOffice to .ods and return its VBAProject Basic modules: name → (type, text)."""
    out_dir = tmp_path / "lo"
    out_dir.mkdir(exist_ok=True)
    subprocess.run([soffice(), "--headless", "--norestore", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
                    "--convert-to", "ods", "--outdir", str(out_dir), str(path)],
                   check=True, capture_output=True, timeout=240)
    ods = out_dir / (path.stem + ".ods")
    assert ods.is_file(), "LibreOffice did not convert the workbook"
    ns = "{http://openoffice.org/2000/script}"
    out = {}
    with zipfile.ZipFile(ods) as z:
        for name in z.namelist():
            if name.startswith("Basic/VBAProject/") and not name.endswith("script-lb.xml"):
                root = ET.fromstring(z.read(name))
                out[root.get(f"{ns}name")] = (root.get(f"{ns}moduleType"), root.text or "")
    return out


def lo_view(source: bytes) -> str:
    """What LibreOffice shows of a module: the source without its Attribute lines."""
    lines = source.decode("cp1252").split("\r\n")
    return "\n".join(line for line in lines if not line.startswith("Attribute ")).rstrip("\n")


def check_in_libreoffice(path: Path, kind: str, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(path, keep_vba=True)
    codenames = [ws.sheet_properties.codeName for ws in wb.worksheets]
    expected = {m.name: m for m in template_modules(kind, codenames)}  # type: ignore[arg-type]
    found = lo_basic_modules(path, tmp_path)
    assert set(found) == set(expected)
    lo_type = {"standard": "normal", "class": "class", "document": "document"}
    for name, module in expected.items():
        module_type, text = found[name]
        assert module_type == lo_type[module.kind], name
        header = 3 if module.kind == "class" else 2  # Rem VBA_ModuleType, Option VBASupport [, Option ClassModule]
        assert text.split("\n", header)[-1].rstrip("\n") == lo_view(module.source), name


def test_summary_template_opens_in_libreoffice_with_its_vba(tmp_path: Path) -> None:
    soffice()
    path = write_summary_template(tmp_path / "summary.xlsm")
    check_in_libreoffice(path, "summary", tmp_path)


def test_unit_template_opens_in_libreoffice_with_its_vba(tmp_path: Path) -> None:
    soffice()
    path = tmp_path / "unit.xlsm"
    if importlib.util.find_spec("xlsxtools.workbook.template") is not None:
        from xlsxtools.workbook.template import write_unit_workbook

        write_unit_workbook(None, path)  # the real unit template (packaged through package_xlsm)
    else:
        package_xlsm(sample_workbook(tmp_path / "in.xlsx"), path, "unit")
    assert "RibbonUnit" in vba_modules(path)
    check_in_libreoffice(path, "unit", tmp_path)


def test_committed_summary_template_is_up_to_date(tmp_path: Path) -> None:
    committed = Path(__file__).resolve().parents[1] / "workbook_templates" / layout.SUMMARY_TEMPLATE_FILE
    if not committed.is_file():
        pytest.skip("summary template not built in workbook_templates/")
    fresh = write_summary_template(tmp_path / "fresh.xlsm")
    with zipfile.ZipFile(committed) as a, zipfile.ZipFile(fresh) as b:
        assert a.namelist() == b.namelist()
        for name in a.namelist():
            assert a.read(name) == b.read(name), (
                f"{name} differs: rebuild with write_summary_template (xlsxtools template build)")
