r"""Turn an openpyxl-saved workbook into a macro-enabled .xlsm with the VBA project and ribbon.

Typical use (template builder)::

    wb = build_unit_workbook()          # openpyxl.Workbook
    add_conf_sheet(wb)                  # very hidden xlwings.conf sheet (+ sheet codenames)
    wb.save(tmp)                        # plain openpyxl save (.xlsx or .xlsm name)
    package_xlsm(tmp, out, "unit")      # -> .xlsm with vbaProject.bin and customUI

After an openpyxl load (keep_vba=True) and save of such an .xlsm, call ``relink_ribbon(path)``:
openpyxl 3.1.5 keeps the ribbon, but other writers may not, and it costs nothing when intact.

The output is deterministic: the same input gives the same bytes (entries sorted with
``[Content_Types].xml`` first, fixed timestamps, fixed compression).

Interpreter settings (xlwings.conf) and how IT sets them for a whole office
--------------------------------------------------------------------------
xlwings looks a key up in this order and takes the first hit: the workbook's very hidden
``xlwings.conf`` sheet, an ``xlwings.conf`` file in the workbook's folder, the user's file
(Windows ``%USERPROFILE%\.xlwings\xlwings.conf``; Mac
``~/Library/Containers/com.microsoft.Excel/Data/xlwings.conf``), then its built-in default. Files
hold one ``"KEY","value"`` line per setting, e.g. ``"INTERPRETER_WIN","C:\Python311\python.exe"``.
The sheet ships ``Interpreter_Win = python`` (the Python on PATH) and the python.org framework
path on the Mac. For an office-wide interpreter elsewhere, IT either builds the templates with
``add_conf_sheet(wb, {"Interpreter_Win": r"C:\...\python.exe"})``, or with
``{"Interpreter_Win": None}`` so that the key is left off the sheet and a user or folder file
(deployed by login script or software distribution) decides.
"""

from __future__ import annotations

import os
import posixpath
import re
import zipfile
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any, Literal
from xml.etree import ElementTree as ET
from xml.sax.saxutils import quoteattr

from xlsxtools import layout

Kind = Literal["unit", "summary"]

CUSTOMUI_PART = "customUI/customUI.xml"
CUSTOMUI_NS = "http://schemas.microsoft.com/office/2006/01/customui"
CUSTOMUI_REL = "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility"
#: The Office 2010 ribbon relationship (customUI14.xml); replaced by ours when found.
CUSTOMUI14_REL = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
VBA_PART = "xl/vbaProject.bin"
VBA_REL = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
VBA_CT = "application/vnd.ms-office.vbaProject"
XLSM_CT = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
XLSX_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"

_CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_OFFICE_DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
_WORKSHEET_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

_ZIP_TIME = (1980, 1, 1, 0, 0, 0)

RIBBON_FILES: dict[str, str] = {"unit": "customUI_unit.xml", "summary": "customUI_summary.xml"}

#: xlwings.conf settings (key, value) in sheet order. xlwings reads column A down to the first
#: empty cell; a key present on the sheet wins over the xlwings.conf files of the folder and of
#: the user, so keys without a useful default are left out (IT can set them in those files).
DEFAULT_CONF: tuple[tuple[str, Any], ...] = (
    # Windows: the Python on PATH (python.org installer with "Add python.exe to PATH").
    ("Interpreter_Win", "python"),
    # Mac: the python.org framework install (a full path is needed: Excel does not see the PATH).
    ("Interpreter_Mac", "/Library/Frameworks/Python.framework/Versions/Current/bin/python3"),
    # The code is the installed xlsxtools package; nothing is imported from the workbook folder.
    ("ADD_WORKBOOK_TO_PYTHONPATH", False),
    ("Show Console", False),
    ("Use UDF Server", False),
    ("Debug UDFs", False),
)


# --------------------------------------------------------------------------------------------
# openpyxl side: conf sheet and codenames
# --------------------------------------------------------------------------------------------


def assign_codenames(wb: Any) -> dict[str, str]:
    """Give the workbook and every sheet a VBA codename (kept when already set).

    Returns sheet title → codename. Missing codenames become ``Sheet<n>`` (n = position).
    """
    if not getattr(wb, "code_name", None):
        wb.code_name = "ThisWorkbook"
    used = {ws.sheet_properties.codeName for ws in wb.worksheets if ws.sheet_properties.codeName}
    out: dict[str, str] = {}
    for i, ws in enumerate(wb.worksheets, start=1):
        name = ws.sheet_properties.codeName
        if not name:
            n = i
            while f"Sheet{n}" in used:
                n += 1
            name = f"Sheet{n}"
            ws.sheet_properties.codeName = name
            used.add(name)
        out[ws.title] = name
    return out


