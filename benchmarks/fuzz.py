"""The full fuzz corpus: ≥ 2,000 broken and hostile files through every command, then one
consolidation of the whole corpus next to 20 valid units.

Every class of tests/fuzz/corpus.py (container damage, zip and XML bombs, far cells in any sheet,
huge merges and dimensions, shared-string counts, odd values in every kind of cell, .xls/.xlsb/.ods,
broken .docx and text tables, FIFOs, device links and symlink loops) is generated with a fixed
seed. Each command run is the real entry ``xlsxtools.cli.main([...])`` in a child forked from a
pre-imported parent (address-space limit = the configured memory_mb above the parent's, a wall
deadline), with the command's own sandbox switched off: a crash counts even when the sandbox
would have caught it. Prints per command OK / crash / hang / over-memory / input-changed, then
the consolidation's wall time and whether every valid unit was scored and every bad file named.

    python benchmarks/fuzz.py                  # 85 files per class (≈ 2,050 files)
    python benchmarks/fuzz.py --per-class 10   # a quick look
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fuzz import corpus, harness  # noqa: E402
from tests.fuzz.run import build, environment, run_commands, run_consolidation, valid_units  # noqa: E402

#: Classes that cost hundreds of MB to inflate while generating: fewer files.
HEAVY = {"zip_bomb": 12, "zip_lying_directory": 9, "shared_strings": 40}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--per-class", type=int, default=85)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--dir", type=Path, default=ROOT / "benchmarks" / "data" / "fuzz")
    ap.add_argument("--parallel", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds per command run before it counts as a hang")
    ap.add_argument("--memory-mb", type=int, default=1024, help="address space per run above the parent's")
    ap.add_argument("--commands", default=",".join(harness.COMMANDS))
    ap.add_argument("--classes", help="only these classes (comma-separated; default: all)")
    ap.add_argument("--no-consolidate", action="store_true")
    args = ap.parse_args()

    t0 = time.monotonic()
    only = args.classes.split(",") if args.classes else list(corpus.CLASSES)
    light = [c for c in corpus.CLASSES if c not in HEAVY and c in only]
    cases, bases = build(args.dir / "corpus", args.per_class, args.seed, classes=light)
    for cls, n in HEAVY.items():
        if cls not in only:
            continue
        cases += corpus.generate(args.dir / "corpus", min(n, args.per_class), args.seed, classes=[cls], bases=bases,
                                 special=False)
    by_class = Counter(c.cls for c in cases)
    print(f"corpus: {len(cases)} files in {len(by_class)} classes ({time.monotonic() - t0:.0f} s to generate); "
          f"{environment()}", flush=True)
    print("  " + ", ".join(f"{k} {v}" for k, v in sorted(by_class.items())), flush=True)

    done = [0]
    total = len(cases) * len(args.commands.split(","))

    def progress(run: harness.Run) -> None:
        done[0] += 1
        if run.outcome != "ok":
            print(f"  {run.outcome}: {run.command} {run.path} ({run.detail})", flush=True)
        if done[0] % 500 == 0:
            print(f"  … {done[0]}/{total} runs", flush=True)

    t1 = time.monotonic()
    runs = run_commands(cases, bases, args.dir / "work", parallel=args.parallel, timeout=args.timeout,
                        memory_mb=args.memory_mb, commands=tuple(args.commands.split(",")), progress=progress)
    print(f"\ncommands: {len(runs)} runs in {time.monotonic() - t1:.0f} s "
          f"(slowest {max(r.seconds for r in runs):.1f} s, largest {max(r.max_rss_mb for r in runs):.0f} MB)\n")
    print(harness.table(runs))
    bad = [r for r in runs if r.outcome != "ok"]
    if not args.no_consolidate:
        valid = valid_units(bases, args.dir / "valid", 20)
        res = run_consolidation(args.dir / "corpus", valid, args.dir / "summary" / "汇总.xlsx")
        print(f"\nconsolidate: {res.bad_files} corpus files + {len(valid)} valid units → exit {res.code} in "
              f"{res.seconds:.1f} s wall (peak {res.max_rss_mb:.0f} MB); valid units scored {res.valid_scored}/"
              f"{len(valid)}; corpus files named with their reason {res.bad_named}/{res.bad_files}")
        print("  " + ", ".join(f"{k or '（空）'} {v}" for k, v in sorted(res.statuses.items(), key=str)))
        for p in res.unnamed[:20]:
            print(f"  not named: {p}")
        ok = res.code == 0 and res.valid_scored == len(valid) and not res.unnamed
    else:
        ok = True
    return 0 if ok and not bad else 1


if __name__ == "__main__":
    sys.exit(main())
