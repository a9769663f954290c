"""Store.load's fast paths (keys known unique, every figure new) store exactly what the general path stores."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import pandas as pd
import pytest
from parsed_factory import Y2024, figure, parsed

from metrics.model import OBS_COLUMNS, ParsedFile
from metrics.store import Store

P1, P2, P3, P4 = "东营经济技术开发区", "威海南海新区", "潍坊滨海经济技术开发区", "烟台经济技术开发区"
H1 = (dt.date(2024, 1, 1), dt.date(2024, 6, 30))
INDICATORS = ("revenue", "national_platforms", "enterprises_visited")


def figures_of(park: str, value: float, chains=(None, "新材料"), periods=(Y2024, H1)) -> list[dict]:
    return [
        figure(park, indicator, value + n, chain=chain, period=period)
        for n, (chain, period, indicator) in enumerate((c, p, i) for c in chains for p in periods for i in INDICATORS)
    ]


def like_read_file(file: ParsedFile, keys_unique: bool = True) -> ParsedFile:
    """The same figures in the columns read_file gives: Categoricals (dates as date categories),
    Arrow-backed source texts, missing chain/reference as NaN."""
    frame = file.frame.copy()
    for col in OBS_COLUMNS:
        if col == "source":
            frame[col] = frame[col].astype(pd.StringDtype("pyarrow", na_value=np.nan))
        elif col != "value":
            frame[col] = frame[col].astype("category")
    return ParsedFile(frame=frame, report=file.report, data=file.data, keys_unique=keys_unique)


def snapshot(store: Store) -> dict[str, list]:
    """Every table's content, leaving out the clock and where the original files are kept."""
    key = "park, chain NULLS FIRST, period_start, period_end, indicator"
    history = "history_id, park, chain, period_start, period_end, indicator, value, qualifier, source, basis, "
    history += "reference, load_id, replaced_by_load, replaced_by, restored"
    loads = "load_id, file_name, content_sha256, actor, status, rows_loaded, rows_replaced, rows_unchanged, "
    loads += "missing, totals_skipped, report_json"
    return {
        "observations": store.query(f"SELECT * FROM observations ORDER BY {key}").values.tolist(),
        "history": store.query(f"SELECT {history} FROM observation_history ORDER BY history_id").values.tolist(),
        "loads": store.query(f"SELECT {loads} FROM loads ORDER BY load_id").values.tolist(),
        "audit": store.query("SELECT audit_id, actor, action, detail FROM audit ORDER BY audit_id").values.tolist(),
    }


def outcome(report) -> tuple:
    return (report.status, report.load_id, report.rows_loaded, report.rows_replaced, report.rows_unchanged)


