"""Write illustrative_series.csv: a made-up 2019–2024 series to show trends; every row is flagged 示意.

Run from the repository root: `python sample_data/make_illustrative.py`. Reproducible (random.Random(42)).
Figures are invented around the levels the seed reports give, and never share a key with a reported
figure (reported_figures_long.csv), so loading both never replaces a reported value.
"""

from __future__ import annotations

import csv
import io
import random
import tomllib
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
YEARS = range(2019, 2025)
YTD_YEARS = (2023, 2024)  # 前三季度, so that 同比 can be shown for a year-to-date period
REFERENCE = "示意数据，非统计数据（make_illustrative.py，随机种子42）"
COLUMNS = ("园区", "产业链", "统计期", "指标", "数值", "单位", "数据性质", "出处")


@dataclass(frozen=True)
class ParkProfile:
    name: str
    chains: tuple[str, ...]
    size: float  # scales every count; 1.0 ≈ a large national development zone
    revenue_2019: float  # 万元


PARKS = (
    ParkProfile("东营经济技术开发区", ("新材料", "海上风电", "数字经济", "石油装备"), 1.0, 6_800_000),
    ParkProfile("潍坊滨海经济技术开发区", ("新医药", "新材料", "精细化工", "海洋装备", "农化植保"), 1.15, 9_200_000),
    ParkProfile("威海南海新区", ("海洋装备", "新材料", "数字经济"), 0.35, 1_300_000),
    # Made up: no real park is meant by these names. English display names: metrics/parks.toml [[illustrative_park]].
    ParkProfile("北湾经济开发区", ("精细化工", "新能源", "海洋装备"), 0.6, 3_100_000),
    ParkProfile("东岚高新技术产业开发区", ("数字经济", "新医药", "智能制造"), 0.75, 4_200_000),
    ParkProfile("南屿临港产业园", ("海上风电", "新材料", "冷链食品"), 0.45, 2_000_000),
)

# Level in 2019 for a park of size 1.0, and yearly growth, per indicator (revenue and its growth apart).
LEVELS = {
    "firms_revenue_100m": (55, 0.06),
    "firms_revenue_1b": (10, 0.07),
    "above_scale_firms": (185, 0.04),
    "national_platforms": (5, 0.10),
    "provincial_platforms": (45, 0.09),
    "key_tech_breakthroughs": (4, 0.12),
    "academician_teams": (14, 0.11),
    "national_talents": (8, 0.10),
    "provincial_talents": (17, 0.09),
    "people_trained": (1800, 0.08),
    "enterprises_visited": (180, 0.05),
    "problems_collected": (420, 0.07),
    "training_sessions": (60, 0.08),
    "service_teams": (8, 0.06),
    "events_held": (50, 0.07),
}
STOCKS = {
    "firms_revenue_100m",
    "firms_revenue_1b",
    "above_scale_firms",
    "national_platforms",
    "provincial_platforms",
    "academician_teams",
    "national_talents",
    "provincial_talents",
    "service_teams",
}
# Indicators also given per chain: revenue, its growth, and counts that add up across chains.
CHAIN_INDICATORS = (
    "revenue",
    "revenue_yoy",
    "firms_revenue_100m",
    "firms_revenue_1b",
    "above_scale_firms",
    "national_platforms",
    "provincial_platforms",
    "key_tech_breakthroughs",
    "academician_teams",
    "national_talents",
    "provincial_talents",
    "enterprises_visited",
    "problems_solved",
)
YTD_SHARE_OF_FLOWS = 0.72  # Jan–Sep holds about this share of a year's tallies


def catalog() -> dict[str, tuple[str, str]]:
    """Indicator id -> (Chinese name, unit), read from the catalog file so that names never drift."""
    doc = tomllib.loads((HERE.parent / "metrics" / "indicators.toml").read_text(encoding="utf-8"))
    return {e["id"]: (e["name_zh"], e["unit"]) for e in doc["indicator"]}


def reported_keys() -> dict[tuple[str, str, str, str], str]:
    """(park, chain, period, indicator name) -> value text of every reported figure."""
    path = HERE / "reported_figures_long.csv"
    with path.open(encoding="utf-8-sig", newline="") as f:
        return {(r["园区"], r["产业链"], r["统计期"], r["指标"]): r["数值"] for r in csv.DictReader(f)}


class ParkSeries:
    """One park's invented figures for every year and year-to-date period, whole park and per chain."""

    def __init__(self, park: ParkProfile, rng: random.Random):
        self.park, self.rng = park, rng
        self.chain_shares = self._shares(len(park.chains))

    def _shares(self, n: int) -> list[float]:
        # Key chains hold 60–85% of a park's figures; the rest is other industries.
        weights = [self.rng.uniform(0.6, 1.6) for _ in range(n)]
        covered = self.rng.uniform(0.6, 0.85)
        return [covered * w / sum(weights) for w in weights]

    def revenue(self) -> dict[tuple[int, str], float]:
        """Revenue (万元) per (year, "year"|"ytd"), from 2018 so that 2019 has a growth figure."""
        out, level = {}, self.park.revenue_2019 / (1 + self.rng.uniform(0.04, 0.12))
        for year in range(2018, 2025):
            if year > 2018:
                shock = -0.06 if year == 2020 else 0.0
                level *= 1 + self.rng.uniform(0.03, 0.16) + shock
            out[(year, "year")] = level
            out[(year, "ytd")] = level * self.rng.uniform(0.72, 0.745)
        return out

    def counts(self, indicator: str) -> dict[int, float]:
        base, growth = LEVELS[indicator]
        level, out = base * self.park.size * self.rng.uniform(0.8, 1.2), {}
        for year in YEARS:
            noise = self.rng.uniform(0.97, 1.05) if indicator in STOCKS else self.rng.uniform(0.85, 1.15)
            out[year] = level * noise
            level *= 1 + growth * self.rng.uniform(0.5, 1.5)
        return out


