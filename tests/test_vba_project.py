"""The built vbaProject.bin, read back with independent readers (olefile, oletools olevba)."""

from __future__ import annotations

import io
import struct
import warnings
import zipfile
from pathlib import Path

import olefile
import pytest

with warnings.catch_warnings():  # oletools' pyparsing grammar warns on import
    warnings.simplefilter("ignore")
    from oletools.olevba import VBA_Parser, decompress_stream

from xlsxtools.vba.modules import stored_source, template_modules, xlwings_dir, xlwings_sources
from xlsxtools.vba.ovba import Module, build_vba_project

SHEETS = ["Sheet1", "shtTargets", "shtConf"]
EXPECTED_MODULES = {
    "unit": {"ThisWorkbook": "document", "Sheet1": "document", "shtTargets": "document", "shtConf": "document",
             "RibbonUnit": "standard", "xlwings": "standard", "Dictionary": "class"},
    "summary": {"ThisWorkbook": "document", "Sheet1": "document", "shtTargets": "document", "shtConf": "document",
                "RibbonSummary": "standard", "xlwings": "standard", "Dictionary": "class"},
}


@pytest.fixture(scope="module", params=["unit", "summary"])
def project(request: pytest.FixtureRequest) -> tuple[str, list[Module], bytes]:
    modules = template_modules(request.param, SHEETS)
    return request.param, modules, build_vba_project(modules)


def olevba_modules(data: bytes) -> dict[str, str]:
    parser = VBA_Parser("vbaProject.bin", data=data)
    try:
        return {stream.split("/")[-1]: code for (_, stream, _, code) in parser.extract_macros()}
    finally:
        parser.close()


def test_modules_are_the_expected_ones(project: tuple[str, list[Module], bytes]) -> None:
    kind, modules, _ = project
    assert {m.name: m.kind for m in modules} == EXPECTED_MODULES[kind]


def test_every_module_reads_back_byte_for_byte_with_olevba(project: tuple[str, list[Module], bytes]) -> None:
    kind, modules, data = project
    read = olevba_modules(data)
    assert set(read) == set(EXPECTED_MODULES[kind])
    for m in modules:
        assert read[m.name].encode("cp1252") == m.source, m.name


def test_every_module_stream_decompresses_to_its_source(project: tuple[str, list[Module], bytes]) -> None:
    _, modules, data = project
    ole = olefile.OleFileIO(io.BytesIO(data))
    for m in modules:
        raw = ole.openstream(f"VBA/{m.name}").read()
        assert bytes(decompress_stream(bytearray(raw))) == m.source, m.name


def test_xlwings_module_is_the_installed_file_unchanged(project: tuple[str, list[Module], bytes]) -> None:
    _, _, data = project
    bas, _ = xlwings_sources()
    installed = bas.read_bytes()
    assert len(installed) > 40_000
    assert olevba_modules(data)["xlwings"].encode("cp1252") == installed


def test_dictionary_class_keeps_its_code_and_gets_excels_attribute_block(
        project: tuple[str, list[Module], bytes]) -> None:
    _, _, data = project
    stored = olevba_modules(data)["Dictionary"].encode("cp1252")
    _, cls = xlwings_sources()
    exported = cls.read_bytes()
    # The export header (VERSION 1.0 CLASS / BEGIN / END) is not part of the module ...
    assert exported.startswith(b"VERSION 1.0 CLASS\r\n")
    assert not stored.startswith(b"VERSION")
    # ... the code after the attribute lines is the file's, byte for byte ...
    body_start = exported.index(b"''\r\n' Dictionary v")
    assert stored.endswith(exported[body_start:])
    # ... and the attribute block is the one Excel itself stored for this class in xlwings'
    # quickstart_standalone.xlsm (written by Excel).
    with zipfile.ZipFile(xlwings_dir() / "quickstart_standalone.xlsm") as z:
        excel = olevba_modules(z.read("xl/vbaProject.bin"))["Dictionary"].encode("cp1252")
    head = stored[:stored.index(b"''\r\n")]
    assert excel.startswith(head)
    assert head.count(b"Attribute VB_") == 9


def walk_dir(dir_bytes: bytes) -> list[tuple[int, bytes]]:
    """(id, payload) of every record of a decompressed dir stream (MS-OVBA §2.3.4.2)."""
    out = []
    pos = 0
    while pos < len(dir_bytes):
        rid, size = struct.unpack_from("<HI", dir_bytes, pos)
        pos += 6
        if rid == 0x0009:  # PROJECTVERSION: Reserved (=4) then 6 bytes
            assert size == 4
            size = 6
        out.append((rid, dir_bytes[pos:pos + size]))
        pos += size
    return out


