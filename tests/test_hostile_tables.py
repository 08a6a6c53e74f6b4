"""Hostile web-page and PDF tables through the command line: a clear message and exit 2, never an
abort, a hang or a memory blow-up (the full set of classes is in tests/fuzz)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REAL = Path(__file__).resolve().parent / "data" / "real"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "xlsxtools", *args], capture_output=True, text=True, timeout=120)


def test_a_span_bomb_in_a_web_page_is_refused_by_name(tmp_path: Path):
    # every cell spans 500 × 500: millions of grid positions from a few kilobytes
    page = tmp_path / "炸弹.html"
    page.write_text("<table>" + "<tr>" + '<td rowspan="500" colspan="500">x</td>' * 10 + "</tr>" * 20 + "</table>",
                    encoding="utf-8")
    r = run("import", str(page))
    assert r.returncode == 2, r.stderr
    assert str(page) in r.stderr and "合并单元格覆盖的格子过多" in r.stderr and "Traceback" not in r.stderr


def test_a_real_page_with_spans_still_reads(tmp_path: Path):
    r = run("import", str(REAL / "hb-2022-proj-target-01" / "source.html"), "--json")
    assert r.returncode in (0, 1), r.stderr


def test_a_truncated_pdf_and_a_text_file_named_pdf(tmp_path: Path):
    cut = tmp_path / "半个.pdf"
    data = (REAL / "sc-2022-proj-self-01" / "source.pdf").read_bytes()
    cut.write_bytes(data[: len(data) // 3])
    text = tmp_path / "文本.pdf"
    text.write_text("一级指标\t二级指标\n", encoding="utf-8")
    for p in (cut, text):
        r = run("check", str(p))
        assert r.returncode == 2, (p, r.stderr)
        # check lists an unreadable file as its W004 finding, under the file's name
        assert str(p) in r.stdout and "W004" in r.stdout and "无法打开 PDF" in r.stdout
        assert "Traceback" not in r.stdout + r.stderr


def test_a_pdf_whose_page_stream_is_damaged(tmp_path: Path):
    """The file opens, its page does not (an unknown stream filter): a message naming the page."""
    data = (REAL / "sc-2022-proj-self-01" / "source.pdf").read_bytes()
    assert b"/FlateDecode" in data
    bad = tmp_path / "坏页.pdf"
    bad.write_bytes(data.replace(b"/FlateDecode", b"/FlateDecoXe"))
    r = run("import", str(bad))
    assert r.returncode == 2, r.stderr
    assert str(bad) in r.stderr and "第 1 页已损坏" in r.stderr and "Traceback" not in r.stderr


def test_report_of_a_summary_with_a_far_cell_is_refused_not_aborted(tmp_path: Path):
    """python-calamine would allocate the whole sheet for a cell at XFD1048576 and abort the process:
    `report` checks the summary's extents first (a legitimate summary may reach Excel's last row)."""
    import zipfile

    from test_consolidate import write_samples

    from xlsxtools.config import Config
    from xlsxtools.consolidate.runner import consolidate

    write_samples(tmp_path / "units")
    good = tmp_path / "汇总.xlsx"
    consolidate([tmp_path / "units"], good, jobs=1, config=Config())
    far = tmp_path / "远.xlsx"
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(far, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/worksheets/sheet3.xml":
                data = data.replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>')
            zout.writestr(info, data)
    r = run("report", str(far), "-o", str(tmp_path / "r.docx"))
    assert r.returncode == 2, r.stderr
    assert str(far) in r.stderr and "XFD1048576" in r.stderr and not (tmp_path / "r.docx").exists()
    assert run("report", str(good), "-o", str(tmp_path / "ok.docx")).returncode == 0
