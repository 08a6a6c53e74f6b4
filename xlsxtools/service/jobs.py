"""Work done on uploaded files, in worker processes with a timeout and a memory limit.

A hostile or broken file must never stick a server worker, so every read of an upload runs in
a pool of separate processes (pebble: a task that overruns its timeout has its process killed
and replaced; ``RLIMIT_AS`` caps each process's memory). The functions here are thin: they call
the same core as the command line (``commands.check.load`` + ``checks.run_checks`` for
``check``, ``scoring.score_unit`` + ``commands.score.unit_score_dict`` for ``score``,
``annotate_edge.annotate_workbook`` for ``check --annotate``, ``importer.import_table`` +
``template.write_unit_workbook`` for ``import -o``, ``writeback.score_edits`` for
``score --write``, ``commands.monitor.monitor_file`` + ``file_json`` for ``monitor --json`` (and
``annotate_workbook`` of its findings for ``monitor --annotate``),
``workbook.upgrade.upgrade_workbook`` for ``upgrade``, ``consolidate.baseline.approved_from_table``,
``consolidate.runner.consolidate`` and, after it, ``report.run.make_report`` for ``report``).

This module imports no web framework; the consolidation runs here in its own process too.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import json
import os
import re
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from xlsxtools.config import Config, ServerSettings

#: Suffixes an upload may have: unit workbooks and everything the importer reads (Word, web pages,
#: PDF, legacy .doc/.wps/.et through LibreOffice).
UPLOAD_SUFFIXES = (".xlsm", ".xlsx", ".xls", ".xlsb", ".ods", ".txt", ".tsv", ".csv", ".md", ".docx",
                   ".html", ".htm", ".mht", ".mhtml", ".pdf", ".doc", ".wps", ".et", ".rtf", ".odt")
UNIT_SUFFIXES = (".xlsm", ".xlsx")
#: How an upload's own path is named in messages (the stored file has no user-chosen name).
UPLOAD_LABEL = "上传的文件"


class JobFailed(Exception):
    """A task that could not finish (timeout, memory, crash): ``str()`` is a Chinese message."""


# ----------------------------------------------------------------------------------------------
# Worker side
# ----------------------------------------------------------------------------------------------


def init_worker(memory_mb: int) -> None:
    """Cap the address space and load the core once per process (not once per upload)."""
    if memory_mb > 0:
        with contextlib.suppress(ImportError, ValueError, OSError):
            import resource

            limit = memory_mb * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    import xlsxtools.checks
    import xlsxtools.checks.monitoring
    import xlsxtools.commands.check
    import xlsxtools.commands.monitor
    import xlsxtools.commands.score
    import xlsxtools.scoring
    import xlsxtools.workbook.reader  # noqa: F401


@contextlib.contextmanager
def _named(blob: str, suffix: str) -> Iterator[Path]:
    """The stored file under a fixed name with its suffix (the readers go by the suffix)."""
    with tempfile.TemporaryDirectory(prefix="xlsxtools-job-") as d:
        p = Path(d) / f"upload{suffix}"
        try:
            os.symlink(blob, p)
        except OSError:
            import shutil

            shutil.copyfile(blob, p)
        yield p


def _use_limits(config: Config) -> None:
    """The ``[limits]`` of the config for the readers of this task (each reader checks the file
    against them before it parses a byte: regular file, sizes, sheet extents, declared counts)."""
    from xlsxtools.workbook.preflight import set_limits

    set_limits(config.limits)


#: The command-line advice of an older layout version's findings, and what the page offers instead.
_UPGRADE_ADVICE = re.compile(r"请运行 xlsxtools upgrade \S+ -o 新文件\.\w+ ")
UPGRADE_ON_PAGE = "请在本页下载“升级后的工作簿”"


def web_message(text: str, path: Path) -> str:
    """A finding's message as the pages show it: the stored file's path hidden, the command-line
    upgrade advice replaced by the page's download."""
    return _UPGRADE_ADVICE.sub(UPGRADE_ON_PAGE, text.replace(str(path), UPLOAD_LABEL))


def _finding_dict(f: Any, path: Path) -> dict[str, Any]:
    return {"code": f.code, "severity": str(f.severity), "level": f.severity.label, "sheet": f.sheet,
            "cell": f.cell, "row": f.row, "message": web_message(f.message, path)}