def test_dir_stream_records(project: tuple[str, list[Module], bytes]) -> None:
    kind, modules, data = project
    ole = olefile.OleFileIO(io.BytesIO(data))
    records = walk_dir(bytes(decompress_stream(bytearray(ole.openstream("VBA/dir").read()))))
    ids = [rid for rid, _ in records]
    assert ids[-1] == 0x0010
    assert dict(records)[0x0003] == struct.pack("<H", 1252)
    assert dict(records)[0x0004] == b"VBAProject"
    libids = [p[4:4 + struct.unpack_from("<I", p)[0]] for rid, p in records if rid == 0x000D]
    assert [lib.split(b"#")[0] for lib in libids] == [b"*\\G{00020430-0000-0000-C000-000000000046}",
                                                       b"*\\G{2DF8D04C-5BFA-101B-BDE5-00AA0044DE52}"]
    names = [p for rid, p in records if rid == 0x0016]
    assert names == [b"stdole", b"Office"]
    assert dict(records)[0x000F] == struct.pack("<H", len(EXPECTED_MODULES[kind]))
    module_names = [p.decode() for rid, p in records if rid == 0x0019]
    assert module_names == [m.name for m in modules]
    assert [p for rid, p in records if rid == 0x0031] == [b"\0\0\0\0"] * len(modules)  # no p-code
    types = [rid for rid in ids if rid in (0x0021, 0x0022)]
    assert types == [0x0021 if EXPECTED_MODULES[kind][n] == "standard" else 0x0022 for n in module_names]


