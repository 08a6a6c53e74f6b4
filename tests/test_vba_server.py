"""The VBA of a ``--server`` template: the rewritten ribbon callbacks, the token and helper subs,
xlwings' remote modules, the generated texts, and the built workbook read back with olevba and
LibreOffice (as the local templates are in test_vba_package.py)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import openpyxl
import pytest
from click.testing import CliRunner
from test_vba_package import lo_basic_modules, lo_view, soffice

from xlsxtools import layout
from xlsxtools.vba.modules import RIBBON_MODULE, macros_dir, template_modules, xlwings_dir
from xlsxtools.vba.package import ribbon_xml
from xlsxtools.vba.server import TEXTS, check_url, ribbon_source, text_module_source

URL = "https://jx.czj.example/xlsxtools"
NS = "{http://schemas.microsoft.com/office/2006/01/customui}"
# Written by hand: callback → what it does in a server build.
SERVER_CALLS = {
    "unit": {"OnAddDropdowns": 'XtServerButton "add_dropdowns"', "OnImport": 'XtServerButton "import_table"',
             "OnCheck": 'XtServerButton "check_rows"', "OnScore": 'XtServerButton "compute_scores"',
             "OnMonitor": 'XtServerButton "monitor_check"',
             "OnClearMarks": 'XtServerButton "clear_marks"', "OnHelp": 'XtServerButton "show_help"'},
    "summary": {"OnConsolidate": 'XtLocalOnly "consolidate"', "OnOpenFindings": 'XtLocalOnly "open_findings"',
                "OnReport": 'XtLocalOnly "report"',
                "OnHelpSummary": 'XtServerButton "show_help"', "OnPickFolder": "PickFolder"},
}
SUB = re.compile(r"^(?:(?:Public|Private)\s+)?Sub\s+(\w+)\s*\(([^)]*)\)\s*$(.*?)^End Sub", re.M | re.S)
DEFINED = re.compile(r"^(?:(?:Public|Private)\s+)?(?:Sub|Function)\s+(\w+)\s*\(", re.M)


def server_project(kind: str) -> dict[str, str]:
    """Module name → source text of a server build's VBA project."""
    return {m.name: m.source.decode("cp1252") for m in template_modules(kind, ["shtA"], server=True)}  # type: ignore[arg-type]


@pytest.mark.parametrize("kind", ["unit", "summary"])
def test_callbacks_of_a_server_build(kind: str) -> None:
    source = server_project(kind)[RIBBON_MODULE[kind]]
    assert "RunPython" not in source.split("Option Explicit", 1)[1]
    subs = {name: body.strip() for name, params, body in SUB.findall(source) if "IRibbonControl" in params}
    assert subs.keys() == SERVER_CALLS[kind].keys()
    for name, call in SERVER_CALLS[kind].items():
        assert subs[name].splitlines()[-1].strip() == call, name
    # the summary's consolidate no longer asks for a folder first: the service cannot read it
    assert subs["OnConsolidate" if kind == "summary" else "OnCheck"].count("\n") == 0


def test_local_build_keeps_runpython() -> None:
    local = {m.name: m.source.decode("cp1252") for m in template_modules("unit", ["shtA"])}
    assert 'RunPython "import xlsxtools.excel as x; x.check_rows()"' in local["RibbonUnit"]
    assert "ServerButtons" not in local and "Remote" not in local


def test_a_callback_for_a_button_outside_the_table_is_refused() -> None:
    bad = (b'Attribute VB_Name = "RibbonUnit"\r\nOption Explicit\r\n'
           b'Public Sub OnX(control As IRibbonControl)\r\n    RunPython "import xlsxtools.excel as x; x.nothing()"\r\n'
           b"End Sub\r\n")
    with pytest.raises(ValueError, match="not in the button table"):
        ribbon_source(bad)


@pytest.mark.parametrize("kind", ["unit", "summary"])
def test_every_called_procedure_exists_in_the_project(kind: str) -> None:
    project = server_project(kind)
    defined = {name for src in project.values() for name in DEFINED.findall(src)}
    ours = [RIBBON_MODULE[kind], "ServerButtons", "ServerHelpers"]
    called = set()
    for name in ours:
        code = "\n".join(line.split("'")[0] for line in project[name].splitlines())  # without comments
        called |= set(re.findall(r"\b(Xt[A-Z]\w*|RunRemotePython|GetConfig|PickFolder)\b", code))
    assert called - defined == set()
    assert {"XtServerButton", "RunRemotePython", "GetConfig", "XtText"} <= called
    # Each procedure name is defined once in the project (no ambiguous names).
    names = [n for src in project.values() for n in DEFINED.findall(src) if n.startswith("Xt")]
    assert len(names) == len(set(names))


