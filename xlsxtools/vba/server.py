"""The VBA of a ``--server`` template: buttons that call the bureau's service instead of a local Python.

``xlsxtools template build --server URL`` builds the same workbooks as the local build, with

* the key ``XLSXTOOLS_SERVER`` = URL on the very hidden xlwings.conf sheet (read by xlwings'
  ``GetConfig``, like the interpreter settings);
* each ribbon callback's ``RunPython "import xlsxtools.excel as x; x.NAME()"`` rewritten into
  ``XtServerButton "NAME"`` (macros/ServerButtons.bas: ``RunRemotePython URL/api/xlwings/NAME``
  with the unit's token), or, for a button the service cannot run (it needs this PC's folders,
  :data:`xlsxtools.excel.buttons.BUTTONS` ``server=False``), the whole callback replaced by
  ``XtLocalOnly "NAME"`` (a message offering to open the service's pages);
* the modules xlwings itself adds to a workbook released for xlwings Server (``Remote`` and the
  VBA-Web modules, from the installed xlwings, see ``xlwings.cli.import_remote_modules``), the
  hand-written ``ServerButtons`` and ``ServerHelpers`` (the subs the service calls through
  "runMacro"), and the generated ``ServerText`` (the Chinese texts as ``ChrW`` calls: VBA source
  is code page 1252);
* a ribbon button 访问令牌 (enter or replace the token) in the last group.

The committed templates (workbook_templates/) are the local build; a ``--server`` build is for a
bureau's own distribution.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from xlsxtools.excel.buttons import BUTTONS
from xlsxtools.vba.ovba import Module

#: The xlwings.conf key holding the service's address.
CONF_KEY = "XLSXTOOLS_SERVER"
#: The modules xlwings adds for xlwings Server (file names in the package's addin/ folder), in its order.
XLWINGS_REMOTE_FILES = ("Remote.bas", "IWebAuthenticator.cls", "WebClient.cls", "WebRequest.cls",
                        "WebResponse.cls", "WebHelpers.bas")
#: Hand-written modules in macros/.
SERVER_MODULES = ("ServerButtons", "ServerHelpers")
TEXT_MODULE = "ServerText"
#: The ribbon callback of the token button (in ServerButtons).
TOKEN_CALLBACK = "OnServerToken"

#: Texts shown by the VBA of the server buttons (key → Chinese text); "label:NAME" per button.
TEXTS: dict[str, str] = {
    "title": "绩效工具",
    "working": "绩效工具：正在通过绩效服务处理，请稍候……",
    "no_server": "本工作簿没有设置绩效服务的地址（xlwings.conf 中的 XLSXTOOLS_SERVER）。请向信息中心索取新模板。",
    "failed": "无法完成：连接绩效服务时出错。请检查网络，稍后再试；仍然出错时请联系信息中心。",
    "token_prompt": "请输入绩效服务的访问令牌（登录绩效服务网页，在“账户”页面生成；只需输入一次，保存在本机）：",
    "token_saved": "访问令牌已保存在本机（不保存在工作簿中）。",
    "local_only": "需要读取本机文件夹中的工作簿，不能通过绩效服务运行。\n"
                  "汇总请在绩效服务网页的汇总页面进行。\n是否现在打开绩效服务网页？",
    **{f"label:{name}": f"“{b.label}”" for name, b in BUTTONS.items()},
}

TOKEN_BUTTON = ('<button id="xtServerToken" label="访问令牌" size="large" imageMso="AdpPrimaryKey" '
                f'onAction="{TOKEN_CALLBACK}" screentip="访问令牌" '
                'supertip="输入或更换绩效服务的访问令牌（在绩效服务网页的“账户”页面生成；保存在本机，不保存在工作簿中）。"/>')

_CALLBACK_SUB = re.compile(
    rb"^((?:Public\s+)?Sub\s+\w+\s*\(\s*control\s+As\s+IRibbonControl\s*\)[ \t]*\r\n)(.*?)(^End Sub)", re.M | re.S)
_RUNPYTHON = re.compile(rb'RunPython "import xlsxtools\.excel as x; x\.(\w+)\(\)"')


def server_url(conf: Mapping[str, Any] | None) -> str | None:
    """The service address of a build's xlwings.conf settings (keys compared upper-cased)."""
    for k, v in (conf or {}).items():
        if k.upper() == CONF_KEY and v:
            return str(v)
    return None