def add_conf_sheet(wb: Any, settings: Mapping[str, Any] | None = None) -> None:
    """Add (or rewrite) the very hidden ``xlwings.conf`` sheet with the interpreter settings.

    ``settings`` overrides or extends :data:`DEFAULT_CONF` by key (case-insensitive, as xlwings
    compares upper-cased keys); a value of ``None`` or ``""`` leaves the key off the sheet so the
    folder or user xlwings.conf decides. Also assigns sheet codenames (see :func:`assign_codenames`).
    """
    rows: dict[str, tuple[str, Any]] = {k.upper(): (k, v) for k, v in DEFAULT_CONF}
    for k, v in (settings or {}).items():
        rows[k.upper()] = (k, v)
    name = layout.XLWINGS_CONF_SHEET
    if name in wb.sheetnames:
        ws = wb[name]
        ws.delete_rows(1, ws.max_row)
    else:
        ws = wb.create_sheet(name)
    r = 1
    for key, value in rows.values():
        if value is None or value == "":
            continue
        ws.cell(r, 1, key).data_type = "s"
        cell = ws.cell(r, 2, value)
        if isinstance(value, str):
            cell.data_type = "s"  # never a formula
        r += 1
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 70
    ws.sheet_state = "veryHidden"
    if not ws.sheet_properties.codeName:
        ws.sheet_properties.codeName = "shtXlwingsConf"
    assign_codenames(wb)


# --------------------------------------------------------------------------------------------
# Ribbon XML and the VBA project
# --------------------------------------------------------------------------------------------


def ribbon_xml(kind: Kind, server: bool = False) -> bytes:
    """The customUI XML (UTF-8) of a template kind (``server``: with the token button)."""
    if kind not in RIBBON_FILES:
        raise ValueError(f"unknown template kind {kind!r}")
    xml = resources.files("xlsxtools.vba").joinpath(RIBBON_FILES[kind]).read_bytes()
    if server:
        from xlsxtools.vba.server import ribbon_xml as server_ribbon

        return server_ribbon(xml)
    return xml


def vba_project(kind: Kind, sheet_codenames: list[str], server: bool = False) -> bytes:
    """vbaProject.bin bytes for a template kind whose sheets have ``sheet_codenames``."""
    from xlsxtools.vba.modules import template_modules
    from xlsxtools.vba.ovba import build_vba_project

    return build_vba_project(template_modules(kind, sheet_codenames, server=server))


# --------------------------------------------------------------------------------------------
# Package (zip) handling
# --------------------------------------------------------------------------------------------


def _rels_path(part: str) -> str:
    d, f = posixpath.split(part)
    return posixpath.join(d, "_rels", f + ".rels")


def _resolve(source_part: str, target: str) -> str:
    if target.startswith("/"):
        return target[1:]
    return posixpath.normpath(posixpath.join(posixpath.dirname(source_part), target))


def _read_rels(parts: dict[str, bytes], rels_name: str) -> list[dict[str, str]]:
    if rels_name not in parts:
        return []
    root = ET.fromstring(parts[rels_name])
    return [dict(el.attrib) for el in root.iter(f"{{{_REL_NS}}}Relationship")]


def _write_rels(rels: list[dict[str, str]]) -> bytes:
    out = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n', f'<Relationships xmlns="{_REL_NS}">']
    for rel in rels:
        attrs = "".join(f" {k}={quoteattr(rel[k])}" for k in ("Id", "Type", "Target", "TargetMode") if k in rel)
        out.append(f"<Relationship{attrs}/>")
    out.append("</Relationships>")
    return "".join(out).encode("utf-8")


def _new_rid(rels: list[dict[str, str]]) -> str:
    used = {r.get("Id") for r in rels}
    n = 1
    while f"rId{n}" in used:
        n += 1
    return f"rId{n}"


def _content_types(parts: dict[str, bytes]) -> tuple[dict[str, str], dict[str, str]]:
    root = ET.fromstring(parts["[Content_Types].xml"])
    defaults = {el.get("Extension", "").lower(): el.get("ContentType", "") for el in root.iter(f"{{{_CT_NS}}}Default")}
    overrides = {el.get("PartName", ""): el.get("ContentType", "") for el in root.iter(f"{{{_CT_NS}}}Override")}
    return defaults, overrides


