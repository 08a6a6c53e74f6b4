"""Load benchmark of the intranet service: N concurrent clients checking uploads (loopback only).

Starts ``xlsxtools serve`` on 127.0.0.1 in a fresh data folder (SQLite by default, or
``--database-url``), creates one unit account per client, and lets every client log in and then
upload a 30-indicator unit workbook (from benchmarks/generate.py) ``--rounds`` times, one after the
other. One "check" is the upload POST (stored, read, checked and scored in the worker pool,
recorded) plus the result page it redirects to. Bounded: at most clients × rounds checks, and the
run stops after ``--max-seconds``. Prints checks/s, p50/p95/p99/max latency and errors.

    .venv/bin/python benchmarks/load.py                      # 50 clients × 4 rounds
    .venv/bin/python benchmarks/load.py --clients 10 --rounds 2
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def workbook(folder: Path) -> Path:
    from generate import build_base  # benchmarks/generate.py: ~30 indicators, actuals and budget filled

    return build_base(7, folder / "unit30.xlsm")


def cpu_seconds(pid: int) -> tuple[float, float]:
    """CPU seconds of the server process and of its children (the worker processes), from /proc."""
    tick = os.sysconf("SC_CLK_TCK")

    def own(p: int) -> float:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / tick

    children: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return own(pid), sum(own(c) for c in children)


def quantile(values: list[float], q: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=1000, method="inclusive")[int(q * 1000) - 1]


async def client_run(base: str, user: str, password: str, payload: bytes, rounds: int, start: asyncio.Event,
                     ready: list[int], deadline: list[float], latencies: list[float], errors: list[str]) -> None:
    import httpx

    async with httpx.AsyncClient(base_url=base, follow_redirects=False, timeout=60) as c:
        page = await c.get("/login")
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
        r = await c.post("/login", data={"username": user, "password": password, "csrf": csrf, "next": "/unit"})
        if r.status_code != 303 or "login" in r.headers.get("location", ""):
            errors.append(f"login {user}: {r.status_code}")
            return
        page = await c.get("/unit")
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
        ready[0] += 1
        await start.wait()  # every client logged in: the checks start together
        for _ in range(rounds):
            if time.monotonic() > deadline[0]:
                return
            t0 = time.perf_counter()
            try:
                r = await c.post("/unit/upload", data={"csrf": csrf},
                                 files={"file": ("单位绩效目标表.xlsm", payload, "application/octet-stream")})
                if r.status_code != 303 or "/unit/uploads/" not in r.headers.get("location", ""):
                    errors.append(f"upload: {r.status_code}")
                    continue
                res = await c.get(r.headers["location"])
                if res.status_code != 200 or "计分" not in res.text:
                    errors.append(f"result page: {res.status_code}")
                    continue
            except Exception as exc:
                errors.append(f"{type(exc).__name__}: {exc}")
                continue
            latencies.append(time.perf_counter() - t0)


async def drive(base: str, accounts: list[tuple[str, str]], payload: bytes, rounds: int, max_seconds: float,
                pid: int = 0) -> tuple[list[float], list[str], float, tuple[float, float, float]]:
    latencies: list[float] = []
    errors: list[str] = []
    start, ready, deadline = asyncio.Event(), [0], [0.0]
    tasks = [asyncio.create_task(client_run(base, u, p, payload, rounds, start, ready, deadline, latencies, errors))
             for u, p in accounts]
    while ready[0] + len(errors) < len(accounts):  # logins (argon2) are not part of the measurement
        await asyncio.sleep(0.05)
    deadline[0] = time.monotonic() + max_seconds
    cpu0 = cpu_seconds(pid) if pid else (0.0, 0.0)
    own0 = time.process_time()
    t0 = time.perf_counter()
    start.set()
    await asyncio.gather(*tasks)
    wall = time.perf_counter() - t0
    cpu1 = cpu_seconds(pid) if pid else (0.0, 0.0)
    return latencies, errors, wall, (cpu1[0] - cpu0[0], cpu1[1] - cpu0[1], time.process_time() - own0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--rounds", type=int, default=4, help="checks per client, one after the other")
    ap.add_argument("--workers", type=int, default=2, help="worker processes of the server (server.workers)")
    ap.add_argument("--max-seconds", type=float, default=180)
    ap.add_argument("--database-url", help="PostgreSQL URL (default: SQLite in the temp data folder)")
    args = ap.parse_args()
    if args.clients > 500 or args.rounds > 50:
        ap.error("bounded: at most 500 clients and 50 rounds")

    tmp = Path(tempfile.mkdtemp(prefix="xlsxtools-load-"))
    try:
        data = tmp / "data"
        payload = workbook(tmp).read_bytes()
        roster = tmp / "名册.txt"
        roster.write_text("\n".join(f"压测单位{i:03d}" for i in range(1, args.clients + 1)) + "\n", encoding="utf-8")
        toml = tmp / "xlsxtools.toml"
        lines = ["[server]", f'data = "{data}"', f"workers = {args.workers}"]
        if args.database_url:
            lines.append(f'database_url = "{args.database_url}"')
        toml.write_text("\n".join(lines) + "\n", encoding="utf-8")
        exe = [sys.executable, "-m", "xlsxtools", "serve", "--config", str(toml)]
        out = subprocess.run([*exe, "init", "--roster", str(roster)], check=True, capture_output=True, text=True).stdout
        accounts = re.findall(r"^(dw\d+)\s+(\S+)\s", out, re.M)
        assert len(accounts) == args.clients, out
        port = free_port()
        server = subprocess.Popen([*exe, "--host", "127.0.0.1", "--port", str(port)], stderr=subprocess.PIPE,
                                  text=True, start_new_session=True)
        try:
            base = f"http://127.0.0.1:{port}"
            import httpx

            for _ in range(300):
                try:
                    if httpx.get(base + "/login", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.1)
            else:
                raise SystemExit("the server did not start")
            # warm the worker processes up (first imports), not counted
            asyncio.run(drive(base, accounts[:2], payload, 1, 60))
            lat, errors, wall, cpu = asyncio.run(drive(base, accounts, payload, args.rounds, args.max_seconds,
                                                       server.pid))
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(20)
        n = len(lat)
        print(f"xlsxtools serve load: {args.clients} concurrent clients × {args.rounds} checks of a "
              f"{len(payload) // 1024} KB 30-indicator workbook (upload + result page), server workers {args.workers}, "
              f"{'PostgreSQL' if args.database_url else 'SQLite'}, {os.cpu_count()} CPUs")
        if not n:
            print(f"no successful checks; errors: {len(errors)} {errors[:5]}")
            raise SystemExit(1)
        print(f"  checks {n}, errors {len(errors)}, wall {wall:.1f} s, {n / wall:.1f} checks/s")
        print(f"  latency p50 {quantile(lat, .50) * 1000:.0f} ms, p95 {quantile(lat, .95) * 1000:.0f} ms, "
              f"p99 {quantile(lat, .99) * 1000:.0f} ms, max {max(lat) * 1000:.0f} ms")
        print(f"  CPU per check: server process {cpu[0] / n * 1000:.1f} ms, "
              f"worker processes {cpu[1] / n * 1000:.1f} ms, these clients {cpu[2] / n * 1000:.1f} ms; load average now "
              f"{os.getloadavg()[0]:.1f}")
        if errors:
            print("  first errors:", errors[:5])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
