"""History: two periods recorded, the 环比 sheet shows the change; a re-run replaces its period."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from test_consolidate import sample_actuals, sample_table, sample_units, table_rows, write_unit

from xlsxtools import layout
from xlsxtools.config import Config
from xlsxtools.consolidate.history import MIGRATIONS, History, check_period
from xlsxtools.consolidate.runner import consolidate
from xlsxtools.errors import UserError

ZW = "芷江侗族自治县政务服务中心"
ZFB = "芷江侗族自治县人民政府办公室"
DSL = "芷江侗族自治县大树岭乡人民政府"


def _write(folder: Path, stems: list[str], zw_overrides: dict | None = None) -> Path:
    units = {Path(u["source"]).stem: u for u in sample_units()}
    for stem in stems:
        u = units[stem]
        acts = sample_actuals(u)
        if stem == "zhengwu_2026" and zw_overrides:
            acts.update(zw_overrides)
        write_unit(sample_table(u), acts, u["budget"], u["spent"], folder / f"{stem}.xlsx")
    return folder


def test_two_periods_and_rerun(tmp_path):
    db = tmp_path / "history.sqlite"
    may = _write(tmp_path / "2026-05", ["zhengwu_2026", "zhengfuban_2026", "dashuling_2026"])
    # June: 群众满意度 falls from 97 to 90 (BANDS: 10 → 8, so the total drops by 2.00 to 97.50);
    # 大树岭乡 does not submit.
    june = _write(tmp_path / "2026-06", ["zhengwu_2026", "zhengfuban_2026"], {"群众满意度": (90.0, "排队时间长")})

    rep = consolidate([may], tmp_path / "may.xlsx", history=db, period="2026-05", jobs=1, config=Config())
    assert rep.trend is not None and rep.trend.prev_period is None
    out = tmp_path / "june.xlsx"
    rep = consolidate([june], out, history=db, period="2026-06", jobs=1, config=Config())
    assert rep.trend.prev_period == "2026-05"

    _, rows = table_rows(out, layout.CONS_TREND_SHEET)
    by_unit = {r["单位名称"]: r for r in rows}
    assert by_unit[ZW]["情况"] == "下降"
    assert by_unit[ZW]["上期总分"] == pytest.approx(99.5) and by_unit[ZW]["本期总分"] == pytest.approx(97.5)
    assert by_unit[ZW]["变化"] == pytest.approx(-2.0)
    assert by_unit[DSL]["情况"] == "未再提交" and by_unit[DSL]["本期总分"] == ""
    assert by_unit[ZFB]["情况"] == "持平" and by_unit[ZFB]["变化"] == 0
    # What needs attention comes first.
    assert [r["情况"] for r in rows][:2] == ["未再提交", "下降"]

    # Re-running June (after a correction) replaces June, never duplicates it.
    _write(june, ["zhengwu_2026"], {"群众满意度": (96.0, "")})
    rep = consolidate([june], out, history=db, period="2026-06", jobs=1, config=Config())
    con = sqlite3.connect(db)
    assert [r[0] for r in con.execute("SELECT period FROM runs ORDER BY period")] == ["2026-05", "2026-06"]
    assert con.execute("SELECT count(*) FROM units WHERE period='2026-06'").fetchone()[0] == 2
    assert con.execute("SELECT count(*) FROM units WHERE period='2026-05'").fetchone()[0] == 3
    # 12 + 18 indicators in June (zhengwu_2026.txt and zhengfuban_2026.txt), once each.
    assert con.execute("SELECT count(*) FROM indicators WHERE period='2026-06'").fetchone()[0] == 30
    total, = con.execute("SELECT total FROM units WHERE period='2026-06' AND unit_name=?", (ZW,)).fetchone()
    assert total == pytest.approx(99.5)
    score, = con.execute("SELECT score FROM indicators WHERE period='2026-06' AND name='群众满意度'").fetchone()
    assert score == pytest.approx(10)
    assert con.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    con.close()
    _, rows = table_rows(out, layout.CONS_TREND_SHEET)
    assert {r["单位名称"]: r["情况"] for r in rows}[ZW] == "持平"


def test_failed_summary_leaves_history_untouched(tmp_path, monkeypatch):
    from xlsxtools.consolidate import summary

    db = tmp_path / "h.sqlite"
    folder = _write(tmp_path / "in", ["zhengwu_2026"])
    consolidate([folder], tmp_path / "a.xlsx", history=db, period="2026-05", jobs=1, config=Config())

    def boom(*a, **k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(summary, "_write_about_sheet", boom)
    with pytest.raises(RuntimeError):
        consolidate([folder], tmp_path / "b.xlsx", history=db, period="2026-06", jobs=1, config=Config())
    with History(db) as h:
        assert h.periods() == ["2026-05"]


def test_schema_migrates_from_older_version(tmp_path):
    db = tmp_path / "h.sqlite"
    sqlite3.connect(db).close()  # an empty database at user_version 0
    with History(db) as h:
        assert h.version == len(MIGRATIONS) and h.periods() == []
    con = sqlite3.connect(db)
    con.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    con.commit()
    con.close()
    with pytest.raises(UserError, match="请升级"):
        History(db)


def test_period_format():
    assert check_period("2026-06") == "2026-06"
    assert len(check_period(None)) == 7
    for bad in ("2026-6", "2026/06", "2026-13", "六月"):
        with pytest.raises(UserError):
            check_period(bad)
