"""The ribbon (customUI) of both templates: well formed, the right namespace and relationship,
every onAction a VBA callback, the Chinese tab layout, and surviving an openpyxl load+save."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import openpyxl
import pytest

from xlsxtools.vba.modules import RIBBON_MODULE, macros_dir
from xlsxtools.vba.package import add_conf_sheet, package_xlsm, relink_ribbon, ribbon_xml

NS = "http://schemas.microsoft.com/office/2006/01/customui"
REL_UI = "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"

# Hand-written expectation: (tab label, [(group label, [button labels])]).
LAYOUT = {
    "unit": ("绩效工具", [("填报", ["添加下拉", "导入"]),
                       ("检查与评分", ["检查", "计算得分", "监控检查", "清除标记"]),
                       ("帮助", ["帮助"])]),
    "summary": ("绩效汇总", [("汇总", ["汇总", "选择文件夹", "打开问题清单", "分析报告"]),
                         ("帮助", ["帮助"])]),
}
#: Excel's own control list (published by Microsoft; see the file's header): every imageMso must be in it.
EXCEL_CONTROL_IDS = Path(__file__).parent / "data" / "excel_control_ids.txt"
CALLBACK = re.compile(r"^(?:Public\s+)?Sub\s+(\w+)\s*\(\s*control\s+As\s+IRibbonControl\s*\)\s*$", re.M)


def q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


@pytest.mark.parametrize("kind", ["unit", "summary"])
def test_customui_is_well_formed_utf8_in_the_2006_namespace(kind: str) -> None:
    data = ribbon_xml(kind)
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"')
    data.decode("utf-8")
    root = ET.fromstring(data)
    assert root.tag == q("customUI")
    assert len(root.findall(f"{q('ribbon')}/{q('tabs')}/{q('tab')}")) == 1


@pytest.mark.parametrize("kind", ["unit", "summary"])
def test_tab_groups_and_buttons(kind: str) -> None:
    root = ET.fromstring(ribbon_xml(kind))
    tab = root.find(f"{q('ribbon')}/{q('tabs')}/{q('tab')}")
    assert tab is not None
    layout = (tab.get("label"), [(g.get("label"), [b.get("label") for b in g.findall(q("button"))])
                                 for g in tab.findall(q("group"))])
    assert layout == LAYOUT[kind]
    ids = [el.get("id") for el in root.iter() if el.get("id")]
    assert len(ids) == len(set(ids))
    for button in root.iter(q("button")):
        assert button.get("imageMso"), button.get("id")
        assert button.get("onAction"), button.get("id")


@pytest.mark.parametrize("kind", ["unit", "summary"])
def test_every_onaction_is_a_callback_sub_of_the_templates_module(kind: str) -> None:
    vba = (macros_dir() / f"{RIBBON_MODULE[kind]}.bas").read_text("ascii")
    callbacks = set(CALLBACK.findall(vba))
    root = ET.fromstring(ribbon_xml(kind))
    actions = [el.get("onAction") for el in root.iter() if el.get("onAction")]
    assert set(actions) <= callbacks, set(actions) - callbacks
    assert callbacks <= set(actions), f"callbacks without a button: {callbacks - set(actions)}"


def plain_workbook(path: Path) -> Path:
    wb = openpyxl.Workbook()
    wb.active.title = "目标表"
    wb.active["A1"] = "="
    wb.active["A1"].data_type = "s"
    wb.create_sheet("实际完成")
    add_conf_sheet(wb)
    wb.save(path)
    return path


def root_rels(path: Path) -> list[dict[str, str]]:
    with zipfile.ZipFile(path) as z:
        root = ET.fromstring(z.read("_rels/.rels"))
    return [dict(el.attrib) for el in root.iter(f"{{{PKG_REL}}}Relationship")]


def ribbon_of(path: Path) -> bytes | None:
    with zipfile.ZipFile(path) as z:
        return z.read("customUI/customUI.xml") if "customUI/customUI.xml" in z.namelist() else None


@pytest.fixture(params=["unit", "summary"])
def packaged(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, Path]:
    out = tmp_path / "book.xlsm"
    package_xlsm(plain_workbook(tmp_path / "plain.xlsx"), out, request.param)
    return request.param, out


def test_packaged_ribbon_part_and_relationship(packaged: tuple[str, Path]) -> None:
    kind, path = packaged
    assert ribbon_of(path) == ribbon_xml(kind)
    ui = [r for r in root_rels(path) if r["Type"] == REL_UI]
    assert [r["Target"] for r in ui] == ["customUI/customUI.xml"]


def test_ribbon_survives_openpyxl_load_and_save(packaged: tuple[str, Path], tmp_path: Path) -> None:
    kind, path = packaged
    wb = openpyxl.load_workbook(path, keep_vba=True)
    wb["目标表"]["B2"] = "新内容"
    resaved = tmp_path / "resaved.xlsm"
    wb.save(resaved)
    relinked = relink_ribbon(resaved)
    assert ribbon_of(resaved) == ribbon_xml(kind)
    assert [r["Target"] for r in root_rels(resaved) if r["Type"] == REL_UI] == ["customUI/customUI.xml"]
    assert relinked is False  # openpyxl 3.1.5 keeps it; relink had nothing to do


def test_relink_restores_a_dropped_relationship_and_part(packaged: tuple[str, Path], tmp_path: Path) -> None:
    kind, path = packaged
    # Simulate a writer that drops the ribbon relationship (and, second case, the part).
    for drop_part in (False, True):
        broken = tmp_path / f"broken{drop_part}.xlsm"
        with zipfile.ZipFile(path) as zin, zipfile.ZipFile(broken, "w") as zout:
            for name in zin.namelist():
                data = zin.read(name)
                if name == "_rels/.rels":
                    data = re.sub(rb"<Relationship [^>]*ui/extensibility[^>]*/>", b"", data)
                if drop_part and name == "customUI/customUI.xml":
                    continue
                zout.writestr(name, data)
        assert not [r for r in root_rels(broken) if r["Type"] == REL_UI]
        if drop_part:
            assert relink_ribbon(broken) is False  # no part and no kind: nothing to link
            assert relink_ribbon(broken, kind=kind) is True
        else:
            assert relink_ribbon(broken) is True
        assert ribbon_of(broken) == ribbon_xml(kind)
        assert [r["Target"] for r in root_rels(broken) if r["Type"] == REL_UI] == ["customUI/customUI.xml"]
        assert relink_ribbon(broken, kind=kind) is False  # idempotent
        openpyxl.load_workbook(broken, keep_vba=True)  # still a readable package


def test_relink_never_swaps_an_existing_ribbon(tmp_path: Path) -> None:
    out = tmp_path / "summary.xlsm"
    package_xlsm(plain_workbook(tmp_path / "plain.xlsx"), out, "summary")
    assert relink_ribbon(out, kind="unit") is False
    assert ribbon_of(out) == ribbon_xml("summary")


@pytest.mark.parametrize("kind", ["unit", "summary"])
def test_every_image_is_one_of_excels_own_control_ids(kind: str) -> None:
    known = {line.strip() for line in EXCEL_CONTROL_IDS.read_text("utf-8").splitlines()
             if line.strip() and not line.startswith("#")}
    assert {"FileOpen", "AutoSum", "Help"} <= known and "FolderOpen" not in known  # the list is the real one
    root = ET.fromstring(ribbon_xml(kind))
    images = {b.get("id"): b.get("imageMso") for b in root.iter(q("button"))}
    assert {i: m for i, m in images.items() if m not in known} == {}
