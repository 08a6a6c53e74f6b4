"""Workbook edges: build, read and edit unit workbooks (openpyxl / python-calamine).

Submodules are imported on demand; this package imports nothing heavy itself.
"""
