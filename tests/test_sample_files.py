"""sample_data/: the committed files match their generators, and every reported figure matches its source line."""

from __future__ import annotations

import csv
import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data"
SEEDS = ROOT.parent / "shared" / "seeds"  # the five source reports, beside the repository


def generator(name: str):
    spec = importlib.util.spec_from_file_location(name, SAMPLE / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is being built
    spec.loader.exec_module(module)
    return module


def rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_long_csv_is_what_make_reported_writes():
    assert (SAMPLE / "reported_figures_long.csv").read_bytes() == generator("make_reported").long_csv_bytes()


def test_illustrative_csv_is_what_make_illustrative_writes():
    module = generator("make_illustrative")
    assert (SAMPLE / "illustrative_series.csv").read_bytes() == module.csv_bytes(module.generate())


def test_targets_csv_is_what_make_targets_writes():
    module = generator("make_targets")
    assert (SAMPLE / "illustrative_targets.csv").read_bytes() == module.csv_bytes(module.generate())
    assert {r["数据性质"] for r in rows(SAMPLE / "illustrative_targets.csv")} == {"示意目标"}  # clearly made up


def test_every_illustrative_park_has_an_english_name(catalog):
    for profile in generator("make_illustrative").PARKS:  # catalog parks and the made-up ones alike
        assert catalog.park_name_en(profile.name) not in (None, profile.name), profile.name


def test_every_illustrative_row_is_flagged_and_says_so():
    illustrative = rows(SAMPLE / "illustrative_series.csv")
    assert illustrative and {r["数据性质"] for r in illustrative} == {"示意"}
    assert all(r["出处"].startswith("示意数据") for r in illustrative)


def test_no_reported_row_is_flagged_illustrative():
    reported = rows(SAMPLE / "reported_figures_long.csv")
    assert {r["数据性质"] for r in reported} == {"报告"}


def test_illustrative_rows_never_share_a_key_with_a_reported_figure():
    def key(r):
        return (r["园区"], r["产业链"], r["统计期"], r["指标"])

    reported = {key(r) for r in rows(SAMPLE / "reported_figures_long.csv")}
    assert not reported & {key(r) for r in rows(SAMPLE / "illustrative_series.csv")}


def test_left_out_entities_are_absent():
    text = "".join(p.read_text(encoding="utf-8-sig") for p in SAMPLE.glob("*.csv"))
    for name in ("山西纵横", "龙港区", "井研县", "哈巴河县"):
        assert name not in text


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed reports (shared/seeds) are not beside the repository")
def test_each_reported_figure_is_written_on_its_cited_line():
    for r in rows(SAMPLE / "reported_figures_long.csv"):
        report, line = r["出处"].split(" 第")
        text = (SEEDS / report).read_text(encoding="utf-8").splitlines()[int(line.removesuffix("行")) - 1]
        assert r["数值"] in text, (r["出处"], r["数值"])


def test_readme_names_every_reported_figure():
    readme = (SAMPLE / "README.md").read_text(encoding="utf-8")
    for r in rows(SAMPLE / "reported_figures_long.csv"):
        assert f"{r['指标']} {r['数值']}" in readme, (r["指标"], r["数值"])
