"""Reading text the way a person reads it: widths, spaces, symbols, numbers, dates.

Pure functions over strings; no workbook library. Shared by the importer, the readers, the
checks and the scoring so that "≧", ">=" and "大于等于" mean the same everywhere.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20  # ideographic space

#: Punctuation that differs only in width between Chinese and ASCII typing.
_PUNCT_TO_ASCII = str.maketrans({
    "（": "(", "）": ")", "，": ",", "：": ":", "；": ";", "％": "%", "＊": "*", "／": "/",
    "－": "-", "—": "-", "–": "-", "﹪": "%", "。": ".", "、": ",",
})

_SPACES = re.compile(r"[\s\u00a0\u3000\u200b\ufeff]+")


def halfwidth(text: str) -> str:
    """Full-width ASCII (１２３, ＡＢ, （）) → half-width; other characters unchanged."""
    return text.translate(_FULLWIDTH)


def clean(value: Any) -> str:
    """A cell value as one line of text: None → "", stray line breaks and runs of spaces folded.

    Numbers that are whole print without ".0" (a float 50.0 reads as "50").
    """
    if type(value) is str:  # the common case first (hot path of consolidation)
        return _clean_str(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        if value.hour == value.minute == value.second == 0:
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return _clean_str(str(value))


@functools.lru_cache(maxsize=1 << 16)
def _clean_str(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def key(text: Any) -> str:
    """Matching key: half-width, no spaces, no punctuation, lower case.

    Two labels or indicator names that differ only in width, spacing or punctuation get the
    same key ("部门（单位）名称" and "部门(单位) 名称").
    """
    if type(text) is str:  # hot path: one dict look-up instead of clean() and two caches
        k = _KEY_MEMO.get(text)
        if k is None:
            if len(_KEY_MEMO) >= _KEY_MEMO_MAX:
                _KEY_MEMO.clear()
            k = _KEY_MEMO[text] = _key_str(_clean_str(text))
        return k
    return _key_str(clean(text))


#: Raw text → key (str → str, immutable values); bounded like the caches below.
_KEY_MEMO: dict[str, str] = {}
_KEY_MEMO_MAX = 1 << 16


@functools.lru_cache(maxsize=1 << 16)
def _key_str(text: str) -> str:
    # Memoised: checks and readers key the same vocabulary and names thousands of times per run.
    s = halfwidth(text).translate(_PUNCT_TO_ASCII).lower()
    return "".join(ch for ch in s if not (ch.isspace() or unicodedata.category(ch).startswith("P")))


_TYPE_WORDS: dict[str, str] = {
    "≥": "≥", ">=": "≥", "≧": "≥", "=>": "≥", "大于等于": "≥", "大于或等于": "≥", "不低于": "≥", "不少于": "≥",
    ">": ">", "大于": ">", "高于": ">",
    "=": "=", "==": "=", "＝": "=", "等于": "=",
    "≤": "≤", "<=": "≤", "≦": "≤", "=<": "≤", "小于等于": "≤", "小于或等于": "≤", "不高于": "≤", "不超过": "≤",
    "<": "<", "小于": "<", "低于": "<",
    "定性": "定性",
}


def normalize_type(value: Any) -> str | None:
    """指标值类型 cell → one of ≥ > = ≤ < 定性, or None when it is not a type symbol."""
    s = halfwidth(clean(value)).replace(" ", "")
    if not s:
        return None
    return _TYPE_WORDS.get(s)


_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$|^[+-]?\.\d+$")


def parse_number(value: Any) -> Decimal | None:
    """A number as a person reads it, or None.

    Accepts ints/floats, and text with full-width digits, thousands separators, surrounding
    spaces and a trailing "%" (the number itself is returned: "95%" → 95). Anything else
    (units, words, dates) → None.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value) if -MAX_NUMBER < value < MAX_NUMBER else None
    if isinstance(value, float):
        if value != value or not -MAX_NUMBER < value < MAX_NUMBER:  # NaN, infinities, beyond 15 digits
            return None
        return Decimal(repr(value))
    if isinstance(value, Decimal):
        return value if value.is_finite() and -MAX_NUMBER < value < MAX_NUMBER else None
    if type(value) is str:
        return _parse_number_str(value)
    return _parse_number_str(clean(value))


#: Numbers from this magnitude on are not computed with (Excel keeps 15 significant digits;
#: reader.safe_value reports them as V011).
MAX_NUMBER = 10**15


@functools.lru_cache(maxsize=1 << 16)
def _parse_number_str(value: str) -> Decimal | None:
    # Memoised (Decimal is immutable): readers, checks and scoring parse the same targets repeatedly.
    if len(value) > 64:  # no number a person types is this long (and int() of 5,000 digits raises)
        return None
    s = halfwidth(clean(value)).replace(" ", "")
    s = s.rstrip("%").rstrip("％")
    if not s or not _NUMBER.match(s):
        return None
    try:
        d = Decimal(s.replace(",", ""))
        return d if -MAX_NUMBER < d < MAX_NUMBER else None
    except InvalidOperation:  # pragma: no cover - guarded by the regex
        return None


_DATE_PATTERNS = (
    re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?"),
    re.compile(r"(\d{4})[-./](\d{1,2})[-./](\d{1,2})"),
)


def parse_date(value: Any) -> date | None:
    """A date from a real date cell or text such as "2026年12月31日前" / "2026.12.15" / "2026-12-31"."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    s = halfwidth(clean(value))
    for pat in _DATE_PATTERNS:
        m = pat.search(s)
        if m:
            try:
                return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                return None
    return None


def is_formula_like(text: Any) -> bool:
    """True for strings a spreadsheet would turn into a formula when typed ("=", "=1+1", "+A1", "@x").

    Writers must store such strings as text; the same guard stops formula injection from a unit
    name typed as "=…".
    """
    return (isinstance(text, str) and text[:1] in ("=", "+", "@")) or (
        isinstance(text, str) and text[:1] == "-" and parse_number(text) is None and len(text) > 1
    )


def percent_text(value: Any, empty: str = "—") -> str:
    """A fraction shown as a percentage with two decimals, rounded half-up like every score
    (0.4300486 → "43.00%"); ``empty`` for None, a bool or anything that is not a number."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return empty
    try:
        d = Decimal(str(value)) * 100
        if not d.is_finite():
            return empty
        return f"{d.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)}%"
    except (InvalidOperation, ValueError):
        return empty
