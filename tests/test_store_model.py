"""The store against its reference model (tests/store_model.py): random loads, reloads, undos in any order and
restores of any history entry; after every step the current figures, the history and the loads' statuses
must equal the model's. A modest run here; bench/bench_store_model.py runs thousands of sequences."""

from __future__ import annotations

import datetime as dt
import shutil

from hypothesis import HealthCheck, Phase, settings
from hypothesis.stateful import run_state_machine_as_test
from parsed_factory import figure, parsed
from store_model import StoreMachine

from metrics.store import Store

PARK = "东营经济技术开发区"


def test_undo_of_a_superseded_load_then_of_the_latest_brings_back_the_first(store_db):
    """The sequence of issue 15: 100, 120, 130; undo the second, then the third: 100 is current again."""
    store = Store(store_db)
    loads = [store.load(parsed(f"f{v}.csv", [figure(PARK, "revenue", v)])) for v in (100, 120, 130)]
    assert store.undo_load(loads[1].load_id)["brought_back"] == 0  # superseded: nothing of it is current
    detail = store.undo_load(loads[2].load_id)
    assert (detail["removed"], detail["brought_back"]) == (1, 1)
    current = store.observations_frame()
    assert current[["value", "load_id"]].values.tolist() == [[100.0, loads[0].load_id]]


def test_a_restore_is_an_event_that_can_be_undone(store_db):
    store = Store(store_db)
    first = store.load(parsed("a.csv", [figure(PARK, "revenue", 100)]))
    store.load(parsed("b.csv", [figure(PARK, "revenue", 120)]))
    old = int(store.history(PARK, None, dt.date(2024, 1, 1), dt.date(2024, 12, 31), "revenue")["history_id"].iloc[0])
    restore = store.restore(old, actor="analyst@s1")
    assert store.observations_frame()[["value", "load_id"]].values.tolist() == [[100.0, restore["load_id"]]]
    # undoing the load the restored value first came with leaves the restore in effect
    store.undo_load(first.load_id)
    assert store.observations_frame()["value"].tolist() == [100.0]
    # undoing the restore brings back what it displaced
    store.undo_load(restore["load_id"])
    assert store.observations_frame()["value"].tolist() == [120.0]
    events = store.loads().set_index("load_id")
    assert events.loc[restore["load_id"], ["kind", "status", "restored_history_id"]].tolist() == [
        "restore",
        "undone",
        old,
    ]


def test_an_equal_figure_restated_by_a_later_load_survives_the_undo_of_the_first(store_db):
    store = Store(store_db)
    first = store.load(parsed("a.csv", [figure(PARK, "revenue", 100), figure(PARK, "satisfaction", 90)]))
    second = store.load(parsed("b.csv", [figure(PARK, "revenue", 100), figure(PARK, "satisfaction", 95)]))
    assert (second.rows_replaced, second.rows_unchanged) == (1, 1)
    store.undo_load(first.load_id)
    assert sorted(store.observations_frame()["value"].tolist()) == [95.0, 100.0]


def test_reloading_a_file_whose_figures_were_superseded_makes_them_current_again(store_db):
    store = Store(store_db)
    a = parsed("a.csv", [figure(PARK, "revenue", 100)])
    store.load(a)
    store.load(parsed("b.csv", [figure(PARK, "revenue", 120)]))
    again = store.load(parsed("a.csv", [figure(PARK, "revenue", 100)]))
    assert (again.status, again.rows_replaced) == ("loaded", 1)
    assert store.observations_frame()["value"].tolist() == [100.0]
    # and the very same file once more changes nothing
    assert store.load(parsed("a.csv", [figure(PARK, "revenue", 100)])).status == "unchanged"


def test_a_database_of_schema_version_1_is_brought_up_to_date_on_open(db_path):
    import duckdb

    Store(db_path).load(parsed("a.csv", [figure(PARK, "revenue", 100)]))
    old = db_path.with_name("old.duckdb")
    shutil.copy(db_path, old)
    con = duckdb.connect(str(old))  # make it look like a file written before restores were events
    con.execute("ALTER TABLE loads DROP COLUMN kind")
    con.execute("ALTER TABLE loads DROP COLUMN restored_history_id")
    con.execute("DELETE FROM schema_version")
    con.execute("INSERT INTO schema_version VALUES (1, now())")
    con.close()
    reopened = Store(old)
    loads = reopened.loads()
    assert loads["kind"].tolist() == ["file"] and loads["restored_history_id"].isna().all()
    assert reopened.query("SELECT max(version) AS v FROM schema_version")["v"].iloc[0] == 2


StoreMachine.TestCase.settings = settings(
    max_examples=20,
    stateful_step_count=15,
    deadline=None,
    database=None,
    # No shrinking here: a failure prints its whole sequence at once (shrinking one took 6 minutes on this
    # machine); `make bench-store-model` runs long and shrinks.
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow],
)
test_store_follows_the_reference_model = StoreMachine.TestCase


def test_the_shared_store_follows_the_reference_model(postgres, monkeypatch):
    """The same machine on the shared store (DuckLake on the real PostgreSQL): fewer, shorter sequences,
    each write there costs ~0.1-1 s; the long run on files is `make bench-store-model`."""
    from metrics.lakestore import LAKE_PREFIX, LakeStore

    class LakeMachine(StoreMachine):
        def open_store(self, directory):
            self.setting = LAKE_PREFIX + postgres.new_lake(directory / "lake")
            monkeypatch.setenv("PARKDASH_LAKE_DATA", str(directory / "lake"))
            return Store(self.setting)

        def close_store(self):
            LakeStore.release(self.setting)
            postgres.drop_database(self.setting.removeprefix(LAKE_PREFIX))

    run_state_machine_as_test(
        LakeMachine,
        settings=settings(
            max_examples=3,
            stateful_step_count=8,
            deadline=None,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
