"""Caching at the edge: one Store per database file, query results keyed on the data version."""

from __future__ import annotations

import streamlit as st

from metrics import queries
from metrics.config import db_path
from metrics.store import Store


@st.cache_resource(show_spinner=False)
def _store(path: str) -> Store:
    return Store(path)


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


@st.cache_data(show_spinner=False, max_entries=128)
def _has_illustrative(path: str, version, key: str, _store, _filters) -> bool:
    view = queries.filtered_table(_store, _filters)
    return bool((view["basis"] == "illustrative").any())


def has_illustrative(store_: Store, version, filters) -> bool:
    """Whether the figures in view include illustrative ones (cached as one bool, not the whole table)."""
    return _has_illustrative(str(db_path()), version, repr(filters), store_, filters)


@st.cache_data(show_spinner=False, max_entries=16)
def _coverage(path: str, version, _store):
    return queries.run(_store, "q_available_periods", {})


def period_coverage(store_: Store, version):
    """Every period with data and its figure count (period_start, period_end, n_observations), newest first."""
    return _coverage(str(db_path()), version, store_)


@st.cache_resource(show_spinner=False)
def png_status(lang: str = "zh") -> tuple[bool, str]:
    """Whether PNG export works here, and why not (checked once per process and language)."""
    from metrics.render import png_available

    return png_available(lang)


def clear() -> None:
    """Forget cached query results (after a load, undo or restore)."""
    st.cache_data.clear()
