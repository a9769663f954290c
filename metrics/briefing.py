"""The written briefing (数据解读): a few sentences over the query results the cards and tables show.

Deterministic templates, no language model: every number in the text is a number a card or a chart
of the same view shows, written by the same functions (metrics.cardtext for cards, the ranking chart's
scaling for parks, the trend table's one-decimal growth). Nothing is said that the frames do not hold.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from metrics import charts, numbers, queries
from metrics.cardtext import card_text
from metrics.catalog import Catalog, default_catalog

MAX_FAMILIES = 6  # totals of at most this many indicator families (the lead card of each)

_T = {
    "scope": ("{period}，{parks}，{chains}{family}。", "{period}; {parks}; {chains}{family}."),
    "all_parks": ("全部{n}个园区", "all {n} park{s}"),
    "some_parks": ("{names}（{n}个园区）", "{names} ({n} park{s})"),
    "whole_park": ("园区整体数据", "whole-park figures"),
    "chains": ("产业链：{names}", "chains: {names}"),
    "family": ("，指标类别：{name}", "; indicator family: {name}"),
    "sum": ("{name}合计{value}", "{name}: {value} in total"),
    "mean": ("{name}平均{value}", "{name}: {value} on average"),
    "change": ("，{word}{change}（对比{prev}，{n}个园区可比）", ", {change} {word} (vs {prev}, {n} park{s} compared)"),
    "change_short": ("，{word}{change}", ", {change} {word}"),
    "yoy": ("同比", "YoY"),
    "mom": ("环比", "vs previous period"),
    "no_change": ("（无可比数据）", " (no comparable figure)"),
    "totals": ("{items}。", "{items}."),
    "item_sep": ("；", "; "),
    "rise": ("升幅最大的指标是{name}（{change}）", "The largest rise is in {name} ({change})"),
    "fall": ("降幅最大的是{name}（{change}）", "the largest fall in {name} ({change})"),
    "fall_alone": ("降幅最大的指标是{name}（{change}）", "The largest fall is in {name} ({change})"),
    "rise_fall_join": ("，", "; "),
    "end": ("。", "."),
    "leader": (
        "按{name}，排名第一的是{first}（{first_value}），排名最后的是{last}（{last_value}）。",
        "On {name}, {first} ranks first ({first_value}) and {last} last ({last_value}).",
    ),
    "growth": (
        "{name}同比增长最快的是{top}（{top_growth}），最慢的是{bottom}（{bottom_growth}）。",
        "{name} grew fastest in {top} ({top_growth}) and slowest in {bottom} ({bottom_growth}) year on year.",
    ),
    "targets": (
        "目标进度（序时进度{time}）：{name}完成率最高的是{top}（{top_pct}，{top_status}），最低的是{bottom}（{bottom_pct}，{bottom_status}）；"
        "{n_ahead}个园区超序时，{n_on}个达序时，{n_behind}个落后序时。",
        "Targets (time progress {time}): on {name}, {top} has the highest completion ({top_pct}, {top_status}) and "
        "{bottom} the lowest ({bottom_pct}, {bottom_status}); {n_ahead} ahead of time progress, {n_on} on it, "
        "{n_behind} behind.",
    ),
    "target_one": (
        "目标进度（序时进度{time}）：{name}完成率为{top}{top_pct}（{top_status}）。",
        "Targets (time progress {time}): {top} has completed {top_pct} of its {name} target ({top_status}).",
    ),
    "gap": ("{status}{gap}个百分点", "{status} by {gap} points"),
    "gap_none": ("{status}", "{status}"),
    "illustrative": (
        "注意：{n}项指标含示意数据（用于演示，并非公开报告的数字），包括{names}。",
        "Note: illustrative figures (for demonstration, not published figures) went into {n} indicator{s}, "
        "among them {names}.",
    ),
    "reported": (
        "以上数字均为报告数据，不含示意数据。",
        "All figures above are reported figures; none is illustrative.",
    ),
    "empty": ("当前筛选条件下没有数据。", "No data for these filters."),
    "list_sep": ("、", ", "),
}
NAMES_LISTED = 4  # illustrative indicators named before "…"


def _t(key: str, lang: str) -> str:
    zh, en = _T[key]
    return en if lang == "en" else zh


def _s(n) -> str:
    """The English plural ending for a count (templates in Chinese ignore it)."""
    return "" if int(n) == 1 else "s"


@dataclass(frozen=True)
class Briefing:
    """The briefing's paragraphs (one per subject) in one language."""

    paragraphs: tuple[str, ...]
    lang: str

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


