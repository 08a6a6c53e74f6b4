"""pandas DataFrames for analysts (``pip install "xlsxtools[pandas]"``; Jupyter-friendly).

    from xlsxtools import frames
    units = frames.units("汇总-2026-06.xlsx")        # a summary workbook
    inds = frames.indicators("收件箱/2026-06")        # a folder: consolidated on the way (nothing written)
    found = frames.findings("汇总-2026-06.xlsx")
    hist = frames.history("绩效历史.sqlite")          # every period's units, one row per unit and period

``source`` is a folder of unit workbooks, a summary workbook written by ``xlsxtools consolidate``, or
a history database (``--history``). Columns are the English keys of ``xlsxtools.layout`` (``unit``,
``total``, ``l1:产出指标:score`` …); ``chinese=True`` gives the summary's Chinese column titles.

pandas is imported inside these functions only: nothing on a button's path imports this module,
and importing it does not import pandas.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xlsxtools import layout
from xlsxtools.errors import UserError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

HISTORY_SUFFIXES = (".sqlite", ".sqlite3", ".db")

_TITLES = {
    "units": {c.key: c.title for c in layout.CONS_SUMMARY_COLUMNS},
    "indicators": {c.key: c.title for c in layout.CONS_DETAIL_COLUMNS},
    "findings": {c.key: c.title for c in layout.CONS_FINDINGS_COLUMNS},
}


def _pandas() -> Any:
    try:
        import pandas
    except ImportError as exc:  # the extra is not installed
        raise UserError("xlsxtools.frames 需要 pandas：请运行 pip install \"xlsxtools[pandas]\"") from exc
    return pandas


def _is_history(p: Path) -> bool:
    return p.is_file() and p.suffix.lower() in HISTORY_SUFFIXES


def _summary(source: str | os.PathLike[str], config: Any = None) -> Any:  # -> SummaryData
    from xlsxtools.report.source import read_summary

    p = Path(source)
    if p.is_dir():
        from xlsxtools.consolidate.runner import consolidate

        with tempfile.TemporaryDirectory(prefix="xlsxtools-frames-") as tmp:
            out = Path(tmp) / "汇总.xlsx"
            consolidate([p], out, config=config)
            return read_summary(out)
    if not p.exists():
        raise UserError("文件或文件夹不存在", file=str(p))
    return read_summary(p)


def _frame(rows: list[dict[str, Any]], kind: str, chinese: bool) -> pd.DataFrame:
    pd = _pandas()
    titles = _TITLES[kind]
    columns = list(titles)
    for r in rows:
        columns += [k for k in r if k not in columns]
    df = pd.DataFrame(rows, columns=columns)
    return df.rename(columns=titles) if chinese else df


def _query(db: Path, sql: str) -> pd.DataFrame:
    pd = _pandas()
    if not db.is_file():
        raise UserError("历史库不存在", file=str(db))
    try:
        with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as con:
            return pd.read_sql_query(sql, con)
    except (sqlite3.DatabaseError, pd.errors.DatabaseError) as exc:
        raise UserError(f"不是 xlsxtools 的历史库（consolidate --history 生成的 SQLite 文件）：{exc}",
                        file=str(db)) from exc


def units(source: str | os.PathLike[str], *, chinese: bool = False, config: Any = None) -> pd.DataFrame:
    """One row per unit (汇总 without its 合计 row); from a history database, every period's units."""
    p = Path(source)
    if _is_history(p):
        return history(p)
    return _frame(_summary(p, config).units, "units", chinese)


def indicators(source: str | os.PathLike[str], *, chinese: bool = False, config: Any = None) -> pd.DataFrame:
    """One row per indicator of each unit (指标明细); from a history database, with its period."""
    p = Path(source)
    if _is_history(p):
        return _query(p, "SELECT u.unit_name AS unit, i.* FROM indicators i "
                         "JOIN units u USING (period, unit_key) ORDER BY i.period, u.unit_name, i.seq")
    return _frame(_summary(p, config).indicators, "indicators", chinese)


def findings(source: str | os.PathLike[str], *, chinese: bool = False, config: Any = None) -> pd.DataFrame:
    """One row per finding (问题清单). A history database does not keep findings."""
    p = Path(source)
    if _is_history(p):
        raise UserError("历史库不保存问题清单：请给出汇总文件或单位工作簿所在的文件夹", file=str(p))
    return _frame(_summary(p, config).findings, "findings", chinese)


def history(db: str | os.PathLike[str]) -> pd.DataFrame:
    """Every recorded period's units (``xlsxtools consolidate --history``), oldest period first."""
    p = Path(db)
    df = _query(p, "SELECT u.*, r.run_at FROM units u JOIN runs r USING (period) ORDER BY u.period, u.rank IS NULL, "
                   "u.rank, u.unit_name")
    if "complete" in df:
        df["complete"] = df["complete"].astype("boolean")
    return df