def _write_content_types(defaults: dict[str, str], overrides: dict[str, str]) -> bytes:
    out = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n', f'<Types xmlns="{_CT_NS}">']
    out += [f"<Default Extension={quoteattr(k)} ContentType={quoteattr(v)}/>" for k, v in defaults.items()]
    out += [f"<Override PartName={quoteattr(k)} ContentType={quoteattr(v)}/>" for k, v in overrides.items()]
    out.append("</Types>")
    return "".join(out).encode("utf-8")


def _read_zip(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist() if not name.endswith("/")}


def _write_zip(parts: dict[str, bytes], dst: Path) -> None:
    """Write ``parts`` deterministically and atomically (temp file in the target folder)."""
    first = ["[Content_Types].xml", "_rels/.rels"]
    order = [n for n in first if n in parts] + sorted(n for n in parts if n not in first)
    from xlsxtools.atomic import atomic_path

    with atomic_path(dst) as tmp, zipfile.ZipFile(tmp, "w") as z:
        for name in order:
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            info.create_system = 0
            z.writestr(info, parts[name], compresslevel=6)


def _workbook_part(parts: dict[str, bytes]) -> str:
    for rel in _read_rels(parts, "_rels/.rels"):
        if rel.get("Type") == _OFFICE_DOC_REL:
            return _resolve("", rel["Target"])
    raise ValueError("not a workbook package: no officeDocument relationship")


_SHEETPR = re.compile(r"<sheetPr(?=[\s/>])([^>]*?)(/?)>")
_WORKSHEET_START = re.compile(r"<worksheet(?=[\s>])[^>]*>")
_WORKBOOKPR = re.compile(r"<workbookPr(?=[\s/>])([^>]*?)(/?)>")
_WORKBOOK_START = re.compile(r"<workbook(?=[\s>])[^>]*>")
_CODENAME = re.compile(r'\scodeName="([^"]*)"')


def _ensure_codename(xml: bytes, name: str, pr: re.Pattern[str], start: re.Pattern[str], tag: str) -> tuple[bytes, str]:
    """(xml with a codeName on its ``tag`` properties element, the codename)."""
    text = xml.decode("utf-8")
    m = pr.search(text)
    if m:
        found = _CODENAME.search(m.group(1))
        if found:
            return xml, found.group(1)
        new = f'<{tag}{m.group(1)} codeName="{name}"{m.group(2)}>'
        return (text[:m.start()] + new + text[m.end():]).encode("utf-8"), name
    s = start.search(text)
    if not s:
        raise ValueError(f"cannot find the root element to add <{tag}>")
    return (text[:s.end()] + f'<{tag} codeName="{name}"/>' + text[s.end():]).encode("utf-8"), name


def _sheet_codenames(parts: dict[str, bytes], wb_part: str) -> list[str]:
    """Codenames of the worksheets in workbook order, adding ``Sheet<n>`` where missing."""
    root = ET.fromstring(parts[wb_part])
    rels = {r["Id"]: r for r in _read_rels(parts, _rels_path(wb_part))}
    sheets = []
    for el in root.iter(f"{{{_MAIN_NS}}}sheet"):
        rel = rels.get(el.get(f"{{{_R_NS}}}id", ""))
        if rel is None or rel.get("Type") != _WORKSHEET_REL:
            continue  # chartsheets have no codename handling here
        sheets.append(_resolve(wb_part, rel["Target"]))
    existing = {}
    for part in sheets:
        m = _SHEETPR.search(parts[part].decode("utf-8"))
        found = _CODENAME.search(m.group(1)) if m else None
        if found:
            existing[part] = found.group(1)
    used = set(existing.values())
    names = []
    for i, part in enumerate(sheets, start=1):
        name = existing.get(part)
        if name is None:
            n = i
            while f"Sheet{n}" in used:
                n += 1
            name = f"Sheet{n}"
            used.add(name)
            parts[part], _ = _ensure_codename(parts[part], name, _SHEETPR, _WORKSHEET_START, "sheetPr")
        names.append(name)
    return names