def decrypt(hex_text: str) -> tuple[int, int, bytes]:
    """MS-OVBA §2.4.3.3 data decryption, written from the spec: (version, project key, data)."""
    enc = bytes.fromhex(hex_text)
    seed, version_enc, key_enc = enc[0], enc[1], enc[2]
    version, key = seed ^ version_enc, seed ^ key_enc
    unencrypted1, encrypted1, encrypted2 = key, key_enc, version_enc
    plain = []
    for byte_enc in enc[3:]:
        byte = byte_enc ^ ((encrypted2 + unencrypted1) & 0xFF)
        encrypted2, encrypted1, unencrypted1 = encrypted1, byte_enc, byte
        plain.append(byte)
    plain = plain[(seed & 6) // 2:]
    length = int.from_bytes(bytes(plain[:4]), "little")
    assert len(plain) == 4 + length
    return version, key, bytes(plain[4:])


def project_properties(text: str) -> tuple[list[str], dict[str, str]]:
    lines = text.split("\r\n")
    props = lines[:lines.index("")]
    return props, {k: v.strip('"') for k, v in (p.split("=", 1) for p in props)}


def test_decryptor_agrees_with_excel() -> None:
    # PROJECT stream written by Excel (xlwings' quickstart_standalone.xlsm): unprotected, no
    # password, visible. Checks the test's decryptor before it judges ours.
    with zipfile.ZipFile(xlwings_dir() / "quickstart_standalone.xlsm") as z:
        ole = olefile.OleFileIO(io.BytesIO(z.read("xl/vbaProject.bin")))
    _, props = project_properties(ole.openstream("PROJECT").read().decode("cp1252"))
    key = sum(props["ID"].encode()) & 0xFF  # MS-OVBA §2.4.3.4: sum of the project id's bytes
    assert decrypt(props["CMG"]) == (2, key, b"\0\0\0\0")
    assert decrypt(props["DPB"]) == (2, key, b"\0")
    assert decrypt(props["GC"]) == (2, key, b"\xff")


def test_project_stream(project: tuple[str, list[Module], bytes]) -> None:
    kind, modules, data = project
    ole = olefile.OleFileIO(io.BytesIO(data))
    text = ole.openstream("PROJECT").read().decode("cp1252")
    lines, props = project_properties(text)
    expected_items = []
    for name, k in EXPECTED_MODULES[kind].items():
        expected_items.append({"document": f"Document={name}/&H00000000", "class": f"Class={name}",
                               "standard": f"Module={name}"}[k])
    assert sorted(line for line in lines if line.split("=")[0] in ("Document", "Module", "Class")) == sorted(
        expected_items)
    assert props["Name"] == "VBAProject"
    key = sum(props["ID"].encode()) & 0xFF
    assert decrypt(props["CMG"]) == (2, key, b"\0\0\0\0")  # not protected
    assert decrypt(props["DPB"]) == (2, key, b"\0")  # no password
    assert decrypt(props["GC"]) == (2, key, b"\xff")  # visible
    assert "[Host Extender Info]" in text
    vba_project = ole.openstream("VBA/_VBA_PROJECT").read()
    assert vba_project[:4] == b"\xcc\x61\xff\xff"  # version 0xFFFF: Excel compiles from source
    wm = ole.openstream("PROJECTwm").read()
    for m in modules:
        assert m.name.encode() + b"\0" + m.name.encode("utf-16-le") + b"\0\0" in wm


def cfb_less(a: str, b: str) -> bool:
    return (len(a), a.upper()) < (len(b), b.upper())


def test_compound_file_structure(project: tuple[str, list[Module], bytes]) -> None:
    kind, _, data = project
    ole = olefile.OleFileIO(io.BytesIO(data))
    streams = {"/".join(p) for p in ole.listdir()}
    assert streams == {"PROJECT", "PROJECTwm", "VBA/dir", "VBA/_VBA_PROJECT",
                       *(f"VBA/{n}" for n in EXPECTED_MODULES[kind])}
    entries = {d.sid: d for d in ole.direntries if d is not None}

    def check(sid: int, lo: str | None, hi: str | None) -> int:
        """Black height of the subtree; asserts search order and red-black rules."""
        if sid == 0xFFFFFFFF:
            return 1
        e = entries[sid]
        assert (lo is None or cfb_less(lo, e.name)) and (hi is None or cfb_less(e.name, hi))
        if e.color == 0:  # red: children black
            for child in (e.sid_left, e.sid_right):
                assert child == 0xFFFFFFFF or entries[child].color == 1
        left = check(e.sid_left, lo, e.name)
        right = check(e.sid_right, e.name, hi)
        assert left == right
        return left + (e.color == 1)

    for e in entries.values():
        if e.sid_child != 0xFFFFFFFF:
            assert entries[e.sid_child].color == 1  # tree root is black
            check(e.sid_child, None, None)


def test_build_is_deterministic() -> None:
    a = build_vba_project(template_modules("unit", SHEETS))
    b = build_vba_project(template_modules("unit", SHEETS))
    assert a == b


def test_non_ascii_source_round_trips_in_cp1252(tmp_path: Path) -> None:
    src = tmp_path / "Accents.bas"
    src.write_bytes('Attribute VB_Name = "Accents"\n\' café – 5 €\nSub A()\nEnd Sub\n'.encode())
    from xlsxtools.vba.modules import module_from_file

    m = module_from_file(src)
    assert m.source == 'Attribute VB_Name = "Accents"\r\n\' café – 5 €\r\nSub A()\r\nEnd Sub\r\n'.encode("cp1252")
    read = olevba_modules(build_vba_project([m]))
    assert read["Accents"] == "Attribute VB_Name = \"Accents\"\r\n' café – 5 €\r\nSub A()\r\nEnd Sub\r\n"


def test_source_outside_cp1252_is_refused() -> None:
    with pytest.raises(ValueError, match="中"):
        stored_source('Attribute VB_Name = "X"\r\n\' 中\r\n'.encode(), "standard", origin="X.bas")


def test_large_and_small_projects_open_with_olefile() -> None:
    # Mini stream only (every stream under 4096 bytes) and a module big enough for regular sectors.
    small = Module("M", "standard", b'Attribute VB_Name = "M"\r\n')
    big_code = b"".join(b"' line %d of a long comment block\r\n" % i for i in range(3000))
    big = Module("Big", "standard", b'Attribute VB_Name = "Big"\r\n' + big_code)
    for modules in ([small], [small, big]):
        read = olevba_modules(build_vba_project(modules))
        assert {k: v.encode("cp1252") for k, v in read.items()} == {m.name: m.source for m in modules}


def test_unused_mini_fat_entries_are_free(project: tuple[str, list[Module], bytes]) -> None:
    # MS-CFB 2.1/2.3: entries of the mini FAT that no mini sector uses are FREESECT (0xFFFFFFFF).
    _, _, data = project
    first, count = struct.unpack_from("<II", data, 0x3C)
    sector_shift = struct.unpack_from("<H", data, 0x1E)[0]
    size = 1 << sector_shift
    fat = struct.unpack_from(f"<{size // 4}I", data, size * (1 + struct.unpack_from("<I", data, 0x4C)[0]))
    entries: list[int] = []
    sid = first
    for _ in range(count):
        entries += struct.unpack_from(f"<{size // 4}I", data, size * (1 + sid))
        sid = fat[sid]
    ole = olefile.OleFileIO(io.BytesIO(data))
    used = -(-ole.root.size // 64)
    assert 0 < used < len(entries)
    assert all(e != 0xFFFFFFFF for e in entries[:used])
    assert set(entries[used:]) == {0xFFFFFFFF}
