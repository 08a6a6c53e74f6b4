"""MS-OVBA §2.4.1 compression (the LZ77 variant used for VBA source and the dir stream).

A CompressedContainer is the signature byte 0x01 followed by one CompressedChunk per 4096
bytes of input. Each chunk has a 2-byte header (size - 3 in 12 bits, signature 0b011, flag
"compressed") and then token sequences: one flag byte and up to eight tokens, a literal byte
(flag bit 0) or a 2-byte copy token (flag bit 1). A copy token packs ``offset - 1`` in the
high ``bit_count`` bits and ``length - 3`` in the low ``16 - bit_count`` bits, where
``bit_count`` (4..12) depends on how far into the chunk the token starts, so the maximum
length is ``(0xFFFF >> bit_count) + 3`` (not ``0xFFFF << bit_count``, the bug in
ms_ovba_compression 1.0.1 that corrupts long matches).

Deterministic: the same input always gives the same bytes. Matching uses a hash chain on
3-byte prefixes (the longest match among the most recent candidates), which is fast enough for
the ~46 kB xlwings module and compresses source text well; the result need not be optimal,
only valid.
"""

from __future__ import annotations

CHUNK_SIZE = 4096
#: How many earlier positions with the same 3-byte prefix are tried per position.
_MAX_CANDIDATES = 48


def bit_count(position: int) -> int:
    """Number of offset bits of a copy token that starts ``position`` bytes into its chunk."""
    return max(4, (position - 1).bit_length())


def max_length(position: int) -> int:
    """Longest match a copy token can encode ``position`` bytes into its chunk."""
    return (0xFFFF >> bit_count(position)) + 3


def compress(data: bytes) -> bytes:
    """Compress ``data`` into an MS-OVBA CompressedContainer."""
    out = bytearray(b"\x01")
    for start in range(0, len(data), CHUNK_SIZE):
        out += _compress_chunk(bytes(data[start:start + CHUNK_SIZE]))
    return bytes(out)


def _compress_chunk(chunk: bytes) -> bytes:
    n = len(chunk)
    body = bytearray()
    chains: dict[bytes, list[int]] = {}

    def remember(p: int) -> None:
        if p + 3 <= n:
            chains.setdefault(chunk[p:p + 3], []).append(p)

    pos = 0
    while pos < n:
        flag_at = len(body)
        body.append(0)
        flags = 0
        for bit in range(8):
            if pos >= n:
                break
            length, offset = _longest_match(chunk, pos, chains)
            if length >= 3:
                bits = bit_count(pos)
                token = ((offset - 1) << (16 - bits)) | (length - 3)
                body += token.to_bytes(2, "little")
                flags |= 1 << bit
                for p in range(pos, pos + length):
                    remember(p)
                pos += length
            else:
                body.append(chunk[pos])
                remember(pos)
                pos += 1
        body[flag_at] = flags

    if len(body) <= CHUNK_SIZE:
        header = 0x8000 | 0x3000 | (len(body) + 2 - 3)
        return header.to_bytes(2, "little") + bytes(body)
    if n == CHUNK_SIZE:
        # Incompressible full chunk: stored raw (flag 0, size field 0xFFF).
        return (0x3000 | 0x0FFF).to_bytes(2, "little") + chunk
    # A raw chunk always decompresses to 4096 bytes, so a short final chunk cannot be stored
    # raw without changing the data. Source text never gets here (it always compresses).
    raise ValueError("final chunk of incompressible data cannot be stored in MS-OVBA format")


def _longest_match(chunk: bytes, pos: int, chains: dict[bytes, list[int]]) -> tuple[int, int]:
    """(length, offset) of the longest earlier match at ``pos``; length 0 when none."""
    n = len(chunk)
    if pos == 0 or pos + 3 > n:
        return 0, 0
    candidates = chains.get(chunk[pos:pos + 3])
    if not candidates:
        return 0, 0
    limit = min(max_length(pos), n - pos)
    best_len, best_off = 0, 0
    tried = 0
    for cand in reversed(candidates):
        length = 3
        while length < limit and chunk[cand + length] == chunk[pos + length]:
            length += 1
        if length > best_len:
            best_len, best_off = length, pos - cand
            if length == limit:
                break
        tried += 1
        if tried >= _MAX_CANDIDATES:
            break
    return best_len, best_off
