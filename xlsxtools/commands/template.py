"""``xlsxtools template build``: write the workbook templates."""

from __future__ import annotations

from pathlib import Path

import click

TEMPLATES_DIR = "workbook_templates"


def default_templates_dir(start: Path | None = None) -> Path:
    """``workbook_templates/`` of the repository containing ``start`` (default: the current
    directory), found by walking up; ``./workbook_templates`` when there is none."""
    start = (start or Path.cwd()).resolve()
    for d in (start, *start.parents):
        if (d / TEMPLATES_DIR).is_dir() and (d / "pyproject.toml").is_file():
            return d / TEMPLATES_DIR
    return start / TEMPLATES_DIR


@click.group(name="template")
def command() -> None:
    """Build the workbook templates."""


@command.command(name="build")
@click.option("-o", "--out-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write into (default: workbook_templates/ of the repository you are in, "
                   "or ./workbook_templates).")
def build(out_dir: Path | None) -> None:
    """Write the unit template (绩效目标表模板.xlsm) and, when available, the summary template.

    The build is deterministic: the same version of xlsxtools always writes the same files.
    Sheets are protected with the password from xlsxtools/layout.py (a convenience lock against
    accidental edits, not security).
    """
    from xlsxtools.workbook.template import build_templates

    target = out_dir or default_templates_dir()
    paths = build_templates(target)
    click.echo(f"已生成模板（{len(paths)} 个），位于 {target}：")
    for p in paths:
        click.echo(f"  {p}")
