"""Run work on untrusted files in child processes that cannot stop, hang or exhaust the run.

A parser that aborts (python-calamine raises SIGABRT when an allocation fails), loops or eats
gigabytes cannot be caught inside the process, so the work runs in forked children with an
address-space limit (``RLIMIT_AS``, on top of what the parent already uses) and a wall-clock
deadline kept by the parent:

- :class:`SafePool` maps a function over many items (the workbooks of a consolidation or a
  baseline) in ``jobs`` workers, in input order. Items go out in small batches (throughput),
  but the time limit is per item: a worker reports each result, and the item it is on is the
  first of its batch without one. A worker that dies, aborts or passes the deadline is killed
  and replaced; its item becomes ``on_fail(item, reason)`` and the rest of its batch is re-queued.
  ``multiprocessing.Pool`` waits forever for a dead worker's task; pebble's ``ProcessPool`` fails
  a whole chunk on a timeout and has no per-item limit inside a chunk, so neither fits.
- :func:`run_cli_guarded` runs one command of the command line in a forked child with the same
  limits (the single-file commands: import, check, score, actuals, dropdowns) and turns a death
  or a timeout into a Chinese message naming the file being read, exit 2.

Workers die with their parent (``PR_SET_PDEATHSIG`` on Linux, and EOF on their pipe anywhere)
and exit through ``os._exit`` without tracebacks. Without ``fork`` (Windows) everything runs
in-process, guarded only by the preflight checks.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from xlsxtools.config import Limits

CAN_FORK = hasattr(os, "fork") and sys.platform != "win32"
_MB = 1024 * 1024


# ---------------------------------------------------------------------------------------------
# Inside a child
# ---------------------------------------------------------------------------------------------


def _vm_bytes() -> int:
    try:
        with open("/proc/self/statm", "rb") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def limit_memory(memory_mb: int) -> None:
    """Cap this process's address space at what it uses now plus ``memory_mb`` (no core dumps)."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not on Windows
        return
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    want = _vm_bytes() + memory_mb * _MB
    with contextlib.suppress(ValueError, OSError):
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            want = min(want, hard)
        resource.setrlimit(resource.RLIMIT_AS, (want, hard))


def die_with_parent() -> None:
    """Linux: get SIGKILL when the parent dies (so no orphan keeps running or writes tracebacks)."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(Exception):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _child_setup(limits: Limits, parent: int) -> None:
    die_with_parent()
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops the workers
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    limit_memory(limits.memory_mb)


# ---------------------------------------------------------------------------------------------
# Reasons
# ---------------------------------------------------------------------------------------------


def timeout_reason(limits: Limits) -> str:
    return f"读取超时（{limits.seconds:g} 秒），已停止读取此文件"


def memory_reason(limits: Limits) -> str:
    return f"内存超过上限（{limits.memory_mb} MB），已停止读取此文件"


def death_reason(status: int | None, limits: Limits) -> str:
    """Why a child ended, from its exit status (negative: killed by that signal)."""
    if status is None:
        return "读取进程意外结束"
    if status < 0:
        sig = -status
        if sig in (signal.SIGABRT, signal.SIGKILL):
            # calamine aborts when an allocation fails; the kernel's OOM killer sends SIGKILL
            return f"读取程序异常终止（信号 {sig}），多半是内存超过上限（{limits.memory_mb} MB），已停止读取此文件"
        return f"读取程序崩溃（信号 {sig}），已停止读取此文件"
    return f"读取进程意外退出（退出码 {status}）"


# ---------------------------------------------------------------------------------------------
# The pool
# ---------------------------------------------------------------------------------------------


def _quiet_stderr() -> None:
    """Workers report through their pipe; a native library's dying words (calamine's "memory
    allocation failed", a Python warning) would only garble the parent's progress bar."""
    with contextlib.suppress(OSError):
        fd = os.open(os.devnull, os.O_WRONLY)
        os.dup2(fd, 2)
        os.close(fd)
    import faulthandler

    faulthandler.disable()  # when inherited (a test runner): its dump goes to a saved copy of stderr


