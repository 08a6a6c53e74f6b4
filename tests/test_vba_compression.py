"""MS-OVBA compression: round trips through oletools' independent decompressor, including long
runs and copy tokens of maximum length at every bit count (the bug ms_ovba_compression 1.0.1 has)."""

from __future__ import annotations

import random
import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

with warnings.catch_warnings():  # oletools' pyparsing grammar warns on import
    warnings.simplefilter("ignore")
    from oletools.olevba import decompress_stream

from xlsxtools.vba.compression import compress


def roundtrip(data: bytes) -> bytes:
    return bytes(decompress_stream(bytearray(compress(data))))


def spec_bit_count(difference: int) -> int:
    """MS-OVBA §2.4.1.3.19.1, written from the text: smallest BitCount >= 4 with 2**BitCount >= difference."""
    bits = 4
    while (1 << bits) < difference:
        bits += 1
    return bits


def copy_tokens(container: bytes) -> list[tuple[int, int, int]]:
    """(bit_count, offset, length) of every copy token, walking the container per the spec."""
    assert container[0] == 0x01
    tokens = []
    pos = 1
    while pos < len(container):
        header = int.from_bytes(container[pos:pos + 2], "little")
        size = (header & 0x0FFF) + 3
        assert (header >> 12) & 0b111 == 0b011, "chunk signature"
        end = pos + size
        if not header & 0x8000:  # raw chunk
            pos = end
            continue
        p = pos + 2
        decompressed = 0
        while p < end:
            flags = container[p]
            p += 1
            for bit in range(8):
                if p >= end:
                    break
                if flags >> bit & 1:
                    token = int.from_bytes(container[p:p + 2], "little")
                    bits = spec_bit_count(decompressed)
                    length = (token & (0xFFFF >> bits)) + 3
                    offset = (token >> (16 - bits)) + 1
                    tokens.append((bits, offset, length))
                    decompressed += length
                    p += 2
                else:
                    decompressed += 1
                    p += 1
        assert decompressed <= 4096
        pos = end
    return tokens


def unique_prefix(n: int, rng: random.Random) -> bytes:
    """``n`` bytes without 'z' and without a repeated 3-byte sequence."""
    out = bytearray()
    seen: set[bytes] = set()
    while len(out) < n:
        b = rng.randrange(256)
        if b == ord("z"):
            continue
        if len(out) >= 2:
            tri = bytes(out[-2:]) + bytes([b])
            if tri in seen:
                continue
            seen.add(tri)
        out.append(b)
    return bytes(out)


def test_empty_and_tiny_inputs() -> None:
    assert compress(b"") == b"\x01"
    for data in (b"a", b"ab", b"abc", b"aaaa", b"\r\n" * 3):
        assert roundtrip(data) == data


def test_long_runs_cross_chunk_boundaries() -> None:
    for data in (b"q" * 10_000, b"ab" * 7_000, b"Attribute VB_Name\r\n" * 2_000, b"x" * 4096, b"x" * 4097):
        assert roundtrip(data) == data


def test_max_length_copy_tokens_at_every_bit_count() -> None:
    rng = random.Random(6)
    chunks = []
    for bits in range(4, 13):
        # The run of 'z' starts where a token has this bit count: its second byte is copied from
        # the first with offset 1 and as long a length as the bit count allows.
        start = 5 if bits == 4 else (1 << (bits - 1)) + 1
        chunks.append(unique_prefix(start, rng) + b"z" * (4096 - start))
    data = b"".join(chunks) + b"z" * 9_000  # and a run longer than a chunk
    container = compress(data)
    assert bytes(decompress_stream(bytearray(container))) == data

    tokens = copy_tokens(container)
    longest: dict[int, int] = {}
    for bits, offset, length in tokens:
        assert length <= (0xFFFF >> bits) + 3
        assert 1 <= offset <= 1 << bits
        longest[bits] = max(longest.get(bits, 0), length)
    for bits in range(5, 13):
        assert longest[bits] == (0xFFFF >> bits) + 3, f"no maximum-length token at bit count {bits}"
    # At bit count 4 the maximum (4098) exceeds a chunk: the longest match is a chunk of the
    # trailing run, a literal 'z' and then the 4095 bytes up to the chunk end.
    assert longest[4] == 4095


def test_incompressible_full_chunk_is_stored_raw() -> None:
    data = random.Random(1).randbytes(8192)
    container = compress(data)
    assert len(container) == 1 + 2 * (2 + 4096)
    assert roundtrip(data) == data


def test_incompressible_short_final_chunk_is_refused() -> None:
    # A raw chunk always decompresses to 4096 bytes, so this cannot be represented faithfully.
    with pytest.raises(ValueError):
        compress(random.Random(2).randbytes(4000))


def test_xlwings_module_roundtrips() -> None:
    from xlsxtools.vba.modules import xlwings_sources

    for path in xlwings_sources():
        data = path.read_bytes()
        assert len(data) > 4096
        assert roundtrip(data) == data


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from([b"a", b"b", b"Sub ", b"End Sub\r\n", b"    ", b"\"", b"x.y()", b"\x00", b"\xff"]),
                max_size=3000))
def test_roundtrip_property(pieces: list[bytes]) -> None:
    data = b"".join(pieces)
    assert roundtrip(data) == data