def analyze(blob: str, suffix: str, config: Config) -> dict[str, Any]:
    """Check (and, for a unit workbook with actuals, score) one upload: what the pages show."""
    from xlsxtools.checks import run_checks
    from xlsxtools.commands.check import load, summary
    from xlsxtools.model import Severity

    _use_limits(config)
    with _named(blob, suffix) as p:
        loaded = load(p)  # an unreadable or over-limit file is its W004 finding
        findings = list(loaded.findings)
        if loaded.table is not None:
            findings += run_checks(loaded.table, loaded.actuals, config)
        findings.sort(key=lambda f: (*f.sort_key, f.severity.rank))
        kind = "unreadable" if loaded.unreadable else "unit" if loaded.unit_workbook else "table"
        result: dict[str, Any] = {
            "kind": kind, "unit": loaded.table.unit.name if loaded.table else "",
            "year": loaded.table.unit.year if loaded.table else "",
            "indicators": len(loaded.table.indicators) if loaded.table else 0,
            "findings": [_finding_dict(f, p) for f in findings], "summary": summary(findings), "score": None,
            "complete": False,
        }
        if kind == "unit":
            from xlsxtools.model import UnitWorkbook

            # the workbook as `score` reads it (load() kept the reader's own findings)
            uw = UnitWorkbook(path=str(p), layout_version=None, table=loaded.table, actuals=loaded.actuals,
                              findings=list(loaded.findings))
            result["score"] = _score(uw, p, config)
            result["complete"] = bool(result["score"] and result["score"]["complete"])
            result["monitoring"] = monitoring(p, config)
        errors = sum(f.severity is Severity.ERROR for f in findings)
        result["state"] = state_of(errors, result["complete"])
        return result


def _score(uw: Any, p: Path, config: Config) -> dict[str, Any]:
    """What ``xlsxtools score --json`` prints for the workbook, plus each indicator's rule text."""
    from xlsxtools.commands.score import unit_score_dict
    from xlsxtools.scoring import score_unit

    us = score_unit(uw.table, uw.actuals, config)
    d = unit_score_dict(uw, us)
    d.pop("file", None)
    for row, ind in zip(d["indicators"], uw.table.indicators, strict=False):
        row["rule_text"] = ind.rule_text
    d["findings"] = [{**f, "message": str(f.get("message", "")).replace(str(p), UPLOAD_LABEL)} for f in d["findings"]]
    d["step_mode_label"] = config.step_mode.label
    d["has_actuals"] = uw.actuals is not None
    return d


def monitoring(p: Path, config: Config, today: date | None = None) -> dict[str, Any]:
    """What ``xlsxtools monitor --json`` gives for the workbook (``commands.monitor.monitor_file``
    and ``file_json``): period, execution rate against the time schedule, indicators at risk, the
    state 红/黄/绿/未填报 with its reason and the J findings; plus the policy's text, and for a
    workbook of an earlier layout version (no 运行监控 sheet) its version and whether the page can
    offer the upgraded workbook."""
    from xlsxtools import layout
    from xlsxtools.commands.monitor import file_json, monitor_file

    policy = config.monitoring
    m = monitor_file(p, policy, today or date.today())
    d = file_json(m)
    d.pop("file", None)
    d["findings"] = [_finding_dict(f, p) for f in m.findings]
    d["policy"] = policy.describe()
    d["sheet"] = m.result is not None
    if m.result is None and not m.unreadable:
        from xlsxtools.workbook.reader import read_unit_workbook

        version = read_unit_workbook(p).layout_version
        d["layout_version"] = version or ""
        d["upgradable"] = version in layout.UPGRADABLE_VERSIONS
        d["message"] = (f"这个工作簿来自模板版本 {version or '未知'}，没有「{layout.MONITOR_SHEET}」表（当前版本 "
                        f"{layout.LAYOUT_VERSION}）：" + ("请下载“升级后的工作簿”（数据全部保留），在其中填写运行监控后重新上传。"
                                                   if d["upgradable"] else "请用当前模板重新导入后填写运行监控。"))
    return d


def state_of(errors: int, complete: bool) -> str:
    """未提交 / 有错误 / 不完整 / 已完成 of a unit's latest submission."""
    if errors:
        return "有错误"
    return "已完成" if complete else "不完整"


