"""A KPI card's texts (figure, unit, change), written once for the cards, the briefing and the report."""

from __future__ import annotations

import math
from dataclasses import dataclass

from metrics import charts
from metrics.catalog import Catalog, default_catalog

MISSING = "–"


@dataclass(frozen=True)
class CardText:
    """What a KPI card shows, as text in one language."""

    value: str  # the figure as shown: `3,971.59`, `110余`, `~20`; big money scaled (亿元 / bn CNY)
    unit: str  # the unit the figure is shown in (亿元, 家, %)
    change: str | None  # `+7.2%` (relative), `-3.83 pp` (a rate), `+12` (no relative change); None: no comparison
    comparison: str | None  # `yoy` | `mom` | None
    prev_label: str | None  # the period compared with (2023年)
    exact: str  # the stored figure and unit when the shown one is scaled (`39,715,876万元`), else ""

    def value_with_unit(self, lang: str = "zh") -> str:
        """`110余家`, `3,971.59亿元`; English puts a space before a word unit (`397.16 bn CNY`, `92.57%`)."""
        if not self.unit:
            return self.value
        if lang == "en" and self.unit != "%":
            return f"{self.value} {self.unit}"
        return f"{self.value}{self.unit}"


def _known(x) -> bool:
    return x is not None and not (isinstance(x, float) and math.isnan(x))


def change_text(change_pct, change, unit: str, divisor: float = 1.0) -> str | None:
    """A card's change: relative (`+7.2%`) unless the indicator is a rate or has no relative change,
    then the difference in the shown unit (`-3.83 pp` for a rate, `+12` otherwise); None without one."""
    if _known(change_pct) and unit != "%":
        return f"{float(change_pct):+.1f}%"
    if _known(change):
        text = f"{float(change) / divisor:+,.2f}".rstrip("0").rstrip(".")
        return text + (" pp" if unit == "%" else "")
    return None


def card_text(card: dict, lang: str = "zh", catalog: Catalog | None = None) -> CardText:
    """The texts of one row of `queries.kpi_cards` (as a dict), as the KPI card shows them."""
    cat = catalog or default_catalog()
    ind = cat.indicator(card["indicator"])
    divisor, unit = charts.money_scale([card.get("value")], ind.unit, lang)
    display = card.get("display")
    shown = str(display) if display is not None and display != "" else MISSING
    exact = ""
    if divisor != 1:
        shown = charts.scaled_text(card.get("value"), card.get("qualifier"), divisor, lang)
        raw_unit = cat.unit_label(ind.unit, lang)
        exact = f"{display} {raw_unit}" if lang == "en" else f"{display}{raw_unit}"
    comparison = card.get("comparison") if card.get("comparison") in ("yoy", "mom") else None
    change = change_text(card.get("change_pct"), card.get("change"), ind.unit, divisor)
    return CardText(
        value=shown,
        unit=unit,
        change=change,
        comparison=comparison if change is not None else None,
        prev_label=card.get("prev_label") if change is not None else None,
        exact=exact,
    )
