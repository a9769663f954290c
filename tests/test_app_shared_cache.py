"""Charts and tables shared by every viewer (ui/cache.shared): a new load shows at once, each language and filter
keeps its own, and one viewer's view never changes another's. AppTest sessions in one process share the caches,
as the sessions of one server do."""

# ruff: noqa: F811  (app_db is a fixture imported from app_data and requested by name)
from __future__ import annotations

import json

from app_data import DY, app_db, open_page, seed_replacement, specs  # noqa: F401

from ui.cache import content_key


def _ranking(at) -> dict:
    """The parks page's ranking bars: park -> value."""
    bars = specs(at)[0]["data"][0]
    return dict(zip(bars["y"], bars["x"], strict=True))


def test_a_load_by_another_process_shows_on_the_next_view_without_clearing_caches(app_db):
    from metrics.store import Store

    first = open_page("pages/parks.py", {"period": "2024"})
    assert _ranking(first)[DY] == 1100
    seed_replacement(Store(app_db))  # as the CLI would: no cache.clear() in this process

    assert _ranking(open_page("pages/parks.py", {"period": "2024"}))[DY] == 1200
    first.run()
    assert _ranking(first)[DY] == 1200


def test_each_language_and_period_gets_its_own_charts(app_db):
    zh = open_page("pages/parks.py", {"period": "2024"})
    en = open_page("pages/parks.py", {"period": "2024", "lang": "en"})
    other_year = open_page("pages/parks.py", {"period": "2023"})
    zh.run()

    titles = {name: [s["layout"]["title"]["text"] for s in specs(at)] for name, at in (("zh", zh), ("en", en))}
    assert titles["zh"] != titles["en"]
    assert all("Ranking" in t or "ranking" in t for t in titles["en"][:1])
    assert _ranking(other_year)[DY] == 1000 and _ranking(zh)[DY] == 1100


def test_a_viewer_gets_the_same_figure_as_the_one_before_it(app_db):
    one = open_page("pages/parks.py", {"period": "2024"})
    two = open_page("pages/parks.py", {"period": "2024"})
    assert [json.dumps(s, sort_keys=True) for s in specs(one)] == [json.dumps(s, sort_keys=True) for s in specs(two)]


def test_the_content_key_follows_cells_columns_and_attrs():
    import numpy as np
    import pandas as pd

    frame = pd.DataFrame({"park": [DY, "乙"], "value": [1.0, None]})
    assert content_key(frame) == content_key(frame.copy())
    changed = frame.copy()
    changed.loc[1, "value"] = 2.0
    renamed = frame.rename(columns={"value": "score"})
    with_attrs = frame.copy()
    with_attrs.attrs["places"] = [1, 1]
    keys = {content_key(f) for f in (frame, changed, renamed, with_attrs)}
    assert len(keys) == 4
    assert content_key((frame, "zh")) != content_key((frame, "en"))
    assert content_key({"parks": ("a", "b")}) != content_key({"parks": ("b", "a")})
    long = np.arange(5000.0)
    other = long.copy()
    other[2500] = -1.0  # in the middle, where repr() writes "..."
    assert content_key(long) != content_key(other) and content_key(long) == content_key(long.copy())