def make_output(what: str, blob: str, suffix: str, out_dir: str, config: Config) -> dict[str, Any]:
    """Write the annotated / imported / scored workbook of an upload into ``out_dir``.

    Returns ``{"path": …, "suffix": …}`` or ``{"error": Chinese message}``.
    """
    from xlsxtools.errors import UserError

    fd, tmp = tempfile.mkstemp(dir=out_dir, prefix=f"{what}-", suffix=".tmp")
    os.close(fd)
    out = Path(tmp)
    try:
        _use_limits(config)
        with _named(blob, suffix) as p:
            if what == "imported":
                from xlsxtools.importer import import_table
                from xlsxtools.workbook.template import write_unit_workbook

                out_suffix = ".xlsm"
                write_unit_workbook(import_table(p), _with_suffix(out, out_suffix))
            elif what == "annotated":
                from xlsxtools.checks import run_checks
                from xlsxtools.commands.check import load
                from xlsxtools.workbook.annotate_edge import annotate_workbook

                loaded = load(p)
                if not loaded.unit_workbook:
                    return {"error": "不是由模板生成的单位工作簿，无法标注（问题已在页面列出）。"}
                findings = list(loaded.findings) + run_checks(loaded.table, loaded.actuals, config)
                out_suffix = suffix
                annotate_workbook(p, findings, _with_suffix(out, out_suffix))
            elif what == "scored":
                from xlsxtools.scoring import score_unit
                from xlsxtools.workbook.edit import apply_edits, open_workbook, save_workbook
                from xlsxtools.workbook.reader import read_unit_workbook
                from xlsxtools.writeback import score_edits

                uw = read_unit_workbook(p)
                if uw.actuals is None:
                    return {"error": "工作簿没有「实际完成」表，无法写入得分。"}
                us = score_unit(uw.table, uw.actuals, config)
                wb = open_workbook(p)
                apply_edits(wb, score_edits(uw, us))
                out_suffix = suffix
                save_workbook(wb, _with_suffix(out, out_suffix))
            elif what == "monitored":
                from xlsxtools.commands.monitor import monitor_file
                from xlsxtools.workbook.annotate_edge import annotate_workbook

                m = monitor_file(p, config.monitoring, date.today())
                if m.result is None:
                    return {"error": "工作簿没有可检查的“运行监控”表（问题已在页面列出）。"}
                out_suffix = suffix
                annotate_workbook(p, m.findings, _with_suffix(out, out_suffix))
            elif what == "upgraded":
                from xlsxtools.workbook.upgrade import upgrade_workbook

                out_suffix = suffix
                try:
                    upgrade_workbook(p, _with_suffix(out, out_suffix))
                except UserError as exc:
                    return {"error": exc.message}
            else:
                raise ValueError(what)
        final = _with_suffix(out, out_suffix)
        return {"path": str(final), "suffix": out_suffix}
    except UserError as exc:
        return {"error": str(exc).replace(str(out), "").replace(UPLOAD_LABEL + "：", "")}
    finally:
        with contextlib.suppress(OSError):
            out.unlink()


def _with_suffix(p: Path, suffix: str) -> Path:
    return p.with_name(p.stem + suffix)


def approve(blob: str, suffix: str, label: str) -> dict[str, Any]:
    """The approved form of a submitted target table (the tamper check's baseline entry)."""
    from xlsxtools.consolidate.baseline import approved_from_table
    from xlsxtools.errors import UserError
    from xlsxtools.workbook.reader import read_unit_workbook

    with _named(blob, suffix) as p:
        try:
            return {"approved": approved_from_table(read_unit_workbook(p).table, label).to_json()}
        except UserError as exc:
            return {"error": exc.message}


# ----------------------------------------------------------------------------------------------
# Server side: the pool
# ----------------------------------------------------------------------------------------------


class Pool:
    """Worker processes for uploads: one task at a time each, killed and replaced on timeout."""

    def __init__(self, settings: ServerSettings) -> None:
        import multiprocessing

        from pebble import ProcessPool

        self.settings = settings
        self.pool = ProcessPool(max_workers=max(1, settings.workers), initializer=init_worker,
                                initargs=(settings.task_memory_mb,),
                                context=multiprocessing.get_context("spawn"))

    def run(self, func: Any, *args: Any, timeout: float | None = None) -> Any:
        from pebble import ProcessExpired

        fut = self.pool.schedule(func, args=args, timeout=timeout or self.settings.task_timeout)
        try:
            return fut.result()
        except concurrent.futures.TimeoutError as exc:
            raise JobFailed(f"处理超时（超过 {self.settings.task_timeout} 秒），文件可能过大或已损坏") from exc
        except MemoryError as exc:
            raise JobFailed(f"处理时内存超过上限（{self.settings.task_memory_mb} MB），文件可能过大或已损坏") from exc
        except ProcessExpired as exc:
            raise JobFailed("处理文件的进程意外退出（文件可能过大或已损坏）") from exc
        except Exception as exc:
            raise JobFailed(f"处理时出错（{type(exc).__name__}: {exc}）") from exc

    def close(self) -> None:
        self.pool.stop()
        self.pool.join(timeout=10)


# ----------------------------------------------------------------------------------------------
# Consolidation (its own process; progress written to the database)
# ----------------------------------------------------------------------------------------------