def _worker_main(conn: Any, func: Callable[[Any], Any], init: Callable[[], None] | None, limits: Limits,
                 parent: int) -> None:
    code = 0
    try:
        _child_setup(limits, parent)
        _quiet_stderr()
        if init is not None:
            init()
        while True:
            try:
                batch = conn.recv()
            except (EOFError, OSError):
                break
            if batch is None:
                break
            for idx, item in batch:
                try:
                    msg = (idx, True, func(item))
                except MemoryError:
                    msg = (idx, False, memory_reason(limits))
                except BaseException as exc:  # reported for this item; the worker goes on
                    msg = (idx, False, f"读取时出错（{type(exc).__name__}: {str(exc)[:200]}）")
                try:
                    conn.send(msg)
                except MemoryError:
                    conn.send((idx, False, memory_reason(limits)))
                except (BrokenPipeError, EOFError, OSError):
                    raise SystemExit(0) from None
                except Exception as exc:  # an unpicklable result
                    conn.send((idx, False, f"结果无法传回（{type(exc).__name__}）"))
    except BaseException:
        code = 0  # quietly: the parent reports what happened to the item
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
        os._exit(code)


class _Worker:
    def __init__(self, ctx: Any, func: Callable[[Any], Any], init: Callable[[], None] | None, limits: Limits) -> None:
        self.conn, child = ctx.Pipe(duplex=True)
        self.proc = ctx.Process(target=_worker_main, args=(child, func, init, limits, os.getpid()), daemon=True)
        self.proc.start()
        child.close()
        self.batch: deque[tuple[int, Any]] = deque()
        self.since = 0.0  # when the current item started (the batch went out or the last result came)

    def send(self, batch: list[tuple[int, Any]]) -> None:
        self.batch.extend(batch)
        self.since = time.monotonic()
        self.conn.send(batch)

    def kill(self) -> None:
        with contextlib.suppress(Exception):
            self.proc.kill()
        with contextlib.suppress(Exception):
            self.proc.join(5)
        with contextlib.suppress(Exception):
            self.conn.close()

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self.conn.send(None)
        with contextlib.suppress(Exception):
            self.proc.join(1)
        if self.proc.is_alive():
            self.kill()
        with contextlib.suppress(Exception):
            self.conn.close()


class SafePool:
    """``map(func, items)`` in forked workers, each item bounded in time and memory (see module doc)."""

    def __init__(self, jobs: int, limits: Limits, *, init: Callable[[], None] | None = None) -> None:
        import multiprocessing

        self.ctx = multiprocessing.get_context("fork")
        self.jobs = max(1, jobs)
        self.limits = limits
        self.init = init
        self.workers: list[_Worker] = []
        self.func: Callable[[Any], Any] = lambda item: item
        #: (item index, reason) of every item that ended its worker, for tests and reports.
        self.failures: list[tuple[int, str]] = []

    def map(self, func: Callable[[Any], Any], items: Sequence[Any], on_fail: Callable[[Any, str], Any], *,
            batch: int = 1) -> Iterator[Any]:
        from multiprocessing.connection import wait

        self.func = func
        queue: deque[tuple[int, Any]] = deque(enumerate(items))
        done: dict[int, Any] = {}
        next_out = 0
        limit = self.limits.seconds
        try:
            self.workers = [_Worker(self.ctx, func, self.init, self.limits) for _ in range(min(self.jobs, len(items)))]
            for w in self.workers:
                self._feed(w, queue, batch)
            while next_out < len(items):
                while next_out in done:
                    yield done.pop(next_out)
                    next_out += 1
                if next_out >= len(items):
                    break
                busy = [w for w in self.workers if w.batch]
                if not busy:  # nothing in flight (all workers replaced): start what is queued
                    for w in self.workers:
                        self._feed(w, queue, batch)
                    continue
                now = time.monotonic()
                wait_for = max(0.0, min(w.since + limit for w in busy) - now)
                ready = wait([w.conn for w in busy] + [w.proc.sentinel for w in busy], timeout=wait_for)
                for w in list(busy):
                    if w.conn in ready:
                        try:
                            while w.batch and w.conn.poll():
                                idx, ok, value = w.conn.recv()
                                item = w.batch.popleft()
                                done[idx] = value if ok else on_fail(item[1], value)
                                w.since = time.monotonic()
                        except (EOFError, OSError):
                            self._replace(w, queue, batch, done, on_fail, death_reason(w.proc.exitcode, self.limits))
                            continue
                        if not w.batch:
                            self._feed(w, queue, batch)
                    elif w.proc.sentinel in ready:
                        w.proc.join(1)
                        self._replace(w, queue, batch, done, on_fail, death_reason(w.proc.exitcode, self.limits))
                    elif time.monotonic() >= w.since + limit:
                        self._replace(w, queue, batch, done, on_fail, timeout_reason(self.limits))
        finally:
            for w in self.workers:
                w.stop()
            self.workers = []

    def _feed(self, w: _Worker, queue: deque, size: int) -> None:
        if queue and not w.batch:
            w.send([queue.popleft() for _ in range(min(size, len(queue)))])

    def _replace(self, w: _Worker, queue: deque, size: int, done: dict[int, Any],
                 on_fail: Callable[[Any, str], Any], reason: str) -> None:
        """Kill ``w``; its current item fails with ``reason``, the rest of its batch goes back first."""
        w.kill()
        if w.batch:
            idx, item = w.batch.popleft()
            done[idx] = on_fail(item, reason)
            self.failures.append((idx, reason))
            queue.extendleft(reversed(w.batch))
            w.batch.clear()
        i = self.workers.index(w)
        fresh = _Worker(self.ctx, self.func, self.init, self.limits)
        self.workers[i] = fresh
        self._feed(fresh, queue, size)


