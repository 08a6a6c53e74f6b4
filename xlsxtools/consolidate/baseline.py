"""Tamper check: digests of the approved target tables and the comparison with a submission.

Sheet protection is a convenience lock, not a security boundary, so a unit that edits its own
targets, points or rules after approval is caught only by comparing its table with the approved
copy. The comparison is per indicator: each indicator has an identity (its 三级指标 name, with an
occurrence number when a name repeats) and a digest over the fields that matter (levels, name,
type, target, unit, points, rule text), normalised so that reading differences (full-width
digits, "50" vs "50.0", stray spaces) are not reported as changes.

A baseline file (``xlsxtools baseline DIR -o FILE``) is JSON::

    {"format": "xlsxtools-baseline", "version": 1, "created": "...", "tool_version": "...",
     "units": [{"unit": "县政务服务中心", "key": "...", "file": "...", "digest": "...",
                "indicators": [{"key": "...", "digest": "...", "level1": "...", ...}, ...]}]}
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from xlsxtools.errors import UserError
from xlsxtools.normalize import clean, key, parse_number

BASELINE_FORMAT = "xlsxtools-baseline"
BASELINE_VERSION = 1

#: The fields compared, in order, with their Chinese names for messages.
COMPARED_FIELDS: tuple[tuple[str, str], ...] = (
    ("level1", "一级指标"), ("level2", "二级指标"), ("name", "三级指标"), ("type", "指标值类型"),
    ("target", "指标值"), ("unit", "计量单位"), ("weight", "分值"), ("rule_text", "评（扣）分标准"),
)
#: Fields kept in the baseline besides the compared ones (to re-score under approved targets).
KEPT_FIELDS: tuple[str, ...] = ("explanation",)


def number_text(value: Any) -> str:
    """A number as short canonical text ("50", "2.5"); "" for None."""
    if value is None or value == "":
        return ""
    d = value if isinstance(value, Decimal) else parse_number(value)
    if d is None:
        return clean(value)
    if d == d.to_integral_value():
        return str(int(d))
    return format(d.normalize(), "f")


def canonical(field_name: str, value: Any, type_: str = "") -> str:
    """The normalised text a field is compared by."""
    if field_name == "weight":
        return number_text(value)
    text = clean(value)
    if field_name == "target" and type_ != "定性":
        num = parse_number(text)
        if num is not None:
            return number_text(num)
    return text


def indicator_fields(ind: Any) -> dict[str, str]:
    """Compared + kept fields of an Indicator (or a mapping with the same keys) as canonical text."""
    get = ind.get if isinstance(ind, dict) else lambda k, default=None: getattr(ind, k, default)
    type_ = clean(get("type", ""))
    out = {name: canonical(name, get(name, ""), type_) for name, _ in COMPARED_FIELDS}
    if not out["weight"] and out["rule_text"]:
        out["weight"] = number_text(rule_points(out["rule_text"]))
    for name in KEPT_FIELDS:
        out[name] = clean(get(name, ""))
    return out


def rule_points(text: str) -> Decimal | None:
    """Points named in a rule text (when the reader left Indicator.weight empty)."""
    from xlsxtools.rules import parse_rule

    try:
        return parse_rule(text).points
    except Exception:
        return None


def digest_of(fields: dict[str, str]) -> str:
    payload = json.dumps([fields[name] for name, _ in COMPARED_FIELDS], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:20]


def indicator_keys(names: Iterable[str]) -> list[str]:
    """Identity of each indicator: key(name), with "#n" for the n-th repeat of a name."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        k = key(name)
        seen[k] = seen.get(k, 0) + 1
        out.append(k if seen[k] == 1 else f"{k}#{seen[k]}")
    return out


def table_digest(digests: Iterable[tuple[str, str]]) -> str:
    h = hashlib.sha256()
    for k, d in digests:
        h.update(f"{k}\x1f{d}\x1e".encode())
    return h.hexdigest()[:20]


# ----------------------------------------------------------------------------------------------
# Approved tables
# ----------------------------------------------------------------------------------------------


@dataclass
class ApprovedUnit:
    """One unit's approved table: per indicator its key, digest and canonical field texts."""

    unit: str
    key: str
    file: str
    digest: str
    indicators: list[dict[str, str]] = field(default_factory=list)  # each has "key" and "digest"

    def to_json(self) -> dict[str, Any]:
        return {"unit": self.unit, "key": self.key, "file": self.file, "digest": self.digest,
                "indicators": self.indicators}


def approved_from_table(table: Any, file: str) -> ApprovedUnit:
    """The approved form of a TargetTable."""
    rows = [indicator_fields(ind) for ind in table.indicators]
    keys = indicator_keys(r["name"] for r in rows)
    inds = []
    for k, r in zip(keys, rows, strict=True):
        inds.append({"key": k, "digest": digest_of(r), **r})
    name = clean(table.unit.name)
    return ApprovedUnit(unit=name, key=key(name), file=file,
                        digest=table_digest((i["key"], i["digest"]) for i in inds), indicators=inds)