def lead_indicator(cards: pd.DataFrame) -> str | None:
    """The indicator the key ranking is on: the first card (catalog order) that is not a rate."""
    if cards.empty:
        return None
    for ind, unit in zip(cards["indicator"], cards["unit"], strict=True):
        if unit != "%":
            return ind
    return cards["indicator"].iloc[0]


def family_leads(cards: pd.DataFrame, catalog: Catalog) -> list[dict]:
    """Per indicator family (catalog order) with cards, its first card; at most MAX_FAMILIES."""
    leads = []
    for cat in catalog.categories:
        part = cards[cards["category"] == cat.id]
        if len(part):
            leads.append(part.iloc[0].to_dict())
    return leads[:MAX_FAMILIES]


def with_unit(text: str, unit: str, lang: str) -> str:
    """A figure as shown with its unit: 5.00亿元 / 500.00 M CNY / 19.5%."""
    if not unit:
        return text
    return f"{text} {unit}" if lang == "en" and unit != "%" else f"{text}{unit}"


def growth_text(growth_pct: float) -> str:
    """Growth as the trend table shows it (one decimal), signed: +13.6%."""
    return f"{float(growth_pct):+.1f}%"


def _scope(f: queries.Filters, cards: pd.DataFrame, catalog: Catalog, lang: str) -> str:
    period = cards["period_label"].iloc[0]
    n = int(cards["n_parks"].max())
    sep = _t("list_sep", lang)
    if f.parks:
        names = sep.join(str(charts.display_park(p, lang)) for p in f.parks)
        parks = _t("some_parks", lang).format(names=names, n=len(f.parks), s=_s(len(f.parks)))
    else:
        parks = _t("all_parks", lang).format(n=n, s=_s(n))
    chains = _t("chains", lang).format(names=sep.join(f.chains)) if f.chains else _t("whole_park", lang)
    family = _t("family", lang).format(name=catalog.category(f.category).name(lang)) if f.category else ""
    return _t("scope", lang).format(period=period, parks=parks, chains=chains, family=family)


def _totals(leads: list[dict], catalog: Catalog, lang: str) -> str:
    items = []
    for n, card in enumerate(leads):
        ct = card_text(card, lang, catalog)
        name = catalog.indicator(card["indicator"]).name(lang)
        key = "mean" if card.get("aggregation") == "mean" else "sum"
        item = _t(key, lang).format(name=name, value=ct.value_with_unit(lang))
        if ct.change is None:
            item += _t("no_change", lang)
        elif n == 0:  # the comparison said once, on the first item
            item += _t("change", lang).format(
                word=_t(ct.comparison, lang),
                change=ct.change,
                prev=ct.prev_label,
                n=int(card["n_parks_compared"]),
                s=_s(card["n_parks_compared"]),
            )
        else:
            item += _t("change_short", lang).format(word=_t(ct.comparison, lang), change=ct.change)
        items.append(item)
    return _t("totals", lang).format(items=_t("item_sep", lang).join(items))


