"""Comparisons as SQL in DuckDB: every function is a few named queries (metrics/sql/q_*.sql) returning small frames.

Semantics (leadership acts on these numbers, so they are spelled out here):

- Period: `Filters.period=None` means the latest period holding data in scope (selected parks,
  indicators, chains, basis): the latest `period_end`, and on a tie the longest span (so
  `2025年1-9月` wins over `2025年9月` and `2025年第三季度`). See `resolve_period`. Functions for one
  indicator (ranking, chains, trend) resolve it from the same Filters scope, not from that
  indicator alone, so every chart of a page shows one period; each frame carries it in
  `df.attrs["period"]` (a Period, or None when there is no data).
- Indicators in scope: `Filters.indicators` when given (then `category` is ignored), else every
  indicator of `Filters.category`, else the whole catalog. Unknown ids raise KeyError.
- A park's value (q_park_values.sql): its whole-park figure (chain NULL) when there is one.
  Otherwise, for additive units (everything but '%'), the sum of its chain figures, flagged
  `derived_from_chains` (with `n_chains` parts). '%' figures are never summed, so a park with
  only chain rates has no whole-park rate. With chains selected (`Filters.chains`), the value is
  the sum of those chains' figures; a '%' value only when exactly one chain figure is there.
- `illustrative` marks a value into which an illustrative (made-up, `basis`) figure went; KPI cards
  say so for any park, and count the parks whose value was summed from chains (n_parks_from_chains).
- Qualifiers propagate through sums and means: `at_least` if any part is `at_least` (so an
  aggregate of `110余` shows `余`), else `approx` if any part is approximate, else `exact`.
- KPI cards: across parks, additive units are summed and '%' averaged (unweighted mean of the
  park values), named in `aggregation`. The comparison is with the same span a year earlier
  (`yoy`); when no park has that and the period is a month or a quarter, with the previous one
  (`mom`). Only parks with a value in both periods enter `prev_value` and `change`
  (`n_parks_compared`), so `value - prev_value` equals `change` only when every park compared.
  `change` of a '%' indicator is in percentage points and its `change_pct` is NaN; change_pct is
  also missing without a previous value or when it is 0 (never infinite: pages show no percent, only
  the change). change_pct is relative to |previous|, so it has the sign of the change: a rise from
  -100 to -50 is +50 %, never -50 %.
  Missing numbers are NaN in the frames (float columns); missing labels (comparison) are None.
- Scores (efficacy coefficient, 功效系数法, as in development-zone evaluations; docs/METHOD.md):
  60 + 40 × (x − min)/(max − min) per indicator, the group's worst 60 and best 100 (lower-is-better
  reversed). The group is every park with a value at the period (the view's chains, basis and
  indicators), not only the selected parks: a park's score does not change with the selection. With no
  spread (one park, or all equal) everyone scores 80, the middle of the band.
- Composite index: the weighted mean of a park's scores over the weighted indicators it reports
  (catalog `weight`; the caller's dict overrides it per id; weight 0 leaves an indicator out). A park is
  scored only when what it reports carries at least `min_coverage` (setting PARKDASH_INDEX_MIN_COVERAGE,
  default 0.6) of the weight of the indicators reported by any park of the group; the others are listed
  with index NaN, never 0. `n_indicators`/`n_indicators_available` and `coverage` (weight share) say so.
- Ranks: 1 = best, direction-aware; ties share a rank (1, 1, 3).
- Trend: every period of the same kind as the period in view (years with years, quarters with
  quarters, year-to-date with year-to-date of the same end month, halves with halves, months with
  months, custom spans with the same calendar span). growth_pct is against the same span a year
  earlier (for years that is also the previous period), relative to |previous| like change_pct;
  NaN for '%' indicators (see `change`) and against a previous value of 0.
- Cost: each function runs one or two queries (the latest period, then the comparison; trend also
  lists the periods) and fetches only its result. Period bounds are passed as constants so DuckDB
  skips row groups by min/max: loading files period by period keeps that effective. A view of
  every park returns a row per park (a table view, one per figure): use `limit` on filtered_table.
- `display` renders the qualifier: zh `110余`, `约20`; en `110+`, `~20`; numbers without needless
  decimals (`8`, `19.5`), at most two decimals, thousands separated by commas. Units are separate.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from metrics.catalog import Catalog, default_catalog
from metrics.model import OBS_COLUMNS
from metrics.periods import Period, sequential_previous, year_earlier

if TYPE_CHECKING:
    from metrics.store import Store

SQL_DIR = Path(__file__).parent / "sql"
NON_ADDITIVE_UNITS = frozenset({"%"})
_INCLUDE = re.compile(r"^[ \t]*--[ \t]*@include[ \t]+(\w+)[ \t]*$", re.MULTILINE)
_COMMENT = re.compile(r"--[^\n]*")
_PARAM = re.compile(r"\$([A-Za-z_]\w*)")


@dataclass(frozen=True)
class Filters:
    """What the user selected; frozen and hashable so the UI can cache on it."""

    period: Period | None = None
    parks: tuple[str, ...] = ()
    chains: tuple[str, ...] = ()
    category: str | None = None
    indicators: tuple[str, ...] = ()
    include_illustrative: bool = True

    def __post_init__(self):
        # Lists from widgets become tuples, so the filters stay hashable.
        for name in ("parks", "chains", "indicators"):
            value = getattr(self, name) or ()
            object.__setattr__(self, name, (value,) if isinstance(value, str) else tuple(value))


@functools.cache
def sql(name: str) -> str:
    """The text of metrics/sql/<name>.sql, each `-- @include other` line replaced by sql("other")."""
    text = (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")
    return _INCLUDE.sub(lambda m: sql(m[1]), text)


@functools.cache
def sql_parameters(name: str) -> frozenset[str]:
    """The $parameters a named query binds (comments ignored)."""
    return frozenset(_PARAM.findall(_COMMENT.sub("", sql(name))))


def run(store: Store, name: str, params: dict) -> pd.DataFrame:
    """Run a named query, binding exactly the parameters it uses (DuckDB rejects extra ones)."""
    wanted = sql_parameters(name)
    if "regions" in wanted and "regions" not in params:
        params = params | {"regions": list(store.catalog.region_names)}
    missing = wanted - params.keys()
    if missing:
        raise KeyError(f"{name}.sql needs parameters {sorted(missing)}")
    return store.query(sql(name), {k: params[k] for k in wanted})


def scope_indicators(f: Filters, catalog: Catalog | None = None) -> list[str]:
    """Indicator ids in scope: the explicit ones, else the category's, else all (catalog order)."""
    cat = catalog or default_catalog()
    if f.indicators:
        for iid in f.indicators:
            cat.indicator(iid)  # raises KeyError for an unknown id
        return list(dict.fromkeys(f.indicators))
    if f.category:
        cat.category(f.category)  # raises KeyError for an unknown category
        return [i.id for i in cat.in_category(f.category)]
    return cat.ids