@contextmanager
def general_path() -> Iterator[None]:
    """The fast paths turned off: duplicates searched by grouping, every figure compared."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Store, "_keys_distinct", staticmethod(lambda con, sql, keys_unique: False))
        patch.setattr(Store, "_all_new", staticmethod(lambda con, sql: False))
        yield


@pytest.fixture
def taken(monkeypatch) -> list[str]:
    """Names of the fast paths taken by the loads that follow."""
    seen: list[str] = []
    keys_distinct, all_new = Store._keys_distinct, Store._all_new

    def spy_keys(con, sql, keys_unique):
        result = keys_distinct(con, sql, keys_unique)
        seen.extend(["keys known unique"] if keys_unique else ["keys distinct"] if result else [])
        return result

    def spy_new(con, sql):
        result = all_new(con, sql)
        seen.extend(["all new"] if result else [])
        return result

    monkeypatch.setattr(Store, "_keys_distinct", staticmethod(spy_keys))
    monkeypatch.setattr(Store, "_all_new", staticmethod(spy_new))
    return seen


def test_every_step_stores_the_same_as_the_general_path(tmp_path, taken):
    fast, general = Store(tmp_path / "fast.duckdb"), Store(tmp_path / "general.duckdb")
    first = like_read_file(parsed("a.xlsx", figures_of(P1, 100) + figures_of(P2, 200)))
    new_park = like_read_file(parsed("b.xlsx", figures_of(P3, 300)))
    # P1: some values changed, some equal, a new chain; P4 is new
    changed = figures_of(P1, 100)[:6] + figures_of(P1, 150)[6:] + figures_of(P1, 1, chains=("化工",))
    mixed = like_read_file(parsed("c.xlsx", changed + figures_of(P4, 400)))
    twice = parsed("d.csv", [figure(P2, "revenue", 1), figure(P3, "revenue", 2), figure(P2, "revenue", 3)])
    steps = [
        (["keys known unique", "all new"], lambda s: s.load(first)),
        (["keys known unique", "all new"], lambda s: s.load(new_park)),
        (["keys known unique"], lambda s: s.load(mixed)),
        ([], lambda s: s.load(twice)),
        (["keys distinct"], lambda s: s.load(parsed("e.csv", [figure(P4, "revenue", 9)]))),
        ([], lambda s: s.undo_load(3)),
        ([], lambda s: s.restore(int(s.history(P1, "新材料", *H1, "enterprises_visited")["history_id"].iloc[0]))),
        (["keys known unique"], lambda s: s.load(mixed)),  # loaded again after its undo
    ]
    for expected_paths, step in steps:
        taken.clear()
        result = step(fast)
        assert taken == expected_paths
        with general_path():
            expected = step(general)
        if isinstance(result, dict):
            assert result == expected
        else:
            assert result.status == "loaded" and outcome(result) == outcome(expected)
        assert snapshot(fast) == snapshot(general)
    reports = general.loads().set_index("load_id")
    assert reports.loc[3, ["rows_loaded", "rows_replaced", "rows_unchanged"]].tolist() == [30, 6, 6]
    assert reports.loc[4, "rows_loaded"] == 2  # the key written twice counts once
    assert fast.query(
        "SELECT value FROM observations WHERE park = $p AND indicator = 'revenue' AND chain IS NULL "
        "AND period_start = DATE '2024-01-01' AND period_end = DATE '2024-12-31'",
        {"p": P2},
    )["value"].tolist() == [3.0]


@pytest.mark.parametrize("reader_columns", [False, True], ids=["object columns", "read_file columns"])
def test_keys_unique_true_or_false_store_the_same(tmp_path, reader_columns):
    figures = figures_of(P1, 10) + figures_of(P2, 20, chains=("新材料", "化工"))
    stores = []
    for keys_unique in (True, False):
        store = Store(tmp_path / f"{keys_unique}.duckdb")
        file = parsed("a.xlsx", figures)
        file = (
            like_read_file(file, keys_unique)
            if reader_columns
            else ParsedFile(frame=file.frame, report=file.report, data=file.data, keys_unique=keys_unique)
        )
        assert outcome(store.load(file)) == ("loaded", 1, len(figures), 0, 0)
        stores.append(store)
    assert snapshot(stores[0]) == snapshot(stores[1])


def test_read_file_columns_and_object_columns_store_the_same(tmp_path):
    figures = figures_of(P1, 10, chains=(None, "新材料", "")) + [figure(P2, "revenue", 5, reference="报告第3页")]
    plain, categorical = Store(tmp_path / "plain.duckdb"), Store(tmp_path / "categorical.duckdb")
    plain.load(parsed("a.xlsx", figures))
    categorical.load(like_read_file(parsed("a.xlsx", figures), keys_unique=False))
    assert snapshot(plain) == snapshot(categorical)
    assert plain.query("SELECT count(*) AS n FROM observations WHERE chain = ''")["n"].iloc[0] == 0


def test_a_key_twice_keeps_the_last_figure_whichever_way_its_chain_is_empty(tmp_path):
    store = Store(tmp_path / "a.duckdb")
    file = parsed(
        "a.csv", [figure(P1, "revenue", 1, chain=""), figure(P1, "revenue", 2), figure(P1, "revenue", 3, chain="")]
    )
    report = store.load(file)
    assert (report.rows_loaded, store.observations_frame()["value"].tolist()) == (1, [3.0])


def test_new_parks_into_a_non_empty_database_are_all_new(tmp_path, taken):
    store = Store(tmp_path / "a.duckdb")
    store.load(parsed("a.csv", figures_of(P1, 1)))
    taken.clear()
    report = store.load(parsed("b.csv", figures_of(P2, 1)))  # the same values, another park
    assert taken == ["keys distinct", "all new"]
    assert outcome(report) == ("loaded", 2, 12, 0, 0)
    assert len(store.observations_frame()) == 24 and store.query("SELECT * FROM observation_history").empty


def test_history_ids_follow_the_sequence_after_bulk_moves(tmp_path):
    store = Store(tmp_path / "a.duckdb")
    store.load(parsed("a.csv", figures_of(P1, 1) + figures_of(P2, 1)))
    second = store.load(parsed("b.csv", figures_of(P1, 2)))  # replaces P1's 12 figures
    ids = store.query("SELECT history_id FROM observation_history ORDER BY history_id")["history_id"].tolist()
    assert ids == list(range(1, 13))
    store.undo_load(second.load_id)  # 12 figures to the history, 12 brought back
    ids = store.query("SELECT history_id, replaced_by FROM observation_history ORDER BY history_id").values.tolist()
    assert ids == [[n, "load"] for n in range(1, 13)] + [[n, "undo"] for n in range(13, 25)]
    displaced = store.load(parsed("c.csv", figures_of(P2, 3)[:1]))
    assert displaced.rows_replaced == 1
    assert store.query("SELECT max(history_id) AS m FROM observation_history")["m"].iloc[0] == 25
    restored = int(store.history(P2, None, *Y2024, "revenue")["history_id"].iloc[0])
    store.restore(restored)  # the id after the ones the bulk inserts took
    assert store.query("SELECT max(history_id) AS m FROM observation_history")["m"].iloc[0] == 26


def test_a_nan_or_missing_value_is_refused(tmp_path):
    store = Store(tmp_path / "a.duckdb")
    frame = parsed("a.csv", [figure(P1, "revenue", 1), figure(P2, "revenue", 2)]).frame
    nan = frame.assign(value=[1.0, float("nan")])  # float64: shared with Arrow as it is
    missing = frame.assign(value=pd.Series([1.0, None], dtype=object))
    for bad in (nan, missing):
        report = store.load(ParsedFile(frame=bad, report=parsed("a.csv", []).report, data=b"x"))
        assert report.status == "rejected" and "lack a park, period, indicator or value" in report.fatal_en
    assert store.is_empty()
