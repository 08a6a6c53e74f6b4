"""docs/rules.md is generated from the parser and the engine; the committed page must be current."""

from pathlib import Path

from xlsxtools.rules import RuleKind
from xlsxtools.rules.docs import generate

DOC = Path(__file__).resolve().parents[1] / "docs" / "rules.md"


def test_committed_rules_page_is_current():
    assert DOC.read_text(encoding="utf-8") == generate(), \
        "docs/rules.md is stale: run `python -m xlsxtools.rules.docs > docs/rules.md`"


def test_every_kind_has_a_worked_example():
    page = generate()
    for kind in RuleKind:
        assert f"| {kind.value} |" in page
    # an example scored by hand: 45 of 50 under a 2-point ratio rule
    assert "**1.80**: 实际值/计划值 = 45/50" in page
