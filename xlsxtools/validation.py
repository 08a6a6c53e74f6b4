"""The validation plan of a unit workbook: every dropdown, rule and input message, as plain data.

Pure core (no workbook library): ``plan_validations`` turns the extent of the grids into a list of
``ValidationSpec``; the openpyxl edge (``xlsxtools.workbook.dropdowns.apply_validations``) and the
Excel buttons (xlwings ``range.data_validation``) apply the same plan. Everything it names (sheets,
columns, rows, lists) comes from ``xlsxtools.layout``.

Formulas are written the way Excel stores them in the file (English function names, "," as the
argument separator, no leading "="); relative references are relative to the top-left cell of the
first range in ``sqref``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from xlsxtools import layout
from xlsxtools.normalize import clean, key

#: Validation types understood by the edges (the OOXML names; "any" is "no constraint", used to
#: carry an input message).
TYPES = ("any", "list", "custom", "decimal", "whole", "date", "textLength")

#: Excel limits on the texts of a data validation.
MAX_TITLE = 32
MAX_PROMPT = 255
MAX_ERROR = 225
#: Excel limit on a literal list source ("a,b,c").
MAX_LITERAL_LIST = 255


@dataclass(frozen=True)
class ValidationSpec:
    """One data validation: where it applies and what it allows, prompts and error texts included."""

    sheet: str
    #: One or more ranges separated by spaces ("A7:A36" or "G7:G9 G12:G36").
    sqref: str
    type: str
    formula1: str | None = None
    formula2: str | None = None
    #: For decimal/whole/date/textLength: between, greaterThanOrEqual … (OOXML operator names).
    operator: str | None = None
    allow_blank: bool = True
    prompt_title: str = ""
    prompt: str = ""
    error_title: str = ""
    error: str = ""
    #: "stop", "warning" or "information".
    error_style: str = "stop"

    @property
    def first_cell(self) -> str:
        """Top-left cell of the first range (the anchor of relative references)."""
        return self.sqref.split()[0].split(":")[0]


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------


def _rows_to_ranges(col: str, rows: Sequence[int]) -> str:
    """Column letter and sorted sheet rows → compact sqref ("G7:G9 G12")."""
    parts: list[str] = []
    rows = sorted(set(rows))
    i = 0
    while i < len(rows):
        j = i
        while j + 1 < len(rows) and rows[j + 1] == rows[j] + 1:
            j += 1
        parts.append(f"{col}{rows[i]}" if i == j else f"{col}{rows[i]}:{col}{rows[j]}")
        i = j + 1
    return " ".join(parts)


def _col_range(col: str, first: int, count: int) -> str:
    return f"{col}{first}:{col}{first + count - 1}"


def _trim(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _prompt(title: str, text: str) -> dict[str, str]:
    return {"prompt_title": _trim(title, MAX_TITLE), "prompt": _trim(text, MAX_PROMPT)}


def _error(title: str, text: str) -> dict[str, str]:
    return {"error_title": _trim(title, MAX_TITLE), "error": _trim(text, MAX_ERROR)}


def list_source(choices: Sequence[str]) -> str:
    """The list-validation source for ``choices``: a defined name when one of the layout's named
    lists holds exactly these values, otherwise a literal quoted list ("a,b,c")."""
    values = tuple(choices)
    for nl in layout.named_lists():
        if nl.values == values:
            return nl.name
    literal = ",".join(v.replace('"', "") for v in values)
    if any("," in v for v in values) or len(literal) + 2 > MAX_LITERAL_LIST:
        raise ValueError(f"choices cannot be a literal list: {values!r}")
    return f'"{literal}"'


def level2_formula(level1_cell: str) -> str:
    """Dependent level-2 list source for the row whose level 1 is in ``level1_cell`` (e.g. "$A7")."""
    return f'INDIRECT("{layout.NAME_LEVEL2_PREFIX}"&MATCH({level1_cell},{layout.NAME_LEVEL1},0))'


# ---------------------------------------------------------------------------------------------
# Rule-dependent choices for the actual column
# ---------------------------------------------------------------------------------------------


#: Rule kind name (xlsxtools.rules.RuleKind member name) → the choices of its actual value.
CHOICES_BY_RULE_KIND: dict[str, tuple[str, ...]] = {
    "GRADE": layout.GRADE_CHOICES,
    "LEVEL": layout.LEVEL_CHOICES,
    "DIRECT": layout.DIRECT_CHOICES,
}


def choices_for_rule_kind(kind: Any) -> tuple[str, ...] | None:
    """Choices of the actual for a rule kind (a RuleKind or its name), None for free values."""
    if kind is None:
        return None
    name = getattr(kind, "name", None) or str(kind)
    return CHOICES_BY_RULE_KIND.get(name.upper())


def actual_choices_for_rules(rule_texts: Sequence[str]) -> dict[int, tuple[str, ...]]:
    """Grid index (0-based) → actual choices, for the rows whose rule picks from a list.

    Uses ``xlsxtools.rules.parse_rule``; returns {} while the rules module is not available, so
    the actual column then keeps a free-input rule with its input message.
    """
    try:
        from xlsxtools.rules import parse_rule
    except ImportError:
        return {}
    out: dict[int, tuple[str, ...]] = {}
    for i, text in enumerate(rule_texts):
        if not clean(text):
            continue
        parsed = parse_rule(text)
        choices = choices_for_rule_kind(parsed.rule.kind) if parsed.rule is not None else None
        if choices:
            out[i] = choices
    return out


# ---------------------------------------------------------------------------------------------
# The plan
# ---------------------------------------------------------------------------------------------


def plan_validations(grid_rows: int, *, actual_rows: int | None = None,
                     actual_choices: Mapping[int, Sequence[str]] | None = None) -> list[ValidationSpec]:
    """Every data validation of a unit workbook whose 目标表 grid has ``grid_rows`` rows.

    ``actual_rows`` is the number of grid rows on 实际完成 (default: ``grid_rows``).
    ``actual_choices`` maps a grid index (0-based, aligned with the indicators) to the choices of
    that row's actual value (e.g. ``layout.GRADE_CHOICES`` for a GRADE rule); those rows get a
    list, every other row of the actual column a free-input rule carrying the input message.
    """
    if grid_rows < 1:
        raise ValueError("grid_rows must be >= 1")
    actual_rows = grid_rows if actual_rows is None else max(actual_rows, 1)
    specs: list[ValidationSpec] = []
    specs += _target_specs(grid_rows)
    specs += _actual_specs(actual_rows, actual_choices or {})
    specs += monitoring_specs(actual_rows)
    return specs


def _target_specs(grid_rows: int) -> list[ValidationSpec]:
    sheet = layout.TARGETS_SHEET
    first = layout.TARGET_FIRST_ROW
    col = layout.TARGET_COL
    specs: list[ValidationSpec] = []

    # Header block values.
    for f in layout.HEADER_FIELDS:
        cell = f"{layout.HEADER_VALUE_COL}{layout.HEADER_ROW[f.key]}"
        if f.key == "year":
            specs.append(ValidationSpec(
                sheet, cell, "whole", "2000", "2100", operator="between",
                **_prompt(f.title, f.prompt), **_error("年度有误", "年度应为四位数年份，如 2026。")))
        elif f.prompt:
            specs.append(ValidationSpec(sheet, cell, "any", **_prompt(f.title, f.prompt)))

    # Indicator grid, one rule per input column.
    by_key = {c.key: c for c in layout.TARGET_COLUMNS}
    a = f"${col['level1']}{first}"
    t = f"${col['type']}{first}"
    for c in layout.TARGET_COLUMNS:
        if not c.input:
            continue
        rng = _col_range(col[c.key], first, grid_rows)
        prompt = _prompt(c.title, c.prompt)
        if c.key == "level1":
            spec = ValidationSpec(sheet, rng, "list", layout.NAME_LEVEL1, **prompt, **_error(
                "一级指标有误", f"一级指标只能是：{'、'.join(layout.LEVEL1)}。请从下拉列表选择。"))
        elif c.key == "level2":
            spec = ValidationSpec(sheet, rng, "list", level2_formula(a), **prompt, **_error(
                "二级指标有误", f"二级指标必须属于本行的一级指标（{by_key['level1'].title}）。请先选一级指标，再从下拉列表选择。"))
        elif c.key == "type":
            spec = ValidationSpec(sheet, rng, "list", layout.NAME_TYPES, **prompt, **_error(
                "指标值类型有误", f"只能选择 {' '.join(layout.QUANT_TYPES)}（定量）或“{layout.QUAL_TYPE}”。"))
        elif c.key == "target":
            e = f"{col['target']}{first}"
            spec = ValidationSpec(
                sheet, rng, "custom", f'OR({t}="",{t}="{layout.QUAL_TYPE}",ISNUMBER({e}))', **prompt,
                **_error("指标值应为数字", "本行是定量指标（≥ > = ≤ <），指标值只能填数字，单位写在“计量单位”列。"))
        elif c.key == "unit":
            u = f"{col['unit']}{first}"
            spec = ValidationSpec(
                sheet, rng, "custom", f'OR({t}<>"{layout.QUAL_TYPE}",LEN({u})=0)', **prompt,
                **_error("定性指标不填单位", "定性指标的计量单位应为空。"))
        else:
            spec = ValidationSpec(sheet, rng, "any", **prompt)
        specs.append(spec)

    # Footer values.
    for f in layout.FOOTER_FIELDS:
        _, value_cell = layout.footer_position(grid_rows)[f.key]
        if f.prompt:
            specs.append(ValidationSpec(sheet, value_cell, "any", **_prompt(f.title, f.prompt)))
    return specs


def _actual_specs(rows: int, actual_choices: Mapping[int, Sequence[str]]) -> list[ValidationSpec]:
    sheet = layout.ACTUALS_SHEET
    first = layout.ACTUAL_FIRST_ROW
    col = layout.ACTUAL_COL
    specs: list[ValidationSpec] = []

    for f in layout.BUDGET_FIELDS:
        if f.key in layout.BUDGET_INPUT_KEYS:
            cell = f"{layout.BUDGET_COL[f.key]}{layout.BUDGET_VALUE_ROW}"
            specs.append(ValidationSpec(
                sheet, cell, "decimal", "0", operator="greaterThanOrEqual", **_prompt(f.title, f.prompt),
                **_error("应为数字", f"{f.title}只能填不小于 0 的数字（单位万元）。")))

    for c in layout.ACTUAL_COLUMNS:
        if not c.input:
            continue
        prompt = _prompt(c.title, c.prompt)
        if c.key == "actual":
            # Rows with a choice list, grouped by their list; the rest keep a free-input rule.
            groups: dict[tuple[str, ...], list[int]] = {}
            for i, choices in sorted(actual_choices.items()):
                if 0 <= i < rows and choices:
                    groups.setdefault(tuple(choices), []).append(first + i)
            listed = {r for rs in groups.values() for r in rs}
            free = [first + i for i in range(rows) if first + i not in listed]
            if free:
                specs.append(ValidationSpec(sheet, _rows_to_ranges(col[c.key], free), "any", **prompt))
            for choices, sheet_rows in groups.items():
                specs.append(ValidationSpec(
                    sheet, _rows_to_ranges(col[c.key], sheet_rows), "list", list_source(choices),
                    **_prompt(c.title, f"按本行评分标准，从下拉列表选择：{'、'.join(choices)}。"),
                    **_error("实际完成值有误", f"本行的实际完成值只能是：{'、'.join(choices)}。")))
        else:
            specs.append(ValidationSpec(sheet, _col_range(col[c.key], first, rows), "any", **prompt))
    return specs


def monitoring_specs(rows: int) -> list[ValidationSpec]:
    """The validations of 运行监控 (layout version 2): period, cause and likelihood lists, the
    budget numbers, an input message on every input column."""
    sheet = layout.MONITOR_SHEET
    first = layout.MONITOR_FIRST_ROW
    col = layout.MONITOR_COL
    vrow = layout.MONITOR_BUDGET_VALUE_ROW
    specs: list[ValidationSpec] = []
    for f in layout.MONITOR_BUDGET_FIELDS:
        if f.key not in layout.MONITOR_BUDGET_INPUT_KEYS:
            continue
        cell = f"{layout.MONITOR_BUDGET_COL[f.key]}{vrow}"
        if f.key == "period":
            specs.append(ValidationSpec(sheet, cell, "list", layout.NAME_PERIODS, **_prompt(f.title, f.prompt),
                                        **_error("监控期间有误", "请从下拉列表选择监控期间，如“1-7月”。")))
        else:
            specs.append(ValidationSpec(
                sheet, cell, "decimal", "0", operator="greaterThanOrEqual", **_prompt(f.title, f.prompt),
                **_error("应为数字", f"{f.title}只能填不小于 0 的数字（单位万元）。")))
    lists = {"cause": (layout.NAME_CAUSES, layout.DEVIATION_CAUSES, "偏差原因有误"),
             "likelihood": (layout.NAME_LIKELIHOODS, layout.LIKELIHOODS, "完成目标可能性有误")}
    for c in layout.MONITOR_COLUMNS:
        if not c.input:
            continue
        rng = _col_range(col[c.key], first, rows)
        prompt = _prompt(c.title, c.prompt)
        if c.key in lists:
            name, values, title = lists[c.key]
            specs.append(ValidationSpec(sheet, rng, "list", name, **prompt,
                                        **_error(title, f"只能选择：{'、'.join(values)}。")))
        else:
            specs.append(ValidationSpec(sheet, rng, "any", **prompt))
    return specs


# ---------------------------------------------------------------------------------------------
# Extent of the grids (from plain cell values, e.g. a used range read in one call)
# ---------------------------------------------------------------------------------------------


def _filled(v: Any) -> bool:
    return v is not None and clean(v) != ""


def footer_row(values: Sequence[Sequence[Any]]) -> int | None:
    """1-based row of the first 目标表 footer label below the grid header, or None."""
    footer_keys = {key(t) for f in layout.FOOTER_FIELDS for t in f.titles}
    for r in range(layout.TARGET_FIRST_ROW, len(values) + 1):
        if any(isinstance(v, str) and key(v) in footer_keys for v in values[r - 1]):
            return r
    return None


def _last_content_row(values: Sequence[Sequence[Any]], first: int, stop: int, ncols: int) -> int | None:
    last = None
    for r in range(first, min(stop, len(values) + 1)):
        if any(_filled(v) for v in list(values[r - 1])[:ncols]):
            last = r
    return last


def target_grid_rows(values: Sequence[Sequence[Any]]) -> int:
    """Current number of grid rows on 目标表, from its cell values (``values[0]`` is row 1, from A).

    The grid runs from ``layout.TARGET_FIRST_ROW`` down to the row above the footer gap (rows a
    user inserted included), or further when indicators were typed into the gap. Without a footer
    it runs to the last row with content, and never shrinks below ``layout.DEFAULT_GRID_ROWS``.
    """
    first = layout.TARGET_FIRST_ROW
    ncols = len(layout.TARGET_COLUMNS)
    foot = footer_row(values)
    if foot is not None:
        end = foot - layout.FOOTER_GAP - 1
        last = _last_content_row(values, first, foot, ncols)
        if last is not None:
            end = max(end, last)
        return max(end - first + 1, 1)
    last = _last_content_row(values, first, len(values) + 1, ncols)
    end = max(last or 0, first + layout.DEFAULT_GRID_ROWS - 1)
    return end - first + 1


def actual_grid_rows(values: Sequence[Sequence[Any]], target_rows: int) -> int:
    """Grid rows on 实际完成: at least ``target_rows``, more when rows below carry content."""
    first = layout.ACTUAL_FIRST_ROW
    last = _last_content_row(values, first, len(values) + 1, len(layout.ACTUAL_COLUMNS))
    return max(target_rows, (last - first + 1) if last else 0)


def grid_column(values: Sequence[Sequence[Any]], field_key: str, grid_rows: int) -> list[str]:
    """Texts of one 目标表 grid column (by field key) for ``grid_rows`` rows."""
    idx = [c.key for c in layout.TARGET_COLUMNS].index(field_key)
    out = []
    for r in range(layout.TARGET_FIRST_ROW, layout.TARGET_FIRST_ROW + grid_rows):
        row = values[r - 1] if r <= len(values) else ()
        out.append(clean(row[idx]) if idx < len(row) else "")
    return out