@dataclass
class ConsolidationInput:
    job_id: int
    database_url: str
    data_dir: str
    period: str
    #: (unit name, stored file path, suffix) of every unit's latest submission.
    files: list[tuple[str, str, str]]
    roster: list[str]
    approved: list[dict[str, Any]]
    config: Config
    memory_mb: int
    #: The bureau account that started it (for the audit record of its end).
    started_by: dict[str, Any] | None = None


def run_consolidation(inp: ConsolidationInput) -> None:
    """Child-process entry: consolidate the latest submissions, store the summary, record the result."""

    from xlsxtools.service import db
    from xlsxtools.service.storage import BlobStore

    init_worker(inp.memory_mb * 2)
    engine = db.make_engine(inp.database_url)
    table = db.consolidations

    def update(**values: Any) -> None:
        with engine.begin() as conn:
            conn.execute(table.update().where(table.c.id == inp.job_id).values(**values))

    try:
        update(status="running", total=len(inp.files), message="正在读取各单位的工作簿")
        store = BlobStore(Path(inp.data_dir))
        from xlsxtools.consolidate import runner
        from xlsxtools.consolidate.baseline import ApprovedUnit, Baseline, write_baseline_file

        # Progress of the consolidation's own loop, written to the job row (at most twice a second).
        class _DbBar:
            def __init__(self, total: int, label: str) -> None:
                self.n, self.last = 0, 0.0

            def advance(self) -> None:
                self.n += 1
                if time.monotonic() - self.last > 0.5:
                    self.last = time.monotonic()
                    update(done=self.n)

            def stop(self) -> None:
                update(done=self.n)

        runner._progress = _DbBar  # the runner's progress hook: a bar object with advance()/stop()
        with tempfile.TemporaryDirectory(prefix="xlsxtools-cons-", dir=store.tmp) as d:
            folder = Path(d) / "units"
            folder.mkdir()
            for i, (unit, path, suffix) in enumerate(inp.files, 1):
                # named after the roster's unit (the summary lists file names), never after an upload's name
                safe = re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", unit).strip(" .")[:80] or "unit"
                link = folder / f"{i:04d}-{safe}{suffix}"
                try:
                    os.symlink(path, link)
                except OSError:  # Windows without the symlink privilege
                    import shutil

                    shutil.copyfile(path, link)
            roster = Path(d) / "roster.txt"
            roster.write_text("\n".join(inp.roster) + "\n", encoding="utf-8")
            baseline = None
            if inp.approved:
                base = Baseline(source="财政局核定的目标表")
                for a in inp.approved:
                    base.add(ApprovedUnit(**a))
                baseline = Path(d) / "baseline.json"
                from xlsxtools import __version__

                write_baseline_file(base, baseline, __version__)
            out = Path(d) / "summary.xlsx"
            rep = runner.consolidate([folder], out, roster=roster, baseline=baseline,
                                     history=Path(inp.data_dir) / "history.sqlite", period=inp.period,
                                     config=inp.config, progress=True)
            monitored = {"states": rep.monitoring, "worse": rep.monitoring_worse,
                         "units": monitoring_rows(out)} if rep.monitoring else None
            update(message="汇总完成，正在生成分析报告")
            report_sha, report_message = _make_report(out, Path(d) / "report.docx", inp.period, store)
            sha, _size = store.put_file(out)
        with engine.begin() as conn:
            db.ensure_blob(conn, sha, _size)
            if report_sha:
                db.ensure_blob(conn, *report_sha)
            conn.execute(table.update().where(table.c.id == inp.job_id).values(
                status="done", finished=db.now(), done=len(inp.files), summary_sha256=sha, units=rep.units,
                errors=rep.errors, warnings=rep.warnings, missing=rep.missing, tampered=rep.tampered,
                monitoring=dumps(monitored) if monitored else None,
                report_sha256=report_sha[0] if report_sha else None, report_message=report_message,
                message=f"已汇总 {rep.units} 个单位（{rep.seconds:.1f} 秒）" + "".join(f"；{n}" for n in rep.notes)))
            db.log(conn, inp.started_by, "汇总完成",
                   f"汇总 #{inp.job_id}（{inp.period}）：{rep.units} 个单位，{rep.errors} 个错误，{rep.warnings} 个警告，"
                   f"名册中未提交 {rep.missing} 个，目标被改动 {rep.tampered} 个"
                   + ("；已生成分析报告" if report_sha else f"；{report_message}"))
    except BaseException as exc:
        from xlsxtools.errors import UserError

        text = str(exc) if isinstance(exc, UserError) else f"{type(exc).__name__}: {exc}"
        update(status="failed", finished=db.now(), message=f"汇总失败：{text}"[:2000])
        raise
    finally:
        engine.dispose()


