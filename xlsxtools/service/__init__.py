"""The bureau's intranet service (issue 12). :mod:`xlsxtools.service.excel_remote` is the server
side of the Excel buttons of a ``--server`` template."""
