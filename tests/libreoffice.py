"""LibreOffice headless as an independent reader of generated workbooks (test helper).

Two ways in:

- ``convert(src, "ods", outdir)``: ``soffice --headless --convert-to`` and return the new file.
- ``run_uno(script, args)``: run ``script`` under ``/usr/bin/python3`` (the only interpreter with
  the ``uno`` module) in a subprocess that starts its own soffice, and return what the script's
  ``main(args)`` returns (JSON). The script sees ``uno``, ``ctx``, ``desktop``, ``prop(name,
  value)`` and ``load(path)`` (opens a document hidden, macros never executed) as globals.

Each test process uses its own LibreOffice profile directory, so parallel runs never fight over
a profile lock. Call ``require()`` first: it skips the test when LibreOffice (or its Python UNO
bridge) is missing, or fails it when ``XLSXTOOLS_REQUIRE_LIBREOFFICE=1`` (CI).
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest

UNO_PYTHON = "/usr/bin/python3"
REQUIRE_ENV = "XLSXTOOLS_REQUIRE_LIBREOFFICE"
RESULT_MARK = "@@XLSXTOOLS-UNO-RESULT@@"

_profile: Path | None = None
_uno_ok: bool | None = None


def soffice() -> str | None:
    """Path of the soffice binary, or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def uno_available() -> bool:
    global _uno_ok
    if _uno_ok is None:
        try:
            _uno_ok = subprocess.run([UNO_PYTHON, "-c", "import uno"], capture_output=True,
                                     timeout=60).returncode == 0
        except (OSError, subprocess.TimeoutExpired):
            _uno_ok = False
    return _uno_ok


def available(uno: bool = False) -> bool:
    return soffice() is not None and (not uno or uno_available())


def require(uno: bool = False) -> None:
    """Skip (or, with XLSXTOOLS_REQUIRE_LIBREOFFICE=1, fail) when LibreOffice is missing."""
    if available(uno):
        return
    what = "LibreOffice (soffice)" + (" with python3-uno in /usr/bin/python3" if uno else "")
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"{what} is required ({REQUIRE_ENV}=1) but not installed")
    pytest.skip(f"{what} not installed")


def profile_dir() -> Path:
    """A LibreOffice user profile private to this process (removed at exit)."""
    global _profile
    if _profile is None:
        _profile = Path(tempfile.mkdtemp(prefix="xlsxtools-lo-profile-"))
        atexit.register(shutil.rmtree, _profile, True)
    return _profile


def _profile_arg() -> str:
    return "-env:UserInstallation=" + profile_dir().as_uri()


def convert(src: str | os.PathLike[str], fmt: str, outdir: str | os.PathLike[str] | None = None,
            timeout: float = 180) -> Path:
    """Convert ``src`` with soffice headless to ``fmt`` (e.g. "ods", "csv", "xlsx"); returns the output."""
    require()
    src = Path(src)
    out = Path(outdir) if outdir is not None else Path(tempfile.mkdtemp(prefix="xlsxtools-lo-out-"))
    out.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(
        [soffice(), _profile_arg(), "--headless", "--invisible", "--nologo", "--norestore",
         "--convert-to", fmt, "--outdir", str(out), str(src)],
        capture_output=True, text=True, timeout=timeout)
    ext = fmt.split(":")[0]
    result = out / f"{src.stem}.{ext}"
    if proc.returncode != 0 or not result.exists():
        raise AssertionError(f"soffice could not convert {src} to {fmt}:\n{proc.stdout}\n{proc.stderr}")
    return result


_RUNNER = r'''
import json, os, subprocess, sys, time, uuid
import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException

def prop(name, value):
    p = PropertyValue()
    p.Name = name
    p.Value = value
    return p

cfg = json.loads(sys.stdin.read())
pipe = "xlsxtools_" + uuid.uuid4().hex
proc = subprocess.Popen(
    [cfg["soffice"], cfg["profile"], "--headless", "--invisible", "--nologo", "--norestore",
     "--nodefault", "--nolockcheck", "--accept=pipe,name=%s;urp;StarOffice.ComponentContext" % pipe],
    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
desktop = None
try:
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.time() + cfg["timeout"]
    while True:
        try:
            ctx = resolver.resolve("uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe)
            break
        except NoConnectException:
            if time.time() > deadline or proc.poll() is not None:
                raise
            time.sleep(0.25)
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)

    def load(path):
        url = uno.systemPathToFileUrl(os.path.abspath(path))
        doc = desktop.loadComponentFromURL(url, "_blank", 0, (prop("Hidden", True), prop("MacroExecutionMode", 0)))
        if doc is None:
            raise RuntimeError("LibreOffice could not open " + path)
        return doc

    ns = {"uno": uno, "ctx": ctx, "desktop": desktop, "load": load, "prop": prop, "__name__": "uno_script"}
    exec(compile(cfg["script"], "<uno-script>", "exec"), ns)
    result = ns["main"](cfg["args"])
    sys.stdout.write("\n" + cfg["mark"] + json.dumps(result, ensure_ascii=False, default=str) + "\n")
    sys.stdout.flush()
finally:
    if desktop is not None:
        try:
            desktop.terminate()
        except Exception:
            pass
    try:
        proc.wait(timeout=30)
    except Exception:
        proc.kill()
'''


def run_uno(script: str, args: Any = None, timeout: float = 240) -> Any:
    """Run ``script`` (defines ``main(args)``) against a private headless LibreOffice; its JSON result."""
    require(uno=True)
    cfg = {"soffice": soffice(), "profile": _profile_arg(), "script": script, "args": args,
           "mark": RESULT_MARK, "timeout": min(timeout, 120)}
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    proc = subprocess.run([UNO_PYTHON, "-c", _RUNNER], input=json.dumps(cfg), capture_output=True, text=True,
                          timeout=timeout, env=env)
    for line in proc.stdout.splitlines():
        if line.startswith(RESULT_MARK):
            return json.loads(line[len(RESULT_MARK):])
    raise AssertionError(f"UNO script failed (exit {proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")


def require_tool(what: str) -> None:
    """Skip (or, with XLSXTOOLS_REQUIRE_LIBREOFFICE=1, fail) when a rendering tool is missing."""
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"{what} is required ({REQUIRE_ENV}=1) but not installed")
    pytest.skip(f"{what} not installed")
