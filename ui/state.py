"""View state shared by all pages: kept in session state and mirrored to the URL.

Widget ids differ per page in Streamlit's pages mechanism, so widget values do not survive a page
switch by themselves. The canonical values live in `st.session_state[STATE]` (URL form); each
widget is re-seeded from there before it is drawn and writes back through `on_change`.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from metrics.periods import Period, parse_period

STATE = "_pd_state"
WRITTEN = "_pd_url_written"
LIST_KEYS = ("parks", "chains", "inds")
DEFAULTS: dict[str, object] = {
    "lang": "zh",
    "period": None,
    "parks": [],
    "chains": [],
    "family": "all",
    "illus": True,
    "weights": "",
    "ind": None,  # the indicator a single-indicator view shows
    "inds": [],  # the indicators the parks comparison shows
}


def period_token(period: Period | None) -> str | None:
    """A short, parseable URL form of a period: 2024, 2024 Q3, 2024-09, 2024 H1, 2024 Jan–Sep."""
    if period is None:
        return None
    if period.kind == "custom":
        return f"{period.start.isoformat()}~{period.end.isoformat()}"
    return period.label("en")


def parse_token(token: str | None) -> Period | None:
    """The period a URL token names; None when it names none."""
    if not token:
        return None
    if "~" in token:
        try:
            start, end = (dt.date.fromisoformat(p) for p in token.split("~", 1))
        except ValueError:
            return None
        return Period(start, end) if start <= end else None
    return parse_period(token)


def weights_token(weights: dict[str, float], defaults: dict[str, float]) -> str:
    """Only the weights that differ from the catalog, as `id:w,id:w`."""
    return ",".join(f"{k}:{v:g}" for k, v in sorted(weights.items()) if defaults.get(k) != v)


def parse_weights(token: str, defaults: dict[str, float]) -> dict[str, float]:
    """Catalog weights with the URL's overrides; unknown ids and bad numbers are ignored."""
    weights = dict(defaults)
    for part in (token or "").split(","):
        key, _, raw = part.partition(":")
        try:
            value = float(raw)
        except ValueError:
            continue
        if key in weights and 0 <= value <= 100:
            weights[key] = value
    return weights


def _from_url() -> dict[str, object]:
    """The state keys present in the URL, decoded."""
    params = st.query_params
    found: dict[str, object] = {}
    for key in DEFAULTS:
        if key not in params:
            continue
        if key in LIST_KEYS:
            found[key] = [v for v in params.get_all(key) if v]
        elif key == "illus":
            found[key] = params.get(key) not in ("0", "false", "no")
        elif key == "lang":
            found[key] = "en" if params.get(key) == "en" else "zh"
        else:
            found[key] = params.get(key) or None
    return found


def _url_dict() -> dict[str, list[str]]:
    return {k: st.query_params.get_all(k) for k in st.query_params}


def load() -> dict[str, object]:
    """The view state for this run: session state, overridden by a URL that someone else wrote."""
    state = st.session_state.setdefault(STATE, dict(DEFAULTS))
    url = _url_dict()
    if url and url != st.session_state.get(WRITTEN):
        state.update(_from_url())
    return state


def get(key: str):
    return st.session_state.setdefault(STATE, dict(DEFAULTS)).get(key, DEFAULTS.get(key))


def put(key: str, value) -> None:
    st.session_state.setdefault(STATE, dict(DEFAULTS))[key] = value


def encoded() -> dict[str, str | list[str]]:
    """The state in URL form, leaving out defaults so links stay short."""
    state = st.session_state.setdefault(STATE, dict(DEFAULTS))
    out: dict[str, str | list[str]] = {}
    for key, default in DEFAULTS.items():
        value = state.get(key, default)
        if value == default or value in (None, "", []):
            continue
        if key == "illus":
            out[key] = "0"
        else:
            out[key] = list(value) if key in LIST_KEYS else str(value)
    return out


def write_url() -> None:
    """Mirror the state into the address bar (only when it changed)."""
    want = encoded()
    as_lists = {k: (v if isinstance(v, list) else [v]) for k, v in want.items()}
    if as_lists != _url_dict():
        st.query_params.from_dict(want)
    st.session_state[WRITTEN] = as_lists


def bind(widget_key: str, state_key: str, valid=None) -> None:
    """Seed widget `widget_key` from the state before it is drawn (dropping values no longer valid)."""
    raw = value = get(state_key)
    if valid is not None:
        value = valid(raw)
        if value != raw and raw not in (None, "", []):
            put(state_key, value)  # drop what is no longer offered; a default stays out of the URL
    st.session_state[widget_key] = value


def keep(widget_key: str, state_key: str) -> None:
    """on_change callback: copy the widget's new value into the state."""
    put(state_key, st.session_state[widget_key])
