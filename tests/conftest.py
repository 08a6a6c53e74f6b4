"""Fixtures shared by the button tests (tests/test_excel*.py)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="module")
def unit_file(tmp_path_factory) -> Path:
    """The 政务服务中心 sample in a unit workbook."""
    from test_excel_support import sample_table

    from xlsxtools.workbook.template import write_unit_workbook

    return write_unit_workbook(sample_table(), tmp_path_factory.mktemp("unit") / "政务服务中心.xlsm")


@pytest.fixture(scope="module")
def blank_file(tmp_path_factory) -> Path:
    """An empty unit workbook (the template)."""
    from xlsxtools.workbook.template import write_unit_workbook

    return write_unit_workbook(None, tmp_path_factory.mktemp("blank") / "模板.xlsm")
