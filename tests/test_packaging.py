"""The package as users install it (a wheel, not this checkout) carries what it needs at run time."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    run = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps",
                          "-w", str(out), str(ROOT)], capture_output=True, text=True)
    if run.returncode != 0:
        pytest.fail(f"building the wheel failed:\n{run.stderr[-2000:]}")
    return next(out.glob("xlsxtools-*.whl"))


def test_wheel_carries_vba_sources_samples_and_ribbons(wheel: Path):
    names = set(zipfile.ZipFile(wheel).namelist())
    for src in (ROOT / "macros").iterdir():
        assert f"xlsxtools/_macros/{src.name}" in names
    assert "xlsxtools/data/samples/demo.json" in names
    assert {"xlsxtools/vba/customUI_unit.xml", "xlsxtools/vba/customUI_summary.xml"} <= names


def test_installed_package_writes_a_macro_workbook_without_the_checkout(wheel: Path, tmp_path: Path):
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(site), str(wheel)],
                   check=True, capture_output=True)
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "from xlsxtools.vba.modules import macros_dir; import xlsxtools;"
        "assert macros_dir().parent == __import__('pathlib').Path(xlsxtools.__file__).parent, macros_dir();"
        "from xlsxtools.workbook.template import write_unit_workbook;"
        "write_unit_workbook(None, sys.argv[2])"
    )
    out = tmp_path / "unit.xlsm"
    run = subprocess.run([sys.executable, "-c", code, str(site), str(out)], capture_output=True, text=True,
                         cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    from oletools.olevba import VBA_Parser

    modules = {name for _, _, name, _ in VBA_Parser(str(out)).extract_macros()}
    assert {"RibbonUnit.bas", "ThisWorkbook.cls", "xlwings.bas"} <= modules