def _params(
    f: Filters, catalog: Catalog, indicator_ids: list[str], weights: dict[str, float] | None = None, lang: str = "zh"
) -> dict:
    """Bound parameters shared by the queries: the scope and the catalog facts as parallel lists."""
    inds = [catalog.indicator(i) for i in indicator_ids]
    if weights and any(not math.isfinite(float(w)) or float(w) < 0 for w in weights.values()):
        raise ValueError(f"weights must be finite numbers >= 0: {weights}")
    return {
        "lang": lang,
        "parks": list(f.parks),
        "regions": list(catalog.region_names),  # left out when no park is picked (rankings of parks only)
        "chains": list(f.chains),
        "include_illustrative": bool(f.include_illustrative),
        "indicators": [i.id for i in inds],
        "additive": [i.unit not in NON_ADDITIVE_UNITS for i in inds],
        "lower_better": [i.direction == "lower" for i in inds],
        "weights": [float((weights or {}).get(i.id, i.weight)) for i in inds],
    }


def _period_params(periods: list[Period]) -> dict:
    return {"starts": [p.start for p in periods], "ends": [p.end for p in periods]}


def _as_date(value) -> dt.date:
    return pd.Timestamp(value).date()


def _period_of(start, end) -> Period:
    return Period(_as_date(start), _as_date(end))


