"""Generate N synthetic unit workbooks for the consolidation benchmark.

A few dozen *distinct* workbooks are built from the real template (openpyxl, slow: ~0.1 s each):
~30 indicators covering every rule kind, long Chinese header text, actuals and budget filled,
and every fifth one with defects (a level 2 under the wrong level 1, a missing actual, a rule
nobody can read, a missing deviation reason). The N files are then made cheaply from those
bases by rewriting the unit name inside each copy's ``xl/sharedStrings.xml`` (a zip rewrite of
~40 KB, ~1 ms), so every file has a distinct, realistic unit name. A set is generated once per N
and reused (``benchmarks/data/N``; delete it to regenerate).

    python3 benchmarks/generate.py 1000            # -> benchmarks/data/1000
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import time
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

from xlsxtools import layout
from xlsxtools.model import Indicator, TargetTable, UnitInfo

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
#: Distinct base workbooks per set.
DISTINCT = 40
#: Placeholder unit name written into the bases and replaced in each copy.
PLACEHOLDER = "基准单位名称占位符"

COUNTIES = ("芷江侗族自治县", "新晃侗族自治县", "会同县", "靖州苗族侗族自治县", "通道侗族自治县", "麻阳苗族自治县",
            "辰溪县", "溆浦县", "沅陵县", "中方县", "洪江市", "鹤城区", "泸溪县", "凤凰县", "花垣县", "保靖县",
            "古丈县", "永顺县", "龙山县", "桑植县")
DEPTS = ("人民政府办公室", "财政局", "教育局", "卫生健康局", "政务服务中心", "农业农村局", "自然资源局", "交通运输局",
         "水利局", "民政局", "人力资源和社会保障局", "住房和城乡建设局", "生态环境分局", "文化旅游广电体育局",
         "市场监督管理局", "应急管理局", "审计局", "统计局", "林业局", "医疗保障局", "退役军人事务局", "司法局",
         "商务局", "发展和改革局", "工业和信息化局", "科学技术局", "档案馆", "融媒体中心", "疾病预防控制中心",
         "人民医院", "中医医院", "妇幼保健院", "第一中学", "第二中学", "职业中专", "大树岭乡人民政府",
         "岩桥镇人民政府", "禾梨坳乡人民政府", "楠木坪乡人民政府", "碧涌镇人民政府")

DUTIES = ("贯彻落实党中央、省委、市委关于本行业工作的方针政策和决策部署，全面落实县委、县人民政府的工作要求，"
          "负责本行业发展规划、政策措施的拟订和组织实施，承担行业监督管理、公共服务和应急保障等职责，"
          "统筹推进数字化改革和服务便利化，完成县委、县人民政府交办的其他任务。")
GOALS = ("1. 全面完成年度重点工作任务和省市主管部门交办任务；2. 推进“一件事一次办”改革，实现数据多跑路、群众少跑腿；"
         "3. 加强预算绩效管理，提高财政资金使用效益；4. 提升服务质量和群众满意度，真正便民利民。")


def _ind(level1: str, level2: str, name: str, type_: str, target: str, unit: str, rule: str, points: int,
         explanation: str = "") -> Indicator:
    return Indicator(level1=level1, level2=level2, name=name, type=type_, target=target, unit=unit,
                     explanation=explanation or f"{name}的统计口径以年度工作台账和业务系统数据为准。",
                     rule_text=rule, weight=Decimal(points))


def make_unit(seed: int) -> tuple[TargetTable, list[tuple[object, str]], float, float]:
    """One realistic unit: table (90 points over ~30 indicators), actuals (value, reason), budget, spent."""
    rnd = random.Random(seed)
    inds: list[Indicator] = []
    acts: list[tuple[object, str]] = []

    def add(ind: Indicator, actual: object, reason: str = "") -> None:
        inds.append(ind)
        acts.append((actual, reason))

    # 成本指标 10: OVERRUN 5, SAVING 3, RATIO (≤) 2
    budget_cost = rnd.choice((120, 350, 580, 900))
    add(_ind("成本指标", "经济成本指标", "项目总成本控制", "≤", str(budget_cost), "万元",
             "项目总成本控制在预算范围内，得5分；每超出5%，扣1分，扣完为止。", 5),
        round(budget_cost * rnd.uniform(0.92, 1.08), 2), "部分项目追加支出，已压减一般性开支")
    add(_ind("成本指标", "经济成本指标", "公用经费节约率", "≥", "0", "%",
             "公用经费节约率为0，得3分，每下降1%，扣1分，扣完为止（如不适用，直接计分）。", 3),
        rnd.choice((0, 1.5, "不适用")))
    add(_ind("成本指标", "社会成本指标", "“三公”经费支出", "≤", str(rnd.choice((8, 12, 15))), "万元",
             "达到计划值得满分2分，否则按实际值/计划值*指标分值计分。", 2), rnd.choice((7.5, 11.8, 16.2)),
        "接待任务增加")
    # 产出指标 40: 14 × RATIO/PERCENT/THRESHOLD/DIRECT, DELAY
    counts = ("设置政务服务窗口数", "办理业务件数", "举办业务培训次数", "开展督查检查次数", "发布政务信息篇数",
              "完成项目评审个数", "建设农村公路里程", "新增就业人数", "开展宣传活动次数", "服务企业户数")
    for i, name in enumerate(counts):
        target = rnd.choice((4, 12, 50, 98, 150, 500))
        pts = 2 if i < 8 else 3
        if i % 4 == 3:
            rule = ("完成率小于60%不得分；大于等于60%的，得分=（实际完成率-60%）/（1-60%）×指标分值，"
                    f"指标分值{pts}分")
        else:
            rule = f"达到计划值得满分{pts}分，否则按实际值/计划值*指标分值计分。"
        add(_ind("产出指标", "数量指标", name, "≥", str(target), rnd.choice(("个", "次", "件", "篇")), rule, pts),
            round(target * rnd.uniform(0.8, 1.15)), "受疫情及天气影响部分活动延期" if rnd.random() < 0.7 else "")
    for name in ("政务服务事项办结率", "服务窗口规范率", "“好差评”评价率", "政府网站信息公开发布率"):
        add(_ind("产出指标", "质量指标", name, "≥", rnd.choice(("95", "98", "100")), "%",
                 f"{name}达到100%得满分3分，未达到100%的，按实际达到比例×指标分值计算。", 3),
            round(rnd.uniform(90, 100), 1), "个别事项因材料不全退回补正")
    add(_ind("产出指标", "质量指标", "资料归档符合规定", "定性", "符合要求", "",
             "符合要求的得满分3分，不符合要求的不得分。", 3), rnd.choice(layout.DIRECT_CHOICES))
    add(_ind("产出指标", "时效指标", "年度任务完成时间", "定性", "2026年12月31日前", "",
             "按计划在2026年12月31日前完成得3分，每推迟5天扣1分，扣完为止。", 3),
        rnd.choice((date(2026, 12, 20), date(2027, 1, 8), date(2026, 12, 31))), "年终结算延后")
    # 效益指标 30: GRADE ×4, LEVEL, RATIO ×2, DIRECT
    for name in ("方便办事群众", "推进政务服务便利化", "营商环境持续优化"):
        add(_ind("效益指标", "社会效益指标", name, "定性", "效果明显", "", "效果明显得4分，效果一般得2分，否则不得分。", 4),
            rnd.choice(("效果明显", "效果明显", "效果一般")), "宣传覆盖面不足，下一步加强宣传")
    add(_ind("效益指标", "可持续影响指标", "长效管理机制建设", "定性", "基本达成目标", "",
             "基本达成目标，100%-80%（含）为4分；部分实现目标，80%-60%（含）为2分；实现目标程度较低，60%-0%不得分。", 4),
        rnd.choice(layout.LEVEL_CHOICES[:2]), "制度仍在完善中")
    for name, target in (("带动社会投资", rnd.choice((500, 1200))), ("增加村集体经济收入", rnd.choice((30, 80)))):
        add(_ind("效益指标", "经济效益指标", name, "≥", str(target), "万元",
                 "达到计划值得满分4分，否则按实际值/计划值*指标分值计分。", 4), round(target * rnd.uniform(0.85, 1.1)),
            "部分招商项目未落地")
    add(_ind("效益指标", "生态效益指标", "生态环境保护", "定性", "效果明显", "",
             "效果明显得3分，效果一般得2分，否则不得分。", 3), "效果明显")
    add(_ind("效益指标", "可持续影响指标", "信息化系统持续运行", "定性", "符合要求", "",
             "符合要求的得满分3分，不符合要求的不得分。", 3), "符合要求")
    # 满意度指标 10: BANDS ×2
    for name in ("群众满意度", "企业满意度"):
        add(_ind("满意度指标", "服务对象满意度指标", name, "≥", "95", "%",
                 "满意度大于等于95%的得5分，满意度小于95%且大于等于80%的得4分，满意度小于80%且大于等于60%的得3分，"
                 "满意度小于60%不得分。", 5), rnd.choice((97, 93, 96.5)), "个别窗口等候时间较长")

    if seed % 5 == 4:  # defects
        inds[3].level2 = "经济效益指标"  # level 2 under the wrong level 1 (产出指标)
        acts[5] = (None, "")  # missing actual
        inds[12].rule_text = "按照有关规定酌情打分"  # rule nobody can read
        acts[14] = (acts[14][0], "")  # below full points without a reason (maybe)
    budget = round(rnd.uniform(200, 3000), 2)
    spent = round(budget * rnd.uniform(0.85, 1.02), 2)
    unit = UnitInfo(name=PLACEHOLDER, duties=DUTIES, goals=GOALS, year="2026", filled_by="王某某",
                    phone="1380000000" + str(seed % 10), date="2026年1月15日", head="李某某")
    return TargetTable(unit=unit, indicators=inds), acts, budget, spent


def build_base(seed: int, out: Path) -> Path:
    """One distinct workbook from the real template, actuals and budget filled in."""
    from xlsxtools.workbook.template import build_unit_workbook, package_workbook

    table, acts, budget, spent = make_unit(seed)
    wb = build_unit_workbook(table)
    ws = wb[layout.ACTUALS_SHEET]
    for i, (value, reason) in enumerate(acts):
        r = layout.ACTUAL_FIRST_ROW + i
        if value is not None:
            ws[f"{layout.ACTUAL_COL['actual']}{r}"] = value
        if reason:
            ws[f"{layout.ACTUAL_COL['reason']}{r}"] = reason
    ws[f"{layout.BUDGET_COL['budget']}{layout.BUDGET_VALUE_ROW}"] = budget
    ws[f"{layout.BUDGET_COL['spent']}{layout.BUDGET_VALUE_ROW}"] = spent
    package_workbook(wb, out, layout.KIND_UNIT)
    return out


def unit_names(n: int) -> list[str]:
    names = []
    for i in range(n):
        county = COUNTIES[i % len(COUNTIES)]
        dept = DEPTS[(i // len(COUNTIES)) % len(DEPTS)]
        k = i // (len(COUNTIES) * len(DEPTS))
        names.append(f"{county}{dept}" + (f"第{k + 1}分支机构" if k else ""))
    return names


def rename_copy(base: Path, dst: Path, name: str) -> None:
    """Copy ``base`` to ``dst`` with the unit name replaced (shared or inline strings, plain or as
    numeric character references, which is how openpyxl writes CJK inline strings)."""
    olds = (escape(PLACEHOLDER).encode(), "".join(f"&#{ord(c)};" for c in PLACEHOLDER).encode())
    new = escape(name).encode()
    with zipfile.ZipFile(base) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/sharedStrings.xml" or info.filename.startswith("xl/worksheets/"):
                for old in olds:
                    data = data.replace(old, new)
            zout.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)


def add_broken(folder: Path) -> None:
    """A few files every real collection folder has: lock files, non-workbooks, broken workbooks."""
    (folder / "~$某某县财政局.xlsx").write_bytes(b"\x00" * 165)
    (folder / "说明.txt").write_text("请各单位于月底前报送。", encoding="utf-8")
    (folder / "损坏的工作簿.xlsx").write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    (folder / "空文件.xlsx").write_bytes(b"")
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active["A1"] = "这不是模板生成的工作簿"
    wb.save(folder / "其他表格.xlsx")


def generate(n: int, out: Path | None = None, *, distinct: int = DISTINCT, broken: bool = True,
             quiet: bool = False) -> Path:
    """Make (once) a folder of ``n`` unit workbooks; returns it."""
    out = out or DATA / str(n)
    done = out / ".complete"
    if done.exists():
        return out
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    bases_dir = DATA / "bases"
    bases_dir.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    bases = []
    for s in range(distinct):
        p = bases_dir / f"base_{s:03d}.xlsx"
        if not p.exists():
            build_base(s, p)
        bases.append(p)
    t1 = time.perf_counter()
    names = unit_names(n)
    for i, name in enumerate(names):
        sub = out / f"批次{i // 1000 + 1:02d}"
        if i % 1000 == 0:
            sub.mkdir(exist_ok=True)
        rename_copy(bases[i % len(bases)], sub / f"{i + 1:05d}_{name}.xlsx", name)
    if broken:
        add_broken(out)
    done.write_text(str(n))
    if not quiet:
        print(f"generated {n} workbooks in {out} (bases {t1 - t0:.1f} s, copies {time.perf_counter() - t1:.1f} s)",
              file=sys.stderr)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int, nargs="+")
    args = ap.parse_args()
    for n in args.n:
        print(generate(n))


if __name__ == "__main__":
    main()
