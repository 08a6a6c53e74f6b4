"""Text that XML (and so every .xlsx writer) can hold.

XML 1.0 forbids C0 control characters other than tab, LF and CR, the non-characters U+FFFE and
U+FFFF, and lone surrogates (which only reach Python from broken decoders). lxml and openpyxl
raise on them and a writer that splices raw XML produces a file Excel refuses to open, so every
text that goes into a workbook passes through :func:`xml_safe` at the writer boundary. A
replaced character becomes U+FFFD (�) and the caller can report what was replaced.
"""

from __future__ import annotations

import re

_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
REPLACEMENT = "\ufffd"


def xml_safe(text: str) -> str:
    """``text`` with XML-illegal characters replaced by U+FFFD."""
    return _ILLEGAL.sub(REPLACEMENT, text) if _ILLEGAL.search(text) else text


def illegal_chars(text: str) -> list[str]:
    """The XML-illegal characters in ``text`` as U+XXXX names, in order of first appearance."""
    seen: dict[str, None] = {}
    for m in _ILLEGAL.finditer(text):
        seen.setdefault(f"U+{ord(m.group(0)):04X}", None)
    return list(seen)


def describe(text: str) -> str | None:
    """A Chinese note on what :func:`xml_safe` replaces in ``text`` (None when nothing)."""
    found = illegal_chars(text)
    if not found:
        return None
    return f"含有工作簿不能保存的字符（{'、'.join(found[:5])}{'…' if len(found) > 5 else ''}），已替换为 �"


#: Numbers a writer stores as numbers; beyond (or NaN, infinities) they are written as text.
MAX_CELL_NUMBER = 10**15


def cell_value(value: object) -> object:
    """A value any .xlsx writer can store: text cleaned (:func:`xml_safe`), numbers that are not
    finite or have more than 15 digits as their text, everything else unchanged."""
    t = type(value)
    if t is str:
        return xml_safe(value)  # type: ignore[arg-type]
    if t is float:
        if value != value or not -MAX_CELL_NUMBER < value < MAX_CELL_NUMBER:  # type: ignore[operator]
            return repr(value)
        return value
    if t is int:
        if -MAX_CELL_NUMBER < value < MAX_CELL_NUMBER:  # type: ignore[operator]
            return value
        bits = value.bit_length()  # type: ignore[attr-defined]
        return str(value) if bits < 4000 else f"（{int(bits * 0.30103) + 1} 位数字）"
    if isinstance(value, str):
        return xml_safe(value)
    return value