def resolve_period(
    store: Store, f: Filters, catalog: Catalog | None = None, periods: list[Period] | None = None
) -> Period | None:
    """f.period, or the latest period with data in scope (latest end, then longest span); None if none.

    `periods` is available_periods(store) when the caller has it already (saves running it again).
    """
    if f.period is not None:
        return f.period
    cat = catalog or store.catalog
    params = _params(f, cat, scope_indicators(f, cat))
    ends = sorted({p.end for p in (available_periods(store) if periods is None else periods)}, reverse=True)
    if not ends:
        return None
    # The newest few period ends first (cheap: older row groups are skipped), then everything.
    for since in (ends[min(2, len(ends) - 1)], None):
        df = run(store, "q_latest_period", params | {"since": since})
        if not df.empty:
            return _period_of(df.iloc[0]["period_start"], df.iloc[0]["period_end"])
        if since == ends[-1]:
            break  # the bounded search already covered every period
    return None


def series_key(period: Period) -> tuple:
    """What periods must share to sit on one trend axis: kind, plus end month (ytd) or calendar span (custom)."""
    kind = period.kind
    if kind == "ytd":
        return (kind, period.end.month)
    if kind == "custom":
        return (
            kind,
            period.start.month,
            period.start.day,
            period.end.month,
            period.end.day,
            period.end.year - period.start.year,
        )
    return (kind,)


def format_number(value: float | None) -> str:
    """A number without needless decimals: 8, 19.5, 1,234.57; 0.001 <= |x| < 1 keeps 3 digits (0.0123).

    The SQL fragment sql/display.sql renders the same text inside queries (a test holds them equal).
    """
    if value is None or _isna(value):
        return ""
    value = float(value)
    if 0.001 <= abs(value) < 1:
        return f"{value:.3g}"
    text = re.sub(r"\.?0+$", "", f"{value:,.2f}")
    return "0" if text == "-0" else text


def display_value(value: float | None, qualifier: str | None, lang: str = "zh") -> str:
    """`110余` / `约20` (zh), `110+` / `~20` (en), else the plain number."""
    text = format_number(value)
    if not text:
        return ""
    if qualifier == "at_least":
        return f"{text}+" if lang == "en" else f"{text}余"
    if qualifier == "approx":
        return f"~{text}" if lang == "en" else f"约{text}"
    return text


def _with_names(df: pd.DataFrame, catalog: Catalog, lang: str) -> pd.DataFrame:
    inds = {i.id: i for i in catalog.indicators}
    df["name"] = [inds[i].name(lang) for i in df["indicator"]]
    df["unit"] = [inds[i].unit for i in df["indicator"]]
    return df


def _result(df: pd.DataFrame | None, columns: list[str], period: Period | None) -> pd.DataFrame:
    """The contract columns in order (an empty frame with them when there is no data), period in attrs."""
    out = pd.DataFrame({c: pd.Series(dtype="object") for c in columns}) if df is None else df[columns].copy()
    out.attrs["period"] = period
    return out


KPI_COLUMNS = [
    "indicator",
    "name",
    "unit",
    "category",
    "value",
    "qualifier",
    "display",
    "aggregation",
    "prev_value",
    "prev_label",
    "change",
    "change_pct",
    "comparison",
    "n_parks",
    "n_parks_compared",
    "period_label",
    "n_parks_from_chains",
    "illustrative",
    "prev_illustrative",
    "n_parks_in_view",
]


