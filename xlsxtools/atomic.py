"""Atomic output: write to a temporary file beside the target, then rename into place.

Temporary names carry the writing process's id (``.<stem>.<pid>.<random><suffix>.tmp``), so a
run that was killed before it could clean up is recognised by the next one: a temporary file
of this tool whose process is gone (or that is older than a day) is removed from the output
folder the next time something is written there. Nothing else is ever touched.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

#: Our temporary outputs: ``.<stem>.<pid>.<8+ random chars><suffix>.tmp``.
_TEMP_NAME = re.compile(r"^\..+\.(\d+)\.[A-Za-z0-9_]{6,}\.[A-Za-z0-9]{1,8}\.tmp$")
#: Our temporary outputs before the pid was part of the name: ``.<stem>.<8 random chars><suffix>.tmp``.
_LEGACY_NAME = re.compile(r"^\..+\.[a-z0-9_]{8}\.(?:xlsx|xlsm|json|csv)\.tmp$")
#: Our private temporary folders (see :func:`private_tmpdir`): ``xlsxtools-<pid>-<random>``.
_TEMP_DIR = re.compile(r"^xlsxtools-(\d+)-[A-Za-z0-9_]{6,}$")
STALE_SECONDS = 24 * 3600


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # someone else's process: leave its files alone
    return True


def _stale(path: Path, pid: int, now: float) -> bool:
    if pid == os.getpid():
        return False
    try:
        age = now - path.lstat().st_mtime
    except OSError:
        return False
    return not _alive(pid) or age > STALE_SECONDS


def remove_stale_temps(folder: str | os.PathLike[str]) -> list[Path]:
    """Remove temporary outputs of this tool in ``folder`` left by processes that are gone."""
    removed = []
    now = time.time()
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            m = _TEMP_NAME.match(entry.name)
            legacy = m is None and _LEGACY_NAME.match(entry.name) is not None
            if not (m or legacy) or not entry.is_file(follow_symlinks=False):
                continue
            p = Path(entry.path)
            if legacy:  # written before names carried the pid: only by age
                with contextlib.suppress(OSError):
                    if now - p.lstat().st_mtime > STALE_SECONDS:
                        p.unlink()
                        removed.append(p)
                continue
            if _stale(p, int(m.group(1)), now):
                with contextlib.suppress(OSError):
                    p.unlink()
                    removed.append(p)
    return removed


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path in the target's folder; on success rename it over ``target``.

    On any exception the temporary file is removed and an existing ``target`` is left untouched,
    so a crash never leaves half an output behind (and a kill is cleaned up by the next run).
    """
    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_temps(target.parent)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}.{os.getpid()}.", suffix=target.suffix + ".tmp",
                                   dir=target.parent)
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


@contextlib.contextmanager
def private_tmpdir() -> Iterator[Path]:
    """A temporary folder of this process that every ``tempfile`` user in it writes to meanwhile
    (XlsxWriter's part files, spools), removed afterwards; folders of processes that are gone
    are removed first, so a killed run leaves nothing behind in TMPDIR either."""
    base = Path(tempfile.gettempdir())
    now = time.time()
    with contextlib.suppress(OSError):
        for entry in os.scandir(base):
            m = _TEMP_DIR.match(entry.name)
            if m and entry.is_dir(follow_symlinks=False) and _stale(Path(entry.path), int(m.group(1)), now):
                shutil.rmtree(entry.path, ignore_errors=True)
    path = Path(tempfile.mkdtemp(prefix=f"xlsxtools-{os.getpid()}-", dir=base))
    old = tempfile.tempdir
    tempfile.tempdir = str(path)
    try:
        yield path
    finally:
        tempfile.tempdir = old
        shutil.rmtree(path, ignore_errors=True)
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