def test_remote_python_takes_the_auth_argument_used() -> None:
    remote = (xlwings_dir() / "addin" / "Remote.bas").read_text(encoding="utf-8")
    signature = re.search(r"^Function RunRemotePython\((.*?)\)$", remote, re.M | re.S)
    assert signature and "Optional auth As String" in signature.group(1)
    assert 'myRequest.AddHeader "Authorization", auth' in remote
    buttons = (macros_dir() / "ServerButtons.bas").read_text(encoding="ascii")
    assert 'RunRemotePython url & API_PATH & button, auth:="Bearer " & token' in buttons
    assert 'API_PATH As String = "/api/xlwings/"' in buttons
    # the token lives in the user's settings, never in the workbook
    assert "SaveSetting" in buttons and "GetSetting" in buttons and "ThisWorkbook.Names" not in buttons


def evaluate(expr: str) -> str:
    """Evaluate a VBA string expression of literals, ChrW(&Hxxxx) and vbLf joined by &."""
    out = []
    for part in re.findall(r'"(?:[^"]|"")*"|ChrW\(&H[0-9A-F]+\)|vbLf', expr):
        if part.startswith('"'):
            out.append(part[1:-1].replace('""', '"'))
        elif part == "vbLf":
            out.append("\n")
        else:
            out.append(chr(int(part[7:-1], 16)))
    return "".join(out)


def test_generated_texts_read_back_as_the_chinese_texts() -> None:
    source = text_module_source().decode("ascii")
    got: dict[str, str] = {}
    key = None
    for line in source.split("\r\n"):
        m = re.match(r'\s+Case "([^"]+)"$', line)
        if m:
            key = m.group(1)
            got[key] = ""
        elif key and (m := re.match(r"\s+s = (?:s & )?(.*)$", line)):
            got[key] += evaluate(m.group(1))
    assert got == TEXTS
    assert got["label:check_rows"] == "“检查”" and "访问令牌" in got["token_prompt"]
    buttons = (macros_dir() / "ServerButtons.bas").read_text(encoding="ascii")
    used = set(re.findall(r'XtText\("(\w+)"\)', buttons))
    assert used <= set(TEXTS) and {"token_prompt", "working", "local_only"} <= used


@pytest.mark.parametrize("url, ok", [("https://jx.czj.example/", "https://jx.czj.example"),
                                     ("http://10.0.0.5:8000/xt", "http://10.0.0.5:8000/xt"),
                                     ("ftp://x", None), ("https://a b", None), ('https://a"b', None),
                                     ("https://x/?a=1", None), ("jx.czj.example", None)])
def test_server_address(url: str, ok: str | None) -> None:
    if ok is None:
        with pytest.raises(ValueError, match="绩效服务地址"):
            check_url(url)
    else:
        assert check_url(url) == ok


@pytest.mark.parametrize("kind", ["unit", "summary"])
def test_server_ribbon_adds_the_token_button(kind: str) -> None:
    root = ET.fromstring(ribbon_xml(kind, server=True))
    local = ET.fromstring(ribbon_xml(kind))
    buttons = [b.get("label") for b in root.iter(f"{NS}button")]
    assert buttons == [b.get("label") for b in local.iter(f"{NS}button")] + ["访问令牌"]
    last_group = root.findall(f".//{NS}group")[-1]
    assert last_group[-1].get("onAction") == "OnServerToken"
    project = server_project(kind)
    callbacks = {n for src in project.values() for n, params, _ in SUB.findall(src) if "IRibbonControl" in params}
    assert {el.get("onAction") for el in root.iter() if el.get("onAction")} == callbacks