def kpi_cards(store: Store, f: Filters, lang: str = "zh", catalog: Catalog | None = None) -> pd.DataFrame:
    """One card per indicator in scope with data: aggregate over parks, previous value, change (catalog order)."""
    cat = catalog or store.catalog
    period = resolve_period(store, f, cat)
    if period is None:
        return _result(None, KPI_COLUMNS, None)
    yoy = year_earlier(period)
    seq = sequential_previous(period)
    params = _params(f, cat, scope_indicators(f, cat), lang=lang)
    params |= _period_params([period, yoy] + ([seq] if seq else []))
    params |= {
        "cur_start": period.start,
        "cur_end": period.end,
        "yoy_start": yoy.start,
        "yoy_end": yoy.end,
        "seq_start": seq.start if seq else None,
        "seq_end": seq.end if seq else None,
    }
    df = run(store, "q_kpi_cards", params)
    if df.empty:
        return _result(None, KPI_COLUMNS, period)
    order = {iid: n for n, iid in enumerate(params["indicators"])}
    df = df.sort_values("indicator", key=lambda s: s.map(order)).reset_index(drop=True)
    _with_names(df, cat, lang)
    df["category"] = [cat.indicator(i).category for i in df["indicator"]]
    df["comparison"] = df["comparison"].astype(object).where(df["comparison"].notna(), None)
    labels = {"yoy": yoy.label(lang), "mom": seq.label(lang) if seq else None}
    df["prev_label"] = [labels.get(c) if c else None for c in df["comparison"]]
    for col in ("prev_value", "change"):
        df[col] = df[col].astype("float64")
    rate = df["unit"].isin(NON_ADDITIVE_UNITS) | (df["prev_value"] == 0)
    df["change_pct"] = (100.0 * df["change"] / df["prev_value"].abs()).where(~rate)
    df["period_label"] = period.label(lang)
    df["prev_illustrative"] = df["prev_illustrative"].fillna(False).astype(bool)
    return _result(df, KPI_COLUMNS, period)


RANKING_COLUMNS = [
    "rank",
    "park",
    "value",
    "qualifier",
    "display",
    "unit",
    "derived_from_chains",
    "n_chains",
    "illustrative",
]


def ranking(store: Store, f: Filters, indicator: str, lang: str = "zh", catalog: Catalog | None = None) -> pd.DataFrame:
    """Parks ranked on one indicator at the period in view; rank 1 = best, ties share."""
    cat = catalog or store.catalog
    period = resolve_period(store, f, cat)
    if period is None:
        return _result(None, RANKING_COLUMNS, None)
    params = _params(f, cat, [indicator], lang=lang) | _period_params([period])
    df = run(store, "q_ranking", params)
    df["unit"] = cat.indicator(indicator).unit
    return _result(df, RANKING_COLUMNS, period)


MATRIX_COLUMNS = [
    "park",
    "indicator",
    "name",
    "unit",
    "value",
    "qualifier",
    "display",
    "derived_from_chains",
    "n_chains",
    "illustrative",
]


def park_matrix(store: Store, f: Filters, lang: str = "zh", catalog: Catalog | None = None) -> pd.DataFrame:
    """Every selected park × indicator in scope at the period in view (long format, park then indicator)."""
    cat = catalog or store.catalog
    period = resolve_period(store, f, cat)
    if period is None:
        return _result(None, MATRIX_COLUMNS, None)
    params = _params(f, cat, scope_indicators(f, cat), lang=lang) | _period_params([period])
    df = run(store, "q_park_matrix", params)
    return _result(_with_names(df, cat, lang), MATRIX_COLUMNS, period)


SCORE_COLUMNS = ["park", "indicator", "name", "score", "value", "weight", "illustrative"]


def _score_params(f: Filters, cat: Catalog, weights: dict[str, float] | None, period: Period) -> dict:
    """The scores' parameters: the reference group is every park (park_values unfiltered), `selected` the view's."""
    group = Filters(
        period=f.period,
        chains=f.chains,
        category=f.category,
        indicators=f.indicators,
        include_illustrative=f.include_illustrative,
    )
    return (
        _params(group, cat, scope_indicators(f, cat), weights) | _period_params([period]) | {"selected": list(f.parks)}
    )


