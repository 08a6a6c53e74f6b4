"""Importer on markdown, .docx and .xlsx versions of the samples, and on broken inputs.

The .docx and .xlsx versions are generated here (python-docx, openpyxl) from the sample text,
cell for cell, with real merged cells where the sample shows merge blanks; the expectations are
the hand-written tables of test_importer.py (only the row numbers move).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from test_importer import SAMPLES, assert_table, codes_at

from xlsxtools.errors import UnreadableFile
from xlsxtools.importer import import_table, parse_rows
from xlsxtools.layout import col_letter

DATA = Path(__file__).resolve().parent / "data" / "import"


def sample_lines(name: str) -> list[str]:
    return (SAMPLES / f"{name}_2026.txt").read_text(encoding="utf-8").split("\n")


# ---------------------------------------------------------------- markdown


def test_markdown_version_of_zhengwu():
    t = import_table(DATA / "zhengwu_2026.md")
    # the md has the header block in the pipe table: source line = txt line - 2 from line 11 on
    assert_table(t, "zhengwu", line_map=lambda n: n - 2)
    u = t.unit
    assert (u.name, u.year, u.filled_by, u.phone, u.date) == (
        "芷江侗族自治县政务服务中心", "2026", "李某某", "13800000003", "2025年12月12日")
    assert (u.business_review, u.performance_review) == ("陈某", "周某某 2025.12.12")
    assert u.duties.startswith("贯彻落实党中央")
    assert any(f.code == "I004" and "指标类型" in f.message for f in t.findings)


# ---------------------------------------------------------------- docx


def make_zhengwu_docx(path: Path) -> Path:
    """zhengwu as a Word document: title paragraphs, one 10-column table (header block, grid,
    review row) with merged cells, footer paragraphs."""
    import docx

    lines = sample_lines("zhengwu")
    doc = docx.Document()
    for ln in lines[:9]:
        doc.add_paragraph(ln.strip())
    table_lines = lines[9:27]  # txt lines 10-27 → table rows 1-18
    table = doc.add_table(rows=len(table_lines), cols=10)
    for r, ln in enumerate(table_lines):
        for c, text in enumerate(ln.split("\t")[:10]):
            if text:
                table.cell(r, c).text = text
    for r in range(3):  # header block: value spans columns 2-10
        table.cell(r, 1).merge(table.cell(r, 9))
    table.cell(4, 1).merge(table.cell(8, 1))  # 产出指标 over txt lines 14-18
    table.cell(4, 2).merge(table.cell(8, 2))  # 数量指标 over txt lines 14-18
    table.cell(17, 2).merge(table.cell(17, 9))  # 绩效股审核 cell spans to the right
    for ln in lines[27:40]:
        doc.add_paragraph(ln)
    doc.save(path)
    return path


def test_docx_version_of_zhengwu_with_merged_cells(tmp_path):
    src = make_zhengwu_docx(tmp_path / "zhengwu.docx")
    t = import_table(src)
    assert_table(t, "zhengwu", line_map=lambda n: n - 9)  # table row = txt line - 9
    u = t.unit
    assert (u.name, u.year, u.filled_by, u.phone, u.date, u.head) == (
        "芷江侗族自治县政务服务中心", "2026", "李某某", "13800000003", "2025年12月12日", "")
    assert (u.business_review, u.performance_review) == ("陈某", "周某某 2025.12.12")
    # merged continuation cells are treated as the merge (filled down and reported), not as text
    assert codes_at(t, "I001") == [6, 7, 8, 9, 10, 11, 12, 15]
    assert all("表格1第" in f.message for f in t.findings if f.code in ("I001", "I002"))


def test_docx_cell_paragraphs_join_without_spaces_between_chinese(tmp_path):
    import docx

    doc = docx.Document()
    table = doc.add_table(rows=2, cols=9)
    for c, title in enumerate(["一级指标", "二级指标", "三级指标", "指标值类型", "指标值", "计量单位", "指标解释",
                               "评（扣）分标准", "备注"]):
        table.cell(0, c).text = title
    for c, text in enumerate(["产出指标", "数量指标", "办理\n文件", "≥", "450", "件", "Step 1\nStep 2",
                              "达到计划值得满分2分，\n否则按实际值/计划值*指标分值计分", ""]):
        table.cell(1, c).text = text
    doc.save(tmp_path / "t.docx")
    (ind,) = import_table(tmp_path / "t.docx").indicators
    assert ind.name == "办理文件" and ind.explanation == "Step 1 Step 2"
    assert ind.rule_text == "达到计划值得满分2分，否则按实际值/计划值*指标分值计分"


# ---------------------------------------------------------------- xlsx


ROW_OFFSET, COL_OFFSET = 1, 1  # the table starts at B2: txt line n → sheet row n+1, cell i → column i+2


def make_dashuling_xlsx(path: Path) -> Path:
    import openpyxl

    from xlsxtools.normalize import parse_number

    wb = openpyxl.Workbook()
    notes = wb.active
    notes.title = "说明"
    notes["A1"] = "本工作簿的第二张表是绩效目标表"
    ws = wb.create_sheet("目标表（旧）")
    for n, ln in enumerate(sample_lines("dashuling"), start=1):
        for i, text in enumerate(ln.split("\t")):
            if not text:
                continue
            cell = ws.cell(row=n + ROW_OFFSET, column=i + 1 + COL_OFFSET)
            num = parse_number(text) if i >= 3 else None
            if num is not None and text.strip() not in ("=",):
                cell.value = float(num) if "." in text else int(num)
            else:
                cell.value = text
                cell.data_type = "s"  # "=" stays text
    ws.merge_cells("B14:B16")  # 成本指标 (20分) over lines 13-15
    ws.merge_cells("C17:C23")  # 数量指标 over lines 16-22
    wb.create_sheet("空白")
    wb.save(path)
    return path


def test_xlsx_version_of_dashuling(tmp_path):
    src = make_dashuling_xlsx(tmp_path / "dashuling.xlsx")
    before = src.read_bytes()
    t = import_table(src)
    assert_table(t, "dashuling", line_map=lambda n: n + ROW_OFFSET)
    assert src.read_bytes() == before
    u = t.unit
    assert (u.name, u.year, u.filled_by, u.phone, u.date, u.head) == (
        "芷江侗族自治县大树岭乡人民政府", "2026", "孙某某", "13800000002", "2025.12.15", "钱某某")
    first = t.indicators[0]
    assert first.origin.sheet == "目标表（旧）" and first.origin.row == 14
    # origins use the source's own column letters, also for a shifted row
    assert first.origin.cell("level1") == "B" + "14" and first.origin.cell("rule_text") == "I14"
    shifted = next(i for i in t.indicators if i.name == "医保收缴率")  # txt line 26: name in the level-1 column
    assert (shifted.origin.cell("name"), shifted.origin.cell("type"), shifted.origin.cell("target")) == (
        "B27", "D27", "E27")
    i002 = next(f for f in t.findings if f.code == "I002" and f.row == 27)
    assert i002.sheet == "目标表（旧）" and "工作表「目标表（旧）」第27行" in i002.message
    assert t.declared_subtotals == {"成本指标": 20, "产出指标": 30}


def test_parse_rows_from_a_paste_area():
    values = [
        ["一级指标", "二级指标", "三级指标", "指标值类型", "指标值", "计量单位", "指标解释", "评（扣）分标准", "备注"],
        ["产出指标", "数量指标", "办理文件", ">=", 450.0, "件", "数", "达到计划值得满分2分，否则按实际值/计划值*指标分值计分", None],
        [None, None, "承办会议", "≥", 200, "次", "数", "达到计划值得满分2分，否则按实际值/计划值*指标分值计分", None],
    ]
    t = parse_rows(values, "unit.xlsm", sheet="导入", first_row=4, first_col=1)
    a, b = t.indicators
    assert (a.type, a.target, b.level1, b.level2, b.target) == ("≥", "450", "产出指标", "数量指标", "200")
    assert b.origin.row == 6 and b.origin.cell("name") == "C6"
    fill = next(f for f in t.findings if f.code == "I001")
    assert (fill.sheet, fill.row, fill.cell) == ("导入", 6, "A6")


# ---------------------------------------------------------------- broken inputs


def _raises(path: Path, *words: str) -> UnreadableFile:
    with pytest.raises(UnreadableFile) as exc:
        import_table(path)
    text = str(exc.value)
    assert str(path) in text
    for w in words:
        assert w in text
    return exc.value


def test_missing_file(tmp_path):
    _raises(tmp_path / "nope.txt", "不存在")


def test_empty_files(tmp_path):
    for name in ("empty.txt", "empty.xlsx", "empty.docx", "empty.md"):
        (tmp_path / name).write_bytes(b"")
        _raises(tmp_path / name, "空")


def test_binary_garbage_named_xlsx(tmp_path):
    p = tmp_path / "garbage.xlsx"
    p.write_bytes(bytes(range(256)) * 8)
    _raises(p)


def test_zip_that_is_not_a_workbook(tmp_path):
    p = tmp_path / "fake.xlsx"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("hello.txt", "not a workbook")
    _raises(p, "无法打开工作簿")


def test_encrypted_looking_xlsx(tmp_path):
    # an encrypted .xlsx is an OLE compound file (EncryptionInfo + EncryptedPackage streams)
    p = tmp_path / "locked.xlsx"
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + b"EncryptedPackage" * 64)
    _raises(p, "密码")


def test_binary_text_file(tmp_path):
    p = tmp_path / "binary.txt"
    p.write_bytes(b"\x00\x01\x02abc\x00")
    _raises(p, "文本")


def test_docx_without_tables(tmp_path):
    import docx

    doc = docx.Document()
    doc.add_paragraph("部门（单位）整体支出绩效目标表")
    doc.add_paragraph("这里只有文字，没有表格")
    doc.save(tmp_path / "no_table.docx")
    _raises(tmp_path / "no_table.docx", "没有表格")


def test_garbage_docx(tmp_path):
    p = tmp_path / "bad.docx"
    p.write_bytes(b"this is not a word document at all")
    _raises(p, "Word")


def test_workbook_without_a_grid_names_its_sheets(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "Sheet1"
    wb.active["A1"] = "随便一些文字"
    wb.save(tmp_path / "nogrid.xlsx")
    _raises(tmp_path / "nogrid.xlsx", "Sheet1", "没有找到指标表格")


def test_text_without_a_grid(tmp_path):
    p = tmp_path / "notes.txt"
    p.write_text("部门（单位）名称\t某单位\n只有说明文字。\n", encoding="utf-8")
    _raises(p, "没有找到指标")


def test_unsupported_extension(tmp_path):
    p = tmp_path / "table.pptx"  # .pdf is read since issue 11 (ruled tables through pdfplumber)
    p.write_bytes(b"PK")
    _raises(p, "不支持", ".pptx")


def test_broken_pdf_names_the_file(tmp_path):
    p = tmp_path / "table.pdf"
    p.write_bytes(b"%PDF-1.4")
    _raises(p, "无法打开 PDF")


def test_letters_helper_matches_layout():
    assert col_letter(2 + COL_OFFSET) == "C"
