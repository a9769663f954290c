"""Caching at the edge: one Store per database file, query results keyed on the data version."""

from __future__ import annotations

import gc
import hashlib
import pickle
import threading

import numpy as np
import pandas as pd
import streamlit as st

from metrics import charts, queries
from metrics.config import db_setting
from metrics.store import Store

_WARM = {"started": False}
_WARM_LOCK = threading.Lock()


@st.cache_resource(show_spinner=False)
def _store(path: str) -> Store:
    _warm_up_png()
    store = Store(path)
    _freeze_what_is_loaded()
    return store


def _freeze_what_is_loaded() -> None:
    """Once per process, on the first page run: move every object alive now (the modules of pandas, plotly,
    duckdb, streamlit and the app: ~130k objects) out of the garbage collector's reach. Streamlit runs a full
    gc.collect() after every page run (runner.postScriptGC, kept: it frees a run's garbage at once), which
    otherwise walks all of them each time: the largest single cost of a view in bench/bench_viewers.py's profile.
    Refcounting still frees them; only a reference cycle among them would stay (they live as long as the process)."""
    with _WARM_LOCK:
        if _WARM.get("frozen"):
            return
        _WARM["frozen"] = True
    gc.collect()
    gc.freeze()


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
    return _store(db_setting())


@st.cache_data(show_spinner=False, max_entries=512)
def _run(name: str, path: str, version, key: str, _store, _args: tuple, _kwargs: dict):
    return getattr(queries, name)(_store, *_args, **_kwargs)


def query(name: str, store_: Store, version, *args, **kwargs):
    """`metrics.queries.<name>(store, *args, **kwargs)`, cached until the data version changes."""
    key = repr((args, sorted(kwargs.items())))
    return _run(name, db_setting(), version, key, store_, args, kwargs)


@st.cache_data(show_spinner=False, max_entries=64)
def _lookup(name: str, path: str, version, key: str, _store, _args: tuple):
    return getattr(queries, name)(_store, *_args)


def lookup(name: str, store_: Store, version, *args):
    """A filter-free query (`available_periods`, `available_parks`, `data_status`...), cached."""
    return _lookup(name, db_setting(), version, repr(args), store_, args)


@st.cache_data(show_spinner=False, max_entries=32)
def _coverage(path: str, version, indicators, _store):
    return queries.period_coverage(_store, indicators)


def period_coverage(store_: Store, version, indicators: tuple[str, ...] | None = None):
    """Every period with data (of `indicators` when given) and its number of figures, newest first (cached)."""
    return _coverage(db_setting(), version, indicators, store_)


@st.cache_resource(show_spinner=False, max_entries=256)  # a figure object is ~0.2 MB: at most ~60 MB
def _shared(name: str, path: str, version, key: str, _fn, _args: tuple, _kwargs: dict):
    # cache_resource, not cache_data: every viewer gets the one object, no copy (copying a figure costs as much
    # as building it). Nothing mutates what it gets: st.plotly_chart serialises a figure, charts.with_footer
    # copies it, tables are copied before they are changed.
    return _fn(*_args, **_kwargs)


def shared(fn, version, *args, **kwargs):
    """`fn(*args, **kwargs)` of a pure function (a chart builder, a table's units), computed once for every viewer
    asking with the same arguments (frames by content; language, subtitle, filters are arguments) until the data
    version (figures and catalog, whose names and units these read) changes. Read-only: copy it to change it."""
    name = f"{fn.__module__}.{fn.__qualname__}"
    return _shared(name, db_setting(), version, content_key((args, kwargs)), fn, args, kwargs)


def figure(name: str, version, *args, **kwargs):
    """`metrics.charts.<name>(*args, **kwargs)`, shared by every viewer of the same figures (see `shared`)."""
    return shared(getattr(charts, name), version, *args, **kwargs)


def content_key(value) -> str:
    """A key naming `value` by content: frames by their columns, dtypes, attrs and a hash of their cells
    (pandas' own, ~8x faster here than Streamlit's hashing of a frame argument), containers element by element."""
    if isinstance(value, pd.DataFrame | pd.Series):
        try:
            cells = pd.util.hash_pandas_object(value, index=True).to_numpy().tobytes()
        except TypeError:  # cells pandas cannot hash (lists): their pickle
            cells = pickle.dumps(value.to_dict("split"))
        columns = (tuple(value.columns), tuple(map(str, value.dtypes))) if isinstance(value, pd.DataFrame) else ()
        digest = hashlib.blake2b(cells, digest_size=16).hexdigest()
        return f"frame{columns!r}{sorted(value.attrs.items(), key=repr)!r}{digest}"
    if isinstance(value, np.ndarray):  # its repr elides the middle of a long array
        return f"array{value.dtype}{value.shape}{hashlib.blake2b(value.tobytes(), digest_size=16).hexdigest()}"
    if isinstance(value, list | tuple):
        return f"{type(value).__name__}({','.join(content_key(v) for v in value)})"
    if isinstance(value, dict):
        return "{" + ",".join(f"{k!r}:{content_key(v)}" for k, v in sorted(value.items())) + "}"
    return repr(value)


@st.cache_resource(show_spinner=False)
def png_status(lang: str = "zh") -> tuple[bool, str]:
    """Whether PNG export works here, and why not (checked once per process and language)."""
    from metrics.render import png_available

    return png_available(lang)


def clear() -> None:
    """Forget cached query results (after a load, undo or restore)."""
    st.cache_data.clear()
