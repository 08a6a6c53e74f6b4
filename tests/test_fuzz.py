"""A deterministic slice of the fuzz corpus (tests/fuzz): every class, a few files each, through
import, check, score, actuals, dropdowns, monitor and upgrade (each run the real command-line entry in a forked
child with the memory limit and a deadline), then one consolidation of the whole slice next to
valid units. The full corpus runs with ``python benchmarks/fuzz.py``."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fuzz import corpus, harness
from fuzz.run import build, run_commands, run_consolidation, valid_units

PER_CLASS = int(os.environ.get("XLSXTOOLS_FUZZ_PER_CLASS", "10"))
HEAVY = {"zip_bomb": 2, "zip_lying_directory": 2, "shared_strings": 4}


@pytest.fixture(scope="module")
def slice_(tmp_path_factory):
    root = tmp_path_factory.mktemp("fuzz")
    light = [c for c in corpus.CLASSES if c not in HEAVY]
    cases, bases = build(root / "corpus", PER_CLASS, seed=1, classes=light)
    for cls, n in HEAVY.items():  # a couple of each costly class (hundreds of MB to inflate)
        cases += corpus.generate(root / "corpus", n, seed=1, classes=[cls], bases=bases, special=False)
    return root, cases, bases


def test_slice_covers_every_class(slice_):
    _, cases, _ = slice_
    assert {c.cls for c in cases} >= set(corpus.CLASSES) | {"special_fifo", "special_symlink_loop"}
    assert len(cases) >= 250


def test_every_command_survives_every_file(slice_):
    root, cases, bases = slice_
    runs = run_commands(cases, bases, root / "work", timeout=60)
    bad = [f"{r.command} {r.cls} {r.path.name}: {r.outcome} ({r.detail})" for r in runs if r.outcome != "ok"]
    print(harness.table(runs))
    assert len(runs) == len(cases) * len(harness.COMMANDS)
    assert bad == []


def test_consolidation_of_the_slice_names_every_file(slice_):
    root, _cases, bases = slice_
    valid = valid_units(bases, root / "valid", 5)
    res = run_consolidation(root / "corpus", valid, root / "summary" / "汇总.xlsx", timeout=600)
    assert res.code == 0
    assert res.valid_scored == 5
    assert res.unnamed == [] and res.bad_named == res.bad_files > 100
