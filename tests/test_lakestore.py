"""The shared store (metrics/lakestore.py) on a real PostgreSQL: processes writing at once, a killed load,
readers that never wait, another server's commit seen, a commit conflict retried, the sample data."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from parsed_factory import figure, parsed
from test_concurrency import start_worker, wait_for_line, wait_for_pause

from metrics import queries
from metrics.config import database_missing
from metrics.lakestore import WRITER_LOCK_KEY, extension_path, schema_without_constraints
from metrics.sample import load_sample_data
from metrics.store import SQL_DIR, Store

A, B = "东营经济技术开发区", "威海南海新区"


def writer_lock_is_held(setting: str) -> bool:
    """Whether some session holds the writers' advisory lock (from PostgreSQL's own view of its locks)."""
    import psycopg

    with psycopg.connect(setting.removeprefix("ducklake:postgres:"), autocommit=True) as con:
        key = WRITER_LOCK_KEY
        row = con.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = %s AND objid = %s",
            ((key >> 32) & 0xFFFFFFFF, key & 0xFFFFFFFF),
        ).fetchone()
    return row[0] > 0


def test_two_processes_loading_at_once_both_land_and_one_waits(lake_db):
    Store(lake_db)
    first = start_worker(lake_db, "a.csv", "园区甲", 1, pause=600)
    wait_for_pause(first)
    assert writer_lock_is_held(lake_db)
    second = start_worker(lake_db, "b.csv", "园区乙", 2)
    wait_for_line(second, "WAITING Another load is in progress")
    assert second.poll() is None
    first.kill()  # dies inside its transaction: PostgreSQL ends its session and frees the advisory lock
    first.wait(timeout=60)
    out, err = second.communicate(timeout=120)
    assert json.loads(out)["status"] == "loaded", err
    again = start_worker(lake_db, "a.csv", "园区甲", 1)
    out, err = again.communicate(timeout=120)
    assert json.loads(out)["status"] == "loaded", err
    store = Store(lake_db)
    assert sorted(store.observations_frame()["park"].unique()) == ["园区乙", "园区甲"]
    assert store.loads()["load_id"].tolist() == [2, 1] and store.audit()["audit_id"].tolist() == [2, 1]


def test_two_processes_at_once_without_a_pause_both_land(lake_db):
    Store(lake_db)
    workers = [start_worker(lake_db, f"{n}.csv", f"园区{n}", n) for n in range(3)]
    for worker in workers:
        out, err = worker.communicate(timeout=180)
        assert json.loads(out)["status"] == "loaded", err
    store = Store(lake_db)
    assert sorted(store.observations_frame()["park"].unique()) == ["园区0", "园区1", "园区2"]
    assert sorted(store.loads()["load_id"]) == [1, 2, 3]


def test_a_killed_load_leaves_the_store_as_before_and_the_lock_free(lake_db):
    store = Store(lake_db)
    store.load(parsed("base.csv", [figure(A, "revenue", 1)]))
    before, loads_before, version = store.observations_frame(), store.loads(), store.data_version()
    worker = start_worker(lake_db, "killed.csv", A, 99, pause=600, extra_chains=2000)
    wait_for_pause(worker)
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=10)
    assert store.observations_frame().equals(before) and store.loads().equals(loads_before)
    assert store.data_version() == version
    assert not writer_lock_is_held(lake_db)
    assert store.load(parsed("next.csv", [figure(A, "revenue", 2)])).status == "loaded"


def test_readers_in_another_process_never_wait_for_a_load(lake_db):
    store = Store(lake_db)
    store.load(parsed("base.csv", [figure(A, "revenue", 1)]))
    worker = start_worker(lake_db, "big.csv", B, 7, pause=600, extra_chains=5000)
    try:
        wait_for_pause(worker)  # holds the writer lock and an open transaction with 5,002 figures
        seen = [int(store.query("SELECT count(*) AS n FROM observations")["n"].iloc[0]) for _ in range(10)]
        assert worker.poll() is None and writer_lock_is_held(lake_db)  # every read ran inside the load
        assert seen == [1] * 10  # and saw none of it
    finally:
        worker.kill()
        worker.wait(timeout=60)


def test_another_process_commit_changes_the_data_version_and_the_catalog(lake_db):
    store = Store(lake_db)
    version = store.data_version()
    assert "x_其他指标" not in {i.id for i in store.catalog.indicators}
    script = (
        "import sys; sys.path[:0] = sys.argv[1:3]; from metrics.store import Store; "
        "Store().add_indicators([{'name_zh': '其他指标', 'unit': '个'}], actor='server2')"
    )
    root = Path(__file__).resolve().parent.parent
    subprocess.run([sys.executable, "-c", script, str(root), str(root / "tests")], check=True, timeout=120)
    assert store.data_version() != version
    assert "其他指标" in {i.name_zh for i in store.catalog.indicators}  # the catalog cache keys on the snapshot


def test_a_commit_conflict_is_retried_once(lake_db):
    """Another client of the lake (outside the writers' lock) deletes the very figure a paused load replaces
    and commits first: DuckLake refuses the load's commit ("Transaction conflict"); the load runs once more,
    finds the figure gone (new then) and lands."""
    store = Store(lake_db)
    store.load(parsed("base.csv", [figure(A, "revenue", 1), figure(B, "revenue", 2)]))
    worker = start_worker(lake_db, "change.csv", A, 5, pause=15)  # each attempt pauses: room for the delete
    wait_for_pause(worker)
    other = duckdb.connect()  # a client of its own, like another tool using the lake
    for name in ("postgres_scanner", "ducklake"):
        other.execute(f"LOAD '{extension_path(name)}'")
    other.execute(f"ATTACH '{lake_db}' AS other (DATA_PATH '{os.environ['PARKDASH_LAKE_DATA']}/')")
    other.execute("DELETE FROM other.observations WHERE park = $p", {"p": A})
    other.close()
    assert worker.poll() is None  # the delete committed while the load was still paused
    out, err = worker.communicate(timeout=180)
    assert json.loads(out)["status"] == "loaded", err
    # wait_for_pause read the first attempt's line; a second one: the first commit was refused, the load ran again
    assert err.count("paused inside the load transaction") == 1
    revenue = store.observations_frame().query("indicator == 'revenue'")
    assert revenue[["park", "value"]].values.tolist() == [[A, 5.0], [B, 2.0]]
    assert store.loads()["rows_replaced"].tolist() == [0, 0]  # the retry found A's figure gone: new


def test_the_sample_data_loads_and_reads_the_same_on_both_backends(db_path, lake_db):
    file_store, lake_store = Store(db_path), Store(lake_db)
    for store in (file_store, lake_store):
        assert [r.status for r in load_sample_data(store)] == ["loaded", "unchanged", "loaded", "loaded"]
    assert lake_store.observations_frame().equals(file_store.observations_frame())
    f = queries.Filters(period=queries.default_period(queries.period_coverage(file_store)))
    for name in ("kpi_cards", "park_matrix", "target_progress"):
        file_result = getattr(queries, name)(file_store, f)
        assert not file_result.empty
        # sums may add in another order (other files, other threads): equal to the last bits of a double
        pd.testing.assert_frame_equal(getattr(queries, name)(lake_store, f), file_result, rtol=1e-12, obj=name)


def test_the_lake_schema_is_schema_sql_without_what_ducklake_cannot_hold():
    text = (SQL_DIR / "schema.sql").read_text(encoding="utf-8")
    lake = schema_without_constraints(text)
    assert "PRIMARY KEY" in text and "CHECK (" in text and "USING COMPRESSION" in text
    assert "PRIMARY KEY" not in lake and "CHECK (" not in lake and "USING COMPRESSION" not in lake
    assert lake.count("CREATE TABLE") == text.count("CREATE TABLE")
    con = duckdb.connect()
    con.execute(lake)  # still one valid script
    assert {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()} >= {
        "observations",
        "observation_history",
        "loads",
        "audit",
        "catalog_changes",
    }


def test_the_shared_store_without_its_data_directory_says_so(lake_db, monkeypatch):
    from metrics.dbfile import StoreError

    monkeypatch.delenv("PARKDASH_LAKE_DATA")
    with pytest.raises(StoreError) as refused:
        Store(lake_db)
    assert "PARKDASH_LAKE_DATA" in refused.value.message_zh and "PARKDASH_LAKE_DATA" in refused.value.message_en
    assert database_missing(lake_db) is None  # a shared store is never a missing file


def test_the_cli_loads_into_and_exports_from_the_shared_store(lake_db, tmp_path):
    from conftest import python_env

    source = tmp_path / "figures.csv"
    source.write_text("园区,统计期,指标,数值\n东营经济技术开发区,2024年,营业收入,12.5\n", encoding="utf-8")
    env = python_env(lake_db)
    ingest = subprocess.run(
        [sys.executable, "-m", "metrics", "ingest", str(source), "--json"], env=env, capture_output=True, text=True
    )
    assert ingest.returncode == 0, ingest.stderr
    assert json.loads(ingest.stdout.splitlines()[0])["status"] == "loaded"
    export = subprocess.run(
        [sys.executable, "-m", "metrics", "export", "--out", str(tmp_path / "out.csv")], env=env, capture_output=True
    )
    assert export.returncode == 0, export.stderr
    assert "东营经济技术开发区" in (tmp_path / "out.csv").read_text(encoding="utf-8-sig")


def test_deploy_postgres_starts_a_private_cluster_and_stops_it(postgres):
    """`python -m deploy.postgres start/stop` (the interface `make cluster` builds on): a conninfo that
    connects; starting a running cluster again gives the same conninfo; stop ends it."""
    import shutil
    import tempfile

    import psycopg

    root = Path(__file__).resolve().parent.parent
    directory = tempfile.mkdtemp(prefix="parkdash-pg-cli-")
    command = [sys.executable, "-m", "deploy.postgres"]
    try:
        first = subprocess.run(
            [*command, "start", "--dir", directory, "--port", "5434"], cwd=root, capture_output=True, text=True
        )
        assert first.returncode == 0, first.stderr
        conninfo = first.stdout.strip()
        assert conninfo == f"dbname=parkdash host={Path(directory).resolve()} port=5434 user=postgres"
        with psycopg.connect(conninfo) as con:
            assert con.execute("SELECT current_database()").fetchone() == ("parkdash",)
        again = subprocess.run(
            [*command, "start", "--dir", directory, "--port", "5434"], cwd=root, capture_output=True, text=True
        )
        assert (again.returncode, again.stdout.strip()) == (0, conninfo)
        stop = subprocess.run([*command, "stop", "--dir", directory], cwd=root, capture_output=True, text=True)
        assert stop.returncode == 0, stop.stderr
        with pytest.raises(psycopg.OperationalError):
            psycopg.connect(conninfo, connect_timeout=5)
    finally:
        subprocess.run([*command, "stop", "--dir", directory], cwd=root, capture_output=True)
        shutil.rmtree(directory, ignore_errors=True)


@pytest.mark.parametrize("page", ["dashboard.py", "pages/parks.py", "pages/data.py", "pages/catalog.py"])
def test_pages_run_on_the_shared_store_and_show_another_process_load_on_the_next_run(lake_db, page):
    from app_data import DY, open_page, seed

    seed(Store(lake_db))
    at = open_page(page)
    if page == "dashboard.py":
        cards = {m.label: m.value for m in at.metric}
        assert cards["营业收入（万元）"] == "2,580"
        # another server (here: a process) replaces Dongying's 2024 revenue 1100 -> 1200; the next run shows it
        out, err = start_worker(lake_db, "server2.csv", DY, 1200).communicate(timeout=120)
        assert json.loads(out)["status"] == "loaded", err
        at.run()
        assert not at.exception
        assert {m.label: m.value for m in at.metric}["营业收入（万元）"] == "2,680"
