"""User-facing errors: a clear message naming the file, sheet and cell."""

from __future__ import annotations


class UserError(Exception):
    """A problem with the user's input or request (not a bug): shown without a traceback.

    ``str()`` gives one line: "<file>，工作表「<sheet>」，单元格 <cell>：<message>".
    """

    exit_code = 2

    def __init__(self, message: str, *, file: str | None = None, sheet: str | None = None,
                 cell: str | None = None, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.sheet = sheet
        self.cell = cell
        self.hint = hint

    def location(self) -> str:
        parts = []
        if self.file:
            parts.append(str(self.file))
        if self.sheet:
            parts.append(f"工作表「{self.sheet}」")
        if self.cell:
            parts.append(f"单元格 {self.cell}")
        return "，".join(parts)

    def __str__(self) -> str:
        loc = self.location()
        text = f"{loc}：{self.message}" if loc else self.message
        if self.hint:
            text += f"（{self.hint}）"
        return text


class UnreadableFile(UserError):
    """The file cannot be opened or parsed (corrupt, encrypted, empty, wrong type)."""


class NotATemplateWorkbook(UserError):
    """A workbook that was not made from the xlsxtools template (or lacks its sheets/titles)."""


class LayoutVersionMismatch(UserError):
    """A template workbook from another layout version."""
