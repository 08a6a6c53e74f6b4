"""The analysis report: 部门整体支出绩效自评汇总分析 and a 绩效自评报告 draft per unit.

- :mod:`source` (edge): reads a summary workbook (python-calamine) into plain rows;
- :mod:`content` (pure core): plain rows → a structured :class:`~xlsxtools.report.content.Report`;
- :mod:`docx_edge` (edge): the report as a Word document (python-docx, native Word charts).

Nothing here is imported by the buttons until the report button runs.
"""
