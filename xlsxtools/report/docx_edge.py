"""Write a :class:`~xlsxtools.report.content.Report` as a Word document (python-docx).

A4 portrait, 宋体/黑体 (with Noto CJK or any CJK font as the reader's fallback), headings, tables
with borders and a shaded header row, charts drawn by matplotlib (Agg) as PNG images with a CJK
font found by path (:data:`CJK_FONTS`; on Debian the package ``fonts-noto-cjk``). Without any CJK
font the charts are left out and the report says so (their numbers are in the tables beside them).
The file is written atomically.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

from xlsxtools import layout
from xlsxtools.atomic import atomic_path
from xlsxtools.report.content import Chart, Report, Section, Table

#: CJK fonts tried for the charts, in order (Linux: fonts-noto-cjk; Windows; macOS).
CJK_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simhei.ttf",
    "C:/Windows/Fonts/simsun.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "/System/Library/Fonts/STHeiti Light.ttc",
    "/Library/Fonts/Arial Unicode.ttf",
)
BODY_FONT = layout.FONT_BODY  # 宋体
HEADING_FONT = layout.FONT_TITLE  # 黑体
#: Text width of an A4 page with 2.5 cm margins, in cm.
TEXT_WIDTH_CM = 16.0


def cjk_font() -> str | None:
    """The first CJK font file of :data:`CJK_FONTS` that exists (``XLSXTOOLS_CJK_FONT`` overrides)."""
    env = os.environ.get("XLSXTOOLS_CJK_FONT")
    for path in ((env,) if env else ()) + CJK_FONTS:
        if path and Path(path).is_file():
            return path
    return None


def chart_png(chart: Chart, font_path: str) -> bytes:
    """``chart`` drawn by matplotlib as a PNG (150 dpi)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager
    from matplotlib import pyplot as plt

    font_manager.fontManager.addfont(font_path)
    name = font_manager.FontProperties(fname=font_path).get_name()
    with plt.rc_context({"font.family": [name], "font.size": 10, "axes.unicode_minus": False}):
        n = len(chart.labels)
        if chart.kind == "bar":
            fig, ax = plt.subplots(figsize=(6.3, max(2.0, 0.35 * n + 1.0)))
            bars = ax.barh(range(n), chart.values, color="#4472C4")
            ax.set_yticks(range(n), chart.labels)
            ax.invert_yaxis()  # the first (rank 1) on top
            if chart.max is not None:
                ax.set_xlim(0, chart.max * 1.08)
            ax.set_xlabel(chart.axis)
            ax.bar_label(bars, labels=[chart.label_format.format(v) for v in chart.values], padding=3, fontsize=9)
            ax.grid(axis="x", alpha=0.3)
        else:
            fig, ax = plt.subplots(figsize=(6.3, 3.0))
            bars = ax.bar(range(n), chart.values, color="#4472C4", width=0.6)
            ax.set_xticks(range(n), chart.labels)
            ax.set_ylabel(chart.axis)
            top = max(chart.values, default=0.0)
            ax.set_ylim(0, chart.max if chart.max is not None else max(1.0, top * 1.2))
            ax.bar_label(bars, labels=[chart.label_format.format(v) for v in chart.values], padding=2, fontsize=9)
            ax.grid(axis="y", alpha=0.3)
            if all(float(v).is_integer() for v in chart.values):
                from matplotlib.ticker import MaxNLocator

                ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_title(chart.title, fontsize=12)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=150)
        plt.close(fig)
    return buf.getvalue()


def _set_fonts(style: Any, name: str, size: float | None = None, bold: bool | None = None) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    style.font.name = name
    if size is not None:
        style.font.size = Pt(size)
    if bold is not None:
        style.font.bold = bold
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    for attr in ("w:eastAsia", "w:ascii", "w:hAnsi"):
        fonts.set(qn(attr), name)


def _shade(cell: Any, colour: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), colour)
    cell._tc.get_or_add_tcPr().append(shd)


def _table(doc: Any, t: Table) -> None:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.shared import Cm, Pt

    table = doc.add_table(rows=1, cols=len(t.header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths = t.widths or [1.0] * len(t.header)
    scale = TEXT_WIDTH_CM / sum(widths)
    for i, title in enumerate(t.header):
        cell = table.rows[0].cells[i]
        cell.text = title
        _shade(cell, "D9E1F2")
        for run in cell.paragraphs[0].runs:
            run.font.bold = True
    for row in t.rows:
        cells = table.add_row().cells
        for i, v in enumerate(row):
            cells[i].text = v
    table.autofit = False
    for i, col in enumerate(table.columns):
        col.width = Cm(widths[i] * scale)  # the grid LibreOffice reads
    for row in table.rows:
        for i, cell in enumerate(row.cells):
            cell.width = Cm(widths[i] * scale)  # the cell widths Word reads
            for p in cell.paragraphs:
                p.paragraph_format.space_after = Pt(0)
                for run in p.runs:
                    run.font.size = Pt(9)
    doc.add_paragraph()


def _section(doc: Any, s: Section, font: str | None, level: int = 1) -> None:
    from docx.shared import Cm

    doc.add_heading(s.title, level=level)
    for b in s.blocks:
        if isinstance(b, str):
            doc.add_paragraph(b)
        elif isinstance(b, Table):
            _table(doc, b)
        elif isinstance(b, Chart):
            if font is None:
                doc.add_paragraph(f"（未找到中文字体，图“{b.title}”从略；数据见下表。Linux 请安装 fonts-noto-cjk。）")
                continue
            doc.add_picture(io.BytesIO(chart_png(b, font)), width=Cm(TEXT_WIDTH_CM))


def write_docx(report: Report, out: str | Path) -> Path:
    """Write ``report`` to ``out`` (.docx) atomically; returns the path."""
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.shared import Cm, Pt

    out = Path(out)
    doc = docx.Document()
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)
    sec.left_margin = sec.right_margin = Cm(2.5)
    sec.top_margin = sec.bottom_margin = Cm(2.5)
    _set_fonts(doc.styles["Normal"], BODY_FONT, 11)
    doc.styles["Normal"].paragraph_format.line_spacing = 1.25
    for name, size in (("Title", 18), ("Heading 1", 14), ("Heading 2", 13), ("Heading 3", 12)):
        _set_fonts(doc.styles[name], HEADING_FONT, size, True)
        doc.styles[name].font.color.rgb = None
    _set_fonts(doc.styles["Table Grid"], BODY_FONT, 9)
    footer = sec.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_number(footer)

    font = cjk_font()
    title = doc.add_heading(report.title, level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    sub = doc.add_paragraph(report.subtitle)
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for s in report.sections:
        _section(doc, s, font)
    if report.units:
        doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        doc.add_heading("附件：各单位绩效自评报告（初稿）", level=1)
        for i, u in enumerate(report.units):
            if i:
                doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            doc.add_heading(f"{u.unit}绩效自评报告", level=2)
            _table(doc, u.facts)
            for label, text in (("评价结论", u.conclusion), ("存在问题", u.problems), ("改进措施", u.measures)):
                p = doc.add_paragraph()
                run = p.add_run(f"{label}：")
                run.bold = True
                p.add_run(text)
                p.paragraph_format.space_after = Pt(6)
    with atomic_path(out) as tmp:
        doc.save(str(tmp))
    return out


def _page_number(paragraph: Any) -> None:
    """"第 N 页" with a PAGE field."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    paragraph.add_run("第 ")
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)
    paragraph.add_run(" 页")