def _add_ribbon(parts: dict[str, bytes], kind: Kind | None, server: bool = False) -> bool:
    """Ensure the customUI part (when ``kind`` is given) and its root relationship; True if changed."""
    changed = False
    if kind is not None:
        xml = ribbon_xml(kind, server)
        if parts.get(CUSTOMUI_PART) != xml:
            parts[CUSTOMUI_PART] = xml
            changed = True
    if CUSTOMUI_PART not in parts:
        return changed
    rels = _read_rels(parts, "_rels/.rels")
    ours = [r for r in rels if r.get("Type") == CUSTOMUI_REL and _resolve("", r.get("Target", "")) == CUSTOMUI_PART]
    others = [r for r in rels if r.get("Type") not in (CUSTOMUI_REL, CUSTOMUI14_REL)]
    if len(ours) == 1 and len(others) + 1 == len(rels):
        return changed
    new = [*others, {"Id": ours[0]["Id"] if ours else _new_rid(others), "Type": CUSTOMUI_REL, "Target": CUSTOMUI_PART}]
    parts["_rels/.rels"] = _write_rels(new)
    return True


def package_xlsm(src: str | Path, dst: str | Path, kind: Kind, *, reproducible: bool = False,
                 server: bool = False) -> None:
    """Write ``dst``: the openpyxl-saved workbook ``src`` as a macro-enabled .xlsm with the VBA
    project (built from macros/ and the installed xlwings) and the ribbon of ``kind``.

    Sheets without a VBA codename get ``Sheet<n>``; every sheet gets a document module. Any VBA
    project or ribbon already in ``src`` is replaced. ``src`` may equal ``dst``. The package
    itself is always deterministic; with ``reproducible`` the created/modified dates openpyxl
    stamps into docProps/core.xml are also fixed ($SOURCE_DATE_EPOCH or 2026-01-01), so a
    template rebuilt from the same sources is byte-identical. ``server``: the buttons call the
    bureau's service (:mod:`xlsxtools.vba.server`; the address is on the xlwings.conf sheet).
    """
    if kind not in RIBBON_FILES:
        raise ValueError(f"unknown template kind {kind!r}")
    parts = _read_zip(Path(src))
    wb_part = _workbook_part(parts)
    parts[wb_part], wb_code = _ensure_codename(parts[wb_part], "ThisWorkbook", _WORKBOOKPR, _WORKBOOK_START,
                                               "workbookPr")
    if wb_code != "ThisWorkbook":
        raise ValueError(f"the workbook codename must be ThisWorkbook (macros/ThisWorkbook.cls), not {wb_code}")
    codenames = _sheet_codenames(parts, wb_part)

    vba_part = _resolve(wb_part, "vbaProject.bin")
    parts[vba_part] = vba_project(kind, codenames, server)
    wb_rels_name = _rels_path(wb_part)
    wb_rels = [r for r in _read_rels(parts, wb_rels_name) if r.get("Type") != VBA_REL]
    wb_rels.append({"Id": _new_rid(wb_rels), "Type": VBA_REL, "Target": "vbaProject.bin"})
    parts[wb_rels_name] = _write_rels(wb_rels)

    defaults, overrides = _content_types(parts)
    overrides["/" + wb_part] = XLSM_CT
    overrides["/" + vba_part] = VBA_CT
    defaults.setdefault("bin", VBA_CT)
    parts["[Content_Types].xml"] = _write_content_types(defaults, overrides)

    _add_ribbon(parts, kind, server)
    if reproducible and "docProps/core.xml" in parts:
        parts["docProps/core.xml"] = _fixed_dates(parts["docProps/core.xml"])
    _write_zip(parts, Path(dst))


_CORE_DATE = re.compile(r"(<dcterms:(created|modified)\b[^>]*>)[^<]*(</dcterms:\2>)")


def _fixed_dates(core: bytes) -> bytes:
    import datetime as dt

    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    when = (dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch and epoch.isdigit()
            else dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    return _CORE_DATE.sub(lambda m: m.group(1) + stamp + m.group(3), core.decode("utf-8")).encode("utf-8")


def relink_ribbon(path: str | Path, kind: Kind | None = None) -> bool:
    """Restore the ribbon of a saved .xlsm in place: the root relationship to
    ``customUI/customUI.xml``, and the part itself (the ribbon of ``kind``) only when the part is
    missing; an existing part is never replaced. Returns True when the file was rewritten.
    Does nothing to files without a ribbon part when ``kind`` is None."""
    p = Path(path)
    parts = _read_zip(p)
    if CUSTOMUI_PART in parts:
        kind = None  # keep the ribbon that is there; only the relationship may need work
    if kind is None and CUSTOMUI_PART not in parts:
        return False
    if not _add_ribbon(parts, kind):
        return False
    _write_zip(parts, p)
    return True
