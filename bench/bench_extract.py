"""Quality of figures from report text: the extractor on the five seed reports, scored against the figures
taken from them by hand (sample_data/reported_figures_long.csv) on park, indicator, period, value and
qualifier. Recall: share of those figures proposed. Precision: share of the proposed figures (with an
indicator, a park and a period: what `python -m metrics extract` writes) that are among them.

Usage: python bench/bench_extract.py [SEEDS_DIR]   (default ../shared/seeds); exit 1 below a target.
"""

from __future__ import annotations

import csv
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from metrics.catalog import default_catalog  # noqa: E402
from metrics.extract import extract_file  # noqa: E402
from metrics.extract.output import is_loadable  # noqa: E402
from metrics.periods import parse_period  # noqa: E402

REFERENCE = ROOT / "sample_data" / "reported_figures_long.csv"
# The year each report was published, as an analyst sets it (the reasons: sample_data/README.md, "Periods").
PUBLISHED = {"000": 2024, "001": 2022, "002": 2023, "003": 2023, "004": 2025}
TARGET_RECALL, TARGET_PRECISION = 0.90, 0.80


def reference_keys(catalog) -> dict[tuple, str]:
    """(file prefix, park, indicator, period, value, qualifier) -> how the reference row reads."""
    keys = {}
    with REFERENCE.open(encoding="utf-8-sig") as fh:
        for row in csv.DictReader(fh):
            raw = row["数值"]
            qualifier = "at_least" if "余" in raw else "approx" if raw.startswith("约") else "exact"
            value = float(raw.replace("余", "").replace("约", "").replace("%", ""))
            ind = catalog.match_indicator(row["指标"])
            period = parse_period(row["统计期"])
            key = (row["出处"][:3], row["园区"], ind.id, period, value, qualifier)
            keys[key] = f"{row['出处']}: {row['园区']} {row['统计期']} {row['指标']} {raw}"
    return keys


def score(seeds: Path, with_years: bool) -> tuple[float, float, float, list[str], list[str], int, int]:
    catalog = default_catalog()
    expected = reference_keys(catalog)
    proposed: dict[tuple, str] = {}
    unproposed_with_indicator = 0
    started = time.perf_counter()
    for path in sorted(seeds.glob("0*.txt")):
        year = PUBLISHED.get(path.name[:3]) if with_years else None
        extraction = extract_file(path.read_bytes(), path.name, catalog, year=year)
        for c in extraction.candidates:
            if not c.indicator:
                continue
            if not is_loadable(c):
                unproposed_with_indicator += 1
                continue
            key = (path.name[:3], c.park, c.indicator, c.period, float(c.value), c.qualifier)
            proposed[key] = f"{c.source}: {c.park} {c.period.label()} {c.indicator} {c.figure_text}"
    seconds = time.perf_counter() - started
    hits = set(proposed) & set(expected)
    recall = len(hits) / len(expected)
    precision = len(hits) / len(proposed) if proposed else 0.0
    misses = [expected[k] for k in expected if k not in hits]
    false_hits = [proposed[k] for k in proposed if k not in hits]
    return recall, precision, seconds, misses, false_hits, len(proposed), unproposed_with_indicator


def default_seeds() -> Path:
    """../shared/seeds seen from the repository (a worktree may sit one level deeper)."""
    for base in (ROOT.parent, ROOT.parent.parent):
        if (base / "shared" / "seeds").is_dir():
            return base / "shared" / "seeds"
    return ROOT.parent / "shared" / "seeds"


def main(argv: list[str]) -> int:
    seeds = Path(argv[0]) if argv else default_seeds()
    if not seeds.is_dir():
        print(f"no seed reports at {seeds}")
        return 1
    ok = True
    print(
        f"| run | recall (target ≥ {TARGET_RECALL:.0%}) | precision (target ≥ {TARGET_PRECISION:.0%}) | proposed "
        "| listed with an indicator, not proposed | seconds |"
    )
    print("|---|---|---|---|---|---|")
    details = []
    for with_years in (True, False):
        recall, precision, seconds, misses, false_hits, n, listed = score(seeds, with_years)
        name = "report years set (as an analyst does)" if with_years else "no years set (inferred from the text)"
        print(f"| {name} | {recall:.1%} | {precision:.1%} | {n} | {listed} | {seconds:.2f} |")
        details.append((name, misses, false_hits))
        if with_years:
            ok = recall >= TARGET_RECALL and precision >= TARGET_PRECISION
    for name, misses, false_hits in details:
        print(f"\n{name}: {len(misses)} missed")
        for m in misses:
            print(f"  missed: {m}")
        print(f"{name}: {len(false_hits)} false hits")
        for f in false_hits:
            print(f"  false hit: {f}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
