"""Synthetic county data for the benchmarks: realistic proportions, Chinese text, fixed seed.

Written in the data contract's formats, as a county's files arrive: projects as one Excel
workbook per year, villages as a GBK CSV (saved by WPS), benefits as UTF-8-with-BOM CSV per
programme and year (with the private columns a raw export carries: 身份证号, 银行账号,
联系电话 — the loader drops them and the scan proves they stay out), the rest as CSV and
YAML with Chinese headers. Every reference resolves, so ``gongshi check`` finds no errors
and the benchmark measures a publishable build.

    python benchmarks/synth.py county /tmp/bench/county      # one county project's data/
    python benchmarks/synth.py small /tmp/bench/small

Sizes (``SIZES``): ``small`` is one town; ``county`` is a county year as the budgets in
architecture.md name it (≈2,000 projects, 50,000 benefit rows, 300 cases).
"""

from __future__ import annotations

import csv
import random
import sys
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import yaml

from generator.records import PRIVATE, TABLE_BY_NAME


@dataclass(frozen=True)
class Size:
    townships: int
    villages_per_township: int
    projects: int
    benefits: int
    cases: int
    funds: int
    years: tuple[int, ...] = (2019, 2020)


SIZES = {
    "small": Size(
        townships=1, villages_per_township=20, projects=60, benefits=1500, cases=10, funds=8
    ),
    "county": Size(
        townships=15, villages_per_township=20, projects=2000, benefits=50000, cases=300, funds=60
    ),
}

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "秀英桂兰玉梅凤华建国永军志强海燕红霞明德文华春生金山立新庆云振东丽娟国庆宝成广"
PLACE = "东西南北上下前后大小新老石青白黄红龙凤马牛羊柳杨桃李枣梨泉河湖山岭岗坡沟峪洼"
PLACE_END = ("庄", "村", "屯", "峪", "岭", "沟", "营", "店", "集", "楼", "湖", "坡")
TOWN_END = ("镇", "乡", "街道")
CATEGORIES = (
    "产业发展",
    "光伏扶贫",
    "基础设施",
    "公共服务",
    "就业扶贫",
    "教育扶贫",
    "易地搬迁",
    "旅游扶贫",
    "电商扶贫",
    "资产收益",
)
WORKS = {
    "产业发展": ("建设冬暖式蔬菜大棚{n}座及配套水肥一体化设施", "按中标价据实补助"),
    "光伏扶贫": ("建设村级光伏电站{n}0千瓦，并网发电", "每千瓦补助7000元"),
    "基础设施": ("硬化村内道路{n}.5公里，路面宽4.5米，配套排水边沟", "按工程量清单据实结算"),
    "公共服务": ("新建村综合服务中心{n}00平方米及文化广场", "财政资金全额补助"),
    "就业扶贫": ("建设扶贫车间{n}处，吸纳贫困劳动力就业", "按建设面积每平方米补助600元"),
    "教育扶贫": ("改造村小学校舍{n}00平方米，购置课桌椅", "财政资金全额补助"),
    "易地搬迁": ("建设安置住房{n}0套及配套设施", "每人补助2.5万元"),
    "旅游扶贫": ("建设游客服务中心{n}处、停车场及旅游公厕", "按中标价据实补助"),
    "电商扶贫": ("建设村级电商服务站{n}处，培训电商人员", "每站补助5万元"),
    "资产收益": ("购置冷藏保鲜库{n}座，资产归村集体，收益用于分红", "按中标价据实补助"),
}
COMPANIES = (
    "路桥工程有限公司",
    "建筑安装有限公司",
    "农业科技有限公司",
    "新能源科技有限公司",
    "水利工程有限公司",
    "建设集团有限公司",
)
PROGRAMS = (
    ("教育补助", 1000),
    ("雨露计划", 1500),
    ("产业奖补", 2000),
    ("交通补助", 300),
    ("资产收益分红", 400),
    ("危房改造补助", 15000),
)
SOURCES = ("中央财政", "省级财政", "市级财政", "县级财政", "统筹整合资金")


