"""Consolidation: every unit workbook of one or more folders into one summary workbook.

    from xlsxtools.consolidate.runner import consolidate
    report = consolidate(["收件箱/2026"], "汇总.xlsx", roster="名册.txt", baseline="基线.json",
                         history="历史.sqlite", period="2026-06", jobs=None, config=None)

Modules (import the one you need; this package imports nothing heavy):

- ``records``: the plain records passed between workers, the core and the writer.
- ``core``: pure aggregation (one unit's result, duplicates, roster, ranking, tamper status).
- ``baseline``: digests of approved tables, the baseline file, the comparison.
- ``history``: the SQLite history and the 环比 comparison.
- ``runner``: finding files, parallel reading, spooling, the whole run.
- ``summary``: the XlsxWriter summary workbook.
"""