def normalised_scores(
    store: Store, f: Filters, lang: str = "zh", catalog: Catalog | None = None, weights: dict[str, float] | None = None
) -> pd.DataFrame:
    """Efficacy-coefficient scores 60-100 per indicator of the selected parks, against every park of the period
    (60 = the group's worst, 100 its best, direction-aware; 80 for all when nobody differs). See docs/METHOD.md."""
    cat = catalog or store.catalog
    period = resolve_period(store, f, cat)
    if period is None:
        return _result(None, SCORE_COLUMNS, None)
    df = run(store, "q_normalised_scores", _score_params(f, cat, weights, period))
    return _result(_with_names(df, cat, lang), SCORE_COLUMNS, period)


MEDIAN_COLUMNS = ["indicator", "name", "score", "n_parks"]


def score_medians(store: Store, f: Filters, lang: str = "zh", catalog: Catalog | None = None) -> pd.DataFrame:
    """The median score per indicator over every park of the period (the yardstick for one or two parks)."""
    cat = catalog or store.catalog
    period = resolve_period(store, f, cat)
    if period is None:
        return _result(None, MEDIAN_COLUMNS, None)
    df = run(store, "q_score_medians", _score_params(f, cat, None, period))
    return _result(_with_names(df, cat, lang), MEDIAN_COLUMNS, period)


COMPOSITE_COLUMNS = [
    "rank",
    "park",
    "index",
    "n_indicators",
    "n_indicators_available",
    "coverage",
    "scored",
    "illustrative",
]


def composite_index(
    store: Store,
    f: Filters,
    weights: dict[str, float] | None = None,
    catalog: Catalog | None = None,
    min_coverage: float | None = None,
) -> pd.DataFrame:
    """Parks ranked on the weighted mean of their efficacy-coefficient scores (catalog weights unless given;
    0 = left out). Only parks reporting at least `min_coverage` (default: the PARKDASH_INDEX_MIN_COVERAGE
    setting) of the weight are scored; the rest follow with index and rank NaN and scored False."""
    from metrics.config import index_min_coverage

    cat = catalog or store.catalog
    period = resolve_period(store, f, cat)
    if period is None:
        return _result(None, COMPOSITE_COLUMNS, None)
    share = index_min_coverage() if min_coverage is None else float(min_coverage)
    if not 0 <= share <= 1:
        raise ValueError(f"min_coverage must be within 0-1: {share}")
    params = _score_params(f, cat, weights, period) | {"min_coverage": share}
    df = run(store, "q_composite_index", params)
    df["rank"] = df["rank"].astype("float64")
    df["scored"] = df["scored"].astype(bool)
    out = _result(df, COMPOSITE_COLUMNS, period)
    out.attrs["min_coverage"] = share
    return out


CHAIN_COLUMNS = ["park", "chain", "value", "qualifier", "display", "rank_in_park", "rank_overall", "illustrative"]


def _chain_values(store: Store, f: Filters, indicator: str, lang: str, catalog: Catalog | None) -> pd.DataFrame:
    cat = catalog or store.catalog
    period = resolve_period(store, f, cat)
    if period is None:
        return _result(None, CHAIN_COLUMNS, None)
    params = _params(f, cat, [indicator], lang=lang) | {"start": period.start, "end": period.end}
    return _result(run(store, "q_chain_values", params), CHAIN_COLUMNS, period)


def chain_matrix(
    store: Store, f: Filters, indicator: str, lang: str = "zh", catalog: Catalog | None = None
) -> pd.DataFrame:
    """Chain figures of one indicator per park (f.chains empty = every chain), by park then rank."""
    df = _chain_values(store, f, indicator, lang, catalog)
    return _result(df, ["park", "chain", "value", "qualifier", "display", "illustrative"], df.attrs["period"])


