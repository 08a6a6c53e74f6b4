"""docs/checks.md is generated from the registry and must be current."""

from __future__ import annotations

from pathlib import Path

from xlsxtools.checks import REGISTRY
from xlsxtools.checks.docs import generate

DOC = Path(__file__).resolve().parent.parent / "docs" / "checks.md"


def test_committed_doc_is_current():
    assert DOC.read_text(encoding="utf-8") == generate(), \
        "docs/checks.md is stale: run `python -m xlsxtools.checks.docs > docs/checks.md`"


def test_doc_lists_every_check_and_code():
    text = generate()
    for check in REGISTRY:
        assert f"`{check.name}`" in text
        for code in check.codes:
            assert f"| {code} |" in text
