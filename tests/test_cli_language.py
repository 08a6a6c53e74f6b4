"""The command line in one language for its users: Chinese help and click's own errors in Chinese,
English option names."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from xlsxtools.cli import COMMANDS


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {"LANG": "en_US.UTF-8", "LC_ALL": "C.UTF-8", "PATH": "/usr/bin:/bin"}  # an English machine
    return subprocess.run([sys.executable, "-m", "xlsxtools.cli", *args], capture_output=True, text=True, env=env,
                          timeout=120)


CJK = re.compile(r"[\u4e00-\u9fff]")
#: click's English words that must not reach a user.
ENGLISH = ("Usage:", "Options:", "Commands:", "Show this message and exit.", "Error:", "Missing option",
           "Missing argument", "Invalid value", "does not exist", "No such command", "Try '")


def test_top_level_help_is_chinese():
    r = run("--help")
    assert r.returncode == 0
    assert "用法：" in r.stdout and "选项" in r.stdout and "命令" in r.stdout and "显示本帮助并退出。" in r.stdout
    assert not any(w in r.stdout for w in ENGLISH), r.stdout
    for name, (_, short) in COMMANDS.items():
        assert name in r.stdout and CJK.search(short), name


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_help_is_chinese_with_english_option_names(name):
    args = [name, "build", "--help"] if name == "template" else [name, "--help"]
    r = run(*args)
    assert r.returncode == 0, r.stderr
    assert not any(w in r.stdout for w in ENGLISH), r.stdout
    # every option's help text is Chinese; the option names themselves stay English
    options = [ln for ln in r.stdout.splitlines() if re.match(r"\s+-", ln)]
    assert options and all(re.search(r"--[a-z]", ln) for ln in options)
    description = r.stdout.split("选项")[0]
    assert CJK.search(description.split("\n", 2)[-1]), r.stdout


@pytest.mark.parametrize("args, words", [
    (["consolidate"], ["错误：缺少参数", "运行 'xlsxtools consolidate --help' 查看帮助。"]),
    (["consolidate", "不存在的文件夹", "-o", "x.xlsx"], ["的值无效", "不存在"]),
    (["score", "--step-mode", "bad", "x.xlsx"], ["'--step-mode' 的值无效", "不是"]),
    (["consolidate", ".", "--output"], ["选项 '--output' 需要一个值"]),
    (["no-such-command"], ["没有命令 'no-such-command'"]),
    (["check", "--no-such-option", "x"], ["没有选项 '--no-such-option'"]),
])
def test_click_errors_are_chinese(args, words):
    r = run(*args)
    assert r.returncode == 2
    for w in words:
        assert w in r.stderr, r.stderr
    assert not any(w in r.stderr for w in ENGLISH), r.stderr


def test_version_is_chinese():
    assert run("--version").stdout.strip().startswith("xlsxtools 版本 ")
