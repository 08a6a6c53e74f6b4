"""How wide text is and how tall a row must be to show it wrapped (neither openpyxl nor XlsxWriter
auto-fits row heights; Excel only does when it recalculates a row, LibreOffice on load).

Widths are in Excel's column-width unit (one digit of the default font, about 7 px): a CJK
character (and any other wide or full-width one) counts 2, everything else 1, which matches 宋体
10 pt closely enough to size rows so wrapped text never overlaps its neighbours. The summary
writer (XlsxWriter) and the unit workbook writers (openpyxl) share these functions.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable
from typing import Any

#: Points per line of wrapped text at a font size (10 pt 宋体 needs about 13.5 pt a line).
LINE_FACTOR = 1.35
#: Extra points above and below the text of a row.
ROW_PADDING = 3.0


def char_width(ch: str) -> int:
    """2 for a CJK / wide / full-width character, 0 for a combining mark, else 1."""
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


_TABLE: dict[int, str] | None = None


def _width_table() -> dict[int, str]:
    """str.translate table of the Basic Multilingual Plane: a wide character → two, a combining
    mark → none (built once, on first use: a few milliseconds)."""
    global _TABLE
    if _TABLE is None:
        table: dict[int, str] = {}
        for cp in range(0x300, 0x10000):  # below U+0300 every character is narrow
            ch = chr(cp)
            if unicodedata.combining(ch):
                table[cp] = ""
            elif unicodedata.east_asian_width(ch) in ("W", "F"):
                table[cp] = "  "
        _TABLE = table
    return _TABLE


def line_width(line: str) -> int:
    """Display width of one line (no line breaks), as the sum of :func:`char_width`."""
    if line.isascii():
        return len(line)
    s = line.translate(_width_table())
    if max(s, default="\0") > "\uffff":  # characters beyond the BMP: by their own width
        return sum(1 if c <= "\uffff" else char_width(c) for c in s)
    return len(s)


def text_width(text: Any) -> int:
    """Display width of ``text`` (its longest line) in column-width units."""
    s = "" if text is None else str(text)
    return max((line_width(line) for line in s.split("\n")), default=0)


def line_count(text: Any, width: float) -> int:
    """Lines ``text`` takes when wrapped in a column ``width`` units wide (at least 1)."""
    s = "" if text is None else str(text)
    usable = max(1.0, width - 1.0)  # the cell's own margins
    lines = 0
    for line in s.split("\n"):
        lines += max(1, math.ceil(line_width(line) / usable))
    return max(1, lines)


def lines_height(lines: int, font_size: float = 10.0) -> float:
    """Points a row of ``lines`` wrapped lines needs."""
    return round(lines * font_size * LINE_FACTOR + ROW_PADDING, 1)


def row_height(cells: Iterable[tuple[Any, float]], font_size: float = 10.0, *, minimum: float = 0.0) -> float:
    """Points a row needs for its wrapped ``cells`` ((text, column width) pairs), at least ``minimum``."""
    lines = max((line_count(text, width) for text, width in cells), default=1)
    return max(minimum, lines_height(lines, font_size))
