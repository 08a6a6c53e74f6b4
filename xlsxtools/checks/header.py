"""M: the header block and footer (单位名称, 年度, 职责, 目标, 填表人, 联系电话, 填表日期, 单位负责人)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from xlsxtools.checks.common import table_location
from xlsxtools.checks.registry import register
from xlsxtools.codes import finding
from xlsxtools.config import Config
from xlsxtools.model import Actuals, Finding, Origin, TargetTable
from xlsxtools.normalize import clean, halfwidth, parse_date

_YEAR = re.compile(r"^\D*((?:19|20)[0-9]{2})\s*(?:年度?)?\D*$")
_MOBILE = re.compile(r"^(?:\+?86)?1[3-9][0-9]{9}$")
_LANDLINE = re.compile(r"^(?:\(0[0-9]{2,3}\)|0[0-9]{2,3}-?)?[0-9]{7,8}(?:(?:-|转)[0-9]{1,6})?$")
_PHONE_SPLIT = re.compile(r"[、,，;；/]|\s{2,}|或")


def _origin(table: TargetTable, key: str) -> Origin:
    return table.unit.origins.get(key) or table_location(table)


def is_phone(text: str) -> bool:
    """A mobile (11 digits) or landline number (区号-号码, optional extension); several may be listed."""
    s = halfwidth(clean(text)).replace("（", "(").replace("）", ")")
    parts = [p.strip() for p in _PHONE_SPLIT.split(s) if p.strip()]
    if not parts:
        return False
    for p in parts:
        compact = p.replace(" ", "")
        if not (_MOBILE.match(compact.replace("-", "")) or _LANDLINE.match(compact)):
            return False
    return True


@register("M001", "M002", "M007")
def header_block(table: TargetTable, actuals: Actuals | None, config: Config) -> Iterator[Finding]:
    """Unit name (M001), a four-digit year (M002), 职责 and 年度履职目标 (M007) are filled."""
    u = table.unit
    if not clean(u.name):
        yield finding("M001", "部门（单位）名称为空：请填写单位全称。", _origin(table, "name"), "name")
    year = clean(u.year)
    if not year:
        yield finding("M002", "年度为空：请填写四位数年份，如 2026。", _origin(table, "year"), "year")
    elif not _YEAR.match(halfwidth(year)):
        yield finding("M002", f"年度「{year}」不是四位数年份：请填写如 2026。", _origin(table, "year"), "year")
    for key, title in (("duties", "部门（单位）职责"), ("goals", "年度履职目标")):
        if not clean(getattr(u, key)):
            yield finding("M007", f"{title}为空：请填写。", _origin(table, key), key)


@register("M003", "M004", "M005", "M006")
def footer(table: TargetTable, actuals: Actuals | None, config: Config) -> Iterator[Finding]:
    """填表人 (M003), 联系电话 of a mobile or landline shape (M004), 填表日期 (M005), 单位负责人 (M006)."""
    u = table.unit
    if not clean(u.filled_by):
        yield finding("M003", "填表人为空：请填写填表人姓名。", _origin(table, "filled_by"), "filled_by")
    phone = clean(u.phone)
    if not phone:
        yield finding("M004", "联系电话为空：请填写手机（11 位）或座机（区号-号码）。", _origin(table, "phone"), "phone")
    elif not is_phone(phone):
        yield finding("M004", f"联系电话「{phone}」既不是 11 位手机号，也不是座机号（区号-号码）：请核对。",
                      _origin(table, "phone"), "phone")
    date_text = clean(u.date)
    if not date_text:
        yield finding("M005", "填表日期为空：请填写，如 2026年1月15日。", _origin(table, "date"), "date")
    elif parse_date(date_text) is None:
        yield finding("M005", f"填表日期「{date_text}」不是有效日期：请填写如 2026年1月15日。", _origin(table, "date"), "date")
    if not clean(u.head):
        yield finding("M006", "单位负责人为空：请填写单位负责人姓名。", _origin(table, "head"), "head")
