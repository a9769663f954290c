"""Write illustrative_targets.csv: made-up 2024 annual targets for the sample parks, every row 示意目标.

Run from the repository root: `python sample_data/make_targets.py`. Reproducible (random.Random(25)).
Each target is the park's illustrative 2024 figure (illustrative_series.csv) divided by a factor drawn
between 0.85 and 1.12, so some parks end the year over their target and some under, and against the
2024 前三季度 figures the 目标进度 page shows parks ahead of and behind 序时进度 (75 %).
"""

from __future__ import annotations

import csv
import io
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = 25
YEAR = "2024年"
# Indicator names as in illustrative_series.csv: cumulative flows and stocks a park plans for.
INDICATORS = ("营业收入", "规上工业企业数", "国家级创新平台", "引进院士团队", "走访企业", "解决问题", "培训人次")
REFERENCE = "示意数据：示意目标，非真实目标（make_targets.py，随机种子25）"
COLUMNS = ("园区", "产业链", "统计期", "指标", "数值", "单位", "数据性质", "出处")


def annual_figures() -> dict[tuple[str, str], tuple[float, str]]:
    """(park, indicator name) -> (2024 whole-park value, unit) from the illustrative series."""
    with (HERE / "illustrative_series.csv").open(encoding="utf-8-sig", newline="") as f:
        return {
            (r["园区"], r["指标"]): (float(r["数值"]), r["单位"])
            for r in csv.DictReader(f)
            if r["统计期"] == YEAR and not r["产业链"] and r["指标"] in INDICATORS
        }


def generate() -> list[tuple]:
    rng = random.Random(SEED)
    rows = []
    for (park, name), (value, unit) in sorted(
        annual_figures().items(), key=lambda kv: (kv[0][0], INDICATORS.index(kv[0][1]))
    ):
        target = value / rng.uniform(0.85, 1.12)
        written = round(target, -2) if target >= 10_000 else max(1, round(target))
        rows.append((park, "", YEAR, name, f"{written:.0f}", unit, "示意目标", REFERENCE))
    return rows


def csv_bytes(rows: list[tuple]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def main() -> None:
    (HERE / "illustrative_targets.csv").write_bytes(csv_bytes(generate()))


if __name__ == "__main__":
    main()
