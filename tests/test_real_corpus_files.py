"""The corpus of real published tables under tests/data/real/ is well-formed.

This checks the corpus itself (folders, expected.json schema, source files, no personal phone numbers),
not any reader: it must keep passing whatever xlsxtools does with the tables.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

CORPUS = Path(__file__).parent / "data" / "real"
SOURCE_EXTS = {".tsv", ".html", ".docx", ".xlsx", ".pdf"}
KINDS = {"dept_target", "project_target", "dept_self_eval", "project_self_eval", "monitoring"}
FRAMEWORKS = {"2021", "2015", "2013"}
RULE_KINDS = {
    "RATIO", "PERCENT", "OVERRUN", "SAVING", "DELAY", "GRADE", "BANDS", "THRESHOLD", "LEVEL", "DIRECT",
    "UNSCORABLE",
}
DIRECTIONS = {"正向", "反向", "中性"}
LEVEL1 = {"成本指标", "产出指标", "效益指标", "满意度指标", "投入指标", "过程指标", "效果指标"}
LEVEL2 = {
    "经济成本指标", "社会成本指标", "生态环境成本指标", "成本指标",
    "数量指标", "质量指标", "时效指标",
    "经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标",
    "服务对象满意度指标",
}
# level 2 of the 2013 framework (财预〔2013〕53号: 投入/过程/产出/效果); a two-level form of it has none (null)
LEVEL2_2013 = {"目标设定", "预算配置", "项目立项", "资金落实", "预算执行", "预算管理", "资产管理", "业务管理", "财务管理",
               "职责履行", "项目产出", "履职效益", "项目效益"}
TOP_KEYS = {"id", "province", "year", "kind", "framework", "source", "url", "tables"}
TABLE_KEYS = {"unit", "project", "points_total", "indicators", "not_indicators", "defects", "budget"}
INDICATOR_KEYS = {"level1", "level2", "name", "points", "rule_kind", "target", "actual", "score", "direction"}
BUDGET_KEYS = {"initial", "full_year", "executed", "points", "score"}
# an 11-digit mainland mobile number not glued to other digits; the only allowed ones are the placeholders
MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
PLACEHOLDER = re.compile(r"1380000000\d")


def _folders() -> list[Path]:
    return sorted(p for p in CORPUS.iterdir() if p.is_dir())


def _expected(folder: Path) -> dict:
    return json.loads((folder / "expected.json").read_text(encoding="utf-8"))


def _sources(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.name.startswith("source.") and p.suffix in SOURCE_EXTS)


def _text_of(path: Path, tag_gap: str = "") -> str:
    """All text of a source file, read without xlsxtools (zip XML for docx/xlsx, pdftotext for pdf).

    ``tag_gap`` replaces XML tags: "" joins the rich-text runs of one cell, " " keeps cells apart.
    """
    if path.suffix in {".tsv", ".html"}:
        return path.read_text(encoding="utf-8")
    if path.suffix in {".docx", ".xlsx"}:
        with zipfile.ZipFile(path) as z:
            xml = "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml"))
        # runs of rich text split a cell's text (LibreOffice splits Latin and CJK runs): drop the tags;
        # character references (&#24180;) count as the text they stand for
        return html.unescape(re.sub(r"<[^>]+>", tag_gap, xml))
    if shutil.which("pdftotext") is None:  # pragma: no cover - poppler-utils is on the CI image
        pytest.skip("pdftotext is not installed")
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True).stdout


FOLDERS = _folders()


def test_corpus_size_and_spread():
    docs = [_expected(f) for f in FOLDERS]
    tables = sum(len(d["tables"]) for d in docs)
    assert tables >= 20, tables
    assert len({d["province"] for d in docs}) >= 5
    assert len({d["kind"] for d in docs}) >= 3
    ids = [d["id"] for d in docs]
    assert len(ids) == len(set(ids)), "duplicate ids"


@pytest.mark.parametrize("folder", FOLDERS, ids=[f.name for f in FOLDERS])
def test_folder_has_expected_and_source(folder: Path):
    assert [p.name for p in folder.glob("expected*.json")] == ["expected.json"]
    sources = _sources(folder)
    assert sources, f"{folder.name}: no source.<tsv|html|docx|xlsx|pdf>"
    for src in sources:
        assert src.stat().st_size > 0, src
    if any(s.suffix == ".pdf" for s in sources):
        # a PDF is printed from a docx/xlsx kept beside it (same expected.json)
        assert any(s.suffix in {".docx", ".xlsx"} for s in sources), folder.name


@pytest.mark.parametrize("folder", FOLDERS, ids=[f.name for f in FOLDERS])
def test_expected_json_schema(folder: Path):
    doc = _expected(folder)
    assert TOP_KEYS <= doc.keys(), TOP_KEYS - doc.keys()
    assert doc["id"] == folder.name
    assert re.fullmatch(r"[a-z0-9-]+", doc["id"])
    assert doc["kind"] in KINDS
    assert doc["framework"] in FRAMEWORKS
    assert re.fullmatch(r"20(1[5-9]|2[0-5])", doc["year"]), doc["year"]
    assert doc["tables"], "no tables"
    for table in doc["tables"]:
        assert TABLE_KEYS <= table.keys(), TABLE_KEYS - table.keys()
        assert table["indicators"], "a table without indicators"
        assert BUDGET_KEYS == set(table["budget"].keys())
        assert isinstance(table["not_indicators"], list)
        for ind in table["indicators"]:
            assert set(ind.keys()) == INDICATOR_KEYS, ind
            assert ind["level1"] in LEVEL1, ind
            if doc["framework"] == "2013":
                assert ind["level2"] is None or ind["level2"] in LEVEL2 | LEVEL2_2013, ind
            else:
                assert ind["level2"] in LEVEL2, ind
            # an empty name is allowed only where the table really has none, and then it is a listed defect
            assert isinstance(ind["name"], str) and ind["name"].strip() == ind["name"]
            if not ind["name"]:
                assert any(d["name"] == "" for d in table["defects"]), ind
            assert ind["points"] is None or isinstance(ind["points"], int | float)
            assert ind["rule_kind"] is None or ind["rule_kind"] in RULE_KINDS
            assert ind["direction"] is None or ind["direction"] in DIRECTIONS
            for key in ("target", "actual", "score"):
                assert ind[key] is None or isinstance(ind[key], str), (key, ind)
            if doc["kind"] in {"project_target", "dept_target"}:
                assert ind["actual"] is None and ind["score"] is None, ind
        for defect in table["defects"]:
            assert {"name", "what"} <= defect.keys() and defect["what"]


@pytest.mark.parametrize("folder", FOLDERS, ids=[f.name for f in FOLDERS])
def test_indicator_names_appear_in_source(folder: Path):
    """Every expected indicator name is really in the source (catches typos in the hand-written file)."""
    texts = [_text_of(src) for src in _sources(folder) if src.suffix != ".pdf"]
    doc = _expected(folder)
    for table in doc["tables"]:
        for ind in table["indicators"]:
            if ind["name"]:
                assert all(ind["name"] in html.unescape(t) for t in texts), (folder.name, ind["name"])


@pytest.mark.parametrize("folder", FOLDERS, ids=[f.name for f in FOLDERS])
def test_no_real_mobile_numbers(folder: Path):
    for src in _sources(folder):
        found = [m for m in MOBILE.findall(_text_of(src, " ")) if not PLACEHOLDER.fullmatch(m)]
        assert not found, f"{src}: personal phone numbers {found}"