def chain_ranking(
    store: Store, f: Filters, indicator: str, lang: str = "zh", catalog: Catalog | None = None
) -> pd.DataFrame:
    """Chain figures of one indicator ranked within each park and over all park × chain rows."""
    df = _chain_values(store, f, indicator, lang, catalog)
    columns = ["chain", "park", "value", "qualifier", "display", "rank_in_park", "rank_overall", "illustrative"]
    return _result(df, columns, df.attrs["period"])


TREND_COLUMNS = [
    "park",
    "period_start",
    "period_end",
    "period_label",
    "value",
    "qualifier",
    "display",
    "prev_value",
    "change",
    "growth_pct",
    "derived_from_chains",
    "illustrative",
]


def trend(
    store: Store, f: Filters, indicator: str, lang: str = "zh", catalog: Catalog | None = None, top: int | None = None
) -> pd.DataFrame:
    """One indicator per park over every period like the one in view, oldest first; growth_pct is YoY.

    `top` keeps only the parks ranked best on the period in view (ties kept): a chart of 500 lines
    says nothing, and the query then returns a few series instead of all.
    """
    cat = catalog or store.catalog
    periods = available_periods(store)  # once: both the period in view and its series come from it
    period = resolve_period(store, f, cat, periods)
    if period is None:
        return _result(None, TREND_COLUMNS, None)
    key = series_key(period)
    series = sorted({p for p in periods if series_key(p) == key} | {period})
    earlier = [year_earlier(p) for p in series]
    # Year-earlier spans share the series key, so whenever they hold data they are in the series too.
    params = _params(f, cat, [indicator], lang=lang) | _period_params(series)
    params |= {
        "prev_starts": [p.start for p in earlier],
        "prev_ends": [p.end for p in earlier],
        "cur_start": period.start,
        "cur_end": period.end,
        "top": top,
    }
    df = run(store, "q_trend", params)
    labels = {pd.Timestamp(p.end): p.label(lang) for p in series}  # a series never repeats an end date
    df["period_label"] = pd.to_datetime(df["period_end"]).map(labels)
    return _result(df, TREND_COLUMNS, period)


TABLE_COLUMNS = [*OBS_COLUMNS, "display", "period_label"]


def filtered_table(
    store: Store, f: Filters, lang: str = "zh", catalog: Catalog | None = None, limit: int | None = None
) -> pd.DataFrame:
    """The figures behind the view (whole-park and chain rows when no chain is selected), key-sorted.

    `limit` keeps the first rows only (for showing a page of a large table); attrs["n_total"] counts all.
    """
    cat = catalog or store.catalog
    period = resolve_period(store, f, cat)
    if period is None:
        out = _result(None, TABLE_COLUMNS, None)
        out.attrs["n_total"] = 0
        return out
    params = _params(f, cat, scope_indicators(f, cat), lang=lang) | {
        "start": period.start,
        "end": period.end,
        "limit": limit,
    }
    df = run(store, "q_filtered_table" if limit is None else "q_filtered_table_page", params)
    df["period_label"] = period.label(lang)
    out = _result(df, TABLE_COLUMNS, period)
    out.attrs["n_total"] = len(df) if limit is None else int(df["n_total"].iloc[0]) if len(df) else 0
    return out


def available_periods(store: Store) -> list[Period]:
    """Every period with data, newest first (latest end, then longest span)."""
    df = store.query(sql("q_available_periods"), {})
    return [_period_of(s, e) for s, e in zip(df["period_start"], df["period_end"], strict=True)]


def periods_with_data(
    store: Store, f: Filters, catalog: Catalog | None = None, chain_only: bool = False
) -> list[Period]:
    """Every period holding a figure in f's scope (parks, chains, indicators, basis; f.period ignored),
    newest first: what an empty view can offer instead. `chain_only`: only chain figures count."""
    cat = catalog or store.catalog
    params = _params(f, cat, scope_indicators(f, cat)) | {"chain_only": bool(chain_only)}
    df = run(store, "q_periods_in_scope", params)
    return [_period_of(s, e) for s, e in zip(df["period_start"], df["period_end"], strict=True)]


