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
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=target.suffix + ".tmp", dir=target.parent)
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
