"""Caching at the edge: one Store per database file, query results keyed on the data version."""

from __future__ import annotations

import threading

import streamlit as st

from metrics import queries
from metrics.config import db_path
from metrics.store import Store

_WARM = {"started": False}
_WARM_LOCK = threading.Lock()


@st.cache_resource(show_spinner=False)
def _store(path: str) -> Store:
    _warm_up_png()
    return Store(path)


def _warm_up_png() -> None:
    """Start the PNG browser in the background once per server process, so the first PNG does not wait ~2 s."""
    with _WARM_LOCK:
        if _WARM["started"]:
            return
        _WARM["started"] = True
    try:
        from metrics.render import warm_up_in_background
    except ImportError:  # no kaleido: PNG export says why where it is offered
        return
    warm_up_in_background()


def store() -> Store:
    """The shared Store of the configured database (PARKDASH_DB)."""
    return _store(str(db_path()))


@st.cache_data(show_spinner=False, max_entries=512)
def _run(name: str, path: str, version, key: str, _store, _args: tuple, _kwargs: dict):
    return getattr(queries, name)(_store, *_args, **_kwargs)


def query(name: str, store_: Store, version, *args, **kwargs):
    """`metrics.queries.<name>(store, *args, **kwargs)`, cached until the data version changes."""
    key = repr((args, sorted(kwargs.items())))
    return _run(name, str(db_path()), version, key, store_, args, kwargs)


@st.cache_data(show_spinner=False, max_entries=64)
def _lookup(name: str, path: str, version, key: str, _store, _args: tuple):
    return getattr(queries, name)(_store, *_args)


def lookup(name: str, store_: Store, version, *args):
    """A filter-free query (`available_periods`, `available_parks`, `data_status`...), cached."""
    return _lookup(name, str(db_path()), version, repr(args), store_, args)


@st.cache_data(show_spinner=False, max_entries=32)
def _coverage(path: str, version, indicators, _store):
    return queries.period_coverage(_store, indicators)


def period_coverage(store_: Store, version, indicators: tuple[str, ...] | None = None):
    """Every period with data (of `indicators` when given) and its number of figures, newest first (cached)."""
    return _coverage(str(db_path()), version, indicators, store_)


@st.cache_resource(show_spinner=False)
def png_status(lang: str = "zh") -> tuple[bool, str]:
    """Whether PNG export works here, and why not (checked once per process and language)."""
    from metrics.render import png_available

    return png_available(lang)


def clear() -> None:
    """Forget cached query results (after a load, undo or restore)."""
    st.cache_data.clear()
