"""Build a vbaProject.bin (MS-OVBA) from VBA source text, on any OS, deterministically.

The project holds source only: every module stream is the compressed source at offset 0 (no
p-code) and ``_VBA_PROJECT`` declares version 0xFFFF, so Excel compiles the project from the
source when it opens the workbook. Streams written:

- ``VBA/dir``: compressed project information, references and module records (§2.3.4.2);
- ``VBA/<module>``: compressed source of each module (§2.3.4.3);
- ``VBA/_VBA_PROJECT``: the 7-byte header without performance cache (§2.3.4.1);
- ``PROJECT``: the text project properties with the (unprotected) CMG/DPB/GC values (§2.3.1);
- ``PROJECTwm``: module names in MBCS and UTF-16 (§2.3.3).

Module source is bytes in the project code page (1252) with CRLF line ends, beginning with the
``Attribute VB_Name`` line; see :mod:`xlsxtools.vba.modules` for turning .bas/.cls files into
that form.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from xlsxtools.vba.cfb import write_cfb
from xlsxtools.vba.compression import compress

CODEPAGE = 1252
ENCODING = "cp1252"

ModuleKind = Literal["standard", "class", "document"]


@dataclass(frozen=True)
class Module:
    """One VBA module: its name, kind and stored source (cp1252 bytes, CRLF)."""

    name: str
    kind: ModuleKind
    source: bytes


@dataclass(frozen=True)
class Reference:
    """A registered type library reference (REFERENCENAME + REFERENCEREGISTERED)."""

    name: str
    libid: str


#: The references Excel writes for a new workbook with the Office library ticked. "VBA" and
#: "Excel" are host references that Excel does not store in the dir stream.
STDOLE = Reference(
    "stdole", r"*\G{00020430-0000-0000-C000-000000000046}#2.0#0#C:\Windows\System32\stdole2.tlb#OLE Automation")
OFFICE = Reference(
    "Office",
    r"*\G{2DF8D04C-5BFA-101B-BDE5-00AA0044DE52}#2.0#0#C:\Program Files\Common Files\Microsoft Shared\OFFICE16\MSO.DLL"
    r"#Microsoft Office 16.0 Object Library")
DEFAULT_REFERENCES: tuple[Reference, ...] = (STDOLE, OFFICE)

#: Fixed project id (a project id only has to be a GUID; fixed keeps the output deterministic).
DEFAULT_PROJECT_ID = "{6F1D2A3C-0B5E-4C7A-9E21-58A7D3C4B0E1}"

# Excel's host extender (VBE) line, copied from what Excel writes.
_HOST_EXTENDER = "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000"


def build_vba_project(
    modules: Sequence[Module],
    *,
    project_name: str = "VBAProject",
    project_id: str = DEFAULT_PROJECT_ID,
    references: Iterable[Reference] = DEFAULT_REFERENCES,
) -> bytes:
    """The bytes of a vbaProject.bin holding ``modules`` (source only; Excel compiles on open)."""
    names = [m.name for m in modules]
    if len(set(n.upper() for n in names)) != len(names):
        raise ValueError(f"duplicate module names: {names}")
    for m in modules:
        _check_module(m)
    refs = tuple(references)
    streams: dict[str, bytes] = {
        "PROJECT": project_stream(modules, project_name, project_id),
        "PROJECTwm": projectwm_stream(modules),
        "VBA/_VBA_PROJECT": b"\xcc\x61\xff\xff\x00\x03\x00",
        "VBA/dir": compress(dir_stream(modules, project_name, refs)),
    }
    for m in modules:
        streams[f"VBA/{m.name}"] = compress(m.source)
    return write_cfb(streams)


def _check_module(m: Module) -> None:
    if not m.name.isascii() or not m.name.replace("_", "a").isalnum() or not m.name[0].isalpha() or len(m.name) > 31:
        raise ValueError(f"invalid VBA module name: {m.name!r}")
    if m.kind not in ("standard", "class", "document"):
        raise ValueError(f"invalid module kind: {m.kind!r}")
    first = m.source.split(b"\r\n", 1)[0]
    if first != f'Attribute VB_Name = "{m.name}"'.encode("ascii"):
        raise ValueError(f"module {m.name}: source must start with its Attribute VB_Name line, not {first[:60]!r}")
    if b"\n" in m.source.replace(b"\r\n", b"") or b"\r" in m.source.replace(b"\r\n", b""):
        raise ValueError(f"module {m.name}: line ends must be CRLF")


# --------------------------------------------------------------------------------------------
# dir stream
# --------------------------------------------------------------------------------------------


def _rec(rid: int, payload: bytes) -> bytes:
    return struct.pack("<HI", rid, len(payload)) + payload


def _mbcs(text: str) -> bytes:
    return text.encode(ENCODING)


def _utf16(text: str) -> bytes:
    return text.encode("utf-16-le")


def dir_stream(modules: Sequence[Module], project_name: str, references: Sequence[Reference]) -> bytes:
    """The uncompressed dir stream (MS-OVBA §2.3.4.2)."""
    out = bytearray()
    # PROJECTINFORMATION
    out += _rec(0x0001, struct.pack("<I", 1))  # SYSKIND: 32-bit Windows
    out += _rec(0x0002, struct.pack("<I", 0x0409))  # LCID
    out += _rec(0x0014, struct.pack("<I", 0x0409))  # LCIDINVOKE
    out += _rec(0x0003, struct.pack("<H", CODEPAGE))  # CODEPAGE
    out += _rec(0x0004, _mbcs(project_name))  # NAME
    out += _rec(0x0005, b"") + _rec(0x0040, b"")  # DOCSTRING + unicode
    out += _rec(0x0006, b"") + _rec(0x003D, b"")  # HELPFILEPATH 1 + 2
    out += _rec(0x0007, struct.pack("<I", 0))  # HELPCONTEXT
    out += _rec(0x0008, struct.pack("<I", 0))  # LIBFLAGS
    out += struct.pack("<HIIH", 0x0009, 4, 1, 0)  # VERSION: reserved 4, major, minor
    out += _rec(0x000C, b"") + _rec(0x003C, b"")  # CONSTANTS + unicode
    # PROJECTREFERENCES
    for ref in references:
        out += _rec(0x0016, _mbcs(ref.name)) + _rec(0x003E, _utf16(ref.name))
        libid = _mbcs(ref.libid)
        out += _rec(0x000D, struct.pack("<I", len(libid)) + libid + struct.pack("<IH", 0, 0))
    # PROJECTMODULES
    out += _rec(0x000F, struct.pack("<H", len(modules)))
    out += _rec(0x0013, struct.pack("<H", 0xFFFF))  # PROJECTCOOKIE
    for m in modules:
        out += _rec(0x0019, _mbcs(m.name)) + _rec(0x0047, _utf16(m.name))  # NAME + NAMEUNICODE
        out += _rec(0x001A, _mbcs(m.name)) + _rec(0x0032, _utf16(m.name))  # STREAMNAME
        out += _rec(0x001C, b"") + _rec(0x0048, b"")  # DOCSTRING
        out += _rec(0x0031, struct.pack("<I", 0))  # OFFSET: source starts the stream (no p-code)
        out += _rec(0x001E, struct.pack("<I", 0))  # HELPCONTEXT
        out += _rec(0x002C, struct.pack("<H", 0xFFFF))  # COOKIE
        out += _rec(0x0021 if m.kind == "standard" else 0x0022, b"")  # TYPE: procedural / other
        out += _rec(0x002B, b"")  # module terminator
    out += _rec(0x0010, b"")  # dir terminator
    return bytes(out)


# --------------------------------------------------------------------------------------------
# PROJECT and PROJECTwm streams
# --------------------------------------------------------------------------------------------


def project_stream(modules: Sequence[Module], project_name: str, project_id: str) -> bytes:
    """The PROJECT stream (MS-OVBA §2.3.1): unprotected, visible, no password."""
    lines = [f'ID="{project_id}"']
    for m in modules:
        if m.kind == "document":
            lines.append(f"Document={m.name}/&H00000000")
        elif m.kind == "class":
            lines.append(f"Class={m.name}")
        else:
            lines.append(f"Module={m.name}")
    key = project_key(project_id)
    cmg = encrypt(struct.pack("<I", 0), key, seed=0x4A)  # protection state: none
    dpb = encrypt(bytes([0]), key, seed=0x5C)  # password: none
    gc = encrypt(bytes([0xFF]), key, seed=0x60)  # visibility: visible
    lines += [
        f'Name="{project_name}"',
        'HelpContextID="0"',
        'VersionCompatible32="393222000"',
        f'CMG="{cmg}"',
        f'DPB="{dpb}"',
        f'GC="{gc}"',
        "",
        "[Host Extender Info]",
        _HOST_EXTENDER,
        "",
        "[Workspace]",
        *(f"{m.name}=0, 0, 0, 0, C" for m in modules),
        "",
    ]
    return "\r\n".join(lines).encode(ENCODING)


def projectwm_stream(modules: Sequence[Module]) -> bytes:
    """The PROJECTwm stream (MS-OVBA §2.3.3)."""
    out = bytearray()
    for m in modules:
        out += _mbcs(m.name) + b"\0" + _utf16(m.name) + b"\0\0"
    return bytes(out + b"\0\0")


def project_key(project_id: str) -> int:
    """MS-OVBA §2.4.3.4: the low byte of the sum of the project id's bytes."""
    return sum(_mbcs(project_id)) & 0xFF


def encrypt(data: bytes, key: int, *, seed: int) -> str:
    """MS-OVBA §2.4.3.2 data encryption, as upper-case hex (deterministic: fixed ``seed``)."""
    version = 2
    out = bytearray([seed, seed ^ version, seed ^ key])
    unencrypted1, encrypted1, encrypted2 = key, seed ^ key, seed ^ version

    def put(byte: int) -> None:
        nonlocal unencrypted1, encrypted1, encrypted2
        enc = byte ^ ((encrypted2 + unencrypted1) & 0xFF)
        out.append(enc)
        encrypted2, encrypted1, unencrypted1 = encrypted1, enc, byte

    for _ in range((seed & 6) // 2):
        put(0)  # ignored bytes
    for byte in struct.pack("<I", len(data)):
        put(byte)
    for byte in data:
        put(byte)
    return out.hex().upper()
