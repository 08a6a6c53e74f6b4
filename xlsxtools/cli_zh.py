"""The command line in one language for its users: click's own words in Chinese.

click marks every text it shows (usage lines, section titles, errors such as "Missing option") for
translation with ``gettext``: each of its modules does ``from gettext import gettext as _`` (and
``ngettext``). :func:`install` points those names of the already imported click modules at
:data:`ZH`, so ``--help`` and click's errors read in Chinese whatever the machine's locale, while the
option names stay English (``-o, --output``) because they are what users type. Texts not in the
catalogue are shown as click wrote them.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

#: click's messages (click 8.1–8.3) → Chinese. Placeholders stay as click fills them.
ZH: dict[str, str] = {
    "Usage:": "用法：",
    "Options": "选项",
    "Commands": "命令",
    "Positional arguments": "参数",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本并退出。",
    "%(prog)s, version %(version)s": "%(prog)s 版本 %(version)s",
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "运行 '{command} {option}' 查看帮助。",
    "Missing command.": "缺少命令。",
    "No such command {name!r}.": "没有命令 {name!r}。",
    "No such option {name!r}.": "没有选项 {name!r}。",
    "Option {name!r} does not take a value.": "选项 {name!r} 不带值。",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing {param_type}": "缺少{param_type}",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "argument": "参数",
    "option": "选项",
    "parameter": "参数",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值无效：{message}",
    "Invalid value: {message}": "值无效：{message}",
    "{name} {filename!r} does not exist.": "{name} {filename!r} 不存在。",
    "{name} {filename!r} is a file.": "{name} {filename!r} 是一个文件（应为文件夹）。",
    "{name} {filename!r} is a directory.": "{name} {filename!r} 是一个文件夹（应为文件）。",
    "{name} {filename!r} is not readable.": "{name} {filename!r} 无法读取。",
    "{name} {filename!r} is not writable.": "{name} {filename!r} 无法写入。",
    "{name} {filename!r} is not executable.": "{name} {filename!r} 不能执行。",
    "file": "文件",
    "directory": "文件夹",
    "path": "路径",
    "Could not open file {filename!r}: {message}": "无法打开文件 {filename!r}：{message}",
    "{value!r} is not a valid {number_type}.": "{value!r} 不是有效的{number_type}。",
    "integer": "整数",
    "float": "数字",
    "{value} is not in the range {range}.": "{value} 不在范围 {range} 内。",
    "{value!r} is not a valid boolean. Recognized values: {states}": "{value!r} 不是有效的是/否值，可用：{states}",
    "{value!r} is not a valid UUID.": "{value!r} 不是有效的 UUID。",
    "Choose from:\n\t{choices}": "可选：\n\t{choices}",
    "Aborted!": "已取消。",
    "Do you want to continue?": "是否继续？",
    "Repeat for confirmation": "再输入一次以确认",
    "Error: The two entered values do not match.": "错误：两次输入的值不一致。",
    "Error: invalid input": "错误：输入无效",
    "Press any key to continue...": "按任意键继续……",
    "default: {default}": "默认：{default}",
    "env var: {var}": "环境变量：{var}",
    "required": "必填",
    "deprecated": "已弃用",
    "(dynamic)": "（动态）",
    "Confirm the action without prompting.": "不经询问直接执行。",
    "Invalid start character for option ({option})": "选项的起始字符无效（{option}）",
    "Argument {name!r} takes {nargs} values.": "参数 {name!r} 需要 {nargs} 个值。",
}

#: ngettext messages: (singular, plural) → (Chinese singular, Chinese plural).
ZH_N: dict[tuple[str, str], tuple[str, str]] = {
    ("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"):
        ("多余的参数（{args}）", "多余的参数（{args}）"),
    ("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"):
        ("是不是 {possibility}？", "（是不是以下之一：{possibilities}？）"),
    ("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."):
        ("选项 {name!r} 需要一个值。", "选项 {name!r} 需要 {nargs} 个值。"),
    ("{value!r} is not {choice}.", "{value!r} is not one of {choices}."):
        ("{value!r} 不是 {choice}。", "{value!r} 不是 {choices} 之一。"),
    ("Takes {nargs} values but 1 was given.", "Takes {nargs} values but {len} were given."):
        ("需要 {nargs} 个值，只给了 1 个。", "需要 {nargs} 个值，给了 {len} 个。"),
    ("{len_type} values are required, but {len_value} was given.",
     "{len_type} values are required, but {len_value} were given."):
        ("需要 {len_type} 个值，给了 {len_value} 个。", "需要 {len_type} 个值，给了 {len_value} 个。"),
    ("{value!r} does not match the format {format}.", "{value!r} does not match the formats {formats}."):
        ("{value!r} 不符合格式 {format}。", "{value!r} 不符合以下任一格式：{formats}。"),
}

#: click's modules that translate with ``_`` / ``ngettext``.
CLICK_MODULES = ("click.core", "click.decorators", "click.exceptions", "click.formatting", "click.parser",
                 "click.types", "click.utils", "click.termui", "click._termui_impl", "click.shell_completion")


def gettext_zh(message: str) -> str:
    return ZH.get(message, message)


def ngettext_zh(singular: str, plural: str, n: int) -> str:
    zh = ZH_N.get((singular, plural))
    if zh is None:
        return singular if n == 1 else plural
    return zh[0] if n == 1 else zh[1]


def install(modules: tuple[str, ...] = CLICK_MODULES) -> list[str]:
    """Point click's ``_`` and ``ngettext`` at the Chinese catalogue; returns the modules patched."""
    done = []
    for name in modules:
        try:
            mod = importlib.import_module(name)
        except ImportError:  # a module this click version does not have
            continue
        patched = False
        for attr, func in (("_", gettext_zh), ("ngettext", ngettext_zh)):
            current: Callable[..., str] | None = getattr(mod, attr, None)
            if current is not None:
                setattr(mod, attr, func)
                patched = True
        if patched:
            done.append(name)
    return done