# ---------------------------------------------------------------------------------------------
# One command in a guarded child
# ---------------------------------------------------------------------------------------------


def run_cli_guarded(run: Callable[[], None], limits: Limits, files: int) -> None:
    """Run ``run`` (a command that ends with ``sys.exit``) in a forked child with ``limits``.

    The time limit is ``limits.seconds`` per input file. Exits with the child's code; a child that
    dies or passes its deadline ends in a Chinese message naming the file it was reading, exit 2.
    """
    from xlsxtools.workbook import preflight

    r, w = os.pipe()
    parent = os.getpid()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child
        code = 0
        try:
            os.close(r)
            _child_setup(limits, parent)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            preflight.set_report_fd(w)
            run()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        except MemoryError:
            with contextlib.suppress(Exception):
                sys.stderr.write(f"错误：{memory_reason(limits)}\n")
            code = 2
        except BaseException:
            code = 3
        finally:
            with contextlib.suppress(Exception):
                sys.stdout.flush()
            with contextlib.suppress(Exception):
                sys.stderr.flush()
            os._exit(code)
    os.close(w)
    deadline = time.monotonic() + limits.seconds * max(1, files) + 5
    current = b""
    status: int | None = None
    timed_out = False
    try:
        os.set_blocking(r, False)
        while True:
            with contextlib.suppress(BlockingIOError):
                while chunk := os.read(r, 65536):
                    current += chunk
            done_pid, st = os.waitpid(pid, os.WNOHANG)
            if done_pid:
                status = os.waitstatus_to_exitcode(st)
                break
            if time.monotonic() > deadline:
                os.kill(pid, signal.SIGKILL)
                _, st = os.waitpid(pid, 0)
                timed_out = True
                break
            time.sleep(0.01 if time.monotonic() < deadline - limits.seconds * max(1, files) + 0.5 else 0.05)
    except KeyboardInterrupt:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        sys.exit(130)
    finally:
        with contextlib.suppress(BlockingIOError, OSError):
            current += os.read(r, 65536)
        os.close(r)
    names = [n for n in current.decode("utf-8", "surrogateescape").splitlines() if n]
    where = f"{names[-1]}：" if names else ""
    if timed_out:
        reason = f"处理超时（每个文件 {limits.seconds:g} 秒），已停止"
    elif status is not None and status < 0:
        reason = death_reason(status, limits)
    else:
        sys.exit(status if status is not None else 3)
    sys.stdout.flush()
    print(f"错误：{where}{reason}", file=sys.stderr)
    sys.exit(2)