def _rise_and_fall(cards: pd.DataFrame, catalog: Catalog, lang: str) -> str | None:
    """The cards with the largest relative rise and fall (rates, which have none, left out)."""
    rel = cards[cards["change_pct"].notna() & (cards["unit"] != "%")]
    if rel.empty:
        return None
    parts = []
    top, bottom = rel.loc[rel["change_pct"].idxmax()], rel.loc[rel["change_pct"].idxmin()]
    if top["change_pct"] > 0:
        ct = card_text(top.to_dict(), lang, catalog)
        parts.append(_t("rise", lang).format(name=catalog.indicator(top["indicator"]).name(lang), change=ct.change))
    if bottom["change_pct"] < 0:
        ct = card_text(bottom.to_dict(), lang, catalog)
        key = "fall" if parts else "fall_alone"
        parts.append(_t(key, lang).format(name=catalog.indicator(bottom["indicator"]).name(lang), change=ct.change))
    if not parts:
        return None
    return _t("rise_fall_join", lang).join(parts) + _t("end", lang)


def _leader(ranked: pd.DataFrame, indicator: str, catalog: Catalog, lang: str) -> str | None:
    ranked = ranked[ranked["value"].notna()].sort_values("rank", kind="stable")
    if len(ranked) < 2:
        return None
    ind = catalog.indicator(indicator)
    # As the ranking chart labels them: scaled (亿元) and with the indicator's decimals.
    shown, unit = numbers.in_view_units(ranked, lang, indicator)
    first, last = shown.iloc[0], shown.iloc[-1]
    return _t("leader", lang).format(
        name=ind.name(lang),
        first=charts.display_park(first["park"], lang),
        first_value=with_unit(first["display"], unit or "", lang),
        last=charts.display_park(last["park"], lang),
        last_value=with_unit(last["display"], unit or "", lang),
    )


def current_growth(trend: pd.DataFrame) -> pd.DataFrame:
    """The trend rows of the period in view that have a year-on-year growth."""
    period = trend.attrs.get("period")
    if period is None or trend.empty:
        return trend.iloc[0:0]
    end = pd.to_datetime(trend["period_end"]).dt.date
    start = pd.to_datetime(trend["period_start"]).dt.date
    return trend[(start == period.start) & (end == period.end) & trend["growth_pct"].notna()]


def _growth(trend: pd.DataFrame, indicator: str, catalog: Catalog, lang: str) -> str | None:
    now = current_growth(trend)
    if len(now) < 2 or catalog.indicator(indicator).unit == "%":
        return None
    now = now.sort_values(["growth_pct", "park"], ascending=[False, True], kind="stable")
    top, bottom = now.iloc[0], now.iloc[-1]
    return _t("growth", lang).format(
        name=catalog.indicator(indicator).name(lang),
        top=charts.display_park(top["park"], lang),
        top_growth=growth_text(top["growth_pct"]),
        bottom=charts.display_park(bottom["park"], lang),
        bottom_growth=growth_text(bottom["growth_pct"]),
    )


def _illustrative(cards: pd.DataFrame, catalog: Catalog, lang: str) -> str:
    flagged = cards[cards["illustrative"].fillna(False).astype(bool)]
    if flagged.empty:
        return _t("reported", lang)
    names = [catalog.indicator(i).name(lang) for i in flagged["indicator"]]
    listed = _t("list_sep", lang).join(names[:NAMES_LISTED]) + ("…" if len(names) > NAMES_LISTED else "")
    return _t("illustrative", lang).format(n=len(names), names=listed, s=_s(len(names)))


def pct_text(x: float) -> str:
    """A percentage as the 目标进度 table shows it (one decimal): 87.5%."""
    return f"{float(x):.1f}%"


def target_indicator(targets: pd.DataFrame, lead: str | None, catalog: Catalog) -> str | None:
    """The indicator the target sentence is about: the lead one when it has targets, else the first in catalog order."""
    with_actual = targets[targets["completion_pct"].notna()]
    if with_actual.empty:
        return None
    present = set(with_actual["indicator"])
    if lead in present:
        return lead
    return next(i for i in catalog.ids if i in present)


def _status_with_gap(row, lang: str) -> str:
    from metrics.target_chart import status_text

    status = status_text(row["status"], lang)
    if row["status"] == "on_track":
        return _t("gap_none", lang).format(status=status)
    return _t("gap", lang).format(status=status, gap=f"{abs(float(row['gap_pts'])):.1f}")


