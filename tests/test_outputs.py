"""Where outputs go: the file mode a new file gets, a bad -o folder, consolidating nothing."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from xlsxtools.atomic import atomic_path
from xlsxtools.errors import UserError

CLI = [sys.executable, "-m", "xlsxtools.cli"]


def run(args: list[str], cwd: Path, umask: int | None = None) -> subprocess.CompletedProcess[str]:
    def pre() -> None:
        if umask is not None:
            os.umask(umask)

    return subprocess.run([*CLI, *args], cwd=cwd, capture_output=True, text=True, preexec_fn=pre, timeout=300)


@pytest.mark.parametrize("mask", [0o022, 0o027])
def test_both_templates_get_the_mode_the_umask_gives_a_new_file(tmp_path: Path, mask: int) -> None:
    r = run(["template", "build", "-o", "t"], tmp_path, umask=mask)
    assert r.returncode == 0, r.stderr
    files = sorted((tmp_path / "t").iterdir())
    assert len(files) == 2
    want = 0o666 & ~mask  # 0644 for 022, 0640 for 027
    assert {f.name: stat.S_IMODE(f.stat().st_mode) for f in files} == {f.name: want for f in files}


def test_atomic_path_refuses_a_file_as_folder_with_a_clear_message(tmp_path: Path) -> None:
    (tmp_path / "名册.txt").write_text("x", "utf-8")
    with pytest.raises(UserError, match=r"名册\.txt 是一个文件，不是文件夹"):
        with atomic_path(tmp_path / "名册.txt" / "汇总.xlsx"):
            pass


def test_output_into_a_path_under_a_file_exits_2_not_3(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("x", "utf-8")
    r = run(["template", "build", "-o", "a.txt/t"], tmp_path)
    assert run(["template", "build", "-o", "t"], tmp_path).returncode == 0
    r2 = run(["consolidate", "t", "-o", "a.txt/汇总.xlsx"], tmp_path)
    for res in (r, r2):
        assert res.returncode == 2, res.stderr
        assert "内部错误" not in res.stderr and "Traceback" not in res.stderr
    assert "a.txt 是一个文件，不是文件夹" in r2.stderr


def test_output_into_a_new_folder_is_created(tmp_path: Path) -> None:
    r = run(["template", "build", "-o", "新/文件夹"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert len(list((tmp_path / "新" / "文件夹").glob("*.xlsm"))) == 2


def test_consolidate_of_an_empty_folder_says_so_and_exits_2(tmp_path: Path) -> None:
    (tmp_path / "空").mkdir()
    r = run(["consolidate", "空", "-o", "汇总.xlsx"], tmp_path)
    assert r.returncode == 2
    assert "没有找到单位工作簿" in r.stderr
    assert not (tmp_path / "汇总.xlsx").exists()


def test_consolidate_of_files_that_are_not_workbooks_says_so_and_exits_2(tmp_path: Path) -> None:
    folder = tmp_path / "收件箱"
    folder.mkdir()
    (folder / "a.xlsx").write_text("not a zip", "utf-8")
    (folder / "b.txt").write_text("x", "utf-8")
    r = run(["consolidate", "收件箱", "-o", "汇总.xlsx"], tmp_path)
    assert r.returncode == 2
    assert "都不是可以读取的单位工作簿" in r.stderr and "a.xlsx" in r.stderr
    assert not (tmp_path / "汇总.xlsx").exists()
