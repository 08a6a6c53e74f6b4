"""Atomic output: write to a temporary file beside the target, then rename into place."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path in the target's folder; on success rename it over ``target``.

    On any exception the temporary file is removed and an existing ``target`` is left untouched,
    so a crash never leaves half an output behind.
    """
    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=target.suffix + ".tmp", dir=target.parent)
    except OSError as exc:  # a file where a folder should be, no permission …: the user's to fix
        from xlsxtools.errors import UserError

        raise UserError(f"无法写入输出文件：{_why_not(target.parent, exc)}", file=str(target),
                        hint="请检查 -o 给出的路径") from exc
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        # mkstemp creates 0600; give the output the mode a normal file would get (or keep the old one's).
        mode = target.stat().st_mode & 0o777 if target.exists() else 0o666 & ~_umask()
        os.chmod(tmp_path, mode)
        os.replace(tmp_path, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp_path.unlink()
        raise


def _why_not(folder: Path, exc: OSError) -> str:
    for p in (folder, *folder.parents):
        if p.exists() and not p.is_dir():
            return f"{p} 是一个文件，不是文件夹"
    if isinstance(exc, PermissionError):
        return f"没有在 {folder} 中写文件的权限"
    return f"无法在 {folder} 中创建文件（{exc.strerror or exc}）"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def backup_path(path: str | os.PathLike[str]) -> Path:
    """A free ``name.bak.xlsx``-style backup path beside ``path`` (numbered when taken)."""
    p = Path(path)
    candidate = p.with_name(f"{p.stem}.bak{p.suffix}")
    n = 1
    while candidate.exists():
        n += 1
        candidate = p.with_name(f"{p.stem}.bak{n}{p.suffix}")
    return candidate
