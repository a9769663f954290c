"""The one-page summary: its figure, the PNG, and `python -m metrics summary` end to end."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from conftest import ROOT, python_env
from parsed_factory import figure, parsed
from PIL import Image

from metrics import charts, summary
from metrics.periods import parse_period

Y23 = (dt.date(2023, 1, 1), dt.date(2023, 12, 31))
Y24 = (dt.date(2024, 1, 1), dt.date(2024, 12, 31))
PARKS = ("东营经济技术开发区", "潍坊滨海经济技术开发区", "威海南海新区")
VALUES = {  # 2024 values; 2023 is 90% of them
    "revenue": (5000.0, 3200.0, 1800.0),
    "revenue_yoy": (8.5, 6.1, 12.3),
    "firms_revenue_100m": (110, 64, 35),
    "national_platforms": (12, 7, 3),
    "national_talents": (20, 9, 4),
    "enterprises_visited": (300, 220, 150),
}


def load_small_db(path):
    from metrics.store import Store

    figs = []
    for period, k in ((Y23, 0.9), (Y24, 1.0)):
        for n, park in enumerate(PARKS):
            for ind, values in VALUES.items():
                qualifier = "at_least" if (ind, n) == ("firms_revenue_100m", 0) else "exact"
                figs.append(figure(park, ind, round(values[n] * k, 2), period=period, qualifier=qualifier))
    store = Store(path)
    assert store.load(parsed("small.xlsx", figs)).status == "loaded"
    return store


@pytest.fixture(scope="module")
def small_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("summary") / "parks.duckdb"
    load_small_db(path)
    return path


@pytest.fixture(scope="module")
def store(small_db):
    from metrics.store import Store

    return Store(small_db)


def run_summary(db, *args, timeout=180):
    return subprocess.run(
        [sys.executable, "-m", "metrics", "summary", "--db", str(db), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=python_env(db),
        timeout=timeout,
        check=False,
    )


def test_summary_figure_holds_cards_ranking_and_comparisons(store):
    fig = summary.summary_figure(store, "zh")
    types = [t.type for t in fig.data]
    assert types.count("indicator") == 5  # ≤2 per family: revenue 2 (of 3), the other families 1 each
    assert types.count("bar") == 2 and types.count("heatmap") == 1
    assert fig.layout.title.text == "园区发展指标看板 · 2024年"
    assert fig.layout.title.subtitle.text.startswith("2024年 · 园区：全部")
    composite, ranking = (t for t in fig.data if t.type == "bar")
    assert list(composite.y) == list(PARKS)  # Dongying leads every indicator but the YoY rate
    assert list(ranking.y) == list(PARKS) and list(ranking.x) == [5000.0, 3200.0, 1800.0]
    cards = {t.title.text.split("<br>")[0]: t for t in fig.data if t.type == "indicator"}
    revenue = cards["营业收入"]
    # 10,000 万元 is shown as 1亿元, the previous year (9,000 万元) at the same scale, so the delta agrees.
    assert revenue.value == 1.0 and revenue.delta.reference == pytest.approx(0.9)
    assert revenue.number.suffix == "亿元" and revenue.number.valueformat == ",.2f"
    assert "同比 2023年" in revenue.title.text
    assert list(cards)[:2] == ["营业收入", "营业收入同比增长"]  # the first two of the family, catalog order
    assert "营业收入过亿元企业数" not in cards
    headers = [a.text for a in fig.layout.annotations[:4]]
    assert headers == ["营收增长", "创新平台", "人才", "服务企业"]
    assert fig.layout.font.family == charts.FONT_FAMILY


def test_summary_figure_in_english_for_one_period_and_parks(store):
    fig = summary.summary_figure(store, "en", parse_period("2023"), parks=PARKS[1:])
    assert fig.layout.title.text == "Park Indicator Dashboard · 2023"
    # Catalog parks by their English names on the image; the filter itself took the canonical names.
    names = ("Weifang Binhai Economic and Technological Development Zone", "Weihai Nanhai New Area")
    assert "Park: " + ", ".join(names) in fig.layout.title.subtitle.text
    bars = [t for t in fig.data if t.type == "bar"]
    assert set(bars[0].y) == set(names) and set(bars[1].y) == set(names)
    heat = next(t for t in fig.data if t.type == "heatmap")
    assert set(heat.y) == set(names)
    assert next(a.text for a in fig.layout.annotations[:4]) == "Revenue growth"
    revenue = next(t for t in fig.data if t.type == "indicator" and t.title.text.startswith("Operating revenue"))
    assert revenue.mode == "number"  # 2022 is not in the database: no comparison
    assert "no comparable period" in revenue.title.text


def test_summary_png_is_large_enough(store):
    image = Image.open(io.BytesIO(summary.summary_png(store, "zh")))
    assert image.format == "PNG" and image.width >= 1600 and image.height >= 1000


def test_no_data_for_the_period_is_refused(store):
    with pytest.raises(summary.SummaryUnavailable) as info:
        summary.summary_figure(store, "zh", parse_period("2019"))
    assert "2019年" in info.value.message("zh") and "2024年、2023年" in info.value.message("zh")
    assert "Periods with data: 2024, 2023" in info.value.message("en")


def test_cli_writes_the_png_in_both_languages(small_db, tmp_path):
    runs = {  # started together: each is a new Python process with its own browser
        "zh": ("已生成汇总图", PARKS),
        "en": ("Summary written", ("东营经开区", "滨海经开区", "南海新区")),  # aliases of the same three parks
    }
    procs = {
        lang: subprocess.Popen(
            [
                sys.executable,
                "-m",
                "metrics",
                "summary",
                "--db",
                str(small_db),
                "--out",
                str(tmp_path / f"{lang}.png"),
                "--lang",
                lang,
                "--period",
                "2024",
                "--park",
                *parks,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env=python_env(small_db),
        )
        for lang, (_, parks) in runs.items()
    }
    images = {}
    for lang, proc in procs.items():
        out, err = proc.communicate(timeout=180)
        assert proc.returncode == 0, err
        assert runs[lang][0] in out and not err.strip()
        image = Image.open(tmp_path / f"{lang}.png")
        image.load()
        assert image.format == "PNG" and image.width >= 1600 and image.height >= 1000
        images[lang] = image.convert("RGB")
    assert images["zh"].tobytes() != images["en"].tobytes()


def cli(capsys, *argv) -> tuple[int, str, str]:
    """`python -m metrics ...` through its runner, in process."""
    from metrics.__main__ import main

    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_cli_empty_database_exits_1_with_a_message(tmp_path, capsys):
    from metrics.store import Store

    db = tmp_path / "empty.duckdb"
    Store(db)
    out = tmp_path / "x.png"
    zh = run_summary(db, "--out", str(out))  # as a scheduled job would run it
    assert zh.returncode == 1 and "数据库中还没有数据" in zh.stderr and not out.exists()
    code, _, err = cli(capsys, "summary", "--db", str(db), "--out", str(out), "--lang", "en")
    assert code == 1 and "holds no data" in err and not out.exists()


def test_cli_missing_database_is_not_created(tmp_path, capsys):
    db = tmp_path / "nowhere.duckdb"
    code, _, err = cli(capsys, "summary", "--db", str(db), "--out", str(tmp_path / "x.png"))
    assert code == 1 and "找不到数据库文件" in err
    assert not db.exists()


def test_cli_unknown_and_empty_periods(small_db, tmp_path, capsys):
    out = str(tmp_path / "x.png")
    code, _, err = cli(capsys, "summary", "--db", str(small_db), "--period", "去年", "--out", out)
    assert code == 1 and "无法识别的时期：去年" in err
    assert not (tmp_path / "x.png").exists()


def test_cli_no_data_for_the_period_exits_1_and_leaves_no_browser_files(small_db, tmp_path):
    # The browser starts in the background while the queries run; a refusal must not leave it half-started.
    # A short TMPDIR: chromium cannot start when its socket path under TMPDIR is too long (pytest's tmp_path is).
    tmp = Path(tempfile.mkdtemp(prefix="pd-", dir="/tmp"))
    try:
        env = python_env(small_db) | {"TMPDIR": str(tmp)}
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "metrics",
                "summary",
                "--period",
                "2019",
                "--lang",
                "en",
                "--out",
                str(tmp_path / "x.png"),
            ],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=env,
            timeout=120,
            check=False,
        )
        assert result.returncode == 1 and "No data for the chosen period (2019" in result.stderr
        assert result.stderr.count("\n") == 1, result.stderr  # the message, no traceback
        assert not (tmp_path / "x.png").exists()
        assert list(tmp.iterdir()) == []
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def test_summary_cards_show_big_money_in_yi_yuan(tmp_path):
    from metrics.store import Store

    store = Store(tmp_path / "big.duckdb")
    figs = [figure(PARKS[0], "revenue", 39_715_876.0, period=Y24), figure(PARKS[1], "revenue", 2_000.0, period=Y24)]
    figs += [figure(PARKS[0], "revenue", 30_000_000.0, period=Y23, qualifier="at_least")]
    assert store.load(parsed("big.xlsx", figs)).status == "loaded"
    for lang, unit, divisor in (("zh", "亿元", 1e4), ("en", " bn CNY", 1e5)):
        fig = summary.summary_figure(store, lang)
        card = next(t for t in fig.data if t.type == "indicator")
        assert card.number.suffix == unit and card.value == pytest.approx(39_717_876.0 / divisor)
        # The change shown is like for like: the second park has no 2023 figure, so its 2,000 is left out.
        assert card.delta.relative
        assert card.value / card.delta.reference - 1 == pytest.approx((39_715_876.0 - 30_000_000.0) / 30_000_000.0)
        ranking = [t for t in fig.data if t.type == "bar"][1]
        assert list(ranking.x) == pytest.approx([39_715_876.0 / divisor, 2_000.0 / divisor])
        assert ranking.text[0] == ("3,971.59" if lang == "zh" else "397.16")
        assert unit.strip() in fig.layout.annotations[5].text  # the ranking's title names the unit shown
    assert store.query("SELECT max(value) AS v FROM observations")["v"].iloc[0] == 39_715_876.0  # data in 万元
