"""The VBA modules of the two templates, gathered from ``macros/`` and the installed xlwings.

Exported VBA files (.bas/.cls) differ slightly from what a project stores: a .cls export starts
with a ``VERSION 1.0 CLASS``/``BEGIN``/``END`` block that is not part of the module, and Excel
stores a fixed set of ``Attribute VB_*`` lines at the top of class and document modules (an
import adds the missing ones). :func:`stored_source` performs exactly that transformation; the
code after the attribute block is kept byte for byte.

The xlwings VBA module (``xlwings.bas``) and its ``Dictionary`` class (used on the Mac) are read
from the installed xlwings package at build time (standalone mode: no add-in needed), so the
embedded module always matches the pinned package version.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Literal

from xlsxtools.vba.ovba import ENCODING, Module

TemplateKind = Literal["unit", "summary"]

#: VB_Base of the workbook and worksheet document modules, and of class modules.
WORKBOOK_BASE = "0{00020819-0000-0000-C000-000000000046}"
SHEET_BASE = "0{00020820-0000-0000-C000-000000000046}"
CLASS_BASE = "0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"

#: The ribbon callback module of each template (file in macros/, module name = file stem).
RIBBON_MODULE: dict[str, str] = {"unit": "RibbonUnit", "summary": "RibbonSummary"}
THIS_WORKBOOK = "ThisWorkbook"

_ATTR = re.compile(rb'^Attribute (VB_\w+) = (.*)$')
# Order in which Excel stores the header attributes of class and document modules.
_HEADER_ORDER = ("VB_Name", "VB_Base", "VB_GlobalNameSpace", "VB_Creatable", "VB_PredeclaredId",
                 "VB_Exposed", "VB_TemplateDerived", "VB_Customizable")


def macros_dir() -> Path:
    """The VBA source folder: $XLSXTOOLS_MACROS_DIR, ``macros/`` at the repository root (a checkout or
    editable install), or the copy an installed package carries as ``xlsxtools/_macros``."""
    env = os.environ.get("XLSXTOOLS_MACROS_DIR")
    here = Path(__file__).resolve()
    candidates = [Path(env)] if env else [here.parents[2] / "macros", here.parents[1] / "_macros"]
    for path in candidates:
        if (path / f"{THIS_WORKBOOK}.cls").is_file():
            return path
    raise FileNotFoundError(f"VBA source folder not found: {', '.join(map(str, candidates))} "
                            "(set XLSXTOOLS_MACROS_DIR)")


def xlwings_dir() -> Path:
    import importlib.util

    spec = importlib.util.find_spec("xlwings")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("xlwings is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def xlwings_sources() -> tuple[Path, Path]:
    """Paths of the xlwings standalone VBA module and its Dictionary class in the package."""
    base = xlwings_dir()
    return base / "xlwings.bas", base / "addin" / "Dictionary.cls"


# --------------------------------------------------------------------------------------------
# Source text handling
# --------------------------------------------------------------------------------------------


def to_codepage(raw: bytes, origin: str = "") -> bytes:
    """VBA source bytes in code page 1252 with CRLF line ends.

    ASCII is kept as is; otherwise UTF-8 text is re-encoded to cp1252 (an error names the
    first character that cp1252 cannot hold); bytes that are not UTF-8 are taken as cp1252.
    """
    if not raw.isascii():
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode(ENCODING)
        try:
            raw = text.encode(ENCODING)
        except UnicodeEncodeError as exc:
            raise ValueError(f"{origin}: character {text[exc.start]!r} is not in code page 1252") from exc
    lines = raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    if not lines.endswith(b"\n"):
        lines += b"\n"
    return lines.replace(b"\n", b"\r\n")


def split_header(source: bytes) -> tuple[list[tuple[str, bytes]], bytes]:
    """(leading ``Attribute VB_*`` lines as (name, value), the rest) of CRLF source, after
    dropping an export header (anything before the ``Attribute VB_Name`` line)."""
    lines = source.split(b"\r\n")
    start = next((i for i, line in enumerate(lines) if line.startswith(b"Attribute VB_Name = ")), None)
    if start is None:
        raise ValueError("no 'Attribute VB_Name' line")
    attrs: list[tuple[str, bytes]] = []
    i = start
    while i < len(lines):
        m = _ATTR.match(lines[i])
        if not m:
            break
        attrs.append((m.group(1).decode("ascii"), m.group(2)))
        i += 1
    return attrs, b"\r\n".join(lines[i:])


def stored_source(raw: bytes, kind: str, *, base: str | None = None, origin: str = "") -> bytes:
    """The module text a project stores for an exported .bas/.cls file.

    Standard modules keep their text (minus any export header). Class and document modules get
    the attribute block Excel stores: the file's own values, defaults for the missing ones
    (``base`` for VB_Base), Excel's order, then any further attributes (e.g. VB_Description).
    """
    src = to_codepage(raw, origin)
    attrs, body = split_header(src)
    if kind == "standard":
        return b"".join(f"Attribute {k} = ".encode("ascii") + v + b"\r\n" for k, v in attrs) + body
    document = kind == "document"
    defaults: dict[str, bytes] = {
        "VB_Base": f'"{base or (SHEET_BASE if document else CLASS_BASE)}"'.encode("ascii"),
        "VB_GlobalNameSpace": b"False",
        "VB_Creatable": b"False",
        "VB_PredeclaredId": b"True" if document else b"False",
        "VB_Exposed": b"True" if document else b"False",
        "VB_TemplateDerived": b"False",
        "VB_Customizable": b"True" if document else b"False",
    }
    given = dict(attrs)
    head = [(k, given.get(k, defaults.get(k, b""))) for k in _HEADER_ORDER]
    extra = [(k, v) for k, v in attrs if k not in _HEADER_ORDER]
    return b"".join(f"Attribute {k} = ".encode("ascii") + v + b"\r\n" for k, v in head + extra) + body


def module_name(source: bytes) -> str:
    attrs, _ = split_header(source)
    return attrs[0][1].strip(b'"').decode("ascii")


def module_from_file(path: Path, kind: str | None = None, *, base: str | None = None) -> Module:
    """A Module from an exported .bas (standard) or .cls (class, or document when ``kind`` says)."""
    raw = path.read_bytes()
    if kind is None:
        kind = "standard" if path.suffix.lower() == ".bas" else "class"
    source = stored_source(raw, kind, base=base, origin=str(path))
    return Module(module_name(source), kind, source)  # type: ignore[arg-type]


def document_module(name: str, *, workbook: bool = False, code: bytes = b"") -> Module:
    """A document module (workbook or sheet) with Excel's attribute block and optional code."""
    base = WORKBOOK_BASE if workbook else SHEET_BASE
    raw = f'Attribute VB_Name = "{name}"\r\n'.encode("ascii") + code
    return Module(name, "document", stored_source(raw, "document", base=base))