def _targets(targets: pd.DataFrame, lead: str | None, catalog: Catalog, lang: str) -> str | None:
    ind = target_indicator(targets, lead, catalog)
    if ind is None:
        return None
    rows = targets[(targets["indicator"] == ind) & targets["completion_pct"].notna()].sort_values(
        ["rank", "park"], kind="stable"
    )
    top, bottom = rows.iloc[0], rows.iloc[-1]
    times = "/".join(dict.fromkeys(pct_text(x) for x in rows["time_pct"]))
    fields = {
        "time": times,
        "name": catalog.indicator(ind).name(lang),
        "top": charts.display_park(top["park"], lang),
        "top_pct": pct_text(top["completion_pct"]),
        "top_status": _status_with_gap(top, lang),
    }
    if len(rows) == 1:
        return _t("target_one", lang).format(**fields)
    counts = rows["status"].value_counts()
    return _t("targets", lang).format(
        **fields,
        bottom=charts.display_park(bottom["park"], lang),
        bottom_pct=pct_text(bottom["completion_pct"]),
        bottom_status=_status_with_gap(bottom, lang),
        n_ahead=int(counts.get("ahead", 0)),
        n_on=int(counts.get("on_track", 0)),
        n_behind=int(counts.get("behind", 0)),
    )


@dataclass(frozen=True)
class BriefingInputs:
    """The query results a briefing is written from (the same frames the overview and 目标进度 show)."""

    cards: pd.DataFrame
    ranking: pd.DataFrame | None
    trend: pd.DataFrame | None
    lead: str | None
    targets: pd.DataFrame | None = None


def briefing_inputs(store, f: queries.Filters, lang: str = "zh", catalog: Catalog | None = None) -> BriefingInputs:
    """Run the queries the briefing reads: the KPI cards, the ranking and trend of the lead indicator, targets."""
    cat = catalog or store.catalog
    cards = queries.kpi_cards(store, f, lang, cat)
    lead = lead_indicator(cards)
    if lead is None:
        return BriefingInputs(cards, None, None, None)
    period = cards.attrs["period"]
    fixed = queries.Filters(period, f.parks, f.chains, f.category, f.indicators, f.include_illustrative)
    return BriefingInputs(
        cards,
        queries.ranking(store, fixed, lead, lang, cat),
        queries.trend(store, fixed, lead, lang, cat),
        lead,
        queries.target_progress(store, fixed, lang, cat),
    )


def write_briefing(
    inputs: BriefingInputs, f: queries.Filters, lang: str = "zh", catalog: Catalog | None = None
) -> Briefing:
    """The briefing text from query results (pure: no database)."""
    cat = catalog or default_catalog()
    cards = inputs.cards
    if cards.empty or inputs.lead is None:
        return Briefing((_t("empty", lang),), lang)
    paragraphs: list[str | None] = [
        _scope(f, cards, cat, lang),
        _totals(family_leads(cards, cat), cat, lang),
        _rise_and_fall(cards, cat, lang),
        _leader(inputs.ranking, inputs.lead, cat, lang) if inputs.ranking is not None else None,
        _growth(inputs.trend, inputs.lead, cat, lang) if inputs.trend is not None else None,
        _targets(inputs.targets, inputs.lead, cat, lang)
        if inputs.targets is not None and len(inputs.targets)
        else None,
        _illustrative(cards, cat, lang),
    ]
    return Briefing(tuple(p for p in paragraphs if p), lang)


def briefing(store, f: queries.Filters, lang: str = "zh", catalog: Catalog | None = None) -> Briefing:
    """The briefing for a view: its queries, then the text (the store's merged catalog unless given)."""
    cat = catalog or store.catalog
    return write_briefing(briefing_inputs(store, f, lang, cat), f, lang, cat)


__all__ = ["Briefing", "BriefingInputs", "briefing", "briefing_inputs", "write_briefing"]
