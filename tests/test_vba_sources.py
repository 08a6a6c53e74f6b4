"""The VBA source in macros/: ASCII with CRLF, ribbon callbacks with the IRibbonControl
signature, and RunPython strings that call the fixed xlsxtools.excel entry points."""

from __future__ import annotations

import ast
import importlib
import importlib.util
import inspect
import re

import pytest

from xlsxtools.vba.modules import RIBBON_MODULE, macros_dir

# Written by hand from the contract (notes/contracts.md): callback → Python entry point.
UNIT_CALLS = {
    "OnAddDropdowns": "add_dropdowns",
    "OnImport": "import_table",
    "OnCheck": "check_rows",
    "OnScore": "compute_scores",
    "OnClearMarks": "clear_marks",
    "OnMonitor": "monitor_check",
    "OnHelp": "show_help",
}
SUMMARY_CALLS = {
    "OnConsolidate": "consolidate",
    "OnReport": "report",
    "OnOpenFindings": "open_findings",
    "OnHelpSummary": "show_help",
}
ENTRY_POINTS = {"unit": UNIT_CALLS, "summary": SUMMARY_CALLS}
#: Callbacks that stay in VBA (no Python): the summary folder picker.
VBA_ONLY = {"summary": {"OnPickFolder"}, "unit": set()}

CALLBACK = re.compile(r"^(?:Public\s+)?Sub\s+(\w+)\s*\(\s*control\s+As\s+IRibbonControl\s*\)\s*$", re.M)
SUB = re.compile(r"^(?:(?:Public|Private)\s+)?Sub\s+(\w+)\s*\(([^)]*)\)\s*$(.*?)^End Sub", re.M | re.S)
RUNPYTHON = re.compile(r'\bRunPython\s+"([^"]*)"')


def source(kind: str) -> str:
    return (macros_dir() / f"{RIBBON_MODULE[kind]}.bas").read_bytes().decode("ascii")


def runpython_calls(body: str) -> list[str]:
    """Function names called by the RunPython strings in ``body`` (each must be the exact form)."""
    names = []
    for command in RUNPYTHON.findall(body):
        tree = ast.parse(command)
        assert len(tree.body) == 2, command
        imp, call = tree.body
        assert isinstance(imp, ast.Import) and [(a.name, a.asname) for a in imp.names] == [("xlsxtools.excel", "x")]
        assert isinstance(call, ast.Expr) and isinstance(call.value, ast.Call), command
        func = call.value.func
        assert isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "x"
        assert not call.value.args and not call.value.keywords, f"entry points take no arguments: {command}"
        names.append(func.attr)
    return names


def test_macros_are_ascii_with_crlf_line_ends() -> None:
    files = sorted(macros_dir().glob("*.*"))
    assert {f.name for f in files} >= {"RibbonUnit.bas", "RibbonSummary.bas", "ThisWorkbook.cls"}
    for f in files:
        data = f.read_bytes()
        assert data.isascii(), f.name
        assert b"\n" not in data.replace(b"\r\n", b""), f"{f.name}: bare LF"
        assert b"\r" not in data.replace(b"\r\n", b""), f"{f.name}: bare CR"
        assert data.endswith(b"\r\n")


@pytest.mark.parametrize("kind", ["unit", "summary"])
def test_module_name_matches_file(kind: str) -> None:
    assert source(kind).startswith(f'Attribute VB_Name = "{RIBBON_MODULE[kind]}"\r\n')
    assert "Option Explicit" in source(kind)


@pytest.mark.parametrize("kind", ["unit", "summary"])
def test_each_callback_calls_its_entry_point(kind: str) -> None:
    subs = {name: (params, body) for name, params, body in SUB.findall(source(kind))}
    callbacks = set(CALLBACK.findall(source(kind)))
    assert callbacks == set(ENTRY_POINTS[kind]) | VBA_ONLY[kind]
    for name, function in ENTRY_POINTS[kind].items():
        assert runpython_calls(subs[name][1]) == [function], name
    for name in VBA_ONLY[kind]:
        assert runpython_calls(subs[name][1]) == []
    # Nothing else in the module runs Python.
    assert sorted(runpython_calls(source(kind))) == sorted(ENTRY_POINTS[kind].values())


def test_unit_and_summary_callback_names_do_not_collide() -> None:
    # Both modules never live in one project, but distinct names keep the ribbon XML unambiguous.
    assert not set(CALLBACK.findall(source("unit"))) & set(CALLBACK.findall(source("summary")))


def test_entry_points_exist_and_take_no_arguments() -> None:
    if importlib.util.find_spec("xlsxtools.excel") is None:
        pytest.skip("xlsxtools.excel (the Python entry points, later work) does not exist yet")
    excel = importlib.import_module("xlsxtools.excel")
    for kind in ("unit", "summary"):
        for function in runpython_calls(source(kind)):
            target = getattr(excel, function, None)
            assert callable(target), f"xlsxtools.excel.{function} is missing"
            params = inspect.signature(target).parameters.values()
            assert all(p.default is not p.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in params), (
                f"xlsxtools.excel.{function} must be callable without arguments")


def test_every_entry_point_is_an_entry_of_the_button_table() -> None:
    # The table (xlsxtools/excel/buttons.py) makes the local entry points and tells the service
    # which buttons it runs: a RunPython call outside it would have no server twin.
    from xlsxtools.excel.buttons import BUTTONS

    called = {f for kind in ("unit", "summary") for f in runpython_calls(source(kind))}
    assert called == set(BUTTONS)
    excel = importlib.import_module("xlsxtools.excel")
    assert set(excel.__all__) == set(BUTTONS)
    for name, button in BUTTONS.items():
        function = getattr(excel, name)
        assert function.__name__ == name and function.__doc__ == button.doc
        assert button.doc.startswith(button.label + ":"), name
