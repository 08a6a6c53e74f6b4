"""The common currency of the importer: one source row as a list of cell strings plus its place."""

from __future__ import annotations

from dataclasses import dataclass, field

from xlsxtools.model import Origin


@dataclass
class SourceRow:
    """One row of a source table (a text line, a sheet row, a Word table row or paragraph).

    ``cells`` are cleaned strings (``normalize.clean``), in source order, blanks kept so that
    positions still mean something. ``row`` is the 1-based source line / sheet row / table row;
    ``where`` says the same in Chinese for messages ("第12行", "工作表「Sheet1」第12行").
    ``letters`` (workbooks only) gives the source's own column letter of each cell.
    """

    cells: list[str]
    row: int
    where: str
    file: str | None = None
    sheet: str | None = None
    letters: list[str] | None = field(default=None, repr=False)

    @property
    def is_blank(self) -> bool:
        return not any(self.cells)

    @property
    def nonempty(self) -> list[str]:
        return [c for c in self.cells if c]

    def letter(self, index: int | None) -> str | None:
        if index is None or self.letters is None or not 0 <= index < len(self.letters):
            return None
        return self.letters[index]

    def origin(self, columns: dict[str, int] | None = None) -> Origin:
        """Origin of this row; ``columns`` maps field keys to cell indexes (turned into letters)."""
        letters = None
        if self.sheet is not None and columns:
            letters = {k: self.letter(i) for k, i in columns.items() if self.letter(i)}
        return Origin(file=self.file, sheet=self.sheet, row=self.row, columns=letters or None)
