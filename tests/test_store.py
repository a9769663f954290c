"""Store semantics on both backends (a real DuckDB file, a real shared store on PostgreSQL): load, unchanged,
replace, history, restore, undo, reject."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from parsed_factory import Y2024, bad_row, figure, parsed

from metrics.store import SCHEMA_VERSION, Store, StoreError

PARK_A, PARK_B = "东营经济技术开发区", "威海南海新区"
Q3 = (dt.date(2024, 7, 1), dt.date(2024, 9, 30))


def current(store: Store) -> list[tuple]:
    frame = store.observations_frame()
    return [
        (r.park, None if r.chain is None or r.chain != r.chain else r.chain, r.indicator, r.value, r.qualifier)
        for r in frame.itertuples()
    ]


def two_parks(revenue_a=100.0) -> list[dict]:
    return [
        figure(PARK_A, "revenue", revenue_a),
        figure(PARK_B, "revenue", 50),
        figure(PARK_A, "revenue", 30, chain="新材料"),
        figure(PARK_A, "national_platforms", 110, qualifier="at_least"),
    ]


def test_new_database_is_empty_and_has_a_schema_version(store_db):
    store = Store(store_db)
    assert store.is_empty()
    assert store.query("SELECT version FROM schema_version")["version"].tolist() == [SCHEMA_VERSION]
    assert Store(store_db).is_empty()  # reopening keeps the one schema row
    assert len(store.query("SELECT * FROM schema_version")) == 1


def test_load_stores_every_figure_with_its_load(store_db):
    store = Store(store_db)
    report = store.load(parsed("a.csv", two_parks()), actor="cli:test")
    assert (report.status, report.rows_loaded, report.rows_replaced, report.rows_unchanged) == ("loaded", 4, 0, 0)
    assert current(store) == [
        (PARK_A, None, "national_platforms", 110.0, "at_least"),
        (PARK_A, None, "revenue", 100.0, "exact"),
        (PARK_A, "新材料", "revenue", 30.0, "exact"),
        (PARK_B, None, "revenue", 50.0, "exact"),
    ]
    loads = store.loads()
    assert loads[["file_name", "status", "actor", "rows_loaded"]].values.tolist() == [
        ["a.csv", "loaded", "cli:test", 4]
    ]
    assert store.observations_frame()["load_id"].unique().tolist() == [report.load_id]
    assert store.audit()["action"].tolist() == ["load"]


def test_original_bytes_are_kept_beside_the_database(store_db):
    store = Store(store_db)
    file = parsed("报表.xlsx", two_parks(), data=b"original bytes")
    store.load(file)
    if store.shared:
        kept = Path(os.environ["PARKDASH_LAKE_DATA"]) / "files" / f"{file.content_sha256}.xlsx"
    else:
        kept = store_db.parent / f"{store_db.stem}_files" / f"{file.content_sha256}.xlsx"
    assert kept.read_bytes() == b"original bytes"
    assert store.loads()["kept_path"].tolist() == [str(kept)]


def test_same_file_twice_is_unchanged_and_writes_nothing(store_db):
    store = Store(store_db)
    store.load(parsed("a.csv", two_parks()))
    version = store.data_version()
    again = store.load(parsed("a.csv", two_parks()))
    assert (again.status, again.rows_loaded, again.load_id) == ("unchanged", 4, None)
    assert store.data_version() == version
    assert len(store.loads()) == 1


def test_same_values_under_another_name_are_unchanged(store_db):
    store = Store(store_db)
    store.load(parsed("a.csv", two_parks()))
    renamed = parsed("copy of a.xlsx", two_parks(), data=b"other bytes")
    report = store.load(renamed)
    assert (report.status, report.rows_unchanged) == ("unchanged", 4)
    assert set(store.observations_frame()["source"].str.split("!").str[0]) == {"a.csv"}


def test_changed_value_replaces_current_and_keeps_history(store_db):
    store = Store(store_db)
    first = store.load(parsed("a.csv", two_parks(100)))
    second = store.load(parsed("b.csv", two_parks(120) + [figure(PARK_B, "revenue", 60, period=Q3)]))
    assert (second.status, second.rows_loaded, second.rows_replaced, second.rows_unchanged) == ("loaded", 5, 1, 3)
    rows = store.query(
        "SELECT value, load_id FROM observations WHERE park = $p AND chain IS NULL AND indicator = 'revenue'",
        {"p": PARK_A},
    )
    assert rows.values.tolist() == [[120.0, second.load_id]]
    history = store.history(PARK_A, None, *Y2024, "revenue")
    assert history[["value", "load_id", "replaced_by_load", "replaced_by", "restored"]].values.tolist() == [
        [100.0, first.load_id, second.load_id, "load", False]
    ]
    # the chain figure with the same park/period/indicator is a different key: equal in both files, so the
    # second load restates it (it states it from now on; the first load's row is kept in the history)
    chain_history = store.history(PARK_A, "新材料", *Y2024, "revenue")
    assert chain_history[["load_id", "replaced_by_load", "replaced_by"]].values.tolist() == [
        [first.load_id, second.load_id, "load"]
    ]
    assert set(store.observations_frame()["load_id"]) == {second.load_id}


def test_restore_brings_back_old_value_and_keeps_the_displaced_one(store_db):
    store = Store(store_db)
    store.load(parsed("a.csv", two_parks(100)))
    store.load(parsed("b.csv", two_parks(120)))
    old = store.history(PARK_A, None, *Y2024, "revenue")
    store.restore(int(old["history_id"].iloc[0]), actor="analyst@s1")
    assert (PARK_A, None, "revenue", 100.0, "exact") in current(store)
    history = store.history(PARK_A, None, *Y2024, "revenue")
    assert history[["value", "replaced_by", "restored"]].values.tolist() == [
        [120.0, "restore", False],
        [100.0, "load", True],
    ]
    assert len(store.observations_frame()) == 4
    assert store.audit()[["action", "actor"]].values.tolist()[0] == ["restore", "analyst@s1"]
    with pytest.raises(StoreError):
        store.restore(999)


def test_undo_removes_a_load_and_brings_back_what_it_replaced(store_db):
    store = Store(store_db)
    store.load(parsed("a.csv", two_parks(100)))
    before = current(store)
    second = store.load(parsed("b.csv", two_parks(120) + [figure(PARK_B, "revenue", 60, period=Q3)]))
    detail = store.undo_load(second.load_id, actor="analyst@s1")
    # b.csv stated all 5 figures (3 of them equal to a.csv's); a.csv's 4 come back, the new one goes
    assert (detail["removed"], detail["brought_back"]) == (5, 4)
    assert current(store) == before
    assert store.loads().set_index("load_id").loc[second.load_id, "status"] == "undone"
    with pytest.raises(StoreError):
        store.undo_load(second.load_id)
    with pytest.raises(StoreError):
        store.undo_load(12345)
    # the same file can be loaded again after its undo
    assert store.load(parsed("b.csv", two_parks(120))).status == "loaded"


def test_undo_of_first_load_empties_keys_it_introduced(store_db):
    store = Store(store_db)
    report = store.load(parsed("a.csv", two_parks()))
    store.undo_load(report.load_id)
    assert store.is_empty()
    assert len(store.query("SELECT * FROM observation_history WHERE replaced_by = 'undo'")) == 4


def test_rejected_file_stores_nothing(store_db):
    store = Store(store_db)
    version = store.data_version()
    with_error = parsed("bad.csv", two_parks(), errors=[bad_row()])
    assert store.load(with_error).status == "rejected"
    assert store.load(parsed("x.xlsx", [], fatal="文件为空")).status == "rejected"
    empty = store.load(parsed("empty.csv", []))
    assert (empty.status, empty.fatal_en) == ("rejected", "No figures could be read from the file.")
    unknown = store.load(parsed("u.csv", [figure(PARK_A, "not_an_indicator", 1)]))
    assert unknown.status == "rejected" and "not_an_indicator" in unknown.fatal
    assert store.is_empty() and store.loads().empty and store.data_version() == version
    assert not store.files_dir.exists()


def test_skip_bad_rows_loads_the_valid_rows(store_db):
    store = Store(store_db)
    report = store.load(parsed("bad.csv", two_parks(), errors=[bad_row()]), skip_bad_rows=True)
    assert (report.status, report.rows_loaded, len(report.errors)) == ("loaded", 4, 1)
    assert len(store.observations_frame()) == 4


def test_whole_park_and_chain_figures_are_distinct_keys(store_db):
    store = Store(store_db)
    store.load(parsed("a.csv", [figure(PARK_A, "revenue", 1), figure(PARK_A, "revenue", 2, chain="新材料")]))
    store.load(parsed("b.csv", [figure(PARK_A, "revenue", 3)]))
    assert current(store) == [(PARK_A, None, "revenue", 3.0, "exact"), (PARK_A, "新材料", "revenue", 2.0, "exact")]
    # an empty chain cell is a whole-park figure, not a chain named ""
    report = store.load(parsed("c.csv", [figure(PARK_A, "revenue", 3, chain="")]))
    assert report.status == "unchanged"
    assert store.query("SELECT count(*) AS n FROM observations WHERE chain = ''")["n"].iloc[0] == 0


def test_a_key_twice_in_one_file_keeps_the_last_figure(store_db):
    store = Store(store_db)
    report = store.load(parsed("a.csv", [figure(PARK_A, "revenue", 1), figure(PARK_A, "revenue", 2)]))
    assert report.rows_loaded == 1
    assert current(store) == [(PARK_A, None, "revenue", 2.0, "exact")]


def test_qualifier_or_basis_change_is_a_replacement(store_db):
    store = Store(store_db)
    store.load(parsed("a.csv", [figure(PARK_A, "national_platforms", 110, qualifier="at_least")]))
    report = store.load(parsed("b.csv", [figure(PARK_A, "national_platforms", 110)]))
    assert (report.status, report.rows_replaced) == ("loaded", 1)
    report = store.load(parsed("c.csv", [figure(PARK_A, "national_platforms", 110, basis="illustrative")]))
    assert (report.status, report.rows_replaced) == ("loaded", 1)


HOSTILE = [
    "<script>alert(1)</script>园区",
    "'; DROP TABLE observations; --",
    '=HYPERLINK("http://x","点我")',
    'O\'Brien "quoted" 园区',
    "+1 园区",
    "-2 园区",
    "@SUM(A1)",
]


def test_hostile_names_are_stored_literally(store_db):
    store = Store(store_db)
    figures = [figure(name, "revenue", n, chain=name) for n, name in enumerate(HOSTILE)]
    assert store.load(parsed("h.csv", figures, data=b"h")).status == "loaded"
    frame = store.observations_frame()
    assert sorted(frame["park"]) == sorted(HOSTILE)
    assert sorted(frame["chain"]) == sorted(HOSTILE)
    assert len(store.history(HOSTILE[1], HOSTILE[1], *Y2024, "revenue")) == 0
    assert store.query("SELECT count(*) AS n FROM observations WHERE park = $p", {"p": HOSTILE[1]})["n"].iloc[0] == 1


def test_data_version_changes_on_every_committed_write(store_db):
    store = Store(store_db)
    seen = {store.data_version()}
    first = store.load(parsed("a.csv", two_parks(100)))
    seen.add(store.data_version())
    store.load(parsed("b.csv", two_parks(120)))
    seen.add(store.data_version())
    store.undo_load(first.load_id)
    seen.add(store.data_version())
    assert len(seen) == 4


def test_history_accepts_a_missing_chain_as_read_back_from_a_frame(store_db):
    store = Store(store_db)
    store.load(parsed("a.csv", two_parks(100)))
    store.load(parsed("b.csv", two_parks(120)))
    row = store.observations_frame().query("indicator == 'revenue' and park == @PARK_A").iloc[0]
    assert store.history(row["park"], row["chain"], row["period_start"], row["period_end"], "revenue")[
        "value"
    ].tolist() == [100.0]


def test_a_figure_the_schema_refuses_rejects_the_whole_file(store_db):
    store = Store(store_db)
    report = store.load(
        parsed("q.csv", [figure(PARK_A, "revenue", 1), figure(PARK_B, "revenue", 2, qualifier="bogus")])
    )
    assert report.status == "rejected" and "bogus" in report.fatal_en and "bogus" in report.fatal
    report = store.load(parsed("b.csv", [figure(PARK_A, "revenue", 1, basis="guessed")]))
    assert report.status == "rejected" and "guessed" in report.fatal_en
    assert store.is_empty() and store.loads().empty


def test_a_write_that_cannot_be_published_is_rejected_and_changes_nothing(db_path, monkeypatch):
    import errno
    import os

    from metrics import dbfile

    store = Store(db_path)
    store.load(parsed("a.csv", two_parks()))
    before, digest = current(store), db_path.read_bytes()

    def disk_full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(dbfile, "_fsync_path", disk_full)  # fails after the transaction, before publication
    report = store.load(parsed("b.csv", two_parks(revenue_a=999)))
    assert report.status == "rejected" and "磁盘空间不足" in report.fatal and "disk full" in report.fatal_en
    monkeypatch.setattr(dbfile.shutil, "copyfile", disk_full)  # fails before the transaction
    with pytest.raises(StoreError, match="disk full"):
        store.undo_load(1)
    monkeypatch.undo()
    assert db_path.read_bytes() == digest and current(store) == before
    assert sorted(p.name for p in db_path.parent.iterdir() if p.name.startswith(db_path.name)) == [
        db_path.name,
        db_path.name + ".lock",
    ]
    assert store.load(parsed("b.csv", two_parks(revenue_a=999))).status == "loaded"


def revenue_of_a(store: Store) -> float | None:
    values = [v for park, chain, ind, v, _ in current(store) if (park, chain, ind) == (PARK_A, None, "revenue")]
    return values[0] if values else None


def load_revenue(store: Store, name: str, value: float) -> int:
    report = store.load(parsed(name, [figure(PARK_A, "revenue", value)]))
    assert report.status == "loaded", report
    return report.load_id


@pytest.mark.parametrize(
    "undo_order, expected",
    [
        ((2, 3), 100.0),  # issue 15: the superseded load first, then the one that superseded it
        ((3, 2), 100.0),
        ((3,), 120.0),  # the latest statement still in effect, not the oldest
        ((2,), 130.0),  # a superseded load's undo changes nothing current
        ((1, 3), 120.0),
        ((3, 2, 1), None),  # nothing left states it
    ],
)
def test_undo_in_any_order_leaves_the_latest_load_not_undone(store_db, undo_order, expected):
    store = Store(store_db)
    ids = [load_revenue(store, f"{n}.csv", v) for n, v in enumerate((100, 120, 130), start=1)]
    for n in undo_order:
        store.undo_load(ids[n - 1])
    assert revenue_of_a(store) == expected


def test_a_restore_states_its_value_until_it_is_undone(store_db):
    store = Store(store_db)
    first = load_revenue(store, "a.csv", 100)
    load_revenue(store, "b.csv", 120)
    old = store.history(PARK_A, None, *Y2024, "revenue")
    restored = store.restore(int(old.loc[old["value"] == 100.0, "history_id"].iloc[0]))
    assert revenue_of_a(store) == 100.0
    store.undo_load(first)  # the load the value first came with: the restore still states it
    assert revenue_of_a(store) == 100.0
    store.undo_load(restored["load_id"])  # undoing the restore brings back the latest load not undone
    assert revenue_of_a(store) == 120.0