def _unique(rng: random.Random, make, seen: set[str]) -> str:
    while True:
        value = make()
        if value not in seen:
            seen.add(value)
            return value


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _id_number(rng: random.Random, region: str, born: date) -> str:
    """A fictitious 18-digit ID number with a valid checksum (so the scan would catch it)."""
    body = f"{region}{born:%Y%m%d}{rng.randrange(1000):03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(c) * w for c, w in zip(body, weights, strict=True))
    return body + "10X98765432"[total % 11]


def _titles(table: str) -> dict[str, str]:
    """English key → Chinese header of the contract (the headers a cadre's file has)."""
    titles = {c.key: c.title for c in TABLE_BY_NAME[table].columns}
    titles.update({c.key: c.title for c in PRIVATE.get(table, ())})
    return titles


def _csv(path: Path, table: str, rows: list[dict], encoding: str = "utf-8") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    titles = _titles(table)
    keys = list(rows[0])
    with path.open("w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh)
        w.writerow([titles[k] for k in keys])
        for r in rows:
            w.writerow(["" if r[k] is None else r[k] for k in keys])


def _xlsx(path: Path, table: str, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    titles = _titles(table)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = TABLE_BY_NAME[table].title
    keys = list(rows[0])
    ws.append([titles[k] for k in keys])
    for r in rows:
        ws.append([r[k] for k in keys])
    wb.save(path)


def _yaml(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(rows, allow_unicode=True, sort_keys=False), "utf-8")


def _money(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


def _day(rng: random.Random, year: int, lo: int = 1, hi: int = 360) -> date:
    return date(year, 1, 1) + timedelta(days=rng.randint(lo, hi))


def generate(
    out: Path,
    size: Size,
    seed: int = 2024,
    county: str = "临川县",
    region: str = "361024",
    prefix: str = "LC",
) -> dict[str, int]:
    """Write one county's ``data/`` folder into ``out``; returns the row count per table."""
    rng = random.Random(seed)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    names: set[str] = set()
    townships = [
        _unique(rng, lambda: rng.choice(PLACE) + rng.choice(PLACE) + rng.choice(TOWN_END), names)
        for _ in range(size.townships)
    ]
    villages = []
    for ti, town in enumerate(townships):
        for vi in range(size.villages_per_township):
            name = _unique(
                rng,
                lambda: rng.choice(PLACE) + rng.choice(PLACE) + rng.choice(PLACE_END) + "村",
                names,
            )
            villages.append(
                {
                    "code": f"{region}{101 + ti:03d}{201 + vi:03d}",
                    "township": town,
                    "name": name,
                    "poor": rng.choice(("是", "否", "否")),
                }
            )

    projects, funding, targets, allocations, disbursements, notices = [], [], [], [], [], []
    funds = []
    for i in range(size.funds):
        year = size.years[i % len(size.years)]
        funds.append(
            {
                "id": f"F{year}-{i + 1:03d}",
                "document_no": f"{county[0]}财农指〔{year}〕{i + 3}号",
                "issued_on": _day(rng, year, 5, 120).isoformat(),
                "source": SOURCES[i % len(SOURCES)],
                "nature": "财政衔接推进乡村振兴补助资金",
                "purpose": "产业发展、基础设施及公共服务项目",
                "principle": "因素法分配，向脱贫村和易返贫致贫人口倾斜",
                "amount": 0,
            }
        )
    fund_total = [0] * len(funds)
    for i in range(size.projects):
        year = size.years[i % len(size.years)]
        vil = villages[rng.randrange(len(villages))]
        cat = CATEGORIES[rng.randrange(len(CATEGORIES))]
        n = rng.randint(1, 9)
        work, standard = WORKS[cat]
        pid = f"{prefix}{year}-{i + 1:04d}"
        start = _day(rng, year, 60, 200)
        done = rng.random() < 0.7
        households = rng.randint(10, 300)
        company = rng.choice(PLACE) + rng.choice(PLACE) + rng.choice(COMPANIES)
        projects.append(
            {
                "id": pid,
                "year": year,
                "name": f"{vil['township']}{vil['name']}{cat}项目（{i + 1}）",
                "category": cat,
                "township": vil["township"],
                "villages": vil["name"],
                "content": work.format(n=n),
                "subsidy_standard": standard,
                "implementer": f"{vil['township']}人民政府",
                "responsible_person": _person(rng),
                "start": start.isoformat(),
                "end": (start + timedelta(days=90)).isoformat(),
                "status": "已验收" if done else "实施中",
                "poverty_link": "资产归村集体所有，收益的70%用于脱贫户分红和公益岗位",
                "households": households,
                "persons": households * 3,
                "poor_households": households // 4,
                "poor_persons": households * 3 // 4,
                "supervisor": _person(rng),
                "supervisor_phone": f"0794-{5200000 + i:07d}",
                "procurement": rng.choice(("公开招标", "邀请招标", "竞争性磋商")),
                "contractor": company,
                "contract_amount": None,
                "started_on": (start + timedelta(days=3)).isoformat(),
                "completed_on": (start + timedelta(days=88)).isoformat() if done else None,
                "accepted_on": (start + timedelta(days=100)).isoformat() if done else None,
                "acceptance": "工程质量合格，同意验收" if done else "",
                "asset_owner": f"{vil['name']}集体",
            }
        )
        total = 0
        for source in rng.sample(SOURCES[:4], rng.randint(1, 2)):
            fen = rng.randint(50, 3000) * 100000
            total += fen
            funding.append({"project_id": pid, "source": source, "amount": _money(fen)})
        projects[-1]["contract_amount"] = _money(total * 97 // 100)
        fi = rng.randrange(len(funds))
        fund_total[fi] += total
        allocations.append({"fund_id": funds[fi]["id"], "project_id": pid, "amount": _money(total)})
        paid = total // 2
        disbursements.append(
            {
                "project_id": pid,
                "fund_id": funds[fi]["id"],
                "paid_on": (start + timedelta(days=30)).isoformat(),
                "amount": _money(paid),
                "voucher": f"记-{year}-{i + 1:05d}",
            }
        )
        if done:
            disbursements.append(
                {
                    "project_id": pid,
                    "fund_id": funds[fi]["id"],
                    "paid_on": (start + timedelta(days=110)).isoformat(),
                    "amount": _money(total - paid),
                    "voucher": f"记-{year}-{i + 1:05d}-2",
                }
            )
        for kind, sub, ind, tv, unit in (
            ("产出指标", "数量", "建设内容完成率", "100", "%"),
            ("效益指标", "经济效益", "带动脱贫户增收", "500", "元/户"),
            ("满意度指标", "满意度", "受益群众满意度", "95", "%"),
        ):
            targets.append(
                {
                    "project_id": pid,
                    "kind": kind,
                    "subkind": sub,
                    "indicator": ind,
                    "target": tv,
                    "actual": tv if done else "",
                    "unit": unit,
                }
            )
        notices.append(
            {
                "id": f"GS{year}-{len(notices) + 1:05d}",
                "subject": f"project:{pid}",
                "kind": "事前公示",
                "posted_on": (start - timedelta(days=20)).isoformat(),
                "until": (start - timedelta(days=10)).isoformat(),
                "places": f"{vil['name']}村务公开栏、{county}门户网站",
                "objections": "无异议",
            }
        )
        if done:
            ann = start + timedelta(days=105)
            notices.append(
                {
                    "id": f"GS{year}-{len(notices) + 1:05d}",
                    "subject": f"project:{pid}",
                    "kind": "事后公告",
                    "posted_on": ann.isoformat(),
                    "until": (ann + timedelta(days=10)).isoformat(),
                    "places": f"{vil['name']}村务公开栏、{county}门户网站",
                    "objections": "无异议",
                }
            )
    for f, total in zip(funds, fund_total, strict=True):
        f["amount"] = _money(max(total, 100000))
        notices.append(
            {
                "id": f"GS-F-{f['id']}",
                "subject": f"fund:{f['id']}",
                "kind": "资金公告",
                "posted_on": f["issued_on"],
                "until": (date.fromisoformat(f["issued_on"]) + timedelta(days=15)).isoformat(),
                "places": f"{county}门户网站",
                "objections": "无异议",
            }
        )

    distributions = []
    asset_projects = [p for p in projects if p["category"] == "资产收益"]
    asset_projects = asset_projects[: max(2, size.projects // 40)]
    for i, p in enumerate(asset_projects):
        year = p["year"]
        distributions.append(
            {
                "id": f"D{year}-{i + 1:03d}",
                "project_id": p["id"],
                "year": year,
                "income": _money(rng.randint(20000, 400000) * 100),
                "households": None,
                "persons": None,
                "proposed_on": f"{year}-12-01",
                "reviewed_on": f"{year}-12-10",
                "filed_on": f"{year}-12-18",
            }
        )
    by_dist: dict[str, list[dict]] = {}
    benefits_by_file: dict[str, list[dict]] = {}
    for i in range(size.benefits):
        year = size.years[i % len(size.years)]
        program, base = PROGRAMS[rng.randrange(len(PROGRAMS))]
        vil = villages[rng.randrange(len(villages))]
        head = _person(rng)
        persons = rng.randint(1, 6)
        dist = ""
        same_year = [d for d in distributions if d["year"] == year]
        if program == "资产收益分红" and same_year:
            dist = same_year[rng.randrange(len(same_year))]["id"]
        elif program == "资产收益分红":  # a dividend without a distribution that year: the
            program, base = PROGRAMS[0]  # check rightly refuses it (L021), so none is made
        born = date(1950, 1, 1) + timedelta(days=rng.randrange(20000))
        row = {
            "program": program,
            "year": year,
            "village": vil["name"],
            "household_head": head,
            "persons": persons,
            "amount": _money(base * 100 * rng.randint(1, 3)),
            "paid_on": _day(rng, year, 150, 340).isoformat(),
            "distribution_id": dist,
            "remarks": f"{vil['township']}{vil['name']}{rng.randint(1, 9)}组",
            "id_number": _id_number(rng, region, born),
            "bank_account": f"6217{rng.randrange(10**15):015d}",
            "phone": f"1{rng.choice('3589')}{rng.randrange(10**9):09d}",
        }
        if dist:
            by_dist.setdefault(dist, []).append(row)
        benefits_by_file.setdefault(f"{year}-{program}", []).append(row)
    for d in distributions:
        rows = by_dist.get(d["id"], [])
        d["households"] = len(rows)
        d["persons"] = sum(r["persons"] for r in rows)
        d["income"] = _money(sum(int(r["amount"].replace(".", "")) for r in rows) or 100)
        for r in rows:  # paid after the county filed the plan
            r["paid_on"] = f"{d['year']}-12-25"
        notices.append(
            {
                "id": f"GS-D-{d['id']}",
                "subject": f"distribution:{d['id']}",
                "kind": "分配公示",
                "posted_on": f"{d['year']}-12-02",
                "until": f"{d['year']}-12-12",
                "places": f"村务公开栏、{county}门户网站",
                "objections": "无异议",
            }
        )
    for key in sorted(benefits_by_file):
        year, _, program = key.partition("-")
        notices.append(
            {
                "id": f"GS-B-{key}",
                "subject": f"benefit:{program}:{year}",
                "kind": "分配公示",
                "posted_on": f"{year}-06-01",
                "until": f"{year}-06-12",
                "places": f"村务公开栏、{county}门户网站",
                "objections": "无异议",
            }
        )

    cases = []
    for i in range(size.cases):
        year = size.years[i % len(size.years)]
        vil = villages[rng.randrange(len(villages))]
        involved = rng.randint(1, 200) * 100000
        cases.append(
            {
                "id": f"TB{year}-{i + 1:04d}",
                "published_on": _day(rng, year, 30, 350).isoformat(),
                "authority": f"{county}纪委监委",
                "township": vil["township"],
                "unit": vil["name"],
                "post": rng.choice(("党支部书记", "村委会主任", "会计")),
                "name": _person(rng),
                "problem": "在扶贫项目资金管理中优亲厚友、虚报冒领补助资金",
                "amount_involved": _money(involved),
                "amount_recovered": _money(involved),
                "measures": "党纪:严重警告",
                "status": "已办结",
            }
        )
    rectifications = []
    for i in range(max(3, size.cases // 2)):
        year = size.years[i % len(size.years)]
        vil = villages[rng.randrange(len(villages))]
        found = _day(rng, year, 10, 300)
        rectifications.append(
            {
                "id": f"ZG{year}-{i + 1:04d}",
                "source": rng.choice(("督查", "巡视", "审计", "信访", "自查")),
                "found_on": found.isoformat(),
                "township": vil["township"],
                "unit": vil["name"],
                "problem": "项目公示牌内容不全，未公布监督举报电话",
                "measure": "按统一格式重新制作公示牌",
                "owner": f"{vil['name']}村民委员会",
                "deadline": (found + timedelta(days=30)).isoformat(),
                "status": "已整改",
                "done_on": (found + timedelta(days=20)).isoformat(),
            }
        )

    (out / "site.yaml").write_text(
        yaml.safe_dump(
            {
                "name": f"{county}衔接资金项目公告公示",
                "county": county,
                "office": f"{county}乡村振兴局",
                "phones": [
                    {"label": f"{county}乡村振兴局监督电话", "number": "0794-5200001"},
                    {"label": f"{county}纪委监委举报电话", "number": "0794-5200002"},
                ],
                "address": f"{county}政务中心三楼",
                "site_code": f"{region}0001",
                "icp": "赣ICP备00000000号",
                "base_url": f"https://{prefix.lower()}.example.gov.cn/",
                "mask_names": True,
            },
            allow_unicode=True,
            sort_keys=False,
        ),
        "utf-8",
    )
    _csv(out / "villages.csv", "villages", villages, encoding="gbk")
    for year in size.years:
        _xlsx(
            out / "projects" / f"{year}.xlsx",
            "projects",
            [p for p in projects if p["year"] == year],
        )
    _csv(out / "project_funding.csv", "project_funding", funding)
    _yaml(out / "project_targets.yaml", targets)
    _yaml(out / "funds.yaml", funds)
    _csv(out / "allocations.csv", "allocations", allocations)
    _xlsx(out / "disbursements.xlsx", "disbursements", disbursements)
    _csv(out / "notices.csv", "notices", notices)
    for key, rows in sorted(benefits_by_file.items()):
        _csv(out / "benefits" / f"{key}.csv", "benefits", rows, encoding="utf-8-sig")
    if distributions:
        _yaml(out / "distributions.yaml", distributions)
    _xlsx(out / "cases.xlsx", "cases", cases)
    _csv(out / "rectifications.csv", "rectifications", rectifications)
    return {
        "villages": len(villages),
        "projects": len(projects),
        "project_funding": len(funding),
        "project_targets": len(targets),
        "funds": len(funds),
        "allocations": len(allocations),
        "disbursements": len(disbursements),
        "notices": len(notices),
        "benefits": size.benefits,
        "distributions": len(distributions),
        "cases": len(cases),
        "rectifications": len(rectifications),
    }


def county_prefix(index: int) -> tuple[str, str, str]:
    """Name, region code and id prefix of the ``index``-th county of a synthetic province."""
    rng = random.Random(index)
    name = rng.choice(PLACE) + rng.choice(PLACE) + "县"
    return (
        f"{name[:2]}{index:02d}县",
        f"36{index // 10 + 10:02d}{index % 10 + 20:02d}",
        f"C{index:02d}",
    )


def main(argv: list[str]) -> int:
    if len(argv) != 3 or argv[1] not in SIZES:
        print(f"用法：python {argv[0]} {{{'|'.join(SIZES)}}} 输出文件夹", file=sys.stderr)
        return 2
    counts = generate(Path(argv[2]), SIZES[argv[1]])
    print(" ".join(f"{k}={v}" for k, v in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
