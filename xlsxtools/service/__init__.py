"""The intranet service (``xlsxtools serve``): pages for units and the finance bureau, and the
remote endpoint for the Excel buttons.

Only this package imports the web framework and SQLAlchemy; nothing on the button path imports it.
Every workbook operation runs the same core functions as the command line, in worker processes
with a timeout and a memory limit (:mod:`xlsxtools.service.jobs`).
"""