def period_label(year: int, kind: str) -> str:
    return f"{year}年" if kind == "year" else f"{year}年前三季度"


def reported_number(text: str) -> float:
    return float(text.rstrip("%").removesuffix("余"))


def anchor_stocks(counts: dict[str, dict[int, float]], park: str, names: dict, reported: dict) -> None:
    """Rescale a park's stock series so that it passes through the stock figures the reports give."""
    for ind in STOCKS:
        for (r_park, chain, period, name), text in reported.items():
            year = int(period[:4])
            if r_park == park and not chain and name == names[ind][0] and year in counts[ind]:
                factor = reported_number(text) / counts[ind][year]
                counts[ind] = {y: v * factor for y, v in counts[ind].items()}


def chain_weights(series: ParkSeries, rng: random.Random) -> dict[str, dict[int, float]]:
    """Each key chain's share of the park per year: drifting apart, summing to a constant 60–85%."""
    chains = series.park.chains
    tilt = {c: 1.0 for c in chains}
    out: dict[str, dict[int, float]] = {c: {} for c in chains}
    covered = sum(series.chain_shares)
    for year in range(2018, 2025):
        for c in chains:
            tilt[c] *= 1 + rng.uniform(-0.05, 0.08)
        total = sum(share * tilt[c] for c, share in zip(chains, series.chain_shares))
        for c, share in zip(chains, series.chain_shares):
            out[c][year] = covered * share * tilt[c] / total
    return out


def generate() -> list[tuple]:
    rng = random.Random(42)
    names = catalog()
    reported = reported_keys()
    rows: list[tuple] = []

    def emit(park: str, chain: str, year: int, kind: str, indicator: str, value: float) -> None:
        name, unit = names[indicator]
        period = period_label(year, kind)
        if (park, chain, period, name) in reported:
            return  # a reported figure holds this key: never replace it with an invented one
        text = f"{value:.1f}" if unit == "%" else f"{round(value)}"
        rows.append((park, chain, period, name, text, unit, "示意", REFERENCE))

    def reported_value(park: str, period: str, indicator: str) -> float | None:
        text = reported.get((park, "", period, names[indicator][0]))
        return reported_number(text) if text else None

    for profile in PARKS:
        series = ParkSeries(profile, rng)
        revenue = series.revenue()
        counts = {ind: series.counts(ind) for ind in LEVELS}
        anchor_stocks(counts, profile.name, names, reported)
        for year in YEARS:  # requests collected must exceed any reported count of problems solved
            solved = reported_value(profile.name, f"{year}年", "problems_solved")
            if solved is not None and counts["problems_collected"][year] < solved / 0.9:
                factor = solved / 0.9 / counts["problems_collected"][year]
                counts["problems_collected"] = {y: v * factor for y, v in counts["problems_collected"].items()}
        satisfaction = {y: rng.uniform(88, 97.5) for y in YEARS}
        weights = chain_weights(series, rng)
        for year in YEARS:
            for kind in ("year", "ytd") if year in YTD_YEARS else ("year",):
                period = period_label(year, kind)
                reported_yoy = reported_value(profile.name, period, "revenue_yoy")
                if reported_yoy is not None:  # make the invented revenue agree with the reported growth
                    revenue[(year - 1, kind)] = revenue[(year, kind)] / (1 + reported_yoy / 100)
                share = 1.0 if kind == "year" else YTD_SHARE_OF_FLOWS
                rev, rev_before = revenue[(year, kind)], revenue[(year - 1, kind)]
                values = {
                    "revenue": rev,
                    "revenue_yoy": (rev / rev_before - 1) * 100,
                    "satisfaction": min(99.0, satisfaction[year] + (0.3 if kind == "ytd" else 0.0)),
                }
                for ind, by_year in counts.items():
                    values[ind] = by_year[year] * (1.0 if ind in STOCKS else share)
                values["problems_solved"] = values["problems_collected"] * rng.uniform(0.82, 0.97)
                # Catalog order; only the invented ones (CONTRACT §3): official and party-building figures (§3b)
                # come from the reports only, never made up.
                for ind in (i for i in names if i in values):
                    emit(profile.name, "", year, kind, ind, values[ind])
                for chain in profile.chains:
                    w, w_before = weights[chain][year], weights[chain][year - 1]
                    for ind in CHAIN_INDICATORS:
                        if ind == "revenue_yoy":
                            value = (rev * w / (rev_before * w_before) - 1) * 100
                        else:
                            value = values[ind] * w
                        emit(profile.name, chain, year, kind, ind, value)
    return rows


def csv_bytes(rows: list[tuple]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def main() -> None:
    rows = generate()
    (HERE / "illustrative_series.csv").write_bytes(csv_bytes(rows))
    print(f"wrote {len(rows)} illustrative figures")


if __name__ == "__main__":
    main()