def _make_report(summary: Path, out: Path, period: str, store: Any) -> tuple[tuple[str, int] | None, str]:
    """The analysis report of the summary (``report.run.make_report``, as ``xlsxtools report``),
    stored like the summary: ((sha256, size) or None, a Chinese line about it). A report that cannot
    be made never fails the consolidation."""
    from xlsxtools.errors import UserError
    from xlsxtools.report.run import make_report

    try:
        res = make_report(summary, out, year=period[:4])
    except UserError as exc:
        return None, f"分析报告未能生成：{exc.message}"
    except Exception as exc:  # the summary is still good: say why the report is missing
        return None, f"分析报告未能生成（{type(exc).__name__}: {exc}）"
    c = res.counts
    line = (f"分析报告：单位 {c.get('units', 0)} 个（自评完整 {c.get('complete', 0)} 个），未提交 {c.get('missing', 0)} 个，"
            f"目标被改动 {c.get('tampered', 0)} 个，图表 {res.charts} 幅")
    return store.put_file(out), line


def monitoring_rows(summary: Path) -> list[dict[str, Any]]:
    """Each unit's row of the summary's 运行监控 sheet (unit, period, schedule, rate, gap, indicators at
    risk, state, reason), read back with python-calamine: what the consolidation page lists."""
    from python_calamine import CalamineWorkbook

    from xlsxtools import layout

    wb = CalamineWorkbook.from_path(str(summary))
    if layout.CONS_MONITOR_SHEET not in wb.sheet_names:
        return []
    rows = wb.get_sheet_by_name(layout.CONS_MONITOR_SHEET).to_python()
    if len(rows) < layout.CONS_HEADER_ROW:
        return []
    header = [str(h) for h in rows[layout.CONS_HEADER_ROW - 1]]
    keys = {c.title: c.key for c in layout.CONS_MONITOR_COLUMNS}
    index = {keys[h]: i for i, h in enumerate(header) if h in keys}
    out = []
    for r in rows[layout.CONS_HEADER_ROW:]:
        d = {k: (r[i] if i < len(r) else "") for k, i in index.items()}
        if d.get("unit") and d.get("state"):
            out.append(d)
    return out


_RUNNING: set[Any] = set()
_RUNNING_LOCK = threading.Lock()
_EXIT_HOOKED = False


def _kill_running() -> None:
    """At the server's exit: end consolidations still running (with SQLite the next start marks
    their rows failed)."""
    with _RUNNING_LOCK:
        procs = list(_RUNNING)
    for proc in procs:
        with contextlib.suppress(Exception):
            proc.kill()
            proc.join(5)


def start_consolidation(inp: ConsolidationInput, timeout: float = 3600) -> threading.Thread:
    """Run :func:`run_consolidation` in its own process, watched by a thread (not the request)."""
    import atexit
    import multiprocessing

    global _EXIT_HOOKED
    if not _EXIT_HOOKED:  # runs before multiprocessing's own exit hook, which would join the children
        atexit.register(_kill_running)
        _EXIT_HOOKED = True

    def watch() -> None:
        # Not a daemon: the consolidation starts its own guarded worker processes, which a daemonic
        # process may not. The server's exit kills it instead (_kill_running, at exit).
        proc = multiprocessing.get_context("spawn").Process(target=run_consolidation, args=(inp,), daemon=False)
        with _RUNNING_LOCK:
            proc.start()
            _RUNNING.add(proc)
        try:
            proc.join(timeout)
            if proc.is_alive():
                proc.kill()
                proc.join()
        finally:
            with _RUNNING_LOCK:
                _RUNNING.discard(proc)
        if proc.exitcode != 0:
            _mark_failed(inp, proc.exitcode)

    t = threading.Thread(target=watch, name=f"consolidation-{inp.job_id}", daemon=True)
    t.start()
    return t


def _mark_failed(inp: ConsolidationInput, exitcode: int | None) -> None:
    import sqlalchemy as sa

    from xlsxtools.service import db

    engine = db.make_engine(inp.database_url)
    try:
        with engine.begin() as conn:
            t = db.consolidations
            conn.execute(t.update().where(sa.and_(t.c.id == inp.job_id, t.c.status.in_(("queued", "running"))))
                         .values(status="failed", finished=db.now(),
                                 message=f"汇总进程异常结束（退出码 {exitcode}），请重试或联系管理员"))
    finally:
        engine.dispose()


def dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, default=str)
