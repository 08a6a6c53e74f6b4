"""The I/O side of the consolidation: find workbooks, read them in parallel, spool, write.

Workers (one process per core for large folders, in-process for small ones) each read one
workbook with python-calamine, check and score it, and send back a small :class:`UnitResult`
with its 指标明细 / 问题清单 rows rendered as SpreadsheetML (plus the whole detail when the
tamper check or the history needs it). Results are streamed with ``imap`` (input order, so the
run is deterministic); the parent numbers the rows into the summary's row spools as they arrive,
overlapping the writing with the reading, and spools the rest to a temporary file: its memory
stays flat however many workbooks there are. Source files are only ever opened for reading.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from xlsxtools.atomic import atomic_path, private_tmpdir
from xlsxtools.config import Config
from xlsxtools.consolidate.baseline import Baseline, approved_from_table, read_baseline_file
from xlsxtools.consolidate.core import (
    Consolidation,
    aggregate,
    apply_baseline,
    evaluate_workbook,
    pack,
    unreadable_result,
)
from xlsxtools.consolidate.records import TAMPER_CHANGED, RunInfo, Trend, UnitDetail, UnitResult
from xlsxtools.errors import UserError
from xlsxtools.sandbox import memory_reason

#: Files read as workbooks: the formats every command reads (reader.WORKBOOK_SUFFIXES).
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
LOCK_PREFIX = "~$"
#: Below this many files one worker reads them all (starting more costs more than it saves).
PARALLEL_MIN_FILES = 24
#: Indicators per unit workbook, to choose the summary writer's mode before reading.
ROWS_PER_UNIT_ESTIMATE = 30

SKIP_LOCK = "Excel 临时锁定文件（~$ 开头）"
SKIP_OTHER = "不是 Excel 工作簿（扩展名不是 .xlsx/.xlsm/.xls/.xlsb/.ods）"
SKIP_OUTPUT = "汇总输出文件本身"
SKIP_HIDDEN = "隐藏文件或临时文件（. 开头）"
SKIP_LINKED_DIR = "指向文件夹的符号链接（不跟随，以免循环）"


# ----------------------------------------------------------------------------------------------
# Finding the files
# ----------------------------------------------------------------------------------------------


@dataclass
class Discovery:
    files: list[str] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)
    #: Every skipped file by name with its reason (listed on the summary's 说明 sheet).
    skipped_files: list[tuple[str, str]] = field(default_factory=list)

    def skip(self, reason: str, path: str | None = None) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + 1
        if path is not None:
            self.skipped_files.append((path, reason))


def discover(paths: Sequence[str | os.PathLike[str]], exclude: Iterable[str | os.PathLike[str]] = ()) -> Discovery:
    """Every workbook under ``paths`` (folders recursively, files as given), sorted, no repeats."""
    excluded = {os.path.realpath(p) for p in exclude}
    found: dict[str, str] = {}
    d = Discovery()

    def consider(path: str) -> None:
        name = os.path.basename(path)
        real = os.path.realpath(path)
        if real in excluded:
            d.skip(SKIP_OUTPUT, path)
        elif name.startswith(LOCK_PREFIX):
            d.skip(SKIP_LOCK, path)
        elif name.startswith("."):
            d.skip(SKIP_HIDDEN, path)
        elif not name.lower().endswith(WORKBOOK_SUFFIXES):
            d.skip(SKIP_OTHER, path)
        else:
            # the same file reached twice (a link to it) is read once; anything that is not a
            # regular file (a link to a device, a loop) is listed under its own name
            key_ = real if os.path.isfile(real) else path
            if key_ not in found:
                found[key_] = path

    for p in paths:
        p = os.fspath(p)
        if os.path.isdir(p):
            # Symlinked folders are not followed (a link loop would never end); every file found,
            # regular or not, is listed: special files and broken links become 无法读取 rows.
            for root, dirs, files in os.walk(p):
                dirs.sort()
                for dname in dirs:
                    if os.path.islink(os.path.join(root, dname)):
                        d.skip(SKIP_LINKED_DIR, os.path.join(root, dname))
                for f in sorted(files):
                    consider(os.path.join(root, f))
        elif os.path.lexists(p) and not os.path.isdir(p):
            consider(p)
        else:
            raise UserError("文件夹或文件不存在", file=p)
    d.files = sorted(found.values())
    return d


# ----------------------------------------------------------------------------------------------
# One workbook (runs in a worker)
# ----------------------------------------------------------------------------------------------

_CONFIG: Config | None = None
#: What the workers send back besides the rendered rows: the whole detail (the tamper check and
#: the history need it) and the indicator digests (only the tamper check compares them).
_DETAIL = True
_DIGESTS = True


def _init_worker(config: Config, detail: bool = True, digests: bool = True) -> None:
    global _CONFIG, _DETAIL, _DIGESTS
    from xlsxtools.workbook.preflight import set_limits

    _CONFIG, _DETAIL, _DIGESTS = config, detail, digests
    set_limits(config.limits)


def evaluate_path(path: str, config: Config, *, digests: bool = True) -> tuple[UnitResult, UnitDetail]:
    """Read, check and score one workbook; never raises for a bad file (it becomes a W00x row).

    The preflight (regular file, size, unpacked size, sheet extents) runs inside the reader,
    before python-calamine sees the bytes.
    """
    from xlsxtools.errors import NotATemplateWorkbook, UnreadableFile
    from xlsxtools.workbook.preflight import NotRegularFile, OverLimit, regular_stat
    from xlsxtools.workbook.reader import read_unit_workbook

    try:
        st = regular_stat(path, config.limits)
    except UserError as exc:
        return unreadable_result(path, _code(exc), _reason(exc))
    mtime, size = st.st_mtime, st.st_size
    try:
        wb = read_unit_workbook(path)
    except NotATemplateWorkbook as exc:
        return unreadable_result(path, "W001", _reason(exc), mtime=mtime, size=size)
    except (OverLimit, NotRegularFile) as exc:
        return unreadable_result(path, _code(exc), _reason(exc), mtime=mtime, size=size)
    except UnreadableFile as exc:
        return unreadable_result(path, "W004", _reason(exc), mtime=mtime, size=size)
    except UserError as exc:
        return unreadable_result(path, "W004", _reason(exc), mtime=mtime, size=size)
    except MemoryError:
        return unreadable_result(path, "W005", memory_reason(config.limits), mtime=mtime, size=size)
    except Exception as exc:  # a workbook the reader chokes on must not stop the other units
        return unreadable_result(path, "W004", f"读取时出错（{type(exc).__name__}: {str(exc)[:200]}）",
                                 mtime=mtime, size=size)
    try:
        return evaluate_workbook(wb, config, mtime=mtime, size=size, digests=digests)
    except MemoryError:
        return unreadable_result(path, "W005", memory_reason(config.limits), mtime=mtime, size=size)
    except Exception as exc:
        return unreadable_result(path, "W004", f"检查或计分时出错（{type(exc).__name__}: {str(exc)[:200]}）",
                                 mtime=mtime, size=size)


def _code(exc: UserError) -> str:
    from xlsxtools.workbook.preflight import NotRegularFile, OverLimit

    return "W005" if isinstance(exc, OverLimit) else "W006" if isinstance(exc, NotRegularFile) else "W004"


def _reason(exc: UserError) -> str:
    text = exc.message
    if exc.sheet:
        text = f"工作表「{exc.sheet}」" + (f"单元格 {exc.cell}" if exc.cell else "") + f"：{text}"
    if exc.hint:
        text += f"（{exc.hint}）"
    return text


def _work(path: str) -> UnitResult:
    from xlsxtools.consolidate.summary import render_rows

    assert _CONFIG is not None
    result, detail = evaluate_path(path, _CONFIG, digests=_DIGESTS)
    try:
        rows = render_rows(result, detail)
    except Exception as exc:  # a value the summary cannot hold must not stop the other units
        result, detail = unreadable_result(path, "W004", f"写入汇总时出错（{type(exc).__name__}: {exc}）",
                                           mtime=result.mtime, size=result.size)
        rows = render_rows(result, detail)
    return pack(result, detail, rows, with_detail=_DETAIL)


def _failed_unit(path: str, reason: str) -> UnitResult:
    """The summary row of a workbook whose worker died, timed out or ran out of memory."""
    from xlsxtools.consolidate.summary import render_rows

    mtime, size = 0.0, 0
    with contextlib.suppress(OSError):
        st = os.lstat(path)
        mtime, size = st.st_mtime, st.st_size
    result, detail = unreadable_result(path, "W005", reason, mtime=mtime, size=size)
    return pack(result, detail, render_rows(result, detail), with_detail=_DETAIL)


def _xml_safe_texts(res: UnitResult) -> None:
    """The texts of a result as the summary can hold them (a file name may carry any character)."""
    from xlsxtools.xmlsafe import xml_safe

    for name in ("path", "reason", "unit_name", "year", "note"):
        v = getattr(res, name)
        if v:
            setattr(res, name, xml_safe(v))


def _failed_approve(path: str, reason: str) -> tuple[str, float, Any]:
    return path, 0.0, reason


def _approve(path: str) -> tuple[str, float, Any]:
    """Worker for baselines: the approved form of one workbook's table, or the reason it failed."""
    try:
        from xlsxtools.workbook.reader import read_unit_workbook

        wb = read_unit_workbook(path)
        return path, os.stat(path).st_mtime, approved_from_table(wb.table, path)
    except UserError as exc:
        return path, 0.0, _reason(exc)
    except Exception as exc:
        return path, 0.0, f"{type(exc).__name__}: {exc}"


