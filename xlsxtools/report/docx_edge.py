"""Write a :class:`~xlsxtools.report.content.Report` as a Word document (python-docx).

A4 portrait, 宋体/黑体 (any CJK font as the reader's fallback; on Linux ``fonts-noto-cjk``), headings,
tables with borders and a shaded header row, and native Word charts (DrawingML chart parts with their
values cached, written by XlsxWriter's chart writer): they stay editable in Word and need no image
library. matplotlib is deliberately not used: xlwings imports it (and numpy) at start-up whenever it is
installed, which would slow every button click. The file is written atomically.
"""

from __future__ import annotations

import io
import math
import zipfile
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from xlsxtools import layout
from xlsxtools.atomic import atomic_path
from xlsxtools.report.content import Chart, Report, Section, Table

BODY_FONT = layout.FONT_BODY  # 宋体
HEADING_FONT = layout.FONT_TITLE  # 黑体
#: Text width of an A4 page with 2.5 cm margins, in cm.
TEXT_WIDTH_CM = 16.0
EMU_PER_CM = 360_000
CHART_CT = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
CHART_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/chart"


def chart_xml(chart: Chart) -> bytes:
    """``chart`` as DrawingML chart XML (``c:chartSpace``), written by XlsxWriter's chart writer with
    the values cached in it, so Word and LibreOffice draw it without an embedded workbook."""
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False})
    ws = wb.add_worksheet("data")
    n = len(chart.labels)
    for i, (label, value) in enumerate(zip(chart.labels, chart.values, strict=True)):
        ws.write_string(i, 0, label)
        ws.write_number(i, 1, value)
    font = {"name": BODY_FONT, "size": 9}
    c = wb.add_chart({"type": chart.kind})
    number = "0" if chart.label_format == "{:.0f}" else "0.00"
    c.add_series({"name": chart.axis or chart.title, "categories": ["data", 0, 0, max(n - 1, 0), 0],
                  "values": ["data", 0, 1, max(n - 1, 0), 1], "fill": {"color": "#4472C4"}, "gap": 80,
                  "data_labels": {"value": True, "num_format": number, "font": font}})
    c.set_title({"name": chart.title, "name_font": {"name": HEADING_FONT, "size": 12, "bold": True}})
    c.set_legend({"none": True})
    value_axis = {"num_font": font, "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}},
                  "name": chart.axis, "name_font": font}
    if chart.label_format == "{:.0f}":  # counts: whole-number steps
        value_axis["major_unit"] = max(1, math.ceil(max(chart.values, default=1) / 5))
    if chart.max is not None:
        value_axis.update(min=0, max=chart.max)
    else:
        value_axis.update(min=0)
    if chart.kind == "bar":  # horizontal: categories on the y axis, the first on top
        c.set_x_axis(value_axis)
        c.set_y_axis({"num_font": font, "reverse": True})
    else:
        c.set_y_axis(value_axis)
        c.set_x_axis({"num_font": font})
    ws.insert_chart(0, 3, c)
    wb.close()
    with zipfile.ZipFile(buf) as z:
        xml = z.read("xl/charts/chart1.xml")
    # XlsxWriter writes only the data label parts that are on; LibreOffice Writer takes the absent
    # ones as on (category and series name beside every value), so say "off" explicitly.
    return xml.replace(b'<c:showVal val="1"/>', b'<c:showLegendKey val="0"/><c:showVal val="1"/><c:showCatName val="0"/>'
                                                b'<c:showSerName val="0"/><c:showPercent val="0"/><c:showBubbleSize val="0"/>')


def chart_height_cm(chart: Chart) -> float:
    return 7.0 if chart.kind != "bar" else max(6.0, 0.7 * len(chart.labels) + 3.0)