@dataclass
class Baseline:
    """Approved tables by unit key."""

    units: dict[str, ApprovedUnit] = field(default_factory=dict)
    source: str = ""
    #: Problems met while loading (duplicates, unreadable approved workbooks), Chinese.
    notes: list[str] = field(default_factory=list)

    def get(self, unit_key: str) -> ApprovedUnit | None:
        return self.units.get(unit_key)

    def add(self, unit: ApprovedUnit, mtime: float = 0.0) -> None:
        if not unit.key:
            self.notes.append(f"{unit.file}：核定表没有单位名称，已忽略")
            return
        old = self.units.get(unit.key)
        if old is not None:
            self.notes.append(f"核定基线中单位「{unit.unit}」出现多次（{old.file}、{unit.file}），以后读到的为准")
        self.units[unit.key] = unit

    def to_json(self, tool_version: str) -> dict[str, Any]:
        return {"format": BASELINE_FORMAT, "version": BASELINE_VERSION,
                "created": datetime.now().isoformat(timespec="seconds"), "tool_version": tool_version,
                "units": [self.units[k].to_json() for k in sorted(self.units)]}


def write_baseline_file(baseline: Baseline, out: str | Path, tool_version: str) -> None:
    """Write the baseline JSON atomically (one unit per line, so diffs of the file stay readable)."""
    from xlsxtools.atomic import atomic_path

    doc = baseline.to_json(tool_version)
    units = doc.pop("units")
    head = json.dumps(doc, ensure_ascii=False)[:-1]
    body = ",\n".join(json.dumps(u, ensure_ascii=False, sort_keys=True) for u in units)
    with atomic_path(out) as tmp:
        tmp.write_text(f'{head}, "units": [\n{body}\n]}}\n', encoding="utf-8")


def read_baseline_file(path: str | Path) -> Baseline:
    p = Path(path)
    try:
        doc = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UserError(f"无法读取核定基线文件：{exc}", file=str(p)) from exc
    if not isinstance(doc, dict) or doc.get("format") != BASELINE_FORMAT:
        raise UserError("不是 xlsxtools 核定基线文件（应由 xlsxtools baseline 导出）", file=str(p))
    if doc.get("version") != BASELINE_VERSION:
        raise UserError(f"核定基线文件版本 {doc.get('version')} 不受支持（支持 {BASELINE_VERSION}）", file=str(p))
    base = Baseline(source=str(p))
    for u in doc.get("units", []):
        inds = [dict(i) for i in u.get("indicators", [])]
        # Recompute digests: a hand-edited file cannot claim a digest its values do not have.
        for ind in inds:
            ind["digest"] = digest_of({name: str(ind.get(name, "")) for name, _ in COMPARED_FIELDS})
        unit = ApprovedUnit(unit=u.get("unit", ""), key=key(u.get("unit", "")), file=u.get("file", ""),
                            digest=table_digest((i["key"], i["digest"]) for i in inds), indicators=inds)
        base.add(unit)
    return base


# ----------------------------------------------------------------------------------------------
# Comparison
# ----------------------------------------------------------------------------------------------


@dataclass
class Change:
    """One difference between a submitted indicator and its approved version."""

    kind: str  # "added" | "removed" | "changed"
    key: str
    name: str
    #: For "changed": (field, Chinese field name, approved text, submitted text).
    fields: list[tuple[str, str, str, str]] = field(default_factory=list)
    #: Index of the indicator in the submitted table (None for "removed").
    index: int | None = None

    def message(self) -> str:
        if self.kind == "added":
            return f"新增了核定表中没有的指标「{self.name}」"
        if self.kind == "removed":
            return f"删除了核定表中的指标「{self.name}」"
        parts = [f"{title}由「{_short(old)}」改为「{_short(new)}」" for _, title, old, new in self.fields]
        return f"指标「{self.name}」与核定版本不一致：" + "；".join(parts)


def _short(text: str, limit: int = 60) -> str:
    if not text:
        return "（空）"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def compare(approved: ApprovedUnit, submitted: list[dict[str, str]]) -> list[Change]:
    """Differences between an approved table and a submitted one (each row: key + canonical fields).

    Order: submitted order for changed/added indicators, then removed ones in approved order.
    """
    by_key = {i["key"]: i for i in approved.indicators}
    seen: set[str] = set()
    changes: list[Change] = []
    for idx, row in enumerate(submitted):
        k = row["key"]
        old = by_key.get(k)
        if old is None:
            changes.append(Change("added", k, row.get("name", ""), index=idx))
            continue
        seen.add(k)
        diffs = [(name, title, str(old.get(name, "")), row.get(name, ""))
                 for name, title in COMPARED_FIELDS if str(old.get(name, "")) != row.get(name, "")]
        if diffs:
            changes.append(Change("changed", k, row.get("name", ""), diffs, index=idx))
    for old in approved.indicators:
        if old["key"] not in seen:
            changes.append(Change("removed", old["key"], old.get("name", "")))
    return changes