# ----------------------------------------------------------------------------------------------
# Parallel map with a progress bar
# ----------------------------------------------------------------------------------------------


def default_jobs() -> int:
    return os.cpu_count() or 1


def parallel_map(func: Callable[[str], Any], items: Sequence[str], *, jobs: int | None, config: Config,
                 progress: bool, label: str, detail: bool = True, digests: bool = True,
                 on_fail: Callable[[str, str], Any] | None = None) -> Iterator[Any]:
    """``map(func, items)`` in input order, each item in a worker process bounded by ``config.limits``.

    A worker that dies, aborts, runs out of memory or passes the time limit gives
    ``on_fail(item, reason)`` for its item and is replaced (:class:`xlsxtools.sandbox.SafePool`).
    Few items use one worker; without ``fork`` (Windows) they are read in-process.
    """
    import functools

    from xlsxtools.sandbox import CAN_FORK, SafePool

    jobs = default_jobs() if jobs is None or jobs < 1 else jobs
    jobs = min(jobs, max(1, len(items)))
    if len(items) < PARALLEL_MIN_FILES:
        jobs = 1
    bar = None
    if not CAN_FORK or on_fail is None or not items:
        _init_worker(config, detail, digests)
        bar = _progress(len(items), label) if progress and items else None
        try:
            for item in items:
                yield func(item)
                if bar:
                    bar.advance()
        finally:
            if bar:
                bar.stop()
        return
    _init_worker(config, detail, digests)  # the parent renders the rows of failed items
    pool = SafePool(jobs, config.limits, init=functools.partial(_init_worker, config, detail, digests))
    batch = max(1, min(16, len(items) // (jobs * 8)))
    results = pool.map(func, items, on_fail, batch=batch)
    try:
        # The progress thread starts only after the workers were forked.
        first = next(results, _END)
        bar = _progress(len(items), label) if progress else None
        if first is not _END:
            yield first
            if bar:
                bar.advance()
            for res in results:
                yield res
                if bar:
                    bar.advance()
    finally:
        results.close()
        if bar:
            bar.stop()


_END = object()


class _Bar:
    def __init__(self, total: int, label: str) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self.progress = Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                                 transient=True)
        self.task = self.progress.add_task(label, total=total)
        self.progress.start()

    def advance(self) -> None:
        self.progress.advance(self.task)

    def stop(self) -> None:
        self.progress.stop()


def _progress(total: int, label: str) -> _Bar | None:
    return _Bar(total, label) if sys.stderr.isatty() else None


# ----------------------------------------------------------------------------------------------
# Spool: details on disk between reading and writing
# ----------------------------------------------------------------------------------------------


class Spool:
    """Append-only temporary file of pickled UnitDetails."""

    def __init__(self) -> None:
        self.fh = tempfile.TemporaryFile(prefix="xlsxtools-spool-")
        self.size = 0

    def put(self, blob: bytes) -> tuple[int, int]:
        self.fh.seek(self.size)
        self.fh.write(blob)
        ref = (self.size, len(blob))
        self.size += len(blob)
        return ref

    def get(self, ref: tuple[int, int]) -> Any:
        self.fh.seek(ref[0])
        return pickle.loads(self.fh.read(ref[1]))

    def load(self, u: UnitResult) -> UnitDetail:
        return self.get(u.detail_ref) if u.detail_ref is not None else UnitDetail()

    def load_rows(self, u: UnitResult) -> Any:
        return self.get(u.rows_ref) if u.rows_ref is not None else ([], [])

    def close(self) -> None:
        self.fh.close()


# ----------------------------------------------------------------------------------------------
# Baselines and rosters
# ----------------------------------------------------------------------------------------------


def build_baseline(paths: Sequence[str | os.PathLike[str]], *, jobs: int | None = None, progress: bool = False,
                   config: Config | None = None) -> Baseline:
    """The approved tables of every unit workbook under ``paths``."""
    found = discover(paths)
    base = Baseline(source="；".join(os.fspath(p) for p in paths))
    results = sorted(parallel_map(_approve, found.files, jobs=jobs, config=config or Config(), progress=progress,
                                  label="读取核定表", on_fail=_failed_approve), key=lambda r: (r[1], r[0]))
    for path, _mtime, res in results:  # oldest first, so the newest approved copy of a unit wins
        if isinstance(res, str):
            base.notes.append(f"{path}：无法读取核定表（{res}）")
        else:
            base.add(res)
    return base


def load_baseline(path: str | os.PathLike[str], *, jobs: int | None = None, progress: bool = False,
                  config: Config | None = None) -> Baseline:
    """A baseline file (JSON from ``xlsxtools baseline``) or a folder of approved workbooks."""
    from xlsxtools.workbook.preflight import regular_stat

    p = Path(path)
    if p.is_dir():
        return build_baseline([p], jobs=jobs, progress=progress, config=config)
    try:
        regular_stat(p)  # a FIFO or a device would block the reader
    except UserError as exc:
        raise UserError(f"无法读取核定基线：{exc.message}", file=str(p)) from exc
    if p.suffix.lower() in (".xlsx", ".xlsm"):
        return build_baseline([p], jobs=1, config=config)
    return read_baseline_file(p)


def load_roster(path: str | os.PathLike[str]) -> list[str]:
    """Unit names: a text file one per line, or the first column of a CSV or XLSX (header skipped)."""
    from xlsxtools.workbook.preflight import check_workbook, regular_stat

    p = Path(path)
    try:
        regular_stat(p)
    except UserError as exc:
        raise UserError(f"无法读取名册：{exc.message}", file=str(p)) from exc
    suffix = p.suffix.lower()
    names: list[str] = []
    if suffix in WORKBOOK_SUFFIXES:
        import python_calamine

        check_workbook(p)
        try:
            wb = python_calamine.CalamineWorkbook.from_path(str(p))
            rows = wb.get_sheet_by_index(0).to_python()
        except BaseException as exc:  # a Rust panic is a BaseException
            if isinstance(exc, KeyboardInterrupt | SystemExit):
                raise
            raise UserError(f"无法读取名册：{exc}", file=str(p)) from exc
        names = [r[0] for r in rows if r]
    else:
        from xlsxtools.textfile import read_text

        text = read_text(p)
        if suffix == ".csv":
            from xlsxtools.textfile import csv_records

            names = [r[0] for _, r in csv_records(text, str(p)) if r]
        else:
            names = text.splitlines()
    from xlsxtools.normalize import clean
    from xlsxtools.xmlsafe import xml_safe

    out = [xml_safe(clean(n)) for n in names if clean(n)]
    if out and out[0] in ("单位名称", "单位", "部门（单位）名称", "部门(单位)名称", "名称"):
        out = out[1:]
    return out


# ----------------------------------------------------------------------------------------------
# The whole run
# ----------------------------------------------------------------------------------------------


@dataclass
class Report:
    """What a run did (for the command's closing lines and for tests)."""

    output: Path
    files: int
    skipped: dict[str, int]
    units: int
    unreadable: int
    duplicates: int
    errors: int
    warnings: int
    tampered: int
    missing: int
    seconds: float
    period: str | None = None
    trend: Trend | None = None
    #: Warnings about the summary itself (also on its 说明 sheet).
    notes: list[str] = field(default_factory=list)
    #: Monitoring state (红/黄/绿) → units, for the units that filled 运行监控; the units that got
    #: worse since the previous period (with --history).
    monitoring: dict[str, int] = field(default_factory=dict)
    monitoring_worse: int = 0


def _nothing_found(paths: Sequence[str | os.PathLike[str]], skipped: dict[str, int]) -> str:
    where = "、".join(os.fspath(p) for p in paths)
    why = "；".join(f"{reason} {n} 个" for reason, n in sorted(skipped.items()))
    return f"{where} 中没有找到单位工作簿（.xlsx / .xlsm），没有生成汇总" + (f"（跳过的文件：{why}）" if why else "")


def _none_readable(units: Sequence[UnitResult]) -> str:
    shown = "；".join(f"{u.path}：{u.reason}" for u in units[:3])
    more = f"；另有 {len(units) - 3} 个" if len(units) > 3 else ""
    return f"找到的 {len(units)} 个文件都不是可以读取的单位工作簿，没有生成汇总：{shown}{more}"


def consolidate(paths: Sequence[str | os.PathLike[str]], out: str | os.PathLike[str], *,
                roster: str | os.PathLike[str] | None = None, baseline: str | os.PathLike[str] | None = None,
                history: str | os.PathLike[str] | None = None, period: str | None = None,
                jobs: int | None = None, config: Config | None = None, progress: bool = False) -> Report:
    """Consolidate every unit workbook under ``paths`` into the summary workbook ``out``."""
    from xlsxtools import __version__
    from xlsxtools.config import load_config
    from xlsxtools.consolidate.history import check_period
    from xlsxtools.xmlsafe import xml_safe

    t0 = time.perf_counter()
    config = config or load_config()
    out = Path(out)
    if out.suffix.lower() != ".xlsx":
        raise UserError("汇总文件应以 .xlsx 结尾", file=str(out))
    period = check_period(period) if history is not None or period is not None else None
    if history is not None and os.path.lexists(history):
        from xlsxtools.workbook.preflight import regular_stat

        try:
            regular_stat(history)  # SQLite would block on a FIFO
        except UserError as exc:
            raise UserError(f"无法使用历史库：{exc.message}", file=os.fspath(history)) from exc
    roster_names = load_roster(roster) if roster is not None else None
    base = load_baseline(baseline, jobs=jobs, progress=progress, config=config) if baseline is not None else None

    found = discover(paths, exclude=[out])
    if not found.files:
        raise UserError(_nothing_found(paths, found.skipped))
    jobs_used = min(jobs or default_jobs(), max(1, len(found.files)))
    info = RunInfo(folders=[os.fspath(p) for p in paths], generated=datetime.now().strftime("%Y-%m-%d %H:%M:%S"),
                   tool_version=__version__, files=len(found.files), skipped=dict(found.skipped),
                   step_mode_label=f"{config.step_mode.value}：{config.step_mode.label}",
                   expectations=config.expectations.describe(), config_source=config.source, period=period,
                   baseline=os.fspath(baseline) if baseline is not None else None,
                   roster=os.fspath(roster) if roster is not None else None,
                   history=os.fspath(history) if history is not None else None,
                   jobs=jobs_used if len(found.files) >= PARALLEL_MIN_FILES else 1,
                   skipped_files=[(xml_safe(p), why) for p, why in found.skipped_files],
                   limits=config.limits.describe())
    info.folders = [xml_safe(f) for f in info.folders]
    info.monitoring_policy = config.monitoring.describe()
    if base is not None:
        info.notes.extend(base.notes)

    # 指标明细 and 问题清单 are written while the workers read, in file order (summary.detail_order,
    # summary.findings_order). Once a unit turns up twice, 指标明细 waits for the duplicate check;
    # if a superseded copy was already written, the summary is written afresh from the spool.
    with private_tmpdir():
        return _run(found, out, info, base, roster, roster_names, history, period, jobs, config, progress, t0)


def _run(found: Discovery, out: Path, info: RunInfo, base: Baseline | None, roster: Any, roster_names: Any,
         history: Any, period: str | None, jobs: int | None, config: Config, progress: bool, t0: float) -> Report:
    from xlsxtools import __version__
    from xlsxtools.consolidate.history import History
    from xlsxtools.consolidate.summary import CONSTANT_MEMORY_ROWS, SummaryWriter

    constant_memory = len(found.files) * ROWS_PER_UNIT_ESTIMATE > CONSTANT_MEMORY_ROWS
    need_detail = base is not None or history is not None
    spool = Spool()
    hist = None
    try:
        with atomic_path(out) as tmp:
            writer = SummaryWriter(tmp, constant_memory=constant_memory, tool_version=__version__)
            try:
                results: list[UnitResult] = []
                seen: set[str] | None = set()  # unit keys streamed so far; None once a duplicate showed up
                for res in parallel_map(_work, found.files, jobs=jobs, config=config, progress=progress,
                                        label="读取工作簿", detail=need_detail,
                                        digests=base is not None, on_fail=_failed_unit):
                    _xml_safe_texts(res)
                    if res.detail_blob is not None:
                        res.detail_ref = spool.put(res.detail_blob)
                        res.detail_blob = None
                    results.append(res)
                    blob, res.rows_blob = res.rows_blob, None
                    if blob is None:
                        continue
                    res.rows_ref = spool.put(blob)
                    detail_rows, finding_rows = pickle.loads(blob)
                    writer.add_findings(res, finding_rows)
                    if seen is not None and res.readable:
                        if res.unit_key in seen:
                            seen = None
                        else:
                            if res.unit_key:
                                seen.add(res.unit_key)
                            writer.add_detail(res, detail_rows)
                cons: Consolidation = aggregate(results, roster_names,
                                                os.fspath(roster) if roster is not None else None)
                if not any(u.readable for u in cons.units):  # no summary of nothing
                    raise UserError(_none_readable(cons.units))
                if not writer.fits(cons):  # a superseded duplicate was already written: start afresh
                    writer.close()
                    writer = SummaryWriter(tmp, constant_memory=constant_memory, tool_version=__version__)
                if base is not None:
                    apply_baseline(cons, base, spool.load, config)
                trend = None
                if history is not None:
                    assert period is not None
                    hist = History(history)
                    trend = hist.trend(period, cons.units)
                    from xlsxtools.consolidate.monitoring import monitoring_trend

                    info.monitoring_trend = monitoring_trend(hist.db, period, cons.units)
                    hist.begin_record(period, cons.units, spool.load, info)
                writer.finish(cons, spool.load_rows, info, trend)
                notes = writer.notes
            finally:
                writer.close()
        if hist is not None:  # the summary is in place: only now does the history keep this run
            hist.commit()
    finally:
        if hist is not None:
            hist.rollback()
            hist.close()
        spool.close()
    units = [u for u in cons.units if u.readable]
    return Report(
        output=out, files=len(found.files), skipped=found.skipped, units=len(units),
        unreadable=sum(1 for u in cons.units if not u.readable), duplicates=len(cons.duplicates),
        errors=sum(u.errors for u in cons.units), warnings=sum(u.warnings for u in cons.units),
        tampered=sum(1 for u in units if u.tamper.startswith(TAMPER_CHANGED)), missing=len(cons.missing),
        seconds=time.perf_counter() - t0, period=period, trend=trend, notes=notes,
        monitoring=_states(units), monitoring_worse=len(info.monitoring_trend.worse) if info.monitoring_trend else 0)


def _states(units: list[UnitResult]) -> dict[str, int]:
    out: dict[str, int] = {}
    for u in units:
        if u.counted and u.monitoring is not None and u.monitoring.state in ("红", "黄", "绿"):
            out[u.monitoring.state] = out.get(u.monitoring.state, 0) + 1
    return out