def _add_chart(doc: Any, chart: Chart, number: int) -> None:
    """Insert ``chart`` as a native chart part in its own centred paragraph."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from docx.oxml import parse_xml

    part = Part(PackURI(f"/word/charts/chart{number}.xml"), CHART_CT, chart_xml(chart), doc.part.package)
    rid = doc.part.relate_to(part, CHART_RT)
    cx, cy = int(TEXT_WIDTH_CM * EMU_PER_CM), int(chart_height_cm(chart) * EMU_PER_CM)
    inline = parse_xml(
        '<w:drawing xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
        'xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="{cx}" cy="{cy}"/>'
        f'<wp:docPr id="{1000 + number}" name="图表 {number}" descr="{escape(chart.title, {chr(34): "&quot;"})}"/>'
        '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/chart">'
        f'<c:chart r:id="{rid}"/></a:graphicData></a:graphic></wp:inline></w:drawing>')
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run()._r.append(inline)


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
    table._tbl.tblPr.style = "TableGrid"  # the style id directly: a lookup by name scans styles.xml each time
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


def _section(doc: Any, s: Section, charts: list[int]) -> None:
    doc.add_heading(s.title, level=1)
    for b in s.blocks:
        if isinstance(b, str):
            doc.add_paragraph(b)
        elif isinstance(b, Table):
            _table(doc, b)
        elif isinstance(b, Chart):
            charts.append(len(charts) + 1)
            _add_chart(doc, b, charts[-1])


def write_docx(report: Report, out: str | Path) -> Path:
    """Write ``report`` to ``out`` (.docx) atomically; returns the path."""
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.shared import Cm

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

    charts: list[int] = []
    title = doc.add_heading(report.title, level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    sub = doc.add_paragraph(report.subtitle)
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for s in report.sections:
        _section(doc, s, charts)
    if report.units:
        doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        doc.add_heading("附件：各单位绩效自评报告（初稿）", level=1)
        _unit_drafts(doc, report)
    with atomic_path(out) as tmp:
        doc.save(str(tmp))
    return out


def _unit_drafts(doc: Any, report: Report) -> None:
    """One page per unit: heading, facts table, 评价结论 / 存在问题 / 改进措施.

    Written straight into the body before its section properties, and every facts table after the
    first is a copy of the first with its texts replaced: python-docx's own ``add_paragraph`` and
    ``add_table`` look up styles and scan the body on every call, which makes hundreds of units slow.
    """
    import copy

    from docx.enum.text import WD_BREAK
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt
    from docx.text.paragraph import Paragraph

    body = doc.element.body
    end = body.sectPr

    def para(style_id: str | None = None) -> Any:
        p = OxmlElement("w:p")
        end.addprevious(p)
        if style_id:
            p.get_or_add_pPr().style = style_id
        return Paragraph(p, doc._body)

    proto: Any = None
    for i, u in enumerate(report.units):
        if i:
            para().add_run().add_break(WD_BREAK.PAGE)
        para("Heading2").add_run(f"{u.unit}绩效自评报告")
        if proto is None:
            _table(doc, u.facts)
            proto = doc.tables[-1]._tbl
        else:
            tbl = copy.deepcopy(proto)
            end.addprevious(tbl)
            for tr, row in zip(tbl.findall(qn("w:tr"))[1:], u.facts.rows, strict=False):
                for tc, value in zip(tr.findall(qn("w:tc")), row, strict=False):
                    texts = list(tc.iter(qn("w:t")))
                    if texts:
                        texts[0].text = value
                        for extra in texts[1:]:
                            extra.text = ""
                    elif value:  # an empty cell in the first table: give this one a run
                        Paragraph(tc.find(qn("w:p")), doc._body).add_run(value).font.size = Pt(9)
            para()
        for label, text in (("评价结论", u.conclusion), ("存在问题", u.problems), ("改进措施", u.measures)):
            p = para()
            p.add_run(f"{label}：").bold = True
            p.add_run(text)
            p.paragraph_format.space_after = Pt(6)


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