def check_url(url: str) -> str:
    """The service address as the VBA will use it; ValueError (Chinese) unless it is http(s)://host[/path]."""
    url = url.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment \
            or re.search(r'[\s"\']', url):
        raise ValueError(f"绩效服务地址应为 http:// 或 https:// 开头的网址（不含空格、引号、? 或 #）：{url!r}")
    return url


def ribbon_source(source: bytes) -> bytes:
    """The ribbon callback module (CRLF, code page 1252) of a server build: see the module docstring."""

    def callback(m: re.Match[bytes]) -> bytes:
        head, body, end = m.groups()
        names = [n.decode("ascii") for n in _RUNPYTHON.findall(body)]
        if not names:
            return m.group(0)
        if len(names) > 1:
            raise ValueError(f"a ribbon callback runs {len(names)} Python calls: {head!r}")
        name = names[0]
        if name not in BUTTONS:
            raise ValueError(f"xlsxtools.excel.{name} is not in the button table (xlsxtools/excel/buttons.py)")
        if BUTTONS[name].server:
            return head + _RUNPYTHON.sub(lambda k: b'XtServerButton "' + k.group(1) + b'"', body) + end
        return head + f'    XtLocalOnly "{name}"\r\n'.encode("ascii") + end

    out = _CALLBACK_SUB.sub(callback, source)
    if _RUNPYTHON.search(out):
        raise ValueError("RunPython left outside a ribbon callback")
    first, rest = out.split(b"\r\n", 1)
    note = (b"' Server build (xlsxtools template build --server): the RunPython calls of the callbacks below\r\n"
            b"' were rewritten into XtServerButton / XtLocalOnly (module ServerButtons).\r\n")
    return first + b"\r\n" + note + rest


def vba_string(text: str) -> list[str]:
    """VBA expressions (each a line's worth) whose concatenation is ``text``: ASCII runs as
    literals, everything else as ChrW(&Hxxxx) (VBA source is code page 1252)."""
    parts: list[str] = []
    run = ""
    for ch in text:
        if " " <= ch <= "~":
            run += '""' if ch == '"' else ch
            continue
        if run:
            parts.append(f'"{run}"')
            run = ""
        parts.append("vbLf" if ch == "\n" else f"ChrW(&H{ord(ch):X})")
    if run:
        parts.append(f'"{run}"')
    lines, line = [], []
    for p in parts or ['""']:
        line.append(p)
        if len(line) == 12:
            lines.append(" & ".join(line))
            line = []
    if line:
        lines.append(" & ".join(line))
    return lines


def text_module_source(texts: Mapping[str, str] | None = None) -> bytes:
    """Source of the generated module ServerText: ``XtText(key)`` returns :data:`TEXTS` [key]."""
    out = [f'Attribute VB_Name = "{TEXT_MODULE}"',
           "' Generated by xlsxtools (xlsxtools/vba/server.py TEXTS); do not edit. The Chinese texts of",
           "' the server buttons, written with ChrW because VBA source is code page 1252.",
           "Option Explicit", "",
           "Public Function XtText(ByVal key As String) As String",
           "    Dim s As String",
           "    Select Case key"]
    for key, text in (texts or TEXTS).items():
        if not re.fullmatch(r"[a-z_:]+", key):
            raise ValueError(f"text key {key!r}")
        out.append(f'    Case "{key}"')
        lines = vba_string(text)
        out.append(f"        s = {lines[0]}")
        out += [f"        s = s & {line}" for line in lines[1:]]
    out += ["    End Select", "    XtText = s", "End Function", ""]
    return "\r\n".join(out).encode("ascii")


def server_modules() -> list[Module]:
    """The modules a server build adds after the local build's (xlwings' remote modules, ours, the texts)."""
    from xlsxtools.vba.modules import macros_dir, module_from_file, stored_source, xlwings_dir

    addin = xlwings_dir() / "addin"
    modules = [module_from_file(addin / f) for f in XLWINGS_REMOTE_FILES]
    modules += [module_from_file(macros_dir() / f"{name}.bas", "standard") for name in SERVER_MODULES]
    modules.append(Module(TEXT_MODULE, "standard", stored_source(text_module_source(), "standard")))
    return modules


def ribbon_xml(xml: bytes) -> bytes:
    """The ribbon of a server build: the local ribbon plus the token button at the end of its last group."""
    text = xml.decode("utf-8")
    at = text.rfind("</group>")
    if at < 0:
        raise ValueError("the ribbon has no group")
    return (text[:at] + "  " + TOKEN_BUTTON + "\n        " + text[at:]).encode("utf-8")