def nearest_period(periods: list[Period], to: Period | None) -> Period | None:
    """The period of `periods` closest to `to` (by end date, then the same span; the newer on a tie);
    the newest when `to` is None; None when there are none."""
    if not periods:
        return None
    if to is None:
        return max(periods, key=lambda p: (p.end, -p.start.toordinal()))
    same_kind = [p for p in periods if series_key(p) == series_key(to)] or periods
    return min(same_kind, key=lambda p: (abs((p.end - to.end).days), -p.end.toordinal()))


def period_coverage(store: Store, indicators: tuple[str, ...] | None = None) -> list[tuple[Period, int]]:
    """Every period with data (of `indicators`, when given: a family's) and its number of figures, newest first."""
    if indicators is None:
        df = store.query(sql("q_available_periods"), {})
    else:
        df = store.query(sql("q_available_periods_of"), {"indicators": list(indicators)})
    return [
        (_period_of(s, e), int(n))
        for s, e, n in zip(df["period_start"], df["period_end"], df["n_observations"], strict=True)
    ]


def default_period(coverage: list[tuple[Period, int]]) -> Period | None:
    """The period a view opens on: the newest holding at least half as many figures as the fullest one,
    so that a year with three early figures does not open as an almost empty view."""
    if not coverage:
        return None
    enough = max(n for _, n in coverage) / 2
    return next(p for p, n in coverage if n >= enough)


def period_kinds_available(store: Store) -> list[str]:
    """Kinds of period with data (year, half, quarter, ytd, month, custom), most recent kind first."""
    kinds: dict[str, None] = {}
    for p in available_periods(store):
        kinds.setdefault(p.kind, None)
    return list(kinds)


def available_parks(store: Store) -> list[str]:
    """Every park with data, by name."""
    return store.query(sql("q_available_parks"), {})["park"].tolist()


def available_chains(store: Store, parks: tuple[str, ...] | list[str] = ()) -> list[str]:
    """Every chain with data in the given parks (empty = all parks), by name."""
    return run(store, "q_available_chains", {"parks": list(parks)})["chain"].tolist()


def data_status(store: Store) -> dict:
    """n_observations, n_reported, n_illustrative, n_parks, latest_period, last_load_at, n_loads."""
    row = store.query(sql("q_data_status"), {}).iloc[0]
    latest = None if pd.isna(row["latest_start"]) else _period_of(row["latest_start"], row["latest_end"])
    last = None if pd.isna(row["last_load_at"]) else pd.Timestamp(row["last_load_at"]).to_pydatetime()
    return {
        "n_observations": int(row["n_observations"]),
        "n_reported": int(row["n_reported"] or 0),
        "n_illustrative": int(row["n_illustrative"] or 0),
        "n_parks": int(row["n_parks"]),
        "latest_period": latest,
        "last_load_at": last,
        "n_loads": int(row["n_loads"]),
    }


def observation_detail(
    store: Store, park: str, chain: str | None, period: Period, indicator: str, lang: str = "zh"
) -> dict | None:
    """One figure by its key with source, reference, basis, load file and time; None when absent."""
    chain = None if chain is None or _isna(chain) or chain == "" else chain  # a frame's missing chain
    df = run(
        store,
        "q_observation_detail",
        {"park": park, "chain": chain, "start": period.start, "end": period.end, "indicator": indicator},
    )
    if df.empty:
        return None
    rec = {k: (None if _isna(v) else v) for k, v in df.iloc[0].to_dict().items()}
    rec["period_start"], rec["period_end"] = period.start, period.end
    rec["period_label"] = period.label(lang)
    rec["display"] = display_value(rec["value"], rec["qualifier"], lang)
    if rec["loaded_at"] is not None:
        rec["loaded_at"] = pd.Timestamp(rec["loaded_at"]).to_pydatetime()
    return rec


