"""A minimal, deterministic writer for Compound File Binary files (MS-CFB, version 3).

Enough for a vbaProject.bin: a root storage holding storages and streams, 512-byte sectors,
streams under 4096 bytes in the mini stream (64-byte mini sectors), no DIFAT sectors (files up
to ~6.8 MB), all timestamps and CLSIDs zero. The children of each storage form a valid
red-black tree (a size-balanced binary tree; nodes on an incomplete deepest level are red).

Reading is left to olefile (an independent implementation, used by the tests).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

SECTOR = 512
MINI_SECTOR = 64
MINI_CUTOFF = 4096
FREESECT = 0xFFFFFFFF
ENDOFCHAIN = 0xFFFFFFFE
FATSECT = 0xFFFFFFFD
NOSTREAM = 0xFFFFFFFF
_HEADER_DIFAT = 109

_STORAGE, _STREAM, _ROOT = 1, 2, 5
_RED, _BLACK = 0, 1


@dataclass
class _Entry:
    name: str
    kind: int
    data: bytes = b""
    children: list[_Entry] = field(default_factory=list)
    sid: int = -1
    left: int = NOSTREAM
    right: int = NOSTREAM
    child: int = NOSTREAM
    color: int = _BLACK
    start: int = ENDOFCHAIN
    size: int = 0


def _sort_key(name: str) -> tuple[int, str]:
    # MS-CFB §2.6.4: shorter names first, then code-point order of the upper-cased names.
    return (len(name.encode("utf-16-le")) // 2, name.upper())


def write_cfb(streams: dict[str, bytes]) -> bytes:
    """Compound file bytes holding ``streams`` (paths like ``"VBA/dir"``; storages implied)."""
    root = _Entry("Root Entry", _ROOT)
    for path, data in streams.items():
        parts = path.split("/")
        node = root
        for part in parts[:-1]:
            found = next((c for c in node.children if c.name == part), None)
            if found is None:
                found = _Entry(part, _STORAGE)
                node.children.append(found)
            elif found.kind != _STORAGE:
                raise ValueError(f"{path}: {part} is a stream")
            node = found
        if any(c.name == parts[-1] for c in node.children):
            raise ValueError(f"duplicate entry {path}")
        node.children.append(_Entry(parts[-1], _STREAM, bytes(data)))

    # Directory ids: depth-first, children in sorted order.
    entries: list[_Entry] = []

    def number(e: _Entry) -> None:
        if len(e.name) > 31:
            raise ValueError(f"name too long for a compound file: {e.name}")
        e.sid = len(entries)
        entries.append(e)
        e.children.sort(key=lambda c: _sort_key(c.name))
        for c in e.children:
            number(c)

    number(root)
    for e in entries:
        if e.children:
            e.child = _tree(e.children)

    # Stream data: small streams in the mini stream, the rest in regular sectors.
    mini = bytearray()
    minifat: list[int] = []
    large: list[_Entry] = []
    for e in entries:
        if e.kind != _STREAM:
            continue
        e.size = len(e.data)
        if e.size == 0:
            e.start = ENDOFCHAIN
        elif e.size < MINI_CUTOFF:
            first = len(minifat)
            count = -(-e.size // MINI_SECTOR)
            minifat += [*range(first + 1, first + count), ENDOFCHAIN]
            e.start = first
            mini += e.data + b"\0" * (count * MINI_SECTOR - e.size)
        else:
            large.append(e)

    n_dir = -(-len(entries) * 128 // SECTOR)
    n_minifat = -(-len(minifat) * 4 // SECTOR)
    n_mini = -(-len(mini) // SECTOR)
    n_large = sum(-(-e.size // SECTOR) for e in large)
    n_other = n_dir + n_minifat + n_mini + n_large
    n_fat = 1
    while n_fat * (SECTOR // 4) < n_fat + n_other:
        n_fat += 1
    if n_fat > _HEADER_DIFAT:
        raise ValueError("compound file too large for this writer (no DIFAT sectors)")

    fat: list[int] = [FATSECT] * n_fat
    sectors: list[bytes] = []

    def place(data: bytes) -> int:
        """Append ``data`` as a sector chain; return its first sector (ENDOFCHAIN when empty)."""
        count = -(-len(data) // SECTOR)
        if count == 0:
            return ENDOFCHAIN
        first = len(fat)
        fat.extend([*range(first + 1, first + count), ENDOFCHAIN])
        padded = data + b"\0" * (count * SECTOR - len(data))
        sectors.extend(padded[i:i + SECTOR] for i in range(0, len(padded), SECTOR))
        return first

    # Directory is written after the other chains are known, but placed first.
    dir_first = n_fat
    fat.extend([*range(dir_first + 1, dir_first + n_dir), ENDOFCHAIN])
    sectors.extend([b""] * n_dir)
    # Unused entries of the last mini FAT sector are free (MS-CFB 2.1: FREESECT), not zero.
    minifat_padded = minifat + [FREESECT] * (n_minifat * (SECTOR // 4) - len(minifat))
    minifat_bytes = b"".join(struct.pack("<I", v) for v in minifat_padded)
    minifat_first = place(minifat_bytes)
    root.start = place(bytes(mini))
    root.size = len(mini)
    for e in large:
        e.start = place(e.data)
    assert len(fat) == n_fat + n_other

    directory = bytearray()
    for e in entries:
        directory += _dir_entry(e)
    while len(directory) < n_dir * SECTOR:
        directory += _unused_entry()
    for i in range(n_dir):
        sectors[i] = bytes(directory[i * SECTOR:(i + 1) * SECTOR])

    fat += [FREESECT] * (n_fat * (SECTOR // 4) - len(fat))
    fat_bytes = struct.pack(f"<{len(fat)}I", *fat)

    difat = list(range(n_fat)) + [FREESECT] * (_HEADER_DIFAT - n_fat)
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        bytes.fromhex("D0CF11E0A1B11AE1"), b"\0" * 16,
        0x003E, 0x0003, 0xFFFE, 9, 6, b"\0" * 6,
        0,  # directory sectors (must be 0 in version 3)
        n_fat, dir_first, 0, MINI_CUTOFF,
        minifat_first if minifat else ENDOFCHAIN, n_minifat,
        ENDOFCHAIN, 0,
    ) + struct.pack(f"<{_HEADER_DIFAT}I", *difat)
    assert len(header) == SECTOR
    return header + fat_bytes + b"".join(sectors)


def _tree(children: list[_Entry]) -> int:
    """Link sorted ``children`` into a size-balanced red-black tree; return the root's id."""
    depth_of: dict[int, int] = {}

    def build(lo: int, hi: int, depth: int) -> int:
        if lo >= hi:
            return NOSTREAM
        mid = (lo + hi) // 2
        node = children[mid]
        depth_of[mid] = depth
        node.left = build(lo, mid, depth + 1)
        node.right = build(mid + 1, hi, depth + 1)
        return node.sid

    root = build(0, len(children), 0)
    deepest = max(depth_of.values())
    full = len(children) == 2 ** (deepest + 1) - 1
    for i, c in enumerate(children):
        c.color = _RED if (not full and depth_of[i] == deepest and deepest > 0) else _BLACK
    return root


def _dir_entry(e: _Entry) -> bytes:
    name = e.name.encode("utf-16-le") + b"\0\0"
    return struct.pack(
        "<64sHBBIII16sIQQIQ",
        name, len(name), e.kind, e.color, e.left, e.right, e.child,
        b"\0" * 16, 0, 0, 0, e.start if e.kind != _STORAGE else 0, e.size,
    )


def _unused_entry() -> bytes:
    return struct.pack("<64sHBBIII16sIQQIQ", b"", 0, 0, 0, NOSTREAM, NOSTREAM, NOSTREAM, b"\0" * 16, 0, 0, 0, 0, 0)
