"""Helpers for the Excel button tests: xlwings' JSON remote book built from a real workbook file,
its recorded actions, and strict fakes for what the remote book cannot express.

(No tests here; the file is named for the Excel area so the helpers live beside their tests.)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from xlsxtools import layout
from xlsxtools.excel.remote import payload_from_file, remote_book  # noqa: F401 - used by the tests

SAMPLES = Path(__file__).resolve().parents[1] / "xlsxtools" / "data" / "samples"


def actions(book: Any, func: str | None = None, sheet: str | None = None) -> list[dict[str, Any]]:
    """The recorded actions (optionally of one kind and on one sheet), each with "sheet" (its name)
    and "cell"/"range" (A1 references) added for readable assertions."""
    names = [s["name"] for s in book.impl.api["sheets"]]
    out = []
    for a in book.json()["actions"]:
        a = dict(a)
        pos = a.get("sheet_position")
        a["sheet"] = names[pos] if pos is not None and pos < len(names) else None
        if a.get("start_row") is not None:
            r, c = a["start_row"] + 1, a["start_column"] + 1
            r2, c2 = r + a["row_count"] - 1, c + a["column_count"] - 1
            a["cell"] = f"{layout.col_letter(c)}{r}"
            a["range"] = f"{layout.col_letter(c)}{r}:{layout.col_letter(c2)}{r2}"
        if (func is None or a["func"] == func) and (sheet is None or a["sheet"] == sheet):
            out.append(a)
    return out


def written(book: Any, sheet: str) -> dict[str, Any]:
    """Cell reference → the last value written there by setValues actions (None for cleared)."""
    cells: dict[str, Any] = {}
    for a in actions(book, "setValues", sheet):
        r0, c0 = a["start_row"] + 1, a["start_column"] + 1
        for i, row in enumerate(a["values"]):
            for j, v in enumerate(row):
                cells[f"{layout.col_letter(c0 + j)}{r0 + i}"] = None if v == "" else v
    return cells


def covered(a: dict[str, Any]) -> set[str]:
    """Every cell of an action's range."""
    r0, c0 = a["start_row"] + 1, a["start_column"] + 1
    return {f"{layout.col_letter(c)}{r}" for r in range(r0, r0 + a["row_count"])
            for c in range(c0, c0 + a["column_count"])}


def alerts(book: Any) -> list[str]:
    return [a["args"][0] for a in actions(book, "alert")]


def sample_table(name: str = "zhengwu_2026.txt") -> Any:
    from xlsxtools.importer import import_table

    return import_table(SAMPLES / name)


# ---------------------------------------------------------------------------------------------
# Strict fakes: fail on anything not expected
# ---------------------------------------------------------------------------------------------


class Strict:
    """An object with exactly the given attributes (values or callables) that records every call
    and attribute assignment in ``log``; reading or setting anything else fails the test."""

    def __init__(self, label: str, log: list[tuple], attrs: dict[str, Any] | None = None,
                 settable: tuple[str, ...] = ()) -> None:
        object.__setattr__(self, "_label", label)
        object.__setattr__(self, "_log", log)
        object.__setattr__(self, "_attrs", dict(attrs or {}))
        object.__setattr__(self, "_settable", set(settable))

    def __getattr__(self, item: str) -> Any:
        attrs = object.__getattribute__(self, "_attrs")
        label = object.__getattribute__(self, "_label")
        if item not in attrs:
            raise AssertionError(f"unexpected read of {label}.{item}")
        value = attrs[item]
        if callable(value) and not isinstance(value, Strict):
            log = object.__getattribute__(self, "_log")

            def call(*args: Any, **kwargs: Any) -> Any:
                log.append((f"{label}.{item}", args, kwargs))
                return value(*args, **kwargs)

            return call
        return value

    def __setattr__(self, item: str, value: Any) -> None:
        if item not in object.__getattribute__(self, "_settable"):
            raise AssertionError(f"unexpected assignment {self._label}.{item} = {value!r}")
        self._log.append((f"{self._label}.{item}=", (value,), {}))