def _isna(value) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


__all__ = [
    "Filters",
    "available_chains",
    "available_parks",
    "available_periods",
    "chain_matrix",
    "chain_ranking",
    "composite_index",
    "data_status",
    "display_value",
    "filtered_table",
    "format_number",
    "kpi_cards",
    "normalised_scores",
    "score_medians",
    "observation_detail",
    "park_matrix",
    "period_kinds_available",
    "periods_with_data",
    "nearest_period",
    "ranking",
    "resolve_period",
    "series_key",
    "target_progress",
    "target_totals",
    "trend",
]


TARGET_COLUMNS = [
    "rank",
    "park",
    "indicator",
    "name",
    "unit",
    "target",
    "target_qualifier",
    "target_display",
    "target_label",
    "actual",
    "actual_qualifier",
    "actual_display",
    "completion_pct",
    "time_pct",
    "gap_pts",
    "status",
    "lower_better",
    "illustrative",
]


def _target_displays(df: pd.DataFrame, lang: str) -> None:
    """Target and actual as shown (`110余`, `约20`), beside their values."""
    for col in ("target", "actual"):
        df[f"{col}_display"] = [display_value(v, q, lang) for v, q in zip(df[col], df[f"{col}_qualifier"], strict=True)]


def target_progress(store: Store, f: Filters, lang: str = "zh", catalog: Catalog | None = None) -> pd.DataFrame:
    """Target, actual, 完成率, 序时进度 and status per park × indicator with a target covering the period in
    view (see sql/q_target_progress.sql); ranked by 完成率 within each indicator (direction-aware)."""
    cat = catalog or store.catalog
    period = resolve_period(store, f, cat)
    if period is None:
        return _result(None, TARGET_COLUMNS, None)
    params = _params(f, cat, scope_indicators(f, cat), lang=lang) | _period_params([period])
    df = run(store, "q_target_progress", params)
    if df.empty:
        return _result(None, TARGET_COLUMNS, period)
    _with_names(df, cat, lang)
    _target_displays(df, lang)
    df["target_label"] = [
        _period_of(s, e).label(lang) for s, e in zip(df["target_start"], df["target_end"], strict=True)
    ]
    df["illustrative"] = df["target_illustrative"].astype(bool) | df["actual_illustrative"].astype(bool)
    for col in ("completion_pct", "time_pct", "gap_pts", "actual"):
        df[col] = df[col].astype("float64")
    df["status"] = df["status"].astype(object).where(df["status"].notna(), None)
    return _result(df, TARGET_COLUMNS, period)


TARGET_TOTAL_COLUMNS = [
    "indicator",
    "name",
    "unit",
    "n_parks",
    "target",
    "target_qualifier",
    "target_display",
    "actual",
    "actual_qualifier",
    "actual_display",
    "completion_pct",
    "time_pct",
    "gap_pts",
    "status",
    "illustrative",
]


def target_totals(store: Store, f: Filters, lang: str = "zh", catalog: Catalog | None = None) -> pd.DataFrame:
    """Per indicator with targets in view: target and actual over the parks having both, 完成率, 序时进度,
    gap and status (sql/q_target_totals.sql); catalog order."""
    cat = catalog or store.catalog
    period = resolve_period(store, f, cat)
    if period is None:
        return _result(None, TARGET_TOTAL_COLUMNS, None)
    params = _params(f, cat, scope_indicators(f, cat), lang=lang) | _period_params([period])
    df = run(store, "q_target_totals", params)
    if df.empty:
        return _result(None, TARGET_TOTAL_COLUMNS, period)
    order = {iid: n for n, iid in enumerate(params["indicators"])}
    df = df.sort_values("indicator", key=lambda s: s.map(order)).reset_index(drop=True)
    _with_names(df, cat, lang)
    _target_displays(df, lang)
    return _result(df, TARGET_TOTAL_COLUMNS, period)
