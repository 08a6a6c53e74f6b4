"""The corpus of real published tables (tests/data/real, issue 11) against the issue's thresholds.

The expectations are the hand-written expected.json of each table; ``benchmarks/corpus.py``
prints the same numbers per table.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "real"
sys.path.insert(0, str(ROOT / "benchmarks"))

pytestmark = pytest.mark.skipif(not any(CORPUS.glob("*/expected.json")), reason="no corpus tables")


@pytest.fixture(scope="module")
def results():
    import corpus

    return corpus.evaluate(CORPUS)


@pytest.fixture(scope="module")
def total(results):
    import corpus

    t = corpus.Counts()
    for _, c in results:
        t.add(c)
    return t


def test_every_table_is_read(total):
    assert total.failures == []
    assert total.tables_read == total.tables_expected


def test_indicators_found_with_levels_right(total):
    assert total.levels_right >= 0.95 * total.indicators, "\n".join(total.notes)


def test_stated_points_right(total):
    assert total.points_right >= 0.95 * total.points_stated, "\n".join(total.notes)


def test_no_row_wrongly_taken_as_indicator(total):
    assert total.wrong_rows == 0, "\n".join(n for n in total.notes if "多读" in n)


def test_every_error_is_a_real_defect(total):
    assert total.errors == total.real_errors, "\n".join(n for n in total.notes if "误报" in n)