# ---------------------------------------------------------------------------------------------
# The built templates
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    from xlsxtools.cli import cli

    out = tmp_path_factory.mktemp("server")
    result = CliRunner().invoke(cli, ["template", "build", "--server", URL + "/", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "服务器模式" in result.output
    return {"unit": out / layout.UNIT_TEMPLATE_FILE, "summary": out / layout.SUMMARY_TEMPLATE_FILE}


def test_bad_server_address_is_a_usage_error(tmp_path: Path) -> None:
    from xlsxtools.cli import cli

    result = CliRunner().invoke(cli, ["template", "build", "--server", "jx.czj", "-o", str(tmp_path)])
    assert result.exit_code == 2 and "绩效服务地址" in result.output and "Traceback" not in result.output
    assert not list(tmp_path.iterdir())
    assert "--server" in CliRunner().invoke(cli, ["template", "build", "--help"]).output


@pytest.mark.parametrize("kind", ["unit", "summary"])
def test_built_server_template_reads_back_with_olevba(built: dict[str, Path], kind: str) -> None:
    from oletools.olevba import VBA_Parser

    path = built[kind]
    wb = openpyxl.load_workbook(path, keep_vba=True)
    conf = wb[layout.XLWINGS_CONF_SHEET]
    settings = {conf.cell(r, 1).value: conf.cell(r, 2).value for r in range(1, conf.max_row + 1)}
    assert settings["XLSXTOOLS_SERVER"] == URL  # without the trailing slash
    codenames = [ws.sheet_properties.codeName for ws in wb.worksheets]
    expected = {m.name: m.source for m in template_modules(kind, codenames, server=True)}  # type: ignore[arg-type]
    read = {name.rsplit(".", 1)[0]: code for _, _, name, code in VBA_Parser(str(path)).extract_macros()}
    assert set(read) == set(expected)
    assert {"Remote", "WebClient", "WebHelpers", "WebRequest", "WebResponse", "IWebAuthenticator", "ServerButtons",
            "ServerHelpers", "ServerText", "xlwings", "Dictionary"} <= set(read)
    for name, source in expected.items():
        assert read[name].replace("\r\n", "\n").rstrip("\n") == source.decode("cp1252").replace("\r\n", "\n").rstrip(
            "\n"), name
    with zipfile.ZipFile(path) as z:
        assert z.read("customUI/customUI.xml") == ribbon_xml(kind, server=True)  # type: ignore[arg-type]


def test_built_server_template_opens_in_libreoffice_with_its_vba(built: dict[str, Path], tmp_path: Path) -> None:
    soffice()
    path = built["unit"]
    wb = openpyxl.load_workbook(path, keep_vba=True)
    codenames = [ws.sheet_properties.codeName for ws in wb.worksheets]
    expected = {m.name: m for m in template_modules("unit", codenames, server=True)}
    found = lo_basic_modules(path, tmp_path)
    assert set(found) == set(expected)
    for name in ("RibbonUnit", "ServerButtons", "ServerHelpers", "ServerText", "Remote"):
        module_type, text = found[name]
        assert module_type == "normal", name
        assert text.split("\n", 2)[-1].rstrip("\n") == lo_view(expected[name].source), name


def test_the_committed_templates_stay_local() -> None:
    committed = Path(__file__).resolve().parents[1] / "workbook_templates" / layout.UNIT_TEMPLATE_FILE
    with zipfile.ZipFile(committed) as z:
        assert z.read("customUI/customUI.xml") == ribbon_xml("unit")
    wb = openpyxl.load_workbook(committed, keep_vba=True)
    conf = wb[layout.XLWINGS_CONF_SHEET]
    assert "XLSXTOOLS_SERVER" not in {conf.cell(r, 1).value for r in range(1, conf.max_row + 1)}


@pytest.mark.parametrize("kind", ["unit", "summary"])
def test_no_procedure_name_is_defined_in_two_modules(kind: str) -> None:
    # An unqualified call of a name defined in two standard modules does not compile in VBA
    # ("Ambiguous name detected"); xlwings.bas defines two names twice under #If, in one module.
    where: dict[str, set[str]] = {}
    standard = {m.name for m in template_modules(kind, ["shtA"], server=True) if m.kind == "standard"}  # type: ignore[arg-type]
    for name, src in server_project(kind).items():
        if name not in standard:
            continue  # methods of class modules are always called through an object
        for proc in re.findall(r"^(?:Public\s+)?(?:Sub|Function)\s+(\w+)\s*\(", src, re.M):
            where.setdefault(proc.lower(), set()).add(name)
    assert {p: m for p, m in where.items() if len(m) > 1} == {}
    assert "xtserverbutton" in where and "runremotepython" in where and "getconfig" in where
