"""Figures as every view shows them: each indicator's decimals (catalog), in the unit its charts use (亿元)."""

from __future__ import annotations

import math

import pandas as pd

SCALED_DECIMALS = 2  # money shown in 亿元 / M or bn CNY: 3,971.59亿元
SCALED_COLUMNS = ("value", "prev_value", "change")  # amounts in the indicator's unit (change_pct, growth_pct are %)
MISSING = "–"


def _catalog():
    """The catalog figures are labelled from (charts.active_catalog: a store's merged catalog when set)."""
    from metrics.charts import active_catalog  # charts imports this module

    return active_catalog()


def places(indicator: str | None, divisor: float = 1.0) -> int:
    """Decimal places of an indicator's figures; 2 when money is shown in a larger unit (divisor > 1)."""
    if divisor != 1:
        return SCALED_DECIMALS
    try:
        return _catalog().indicator(str(indicator)).places
    except KeyError:
        return 2


def number_text(value: object, decimals: int) -> str:
    """1,234.50 with `decimals` places, thousands separated; "" for a missing value; never -0."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    text = f"{float(value):,.{decimals}f}"
    return text[1:] if text.startswith("-") and not any(c in "123456789" for c in text) else text


def shown(value: object, qualifier: object, indicator: str | None, lang: str = "zh", divisor: float = 1.0) -> str:
    """A figure as shown: value / divisor with the indicator's places, qualifier kept (110余 / 110+, 约20 / ~20)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)) or not math.isfinite(float(value)):
        return MISSING
    text = number_text(float(value) / divisor, places(indicator, divisor))
    if qualifier == "at_least":
        return f"{text}+" if lang == "en" else f"{text}余"
    if qualifier == "approx":
        return f"~{text}" if lang == "en" else f"约{text}"
    return text


def _ids(df: pd.DataFrame, indicator: str | None) -> pd.Series:
    return df["indicator"] if "indicator" in df.columns else pd.Series([indicator] * len(df), index=df.index)


def in_view_units(
    df: pd.DataFrame, lang: str = "zh", indicator: str | None = None, like: pd.DataFrame | None = None
) -> tuple[pd.DataFrame, str | None]:
    """A view's table in the units of its charts: per indicator (its `indicator` column, else `indicator`), big
    money divided as the chart of the same rows divides it (亿元), `display` rewritten with the indicator's
    places, `unit` the shown unit. `like`: the rows the charts show, when `df` holds more (every park behind a
    download). Also returns the shown unit when the table has one indicator (None otherwise)."""
    from metrics.charts import money_scale  # charts imports this module

    if not len(df) or "value" not in df.columns:
        return df, None
    like = df if like is None or not len(like) else like
    ids, like_ids = _ids(df, indicator), _ids(like, indicator).to_numpy()
    out = df.copy()
    out.attrs = dict(df.attrs)
    row_places = [2] * len(df)  # decimals of each row's figures, for number formats in a download
    units: dict[str, str] = {}
    for ind in dict.fromkeys(ids):
        try:
            raw = _catalog().indicator(str(ind)).unit
        except KeyError:
            continue
        divisor, label = money_scale(like.loc[like_ids == ind, "value"], raw, lang)
        units[ind] = label
        mask = (ids == ind).to_numpy()
        for n in mask.nonzero()[0]:
            row_places[n] = places(ind, divisor)
        if divisor != 1:
            for column in (c for c in SCALED_COLUMNS if c in out.columns):
                out[column] = out[column].astype("float64")
                out.loc[mask, column] = pd.to_numeric(df.loc[mask, column], errors="coerce") / divisor
            if "unit" in out.columns:
                out.loc[mask, "unit"] = label
        if "display" in out.columns:
            quals = df.loc[mask, "qualifier"] if "qualifier" in df.columns else [None] * int(mask.sum())
            out.loc[mask, "display"] = [
                # A frame without qualifiers keeps its display text (110余) where no unit changes.
                d
                if "qualifier" not in df.columns and divisor == 1 and isinstance(d, str) and d
                else shown(v, q, ind, lang, divisor)
                for v, q, d in zip(df.loc[mask, "value"], quals, df.loc[mask, "display"], strict=True)
            ]
    out.attrs["places"] = row_places
    return out, (next(iter(units.values())) if len(units) == 1 else None)