# --------------------------------------------------------------------------------------------
# The project of each template
# --------------------------------------------------------------------------------------------


def xlwings_modules() -> list[Module]:
    """The xlwings standalone module and its Dictionary class, from the installed package."""
    bas, cls = xlwings_sources()
    return [module_from_file(bas, "standard"), module_from_file(cls, "class")]


def template_modules(kind: TemplateKind, sheet_codenames: Sequence[str] | Iterable[str],
                     *, source_dir: Path | None = None, server: bool = False) -> list[Module]:
    """Every module of a template's VBA project, in the order Excel lists them.

    ``sheet_codenames`` are the codenames of the workbook's sheets (one document module each);
    a ``macros/<codename>.cls`` file, when present, supplies that sheet's code. ``server``: the
    buttons call the bureau's service (see :mod:`xlsxtools.vba.server`).
    """
    if kind not in RIBBON_MODULE:
        raise ValueError(f"unknown template kind {kind!r}")
    src = source_dir or macros_dir()
    modules = [module_from_file(src / f"{THIS_WORKBOOK}.cls", "document", base=WORKBOOK_BASE)]
    for name in sheet_codenames:
        custom = src / f"{name}.cls"
        if custom.is_file():
            modules.append(module_from_file(custom, "document", base=SHEET_BASE))
        else:
            modules.append(document_module(name))
    ribbon = src / f"{RIBBON_MODULE[kind]}.bas"
    if server:
        from xlsxtools.vba import server as srv

        source = stored_source(srv.ribbon_source(to_codepage(ribbon.read_bytes(), str(ribbon))), "standard")
        modules.append(Module(module_name(source), "standard", source))
    else:
        modules.append(module_from_file(ribbon, "standard"))
    modules += xlwings_modules()
    if server:
        modules += srv.server_modules()
    return modules
