"""Measure the importer and the checks on the corpus of real published tables (issue 11).

    .venv/bin/python benchmarks/corpus.py [tests/data/real] [--verbose]

For every source file under ``tests/data/real/<id>/`` (every form of a table is read: source.tsv,
.html, .docx, .xlsx, .pdf …) it compares what xlsxtools reads with the hand-written
``expected.json`` and prints per table and in total: tables read, indicators found, level 1 and
2 right, points right, rule kinds right, rows wrongly taken as indicators, and errors raised with
how many of them are real defects listed in ``expected.json``.

Matching: an expected indicator is found when a read indicator has the same name (by
``normalize.key``; a name cut short on one side still matches when one key contains the other
and both have at least 4 characters). An error is a real defect when the defect list names its
row (by indicator name) or, for an error without a row, when the table lists a defect with that
code or names no row ("表", the table itself).
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from xlsxtools.normalize import key  # noqa: E402

FORMS = (".tsv", ".txt", ".md", ".html", ".htm", ".docx", ".xlsx", ".xls", ".pdf", ".doc", ".wps", ".et")


@dataclass
class Counts:
    tables_expected: int = 0
    tables_read: int = 0
    indicators: int = 0
    found: int = 0
    levels_right: int = 0
    points_stated: int = 0
    points_right: int = 0
    rules_stated: int = 0
    rules_right: int = 0
    wrong_rows: int = 0
    kinds_right: int = 0
    frameworks_right: int = 0
    #: 监控表: the 1–N月执行情况 / 全年预计 (actual) and 完成目标可能性 (likelihood) cells stated, and read right
    monitor_cells: int = 0
    monitor_right: int = 0
    errors: int = 0
    real_errors: int = 0
    failures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    matches: list[str] = field(default_factory=list)

    def add(self, o: Counts) -> None:
        for k, v in vars(o).items():
            if isinstance(v, int):
                setattr(self, k, getattr(self, k) + v)
            else:
                getattr(self, k).extend(v)


def _same(a: str | None, b: str | None) -> bool:
    ka, kb = key(a or ""), key(b or "")
    if not ka or not kb:
        return a is not None and b is not None and not ka and not kb  # both unnamed
    return ka == kb or (min(len(ka), len(kb)) >= 4 and (ka in kb or kb in ka))


def _dec(v) -> Decimal | None:
    if v is None or v == "":
        return None
    try:
        return Decimal(str(v).replace("分", "").strip())
    except Exception:
        return None


_TOPICS = {"S006": ("预算",), "A007": ("预算",), "S005": ("总分", "得分"), "T006": ("合计", "总分", "分值")}


def _table_level(defect: dict, table) -> bool:
    """A defect about the table, not one indicator row (预算执行情况, 产出指标, 总分 …)."""
    return not any(_same(defect.get("name"), ind.name) for ind in table.indicators)


def _topic(code: str, message: str, defect: dict) -> bool:
    """Does a table-level error speak of the same thing as the defect? Points totals (T001–T005)
    match a defect about points of a level 1; the others by their subject words."""
    text = f"{defect.get('name', '')} {defect.get('what', '')}"
    if code in ("T001", "T002", "T003", "T005"):
        levels = ("成本指标", "产出指标", "效益指标", "满意度指标")
        named = [w for w in levels if w in text]
        return bool(named) and ("分" in text or code == "T005") and (
            code != "T005" or any(w in message for w in named))
    return any(w in text for w in _TOPICS.get(code, ()))


def evaluate_file(path: Path, expected: dict) -> Counts:
    from xlsxtools.checks import run_checks
    from xlsxtools.config import Config
    from xlsxtools.errors import UserError
    from xlsxtools.importer import import_tables
    from xlsxtools.rules import parse_rule
    from xlsxtools.scoring import _default_rule

    c = Counts()
    exp_tables = expected["tables"]
    c.tables_expected = len(exp_tables)
    for t in exp_tables:
        c.indicators += len(t["indicators"])
        c.points_stated += sum(1 for i in t["indicators"] if i.get("points") is not None)
        c.rules_stated += sum(1 for i in t["indicators"] if i.get("rule_kind"))
    try:
        tables = import_tables(path)
    except UserError as exc:
        c.failures.append(f"{path.parent.name}/{path.name}: {exc}")
        return c
    c.tables_read = min(len(tables), len(exp_tables))
    if len(tables) != len(exp_tables):
        c.notes.append(f"{path.parent.name}/{path.name}: 读出 {len(tables)} 张表，应为 {len(exp_tables)} 张")
    for n, et in enumerate(exp_tables):
        got = tables[n] if n < len(tables) else None
        if got is None:
            continue
        used: set[int] = set()
        if got.kind == expected["kind"]:
            c.kinds_right += 1
        else:
            c.notes.append(f"{path.parent.name}/{path.name}: 表格类型读作 {got.kind}，应为 {expected['kind']}")
        if got.framework == expected["framework"]:
            c.frameworks_right += 1
        else:
            c.notes.append(f"{path.parent.name}/{path.name}: 指标体系读作 {got.framework}，应为 {expected['framework']}")
        likely = et.get("likelihood", {})
        for ei in et["indicators"]:
            hit = next((j for j, ind in enumerate(got.indicators) if j not in used and _same(ind.name, ei["name"])),
                       None)
            if hit is None:
                c.notes.append(f"{path.parent.name}/{path.name}: 未找到指标“{ei['name']}”")
                continue
            used.add(hit)
            ind = got.indicators[hit]
            c.found += 1
            if expected["kind"] == "monitoring":
                for what, want, have in (("执行情况", ei.get("actual"), ind.actual),
                                         ("完成目标可能性", likely.get(ei["name"]), ind.reason)):
                    if want is None:
                        continue
                    c.monitor_cells += 1
                    if key(have) == key(want):
                        c.monitor_right += 1
                    else:
                        c.notes.append(f"{path.parent.name}/{path.name}: “{ei['name']}”{what}读作“{have}”，应为“{want}”")
            if (ind.level1 or None) == ei.get("level1") and (ind.level2 or None) == ei.get("level2"):
                c.levels_right += 1
            else:
                c.notes.append(f"{path.parent.name}/{path.name}: “{ei['name']}”层级读作 {ind.level1}/{ind.level2}，"
                               f"应为 {ei.get('level1')}/{ei.get('level2')}")
            if ei.get("points") is not None:
                if ind.weight is not None and ind.weight == _dec(ei["points"]):
                    c.points_right += 1
                else:
                    c.notes.append(f"{path.parent.name}/{path.name}: “{ei['name']}”分值读作 {ind.weight}，应为 {ei['points']}")
            if ei.get("rule_kind"):
                pr = parse_rule(ind.rule_text)
                kind = "UNSCORABLE" if pr.unscorable else (str(pr.kind) if pr.kind else None)
                default = _default_rule(ind, pr, Config())
                if default is not None:  # no rule text, only points: the rule xlsxtools scores with
                    kind = str(default.kind)
                if kind == ei["rule_kind"]:
                    c.rules_right += 1
                else:
                    c.notes.append(f"{path.parent.name}/{path.name}: “{ei['name']}”规则读作 {kind}，应为 {ei['rule_kind']}")
        for j, ind in enumerate(got.indicators):
            if j not in used:
                c.wrong_rows += 1
                c.notes.append(f"{path.parent.name}/{path.name}: 多读了一行“{ind.name}”（{ind.origin.row}）")
        findings = run_checks(got)
        defects = et.get("defects", [])
        names = {i: ind.name for i, ind in enumerate(got.indicators)}
        rows = {ind.origin.row: ind.name for ind in got.indicators}
        for f in findings:
            if str(f.severity) != "error":
                continue
            c.errors += 1
            name = rows.get(f.row) if f.row is not None else None
            real = False
            for d in defects:
                if name is not None and _same(d.get("name"), name):
                    real = True
                elif name is None and _table_level(d, got) and (
                        d.get("expect_code") == f.code or _topic(f.code, f.message, d)):
                    real = True
            if real:
                c.real_errors += 1
                c.matches.append(f"{path.parent.name}/{path.name}: {f.code} {f.message[:70]}  ⇐  "
                                 + "；".join(f"{d.get('expect_code') or '—'} {d.get('what', '')[:50]}" for d in defects
                                            if (name is not None and _same(d.get('name'), name))
                                            or (name is None and _table_level(d, got)
                                                and (d.get('expect_code') == f.code or _topic(f.code, f.message, d)))))
            else:
                c.notes.append(f"{path.parent.name}/{path.name}: 误报 {f.code} {f.message[:80]}")
        del names
    return c


def evaluate(root: Path) -> list[tuple[str, Counts]]:
    out = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        exp_path = folder / "expected.json"
        if not exp_path.exists():
            continue
        expected = json.loads(exp_path.read_text(encoding="utf-8"))
        for src in sorted(folder.iterdir()):
            if src.name.startswith("source") and src.suffix.lower() in FORMS:
                out.append((f"{folder.name}/{src.name}", evaluate_file(src, expected)))
    return out


def _pct(a: int, b: int) -> str:
    return f"{a}/{b} ({100 * a / b:.1f}%)" if b else f"{a}/0"


def main(argv: list[str]) -> int:
    verbose = "--verbose" in argv or "-v" in argv
    args = [a for a in argv if not a.startswith("-")]
    root = Path(args[0]) if args else ROOT / "tests" / "data" / "real"
    results = evaluate(root)
    total = Counts()
    print(f"{'表格':<44} {'表':>5} {'指标找到':>9} {'层级对':>7} {'分值对':>7} {'规则对':>7} {'误读行':>5} {'错误/真缺陷':>10}")
    for name, c in results:
        total.add(c)
        print(f"{name:<46} {c.tables_read}/{c.tables_expected:<3} {c.found:>4}/{c.indicators:<4} {c.levels_right:>4}   "
              f"{c.points_right:>3}/{c.points_stated:<3} {c.rules_right:>3}/{c.rules_stated:<3} {c.wrong_rows:>4}   "
              f"{c.errors:>3}/{c.real_errors:<3}")
        if verbose:
            for line in c.failures + c.notes:
                print("    " + line)
        if "--matches" in argv:
            for line in c.matches:
                print("    真缺陷 " + line)
    print()
    print(f"源文件 {len(results)} 个；读出表格 {_pct(total.tables_read, total.tables_expected)}")
    print(f"指标找到 {_pct(total.found, total.indicators)}；一级、二级指标都对 {_pct(total.levels_right, total.indicators)}")
    print(f"分值对 {_pct(total.points_right, total.points_stated)}；规则类型对 {_pct(total.rules_right, total.rules_stated)}")
    print(f"表格类型对 {_pct(total.kinds_right, total.tables_read)}；指标体系对 {_pct(total.frameworks_right, total.tables_read)}；"
          f"监控表的执行情况和完成可能性对 {_pct(total.monitor_right, total.monitor_cells)}")
    print(f"误当作指标的行 {total.wrong_rows}；报出错误 {total.errors} 个，其中真实缺陷 {total.real_errors} 个")
    for f in total.failures:
        print("读取失败：" + f)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
